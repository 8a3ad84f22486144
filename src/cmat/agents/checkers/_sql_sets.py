"""An UPDATE sets every new value the question gives: a value left out is added back.

"Set the Affiliation as 'Red Sox' and Manager as 'Bill Belichick'" is often answered with an
UPDATE that sets the first value only. The statement runs, matches the row and changes it, and
the table hash is wrong. A value the question gives next to a header (``_sql_pairing``: quoted,
or a number) that the UPDATE does not use at all is either a value to set or a condition; the
Checker tells them apart by the table (``CheckContext.peek``): a value that no row holds in that
column is new, so it must be set. The UPDATE is rejected with that value named, and with
``--repair`` the Checker adds it to SET itself. Only for an UPDATE whose condition matches a
row (one that matches nothing is the changes rule's), for a question that speaks of changing
(``_sql_inserts.speaks_of_change``), and for a header that no part of the statement uses.
"""

from __future__ import annotations

from sqlglot import exp

from cmat.agents.checkers._sql_changes import Peek, count_query, peek_count
from cmat.agents.checkers._sql_compare import stated_values
from cmat.agents.checkers._sql_inserts import speaks_of_change
from cmat.agents.checkers._sql_pairing import mentions, norm, paired
from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import clip, render


def _held(peek: Peek, table: exp.Table, column: str, value: str) -> int | None:
    return peek_count(peek, exp.select("COUNT(*)").from_(table.copy()).where(
        exp.EQ(this=exp.column(column, quoted=True), expression=exp.Literal.string(value))
    ).sql(dialect="mysql"))


def value_not_set(stmt: exp.Expression, question: str, peek: Peek, schema: dict[str, list[str]]) -> Finding | None:
    """The first new value the question gives for a header the UPDATE does not use (module doc),
    as a finding; None when there is none or nothing can be counted."""
    table = stmt.this if isinstance(stmt, exp.Update) else None
    if not isinstance(table, exp.Table) or table.name not in schema or not speaks_of_change(question):
        return None
    query = count_query(stmt)
    if query is None or not peek_count(peek, query):
        return None  # no WHERE (another rule's), or it matches nothing (the changes rule's)
    text = norm(question)
    spans = mentions(text, schema[table.name])
    used = {c.name.lower() for c in stmt.find_all(exp.Column)}
    literals = " ".join(str(lit.this).lower() for lit in stmt.find_all(exp.Literal))
    for value in stated_values(question, spans):
        header = paired(text, value, spans)
        if header is None or header.lower() in used or value.lower() in literals:
            continue
        if _held(peek, table, header, value) != 0:
            continue  # a row has it: the question names a row by it (a condition), or it is unknown
        fixed = stmt.copy()
        fixed.set("expressions", [*fixed.expressions, exp.EQ(this=exp.column(header, quoted=True),
                                                              expression=exp.Literal.string(value))])
        feedback = render("rule_sql_value_not_set", value=clip(value, 80), column=header, table=table.name)
        return Finding("value_not_set", feedback, {"table": table.name, "column": header, "value": value[:200],
                                                   "fixed": fixed.sql(dialect="mysql") + ";", "repairable": True})
    return None
