"""The reflector: one yielded conversation, a cleaned lesson, a useful fallback."""

from __future__ import annotations

import itertools

import pytest

from cmat.agents.templates import load, placeholders
from cmat.errors import ConfigError
from cmat.reflection import TRIGGERS, Reflector, clean_lesson
from cmat.types import Completion, Message

TASK = "How many games were played in Athlone?\nThe name of this table is Game Schedule."
ERROR = "1054 (42S22): Unknown column 'Venues' in 'where clause'"
CONVERSATION = [
    Message("user", "long instructions"),
    Message("assistant", "Ok."),
    Message("user", TASK),
    Message("assistant", "Action: Operation\n```sql\nSELECT COUNT(*) FROM t WHERE Venues='A'\n```"),
    Message("user", ERROR),
    Message("assistant", "Action: Answer\nFinal Answer: [3]"),
]


def run(
    reflector: Reflector, completion: Completion, trigger: str = "sql_error", feedback: str = ""
) -> tuple[list[Message], str]:
    gen = reflector.reflect(TASK, CONVERSATION, "completed", trigger, feedback)
    conversation = next(gen)
    with pytest.raises(StopIteration) as stop:
        gen.send(completion)
    return conversation, stop.value.value


def test_protocol_prompt_holds_task_trajectory_and_why() -> None:
    lesson_text = "Assistant: Lesson: The column is `Venue`, not `Venues`. Check the column list first."
    conversation, lesson = run(Reflector(), Completion(lesson_text))
    assert [m.role for m in conversation] == ["system", "user"]
    user = conversation[1].content
    assert TASK in user
    assert "Agent: Action: Operation" in user and f"Environment: {ERROR}" in user
    assert "long instructions" not in user
    assert "the last SQL statement raised an error" in user and ERROR in user  # ending and detail
    assert lesson == "The column is `Venue`, not `Venues`. Check the column list first."


def test_feedback_is_the_detail_when_given() -> None:
    conversation, _ = run(Reflector(), Completion("x"), "checker_rejected", "Quote `Game site`.")
    assert "Detail: Quote `Game site`." in conversation[1].content


@pytest.mark.parametrize("text", ["", "   ", "the the the the the the the the the", "!!! ??? 123 ...", "ok"])
def test_garbage_gives_the_fallback_with_the_last_sql_error(text: str) -> None:
    _, lesson = run(Reflector(), Completion(text))
    assert lesson.startswith("Check each SQL statement before running it")
    assert ERROR in lesson
    assert len(lesson) <= 400


@pytest.mark.parametrize("text", [
    "The task ended with a single result. Action: Operation\n```sql\nSELECT `Name` FROM `t` WHERE `Class` = 'x';\n```",
    "The agent used all its rounds. Action: Answer\nFinal Answer: [\"done\"]",
    "Think: the file is missing.\n\nAct: bash\n\n```bash\nls /etc\n```",
])
def test_an_action_is_not_a_lesson(text: str) -> None:
    """A tuned actor asked for a lesson writes its next action; the fallback is stored instead."""
    _, lesson = run(Reflector(), Completion(text))
    assert lesson.startswith("Check each SQL statement before running it")
    assert "```" not in lesson and "Action:" not in lesson
    assert clean_lesson("Take action: quote `Game site` in backticks before you filter.") != ""


@pytest.mark.parametrize("reason", ["error", "context_limit"])
def test_failed_generation_gives_the_fallback(reason: str) -> None:
    good_text = "Use the column `Venue` in the WHERE clause when filtering by place."
    _, lesson = run(Reflector(), Completion(good_text, finish_reason=reason), "task_limit_reached")  # type: ignore[arg-type]
    assert lesson.startswith("Use few rounds")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("**Lesson:** Quote `Game site` in backticks.", "Quote `Game site` in backticks."),
        ("reflection - Use SUM, not COUNT, for totals. Then answer. Be quick. Extra sentence.",
         "Use SUM, not COUNT, for totals. Then answer. Be quick."),
        ("1. Put the answer in a list like [\"a\"] always.", "Put the answer in a list like [\"a\"] always."),
        ("word " * 200, ""),
    ],
)
def test_clean_lesson(raw: str, expected: str) -> None:
    assert clean_lesson(raw) == expected


def test_long_lessons_are_clipped() -> None:
    words = " ".join("".join(w) for w in itertools.product("abcdefg", repeat=3))  # 343 distinct words
    lesson = clean_lesson(f"Always check the columns {words}.")
    assert lesson.startswith("Always check the columns aaa aab")
    assert lesson.endswith(" …") and len(lesson) <= 400


def test_every_trigger_has_an_ending_and_a_fallback_without_placeholders() -> None:
    for trigger in TRIGGERS:
        assert placeholders(load(f"reflection_why_{trigger}")) == set()
        assert placeholders(load(f"reflection_fallback_{trigger}")) == set()
        assert len(Reflector().fallback(trigger, "detail")) <= 400


def test_unknown_trigger_raises() -> None:
    with pytest.raises(ConfigError, match="unknown failure trigger"):
        next(Reflector().reflect(TASK, CONVERSATION, "completed", "bad_luck", ""))


def test_format_fallbacks_do_not_repeat_the_detail() -> None:
    lesson = Reflector().fallback("invalid_action", "Your reply matches neither of the two valid actions")
    assert "neither" not in lesson and lesson.startswith("End every reply with one valid action")
