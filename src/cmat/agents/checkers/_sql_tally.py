""""What is the total number of companies when ..." counts rows; it does not sum a column.

A small model reads "total" as ``SUM``: ``SELECT SUM(`Net_income_($m)`) ... WHERE `Sector` =
'Retail'`` for "What is the total number of companies when the Sector is Retail", or
``SUM(`River`)`` (a column of names, which sums to 0) for "the total number of rivers". The
counts rule (``_sql_counts``) handles the converse ("how many floors" is a cell). When the
question asks for the number or count of a <thing> ("the total number of rivers", "the count of
companies", "the number of entries") that is a row of the table, a word of its name ("rivers" of
"Longest rivers of Eskfield county") or "entries", "rows", "records", and the summed column is
not the <thing> ("companies" is no `Net_income_($m)`) or holds no numbers, a query that sums one
column is rejected (``sum_for_count``); with ``--repair`` the Checker counts the rows instead
(``COUNT(*)``), under the same conditions.

Conservative: a query task's ``SELECT SUM(`column`)`` alone, without GROUP BY; "how many" is left
to the model ("How many goals did ... score" is a sum); a <thing> the summed column names ("the
total number of the try bonus" for `Try bonus`, "goals" for `Goals scored`) is a sum, unless the
column holds no numbers.
"""

from __future__ import annotations

import re

from sqlglot import exp

from cmat.agents.checkers._sql_changes import Peek
from cmat.agents.checkers._sql_counts import numeric_column
from cmat.agents.checkers._sql_entity import forms, row_of_table
from cmat.agents.checkers._sql_lookup import searchable_table
from cmat.agents.checkers._sql_pairing import norm
from cmat.agents.checkers._sql_text import Finding, word_pattern
from cmat.agents.templates import render

_STOP = r"(?:when|where|with|that|which|who|whose|in|for|from|having|by|on|at|if|and|is|are|was|were)"
# "the total number of", "Give the count of"; not "the Floor count of buildings" (a header's name).
_COUNT_OF = re.compile(r"(?:^|\b(?:the|a|what|give|find|get|return|show|tell me)\s+)(?:total\s+)?"
                       r"(?:number|count)\s+of\s+(?:the\s+|all\s+)?"
                       r"(?P<thing>(?!" + _STOP + r"\b)[a-z][\w'-]*(?:\s+(?!" + _STOP + r"\b)[a-z][\w'-]*){0,2})")
_ROWS = frozenset({"entries", "entry", "rows", "row", "records", "record", "items", "item"})


def _counted_thing(question: str) -> str | None:
    """The <thing> whose number or count the question asks for, or None ("how many" questions too)."""
    text = " ".join(norm(question).split())
    if re.search(r"\bhow many\b", text):
        return None
    match = _COUNT_OF.search(text)
    return match.group("thing") if match else None


def _names(thing: str, column: str) -> bool:
    """Whether the words of ``column`` include ``thing`` (or its singular)."""
    name = " ".join(norm(column).replace("(", " ").replace(")", " ").split())
    return any(word_pattern(f).search(name) for f in forms(thing))


def sum_for_count(stmt: exp.Expression, question: str, peek: Peek, schema: dict[str, list[str]]) -> Finding | None:
    """A finding when ``stmt`` sums a column for a question that asks for a number of rows (module
    doc); ``details["fixed"]`` counts them instead."""
    if not isinstance(stmt, exp.Select) or len(stmt.expressions) != 1 or stmt.args.get("group") \
            or stmt.args.get("joins"):
        return None
    total = stmt.expressions[0].unalias()
    table = searchable_table(stmt, schema)
    thing = _counted_thing(question)
    if not isinstance(total, exp.Sum) or not isinstance(total.this, exp.Column) or table is None or thing is None:
        return None
    column = total.this.name
    if not (thing in _ROWS or row_of_table(thing, table.name)):
        return None
    if _names(thing, column) and numeric_column(peek, table, column):
        return None  # "the total number of the try bonus": a sum of `Try bonus`
    fixed = stmt.copy()
    fixed.set("expressions", [exp.Count(this=exp.Star())])
    feedback = render("rule_sql_sum_for_count", thing=thing, selected=total.sql(dialect="mysql"), table=table.name)
    return Finding("sum_for_count", feedback, {"name": column, "fixed": fixed.sql(dialect="mysql") + ";",
                                              "repairable": True})
