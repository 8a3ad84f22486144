"""MySQL result types of expressions, and the Python values ``mysql.connector`` returns for them.

SQLite has no DECIMAL and types values dynamically, so the SQLite backend infers the MySQL type
of every expression while it translates the statement (``SUM`` over a TEXT column is DOUBLE,
over an integer expression DECIMAL, ``1/3`` is DECIMAL with 4 fraction digits, ...) and converts
the values SQLite computed into what the server would have sent: ``str``, ``int``, ``float``,
``Decimal``, ``datetime.date`` or ``None``. In SQLite a DECIMAL travels as REAL (or INTEGER)
and gets its exact scale back at the end.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cmat.envs.dbbench.backends import mysql_values as mv


@dataclass(frozen=True)
class MType:
    """A MySQL type class: text, int, decimal (with ``scale``), double, date, datetime or null.

    ``stored_scale``: the server computes ``a / b`` with fraction digits in groups of nine and
    shows ``scale`` of them, but writes all of them when the value is stored in a TEXT column
    (``10/4`` shows ``2.5000`` and is stored as ``'2.500000000'``).
    """

    kind: str
    scale: int = 0
    stored_scale: int | None = None  # DECIMAL quotients keep 9-digit groups when stored as text

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "decimal", "double")

    @property
    def exact(self) -> bool:
        """Integer or DECIMAL: arithmetic stays exact, ``/`` gives DECIMAL."""
        return self.kind in ("int", "decimal")

    @property
    def stringish(self) -> bool:
        """Compared and converted like strings (text, and temporal values stored as text)."""
        return self.kind in ("text", "date", "datetime")


TEXT = MType("text")
INT = MType("int")
DOUBLE = MType("double")
NULL = MType("null")
DATE = MType("date")
DATETIME = MType("datetime")
MAX_SCALE = 30


def decimal(scale: int) -> MType:
    """DECIMAL with ``scale`` fraction digits (MySQL caps scales at 30)."""
    return MType("decimal", max(0, min(scale, MAX_SCALE)))


def numeric_result(*types: MType) -> MType:
    """Type of ``+``/``-``/``*``-like operations: any text or double -> DOUBLE, else exact."""
    kinds = {t.kind for t in types}
    if "null" in kinds:
        return NULL
    if kinds & {"text", "double", "date", "datetime"}:
        return DOUBLE
    if "decimal" in kinds:
        return decimal(max(t.scale for t in types))
    return INT


def unify(types: Iterable[MType]) -> MType:
    """The common type of CASE/IF/COALESCE/UNION branches, by MySQL's aggregation rules."""
    present = [t for t in types if t.kind != "null"]
    if not present:
        return NULL
    kinds = {t.kind for t in present}
    if len(kinds) == 1:
        return decimal(max(t.scale for t in present)) if "decimal" in kinds else present[0]
    if kinds & {"text", "date", "datetime"}:
        return TEXT
    if "double" in kinds:
        return DOUBLE
    return decimal(max(t.scale for t in present))


def to_python(value: Any, mtype: MType) -> Any:
    """The value ``mysql.connector`` would return for a result column of ``mtype``."""
    if value is None:
        return None
    kind = mtype.kind
    if kind == "text":
        return mv.as_text(value)
    if kind == "int":
        if isinstance(value, float):
            return mv.double_int(value)
        return int(value) if not isinstance(value, str) else mv.text_to_int(value)
    if kind == "double":
        number = mv.to_double(value)
        return None if number is None else number + 0.0  # the server sends -0 as 0
    if kind == "decimal":
        return mv.decimal_value(value, mtype.scale)
    if kind in ("date", "datetime"):
        return _temporal(mv.as_text(value), kind)
    return value  # null-typed expressions only ever yield None


def _temporal(text: str, kind: str) -> Any:
    try:
        if kind == "date":
            return datetime.date.fromisoformat(text[:10])
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return text
