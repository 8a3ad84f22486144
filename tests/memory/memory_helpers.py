"""Helpers shared by the memory tests (imported by name: the tests folders are not packages)."""

from __future__ import annotations

from cmat.memory import MemoryEntry

BACKTICKS = "Quote table names with spaces in backticks, e.g. SELECT * FROM `Player Stats 2021`."
FOOTBALL_TASK = (
    "What is the total number of wins in the table named Football Team Results for the team Rovers?"
)


def lesson(content: str, task_text: str = "", **fields: object) -> MemoryEntry:
    """A lesson entry with defaults for the fields a test does not care about."""
    values: dict[str, object] = {
        "kind": "lesson", "env": "dbbench", "task_type": "other", "task_text": task_text,
        "content": content, "outcome": "failed",
    }
    values.update(fields)
    return MemoryEntry(**values)  # type: ignore[arg-type]
