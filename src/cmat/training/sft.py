"""Supervised fine-tuning with LoRA: a thin wrapper over TRL's ``SFTTrainer`` and PEFT.

What this adds to TRL: labels that train only the assistant turns marked ``train`` (see
:mod:`cmat.training.data`), padding-free batches by default (transformers builds the
block-diagonal attention from ``position_ids``, so no FlashAttention is needed on a CPU),
resuming from the last complete checkpoint after a kill, a logger that degrades to ``none``
when missing, and ``adapter/`` + ``adapter_manifest.json`` at the end.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cmat.errors import ConfigError, DataError
from cmat.training import _common as c
from cmat.training._common import TrainResult
from cmat.training.data import CountingCollator, tokenize_examples


@dataclass
class LoraSettings:
    """The LoRA adapter's shape (shared by SFT and a DPO run that starts a fresh adapter)."""

    lora_r: int = field(default=16, metadata={"help": "LoRA rank"})
    lora_alpha: int = field(default=32, metadata={"help": "LoRA scaling numerator (scale = alpha / r)"})
    lora_dropout: float = field(default=0.05, metadata={"help": "dropout on the LoRA input"})
    target_modules: str = field(
        default=c.LLAMA_PROJECTIONS,
        metadata={"help": "comma-separated module names to adapt, or 'all-linear' (any architecture)"},
    )

    def lora_config(self) -> Any:
        """The ``peft.LoraConfig`` for a causal LM."""
        peft = c.lazy("peft")
        names = [t.strip() for t in self.target_modules.split(",") if t.strip()]
        if not names:
            raise ConfigError("target_modules is empty")
        targets: Any = "all-linear" if names == ["all-linear"] else names
        return peft.LoraConfig(
            r=self.lora_r,
            lora_alpha=self.lora_alpha,
            lora_dropout=self.lora_dropout,
            target_modules=targets,
            task_type="CAUSAL_LM",
        )


@dataclass
class SFTSettings(LoraSettings, c.RunSettings):
    """Settings of one LoRA SFT run (CLI flags and YAML are built from these fields)."""

    output_dir: str = field(default="runs/sft", metadata={"help": "checkpoints, logs, adapter/ and manifest go here"})
    padding_free: bool = field(default=True, metadata={"help": "concatenate each batch into one row without padding"})
    packing: bool = field(
        default=False,
        metadata={"help": "pack examples into max_length rows (best-fit decreasing; implies padding-free)"},
    )
    init_adapter: str | None = field(
        default=None,
        metadata={"help": "continue training this LoRA adapter (its shape wins over the lora_* fields)"},
    )
    compact_cpu_head: bool = field(
        default=True,
        metadata={"help": "on a CPU, project only the positions with a label for the loss (TRL's kernel scores "
                          "every position there; cmat.training._cpu_head); other devices keep TRL's kernel"},
    )


def _sft_config(settings: SFTSettings, report_to: str) -> Any:
    trl = c.lazy("trl")
    kwargs = c.trainer_args(settings, report_to)
    # Examples are already cut to max_length; TRL refuses padding-free without packing otherwise.
    if settings.padding_free and not settings.packing:
        kwargs["max_length"] = None
    return trl.SFTConfig(
        **kwargs,
        packing=settings.packing,
        packing_strategy="bfd",
        padding_free=settings.padding_free,
        pad_to_multiple_of=None,
        completion_only_loss=False,
        assistant_only_loss=False,
    )


