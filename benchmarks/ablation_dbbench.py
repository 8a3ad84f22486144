"""The CMAT ablation on the 60 DBBench dev tasks with the embedded model; prints one JSON object.

Configurations (each a resumable `cmat eval` run under ``--root``, default ``runs``):

* plain        — the AgentBench agent (``runs/baseline``, the same run as ``make baseline``)
* +checker     — ``--checker rule`` (2 revisions)
* +memory      — ``--memory`` seeded with experiences from 300 generated *training* tasks
* +reflection  — ``--reflection 1`` (gold-free triggers; lesson carried into the retry)
* all          — rule checker + seeded memory + reflection

With ``--repair`` the rule Checker also repairs what it can (``cmat eval --repair``, the shipped
system's setting), and two more configurations measure memory and reflection on top of it:

* +checker+memory      — rule checker (with repairs) + seeded memory
* +checker+reflection  — rule checker (with repairs) + reflection

    python benchmarks/ablation_dbbench.py            # runs what is missing, then reports
    python benchmarks/ablation_dbbench.py --markdown # also prints the table for docs/results.md
    python benchmarks/ablation_dbbench.py --adapter runs/tune-quick/adapter   # the same five on a tuned model
    python benchmarks/ablation_dbbench.py --only plain,+checker               # a subset
    python benchmarks/ablation_dbbench.py --adapter runs/t/round-0/sft/adapter --tag t   # runs in ROOT/ablation-t
    python benchmarks/ablation_dbbench.py --adapter adapters/smollm2-135m-dbbench-update --tag update --repair \
        --only +checker+memory,+checker+reflection       # on top of the shipped system

Greedy decoding makes every run independent of ``--concurrency`` (batched output equals
sequential output); only the wall time changes.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path
from typing import Any

TYPES = ("SELECT", "INSERT", "UPDATE")


def seeded_memory(root: Path) -> Path:
    """Experiences from the oracle's verified runs on 300 generated training tasks (seed 1)."""
    from cmat.envs.dbbench.data import default_dev_path
    from cmat.evaluation.run import EvalConfig, evaluate
    from cmat.memory import LongTermMemory, make_embedder
    from cmat.runner.experiences import FORMAT, seed_memory
    from cmat.tasks import assert_clean, generate_tasks, write_jsonl

    tasks = root / "train" / "seed-300.jsonl"
    if not tasks.exists():
        entries = generate_tasks(300, 1)
        assert_clean(entries)
        write_jsonl(entries, tasks)
    evaluate(EvalConfig(out=str(root / "train" / "seed-oracle"), model="oracle", data=str(tasks)), progress=False)
    memory = root / "memory" / f"seeded-v{FORMAT}.sqlite"
    if not memory.exists():
        memory.parent.mkdir(parents=True, exist_ok=True)
        with LongTermMemory(memory, make_embedder("minilm")) as store:
            seed_memory(store, root / "train" / "seed-oracle", [default_dev_path()])
    return memory


def configs(root: Path, tag: str = "", repair: bool = False) -> dict[str, dict[str, Any]]:
    """The configurations; ``tag`` names a separate set of runs (e.g. for an adapter); ``repair``
    lets the rule Checker repair (runs in a folder of their own, ``ROOT/ablation<tag>-repair``) and
    adds the Checker-plus-one-mechanism configurations."""
    memory = seeded_memory(root)
    runs = root / f"ablation{tag}{'-repair' if repair else ''}"
    names = ("memory", "all", "checker-memory") if repair else ("memory", "all")
    copies = {}
    for name in names:  # each run writes its own lessons into its copy
        copy = memory.with_name(f"ablation{tag}{'-repair' if repair else ''}-{name}-{memory.stem}.sqlite")
        if not copy.exists():
            shutil.copy(memory, copy)
        copies[name] = str(copy)
    checker: dict[str, Any] = {"checker": "rule", "repair": True} if repair else {"checker": "rule"}
    found = {
        "plain": {"out": str(root / "baseline") if not tag else str(runs / "plain")},
        "+checker": {"out": str(runs / "checker"), **checker},
        "+memory": {"out": str(runs / "memory"), "memory": copies["memory"]},
        "+reflection": {"out": str(runs / "reflection"), "reflection": 1},
        "all": {"out": str(runs / "all"), **checker, "memory": copies["all"], "reflection": 1},
    }
    if repair:
        found["+checker+memory"] = {"out": str(runs / "checker-memory"), **checker, "memory": copies["checker-memory"]}
        found["+checker+reflection"] = {"out": str(runs / "checker-reflection"), **checker, "reflection": 1}
    return found


def row(name: str, m: dict[str, Any]) -> dict[str, Any]:
    return {
        "config": name, "overall": m["overall"], "per_type": m["per_type"], "outcomes": m["outcomes"],
        "first_attempt_overall": m.get("first_attempt", {}).get("overall"), "mean_attempts": m.get("mean_attempts"),
        "mean_turns": m["mean_turns"], "wall_s": m["wall_s"], "episode_wall_s": m["episode_wall_s"], "n": m["n"],
    }


def markdown(rows: list[dict[str, Any]]) -> str:
    outcomes = "completed | invalid format | invalid action | task limit | context limit | error"
    head = f"| config | overall | {' | '.join(TYPES)} | {outcomes} | mean turns | wall s |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        o = r["outcomes"]
        cells = [f"{100 * r['overall']:.1f}", *(f"{100 * r['per_type'].get(t, 0.0):.1f}" for t in TYPES),
                 *(str(o[k]) for k in ("completed", "invalid_format", "invalid_action", "task_limit_reached",
                                       "context_limit", "error")), str(r["mean_turns"]), str(r["wall_s"])]
        lines.append(f"| {r['config']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    from cmat.evaluation.run import EvalConfig, evaluate

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", default="runs", help="where the runs live (default: runs)")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table after the JSON")
    parser.add_argument("--adapter", default=None, help="LoRA adapter to ablate (runs go to ROOT/ablation-<tag>)")
    parser.add_argument("--tag", default=None, help="name of the adapter's set of runs (default: its parent folder)")
    parser.add_argument("--concurrency", type=int, default=32, help="episodes batched together (same results)")
    parser.add_argument("--only", default=None, help="comma-separated configurations to run (default: all)")
    parser.add_argument("--repair", action="store_true",
                        help="the rule Checker repairs too (cmat eval --repair); adds +checker+memory, "
                             "+checker+reflection")
    args = parser.parse_args()
    tag = f"-{args.tag or Path(args.adapter).resolve().parent.name}" if args.adapter else ""
    available = configs(Path(args.root), tag, args.repair)
    chosen = set(args.only.split(",")) if args.only else None
    if chosen is not None and chosen - set(available):
        parser.error(f"unknown configurations {sorted(chosen - set(available))}; choose from {', '.join(available)}")
    rows = []
    for name, options in available.items():
        if chosen is not None and name not in chosen:
            continue
        metrics = evaluate(EvalConfig(model="hf", adapter=args.adapter, concurrency=args.concurrency, **options),
                           progress=False)
        rows.append(row(name, metrics))
    print(json.dumps({"benchmark": "ablation_dbbench", "adapter": args.adapter, "repair": args.repair, "rows": rows},
                     indent=1))
    if args.markdown:
        print(markdown(rows))


if __name__ == "__main__":
    main()
