"""Decontamination: training tasks must share no question, table name or table rows with evaluation data.

The final score is measured on tasks kept outside the project; the bundled development split
and any evaluation file the project knows are the proxies. A training task overlaps when

* its question, normalised (case, accents, punctuation, spacing), equals an evaluation question;
* its question shares a high share of word n-grams with one (near-duplicates, paraphrase edits);
* its table has the same normalised name as an evaluation table;
* its table shares rows with an evaluation table (row fingerprints: normalised cell values).

:func:`assert_clean` fails loudly, naming the overlapping items.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cmat.envs.dbbench.data import default_dev_path, load_dbbench
from cmat.errors import DataError

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Lower case, accents folded, punctuation to spaces, spacing collapsed."""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(_NON_WORD.sub(" ", folded.lower()).split())


def ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    words = normalise(text).split()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def row_fingerprint(row: Iterable[Any]) -> str:
    return hashlib.sha1("\x1f".join(normalise(str(v)) for v in row).encode()).hexdigest()


@dataclass
class Overlap:
    """One overlapping pair: which check, the training index, the evaluation item and a score."""

    kind: str
    train_index: int
    eval_file: str
    eval_index: int
    score: float
    detail: str


@dataclass
class OverlapReport:
    """The result of :func:`check_overlap`; ``clean`` when no overlap was found."""

    train_count: int
    eval_counts: dict[str, int]
    overlaps: list[Overlap] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.overlaps

    def by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for overlap in self.overlaps:
            counts[overlap.kind] += 1
        return dict(counts)

    def summary(self, limit: int = 10) -> str:
        head = (f"{len(self.overlaps)} overlaps between {self.train_count} training tasks and "
                f"{sum(self.eval_counts.values())} evaluation tasks {self.by_kind()}")
        lines = [f"  {o.kind}: train #{o.train_index} ~ {o.eval_file}#{o.eval_index} ({o.score:.2f}): {o.detail}"
                 for o in self.overlaps[:limit]]
        more = [f"  ... and {len(self.overlaps) - limit} more"] if len(self.overlaps) > limit else []
        return "\n".join([head, *lines, *more])

    def to_dict(self) -> dict[str, Any]:
        return {"clean": self.clean, "train_count": self.train_count, "eval_counts": self.eval_counts,
                "by_kind": self.by_kind(), "overlaps": [asdict(o) for o in self.overlaps]}


@dataclass
class EvalIndex:
    """Look-up structures over every evaluation entry."""

    questions: dict[str, list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))
    grams: dict[tuple[str, ...], set[tuple[str, int]]] = field(default_factory=lambda: defaultdict(set))
    gram_counts: dict[tuple[str, int], int] = field(default_factory=dict)
    texts: dict[tuple[str, int], str] = field(default_factory=dict)
    names: dict[str, list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))
    rows: dict[str, set[tuple[str, int]]] = field(default_factory=lambda: defaultdict(set))
    row_counts: dict[tuple[str, int], int] = field(default_factory=dict)

    def add_question(self, item: tuple[str, int], question: str, n: int) -> None:
        """Index ``question`` (exact, normalised, and by word ``n``-grams) under ``item``."""
        self.questions[normalise(question)].append(item)
        grams = ngrams(question, n)
        self.gram_counts[item], self.texts[item] = len(grams), question
        for gram in grams:
            self.grams[gram].add(item)


def eval_file_list(dev: Path, include_dev: bool, eval_files: Sequence[str | Path], who: str) -> list[Path]:
    """``dev`` (when ``include_dev``) and every other file of ``eval_files``, each once."""
    files = [dev] if include_dev else []
    files += [Path(p) for p in eval_files if Path(p).resolve() not in {f.resolve() for f in files}]
    if not files:
        raise DataError(f"{who} needs at least one evaluation file")
    return files


def _table(entry: dict[str, Any]) -> tuple[str, list[list[Any]]]:
    table = entry.get("table") or {}
    return str(table.get("table_name", "")), list((table.get("table_info") or {}).get("rows") or [])


