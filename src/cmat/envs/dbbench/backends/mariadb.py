"""The reference backend: a real MySQL-compatible server (MariaDB, or MySQL itself) via pymysql.

Without connection options it starts (or reuses) the project's private MariaDB server
(:mod:`.mariadb_server`). Each backend gets its own database with a unique name, so samples can
run in parallel on one server; messages shown to the agent name the task's database instead
(``Table 'wikisql.foo' doesn't exist``), as AgentBench's would. Every session is set up like
MySQL 8's defaults: its sql_mode, ``group_concat_max_len=1024`` (MariaDB's default is 1 MB)
and an accent- and case-insensitive NO PAD UCA collation.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from cmat.envs.dbbench.backends.base import BackendBase, TableSpec, hash_sql, quote_identifier, truncate
from cmat.envs.dbbench.backends.errors import SQLError
from cmat.envs.dbbench.backends.lexer import server_text, single_statement, tokens
from cmat.envs.dbbench.backends.mariadb_server import MYSQL8_SQL_MODE, MariaDBServer
from cmat.errors import BackendError, MissingDependencyError

# MariaDB 10.11 names clauses in error 1054 differently; MySQL 8's names, as AgentBench saw them.
CLAUSES = {
    "SELECT": "field list",
    "SET": "field list",
    "INSERT INTO": "field list",
    "VALUES": "field list",
    "UPDATE": "field list",
    "WHERE": "where clause",
    "ON": "on clause",
    "GROUP BY": "group statement",
    "HAVING": "having clause",
    "ORDER BY": "order clause",
    "RETURNING": "field list",
}
_UNKNOWN = re.compile(r"^(Unknown column '.*' in )'([A-Z ]+)'$", re.S)
_AMBIGUOUS = re.compile(r"^(Column '.*' in )([A-Z ]+)( is ambiguous)$", re.S)
_NEAR = re.compile(r"^(.* near ')(.*)(' at line \d+)$", re.S)

# First available wins: MySQL 8's own default, then MariaDB's equivalent (10.10+), then close ones.
COLLATIONS = (
    "utf8mb4_0900_ai_ci",
    "utf8mb4_uca1400_nopad_ai_ci",
    "utf8mb4_unicode_520_nopad_ci",
    "utf8mb4_unicode_ci",
)


def _pymysql() -> Any:
    try:
        import pymysql
    except ImportError as exc:
        raise MissingDependencyError("pymysql", "mysql", "the MariaDB/MySQL SQL backend") from exc
    return pymysql


class MariaDBBackend(BackendBase):
    """One sample's database on a MySQL-compatible server.

    Give ``host``/``port`` or ``unix_socket`` (with ``user``/``password``) to use an existing
    server such as a real MySQL 8; otherwise the private server under ``base_dir`` is used.
    """

    name = "mariadb"

    def __init__(
        self,
        *,
        host: str | None = None,
        port: int = 3306,
        user: str | None = None,
        password: str | None = None,
        unix_socket: str | None = None,
        base_dir: str | Path | None = None,
    ) -> None:
        pymysql = _pymysql()
        self._errors = pymysql.err
        if host is None and unix_socket is None:
            server = MariaDBServer(Path(base_dir)) if base_dir else MariaDBServer()
            server.start()
            kwargs: dict[str, Any] = server.connect_kwargs()
        else:
            kwargs = {"host": host, "port": port, "unix_socket": unix_socket}
            kwargs["user"] = user or "root"
            kwargs["password"] = password or ""
        try:
            self._conn = pymysql.connect(**kwargs, charset="utf8mb4", autocommit=False)
        except pymysql.err.MySQLError as exc:
            raise BackendError(f"cannot connect to the MySQL/MariaDB server ({exc})") from exc
        self.collation = self._setup_session()
        self._db: str | None = None
        self._task_db = ""
        self.load_error: str | None = None

    def _setup_session(self) -> str:
        with self._conn.cursor() as cursor:
            cursor.execute("SHOW COLLATION WHERE Charset = 'utf8mb4'")
            available = {row[0] for row in cursor.fetchall()}
            collation = next((c for c in COLLATIONS if c in available), "utf8mb4_general_ci")
            cursor.execute(f"SET NAMES utf8mb4 COLLATE {collation}")
            cursor.execute(f"SET SESSION sql_mode = '{MYSQL8_SQL_MODE}'")
            cursor.execute("SET SESSION group_concat_max_len = 1024")
            cursor.execute("SET SESSION div_precision_increment = 4")
        return collation

    def load(self, table: TableSpec) -> None:
        """Create a fresh, uniquely named database with the table, like ``build_init_sql``."""
        if self._db is not None:
            self._drop()
        self._task_db = table.database
        self._db = f"{table.database[:20]}_cmat_{uuid.uuid4().hex[:12]}"
        columns = ",".join(f"{quote_identifier(c)} TEXT" for c in table.columns)
        names = ",".join(quote_identifier(c) for c in table.columns)
        self.load_error = None
        with self._conn.cursor() as cursor:
            cursor.execute(
                f"CREATE DATABASE {quote_identifier(self._db)} CHARACTER SET utf8mb4 COLLATE {self.collation}"
            )
            cursor.execute(f"USE {quote_identifier(self._db)}")
            try:
                cursor.execute(f"CREATE TABLE {quote_identifier(table.name)} ({columns})")
                if table.rows:
                    # literals escaped by the driver: what binding the values as parameters sends
                    values = ",".join(
                        "(" + ",".join(self._conn.escape(value) for value in row) + ")" for row in table.rows
                    )
                    cursor.execute(f"INSERT INTO {quote_identifier(table.name)} ({names}) VALUES {values}")
            except self._errors.MySQLError as exc:
                # AgentBench ignores a failing init script: the sample then runs without the table
                self.load_error = str(self._sql_error(exc))
        self._conn.commit()

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one statement, commit, return the rows (``[]`` when there is no result set)."""
        if self._db is None:
            raise BackendError("MariaDBBackend.query called before load()")
        single_statement(sql)  # raises the one-statement errors; the server gets the text as written
        try:
            with self._conn.cursor() as cursor:
                cursor.execute(self._own_database(sql))
                rows = [tuple(self._task_value(v) for v in row) for row in cursor.fetchall()]
            self._conn.commit()
        except self._errors.MySQLError as exc:
            raise self._sql_error(exc, sql) from None
        return rows

    def dry_run(self, sql: str) -> str | None:
        """Run ``sql`` in a transaction that is rolled back: the error text, or None if it works.

        Statements that commit implicitly in MySQL (DDL) are not dry-run safe; checkers only
        dry-run INSERT/UPDATE/DELETE.
        """
        if self._db is None:
            raise BackendError("MariaDBBackend.dry_run called before load()")
        try:
            single_statement(sql)
            with self._conn.cursor() as cursor:
                cursor.execute("START TRANSACTION")
                cursor.execute(self._own_database(sql))
                cursor.fetchall()
            return None
        except SQLError as exc:
            return truncate(str(exc))
        except self._errors.MySQLError as exc:
            return truncate(str(self._sql_error(exc, sql)))
        finally:
            self._conn.rollback()

    def _own_database(self, sql: str) -> str:
        """Point qualified names of the task's database (``wikisql.t``, ``USE wikisql``) at ours."""
        toks = tokens(sql)
        edits = []
        for index, token in enumerate(toks):
            name = token.text[1:-1].replace("``", "`") if token.kind == "ident" else token.text
            if token.kind not in ("word", "ident") or name != self._task_db:
                continue
            following = toks[index + 1].text if index + 1 < len(toks) else ""
            previous = toks[index - 1].text.upper() if index else ""
            if following == "." or previous in ("USE", "DATABASE", "SCHEMA", "FROM", "IN"):
                edits.append(token)
        for token in reversed(edits):
            sql = sql[: token.start] + quote_identifier(self._db or "") + sql[token.start + len(token.text) :]
        return sql

    def _task_value(self, value: Any) -> Any:
        """Results naming our unique database (``SELECT DATABASE()``) name the task's instead."""
        return self._task_db if isinstance(value, str) and value == self._db else value

    def table_hash(self, table: TableSpec) -> str:
        """Run AgentBench's md5 query; its rows, or its error text, as ``execute`` returns them."""
        return self.execute(hash_sql(table))

    def close(self) -> None:
        """Drop this sample's database and close the connection."""
        conn = getattr(self, "_conn", None)
        if conn is None:
            return
        try:
            if self._db is not None:
                self._drop()
        finally:
            conn.close()
            self._conn = None

    def _drop(self) -> None:
        with self._conn.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote_identifier(self._db or '')}")
        self._conn.commit()
        self._db = None

    def _sql_error(self, exc: Exception, sql: str = "") -> SQLError:
        args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
        if len(args) < 2 or not isinstance(args[0], int):
            raise BackendError(f"MySQL/MariaDB connection failed: {exc}") from exc
        errno, message = args[0], str(args[1])
        if 2000 <= errno < 3000:  # client-side (connection) errors are our problem, not the agent's
            raise BackendError(f"MySQL/MariaDB connection failed: {exc}") from exc
        self._conn.rollback()
        return SQLError(errno, self._as_mysql(message, sql), self._sqlstate())

    def _sqlstate(self) -> str | None:
        """The SQLSTATE of the last error (pymysql drops it from the exception)."""
        try:
            with self._conn.cursor() as cursor:
                cursor.execute("GET DIAGNOSTICS CONDITION 1 @cmat_state = RETURNED_SQLSTATE")
                cursor.execute("SELECT @cmat_state")
                row: Any = cursor.fetchone()
        except self._errors.MySQLError:
            return None
        return str(row[0]) if row and row[0] else None

    def _as_mysql(self, message: str, sql: str) -> str:
        """Word a MariaDB message as MySQL 8 would and name the task's database, not ours.

        Differences handled: the database name; "MariaDB" in 1064; clause names in 1054/1052
        ('SELECT' -> 'field list', 'WHERE' -> 'where clause', ...); and the quoted text of 1064,
        which MariaDB cuts to 77 characters plus "..." where MySQL shows 80 characters.
        """
        if self._db:
            message = message.replace(self._db, self._task_db)
        message = message.replace("your MariaDB server version", "your MySQL server version")
        unknown, ambiguous = _UNKNOWN.match(message), _AMBIGUOUS.match(message)
        if unknown and unknown.group(2) in CLAUSES:
            message = f"{unknown.group(1)}'{CLAUSES[unknown.group(2)]}'"
        elif ambiguous and ambiguous.group(2) in CLAUSES:
            message = f"{ambiguous.group(1)}{CLAUSES[ambiguous.group(2)]}{ambiguous.group(3)}"
        near = _NEAR.match(message)
        if near and near.group(2).endswith("...") and sql:
            head = near.group(2)[:-3]
            text = server_text(sql)
            start = text.find(head)
            if start >= 0:
                message = f"{near.group(1)}{text[start : start + 80]}{near.group(3)}"
        return message
