"""An answer to a query task must come from what the last successful query returned.

AgentBench judges a SELECT task by comparing the final answer with the rows of the gold query,
and the Assistant sees only the rows its own queries return. A value that is not in the last
result was made up or taken from the question ("done", an error code, the value it searched
for); both are rejected with feedback that points at the query instead. Numbers match by
value (26 = 26.0), text case-insensitively; a result cut short by the observation limit is not
checked.

A query that finds nothing (no rows, or only NULL: ``MAX`` over no row) has one answer in
AgentBench: its label for such a query is ``'none'``, compared as text (three of the 20 dev query
tasks; their gold queries return ``[]`` or ``[(None,)]`` on the tables). So after such a result
the answer must be ``["none"]`` (:func:`nothing_found`): ``["None"]``, ``[]`` or a value from the
question are rejected, and the Checker can write ``["none"]`` itself. The feedback also names
the other way out, a corrected query, for a condition that should have matched.

The answer must also be the whole result when the query filters without ordering or limiting
(:func:`answer_incomplete`): AgentBench's label is every row of the gold query, and a small model
copies one or two of them ("1–0" for the rows '1–0' and '2–0'). And a single number is written
without thousands separators (:func:`grouped_number`): AgentBench compares one value with one
label as floats, "32,502" is no float, and numeric labels are stored as floats ('32502.0'). The
Checker can write both answers itself (``--repair``). Text is compared as written too: an answer
value that is a cell of the result only up to letter case or the quotes around it ("Electric
Orchard" for the cell '"Electric Orchard"') is written as the cell (:func:`answer_not_as_stored`).
"""

from __future__ import annotations

import ast
import json
import re

from sqlglot import exp

from cmat.agents.checkers._sql_ast import parse_statement
from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import clip, render

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_SHOWN = 300  # characters of the result quoted back in feedback
MAX_ROWS = 30  # a longer one-column result is not put into an answer by the Checker
_GROUPED = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 32,502 or 1,234,567.5


_UNREAD = object()  # what ``_literal`` returns for text that is no Python literal


def _literal(text: str) -> object:
    """``text`` read as a Python literal (``ast``, never ``eval``), or ``_UNREAD``."""
    try:
        return ast.literal_eval(text)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        return _UNREAD


def _rows(result: str) -> list[object] | tuple[object, ...] | None:
    """The rows of a result (the observation is a Python repr of row tuples), or None."""
    rows = _literal(result)
    return rows if isinstance(rows, (list, tuple)) else None


def _answer_values(answer: str) -> list[object] | None:
    """The values of an answer written as a Python list, or None."""
    values = _literal(answer)
    return values if isinstance(values, list) else None


def _numbers(text: str) -> set[float]:
    return {float(n) for n in _NUMBER.findall(text.replace(",", ""))}


def _cells(result: str) -> list[str]:
    """The cells of a result as text (the observation is a Python repr of row tuples), or the
    whole text when it cannot be read that way."""
    rows = _rows(result)
    if rows is None:
        return [result]
    return [str(cell) for row in rows for cell in (row if isinstance(row, (list, tuple)) else (row,))]


def _in_result(value: object, cells: list[str], numbers: set[float]) -> bool:
    text = str(value).strip().lower()
    if any(text in cell.lower() for cell in cells):
        return True
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return False
    return any(abs(number - n) <= 1e-6 * max(1.0, abs(n)) for n in numbers)


def answer_not_in_result(answer: str, result: str, limit: int) -> Finding | None:
    """A finding when the answer list is not backed by ``result`` (the last query's rows)."""
    if len(result) >= limit:
        return None  # cut short: the values may be in the part not shown
    values = _answer_values(answer)
    if values is None:
        return None  # the format check reports it
    cells, numbers = _cells(result), _numbers(result)
    missing = [str(v) for v in values if not _in_result(v, cells, numbers)]
    if not missing:
        return None
    feedback = render("rule_answer_not_in_result", missing=", ".join(f"'{m}'" for m in missing[:3]),
                      result=clip(result, _SHOWN))
    return Finding("answer_not_in_result", feedback, {"missing": missing[:3]})


NONE_ANSWER = '["none"]'  # AgentBench's label for a query that finds nothing


def found_nothing(result: str) -> bool:
    """Whether ``result`` has no rows, or rows whose every cell is NULL (``[(None,)]``)."""
    if result.strip() in ("[]", "()", ""):
        return True
    rows = _rows(result)
    if not rows:
        return False
    return all(isinstance(row, (list, tuple)) and all(cell is None for cell in row) for row in rows)


