"""AgentBench's DBBench judge and metrics, reproduced without ``eval()``.

AgentBench reads an answer with ``list(eval(answer))`` (falling back to ``[answer]`` on any
exception) and compares it with the label: one value each -> compare as floats when both
parse, else as strings; otherwise compare as sets. We evaluate Python *literals* with the
same results (plus numeric arithmetic) and never run model text. Names, calls and other
code that ``eval`` would run fall back to ``[answer]``, as a ``NameError`` does there.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from cmat.envs.dbbench.data import MUTATION_TYPES, SELECT_TYPES

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_UNARY: dict[type, Callable[[Any], Any]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}


class _Refused(Exception):
    """The expression is not a literal we agree to evaluate."""


def _value(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = [_value(e) for e in node.elts]
        return {ast.List: list, ast.Tuple: tuple, ast.Set: set}[type(node)](items)
    if isinstance(node, ast.Dict):
        return {_value(k) if k else _refuse(): _value(v) for k, v in zip(node.keys, node.values, strict=True)}
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_value(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _value(node.left), _value(node.right)
        texts = isinstance(left, (str, bytes)) or isinstance(right, (str, bytes))
        if texts and isinstance(node.op, ast.Mult) and max(_size(left), _size(right)) > 10_000:
            raise _Refused
        return _BINARY[type(node.op)](left, right)
    raise _Refused


def _size(value: Any) -> int:
    """Length of a text, or the magnitude of a repeat count (``'a' * 10**9`` is refused)."""
    return len(value) if isinstance(value, (str, bytes)) else abs(int(value)) if isinstance(value, int) else 0


def _refuse() -> Any:
    raise _Refused


def parse_answer(answer: str) -> list[Any]:
    """What AgentBench's ``list(eval(answer))`` yields, or ``[answer]`` where it would fail."""
    try:
        tree = ast.parse(answer.lstrip(" \t"), mode="eval")
        return list(_value(tree.body))
    except Exception:
        return [answer]


def select_correct(answer: str | None, label: Sequence[Any]) -> bool:
    """AgentBench's comparison of a query answer with its label."""
    if answer is None:
        return False
    values = parse_answer(answer)
    if len(values) == 1 and len(label) == 1:
        try:
            return float(values[0]) == float(label[0])
        except (ValueError, TypeError):
            return bool(values[0] == label[0])
    try:
        return set(values) == set(label)
    except TypeError:
        return False


def is_correct(kind: str, answer: str | None, gold: Any) -> bool:
    """Judge one sample: table-hash equality for mutations, :func:`select_correct` otherwise."""
    if kind in MUTATION_TYPES:
        return answer is not None and answer == gold
    return select_correct(answer, gold)


def _accuracy(records: Iterable[Mapping[str, Any]], types: Sequence[str]) -> float | None:
    hits = [bool(r["correct"]) for r in records if r["type"] in types]
    return sum(hits) / len(hits) if hits else None


def dbbench_metrics(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """AgentBench's DBBench metrics from records holding ``type`` and ``correct``.

    ``overall`` is AgentBench's ``overall_cat_accuracy``: the mean of SELECT, INSERT and UPDATE
    accuracy. Where a category has no sample (AgentBench would divide by zero) its accuracy
    is ``None`` and ``overall`` averages the others, flagged by ``overall_partial``.
    """
    agentbench: dict[str, float | None] = {}
    for kind in SELECT_TYPES:
        agentbench[f"{kind}_accuracy"] = _accuracy(records, [kind])
    agentbench["SELECT_accuracy"] = _accuracy(records, SELECT_TYPES)
    for kind in ("INSERT", "UPDATE", "DELETE"):
        agentbench[f"{kind}_accuracy"] = _accuracy(records, [kind])
    parts = [agentbench[k] for k in ("SELECT_accuracy", "INSERT_accuracy", "UPDATE_accuracy")]
    present = [p for p in parts if p is not None]
    overall = sum(present) / len(present) if present else 0.0
    agentbench["overall_cat_accuracy"] = overall
    per_type = {k[: -len("_accuracy")]: v for k, v in agentbench.items() if v is not None}
    per_type.pop("overall_cat", None)
    return {
        "overall": overall,
        "overall_partial": len(present) < 3,
        "per_type": per_type,
        "agentbench": agentbench,
    }
