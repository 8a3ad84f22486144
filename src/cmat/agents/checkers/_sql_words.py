"""A number is not compared with a column of words: `Control` < 1705 matches by accident.

"How many institutions are there that has a Control of Religious and Established before 1705?"
answered with ``WHERE `Control` < 1705``: the database reads every word as the number 0, so the
condition holds for every row and the count is the table's. A small model does this when the
question names the number's header by another word ("Established" for `Founded`) or puts the
number next to another header ("... and District is Tremarsh, and Visitors (2019) below 462866"
as `Neighbourhood` < 1949, a copy of the bound on `Established`). When a query task's top-level
AND condition compares a column none of whose filled cells holds a digit with a number (``<``,
``<=``, ``>``, ``>=``, BETWEEN), it is rejected (``number_on_words``), with the columns that hold
numbers in the feedback; ``--repair``:

* compares the column with the cell of it the question writes, when it writes exactly one that no
  other value of the query uses ("a Control of Religious": `Control` = 'Religious'; "District is
  Tremarsh": `Neighbourhood` = 'Tremarsh'); a number it no longer uses is then the numbers rule's
  (``_sql_numbers``) to place;
* else leaves the condition out when another condition compares another column with the same
  number (a copy);
* else gives the feedback only.

One table of at most ``MAX_ROWS`` rows (``CheckContext.peek``).
"""

from __future__ import annotations

import re
from typing import Any

from sqlglot import exp

from cmat.agents.checkers._sql_ast import conjuncts, replaced, without
from cmat.agents.checkers._sql_changes import Peek, table_rows
from cmat.agents.checkers._sql_locate import MAX_ROWS
from cmat.agents.checkers._sql_lookup import searchable_table
from cmat.agents.checkers._sql_mentions import COMMON_WORDS, value_used
from cmat.agents.checkers._sql_pairing import norm
from cmat.agents.checkers._sql_text import Finding, word_pattern
from cmat.agents.checkers._sql_values import as_number
from cmat.agents.templates import render

_BOUNDS = (exp.LT, exp.LTE, exp.GT, exp.GTE, exp.Between)


def _number(node: exp.Expression) -> float | None:
    return as_number(str(node.this)) if isinstance(node, exp.Literal) else None


def _bound(node: exp.Expression) -> tuple[exp.Column, list[float]] | None:
    """(column, its numbers) of a condition `column` < number (or BETWEEN two numbers), or None."""
    if not isinstance(node, _BOUNDS) or not isinstance(node.this, exp.Column):
        return None
    values = [node.args.get("low"), node.args.get("high")] if isinstance(node, exp.Between) \
        else [node.args.get("expression")]
    numbers = [_number(v) for v in values if v is not None]
    return (node.this, [n for n in numbers if n is not None]) if numbers and None not in numbers else None


def _cells(rows: list[tuple[Any, ...]], j: int) -> list[str]:
    return [str(r[j]).strip() for r in rows if j < len(r) and r[j] is not None and str(r[j]).strip()]


def number_on_words(stmt: exp.Expression, question: str, peek: Peek, schema: dict[str, list[str]]) -> Finding | None:
    """A finding for the first condition of the query ``stmt`` that compares a column of words with
    a number (module doc), repairable where the module doc says; or None."""
    if not isinstance(stmt, exp.Select) or stmt.args.get("joins"):
        return None
    where = stmt.args.get("where")
    table = searchable_table(stmt, schema)
    if not isinstance(where, exp.Where) or table is None:
        return None
    parts = conjuncts(where.this)
    bounds = [(node, _bound(node)) for node in parts]
    if not any(b for _, b in bounds):
        return None
    columns = schema[table.name]
    index = {c.lower(): j for j, c in enumerate(columns)}
    rows = table_rows(peek, table, columns, MAX_ROWS)
    if rows is None:
        return None
    for node, bound in bounds:
        if bound is None or bound[0].name.lower() not in index:
            continue
        column, numbers = bound
        cells = _cells(rows, index[column.name.lower()])
        if not cells or any(re.search(r"\d", c) for c in cells):
            continue
        numeric = [c for j, c in enumerate(columns) if (held := _cells(rows, j))
                   and all(re.match(r"[-+$£€]?\d", h) for h in held)]
        name = columns[index[column.name.lower()]]
        feedback = render("rule_sql_number_on_words", column=name, example=clip_cells(cells),
                          numeric=", ".join(f"`{c}`" for c in numeric) or "none")
        details: dict[str, object] = {"name": name, "repairable": False}
        others = [" ".join(norm(str(lit.this)).split()) for lit in stmt.find_all(exp.Literal) if lit.is_string]
        written = {c for c in cells if _written(c, question) and not value_used(c, others)}
        if len(written) == 1:
            fixed = replaced(stmt, node, exp.EQ(this=exp.column(name, quoted=True),
                                                expression=exp.Literal.string(written.pop())))
            return Finding("number_on_words", feedback, {**details, "repairable": True,
                                                         "fixed": fixed.sql(dialect="mysql") + ";"})
        if any(other is not node and b is not None and b[0].name.lower() != column.name.lower()
               and set(b[1]) & set(numbers) for other, b in bounds):
            return Finding("number_on_words", feedback, {**details, "repairable": True,
                                                         "fixed": without(stmt, node).sql(dialect="mysql") + ";"})
        return Finding("number_on_words", feedback, details)
    return None


def _written(cell: str, question: str) -> bool:
    """Whether the question writes ``cell`` as whole words: three or more characters with a letter,
    no common word of questions ("total", "home")."""
    low = " ".join(norm(cell).split())
    return len(low) >= 3 and bool(re.search(r"[a-z]", low)) and low not in COMMON_WORDS \
        and bool(word_pattern(low).search(" ".join(norm(question).split())))


def clip_cells(cells: list[str]) -> str:
    """Two of ``cells``, quoted, for the feedback."""
    return ", ".join(f"'{c[:40]}'" for c in list(dict.fromkeys(cells))[:2])
