"""Preference tuning (DPO) of a LoRA adapter: a thin wrapper over TRL's ``DPOTrainer``.

The usual start is the SFT adapter: it is loaded trainable and TRL keeps a frozen copy of it
as the reference policy (the ``ref`` adapter), so the KL anchor is the SFT model, not the bare
base. Without an adapter a fresh LoRA is trained against the base. Checkpoints, resume, logging
and the manifest work as in :mod:`cmat.training.sft`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cmat.errors import DataError
from cmat.training import _common as c
from cmat.training._common import TrainResult
from cmat.training.data import clean_messages
from cmat.training.sft import LoraSettings, run_and_save


@dataclass
class DPOSettings(LoraSettings, c.RunSettings):
    """Settings of one DPO run (the LoRA fields apply only when no ``adapter_dir`` is given)."""

    adapter_dir: str | None = field(
        default=None, metadata={"help": "SFT adapter folder to continue; None = train a fresh LoRA"}
    )
    output_dir: str = field(default="runs/dpo", metadata={"help": "checkpoints, logs, adapter/ and manifest go here"})
    learning_rate: float = field(default=5e-5, metadata={"help": "peak AdamW learning rate (linear decay)"})
    beta: float = field(default=0.1, metadata={"help": "DPO beta: how far the policy may move from the reference"})
    loss_type: str = field(default="sigmoid", metadata={"help": "TRL DPO loss (sigmoid = the DPO paper's loss)"})


def pairs_to_rows(pairs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate ``{"prompt": [messages], "chosen": str, "rejected": str}`` pairs -> TRL's chat format."""
    rows = []
    for n, pair in enumerate(pairs):
        where = f"pair {n}"
        if not isinstance(pair, dict) or not all(k in pair for k in ("prompt", "chosen", "rejected")):
            raise DataError(f"{where}: expected a dict with prompt, chosen and rejected")
        if not isinstance(pair["chosen"], str) or not isinstance(pair["rejected"], str):
            raise DataError(f"{where}: chosen and rejected must be strings (the assistant replies)")
        rows.append(
            {
                "prompt": clean_messages(pair["prompt"], where),
                "chosen": [{"role": "assistant", "content": pair["chosen"]}],
                "rejected": [{"role": "assistant", "content": pair["rejected"]}],
            }
        )
    return rows


def _model(settings: DPOSettings, base: str) -> tuple[Any, Any, Any]:
    """(model, tokenizer, peft_config): the SFT adapter loaded trainable, or the base + a new LoRA."""
    model, tokenizer = c.load_base(base)
    if settings.adapter_dir is None:
        return model, tokenizer, settings.lora_config()
    peft = c.lazy("peft")
    return peft.PeftModel.from_pretrained(model, settings.adapter_dir, is_trainable=True), tokenizer, None


def build_dpo_trainer(
    pairs: list[dict[str, Any]], settings: DPOSettings, callbacks: list[Any] | None = None
) -> tuple[Any, dict[str, Any]]:
    """The ready ``DPOTrainer`` and the facts about its data (for the manifest)."""
    datasets = c.lazy("datasets")
    trl = c.lazy("trl")
    rows = pairs_to_rows(pairs)
    if not rows:
        raise DataError("no preference pairs to train on")
    base = c.resolve_base_model(settings.base_model, settings.adapter_dir)
    model, tokenizer, peft_config = _model(settings, base)
    args = trl.DPOConfig(
        **c.trainer_args(settings, c.resolve_report_to(settings.report_to)),
        beta=settings.beta,
        loss_type=[settings.loss_type],
    )
    trainer = trl.DPOTrainer(
        model=model,
        args=args,
        train_dataset=datasets.Dataset.from_list(rows),
        processing_class=tokenizer,
        peft_config=peft_config,
        callbacks=callbacks,
    )
    facts = {
        "base_model": base,
        "parent_adapter": settings.adapter_dir,
        "examples": len(pairs),
        "examples_used": len(rows),
        "sha256": c.data_sha256(pairs),
    }
    return trainer, facts


def train_dpo(
    pairs: list[dict[str, Any]], settings: DPOSettings | None = None, callbacks: list[Any] | None = None
) -> TrainResult:
    """Continue ``settings.adapter_dir`` (or a fresh LoRA) with DPO on ``pairs``.

    The trained adapter and its manifest go to ``output_dir/adapter``; a killed run resumes
    from the last complete checkpoint when ``resume`` is on. ``callbacks`` are extra
    ``transformers.TrainerCallback`` objects.
    """
    settings = settings or DPOSettings()
    checkpoint = c.claim_output_dir(Path(settings.output_dir), "dpo", c.data_sha256(pairs), settings)
    trainer, facts = build_dpo_trainer(pairs, settings, callbacks)
    return run_and_save(trainer, "dpo", settings, facts, checkpoint)
