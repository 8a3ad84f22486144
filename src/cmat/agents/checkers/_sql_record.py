"""An INSERT writes the record the question states, value for value.

Many INSERT questions state the new record as header–value pairs: "with the values of position
10, club 'FK Trakai', games played 18", "Episode # as 'S4', Original airdate (UK) as '30 June
2007'", "'San Diego' for 'Location'", "Stop = "Oakfield"; Km = "1.5"". A small model loses its
place in a long list: it gives one value twice and drops another (the database then refuses the
row, "Column count doesn't match value count"), drops the quotes a value carries
('"Doctor Who Confidential"' written without its double quotes), puts a header before its
value ('Game 16' for the Game 16) or changes a letter's case ('Landscape' for "the type of
landscape"). The table hash then differs, and the Checker's other rules cannot tell.

:func:`stated_record` reads, for each header the question names, the value written right next
to it, and only where the reading is unambiguous:

* after the header, past linking words ("as", "is", "of", "being", "set to", ":", "="), or before
  it, followed by "for" or "as (the|its)": a value in quotes (``'...'`` or ``"..."``, kept whole with
  any inner quotes), a number-like token ("10", "41,000", "99.8%", "03/12/2021", "1–0") or
  plain words with no digit (at most :data:`MAX_WORDS`);
* numbers and plain words only when a separator ends them (a comma, a semicolon, " and ", a
  full stop, the end): "a tonnage of 5,200 GRT" states no number for Tonnage, "9 February 1994"
  none for anything, "Round of 16 Second leg" none for Round; and a number right after another
  number and a comma ("April 6, 1982 for Date") is left alone;
* a header named with two different values states none;
* a record told as a sentence lists values without their headers ("a new institution: Bramfell
  Polytechnic, a Founded of 1480 and 823"), so a run of list items (a comma, a semicolon or "and"
  inside what would be the value) is read as one value only after a strong link (":", "=",
  "set to") and when it names no header and is not the end of the sentence with an "and" in it;
  before its header ("Kavanagh, 1816 as the Described by") only right after another pair, with one
  separator, no "and", no header in it and no number before the separator ("21, Marmore Town as
  its Signed from" is two values); a value cut inside a parenthesis is not read; and a noun of the
  sentence, a header's name after "the", "a", "an" or "new", has no value unlinked or after ":"
  ("Record the player 17", "insert the album '2011' (...)", "a new player: 60, ..."), while "the
  rank of 23" and "the club = 'FK Trakai'" are pairs;
* a header of one character ('L', '#') is read only before ":" or "=" ("l = '3'", "# = 13"); one
  mark ('#') also after "as the" / "as its" ("'20' as the #").

:func:`record_mismatch` compares an INSERT's values with that record, column by column. A value
the question quotes or writes as a number must be written exactly so. A value in plain words is
only held to it when the INSERT's value differs in letter case alone, is written nowhere in
the question (invented; or its first or last word only inside a longer word: 'Pan' for
"Panama"), is the value the question states for another column (copied from the wrong place), or
is a header's name ('Work' for "Work set to Compass of the Quiet Circus"): AgentBench's own statements sometimes
reword plain values, and a small rewording is left alone. The repair writes the stated values.
:func:`rebuilt_insert` writes the whole row from the record when an INSERT has the wrong number
of values and the question states every listed column's value, the repair of
``insert_value_count``. An INSERT that lists its columns and leaves out one the question states
a value for (``insert_value_missing``: "..., Flag: Polish and Year launched: 1943" without
`Flag`) gets it added with the stated value. A question that quotes one value per column in the
table's order is read whole (:func:`quoted_in_order`) where the reading of pairs leaves columns
out: for the rebuilt row, and for every column of a value repair. :func:`record_insert` writes
the INSERT of a whole record the question states; the rule Checker puts it in place of a
statement of an INSERT task that it rejects and cannot repair otherwise (the finding's
``details["whole_record"]``).
"""

from __future__ import annotations

import functools
import re

from sqlglot import exp

from cmat.agents.checkers._sql_changes import Peek, peek_count
from cmat.agents.checkers._sql_listed import Starts, listed_in_order
from cmat.agents.checkers._sql_pairing import Span, mentions, norm
from cmat.agents.checkers._sql_text import Finding, word_pattern
from cmat.agents.templates import clip, render

