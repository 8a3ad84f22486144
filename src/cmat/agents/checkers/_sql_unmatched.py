"""A query's condition that no row matches: the value the question writes for its column, or none.

A query that compares a column with a value the column never holds returns no rows, and a small
model then answers "none" or a guess. The lookup rules (``_sql_lookup``) handle the value that
another column holds, or that is part of one column's cells; this rule handles the rest, for a
SELECT of a query task, reading the table through ``CheckContext.peek``:

* the question writes a cell of the compared column that the statement does not use ("What Date
  has the Ship mv silent voyage and a Status of museum ship" compared as `Fate` = 'Moved to museum
  ship'; "what Surface has the Year may 21" as `Year` = '21'; "line(s) is teal" as `Line(s)` =
  'Line(s)'): when exactly one such cell, the condition is rejected (``unmatched_condition``) and
  ``--repair`` compares the column with that cell, as the table stores it; the same when rows
  hold the value but the question does not state it ("sector is aerospace" compared as `Sector`
  = 'Telecommunications', a word of the table's name);
* the question neither states the value nor gives the column a value (``_sql_record``'s reading
  of the header-value pairs it writes, or the header named before a link word, a comparison, a
  number, a quote or a cell of its column), and writes no cell of the column, however short
  ('N', '7–12'): "the average employees of every company" compared as `Headquarters` = 'Peru',
  a word of the table's name. The condition is invented, and ``--repair`` leaves it out; so is
  an unstated number that is only part of cells ("the average prominence (m) of all the peaks"
  with `First ascent` = '1');
* the value writes only a name, a header's or part of one ('Mountain range', '2015–16' of
  `Genre (2015–16)`) or words of the table's name ('Finals'), no column holds it and the
  question gives its column no value: it is left out too, stated or not.

Only a top-level ``AND`` condition `column` = value of one table of at most ``MAX_ROWS`` rows, whose
value its column does not hold (any letter case, as MySQL compares; or holds, unstated, for the
replacement), nor another column when the question states it, nor one cell up to punctuation
(the lookup rules move it there, or write it as stored), and, to leave it out, no cell of its
column holds as a word. The question's cells are the mentions rule's (``_sql_mentions``).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from sqlglot import exp

from cmat.agents.checkers._sql_ast import conjuncts, replaced, without
from cmat.agents.checkers._sql_changes import Peek, count_equal, table_rows
from cmat.agents.checkers._sql_locate import MAX_ROWS
from cmat.agents.checkers._sql_lookup import cells_with_part, searchable_table, stored_form
from cmat.agents.checkers._sql_mentions import COMMON_WORDS, Mention, question_cells, value_used
from cmat.agents.checkers._sql_pairing import mentions, norm
from cmat.agents.checkers._sql_record import stated_record
from cmat.agents.checkers._sql_text import Finding, word_pattern
from cmat.agents.templates import clip, render

_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
# What follows a header the question gives a value: a link word and a word, a comparison, a
# number or a quote ("Years 2023 is 1–8", "a Launched before 1983", "Grades \"7–12\"").
_VALUE_AFTER = re.compile(r"\s*(?:(?:is|was|are|were|of|equals?|being|=|:)\s+\S|(?:before|after|over|under|above|"
                          r"below|more|less|higher|lower|greater|smaller|larger|fewer|at least|at most)\b|[<>=\d\"'])")


def _stated(value: str, question: str) -> bool:
    """Whether the question writes ``value`` (any letter case and spacing; a number by its value)."""
    text = " ".join(norm(question).split())
    low = " ".join(norm(value).split())
    if low and word_pattern(low).search(text):
        return True
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        return False
    return any(float(m.group(0).replace(",", "")) == number for m in _NUMBER.finditer(question))


def _given_a_value(question: str, columns: list[str], table: str, rows: list[tuple[Any, ...]]) -> set[str]:
    """The columns the question gives a value: ``_sql_record``'s reading of its header-value pairs,
    and the headers it names before a link word, a comparison, a number, a quote or one of the
    column's own cells ("the incumbent no")."""
    text = norm(question)
    named = set(stated_record(question, columns, table))
    for span in mentions(text, columns):
        j = columns.index(span.column)
        after = text[span.end:].lstrip()
        cells = {norm(str(row[j])).strip() for row in rows if j < len(row) and row[j] is not None}
        if _VALUE_AFTER.match(text, span.end) or any(
                c and re.match(re.escape(c) + r"(?![\w])", after) for c in cells):
            named.add(span.column)
    return named


