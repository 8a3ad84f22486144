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
    columns, rows = summary_table(summary)
    table = Table(title="before / after", header_style="bold")
    for column in columns:
        table.add_column(column, justify="left" if column == "stage" else "right")
    for row in rows:
        table.add_row(*row)
    Console().print(table)
    print(f"adapter: {summary['adapter']}")
    return 0


# The per-type columns: DBBench's three headline types (its per_type also holds the SELECT
# subtypes); other environments show every type their rows have (OS: command, file, user, ...).
HEADLINE_TYPES = {"dbbench": ("SELECT", "INSERT", "UPDATE")}


def summary_table(summary: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The before/after table of a tune summary: column names and one row of cells per stage."""
    env = (summary.get("config") or {}).get("env", "dbbench")
    rows = summary["rows"]
    types = HEADLINE_TYPES.get(env) or sorted({t for row in rows for t in (row.get("per_type") or {})})
    columns = ["stage", "overall", *types, "completed", "task limit", "invalid action", "wall s"]
    cells = []
    for row in rows:
        per_type, outcomes = row.get("per_type") or {}, row.get("outcomes") or {}
        cells.append([row["stage"], _pct(row.get("overall")), *(_pct(per_type.get(k)) for k in types),
                      *(str(outcomes.get(k, "")) for k in ("completed", "task_limit_reached", "invalid_action")),
                      str(row.get("wall_s", ""))])
    return columns, cells


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}"
