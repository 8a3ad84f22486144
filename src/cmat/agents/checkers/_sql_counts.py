""""How many floors does the capitol square have?" asks for a cell, not for a count of rows.

A small model reads "how many" as ``COUNT(*)``: ``SELECT COUNT(*) FROM t WHERE `Name` = 'Capitol
Square'`` answers 1, the number of rows that match, while the table has a `Floors` column whose
value for that row is the answer. When the words right after "how many" are a header of the
table as written (``Floors``; or the first words of one: "how many weeks" for `weeks at No. 1`)
and that column holds numbers, a query that only counts rows under conditions is rejected; with
``--repair`` the Checker selects that column instead of the count.

Conservative: the header must be written as it is, not made plural by the question ("how many
games" with a `Game` column, a game's number, is a count of games), the column must hold
numbers in most of its filled cells (read through ``CheckContext.peek``), and the statement must
be ``SELECT COUNT(...)`` alone with a WHERE clause, no GROUP BY.
"""

from __future__ import annotations

import re

from sqlglot import exp

from cmat.agents.checkers._sql_changes import Peek
from cmat.agents.checkers._sql_pairing import norm
from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import render

SAMPLE_ROWS = 50  # cells read to tell a numeric column
_HOW_MANY = re.compile(r"\bhow many\s+([^?.,;]+)")
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
_WHOLE_NUMBER = re.compile(r"[-+]?[$€£]?\d[\d,. ]*%?")


def _named_after_how_many(question: str, columns: list[str]) -> str | None:
    """The header the words right after "how many" write as it is, longest first; None if none."""
    match = _HOW_MANY.search(norm(question))
    if match is None:
        return None
    words = match.group(1).split()
    for column in sorted(columns, key=lambda c: -len(c)):
        name = norm(column).split()
        if name and words[: len(name)] == name:
            return None if _counts_rows(words, len(name)) else column
        if len(name) > 1 and words[:1] == name[:1] and len(name[0]) >= 4 and len(words) > 1:
            return None if _counts_rows(words, 1) else column  # "how many weeks did ... spend"
    return None


def _counts_rows(words: list[str], start: int) -> bool:
    """Whether the words from ``start`` on ask for a number of rows: "How many Ceremony_year have a
    Country of Paraguay?", "How many match date are there when ..." ("are there" up to three words
    later); not "how many floors does the capitol square have?"."""
    if words[start : start + 2] in (["have", "a"], ["have", "an"], ["has", "a"], ["has", "an"]):
        return True  # "... have a Country of Paraguay"
    return any(words[i : i + 2] in (["are", "there"], ["were", "there"], ["is", "there"], ["was", "there"])
               for i in range(start, start + 4))


def numeric_column(peek: Peek, table: exp.Table, column: str, *, whole: bool = False) -> bool:
    """Whether most of the first ``SAMPLE_ROWS`` filled cells of ``column`` start with a number
    (``whole``: are a number, with separators, a currency sign or a % at most: not '4 June 1995')."""
    rows = peek(exp.select(exp.column(column, quoted=True)).from_(table.copy()).limit(SAMPLE_ROWS)
                .sql(dialect="mysql"))
    cells = [str(r[0]).strip() for r in rows or [] if r and r[0] is not None and str(r[0]).strip()]
    test = _WHOLE_NUMBER.fullmatch if whole else _NUMBER.match
    return bool(cells) and sum(bool(test(c)) for c in cells) * 2 > len(cells)


def count_for_value(stmt: exp.Expression, question: str, peek: Peek, schema: dict[str, list[str]]) -> Finding | None:
    """A finding when ``stmt`` counts rows for a question that asks for the value of a numeric
    header ("how many floors ..."); ``details["fixed"]`` selects that header instead."""
    if not isinstance(stmt, exp.Select) or len(stmt.expressions) != 1 or stmt.args.get("group") \
            or not isinstance(stmt.args.get("where"), exp.Where):
        return None
    count = stmt.expressions[0].unalias()
    tables = list(stmt.find_all(exp.Table))
    if not isinstance(count, exp.Count) or len(tables) != 1 or tables[0].name not in schema:
        return None
    table = tables[0]
    column = _named_after_how_many(question, schema[table.name])
    if column is None or column.lower() in {c.name.lower() for c in stmt.find_all(exp.Column)} \
            or not numeric_column(peek, table, column):
        return None
    fixed = stmt.copy()
    fixed.set("expressions", [exp.column(column, quoted=True)])
    feedback = render("rule_sql_count_for_value", column=column, table=table.name)
    return Finding("count_for_value", feedback, {"column": column, "fixed": fixed.sql(dialect="mysql") + ";",
                                                "repairable": True})
