"""A change must change something: an UPDATE or DELETE whose WHERE clause matches no row.

A small model often answers a task that states a new record ("On 2 January 1944, the ship
... was sunk") with an UPDATE of a row that does not exist, or puts a value on a column that
never holds it. The statement runs without an error and changes nothing, so the database
cannot tell. The Checker asks the table itself, with a ``SELECT COUNT(*)`` over the same
WHERE clause (``CheckContext.peek``, which costs the episode no round), and rejects a change
that matches no row, with feedback that names the two ways out: insert the record the question
states, or fix the condition.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlglot import exp

from cmat.agents.checkers._sql_text import Finding, backticked
from cmat.agents.templates import clip, render

Peek = Callable[[str], list[tuple[Any, ...]] | None]


def peek_count(peek: Peek, query: str) -> int | None:
    """The number a ``SELECT COUNT(*)`` ``query`` returns through ``peek``, or None when it
    cannot be had."""
    rows = peek(query)
    try:
        return int(rows[0][0]) if rows and rows[0] and rows[0][0] is not None else None
    except (TypeError, ValueError):
        return None


def table_rows(peek: Peek, table: exp.Table, columns: list[str], max_rows: int) -> list[tuple[Any, ...]] | None:
    """Every row of ``table`` (``columns`` in order) through ``peek``; None when it has none, more
    than ``max_rows``, or cannot be read."""
    rows = peek(exp.select(*[exp.column(c, quoted=True) for c in columns]).from_(table.copy())
                .limit(max_rows + 1).sql(dialect="mysql"))
    return rows if rows and len(rows) <= max_rows else None


def count_equal(peek: Peek, table: exp.Table, column: str, value: str) -> int | None:
    """The rows of ``table`` whose ``column`` equals the text ``value``, as the database compares
    (MySQL's collation: any letter case), through ``peek``; None when it cannot be had."""
    return peek_count(peek, exp.select("COUNT(*)").from_(table.copy()).where(
        exp.EQ(this=exp.column(column, quoted=True), expression=exp.Literal.string(value))
    ).sql(dialect="mysql"))


def count_query(stmt: exp.Expression) -> str | None:
    """``SELECT COUNT(*) FROM <table> WHERE <condition>`` for an UPDATE or DELETE of one table
    with a WHERE clause; None for anything else."""
    if not isinstance(stmt, (exp.Update, exp.Delete)) or stmt.args.get("joins") or stmt.args.get("from"):
        return None
    table, where = stmt.this, stmt.args.get("where")
    if not isinstance(table, exp.Table) or not isinstance(where, exp.Where):
        return None
    return exp.select("COUNT(*)").from_(table.copy()).where(where.this.copy()).sql(dialect="mysql")


def change_matches_nothing(stmt: exp.Expression, peek: Peek, schema: dict[str, list[str]]) -> Finding | None:
    """A finding when ``stmt`` (an UPDATE or DELETE) would change no row; None when it would
    change some, or when the count cannot be had."""
    query = count_query(stmt)
    if query is None or peek_count(peek, query) != 0:
        return None
    table = stmt.this.name if isinstance(stmt.this, exp.Table) else ""
    where = stmt.args["where"].this.sql(dialect="mysql")
    feedback = render("rule_sql_matches_nothing", kind="UPDATE" if isinstance(stmt, exp.Update) else "DELETE",
                      table=table, where=clip(where, 200), columns=backticked(schema.get(table, [])))
    return Finding("change_matches_nothing", feedback, {"table": table, "where": where[:200]})
