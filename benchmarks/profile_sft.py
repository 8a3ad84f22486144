"""Where an SFT step's time goes: ``torch.profiler`` over cmat's step and the bare loop.

Prints one JSON object: for each step function of ``benchmarks/train.py`` (``cmat_step``,
``bare_padding_free``), the wall time of the profiled steps and the operators with the most
self CPU time, plus the total CPU time of TRL's chunked LM-head function when it ran::

    python benchmarks/profile_sft.py                       # 3 profiled batches, as BENCHMARKS.md
    python benchmarks/profile_sft.py --no-compact-cpu-head # TRL's own kernel (the 84 % run)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from train import bare_step, cmat_step, make_examples


def _profile(step: Any, batches: list[dict[str, Any]], top: int) -> dict[str, Any]:
    from torch.profiler import ProfilerActivity, profile

    started = time.perf_counter()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for batch in batches:
            step(batch)
    wall = time.perf_counter() - started
    events = prof.key_averages()
    ranked = sorted(events, key=lambda e: e.self_cpu_time_total, reverse=True)[:top]
    chunked = [e for e in events if e.key.startswith("ChunkedLogProbFunction")]
    return {
        "wall_s": round(wall, 2),
        "self_cpu_s": round(sum(e.self_cpu_time_total for e in events) / 1e6, 2),
        "trl_chunked_head_cpu_s": round(sum(e.cpu_time_total for e in chunked) / 1e6, 2),
        "top_ops": [{"op": e.key, "self_cpu_s": round(e.self_cpu_time_total / 1e6, 3), "calls": e.count}
                    for e in ranked],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model folder; default: the embedded SmolLM2-135M")
    parser.add_argument("--steps", type=int, default=3, help="profiled batches (one more warms up)")
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument("--max-length", type=int, default=768)
    parser.add_argument("--context-words", type=int, default=300)
    parser.add_argument("--top", type=int, default=12, help="operators listed per step")
    parser.add_argument("--no-compact-cpu-head", action="store_true", help="keep TRL's LM-head kernel on a CPU")
    args = parser.parse_args()

    import torch

    from cmat.training import SFTSettings
    from cmat.training._common import resolve_base_model
    from cmat.training.sft import build_sft_trainer

    model_path = resolve_base_model(args.model)
    examples = make_examples((args.steps + 1) * args.batch_size, seed=0, context_words=args.context_words)
    with tempfile.TemporaryDirectory() as out:
        settings = SFTSettings(base_model=model_path, output_dir=out, max_steps=args.steps + 1,
                               batch_size=args.batch_size, max_length=args.max_length, save_steps=10**6,
                               logging_steps=1, report_to="none", progress_bar=False, resume=False,
                               compact_cpu_head=not args.no_compact_cpu_head)
        trainer, _ = build_sft_trainer(examples, settings)
        batches = list(trainer.get_train_dataloader())
        steps = {"cmat_step": cmat_step(trainer, 4 * (args.steps + 1)),
                 "bare_padding_free": bare_step(model_path, settings)}
        for step in steps.values():  # warm-up, not profiled
            step(batches[0])
        report = {name: _profile(step, batches[1:], args.top) for name, step in steps.items()}
    print(json.dumps({"benchmark": "sft_step_profile", "model": model_path, "torch_threads": torch.get_num_threads(),
                      "compact_cpu_head": not args.no_compact_cpu_head, "batches": len(batches) - 1, **report},
                     indent=2))


if __name__ == "__main__":
    main()
