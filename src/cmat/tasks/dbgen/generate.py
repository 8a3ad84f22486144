"""Generate DBBench training tasks (the *User* role): fresh tables, questions, verified gold answers.

Every entry is in AgentBench's DBBench JSON format, so :func:`cmat.envs.dbbench.load_dbbench`
and :class:`cmat.envs.dbbench.env.DBBenchEnv` run it unchanged. Gold answers are never
hand-computed: the gold SQL runs on the SQLite backend (MySQL semantics) and the result becomes
the label (queries) or the table hash (mutations). Tasks whose SQL fails, whose answer is empty,
blank, too long to show, tied or changes nothing are dropped and drawn again.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from random import Random
from typing import Any

from cmat.envs.dbbench.backends import MAX_OBSERVATION, TableSpec, open_backend
from cmat.envs.dbbench.data import MUTATION_TYPES, SELECT_TYPES
from cmat.errors import ConfigError, DataError
from cmat.tasks.dbgen.mutations import MUTATION_BUILDERS
from cmat.tasks.dbgen.queries import BLANKS, QUERY_BUILDERS, REQUIRES, Draft, Shape
from cmat.tasks.dbgen.tables import GenTable, build_table
from cmat.tasks.dbgen.text import QUESTION_STYLES, Style

ALL_TYPES: tuple[str, ...] = (*SELECT_TYPES, *MUTATION_TYPES)
# AgentBench's overall score averages SELECT, INSERT and UPDATE accuracy equally; DELETE is rarer.
DEFAULT_WEIGHTS: dict[str, float] = {
    "other": 2.0, "counting": 1.5, "comparison": 1.5, "ranking": 1.5, "aggregation-SUM": 1.0,
    "aggregation-MIN": 1.0, "aggregation-MAX": 1.0, "aggregation-AVG": 1.0,
    "INSERT": 6.0, "UPDATE": 6.0, "DELETE": 3.0,
}
SOURCE = "cmat-dbgen"
MAX_TRIES = 60


def generate_tasks(n: int, seed: int, types: Sequence[str] | None = None,
                   style: str = "plain", more_conditions: float = 0.0,
                   narrative: float = 0.0) -> list[dict[str, Any]]:
    """``n`` verified DBBench entries, deterministic for ``seed``, with ``types`` (default: all).

    ``style`` is how questions are written (:data:`QUESTION_STYLES`): ``plain`` (the default, as
    every documented seed was generated) or ``crowd`` (see :class:`cmat.tasks.dbgen.text.Style`).
    ``more_conditions`` is the chance of each extra query filter (:class:`Shape`; 0, the default,
    keeps every documented seed's tasks). ``narrative`` is the chance that an INSERT tells its
    record as a sentence (:class:`Shape`; 0 by default, for the same reason).

    Types are apportioned by :data:`DEFAULT_WEIGHTS` (renormalised over ``types``); every
    requested type appears when ``n`` is at least the number of types.
    """
    kinds = tuple(types) if types is not None else ALL_TYPES
    unknown = [k for k in kinds if k not in ALL_TYPES]
    if unknown or not kinds:
        raise ConfigError(f"unknown DBBench task types {unknown or kinds}; valid: {', '.join(ALL_TYPES)}")
    if style not in QUESTION_STYLES:
        raise ConfigError(f"unknown question style '{style}'; valid: {', '.join(QUESTION_STYLES)}")
    try:
        shape = Shape(more=more_conditions, narrative=narrative)
    except ValueError as exc:  # Shape checks its ranges; the message names this function's arguments
        raise ConfigError(f"more_conditions must be in [0, 1) and narrative in [0, 1], "
                          f"got {more_conditions} and {narrative}") from exc
    tasks: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for index, kind in enumerate(_schedule(n, seed, kinds)):
        for attempt in range(MAX_TRIES):
            entry = _attempt(kind, Random(f"dbgen:{seed}:{index}:{attempt}"), style == "crowd", shape)
            if entry is not None and (key := (entry["description"], entry["table"]["table_name"])) not in seen:
                seen.add(key)
                tasks.append(entry)
                break
        else:  # pragma: no cover - would mean a builder can no longer produce this type
            raise DataError(f"could not generate a valid '{kind}' task in {MAX_TRIES} tries (seed {seed})")
    return tasks


def _schedule(n: int, seed: int, kinds: tuple[str, ...]) -> list[str]:
    """Largest-remainder apportionment of ``n`` slots over ``kinds``, shuffled by ``seed``."""
    weights = [DEFAULT_WEIGHTS[k] for k in kinds]
    total = sum(weights)
    exact = [n * w / total for w in weights]
    counts = [int(x) for x in exact]
    if n >= len(kinds):  # every requested type at least once
        counts = [max(1, c) for c in counts]
    by_remainder = sorted(range(len(kinds)), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    for i in by_remainder[: max(0, n - sum(counts))]:
        counts[i] += 1
    while sum(counts) > n:
        counts[counts.index(max(counts))] -= 1
    slots = [k for k, c in zip(kinds, counts, strict=True) for _ in range(c)]
    Random(f"dbgen-schedule:{seed}").shuffle(slots)
    return slots


def _attempt(kind: str, rng: Random, crowd: bool = False, shape: Shape | None = None) -> dict[str, Any] | None:
    table = build_table(rng, REQUIRES[kind])
    if table is None:
        return None
    spec = TableSpec(table.database, table.name, tuple(c.name for c in table.columns),
                     tuple(tuple(r) for r in table.rows))
    if kind in MUTATION_TYPES:
        style = Style.draw(rng, exact=True, table=table, crowd=crowd)
        draft = MUTATION_BUILDERS[kind](rng, table, style, shape or Shape())
        if draft:
            draft.description = style.finish(draft.description)
        answer = _mutation_hash(spec, draft) if draft else None
        return entry_for(table, draft, draft.statements, answer_md5=answer) if draft and answer else None
    with closing(open_backend("sqlite")) as db:
        db.load(spec)
        style = Style.draw(rng, exact=False, table=table, crowd=crowd)
        query = QUERY_BUILDERS[kind](rng, table, style, lambda sql: rows_of(db.execute(sql)), shape or Shape())
        if query:
            query.description = style.finish(query.description)
        label = _label(rows_of(db.execute(query.statements[0])), query) if query else None
    return entry_for(table, query, label) if query and label else None


def rows_of(result: str) -> list[tuple[Any, ...]] | None:
    """The rows of a backend observation, or None for an error, a truncated or unreadable result."""
    if len(result) > MAX_OBSERVATION:
        return None
    try:
        rows = ast.literal_eval(result)
    except (ValueError, SyntaxError):
        return None
    return rows if isinstance(rows, list) and all(isinstance(r, tuple) for r in rows) else None


def _label(rows: list[tuple[Any, ...]] | None, draft: Draft) -> list[str] | None:
    """AgentBench's label style (every value as text), or None when empty, blank or too long."""
    if not rows or len(rows) > draft.max_rows:
        return None
    values = [v for row in rows for v in row]
    if any(v is None or str(v).strip() in BLANKS for v in values):
        return None
    if draft.kind == "counting" and values == [0]:
        return None
    if draft.kind == "aggregation-SUM" and len(repr(values[0]).partition(".")[2]) > 4:
        return None  # float noise ('15.799999999999999'): another summation order may print otherwise
    return [str(v) for v in values]


def _mutation_hash(spec: TableSpec, draft: Draft) -> str | None:
    """``answer_md5`` after the gold statements on a fresh database, or None if they fail or do nothing."""
    with closing(open_backend("sqlite")) as db:
        db.load(spec)
        before = db.table_hash(spec)
        for statement in draft.statements:
            if db.execute(statement) != "[]":
                return None
        count = rows_of(db.execute(f"SELECT COUNT(*) FROM `{spec.name.replace('`', '``')}`"))
        after = db.table_hash(spec)
    remaining = int(count[0][0]) if count else -1
    expected = {"INSERT": remaining == len(spec.rows) + 1, "UPDATE": remaining == len(spec.rows),
                "DELETE": 0 < remaining < len(spec.rows)}
    return after if after != before and expected[draft.kind] else None


def entry_for(table: GenTable, draft: Draft, label: list[str], answer_md5: str | None = None) -> dict[str, Any]:
    """The DBBench entry, field for field as AgentBench writes it."""
    heads = [c.name for c in table.columns]
    entry: dict[str, Any] = {
        "description": draft.description,
        "label": label,
        "create": {"database": table.database, "init": f"{table.database}_init.sql"},
        "table": table.table_field(),
        "evaluation": "",
        "example": "",
        "type": [draft.kind],
        "heads": heads,
        "add_description": f"The name of this table is {table.name}, and the headers of this table are "
        f"{','.join(heads)}.",
    }
    if answer_md5 is None:
        entry["sql"] = {"query": draft.statements[0], "length": len(draft.statements[0])}
    entry["source"] = SOURCE
    if answer_md5 is not None:
        entry["answer_md5"] = answer_md5
    return entry


def write_jsonl(tasks: Sequence[dict[str, Any]], path: str | Path) -> Path:
    """Write one entry per line (UTF-8, non-ASCII kept); returns the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for task in tasks:
            handle.write(json.dumps(task, ensure_ascii=False) + "\n")
    return out
