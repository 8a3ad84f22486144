"""Short-term memory: the episode's conversation, folded to fit a token budget.

The first ``keep_first`` messages (instructions and task) always stay. Later turns are
folded oldest first, a whole turn at a time (an assistant action with the observation that
answered it), so no action loses its observation and the latest observation always stays.
One note message, rendered from ``prompts/folded_note.txt``, tells the model how many turns
are gone. When even the minimal conversation is over budget the result says ``fits=False``
and the caller ends the episode as ``context_limit``: nothing overflows silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Template
from typing import TYPE_CHECKING

from cmat.types import Message, Role

if TYPE_CHECKING:
    from cmat.memory.long_term import MemoryEntry

CountTokens = Callable[[list[Message]], int]
MAX_TASK_CHARS = 200  # a remembered task is shown for recognition, not in full


@cache
def prompt_template(name: str) -> Template:
    """A template from ``cmat/memory/prompts/`` (package data), trailing newline removed."""
    text = resources.files("cmat.memory").joinpath(f"prompts/{name}").read_text("utf-8")
    return Template(text.rstrip("\n"))


@dataclass(frozen=True)
class FitResult:
    """The conversation to send, how many turns were folded away, and whether it fits."""

    messages: list[Message]
    dropped: int
    fits: bool


def folded_note(dropped: int, role: Role = "user") -> Message:
    """The message that stands in for ``dropped`` folded turns."""
    return Message(role, prompt_template("folded_note.txt").substitute(dropped=dropped))


def _turns(history: Sequence[Message]) -> list[list[Message]]:
    """Split the messages after the head into turns, each starting at an assistant message.

    Messages before the first assistant message (if any) form a turn of their own.
    """
    turns: list[list[Message]] = []
    for message in history:
        if message.role == "assistant" or not turns:
            turns.append([message])
        else:
            turns[-1].append(message)
    return turns


def fit_to_budget(
    messages: list[Message], budget: int, count_tokens: CountTokens, keep_first: int,
    note_role: Role = "user",
) -> FitResult:
    """Fold the oldest turns of ``messages`` until ``count_tokens`` of the result is <= ``budget``.

    The turns that can be folded are every turn before the one holding the last non-assistant
    message (the latest observation), which stays with everything after it. ``dropped``
    counts folded turns. The note uses ``note_role`` ("user" by default; "system" suits chat
    templates that forbid two user messages in a row).
    """
    if count_tokens(messages) <= budget:
        return FitResult(list(messages), 0, True)
    head, turns = list(messages[:keep_first]), _turns(messages[keep_first:])
    # Turns before the one holding the latest observation (or before the last turn) may go.
    observed = [i for i, turn in enumerate(turns) if any(m.role != "assistant" for m in turn)]
    foldable = observed[-1] if observed else max(len(turns) - 1, 0)

    def build(drop: int) -> list[Message]:
        kept = [m for turn in turns[drop:] for m in turn]
        return [*head, folded_note(drop, note_role), *kept] if drop else [*head, *kept]

    # Fewer folded turns never cost fewer tokens (up to the note's own digits), so bisect.
    low, high = 1, foldable
    if high < low or count_tokens(build(high)) > budget:
        return FitResult(build(foldable), foldable, False)
    while low < high:
        mid = (low + high) // 2
        if count_tokens(build(mid)) <= budget:
            high = mid
        else:
            low = mid + 1
    return FitResult(build(low), low, True)


def _one_line(text: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_memories(entries: Sequence[MemoryEntry], budget_tokens: int, count: Callable[[str], int]) -> str:
    """The retrieved entries as one context block of at most ``budget_tokens`` tokens.

    Entries come best first; each is kept if the block still fits with it, so a long entry
    is skipped in favour of shorter, later ones. Returns "" when none fits.
    """
    block, item = prompt_template("memories.txt"), prompt_template("memory_item.txt")
    chosen: list[str] = []
    for entry in entries:
        line = item.substitute(
            kind=entry.kind, outcome=entry.outcome, task=_one_line(entry.task_text, MAX_TASK_CHARS),
            content=entry.content.strip(),
        )
        if count(block.substitute(items="\n".join([*chosen, line]))) <= budget_tokens:
            chosen.append(line)
    return block.substitute(items="\n".join(chosen)) if chosen else ""
