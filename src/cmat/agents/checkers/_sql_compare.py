"""A condition compares the way the question says, and a stated number is not left out.

Crowd-written table questions write the comparison next to the value: "a Goal smaller than
17", "less than 0 Silvers", "with at least 3 wins", "6 or more games". A small model copies
the column and the value and writes ``=`` anyway; the database cannot catch it, the query runs
and returns other rows. This module reads the words right before a number (:data:`BEFORE`) and
right after it (:data:`AFTER`) and names the operator they mean; a condition on a number the
question compares in words, with another operator, is a finding, repairable by writing the
stated operator (a quoted number becomes a plain one, so that ``'50' < '232'`` does not compare
text). A text value compared by order (`Range` < 'Dalmore Range' for "when range is dalmore
range") that the question writes with no comparison words before it is compared with ``=``.

It also builds the condition a statement left out: the numbers rule (``_sql_numbers``) rejects
a query that drops a stated number, and when the question names exactly one header next to that
number ("when Points is 51", "for 11 points"), the dropped condition is `Points` = 51 (or the
stated comparison), which the Checker can add itself. Only to a SELECT that does not compare
that column yet (it may select it: "Which films are there when the Year is before 2001" written
as ``SELECT `Year` ...``): an UPDATE's missing number may be a value to set.

Numbers are whole tokens: "15" in "15-28" or "13.17" in "13.17 (95)" is part of a longer value
and never read as a number of its own here.
"""

from __future__ import annotations

import re

from sqlglot import exp

from cmat.agents.checkers._sql_ast import condition_clauses, parse_statement
from cmat.agents.checkers._sql_pairing import LINK_WORDS, Span, mentions, norm, paired
from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import render

Schema = dict[str, list[str]]
_MORE = r"(?:greater|larger|bigger|more|higher|later|longer|older)"
_LESS = r"(?:smaller|less|fewer|lower|earlier|shorter|younger)"
# Phrases that end right before the number, longest first; the operator they state.
_BEFORE_PHRASES = (
    (_MORE + r" than or equal to", ">="),
    (_LESS + r" than or equal to", "<="),
    (r"(?:no|not) " + _LESS + r" than", ">="),
    (r"(?:no|not) " + _MORE + r" than", "<="),
    (r"at least", ">="),
    (r"at most", "<="),
    (_MORE + r" than", ">"),
    (_LESS + r" than", "<"),
    (r"(?:above|over|exceeding|exceeds|after|>)", ">"),
    (r"(?:below|beneath|under|before|<)", "<"),
    (r"(?:>=|=>)", ">="),
    (r"(?:<=|=<)", "<="),
)
BEFORE: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(r"(?:^|(?<=\W))" + phrase + r"[\s'\"]*$"), op) for phrase, op in _BEFORE_PHRASES
)
# Phrases right after the number: "6 or more", "10 and over".
AFTER: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    # "6 or more", "10 and under"; not "points of 6 and fewer than 3 losses" (the next clause's)
    (re.compile(r"^[\s'\"]*(?:or|and) " + phrase + r"(?!\w)(?!\s+than\b)"), op) for phrase, op in (
        (r"(?:more|greater|higher|larger|bigger|above|over|later)", ">="),
        (r"(?:less|fewer|lower|smaller|below|under|earlier)", "<="),
    )
)
OPERATORS: dict[str, type[exp.Binary]] = {
    "=": exp.EQ, "!=": exp.NEQ, ">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE,
}
_SYMBOL = {cls: symbol for symbol, cls in OPERATORS.items()}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_REACH = 40  # characters before a number searched for its comparison words
# Words after a number that open another part of the question: the number was the whole value.
CLAUSE_WORDS = frozenset({
    "and", "or", "with", "for", "in", "when", "where", "that", "which", "who", "whose", "has", "have", "had",
    "is", "was", "what", "how", "at", "on", "by", "to", "from", "but", "as", "than",
})
_COMPARE_WORDS = frozenset({"beneath", "before", "after", "exceeding", "exceeds", "over", "under", "below", "above"})


def _number(text: str) -> str | None:
    """``text`` as a plain number ("1,429" as "1429"), or None when it is none."""
    plain = text.strip().replace(",", "")
    return plain if _NUMBER.fullmatch(plain) else None


