"""Query task drafts (every SELECT type of DBBench): conditions, gold SQL and the question.

A builder only *proposes*; :mod:`cmat.tasks.dbgen.generate` executes the gold SQL on the
SQLite backend (MySQL semantics) to get the label and drops empty or ambiguous results.
Ranking and MIN/MAX are checked here, because on TEXT columns MySQL orders as strings
('9' > '10'): when string and numeric order disagree the gold SQL orders by ``col + 0``, and
a tie for first place drops the task.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from random import Random
from typing import Any

from cmat.tasks.dbgen import phrasing
from cmat.tasks.dbgen.tables import GenColumn, GenTable
from cmat.tasks.dbgen.text import Cond, Style, ident, phrase, render, where

Run = Callable[[str], "list[tuple[Any, ...]] | None"]
Builder = Callable[[Random, GenTable, "Style", Run, "Shape"], "Draft | None"]
BLANKS = ("", "—")


@dataclass(frozen=True)
class Shape:
    """How a task is built, apart from its wording (:class:`cmat.tasks.dbgen.text.Style`).

    ``more`` is the chance that a query gets one more filter, drawn again after each one added,
    up to ``max_more``: an equality on a categorical column with a value taken from the rows the
    query already selects (so the result stays non-empty), or a numeric comparison. The default
    (0) draws nothing, so every documented seed keeps producing the same tasks. WikiSQL-style
    questions often have two or three conditions (8 of the 20 dev query tasks have two or more);
    the plain and crowd generators write at most one in ten.

    ``narrative`` is the chance that an INSERT states its record as a sentence rather than as
    header–value pairs (:func:`cmat.tasks.dbgen.mutations.narrative`): the values in header
    order, many of them without their header's name, the way AgentBench's INSERT questions tell
    of an event ("On 14 February 1917, the Romanian ship Uranus with a tonnage of 1,429 was
    sunk"). Also 0 by default, for the same reason.
    """

    more: float = 0.0
    max_more: int = 2
    narrative: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.more < 1.0 or self.max_more < 0:
            raise ValueError(f"Shape needs 0 <= more < 1 and max_more >= 0, got {self.more}, {self.max_more}")
        if not 0.0 <= self.narrative <= 1.0:
            raise ValueError(f"Shape needs 0 <= narrative <= 1, got {self.narrative}")


@dataclass
class Draft:
    """A proposed task: its type, question and gold statements (one for queries)."""

    kind: str
    description: str
    statements: list[str]
    max_rows: int = 5


def usable(column: GenColumn) -> list[str]:
    """The non-blank values of a column, as text."""
    return [v for v in column.texts() if v.strip() not in BLANKS]


def eq_cond(rng: Random, column: GenColumn) -> Cond | None:
    present = usable(column)
    return Cond(column.name, "=", rng.choice(present)) if present else None


def num_cond(rng: Random, column: GenColumn) -> Cond:
    """``column > x`` or ``column < x`` with ``x`` one of the column's own values."""
    return Cond(column.name, rng.choice((">", "<")), rng.choice(column.texts()), year=column.role == "year")


def _filters(rng: Random, table: GenTable, avoid: set[str], p_eq: float, p_num: float) -> list[Cond]:
    """Zero or one extra filter: an equality on a categorical column or a numeric comparison."""
    roll = rng.random()
    cats = [c for c in table.with_role("cat") if c.name not in avoid]
    nums = [c for c in table.with_role("num", "year") if c.name not in avoid]
    if roll < p_eq and cats:
        cond = eq_cond(rng, rng.choice(cats))
        return [cond] if cond else []
    if roll < p_eq + p_num and nums:
        return [num_cond(rng, rng.choice(nums))]
    return []


def more_filters(rng: Random, table: GenTable, conds: list[Cond], shape: Shape, run: Run,
                 avoid: Collection[str] = ()) -> list[Cond]:
    """``conds`` plus the extra filters ``shape`` draws (none when ``shape.more`` is 0)."""
    out = list(conds)
    while shape.more and len(out) - len(conds) < shape.max_more and rng.random() < shape.more:
        used = {c.column for c in out} | set(avoid)
        cats = [c for c in table.with_role("cat") if c.name not in used]
        nums = [c for c in table.with_role("num", "year") if c.name not in used]
        if cats and (not nums or rng.random() < 0.7):
            column = rng.choice(cats)
            rows = run(f"SELECT {ident(column.name)} FROM {ident(table.name)}{where(out)}") or []
            present = sorted({str(r[0]) for r in rows if r[0] is not None and str(r[0]).strip() not in BLANKS})
            if not present:
                break
            out.append(Cond(column.name, "=", rng.choice(present)))
        elif nums:
            out.append(num_cond(rng, rng.choice(nums)))
        else:
            break
    return out


def _fields(rng: Random, table: GenTable, style: Style, conds: list[Cond]) -> dict[str, str]:
    fields = {"noun": table.domain.noun, "nouns": table.domain.plural}
    if conds:
        fields["rel"] = phrase(rng, style, conds)
        fields["pred"] = phrase(rng, style, conds, "pred")
        fields["scope"] = f"{table.domain.plural} {fields['rel']}"
        fields["among"] = rng.choice((" among {nouns} {rel}", " among the {nouns} {rel}")).format(**fields)
    else:
        fields["scope"] = rng.choice(("all {nouns}", "all the {nouns}", "every {noun} in the table")).format(**fields)
        fields["among"] = ""
    if len(conds) == 1 and conds[0].op == "=":
        fields.update(col=style.col(conds[0].column), val=style.val(conds[0].value))
    if style.crowd:
        fields["keycol"] = style.col(table.key.name)
        if conds:
            fields["lead"] = phrase(rng, style, conds, "lead")
        else:
            fields["bare"] = ""
    return fields


def _other(rng: Random, table: GenTable, style: Style, run: Run, shape: Shape) -> Draft | None:
    by_key = rng.random() < 0.7
    first = eq_cond(rng, table.key if by_key else rng.choice(table.with_role("cat", "attr") or [table.key]))
    if first is None:
        return None
    conds = [first] if first.column == table.key.name else [first, *_filters(rng, table, {first.column}, 0.15, 0.15)]
    conds = more_filters(rng, table, conds, shape, run)
    used = {c.column for c in conds}
    targets = [c for c in table.columns if c.role != "text" and c.name not in used]
    if not targets:
        return None
    target = rng.choice(targets)
    sql = f"SELECT {ident(target.name)} FROM {ident(table.name)}{where(conds)};"
    fields = _fields(rng, table, style, conds)
    fields.pop("col", None)
    return Draft("other", render(rng, style.questions("other"), target=style.col(target.name), **fields), [sql])


def _counting(rng: Random, table: GenTable, style: Style, run: Run, shape: Shape) -> Draft | None:
    cats = table.with_role("cat")
    nums = table.with_role("num", "year")
    if rng.random() < 0.75 and cats:
        first = eq_cond(rng, rng.choice(cats))
        conds = [first] if first else []
    elif nums:
        conds = [num_cond(rng, rng.choice(nums))]
    else:
        return None
    if not conds:
        return None
    conds += _filters(rng, table, {conds[0].column}, 0.1, 0.1)
    conds = more_filters(rng, table, conds, shape, run)
    counted = "*" if rng.random() < 0.8 else ident(table.key.name)
    sql = f"SELECT COUNT({counted}) FROM {ident(table.name)}{where(conds)};"
    fields = _fields(rng, table, style, conds)
    return Draft("counting", render(rng, style.questions("counting"), **fields), [sql])


def _comparison(rng: Random, table: GenTable, style: Style, run: Run, shape: Shape) -> Draft | None:
    nums = table.with_role("num", "year")
    if not nums:
        return None
    conds = [num_cond(rng, rng.choice(nums))]
    conds += _filters(rng, table, {conds[0].column}, 0.4, 0.0)
    conds = more_filters(rng, table, conds, shape, run)
    used = {c.column for c in conds}
    by_key = rng.random() < 0.6 or table.key.name in used
    others = [c for c in table.columns if c.role != "text" and c.name not in used and c is not table.key]
    target = table.key if by_key or not others else rng.choice(others)
    sql = f"SELECT {ident(target.name)} FROM {ident(table.name)}{where(conds)};"
    fields = _fields(rng, table, style, conds)
    fields.pop("col", None)
    templates = style.questions("comparison")
    if target is table.key and rng.random() < 0.5:
        templates = style.questions("comparison-key")
    text = render(rng, templates, target=style.col(target.name), **fields)
    return Draft("comparison", text, [sql], max_rows=8)


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _ranking(rng: Random, table: GenTable, style: Style, run: Run, shape: Shape) -> Draft | None:
    measure = rng.choice(table.with_role("num", "year"))
    conds = more_filters(rng, table, _filters(rng, table, {measure.name}, 0.3, 0.0), shape, run, {measure.name})
    direction = rng.choice(("DESC", "ASC"))
    used = {measure.name, *(x.column for x in conds)}
    others = [c for c in table.columns if c.role != "text" and c.name not in used]
    target = table.key if rng.random() < 0.7 or not others else rng.choice(others)
    m, t = ident(measure.name), ident(target.name)
    base = f"FROM {ident(table.name)}{where(conds)}"
    top = run(f"SELECT {t}, {m} {base} ORDER BY {m} + 0 {direction} LIMIT 2")
    if not top or (len(top) == 2 and _number(top[0][1]) == _number(top[1][1])):
        return None  # nothing matches, or a tie for first place: ambiguous
    lexical = run(f"SELECT {t} {base} ORDER BY {m} {direction} LIMIT 1")
    order = f"{m} {direction}" if lexical and lexical[0][0] == top[0][0] else f"{m} + 0 {direction}"
    sql = f"SELECT {t} {base} ORDER BY {order} LIMIT 1;"
    fields = _fields(rng, table, style, conds)
    fields.pop("col", None)
    fields.update(measure=style.col(measure.name), extreme=rng.choice(phrasing.EXTREMES[measure.role, direction]))
    templates = style.questions("ranking")
    templates += phrasing.QUESTIONS["ranking-key" if target is table.key else "ranking-attr"]
    return Draft("ranking", render(rng, templates, target=style.col(target.name), **fields), [sql])


def _aggregation(kind: str) -> Builder:
    function = kind.split("-")[1]

    def build(rng: Random, table: GenTable, style: Style, run: Run, shape: Shape) -> Draft | None:
        roles = ("num",) if function in ("SUM", "AVG") else ("num", "year")
        measures = table.with_role(*roles)
        if not measures:
            return None
        measure = rng.choice(measures)
        conds = more_filters(rng, table, _filters(rng, table, {measure.name}, 0.7, 0.1), shape, run, {measure.name})
        m, base = ident(measure.name), f"FROM {ident(table.name)}{where(conds)}"
        expression = m
        if function in ("MIN", "MAX"):
            lexical, numeric = run(f"SELECT {function}({m}) {base}"), run(f"SELECT {function}({m} + 0) {base}")
            if not lexical or not numeric or _number(lexical[0][0]) != _number(numeric[0][0]):
                expression = f"{m} + 0"  # string order would pick another value
        sql = f"SELECT {function}({expression}) {base};"
        fields = _fields(rng, table, style, conds)
        fields.pop("col", None)
        fields["measure"] = style.col(measure.name)
        if function in ("MIN", "MAX"):
            fields["extreme"] = rng.choice(phrasing.EXTREMES[measure.role, "DESC" if function == "MAX" else "ASC"])
        return Draft(kind, render(rng, style.questions(kind), **fields), [sql])

    return build


QUERY_BUILDERS: dict[str, Builder] = {
    "other": _other,
    "counting": _counting,
    "comparison": _comparison,
    "ranking": _ranking,
    **{k: _aggregation(k) for k in ("aggregation-SUM", "aggregation-MIN", "aggregation-MAX", "aggregation-AVG")},
}
REQUIRES: dict[str, tuple[str, ...]] = {
    "other": ("key",),
    "counting": ("cat",),
    "comparison": ("num",),
    "ranking": ("num",),
    "aggregation-SUM": ("num", "cat"),
    "aggregation-AVG": ("num", "cat"),
    "aggregation-MIN": ("num", "cat"),
    "aggregation-MAX": ("num", "cat"),
    "INSERT": (),
    "UPDATE": ("cat",),
    "DELETE": ("cat", "num"),
}
