"""INSERT / UPDATE / DELETE task drafts: a new row or a change, the gold SQL and the instruction.

Values in the instruction are verbatim (never lower-cased), because the table hash that judges
a mutation sees every byte. :mod:`cmat.tasks.dbgen.generate` replays the gold statements on a
fresh backend and drops drafts that fail, change nothing, or delete every row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from random import Random

from cmat.tasks.dbgen import phrasing, values
from cmat.tasks.dbgen.queries import BLANKS, Draft, Shape, eq_cond, num_cond, usable
from cmat.tasks.dbgen.tables import GenColumn, GenTable
from cmat.tasks.dbgen.text import Cond, Style, ident, literal, phrase, render, where

_NUMBER = re.compile(r"[-+]?[$£€]?\d[\d.,]*%?")


def _fresh(rng: Random, column: GenColumn, avoid: set[str]) -> str | None:
    """A plausible new value for ``column`` that is not blank and not in ``avoid`` (lower-cased)."""
    present = usable(column)
    if column.gen.startswith("seq"):
        numbers = [int(v) for v in column.texts() if v.isdigit()]
        return str(max(numbers) + 1) if numbers else None
    for _ in range(12):
        if column.role == "cat" and present and rng.random() < 0.6:
            value = rng.choice(present)
        else:
            value = str(values.column_values(rng, column.gen, 1)[0])
        if value.strip() not in BLANKS and value.lower() not in avoid:
            return value
    return None


def _table_mention(rng: Random, name: str) -> str:
    return rng.choice((name, name, name, f"'{name}'", f"`{name}`"))


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def narrative(rng: Random, table: GenTable, style: Style, row: list[str]) -> str:
    """An INSERT question that tells the record as a sentence: every value in header order, about
    half of them bare ("FK Trakai, 18, ..."), the others with their header in one of
    :data:`phrasing.NARRATIVE_FORMS` ("a tonnage of 1,429", "29 points"). Which header a bare
    value belongs to is left to its place and its look, as in AgentBench's INSERT questions."""
    parts = []
    for column, value in zip(table.columns, row, strict=True):
        forms = phrasing.NARRATIVE_FORMS + (phrasing.NARRATIVE_NUMBER_FORMS if _NUMBER.fullmatch(value) else ())
        form = "{val}" if rng.random() < 0.5 else rng.choice(forms)
        parts.append(form.format(col=style.col(column.name), val=style.val(value)))
    return render(rng, phrasing.QUESTIONS["INSERT-narrative"], noun=table.domain.noun,
                  table=_table_mention(rng, table.name), first=parts[0], rest=_join(parts[1:]), all=_join(parts))


def _insert(rng: Random, table: GenTable, style: Style, shape: Shape) -> Draft | None:
    row: list[str] = []
    for column in table.columns:
        avoid = {v.lower() for v in column.texts()} if column.role == "key" else set()
        value = _fresh(rng, column, avoid)
        if value is None:
            return None
        row.append(value)
    names = ", ".join(ident(c.name) for c in table.columns)
    sql = f"INSERT INTO {ident(table.name)} ({names}) VALUES ({', '.join(literal(v) for v in row)});"
    order = list(range(len(row)))
    if rng.random() < 0.4:  # values not in header order: the SQL must map them by name
        rng.shuffle(order)
    form = rng.choice(phrasing.PAIR_FORMS)
    pairs = [form.format(col=style.col(table.columns[i].name), val=style.val(row[i])) for i in order]
    text = render(rng, phrasing.QUESTIONS["INSERT"], noun=table.domain.noun, table=_table_mention(rng, table.name),
                  pairs=_join(pairs) if rng.random() < 0.6 else "; ".join(pairs))
    if shape.narrative and len(row) > 1 and rng.random() < shape.narrative:  # drawn last: other seeds stay
        text = narrative(rng, table, style, row)
    return Draft("INSERT", text, [sql])


def _target(rng: Random, table: GenTable) -> tuple[list[Cond], bool] | None:
    """Rows to change: one row by key, or every row of a category; (conditions, many rows?)."""
    if rng.random() < 0.7:
        cond = eq_cond(rng, table.key)
        return ([cond], False) if cond else None
    cond = eq_cond(rng, rng.choice(table.with_role("cat")))
    return ([cond], True) if cond else None


def _update(rng: Random, table: GenTable, style: Style, shape: Shape) -> Draft | None:
    target = _target(rng, table)
    if target is None:
        return None
    conds, many = target
    candidates = [c for c in table.columns if c.name != conds[0].column and not c.gen.startswith("seq")]
    if many:
        candidates = [c for c in candidates if c.role != "key"]
    if not candidates:
        return None
    chosen = rng.sample(candidates, min(len(candidates), 1 if rng.random() < 0.7 else 2))
    chosen.sort(key=table.columns.index)
    sets: list[tuple[GenColumn, str]] = []
    for column in chosen:
        avoid = {v.lower() for v in column.texts()} if column.role == "key" else {conds[0].value.lower()}
        value = _fresh(rng, column, avoid)
        if value is None:
            return None
        sets.append((column, value))
    assignments = ", ".join(f"{ident(c.name)} = {literal(v)}" for c, v in sets)
    sql = f"UPDATE {ident(table.name)} SET {assignments}{where(conds)};"
    form = rng.choice(phrasing.SET_OF_FORMS)
    text = render(
        rng, phrasing.QUESTIONS["UPDATE-many" if many else "UPDATE"], noun=table.domain.noun,
        nouns=table.domain.plural, table=_table_mention(rng, table.name), rel=phrase(rng, style, conds),
        sets_to=_join([f"{style.col(c.name)} to {style.val(v)}" for c, v in sets]),
        sets_of=_join([form.format(col=style.col(c.name), val=style.val(v)) for c, v in sets]),
    )
    return Draft("UPDATE", text, [sql])


def _delete(rng: Random, table: GenTable, style: Style, shape: Shape) -> Draft | None:
    roll = rng.random()
    if roll < 0.45:
        cond, one = eq_cond(rng, table.key), True
    elif roll < 0.8:
        cond, one = eq_cond(rng, rng.choice(table.with_role("cat"))), False
    else:
        cond, one = num_cond(rng, rng.choice(table.with_role("num"))), False
    if cond is None:
        return None
    sql = f"DELETE FROM {ident(table.name)}{where([cond])};"
    text = render(rng, phrasing.QUESTIONS["DELETE-one" if one else "DELETE"], noun=table.domain.noun,
                  nouns=table.domain.plural, table=_table_mention(rng, table.name), rel=phrase(rng, style, [cond]))
    return Draft("DELETE", text, [sql])


MUTATION_BUILDERS: dict[str, Callable[[Random, GenTable, Style, Shape], Draft | None]] = {
    "INSERT": _insert,
    "UPDATE": _update,
    "DELETE": _delete,
}