_TRAILING = re.compile(r"[\d,.]*")  # what stated_operator skips after a number before its words
_TOKEN = re.compile(r"(?<![\w.,\-–/£$€(])[\d,]*\d(?:\.\d+)?(?![\w\-–/%])(?!\.\d)(?!\s*\()")


def occurrences(question: str, number: str) -> list[tuple[int, int]]:
    """(start, end) of each place the (normalised) question writes ``number`` as a whole token:
    not inside "15-28", "13.17 (95)" (neither number), "£8.5m", "5%" or "2.5.1"; with or without
    thousands separators."""
    plain = _number(number)
    if plain is None:
        return []
    return [m.span() for m in _TOKEN.finditer(question) if m.group(0).replace(",", "") == plain]


def stated_operator(question: str, number: str) -> str | None:
    """The comparison the (normalised) question writes for ``number``: ">" for "more than 5",
    "<=" for "5 or less", "=" for "5" with no comparison words; None when the question does not
    write the number as a token, or writes different comparisons at different places."""
    found: set[str] = set()
    for start, end in occurrences(question, number):
        end += len(_TRAILING.match(question, end).group(0))  # type: ignore[union-attr]
        before = question[max(0, start - _REACH) : start]
        after = question[end : end + _REACH]
        op = next((o for p, o in BEFORE if p.search(before)), None) \
            or next((o for p, o in AFTER if p.search(after)), "=")
        found.add(op)
    return found.pop() if len(found) == 1 else None


def comparisons(stmt: exp.Expression) -> list[tuple[exp.Binary, exp.Column, exp.Literal]]:
    """(comparison, column, literal) for each ``column <op> literal`` of the WHERE/HAVING clauses."""
    out = []
    for clause in condition_clauses(stmt):
        for node in clause.find_all(*OPERATORS.values()):
            left, right = node.args.get("this"), node.args.get("expression")
            if isinstance(left, exp.Column) and isinstance(right, exp.Literal):
                out.append((node, left, right))
    return out


def _text_operator(question: str, value: str, node: exp.Binary) -> str | None:
    """"=" for a text value (no number) compared by order (`Range` < 'Dalmore Range') that the
    (normalised) question writes, each time with no comparison words before it ("range is
    dalmore range"); None otherwise ("a Date before 'May 2012'" compares)."""
    phrase = " ".join(norm(value).split())
    if isinstance(node, (exp.EQ, exp.NEQ)) or not re.search(r"[a-z]", phrase) or re.search(r"\d", phrase):
        return None
    places = list(re.finditer(r"(?<![\w])" + r"\s+".join(map(re.escape, phrase.split())) + r"(?![\w])", question))
    if not places or any(p.search(question[max(0, m.start() - _REACH) : m.start()]) for m in places for p, _ in BEFORE):
        return None
    return "="


def operator_not_stated(stmt: exp.Expression, question: str, schema: Schema) -> Finding | None:
    """The first condition on a number that the question compares in words with another
    operator ("Goal smaller than 17" as ``Goal = 17``), or on a text value it writes with no
    comparison words, by order (``_text_operator``), as a repairable finding; None if none."""
    if not question.strip():
        return None
    text = norm(question)
    spans = mentions(text, [c for cols in schema.values() for c in cols])
    for node, column, literal in comparisons(stmt):
        value = str(literal.this)
        number = _number(value) is not None
        wanted = stated_operator(text, value) if number else _text_operator(text, value, node)
        if wanted is None or (wanted == "=" and number) or wanted == _SYMBOL[type(node)]:
            continue  # "=" is never enforced for a number: "Points of 5" may still be written as ">= 5"
        header = paired(text, value, spans)
        if header is not None and header.lower() != column.name.lower():
            continue  # the value belongs to another column: the pairing rule's finding
        feedback = render("rule_sql_operator", value=value if number else f"'{value}'", operator=wanted,
                          used=_SYMBOL[type(node)], column=column.name)
        details = {"name": column.name, "value": value[:200], "operator": wanted, "repairable": True}
        return Finding("operator_not_stated", feedback, details)
    return None


def _literal(number: str, operator: str) -> exp.Expression:
    """A number literal; a number written with thousands separators stays the stored text for
    "=", and a text value stays text."""
    if (operator == "=" and "," in number) or _number(number) is None:
        return exp.Literal.string(number)
    return exp.Literal.number(_number(number) or number)


