"""A change writes the new values the question gives, all of them, as the question writes them.

Two checks on the values an INSERT or UPDATE writes. ``value_not_set``: an UPDATE sets every new
value the question gives; a value left out is added back.

"Set the Affiliation as 'Red Sox' and Manager as 'Bill Belichick'" is often answered with an
UPDATE that sets the first value only. The statement runs, matches the row and changes it, and
the table hash is wrong. A value the question gives next to a header (``_sql_pairing``: quoted,
or a number) that the UPDATE does not use at all is either a value to set or a condition; the
Checker tells them apart by the table (``CheckContext.peek``): a value that no row holds in that
column is new, so it must be set. The UPDATE is rejected with that value named, and with
``--repair`` the Checker adds it to SET itself. Only for an UPDATE whose condition matches a
row (one that matches nothing is the changes rule's), for a question that speaks of changing
(``_sql_inserts.speaks_of_change``), and for a header that no part of the statement uses; the
table's name, where the question writes it, is read as no header and no value ("In Best-selling
games of 1986, set ...": no `Game` 1986).

``value_not_as_quoted``: a value the question puts in quotes is written as quoted. A small model
drops a sign or a symbol it copies ('+2' written '2', "'$1.5m'" written '1.5m'), and the table
hash differs. A value an INSERT or UPDATE writes that equals a quoted value of the question once
letter case, spaces and punctuation are ignored, and is shorter than it, is rejected, and with
``--repair`` written as quoted. A longer value is left alone: AgentBench's own statements keep
the quotes of "'\"Crimson Archives\"'", where the question's inner quotes are read first.
"""

from __future__ import annotations

import re

from sqlglot import exp

from cmat.agents.checkers._sql_changes import Peek, count_equal, count_query, peek_count
from cmat.agents.checkers._sql_compare import _QUOTED, stated_values
from cmat.agents.checkers._sql_inserts import speaks_of_change
from cmat.agents.checkers._sql_pairing import mentions, norm, paired, set_column_named, without_table
from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import clip, render


def value_not_set(stmt: exp.Expression, question: str, peek: Peek, schema: dict[str, list[str]]) -> Finding | None:
    """The first new value the question gives for a header the UPDATE does not use (module doc),
    as a finding; None when there is none or nothing can be counted."""
    table = stmt.this if isinstance(stmt, exp.Update) else None
    if not isinstance(table, exp.Table) or table.name not in schema or not speaks_of_change(question):
        return None
    query = count_query(stmt)
    if query is None or not peek_count(peek, query):
        return None  # no WHERE (another rule's), or it matches nothing (the changes rule's)
    question = without_table(question, table.name)
    text = norm(question)
    spans = mentions(text, schema[table.name])
    used = {c.name.lower() for c in stmt.find_all(exp.Column)}
    literals = " ".join(str(lit.this).lower() for lit in stmt.find_all(exp.Literal))
    for value in stated_values(question, spans):
        header = paired(text, value, spans)
        if header is None or header.lower() in used or value.lower() in literals:
            continue
        if count_equal(peek, table, header, value) != 0:
            continue  # a row has it: the question names a row by it (a condition), or it is unknown
        fixed = stmt.copy()
        fixed.set("expressions", [*fixed.expressions, exp.EQ(this=exp.column(header, quoted=True),
                                                              expression=exp.Literal.string(value))])
        feedback = render("rule_sql_value_not_set", value=clip(value, 80), column=header, table=table.name)
        return Finding("value_not_set", feedback, {"table": table.name, "column": header, "value": value[:200],
                                                   "fixed": fixed.sql(dialect="mysql") + ";", "repairable": True})
    return None


def _plain(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def written_literals(stmt: exp.Insert | exp.Update) -> list[exp.Literal]:
    """The literal values an INSERT's VALUES or an UPDATE's SET writes, in order."""
    if isinstance(stmt, exp.Insert):
        return list(stmt.expression.find_all(exp.Literal)) if stmt.expression is not None else []
    return [e.expression for e in stmt.expressions if isinstance(e, exp.EQ) and isinstance(e.expression, exp.Literal)]


def value_not_as_quoted(stmt: exp.Expression, question: str) -> Finding | None:
    """The first value an INSERT or UPDATE writes shorter than the question's quoted form of it
    (module doc), as a finding with the statement written as quoted; None when there is none."""
    if not isinstance(stmt, (exp.Insert, exp.Update)):
        return None
    quoted = list(dict.fromkeys(m.group(2) for m in _QUOTED.finditer(question)))
    written = written_literals(stmt)
    plain = [_plain(str(literal.this)) for literal in written]
    for index, literal in enumerate(written):
        value = str(literal.this)
        forms = [q for q in quoted if _plain(q) and _plain(q) == plain[index] and len(q) > len(value)]
        if len(forms) != 1 or plain.count(plain[index]) > 1:
            continue  # no quoted form, two, or two values it could be
        fixed = stmt.copy()
        written_literals(fixed)[index].replace(exp.Literal.string(forms[0]))
        feedback = render("rule_sql_value_as_quoted", value=clip(value, 80), quoted=clip(forms[0], 80))
        return Finding("value_not_as_quoted", feedback, {"value": value[:200], "quoted": forms[0][:200],
                                                         "fixed": fixed.sql(dialect="mysql") + ";",
                                                         "repairable": True})
    return None


def unknown_set_column(stmt: exp.Expression, name: str, question: str, schema: dict[str, list[str]]) -> str | None:
    """An UPDATE that sets a column ``name`` its table lacks ("SET `Sportswoman_of_the_Year_Award_1`
    = 'Naomi Osaka'": the table's name), rewritten to set the header the question changes to that
    value (:func:`set_column_named`) when the statement does not use that header yet; else None."""
    table = stmt.this if isinstance(stmt, exp.Update) else None
    if not isinstance(table, exp.Table) or table.name not in schema:
        return None
    used = {c.name.lower() for c in stmt.find_all(exp.Column)}
    for index, assignment in enumerate(stmt.expressions):
        column, literal = assignment.args.get("this"), assignment.args.get("expression")
        if not isinstance(column, exp.Column) or column.name != name or not isinstance(literal, exp.Literal):
            continue
        header = set_column_named(question, str(literal.this), schema[table.name])
        if header is None or header.lower() in used:
            return None
        fixed = stmt.copy()
        fixed.expressions[index].set("this", exp.column(header, quoted=True))
        return fixed.sql(dialect="mysql") + ";"
    return None
