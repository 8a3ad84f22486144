"""Human-readable summaries of ``metrics.json`` (rich tables)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}"


def summary_table(metrics: Mapping[str, Any]) -> Any:
    """A rich Table: overall, per-type accuracy, outcome counts."""
    from rich.table import Table

    title = f"{metrics.get('env', '')} · {metrics.get('model', '')}"
    if metrics.get("adapter"):
        title += f" + {metrics['adapter']}"
    table = Table(title=title, show_header=True, header_style="bold")
    table.add_column("metric")
    table.add_column("value", justify="right")
    partial = " (partial)" if metrics.get("overall_partial") else ""
    table.add_row("[bold]overall[/bold]" + partial, f"[bold]{_pct(metrics.get('overall'))}[/bold]")
    for kind, acc in metrics.get("per_type", {}).items():
        table.add_row(f"  {kind}", _pct(acc))
    table.add_section()
    for outcome, count in metrics.get("outcomes", {}).items():
        table.add_row(outcome.replace("_", " "), str(count))
    table.add_section()
    table.add_row("samples", f"{metrics.get('n', 0)} ({metrics.get('correct', 0)} correct)")
    table.add_row("mean turns", str(metrics.get("mean_turns", "")))
    table.add_row("wall seconds", str(metrics.get("wall_s", "")))
    return table


def print_summary(metrics: Mapping[str, Any]) -> None:
    from rich.console import Console

    Console().print(summary_table(metrics))