def nothing_found(answer: str, result: str) -> Finding | None:
    """After ``result``, one that found nothing (:func:`found_nothing`, checked by the caller),
    a finding unless the answer is ``["none"]``; ``details["answer"]`` is that answer."""
    values = _answer_values(answer)
    if values is not None and len(values) == 1 and values[0] == "none":
        return None
    feedback = render("rule_answer_empty_result", result=clip(result.strip() or "[]", _SHOWN), answer=NONE_ANSWER)
    return Finding("empty_result", feedback, {"answer": NONE_ANSWER, "repairable": True})


def _one_column(result: str) -> list[str] | None:
    """The values of a one-column result with at least one row, as text; None otherwise."""
    rows = _rows(result)
    if not rows:
        return None
    cells = [row[0] for row in rows if isinstance(row, (list, tuple)) and len(row) == 1]
    return [str(cell) for cell in cells] if len(cells) == len(rows) else None


def _same(value: object, cell: str) -> bool:
    text = str(value).strip().lower()
    if text == cell.strip().lower():
        return True
    try:
        return float(text.replace(",", "")) == float(cell.replace(",", ""))
    except ValueError:
        return False


def _filters_only(sql: str) -> bool:
    """Whether ``sql`` is one SELECT with no ORDER BY, LIMIT, aggregate or GROUP BY: its rows
    are all the rows that match, none of them is singled out."""
    stmt = parse_statement(sql)
    if not isinstance(stmt, exp.Select):
        return False
    return not any(stmt.args.get(k) for k in ("order", "limit", "group")) and stmt.find(exp.AggFunc) is None


def answer_incomplete(answer: str, result: str, sql: str, limit: int) -> Finding | None:
    """A finding when the answer is a strict part of the last result although the query that
    gave it only filters (``_filters_only``): the answer is all its rows. ``details["answer"]``
    is the complete answer (the distinct values, in the result's order)."""
    cells = _one_column(result) if len(result) < limit else None
    if cells is None or len(cells) > MAX_ROWS or not _filters_only(sql):
        return None
    values = _answer_values(answer)
    if not values or not all(any(_same(v, c) for c in cells) for v in values):
        return None  # not a part of the result: answer_not_in_result's business
    distinct = list(dict.fromkeys(cells))
    left_out = [c for c in distinct if not any(_same(v, c) for v in values)]
    if not left_out:
        return None
    complete = json.dumps(distinct, ensure_ascii=False)
    feedback = render("rule_answer_incomplete", count=len(distinct), missing=clip(
        ", ".join(f"'{c}'" for c in left_out[:5]), _SHOWN), answer=clip(complete, _SHOWN))
    return Finding("answer_incomplete", feedback, {"answer": complete, "repairable": True})


def grouped_number(answer: str) -> Finding | None:
    """A finding when the answer is one number written with thousands separators ("32,502");
    ``details["answer"]`` is the answer with the number written plainly."""
    values = _answer_values(answer)
    if values is None or len(values) != 1 or not _GROUPED.fullmatch(str(values[0]).strip()):
        return None
    plain = str(values[0]).strip().replace(",", "")
    feedback = render("rule_answer_grouped_number", written=str(values[0]).strip(), plain=plain)
    return Finding("answer_grouped_number", feedback, {"answer": json.dumps([plain]), "repairable": True})


_QUOTES = "\"'\u201c\u201d\u2018\u2019 "


def _bare(text: str) -> str:
    return text.strip(_QUOTES).lower()


def answer_not_as_stored(answer: str, result: str, limit: int) -> Finding | None:
    """A finding when an answer value is a cell of ``result`` only up to letter case or the quotes
    around it, and exactly one cell so; ``details["answer"]`` is the answer with those values
    written as the cells. AgentBench compares text as written."""
    values = _answer_values(answer)
    if not values or len(result) >= limit:
        return None
    cells = _cells(result)
    written: list[object] = []
    for value in values:
        text = str(value).strip()
        alike = list(dict.fromkeys(c for c in cells if _bare(c) == _bare(text)))
        number = re.fullmatch(r"-?[\d,]*\.?\d+", text) is not None  # compared by value
        written.append(value if text in cells or number or len(alike) != 1 or not _bare(text) else alike[0])
    if written == values:
        return None
    fixed = json.dumps(written, ensure_ascii=False)
    changed = [f"'{v}' as '{w}'" for v, w in zip(values, written, strict=True) if v != w]
    feedback = render("rule_answer_not_as_stored", changed=clip(", ".join(changed[:3]), _SHOWN),
                      answer=clip(fixed, _SHOWN))
    return Finding("answer_not_as_stored", feedback, {"answer": fixed, "repairable": True})
