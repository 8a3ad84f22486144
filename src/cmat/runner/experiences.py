"""Experiences: successful trajectories condensed into long-term memory entries.

An experience keeps the task text and the executed actions (reasoning stripped, observations
shortened), so a later episode on a similar task can see a worked example. Experiences are
only ever taken from runs on *training* data: :func:`seed_memory` refuses a run whose data
file is an evaluation file the project knows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cmat.errors import DataError
from cmat.trajectories.schema import load_record, prefix_length, task_message

# The action part of a reply, reasoning stripped: DBBench's ``Action: Operation`` with its ```sql
# block or ``Action: Answer`` with ``Final Answer:``; the OS task's ``Act: bash`` with its ```bash
# block, ``Act: answer(...)`` or ``Act: finish``.
_ACTION = re.compile(
    r"Action: (?:Operation\s*```sql\n[\s\S]*?\n```|Answer\s*\nFinal Answer:.*)"
    r"|Act: (?:bash\s*```(?:bash|sh)?\n[\s\S]*?\n```|answer\(.*\)|finish)"
)
_ANSWER = re.compile(r"Action: Answer|Act: (?:answer\(|finish)")
# Bumped when condense() writes experiences differently; caches of seeded memories carry it in
# their names (2: the closing answer left out).
FORMAT = 2
MAX_OBSERVATION = 160
MAX_CONTENT = 900


def condense(conversation: Sequence[Mapping[str, str]], prefix: int = 3) -> str:
    """The executed actions and (shortened) observations after the first ``prefix`` messages.

    The closing answer is left out: another task's answer is nothing to copy (a small model
    shown ``Final Answer: ["done"]`` answers so at once), while its statements show how."""
    lines: list[str] = []
    for message in conversation[prefix:]:
        text = message["content"]
        if message["role"] == "assistant":
            found = _ACTION.search(text)
            if found is not None and _ANSWER.match(found.group(0)):
                continue
            lines.append(found.group(0) if found else text.strip())
        else:
            short = text if len(text) <= MAX_OBSERVATION else text[:MAX_OBSERVATION] + "…"
            lines.append(f"-> {short}")
    return "\n".join(lines)[:MAX_CONTENT]


def experiences_from(records: Iterable[Mapping[str, Any]], source: str = "") -> list[Any]:
    """Memory entries (kind ``experience``, scope ``global``) from the verified successes."""
    from cmat.memory.long_term import MemoryEntry

    entries = []
    for record in records:
        conversation = record.get("conversation", [])
        trajectory = load_record(dict(record))
        prefix = prefix_length(trajectory)
        if not record.get("correct") or len(conversation) <= prefix:
            continue
        entries.append(
            MemoryEntry(
                kind="experience", env=record["env"], task_type=record["type"],
                task_text=task_message(trajectory), content=condense(conversation, prefix),
                outcome=record["outcome"], scope="global",
                source_task=str(record["id"]), meta={"source": source},
            )
        )
    return entries


@dataclass
class SeedReport:
    """What :func:`seed_memory` read and stored."""

    records: int
    stored: int
    skipped_failures: int


def seed_memory(memory: Any, run_dir: str | Path, eval_files: Sequence[str | Path]) -> SeedReport:
    """Store the successes of the run in ``run_dir`` as experiences.

    Raises :class:`DataError` when the run was made on one of ``eval_files`` (same sha256):
    experiences of evaluation tasks would leak their answers into the scores.
    """
    from cmat.envs.dbbench.data import file_sha256

    folder = Path(run_dir)
    manifest_path, results_path = folder / "run.json", folder / "results.jsonl"
    if not results_path.is_file() or not manifest_path.is_file():
        raise DataError(f"{folder} is not a cmat run directory (needs run.json and results.jsonl)")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    protected = {file_sha256(path): str(path) for path in eval_files if Path(path).is_file()}
    if manifest.get("data_sha256") in protected:
        raise DataError(
            f"{folder} was run on the evaluation file {protected[manifest['data_sha256']]}; "
            "experiences must come from training tasks only"
        )
    records = [json.loads(line) for line in results_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    entries = experiences_from(records, source=str(folder))
    memory.add_many(entries)
    return SeedReport(len(records), len(entries), len(records) - len(entries))
