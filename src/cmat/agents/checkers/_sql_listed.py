"""A record told as a sentence: its values listed in the table's column order, some with headers.

"there is a new entry for 'Falcaster Rally 2002 – final classification', Viktor Dalgleish,
Iwasaki & Co. and 8"; "please insert the film 1962 (Secret Signal, Narrator as its Credited as,
Bridget Ibarra, a Genre of Biography, October 14 and Restored with public funding) into ...":
AgentBench's INSERT questions often list the new row's values in the table's order, some bare,
some with their header. ``_sql_record`` reads the values written next to a header, and the
quoted ones when the question quotes one per column; a bare value in words names no column, and
a small model cuts it ('Iwasaki' for 'Iwasaki & Co.') or puts a header's name in it ('Type
Collier'). :func:`listed_in_order` reads the whole list where its shape leaves one reading:

* the question is cut into items at ", ", " and ", ";" (only where no value is read whole
  without it), ":", "—", a list in parentheses, and the table's name; never inside quotes;
* from the last item back, each item is the value of the next column back: an item that names a
  header must name exactly that column (its value is what the item writes after the header and a
  link word, "its Result being Not elected", or before it, "464 as its Crew size"); a bare item is
  the value whole; trailing items of sentence words only ("into") are skipped;
* the first column's item must open the list: it follows the start of the question, the table's
  name, ":", "—" or "(" (then a ","), and at the start of the question its value is what follows
  "the <noun>" ("please insert the film 1962": '1962');
* every value the question pairs with a header (``record``) must be the one read for it.

Anything else reads nothing. The reading is a fallback of ``_sql_record.whole_record``: its
callers (the value, value-count and whole-record repairs) then hold the INSERT to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cmat.agents.checkers._sql_pairing import Span, mentions, norm

Starts = Callable[[str, str], "bool | None"]

_QUOTED = re.compile(r"""(?<![\w'"])(['"`])(?:(?!\1).)*\1(?![\w'"])""")
_OPENERS = ("^", "|", ":", "—", "(")
# Link words between a header and its value: "Name Nadia", "a Ward of Wilford", "its Result being Not elected".
_LINK_AFTER = re.compile(r"^\s*(?:(?:is|was|are|being|of|as|equals|set to|with|=|:)\s*)?(?=\S)")
_LINK_BEFORE = re.compile(r"\s*(?:as (?:its|the)|as|for)?\s*$")
# Words of the sentence before a value (lowercase only: 'The Garden's Quiet Hour' is a title):
# "with '19'", "; it comes with 352", "a river with 446".
_LEAD = re.compile(r"^[;,]?\s*(?:(?:a|an)\s+[a-z]+\s+with\s+|(?:a|an|the|with|its|their|it|comes|has|had|and)\s+)*")
_SENTENCE_WORDS = frozenset({"into", "to", "in", "table", "the", "a", "an", "with", "for", "and", "on"})
_MONTH_DAY = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}$", re.IGNORECASE)
_SHORT_HEADER = re.compile(r"^(?P<value>.+?)\s+(?:as\s+(?:its|the)|for)\s+(?P<name>\S{1,2})$")
_NUMBER = re.compile(r"[-+]?[$£€]?\d[\d.,:/–-]*%?")
_NOUN_VALUE = re.compile(r"^.*?\b(?:the|a|an|new)\s+[a-z][\w-]*\s+(?P<value>\S.*)$")


def _cut(question: str, table: str, semicolons: bool) -> list[tuple[str, str]]:
    """(item, the separator before it) over the question; the table's name is a separator "|"."""
    text = question
    if table.strip():
        text = re.sub(r"['\"`]?" + re.escape(table) + r"['\"`]?", "|", text, flags=re.IGNORECASE)
    text = text.strip()
    if not re.search(r"(?:\b(?:[A-Z]\.)+[A-Z]|\b(?:Inc|Ltd|Co|Corp|Jr|Sr|Bros|St))\.$", text):
        text = re.sub(r"[.!?]\s*$", "", text)  # the sentence's full stop, not "Valdés S.A."'s
    masks = {m.start(): m.end() for m in _QUOTED.finditer(text)}
    items: list[tuple[str, str]] = []
    current, before, i = "", "^", 0
    opened: list[bool] = []  # the open parentheses, each True when it holds the list
    while i < len(text):
        if i in masks:
            current += text[i:masks[i]]
            i = masks[i]
            continue
        char = text[i]
        rest = text[i:]
        cut = None
        if char == "(":
            opened.append(_encloses_list(text, i))
            cut = "(" if opened[-1] else None
        elif char == ")" and opened:
            cut = ")" if opened.pop() else None
        elif char in "|—" or (char == ";" and semicolons) or (char == ":" and "|" in text[:i]
                                                            and not re.search("[:,]", text[text.index("|"):i])):
            cut = char  # a colon after the table's name opens the list; another is a value's ("Letters: Remastered")
        elif rest.startswith(" and ") or (rest.startswith(", ") and not (
                re.match(r", \d{4}\b", rest) and _MONTH_DAY.search(current))):
            cut = ","  # "November 20, 2011" is one value
        if cut is None:
            current += char
            i += 1
            continue
        if cut == "|":  # "Record the ship SS Belstead as its Name in <table>": "in" is the sentence's
            current = re.sub(r"\s+(?:in|into|to|for|of)\s*$", "", current)
        if current.strip():
            items.append((current.strip(), before))
            before = cut if cut in _OPENERS else ","
        elif cut in _OPENERS:
            before = cut  # "|, Viktor Dalgleish": the list opens at the table's name
        current = ""
        i += 5 if rest.startswith(" and ") else 2 if rest.startswith(", ") else 1
    if current.strip():
        items.append((current.strip(), before))
    return items


