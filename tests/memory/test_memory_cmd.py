"""``cmat memory`` wiring: list, search, clear and stats on a small file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from memory_helpers import FOOTBALL_TASK

from cmat.cli import memory_cmd
from cmat.memory import HashingEmbedder, LongTermMemory, MemoryEntry, eval_scope


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    memory_cmd.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return int(args.func(args))


def test_memory_subcommands(
    tmp_path: Path, lessons: list[MemoryEntry], capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path / "mem.sqlite")
    with LongTermMemory(path, HashingEmbedder()) as mem:
        mem.add_many(lessons)
        mem.add(MemoryEntry(kind="lesson", env="dbbench", task_type="t", task_text="x", content="eval only",
                            outcome="failed", scope=eval_scope("r", "t")))
    assert cli("memory", "list", "--path", path) == 0
    out = capsys.readouterr().out
    assert "backticks" in out and "eval:r:t" in out and len(out.splitlines()) == len(lessons) + 2
    assert cli("memory", "search", FOOTBALL_TASK, "-k", "2", "--embedder", "bm25", "--path", path) == 0
    assert capsys.readouterr().out.splitlines()[0].split()[1] == "backticks"
    assert cli("memory", "clear", "--scope", "eval:r:t", "--yes", "--path", path) == 0
    assert "deleted 1 entries" in capsys.readouterr().out
    assert cli("memory", "stats", "--path", path) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["entries"] == len(lessons) and stats["by_env"] == {"dbbench": 4, "os": 1}
