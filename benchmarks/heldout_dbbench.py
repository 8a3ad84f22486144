"""The shipped system on generated held-out DBBench sets, with and without the rule Checker; prints one JSON object.

The Checker's rules were written while reading the dev set's failures, so the dev figure overstates
what they add on questions they were not written on. This measures the same adapter and the same
Checker on task sets that no rule, no training run and no dev question has seen: 60 generated tasks
per set, 20 queries (every SELECT type, crowd style, extra conditions at 0.5), 20 INSERTs (crowd
style, half of them told as sentences) and 20 UPDATEs (crowd style), as the dev set's 20/20/20.
A set is named by its base seed B; its three parts use seeds B+1, B+2, B+3, which no training run
uses (those are below 100). Every set is checked against the dev set (``assert_clean``).

Configurations (each a resumable ``cmat eval`` run in ``ROOT/heldout-<tag>/set-<B>-<config>``):

* alone — the adapter without a Checker
* rules — ``--checker rule --repair`` (the shipped system)

    python benchmarks/heldout_dbbench.py                        # sets 7000 and 7200, both configurations
    python benchmarks/heldout_dbbench.py --sets 7400 --only rules --markdown
    python benchmarks/heldout_dbbench.py --adapter adapters/smollm2-135m-dbbench-corr --tag corr

The same set from the command line (set 7000 is ``runs/data/heldout-60.jsonl`` in docs/results.md):

    cmat gen-tasks --n 20 --seed 7001 --style crowd --more-conditions 0.5 --types other counting comparison \\
        ranking aggregation-SUM aggregation-MIN aggregation-MAX aggregation-AVG --out sel.jsonl
    cmat gen-tasks --n 20 --seed 7002 --style crowd --narrative 0.5 --types INSERT --out ins.jsonl
    cmat gen-tasks --n 20 --seed 7003 --style crowd --types UPDATE --out upd.jsonl
    cat sel.jsonl ins.jsonl upd.jsonl > heldout-60.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

TYPES = ("SELECT", "INSERT", "UPDATE")
QUERY_TYPES = ["other", "counting", "comparison", "ranking", "aggregation-SUM", "aggregation-MIN",
               "aggregation-MAX", "aggregation-AVG"]
PER_PART = 20
MIN_SEED = 100  # training runs use seeds below this


def heldout_set(root: Path, base: int) -> Path:
    """The 60-task set of base seed ``base`` (written once, then reused): queries, INSERTs, UPDATEs."""
    from cmat.tasks import assert_clean, generate_tasks, write_jsonl

    if base < MIN_SEED:
        raise ValueError(f"a held-out set's base seed must be at least {MIN_SEED} (training runs use smaller ones)")
    path = root / "data" / f"heldout-set-{base}.jsonl"
    if path.exists():
        return path
    tasks = [*generate_tasks(PER_PART, base + 1, QUERY_TYPES, style="crowd", more_conditions=0.5),
             *generate_tasks(PER_PART, base + 2, ["INSERT"], style="crowd", narrative=0.5),
             *generate_tasks(PER_PART, base + 3, ["UPDATE"], style="crowd")]
    assert_clean(tasks)
    write_jsonl(tasks, path)
    return path


def configs() -> dict[str, dict[str, Any]]:
    return {"alone": {}, "rules": {"checker": "rule", "repair": True}}


def row(base: int, name: str, m: dict[str, Any]) -> dict[str, Any]:
    return {"set": base, "config": name, "overall": m["overall"], "per_type": {t: m["per_type"].get(t) for t in TYPES},
            "outcomes": m["outcomes"], "mean_turns": m["mean_turns"], "wall_s": m["wall_s"], "n": m["n"],
            "data_sha256": m["data_sha256"]}


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = ["| set | config | overall | " + " | ".join(TYPES) + " | completed | task limit | wall s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        cells = [f"{100 * r['overall']:.1f}", *(f"{100 * (r['per_type'][t] or 0.0):.1f}" for t in TYPES),
                 str(r["outcomes"]["completed"]), str(r["outcomes"]["task_limit_reached"]), str(r["wall_s"])]
        lines.append(f"| {r['set']} | {r['config']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    from cmat.evaluation.run import EvalConfig, evaluate

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default="runs", help="where the sets and runs live (default: runs)")
    parser.add_argument("--adapter", default="adapters/smollm2-135m-dbbench-update", help="LoRA adapter")
    parser.add_argument("--tag", default=None, help="name of the adapter's runs (default: its folder's name)")
    parser.add_argument("--sets", type=int, nargs="+", default=[7000, 7200], help="base seeds of the sets")
    parser.add_argument("--only", default=None, help="comma-separated configurations (default: alone,rules)")
    parser.add_argument("--concurrency", type=int, default=16, help="episodes batched together (same results)")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table after the JSON")
    args = parser.parse_args()
    available = configs()
    chosen = args.only.split(",") if args.only else list(available)
    if set(chosen) - set(available):
        parser.error(f"unknown configurations {sorted(set(chosen) - set(available))}; choose from "
                     + ", ".join(available))
    if any(base < MIN_SEED for base in args.sets):
        parser.error(f"--sets: base seeds must be at least {MIN_SEED} (training runs use smaller ones)")
    root = Path(args.root)
    tag = args.tag or Path(args.adapter).name
    rows = []
    for base in args.sets:
        data = heldout_set(root, base)
        for name in chosen:
            out = root / f"heldout-{tag}" / f"set-{base}-{name}"
            metrics = evaluate(EvalConfig(model="hf", adapter=args.adapter, data=str(data), out=str(out),
                                          concurrency=args.concurrency, **available[name]), progress=False)
            rows.append(row(base, name, metrics))
    print(json.dumps({"benchmark": "heldout_dbbench", "adapter": args.adapter, "rows": rows}, indent=1))
    if args.markdown:
        print(markdown(rows))


if __name__ == "__main__":
    main()
