"""``cmat tune``: baseline eval, task generation, collection, curation, SFT, DPO, eval — resumable."""

from __future__ import annotations

import argparse
from typing import Any

from cmat.config import add_arguments, from_namespace

EPILOG = """examples:
  cmat tune --preset quickstart --out runs/tune-quick     # the README's main job (make run)
  cmat tune --preset dbbench --out runs/tune-dbbench      # the full run (GPU recommended)
  cmat tune --model hf:HuggingFaceTB/SmolLM2-360M-Instruct --rounds 2 --out runs/tune-360m
Re-running with the same --out resumes: finished stages are skipped."""


def register(sub: Any) -> None:
    from cmat.training.tune import TuneConfig

    parser = sub.add_parser("tune", help="collaborative tuning: trajectories -> LoRA SFT -> DPO -> eval",
                            epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser, TuneConfig)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from cmat.training.tune import TuneConfig, tune

    summary = tune(from_namespace(TuneConfig, args))
    table = Table(title="before / after", header_style="bold")
    for column in ("stage", "overall", "SELECT", "INSERT", "UPDATE", "completed", "invalid action", "wall s"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for row in summary["rows"]:
        per_type, outcomes = row.get("per_type") or {}, row.get("outcomes") or {}
        table.add_row(
            row["stage"], _pct(row.get("overall")), *(_pct(per_type.get(k)) for k in ("SELECT", "INSERT", "UPDATE")),
            str(outcomes.get("completed", "")), str(outcomes.get("invalid_action", "")), str(row.get("wall_s", "")),
        )
    Console().print(table)
    print(f"adapter: {summary['adapter']}")
    return 0


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}"
