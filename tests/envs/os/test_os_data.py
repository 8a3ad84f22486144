"""Loading AgentBench OS files: every script form, the bundled sets, errors naming the entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cmat.envs.os_interaction.data import default_dev_path, default_train_path, load_os
from cmat.errors import DataError


def test_dev_set_resolves_every_form() -> None:
    tasks = load_os(default_dev_path())
    assert len(tasks) == 26
    calc = tasks[3].data["judge"]
    assert calc["check"][0][0] == "bash" and "check()" in calc["check"][0][1]
    assert calc["example"][1].startswith("echo '#!/bin/bash")
    hidden = tasks[6].data["judge"]
    assert hidden["check"][0] is None and hidden["check"][1][0] == "python"
    assert hidden["example"] == ["bash", 'ls -a /home | grep "^\\." | wc -l']
    assert tasks[0].data["judge"]["match"] == {"answer": "1", "strip": True}
    assert tasks[0].data["judge"]["start"][1].startswith("python3 -c")
    assert tasks[10].data["judge"]["init"] == []  # "create" is a list there; AgentBench ignores it
    assert tasks[21].data["judge"]["init"][0][1].startswith("echo 123>/root/.tmp")  # init as a plain string
    assert "Bob" in tasks[25].data["judge"]["init"][0][1]  # init from a file
    assert tasks[0].type == "file" and tasks[13].type == "device"


def test_training_set_loads() -> None:
    tasks = load_os(default_train_path())
    assert len(tasks) == 1000
    assert all(t.type == "os" and t.data["judge"]["example"] for t in tasks)


def _write(tmp_path: Path, entries: list[object]) -> Path:
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    (tmp_path / "scripts" / "tasks").mkdir(parents=True)
    return path


def test_missing_script_file_names_the_entry(tmp_path: Path) -> None:
    path = _write(tmp_path, [{"description": "d", "evaluation": {"match": "1"}},
                             {"description": "d", "evaluation": {"check": {"file": "check/nope.sh"}}}])
    with pytest.raises(DataError, match=r"entry 1: evaluation.check refers to 'check/nope.sh'"):
        load_os(path)


def test_null_check_needs_example(tmp_path: Path) -> None:
    path = _write(tmp_path, [{"description": "d", "evaluation": {"check": [None]}}])
    with pytest.raises(DataError, match=r"no evaluation\.example"):
        load_os(path)


def test_missing_evaluation_and_jsonl_line(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"description": "a", "evaluation": {"match": "x"}}\n{"description": "b"}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"t.jsonl:2: missing 'evaluation'"):
        load_os(path, scripts=tmp_path)