def _index(eval_files: Sequence[Path], n: int) -> tuple[EvalIndex, dict[str, int]]:
    index, counts = EvalIndex(), {}
    for path in eval_files:
        tasks = load_dbbench(path)
        counts[str(path)] = len(tasks)
        for task in tasks:
            item = (str(path), int(task.id))
            index.add_question(item, str(task.data.get("description", "")), n)
            name, rows = _table(task.data)
            index.names[normalise(name)].append(item)
            prints = {row_fingerprint(r) for r in rows}
            index.row_counts[item] = len(prints)
            for fingerprint in prints:
                index.rows[fingerprint].add(item)
    return index, counts


def question_overlaps(i: int, question: str, index: EvalIndex, n: int, threshold: float) -> list[Overlap]:
    exact_hits = index.questions.get(normalise(question), [])
    found = [Overlap("question-exact", i, f, j, 1.0, question[:120]) for f, j in exact_hits]
    grams = ngrams(question, n)
    shared: dict[tuple[str, int], int] = defaultdict(int)
    for gram in grams:
        for item in index.grams.get(gram, ()):
            shared[item] += 1
    exact = {(o.eval_file, o.eval_index) for o in found}
    for item, count in shared.items():
        smaller = min(len(grams), index.gram_counts[item])
        score = count / smaller if smaller else 0.0
        if item not in exact and smaller >= 3 and score >= threshold:
            found.append(Overlap("question-ngram", i, item[0], item[1], score,
                                 f"{question[:80]!r} ~ {index.texts[item][:80]!r}"))
    return found


def _table_overlaps(i: int, entry: dict[str, Any], index: EvalIndex, min_rows: int) -> list[Overlap]:
    name, rows = _table(entry)
    found = [Overlap("table-name", i, f, j, 1.0, name) for f, j in index.names.get(normalise(name), [])] if name else []
    prints = {row_fingerprint(r) for r in rows}
    shared: dict[tuple[str, int], int] = defaultdict(int)
    for fingerprint in prints:
        for item in index.rows.get(fingerprint, ()):
            shared[item] += 1
    for item, count in shared.items():
        smaller = min(len(prints), index.row_counts[item])
        if count >= min_rows or count == smaller:
            score = count / max(1, smaller)
            found.append(Overlap("table-rows", i, item[0], item[1], score, f"{count} shared rows ({name})"))
    return found


def check_overlap(
    train_entries: Sequence[dict[str, Any]],
    eval_files: Sequence[str | Path] = (),
    *,
    include_dev: bool = True,
    n: int = 3,
    ngram_threshold: float = 0.7,
    min_shared_rows: int = 2,
) -> OverlapReport:
    """Compare training entries (DBBench dicts) with the dev set (unless ``include_dev`` is False)
    and every file in ``eval_files``; see the module docstring for the checks.

    ``ngram_threshold`` is the share of word ``n``-grams of the shorter question found in the
    other; ``min_shared_rows`` rows in common flag a table (or all rows of the smaller table).
    """
    files = eval_file_list(default_dev_path(), include_dev, eval_files, "check_overlap")
    index, counts = _index(files, n)
    report = OverlapReport(len(train_entries), counts)
    for i, entry in enumerate(train_entries):
        report.overlaps += question_overlaps(i, str(entry.get("description", "")), index, n, ngram_threshold)
        report.overlaps += _table_overlaps(i, entry, index, min_shared_rows)
    return report


def assert_clean(
    train_entries: Sequence[dict[str, Any]], eval_files: Sequence[str | Path] = (), **options: Any
) -> OverlapReport:
    """:func:`check_overlap`, raising :class:`DataError` that names the overlaps when any is found."""
    report = check_overlap(train_entries, eval_files, **options)
    if not report.clean:
        raise DataError("training data overlaps evaluation data:\n" + report.summary())
    return report