def _encloses_list(text: str, start: int) -> bool:
    """Whether the parenthesis at ``start`` closes and holds ", " at its own depth ("(1916, Linnea
    H. Verhoeven and its Admission (1992–93) being Paid)"; not "268 m (879 ft)")."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return False
        if depth == 1 and text.startswith(", ", i):
            return ")" in text[i:]
    return False


def _value_of(item: str, column: str, columns: list[str], opening: bool, starts: Starts | None) -> str | None:
    """The value an item that names ``column`` (and no other header) writes for it, or None;
    ``opening``: the item starts the question, whose words before the header are the sentence's.
    "River Ash" may be the value 'River Ash' or `River` 'Ash': a value in words right after its
    header, with no link word, is read after the header only when ``starts`` says that no cell of
    the column starts with the header's words, and whole when some do; without ``starts``, not."""
    low = _QUOTED.sub(lambda m: " " * len(m.group(0)), norm(item))  # a header inside a quoted value is the value's
    spans = mentions(low, columns)
    if not spans or any(s.column != column for s in spans):
        return None
    picked = _pick(item, low, spans, opening)
    if picked is None or isinstance(picked, str):
        return picked
    span, again = picked
    after = item[span.end:]
    link = _LINK_AFTER.match(after)
    if not after.strip():
        linked = _LINK_BEFORE.search(item[:span.start])
        before = item[:span.start][:linked.start()].strip() if linked else item[:span.start].strip()
        if linked and not linked.group(0).strip() and not _NUMBER.fullmatch(_unquoted(_LEAD.sub("", before))):
            return None  # "Frostfield River": a value before its header without a link word is a number only
        return _bare(before, opening)
    if not link or (not opening and _LEAD.sub("", item[:span.start]).strip()):
        return None  # words before the header that are no link: not this item's pair
    value = after[link.end():].strip()
    noun = opening and re.search(r"\b(?:the|a|an)\s+$", item[:span.start].lower())  # "Record the river Quarrywater"
    if link.group(0).strip() or not value or _NUMBER.fullmatch(_unquoted(value)) or value[0] in "'\"`" or noun \
            or again or (item[span.start].islower() and value[0].isupper()):
        return value or None  # "River Marwood River" writes its header again; "river Hartwater" is lower case
    held = starts(column, item[span.start:span.end]) if starts is not None else None
    if held is None:
        return None
    return item[span.start:].strip() if held else value


def _pick(item: str, low: str, spans: list[Span], opening: bool) -> tuple[Span, bool] | str | None:
    """Which of several places that name the item's header is the pair's (and whether the header
    is written again in the value), or the value itself, or None when none is."""
    last = spans[-1]
    if len(spans) > 1 and re.search(r"\s(?:as (?:its|the)|for)\s+$", low[:last.start]) and not low[last.end:].strip():
        return last, True  # "Round of 16 as its Round", "Dendrophila aurata as its species"
    if len(spans) > 1 and re.search(r"\b(?:the|a|an|this)\s+$", low[:spans[0].start]):
        # the first is the sentence's noun: "a film with Film Burning Mirror" (the header follows it), or
        # "Record the museum Eldholm Museum of Science" (a value follows it, with the header inside)
        if opening and not re.fullmatch(r"\s*(?:with\s+)?(?:its\s+|a\s+|an\s+)?", low[spans[0].end:spans[1].start]):
            return _LEAD.sub("", item[spans[0].end:]).strip() or None
        spans = spans[1:]
    if len(spans) > 1 and _LEAD.sub("", item[:spans[0].start]).strip():
        return None  # "building Mardale Trade Building" is read from its first header only
    return spans[0], len(spans) > 1


