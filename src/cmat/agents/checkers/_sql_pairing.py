"""A value must be compared with the column the question pairs it with.

Crowd-written table questions put a condition's column next to its value: "a Result of 2–1",
"when Gold is 0", "Frequency MHz smaller than 107.7", "for 11 points". A small model reads the
value correctly and puts it on another column (``Goal`` = '2–1'), a mistake the database cannot
catch: the query runs and returns nothing or the wrong rows. When the question names a header
right before the value (at most :data:`GAP` characters of linking words such as "of", "is",
"smaller than" in between, :data:`LINK_WORDS`), or directly after it ("11 points"), that header is the
value's column;
a condition that compares the value with a different column is rejected, and the Checker can
repair it itself (``--repair``) when the wrong column occurs once in the statement. A header
the statement selects or sets is never taken as a value's column ("update the host city of the
2026 jamboree": `Host City` is set, 2026 is the year).

Headers are found case-insensitively as whole words, the longest first ("Home team score"
before "Home team"), also without a parenthesis or unit ("Area (km²)" as "Area"). A value the
question does not state, or states next to no header, is left to the other rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sqlglot import exp

from cmat.agents.checkers._sql_ast import condition_clauses, conjuncts, without
from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import clip, render

GAP = 24  # characters between a header and its value ("is larger than or equal to" is 26)
AFTER_GAP = 8  # "11 points", "LP as the Format": the value before its header
_PAREN = re.compile(r"\s*\([^)]*\)")
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Like)
# Words that may stand between a header and its value ("a Result of 2–1", "Goal smaller than 17").
# Words that open another clause ("for", "with", "where", "that has") are not among them: the
# header before them is what the question asks for, not the value's column.
LINK_WORDS = frozenset({
    "of", "is", "was", "are", "were", "be", "equal", "equals", "to", "than", "smaller", "larger", "bigger",
    "greater", "less", "more", "fewer", "higher", "lower", "above", "below", "under", "over", "at", "least",
    "most", "a", "an", "the", "as", "before", "after", "earlier", "later", "beneath", "exceeding",
})
AFTER_WORDS = frozenset({"as", "the", "a", "an", "its", "their"})  # "LP as the Format", "1888 as its Launched"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    column: str


def norm(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("_", " ")


def without_table(question: str, table: str) -> str:
    """``question`` with the table's name blanked out (same length), where it writes it: the name
    holds no header-value pair ("In Best-selling games of 1986, set ...": no `Game` 1986)."""
    if not table.strip():
        return question
    return re.sub(re.escape(table), lambda m: " " * len(m.group(0)), question, flags=re.IGNORECASE)


def mentions(question: str, columns: list[str]) -> list[Span]:
    """Where the question names a header: whole words, longest names first, no overlaps; a
    header's own name before another's short form ("Venue" is `Venue`, not `Venue (H/A)`; "Nat"
    is `Nat.`; "number of tracks" is `No. of tracks`). A
    header of one character ('L', '#') is named only right before ":" or "=" ("l = '3'")."""
    names: list[tuple[str, str, bool]] = []
    for column in columns:
        full = norm(column).strip()
        bare = norm(_PAREN.sub("", column)).strip()
        # "Nat" names `Nat.`, "Pos" `Pos.`; "No" is no short form of `No.`: a word of questions
        cut = [f.rstrip(".") for f in (full, bare) if f.endswith(".") and len(f.rstrip(".")) >= 3]
        # "number of tracks" names `No. of tracks`
        spelt = [re.sub(r"^no\.? of ", "number of ", f) for f in (full, bare) if re.match(r"no\.? of ", f)]
        for form in dict.fromkeys((full, bare, *cut, *spelt)):
            if form:
                names.append((form, column, form == full))
    taken: list[Span] = []
    for form, column, _ in sorted(names, key=lambda n: (-len(n[0]), not n[2])):
        # a one-character header ('L', '#') only right before ":" or "=" ("l = '3'", "# = 13"): "a" is a word
        tail = r"(?![\w])" if len(form) >= 2 else r"(?=\s*[:=])"
        pattern = re.compile(r"(?<![\w])" + r"\s+".join(map(re.escape, form.split())) + r"(?:s|es)?" * (len(form) >= 2)
                             + tail)
        for match in pattern.finditer(question):
            if not any(match.start() < s.end and s.start < match.end() for s in taken):
                taken.append(Span(match.start(), match.end(), column))
    return sorted(taken, key=lambda s: s.start)


# "Update the winner of <the table> to 'Naomi Osaka'", "set Country to Ghana", "and Notes to ...":
# a verb of change (or "and" between two of them), then the header the new value goes to.
_SET_VERB = re.compile(r"\b(?:update|change|set|setting|modify|correct|amend|make|alter|and)\s+"
                       r"(?:the\s+|its\s+|their\s+)?$")


def set_column_named(question: str, value: str, columns: list[str]) -> str | None:
    """The header the question changes to ``value``: written right after a verb of change and
    followed by "to <value>", at most with an "of/for/in ..." phrase (the row or the table) in
    between, which holds no other "to"; None unless exactly one header is written so."""
    text, wanted = norm(question), norm(value).strip()
    if not wanted:
        return None
    target = re.compile(r"(?:\s+(?:of|for|in)\s+(?:(?!\bto\b)[^,;?!]){1,80}?)?\s+to\s+(['\"]?)"
                        + re.escape(wanted) + r"\1(?![\w])")
    found = {span.column for span in mentions(text, columns)
             if _SET_VERB.search(text[max(0, span.start - 24) : span.start]) and target.match(text, span.end)}
    return found.pop() if len(found) == 1 else None


def _conditions(stmt: exp.Expression) -> Iterator[tuple[exp.Column, exp.Literal]]:
    for clause in condition_clauses(stmt):
        for node in clause.find_all(*_COMPARISONS):
            left, right = node.args.get("this"), node.args.get("expression")
            if isinstance(left, exp.Column) and isinstance(right, exp.Literal):
                yield left, right


def _linked(between: str, allowed: frozenset[str] = LINK_WORDS) -> bool:
    """Only linking words (``allowed``) and quotes stand between a header and a value."""
    if re.search(r"[,;?]", between):
        return False  # another clause
    return all(w in allowed for w in re.findall(r"[^\s:'\"]+", between))


def paired(question: str, value: str, spans: list[Span]) -> str | None:
    """The header the (normalised) question writes next to ``value``, or None; None as well when
    the value is written twice and not both times next to that header ("Losses under 23, and
    when Pld is bigger than 23": the first 23 is another column's, named loosely)."""
    text = value.strip("%").strip()
    if not text:
        return None
    pattern = re.compile(r"(?<![\w.])" + re.escape(norm(text)) + r"(?![\w])")
    short = len(text) <= 2 and text.isalpha()  # 'A', 'D': also an article or a word of the question
    headers: list[str | None] = []
    for match in pattern.finditer(question):
        if any(s.start <= match.start() < s.end for s in spans):
            continue  # the value's text is part of a header here
        if short and question[match.start() - 1 : match.start()] not in ("'", '"'):
            continue  # "with a pts lower than 3": the article, not the value 'A'; only a quoted one counts
        headers.append(_header_at(question, match.start(), match.end(), spans))
    return headers[0] if headers and all(h == headers[0] for h in headers) else None


def _header_at(question: str, start: int, end: int, spans: list[Span]) -> str | None:
    """The header written right after the value at ``start:end`` ("11 points", "LP as the
    Format") or right before it ("a Result of 2–1"), or None."""
    close = end + 1 if question[end : end + 1] in ("'", '"') else end  # a quoted value's closing quote
    after = [s for s in spans if s.start >= end]
    if after and after[0].start - close <= AFTER_GAP and _linked(question[end : after[0].start], AFTER_WORDS):
        return after[0].column
    before = [s for s in spans if s.end <= start]
    if before and start - before[-1].end <= GAP and _linked(question[before[-1].end : start]):
        return before[-1].column
    return None


def value_on_other_column(stmt: exp.Expression, question: str, schema: dict[str, list[str]]) -> Finding | None:
    """The first condition whose value the question pairs with another column, as a finding;
    the first repairable one when there is one (its repair may make the next one repairable)."""
    findings = list(_misplaced(stmt, question, schema))
    return next((f for f in findings if f.details["repairable"]), findings[0] if findings else None)


def _misplaced(stmt: exp.Expression, question: str, schema: dict[str, list[str]]) -> Iterator[Finding]:
    columns = [c for cols in schema.values() for c in cols]
    if not question.strip() or not columns:
        return
    text = norm(question)
    spans = mentions(text, columns)
    used = [c.name.lower() for c in stmt.find_all(exp.Column)]
    in_conditions = [c.name.lower() for clause in condition_clauses(stmt) for c in clause.find_all(exp.Column)]
    outside = {name for name in used if used.count(name) > in_conditions.count(name)}
    for column, literal in _conditions(stmt):
        header = paired(text, str(literal.this), spans)
        if header is None or header.lower() == column.name.lower() or header.lower() in outside:
            continue  # what the statement selects or sets ("the Score of the 2026 final") is no condition
        feedback = render("rule_sql_value_column", value=clip(str(literal.this), 80), column=header,
                          used=column.name)
        details: dict[str, object] = {"name": column.name, "target": header, "value": str(literal.this)[:200],
                                      "repairable": used.count(column.name.lower()) == 1
                                      and header.lower() not in used}
        copy = _copied(stmt, column, literal, header)
        if copy is not None:
            details.update(repairable=True, fixed=copy)
            feedback = render("rule_sql_value_copied", value=clip(str(literal.this), 80), column=header,
                              used=column.name)
        yield Finding("value_on_other_column", feedback, details)


def _copied(stmt: exp.Expression, column: exp.Column, literal: exp.Literal, header: str) -> str | None:
    """The query ``stmt`` without the condition of ``column`` on ``literal`` when the question's
    own column for the value, ``header``, is compared with the same value too: a copy of that
    condition (`Length km` < 20.7 beside `Discharge (m³/s)` > 20.7), left out; else None."""
    node = literal.parent
    where = stmt.args.get("where") if isinstance(stmt, exp.Select) else None
    if not isinstance(stmt, exp.Select) or where is None or not isinstance(node, exp.Expression) \
            or node not in conjuncts(where.this) \
            or not any(c.name.lower() == header.lower() and str(v.this) == str(literal.this)
                       for c, v in _conditions(stmt) if v is not literal):
        return None
    return without(stmt, node).sql(dialect="mysql") + ";"


def set_value_on_other_column(stmt: exp.Expression, question: str, schema: dict[str, list[str]]) -> Finding | None:
    """The first value an UPDATE sets on a column other than the one the question pairs it with
    ("the score is '70-73'" set as `Result` = '70-73'), as a finding; repairable when the wrong
    column occurs once in the statement and the question's column not at all."""
    if not isinstance(stmt, exp.Update) or not question.strip():
        return None
    columns = [c for cols in schema.values() for c in cols]
    text = norm(question)
    spans = mentions(text, columns)
    used = [c.name.lower() for c in stmt.find_all(exp.Column)]
    for assignment in stmt.expressions:
        column, literal = assignment.args.get("this"), assignment.args.get("expression")
        if not isinstance(assignment, exp.EQ) or not isinstance(column, exp.Column) \
                or not isinstance(literal, exp.Literal):
            continue
        header = paired(text, str(literal.this), spans)
        if header is None or header.lower() == column.name.lower() or header.lower() in used:
            continue  # not paired, paired with this column, or that column is already in the statement
        feedback = render("rule_sql_set_column", value=clip(str(literal.this), 80), column=header, used=column.name)
        details = {"name": column.name, "target": header, "value": str(literal.this)[:200],
                   "repairable": used.count(column.name.lower()) == 1}
        return Finding("set_value_on_other_column", feedback, details)
    return None


def insert_value_on_other_column(stmt: exp.Expression, question: str,
                                 schema: dict[str, list[str]]) -> Finding | None:
    """An INSERT that lists a value under a column other than the one the question pairs it with,
    when that column is missing from its list ("Episode # as 'S4'" listed under `Episode title`,
    with no `Episode #`), as a finding whose repair relists each such value under its column; None
    otherwise. Two listed columns whose values look swapped are left alone: in "Men's Doubles event
    at Birmingham" the place is not the event, and the same value given twice is ambiguous."""
    target, values = (stmt.this, stmt.expression) if isinstance(stmt, exp.Insert) else (None, None)
    if not isinstance(target, exp.Schema) or not isinstance(target.this, exp.Table) \
            or not isinstance(values, exp.Values) or len(values.expressions) != 1 or not question.strip():
        return None
    names = [c.name for c in target.expressions if isinstance(c, (exp.Identifier, exp.Column))]
    cells = values.expressions[0].expressions if isinstance(values.expressions[0], exp.Tuple) else []
    table = target.this.name
    if len(names) != len(cells) or table not in schema:
        return None
    text = norm(question)
    spans = mentions(text, schema[table])
    moved = list(names)
    listed = {n.lower() for n in names}
    written = [str(c.this).strip().lower() for c in cells if isinstance(c, exp.Literal)]
    for i, cell in enumerate(cells):
        if not isinstance(cell, exp.Literal) or written.count(str(cell.this).strip().lower()) > 1:
            continue  # a value given twice ('0' Gold, '0' Bronze): the question's first is not this one
        header = paired(text, str(cell.this), spans)
        if header is not None and header.lower() not in listed:
            moved[i] = header  # the question's column is missing from the list: the value is under another
    if moved == names:
        return None
    i = next(j for j, (a, b) in enumerate(zip(names, moved, strict=True)) if a != b)
    repairable = len({m.lower() for m in moved}) == len(moved)
    fixed = stmt.copy()
    fixed.this.set("expressions", [exp.to_identifier(m, quoted=True) for m in moved])
    feedback = render("rule_sql_insert_column", value=clip(str(cells[i].this), 80), column=moved[i], used=names[i])
    return Finding("insert_value_on_other_column", feedback,
                   {"table": table, "value": str(cells[i].this)[:200], "target": moved[i],
                    "fixed": fixed.sql(dialect="mysql") + ";" if repairable else "", "repairable": repairable})
