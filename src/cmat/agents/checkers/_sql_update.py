"""An UPDATE task is answered by an UPDATE: the Checker reads the new values from the question.

A task that changes rows the table has ("Set Lost to 11 and Notes to Promoted for the team when
Morcrest Comets is the Team", "the album when Title is A Frontier in Nordon should now have
Streaming as its Format; update it") is often answered by a small model with an INSERT of a
made-up row: the table gains a row and the row the question names stays as it was. On the
held-out sets 7000-9000, 31 of the 76 failed UPDATE tasks ended on an INSERT. The inserts rule
(``_sql_inserts``) repairs an INSERT whose values name one existing row; most of these INSERTs
name none ('Lost', 'Promoted', '11', ...). For a task of type UPDATE (the task's own type, as
the answer and mutation rules use it), an INSERT is rejected (``insert_for_update``), and with
``--repair`` the Checker writes the UPDATE from the question: :func:`update_sets` reads the new
values, and the locate rule (``_sql_locate.located_statement``) adds the condition on the one
row or group the question names. When either cannot be read, the inserts rule's repair is
tried, and otherwise the feedback names the kind of statement to write.

:func:`update_sets` reads two ways of giving new values, and only where every header it reads
gets one value:

* a verb of change (set, change, update, modify, alter, correct, make, setting, or "and" in a
  list of them), the header ("the 'Winner' column", "the value of 'No. Specimens'"), "to", then
  the value: quoted, or the words up to the clause that names the row (" for the ...", " when",
  " where", " whose", " with", " that", " in the ..."), a comma or semicolon, " and " before the
  next header set, or the end;
* "should (now) have", "should get", "has", "have" or "get", then a list of header-value items
  up to "; update" or the end of the sentence: "a Habitat of "Tundra"", "Sector Software",
  "Revenue (bn) 154.0", "'1946' as its Year of birth", joined by ",", ";" or "and".
"""

from __future__ import annotations

import re

from sqlglot import exp

from cmat.agents.checkers._sql_changes import Peek
from cmat.agents.checkers._sql_inserts import insert_of_existing_row
from cmat.agents.checkers._sql_locate import located_statement
from cmat.agents.checkers._sql_pairing import Span, mentions, norm
from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import render

MAX_VALUE = 80  # characters of a value read without quotes
# The verbs of change before a header the question sets ("and" in a list of them).
_CHANGE = r"(?:set|setting|change|changing|update|updating|modify|alter|correct|make|and)"
_VERB = re.compile(r"\b" + _CHANGE + r"\s+(?:the\s+|its\s+|their\s+)?"
                   r"(?:(?:value|column|field|entry)\s+(?:of|for)\s+)?[\"'“`]?$")
# "to", past "column" or an "of/for/in ..." phrase that names the row or the table ("the winner of
# the Sportswoman_of_the_Year_Award_1 to"); "as" only right after the header ("set the Affiliation as").
_TO = re.compile(r"[\"'”`]?\s*(?:(?:column|value|field)\s+)?(?:(?:(?:of|for|in)\s+(?:(?!\bto\b)[^,;?!]){1,80}?\s+)?to"
                 r"|as)\s+")
_QUOTED = re.compile(r"""(["'“`])(.{1,100}?)(?:\1|”)(?![\w])""")
# Where an unquoted value ends: the clause naming the row, "; update", the end (and a full stop,
# :func:`_stop`).
_END = re.compile(r"\s+(?:for|when|where|whose|with|that|which|if)\s+(?:the|a|an|all|every|each|any|its|their|this"
                  r"|row|rows|entry|entries|record|records)\b|\s+(?:when|where|whose)\b|;\s*(?=(?:and\s+)?update\b)|$")
# A full stop that ends a sentence; not the one of an initial or an abbreviation ("Bertrand G.
# Ramaswamy", "Dunmore Ltd.", "Bib No. '75'"), nor one inside a header's name (`Pos.`).
_STOP = re.compile(r"[.?!](?=\s*$)|(?<![\s.][A-Z])(?<!\bLtd)(?<!\bInc)(?<!\bCo)(?<!\bJr)(?<!\bSr)(?<!\bSt)(?<!\bNo)"
                   r"(?<!\bvs)[.?!](?=\s+[A-Z])")
