"""The embedded default backend: an in-memory SQLite database that behaves like MySQL 8.

Each statement is parsed as MySQL by sqlglot, checked and translated with MySQL's semantics
(:mod:`.mysql_dml`), run on SQLite with MySQL's functions and collation registered
(:mod:`.sqlite_functions`), and its values converted to what ``mysql.connector`` returns
(:mod:`.mysql_types`). No server is needed; each backend owns a private in-memory database.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from typing import Any

from cmat.envs.dbbench.backends import mysql_values as mv
from cmat.envs.dbbench.backends import sqlite_functions
from cmat.envs.dbbench.backends.base import BackendBase, TableSpec, creation_error, insertion_error, truncate
from cmat.envs.dbbench.backends.collation import COLLATION_NAME
from cmat.envs.dbbench.backends.errors import SQLError, no_such_table
from cmat.envs.dbbench.backends.lexer import single_statement
from cmat.envs.dbbench.backends.mysql_dml import Translator
from cmat.envs.dbbench.backends.mysql_types import to_python
from cmat.envs.dbbench.backends.syntax import parse
from cmat.errors import BackendError

log = logging.getLogger(__name__)
GROUP_CONCAT_MAX_LEN = 1024


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def bound_text(value: Any) -> str | None:
    """What a TEXT column holds after ``value`` was bound as a parameter by mysql.connector."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        text = repr(value)
        return (
            mv.double_text(value)
            if "e" in text or "inf" in text or "nan" in text
            else mv.literal_decimal_text(text)
        )
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def md5_table_hash(rows: list[tuple[Any, ...]]) -> str:
    """AgentBench's md5 hash of a table's rows, computed as MySQL computes its query.

    Per row: ``CONCAT_WS(',', ...)`` (NULLs skipped), md5, first 5 hex digits; rows sorted;
    ``GROUP_CONCAT`` with ',' cut to 1024 bytes; md5 of that. No rows: NULL.
    """
    if not rows:
        return str([(None,)])
    hashes = sorted(
        hashlib.md5(",".join(mv.as_text(v) for v in row if v is not None).encode("utf-8")).hexdigest()[:5]
        for row in rows
    )
    joined = ",".join(hashes).encode("utf-8")[:GROUP_CONCAT_MAX_LEN]
    return str([(hashlib.md5(joined).hexdigest(),)])


class SQLiteBackend(BackendBase):
    """MySQL 8 semantics on an in-memory SQLite database (see the module docstring)."""

    name = "sqlite"

    def __init__(self) -> None:
        self._conn: sqlite3.Connection | None = None
        self._translator: Translator | None = None
        self.load_error: str | None = None

    def load(self, table: TableSpec) -> None:
        """A fresh database holding ``table`` (all TEXT columns, MySQL's collation)."""
        self.close()
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        sqlite_functions.register(conn)
        self._conn = conn
        error = creation_error(table)
        self.load_error = str(error) if error else None
        if error is not None:  # as on MySQL: the database exists, the table does not
            self._translator = Translator(table.database, {})
            return
        columns = ", ".join(f"{_quote(c)} TEXT COLLATE {COLLATION_NAME}" for c in table.columns)
        conn.execute(f"CREATE TABLE {_quote(table.name)} ({columns})")
        error = insertion_error(table)
        self.load_error = str(error) if error else None
        if table.rows and error is None:
            marks = ", ".join("?" for _ in table.columns)
            conn.executemany(
                f"INSERT INTO {_quote(table.name)} VALUES ({marks})",
                [tuple(bound_text(v) for v in row) for row in table.rows],
            )
        self._translator = Translator(table.database, {table.name: table.columns})

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one MySQL statement; rows as mysql.connector returns them, or SQLError."""
        if self._conn is None or self._translator is None:
            raise BackendError("SQLiteBackend.query called before load()")
        try:
            node = parse(single_statement(sql))
            compiled = self._translator.statement(node)
        except SQLError:
            raise
        except Exception as exc:  # a translator bug must not end the episode; it is logged
            log.warning("cannot translate %r", sql, exc_info=True)
            raise SQLError(1105, f"Unknown error: {exc}") from None
        if compiled.rows is not None:
            return compiled.rows
        sqlite_functions.LAST_ERROR.error = None
        try:
            rows = self._conn.execute(compiled.sql).fetchall()
        except sqlite3.Error as exc:
            raise self._sql_error(exc, compiled.sql) from None
        if compiled.types is None:
            return []
        types = compiled.types
        return [tuple(to_python(v, t) for v, t in zip(row, types, strict=True)) for row in rows]

    def dry_run(self, sql: str) -> str | None:
        """Run ``sql`` inside a savepoint that is rolled back: the error text, or None if it works."""
        if self._conn is None:
            raise BackendError("SQLiteBackend.dry_run called before load()")
        self._conn.execute("SAVEPOINT cmat_dry_run")
        try:
            self.query(sql)
            return None
        except SQLError as exc:
            return truncate(str(exc))
        finally:
            self._conn.execute("ROLLBACK TO cmat_dry_run")
            self._conn.execute("RELEASE cmat_dry_run")

    def table_hash(self, table: TableSpec) -> str:
        """AgentBench's md5 hash of the table's current contents (see :func:`md5_table_hash`)."""
        if self._conn is None or self._translator is None:
            raise BackendError("SQLiteBackend.table_hash called before load()")
        if table.name not in self._translator.tables:
            return str(no_such_table(table.database, table.name))
        names = ", ".join(_quote(c) for c in table.columns)
        try:
            rows = self._conn.execute(f"SELECT {names} FROM {_quote(table.name)}").fetchall()
        except sqlite3.Error as exc:  # the agent dropped or broke the table
            raise self._sql_error(exc, "") from None
        return md5_table_hash(rows)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None
        self._translator = None

    def _sql_error(self, exc: sqlite3.Error, sql: str) -> SQLError:
        pending = sqlite_functions.LAST_ERROR.error
        sqlite_functions.LAST_ERROR.error = None
        if pending is not None:
            return SQLError(pending.errno, pending.message)
        message = str(exc)
        if "integer overflow" in message:
            return SQLError(1690, "BIGINT value is out of range")
        if "misuse of aggregate" in message:
            return SQLError(1111, "Invalid use of group function")
        log.warning("SQLite rejected a translated statement (%s): %s", message, sql)
        return SQLError(1105, f"Unknown error: {message}")
