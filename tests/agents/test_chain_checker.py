"""rule+llm: the first rejection wins and the model is not asked after a rule rejection."""

from __future__ import annotations

import pytest
from checker_helpers import make_ctx, operation

from cmat.agents.checker_base import Verdict
from cmat.agents.checkers import ChainChecker, LLMChecker, SQLRuleChecker
from cmat.types import Completion


def chain() -> ChainChecker:
    return ChainChecker([SQLRuleChecker(), LLMChecker()])


def test_name_joins_the_parts() -> None:
    assert chain().name == "rule+llm"


def test_rule_rejection_short_circuits_without_asking_the_model() -> None:
    gen = chain().check(make_ctx(operation("UPDATE race_results SET Team = 'X'")))
    with pytest.raises(StopIteration) as stop:
        next(gen)  # no conversation is yielded: the model is never asked
    verdict = stop.value.value
    assert not verdict.approve and verdict.checker == "rule" and verdict.details["rule"] == "no_where"


def test_rule_approval_asks_the_model_whose_rejection_wins() -> None:
    gen = chain().check(make_ctx(operation("SELECT Team FROM race_results")))
    conversation = next(gen)
    assert conversation[0].role == "system"
    with pytest.raises(StopIteration) as stop:
        gen.send(Completion("VERDICT: REJECT\nFEEDBACK: filter by Class"))
    assert stop.value.value.checker == "llm"
    assert stop.value.value.feedback == "filter by Class"


def test_all_approve_keeps_each_checkers_details() -> None:
    gen = chain().check(make_ctx(operation("SELECT Team FROM race_results")))
    next(gen)
    with pytest.raises(StopIteration) as stop:
        gen.send(Completion("no idea"))
    verdict: Verdict = stop.value.value
    assert verdict.approve and verdict.checker == "rule+llm"
    assert verdict.details["llm"]["unparsed"] is True  # type: ignore[index]


def test_empty_chain_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        ChainChecker([])
