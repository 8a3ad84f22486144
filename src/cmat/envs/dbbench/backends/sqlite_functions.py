"""MySQL functions, registered on a sqlite3 connection under ``mysql_*`` names.

The translator (:mod:`.mysql_semantics`) rewrites MySQL calls into calls of these functions,
passing the argument types it inferred where MySQL's behaviour depends on them. Each function
follows the server's rules (NULL in -> NULL out, text compared under utf8mb4_0900_ai_ci, numbers
parsed with MySQL's text-to-number rule); the aggregates reproduce MySQL's plain left-to-right
double summation and GROUP_CONCAT's ordering, DISTINCT and 1024-byte cut.
"""

from __future__ import annotations

import hashlib
import math
import re
import sqlite3
import threading
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from cmat.envs.dbbench.backends import collation
from cmat.envs.dbbench.backends import mysql_dates as dates
from cmat.envs.dbbench.backends import mysql_values as mv

GROUP_CONCAT_MAX_LEN = 1024


def _nullsafe(function: Callable[..., Any]) -> Callable[..., Any]:
    """NULL if any argument is NULL, as nearly every MySQL function."""

    def wrapper(*args: Any) -> Any:
        if any(arg is None for arg in args):
            return None
        return function(*args)

    wrapper.__name__ = function.__name__
    return wrapper


def _int(value: Any) -> int:
    """An integer argument (positions, lengths, counts) as MySQL reads it."""
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return mv.double_int(value)
    return mv.text_to_int(mv.as_text(value))


def _simple_case(text: str, upper: bool) -> str:
    """UPPER/LOWER with one-to-one case mapping (MySQL keeps 'ß' as is in UPPER)."""
    out = []
    for char in text:
        mapped = char.upper() if upper else char.lower()
        out.append(mapped if len(mapped) == 1 else char)
    return "".join(out)


def substr(text: Any, pos: Any, length: Any = None) -> str | None:
    """SUBSTRING(str, pos[, len]): 1-based, negative positions count from the end, 0 gives ''."""
    if text is None or pos is None:
        return None
    s, p = mv.as_text(text), _int(pos)
    if p == 0 or (p < 0 and -p > len(s)):
        return ""
    start = p - 1 if p > 0 else len(s) + p
    if length is None:
        return s[start:]
    n = _int(length)
    return s[start : start + n] if n > 0 else ""


def substring_index(text: str, delimiter: str, count: Any) -> str:
    """SUBSTRING_INDEX: text before the count-th delimiter (from the right when negative)."""
    n = _int(count)
    if not delimiter or n == 0:
        return ""
    parts = text.split(delimiter)
    return delimiter.join(parts[:n]) if n > 0 else delimiter.join(parts[n:])


def locate(needle: str, haystack: str, pos: Any = 1) -> int:
    """LOCATE/INSTR/POSITION: 1-based, 0 when absent.

    Like the server's ``my_instr_mb``: at each character, the haystack piece with the needle's
    UTF-8 byte length is compared with the needle under the collation (so 'É' finds 'é' and
    'SS' finds 'ß', but 'e' does not find 'é').
    """
    start = _int(pos)
    if start < 1 or start > len(haystack) + 1:
        return 0
    size = len(needle.encode("utf-8"))
    if size == 0:
        return start
    key = collation.sort_key(needle)
    for index in range(start - 1, len(haystack)):
        piece, length = "", 0
        for char in haystack[index:]:
            if length >= size:
                break
            piece += char
            length += len(char.encode("utf-8"))
        if length == size and collation.sort_key(piece) == key:
            return index + 1
    return 0


def trim(text: str, remove: str, mode: str) -> str:
    """TRIM([BOTH|LEADING|TRAILING] remstr FROM str): removes whole repeated ``remstr``."""
    if not remove:
        return text
    if mode in ("BOTH", "LEADING"):
        while text.startswith(remove):
            text = text[len(remove) :]
    if mode in ("BOTH", "TRAILING"):
        while text.endswith(remove):
            text = text[: -len(remove)]
    return text


