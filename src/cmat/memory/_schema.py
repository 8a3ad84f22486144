"""SQLite schema of the long-term memory file (version 1) and the SQL filter helpers.

``entries`` holds the records; ``vectors`` one float32 blob per (entry, embedder name);
``entries_fts`` is an FTS5 index over the entry text, kept in step by triggers inside the
same transaction as every insert and delete; ``meta`` holds the schema version and the
generation counter that tells other connections their vector cache is stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cmat.errors import ConfigError

SCHEMA_VERSION = 1

# The entry columns in MemoryEntry order (``n``, the row number, is internal).
COLUMNS = (
    "id", "kind", "env", "task_type", "task_text", "content", "outcome", "scope",
    "source_task", "created_at", "meta",
)

KINDS: tuple[str, ...] = ("lesson", "experience")
INSERT_ENTRY = f"INSERT OR IGNORE INTO entries({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
INSERT_VECTOR = "INSERT OR IGNORE INTO vectors(entry, model, vec) SELECT n, ?, ? FROM entries WHERE id = ?"

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS entries(
        n INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        env TEXT NOT NULL,
        task_type TEXT NOT NULL,
        task_text TEXT NOT NULL,
        content TEXT NOT NULL,
        outcome TEXT NOT NULL,
        scope TEXT NOT NULL,
        source_task TEXT NOT NULL,
        created_at REAL NOT NULL,
        meta TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS entries_scope ON entries(scope)",
    "CREATE INDEX IF NOT EXISTS entries_env ON entries(env)",
    # A rowid table: WITHOUT ROWID stores 1.5 kB rows badly (about three times the space).
    """CREATE TABLE IF NOT EXISTS vectors(
        entry INTEGER NOT NULL,
        model TEXT NOT NULL,
        vec BLOB NOT NULL,
        UNIQUE (model, entry)
    )""",
    "CREATE INDEX IF NOT EXISTS vectors_entry ON vectors(entry)",
    """CREATE VIRTUAL TABLE IF NOT EXISTS entries_fts USING fts5(
        content, task_text, content='entries', content_rowid='n', tokenize='porter unicode61'
    )""",
    """CREATE TRIGGER IF NOT EXISTS entries_ai AFTER INSERT ON entries BEGIN
        INSERT INTO entries_fts(rowid, content, task_text) VALUES (new.n, new.content, new.task_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS entries_ad AFTER DELETE ON entries BEGIN
        INSERT INTO entries_fts(entries_fts, rowid, content, task_text)
            VALUES ('delete', old.n, old.content, old.task_text);
        DELETE FROM vectors WHERE entry = old.n;
    END""",
)


def as_list(items: Sequence[str] | None) -> list[str] | None:
    """A list of filter values; a lone string is one value, not a sequence of characters."""
    if items is None:
        return None
    return [items] if isinstance(items, str) else list(items)


def check_kinds(kinds: Sequence[str] | None) -> None:
    """Refuse kinds other than "lesson" and "experience" (a typo would silently match nothing)."""
    bad = [k for k in kinds or () if k not in KINDS]
    if bad:
        raise ConfigError(f"unknown memory kind(s) {bad}; valid: {', '.join(KINDS)}")


def filters_sql(
    *, env: str | None = None, kinds: Sequence[str] | None = None, scopes: Sequence[str] | None = None,
    task_types: Sequence[str] | None = None, alias: str = "",
) -> tuple[str, list[Any]]:
    """SQL ``AND ...`` conditions and their parameters; None means no condition."""
    kinds, scopes, task_types = as_list(kinds), as_list(scopes), as_list(task_types)
    check_kinds(kinds)
    where, params = "", list[Any]()
    for column, values in (("env", None if env is None else [env]), ("kind", kinds), ("scope", scopes),
                           ("task_type", task_types)):
        if values is None:
            continue
        where += f" AND {alias}{column} IN ({', '.join('?' * len(values))})" if values else " AND 0"
        params.extend(values)
    return where, params
