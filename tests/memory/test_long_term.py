"""Long-term memory: persistence, crash safety, relevance, scope isolation, cache freshness."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from memory_helpers import BACKTICKS, FOOTBALL_TASK, lesson

from cmat.errors import ConfigError
from cmat.memory import HashingEmbedder, LongTermMemory, MemoryEntry, eval_scope


@pytest.fixture(params=["hashing", "bm25"])
def memory(request: pytest.FixtureRequest, tmp_path: Path) -> LongTermMemory:
    embedder = HashingEmbedder() if request.param == "hashing" else None
    with LongTermMemory(tmp_path / "mem.sqlite", embedder) as mem:
        yield mem  # type: ignore[misc]


def test_entries_survive_reopening(tmp_path: Path, lessons: list[MemoryEntry]) -> None:
    path = tmp_path / "mem.sqlite"
    with LongTermMemory(path, HashingEmbedder()) as mem:
        ids = mem.add_many(lessons)
    with LongTermMemory(path, HashingEmbedder()) as mem:
        assert mem.count() == len(lessons)
        stored = mem.get("backticks")
        assert stored is not None and stored.content == BACKTICKS and stored.meta == {}
        assert [e.id for e in mem.list()] == ids
        assert mem.search(FOOTBALL_TASK, k=1)[0][0].id == "backticks"


def test_top_k_retrieves_the_relevant_lesson(memory: LongTermMemory, lessons: list[MemoryEntry]) -> None:
    memory.add_many(lessons)
    hits = memory.search(FOOTBALL_TASK, k=3)
    assert hits[0][0].id == "backticks"
    assert len(hits) <= 3
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_filters_by_env_and_kind(memory: LongTermMemory, lessons: list[MemoryEntry]) -> None:
    memory.add_many(lessons)
    hits = memory.search("count the files of a directory", k=5, env="os")
    assert [e.env for e, _ in hits] == ["os"]
    assert memory.search("count the files", k=5, kinds=["lesson"], env="os") == []
    with pytest.raises(ConfigError, match="kind"):
        memory.search("files", kinds=["memo"])


def test_filters_by_task_type(memory: LongTermMemory) -> None:
    memory.add(lesson(BACKTICKS, FOOTBALL_TASK, task_type="other", id="lookup"))
    memory.add(lesson(BACKTICKS + " Then UPDATE it.", FOOTBALL_TASK, task_type="UPDATE", id="update"))
    assert {e.id for e, _ in memory.search(FOOTBALL_TASK, k=5)} == {"lookup", "update"}
    assert [e.id for e, _ in memory.search(FOOTBALL_TASK, k=5, task_types=["UPDATE"])] == ["update"]
    assert [e.id for e, _ in memory.search(FOOTBALL_TASK, k=5, task_types="other")] == ["lookup"]
    assert memory.search(FOOTBALL_TASK, k=5, task_types=["INSERT"]) == []


def test_eval_scope_isolates_tasks_and_retries_see_their_own(memory: LongTermMemory) -> None:
    scope_a, scope_b = eval_scope("run1", "task-a"), eval_scope("run1", "task-b")
    memory.add(lesson(BACKTICKS, "Football Team Results wins?", scope=scope_a, id="a-lesson"))
    assert memory.search(FOOTBALL_TASK, k=5) == []  # global view
    assert memory.search(FOOTBALL_TASK, k=5, visible_scopes=("global", scope_b)) == []
    retry = memory.search(FOOTBALL_TASK, k=5, visible_scopes=("global", scope_a))
    assert [e.id for e, _ in retry] == ["a-lesson"]
    assert [e.id for e, _ in memory.search(FOOTBALL_TASK, visible_scopes=scope_a)] == ["a-lesson"]  # one str


def test_clear_by_scope_and_env(memory: LongTermMemory, lessons: list[MemoryEntry]) -> None:
    memory.add_many(lessons)
    scope = eval_scope("run1", "t1")
    memory.add(lesson(BACKTICKS, scope=scope, id="eval-one"))
    assert memory.count(scope=scope) == 1
    assert memory.clear(scope=scope) == 1
    assert memory.get("eval-one") is None and memory.count() == len(lessons)
    assert memory.clear(env="os") == 1
    assert memory.count(env="os") == 0
    assert memory.clear() == len(lessons) - 1
    assert memory.search(FOOTBALL_TASK) == []


def test_add_is_idempotent_and_delete_works(memory: LongTermMemory) -> None:
    assert memory.add(lesson(BACKTICKS, id="x")) == "x"
    assert memory.add(lesson("something else", id="x")) == "x"
    assert memory.count() == 1 and memory.get("x").content == BACKTICKS  # type: ignore[union-attr]
    generated = memory.add(lesson("a lesson without an id"))
    assert len(generated) == 32
    assert memory.delete("x") and not memory.delete("x")
    assert memory.count() == 1


def test_other_connections_writes_and_deletes_reach_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "mem.sqlite"
    with LongTermMemory(path, HashingEmbedder()) as reader, LongTermMemory(path, HashingEmbedder()) as writer:
        assert reader.search(FOOTBALL_TASK) == []  # builds the (empty) cache
        writer.add(lesson(BACKTICKS, id="b"))
        assert [e.id for e, _ in reader.search(FOOTBALL_TASK)] == ["b"]
        writer.delete("b")
        writer.add(lesson("Give a value for every column of an INSERT.", id="c"))
        assert [e.id for e, _ in reader.search(FOOTBALL_TASK, k=5)] == ["c"]


def test_entries_written_without_vectors_are_embedded_on_search(tmp_path: Path) -> None:
    path = tmp_path / "mem.sqlite"
    with LongTermMemory(path) as plain:
        plain.add_many([lesson(BACKTICKS, id="b"), lesson("Count files with ls | wc -l.", id="c")])
    with LongTermMemory(path, HashingEmbedder()) as mem:
        assert mem.search(FOOTBALL_TASK, k=1)[0][0].id == "b"
        assert mem.stats()["vectors"] == {"hashing-256": 2}


def test_precomputed_vectors_are_checked(tmp_path: Path) -> None:
    with LongTermMemory(tmp_path / "m.sqlite", HashingEmbedder(dim=16)) as mem:
        with pytest.raises(ConfigError, match="shape"):
            mem.add_many([lesson("x")], vectors=np.ones((1, 8), dtype=np.float32))
        query = np.zeros(16, dtype=np.float32)
        query[3] = 1.0
        mem.add_many([lesson("x", id="x"), lesson("y", id="y")], vectors=np.eye(16, dtype=np.float32)[[5, 3]])
        assert mem.search_vector(query, k=1)[0][0].id == "y"
    with LongTermMemory(tmp_path / "n.sqlite") as plain, pytest.raises(ConfigError, match="embedder"):
        plain.add_many([lesson("x")], vectors=np.ones((1, 8), dtype=np.float32))


WRITER = textwrap.dedent(
    """
    import sys
    from cmat.memory import HashingEmbedder, LongTermMemory, MemoryEntry
    mem = LongTermMemory(sys.argv[1], HashingEmbedder())
    batch = 0
    while True:
        mem.add_many([MemoryEntry(kind="lesson", env="dbbench", task_type="t", task_text=f"task {batch} {i}",
                                  content=f"lesson code{batch}x{i} " * 20, outcome="failed")
                      for i in range(50)])
        batch += 1
        if batch == 3:
            print("ready", flush=True)
    """
)


def test_a_killed_writer_leaves_a_consistent_file(tmp_path: Path) -> None:
    path = tmp_path / "mem.sqlite"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(0.3)  # let it get into the middle of further transactions
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        raw.execute("INSERT INTO entries_fts(entries_fts) VALUES ('integrity-check')")
    with LongTermMemory(path, HashingEmbedder()) as mem:
        count = mem.count()
        assert count >= 150 and count % 50 == 0  # whole transactions only
        assert mem.stats()["vectors"] == {"hashing-256": count}
        assert mem.search("code2x7", k=1)[0][0].task_text == "task 2 7"
