"""Numbers stored as text are compared as numbers: ``MIN(`col` + 0)``, ``ORDER BY `col` + 0``.

DBBench keeps its tables' cells as text, numbers too, and the database compares text letter by
letter: '11.36' comes before '2.27', and '9' after '10'. AgentBench's labels are the numeric
answers (the dev set's ``MAX(Attendance)`` is labelled '32502.0'), and the task generator's gold
writes ``col + 0`` wherever the two orders disagree. A small model writes ``MIN(`U.S. viewers
(millions)`)`` and gets the text order's minimum, which the database returns without complaint.

When a query task's SELECT takes the MIN or MAX of a column, or orders by it, and every filled
cell of that column is a plain number ('129', '-3', '11.36'; not '1,246', '$4m' or '4 June'),
the Checker runs the query both ways through ``CheckContext.peek``; when the results differ, the
query is rejected (``text_order``) and ``--repair`` compares that column as a number. A query
whose result does not change (the same digit count in every cell, or one row) is left alone, and
so is a column of mixed cells: there text order is the table's own (a column that holds '—' or
'N/A' is no number column in WikiSQL either).
"""

from __future__ import annotations

import re

from sqlglot import exp

from cmat.agents.checkers._sql_changes import Peek, table_rows
from cmat.agents.checkers._sql_locate import MAX_ROWS
from cmat.agents.checkers._sql_lookup import searchable_table
from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import render

_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")


def _keys(stmt: exp.Select) -> list[exp.Column]:
    """The bare columns the query takes the MIN or MAX of, or orders by."""
    keys = [f.this for f in stmt.find_all(exp.Min, exp.Max) if isinstance(f.this, exp.Column)]
    order = stmt.args.get("order")
    keys += [o.this for o in (order.expressions if order else []) if isinstance(o.this, exp.Column)]
    return keys


def _numbers_only(peek: Peek, table: exp.Table, column: str) -> bool:
    """Whether ``column`` has two or more filled cells and each of them is a plain number."""
    rows = table_rows(peek, table, [column], MAX_ROWS)
    cells = [str(r[0]).strip() for r in rows or [] if r[0] is not None and str(r[0]).strip()]
    return len(cells) > 1 and all(_PLAIN_NUMBER.fullmatch(c) for c in cells)


def _values(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """``rows`` with each number-like cell as a float: MIN of text gives '2.27', of a number 2.27."""
    def value(cell: object) -> object:
        try:
            return float(str(cell))
        except ValueError:
            return cell
    return [tuple(value(c) for c in row) for row in rows]


def text_order(stmt: exp.Expression, peek: Peek, schema: dict[str, list[str]]) -> Finding | None:
    """A finding when ``stmt`` takes the MIN or MAX of, or orders by, a column of numbers stored as
    text and comparing them as numbers changes its result (module doc); ``details["fixed"]``
    compares them as numbers."""
    if not isinstance(stmt, exp.Select) or stmt.args.get("joins"):
        return None
    table = searchable_table(stmt, schema)
    if table is None:
        return None
    columns = {c.lower(): c for c in schema[table.name]}
    for key in _keys(stmt):
        column = columns.get(key.name.lower())
        if column is None or not _numbers_only(peek, table, column):
            continue
        fixed = stmt.copy()
        for node in [n for n in _keys(fixed) if n.name.lower() == key.name.lower()]:
            node.replace(exp.Add(this=node.copy(), expression=exp.Literal.number(0)))
        written, numeric = stmt.sql(dialect="mysql"), fixed.sql(dialect="mysql")
        before, after = peek(written), peek(numeric)
        if before is None or after is None or _values(before) == _values(after):
            continue
        feedback = render("rule_sql_text_order", column=column, example=f"`{column}` + 0")
        return Finding("text_order", feedback, {"name": column, "fixed": numeric + ";", "repairable": True})
    return None
