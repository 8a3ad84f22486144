"""Decontamination for OS-interaction tasks: no training task may repeat an evaluation task.

The OS analogue of :mod:`cmat.tasks.decontam`. A training task overlaps an evaluation task when

* its description, normalised, equals an evaluation description;
* its description shares a high share of word n-grams with one (near-duplicates);
* its ``example`` solution or its ``init`` set-up code is the same code (normalised spacing) as an
  evaluation task's, when that code is more than a trivial one-liner.

Shared *check* scripts (``check/integer-match.py`` and the like) are generic matchers used by
many tasks; they carry no task content and are not compared.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cmat.errors import DataError
from cmat.tasks.decontam import EvalIndex, Overlap, OverlapReport, eval_file_list, question_overlaps

MIN_CODE_CHARS = 40  # shorter set-up or solution code ("ls", "whoami") is too generic to flag


def _code(value: Any) -> str:
    """Normalised code of an ``init``/``example`` entry (a string or ``{code}``; files are names only)."""
    if isinstance(value, dict):
        value = value.get("code") or ""
    return " ".join(str(value or "").split()) if isinstance(value, str) else ""


def _scripts(entry: dict[str, Any]) -> dict[str, str]:
    create = entry.get("create") or {}
    evaluation = entry.get("evaluation") or {}
    found = {
        "init": _code(create.get("init") if isinstance(create, dict) else None),
        "example": _code(evaluation.get("example") if isinstance(evaluation, dict) else None),
    }
    return {kind: code for kind, code in found.items() if len(code) >= MIN_CODE_CHARS}


def read_eval_entries(path: Path) -> list[dict[str, Any]]:
    """The raw entries of an evaluation file: JSONL (one a line) or JSON (a list, or one object)."""
    if not path.is_file():
        raise DataError(f"evaluation file '{path}' does not exist")
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    data = json.loads(text)
    return data if isinstance(data, list) else [data]


def check_os_overlap(
    train_entries: Sequence[dict[str, Any]],
    eval_files: Sequence[str | Path] = (),
    *,
    include_dev: bool = True,
    n: int = 3,
    ngram_threshold: float = 0.7,
) -> OverlapReport:
    """Compare OS training entries with the bundled dev set (unless ``include_dev`` is False) and
    every file in ``eval_files``; see the module docstring for the checks."""
    from cmat.envs.os_interaction.data import default_dev_path

    files = eval_file_list(default_dev_path(), include_dev, eval_files, "check_os_overlap")
    index, counts = EvalIndex(), {}
    code: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for path in files:
        entries = read_eval_entries(path)
        counts[str(path)] = len(entries)
        for j, entry in enumerate(entries):
            item = (str(path), j)
            index.add_question(item, str(entry.get("description", "")), n)
            for kind, text in _scripts(entry).items():
                code.setdefault((kind, text), []).append(item)
    report = OverlapReport(len(train_entries), counts)
    for i, entry in enumerate(train_entries):
        report.overlaps += question_overlaps(i, str(entry.get("description", "")), index, n, ngram_threshold)
        for kind, text in _scripts(entry).items():
            report.overlaps += [Overlap(f"{kind}-code", i, f, j, 1.0, text[:80]) for f, j in code.get((kind, text), [])]
    return report


def assert_os_clean(
    train_entries: Sequence[dict[str, Any]], eval_files: Sequence[str | Path] = (), **options: Any
) -> OverlapReport:
    """:func:`check_os_overlap`, raising :class:`DataError` that names the overlaps when any is found."""
    report = check_os_overlap(train_entries, eval_files, **options)
    if not report.clean:
        raise DataError("OS training data overlaps evaluation data:\n" + report.summary())
    return report
