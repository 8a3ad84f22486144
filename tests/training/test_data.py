"""Which tokens carry loss, what the collated batches look like, and cheap guards (no training)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _sft_data import conversation

from cmat.errors import ConfigError, DataError


def _trainer(tiny_model_dir: Path, tmp_path: Path, examples: list[dict[str, Any]], **kw: Any) -> Any:
    from cmat.training.sft import SFTSettings, build_sft_trainer

    settings = SFTSettings(base_model=str(tiny_model_dir), output_dir=str(tmp_path), report_to="none", **kw)
    return build_sft_trainer(examples, settings)[0]


def test_only_trainable_assistant_turns_carry_loss_in_the_collated_batch(tiny_model_dir: Path, tmp_path: Path) -> None:
    examples = [
        conversation("Final Answer: Paris"),
        conversation("SELECT name FROM people;", train=False),
        conversation("Final Answer: Lyon"),
    ]
    trainer = _trainer(tiny_model_dir, tmp_path, examples, batch_size=4)
    batch = next(iter(trainer.get_train_dataloader()))
    tok = trainer.processing_class
    ids, labels = batch["input_ids"][0], batch["labels"][0]
    assert batch["input_ids"].shape[0] == 1  # padding-free: one flat row
    assert "attention_mask" not in batch and "position_ids" in batch
    trained = tok.decode(ids[labels != -100])
    # the example with no trainable turn is dropped; in the others only the final answer (+ end of turn) trains
    assert trained == "Final Answer: Paris<|im_end|>Final Answer: Lyon<|im_end|>"
    assert ids.numel() == sum(len(r) for r in trainer.train_dataset["input_ids"])
    whole = tok.decode(ids)
    assert "You are a helpful AI assistant" in whole and "Paris is blue." in whole  # present, but masked
    assert trainer.data_collator.stats.padding_fraction == 0.0


def test_padded_batches_mask_padding_and_report_its_fraction(tiny_model_dir: Path, tmp_path: Path) -> None:
    examples = [conversation("Final Answer: Paris"), conversation("SELECT name, age FROM people WHERE age > 30;")]
    trainer = _trainer(tiny_model_dir, tmp_path, examples, batch_size=2, padding_free=False)
    batch = next(iter(trainer.get_train_dataloader()))
    mask = batch["attention_mask"]
    assert batch["input_ids"].shape[0] == 2 and int((mask == 0).sum()) > 0
    assert bool((batch["labels"][mask == 0] == -100).all())
    stats = trainer.data_collator.stats
    assert stats.padding_fraction == pytest.approx(int((mask == 0).sum()) / mask.numel())


def test_padding_free_forward_equals_separate_forwards(tiny_model_dir: Path, tmp_path: Path) -> None:
    """On a CPU (no FlashAttention) the flat row must still keep sequences apart."""
    import torch

    examples = [conversation("Final Answer: Paris"), conversation("SELECT name FROM people;")]
    trainer = _trainer(tiny_model_dir, tmp_path, examples, batch_size=2)
    batch = next(iter(trainer.get_train_dataloader()))
    model = trainer.model.eval()
    with torch.no_grad():
        flat = model(input_ids=batch["input_ids"], position_ids=batch["position_ids"]).logits[0]
        rows = trainer.train_dataset["input_ids"]
        alone = torch.cat([model(input_ids=torch.tensor([r])).logits[0] for r in rows])
    torch.testing.assert_close(flat, alone, atol=1e-4, rtol=1e-4)


def test_truncation_keeps_the_start_and_drops_examples_left_without_loss(tiny_model_dir: Path) -> None:
    from transformers import AutoTokenizer

    from cmat.training.data import tokenize_conversation, tokenize_examples

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    full = tokenize_conversation(tok, conversation("Final Answer: Paris")["messages"])
    cut = tokenize_conversation(tok, conversation("Final Answer: Paris")["messages"], max_length=10)
    assert cut["input_ids"] == full["input_ids"][:10]
    kept, dropped = tokenize_examples(tok, [conversation("Final Answer: Paris")], max_length=10)
    assert (kept, dropped) == ([], 1)


def test_bad_data_raises_data_error(tiny_model_dir: Path) -> None:
    from transformers import AutoTokenizer

    from cmat.training.data import tokenize_conversation

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    with pytest.raises(DataError, match="message 0"):
        tokenize_conversation(tok, [{"role": "tool", "content": "x"}])
    with pytest.raises(DataError, match="prefixes"):  # SmolLM2's template adds a system turn before it
        tokenize_conversation(tok, [{"role": "assistant", "content": "hi", "train": True}])


def test_resume_refuses_an_output_dir_of_other_data(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from cmat.training import SFTSettings
    from cmat.training._common import claim_output_dir, last_checkpoint

    (tmp_path / "checkpoint-2").mkdir()
    (tmp_path / "checkpoint-2" / "trainer_state.json").write_text("{}")
    (tmp_path / "checkpoint-7").mkdir()  # killed while writing: no trainer_state.json
    assert last_checkpoint(tmp_path) == tmp_path / "checkpoint-2"
    assert claim_output_dir(tmp_path, "sft", "aaa", SFTSettings(max_steps=4)) == tmp_path / "checkpoint-2"
    with pytest.raises(ConfigError, match="other data"):
        claim_output_dir(tmp_path, "sft", "bbb", SFTSettings(max_steps=4))
    assert claim_output_dir(tmp_path, "sft", "aaa", SFTSettings(max_steps=8)) == tmp_path / "checkpoint-2"
    assert "changed schedule" in caplog.text
    assert claim_output_dir(tmp_path, "sft", "bbb", SFTSettings(resume=False)) is None


def test_missing_logger_falls_back_to_none(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from cmat.training._common import resolve_report_to

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert resolve_report_to("tensorboard") == "none"
    with pytest.raises(ConfigError):
        resolve_report_to("wandb")


def test_import_cmat_training_imports_no_torch() -> None:
    code = "import sys, cmat.training; print([m for m in ('torch', 'transformers', 'trl', 'peft') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_settings_become_cli_flags_and_back() -> None:
    import argparse

    from cmat.config import add_arguments, from_namespace
    from cmat.training import DPOSettings, SFTSettings

    parser = argparse.ArgumentParser()
    add_arguments(parser, SFTSettings)
    ns = parser.parse_args(["--lora-r", "8", "--no-padding-free", "--max-steps", "3", "--report-to", "none"])
    settings = from_namespace(SFTSettings, ns)
    assert (settings.lora_r, settings.padding_free, settings.max_steps, settings.base_model) == (8, False, 3, None)
    dpo = argparse.ArgumentParser()
    add_arguments(dpo, DPOSettings)
    assert from_namespace(DPOSettings, dpo.parse_args(["--adapter-dir", "a", "--beta", "0.2"])).beta == 0.2