_SEP = re.compile(r",\s+(?:and\s+)?|;\s*|\s+and\s+")  # not the comma of "47,194"
_ARTICLE = re.compile(r"(?:(?:a|an|the|its|their)\s+)?[\"'“`]?")
_HAVE = re.compile(r"\b(?:should\s+(?:now\s+)?(?:have|get|be\s+given)|has|have|gets?)\s+")
_RELATIVE = re.compile(r"\b(?:that|which|who|whose)\s+$")  # "the team that has a Team of ...": the row
_REGION_END = re.compile(r"[;,]\s*(?:and\s+)?update\b|$")
_LINK = re.compile(r"[\"'”`]?\s*(?:(?:of|is|=|:|as|being|equal to)\s*)?")
_AS_ITS = re.compile(r"\s+as\s+(?:(?:its|the|their)\s+)?[\"'“`]?$")


def _stop(question: str, start: int, end: int, spans: list[Span]) -> int:
    """``end``, or the first full stop that ends a sentence between ``start`` and it."""
    for match in _STOP.finditer(question, start):  # the whole text: "$" is its end, not ``end``
        if match.start() >= end:
            break
        if not any(s.start <= match.start() < s.end for s in spans):
            return match.start()
    return end


def _clean(value: str) -> str:
    return value.strip().strip(",").strip().strip("\"'“”`").strip()


def _value_after(question: str, start: int, spans: list[Span]) -> str | None:
    """The value that starts at ``start``: quoted, or the words up to :data:`_END`, or up to a
    comma or " and " right before another header."""
    quoted = _QUOTED.match(question, start)
    if quoted:
        return quoted.group(2)
    end = _END.search(question, start).start()  # type: ignore[union-attr]  # `$` always matches
    end = _stop(question, start, end, spans)
    for sep in _SEP.finditer(question, start, end):
        after = _ARTICLE.match(question, sep.end())
        if after is not None and any(s.start == after.end() for s in spans):  # "and Notes to ..."
            end = sep.start()
            break
    value = _clean(question[start:end])
    return value if value and len(value) <= MAX_VALUE else None


def _set_to(question: str, text: str, spans: list[Span]) -> list[tuple[str, str]]:
    """The (header, value) pairs written "set <header> to <value>" (module doc)."""
    out = []
    for span in spans:
        if not _VERB.search(text[max(0, span.start - 40) : span.start]):
            continue
        to = _TO.match(text, span.end)
        value = _value_after(question, to.end(), spans) if to is not None else None
        if value is not None:
            out.append((span.column, value))
    return out


def _region(question: str, text: str, spans: list[Span]) -> tuple[int, int] | None:
    """Where the "should now have <items>" list of the question is, or None."""
    for have in _HAVE.finditer(text):
        if not _RELATIVE.search(text[max(0, have.start() - 12) : have.start()]):
            end = _REGION_END.search(text, have.end()).start()  # type: ignore[union-attr]  # `$` always matches
            return have.end(), _stop(question, have.end(), end, spans)
    return None


def _item_header(question: str, spans: list[Span], start: int, end: int) -> tuple[Span | None, Span | None]:
    """(the header a piece of a "should now have" list starts with, past an article or a quote;
    the header it ends with after "as its"), each None when there is none."""
    opening = _ARTICLE.match(question, start)
    first = next((s for s in spans if opening is not None and s.start == opening.end() and s.end <= end), None)
    last = next((s for s in spans if start < s.start and s.end <= end and _AS_ITS.search(question, start, s.start)
                 and re.fullmatch(r"[\"'”`]?\s*", question[s.end : end])), None)
    return first, last