MAX_WORDS = 10  # words in an unquoted value: "Ibrahim Wexley", "Restored with public funding; won on ..."
MAX_CHARS = 100
# A value in quotes: the opening quote not after a word character or another quote, the closing
# one not before either ("Men's Doubles" stays one value, '"Doctor Who"' keeps its inner quotes).
_QUOTED = re.compile(r"""(?<![\w'"])(['"])([^\n]{1,""" + str(MAX_CHARS) + r"""}?)\1(?![\w'"])""")
_NUMBER = re.compile(r"[-+]?[$£€]?\d[\d.,:/–-]*\d%?|[-+]?[$£€]?\d%?")
_LINK_AFTER = re.compile(
    r"\s*(?:(?P<sign>[:=])\s*|(?P<words>(?:is|are|was|as|of|being|equals|(?:set|equal|changed)\s+to)\s+))?")
# Links after which a value in words may follow: "Type: Closed", "set to Centre-back", "type of
# landscape"; not "is" ("... Characters is still alive") nor none ("event at Birmingham"). A
# number may follow any link ("the rank of 23", "capacity percentage is 99.8%", "points 29").
_WORD_LINKS = frozenset({"as", "of", "being", "set to", "equal to", "changed to", "equals"})
# "'S4' for Episode #", "Gold as the Certifications"; not "data for the surname" (a sentence).
_LINK_BEFORE = re.compile(r"\s+(?:for|as the|as its|as)\s+(?:column\s+)?['\"]?$")
# Where an unquoted value may end or start: a comma, a semicolon, " and ", a full stop.
_SEPARATOR = re.compile(r"\s*(?:[,;]|\.(?=\s|$)|\band\b)")
# Where a list goes on inside what reads as one value: "1480 and 823", "Catholic, Deerhill" (not "£923,000").
_LIST = re.compile(r"[,;]\s|\sand\s")
# Words a value does not start with, nor go on with after a separator: a phrase of the sentence.
_FUNCTION_WORDS = frozenset({"a", "an", "the", "and", "or", "at", "in", "on", "by", "of", "to", "for", "from",
                             "with", "which", "who", "that", "is", "was", "are", "were", "still", "its", "their",
                             "this", "it", "he", "she", "they"})
_ABBREVIATIONS = frozenset({"inc", "ltd", "co", "corp", "jr", "sr", "st", "bros", "mt", "ft"})
_VERBS = re.compile(r"\b(?:is|was|were|are|has|had|have|been)\b", re.IGNORECASE)
# Where a list opens: "... the table: 1986 for Year", "with 16 as the Rank".
_OPENER = re.compile(r"(?::\s|—|\bwith\s|\bvalues?\s|\bare\s)\s*$")

Quoted = tuple[int, int, str]  # (start, end, content): the span includes the quotes


def _quoted(question: str) -> list[Quoted]:
    return [(m.start(), m.end(), m.group(2)) for m in _QUOTED.finditer(question)]


def _closes(question: str, end: int, starts: set[int], tables: set[int]) -> bool:
    """Whether an unquoted value may end at ``end``: the question ends or a sentence does there,
    or a separator follows and then the next header ("..., Main habitat = ..."), or "to" and the
    table's name ("... and Position: Safety to Dunvale Albion draft picks."); not inside a value
    with a separator of its own ("Mensah, 1835", "Green, Teal lines", "Delphine E. Wexley")."""
    rest = question[end:]
    into = re.match(r"\s+(?:to|into|in)\s+(?:the\s+)?(?:table\s+)?['\"`]?", rest)
    if into and end + into.end() in tables:
        return True
    if re.fullmatch(r"\s*[.!]?\s*", rest):
        return True
    if re.match(r"\s*\.\s+[A-Z]", rest) and not re.search(r"(?:^|\s)[A-Za-z]$", question[:end]):
        return True  # a full stop after a word that is not an initial
    link = re.match(r"\s*(?:[,;]\s*(?:and\s+)?|and\s+)(?:(?:the|a|an)\s+)?['\"`]?", rest)
    return link is not None and end + link.end() in starts


def _opens(question: str, start: int, ends: set[int]) -> bool:
    """Whether an unquoted value written before its header may start at ``start``: after a list's
    opening ("the table: ", "with ") or after a separator that follows another pair's header."""
    return bool(_OPENER.search(question[:start])) or _after_pair(question, start, ends)


