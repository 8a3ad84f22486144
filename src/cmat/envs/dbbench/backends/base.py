"""The SQL backend contract of DBBench and the parts every backend shares.

AgentBench runs each DBBench sample against MySQL 8 through ``mysql.connector`` and shows the
agent ``str(cursor.fetchall())`` (or ``str(error)``), cut to 800 characters. A backend here
reproduces that observable behaviour: :meth:`SQLBackend.execute` returns exactly that string,
and :meth:`SQLBackend.table_hash` returns what AgentBench's md5 query returns, which is how
INSERT/UPDATE/DELETE tasks are judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from cmat.envs.dbbench.backends.errors import SQLError
from cmat.errors import ConfigError, DataError

MAX_OBSERVATION = 800
TRUNCATED = "[TRUNCATED]"
BACKEND_KINDS = ("sqlite", "mariadb")


@dataclass(frozen=True)
class TableSpec:
    """The one table of a DBBench sample, as AgentBench's ``build_init_sql`` creates it."""

    database: str
    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    @staticmethod
    def from_entry(entry: dict[str, Any]) -> TableSpec:
        """Build the spec from a raw DBBench entry (declared column types are ignored)."""
        try:
            database = entry["create"]["database"]
            table = entry["table"]
            name = table["table_name"]
            columns = tuple(str(column["name"]) for column in table["table_info"]["columns"])
            rows = tuple(tuple(row) for row in table["table_info"]["rows"])
        except (KeyError, TypeError) as exc:
            raise DataError(f"DBBench entry lacks a table definition ({exc!r})") from exc
        for index, row in enumerate(rows):
            if len(row) != len(columns):
                raise DataError(
                    f"table '{name}': row {index} has {len(row)} values for {len(columns)} columns"
                )
        return TableSpec(str(database), str(name), columns, rows)


@runtime_checkable
class SQLBackend(Protocol):
    """Runs one sample's SQL the way AgentBench's MySQL container does."""

    name: str

    def load(self, table: TableSpec) -> None:
        """Create a fresh database holding ``table``: every column TEXT, rows bound as parameters."""
        ...

    def execute(self, sql: str) -> str:
        """Run one statement and return what AgentBench shows the agent (rows or error text)."""
        ...

    def table_hash(self, table: TableSpec) -> str:
        """The string AgentBench's md5 query returns for ``table``, e.g. ``"[('09aa...',)]"``."""
        ...

    def close(self) -> None:
        """Drop the database and free every resource; calling it twice is harmless."""
        ...


class BackendBase:
    """Shared behaviour: ``execute`` on top of ``query``, truncation, context management."""

    name = "base"

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one statement; return the rows as ``mysql.connector`` would, or raise SQLError."""
        raise NotImplementedError

    def execute(self, sql: str) -> str:
        """``str(rows)`` or ``str(error)``, truncated as AgentBench truncates observations."""
        try:
            text = str(self.query(sql))
        except SQLError as error:
            text = str(error)
        return truncate(text)

    def close(self) -> None:
        """Subclasses free their resources here."""

    def __enter__(self) -> BackendBase:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


MAX_IDENTIFIER = 64
MAX_TEXT_BYTES = 65535


def creation_error(table: TableSpec) -> SQLError | None:
    """The error MySQL's ``CREATE TABLE`` of AgentBench's init script raises for ``table``, if any.

    AgentBench ignores it (the sample then has no table), so backends record it in
    ``load_error`` and go on; the agent sees "Table ... doesn't exist" like on MySQL.
    """
    if not table.name or table.name.endswith(" "):
        return SQLError(1103, f"Incorrect table name '{table.name}'")
    seen: set[str] = set()
    for name in (table.name, *table.columns):
        if len(name) > MAX_IDENTIFIER:
            return SQLError(1059, f"Identifier name '{name}' is too long")
    for column in table.columns:
        if not column or column.endswith(" "):
            return SQLError(1166, f"Incorrect column name '{column}'")
        if column.lower() in seen:
            return SQLError(1060, f"Duplicate column name '{column}'")
        seen.add(column.lower())
    return None


def insertion_error(table: TableSpec) -> SQLError | None:
    """The error of the init script's INSERT (strict mode: a value too long for TEXT), if any."""
    for number, row in enumerate(table.rows, start=1):
        for column, value in zip(table.columns, row, strict=True):
            if isinstance(value, str) and len(value.encode("utf-8")) > MAX_TEXT_BYTES:
                return SQLError(1406, f"Data too long for column '{column}' at row {number}")
    return None


def truncate(text: str) -> str:
    """AgentBench's rule: more than 800 characters are cut to 800 and ``[TRUNCATED]`` appended."""
    if len(text) > MAX_OBSERVATION:
        return text[:MAX_OBSERVATION] + TRUNCATED
    return text


def quote_identifier(name: str) -> str:
    """A MySQL backtick identifier (backticks inside doubled)."""
    return "`" + name.replace("`", "``") + "`"


def hash_sql(table: TableSpec) -> str:
    """AgentBench's md5 query over every column of ``table``, verbatim in shape."""
    columns = ",".join(quote_identifier(column) for column in table.columns)
    return (
        "select md5(group_concat(rowhash order by rowhash)) as hash from( "
        f"SELECT substring(MD5(CONCAT_WS(',', {columns})), 1, 5) AS rowhash "
        f"FROM {quote_identifier(table.name)}) as sub;"
    )


def open_backend(kind: str = "sqlite", **options: Any) -> SQLBackend:
    """A new, empty backend of ``kind`` ("sqlite" embedded, or "mariadb" server-based).

    ``options`` go to the backend's constructor (for MariaDB: ``host``, ``port``, ``user``,
    ``password``, ``unix_socket``, ``base_dir``). Call :meth:`SQLBackend.load` next.
    """
    if kind == "sqlite":
        from cmat.envs.dbbench.backends.sqlite_backend import SQLiteBackend

        return SQLiteBackend(**options)
    if kind == "mariadb":
        from cmat.envs.dbbench.backends.mariadb import MariaDBBackend

        return MariaDBBackend(**options)
    raise ConfigError(f"unknown SQL backend '{kind}'; valid kinds: {', '.join(BACKEND_KINDS)}")
