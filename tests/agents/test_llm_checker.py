"""The LLM checker: robust verdict parsing and the yield/send protocol."""

from __future__ import annotations

import pytest
from checker_helpers import TASK_PROMPT, history, make_ctx, operation

from cmat.agents.checker_base import Verdict
from cmat.agents.checkers import LLMChecker, parse_verdict
from cmat.types import Completion


@pytest.mark.parametrize(
    ("raw", "decision", "feedback"),
    [
        ("VERDICT: APPROVE", True, ""),
        ("VERDICT: REJECT\nFEEDBACK: Quote `Call sign`.", False, "Quote `Call sign`."),
        ("**Verdict:** reject\n**Feedback:** the column is wrong", False, "the column is wrong"),
        ("verdict - approved. Looks fine.", True, "Looks fine."),
        ("## VERDICT: Reject - the WHERE clause filters the wrong column", False,
         "the WHERE clause filters the wrong column"),
        ("The SQL looks correct to me.\nVERDICT: REJECT\nFEEDBACK: missing LIMIT", False, "missing LIMIT"),
        ("VERDICT: yes", True, ""),
        ("Verdict: `REJECT`\nFeedback: use `Rank`", False, "use `Rank`"),
        ("VERDICT: NO\nFEEDBACK: wrong table", False, "wrong table"),
        ("VERDICT: not correct, use SUM", False, "use SUM"),
        ("Yes, this is a good next step.", True, "Yes, this is a good next step."),
        ("No. The table name needs backticks.", False, "No. The table name needs backticks."),
        ("I approve this action.", True, "I approve this action."),
        ("This query is not correct because it ignores Class.", False,
         "This query is not correct because it ignores Class."),
        ("There is no problem, the reply is correct.", True, "There is no problem, the reply is correct."),
        ("No idea what this does", None, "No idea what this does"),
        ("", None, ""),
        ("SELECT * FROM t", None, "SELECT * FROM t"),
    ],
)
def test_parse_verdict(raw: str, decision: bool | None, feedback: str) -> None:
    assert parse_verdict(raw) == (decision, feedback)


def drive(checker: LLMChecker, reply: str, completion: Completion) -> tuple[list[str], Verdict]:
    gen = checker.check(make_ctx(reply, conversation=history((operation("SELECT 1"), "[(1,)]"))))
    conversation = next(gen)
    with pytest.raises(StopIteration) as stop:
        gen.send(completion)
    return [m.content for m in conversation], stop.value.value


def test_protocol_yields_one_conversation_and_returns_the_verdict() -> None:
    reply = operation("SELECT Class FROM `Radio Stations`")
    raw = "VERDICT: REJECT\nFEEDBACK: add WHERE Class = 'D'"
    contents, verdict = drive(LLMChecker(), reply, Completion(raw))
    system, user = contents
    assert "VERDICT: APPROVE" in system
    assert TASK_PROMPT in user and reply in user
    assert "`Radio Stations`: `Call sign`" in user  # the schema is shown
    assert "Assistant: Let me look." in user and "Environment: [(1,)]" in user
    assert "instructions" not in user  # the opening before the task is left out
    assert verdict == Verdict(
        approve=False, feedback="add WHERE Class = 'D'", checker="llm",
        details={"raw": "VERDICT: REJECT\nFEEDBACK: add WHERE Class = 'D'"},
    )


def test_unparsed_answer_approves_and_says_so() -> None:
    _, verdict = drive(LLMChecker(), operation("SELECT 1"), Completion("hmm hmm hmm"))
    assert verdict.approve and verdict.details["unparsed"] is True


@pytest.mark.parametrize("reason", ["error", "context_limit"])
def test_failed_generation_approves_with_details(reason: str) -> None:
    completion = Completion("", finish_reason=reason, error="boom")  # type: ignore[arg-type]
    _, verdict = drive(LLMChecker(), operation("SELECT 1"), completion)
    assert verdict.approve
    assert verdict.details == {"skipped": reason, "error": "boom"}


def test_rejection_without_feedback_gets_a_generic_one() -> None:
    _, verdict = drive(LLMChecker(), operation("SELECT 1"), Completion("VERDICT: REJECT"))
    assert not verdict.approve and "did not say which" in verdict.feedback


def test_long_conversations_are_cut_to_the_budget() -> None:
    turns = [(operation(f"SELECT {i}"), "x" * 500) for i in range(20)]
    ctx = make_ctx(operation("SELECT 1"), conversation=history(*turns))
    user = LLMChecker(max_excerpt_chars=1500).conversation(ctx)[1].content
    assert "earlier messages omitted" in user
    assert "SELECT 19" in user and "SELECT 0\n" not in user
    assert len(user) < 1500 + 1500 + 1000
