"""Rollout throughput: sequential episodes vs the batched engine vs plain batched ``generate``.

Prints one JSON object::

    python benchmarks/rollout.py                              # 32 DBBench dev tasks, 128 tokens/reply
    python benchmarks/rollout.py --tasks 16 --max-new-tokens 64 --concurrency 8 16

Every mode runs the same first ``--tasks`` DBBench dev tasks (SQLite, AgentBench's 5 rounds)
with the same embedded model (SmolLM2-135M-Instruct, greedy) and ``--threads`` torch threads:

* ``sequential`` — one episode, one request at a time (``concurrency=1``), as AgentBench's
  client does against a model server;
* ``batched_<c>`` — :func:`cmat.runner.orchestrator.run_many` with ``c`` episodes in flight:
  their pending requests go through one left-padded, KV-cached ``generate`` batch, and
  environment steps run on ``--env-workers`` threads;
* ``continuous_<c>`` (with ``--continuous``) — the same with ``batching="continuous"``: requests
  join and leave one running decode batch between tokens (``cmat.llm.hf_engine``), so a long
  reply no longer holds the other episodes until it ends;
* prefix KV caching (``--prefix-block``, on by default) is a property of the backend, so it
  applies to every mode alike (the ceiling's plain ``generate`` never uses it);
* ``ceiling`` — no agent loop at all: one plain batched ``model.generate`` over the first
  prompts of ``min(tasks, max concurrency)`` tasks, each forced to produce exactly
  ``T = ceil(tokens / prompts)`` new tokens (EOS ignored), where ``tokens`` is what the largest
  batched mode generated per ``prompts`` episodes. It has the same prompt shapes and the same
  token count as the engine, but one prefill per episode instead of one per turn and no
  stragglers, so it bounds what any batching schedule could reach.

``speedup_vs_sequential`` compares generated tokens per second with the sequential mode of the
same run; ``fraction_of_ceiling`` divides by the ceiling's tokens per second. The batched modes
also report whether their records equal the sequential ones (timings aside). Each mode runs
``--repeats`` times, interleaved (seq, batched..., ceiling, seq, ...), and counts its fastest
round: on a shared machine other processes only ever slow a round down.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
from typing import Any


def run_mode(
    llm: Any, tasks: list[Any], concurrency: int, max_new_tokens: int, env_workers: int, batching: str = "lockstep"
) -> dict[str, Any]:
    """One rollout of ``tasks`` with ``concurrency`` episodes in flight; throughput and records."""
    from cmat.registry import get_env
    from cmat.runner.orchestrator import Roles, run_many
    from cmat.types import GenerationConfig

    entry = get_env("dbbench")
    records: list[Any] = []
    roles = Roles.single(llm, GenerationConfig(max_new_tokens=max_new_tokens))
    started = time.perf_counter()
    run_many(tasks, entry.make, roles, records.append, concurrency, env_workers=env_workers if concurrency > 1 else 0,
             batching=batching)
    wall = time.perf_counter() - started
    tokens = sum(r.completion_tokens for r in records)
    return {
        "wall_s": wall, "episodes": len(records), "generated_tokens": tokens,
        "turns": sum(sum(t.role == "assistant" for t in r.turns) for r in records),
        "env_s": sum(r.timings.get("env_s", 0.0) for r in records),
        "records": {r.id: {**r.to_dict(), "timings": {}} for r in records},
    }


def run_ceiling(llm: Any, tasks: list[Any], new_tokens: int) -> dict[str, Any]:
    """Plain batched generate of the tasks' first prompts, exactly ``new_tokens`` each."""
    import torch

    from cmat.registry import get_env

    env = get_env("dbbench").make()
    prompts = [llm._encode(env.reset(task)) for task in tasks]
    env.close()
    width = max(len(p) for p in prompts)
    pad = llm.tokenizer.pad_token_id
    ids = torch.tensor([[pad] * (width - len(p)) + p for p in prompts])
    mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts])
    started = time.perf_counter()
    with torch.inference_mode():
        out = llm.model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=new_tokens,
                                 min_new_tokens=new_tokens, do_sample=False, pad_token_id=pad, use_cache=True)
    wall = time.perf_counter() - started
    return {"wall_s": wall, "episodes": len(prompts), "generated_tokens": (out.shape[1] - width) * len(prompts)}


