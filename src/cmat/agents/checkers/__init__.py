"""Checkers (critics) that verify an action before the environment runs it.

``make_checker(spec, env=...)`` builds one from a spec:

* ``rule``     -- the environment's deterministic rule checker (DBBench: :class:`SQLRuleChecker`,
  OS: :class:`~cmat.agents.checkers.shell_rule.ShellRuleChecker`);
* ``llm``      -- :class:`LLMChecker`, the model asked as critic;
* ``rule+llm`` -- both, rules first (:class:`ChainChecker`);
* ``none``     -- no checker (returns None).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields, is_dataclass

from cmat.agents.checker_base import Checker
from cmat.agents.checkers.base import no_model
from cmat.agents.checkers.combined import ChainChecker
from cmat.agents.checkers.llm_checker import LLMChecker, parse_verdict
from cmat.agents.checkers.sql_rule import SQLRuleChecker, sql_error
from cmat.agents.templates import exists
from cmat.errors import ConfigError

CHECKER_SPECS: dict[str, str] = {
    "rule": "the environment's deterministic rule checker (no model calls)",
    "llm": "the model itself asked as critic",
    "rule+llm": "rules first; the model is asked only when the rules approve",
    "none": "no checker: every action goes straight to the environment",
}

def _shell_rule() -> Checker:
    from cmat.agents.checkers.shell_rule import ShellRuleChecker

    return ShellRuleChecker()


RULE_CHECKERS: dict[str, Callable[[], Checker]] = {"dbbench": SQLRuleChecker, "os": _shell_rule}


def rule_switches(checker: Checker) -> list[str]:
    """The checks a rule checker can switch off: its ``check_<name>`` fields, by name."""
    return sorted(f.name.removeprefix("check_") for f in fields(checker)
                  if f.name.startswith("check_")) if is_dataclass(checker) else []


def _rule(env: str, spec: str, off: Sequence[str] = ()) -> Checker:
    if env not in RULE_CHECKERS:
        known = ", ".join(sorted(RULE_CHECKERS))
        raise ConfigError(
            f"checker '{spec}' needs a rule checker, and environment '{env}' has none "
            f"(environments with one: {known}); use 'llm' or 'none'"
        )
    checker = RULE_CHECKERS[env]()
    valid = rule_switches(checker)
    for name in off:
        if name not in valid:
            raise ConfigError(f"the {env} rule checker has no check '{name}'; checks: {', '.join(valid)}")
        setattr(checker, f"check_{name}", False)
    return checker


def _llm(env: str) -> LLMChecker:
    """The LLM checker, with the environment's own system prompt when there is one.

    ``checker_system_<env>.txt`` states the environment's action protocol, which the critic
    cannot see otherwise (its excerpt starts after the instructions).
    """
    specific = f"checker_system_{env}"
    return LLMChecker(system_prompt=specific) if exists(specific) else LLMChecker()


def make_checker(spec: str, *, env: str, llm_available: bool = True, rules_off: Sequence[str] = ()) -> Checker | None:
    """The checker named by ``spec`` for environment ``env``; None for ``none``. ``rules_off``
    names rule checks to switch off (:func:`rule_switches`, e.g. ``numbers``).

    Raises :class:`ConfigError` for an unknown spec, for ``rule`` on an environment without a
    rule checker, for an unknown or unusable ``rules_off`` name, and for ``llm`` when no model is
    available to ask.
    """
    if spec not in CHECKER_SPECS:
        valid = "; ".join(f"'{k}' ({v})" for k, v in CHECKER_SPECS.items())
        raise ConfigError(f"unknown checker '{spec}'; valid checkers: {valid}")
    if rules_off and "rule" not in spec.split("+"):
        raise ConfigError(f"rule checks can only be switched off with a rule checker, not '{spec}'")
    if spec == "none":
        return None
    if "llm" in spec.split("+") and not llm_available:
        raise ConfigError(f"checker '{spec}' asks the model as critic, but no model is available")
    if spec == "rule":
        return _rule(env, spec, rules_off)
    if spec == "llm":
        return _llm(env)
    return ChainChecker([_rule(env, spec, rules_off), _llm(env)])


__all__ = [
    "CHECKER_SPECS",
    "RULE_CHECKERS",
    "ChainChecker",
    "LLMChecker",
    "SQLRuleChecker",
    "make_checker",
    "no_model",
    "parse_verdict",
    "rule_switches",
    "sql_error",
]
