"""Retry triggers: eval mode never looks at the gold verdict, train mode may."""

from __future__ import annotations

import pytest

from cmat.errors import ConfigError
from cmat.reflection import TRAIN_ONLY, TRIGGERS, failure_trigger
from cmat.types import Outcome

SQL_ERR = "1054 (42S22): Unknown column 'Foo' in 'field list'"


@pytest.mark.parametrize(
    ("outcome", "last", "rejected", "correct", "eval_trigger", "train_trigger"),
    [
        ("completed", "[(1,)]", False, True, None, None),
        ("completed", "[(1,)]", False, False, None, "wrong_answer"),  # gold verdict: train only
        ("completed", "[(1,)]", False, None, None, None),
        ("completed", SQL_ERR, False, True, "sql_error", "sql_error"),
        ("completed", "[(1,)]", True, True, "checker_rejected", "checker_rejected"),
        ("invalid_format", "", False, False, "invalid_format", "invalid_format"),
        ("invalid_action", "", False, None, "invalid_action", "invalid_action"),
        (Outcome.TASK_LIMIT_REACHED, "[(1,)]", False, None, "task_limit_reached", "task_limit_reached"),
        ("context_limit", "", False, None, "context_limit", "context_limit"),
        ("error", "", False, None, "error", "error"),
    ],
)
def test_eval_and_train_triggers(
    outcome: str | Outcome,
    last: str,
    rejected: bool,
    correct: bool | None,
    eval_trigger: str | None,
    train_trigger: str | None,
) -> None:
    assert failure_trigger(outcome, last, rejected, "eval", correct) == eval_trigger
    assert failure_trigger(outcome, last, rejected, "train", correct) == train_trigger


def test_eval_mode_never_returns_a_train_only_trigger() -> None:
    for outcome in Outcome:
        for last in ("", SQL_ERR):
            for rejected in (False, True):
                trigger = failure_trigger(outcome, last, rejected, "eval", correct=False)
                assert trigger not in TRAIN_ONLY
                assert trigger is None or trigger in TRIGGERS


def test_bad_mode_or_outcome_raise() -> None:
    with pytest.raises(ConfigError, match="unknown mode"):
        failure_trigger("completed", "", False, "test", None)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="unknown outcome 'done'"):
        failure_trigger("done", "", False, "eval", None)
