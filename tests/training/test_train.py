"""SFT, resume, DPO and merge on the tiny model: weights change, loss falls, outputs agree."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from _sft_data import conversation

EXAMPLES = [conversation("Final Answer: Paris"), conversation("SELECT name FROM people;")] * 4
PAIRS = [
    {
        "prompt": [{"role": "user", "content": "What is the capital of France?"}],
        "chosen": "Paris",
        "rejected": "The answer is blue.",
    },
    {
        "prompt": [{"role": "user", "content": "SELECT name FROM people;"}],
        "chosen": "Action: Operation",
        "rejected": "Final Answer: [1, 2, 3]",
    },
]


def _settings(tiny_model_dir: Path, out: Path, **kw: Any) -> Any:
    from cmat.training import SFTSettings

    base = {
        "base_model": str(tiny_model_dir),
        "output_dir": str(out),
        "learning_rate": 1e-2,
        "batch_size": 4,
        "logging_steps": 1,
        "save_steps": 2,
        "report_to": "tensorboard",
        "progress_bar": False,
    }
    return SFTSettings(**{**base, **kw})


def _lora_tensors(adapter_dir: str | Path) -> dict[str, Any]:
    from safetensors.torch import load_file

    return load_file(str(Path(adapter_dir) / "adapter_model.safetensors"))


def _logits(model: Any, tiny_model_dir: Path) -> Any:
    import torch
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    text = tok.apply_chat_template(conversation("x")["messages"][:1], tokenize=False, add_generation_prompt=True)
    with torch.no_grad():
        return model.eval()(**tok(text, return_tensors="pt")).logits


@pytest.fixture(scope="module")
def sft_run(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One SFT run of 6 steps, shared by the tests that only read its adapter."""
    from cmat.training import train_sft

    return train_sft(EXAMPLES, _settings(tiny_model_dir, tmp_path_factory.mktemp("sft"), max_steps=6))


def test_sft_trains_lora_and_the_loss_goes_down(sft_run: Any) -> None:
    tensors = _lora_tensors(sft_run.adapter_dir)
    lora_b = [t for name, t in tensors.items() if "lora_B" in name]
    assert lora_b and all(float(t.abs().max()) > 0 for t in lora_b)  # B starts at zero
    assert {n.split(".")[-2] for n in tensors} >= {"lora_A", "lora_B"}
    losses = [loss for _, loss in sft_run.loss_curve]
    assert [s for s, _ in sft_run.loss_curve] == [1, 2, 3, 4, 5, 6]
    assert losses[-1] < 0.6 * losses[0]
    assert sft_run.global_step == 6 and sft_run.padding_fraction == 0.0 and sft_run.tokens_per_second > 0


def test_sft_writes_the_adapter_manifest(sft_run: Any) -> None:
    manifest = json.loads(Path(sft_run.manifest_path).read_text())
    assert manifest["kind"] == "sft" and manifest["global_step"] == 6
    assert manifest["data"]["examples"] == 8 and len(manifest["data"]["sha256"]) == 64
    assert manifest["train_loss"]["last"] < manifest["train_loss"]["first"]
    assert manifest["settings"]["lora_r"] == 16 and manifest["wall_time_s"] > 0


def test_sft_writes_tensorboard_logs_into_the_output_dir(sft_run: Any) -> None:
    pytest.importorskip("tensorboard", reason="without tensorboard the run logs to the console only")
    assert list(Path(sft_run.output_dir).glob("runs/*/events.out.tfevents.*"))


def test_adapter_loads_with_peft_and_changes_outputs(sft_run: Any, tiny_model_dir: Path) -> None:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    base = _logits(AutoModelForCausalLM.from_pretrained(tiny_model_dir), tiny_model_dir)
    tuned_model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_model_dir), sft_run.adapter_dir)
    tuned = _logits(tuned_model, tiny_model_dir)
    assert not torch.allclose(base, tuned, atol=1e-3)


class Killed(Exception):
    """Stands for SIGKILL: raised right after a checkpoint was written, nothing else is saved."""


def _kill_after_checkpoint(step: int) -> Any:
    from transformers import TrainerCallback

    class KillAfterCheckpoint(TrainerCallback):  # type: ignore[misc]
        def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if state.global_step == step:
                raise Killed(step)

    return KillAfterCheckpoint()