def _writes_a_cell(question: str, rows: list[tuple[Any, ...]], j: int) -> bool:
    """Whether the question writes a cell of column ``j`` as a whole word, however short ('N',
    'Yes', '7–12': cells too short or without a letter for the question's cells)."""
    text = " ".join(norm(question).split())
    cells = {" ".join(norm(str(row[j])).split()) for row in rows if j < len(row) and row[j] is not None}
    return any(c and word_pattern(c).search(text) for c in cells)


def _compared_names(stmt: exp.Select) -> set[str]:
    """The columns the statement compares with a value by ``=`` (lower case)."""
    return {n.this.name.lower() for n in stmt.find_all(exp.EQ) if isinstance(n.this, exp.Column)
            and isinstance(n.expression, exp.Literal)}


def cell_inside(value: str, question: str, rows: list[tuple[Any, ...]], columns: list[str],
                 compared: set[str]) -> tuple[str, str] | None:
    """(column, cell) for the one cell of the table written inside the phrase ``value`` as whole
    words ('Supporting' of 'Credited as Supporting'), and in the question, in a column the
    statement does not compare already; None when there is none or more than one, or when a cell
    writes the whole phrase. A cell of one word needs four or more letters and is no common word
    of questions, unless the phrase names its column ('No' of 'Incumbent is No', 'CD' of 'format
    of CD')."""
    phrase = " ".join(norm(value).split())
    text = " ".join(norm(question).split())
    named = {span.column for span in mentions(phrase, columns)}  # 'format of CD' names `Format`
    found: dict[tuple[str, str], str] = {}
    for j, column in enumerate(columns):
        for row in rows:
            cell = " ".join(str(row[j]).split()) if j < len(row) and row[j] is not None else ""
            low = norm(cell)
            if not low or low == phrase:
                continue
            if word_pattern(phrase).search(low):
                return None  # a cell writes the phrase: the lookup rules' (part of cells)
            one_word = len(low.split()) == 1
            short = not re.search(r"[a-z]", low) or (one_word and (len(low) < 4 or low in COMMON_WORDS))
            if (short and (column not in named or low == norm(column).strip())) \
                    or not word_pattern(low).search(phrase) or not word_pattern(low).search(text):
                continue
            found[(column, low)] = cell
    longest = [k for k in found if not any(k[1] != o[1] and word_pattern(k[1]).search(o[1]) for o in found)]
    if len(longest) != 1 or longest[0][0].lower() in compared:
        return None
    return longest[0][0], found[longest[0]]


def _holds_a_cell(value: str, question: str, rows: list[tuple[Any, ...]]) -> bool:
    """Whether the phrase ``value`` of more than one word writes, as whole words, a cell of the
    table (any length: 'No', 'H') that the question writes too."""
    phrase = " ".join(norm(value).split())
    text = " ".join(norm(question).split())
    if " " not in phrase:
        return False
    cells = {" ".join(norm(str(c)).split()) for row in rows for c in row if c is not None}
    return any(c and c != phrase and re.search(r"\w", c) and word_pattern(c).search(phrase)
               and word_pattern(c).search(text) for c in cells)


def _only_a_name(value: str, columns: list[str], table: str) -> bool:
    """Whether ``value`` writes only a name: a header's, or a part of one in whole words ('Mountain
    range', '2015–16' of `Genre (2015–16)`), or words of the table's name ('Finals' of
    'Margit_Pacheco_career_finals', a final "s" aside)."""
    phrase = " ".join(norm(value).split())
    if not re.search(r"\w", phrase):
        return False
    if any(word_pattern(phrase).search(" ".join(norm(c).split())) for c in columns):
        return True
    words = {w.removesuffix("s") for w in re.findall(r"\w+", norm(table))}
    return all(w.removesuffix("s") in words for w in re.findall(r"\w+", phrase))


