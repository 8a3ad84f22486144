"""``cmat eval``: evaluate a model on an environment's data set (resumable)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cmat.config import add_arguments, from_namespace

EPILOG = """examples:
  cmat eval --env dbbench --model hf --out runs/base          # embedded SmolLM2-135M
  cmat eval --env dbbench --model oracle --out runs/oracle    # gold solutions: must score 100
  cmat eval --model hf:HuggingFaceTB/SmolLM2-360M-Instruct --adapter runs/tune/adapter --out runs/x
  cmat eval --model openai:gpt-4o-mini --limit 10 --out runs/gpt
Re-running with the same --out resumes: finished samples are skipped."""


def register(sub: Any) -> None:
    from cmat.evaluation.run import EvalConfig

    parser = sub.add_parser(
        "eval", help="evaluate a model on an agent task", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser, EvalConfig, required=("out",))
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cmat.evaluation.report import print_summary
    from cmat.evaluation.run import EvalConfig, evaluate

    cfg = from_namespace(EvalConfig, args)
    metrics = evaluate(cfg, progress=not args.no_progress and sys.stderr.isatty())
    print_summary(metrics)
    print(f"results: {Path(cfg.out) / 'results.jsonl'}\nmetrics: {Path(cfg.out) / 'metrics.json'}")
    return 0
