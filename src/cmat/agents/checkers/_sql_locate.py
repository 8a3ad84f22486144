"""A change that matches no row, and the one row the question names: the Checker finds it.

The changes rule (``_sql_changes``) rejects an UPDATE or DELETE whose WHERE clause matches no
row. Often the model has the change right and the condition wrong: "Change the country of
Central Park Tower in the Skyscraper Database to Canada" becomes ``SET `Country` = 'Canada'
WHERE `Planned pinnacle height` = '100'``. The question names the row by a value that one row
of the table holds in a key column (`Building` = 'Central Park Tower'), and the Checker can read
the table (``CheckContext.peek``, read-only, no round used). When exactly one such value is
written in the question, the condition is rejected with that row named, and with ``--repair``
the Checker writes it as the statement's whole condition.

Conservative, because it replaces the model's condition:

* only for a change whose WHERE clause matches no row, on one table of at most ``MAX_ROWS``
  rows, and only where the question asks for that kind of change: an UPDATE for a question
  that speaks of changing a record and not of adding one (``_sql_inserts.speaks_of_change``),
  a DELETE for one that says delete, remove, drop, erase, eliminate or purge. An UPDATE for a
  question that states a new record is the changes rule's ("insert it");
* a candidate is a value of three or more characters, not a plain number below 1000 (years such
  as '2026' count, '7' does not), written in the question as whole words (any letter case),
  held by exactly one row, in a column where no two rows share a value (a key), and not a value
  the statement sets (the new value may already be in another row);
* exactly one row may be named: candidates in two rows, a value of the question that several
  rows hold in another column (a group: "for all peaks in Senegal"), or a number the question
  compares ("Votes cast beneath 23628", where one row has 23628 votes) leave it to the
  Assistant. A new value is no group: a word of a value the statement writes ('Elected' of
  "setting result to 'Not elected'"), or a value the question sets ("by setting Pos. to
  Linebacker", when the statement left that assignment out).

When the question names no row by a key value, it may name a group of rows: "Set Venue (H/A)
to N for all matches when Group stage is the Round", "for all ships with Portuguese as the
country". A value of three or more characters that several rows hold in one column, written in
the question as whole words (not inside a header's name nor the table's), is such a group; when
the question writes exactly one, in a column the statement does not set (a value inside a longer
one, 'Group' in 'Group stage', does not count), the condition becomes `column` = 'value', which
matches every row of the group. An UPDATE or DELETE with no WHERE clause at all ("Every award when
the nationality is Vietnam should get winner Nikolai Novak" answered with ``SET `Winner` =
'Nikolai Novak'`` alone), which the AST rule rejects, gets the same condition as its repair
(:func:`located_statement`).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sqlglot import exp

from cmat.agents.checkers._sql_changes import Peek, count_query, peek_count, table_rows
from cmat.agents.checkers._sql_compare import stated_operator
from cmat.agents.checkers._sql_inserts import speaks_of_change
from cmat.agents.checkers._sql_pairing import Span, mentions, norm, set_column_named
from cmat.agents.checkers._sql_sets import written_literals
from cmat.agents.checkers._sql_text import Finding, word_pattern
from cmat.agents.templates import clip, render

MAX_ROWS = 500
_REMOVE_WORDS = re.compile(r"\b(delet\w*|remov\w*|drop\w*|eras\w*|eliminat\w*|purg\w*)\b", re.IGNORECASE)
_SMALL_NUMBER = re.compile(r"[-+]?\d{1,3}(?:\.\d+)?")


def _in_question(question: str, value: str, headers: list[Span] | None = None) -> bool:
    """Whether ``question`` writes ``value`` as whole words, somewhere other than inside the
    place where it names a header (``headers``): "the team named Ballarat FL" names the header
    `Ballarat FL`, not a row 'Ballarat'."""
    return any(not any(h.start <= m.start() and m.end() <= h.end for h in headers or [])
               for m in word_pattern(value.lower()).finditer(question))


def _candidates(rows: list[tuple[Any, ...]], columns: list[str], question: str, skip: set[str],
                table: str) -> tuple[list[tuple[int, str, str]], list[tuple[str, str]], bool]:
    """(row index, column, value) of the key values the question writes; (column, value) of the
    values it writes that several rows share (groups), not inside the table's name; and whether
    it compares a number with a bound ("beneath 23628")."""
    found: list[tuple[int, str, str]] = []
    groups: dict[tuple[str, str], tuple[str, str]] = {}
    bound = False
    text, normal = question.lower(), norm(question)
    headers = mentions(normal, columns) if len(normal) == len(text) else []
    named = [Span(m.start(), m.end(), "") for m in re.finditer(re.escape(norm(table)), normal)] if table else []
    for j, column in enumerate(columns):
        cells = [str(r[j]).strip() if j < len(r) and r[j] is not None else "" for r in rows]
        counts = Counter(c.lower() for c in cells)
        key = all(n == 1 for c, n in counts.items() if c) and len(rows) > 1
        for i, cell in enumerate(cells):
            low = cell.lower()
            if len(low) < 3 or _SMALL_NUMBER.fullmatch(low) or low in skip or not _in_question(text, low, headers):
                continue
            if stated_operator(normal, cell) not in ("=", None):
                bound = True
            elif counts[low] > 1:
                if _in_question(text, low, headers + named):
                    groups[(column, low)] = (column, cell)
            elif key:
                found.append((i, column, cell))
    return found, list(groups.values()), bound


def _named_group(groups: list[tuple[str, str]], setting: set[str]) -> tuple[str, str] | None:
    """The one group the question names (module doc): values inside a longer one, and those of a
    column the statement sets, left out; None for none or several."""
    lows = [value.lower() for _, value in groups]
    kept = [(column, value) for column, value in groups if column.lower() not in setting
            and not any(other != value.lower() and word_pattern(value.lower()).search(other)
                        for other in lows)]
    return kept[0] if len(kept) == 1 else None


def _asks(stmt: exp.Expression, question: str) -> bool:
    return speaks_of_change(question) if isinstance(stmt, exp.Update) else bool(_REMOVE_WORDS.search(question))


def _condition(stmt: exp.Update | exp.Delete, question: str, peek: Peek,
               schema: dict[str, list[str]]) -> tuple[str, str] | None:
    """(column, value) of the one row or group the question names (module doc), or None."""
    table = stmt.this
    if not isinstance(table, exp.Table) or table.name not in schema:
        return None
    columns = schema[table.name]
    rows = table_rows(peek, table, columns, MAX_ROWS)
    if rows is None:
        return None
    written = {str(v.this).strip().lower() for v in written_literals(stmt)} if isinstance(stmt, exp.Update) else set()
    found, groups, bound = _candidates(rows, columns, question, written, table.name)
    if bound:
        return None
    # a new value is no group: a word of a value the statement writes ('Elected' of 'Not elected'),
    # or a value the question sets ("by setting Pos. to Linebacker", which the statement left out)
    groups = [(c, v) for c, v in groups if not any(word_pattern(v.lower()).search(w) for w in written)
              and set_column_named(question, v, columns) is None]
    if found:
        if groups or len({i for i, _, _ in found}) != 1:
            return None
        _, column, value = max(found, key=lambda f: len(f[2]))
        return column, value
    setting = {e.this.name.lower() for e in stmt.expressions
               if isinstance(e, exp.EQ) and isinstance(e.this, exp.Column)} if isinstance(stmt, exp.Update) else set()
    return _named_group(groups, setting)


def _with_condition(stmt: exp.Expression, column: str, value: str) -> str:
    fixed = stmt.copy()
    fixed.set("where", exp.Where(this=exp.EQ(this=exp.column(column, quoted=True),
                                             expression=exp.Literal.string(value))))
    return fixed.sql(dialect="mysql") + ";"


def located_statement(stmt: exp.Expression, question: str, peek: Peek, schema: dict[str, list[str]]) -> str | None:
    """An UPDATE or DELETE with no WHERE clause, given the condition on the one row or group the
    question names (module doc), for a question that asks for that change; None otherwise."""
    if not isinstance(stmt, (exp.Update, exp.Delete)) or stmt.args.get("where") is not None:
        return None
    if not _asks(stmt, question):
        return None
    named = _condition(stmt, question, peek, schema)
    return None if named is None else _with_condition(stmt, *named)


def locate_row(stmt: exp.Expression, question: str, peek: Peek, schema: dict[str, list[str]]) -> Finding | None:
    """A finding when ``stmt`` (an UPDATE or DELETE) matches no row and the question names one
    row by a key value, or one group of rows (module doc); None otherwise."""
    query = count_query(stmt) if _asks(stmt, question) else None
    if query is None or not isinstance(stmt, (exp.Update, exp.Delete)):
        return None
    table = stmt.this
    if not isinstance(table, exp.Table) or table.name not in schema or peek_count(peek, query) != 0:
        return None
    named = _condition(stmt, question, peek, schema)
    if named is None:
        return None
    column, value = named
    where = stmt.args["where"].this.sql(dialect="mysql")
    feedback = render("rule_sql_row_located", kind="UPDATE" if isinstance(stmt, exp.Update) else "DELETE",
                      table=table.name, where=clip(where, 200), column=column, value=clip(value, 80))
    return Finding("row_located", feedback, {"table": table.name, "column": column, "value": value[:200],
                                             "fixed": _with_condition(stmt, column, value), "repairable": True})