def _after_pair(question: str, start: int, ends: set[int]) -> bool:
    """Whether ``start`` follows a separator right after another pair's header ("..., Kavanagh")."""
    link = re.search(r"['\"`]?\s*(?:[,;]\s*(?:and\s+)?|\band\s+)$", question[:start])
    return link is not None and link.start() in ends


def _unquoted(value: str, *, words: bool, strong: bool = False) -> str | None:
    """``value`` when it reads as one value: a number, or (``words``) at most :data:`MAX_WORDS`
    words that neither start a phrase (unless a ``strong`` link comes before them: "Game set to A
    River in Hartcombe") nor go on with one after a separator ("5,200 GRT, was sunk")."""
    value = value.strip()
    if not value or len(value) > MAX_CHARS or value[0] in ",;.:" or re.search(r"=|\bset to\b", value):
        return None  # empty, or running into the next pair ("Ivywood, # = 21", "round, # set to 20")
    if re.search(r"[,;]\s*[^,;]{1,40}?:\s", value):
        return None  # running into the next pair: "271; #: 18"
    if value.count("(") != value.count(")"):
        return None  # cut inside a parenthesis: "August 1976 (6–2, 6–3", "2) into ..."
    if _NUMBER.fullmatch(value):
        return value
    tokens = value.split()
    if not words or len(tokens) > MAX_WORDS or (tokens[0].lower() in _FUNCTION_WORDS and not strong) \
            or re.search(r"\b(?:for|as)\b", value):
        return None  # "Yes for Incumbent": the value of another pair
    after = [m.group(1).lower() for m in re.finditer(r"[,;]\s*(\w+)", value)]
    if any(w in _FUNCTION_WORDS for w in after) or _VERBS.search(value):
        return None  # a clause, not a value: "1,429 was sunk"
    return value


def _after(question: str, span: Span, quoted: list[Quoted], starts: set[int], tables: set[int],
           strict: bool = False, headers: frozenset[str] = frozenset()) -> tuple[str, int, int] | None:
    """(value, start, end) written right after the header at ``span``, or None; ``strict``: after
    ":", "=" or "set to" only; ``headers`` (lower case) may not appear in a value that spans a list."""
    at = span.end
    if at < len(question) and question[at] in "'\"" and span.start > 0 and question[span.start - 1] == question[at]:
        at += 1  # the header itself in quotes: 'Rank' is '7'
    link = _LINK_AFTER.match(question, at)
    linked = " ".join((link.group("words") or "").split()) if link else ""
    strong = bool(link and (link.group("sign") or linked.endswith(" to")))  # "Game = ...", "Game set to ..."
    words = strong or linked in _WORD_LINKS
    if strict and not strong:
        return None
    unlinked = not (link and (link.group("sign") or linked))
    noun = re.search(r"\b(?:the|a|an|new)\s+$", question[: span.start], re.IGNORECASE)
    if noun and (unlinked or (link and link.group("sign") == ":")):
        return None  # a noun of the sentence: "Record the player 17", "insert the album '2011'", "a new player: 60"
    at = link.end() if link else at
    for start, end, content in quoted:
        if start == at:
            return content, start, end
    window = question[at : min(len(question), at + MAX_CHARS)]
    into = [at + m.start() for m in re.finditer(r"\s+(?:to|into|in)\s", window)]
    ends = sorted({*(m.start() for m in _SEPARATOR.finditer(question, at, at + len(window))), *into, len(question)})
    for end in ends:
        if end > at and _closes(question, end, starts, tables):
            value = _unquoted(_with_abbreviation(question, end, question[at:end]), words=words, strong=strong)
            if value and _LIST.search(value) and (not strong or _names_header(value, headers) or (
                    _ends_sentence(question, end) and re.search(r"\sand\s", value))):
                return None  # "a Founded of 1480 and 823", "a new river: its river being A, 1093": list items
            return (value, at, end) if value else None
    return None


def _ends_sentence(question: str, end: int) -> bool:
    """Whether a sentence or the question ends at ``end`` (no next header closes the value there)."""
    return bool(re.fullmatch(r"\s*[.!]?\s*", question[end:]) or re.match(r"\s*\.\s+[A-Z]", question[end:]))


def _with_abbreviation(question: str, end: int, value: str) -> str:
    """``value`` with the full stop after it when its last word is an abbreviation ("Inc.")."""
    last = value.split()[-1].lower() if value.split() else ""
    return value + "." if question[end : end + 1] == "." and last in _ABBREVIATIONS else value


