"""Reading AgentBench DBBench files (JSONL or JSON) as they are, with clear errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from cmat.envs.base import Task
from cmat.errors import DataError

MUTATION_TYPES = ("INSERT", "DELETE", "UPDATE")
SELECT_TYPES = (
    "other",
    "counting",
    "comparison",
    "ranking",
    "aggregation-SUM",
    "aggregation-MIN",
    "aggregation-MAX",
    "aggregation-AVG",
)


def default_dev_path() -> Path:
    """The project's copy of AgentBench's 60 DBBench development tasks (Apache-2.0)."""
    return Path(__file__).resolve().parents[2] / "data" / "agentbench" / "dbbench" / "dev.jsonl"


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_dbbench(path: str | Path) -> list[Task]:
    """Load tasks; ids are the 0-based sample indices AgentBench uses.

    A malformed entry raises :class:`DataError` naming the file and line; nothing is guessed.
    """
    file = Path(path)
    if not file.is_file():
        raise DataError(f"data file '{file}' does not exist")
    text = file.read_text(encoding="utf-8")
    if file.suffix == ".json":
        try:
            entries = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataError(f"{file}: not valid JSON ({exc})") from exc
        numbered = list(enumerate(entries, start=1))
    else:
        numbered = []
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                numbered.append((lineno, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise DataError(f"{file}:{lineno}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
    return [_task(file, lineno, index, entry) for index, (lineno, entry) in enumerate(numbered)]


def _task(file: Path, lineno: int, index: int, entry: Any) -> Task:
    where = f"{file}:{lineno}"
    if not isinstance(entry, dict):
        raise DataError(f"{where}: expected a JSON object, got {type(entry).__name__}")
    for key in ("description", "type", "table"):
        if key not in entry:
            raise DataError(f"{where}: missing required field '{key}'")
    types = entry["type"]
    if not isinstance(types, list) or not types or not isinstance(types[0], str):
        raise DataError(f"{where}: 'type' must be a non-empty list of strings, got {types!r}")
    kind = types[0]
    gold_key = "answer_md5" if kind in MUTATION_TYPES else "label"
    if gold_key not in entry:
        raise DataError(f"{where}: a task of type {kind} needs the field '{gold_key}'")
    table = entry["table"]
    try:
        columns = table["table_info"]["columns"]
        rows = table["table_info"]["rows"]
        _ = table["table_name"], [c["name"] for c in columns]
    except (KeyError, TypeError) as exc:
        raise DataError(
            f"{where}: 'table' needs table_name and table_info.columns[].name / rows ({exc!r})"
        ) from exc
    for r, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(columns):
            raise DataError(f"{where}: table row {r} is not a list of {len(columns)} values: {row!r:.80}")
    return Task(id=str(index), env="dbbench", type=kind, data=entry)
