"""Long-term memory: lessons and experiences from earlier episodes in one SQLite file.

Why SQLite: one file, transactions, WAL (readers never block the writer, a killed process
never corrupts the file: an unfinished transaction is simply not there after reopening) and
FTS5 for BM25 when embeddings are off.

Retrieval: with an embedder, cosine similarity over a numpy matrix of every stored vector,
kept in memory and refreshed incrementally (rows only ever append; a delete bumps a
generation counter that forces a full reload). Vectors are stored per embedder name, so one
file serves several embedders; rows lacking a vector for the current one are embedded once.

Evaluation isolation: each entry has a ``scope``; searches name the scopes they may see.
Entries written during an evaluation task live in :func:`eval_scope` and stay invisible to
every other task, so no answer leaks into another task's score.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from cmat.errors import ConfigError, DataError
from cmat.memory._index import VectorIndex
from cmat.memory._schema import (
    COLUMNS,
    INSERT_ENTRY,
    INSERT_VECTOR,
    SCHEMA,
    SCHEMA_VERSION,
    as_list,
    check_kinds,
    filters_sql,
)
from cmat.memory._text import words
from cmat.memory.embeddings import Embedder, normalize_rows

Kind = Literal["lesson", "experience"]
GLOBAL_SCOPE = "global"
MAX_QUERY_TERMS = 64  # longer BM25 queries only add posting-list scans, not relevance
_LOAD_CHUNK = 20_000  # rows per page when (re)loading vectors
_WAL_LIMIT = 64 * 2**20  # bytes the write-ahead log is cut back to after a checkpoint


@dataclass(kw_only=True)
class MemoryEntry:
    """One remembered lesson (a reflection on a failure) or experience (a solved episode).

    ``task_text`` is the task it came from; ``content`` is what to remember. ``scope`` is
    "global" or an :func:`eval_scope`. An empty ``id`` is filled in by :meth:`LongTermMemory.add`.
    """

    id: str = ""
    kind: Kind
    env: str
    task_type: str
    task_text: str
    content: str
    outcome: str
    scope: str = GLOBAL_SCOPE
    source_task: str = ""
    created_at: float = field(default_factory=time.time)
    meta: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        """The text that is embedded: the lesson first (truncation cuts the task, not it)."""
        return f"{self.content}\n{self.task_text}"


Hits = list[tuple[MemoryEntry, float]]
Entries = list[MemoryEntry]


def eval_scope(run_id: str, task_id: str) -> str:
    """The scope of entries written while evaluating ``task_id`` in run ``run_id``."""
    if not run_id or not task_id:
        raise ConfigError("eval_scope needs a non-empty run id and task id")
    return f"eval:{run_id}:{task_id}"


class LongTermMemory:
    """A persistent store of :class:`MemoryEntry` with top-k retrieval.

    ``embedder=None`` retrieves with BM25 (SQLite FTS5); otherwise by cosine similarity of
    ``embedder`` vectors. Safe to share between threads; several processes may open one file.
    """

    def __init__(self, path: str | Path, embedder: Embedder | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA busy_timeout = 10000")
        self._conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode: a killed process loses nothing committed; only power loss may.
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute(f"PRAGMA journal_size_limit = {_WAL_LIMIT}")
        self._create_schema()
        self._index: VectorIndex | None = None
        self._generation = -1
        self._data_version = -1
        self._dirty = True

    # -- lifecycle ---------------------------------------------------------------------------

    def _create_schema(self) -> None:
        try:
            with self._write():
                for statement in SCHEMA:
                    self._conn.execute(statement)
                self._conn.execute(
                    "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?), ('generation', '0')",
                    (str(SCHEMA_VERSION),),
                )
        except sqlite3.OperationalError as exc:
            if "fts5" in str(exc):
                raise ConfigError("this Python's sqlite3 lacks FTS5, which long-term memory needs") from exc
            raise
        version = int(self._meta("schema"))
        if version > SCHEMA_VERSION:
            raise ConfigError(
                f"{self.path} has memory schema {version}; this cmat reads up to {SCHEMA_VERSION}"
            )

    def close(self) -> None:
        """Close the database; the object is unusable afterwards."""
        with self._lock:
            self._conn.close()
            self._index = None

    def __enter__(self) -> LongTermMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction (taken at once, so concurrent writers queue, never deadlock)."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            self._dirty = True

    def _meta(self, key: str) -> str:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0])

    def _bump_generation(self) -> None:
        self._conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")

    # -- writing -----------------------------------------------------------------------------

    def add(self, entry: MemoryEntry) -> str:
        """Store ``entry`` (embedding it when an embedder is set); return its id."""
        return self.add_many([entry])[0]

    def add_many(self, entries: Sequence[MemoryEntry], vectors: np.ndarray | None = None) -> list[str]:
        """Store entries in one transaction; return their ids.

        ``vectors`` (one row per entry, in the embedder's space) skips embedding when the
        caller already has them. Adding an id that exists keeps the stored entry (idempotent
        re-runs).
        """
        prepared = [_prepared(e) for e in entries]
        if not prepared:
            return []
        if vectors is None and self.embedder is not None:
            vectors = self.embedder.embed([e.text() for e in prepared])
        if vectors is not None:
            vectors = self._checked_vectors(vectors, len(prepared))
        rows = [_row(e) for e in prepared]
        with self._write():
            self._conn.executemany(INSERT_ENTRY, rows)
            if vectors is not None:
                assert self.embedder is not None
                model = self.embedder.name
                self._conn.executemany(
                    INSERT_VECTOR,
                    [(model, vec.tobytes(), e.id) for e, vec in zip(prepared, vectors, strict=True)],
                )
        return [e.id for e in prepared]

    def _checked_vectors(self, vectors: np.ndarray, count: int) -> np.ndarray:
        if self.embedder is None:
            raise ConfigError("vectors were given but this memory has no embedder to name their space")
        if vectors.shape != (count, self.embedder.dim):
            raise ConfigError(f"expected vectors of shape {(count, self.embedder.dim)}, got {vectors.shape}")
        return normalize_rows(vectors)

    def delete(self, entry_id: str) -> bool:
        """Delete one entry; True when it existed."""
        with self._write():
            deleted = self._conn.execute("DELETE FROM entries WHERE id = ?", (entry_id,)).rowcount
            if deleted:
                self._bump_generation()
        return bool(deleted)

    def clear(self, scope: str | None = None, env: str | None = None) -> int:
        """Delete the entries of ``scope`` and/or ``env`` (every entry when both are None)."""
        where, params = filters_sql(env=env, scopes=None if scope is None else [scope])
        with self._write():
            deleted = self._conn.execute(f"DELETE FROM entries WHERE 1 {where}", params).rowcount
            if deleted:
                self._bump_generation()
        return int(deleted)

    # -- reading -----------------------------------------------------------------------------

    def get(self, entry_id: str) -> MemoryEntry | None:
        """The entry with ``entry_id``, or None."""
        with self._lock:
            row = self._conn.execute(f"SELECT {', '.join(COLUMNS)} FROM entries WHERE id = ?", (entry_id,))
            found = row.fetchone()
        return _entry(found) if found else None

    def list(
        self, *, env: str | None = None, kinds: Sequence[str] | None = None,
        scopes: Sequence[str] | None = None, limit: int | None = None,
    ) -> Entries:
        """Entries in insertion order, filtered; ``scopes=None`` lists every scope."""
        where, params = filters_sql(env=env, kinds=kinds, scopes=scopes)
        sql = f"SELECT {', '.join(COLUMNS)} FROM entries WHERE 1 {where} ORDER BY n"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._lock:
            return [_entry(r) for r in self._conn.execute(sql, params)]

    def count(self, *, scope: str | None = None, env: str | None = None) -> int:
        """Number of entries, optionally of one scope and/or env."""
        where, params = filters_sql(env=env, scopes=None if scope is None else [scope])
        with self._lock:
            row = self._conn.execute(f"SELECT COUNT(*) FROM entries WHERE 1 {where}", params).fetchone()
        return int(row[0])

    def stats(self) -> dict[str, Any]:
        """Counts by kind, env and scope, stored vectors by embedder, and the file size."""
        with self._lock:
            def grouped(sql: str) -> dict[str, int]:
                return {str(k): int(v) for k, v in self._conn.execute(sql)}

            return {
                "path": str(self.path),
                "entries": self.count(),
                "by_kind": grouped("SELECT kind, COUNT(*) FROM entries GROUP BY kind"),
                "by_env": grouped("SELECT env, COUNT(*) FROM entries GROUP BY env"),
                "by_scope": grouped("SELECT scope, COUNT(*) FROM entries GROUP BY scope"),
                "vectors": grouped("SELECT model, COUNT(*) FROM vectors GROUP BY model"),
                "bytes": sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*")),
            }

    def search(
        self, query: str, k: int = 3, *, env: str | None = None, kinds: Sequence[str] | None = None,
        visible_scopes: Sequence[str] = (GLOBAL_SCOPE,), task_types: Sequence[str] | None = None,
    ) -> Hits:
        """The ``k`` entries most relevant to ``query`` among the visible scopes, best first.

        Scores are cosine similarities with an embedder, negated FTS5 ``bm25()`` without one;
        higher is better in both cases. ``task_types`` keeps entries of those task types only.
        """
        if k <= 0 or not query.strip():
            return []
        if self.embedder is None:
            return self._search_bm25(query, k, env=env, kinds=kinds, scopes=visible_scopes, task_types=task_types)
        vector = self.embedder.embed([query])[0]
        return self.search_vector(vector, k, env=env, kinds=kinds, visible_scopes=visible_scopes,
                                  task_types=task_types)

    def search_vector(
        self, vector: np.ndarray, k: int = 3, *, env: str | None = None, kinds: Sequence[str] | None = None,
        visible_scopes: Sequence[str] = (GLOBAL_SCOPE,), task_types: Sequence[str] | None = None,
    ) -> Hits:
        """Like :meth:`search` for a query already embedded by this memory's embedder."""
        if self.embedder is None:
            raise ConfigError("search_vector needs a memory opened with an embedder")
        filters = {"scope": as_list(visible_scopes), "env": None if env is None else [env],
                   "kind": as_list(kinds), "task_type": as_list(task_types)}
        check_kinds(filters["kind"])
        with self._lock:
            index = self._refreshed_index()
            hits = index.top_k(vector, k, filters)
            found = self._by_rowid([n for n, _ in hits])
        return [(found[n], score) for n, score in hits if n in found]

    def _search_bm25(
        self, query: str, k: int, *, env: str | None, kinds: Sequence[str] | None, scopes: Sequence[str],
        task_types: Sequence[str] | None,
    ) -> Hits:
        terms = list(dict.fromkeys(words(query)))[:MAX_QUERY_TERMS]
        if not terms:
            return []
        where, params = filters_sql(env=env, kinds=kinds, scopes=scopes, task_types=task_types, alias="e.")
        cols = ", ".join(f"e.{c}" for c in COLUMNS)
        sql = (
            f"SELECT {cols}, bm25(entries_fts) AS r FROM entries_fts "
            f"JOIN entries e ON e.n = entries_fts.rowid WHERE entries_fts MATCH ? {where} ORDER BY r LIMIT ?"
        )
        match = " OR ".join(f'"{t}"' for t in terms)
        with self._lock:
            rows = self._conn.execute(sql, [match, *params, k]).fetchall()
        return [(_entry(r[:-1]), -float(r[-1])) for r in rows]

    def _by_rowid(self, ns: Sequence[int]) -> dict[int, MemoryEntry]:
        if not ns:
            return {}
        sql = f"SELECT n, {', '.join(COLUMNS)} FROM entries WHERE n IN ({', '.join('?' * len(ns))})"
        return {int(r[0]): _entry(r[1:]) for r in self._conn.execute(sql, list(ns))}

    # -- the vector cache --------------------------------------------------------------------

    def _refreshed_index(self) -> VectorIndex:
        """The in-memory index, brought up to date with the file (caller holds the lock)."""
        assert self.embedder is not None
        version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        if self._index is not None and not self._dirty and version == self._data_version:
            return self._index
        generation = int(self._meta("generation"))
        if self._index is None or generation != self._generation:
            self._index, self._generation = VectorIndex(self.embedder.dim), generation
        self._load_since(self._index)
        self._data_version, self._dirty = version, False
        return self._index

    def _load_since(self, index: VectorIndex) -> None:
        """Append rows newer than ``index.last_n``, embedding those without a vector."""
        assert self.embedder is not None
        model, width = self.embedder.name, self.embedder.dim * 4
        while True:
            rows = self._conn.execute(
                "SELECT e.n, e.scope, e.env, e.kind, e.task_type, v.vec FROM entries e LEFT JOIN vectors v "
                "ON v.entry = e.n AND v.model = ? WHERE e.n > ? ORDER BY e.n LIMIT ?",
                (model, index.last_n, _LOAD_CHUNK),
            ).fetchall()
            if not rows:
                return
            missing = [r[0] for r in rows if r[5] is None]
            filled = self._embed_missing(missing) if missing else {}
            blobs = [r[5] if r[5] is not None else filled[r[0]] for r in rows]
            if any(len(b) != width for b in blobs):
                raise DataError(f"{self.path}: a stored '{model}' vector is not {self.embedder.dim} float32s")
            matrix = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(rows), self.embedder.dim)
            labels = {name: [r[i] for r in rows]
                      for i, name in ((1, "scope"), (2, "env"), (3, "kind"), (4, "task_type"))}
            index.append([r[0] for r in rows], matrix, labels)

    def _embed_missing(self, ns: Sequence[int]) -> dict[int, bytes]:
        """Embed and store vectors for rows written without one (BM25-only or another model)."""
        assert self.embedder is not None
        found = self._by_rowid(ns)
        order = [n for n in ns if n in found]
        vectors = self.embedder.embed([found[n].text() for n in order])
        blobs = {n: vec.astype(np.float32).tobytes() for n, vec in zip(order, vectors, strict=True)}
        with self._write():
            self._conn.executemany(
                "INSERT OR IGNORE INTO vectors(entry, model, vec) VALUES (?, ?, ?)",
                [(n, self.embedder.name, b) for n, b in blobs.items()],
            )
        return blobs


def _prepared(entry: MemoryEntry) -> MemoryEntry:
    check_kinds([entry.kind])
    if not entry.scope:
        raise ConfigError("a memory entry needs a scope ('global' or eval_scope(run, task))")
    return entry if entry.id else replace(entry, id=uuid.uuid4().hex)


def _row(entry: MemoryEntry) -> tuple[Any, ...]:
    data = asdict(entry)
    data["meta"] = json.dumps(entry.meta, ensure_ascii=False, sort_keys=True)
    return tuple(data[c] for c in COLUMNS)


def _entry(row: Sequence[Any]) -> MemoryEntry:
    data = dict(zip(COLUMNS, row, strict=True))
    data["meta"] = json.loads(data["meta"])
    return MemoryEntry(**data)