def summary(best: dict[str, Any], base_tps: float | None, ceiling_tps: float | None) -> dict[str, Any]:
    tps = best["generated_tokens"] / best["wall_s"]
    row = {
        "wall_s": round(best["wall_s"], 2),
        "episodes": best["episodes"],
        "generated_tokens": best["generated_tokens"],
        "episodes_per_min": round(best["episodes"] / best["wall_s"] * 60, 2),
        "generated_tokens_per_s": round(tps, 2),
    }
    if "turns" in best:
        row["turns"], row["env_s_total"] = best["turns"], round(best["env_s"], 3)
        row["env_fraction_of_wall"] = round(best["env_s"] / best["wall_s"], 4)
    if base_tps:
        row["speedup_vs_sequential"] = round(tps / base_tps, 2)
    if ceiling_tps:
        row["fraction_of_ceiling"] = round(tps / ceiling_tps, 3)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=32, help="DBBench dev tasks (the same in every mode)")
    parser.add_argument("--max-new-tokens", type=int, default=128, help="most tokens per reply")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32], help="batched modes to run")
    parser.add_argument("--env-workers", type=int, default=4, help="threads stepping environments (batched modes)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads, the same for every mode")
    parser.add_argument("--repeats", type=int, default=1, help="interleaved rounds; each mode keeps its fastest")
    parser.add_argument("--model", default=None, help="model folder (default: the embedded SmolLM2-135M)")
    parser.add_argument("--continuous", action="store_true", help="also run continuous_<c> for every concurrency")
    parser.add_argument("--prefix-block", type=int, default=32, help="prefix KV caching block (0: off), every mode")
    args = parser.parse_args()
    os.environ["CMAT_NUM_THREADS"] = str(args.threads)
    import torch

    from cmat.llm.hf import HFLLM
    from cmat.registry import get_env

    torch.set_num_threads(args.threads)
    entry = get_env("dbbench")
    tasks = entry.load(entry.default_data())[: args.tasks]
    llm = HFLLM(model=args.model, batch_size=max(args.concurrency), prefix_block=args.prefix_block)
    run_mode(llm, tasks[:1], 1, 8, 0)  # warm-up: first-call allocations, tokenizer caches
    batched = [f"batched_{c}" for c in args.concurrency]
    modes = ["sequential", *batched, *[f"continuous_{c}" for c in args.concurrency if args.continuous]]
    best: dict[str, dict[str, Any]] = {}
    for _ in range(args.repeats):
        for name in modes:
            concurrency = 1 if name == "sequential" else int(name.split("_")[1])
            batching = "continuous" if name.startswith("continuous") else "lockstep"
            result = run_mode(llm, tasks, concurrency, args.max_new_tokens, args.env_workers, batching)
            if name not in best or result["wall_s"] < best[name]["wall_s"]:
                best[name] = result
        largest = best[batched[-1]]
        prompts = min(len(tasks), max(args.concurrency))
        per_prompt = math.ceil(largest["generated_tokens"] * prompts / max(1, largest["episodes"]) / prompts)
        result = run_ceiling(llm, tasks[:prompts], max(1, per_prompt))
        if "ceiling" not in best or result["wall_s"] < best["ceiling"]["wall_s"]:
            best["ceiling"] = result
    ceiling_tps = best["ceiling"]["generated_tokens"] / best["ceiling"]["wall_s"]
    base_tps = best["sequential"]["generated_tokens"] / best["sequential"]["wall_s"]
    report: dict[str, Any] = {
        "benchmark": "rollout", "model": llm.name, "env": "dbbench (sqlite)", "tasks": len(tasks),
        "max_new_tokens": args.max_new_tokens, "threads": args.threads, "env_workers": args.env_workers,
        "prefix_block": args.prefix_block,
        "repeats": args.repeats, "cpus": len(os.sched_getaffinity(0)), "python": platform.python_version(),
        "torch": torch.__version__, "load_avg_1m_at_end": round(os.getloadavg()[0], 1),
    }
    report["sequential"] = summary(best["sequential"], None, ceiling_tps)
    for name in modes[1:]:
        report[name] = summary(best[name], base_tps, ceiling_tps)
        report[name]["records_equal_sequential"] = best[name]["records"] == best["sequential"]["records"]
    report["ceiling"] = summary(best["ceiling"], base_tps, None)
    report["ceiling"]["new_tokens_per_prompt"] = best["ceiling"]["generated_tokens"] // best["ceiling"]["episodes"]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
