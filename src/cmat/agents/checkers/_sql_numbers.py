"""Every number the question states must be used by the statement.

The counterpart of :mod:`_sql_values` (a value the statement uses must be in the question): a
number the question states and the statement leaves out is, in a DBBench task, a dropped
condition ("... when Points is 51" answered without ``Points`` = 51) or a value cut short
('13.17' for "13.17 (95)"). These are among the most common
errors of small models on multi-condition questions, and the database cannot catch them: the
query runs and returns a wrong, non-empty result.

A number counts as used when it is any literal of the statement (a condition, a LIMIT, an
inserted value, by value: ``9.6260`` is 9.626) or a number inside a string literal
('August 15, 2000' uses 15 and 2000). Numbers that are part of the table's name or of a header
("Enrolment 2004", "weeks at No. 1") are not asked for, nor are 0 and 1 ("the 1 with ..."),
unless the question compares with them ("less than 0 Silvers"),
nor numbers written as words. The rule applies only to statements with conditions (a WHERE or
HAVING clause) and to queries shaped as an answer (an aggregate or an ORDER BY: "SELECT
MAX(`Bronze`) FROM t" for "the biggest Bronze that has less than 0 Silvers"): an exploratory
``SELECT * FROM t LIMIT 3`` is never rejected for it, nor an INSERT, whose question may state
other numbers ("a table with 5 columns").
"""

from __future__ import annotations

import re

from sqlglot import exp

from cmat.agents.checkers._sql_ast import condition_clauses
from cmat.agents.checkers._sql_compare import missing_condition, stated_operator
from cmat.agents.checkers._sql_pairing import norm
from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import render

_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
_FREE = {0.0, 1.0}


def _stated(text: str) -> dict[float, str]:
    """Each number written with digits in ``text`` (thousands separators dropped, sign ignored),
    in order, mapped to how it is first written."""
    out: dict[float, str] = {}
    for match in _NUMBER.finditer(text):
        written = match.group(0).rstrip(",")
        out.setdefault(float(written.replace(",", "")), written)  # digits and commas: always a float
    return out


def shaped_as_answer(stmt: exp.Expression) -> bool:
    """Whether ``stmt`` is a query shaped as an answer: a SELECT with an aggregate or an ORDER BY
    ("SELECT MAX(`Bronze`) FROM t" for "the biggest Bronze that has less than 0 Silvers")."""
    return isinstance(stmt, exp.Select) and (stmt.find(exp.AggFunc) is not None or stmt.args.get("order") is not None)


def number_not_used(stmt: exp.Expression, question: str, schema: dict[str, list[str]]) -> Finding | None:
    """The first number of ``question`` that ``stmt`` does not use, as a finding; None if all are."""
    if not question.strip() or not (condition_clauses(stmt) or shaped_as_answer(stmt)):
        return None
    used = {value for literal in stmt.find_all(exp.Literal) for value in _stated(str(literal.this))}
    names = " ".join([*schema, *(c for columns in schema.values() for c in columns)]).replace("_", " ")
    free = _FREE | set(_stated(names))
    text = norm(question)
    for value, written in _stated(question).items():
        # 0 and 1 are free ("the 1 with ..."), unless the question compares with them ("less than 0 Silvers")
        compared = value in _FREE and stated_operator(text, written) not in ("=", None)
        if (value not in free or compared) and value not in used:
            feedback = render("rule_sql_number_not_used", number=written)
            details = {"number": written, **missing_condition(stmt, question, schema, written)}
            return Finding("number_not_used", feedback, details)
    return None
