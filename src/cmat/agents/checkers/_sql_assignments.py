"""An UPDATE sets only what the question asks for.

A small model that writes an UPDATE often adds assignments of its own to the one the question
asks for: "the player that has a Name of Henrik Abernathy should now have 75 as its Shirt
number" becomes ``SET `Shirt number` = '75', `Position` = 'Signed from', `Gls 2015` = '300'``.
The statement runs, changes the right row, and the table hash is wrong. Every value an UPDATE
question asks to write is written in the question, at most reworded ("18 strokes under par" for
'-18', "1997, 2001, 2002, and 2005"), and its column is named there or implied by that value.

An assignment is *unasked* when both hold: no word of its column's name (of four or more
letters, or the whole name) is written in the question, and no word or number of its value is.
Such an assignment is rejected, and with ``--repair`` the Checker leaves it out, as long as
another assignment stays. A value the question words differently for a column it names, or a
column it names with an invented value, is left to the other rules.

A value the question writes is also often copied with too few or too many of its words
(:func:`value_not_as_written`): 'Santangelo' for "a Curator of Meera A. Santangelo", '82.8
million' for "$82.8 million", 'Blue' for "to Blue line, bus station for all stations"; 'Paid for
the museum that had Museum of Yarrowbury' for "Set Admission to Paid for the museum that had
...", 'Party of Civic Platform Movement' for "has a party of Civic Platform Movement". Where a SET
value is written once in the question (any letter case) and is not a value the question quotes:

* a value that runs on into a clause naming a header (a word "when", "where", "whose", "that",
  "which" or "if", or "for" or "with" before "the", "all", "every", "each", "any" or "a(n)"; then
  a header's name) ends before that word: 'Restored with public funding; played behind closed
  doors' keeps its "with";
* a value that starts with the name of the column it is set on and a link word ("of", "is",
  "as", "to", ":") starts after them;
* otherwise the value is widened to the whole run of words around it in the question: to the
  left and right until a link or clause word (:data:`_STOP`), a header's name, or punctuation
  (a comma only on the left; on the right a comma is passed when the next word is no stop, so
  "Blue line, bus station" stays one value, and a full stop, semicolon, colon or question mark
  ends it). An initial or an abbreviation ("A.", "Co.") is a word, its full stop kept, and so,
  on the right, is a header's name inside a phrase, not after a comma and with a stop word or the
  end after it ("bus station for"). On the left, "The", "A" or "An" written with a capital inside
  the sentence is the value's own first word, and the run ends there ("set Work to The Summer
  Archive"). The value is found in the question only where a word starts ('23' is not found
  inside "2023").

A part of a value the question quotes is written as quoted, and a value that runs on past the
closing quote of a quoted value it starts with ends there; a value that starts inside a header's
name is no value the question writes. The widened value must stand next to
the name of the column it is set on, past link words ("connections to Blue line, bus station",
"a Curator of Meera A. Santangelo", "1888 as its Launched"): a run of words the question gives
another column, or none, is no value of this one. The repair writes the value so. A value the
question does not write, words differently or quotes exactly is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sqlglot import exp

from cmat.agents.checkers._sql_pairing import mentions, norm
from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import clip, render

_TOKEN = re.compile(r"[a-z0-9]+")
# Words that end a value's run of words: links, clause openers, verbs and articles of the question.
_STOP = frozenset({
    "to", "for", "when", "where", "with", "whose", "that", "which", "if", "and", "or", "as", "of", "is", "was",
    "are", "were", "be", "being", "get", "gets", "have", "has", "had", "set", "should", "now", "its", "their",
    "the", "a", "an", "in", "on", "at", "from", "by", "every", "all", "each", "update", "change", "modify",
})
_CLAUSE = frozenset({"for", "when", "where", "with", "whose", "that", "which", "if"})
_NEEDS_DETERMINER = frozenset({"for", "with"})  # "for the river ...", "for all ships ...", not "with public funding"
_DETERMINER = r"(?:the|all|every|each|any|a|an)\b"
_LINK = re.compile(r"\s*(?:of|is|as|to|:)\s+", re.IGNORECASE)
_QUOTED = re.compile(r"""(?<![\w'"])(['"])(.+?)\1(?![\w'"])""")
_INITIAL = re.compile(r"[A-Z]\.|(?:Co|Inc|Ltd|Corp|Jr|Sr|St|Bros|Mt|Ft)\.")  # "A.", "Co.": a word's own full stop


def _named(column: str, text: str, words: set[str]) -> bool:
    """Whether the (normalised) question names ``column``: the header, or a word of it of four
    or more letters, written as a whole word."""
    return bool(mentions(text, [column])) or any(len(w) >= 4 and w in words for w in _TOKEN.findall(norm(column)))


def _update_table(stmt: exp.Expression, question: str, schema: dict[str, list[str]]) -> exp.Table | None:
    """The table of an UPDATE of a known table, for a question with text; None otherwise."""
    table = stmt.this if isinstance(stmt, exp.Update) else None
    if not isinstance(table, exp.Table) or table.name not in schema or not question.strip():
        return None
    return table


def _literal_sets(stmt: exp.Expression) -> Iterator[tuple[int, exp.Column, exp.Literal]]:
    """(index, column, value) of each assignment of an UPDATE that sets a column to a literal."""
    for index, assignment in enumerate(stmt.expressions):
        column, value = assignment.args.get("this"), assignment.args.get("expression")
        if isinstance(assignment, exp.EQ) and isinstance(column, exp.Column) and isinstance(value, exp.Literal):
            yield index, column, value


def unasked_assignment(stmt: exp.Expression, question: str, schema: dict[str, list[str]]) -> Finding | None:
    """The first assignment of an UPDATE that the question does not ask for (module doc), as a
    repairable finding that leaves out every such assignment; None when there is none, or when
    it would leave no assignment."""
    table = _update_table(stmt, question, schema)
    if table is None:
        return None
    text = norm(question)
    words = set(_TOKEN.findall(text))
    unasked = {index: column.name for index, column, value in _literal_sets(stmt)
               if (tokens := _TOKEN.findall(norm(str(value.this))))
               and not any(t in words for t in tokens) and not _named(column.name, text, words)}
    if not unasked or len(unasked) == len(stmt.expressions):
        return None
    fixed = stmt.copy()
    fixed.set("expressions", [e for index, e in enumerate(fixed.expressions) if index not in unasked])
    first = min(unasked)
    feedback = render("rule_sql_unasked", column=unasked[first],
                      value=clip(str(stmt.expressions[first].expression.this), 80))
    return Finding("unasked_assignment", feedback,
                   {"table": table.name, "columns": list(unasked.values()),
                    "fixed": fixed.sql(dialect="mysql") + ";", "repairable": True})


def _word(token: str) -> str:
    return token.strip(",.;:!?'\"()").lower()


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in spans)


def _ends_phrase(tokens: list[tuple[int, int, str]], index: int) -> bool:
    """Whether the phrase ends before ``tokens[index]``: the end, or a stop word there."""
    return index >= len(tokens) or _word(tokens[index][2]) in _STOP or tokens[index - 1][2][-1] in ".;:!?"


def _widened(question: str, start: int, end: int, headers: list[tuple[int, int]]) -> tuple[int, int]:
    """The run of words around ``question[start:end]`` (module doc), as (start, end)."""
    tokens = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"\S+", question)]
    first = next(i for i, (_, b, _) in enumerate(tokens) if b > start)
    last = max(i for i, (a, _, _) in enumerate(tokens) if a < end)
    while first > 0:
        a, b, token = tokens[first - 1]
        if token in ("The", "A", "An") and first > 1:
            first -= 1  # a title's own article, written with a capital mid-sentence: "to The Summer Archive"
            break
        if not _INITIAL.fullmatch(token) and (_word(token) in _STOP or _inside(a, b, headers) or token[-1] in ",.;:!?"):
            break
        first -= 1
    while last + 1 < len(tokens):
        current = tokens[last][2]
        if current[-1] in ".;:!?" and not _INITIAL.fullmatch(current):
            break  # the sentence or the clause ends
        a, b, token = tokens[last + 1]
        if _word(token) in _STOP or not _word(token):
            break
        if _inside(a, b, headers) and (current[-1] in "," or not _ends_phrase(tokens, last + 2)):
            break  # a header after a comma starts the next pair; one inside a phrase is a word of it ("bus station")
        last += 1
    opening = tokens[first][2]
    left = min(start, tokens[first][0] + len(opening) - len(opening.lstrip("'\"(")))
    closing = tokens[last][2]
    run = question[min(start, tokens[first][0]) : tokens[last][1]]
    ends = ",.;:!?'\"" + (")" if run.count(")") > run.count("(") else "")
    cut = 0 if _INITIAL.fullmatch(closing) else len(closing) - len(closing.rstrip(ends))
    return left, max(end, tokens[last][1] - cut)


def _anchored(text: str, left: int, right: int, own: list[tuple[int, int]]) -> bool:
    """Whether ``text[left:right]`` follows the column's name and link words ("connections to
    ...", "a Curator of ...") or precedes link words and its name ("1888 as its Launched")."""
    before = re.search(r"(?:\s+|\s*[:=]\s*)(?:(?:to|of|as|is|was|be|a|an|the|its|their|being)\s+)*['\"]?$", text[:left])
    after = re.match(r"['\"]?(?:\s+(?:as|is|for|the|its|their|a|an))+\s+", text[right:])
    return any((before is not None and before.start() == b) or (after is not None and right + after.end() == a)
               for a, b in own)


