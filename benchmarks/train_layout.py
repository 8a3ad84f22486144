"""Batch layout of LoRA SFT on real DBBench gold trajectories: which is fastest here? Prints one JSON object.

    python benchmarks/train_layout.py                        # 3 optimizer steps of 4 examples per layout
    python benchmarks/train_layout.py --steps 5 --layouts one_per_micro_batch,padding_free

Each layout runs ``train_sft`` end to end (fresh LoRA, same examples, same effective batch of
``--batch`` examples per optimizer step) on gold trajectories of generated training tasks
(``cmat.tasks``; about 580 tokens each, most of it AgentBench's instructions):

* ``padding_free`` — ``batch_size=N``: the N examples concatenated into one row (cmat's
  padding-free collator). Without FlashAttention the row is attended under a block-diagonal mask,
  so the attention work is that of one sequence N times as long;
* ``padded`` — ``batch_size=N, padding_free=False``: N right-padded rows;
* ``one_per_micro_batch`` — ``batch_size=1, grad_accum=N``: each example alone, gradients
  accumulated (the default of ``cmat tune``).

``tokens_per_s`` is what ``train_sft`` writes into the adapter manifest (real tokens over the
wall time of ``Trainer.train``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from typing import Any

LAYOUTS = {
    "padding_free": lambda n: {"batch_size": n},
    "padded": lambda n: {"batch_size": n, "padding_free": False},
    "one_per_micro_batch": lambda n: {"batch_size": 1, "grad_accum": n},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3, help="optimizer steps per layout")
    parser.add_argument("--batch", type=int, default=4, help="examples per optimizer step")
    parser.add_argument("--layouts", default=",".join(LAYOUTS), help="comma-separated layouts to run")
    args = parser.parse_args()

    import torch

    from cmat.tasks import generate_tasks, gold_trajectories, sft_examples
    from cmat.training import SFTSettings, train_sft

    examples = sft_examples(gold_trajectories(generate_tasks(args.steps * args.batch, seed=99)))
    results: dict[str, Any] = {}
    for name in args.layouts.split(","):
        with tempfile.TemporaryDirectory() as out, contextlib.redirect_stdout(sys.stderr):
            started = time.perf_counter()
            run = train_sft(examples, SFTSettings(output_dir=out, max_steps=args.steps, max_length=1536,
                                                  report_to="none", progress_bar=False, resume=False,
                                                  save_steps=10**6, **LAYOUTS[name](args.batch)))
        results[name] = {"tokens_per_s": run.tokens_per_second, "train_wall_s": run.wall_time_s,
                         "padding_fraction": run.padding_fraction, "tokens": run.tokens_seen,
                         "total_wall_s": round(time.perf_counter() - started, 1)}
    fastest = max(results, key=lambda k: results[k]["tokens_per_s"])
    print(json.dumps({
        "benchmark": "train_layout", "device": "cuda" if torch.cuda.is_available() else "cpu",
        "torch_threads": torch.get_num_threads(), "steps": args.steps, "examples_per_step": args.batch,
        "examples": len(examples), "layouts": results, "fastest": fastest,
        "speed_vs_padding_free": {k: round(v["tokens_per_s"] / results["padding_free"]["tokens_per_s"], 2)
                                  for k, v in results.items()} if "padding_free" in results else None,
    }, indent=1))


if __name__ == "__main__":
    main()
