"""An answer to a query task must come from what the last successful query returned.

AgentBench judges a SELECT task by comparing the final answer with the rows of the gold query,
and the Assistant sees only the rows its own queries return. A value that is not in the last
result was made up or taken from the question ("done", an error code, the value it searched
for); after an empty result there is nothing to answer with at all. Both are rejected with
feedback that points at the query instead. Numbers match by value (26 = 26.0), text
case-insensitively; a result cut short by the observation limit is not checked.
"""

from __future__ import annotations

import ast
import re

from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import clip, render

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_SHOWN = 300  # characters of the result quoted back in feedback


def _numbers(text: str) -> set[float]:
    return {float(n) for n in _NUMBER.findall(text.replace(",", ""))}


def _cells(result: str) -> list[str]:
    """The cells of a result as text (the observation is a Python repr of row tuples), or the
    whole text when it cannot be read that way."""
    try:
        rows = ast.literal_eval(result)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        return [result]
    if not isinstance(rows, (list, tuple)):
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
    if result.strip() in ("[]", "()", ""):
        return Finding("empty_result", render("rule_answer_empty_result"), {})
    try:
        values = ast.literal_eval(answer)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        return None  # the format check reports it
    if not isinstance(values, list):
        return None
    cells, numbers = _cells(result), _numbers(result)
    missing = [str(v) for v in values if not _in_result(v, cells, numbers)]
    if not missing:
        return None
    feedback = render("rule_answer_not_in_result", missing=", ".join(f"'{m}'" for m in missing[:3]),
                      result=clip(result, _SHOWN))
    return Finding("answer_not_in_result", feedback, {"missing": missing[:3]})
