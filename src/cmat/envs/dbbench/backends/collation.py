"""MySQL 8's default collation ``utf8mb4_0900_ai_ci`` in pure Python.

That collation compares strings by their primary weights in the Unicode Collation Algorithm's
default table (DUCET, UCA 9.0.0), with punctuation non-ignorable and NO PAD: so ``'a' = 'A'``,
``'é' = 'e'``, ``'ß' = 'ss'``, but ``'a ' <> 'a'``, and punctuation sorts before digits before
letters. This module gives the same equality and order.

Weights come from a compact table (:mod:`._uca_data`, generated from DUCET 9.0.0 by
:mod:`._uca_build`) covering Latin, Greek, Cyrillic, Hangul jamo, general punctuation, symbols
and full-width forms; every other character is weighed through its compatibility decomposition
(NFKD) or, failing that, by UCA's implicit weights (ideographs and unlisted scripts: equality is
exact, order follows code points).
"""

from __future__ import annotations

import base64
import re
import unicodedata
import zlib
from functools import lru_cache

from cmat.envs.dbbench.backends._uca_data import DATA

COLLATION_NAME = "mysql_0900_ai_ci"


def _decode(data: str) -> dict[int, tuple[int, ...]]:
    raw = zlib.decompress(base64.b85decode(data))
    table: dict[int, tuple[int, ...]] = {}
    pos = 0

    def varint() -> int:
        nonlocal pos
        shift = value = 0
        while True:
            byte = raw[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
            shift += 7

    code = -1
    while pos < len(raw):
        code += varint() + 1
        count = varint()
        table[code] = tuple(varint() for _ in range(count))
    return table


_TABLE = _decode(DATA)
_CJK_COMPAT = frozenset(
    (0xFA0E, 0xFA0F, 0xFA11, 0xFA13, 0xFA14, 0xFA1F, 0xFA21, 0xFA23, 0xFA24, 0xFA27, 0xFA28, 0xFA29)
)
_CJK_EXT = ((0x3400, 0x4DB5), (0x20000, 0x2A6D6), (0x2A700, 0x2B734), (0x2B740, 0x2B81D), (0x2B820, 0x2CEA1))


def implicit_weights(code: int) -> tuple[int, ...]:
    """UCA 9.0's implicit primary weights for a code point absent from the table."""
    if 0x4E00 <= code <= 0x9FD5 or code in _CJK_COMPAT:
        base = 0xFB40
    elif any(low <= code <= high for low, high in _CJK_EXT):
        base = 0xFB80
    elif 0x17000 <= code <= 0x18AFF:  # Tangut
        return (0xFB00, (code - 0x17000) | 0x8000)
    else:
        base = 0xFBC0
    return (base + (code >> 15), (code & 0x7FFF) | 0x8000)


def weights_from(table: dict[int, tuple[int, ...]], char: str) -> tuple[int, ...]:
    """Primary weights of one character given a (partial) table; decomposes what is missing."""
    code = ord(char)
    found = table.get(code)
    if found is not None:
        return found
    decomposed = unicodedata.normalize("NFKD", char)
    if decomposed != char:
        return tuple(w for part in decomposed for w in weights_from(table, part))
    return implicit_weights(code)


@lru_cache(maxsize=8192)
def char_weights(char: str) -> tuple[int, ...]:
    """Primary weights of one character (empty for ignorable ones such as U+00AD)."""
    return weights_from(_TABLE, char)


@lru_cache(maxsize=65536)
def sort_key(text: str) -> tuple[int, ...]:
    """The collation key: equal keys <=> equal under utf8mb4_0900_ai_ci; keys order like it."""
    return tuple(w for char in text for w in char_weights(char))


def compare(left: str, right: str) -> int:
    """-1, 0 or 1, as SQLite's collation callback expects."""
    a, b = sort_key(left), sort_key(right)
    return (a > b) - (a < b)


_CLASS_CHARS: dict[tuple[int, ...], str] = {}


def _class_char(char: str) -> str:
    """One private character per distinct weight sequence, so regexes can match per character."""
    key = char_weights(char)
    found = _CLASS_CHARS.get(key)
    if found is None:
        found = chr(0xF0000 + len(_CLASS_CHARS))
        _CLASS_CHARS[key] = found
    return found


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """``text`` with each character replaced by the representative of its equality class."""
    return "".join(_class_char(char) for char in text)


@lru_cache(maxsize=4096)
def like_regex(pattern: str, escape: str = "\\") -> re.Pattern[str]:
    """A regex over :func:`fold`-ed text that matches as MySQL's ``LIKE pattern`` does.

    MySQL's LIKE compares character by character under the collation (so ``'É' LIKE 'e'`` but
    not ``'ß' LIKE 'ss'``); ``%`` and ``_`` are wildcards, ``escape`` (default backslash) makes
    the next character literal.
    """
    parts: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if escape and char == escape:
            literal = next(chars, escape)
            parts.append(re.escape(fold(literal)))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(fold(char)))
    return re.compile("".join(parts), re.DOTALL)


def like(text: str, pattern: str, escape: str = "\\") -> bool:
    """MySQL's ``text LIKE pattern`` under utf8mb4_0900_ai_ci."""
    return like_regex(pattern, escape).fullmatch(fold(text)) is not None