def test_resume_after_a_kill_continues_from_the_saved_step(tiny_model_dir: Path, tmp_path: Path) -> None:
    from cmat.training import train_sft

    settings = _settings(tiny_model_dir, tmp_path / "killed", max_steps=4, report_to="none")
    with pytest.raises(Killed):
        train_sft(EXAMPLES, settings, callbacks=[_kill_after_checkpoint(2)])
    assert not (tmp_path / "killed" / "adapter").exists()
    (tmp_path / "killed" / "checkpoint-3").mkdir()  # a checkpoint cut short by the kill is skipped
    resumed = train_sft(EXAMPLES, settings)
    assert resumed.resumed_from == str(tmp_path / "killed" / "checkpoint-2")
    assert resumed.global_step == 4
    # Same data order, RNG, optimizer and schedule as a run that was never killed.
    straight = train_sft(EXAMPLES, _settings(tiny_model_dir, tmp_path / "straight", max_steps=4, report_to="none"))
    assert [s for s, _ in resumed.loss_curve] == [1, 2, 3, 4]
    assert [x for _, x in resumed.loss_curve] == pytest.approx([x for _, x in straight.loss_curve], rel=1e-5)
    assert resumed.tokens_seen * 2 == straight.tokens_seen  # only steps 3-4 (the second epoch) ran again


def test_dpo_continues_the_sft_adapter_and_changes_it(sft_run: Any, tmp_path: Path) -> None:
    import torch

    from cmat.training import DPOSettings, train_dpo

    settings = DPOSettings(
        adapter_dir=sft_run.adapter_dir,
        output_dir=str(tmp_path),
        max_steps=2,
        batch_size=2,
        learning_rate=1e-2,
        logging_steps=1,
        report_to="none",
        progress_bar=False,
    )
    result = train_dpo(PAIRS, settings)
    assert result.global_step == 2
    # The reference is the SFT adapter itself, so the first DPO loss is exactly log(2).
    assert result.loss_curve[0][1] == pytest.approx(math.log(2), abs=1e-4)
    before, after = _lora_tensors(sft_run.adapter_dir), _lora_tensors(result.adapter_dir)
    assert before.keys() == after.keys()
    assert any(not torch.allclose(before[k], after[k]) for k in before)
    manifest = json.loads(Path(result.manifest_path).read_text())
    assert manifest["kind"] == "dpo" and manifest["data"]["parent_adapter"] == sft_run.adapter_dir


def test_sft_can_continue_an_adapter_instead_of_starting_a_fresh_one(sft_run: Any, tiny_model_dir: Path,
                                                                     tmp_path: Path) -> None:
    import torch

    from cmat.training import train_sft

    # lora_r differs from the parent's on purpose: the parent's shape wins.
    settings = _settings(tiny_model_dir, tmp_path, max_steps=2, init_adapter=sft_run.adapter_dir, lora_r=2)
    result = train_sft(EXAMPLES, settings)
    before, after = _lora_tensors(sft_run.adapter_dir), _lora_tensors(result.adapter_dir)
    assert before.keys() == after.keys() and all(before[k].shape == after[k].shape for k in before)
    assert any(not torch.allclose(before[k], after[k]) for k in before)
    # It starts where the parent ended: the first loss is the parent's last region, not a fresh start.
    assert result.loss_curve[0][1] < sft_run.loss_curve[0][1]
    manifest = json.loads(Path(result.manifest_path).read_text())
    assert manifest["data"]["parent_adapter"] == sft_run.adapter_dir


def test_merged_model_equals_base_plus_adapter(sft_run: Any, tiny_model_dir: Path, tmp_path: Path) -> None:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from cmat.training import merge_adapter

    out = merge_adapter(None, sft_run.adapter_dir, tmp_path / "merged")  # base read from the manifest
    merged = AutoModelForCausalLM.from_pretrained(out)
    assert not any("lora" in name for name, _ in merged.named_parameters())
    peft_model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_model_dir), sft_run.adapter_dir)
    torch.testing.assert_close(
        _logits(merged, tiny_model_dir), _logits(peft_model, tiny_model_dir), atol=1e-5, rtol=1e-5
    )
    assert (out / "tokenizer_config.json").is_file() and (out / "merge.json").is_file()
