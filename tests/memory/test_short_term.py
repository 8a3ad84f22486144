"""Short-term memory: folding old turns to a token budget, rendering retrieved memories."""

from __future__ import annotations

from memory_helpers import lesson

from cmat.memory import fit_to_budget, folded_note, render_memories
from cmat.types import Message


def words(messages: list[Message]) -> int:
    """A stand-in tokenizer: one token per whitespace-separated word."""
    return sum(len(m.content.split()) for m in messages)


HEAD = [Message("user", "instructions " * 20), Message("assistant", "Ok."), Message("user", "the task " * 5)]


def conversation(turns: int) -> list[Message]:
    history: list[Message] = []
    for i in range(turns):
        history += [Message("assistant", f"action{i} " * 10), Message("user", f"observation{i} " * 10)]
    return HEAD + history


def test_a_conversation_within_budget_is_untouched() -> None:
    messages = conversation(3)
    result = fit_to_budget(messages, budget=1000, count_tokens=words, keep_first=3)
    assert result.messages == messages and result.dropped == 0 and result.fits


def test_oldest_turns_are_folded_into_a_note() -> None:
    messages = conversation(6)  # 20 + 1 + 10 + 6 * 20 = 151 words
    result = fit_to_budget(messages, budget=120, count_tokens=words, keep_first=3)
    assert result.fits and words(result.messages) <= 120
    assert result.messages[:3] == HEAD
    note = result.messages[3]
    assert note == folded_note(result.dropped) and str(result.dropped) in note.content
    # As few turns as needed are dropped, oldest first, in whole action + observation pairs.
    assert result.dropped == 3
    assert result.messages[4:] == messages[3 + 2 * result.dropped :]
    assert result.messages[-1].content.startswith("observation5")


def test_the_last_observation_is_kept_and_an_impossible_budget_says_so() -> None:
    messages = conversation(4)
    result = fit_to_budget(messages, budget=40, count_tokens=words, keep_first=3)
    assert not result.fits
    assert result.dropped == 3
    assert result.messages[:3] == HEAD
    assert [m.content.split()[0] for m in result.messages[4:]] == ["action3", "observation3"]


def test_a_trailing_assistant_message_stays_with_the_last_observation() -> None:
    messages = [*conversation(4), Message("assistant", "pending " * 3)]
    result = fit_to_budget(messages, budget=90, count_tokens=words, keep_first=3, note_role="system")
    assert result.fits and result.messages[3].role == "system"
    assert result.messages[-2].content.startswith("observation3")
    assert result.messages[-1].content.startswith("pending")


def test_render_memories_respects_the_budget() -> None:
    entries = [
        lesson("Quote table names with spaces in backticks.", "Football Team Results wins?"),
        lesson("long " * 200, "a task"),
        lesson("Give every column a value in INSERT.", "Add John to staff."),
    ]

    def count(text: str) -> int:
        return len(text.split())

    block = render_memories(entries, budget_tokens=60, count=count)
    assert count(block) <= 60
    assert "backticks" in block and "INSERT" in block and "long long" not in block
    assert block.index("backticks") < block.index("INSERT")
    assert render_memories(entries, budget_tokens=3, count=count) == ""
    assert render_memories([], budget_tokens=100, count=count) == ""
