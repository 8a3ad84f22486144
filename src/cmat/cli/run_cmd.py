"""``cmat run``: one episode, printed turn by turn with each role in its colour."""

from __future__ import annotations

import argparse
from typing import Any

from cmat.config import add_arguments, from_namespace

COLOURS = {
    "user": "cyan", "assistant": "green", "checker": "magenta", "environment": "yellow",
    "reflection": "blue", "memory": "bright_black",
}


def register(sub: Any) -> None:
    from cmat.evaluation.run import EvalConfig

    parser = sub.add_parser("run", help="run one episode and print it turn by turn")
    add_arguments(parser, EvalConfig)
    parser.add_argument("--task", default="0", help="task id (the 0-based sample index)")
    parser.add_argument("--full", action="store_true", help="print the instructions too")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.markup import escape

    from cmat.evaluation.run import EvalConfig, run_one

    cfg = from_namespace(EvalConfig, args)
    record = run_one(cfg, args.task)
    console = Console()
    for turn in record.turns:
        if turn.step < 0 and not args.full and turn.role == "user" and len(turn.content) > 600:
            continue
        colour = COLOURS.get(turn.role, "white")
        label = turn.role.upper()
        if turn.verdict is not None:
            label += " ✓" if turn.verdict.get("approve") else " ✗"
        console.print(f"[bold {colour}]{label}[/] [dim](attempt {turn.attempt}, step {turn.step})[/]")
        console.print(escape(turn.content), style=colour, highlight=False)
    verdict = "[green]correct[/]" if record.correct else "[red]wrong[/]"
    console.print(f"\n[bold]outcome:[/] {record.outcome} · {verdict} · answer {escape(record.answer)!s}")
    return 0
