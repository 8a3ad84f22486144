"""Notes from long-term memory before a task: retrieval by task type, and the same notes put into
training trajectories.

An episode with ``--memory`` opens its task message with notes (:func:`retrieve`, then
:func:`cmat.memory.short_term.render_memories`). A small model tuned only on task messages
without notes is thrown by them: it copies a worked example's conditions or its answer. So
``cmat tune --memory FILE`` gives a share of its gold trajectories the notes an episode would
have retrieved (:func:`with_notes`), and the model learns to act with them in view. A training
task never sees an entry written from its own text, which would hold its answer.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from random import Random
from typing import Any

from cmat.agents.setup import AgentSetup, approx_tokens
from cmat.memory.long_term import GLOBAL_SCOPE, LongTermMemory, MemoryEntry
from cmat.memory.short_term import render_memories
from cmat.trajectories.schema import Turn, load_record, prefix_length, task_message
from cmat.types import Message

# Entries fetched beyond ``k`` so that skipped ones (the task's own) can be replaced.
_SPARE = 4


def retrieve(
    memory: LongTermMemory, prompt: str, k: int, *, env: str, task_type: str,
    scopes: Sequence[str] = (GLOBAL_SCOPE,), skip: Callable[[MemoryEntry], bool] | None = None,
) -> list[MemoryEntry]:
    """The ``k`` entries for a task, best first: those of the task's own type first (a lookup
    gets lookups, not UPDATEs that happen to share a table's headers), other types only filling
    the places left; entries ``skip`` names are left out."""
    skipped = skip or (lambda entry: False)
    chosen: list[MemoryEntry] = []
    for types in ([task_type], None):
        if len(chosen) >= k:
            break
        hits = memory.search(prompt, k=k + len(chosen) + _SPARE, env=env, visible_scopes=scopes, task_types=types)
        seen = {e.id for e in chosen}
        chosen += [e for e, _ in hits if e.id not in seen and not skipped(e)][: k - len(chosen)]
    return chosen


def noted(block: str, task: str) -> str:
    """The task message opened by the notes ``block``."""
    return f"{block}\n\n{task}"


def _approx(text: str) -> int:
    return approx_tokens([Message("user", text)])


def _own(task: str, entry: MemoryEntry) -> bool:
    """Whether ``entry`` was written from the task ``task`` (it would hold the task's answer)."""
    return " ".join(entry.task_text.split()).lower() == " ".join(task.split()).lower()


def with_notes(
    records: Iterable[dict[str, Any]], memory: LongTermMemory, *, k: int = 3, share: float = 0.5, seed: int = 0,
    budget_tokens: int = AgentSetup.memory_budget, count: Callable[[str], int] = _approx,
) -> list[dict[str, Any]]:
    """``records`` with the notes an episode would retrieve put before the task message of a
    seeded ``share`` of them (the rest unchanged); ``count`` estimates tokens for the budget."""
    out = []
    rng = Random(f"notes:{seed}")
    for record in records:
        if rng.random() >= share:
            out.append(record)
            continue
        trajectory = load_record(copy.deepcopy(record))
        task = task_message(trajectory)
        entries = retrieve(memory, task, k, env=trajectory.env, task_type=trajectory.type,
                           skip=partial(_own, task))
        block = render_memories(entries, budget_tokens, count)
        if not block:
            out.append(record)
            continue
        n = prefix_length(trajectory)
        trajectory.conversation[n - 1]["content"] = noted(block, task)
        attempt = trajectory.attempts[-1].index if trajectory.attempts else 0
        for turn in trajectory.turns:
            if turn.attempt == attempt and turn.step == -1 and turn.role == "user" and turn.content == task:
                turn.content = noted(block, task)
        trajectory.turns.insert(0, Turn("memory", block, attempt, 0, meta={"ids": [str(e.id) for e in entries]}))
        out.append(trajectory.to_dict())
    return out
