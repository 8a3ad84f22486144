"""What SFT and DPO share: run settings, results, lazy imports, checkpoints, logging, manifests.

Heavy packages (torch, transformers, trl, peft, datasets) are imported inside functions so that
``import cmat.training`` stays light; a missing one raises
:class:`~cmat.errors.MissingDependencyError` naming the ``train`` extra.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import importlib.util
import json
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cmat.errors import ConfigError, require

log = logging.getLogger("cmat.training")

MANIFEST = "adapter_manifest.json"
RUN_FILE = "cmat-run.json"
MANIFEST_FORMAT = 1
LLAMA_PROJECTIONS = "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj"
_CHECKPOINT = re.compile(r"^checkpoint-(\d+)$")


def lazy(module: str) -> Any:
    """Import ``module`` or raise ``MissingDependencyError(package, "train")``."""
    return require(module, "train", "training")


@dataclass
class RunSettings:
    """Fields every training run has (SFT and DPO add their own)."""

    base_model: str | None = field(
        default=None, metadata={"help": "base model folder or hub id; None = the embedded SmolLM2-135M-Instruct"}
    )
    output_dir: str = field(default="runs/train", metadata={"help": "checkpoints, logs, adapter/ and manifest go here"})
    learning_rate: float = field(default=2e-4, metadata={"help": "peak AdamW learning rate (linear decay)"})
    epochs: float = field(default=1.0, metadata={"help": "passes over the data (ignored when max_steps > 0)"})
    max_steps: int = field(default=-1, metadata={"help": "optimizer steps to run; -1 = use epochs"})
    batch_size: int = field(default=4, metadata={"help": "examples per device per micro-batch"})
    grad_accum: int = field(default=1, metadata={"help": "micro-batches accumulated per optimizer step"})
    max_length: int = field(default=1024, metadata={"help": "tokens kept per example (the end is cut)"})
    seed: int = field(default=0, metadata={"help": "seed for LoRA init, shuffling and dropout"})
    save_steps: int = field(default=50, metadata={"help": "write a resumable checkpoint every N optimizer steps"})
    save_total_limit: int | None = field(default=2, metadata={"help": "checkpoints kept; None = keep all"})
    logging_steps: int = field(default=5, metadata={"help": "log loss / learning rate every N optimizer steps"})
    report_to: str = field(
        default="tensorboard",
        metadata={
            "help": "where logs go: tensorboard (output_dir/runs), mlflow, none",
            "choices": ["tensorboard", "mlflow", "none"],
        },
    )
    resume: bool = field(
        default=True, metadata={"help": "continue from the last complete checkpoint in output_dir, if any"}
    )
    gradient_checkpointing: bool = field(
        default=False, metadata={"help": "trade compute for memory (worth it only for large models on a GPU)"}
    )
    progress_bar: bool = field(default=True, metadata={"help": "show a progress bar while training"})


@dataclass
class TrainResult:
    """What a finished run produced and measured."""

    kind: str
    output_dir: str
    adapter_dir: str
    manifest_path: str
    global_step: int
    train_loss: float | None
    loss_curve: list[tuple[int, float]]
    wall_time_s: float
    resumed_from: str | None = None
    examples: int = 0
    examples_used: int = 0
    tokens_seen: int = 0
    tokens_per_second: float = 0.0
    padding_fraction: float | None = None
    processes: int = 1  # data-parallel training processes (a launcher's world size)
    is_main_process: bool = True  # the process that saved the adapter (``cmat.training.launch``)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def resolve_base_model(base_model: str | None, adapter_dir: str | Path | None = None) -> str:
    """The model to load: ``base_model``, else the base recorded with ``adapter_dir``, else the embedded one."""
    if base_model:
        return base_model
    from cmat.llm.embedded import EMBEDDED_MODEL_ID, embedded_model_path

    if adapter_dir is not None:
        recorded = recorded_base(Path(adapter_dir))
        # An adapter trained on another machine records that machine's cache folder of the
        # embedded model; here the embedded model is this machine's cache of the same GGUF.
        if recorded and not (Path(recorded).name == EMBEDDED_MODEL_ID and not Path(recorded).exists()):
            return recorded
    return str(embedded_model_path())


def recorded_base(adapter_dir: Path) -> str | None:
    """The base model an adapter was trained on, from its manifest or ``adapter_config.json``."""
    for name, key in ((MANIFEST, "base_model"), ("adapter_config.json", "base_model_name_or_path")):
        try:
            value = json.loads((adapter_dir / name).read_text(encoding="utf-8")).get(key)
        except (OSError, ValueError):
            continue
        if value:
            return str(value)
    return None


def resolve_report_to(report_to: str) -> str:
    """``report_to`` if its logger is installed, else ``"none"`` with a warning (never fails a run)."""
    if report_to not in ("tensorboard", "mlflow", "none"):
        raise ConfigError(f"report_to must be tensorboard, mlflow or none, not {report_to!r}")
    needed = {"tensorboard": "tensorboard", "mlflow": "mlflow"}.get(report_to)
    if needed and importlib.util.find_spec(needed) is None:
        log.warning("report_to=%s but '%s' is not installed; logging to the console only", report_to, needed)
        return "none"
    return report_to


def last_checkpoint(output_dir: str | Path) -> Path | None:
    """The highest ``checkpoint-N`` folder that was written completely, or None.

    The Trainer writes ``trainer_state.json`` last, so a folder without it was cut short by a kill
    and is skipped (transformers' ``get_last_checkpoint`` would pick it and then fail).
    """
    folder = Path(output_dir)
    if not folder.is_dir():
        return None
    found: list[tuple[int, Path]] = []
    for child in folder.iterdir():
        match = _CHECKPOINT.match(child.name)
        if not match or not child.is_dir():
            continue
        if (child / "trainer_state.json").is_file():
            found.append((int(match.group(1)), child))
        else:
            log.warning("ignoring incomplete checkpoint %s (no trainer_state.json)", child)
    return max(found)[1] if found else None


def data_sha256(records: Sequence[Any]) -> str:
    """Order-sensitive fingerprint of the training records (canonical JSON, one per line)."""
    digest = hashlib.sha256()
    for record in records:
        digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


_SCHEDULE = ("max_steps", "epochs", "learning_rate", "batch_size", "grad_accum")


def claim_output_dir(output_dir: Path, kind: str, sha: str, settings: RunSettings) -> Path | None:
    """Record this run's data in ``output_dir`` and return the checkpoint to resume from.

    Resuming on different data would silently mix two runs, so a checkpointed folder made from
    other records is refused unless ``settings.resume`` is off. Changing the schedule (say
    ``max_steps``) on resume only warns: the Trainer restores the old learning-rate schedule.
    """
    output_dir.mkdir(parents=True, exist_ok=True)
    run_file = output_dir / RUN_FILE
    schedule = {name: getattr(settings, name) for name in _SCHEDULE}
    checkpoint = last_checkpoint(output_dir)
    if checkpoint is not None and settings.resume and run_file.is_file():
        previous = json.loads(run_file.read_text(encoding="utf-8"))
        if previous.get("data_sha256") != sha or previous.get("kind") != kind:
            raise ConfigError(
                f"{output_dir} holds checkpoints of another {previous.get('kind')} run on other data; "
                "use a new output_dir or resume=False"
            )
        if previous.get("schedule", schedule) != schedule:
            log.warning(
                "resuming %s with a changed schedule %s -> %s; the learning-rate schedule restored from the "
                "checkpoint is the old one",
                checkpoint,
                previous.get("schedule"),
                schedule,
            )
    if checkpoint is not None and not settings.resume:
        log.warning("resume=False: starting over in %s although it holds %s", output_dir, checkpoint.name)
        checkpoint = None
    record = {"kind": kind, "data_sha256": sha, "schedule": schedule}
    run_file.write_text(json.dumps(record), encoding="utf-8")
    return checkpoint


def precision() -> tuple[Any, bool]:
    """(dtype to load the model in, bf16 mixed precision?): bf16 on a CUDA GPU that has it, else fp32."""
    torch = lazy("torch")
    bf16 = bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    return (torch.bfloat16 if bf16 else torch.float32), bf16


def load_base(model_path: str) -> tuple[Any, Any]:
    """Load (causal LM, tokenizer) from ``model_path``; the tokenizer gets a pad token if it lacks one."""
    transformers = lazy("transformers")
    dtype, _ = precision()
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_path)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = transformers.AutoModelForCausalLM.from_pretrained(model_path, dtype=dtype)
    return model, tokenizer


def trainer_args(settings: RunSettings, report_to: str) -> dict[str, Any]:
    """Keyword arguments common to ``SFTConfig`` and ``DPOConfig``."""
    _, bf16 = precision()
    fields = {f.name for f in dataclasses.fields(lazy("transformers").TrainingArguments)}
    # transformers 5 renamed gradient_checkpointing (the old name still works, with a warning).
    checkpointing = "activation_checkpointing" if "activation_checkpointing" in fields else "gradient_checkpointing"
    return {
        "output_dir": settings.output_dir,
        "learning_rate": settings.learning_rate,
        "num_train_epochs": settings.epochs,
        "max_steps": settings.max_steps,
        "per_device_train_batch_size": settings.batch_size,
        "gradient_accumulation_steps": settings.grad_accum,
        "max_length": settings.max_length,
        "seed": settings.seed,
        "save_strategy": "steps",
        "save_steps": settings.save_steps,
        "save_total_limit": settings.save_total_limit,
        "logging_steps": settings.logging_steps,
        "report_to": report_to,
        "bf16": bf16,
        checkpointing: settings.gradient_checkpointing,
        "disable_tqdm": not settings.progress_bar,
        "dataloader_pin_memory": bool(lazy("torch").cuda.is_available()),
        "dataloader_num_workers": 0,
        "lr_scheduler_type": "linear",
        "warmup_steps": 0,
        **_cpu_processes(),
    }


def _cpu_processes() -> dict[str, Any]:
    """Data parallel over CPU processes (``torchrun --nproc_per_node N`` without a GPU): the
    Trainer joins the launcher's process group only when told it is on the CPU, over gloo."""
    if int(os.environ.get("WORLD_SIZE", "1")) > 1 and not lazy("torch").cuda.is_available():
        return {"use_cpu": True, "ddp_backend": "gloo"}
    return {}


def loss_curve(log_history: list[dict[str, Any]]) -> list[tuple[int, float]]:
    """(step, loss) pairs of the training log (restored across resumes by the Trainer)."""
    return [(int(e["step"]), float(e["loss"])) for e in log_history if "loss" in e and "step" in e]


def loss_summary(curve: list[tuple[int, float]], keep: int = 50) -> dict[str, Any]:
    """First / last / min loss, means of the first and last quarter, and at most ``keep`` points."""
    if not curve:
        return {"points": []}
    losses = [loss for _, loss in curve]
    quarter = max(1, len(losses) // 4)
    stride = max(1, -(-len(curve) // keep))
    points = curve[::stride]
    if points[-1] != curve[-1]:
        points.append(curve[-1])
    return {
        "first": losses[0],
        "last": losses[-1],
        "min": min(losses),
        "mean_first_quarter": sum(losses[:quarter]) / quarter,
        "mean_last_quarter": sum(losses[-quarter:]) / quarter,
        "logged": len(losses),
        "points": [list(p) for p in points],
    }


def versions() -> dict[str, str]:
    """Versions of the libraries that shaped the adapter (for the manifest)."""
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str] = {}
    for name in ("torch", "transformers", "trl", "peft", "cmat"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "unknown"
    return out


def write_manifest(adapter_dir: Path, manifest: dict[str, Any]) -> Path:
    """Write ``adapter_manifest.json`` beside the adapter; created time and versions are added."""
    manifest = {
        "format": MANIFEST_FORMAT,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        **manifest,
        "versions": versions(),
    }
    path = adapter_dir / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return path
