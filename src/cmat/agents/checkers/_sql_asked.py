"""The header the question asks for is the one the query selects.

"What Ship had the smallest Crew", "which Name has the largest Height", "Give the Result (2013)
of each candidate with ...", "tell me the Completed when ...": the question asks for a header by
name, right after its asking words. A small model often selects another column, most often the
one it ranks or filters on (``SELECT `Crew` ... ORDER BY `Crew` ASC LIMIT 1``), and the query
runs and answers the wrong column. When the words "which", "what", "give", "name", "find",
"tell me", "list", "show", "report" or "I need" (with "is/are/was/were", "the" and words of size
or of an aggregate between) come right before a header the question names, and the query
selects one other column, the rule rejects it (``asked_not_selected``); with ``--repair`` the
Checker selects the asked header in its place, under the same conditions and order. A minimum
or maximum of another column is kept for the asked header when the question's superlative is
the asked header's ("Which gls is the minimum one", "what is the smallest pts": ``MIN(`Gls`)``),
and otherwise becomes the row that has it (``SELECT MIN(`Prominence (m)`)`` for "Give the Peak
of the peak that has the lowest Prominence (m)": ``SELECT `Peak` ... ORDER BY `Prominence (m)`
ASC LIMIT 1``).

Conservative: query tasks of one table; one selected column, plain or in MIN/MAX (a sum, an
average or a count of another column is left alone); the asked header is not used by the query
anywhere (a header compared with a value is the question's condition, not its answer) and is not
inside a cell the question writes; a header named after "how many" is the counts rule's; after
"Answer with ..." only what follows is asked ("which ships had ...? Answer with their country",
where "country" names `Nationality` loosely, asks for no header the rule can read).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlglot import exp

from cmat.agents.checkers._sql_changes import Peek, table_rows
from cmat.agents.checkers._sql_locate import MAX_ROWS
from cmat.agents.checkers._sql_lookup import searchable_table
from cmat.agents.checkers._sql_mentions import question_cells
from cmat.agents.checkers._sql_pairing import Span, mentions, norm
from cmat.agents.checkers._sql_ranking import SIZE, TIME, order_key, ordered
from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import render

_ASK = (r"which|what|give(?: me)?|name|find|tell me|list|show(?: me)?|report|i need|provide|return|get"
        r"|identify|state|answer with")
_ANSWER_WITH = re.compile(r"\banswer with\b")
_FILLER = (r"is|are|was|were|the|a|an|all|each|every|its|their|total|average|mean|overall|highest|lowest|largest"
           r"|smallest|biggest|greatest|maximum|minimum|max|min|top|most|least|fewest|earliest|latest|oldest|newest|longest"
           r"|shortest|tallest|recent|sum of|value of|values of")
# The asking words, then only fillers, then the header: matched against the text before it.
_ASKED = re.compile(r"(?:^|[\s,;:(])(?:" + _ASK + r")(?P<filler>(?:\s+(?:" + _FILLER + r"))*)\s+[\"'“]?$")
# A superlative or aggregate among the fillers measures the asked header itself ("the smallest pts"),
# and so does one right after it ("Which gls is the minimum one").
_SUPERLATIVES = "|".join(sorted({*SIZE, *TIME}, key=len, reverse=True))
_AFTER = re.compile(r"[\"'”]?\s+(?:is|are|was|were)\s+(?:the\s+)?(?:" + _SUPERLATIVES + r")\b")
_MEASURE = re.compile(r"\b(?!(?:is|are|was|were|the|a|an|all|each|every|its|their|values?|of)\b)\w+")


def asked_header(question: str, columns: list[str],
                 rows: Callable[[], list[tuple[Any, ...]] | None] | None = None) -> tuple[Span, bool] | None:
    """(the header the question asks for by name, right after its asking words; whether a
    superlative or aggregate word measures it), or None if none (or more than one different
    header is asked). ``rows`` reads the table, only when a header is asked, for the cells the
    question writes (a header's name inside one is not asked)."""
    text = norm(question)
    told = _ANSWER_WITH.search(text)  # "Answer with their country": only what follows names the answer
    asked = []
    for span in mentions(text, columns):
        match = _ASKED.search(text, max(told.start() - 1, 0) if told else 0, span.start)
        if match:
            measured = bool(_MEASURE.search(match.group("filler"))) or bool(_AFTER.match(text, span.end))
            asked.append((span, measured))
    table = rows() if asked and rows is not None else None
    cells = question_cells(table, columns, question) if table is not None else []
    asked = [(s, m) for s, m in asked if not any(c.start <= s.start < c.end for c in cells)]
    return asked[0] if len({s.column for s, _ in asked}) == 1 else None


def asked_not_selected(stmt: exp.Expression, question: str, peek: Peek,
                       schema: dict[str, list[str]]) -> Finding | None:
    """A finding when the query ``stmt`` selects another column than the header the question asks
    for (module doc); ``details["fixed"]`` selects the asked header instead."""
    if not isinstance(stmt, exp.Select) or len(stmt.expressions) != 1 or stmt.args.get("group") \
            or stmt.args.get("joins") or stmt.find(exp.Distinct):
        return None
    table = searchable_table(stmt, schema)
    if table is None:
        return None
    columns = schema[table.name]
    projection = stmt.expressions[0].unalias()
    inner = projection.this if isinstance(projection, (exp.Min, exp.Max)) else projection
    if not isinstance(inner, exp.Column) or isinstance(inner.this, exp.Star):
        return None
    if re.search(r"\bhow many\b", norm(question)):
        return None  # the counts rule's
    asked = asked_header(question, columns, lambda: table_rows(peek, table, columns, MAX_ROWS))
    if asked is None or asked[0].column.lower() in {c.name.lower() for c in stmt.find_all(exp.Column)}:
        return None
    span, measured = asked
    fixed = stmt.copy()
    header = exp.column(span.column, quoted=True)
    if projection is inner or not measured:
        fixed.set("expressions", [header])
    else:  # "the smallest pts": MIN(`Pts`)
        fixed.set("expressions", [projection.__class__(this=header)])
    if projection is not inner and not measured:  # MIN/MAX of another column: the row that has it
        if stmt.args.get("order") or stmt.args.get("limit"):
            return None
        desc = isinstance(projection, exp.Max)
        key = order_key(peek, fixed, inner.name, "DESC" if desc else "ASC")
        fixed = fixed.order_by(ordered(key, desc), copy=True).limit(1)
    feedback = render("rule_sql_asked", column=span.column, selected=projection.sql(dialect="mysql"),
                      table=table.name)
    return Finding("asked_not_selected", feedback, {"name": span.column, "fixed": fixed.sql(dialect="mysql") + ";",
                                                   "repairable": True})
