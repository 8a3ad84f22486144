"""A text value is compared with the column that holds it: the Checker looks it up in the table.

The pairing rule (``_sql_pairing``) puts a value on its column when the question names the
header next to it. Often it does not ("how many floors does the capitol square have?"), and a
small model compares the value with some other column (`Rank` = 'Capitol Square'); the query
runs and returns nothing. The Checker asks the table itself, through ``CheckContext.peek``
(read-only counts that cost the episode no round): when no row holds the value in the column
the statement compares it with, and exactly one other column holds it, that column is the
value's, and the condition is rejected; with ``--repair`` the Checker moves it there when the
wrong column occurs once in the statement and the right one not at all. Equality with text
literals of three or more characters with a letter, or with four digits or more ('67,353' of
"when the Attendance is '67,353'" compared as `Match No.`), only ('8' or 'D' is in many columns by
chance), compared the way the database compares (MySQL's collation: any letter case).

A value that the statement's one selected column holds, compared with another column that does
not hold it (``SELECT `Record` ... WHERE `Attendance` = '15-28'`` for "Which Attendance is the
highest one that has a Record of 15-28?"), means the two columns are swapped
(:func:`columns_swapped`); with ``--repair`` the Checker swaps them, aggregate and all
(``MAX(`Attendance`) ... WHERE `Record` = '15-28'``). Any value of three or more characters
counts here, digits too: the selected column holding it is the evidence.

Before that, the value's own column is read for the value as the table stores it: a cell that
differs from the value only in punctuation and spacing ('"Don't Cry for Me Argentina"', with the
quotes of a song title, for 'Don''t Cry for Me Argentina') is the value, when it is the only such
cell (``value_not_as_stored``); with ``--repair`` the Checker writes the cell's text instead.

Last, a value that no cell of the table holds whole may be part of cells: the year of "who had
a title reign in 1992?" is part of the dates of a `Date` column ('January 6, 1992'), which a
small model compares with `=` (on any column), matching nothing. When the value is written as a
whole word inside cells of exactly one column, and no cell of any column is the value, the
condition is rejected (``value_part_of_cells``); with ``--repair`` it becomes `column` LIKE
'%value%'. A year (four digits) may be part of many cells; a text value (three or more
characters with a letter) must be part of exactly one distinct cell, which it then names.
"""

from __future__ import annotations

import re

from sqlglot import exp

from cmat.agents.checkers._sql_ast import condition_clauses
from cmat.agents.checkers._sql_changes import Peek, count_equal
from cmat.agents.checkers._sql_text import Finding, word_pattern
from cmat.agents.templates import clip, render

MAX_COLUMNS = 40  # a wider table is not searched column by column
MAX_STORED = 20  # cells containing the value that are read to find its stored form
_YEAR = re.compile(r"(1[0-9]|20)\d\d")
_PUNCT = re.compile(r"[\W_]+")


def _bare(text: str) -> str:
    """``text`` lower-cased without punctuation and spaces: "'Don't Cry'" and "dont cry" agree."""
    return _PUNCT.sub("", text.lower())


def searchable_table(stmt: exp.Expression, schema: dict[str, list[str]]) -> exp.Table | None:
    """The statement's table, when it names exactly one known table of at most ``MAX_COLUMNS``
    columns (a join or an unknown name is left to the other rules); else None."""
    tables = [t for t in stmt.find_all(exp.Table) if t.name in schema]
    return tables[0] if len(tables) == 1 and len(schema[tables[0].name]) <= MAX_COLUMNS else None


def stored_form(peek: Peek, table: exp.Table, column: str, value: str) -> str | None:
    """The one cell of ``column`` that is ``value`` up to punctuation and spacing, or None."""
    words = [w for w in re.split(r"[\W_]+", value) if w]
    if not words:
        return None
    pattern = "%" + "%".join(words) + "%"
    rows = peek(exp.select(exp.column(column, quoted=True)).distinct().from_(table.copy()).where(
        exp.Like(this=exp.column(column, quoted=True), expression=exp.Literal.string(pattern))
    ).limit(MAX_STORED + 1).sql(dialect="mysql"))
    if not rows or len(rows) > MAX_STORED:
        return None
    cells = {str(r[0]) for r in rows if r and r[0] is not None and _bare(str(r[0])) == _bare(value)}
    return cells.pop() if len(cells) == 1 else None


def value_in_other_column(stmt: exp.Expression, peek: Peek, schema: dict[str, list[str]]) -> Finding | None:
    """The first text condition whose value no row holds in its column and exactly one other
    column holds, as a finding; None when there is none or nothing can be counted."""
    table = searchable_table(stmt, schema)
    if table is None:
        return None
    columns = schema[table.name]
    used = [c.name.lower() for c in stmt.find_all(exp.Column)]
    for clause in condition_clauses(stmt):
        for node in clause.find_all(exp.EQ):
            column, literal = node.args.get("this"), node.args.get("expression")
            if not isinstance(column, exp.Column) or not isinstance(literal, exp.Literal) or not literal.is_string:
                continue
            value = str(literal.this)
            if len(value.strip()) < 3 or (not any(ch.isalpha() for ch in value) and sum(map(str.isdigit, value)) < 4) \
                    or count_equal(peek, table, column.name, value) != 0:
                continue  # held (or not countable): nothing to say
            stored = stored_form(peek, table, column.name, value)
            if stored is not None and stored != value:
                fixed = stmt.copy()
                for twin in fixed.find_all(exp.Literal):
                    if twin.is_string and str(twin.this) == value:
                        twin.replace(exp.Literal.string(stored))
                feedback = render("rule_sql_value_stored", value=clip(value, 80), column=column.name,
                                  stored=clip(stored, 80), table=table.name)
                return Finding("value_not_as_stored", feedback, {"name": column.name, "value": value[:200],
                               "stored": stored[:200], "fixed": fixed.sql(dialect="mysql") + ";",
                               "repairable": True})
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


