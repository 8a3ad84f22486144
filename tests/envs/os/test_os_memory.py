"""OS runs in long-term memory: experiences from OS training runs, and the OS dev set protected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cmat.cli.main import main
from cmat.envs.dbbench.data import default_dev_path
from cmat.memory.embeddings import HashingEmbedder
from cmat.memory.long_term import LongTermMemory
from cmat.runner.experiences import seed_memory


def test_os_successes_become_experiences_with_the_task_and_bash_actions(tmp_path: Path, sandbox_ok: None) -> None:
    from cmat.envs.os_interaction.data import default_train_path, load_os

    out = tmp_path / "os-train-run"
    args = ["eval", "--no-progress", "--env", "os", "--model", "oracle", "--data", str(default_train_path())]
    assert main([*args, "--limit", "2", "--out", str(out)]) == 0
    with LongTermMemory(tmp_path / "m.sqlite", HashingEmbedder()) as memory:
        report = seed_memory(memory, out, [default_dev_path()])
        assert report.stored == 2
        entry = next(e for e in memory.list() if e.source_task == "0")
    task = load_os(default_train_path())[0]
    assert entry.env == "os" and task.data["description"] in entry.task_text
    assert "Act: bash" in entry.content  # the closing answer is left out (another task's answer is nothing to copy)
    assert "Act: answer(" not in entry.content and "Act: finish" not in entry.content
    assert "Think:" not in entry.content  # reasoning stripped, actions kept


def test_memory_seed_refuses_a_run_on_the_os_dev_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "os-dev-run"
    out.mkdir()
    from cmat.envs.dbbench.data import file_sha256
    from cmat.envs.os_interaction.data import default_dev_path as os_dev

    (out / "run.json").write_text(json.dumps({"data_sha256": file_sha256(os_dev())}))
    (out / "results.jsonl").write_text("")
    code = main(["memory", "seed", str(out), "--path", str(tmp_path / "m.sqlite"), "--embedder", "hashing"])
    assert code != 0 and "was run on the evaluation file" in capsys.readouterr().err
