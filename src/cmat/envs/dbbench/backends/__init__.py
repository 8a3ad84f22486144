"""SQL execution backends for DBBench that reproduce what AgentBench's MySQL 8 shows the agent.

``open_backend("sqlite")`` is the embedded default (no server; MySQL 8 semantics emulated on
SQLite); ``open_backend("mariadb")`` runs on a real MySQL-compatible server (a private MariaDB
the project starts itself, or any MySQL/MariaDB given by connection options) and is the
reference the SQLite backend is tested against. See docs/design/sql-backends.md.

Usage::

    with open_backend("sqlite") as db:
        db.load(TableSpec.from_entry(entry))
        db.execute("SELECT COUNT(*) FROM `Game Schedule`")   # "[(17,)]"
        db.table_hash(spec)                                   # "[('09aa...',)]"

Importing this package imports neither sqlglot nor pymysql; the backends do, when opened.
"""

from __future__ import annotations

from cmat.envs.dbbench.backends.base import (
    BACKEND_KINDS,
    MAX_OBSERVATION,
    BackendBase,
    SQLBackend,
    TableSpec,
    hash_sql,
    open_backend,
    truncate,
)
from cmat.envs.dbbench.backends.errors import SQLError
from cmat.envs.dbbench.backends.mariadb_server import MariaDBServer, mariadbd_path

__all__ = [
    "BACKEND_KINDS",
    "MAX_OBSERVATION",
    "BackendBase",
    "MariaDBServer",
    "SQLBackend",
    "SQLError",
    "TableSpec",
    "hash_sql",
    "mariadbd_path",
    "open_backend",
    "truncate",
]