def swap_columns(stmt: exp.Expression, first: str, second: str) -> exp.Expression:
    """A copy of ``stmt`` with every use of column ``first`` naming ``second`` and the other way
    round (names compared in any letter case)."""
    swapped = stmt.copy()
    for column in swapped.find_all(exp.Column):
        if column.name.lower() in (first.lower(), second.lower()):
            other = second if column.name.lower() == first.lower() else first
            column.replace(exp.column(other, quoted=True))
    return swapped


def columns_swapped(stmt: exp.Expression, peek: Peek, schema: dict[str, list[str]]) -> Finding | None:
    """A finding when ``stmt`` selects one column, compares another with a value that column does
    not hold, and the selected column holds it (module doc); ``details["fixed"]`` swaps them."""
    tables = [t for t in stmt.find_all(exp.Table) if t.name in schema]
    if not isinstance(stmt, exp.Select) or len(stmt.expressions) != 1 or len(tables) != 1:
        return None
    selected = list(stmt.expressions[0].find_all(exp.Column))
    if len(selected) != 1:
        return None
    table, wanted = tables[0], selected[0].name
    names = [c.name.lower() for c in stmt.find_all(exp.Column)]
    for clause in condition_clauses(stmt):
        for node in clause.find_all(exp.EQ):
            column, literal = node.args.get("this"), node.args.get("expression")
            if not isinstance(column, exp.Column) or not isinstance(literal, exp.Literal) \
                    or column.name.lower() == wanted.lower() or len(str(literal.this).strip()) < 3 \
                    or names.count(column.name.lower()) != 1 or names.count(wanted.lower()) != 1:
                continue
            value = str(literal.this)
            if count_equal(peek, table, column.name, value) != 0 or not count_equal(peek, table, wanted, value):
                continue
            fixed = swap_columns(stmt, wanted, column.name)
            feedback = render("rule_sql_columns_swapped", value=clip(value, 80), used=column.name, selected=wanted,
                              table=table.name)
            return Finding("columns_swapped", feedback, {"name": column.name, "target": wanted, "value": value[:200],
                           "fixed": fixed.sql(dialect="mysql") + ";", "repairable": True})
    return None


def cells_with_part(peek: Peek, table: exp.Table, column: str, value: str) -> list[str] | None:
    """The distinct cells of ``column`` that write ``value`` as a whole word among others (at most
    :data:`MAX_STORED`; None when there are more or they cannot be read)."""
    rows = peek(exp.select(exp.column(column, quoted=True)).distinct().from_(table.copy()).where(
        exp.Like(this=exp.column(column, quoted=True), expression=exp.Literal.string(f"%{value}%"))
    ).limit(MAX_STORED + 1).sql(dialect="mysql"))
    if rows is None or len(rows) > MAX_STORED:
        return None
    word = word_pattern(value.lower())
    return [str(r[0]) for r in rows if r and r[0] is not None and str(r[0]).strip().lower() != value.lower()
            and word.search(str(r[0]).lower())]


def value_part_of_cells(stmt: exp.Expression, peek: Peek, schema: dict[str, list[str]]) -> Finding | None:
    """The first `column` = value condition of a query whose value no cell holds whole and the
    cells of exactly one column hold as a word (module doc), as a finding whose repair compares
    with LIKE; None when there is none or nothing can be read."""
    table = searchable_table(stmt, schema)
    if not isinstance(stmt, exp.Select) or table is None:
        return None
    columns = schema[table.name]
    for clause in condition_clauses(stmt):
        for node in clause.find_all(exp.EQ):
            column, literal = node.args.get("this"), node.args.get("expression")
            if not isinstance(column, exp.Column) or not isinstance(literal, exp.Literal):
                continue
            value = str(literal.this).strip()
            year = bool(_YEAR.fullmatch(value))
            if not year and (not literal.is_string or len(value) < 3 or not any(ch.isalpha() for ch in value)):
                continue
            if any(count_equal(peek, table, c, value) != 0 for c in columns):
                continue  # held whole somewhere (or not countable): the other lookups' case
            parts = {c: cells_with_part(peek, table, c, value) for c in columns}
            if any(found is None for found in parts.values()):
                continue
            holders = [c for c, found in parts.items() if found]
            if len(holders) != 1 or (not year and len(parts[holders[0]] or []) != 1):
                continue
            target = holders[0]
            example = (parts[target] or [""])[0]
            fixed = stmt.copy()
            twin = next(n for n in fixed.find_all(exp.EQ) if n == node)
            twin.replace(exp.Like(this=exp.column(target, quoted=True), expression=exp.Literal.string(f"%{value}%")))
            feedback = render("rule_sql_value_part", value=clip(value, 80), used=column.name, column=target,
                              example=clip(example, 80), table=table.name)
            return Finding("value_part_of_cells", feedback, {"name": column.name, "target": target,
                           "value": value[:200], "fixed": fixed.sql(dialect="mysql") + ";", "repairable": True})
    return None
