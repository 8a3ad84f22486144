"""SFT throughput: cmat's ``train_sft`` (TRL SFTTrainer + PEFT) vs a bare PyTorch LoRA loop.

Prints one JSON object::

    python benchmarks/train.py                      # embedded SmolLM2-135M, 6 steps of 2 examples
    python benchmarks/train.py --steps 12 --batch-size 8 --max-length 512 --model PATH

All three runs train the same LoRA (the default ``SFTSettings``: r=16 on every projection) on the
same synthetic SQL conversations for one epoch, with AdamW and one optimizer step per batch:

* ``cmat_sft`` — ``train_sft`` with its defaults (padding-free batches, loss on trainable
  assistant turns only);
* ``bare_padding_free`` — forward / backward / ``optimizer.step()`` by hand on the very batches
  that cmat's collator produces (what the Trainer machinery costs);
* ``bare_padded`` — the same loop on ordinary right-padded batches (what padding-free buys).

``tokens_per_s`` counts real (non-padding) tokens per second over the steps after the first
(warm-up); ``padding_fraction`` is the share of batch positions that were padding. The variants
run interleaved ``--repeats`` times and the fastest run of each is reported (on a shared machine
other processes only ever slow a run down); all samples are listed too.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import tempfile
import time
from typing import Any

WORDS = [
    "name",
    "age",
    "city",
    "salary",
    "department",
    "manager",
    "project",
    "budget",
    "revenue",
    "customer",
    "order",
    "product",
]


def make_examples(count: int, seed: int) -> list[dict[str, Any]]:
    """Short agent-like conversations of varied length (so that padding matters)."""
    rng = random.Random(seed)
    examples = []
    for _ in range(count):
        cols = ", ".join(rng.choices(WORDS, k=rng.randint(1, 6)))
        question = " ".join(rng.choices(WORDS, k=rng.randint(6, 30)))
        examples.append(
            {
                "messages": [
                    {"role": "user", "content": f"Table staff has columns {cols}. Question: {question}?"},
                    {
                        "role": "assistant",
                        "content": f"Action: Operation\n```sql\nSELECT {cols} FROM staff;\n```",
                        "train": True,
                    },
                ]
            }
        )
    return examples


def bare_loop(model_path: str, settings: Any, batches: list[dict[str, Any]]) -> dict[str, Any]:
    """Forward, backward and AdamW step by hand over ``batches``; timing skips the first step."""
    import torch
    from peft import get_peft_model
    from transformers import AutoModelForCausalLM

    from cmat.training._common import precision

    torch.manual_seed(settings.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype, _ = precision()
    model = AutoModelForCausalLM.from_pretrained(model_path, dtype=dtype).to(device)
    model = get_peft_model(model, settings.lora_config())
    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=settings.learning_rate)
    tokens, seconds, losses = 0, 0.0, []
    for step, batch in enumerate(batches):
        batch = {k: v.to(device) if hasattr(v, "to") else v for k, v in batch.items()}
        started = time.perf_counter()
        loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if device == "cuda":
            torch.cuda.synchronize()
        elapsed = time.perf_counter() - started
        losses.append(float(loss.detach()))
        if step:
            seconds += elapsed
            tokens += real_tokens(batch)
    return {
        "tokens_per_s": round(tokens / seconds, 1),
        "loss_first": round(losses[0], 4),
        "loss_last": round(losses[-1], 4),
    }


def real_tokens(batch: dict[str, Any]) -> int:
    """Non-padding tokens of a collated batch (padding-free rows have no padding)."""
    if "attention_mask" in batch:
        return int(batch["attention_mask"].sum())
    return int(batch["input_ids"].numel())


def padding_fraction(batches: list[dict[str, Any]]) -> float:
    positions = sum(int(b["input_ids"].numel()) for b in batches)
    return round(1 - sum(real_tokens(b) for b in batches) / positions, 4)


def step_timer(stats: Any) -> Any:
    """A TrainerCallback noting, at each step's end, the time and the tokens collated so far."""
    from transformers import TrainerCallback

    class StepTimer(TrainerCallback):  # type: ignore[misc]
        def __init__(self) -> None:
            self.marks: list[tuple[float, int]] = []

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self.marks.append((time.perf_counter(), stats.tokens))

    return StepTimer()


