"""SFT throughput: cmat's SFT step (TRL SFTTrainer + PEFT) vs a bare PyTorch LoRA loop.

Prints one JSON object::

    python benchmarks/train.py                     # embedded SmolLM2-135M, 5 batches of 2 examples
    python benchmarks/train.py --steps 12 --batch-size 8 --max-length 512 --model PATH

Three step functions train the same LoRA (default ``SFTSettings``: r=16 on every projection)
with AdamW on the same synthetic SQL conversations:

* ``cmat_step`` — the Trainer's own step: ``SFTTrainer.training_step`` (TRL's loss on trainable
  assistant tokens through its chunked LM head, backward via accelerate), gradient clipping,
  optimizer and scheduler step, on the padding-free batches cmat's collator produced;
* ``bare_padding_free`` — ``model(**batch).loss.backward()`` + ``optimizer.step()`` by hand on
  the very same batches (what TRL's loss path costs or saves);
* ``bare_padded`` — the bare step on ordinary right-padded batches of the same examples (what
  padding-free buys);
* ``bare_one_per_micro_batch`` — the same examples one per micro-batch, gradients accumulated over
  the batch before the optimizer step (``batch_size=1, grad_accum=N``, ``cmat tune``'s default).
  Without FlashAttention (a CPU), a padding-free row of N examples is attended as one long
  sequence under a block-diagonal mask, so attention costs grow with the square of the row; one
  example per micro-batch pays only for each example's own square.

``--context-words`` prepends that many words of instructions to every user turn, for examples as
long as real agent prompts (AgentBench's DBBench instructions are about 450 tokens).

The machine is shared, so the three run interleaved batch by batch, ``--repeats`` rounds after
one warm-up step each, and each batch counts with its fastest time over the rounds (other
processes only ever slow a step down). ``tokens_per_s`` counts real (non-padding) tokens.
``train_sft_end_to_end`` is one real ``train_sft`` run over the same batches (the tokens/s it
writes into its manifest, start-up and every step included): that one is exposed to the noise.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

WORDS = "name age city salary department manager project budget revenue customer order product"


def make_examples(count: int, seed: int, context_words: int = 0) -> list[dict[str, Any]]:
    """Agent-like conversations of varied length (so that padding matters), with an optional
    block of ``context_words`` instruction words in front of each question."""
    rng = random.Random(seed)
    words = WORDS.split(" ")
    examples = []
    for _ in range(count):
        context = " ".join(rng.choices(words, k=context_words)) + "\n" if context_words else ""
        cols = ", ".join(rng.choices(words, k=rng.randint(1, 6)))
        question = " ".join(rng.choices(words, k=rng.randint(6, 30)))
        answer = f"Action: Operation\n```sql\nSELECT {cols} FROM staff;\n```"
        examples.append(
            {
                "messages": [
                    {"role": "user", "content": f"{context}Table staff has columns {cols}. Question: {question}?"},
                    {"role": "assistant", "content": answer, "train": True},
                ]
            }
        )
    return examples


def real_tokens(batch: dict[str, Any]) -> int:
    """Non-padding tokens of a collated batch (padding-free rows have no padding)."""
    if "micro" in batch:
        return sum(real_tokens(b) for b in batch["micro"])
    if "attention_mask" in batch:
        return int(batch["attention_mask"].sum())
    return int(batch["input_ids"].numel())


def positions(batch: dict[str, Any]) -> int:
    if "micro" in batch:
        return sum(positions(b) for b in batch["micro"])
    return int(batch["input_ids"].numel())


def padding_fraction(batches: list[dict[str, Any]]) -> float:
    total = sum(positions(b) for b in batches)
    return round(1 - sum(real_tokens(b) for b in batches) / total, 4)


def cmat_step(trainer: Any, steps: int) -> Callable[[dict[str, Any]], float]:
    """One optimizer step exactly as ``Trainer.train`` takes it (less the dataloader)."""
    import torch

    trainer.create_optimizer_and_scheduler(num_training_steps=steps)
    trainer.current_gradient_accumulation_steps = 1  # set by Trainer.train otherwise
    model = trainer.model
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]

    def step(batch: dict[str, Any]) -> float:
        loss = trainer.training_step(model, dict(batch))
        torch.nn.utils.clip_grad_norm_(params, trainer.args.max_grad_norm)
        trainer.optimizer.step()
        trainer.lr_scheduler.step()
        model.zero_grad(set_to_none=True)
        return float(loss.detach())

    return step


def bare_step(model_path: str, settings: Any) -> Callable[[dict[str, Any]], float]:
    """Forward, backward and AdamW step by hand on a fresh copy of the same LoRA model."""
    import torch
    from peft import get_peft_model
    from transformers import AutoModelForCausalLM

    from cmat.training._common import precision

    torch.manual_seed(settings.seed)
    dtype, _ = precision()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = get_peft_model(AutoModelForCausalLM.from_pretrained(model_path, dtype=dtype), settings.lora_config())
    model.to(device).train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=settings.learning_rate)

    def step(batch: dict[str, Any]) -> float:
        micro = batch.get("micro", [batch])  # several micro-batches: accumulate, then one step
        total = 0.0
        for part in micro:
            part = {k: v.to(device) if hasattr(v, "to") else v for k, v in part.items()}
            loss = model(**part, use_cache=False).loss / len(micro)
            loss.backward()
            total += float(loss.detach())
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return total

    return step


def timed(step: Callable[[dict[str, Any]], float], batch: dict[str, Any]) -> tuple[float, float]:
    import torch

    started = time.perf_counter()
    loss = step(batch)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter() - started, loss


def padded_batches(model_path: str, examples: list[dict[str, Any]], batch_size: int, max_length: int) -> list[Any]:
    """The same examples as ordinary right-padded batches (TRL's collator without padding-free)."""
    from transformers import AutoTokenizer
    from trl.trainer.sft_trainer import DataCollatorForLanguageModeling

    from cmat.training.data import tokenize_examples

    tokenizer = AutoTokenizer.from_pretrained(model_path)
    rows, _ = tokenize_examples(tokenizer, examples, max_length)
    collate = DataCollatorForLanguageModeling(pad_token_id=tokenizer.pad_token_id)
    return [collate(rows[i : i + batch_size]) for i in range(0, len(rows), batch_size)]


def interleaved(variants: dict[str, tuple[Any, list[dict[str, Any]]]], repeats: int) -> dict[str, Any]:
    """Run the variants batch by batch, rotating their order; keep each batch's fastest time."""
    names = list(variants)
    for name in names:  # warm-up (allocator, kernels), not timed
        timed(variants[name][0], variants[name][1][0])
    best: dict[str, list[float]] = {name: [float("inf")] * len(variants[name][1]) for name in names}
    losses: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeats):
        for i in range(len(variants[names[0]][1])):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                step, batches = variants[name]
                seconds, loss = timed(step, batches[i])
                best[name][i] = min(best[name][i], seconds)
                losses[name].append(loss)
    out = {}
    for name in names:
        tokens = sum(real_tokens(b) for b in variants[name][1])
        out[name] = {
            "tokens_per_s": round(tokens / sum(best[name]), 1),
            "step_s": [round(s, 2) for s in best[name]],
            "padding_fraction": padding_fraction(variants[name][1]),
            "loss_first": round(losses[name][0], 4),
            "loss_last": round(losses[name][-1], 4),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model folder; default: the embedded SmolLM2-135M")
    parser.add_argument("--steps", type=int, default=5, help="batches (one epoch)")
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=2, help="timed rounds over the batches")
    parser.add_argument("--context-words", type=int, default=0, help="instruction words before each question")
    args = parser.parse_args()

    import torch

    from cmat.training import SFTSettings
    from cmat.training._common import resolve_base_model
    from cmat.training.sft import build_sft_trainer, train_sft

    started = time.perf_counter()
    model_path = resolve_base_model(args.model)
    examples = make_examples(args.steps * args.batch_size, seed=0, context_words=args.context_words)
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
        trainer, _ = build_sft_trainer(examples, settings)
        batches = list(trainer.get_train_dataloader())
        single = padded_batches(model_path, examples, 1, args.max_length)  # one example: no padding
        steps = args.steps * (args.repeats + 1)
        results = interleaved(
            {
                "cmat_step": (cmat_step(trainer, steps), batches),
                "bare_padding_free": (bare_step(model_path, settings), batches),
                "bare_padded": (
                    bare_step(model_path, settings),
                    padded_batches(model_path, examples, args.batch_size, args.max_length),
                ),
                "bare_one_per_micro_batch": (bare_step(model_path, settings), [
                    {"micro": single[i : i + args.batch_size]} for i in range(0, len(single), args.batch_size)
                ]),
            },
            args.repeats,
        )
        del trainer
        with contextlib.redirect_stdout(sys.stderr):  # the Trainer prints its logs; stdout is the JSON
            run = train_sft(examples, settings)
    report = {
        "benchmark": "train_sft_throughput",
        "model": model_path,
        "device": "cuda" if torch.cuda.is_available() else "cpu",
        "torch_threads": torch.get_num_threads(),
        "machine": platform.machine(),
        "batches": args.steps,
        "batch_size": args.batch_size,
        "repeats": args.repeats,
        "tokens_per_batch": round(sum(real_tokens(b) for b in batches) / len(batches), 1),
        "lora": {"r": settings.lora_r, "alpha": settings.lora_alpha, "targets": settings.target_modules},
        **results,
        "ratio_cmat_vs_bare": round(
            results["cmat_step"]["tokens_per_s"] / results["bare_padding_free"]["tokens_per_s"], 3
        ),
        "ratio_padding_free_vs_padded": round(
            results["bare_padding_free"]["tokens_per_s"] / results["bare_padded"]["tokens_per_s"], 3
        ),
        "ratio_one_per_micro_batch_vs_padding_free": round(
            results["bare_one_per_micro_batch"]["tokens_per_s"] / results["bare_padding_free"]["tokens_per_s"], 3
        ),
        "train_sft_end_to_end": {
            "tokens_per_s": run.tokens_per_second,
            "padding_fraction": run.padding_fraction,
            "wall_s": run.wall_time_s,
            "loss_first": round(run.loss_curve[0][1], 4),
            "loss_last": round(run.loss_curve[-1][1], 4),
        },
        "wall_s": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