def _one_value(value: str, question: str, start: int, ends: set[int], headers: frozenset[str]) -> bool:
    """Whether ``value``, written before its header and holding a separator, reads as one value:
    right after another pair, with one separator, no "and", no other header in it and no number
    before the separator ("Kavanagh, 1816 as the Described by"; not "Software, 176663, Ines
    Mackintosh", "4 Gold, its Silver being 2, 5" nor "21, Marmore Town as its Signed from")."""
    first = re.split(r"[,;]", value, maxsplit=1)[0].strip()
    return _after_pair(question, start, ends) and len(_LIST.findall(value)) == 1 \
        and not re.search(r"\sand\s", value) and not _names_header(value, headers) \
        and not _NUMBER.fullmatch(first)  # "21, Marmore Town as its Signed from": a number, then a value


def _names_header(value: str, headers: frozenset[str]) -> bool:
    """Whether ``value`` names one of the (lower-case) ``headers`` as a word of its own."""
    words = value.lower()
    return any(re.search(r"(?<!\w)" + re.escape(h) + r"(?!\w)", words) for h in headers)


def _before(question: str, span: Span, quoted: list[Quoted], ends: set[int],
            strict: bool = False, headers: frozenset[str] = frozenset()) -> tuple[str, int, int] | None:
    """(value, start, end) written right before the header at ``span`` ("'S4' for Episode #",
    "Gold as the Certifications", "Kavanagh, 1816 as the Described by", "5 wins"), or None;
    ``strict``: a number in a list only ("with 5 wins, 3 byes")."""
    link = _LINK_BEFORE.search(question, 0, span.start)
    if link is None or strict:
        return _number_before(question, span, ends)
    at = link.start()
    for start, end, content in quoted:
        if end == at:
            return content, start, end
    lo = max(0, at - MAX_CHARS)
    starts = [lo + m.end() for m in re.finditer(r"(?:[,;—]|:(?=\s)|\band\b|\bwith\b|\bvalues?\b|\bare\b)\s*",
                                                question[lo:at])]
    found = None  # the farthest start that reads as one value: "The Hidden Voyage: Remastered for title"
    for start in starts:
        if start < at and _opens(question, start, ends):
            value = _unquoted(question[start:at], words=True, strong=True)  # in a list: "The Hidden Voyage"
            if value is not None and _LIST.search(value) and not _one_value(value, question, start, ends, headers):
                break  # "with Goalkeeper, Peruvian as its Nat.": list items, and which of them is unknown
            if value is not None:
                found = (value, start, at)
                break
    return found


def _number_before(question: str, span: Span, ends: set[int]) -> tuple[str, int, int] | None:
    """A number written right before its header, in a list ("with 5 wins, 3 byes, 8 losses"), as
    (value, start, end); None elsewhere ("over 8 home games" opens no list)."""
    number = re.search(r"(?<![\w.,])(" + _NUMBER.pattern + r")\s+$", question[: span.start])
    if number is None or not _opens(question, number.start(1), ends) \
            or re.search(r"\d,\s*$", question[: number.start(1)]):
        return None
    return number.group(1), number.start(1), number.end(1)


def _marks(text: str, columns: list[str]) -> list[Span]:
    """Where the (normalised) question names a header that is one mark ('#') as the last word of
    "as the" / "as its" ("'20' as the #"), which ``mentions`` leaves to ":" and "=" ("# = 13")."""
    return [Span(m.start("mark"), m.end("mark"), c) for c in columns if len(c.strip()) == 1 and not c.strip().isalnum()
            for m in re.finditer(r"\bas\s+(?:the|its)\s+(?P<mark>" + re.escape(c.strip()) + r")(?![\w])", text)]


