"""Text-level SQL checks that must run *before* parsing.

The mistakes small models make most with DBBench's tables are about quoting: table and column
names such as ``Termination of Mission`` or ``W-L-T`` written bare (MySQL reads ``Radio
Stations`` as the table ``Radio`` with alias ``Stations``), or in double quotes (MySQL, without
ANSI_QUOTES, reads ``"Termination of Mission"`` as a *string*, so ``WHERE "Col" = 'x'`` compares
two constants and silently returns nothing). A parser either fails on these or parses them into
something else, so we look at the text with quoted spans masked out.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cmat.agents.templates import render

_QUOTES = {"'": "single", '"': "double", "`": "backtick"}
# Characters MySQL accepts in an unquoted identifier (plus any non-ASCII letter).
_PLAIN_NAME = re.compile(r"^[0-9A-Za-z_$\u0080-\uffff]+$")
_TABLE_CONTEXT = re.compile(r"\b(FROM|JOIN|INTO|UPDATE|TABLE)\s*$", re.IGNORECASE)
_VALUE_CONTEXT = re.compile(r"(=|<>|!=|<|>|\bLIKE|\bREGEXP)\s*$", re.IGNORECASE)
_COMMENT = re.compile(r"#|--(\s|$)|/\*")


@dataclass(frozen=True)
class Finding:
    """One reason to reject: a rule id for statistics, feedback for the Assistant, details."""

    rule: str
    feedback: str
    details: dict[str, object]


@dataclass(frozen=True)
class Segment:
    """A span of the statement: bare ``code`` or the content of a quoted span."""

    kind: str  # "code", "single", "double" or "backtick"
    text: str
    start: int
    end: int


def _read_quoted(sql: str, start: int) -> tuple[int, str]:
    """Read the quoted span opening at ``start``; return (index after it, its content)."""
    quote, i, out = sql[start], start + 1, []
    while i < len(sql):
        ch = sql[i]
        if ch == "\\" and quote != "`":  # MySQL string escapes (\' \" \\)
            out.append(sql[i + 1 : i + 2])
            i += 2
        elif ch == quote and sql[i + 1 : i + 2] == quote:  # doubled quote
            out.append(quote)
            i += 2
        elif ch == quote:
            return i + 1, "".join(out)
        else:
            out.append(ch)
            i += 1
    return len(sql), "".join(out)  # unterminated: the parser will report it


def segments(sql: str) -> list[Segment]:
    """Split ``sql`` into code and quoted spans, MySQL's way (``'``/``"`` strings, `` ` `` names)."""
    out: list[Segment] = []
    code_start = i = 0
    while i < len(sql):
        if sql[i] not in _QUOTES:
            i += 1
            continue
        if code_start < i:
            out.append(Segment("code", sql[code_start:i], code_start, i))
        end, content = _read_quoted(sql, i)
        out.append(Segment(_QUOTES[sql[i]], content, i, end))
        i = code_start = end
    if code_start < len(sql):
        out.append(Segment("code", sql[code_start:], code_start, len(sql)))
    return out


def masked(parts: Sequence[Segment]) -> str:
    """The statement with every quoted span blanked out (same length, so offsets still hold)."""
    return "".join(p.text if p.kind == "code" else " " * (p.end - p.start) for p in parts)


def needs_quoting(name: str) -> bool:
    """Whether MySQL needs backticks around ``name`` (spaces, punctuation)."""
    return bool(name) and not _PLAIN_NAME.match(name)


def name_pattern(name: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(part) for part in name.split())
    before = r"(?<![\w$])" if re.match(r"\w", name) else ""
    after = r"(?![\w$])" if re.search(r"\w$", name) else ""
    return re.compile(before + body + after, re.IGNORECASE)


def schema_names(schema: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(kind, name) of every table and column, longest names first."""
    names = [("table", t) for t in schema] + [("column", c) for cols in schema.values() for c in cols]
    return sorted(set(names), key=lambda kn: -len(kn[1]))


# Names a small model copies from a template instead of the table ("SET `column` = 'value'",
# "WHERE condition"): similar in letters to some columns (`column` to `Country`), meant as none.
PLACEHOLDERS = frozenset({"column", "columnname", "col", "value", "newvalue", "field", "fieldname", "condition",
                          "attribute", "table", "tablename"})


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``name`` was most likely meant to be, or None when none is close."""
    options = [c for c in candidates if c]
    key = _normal(name)
    for option in options:
        if _normal(option) == key:
            return option
    if key in PLACEHOLDERS:
        return None  # the prompt's `column` = 'value' copied: like `Country` in letters only
    lowered = {o.lower(): o for o in options}
    match = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    if match:
        return lowered[match[0]]
    starts = [o for o in options if key and _normal(o).startswith(key)]
    return starts[0] if len(starts) == 1 else None


def word_pattern(text: str) -> re.Pattern[str]:
    """``text`` as whole words (any whitespace between them), for searching a lowercased question
    or cell: 'Ballarat' is not found inside 'Ballarat FL2'."""
    return re.compile(r"(?<![\w])" + r"\s+".join(map(re.escape, text.split())) + r"(?![\w])")


def _normal(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def backticked(names: Iterable[str]) -> str:
    """Names as a readable list: `A`, `B`, `C`."""
    return ", ".join(f"`{n}`" for n in names)


def unquoted_name(sql: str, parts: Sequence[Segment], schema: dict[str, list[str]]) -> Finding | None:
    """A table or column name with spaces or punctuation written without backticks."""
    code = masked(parts)
    for kind, name in schema_names(schema):
        if needs_quoting(name) and name_pattern(name).search(code):
            feedback = render("rule_sql_unquoted_name", kind=kind, name=name)
            return Finding("unquoted_name", feedback, {"name": name, "kind": kind})
    return None


def _preceding_code(parts: Sequence[Segment], index: int) -> str:
    return parts[index - 1].text if index > 0 and parts[index - 1].kind == "code" else ""


def quoted_as_string(sql: str, parts: Sequence[Segment], schema: dict[str, list[str]]) -> Finding | None:
    """A table name in string quotes after FROM/INTO/..., or a column name in double quotes."""
    tables = {t.lower(): t for t in schema}
    columns = {c.lower(): c for cols in schema.values() for c in cols if c}
    for index, part in enumerate(parts):
        if part.kind not in ("single", "double"):
            continue
        before = _preceding_code(parts, index)
        key = part.text.lower()
        if key in tables and _TABLE_CONTEXT.search(before):
            name, kind = tables[key], "table"
        elif part.kind == "double" and key in columns and not _VALUE_CONTEXT.search(before):
            name, kind = columns[key], "column"
        else:
            continue
        written = sql[part.start : part.end]
        feedback = render("rule_sql_string_name", written=written, kind=kind, name=name)
        return Finding("name_as_string", feedback, {"name": name, "kind": kind})
    return None


def comment(sql: str, parts: Sequence[Segment], schema: dict[str, list[str]]) -> Finding | None:
    """A comment: the statement is run as one line, so it would hide the rest of the SQL."""
    match = _COMMENT.search(masked(parts))
    if match is None:
        return None
    marker = match.group(0).strip()
    return Finding("comment", render("rule_sql_comment", marker=marker), {"marker": marker})


TEXT_CHECKS = (unquoted_name, quoted_as_string, comment)
