from __future__ import annotations

import json
from pathlib import Path

import pytest

from cmat.cli.main import main
from cmat.envs.dbbench.data import default_dev_path
from cmat.errors import DataError
from cmat.memory.embeddings import HashingEmbedder
from cmat.memory.long_term import LongTermMemory
from cmat.runner.experiences import condense, seed_memory


def test_condense_keeps_actions_and_short_observations() -> None:
    conversation = [
        {"role": "user", "content": "instructions"}, {"role": "assistant", "content": "Ok."},
        {"role": "user", "content": "task"},
        {"role": "assistant", "content": "Let me look.\nAction: Operation\n```sql\nSELECT `A` FROM `T`\n```"},
        {"role": "user", "content": "[('x',)]" + "y" * 500},
        {"role": "assistant", "content": 'So the answer is x.\nAction: Answer\nFinal Answer: ["x"]'},
    ]
    text = condense(conversation)
    assert "Let me look" not in text and "So the answer" not in text
    assert "SELECT `A` FROM `T`" in text
    assert "Final Answer" not in text  # another task's answer is nothing to copy
    assert "…" in text and len(text) < 500


def test_seed_refuses_a_run_on_evaluation_data(tmp_path: Path) -> None:
    out = tmp_path / "dev-run"
    assert main(["eval", "--no-progress", "--model", "oracle", "--limit", "3", "--out", str(out)]) == 0
    memory = LongTermMemory(tmp_path / "m.sqlite", HashingEmbedder())
    with pytest.raises(DataError, match="evaluation"):
        seed_memory(memory, out, [default_dev_path()])
    memory.close()


def test_seed_stores_successes_of_a_training_run(tmp_path: Path) -> None:
    train = tmp_path / "train.jsonl"
    lines = default_dev_path().read_text().splitlines()[3:5]  # stands in for generated training tasks
    train.write_text("\n".join(json.dumps({**json.loads(x), "description": json.loads(x)["description"] + " (copy)"})
                               for x in lines) + "\n")
    out = tmp_path / "train-run"
    assert main(["eval", "--no-progress", "--model", "oracle", "--data", str(train), "--out", str(out)]) == 0
    with LongTermMemory(tmp_path / "m.sqlite", HashingEmbedder()) as memory:
        report = seed_memory(memory, out, [default_dev_path()])
        assert report.stored == 2 and memory.count() == 2
        [entry] = [e for e in memory.list() if e.source_task == "0"]
        assert entry.kind == "experience" and "Action: Operation" in entry.content