def stated_record(question: str, columns: list[str], table: str = "", strict: bool = False) -> dict[str, str]:
    """The value the question states for each header it pairs with exactly one (module doc);
    ``table``, the table's name, may end the last value ("... Safety to <table>"). ``strict``
    (for an UPDATE, whose question also names the row to change: "the country of Central Park
    Tower") reads only values after ":", "=" or "set to", and numbers in a list ("5 wins")."""
    text = norm(question)
    if len(text) != len(question) or not columns:
        return {}
    names = {c.lower() for c in columns}
    quoted = [q for q in _quoted(question) if q[2].strip().lower() not in names]
    tables = [m.span() for m in re.finditer(re.escape(norm(table)), text)] if table.strip() else []
    inside = [(start, end) for start, end, _ in quoted] + tables
    spans = [s for s in mentions(text, columns) + _marks(text, columns)  # not in a quoted value ('Madison High
             if not any(start <= s.start and s.end <= end for start, end in inside)]  # School') nor the table's name
    spans.sort(key=lambda s: s.start)
    starts = {s.start for s in spans} | {s.start - 1 for s in spans}  # a header may be quoted
    ends = {s.end for s in spans} | {s.end + 1 for s in spans}
    found: dict[str, set[str]] = {}
    taken: list[tuple[int, int]] = []
    headers = frozenset(names)
    for span in spans:
        if any(start < span.start and span.end <= end for start, end in taken):
            continue  # a header's words inside a value: "Deerton Museum of Local History"
        after = _after(question, span, quoted, starts, {start for start, _ in tables}, strict, headers)
        for value in (after, _before(question, span, quoted, ends, strict, headers)):
            if value is not None:
                found.setdefault(span.column, set()).add(value[0])
                taken.append((value[1], value[2]))
    return {column: next(iter(values)) for column, values in found.items() if len(values) == 1}


def _insert_row(stmt: exp.Expression,
                schema: dict[str, list[str]]) -> tuple[str, list[str], list[exp.Expression]] | None:
    """(table, listed or all columns, values) of a one-row INSERT into a known table, or None."""
    if not isinstance(stmt, exp.Insert) or not isinstance(stmt.expression, exp.Values) \
            or len(stmt.expression.expressions) != 1:
        return None
    target = stmt.this
    table = target.this if isinstance(target, exp.Schema) else target
    if not isinstance(table, exp.Table) or table.name not in schema:
        return None
    known = {c.lower(): c for c in schema[table.name]}
    listed = [e.name for e in target.expressions] if isinstance(target, exp.Schema) else list(schema[table.name])
    if any(name.lower() not in known for name in listed):
        return None  # an unknown column is another rule's
    row = stmt.expression.expressions[0]
    values = list(row.expressions) if isinstance(row, exp.Tuple) else [row]
    return table.name, [known[name.lower()] for name in listed], values


def _held(value: str, stated: str, question: str, others: frozenset[str] = frozenset(),
          headers: frozenset[str] = frozenset()) -> bool:
    """Whether ``value`` must be written as ``stated``: a quoted value exactly (with or without
    its own double quotes, which may belong to it: "A Voyage"); a number unless the two differ in
    spaces alone ('4 - 3' for "4-3"; not '19 #' for "19 #," nor '4.' for "... and 4.") or the
    value ends with it ("Kavanagh, 1816": an unquoted list cannot tell); plain words when they
    differ in letter case alone or the question nowhere writes them (spaces and punctuation aside;
    a value whose first or last word the question writes only inside a longer word, 'Pan' of
    "Panama", is not written); any value
    that is the one stated for another column (``others``, plain forms: '23,074' for "outcome set
    to Nominated"), or a header's name (``headers``, plain forms: 'Work' for "Work set to ...")."""
    if value in (stated, f'"{stated}"'):
        return False
    if _plain(value) != _plain(stated) and (_plain(value) in others or _plain(value) in headers):
        return True
    if _is_quoted(stated, question):
        return True
    if _NUMBER.fullmatch(stated):
        return "".join(value.split()) != "".join(stated.split()) \
            and not re.search(r"(?<![\w.])" + re.escape(stated) + "$", value)
    return value.lower() == stated.lower() or _plain(value) not in _plain(question) \
        or not _ends_written(value, question)


def _ends_written(value: str, question: str) -> bool:
    """Whether the question writes the first and the last word of ``value`` as whole words."""
    words = re.findall(r"\w+", value.lower())
    text = question.lower()
    return all(word_pattern(w).search(text) for w in (words[:1] + words[-1:]))


def _spaced(text: str) -> str:
    """``text`` in lower case with its spaces collapsed: '19 #' is not '19'."""
    return " ".join(text.lower().split())


