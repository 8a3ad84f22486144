"""Parse one MySQL statement with sqlglot, raising MySQL's 1064 errors for what MySQL rejects.

MySQL's 1064 message quotes the statement from the token where its parser gave up
("... near 'FROM t' at line 1", at most 80 characters, without the final semicolon). sqlglot
reports the token where *it* gave up, which is usually the same token; a few constructs sqlglot
accepts but MySQL does not (a quoted string used as a table name, ``[bracketed]`` names) are
caught here first. The position is a best effort: see docs/design/sql-backends.md.
"""

from __future__ import annotations

import logging
from typing import cast

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from cmat.envs.dbbench.backends.errors import SQLError, syntax_error
from cmat.envs.dbbench.backends.lexer import Token, server_text, tokens
from cmat.envs.dbbench.backends.reserved import MYSQL8_ONLY, RESERVED


class _QuietFallback(logging.Filter):
    """sqlglot warns when it keeps an unknown statement as a raw command; we report it ourselves."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Falling back to parsing as a 'Command'" not in record.getMessage()


logging.getLogger("sqlglot").addFilter(_QuietFallback())


def error_at(sql: str, offset: int) -> SQLError:
    """Error 1064 for ``sql`` failing at character ``offset``."""
    offset = max(0, min(offset, len(sql)))
    near = server_text(sql[offset:]) if offset < len(sql) else ""
    line = sql.count("\n", 0, offset) + 1
    return syntax_error(near, line)


def _line_offset(sql: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        found = sql.find("\n", offset)
        if found < 0:
            break
        offset = found + 1
    return offset


def _parse_error_offset(sql: str, error: ParseError, toks: list[Token]) -> int:
    """Where MySQL's parser would stop, from where sqlglot stopped.

    sqlglot points at the token it was looking at; when that token merely lacks its required
    continuation ("WHERE" at the end), MySQL stops at the *next* token (or the end: near '').
    """
    details = error.errors[0] if error.errors else {}
    line, col = details.get("line"), details.get("col")
    highlight = details.get("highlight") or ""
    description = str(details.get("description") or "")
    if not line or not col:
        return len(sql)
    end = _line_offset(sql, int(line)) + int(col)
    missing = description.startswith(("Required keyword", "Expecting", "Expected"))
    if "SENTINEL" in description or (missing and not any(t.start >= end for t in toks)):
        return len(sql)  # the statement ended too early: MySQL says near ''
    return end - len(highlight)


_CLAUSE_WORDS = {"FROM", "WHERE", "GROUP", "ORDER", "HAVING", "LIMIT", "UNION", "INTO", "SET", "VALUES"}
_STATEMENTS = {
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "WITH",
    "SHOW",
    "DESCRIBE",
    "DESC",
    "EXPLAIN",
    "USE",
    "CREATE",
    "DROP",
    "ALTER",
    "TRUNCATE",
    "REPLACE",
    "SET",
    "BEGIN",
    "START",
    "COMMIT",
    "ROLLBACK",
    "(",
    "VALUES",
    "TABLE",
}
_EXPRESSION_WORDS = {
    "NOT",
    "NULL",
    "TRUE",
    "FALSE",
    "CASE",
    "EXISTS",
    "DISTINCT",
    "ALL",
    "BINARY",
    "INTERVAL",
    "CURRENT_DATE",
    "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
    "CURRENT_USER",
    "LOCALTIME",
    "LOCALTIMESTAMP",
    "UTC_DATE",
    "UTC_TIME",
    "UTC_TIMESTAMP",
    "DISTINCTROW",
    "HIGH_PRIORITY",
    "STRAIGHT_JOIN",
    "SQL_SMALL_RESULT",
    "SQL_BIG_RESULT",
    "SQL_CALC_FOUND_ROWS",
    "ROW",
}
_NEEDS_OPERAND = {",", "(", "+", "-", "/", "%", "=", "<", ">", "<=", ">=", "<>", "!=", "<=>", "||", "&&"}
_STAR_BEFORE = {"SELECT", "DISTINCT", "ALL", ",", "."}
_AFTER_STAR = {"FROM", "INTO", "UNION", "LIMIT", "ORDER", "GROUP", "HAVING", "WHERE", "FOR", "LOCK", "WINDOW"}
_COMPARISON = {"=", "<", ">", "<=", ">=", "<>", "!=", "<=>"}
_BINARY_WORDS = {"AND", "OR", "XOR"}
_DANGLING = {
    "BY",
    "WHERE",
    "AND",
    "OR",
    "XOR",
    "NOT",
    "SET",
    "VALUES",
    "FROM",
    "LIMIT",
    "OFFSET",
    "HAVING",
    "ON",
    "JOIN",
    "SELECT",
    "(",
    ",",
    "=",
    "<",
    ">",
    "<=",
    ">=",
    "<>",
    "!=",
    "+",
    "-",
    "*",
    "/",
    "LIKE",
    "IN",
    "BETWEEN",
    "INTO",
    "UPDATE",
    "DELETE",
    "INSERT",
}


def _token_error(sql: str, toks: list[Token], index: int) -> int | None:
    """Offset where MySQL rejects ``toks[index]`` or its successor, if it does (sqlglot would not)."""
    token = toks[index]
    following = toks[index + 1] if index + 1 < len(toks) else None
    after = following.text.upper() if following is not None else ""
    if token.kind == "op" and token.text in ("[", "]", "{", "}", "?", "\\", '"'):
        return token.start
    if index == 0 and token.text.upper() not in _STATEMENTS:
        return token.start
    if following is None:
        return len(sql) if token.text.upper() in _DANGLING and token.kind in ("word", "op") else None
    if token.text in _COMPARISON and following.text in _COMPARISON:
        return following.start  # "a == 1", "a > > 1"
    if token.text.upper() in _BINARY_WORDS and token.kind == "word" and after in _BINARY_WORDS:
        return following.start
    if token.text in _NEEDS_OPERAND and (after in _CLAUSE_WORDS or (token.text == "," and after == ")")):
        return following.start  # "SELECT a, FROM", "COUNT( FROM", "a + GROUP BY"
    if token.text.upper() in ("SELECT", "DISTINCT") and following.kind == "word" and after in RESERVED:
        calls = index + 2 < len(toks) and toks[index + 2].text == "("
        if after not in _EXPRESSION_WORDS and not calls:
            return following.start  # "SELECT FROM t", "SELECT WHERE ...": no select list
    if token.text.upper() in ("SELECT", ",", "(") and after == "AS":
        return following.start
    star_item = token.text == "*" and index and toks[index - 1].text.upper() in _STAR_BEFORE
    if star_item and following.kind in ("word", "ident", "string") and after not in _AFTER_STAR:
        return following.start  # "SELECT * FRM t": MySQL allows no alias after *
    return None


def _lexical_error(sql: str, toks: list[Token]) -> int | None:
    """Offset of the first token MySQL rejects wherever it stands (sqlglot is more lenient).

    Unterminated quotes, brackets, ``==``, ``AND AND``, a comma or parenthesis followed by a
    clause keyword, a statement ending in a keyword that needs a continuation.
    """
    depth = 0
    for index, token in enumerate(toks):
        if token.kind in ("string", "ident") and (len(token.text) < 2 or token.text[-1] != token.text[0]):
            return _earlier_parse_error(sql, toks, token.start)  # unterminated quote
        found = _token_error(sql, toks, index)
        if found is not None:
            return found
        depth += {"(": 1, ")": -1}.get(token.text, 0) if token.kind == "op" else 0
        if depth < 0:
            return token.start
    if depth > 0:  # an unclosed parenthesis: the statement ends too early, unless it failed before
        return _earlier_parse_error(sql, toks, len(sql))
    return None


def _earlier_parse_error(sql: str, toks: list[Token], offset: int) -> int:
    """MySQL's parser may fail before the lexer reaches a bad token (``'O'Brien'`` fails at Brien)."""
    prefix = sql[:offset]
    try:
        sqlglot.parse(prefix, read="mysql")
    except ParseError as exc:
        found = _parse_error_offset(prefix, exc, [t for t in toks if t.start < offset])
        return min(found, offset)
    except TokenError:
        return offset
    return offset


def _string_identifiers(sql: str, node: exp.Expression) -> int | None:
    """Offset of a quoted *string* sqlglot accepted as a table name (MySQL: syntax error)."""
    for table in node.find_all(exp.Table):
        identifier = table.this
        if not isinstance(identifier, exp.Identifier):
            continue
        start = identifier.meta.get("start")
        if isinstance(start, int) and start < len(sql) and sql[start] in "'\"":
            return start
    return None


def _reserved_names(node: exp.Expression, toks: list[Token]) -> int | None:
    """Offset of the first reserved word sqlglot took as an unquoted name (MySQL: error)."""
    words = {t.start: i for i, t in enumerate(toks) if t.kind == "word"}
    offsets = []
    for identifier in node.find_all(exp.Identifier):
        start = identifier.meta.get("start")
        index = words.get(start) if not identifier.quoted and isinstance(start, int) else None
        if index is None or toks[index].text.upper() not in RESERVED or toks[index].text.upper() == "DUAL":
            continue
        if index and toks[index - 1].text == ".":
            continue  # after a qualifier any word is a name
        offsets.append(toks[index].start)
    return min(offsets) if offsets else None


def _mysql8_word_before(toks: list[Token], offset: int) -> int | None:
    """A word reserved only since MySQL 8 (RANK, OF, ...) used as a name before ``offset``."""
    for index, token in enumerate(toks):
        if token.start >= offset:
            break
        if token.kind != "word" or token.text.upper() not in MYSQL8_ONLY:
            continue
        follows = toks[index + 1].text if index + 1 < len(toks) else ""
        if follows != "(" and not (index and toks[index - 1].text == "."):
            return token.start
    return None


def parse(sql: str) -> exp.Expression:
    """The statement's AST (read as MySQL), or SQLError 1064 where MySQL would refuse it."""
    toks = tokens(sql)
    bad = _lexical_error(sql, toks)
    if bad is not None:
        raise error_at(sql, bad)
    try:
        nodes = [cast(exp.Expression, n) for n in sqlglot.parse(sql, read="mysql") if n is not None]
    except ParseError as exc:
        offset = _parse_error_offset(sql, exc, toks)
        earlier = _mysql8_word_before(toks, offset)
        raise error_at(sql, offset if earlier is None else earlier) from None
    except TokenError:
        raise error_at(sql, 0) from None
    if not nodes:
        raise SQLError(1065, "Query was empty")
    node = nodes[0]
    if isinstance(node, exp.Update) and not node.expressions:
        raise error_at(sql, len(sql))
    if isinstance(node, exp.Delete) and len(toks) > 2 and toks[1].text.upper() != "FROM":
        words = [t.text.upper() for t in toks]
        if "FROM" not in words and "USING" not in words:  # "DELETE t WHERE ...": FROM expected
            raise error_at(sql, toks[2].start)
    found = [o for o in (_string_identifiers(sql, node), _reserved_names(node, toks)) if o is not None]
    if found:
        raise error_at(sql, min(found))
    return node
