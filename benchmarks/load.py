"""How long the embedded model takes to load: from the shipped GGUF vs from cmat's cache.

Prints one JSON object::

    python benchmarks/load.py                 # load times only
    python benchmarks/load.py --throughput    # plus generation tok/s, one at a time vs batched

``cold_gguf_s`` is what the first ``embedded_model_path()`` costs (de-quantise the GGUF and write
the safetensors cache, into a temporary folder here); ``cached_load_s`` is the median of three
plain ``from_pretrained(cache)`` loads (model + tokenizer) in the same process, as every later
run does. The throughput part uses :class:`cmat.llm.hf.HFLLM` with greedy decoding.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any


def cold_conversion(target: Path) -> float:
    from cmat.llm.embedded import build_cache, embedded_gguf_path

    started = time.perf_counter()
    build_cache(embedded_gguf_path(), target)
    return time.perf_counter() - started


def cached_load(path: Path) -> float:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    started = time.perf_counter()
    AutoModelForCausalLM.from_pretrained(path)
    AutoTokenizer.from_pretrained(path)
    return time.perf_counter() - started


def throughput(path: Path, n: int, max_new_tokens: int) -> dict[str, Any]:
    """Tokens per second for ``n`` prompts generated one at a time and as one batch."""
    from cmat.llm.hf import HFLLM
    from cmat.types import GenerationConfig, Message

    llm = HFLLM(model=str(path), batch_size=n)
    topics = ["the sea", "a database", "autumn", "trains", "chess", "bread", "rain", "a robot"]
    batch = [[Message("user", f"Write a short story about {topics[i % len(topics)]}.")] for i in range(n)]
    config = GenerationConfig(max_new_tokens=max_new_tokens)
    llm.generate(batch[:1], GenerationConfig(max_new_tokens=4))  # warm-up
    started = time.perf_counter()
    single = [llm.generate([c], config)[0] for c in batch]
    single_s = time.perf_counter() - started
    started = time.perf_counter()
    batched = llm.generate(batch, config)
    batched_s = time.perf_counter() - started
    single_tokens = sum(c.completion_tokens for c in single)
    batched_tokens = sum(c.completion_tokens for c in batched)
    return {
        "prompts": n,
        "max_new_tokens": max_new_tokens,
        "sequential_tok_per_s": round(single_tokens / single_s, 1),
        "batched_tok_per_s": round(batched_tokens / batched_s, 1),
        "speedup": round((batched_tokens / batched_s) / (single_tokens / single_s), 2),
        "batched_equals_sequential": [c.text for c in batched] == [c.text for c in single],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--throughput", action="store_true", help="also measure generation speed")
    parser.add_argument("--prompts", type=int, default=8, help="prompts in the throughput batch")
    parser.add_argument("--max-new-tokens", type=int, default=64, help="tokens per reply (throughput)")
    args = parser.parse_args()
    import torch

    with tempfile.TemporaryDirectory(prefix="cmat-load-") as tmp:
        target = Path(tmp) / "smollm2-135m-instruct"
        cold = cold_conversion(target)
        loads = [cached_load(target) for _ in range(3)]
        cached = statistics.median(loads)
        result: dict[str, Any] = {
            "benchmark": "embedded model load",
            "cold_gguf_s": round(cold, 2),
            "cached_load_s": round(cached, 2),
            "cached_load_runs_s": [round(x, 2) for x in loads],
            "speedup": round(cold / cached, 1),
            "cache_mb": round(sum(f.stat().st_size for f in target.iterdir()) / 1e6, 1),
            "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "torch_threads": torch.get_num_threads(),
            "python": platform.python_version(),
            "torch": torch.__version__,
        }
        if args.throughput:
            result["generation"] = throughput(target, args.prompts, args.max_new_tokens)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