def _have_items(question: str, text: str, spans: list[Span]) -> list[tuple[str, str]] | None:
    """The (header, value) items of "should now have <items>" (module doc): the list is cut at its
    separators; a piece that starts with a header gives its value after it, one that ends with
    "as its <header>" the value before, and a piece that does neither continues the value next to
    it ("May 3, 2014", "Blue line, bus station as its Connections"). None when a piece is left
    over; [] when the question has no such list."""
    region = _region(question, text, spans)
    if region is None:
        return []
    start, end = region
    quoted = [m.span() for m in _QUOTED.finditer(question, start, end)]
    cuts = [m.span() for m in _SEP.finditer(question, start, end)
            if not any(q_start < m.start() < q_end for q_start, q_end in quoted)]  # "...; jointly awarded"
    bounds = [start, *[c for cut in cuts for c in cut], end]
    items: list[list[str]] = []  # [header, value, "first" | "last"]
    carry = ""
    for i in range(0, len(bounds), 2):
        piece_start, piece_end = bounds[i], bounds[i + 1]
        sep = question[bounds[i - 1] : piece_start] if i else ""
        first, last = _item_header(question, spans, piece_start, piece_end)
        if last is None and re.search(r"\s+as\s+(?:its|their)\s+", question[piece_start:piece_end]):
            return None  # "'43' as its #": a header the question names too briefly to read
        if last is not None:
            before = question[piece_start : _AS_ITS.search(question, piece_start, last.start).start()]  # type: ignore[union-attr]
            items.append([last.column, carry + before, "last"])
            carry = ""
        elif first is not None:
            if carry:
                return None  # words between "<value> as its <header>" and the next header: no telling whose
            link = _LINK.match(question, first.end)
            items.append([first.column, question[link.end() if link else first.end : piece_end], "first"])
            carry = ""
        elif items and items[-1][2] == "first" and not carry:
            items[-1][1] += sep + question[piece_start:piece_end]  # "May 3" + ", 2014"
        else:  # the start of a value that ends "as its <header>" later ("Blue line, bus station as its ...")
            carry += question[piece_start : bounds[i + 2] if i + 2 < len(bounds) else piece_end]
    if carry or not items:
        return None if carry else []
    out = [(header, _clean(value)) for header, value, _ in items]
    return None if any(not v or len(v) > MAX_VALUE for _, v in out) else out


_SHORT = re.compile(r"\b" + _CHANGE + r"\s+(?:the\s+)?[\"'`]?"
                    r"(?P<name>[^\s\"'`]{1,2})[\"'`]?(?=\s+to\s)")


def _short_spans(text: str, columns: list[str], spans: list[Span]) -> list[Span] | None:
    """Spans of the one- and two-character headers a verb of change sets ("set L to 12", "and # to
    '27'"), which ``mentions`` reads only before ":" or "="; None when such a name is no header
    (the question may set a column this reader cannot name)."""
    short = {norm(c).strip(): c for c in columns if len(c.strip()) <= 2}
    out = []
    for match in _SHORT.finditer(text):
        start, end = match.span("name")
        if any(s.start <= start < s.end for s in spans):
            continue
        if match.group("name") not in short:
            return None
        out.append(Span(start, end, short[match.group("name")]))
    return out


def update_sets(question: str, columns: list[str]) -> list[tuple[str, str]]:
    """The new values the question gives (module doc), as (header, value) pairs; [] when it gives
    none, one header two different values, or sets a short name that is no header."""
    text = norm(question)
    if len(text) != len(question):
        return []
    spans = mentions(text, columns)
    short = _short_spans(text, columns, spans)
    if short is None:
        return []
    spans = sorted([*spans, *short], key=lambda s: s.start)
    pairs = _set_to(question, text, spans)
    items = _have_items(question, text, spans)
    if items is None:
        return []
    pairs += items
    found: dict[str, set[str]] = {}
    for column, value in pairs:
        found.setdefault(column, set()).add(value)
    if any(len(values) != 1 for values in found.values()):
        return []
    return [(column, next(iter(values))) for column, values in found.items()]


def _assignments(sets: list[tuple[str, str]]) -> list[exp.Expression]:
    """`column` = 'value' for each (header, value) pair, as an UPDATE's SET list."""
    return [exp.EQ(this=exp.column(c, quoted=True), expression=exp.Literal.string(v)) for c, v in sets]


