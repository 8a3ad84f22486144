"""A text value is compared with the column that holds it: the Checker looks it up in the table.

The pairing rule (``_sql_pairing``) puts a value on its column when the question names the
header next to it. Often it does not ("how many floors does the capitol square have?"), and a
small model compares the value with some other column (`Rank` = 'Capitol Square'); the query
runs and returns nothing. The Checker asks the table itself, through ``CheckContext.peek``
(read-only counts that cost the episode no round): when no row holds the value in the column
the statement compares it with, and exactly one other column holds it, that column is the
value's, and the condition is rejected; with ``--repair`` the Checker moves it there when the
wrong column occurs once in the statement and the right one not at all. Equality with text
literals of three or more characters with a letter only ('8' or 'D' is in many columns by
chance), compared the way the database compares (MySQL's collation: any letter case).
"""

from __future__ import annotations

from sqlglot import exp

from cmat.agents.checkers._sql_ast import condition_clauses
from cmat.agents.checkers._sql_changes import Peek, count_equal
from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import clip, render

MAX_COLUMNS = 40  # a wider table is not searched column by column


def value_in_other_column(stmt: exp.Expression, peek: Peek, schema: dict[str, list[str]]) -> Finding | None:
    """The first text condition whose value no row holds in its column and exactly one other
    column holds, as a finding; None when there is none or nothing can be counted."""
    tables = [t for t in stmt.find_all(exp.Table) if t.name in schema]
    if len(tables) != 1 or len(schema[tables[0].name]) > MAX_COLUMNS:
        return None  # one known table: a join or an unknown name is left to the other rules
    table, columns = tables[0], schema[tables[0].name]
    used = [c.name.lower() for c in stmt.find_all(exp.Column)]
    for clause in condition_clauses(stmt):
        for node in clause.find_all(exp.EQ):
            column, literal = node.args.get("this"), node.args.get("expression")
            if not isinstance(column, exp.Column) or not isinstance(literal, exp.Literal) or not literal.is_string:
                continue
            value = str(literal.this)
            if len(value.strip()) < 3 or not any(ch.isalpha() for ch in value) \
                    or count_equal(peek, table, column.name, value) != 0:
                continue  # held (or not countable): nothing to say
            holders = [c for c in columns if c.lower() != column.name.lower() and count_equal(peek, table, c, value)]
            if len(holders) != 1:
                continue
            target = holders[0]
            feedback = render("rule_sql_value_located", value=clip(value, 80), used=column.name, column=target,
                              table=table.name)
            details = {"name": column.name, "target": target, "value": value[:200],
                       "repairable": used.count(column.name.lower()) == 1 and target.lower() not in used}
            return Finding("value_in_other_column", feedback, details)
    return None
