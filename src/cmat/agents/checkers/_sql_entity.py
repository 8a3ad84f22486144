"""A question for the row with the most or least of a header is answered by the row's name.

"Among all the ships, which one has the least Crew?", "What museum had the greatest annual
visitors?", "Which Rider has the minimum Laps_completed ...": the question asks which row, and the
answer names it. A small model often answers with the measure itself: ``SELECT `Crew` ... ORDER BY
`Crew` ASC LIMIT 1`` or ``SELECT MIN(`Crew`)``, which returns a number, never the ship. The asked
rule (``_sql_asked``) handles a question that names the answer's header ("which Name has ...");
this one handles the rest. When the question writes "which/what <thing> has/had/with the
<superlative>", "name/give/find the <thing> that has/with the <superlative>" or "the name of the
<thing> with the <superlative>", and the query selects only the column it orders on (or the
MIN/MAX of a column, or a column it compares with a value: `Nat.` for "... that had Nat of
Ghanaian"), the rule rejects it (``ranked_column_selected``); with ``--repair`` the Checker
selects the row's name instead, under the same conditions and order (a MIN/MAX becomes ``ORDER
BY`` that column ``LIMIT 1``):

* the one header the question's <thing> names: the header is it, or it and "name" or "title"
  ("which school ..." is `School name`, "the ship" no `Ship type`; a plural read as its
  singular), unless that is the measured column itself;
* for "which one", or a <thing> the table's name writes ("which museum" of "List of museums in
  ..."), the table's key: its first column, other than the measured one and any compared with a
  value, whose cells are all filled, all different and not all numbers (a leading `Pos.` or
  `Rank` is skipped);
* for another <thing>, that key only when it is also the header closest to the <thing> in
  meaning ("which Rider" for a key `Driver`), as the headers rule (``_sql_headers``) reads an
  unknown column: close and clearly the closest by all-MiniLM-L6-v2; else nothing ("which
  building" of a table whose key `Name` is further from it than `Architect`).

Conservative: query tasks of one table, one selected column, no GROUP BY, DISTINCT or joins;
"how many" questions are the counts rule's.
"""

from __future__ import annotations

import re
from typing import Any

from sqlglot import exp

from cmat.agents.checkers._sql_changes import Peek, table_rows
from cmat.agents.checkers._sql_headers import header_by_meaning
from cmat.agents.checkers._sql_locate import MAX_ROWS
from cmat.agents.checkers._sql_lookup import searchable_table
from cmat.agents.checkers._sql_pairing import norm
from cmat.agents.checkers._sql_ranking import SIZE, TIME, order_key, ordered
from cmat.agents.checkers._sql_text import Finding, word_pattern
from cmat.agents.templates import render

_SUP = "|".join(sorted({*SIZE, *TIME}, key=len, reverse=True))
_STOP = r"(?:is|are|was|were|the|a|an|of|has|had|have|with|that|which|who|whose|and|in|for|to|by|on)"
_NOUN = r"(?P<noun>(?!" + _STOP + r"\b)[\w.'()-]+(?:\s+(?!" + _STOP + r"\b)[\w.'()-]+){0,2})"
# "which museum has the most", never "which X is the most": there X may be the measure itself.
_VERB = r"(?:(?:has|had|have|got|gets|goes with|go with)\s+)?(?:with\s+)?(?:the\s+)?"
_ROW_ASKED = [
    re.compile(r"(?:^|[^\w])(?:which|what)\s+" + _NOUN + r"\s+" + _VERB + r"(?:" + _SUP + r")\b"),
    re.compile(r"(?:^|[^\w])(?:name|give|find|identify|tell me|show|list|return|get)\s+(?:me\s+)?the\s+"
               r"(?:name\s+of\s+the\s+)?" + _NOUN + r"\s+(?:(?:that|which|who)\s+)?(?:has|had|have|got|with)\s+"
               r"(?:the\s+)?(?:" + _SUP + r")\b"),
    re.compile(r"\bthe\s+name\s+of\s+the\s+" + _NOUN + r"\s+(?:(?:that|which|who)\s+)?(?:has|had|have|got|with)\s+"
               r"(?:the\s+)?(?:" + _SUP + r")\b"),
]
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
_PAREN = re.compile(r"\([^)]*\)")


def _asked_thing(question: str) -> str | None:
    """The <thing> a question for a ranked row asks for ("one", "museum", "episode title"), or None."""
    return thing_asked(question, _ROW_ASKED, ends=False)


def thing_asked(question: str, patterns: list[re.Pattern[str]], *, ends: bool = True) -> str | None:
    """The ``noun`` group of the first of ``patterns`` the question matches (lower case; ``ends``:
    less a final ".", "?" or "!", for a noun that ends the question), or None; "how many" questions
    ask for a count, never a <thing>."""
    text = " ".join(norm(question).split())
    if re.search(r"\bhow many\b", text):
        return None
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            return (match.group("noun").rstrip(".?!") if ends else match.group("noun")) or None
    return None


