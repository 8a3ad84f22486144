"""``cmat gen-tasks``: generate DBBench-format training tasks (the User role), decontaminated."""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("gen-tasks", help="generate AgentBench-style training tasks (DBBench format)")
    parser.add_argument("--n", type=int, default=1000, help="how many tasks (default: 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--types", nargs="*", help="only these task types (default: all)")
    parser.add_argument("--style", choices=("plain", "crowd"), default="plain",
                        help="how questions are written: plain (default) or crowd (loose column names, 'when' "
                             "clauses, lower case)")
    parser.add_argument("--more-conditions", type=float, default=0.0, metavar="P",
                        help="chance of each extra filter on a query (0-1, drawn again after each, at most 2 "
                             "more; default 0: as many conditions as before)")
    parser.add_argument("--narrative", type=float, default=0.0, metavar="P",
                        help="chance that an INSERT tells its record as a sentence, values in header order, "
                             "many without their header (0-1; default 0: header-value pairs, as before)")
    parser.add_argument("--out", required=True, help="output JSONL file")
    parser.add_argument("--eval-file", action="append", default=[],
                        help="an evaluation file to check against (repeatable; the bundled dev set always is)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cmat.tasks import assert_clean, generate_tasks, write_jsonl

    tasks = generate_tasks(args.n, args.seed, args.types, style=args.style, more_conditions=args.more_conditions,
                           narrative=args.narrative)
    assert_clean(tasks, [Path(p) for p in args.eval_file])
    write_jsonl(tasks, args.out)
    counts = Counter(t["type"][0] for t in tasks)
    print(f"wrote {len(tasks)} tasks to {args.out} (no overlap with evaluation data): "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0
