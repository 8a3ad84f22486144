"""A question for the row with the most or least of a header is answered by ordering on it.

"Give the Species of the species that has the lowest Population estimate among the species when
Main habitat is Savanna" asks for one row: the one whose `Population estimate` is smallest. A
small model often writes only the conditions (``SELECT `Species` ... WHERE `Main habitat` =
'Savanna'``), the query runs and lists every matching row, and the database cannot tell. When
the question writes a superlative right before a header it names ("the lowest Population
estimate", "the largest no. of tracks", "the oldest year described", or after it: "whose Prize
money is the least") and the query neither
orders, groups, limits nor aggregates, the rule rejects it (``ranking_without_order``); with
``--repair`` the Checker appends ``ORDER BY `header` DESC|ASC LIMIT 1``, comparing as numbers
(``+ 0``) where the column's text order would pick another row, as the task generator's gold does.

Words of size ("highest", "largest", "most", "top", "lowest", "smallest", "least", "fewest", ...)
order any header; words of time ("earliest", "oldest", "latest", "newest", "most recent") only
a header of years or dates, where older is smaller. A superlative inside a cell the question
writes ("least concern") is no ranking. Query tasks of one table only (``CheckContext.peek``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sqlglot import exp

from cmat.agents.checkers._sql_changes import Peek, table_rows
from cmat.agents.checkers._sql_locate import MAX_ROWS
from cmat.agents.checkers._sql_lookup import searchable_table
from cmat.agents.checkers._sql_mentions import COMMON_WORDS, question_cells
from cmat.agents.checkers._sql_pairing import Span, mentions, norm
from cmat.agents.checkers._sql_text import Finding, word_pattern
from cmat.agents.templates import render

SIZE = {**dict.fromkeys(("highest", "largest", "biggest", "greatest", "most", "maximum", "top", "longest",
                         "tallest", "heaviest"), "DESC"),
        **dict.fromkeys(("lowest", "smallest", "least", "fewest", "minimum", "shortest", "lightest"), "ASC")}
TIME = {**dict.fromkeys(("earliest", "oldest"), "ASC"), **dict.fromkeys(("latest", "newest", "most recent"), "DESC")}
_WORD = re.compile(r"(?<![\w])(?P<word>most recent|" + "|".join(sorted({*SIZE, *TIME} - {"most recent"}, key=len,
                                                                        reverse=True)) + r")(?![\w])")
# Between the superlative and the header: nothing, or words that do not change what is measured.
_BETWEEN = re.compile(r"\s*(?:(?:the|total|overall|number of|no\.? of|amount of|value of|recorded)\s+)*[\"'“]?")
# Between a header and a superlative after it: "whose Prize money is the least".
_IS_THE = re.compile(r"[\"'”]?\s+(?:is|was|are|were)\s+(?:the\s+)?")
_TIMELIKE = re.compile(r"year|date|founded|opened|established|launched|built|born|season|since|released|premiere|"
                       r"aired|debut|formed|elected", re.IGNORECASE)
_NEXT_WORD = re.compile(r"[a-z][a-z'-]{3,}(?![\w])")  # a word of four letters or more


def ordered(key: exp.Expression, desc: bool) -> exp.Ordered:
    """``key DESC`` or ``key ASC`` with MySQL's own NULL order (smallest), written without a CASE."""
    return exp.Ordered(this=key, desc=desc, nulls_first=not desc)


def order_key(peek: Peek, stmt: exp.Select, column: str, direction: str) -> exp.Expression:
    """`column` as a number (``+ 0``) when text order puts another row first, else as written."""
    plain = exp.column(column, quoted=True)
    numeric = exp.Add(this=exp.column(column, quoted=True), expression=exp.Literal.number(0))
    desc = direction == "DESC"
    first = [peek(stmt.order_by(ordered(key.copy(), desc), copy=True).limit(1).sql(dialect="mysql"))
             for key in (plain, numeric)]
    return plain if first[0] == first[1] else numeric


def _part_of_header(text: str, end: int, columns: list[str], spans: list[Span]) -> Span | None:
    """The header the word right after a superlative (ending at ``end``) is a word of, when it
    names no header itself and exactly one header has it ("the most recent founded" for `Year
    founded`); a common word of questions names none."""
    word = _NEXT_WORD.match(text, _BETWEEN.match(text, end).end())  # type: ignore[union-attr]
    if word is None or word.group(0) in COMMON_WORDS or any(s.start <= word.start() < s.end for s in spans):
        return None
    holders = [c for c in columns if word_pattern(word.group(0)).search(norm(c))]
    return Span(word.start(), word.end(), holders[0]) if len(holders) == 1 else None


def superlatives(question: str, columns: list[str]) -> Iterator[tuple[re.Match[str], Span, str]]:
    """(superlative, header, "DESC" or "ASC") for each superlative the question writes right
    before a header it names ("number of tracks" names `No. of tracks`), or after it ("whose Prize
    money is the least"), or before a word of one header only (``_part_of_header``); a word of
    time only for a header of years or dates."""
    text = norm(question)
    spans = mentions(text, columns)
    for match in _WORD.finditer(text):
        word = match.group("word")
        span = next((s for s in spans if s.start >= match.end() and _BETWEEN.fullmatch(text, match.end(), s.start)),
                    None) or _part_of_header(text, match.end(), columns, spans) \
            or next((s for s in spans if s.end <= match.start() and _IS_THE.fullmatch(text, s.end, match.start())),
                    None)
        if span is not None and (word not in TIME or _TIMELIKE.search(span.column)):
            yield match, span, TIME.get(word) or SIZE[word]


def ranking_without_order(stmt: exp.Expression, question: str, peek: Peek,
                          schema: dict[str, list[str]]) -> Finding | None:
    """A finding when the question asks for the row with the most or least of a header and the
    query ``stmt`` does not order on anything (module doc), or None."""
    if not isinstance(stmt, exp.Select) or any(stmt.args.get(k) for k in ("order", "group", "limit", "joins")) \
            or stmt.find(exp.AggFunc) or stmt.find(exp.Distinct):
        return None
    table = searchable_table(stmt, schema)
    if table is None:
        return None
    columns = schema[table.name]
    for match, span, direction in superlatives(question, columns):
        word = match.group("word")
        rows = table_rows(peek, table, columns, MAX_ROWS)
        if rows is None or any(c.start <= match.start() < c.end for c in question_cells(rows, columns, question)):
            continue  # "least concern" is a cell
        key = order_key(peek, stmt, span.column, direction)
        fixed = stmt.order_by(ordered(key, direction == "DESC"), copy=True).limit(1)
        written = fixed.args["order"].sql(dialect="mysql")
        feedback = render("rule_sql_ranking", word=word, column=span.column, order=written)
        return Finding("ranking_without_order", feedback, {"name": span.column, "direction": direction,
                       "fixed": fixed.sql(dialect="mysql") + ";", "repairable": True})
    return None