def with_operator(sql: str, column: str, value: str, operator: str) -> str | None:
    """``sql`` with its conditions ``column`` <op> ``value`` written with ``operator``; None when
    there is none."""
    stmt = parse_statement(sql)
    if stmt is None or operator not in OPERATORS:
        return None
    changed = False
    for node, col, literal in comparisons(stmt):
        if col.name.lower() == column.lower() and str(literal.this) == value:
            node.replace(OPERATORS[operator](this=col, expression=_literal(value, operator)))
            changed = True
    return stmt.sql(dialect="mysql") if changed else None


def _ends_value(question: str, start: int, end: int, spans: list[Span]) -> bool:
    """Whether the number at ``start`` is a whole value. Before it: a linking or clause word, a
    header or nothing ("points of 51", "for 11 points", "week 19"; not "'May 2012'"). After it:
    the end, punctuation with a space or the end after it, a header, a comparison ("or more")
    or a word that opens another clause (not "18 April 1991" or "2× Platinum")."""
    words = re.findall(r"[^\s'\"]+", question[max(0, start - _REACH) : start])
    edge = len(question[:start].rstrip(" '\""))  # where the word before the number ends
    if words and words[-1][-1].isalnum() and words[-1] not in LINK_WORDS | CLAUSE_WORDS | _COMPARE_WORDS \
            and not any(s.end == edge for s in spans):
        return False  # "May 2012", "scored 7": the number continues a value or follows no header
    rest = question[end:]
    stripped = rest.lstrip()
    if not stripped or re.match(r"[,;?.!)'\"]+(?:\s|$)", stripped):
        return True
    if not rest[:1].isspace():
        return False
    offset = len(question) - len(stripped)
    if any(s.start == offset for s in spans) or any(p.search(rest) for p, _ in AFTER):
        return True
    return stripped.split(None, 1)[0].strip(",;?.!") in CLAUSE_WORDS


def missing_condition(stmt: exp.Expression, question: str, schema: Schema, number: str) -> dict[str, object]:
    """How to add the condition on ``number`` that ``stmt`` leaves out: ``column``,
    ``operator`` and ``repairable`` (see the module doc); {} when the question names no header
    next to it, or the number is part of a longer value ("a Date of 18 April 1991")."""
    text = norm(question)
    spans = mentions(text, [c for cols in schema.values() for c in cols])
    header = paired(text, number, spans)
    operator = stated_operator(text, number)
    places = occurrences(text, number)
    if header is None or operator is None or not all(_ends_value(text, start, end, spans) for start, end in places):
        return {}
    compared = {c.name.lower() for clause in condition_clauses(stmt) for c in clause.find_all(exp.Column)}
    repairable = isinstance(stmt, exp.Select) and header.lower() not in compared
    return {"column": header, "operator": operator, "repairable": repairable}


def with_condition(sql: str, column: str, number: str, operator: str) -> str | None:
    """``sql`` (a SELECT) with the condition `column` <operator> number added to its WHERE clause
    (with AND), or as its WHERE clause."""
    stmt = parse_statement(sql)
    if not isinstance(stmt, exp.Select) or operator not in OPERATORS:
        return None
    condition = OPERATORS[operator](this=exp.column(column, quoted=True), expression=_literal(number, operator))
    return stmt.where(condition, append=True, copy=True).sql(dialect="mysql")


_QUOTED = re.compile(r"(?<![\w])(['\"])([^'\"]{1,80})\1(?![\w])")  # 'Bill Belichick', "Red Sox"


def stated_values(question: str, spans: list[Span]) -> list[str]:
    """The values the question writes in quotes, then the numbers it writes as whole values
    (not the 12 of "12 Jul 1964" nor the 57.7 of "57.7%"), in order. ``spans`` are the headers
    of the normalised question (``mentions``)."""
    text = norm(question)
    numbers = [m.group(0) for m in _TOKEN.finditer(text)]
    whole = [n for n in dict.fromkeys(numbers)
             if (places := occurrences(text, n)) and all(_ends_value(text, a, b, spans) for a, b in places)]
    return [m.group(2) for m in _QUOTED.finditer(question)] + whole