def _nowhere(stmt: exp.Select, node: exp.Expression, question: str, rows: list[tuple[Any, ...]],
             columns: list[str], table: str, paired: set[str]) -> Finding | None:
    """The finding for a condition whose value no column holds and the question writes no cell
    of its column: its phrase holds one cell the question writes (``cell_inside``), the column
    that holds that cell compared with it; or it writes only a name (``_only_a_name``) and the
    question gives its column no value and writes none of its cells, however short, left out;
    else None."""
    column, value = node.this.name, str(node.expression.this)
    header = " ".join(norm(value).split()) in {" ".join(norm(c).split()) for c in columns}
    inside = None if header else cell_inside(value, question, rows, columns, _compared_names(stmt))
    if inside is None:  # a header's whole name holds no cell to compare ('95' of 'Metascore (1994–95)')
        if column in paired or _writes_a_cell(question, rows, columns.index(column)) \
                or not _only_a_name(value, columns, table):
            return None  # "Home/Away is N" gives `Venue (H/A)` a value: the feedback goes back
        feedback = render("rule_sql_unmatched_name", table=table, value=clip(value, 80), column=column)
        return Finding("unmatched_condition", feedback, {"name": column, "value": value[:200], "repairable": True,
                       "named": True, "fixed": without(stmt, node).sql(dialect="mysql") + ";"})
    holder, stored = inside
    fixed = replaced(stmt, node, exp.EQ(this=exp.column(holder, quoted=True), expression=exp.Literal.string(stored)))
    feedback = render("rule_sql_unmatched_inside", table=table, value=clip(value, 80),
                      column=column, holder=holder, stored=clip(stored, 80))
    return Finding("unmatched_condition", feedback,
                   {"name": column, "value": value[:200], "repairable": True, "stored": stored[:200], "holder": holder,
                    "fixed": fixed.sql(dialect="mysql") + ";"})


def unmatched_condition(stmt: exp.Expression, question: str, peek: Peek,
                        schema: dict[str, list[str]]) -> Finding | None:
    """A finding for the first top-level condition of the query ``stmt`` that no row matches,
    with the repair the module doc describes, or None."""
    if not isinstance(stmt, exp.Select):
        return None
    where = stmt.args.get("where")
    table = searchable_table(stmt, schema)
    if not isinstance(where, exp.Where) or table is None or stmt.args.get("joins"):
        return None
    columns = schema[table.name]
    rows: list[tuple[Any, ...]] | None = None
    cells: list[Mention] = []
    paired: set[str] = set()
    count = functools.cache(functools.partial(count_equal, peek, table))  # two checks below ask the same
    for node in conjuncts(where.this):
        column, literal = node.args.get("this"), node.args.get("expression")
        if not isinstance(node, exp.EQ) or not isinstance(column, exp.Column) \
                or not isinstance(literal, exp.Literal) or column.name not in columns:
            continue
        value = str(literal.this)
        stated = _stated(value, question)
        matches = count(column.name, value)
        if not value.strip() or matches is None or (matches and stated):
            continue  # the condition matches a value the question states (or nothing can be counted)
        if (stated and any(count(c, value) != 0 for c in columns)) \
                or (not matches and stored_form(peek, table, column.name, value) is not None):
            continue  # another column holds the stated value, or a cell is it up to punctuation: the lookups'
        if rows is None:
            rows = table_rows(peek, table, columns, MAX_ROWS)
            if rows is None:
                return None
            cells, paired = question_cells(rows, columns, question), _given_a_value(question, columns, table.name, rows)
        others = [" ".join(norm(str(lit.this)).replace("%", " ").split())
                  for lit in stmt.find_all(exp.Literal) if lit.is_string and lit is not literal]
        unused = [m for m in cells if column.name in m.stored and not value_used(m.value, others)]
        details: dict[str, object] = {"name": column.name, "value": value[:200], "repairable": True}
        if matches and len(unused) != 1:
            continue  # an unstated value that rows hold: the values rule's
        if len(unused) == 1:
            stored = unused[0].stored[column.name]
            fixed = stmt.copy()
            twin = next(n for n in fixed.find_all(exp.EQ) if n == node)
            twin.set("expression", exp.Literal.string(stored))
            feedback = render("rule_sql_unmatched_stated", table=table.name, value=clip(value, 80),
                              column=column.name, stored=clip(stored, 80),
                              reason="a value the question does not state" if matches else "which no row holds")
            return Finding("unmatched_condition", feedback,
                           {**details, "stored": stored[:200], "fixed": fixed.sql(dialect="mysql") + ";"})
        found = _nowhere(stmt, node, question, rows, columns, table.name, paired) \
            if not unused and not any(count(c, value) for c in columns) else None  # (``matches`` is 0 here)
        if found is not None:
            return found
        if _holds_a_cell(value, question, rows):
            continue  # 'Incumbent is No': a phrase around a short cell ('No') is no invented condition to drop
        if unused or stated or column.name in paired or _writes_a_cell(question, rows, columns.index(column.name)) \
                or (not _NUMBER.fullmatch(value.strip()) and cells_with_part(peek, table, column.name, value) != []):
            continue  # a column the question gives a value is meant: its value is the other rules' to fix
        feedback = render("rule_sql_unmatched_invented", table=table.name, value=clip(value, 80), column=column.name)
        return Finding("unmatched_condition", feedback,
                       {**details, "fixed": without(stmt, node).sql(dialect="mysql") + ";"})
    return None
