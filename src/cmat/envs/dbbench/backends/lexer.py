"""Just enough of MySQL's lexical rules to cut a text into statements and locate tokens.

Both backends use it to enforce AgentBench's one-statement-per-call rule before anything runs,
and the SQLite backend uses :func:`tokens` to find the text MySQL quotes in a 1064 error
("... near 'FROM t' at line 1"). Rules followed: ``'...'`` and ``"..."`` are strings with
backslash escapes and doubled quotes, ```...``` is an identifier with doubled backticks,
``#`` and ``-- `` (two dashes and a blank) start a comment to the end of the line, ``/* */``
is a comment.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Token:
    """A lexical token: ``kind`` is one of word, number, string, ident, op, semicolon, error."""

    kind: str
    text: str
    start: int


def _skip_space_and_comments(sql: str, i: int) -> int:
    n = len(sql)
    while i < n:
        ch = sql[i]
        if ch.isspace():
            i += 1
        elif ch == "#" or (sql.startswith("--", i) and (i + 2 >= n or sql[i + 2].isspace())):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end < 0 else end + 2
        else:
            break
    return i


def _quoted_end(sql: str, i: int, quote: str, backslash: bool) -> int:
    """Index just past the closing quote of the quoted text starting at ``i`` (or len if none)."""
    n = len(sql)
    j = i + 1
    while j < n:
        ch = sql[j]
        if backslash and ch == "\\":
            j += 2
            continue
        if ch == quote:
            if j + 1 < n and sql[j + 1] == quote:
                j += 2
                continue
            return j + 1
        j += 1
    return n


_OPERATORS = ("<=>", "<=", ">=", "<>", "!=", "||", "&&", ":=", "<<", ">>", "->>", "->")


def _number_end(sql: str, i: int) -> int:
    n = len(sql)
    j = i
    while j < n and (sql[j].isdigit() or sql[j] == "."):
        j += 1
    if j < n and sql[j] in "eE" and j + 1 < n and (sql[j + 1].isdigit() or sql[j + 1] in "+-"):
        j += 2
        while j < n and sql[j].isdigit():
            j += 1
    return j


def _word_end(sql: str, i: int) -> int:
    n = len(sql)
    j = i
    while j < n and (sql[j].isalnum() or sql[j] in "_$" or ord(sql[j]) > 127):
        j += 1
    return j


def tokens(sql: str) -> list[Token]:
    """All tokens of ``sql`` in order, comments and blanks dropped."""
    out: list[Token] = []
    i = _skip_space_and_comments(sql, 0)
    n = len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"`":
            j = _quoted_end(sql, i, ch, backslash=ch != "`")
            out.append(Token("ident" if ch == "`" else "string", sql[i:j], i))
        elif ch.isdigit() or (ch == "." and i + 1 < n and sql[i + 1].isdigit()):
            j = _number_end(sql, i)
            # MySQL reads "1abc" as an identifier, not a number followed by a word
            k = _word_end(sql, j)
            kind = "word" if k > j and not sql[j].isdigit() else "number"
            j = max(j, k)
            out.append(Token(kind, sql[i:j], i))
        elif ch.isalpha() or ch in "_$" or ord(ch) > 127:
            j = _word_end(sql, i)
            out.append(Token("word", sql[i:j], i))
        elif ch == ";":
            j = i + 1
            out.append(Token("semicolon", ";", i))
        else:
            op = next((o for o in _OPERATORS if sql.startswith(o, i)), ch)
            j = i + len(op)
            out.append(Token("op", op, i))
        i = _skip_space_and_comments(sql, j)
    return out


def split_statements(sql: str) -> list[str]:
    """The non-empty statements of ``sql`` (each without its terminating semicolon)."""
    statements: list[str] = []
    start = 0
    for token in tokens(sql):
        if token.kind == "semicolon":
            piece = sql[start : token.start]
            if tokens(piece):
                statements.append(piece)
            start = token.start + 1
    tail = sql[start:]
    if tokens(tail):
        statements.append(tail)
    return statements


def single_statement(sql: str) -> str:
    """The one statement in ``sql``, trailing semicolon and blanks removed.

    Raises :class:`SQLError` 1065 for an empty text and the ``mysql.connector`` multi-statement
    error for more than one statement (nothing is executed then).
    """
    from cmat.envs.dbbench.backends.errors import empty_query, multiple_statements

    statements = split_statements(sql)
    if not statements:
        raise empty_query()
    if len(statements) > 1:
        raise multiple_statements()
    return statements[0].strip()


def server_text(sql: str) -> str:
    """The statement as the server keeps it: blanks around it and trailing semicolons removed."""
    text = sql.strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text