def pad(text: str, length: Any, fill: str, left: int) -> str | None:
    """LPAD/RPAD: pad to ``length`` characters or cut to it; NULL with an empty pad string."""
    n = _int(length)
    if n < 0:
        return None
    if len(text) >= n:
        return text[:n]
    if not fill:
        return None
    padding = (fill * (n // len(fill) + 1))[: n - len(text)]
    return padding + text if left else text + padding


def number_format(value: Any, places: Any) -> str:
    """FORMAT(x, d): rounded half up, thousands separated by commas."""
    exact = mv.to_decimal(value) or Decimal(0)
    d = max(0, min(_int(places), 30))
    return f"{mv.round_half_up(exact, d):,.{d}f}"


def round_number(value: Any, places: Any, kind: str) -> Any:
    """ROUND(x, d): DECIMAL rounds half away from zero, DOUBLE half to even on x * 10^d."""
    d = _int(places)
    if kind in ("double", "text"):
        x = mv.to_double(value) or 0.0
        if d >= 0:
            factor = 10.0**d
            return round(x * factor) / factor if math.isfinite(x * factor) else x
        factor = 10.0**-d
        return round(x / factor) * factor
    result = mv.round_half_up(mv.to_decimal(value) or Decimal(0), d)
    return int(result) if kind == "int" or d <= 0 else float(result)


def truncate_number(value: Any, places: Any, kind: str) -> Any:
    """TRUNCATE(x, d): cut toward zero at ``d`` fraction digits."""
    d = _int(places)
    if kind in ("double", "text"):
        x = mv.to_double(value) or 0.0
        factor = 10.0**d
        return math.trunc(x * factor) / factor
    exact = mv.to_decimal(value) or Decimal(0)
    result = exact.scaleb(d).to_integral_value(rounding="ROUND_DOWN").scaleb(-d)
    return int(result) if kind == "int" or d <= 0 else float(result)


def floor_ceil(value: Any, kind: str, up: int) -> Any:
    """FLOOR/CEIL: integer for exact arguments, DOUBLE for double or text ones."""
    if kind in ("double", "text"):
        x = mv.to_double(value) or 0.0
        return float(math.ceil(x) if up else math.floor(x))
    exact = mv.to_decimal(value) or Decimal(0)
    return int(exact.to_integral_value(rounding="ROUND_CEILING" if up else "ROUND_FLOOR"))


def _zero_divisor(strict: Any) -> None:
    """Division by zero: NULL, or in data-changing statements (strict mode) error 1365."""
    if strict:
        raise MySQLFunctionError(1365, "Division by 0")


def divide(left: Any, right: Any, strict: int) -> float | None:
    """``a / b`` (both already numbers); NULL or error 1365 when dividing by zero."""
    if left is None or right is None:
        return None
    if float(right) == 0:
        _zero_divisor(strict)
        return None
    return float(left) / float(right)


def int_div(left: Any, right: Any, strict: int) -> int | None:
    """``a DIV b``: integer division truncating toward zero."""
    a, b = mv.to_decimal(left), mv.to_decimal(right)
    if a is None or b is None:
        return None
    if b == 0:
        _zero_divisor(strict)
        return None
    return int((a / b).to_integral_value(rounding="ROUND_DOWN"))


def modulo(left: Any, right: Any, kind: str, strict: int) -> Any:
    """``a MOD b``: sign of the dividend."""
    if kind == "double":
        x, y = mv.to_double(left) or 0.0, mv.to_double(right) or 0.0
        if y == 0:
            _zero_divisor(strict)
            return None
        return math.fmod(x, y)
    a, b = mv.to_decimal(left) or Decimal(0), mv.to_decimal(right) or Decimal(0)
    if b == 0:
        _zero_divisor(strict)
        return None
    result = a % b  # Decimal's % keeps the dividend's sign, as MySQL's MOD
    return int(result) if kind == "int" else float(result)


_CLEAN_DOUBLE = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*")
_CLEAN_INTEGER = re.compile(r"\s*[+-]?\d+\s*")


def _check(text: str, pattern: re.Pattern[str], kind: str) -> None:
    """Strict mode: text that is not entirely a number is error 1292, not a warning."""
    if not pattern.fullmatch(text):
        raise MySQLFunctionError(1292, f"Truncated incorrect {kind} value: '{text}'")


def strict_double(value: Any) -> float | None:
    """``mysql_double`` for INSERT/UPDATE/DELETE, where MySQL's strict mode applies."""
    if isinstance(value, (str, bytes)):
        _check(mv.as_text(value), _CLEAN_DOUBLE, "DOUBLE")
    return mv.to_double(value)


def cast_signed(value: Any, kind: str, unsigned: int, strict: int = 0) -> int:
    """CAST(x AS SIGNED/UNSIGNED): text by its integer prefix, DECIMAL half up, DOUBLE to even."""
    if kind == "text" or isinstance(value, str):
        if strict:
            _check(mv.as_text(value), _CLEAN_INTEGER, "INTEGER")
        number = mv.text_to_int(mv.as_text(value))
    elif kind == "double":
        number = mv.double_int(float(value))
    else:
        number = int(mv.round_half_up(mv.to_decimal(value) or Decimal(0)))
    return number % 2**64 if unsigned else number


def cast_decimal(value: Any, scale: int, strict: int = 0) -> float | int:
    """CAST(x AS DECIMAL(m, d)), carried as REAL/INTEGER until the final conversion."""
    if strict and isinstance(value, str):
        _check(value, _CLEAN_DOUBLE, "DECIMAL")
    result = mv.round_half_up(mv.to_decimal(value) or Decimal(0), scale)
    return int(result) if scale == 0 else float(result)


def greatest(kind: str, pick_max: int, *args: Any) -> Any:
    """GREATEST/LEAST compared as strings (collation) or numbers, by the inferred kind."""
    if any(arg is None for arg in args):
        return None
    values: list[Any]
    if kind == "text":
        values = [mv.as_text(arg) for arg in args]
        key: Callable[[Any], Any] = collation.sort_key
    else:
        values = [mv.to_double(arg) if kind == "double" else arg for arg in args]
        key = float
    return max(values, key=key) if pick_max else min(values, key=key)


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


class MySQLFunctionError(Exception):
    """Raised inside a SQLite callback to abort the statement with a MySQL error."""

    def __init__(self, errno: int, message: str) -> None:
        super().__init__(message)
        self.errno = errno
        self.message = message
        LAST_ERROR.error = self


def regexp(text: str, pattern: str) -> int:
    """REGEXP/RLIKE: a search, case-insensitive as under a _ci collation."""
    try:
        return int(_regex(pattern).search(text) is not None)
    except re.error as exc:
        raise MySQLFunctionError(3685, "Illegal argument to a regular expression.") from exc


def concat_ws(separator: Any, *args: Any) -> str | None:
    """CONCAT_WS: NULL separator gives NULL, NULL arguments are skipped."""
    if separator is None:
        return None
    return mv.as_text(separator).join(mv.as_text(a) for a in args if a is not None)


def find_in_set(needle: str, items: str) -> int:
    """FIND_IN_SET: 1-based position in a comma list, compared under the collation."""
    if "," in needle:
        return 0
    key = collation.sort_key(needle)
    for index, item in enumerate(items.split(",") if items else [], start=1):
        if collation.sort_key(item) == key:
            return index
    return 0


def distinct_key(*args: Any) -> str | None:
    """A value equal for rows that COUNT(DISTINCT a, b, ...) counts once."""
    if any(arg is None for arg in args):
        return None
    return repr(tuple(collation.sort_key(a) if isinstance(a, str) else float(a) for a in args))


class _LastError(threading.local):
    """The MySQL error a callback raised; sqlite3 only reports "user-defined function raised"."""

    error: MySQLFunctionError | None = None


LAST_ERROR = _LastError()


def raise_error(errno: int, message: str) -> None:
    """``mysql_error(errno, message)`` aborts the statement with that MySQL error."""
    raise MySQLFunctionError(errno, message)


SCALARS: dict[str, tuple[int, Callable[..., Any]]] = {
    "mysql_double": (1, mv.to_double),
    "mysql_text_double": (1, _nullsafe(lambda x: mv.double_text(float(x)))),
    "mysql_text_decimal": (2, _nullsafe(lambda x, s: mv.decimal_text(x, int(s)))),
    "mysql_text": (1, _nullsafe(mv.as_text)),
    "mysql_like": (3, _nullsafe(lambda s, p, e: int(collation.like(mv.as_text(s), mv.as_text(p), e)))),
    "mysql_regexp": (2, _nullsafe(lambda s, p: regexp(mv.as_text(s), mv.as_text(p)))),
    "mysql_upper": (1, _nullsafe(lambda s: _simple_case(mv.as_text(s), True))),
    "mysql_lower": (1, _nullsafe(lambda s: _simple_case(mv.as_text(s), False))),
    "mysql_left": (2, _nullsafe(lambda s, n: mv.as_text(s)[: max(_int(n), 0)])),
    "mysql_right": (2, _nullsafe(lambda s, n: mv.as_text(s)[-_int(n) :] if _int(n) > 0 else "")),
    "mysql_substr": (-1, substr),
    "mysql_substring_index": (3, _nullsafe(lambda s, d, n: substring_index(mv.as_text(s), mv.as_text(d), n))),
    "mysql_locate": (3, _nullsafe(lambda n, h, p: locate(mv.as_text(n), mv.as_text(h), p))),
    "mysql_replace": (
        3,
        _nullsafe(
            lambda s, a, b: (
                mv.as_text(s).replace(mv.as_text(a), mv.as_text(b)) if mv.as_text(a) else mv.as_text(s)
            )
        ),
    ),
    "mysql_char_length": (1, _nullsafe(lambda s: len(mv.as_text(s)))),
    "mysql_length": (1, _nullsafe(lambda s: len(mv.as_text(s).encode("utf-8")))),
    "mysql_trim": (3, _nullsafe(lambda s, r, m: trim(mv.as_text(s), mv.as_text(r), m))),
    "mysql_reverse": (1, _nullsafe(lambda s: mv.as_text(s)[::-1])),
    "mysql_pad": (4, _nullsafe(lambda s, n, f, left: pad(mv.as_text(s), n, mv.as_text(f), left))),
    "mysql_repeat": (2, _nullsafe(lambda s, n: mv.as_text(s) * max(_int(n), 0))),
    "mysql_space": (1, _nullsafe(lambda n: " " * max(_int(n), 0))),
    "mysql_strcmp": (2, _nullsafe(lambda a, b: collation.compare(mv.as_text(a), mv.as_text(b)))),
    "mysql_find_in_set": (2, _nullsafe(lambda a, b: find_in_set(mv.as_text(a), mv.as_text(b)))),
    "mysql_format": (2, _nullsafe(number_format)),
    "mysql_round": (3, _nullsafe(round_number)),
    "mysql_truncate": (3, _nullsafe(truncate_number)),
    "mysql_floor_ceil": (3, _nullsafe(floor_ceil)),
    "mysql_div": (3, divide),
    "mysql_int_div": (3, int_div),
    "mysql_mod": (4, _nullsafe(modulo)),
    "mysql_signed": (4, _nullsafe(cast_signed)),
    "mysql_decimal": (3, _nullsafe(lambda x, s, strict: cast_decimal(x, int(s), strict))),
    "mysql_double_strict": (1, strict_double),
    "mysql_ascii": (1, _nullsafe(lambda s: mv.as_text(s).encode("utf-8")[:1][0] if mv.as_text(s) else 0)),
    "mysql_md5": (1, _nullsafe(lambda s: hashlib.md5(mv.as_text(s).encode("utf-8")).hexdigest())),
    "mysql_sqrt": (1, _nullsafe(lambda x: math.sqrt(v) if (v := mv.to_double(x) or 0.0) >= 0 else None)),
    "mysql_ln": (1, _nullsafe(lambda x: math.log(v) if (v := mv.to_double(x) or 0.0) > 0 else None)),
    "mysql_log10": (1, _nullsafe(lambda x: math.log10(v) if (v := mv.to_double(x) or 0.0) > 0 else None)),
    "mysql_exp": (1, _nullsafe(lambda x: math.exp(mv.to_double(x) or 0.0))),
    "mysql_pow": (2, _nullsafe(lambda x, y: math.pow(mv.to_double(x) or 0.0, mv.to_double(y) or 0.0))),
    "mysql_sign": (1, _nullsafe(lambda x: (v > 0) - (v < 0) if (v := mv.to_double(x) or 0.0) else 0)),
    "mysql_concat_ws": (-1, concat_ws),
    "mysql_distinct_key": (-1, distinct_key),
    "mysql_greatest": (-1, greatest),
    "mysql_error": (2, raise_error),
    "mysql_date": (1, _nullsafe(lambda s: dates.to_date(mv.as_text(s)))),
    "mysql_datetime": (1, _nullsafe(lambda s: dates.to_datetime(mv.as_text(s)))),
    "mysql_date_part": (2, _nullsafe(lambda s, p: dates.date_part(mv.as_text(s), p))),
    "mysql_str_to_date": (2, _nullsafe(lambda s, f: dates.str_to_date(mv.as_text(s), mv.as_text(f)))),
    "mysql_date_format": (2, _nullsafe(lambda s, f: dates.date_format(mv.as_text(s), mv.as_text(f)))),
    "mysql_datediff": (2, _nullsafe(lambda a, b: dates.datediff(mv.as_text(a), mv.as_text(b)))),
}


class DoubleSum:
    """SUM over DOUBLE: plain left-to-right addition, as the server does (SQLite compensates)."""

    def __init__(self) -> None:
        self.total = 0.0
        self.count = 0

    def step(self, value: Any) -> None:
        if value is not None:
            self.total += float(value)
            self.count += 1

    def finalize(self) -> float | None:
        return self.total if self.count else None


class DoubleAvg(DoubleSum):
    """AVG over DOUBLE: plain sum divided by the count."""

    def finalize(self) -> float | None:
        return self.total / self.count if self.count else None


class ExactAvg:
    """AVG over exact numbers: exact quotient rounded half up to ``scale`` digits."""

    def __init__(self) -> None:
        self.total = Decimal(0)
        self.count = 0
        self.scale = 4

    def step(self, value: Any, scale: int) -> None:
        self.scale = int(scale)
        if value is not None:
            self.total += mv.to_decimal(value) or Decimal(0)
            self.count += 1

    def finalize(self) -> float | None:
        if not self.count:
            return None
        return float(mv.round_half_up(self.total / self.count, self.scale))


class PopulationStats:
    """STD/STDDEV/STDDEV_POP (``root=1``) and VARIANCE/VAR_POP (``root=0``) over doubles."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.root = 1

    def step(self, value: Any, root: int) -> None:
        self.root = int(root)
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> float | None:
        if not self.values:
            return None
        mean = sum(self.values) / len(self.values)
        variance = sum((v - mean) ** 2 for v in self.values) / len(self.values)
        return math.sqrt(variance) if self.root else variance


def _order_key(values: tuple[Any, ...], descending: tuple[int, ...]) -> tuple[Any, ...]:
    key: list[Any] = []
    for value, desc in zip(values, descending, strict=True):
        if value is None:
            item: Any = (0, ())
        elif isinstance(value, str):
            item = (1, collation.sort_key(value))
        else:
            item = (1, (float(value),))
        key.append(_Reversed(item) if desc else item)
    return tuple(key)


class _Reversed:
    """Wraps a sort key to invert its order (for DESC keys inside GROUP_CONCAT)."""

    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.key < self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.key == other.key


class GroupConcat:
    """GROUP_CONCAT(value, separator, distinct, [key, desc]...): sorted, deduplicated, cut.

    As on the server (which keeps the values in a binary tree): DISTINCT keeps the first of
    values equal under the collation; ORDER BY sorts with collation-aware keys and puts rows
    with equal keys in *reverse* arrival order; DISTINCT without ORDER BY sorts by the value
    (the translator passes it as the key). The result is cut to 1024 bytes
    (``group_concat_max_len``).
    """

    def __init__(self) -> None:
        self.items: list[tuple[tuple[Any, ...], str]] = []
        self.separator = ","
        self.distinct = 0
        self.descending: tuple[int, ...] = ()

    def step(self, value: Any, separator: Any, distinct: int, *keys: Any) -> None:
        self.separator = "" if separator is None else mv.as_text(separator)
        self.distinct = int(distinct)
        self.descending = tuple(int(d) for d in keys[1::2])
        if value is not None:
            self.items.append((tuple(keys[0::2]), mv.as_text(value)))

    def finalize(self) -> str | None:
        if not self.items:
            return None
        items = self.items
        if self.distinct:
            seen: set[tuple[int, ...]] = set()
            unique = []
            for item in items:
                key = collation.sort_key(item[1])
                if key not in seen:
                    seen.add(key)
                    unique.append(item)
            items = unique
        if self.descending:
            items = sorted(reversed(items), key=lambda item: _order_key(item[0], self.descending))
        text = self.separator.join(value for _, value in items)
        data = text.encode("utf-8")
        if len(data) <= GROUP_CONCAT_MAX_LEN:
            return text
        return data[:GROUP_CONCAT_MAX_LEN].decode("utf-8", "ignore")


AGGREGATES: dict[str, tuple[int, type]] = {
    "mysql_sum_double": (1, DoubleSum),
    "mysql_avg_double": (1, DoubleAvg),
    "mysql_avg_exact": (2, ExactAvg),
    "mysql_stats": (2, PopulationStats),
    "mysql_group_concat": (-1, GroupConcat),
}


def register(connection: sqlite3.Connection) -> None:
    """Install the collation, every ``mysql_*`` function and MySQL's LIKE on ``connection``."""
    connection.create_collation(collation.COLLATION_NAME, collation.compare)
    for name, (arity, function) in SCALARS.items():
        connection.create_function(name, arity, function, deterministic=name != "mysql_error")
    for name, (arity, aggregate) in AGGREGATES.items():
        connection.create_aggregate(name, arity, aggregate)
