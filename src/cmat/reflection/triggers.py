"""When a failed attempt may be retried with a reflection, and under what name.

The rule that matters is what the agent may *know*. In ``eval`` mode a retry may only be
triggered by signals available without the gold answer: how the episode ended (an invalid
reply, the round or context limit, an error), a database error in the last observation, or the
checker still rejecting the final action. Letting the judge's verdict trigger retries at
evaluation time would leak the answer (retry until correct) and inflate the score. In
``train`` mode the environment's verdict may trigger too: that is the feedback we learn from.
"""

from __future__ import annotations

from typing import Literal

from cmat.agents.checkers.sql_rule import sql_error
from cmat.errors import ConfigError
from cmat.types import Outcome

Mode = Literal["eval", "train"]

SQL_ERROR = "sql_error"
CHECKER_REJECTED = "checker_rejected"
WRONG_ANSWER = "wrong_answer"

#: Every trigger name, in the order :func:`failure_trigger` considers them.
TRIGGERS: tuple[str, ...] = (
    *(o.value for o in Outcome if o is not Outcome.COMPLETED),
    SQL_ERROR,
    CHECKER_REJECTED,
    WRONG_ANSWER,
)
#: Triggers that need the gold answer; never returned in ``eval`` mode.
TRAIN_ONLY: frozenset[str] = frozenset({WRONG_ANSWER})


def failure_trigger(
    outcome: str | Outcome,
    last_observation: str,
    verdict_rejected: bool,
    mode: Mode,
    correct: bool | None = None,
) -> str | None:
    """The reason to reflect and retry, or None when the attempt gives none.

    ``outcome`` is the episode's :class:`Outcome` (or its value), ``last_observation`` the last
    environment message, ``verdict_rejected`` whether the checker's final verdict on the last
    action was a rejection, ``correct`` the judge's verdict (read in ``train`` mode only).
    """
    if mode not in ("eval", "train"):
        raise ConfigError(f"unknown mode '{mode}'; valid modes: 'eval', 'train'")
    try:
        ended = Outcome(outcome)
    except ValueError as exc:
        valid = ", ".join(o.value for o in Outcome)
        raise ConfigError(f"unknown outcome '{outcome}'; valid outcomes: {valid}") from exc
    if ended is not Outcome.COMPLETED:
        return ended.value
    if sql_error(last_observation or "") is not None:
        return SQL_ERROR
    if verdict_rejected:
        return CHECKER_REJECTED
    if mode == "train" and correct is False:
        return WRONG_ANSWER
    return None
