"""MySQL's value conversions, in Python, for the SQLite backend.

Every DBBench column is TEXT, so nearly every number an agent computes passes through MySQL's
text <-> number rules; these functions reproduce them (checked against a server):

* text -> DOUBLE: the longest numeric prefix after leading blanks (``'5,200'`` -> 5.0,
  ``'abc'`` -> 0.0, ``'1e3x'`` -> 1000.0);
* text -> integer (``CAST(... AS SIGNED)``): the integer prefix (``'3.7'`` -> 3);
* DOUBLE -> text: the shortest round-trip digits, in positional notation unless the number is
  tiny (exponent <= -15) or a 16+ digit integer (``1e15`` -> ``'1e15'``, ``0.5`` -> ``'0.5'``);
* DECIMAL -> text: fixed number of fraction digits (``7.400`` stays ``'7.400'``).
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

_DOUBLE_PREFIX = re.compile(r"[ \t\n\r\f\v]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_INT_PREFIX = re.compile(r"[ \t\n\r\f\v]*([+-]?\d+)")
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def as_text(value: Any) -> str:
    """A SQLite value seen as MySQL text (bytes decoded, numbers formatted)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, float):
        return double_text(value)
    return str(value)


def to_double(value: Any) -> float | None:
    """MySQL's conversion of any value to DOUBLE (None stays None)."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    match = _DOUBLE_PREFIX.match(as_text(value))
    if not match:
        return 0.0
    result = float(match.group(1))
    return result if math.isfinite(result) else math.copysign(1.7976931348623157e308, result)


def to_decimal(value: Any) -> Decimal | None:
    """Exact value of a number or numeric text prefix (None stays None)."""
    if value is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else Decimal(0)
    match = _DOUBLE_PREFIX.match(as_text(value))
    try:
        return Decimal(match.group(1)) if match else Decimal(0)
    except InvalidOperation:  # pragma: no cover - the regex only admits valid numbers
        return Decimal(0)


def text_to_int(value: str) -> int:
    """``CAST(text AS SIGNED)``: the integer prefix, clamped to 64 bits."""
    match = _INT_PREFIX.match(value)
    number = int(match.group(1)) if match else 0
    return max(INT64_MIN, min(INT64_MAX, number))


def round_half_up(value: Decimal, places: int = 0) -> Decimal:
    """DECIMAL rounding (half away from zero); negative ``places`` round left of the point."""
    if places >= 0:
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return value.scaleb(places).quantize(Decimal(1), rounding=ROUND_HALF_UP).scaleb(-places)


def double_text(value: float) -> str:
    """MySQL's text form of a DOUBLE (``1000.0`` -> ``'1000'``, ``1e15`` -> ``'1e15'``)."""
    if value == 0 or not math.isfinite(value):
        return "0"
    sign = "-" if value < 0 else ""
    parts = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, parts.digits)).rstrip("0") or "0"
    exponent = parts.exponent if isinstance(parts.exponent, int) else 0
    point = len(parts.digits) + exponent  # position of the decimal point relative to digits
    count = len(digits)
    if point <= -15 or (point >= 16 and point >= count):
        mantissa = digits[0] + ("." + digits[1:] if count > 1 else "")
        return f"{sign}{mantissa}e{point - 1}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= count:
        return sign + digits + "0" * (point - count)
    return f"{sign}{digits[:point]}.{digits[point:]}"


def decimal_value(value: Any, scale: int) -> Decimal | None:
    """A DECIMAL result with exactly ``scale`` fraction digits, as the server sends it."""
    exact = to_decimal(value)
    if exact is None:
        return None
    result = round_half_up(exact, max(scale, 0))
    return result.copy_abs() if result == 0 else result  # the server never sends '-0'


def decimal_text(value: Any, scale: int) -> str | None:
    """MySQL's text form of a DECIMAL with ``scale`` fraction digits."""
    result = decimal_value(value, scale)
    return None if result is None else f"{result:f}"


def literal_decimal_text(literal: str) -> str:
    """Text of a decimal literal as MySQL keeps it: ``007.400`` -> ``'7.400'``, ``.5`` -> ``'0.5'``."""
    return f"{Decimal(literal):f}"


def double_int(value: float) -> int:
    """A DOUBLE converted to integer (round half to even, as the server's rint())."""
    if not math.isfinite(value):
        return INT64_MAX if value > 0 else INT64_MIN
    return max(INT64_MIN, min(INT64_MAX, round(value)))
