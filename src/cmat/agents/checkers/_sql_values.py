"""The values a statement filters on must come from the question.

In a DBBench task the Assistant sees the question, the table's name and its column names, never
its rows, so a text or number it compares a column with (``WHERE `Nation` = 'Iran'``) can only be
right if the question states it. A value the question never mentions is invented or copied from
the wrong place, the mistake small models make most after quoting ("Position = 'Touchdown'" for
"11 points"). Only conditions (WHERE, HAVING, ON) are checked: the values a task inserts or sets
are often rephrased in AgentBench's own questions ("a 27-20 win" becomes ``'W 27–20'``), while
their conditions state values verbatim (all 40 INSERT/UPDATE gold statements of the dev set pass).

The check is conservative: it compares case-insensitively with whitespace and quotes normalised,
matches numbers by value (``9.6260`` is ``9.626``, ``1,000`` is ``1000``, "ten" is 10), ignores 0
and 1 and the ``%``/``_`` of LIKE patterns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sqlglot import exp

from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import clip, render

_NUMBER = re.compile(r"(?<![\w.])[-+]?\d[\d,]*(?:\.\d+)?")
_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
_NUMBER_WORDS = {w: float(i) for i, w in enumerate(_WORDS)}
_FREE_NUMBERS = {0.0, 1.0}
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Like, exp.ILike, exp.In, exp.Between)


def _norm(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split())


def as_number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def question_numbers(question: str) -> set[float]:
    numbers = {n for n in (as_number(m.group(0)) for m in _NUMBER.finditer(question)) if n is not None}
    words = re.findall(r"[a-z]+", question.lower())
    return numbers | {_NUMBER_WORDS[w] for w in words if w in _NUMBER_WORDS}


def _value_literals(stmt: exp.Expression) -> Iterator[exp.Literal]:
    """Literals compared with a column (WHERE, HAVING, ON of any statement)."""
    for literal in stmt.find_all(exp.Literal):
        node: Any = literal.parent
        while isinstance(node, (exp.Paren, exp.Neg, exp.Cast, exp.Tuple)) and node.parent is not None:
            node = node.parent
        assignment = isinstance(node, exp.EQ) and isinstance(node.parent, exp.Update)  # SET x = v
        if isinstance(node, _COMPARISONS) and not assignment and any(True for _ in node.find_all(exp.Column)):
            yield literal


def _in_question(literal: exp.Literal, text: str, numbers: set[float]) -> bool:
    value = literal.this.strip()
    if literal.is_string and isinstance(literal.parent, (exp.Like, exp.ILike)):
        value = value.strip("%_").replace("%", " ").replace("_", " ").strip()
    number = as_number(value) if value else None
    if number is not None and (number in _FREE_NUMBERS or number in numbers):
        return True
    return not value or _norm(value) in text


def value_not_in_question(stmt: exp.Expression, question: str) -> Finding | None:
    """The first value of ``stmt`` that ``question`` does not state, as a finding; None if all are there."""
    if not question.strip():
        return None
    text, numbers = _norm(question), question_numbers(question)
    for literal in _value_literals(stmt):
        if not _in_question(literal, text, numbers):
            value = literal.this
            feedback = render("rule_sql_value_not_in_question", value=clip(value, 80))
            return Finding("value_not_in_question", feedback, {"value": value[:200]})
    return None