def forms(thing: str) -> set[str]:
    """``thing`` and its singulars ("ships": "ship"; "classes": "class")."""
    return {thing, re.sub(r"(?<=[^s])s$", "", thing), re.sub(r"es$", "", thing)} - {""}


def named_header(thing: str, columns: list[str]) -> str | None:
    """The one header that is ``thing`` (or its singular), or it and a word that names it ("school"
    is `School name`; "ship" is no `Ship type`, an attribute of the ship; "final" is not `Opponent in
    the final`), parentheses aside; or None."""
    named = []
    for column in columns:
        name = " ".join(norm(_PAREN.sub(" ", column)).split())
        if any(name == f or name in (f"{f} name", f"{f} names", f"{f} title") for f in forms(thing)):
            named.append(column)
    return named[0] if len(named) == 1 else None


def row_of_table(thing: str, table: str) -> bool:
    """Whether ``thing`` is a row of the table: "one", or a word of its name ("museum" of "List of
    museums in ...")."""
    name = " ".join(norm(table).split())
    return thing == "one" or any(word_pattern(f).search(name) or word_pattern(f + "s").search(name)
                                 for f in forms(thing))


def key_column(columns: list[str], rows: list[tuple[Any, ...]], skip: set[str]) -> str | None:
    """The table's first column outside ``skip`` whose cells are filled, different and not all numbers."""
    for j, column in enumerate(columns):
        if column.lower() in skip:
            continue
        cells = [str(row[j]).strip() if j < len(row) and row[j] is not None else "" for row in rows]
        if all(cells) and len(set(cells)) == len(cells) and not all(_NUMBER.fullmatch(c) for c in cells):
            return column
    return None


def _measured(stmt: exp.Select) -> tuple[exp.Column, exp.Expression] | None:
    """(the column the query selects and orders on, takes the MIN/MAX of, or selects while it
    compares it with a value and orders on another; the projection), or None."""
    projection = stmt.expressions[0].unalias()
    if isinstance(projection, (exp.Min, exp.Max)) and isinstance(projection.this, exp.Column):
        return (projection.this, projection) if not stmt.args.get("order") else None
    order = stmt.args.get("order")
    if not isinstance(projection, exp.Column) or order is None or not stmt.args.get("limit"):
        return None
    keys = order.expressions
    first = keys[0].this if keys else None
    ordered_on = {c.name.lower() for c in first.find_all(exp.Column)} if first is not None else set()
    selected = projection.name.lower()
    return (projection, projection) if ordered_on == {selected} or selected in _compared(stmt) else None


def _compared(stmt: exp.Select) -> set[str]:
    """The columns ``stmt`` compares with a value by ``=`` (their value is known, not asked)."""
    return {c.this.name.lower() for c in stmt.find_all(exp.EQ) if isinstance(c.this, exp.Column)}


def ranked_column_selected(stmt: exp.Expression, question: str, peek: Peek,
                           schema: dict[str, list[str]]) -> Finding | None:
    """A finding when the question asks which row has the most or least of a header and the query
    ``stmt`` selects the measure instead (module doc); ``details["fixed"]`` selects the row's name."""
    if not isinstance(stmt, exp.Select) or len(stmt.expressions) != 1 or stmt.args.get("group") \
            or stmt.args.get("joins") or stmt.find(exp.Distinct):
        return None
    table = searchable_table(stmt, schema)
    measured = _measured(stmt)
    thing = _asked_thing(question)
    if table is None or measured is None or thing is None:
        return None
    column, projection = measured
    columns = schema[table.name]
    header = None if thing == "one" else named_header(thing, columns)
    if header is not None and header.lower() == column.name.lower():
        return None  # "which crew has the lowest crew": the measure is asked
    skip = {column.name.lower(), *_compared(stmt)}
    if header is None:
        rows = table_rows(peek, table, columns, MAX_ROWS)
        header = key_column(columns, rows, skip) if rows else None
        if header is not None and not row_of_table(thing, table.name) \
                and header_by_meaning(thing, columns, [c for c in columns if c.lower() not in skip]) != header:
            return None  # "which building" for a key `Name` closest to `Architect`: no telling
    if header is None:
        return None
    fixed = stmt.copy()
    fixed.set("expressions", [exp.column(header, quoted=True)])
    if projection is not column:  # MIN/MAX of the measure: the row that has it
        desc = isinstance(projection, exp.Max)
        key = order_key(peek, fixed, column.name, "DESC" if desc else "ASC")
        fixed = fixed.order_by(ordered(key, desc), copy=True).limit(1)
    feedback = render("rule_sql_ranked_selected", thing=thing, selected=projection.sql(dialect="mysql"),
                      column=header, table=table.name)
    return Finding("ranked_column_selected", feedback, {"name": header, "fixed": fixed.sql(dialect="mysql") + ";",
                                                        "repairable": True})
