"""AgentBench's OS-interaction metric: accuracy over every task, plus accuracy per label.

AgentBench reports the OS task as one number, the share of samples judged correct (samples
that ended in an invalid action, a round limit or an error count as wrong). ``per_type`` groups
by the task's first label (``file``, ``user``, ...; "os" for unlabeled training tasks).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any


def os_metrics(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``overall`` accuracy, ``per_type`` accuracy and AgentBench's pass/total counts."""
    total = len(records)
    passed = sum(bool(r["correct"]) for r in records)
    groups: dict[str, list[bool]] = defaultdict(list)
    for r in records:
        groups[str(r["type"])].append(bool(r["correct"]))
    per_type = {k: sum(v) / len(v) for k, v in sorted(groups.items())}
    overall = passed / total if total else 0.0
    return {
        "overall": overall,
        "per_type": per_type,
        "agentbench": {"total": total, "pass": passed, "wrong": total - passed, "acc": overall},
    }