def _bare(item: str, opening: bool) -> str | None:
    """A value written without its header: the item less the sentence's words before it (at the
    start of the question, all of them up to "the <noun>": "please insert the film 1962")."""
    if opening:
        match = _NOUN_VALUE.match(item)
        item = match.group("value") if match else ""
    return _LEAD.sub("", item).strip() or None


def _short_pair(item: str, column: str) -> str | None:
    """The value of an item that pairs it with ``column``, a header of one or two characters that
    the headers' reading leaves alone ("'12' as its #", "# 21", "a # of '21'", "'18' #"), or None."""
    name = norm(column).strip()
    if len(name) > 2:
        return None
    h = re.escape(name)
    for pattern in (r"^(?P<value>.+?)\s+(?:as\s+(?:its|the)|for)\s+" + h + r"$",
                    r"^" + h + r"\s+(?:(?:of|being|is|set to|=|:)\s+)?(?P<value>.+)$",
                    r"^(?P<value>.+?)\s+" + h + r"$"):
        match = re.match(pattern, norm(item))
        if match:
            return item[match.start("value"):match.end("value")]
    return None


def _unquoted(value: str) -> str:
    """A value less one pair of quotes around it ('"18"': '18'; "'"The Silent Frontier"'" keeps its
    title's double quotes); ``_sql_record._written`` puts double quotes back where they belong."""
    return value[1:-1] if len(value) > 1 and value[0] == value[-1] and value[0] in "'`\"" else value


def listed_in_order(question: str, columns: list[str], table: str, record: dict[str, str],
                    starts: Starts | None = None) -> dict[str, str] | None:
    """Every column's value, read from a record told as a list in the table's order (module doc);
    None when the question's shape leaves another reading. ``starts(column, words)`` says whether a
    cell of the column starts with those words (``_sql_record`` reads the table for it)."""
    if not columns or not question.strip():
        return None
    for semicolons in (False, True):
        read = _aligned(_cut(question, table, semicolons), columns, starts)
        if read is not None and all(norm(_unquoted(record[c])) == norm(read[c]) for c in record if c in read):
            return read
    return None


def _aligned(items: list[tuple[str, str]], columns: list[str], starts: Starts | None) -> dict[str, str] | None:
    """The values of ``columns`` read from the last items back (module doc), or None."""
    while items and (not items[-1][0] or set(norm(items[-1][0]).split()) <= _SENTENCE_WORDS):
        items = items[:-1]
    if len(items) < len(columns):
        return None
    read: dict[str, str] = {}
    for k, column in enumerate(reversed(columns)):
        item, before = items[len(items) - 1 - k]
        first = k == len(columns) - 1
        opening = first and before == "^"
        spans = mentions(norm(item), columns)
        noun = opening and len(spans) == 1 and _NOUN_VALUE.match(item) \
            and re.fullmatch(r"\s*(?:[a-z]+\s+){1,2}the\s+", norm(item)[:spans[0].start])
        if spans and not noun:  # "Record the player 7 in ...": "the player" is the sentence's noun
            value = _value_of(item, column, columns, opening, starts)
        else:
            value = _bare(item, opening)
            short = _short_pair(value, column) if value else None
            if short is not None:
                value = short
            elif value and _SHORT_HEADER.match(value):
                value = None  # "'12' as its #" where another column is due
        if not value or (first and before not in _OPENERS):
            return None
        read[column] = _unquoted(value)
    for item, before in items[:len(items) - len(columns)]:
        # a header named before the list ("Record the album Album The Velvet Tide; ... CD, LP as its
        # Format"), or a value at the start ("Record the species Borealis gracilis in ...; it comes
        # with ..., Sørensen, 1841, ..."): a value of the list held a separator
        lead = _NOUN_VALUE.match(item) if before == "^" else None
        named = [m for m in mentions(norm(item), columns)  # not the sentence's noun: "This river has to be ..."
                 if not (re.search(r"\b(?:this|the|a|an|new)\s+$", norm(item)[:m.start])
                         and re.match(r"\s*(?:$|(?:has|is|was|needs|gets|with)\b)", norm(item)[m.end:]))]
        if named or (lead and re.match(r"['\"`\dA-Z]", lead.group("value"))):
            return None
    return {c: read[c] for c in columns}
