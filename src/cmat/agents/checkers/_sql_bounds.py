"""A query's numeric bound that the question never states is invented: the Checker leaves it out.

"Among every peak in the table, which has the lowest Height_(m)?" states no number, yet a small
model often adds a bound to the column it ranks or reads: ``WHERE `Height_(m)` < 100``,
``WHERE `Crew` < 0``, ``WHERE `Elevation (m)` < 2008`` (the 2008 of a header "Mountain range
2008"). The query then returns no row, or the wrong one, and the model answers "none". The values
rule (``_sql_values``) rejects an unstated number other than 0 and 1 without a repair; 0 and 1 it
lets pass (``= 1`` is a flag, ``> 0`` often harmless). This rule comes first and covers both: when
the question states no number at all (its headers' and table's names read out, so the 2008 of
"Mountain range 2008" and the 2000 of "peaks ... over 2000 m" are not stated), a condition that
compares a column with a number by ``<``, ``<=``, ``>``, ``>=`` or BETWEEN is invented, and the
Checker rejects it (``invented_bound``); with ``--repair`` it leaves the condition out, and the
next rules (the ranking rule's ORDER BY) go on from there.

Conservative: SELECT statements of query tasks only (leaving a condition out of a change could
widen it to rows the task does not name); top-level ``AND`` conditions of a column of one known
table; any number the question writes (a digit, or a number word up to twenty) switches the rule
off for that question, since a bound with a wrong number is then the values rule's to reject.
"""

from __future__ import annotations

import re

from sqlglot import exp

from cmat.agents.checkers._sql_ast import conjuncts, without
from cmat.agents.checkers._sql_lookup import searchable_table
from cmat.agents.checkers._sql_text import Finding
from cmat.agents.checkers._sql_values import as_number, question_numbers
from cmat.agents.templates import clip, render

_BOUNDS = (exp.GT, exp.GTE, exp.LT, exp.LTE)
# "one" as a pronoun, not a number: "which one has the least Crew", "the one with".
_PRONOUN_ONE = re.compile(r"\b(which|the|each|every|any|no|this|that)\s+one\b", re.IGNORECASE)


def _stated_numbers(question: str, names: list[str]) -> set[float]:
    """The numbers ``question`` writes outside the ``names`` it contains (headers, the table), "one"
    as a pronoun not counted."""
    text = _PRONOUN_ONE.sub(r"\1", question)
    for name in sorted(names, key=len, reverse=True):
        if name.strip():
            text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    return question_numbers(text)


def _number(node: exp.Expression | None) -> bool:
    """Whether ``node`` is a literal number (``100``, ``'100'``, ``-5``)."""
    while isinstance(node, (exp.Paren, exp.Neg)):
        node = node.this
    return isinstance(node, exp.Literal) and as_number(str(node.this)) is not None


def _bound(node: exp.Expression, columns: list[str]) -> str | None:
    """The column that ``node`` bounds by a number (`col` < 100, 100 > `col`, `col` BETWEEN 1 AND
    9), or None."""
    if isinstance(node, exp.Between):
        column, limits = node.this, [node.args.get("low"), node.args.get("high")]
    elif isinstance(node, _BOUNDS):
        left, right = node.this, node.expression
        column, limits = (left, [right]) if isinstance(left, exp.Column) else (right, [left])
    else:
        return None
    if isinstance(column, exp.Column) and column.name in columns and all(_number(x) for x in limits):
        return column.name
    return None


def invented_bound(stmt: exp.Expression, question: str, schema: dict[str, list[str]]) -> Finding | None:
    """A finding for the first numeric bound of the query ``stmt`` when ``question`` states no
    number (the module doc), repairable by leaving the bound out; None otherwise."""
    if not isinstance(stmt, exp.Select) or not question.strip() or stmt.args.get("joins"):
        return None
    where = stmt.args.get("where")
    table = searchable_table(stmt, schema)
    if not isinstance(where, exp.Where) or table is None:
        return None
    columns = schema[table.name]
    if _stated_numbers(question, [*columns, table.name]):
        return None
    for node in conjuncts(where.this):
        column = _bound(node, columns)
        if column is None:
            continue
        condition = node.sql(dialect="mysql")
        feedback = render("rule_sql_invented_bound", condition=clip(condition, 120), column=column)
        fixed = without(stmt, node).sql(dialect="mysql") + ";"
        return Finding("invented_bound", feedback, {"name": column, "condition": condition[:200],
                                                    "fixed": fixed, "repairable": True})
    return None
