"""Checker specs: rule, llm, rule+llm, none; clear errors for everything else."""

from __future__ import annotations

import pytest

from cmat.agents.checkers import ChainChecker, LLMChecker, SQLRuleChecker, make_checker
from cmat.errors import ConfigError


def test_specs_build_the_right_checkers() -> None:
    assert isinstance(make_checker("rule", env="dbbench"), SQLRuleChecker)
    assert isinstance(make_checker("llm", env="dbbench"), LLMChecker)
    combined = make_checker("rule+llm", env="dbbench")
    assert isinstance(combined, ChainChecker)
    assert [c.name for c in combined.checkers] == ["rule", "llm"]
    assert make_checker("none", env="dbbench") is None
    assert make_checker("none", env="os", llm_available=False) is None


def test_unknown_spec_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown checker 'rules'.*'rule'.*'llm'.*'rule\+llm'.*'none'"):
        make_checker("rules", env="dbbench")


@pytest.mark.parametrize("spec", ["rule", "rule+llm"])
def test_rule_needs_an_environment_with_a_rule_checker(spec: str) -> None:
    with pytest.raises(ConfigError, match=r"environment 'webshop' has none.*dbbench, os"):
        make_checker(spec, env="webshop")


@pytest.mark.parametrize("spec", ["llm", "rule+llm"])
def test_llm_needs_a_model(spec: str) -> None:
    with pytest.raises(ConfigError, match="no model is available"):
        make_checker(spec, env="dbbench", llm_available=False)


def test_llm_checker_works_for_any_environment() -> None:
    assert isinstance(make_checker("llm", env="os"), LLMChecker)


def test_llm_checker_gets_the_environments_system_prompt_when_there_is_one() -> None:
    dbbench = make_checker("llm", env="dbbench")
    assert isinstance(dbbench, LLMChecker) and dbbench.system_prompt == "checker_system_dbbench"
    shell = make_checker("llm", env="os")
    assert isinstance(shell, LLMChecker) and shell.system_prompt == "checker_system_os"
    other = make_checker("llm", env="webshop")
    assert isinstance(other, LLMChecker) and other.system_prompt == "checker_system"
