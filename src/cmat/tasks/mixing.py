"""Mixing general chat data into the agent SFT data, at a ratio, without leaking evaluation data.

A small model tuned only on agent trajectories can forget how to chat; a share of general
instruction data (any JSONL a user has) keeps it. Two formats are read, one conversation a line:

* OpenAI/TRL ``{"messages": [{"role": "system"|"user"|"assistant", "content": "..."}]}``;
* ShareGPT ``{"conversations": [{"from": "system"|"human"|"gpt", "value": "..."}]}``.

Every assistant message is a training target. ``ratio`` is chat examples per agent example
(0.1: one chat example for every ten), drawn with a seed. A chat example that contains the
question of any evaluation file the project knows (DBBench and OS dev sets, plus ``eval_files``)
fails the run loudly, naming both.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from random import Random
from typing import Any

from cmat.errors import ConfigError, DataError
from cmat.tasks.decontam import normalise

_ROLES = {"system": "system", "user": "user", "assistant": "assistant", "human": "user", "gpt": "assistant"}
MIN_QUESTION_CHARS = 24  # shorter normalised questions ("how many") would match any text


def read_chat(path: str | Path) -> list[dict[str, Any]]:
    """SFT examples (``{"source": "chat", "messages": [{"role", "content", "train"}]}``) from ``path``."""
    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"chat data '{file}' does not exist")
    examples = []
    for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{file}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{where}: not JSON ({exc.msg})") from exc
        turns = row.get("messages") if isinstance(row, dict) else None
        keys = ("role", "content")
        if turns is None and isinstance(row, dict):
            turns, keys = row.get("conversations"), ("from", "value")
        if not isinstance(turns, list) or not turns:
            raise DataError(f"{where}: expected 'messages' (role/content) or 'conversations' (from/value)")
        messages = []
        for turn in turns:
            role = _ROLES.get(str(turn.get(keys[0]))) if isinstance(turn, dict) else None
            if role is None or not isinstance(turn.get(keys[1]), str):
                raise DataError(f"{where}: a turn needs {keys[0]} (one of {', '.join(_ROLES)}) and a text {keys[1]}")
            messages.append({"role": role, "content": turn[keys[1]], "train": role == "assistant"})
        if any(m["train"] for m in messages):
            examples.append({"id": f"chat-{n}", "type": "chat", "source": "chat", "messages": messages})
    return examples


def _eval_questions(eval_files: Sequence[str | Path]) -> dict[str, str]:
    """Normalised question -> where it comes from, for every evaluation file the project knows."""
    from cmat.envs.dbbench.data import default_dev_path
    from cmat.envs.os_interaction.data import default_dev_path as os_dev_path
    from cmat.tasks.decontam_os import read_eval_entries

    found = {}
    for path in (default_dev_path(), os_dev_path(), *map(Path, eval_files)):
        for i, entry in enumerate(read_eval_entries(path)):
            key = normalise(str(entry.get("description", "")))
            if len(key) >= MIN_QUESTION_CHARS:
                found[key] = f"{path} #{i}"
    return found


def assert_chat_clean(examples: Sequence[dict[str, Any]], eval_files: Sequence[str | Path] = ()) -> None:
    """Raise :class:`DataError` when a chat example contains an evaluation question."""
    questions = _eval_questions(eval_files)
    hits = []
    for example in examples:
        text = normalise(" ".join(m["content"] for m in example["messages"]))
        hits += [f"{example['id']} contains the question of {where}" for q, where in questions.items() if q in text]
    if hits:
        raise DataError("chat data overlaps evaluation data:\n" + "\n".join(hits[:10]))


def mix_chat(
    rows: Sequence[dict[str, Any]], path: str | Path, ratio: float, seed: int = 0,
    eval_files: Sequence[str | Path] = (),
) -> list[dict[str, Any]]:
    """``round(ratio * len(rows))`` chat examples of ``path`` (seeded draw, at most all of them),
    checked against evaluation data; the caller adds them to ``rows``."""
    if ratio < 0:
        raise ConfigError(f"the chat mixing ratio must be at least 0, got {ratio}")
    chat = read_chat(path)
    count = min(len(chat), round(ratio * len(rows)))
    chosen = sorted(Random(f"chat-mix:{seed}").sample(range(len(chat)), count))
    picked = [chat[i] for i in chosen]
    assert_chat_clean(picked, eval_files)
    return picked