def cmat_run(examples: list[dict[str, Any]], settings: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Train with cmat; return its figures and one epoch of the batches its collator produces."""
    from cmat.training.data import BatchStats
    from cmat.training.sft import build_sft_trainer, run_and_save

    trainer, facts = build_sft_trainer(examples, settings)
    batches = list(trainer.get_train_dataloader())
    trainer.data_collator.stats = BatchStats()  # count only the batches of the training run itself
    timer = step_timer(trainer.data_collator.stats)
    trainer.add_callback(timer)
    result = run_and_save(trainer, "sft", settings, facts, None)
    (t0, n0), (t1, n1) = timer.marks[0], timer.marks[-1]
    figures = {
        "tokens_per_s": round((n1 - n0) / (t1 - t0), 1),
        "tokens_per_s_end_to_end": result.tokens_per_second,
        "padding_fraction": result.padding_fraction,
        "loss_first": round(result.loss_curve[0][1], 4),
        "loss_last": round(result.loss_curve[-1][1], 4),
    }
    return figures, batches


def padded_batches(model_path: str, examples: list[dict[str, Any]], batch_size: int, max_length: int) -> list[Any]:
    """The same examples as ordinary right-padded batches (TRL's collator without padding-free)."""
    from transformers import AutoTokenizer
    from trl.trainer.sft_trainer import DataCollatorForLanguageModeling

    from cmat.training.data import tokenize_examples

    tokenizer = AutoTokenizer.from_pretrained(model_path)
    rows, _ = tokenize_examples(tokenizer, examples, max_length)
    collate = DataCollatorForLanguageModeling(pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id)
    return [collate(rows[i : i + batch_size]) for i in range(0, len(rows), batch_size)]


def best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest of the repeats (other processes only ever slow a run down), with all samples."""
    top = max(runs, key=lambda r: r["tokens_per_s"])
    return {**top, "tokens_per_s_samples": [r["tokens_per_s"] for r in runs]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model folder; default: the embedded SmolLM2-135M")
    parser.add_argument("--steps", type=int, default=6, help="optimizer steps (one epoch) per run")
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=2, help="runs of each variant, interleaved; best is kept")
    args = parser.parse_args()

    import torch

    from cmat.training import SFTSettings
    from cmat.training._common import resolve_base_model

    started = time.perf_counter()
    model_path = resolve_base_model(args.model)
    examples = make_examples(args.steps * args.batch_size, seed=0)
    padded = padded_batches(model_path, examples, args.batch_size, args.max_length)
    runs: dict[str, list[dict[str, Any]]] = {"cmat_sft": [], "bare_padding_free": [], "bare_padded": []}
    with tempfile.TemporaryDirectory() as out:
        settings = SFTSettings(
            base_model=model_path,
            output_dir=out,
            max_steps=args.steps,
            batch_size=args.batch_size,
            max_length=args.max_length,
            save_steps=10**6,
            logging_steps=1,
            report_to="none",
            progress_bar=False,
            resume=False,
        )
        for _ in range(args.repeats):
            cmat, batches = cmat_run(examples, settings)
            runs["cmat_sft"].append(cmat)
            runs["bare_padding_free"].append({**bare_loop(model_path, settings, batches), "padding_fraction": 0.0})
            bare_padded = bare_loop(model_path, settings, padded)
            runs["bare_padded"].append({**bare_padded, "padding_fraction": padding_fraction(padded)})
    results = {name: best(samples) for name, samples in runs.items()}
    cmat_tps, bare_tps = results["cmat_sft"]["tokens_per_s"], results["bare_padding_free"]["tokens_per_s"]
    report = {
        "benchmark": "train_sft_throughput",
        "model": model_path,
        "device": "cuda" if torch.cuda.is_available() else "cpu",
        "torch_threads": torch.get_num_threads(),
        "machine": platform.machine(),
        "steps": args.steps,
        "batch_size": args.batch_size,
        "repeats": args.repeats,
        "tokens_per_step": round(sum(real_tokens(b) for b in batches) / len(batches), 1),
        "lora": {"r": settings.lora_r, "alpha": settings.lora_alpha, "targets": settings.target_modules},
        **results,
        "ratio_cmat_vs_bare": round(cmat_tps / bare_tps, 3),
        "ratio_padding_free_vs_padded": round(bare_tps / results["bare_padded"]["tokens_per_s"], 3),
        "wall_s": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