def insert_for_update(stmt: exp.Expression, question: str, task_type: str, peek: Peek,
                      schema: dict[str, list[str]]) -> Finding | None:
    """A finding for an INSERT in a task of type UPDATE (module doc), or None."""
    if task_type != "UPDATE" or not isinstance(stmt, exp.Insert):
        return None
    target = stmt.this.this if isinstance(stmt.this, exp.Schema) else stmt.this
    if not isinstance(target, exp.Table) or target.name not in schema:
        return None
    table = exp.Table(this=exp.to_identifier(target.name, quoted=True))
    sets = update_sets(question, schema[table.name])
    fixed = None
    if sets:
        update = exp.Update(this=table, expressions=_assignments(sets))
        fixed = located_statement(update, question, peek, schema)
    if fixed is None:
        existing = insert_of_existing_row(stmt, question, peek, schema)
        if existing is not None:
            return existing
    # No placeholder statement when the UPDATE cannot be read: the model copies one (SET `column` = ...).
    instruction = (f"Write this UPDATE instead: {fixed}" if fixed else
                   f"Write an UPDATE of `{table.name}` instead: set each column the question changes to the new "
                   "value it gives, on the rows it names (WHERE a column equals the value that names them).")
    feedback = render("rule_sql_insert_for_update", table=table.name, instruction=instruction)
    details: dict[str, object] = {"table": table.name, "repairable": fixed is not None}
    if fixed is not None:
        details["fixed"] = fixed
    return Finding("insert_for_update", feedback, details)


def sets_not_as_stated(stmt: exp.Expression, question: str, task_type: str,
                       schema: dict[str, list[str]]) -> Finding | None:
    """A finding when an UPDATE of an UPDATE task sets other columns or values than the ones
    :func:`update_sets` reads from the question (an extra column, one left out, a value cut or run
    on: "`Category` = 'Relay for all finals'" for "set ... Category to Relay for all finals");
    ``details["fixed"]`` sets exactly those, under the statement's own condition. None when the
    question's values cannot be read, or the statement sets them already."""
    if task_type != "UPDATE" or not isinstance(stmt, exp.Update) or not isinstance(stmt.this, exp.Table) \
            or stmt.this.name not in schema:
        return None
    sets = update_sets(question, schema[stmt.this.name])
    if not sets:
        return None
    written = []
    for assignment in stmt.expressions:
        column, value = (assignment.this, assignment.expression) if isinstance(assignment, exp.EQ) else (None, None)
        if not isinstance(column, exp.Column) or not isinstance(value, exp.Literal):
            return None  # an expression (`Wins` = `Wins` + 1): not this rule's to judge
        written.append((column.name.lower(), str(value.this)))
    if sorted(written) == sorted((c.lower(), v) for c, v in sets):
        return None
    fixed = stmt.copy()
    fixed.set("expressions", _assignments(sets))
    stated = ", ".join(f"`{c}` = '{v}'" for c, v in sets)
    feedback = render("rule_sql_sets_as_stated", stated=stated, table=stmt.this.name)
    return Finding("sets_not_as_stated", feedback, {"sets": stated[:300], "fixed": fixed.sql(dialect="mysql") + ";",
                                                    "repairable": True})


def change_for_insert(stmt: exp.Expression, task_type: str, schema: dict[str, list[str]]) -> Finding | None:
    """A finding for an UPDATE or DELETE in a task of type INSERT: the question adds a row, and a
    change of the rows the table has cannot add it (held-out set 9800, task 20: "Record the player 7
    in ...; it comes with ..." answered with an UPDATE of a row that does not exist). Not repairable
    here; the rule Checker writes the INSERT of the whole record the question states, when it
    states one (``_sql_record.record_insert``)."""
    if task_type != "INSERT" or not isinstance(stmt, (exp.Update, exp.Delete)):
        return None
    target = stmt.this
    if not isinstance(target, exp.Table) or target.name not in schema:
        return None
    feedback = render("rule_sql_change_for_insert", table=target.name,
                      statement="UPDATE" if isinstance(stmt, exp.Update) else "DELETE")
    return Finding("change_for_insert", feedback, {"table": target.name, "repairable": False})