def _plain(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def _is_quoted(value: str, question: str) -> bool:
    return any(content == value for _, _, content in _quoted(question))


def _in_quotes(peek: Peek | None, table: str, column: str) -> bool:
    """Whether a row of ``table`` holds a ``column`` value in double quotes ('"Northern Stations"')."""
    if peek is None:
        return False
    query = exp.select("COUNT(*)").from_(exp.Table(this=exp.to_identifier(table, quoted=True))).where(
        exp.Like(this=exp.column(column, quoted=True), expression=exp.Literal.string('"%"')))
    return bool(peek_count(peek, query.sql(dialect="mysql")))


def _written(stated: str, question: str, given: list[str], others: set[str], quoted_column: bool,
             headers: frozenset[str] = frozenset()) -> str:
    """The form of the ``stated`` value to write. A value the question puts in double quotes keeps
    them where the INSERT wrote them so or the column's cells have them (the quotes of an episode
    title are the title's: "Northern Stations"). An unquoted value read from a list may have lost
    its beginning or its end ('Remastered' for "The Hidden Voyage: Remastered for title"): the
    INSERT's own value that contains it, is written in the question and is stated for no other
    column is kept, unless what it adds is a header's name (``headers``, plain: 'Type Collier' of
    "Type Collier", '464 as its Crew size') or holds no letter or digit ('19 #' of "19 #", '4.' of
    "... and 4.")."""
    if _is_quoted(stated, question):
        double = f'"{stated}"'
        if stated.startswith('"') and stated.endswith('"'):
            return stated  # its quotes already read with it (""Voyage"" in the question)
        return double if double in given or (quoted_column and double in question) else stated
    longer = [v for v in given if v != stated and _has_words(v, stated) and v not in others
              and re.search(r"[^\W_]", v.replace(stated, "", 1))  # '19 #', '4.': a mark is no lost part
              and _plain(v) in _plain(question) and not any(h and h in _plain(v).replace(_plain(stated), "", 1)
                                                              for h in headers)]
    return longer[0] if len(longer) == 1 else stated


def _has_words(value: str, part: str) -> bool:
    """Whether ``part``'s words are some of ``value``'s, in a row ('Remastered' of "The Hidden
    Voyage: Remastered"; '5' is none of '15', nor '2' of '22.2')."""
    words = [w.strip(",;:") for w in value.split()]
    wanted = [w.strip(",;:") for w in part.split()]
    return bool(wanted) and any(words[k : k + len(wanted)] == wanted for k in range(len(words) - len(wanted) + 1))


def record_mismatch(stmt: exp.Expression, question: str, schema: dict[str, list[str]],
                    peek: Peek | None = None) -> Finding | None:
    """An INSERT whose values, or an UPDATE whose SET values, differ from the ones the question
    states for their columns (module doc; for an UPDATE the strict reading), as a repairable
    finding that writes them; None when there is none. ``peek`` reads the table for the form of a
    value in double quotes (:func:`_written`)."""
    row = _insert_row(stmt, schema) or _update_sets(stmt, schema)
    if row is None or not question.strip():
        return None
    table, columns, values = row
    if len(columns) != len(values):
        return None  # the value count is ``insert_value_count``'s, repaired by :func:`rebuilt_insert`
    record = stated_record(question, schema[table], table, strict=isinstance(stmt, exp.Update))
    headers = frozenset(_plain(h) for h in schema[table])
    wrong = [i for i, (c, v) in enumerate(zip(columns, values, strict=True))
             if c in record and isinstance(v, (exp.Literal, exp.Neg, exp.Null))
             and _held(_text(v), record[c], question, frozenset(_plain(record[o]) for o in record if o != c),
                       headers)]
    whole = whole_record(question, schema[table], table, record, peek) if isinstance(stmt, exp.Insert) else None
    if whole is not None:  # every column's value is stated: a value in other words than its own is wrong too
        record = whole
        wrong = sorted({*wrong, *(i for i, (c, v) in enumerate(zip(columns, values, strict=True))
                                  if _spaced(_text(v)) != _spaced(whole[c]))})
    texts = [_text(v) for v in values]
    quoted = functools.cache(functools.partial(_in_quotes, peek, table))  # one count per column, asked twice below
    wrong = sorted({*wrong, *(i for i, c in enumerate(columns) if c in record and texts[i] == record[c]
                              and f'"{record[c]}"' in question and quoted(c))})  # '"A Title"'
    twice = {t for t in texts if texts.count(t) > 1}  # '16, 24' written for two columns is neither's own form
    forms = {i: _written(record[columns[i]], question, [texts[i]], twice, quoted(columns[i]),
                         headers) for i in wrong}
    wrong = [i for i in wrong if forms[i] != _text(values[i])]  # the INSERT's own longer form of a value stays
    if not wrong:
        return _missing(stmt, question, table, columns, record, peek)
    fixed = stmt.copy()
    cells = _cells(fixed)
    first = wrong[0]
    for i in wrong:
        cells[i].replace(exp.Literal.string(forms[i]))
    if isinstance(stmt, exp.Insert):
        _swap_back(cells, columns, [_text(v) for v in values], wrong, forms, record, question)
    stated = forms[first]  # as written: '"The Last Carnival"' where the column's cells keep their quotes
    feedback = render("rule_sql_value_as_stated", column=columns[first], value=clip(_text(values[first]), 80),
                      stated=clip(stated, 80), statement="UPDATE" if isinstance(stmt, exp.Update) else "INSERT")
    return Finding("value_not_as_stated", feedback,
                   {"table": table, "column": columns[first], "value": _text(values[first])[:200],
                    "stated": stated[:200], "fixed": fixed.sql(dialect="mysql") + ";", "repairable": True})


def _swap_back(cells: list[exp.Expression], columns: list[str], given: list[str], wrong: list[int],
               forms: dict[int, str], record: dict[str, str], question: str) -> None:
    """Two values swapped, one column of them stated: the stated value written at ``i`` also stood
    at a column ``j`` the question states nothing for, where the value it replaced belongs ("'27'
    as the #; ... '15 September 2015' as the Match date" written '15 September 2015', '27'; `#`
    is read nowhere). The replaced value goes to ``j`` when the question writes it."""
    for i in wrong:
        old = given[i]
        spots = [j for j, value in enumerate(given) if j != i and value == forms[i] and columns[j] not in record]
        if len(spots) == 1 and old.strip() and _plain(old) in _plain(question) and old not in record.values():
            cells[spots[0]].replace(exp.Literal.string(old))


def _update_sets(stmt: exp.Expression,
                 schema: dict[str, list[str]]) -> tuple[str, list[str], list[exp.Expression]] | None:
    """(table, SET columns, SET values) of an UPDATE of a known table whose SET writes only
    literals to known columns, or None."""
    if not isinstance(stmt, exp.Update) or not isinstance(stmt.this, exp.Table) or stmt.this.name not in schema:
        return None
    known = {c.lower(): c for c in schema[stmt.this.name]}
    pairs = [(e.this, e.expression) for e in stmt.expressions if isinstance(e, exp.EQ)]
    if len(pairs) != len(stmt.expressions) or not all(isinstance(c, exp.Column) and c.name.lower() in known
                                                      for c, _ in pairs):
        return None
    return stmt.this.name, [known[c.name.lower()] for c, _ in pairs], [v for _, v in pairs]


def quoted_in_order(question: str, columns: list[str], table: str, record: dict[str, str]) -> dict[str, str] | None:
    """Every column's value, when the question quotes exactly one value per column of the table
    (quoted headers' names and the table's name aside) and the values it pairs with headers
    (``record``) stand at their own columns' places in the table's order ("the values for Round,
    Pick, ... which are '33', '336', ... respectively"; "'Hartcombe Museum' ('Design', '802228' as
    its Annual visitors, ...)"); None otherwise."""
    names = {_plain(c) for c in columns} | {_plain(table)}
    values = [content for _, _, content in _quoted(question) if _plain(content) not in names]
    if len(values) != len(columns) or not columns:
        return None
    ordered = dict(zip(columns, values, strict=True))
    return ordered if all(_plain(record[c]) == _plain(ordered[c]) for c in record if c in ordered) else None


def rebuilt_insert(stmt: exp.Expression, question: str, schema: dict[str, list[str]],
                   peek: Peek | None = None) -> str | None:
    """The INSERT written with one stated value per listed column (in the form :func:`_written`
    picks), when its value count is wrong and the question states every listed column's value;
    or, when it does not, with every column of the table and the whole record the question
    states (:func:`whole_record`); None otherwise."""
    row = _insert_row(stmt, schema)
    if row is None or not question.strip():
        return None
    table, columns, values = row
    record = stated_record(question, schema[table], table)
    if len(columns) == len(values):
        return None
    fixed = stmt.copy()
    if not all(c in record for c in columns):
        whole = whole_record(question, schema[table], table, record, peek)
        if whole is None:
            return None
        columns, record = list(schema[table]), whole
        fixed.set("this", exp.Schema(this=fixed.this.this if isinstance(fixed.this, exp.Schema) else fixed.this,
                                     expressions=[exp.to_identifier(c, quoted=True) for c in columns]))
    given = list(dict.fromkeys(_text(v) for v in values))
    written = [_written(record[c], question, given, {record[o] for o in record if o != c},
                        _in_quotes(peek, table, c)) for c in columns]
    fixed.expression.expressions[0].replace(exp.Tuple(expressions=[exp.Literal.string(w) for w in written]))
    return fixed.sql(dialect="mysql") + ";"


def whole_record(question: str, columns: list[str], table: str,
                 record: dict[str, str] | None = None, peek: Peek | None = None) -> dict[str, str] | None:
    """Every column's value, when the question states each next to its header (``record``, else
    :func:`stated_record`), quotes one value per column in the table's order
    (:func:`quoted_in_order`), or lists them in that order, some with their headers
    (``_sql_listed``; ``peek`` tells "River Ash" from `River` 'Ash'); None otherwise."""
    if not question.strip() or not columns:
        return None
    record = stated_record(question, columns, table) if record is None else record
    if all(c in record for c in columns):
        return record
    starts = _starts(peek, table) if peek is not None else None
    return quoted_in_order(question, columns, table, record) or listed_in_order(question, columns, table, record,
                                                                                starts)


def _starts(peek: Peek, table: str) -> Starts:
    """Whether a cell of a column of ``table`` starts with given words and a space (None: unknown)."""
    def starts(column: str, words: str) -> bool | None:
        query = exp.select("COUNT(*)").from_(exp.Table(this=exp.to_identifier(table, quoted=True))).where(
            exp.Like(this=exp.column(column, quoted=True), expression=exp.Literal.string(
                words.replace("%", "\\%").replace("_", "\\_") + " %")))
        count = peek_count(peek, query.sql(dialect="mysql"))
        return None if count is None else count > 0
    return starts


def record_insert(question: str, table: str, columns: list[str], peek: Peek | None = None) -> str | None:
    """The INSERT of the whole record the question states (:func:`whole_record`), or None."""
    record = whole_record(question, columns, table, peek=peek)
    if record is None:
        return None
    written = [_written(record[c], question, [], {record[o] for o in record if o != c}, _in_quotes(peek, table, c))
               for c in columns]
    statement = exp.Insert(
        this=exp.Schema(this=exp.Table(this=exp.to_identifier(table, quoted=True)),
                        expressions=[exp.to_identifier(c, quoted=True) for c in columns]),
        expression=exp.Values(expressions=[exp.Tuple(expressions=[exp.Literal.string(w) for w in written])]),
    )
    return statement.sql(dialect="mysql") + ";"


def _missing(stmt: exp.Expression, question: str, table: str, columns: list[str], record: dict[str, str],
             peek: Peek | None) -> Finding | None:
    """An INSERT that lists its columns and leaves out some the question states a value for, as a
    repairable finding that adds them with the stated values; None otherwise."""
    if not isinstance(stmt, exp.Insert) or not isinstance(stmt.this, exp.Schema):
        return None
    listed = {c.lower() for c in columns}
    missing = [c for c in record if c.lower() not in listed]
    if not missing:
        return None
    fixed = stmt.copy()
    fixed.this.set("expressions", [*fixed.this.expressions, *(exp.to_identifier(c, quoted=True) for c in missing)])
    row = fixed.expression.expressions[0]
    # the INSERT's own values are other columns': none is a longer form of a missing one ('19549' of '4')
    values = [exp.Literal.string(_written(record[c], question, [], set(), _in_quotes(peek, table, c)))
              for c in missing]
    row.set("expressions", [*row.expressions, *values])
    feedback = render("rule_sql_insert_missing", column=missing[0], stated=clip(record[missing[0]], 80))
    return Finding("insert_value_missing", feedback,
                   {"table": table, "columns": missing, "fixed": fixed.sql(dialect="mysql") + ";", "repairable": True})


def _cells(stmt: exp.Expression) -> list[exp.Expression]:
    if isinstance(stmt, exp.Update):
        return [e.expression for e in stmt.expressions]
    row = stmt.expression.expressions[0]
    return list(row.expressions) if isinstance(row, exp.Tuple) else [row]


def _text(value: exp.Expression) -> str:
    if isinstance(value, exp.Null):
        return ""
    if isinstance(value, exp.Neg):
        return "-" + _text(value.this)
    return str(value.this) if isinstance(value, exp.Literal) else value.sql(dialect="mysql")
