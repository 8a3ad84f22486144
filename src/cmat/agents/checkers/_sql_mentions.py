"""A value of the table that the question names must be used by the query.

The counterpart, for text, of the numbers rule (``_sql_numbers``): "What is the Average for South
Carolina with an Interview less than 9.626?" answered with ``SELECT AVG(`Average`) ... WHERE
`Interview` < 9.626`` drops the condition on the state. The query runs and answers for every
state, and the database cannot tell. The Checker reads the table (``CheckContext.peek``,
read-only, no round used) and looks for the cells the question writes: a text value of three or
more characters with a letter, written in the question as whole words (any letter case), and not
only where the question names a header ("the Type" is no 'Type' cell). When a SELECT with conditions, or shaped as an
answer (an aggregate or an ORDER BY), uses none of them in a literal, it is rejected; with
``--repair`` the Checker adds `column` = 'value' itself, written as the table stores it.

Conservative, because it adds a condition:

* the longest cell wins where cells overlap in the question ("South Carolina" over "Carolina");
  a one-word value must have four or more letters, be no common word of questions ("total",
  "average", "home": a totals row or a column's usual value is no name), and be held by a column
  the question names ("the Country is vietnam"; "the Nominated work" is no 'Nominated' cell);
* a value is used when a string literal of the statement contains it or is part of it
  ('%Kogure%' uses "Takashi Kogure");
* the column is the one that holds the value; of several, the one whose header the question
  names; a column the statement already compares is left alone (a wrong value there is the
  values rule's);
* one table of at most ``MAX_ROWS`` rows and ``MAX_COLUMNS`` columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from cmat.agents.checkers._sql_ast import condition_clauses
from cmat.agents.checkers._sql_changes import Peek, table_rows
from cmat.agents.checkers._sql_locate import MAX_ROWS
from cmat.agents.checkers._sql_lookup import searchable_table
from cmat.agents.checkers._sql_numbers import shaped_as_answer
from cmat.agents.checkers._sql_pairing import mentions, norm
from cmat.agents.checkers._sql_text import Finding, word_pattern
from cmat.agents.templates import clip, render

_NUMERIC = re.compile(r"[-+]?[\d,.\s/%:]+")
# Words of questions that are also common cells of one column (a totals row, a result, a side).
COMMON_WORDS = frozenset({
    "total", "totals", "average", "none", "other", "others", "home", "away", "draw", "loss", "lost", "wins",
    "tied", "from", "with", "that", "this", "what", "which", "when", "where", "whom", "whose", "have", "were",
    "name", "names", "team", "teams", "year", "years", "game", "games", "match", "round", "final", "result",
    "score", "date", "time", "place", "position", "number", "first", "last", "second", "third", "most",
    "least", "more", "less", "than", "over", "under", "before", "after", "only", "also", "each", "every",
    "many", "much", "same", "left", "right", "north", "south", "east", "west", "open", "unknown",
    "male", "female", "active", "yes", "true", "false", "new", "old", "high", "low", "points", "rank",
})


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    stored: dict[str, str]  # column that holds the value -> the value as that column stores it

    @property
    def value(self) -> str:
        return next(iter(self.stored.values()))


def question_cells(rows: list[tuple[Any, ...]], columns: list[str], question: str) -> list[Mention]:
    """The cells the question writes, longest first where they overlap, less those that are only
    a header's name where the question names it ("the Type" is no 'Type' cell)."""
    text = norm(question)
    holders: dict[str, dict[str, str]] = {}  # normalised value -> column -> stored value
    for j, column in enumerate(columns):
        for row in rows:
            cell = str(row[j]).strip() if j < len(row) and row[j] is not None else ""
            low = " ".join(norm(cell).split())
            if len(low) < 3 or not any(ch.isalpha() for ch in low) or _NUMERIC.fullmatch(low):
                continue
            if " " not in low and (len(low) < 4 or low in COMMON_WORDS):
                continue
            holders.setdefault(low, {}).setdefault(column, cell)
    found = [Mention(match.start(), match.end(), by_column)
             for low, by_column in holders.items() if low in text
             for match in word_pattern(low).finditer(text)]
    found.sort(key=lambda m: (m.start - m.end, m.start))
    kept: list[Mention] = []
    for mention in found:
        if not any(mention.start < k.end and k.start < mention.end for k in kept):
            kept.append(mention)
    headers = mentions(text, columns)
    return sorted((m for m in kept if not any(h.start <= m.start and m.end <= h.end for h in headers)),
                  key=lambda m: m.start)


def value_used(value: str, literals: list[str]) -> bool:
    low = " ".join(norm(value).split())
    return any(lit in low or low in lit for lit in literals if len(lit) >= 3)


def value_not_used(stmt: exp.Expression, question: str, peek: Peek, schema: dict[str, list[str]]) -> Finding | None:
    """A finding for the first cell the question names that the query ``stmt`` does not use;
    None when it uses them all, or for anything but a SELECT with conditions or shaped as an answer."""
    if not isinstance(stmt, exp.Select) or not (condition_clauses(stmt) or shaped_as_answer(stmt)):
        return None
    table = searchable_table(stmt, schema)
    if table is None:
        return None
    columns = schema[table.name]
    rows = table_rows(peek, table, columns, MAX_ROWS)
    if rows is None:
        return None
    literals = [" ".join(norm(str(lit.this)).replace("%", " ").split())
                for lit in stmt.find_all(exp.Literal) if lit.is_string]
    compared = {c.name.lower() for clause in condition_clauses(stmt) for c in clause.find_all(exp.Column)}
    named = {span.column for span in mentions(norm(question), columns)}
    for mention in question_cells(rows, columns, question):
        if value_used(mention.value, literals):
            continue
        holders = list(mention.stored)
        choices = [c for c in holders if c in named]
        if not choices and " " not in mention.value.strip():
            continue  # one word whose column the question does not name: "Nominated work" is no 'Nominated'
        choices = choices or holders
        if any(c.lower() in compared for c in choices):
            continue
        column = choices[0] if len(choices) == 1 else None
        fixed = stmt.where(exp.EQ(this=exp.column(column, quoted=True),
                                  expression=exp.Literal.string(mention.stored[column])),
                           append=True, copy=True) if column else None
        feedback = render("rule_sql_value_not_used", value=clip(mention.value, 80), table=table.name,
                          columns=", ".join(f"`{c}`" for c in holders[:4]),
                          condition=f"`{column}` = '{clip(mention.value, 80)}'" if column else
                          "a condition on the column it belongs to")
        details: dict[str, object] = {"value": mention.value[:200], "columns": holders[:4],
                                      "repairable": fixed is not None}
        if fixed is not None:
            details["fixed"] = fixed.sql(dialect="mysql") + ";"
        return Finding("value_not_used", feedback, details)
    return None