def _as_written(value: str, column: str, question: str, columns: list[str]) -> str | None:
    """The form of the SET ``value`` of ``column`` the question writes (module doc), or None."""
    text = norm(question)
    found = [m.start() for m in re.finditer(r"(?<!\w)" * value[:1].isalnum() + re.escape(norm(value)), text)]
    if len(found) != 1 or not value.strip():
        return None
    start, end = found[0], found[0] + len(value)
    quoted = [(m.start(2), m.end(2)) for m in _QUOTED.finditer(question)]
    inside = [(a, b) for a, b in quoted if a <= start and end <= b]
    if inside:  # a part of a quoted value, or the value itself
        return question[inside[0][0] : inside[0][1]] if inside[0] != (start, end) else None
    opening = [(a, b) for a, b in quoted if (a == start or (a == start + 1 and text[start] in "'\"")) and b < end]
    if opening:  # a quoted value and what follows its closing quote: "'17'' and D to ''4'' for ..."
        return question[opening[0][0] : opening[0][1]]
    spans = mentions(text, columns)
    headers = [(h.start, h.end) for h in spans]
    if any(a < start < b for a, b in headers):
        return None  # starts inside a header's name: "2) to 2 for ..." of "Fare zone (1991–92) to 2"
    for m in re.finditer(r"(?<=\s)(\w+)\s", value):
        word, rest = m.group(1).lower(), start + m.end()
        ahead = re.match(r"(?:the\s+)?['\"]?", text[rest:])
        opens = rest + (ahead.end() if ahead else 0)
        clause = word in _CLAUSE and (word not in _NEEDS_DETERMINER or re.match(_DETERMINER, text[rest:]))
        if (clause and _inside(rest, end, headers)) or (word == "and" and any(a == opens for a, _ in headers)):
            return value[: m.start()].strip(" ,;'\"") or None  # runs on: "Paid for the museum that had ..."
    own = [(h.start, h.end) for h in spans if h.column == column]
    for a, b in own:
        link = _LINK.match(text, b)
        if a == start and link and link.end() < end:  # "Party of Civic Platform Movement"
            after = question[link.end() : end]
            return _as_written(after, column, question, columns) or after
    left, right = _widened(question, start, end, [h for h in headers if not (start <= h[0] and h[1] <= end)])
    if (left, right) == (start, end) or not _anchored(text, left, right, own):
        return None
    return question[left:right]


def value_not_as_written(stmt: exp.Expression, question: str, schema: dict[str, list[str]]) -> Finding | None:
    """The first SET value of an UPDATE that the question writes with more or fewer words (module
    doc), as a repairable finding that writes it so; None when there is none."""
    table = _update_table(stmt, question, schema)
    if table is None:
        return None
    for index, column, value in _literal_sets(stmt):
        if not value.is_string:
            continue
        written = _as_written(str(value.this), column.name, question, schema[table.name])
        if not written or written == str(value.this) or len(written) > 100:
            continue
        fixed = stmt.copy()
        fixed.expressions[index].set("expression", exp.Literal.string(written))
        feedback = render("rule_sql_value_as_written", column=column.name, value=clip(str(value.this), 80),
                          written=clip(written, 80))
        return Finding("value_not_as_written", feedback,
                       {"table": table.name, "column": column.name, "value": str(value.this)[:200],
                        "written": written[:200], "fixed": fixed.sql(dialect="mysql") + ";", "repairable": True})
    return None
