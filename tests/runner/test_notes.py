"""Notes before the task in training trajectories (``cmat.runner.notes``, ``cmat tune --memory``)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from cmat.envs.dbbench.data import default_dev_path, load_dbbench
from cmat.errors import ConfigError, DataError
from cmat.memory import HashingEmbedder, LongTermMemory, MemoryEntry
from cmat.runner.notes import retrieve, with_notes
from cmat.runner.store import read_jsonl, write_jsonl_atomic
from cmat.tasks import generate_tasks, gold_trajectories, sft_examples
from cmat.tasks.curate import task_text
from cmat.training.tune_sources import noted_gold
from cmat.trajectories.schema import load_record, prefix_length


def _entry(task_text: str, content: str, task_type: str = "other", **fields: object) -> MemoryEntry:
    return MemoryEntry(kind="experience", env="dbbench", task_type=task_type, task_text=task_text,
                       content=content, outcome="completed", scope="global", **fields)  # type: ignore[arg-type]


@pytest.fixture()
def gold() -> list[dict]:
    records = gold_trajectories(generate_tasks(6, seed=5, types=["other"]))
    assert len(records) == 6
    return records


def test_notes_open_the_task_of_each_trajectory_and_never_come_from_the_task_itself(
    gold: list[dict], tmp_path: Path
) -> None:
    tasks = [task_text(load_record(dict(r))) for r in gold]
    with LongTermMemory(tmp_path / "m.sqlite", HashingEmbedder()) as memory:
        for i, task in enumerate(tasks):  # each task's own experience, holding its answer
            memory.add(_entry(task, f"own answer {i}", id=f"own-{i}"))
        memory.add(_entry("an update of another table", "UPDATE example", task_type="UPDATE", id="update"))
        noted = with_notes(gold, memory, k=2, share=1.0, seed=3)
    assert len(noted) == len(gold)
    for i, (record, task) in enumerate(zip(noted, tasks, strict=True)):
        trajectory = load_record(dict(record))
        message = trajectory.conversation[prefix_length(trajectory) - 1]["content"]
        assert message.startswith("Notes from earlier") and message.endswith(task)
        assert f"own answer {i}" not in message  # its own entry is skipped ...
        assert message.count("own answer") == 2  # ... and two of the same type take the places
        assert "UPDATE example" not in message
        assert task_text(trajectory) == task  # curation still sees the bare task
        [example] = sft_examples([record])
        assert example["messages"][prefix_length(trajectory) - 1]["content"] == message
        assert [m["content"] for m in example["messages"] if m["train"]] == \
            [m["content"] for m in load_record(dict(gold[i])).conversation[3:] if m["role"] == "assistant"]


def test_a_share_of_the_trajectories_gets_notes_reproducibly(gold: list[dict], tmp_path: Path) -> None:
    with LongTermMemory(tmp_path / "m.sqlite", HashingEmbedder()) as memory:
        memory.add(_entry("a lookup of a table", "SELECT example"))
        none = with_notes(gold, memory, share=0.0)
        half = with_notes(gold, memory, share=0.5, seed=1)
        again = with_notes(gold, memory, share=0.5, seed=1)
    assert none == gold
    assert half == again and 0 < sum(r != g for r, g in zip(half, gold, strict=True)) < len(gold)


def test_retrieve_fills_from_other_types_when_the_own_type_runs_short(tmp_path: Path) -> None:
    with LongTermMemory(tmp_path / "m.sqlite", HashingEmbedder()) as memory:
        memory.add(_entry("floors of a tower", "lookup", id="a"))
        memory.add(_entry("floors of a tower", "update", task_type="UPDATE", id="b"))
        memory.add(_entry("floors of a tower", "insert", task_type="INSERT", id="c"))
        assert [e.id for e in retrieve(memory, "floors of a tower", 1, env="dbbench", task_type="UPDATE")] == ["b"]
        found = retrieve(memory, "floors of a tower", 2, env="dbbench", task_type="other")
        assert found[0].id == "a" and len(found) == 2
        assert retrieve(memory, "floors", 3, env="dbbench", task_type="other", skip=lambda e: e.id != "c") == \
            [e for e in memory.list() if e.id == "c"]


def test_tune_memory_is_checked_against_evaluation_data(gold: list[dict], tmp_path: Path) -> None:
    cfg = SimpleNamespace(memory=str(tmp_path / "missing.sqlite"), memory_share=0.5, memory_k=3, task_seed=0,
                          env="dbbench", eval_data=None)
    write_jsonl_atomic(tmp_path / "gold.jsonl", gold)
    with pytest.raises(ConfigError, match="does not exist"):
        noted_gold(cfg, tmp_path / "gold.jsonl", tmp_path / "noted.jsonl", print, embedder="hashing")
    cfg.memory = str(tmp_path / "m.sqlite")
    dev_question = load_dbbench(default_dev_path())[3].data["description"]
    with LongTermMemory(cfg.memory, HashingEmbedder()) as memory:
        memory.add(_entry(dev_question, "an experience of a dev task"))
    with pytest.raises(DataError, match="overlaps evaluation data"):
        noted_gold(cfg, tmp_path / "gold.jsonl", tmp_path / "noted.jsonl", print, embedder="hashing")
    assert not (tmp_path / "noted.jsonl").exists()
    with LongTermMemory(cfg.memory, HashingEmbedder()) as memory:
        memory.clear()
        memory.add(_entry("a lookup of a generated table", "SELECT example"))
    noted = noted_gold(cfg, tmp_path / "gold.jsonl", tmp_path / "noted.jsonl", print, embedder="hashing")
    assert len(read_jsonl(noted)) == len(gold)
