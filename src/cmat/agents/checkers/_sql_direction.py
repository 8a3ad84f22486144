"""A MIN or MAX, or an ORDER BY ... LIMIT 1, that runs the other way than the question's superlative.

"what is the oldest Established among institutions when the Campus size (ha) is below 428?"
asks for the smallest year; a small model often writes ``MAX(`Established`)``, the query runs
and returns a year, and the database cannot tell. When the question writes a superlative right
before a header (or after it: "whose Prize money is the least"), the ranking rule's reading
(``_sql_ranking.superlatives``), and the statement takes the MAX (or orders DESC with LIMIT 1) of
that header where the word asks for the smallest, or the other way round, the rule rejects it
(``direction_not_stated``); ``--repair`` writes MIN for MAX (ASC for DESC) and back. Only when
every superlative the question writes for the header asks the same way ("oldest" and "latest"
of one header decide nothing), and only for a query of one table.
"""

from __future__ import annotations

from sqlglot import exp

from cmat.agents.checkers._sql_lookup import searchable_table
from cmat.agents.checkers._sql_ranking import ordered, superlatives
from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import render

_WORD = {"DESC": "largest", "ASC": "smallest"}


def _measured(node: exp.Expression) -> str | None:
    """The column of ``node`` when it is `column` or `column` + 0, else None."""
    if isinstance(node, exp.Add) and isinstance(node.expression, exp.Literal):
        node = node.this
    return node.name if isinstance(node, exp.Column) else None


def direction_not_stated(stmt: exp.Expression, question: str, schema: dict[str, list[str]]) -> Finding | None:
    """A finding for the first MIN/MAX or ORDER BY ... LIMIT 1 of the query ``stmt`` that runs
    against the superlative the question writes for its column (module doc), or None."""
    if not isinstance(stmt, exp.Select) or stmt.args.get("joins"):
        return None
    table = searchable_table(stmt, schema)
    if table is None:
        return None
    wanted: dict[str, dict[str, str]] = {}  # column -> direction -> the superlative that asks it
    for match, span, direction in superlatives(question, schema[table.name]):
        wanted.setdefault(span.column.lower(), {}).setdefault(direction, match.group("word"))
    if not wanted:
        return None
    for node in stmt.selects:
        inner = node.unalias()
        if not isinstance(inner, (exp.Max, exp.Min)):
            continue
        column, used = _measured(inner.this), "DESC" if isinstance(inner, exp.Max) else "ASC"
        ways = wanted.get(str(column).lower(), {})
        if column is None or len(ways) != 1 or used in ways:
            continue
        fixed = stmt.copy()
        twin = next(n for n in fixed.find_all(exp.Max, exp.Min) if n == inner)
        turned = (exp.Min if used == "DESC" else exp.Max)(this=twin.this.copy())
        twin.replace(turned)
        return _finding(column, next(iter(ways.values())), used, fixed, turned.sql(dialect="mysql"))
    order, limit = stmt.args.get("order"), stmt.args.get("limit")
    if order is None or limit is None or len(order.expressions) != 1:
        return None
    key = order.expressions[0]
    column, used = _measured(key.this), "DESC" if key.args.get("desc") else "ASC"
    ways = wanted.get(str(column).lower(), {})
    if column is None or len(ways) != 1 or used in ways:
        return None
    fixed = stmt.copy()
    fixed.args["order"].expressions[0].replace(ordered(key.this.copy(), used == "ASC"))
    return _finding(column, next(iter(ways.values())), used, fixed, fixed.args["order"].sql(dialect="mysql"))


def _finding(column: str, word: str, used: str, fixed: exp.Select, written: str) -> Finding:
    wanted = "ASC" if used == "DESC" else "DESC"
    feedback = render("rule_sql_direction", word=word, column=column, wanted=_WORD[wanted], used=_WORD[used],
                      written=written)
    return Finding("direction_not_stated", feedback, {"name": column, "direction": wanted, "repairable": True,
                                                      "fixed": fixed.sql(dialect="mysql") + ";"})