def build_sft_trainer(
    examples: list[dict[str, Any]], settings: SFTSettings, callbacks: list[Any] | None = None
) -> tuple[Any, dict[str, Any]]:
    """The ready ``SFTTrainer`` (its collator wrapped in :class:`CountingCollator`) and data facts.

    Exposed so tests and benchmarks can inspect the collated batches without training.
    """
    datasets = c.lazy("datasets")
    trl = c.lazy("trl")
    base = c.resolve_base_model(settings.base_model, settings.init_adapter)
    model, tokenizer = c.load_base(base)
    peft_config = settings.lora_config()
    if settings.init_adapter:
        peft = c.lazy("peft")
        if not Path(settings.init_adapter).is_dir():
            raise ConfigError(f"init_adapter '{settings.init_adapter}' is not a folder")
        model = peft.PeftModel.from_pretrained(model, settings.init_adapter, is_trainable=True)
        peft_config = None
    rows, dropped = tokenize_examples(tokenizer, examples, settings.max_length)
    if not rows:
        raise DataError(f"none of the {len(examples)} examples has an assistant turn marked train")
    dataset = datasets.Dataset.from_list(rows)
    trainer = trl.SFTTrainer(
        model=model,
        args=_sft_config(settings, c.resolve_report_to(settings.report_to)),
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=peft_config,
        callbacks=callbacks,
    )
    trainer.data_collator = CountingCollator(trainer.data_collator)
    if settings.compact_cpu_head:
        from cmat.training._cpu_head import compact_cpu_head

        compact_cpu_head(trainer.model.get_base_model() if hasattr(trainer.model, "get_base_model") else trainer.model)
    facts = {
        "base_model": base,
        "parent_adapter": settings.init_adapter,
        "examples": len(examples),
        "examples_used": len(rows),
        "examples_dropped": dropped,
        "tokens": sum(len(r["input_ids"]) for r in rows),
        "loss_tokens": sum(sum(1 for x in r["labels"] if x != -100) for r in rows),
        "sha256": c.data_sha256(examples),
    }
    return trainer, facts


def train_sft(
    examples: list[dict[str, Any]], settings: SFTSettings | None = None, callbacks: list[Any] | None = None
) -> TrainResult:
    """Train a LoRA adapter on ``examples`` (``{"messages": [{"role", "content", "train"}]}``).

    Resumes from the last complete checkpoint in ``settings.output_dir`` when ``resume`` is on;
    saves the adapter, its tokenizer and ``adapter_manifest.json`` to ``output_dir/adapter``.
    ``callbacks`` are extra ``transformers.TrainerCallback`` objects (early stopping, probes).
    """
    settings = settings or SFTSettings()
    checkpoint = c.claim_output_dir(Path(settings.output_dir), "sft", c.data_sha256(examples), settings)
    trainer, facts = build_sft_trainer(examples, settings, callbacks)
    return run_and_save(trainer, "sft", settings, facts, checkpoint)


def run_and_save(
    trainer: Any, kind: str, settings: c.RunSettings, facts: dict[str, Any], checkpoint: Path | None
) -> TrainResult:
    """Train (resuming from ``checkpoint``), save ``adapter/`` + manifest, and report."""
    started = time.perf_counter()
    if checkpoint is not None:
        c.log.info("resuming %s from %s", kind, checkpoint)
    output = trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
    wall = time.perf_counter() - started
    adapter_dir = Path(settings.output_dir) / "adapter"
    main = bool(trainer.is_world_process_zero())  # under a launcher only the first process saves
    model = trainer.accelerator.unwrap_model(trainer.model)  # DDP wraps the model
    if main:
        # A DPO model also holds the frozen "ref" copy of the adapter; only the trained one is saved.
        model.save_pretrained(str(adapter_dir), selected_adapters=["default"])
        trainer.processing_class.save_pretrained(str(adapter_dir))
    stats = getattr(trainer.data_collator, "stats", None)
    curve = c.loss_curve(trainer.state.log_history)
    result = TrainResult(
        kind=kind,
        output_dir=str(settings.output_dir),
        adapter_dir=str(adapter_dir),
        manifest_path=str(adapter_dir / c.MANIFEST),
        global_step=int(trainer.state.global_step),
        train_loss=float(output.training_loss) if output.training_loss is not None else None,
        loss_curve=curve,
        wall_time_s=round(wall, 3),
        resumed_from=str(checkpoint) if checkpoint else None,
        examples=int(facts["examples"]),
        examples_used=int(facts["examples_used"]),
        tokens_seen=stats.tokens if stats else 0,
        tokens_per_second=round(stats.tokens / wall, 1) if stats and wall > 0 else 0.0,
        padding_fraction=stats.padding_fraction if stats else None,
        processes=int(trainer.args.world_size),
        is_main_process=main,
    )
    if main:
        c.write_manifest(
            adapter_dir,
            {
                "kind": kind,
                "base_model": facts["base_model"],
                "settings": asdict(settings),
                "data": {k: v for k, v in facts.items() if k != "base_model"},
                "train_loss": c.loss_summary(curve),
                "global_step": result.global_step,
                "resumed_from": result.resumed_from,
                "wall_time_s": result.wall_time_s,
                "tokens_per_second": result.tokens_per_second,
                "padding_fraction": result.padding_fraction,
                "processes": result.processes,
            },
        )
    trainer.accelerator.wait_for_everyone()
    return result
