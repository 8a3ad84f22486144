"""Long-term memory at scale: insert rate, retrieval latency, MiniLM throughput; prints JSON.

    python benchmarks/memory.py                 # 100,000 entries (about a minute, ~0.5 GB RAM)
    python benchmarks/memory.py --n 5000 --rounds 1    # a quick look

Bulk inserts use precomputed random unit vectors so the figure measures the store, not the
model; MiniLM throughput is measured separately on real-looking texts. 10% of the entries
live in 1,000 evaluation scopes and searches see "global" plus one of them, so every query
pays for the scope mask as an evaluation run does. Stored texts are synthetic (Zipf-distributed
words, the most frequent being those of the DBBench tasks) so BM25 posting lists have a
realistic skew; queries are the 60 DBBench dev tasks as the agent sees them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from cmat.memory import LongTermMemory, MemoryEntry, MiniLMEmbedder, eval_scope
from cmat.memory._text import words

Rng = np.random.Generator

def dbbench_tasks() -> list[str]:
    """The 60 DBBench dev questions with their table name and headers, as the agent sees them."""
    raw = resources.files("cmat").joinpath("data/agentbench/dbbench/dev.jsonl").read_text("utf-8")
    tasks = []
    for line in raw.splitlines():
        entry = json.loads(line)
        table = entry["table"]
        headers = ", ".join(c["name"] for c in table["table_info"]["columns"])
        tasks.append(f"{entry['description']}\nThe name of this table is {table['table_name']}, "
                     f"and the headers of this table are {headers}.")
    return tasks


def make_texts(rng: np.random.Generator, count: int, length: int, vocab: list[str]) -> list[str]:
    """Synthetic sentences: Zipf-ranked words, the DBBench words being the most frequent."""
    ranks = (rng.zipf(1.15, size=(count, length)) - 1) % len(vocab)  # the long tail wraps around
    return [" ".join(vocab[r] for r in row) for row in ranks]


def vocabulary(tasks: list[str]) -> list[str]:
    counts = Counter(w for t in tasks for w in words(t))
    return [w for w, _ in counts.most_common()] + [f"w{i}" for i in range(20_000)]


def make_entries(rng: np.random.Generator, count: int, vocab: list[str]) -> list[MemoryEntry]:
    tasks, contents = make_texts(rng, count, 24, vocab), make_texts(rng, count, 12, vocab)
    scopes = rng.integers(0, 10_000, size=count)
    return [
        MemoryEntry(
            id=f"e{i}", kind="lesson" if i % 3 else "experience", env="dbbench" if i % 5 else "os",
            task_type="select", task_text=tasks[i], content=contents[i], outcome="failed",
            scope="global" if scopes[i] >= 1000 else eval_scope("bench", f"t{scopes[i]}"), created_at=0.0,
        )
        for i in range(count)
    ]


def unit(rng: np.random.Generator, rows: int, dim: int) -> np.ndarray:
    vectors = rng.standard_normal((rows, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def latencies(call: Callable[[Any], object], args: Iterable[Any]) -> dict[str, float]:
    """p50 and p95 milliseconds of ``call(arg)`` over ``args``."""
    times = []
    for arg in args:
        start = time.perf_counter()
        call(arg)
        times.append((time.perf_counter() - start) * 1000)
    return {f"p{p}_ms": round(float(np.percentile(times, p)), 3) for p in (50, 95)}


def bulk_insert(memory: LongTermMemory, entries: list[MemoryEntry], vectors: np.ndarray | None) -> float:
    start, batch = time.perf_counter(), 1000
    for i in range(0, len(entries), batch):
        memory.add_many(entries[i : i + batch], None if vectors is None else vectors[i : i + batch])
    return len(entries) / (time.perf_counter() - start)


def bench_vectors(folder: Path, entries: list[MemoryEntry], queries: list[str], rng: Rng) -> dict[str, Any]:
    embedder = MiniLMEmbedder()  # loads only when the end-to-end part needs it
    out: dict[str, Any] = {}
    vectors = unit(rng, len(entries), embedder.dim)
    with LongTermMemory(folder / "vectors.sqlite", embedder) as memory:
        out["insert_per_s_batches_of_1000"] = round(bulk_insert(memory, entries, vectors))
        singles = [replace(e, id=f"single-{e.id}") for e in entries[:300]]
        start = time.perf_counter()
        for i, entry in enumerate(singles):
            memory.add_many([entry], vectors[i : i + 1])
        out["insert_per_s_one_per_transaction"] = round(len(singles) / (time.perf_counter() - start))
        start = time.perf_counter()
        memory.search_vector(vectors[0], 5)
        out["cache_load_s"] = round(time.perf_counter() - start, 3)
        scopes = ("global", eval_scope("bench", "t7"))
        qs = unit(rng, len(queries), embedder.dim)
        out["top5_given_vector"] = latencies(lambda q: memory.search_vector(q, 5, visible_scopes=scopes), qs)
        out["top5_given_vector_env_and_kind_filter"] = latencies(
            lambda q: memory.search_vector(q, 5, env="dbbench", kinds=["lesson"], visible_scopes=scopes), qs
        )
        out.update(bench_minilm(memory, embedder, queries, scopes))
        out["file_mb"] = round(memory.stats()["bytes"] / 2**20, 1)
    return out


def bench_minilm(
    memory: LongTermMemory, embedder: MiniLMEmbedder, queries: list[str], scopes: tuple[str, ...]
) -> dict[str, Any]:
    """MiniLM throughput, query embedding and end-to-end search, with torch's default thread
    count and with one thread (which avoids thread-pool stalls on an oversubscribed CPU)."""
    import torch

    out: dict[str, Any] = {}
    memory.search(queries[0], 5)  # load the model outside the timing
    default_threads = torch.get_num_threads()
    sample = (queries * (500 // len(queries) + 1))[:500]
    start = time.perf_counter()
    embedder.embed(sample)
    out[f"minilm_texts_per_s_500_dbbench_tasks_threads_{default_threads}"] = round(
        500 / (time.perf_counter() - start), 1
    )
    for threads in (default_threads, 1):
        torch.set_num_threads(threads)
        out[f"query_embedding_minilm_threads_{threads}"] = latencies(lambda t: embedder.embed([t]), queries)
        out[f"top5_end_to_end_minilm_threads_{threads}"] = latencies(
            lambda t: memory.search(t, 5, visible_scopes=scopes), queries
        )
    torch.set_num_threads(default_threads)
    return out


def bench_bm25(folder: Path, entries: list[MemoryEntry], queries: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with LongTermMemory(folder / "bm25.sqlite") as memory:
        out["insert_per_s_batches_of_1000"] = round(bulk_insert(memory, entries, None))
        scopes = ("global", eval_scope("bench", "t7"))
        memory.search(queries[0], 5)  # warm the page cache
        out["top5"] = latencies(lambda t: memory.search(t, 5, visible_scopes=scopes), queries)
        out["file_mb"] = round(memory.stats()["bytes"] / 2**20, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000, help="entries in the store")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the 60 DBBench tasks as queries")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    tasks = dbbench_tasks()
    entries = make_entries(rng, args.n, vocabulary(tasks))
    queries = tasks * args.rounds
    with tempfile.TemporaryDirectory() as tmp:
        result: dict[str, Any] = {
            "entries": args.n,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "numpy": np.__version__, "sqlite": sqlite3.sqlite_version,
                        "load_avg_1min_at_start": round(os.getloadavg()[0], 2)},
            "vectors_minilm_dim384": bench_vectors(Path(tmp), entries, queries, rng),
            "bm25_fts5": bench_bm25(Path(tmp), entries, queries),
        }
    result["machine"]["load_avg_1min_at_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
