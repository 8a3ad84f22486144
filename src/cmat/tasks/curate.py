"""Curation of collected trajectories into training data, with counts at every stage and a manifest.

Stages, in order: load (any schema version) -> environment-verified successes (``correct``)
-> checker approval (no executed turn the checker rejected; unchecked turns pass) -> dedup
(same task text + same executed actions) -> balance (at most ``cap_per_type`` per task type).
The environment's verdict is the ground truth; the checker stage only removes episodes that
succeeded despite a rejection, which are poor examples of the behaviour we want.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cmat.envs.dbbench.env import parse_reply
from cmat.runner.store import read_jsonl
from cmat.trajectories.schema import Trajectory, Turn, final_attempt, load_record, prefix_length, task_message


@dataclass
class CurationReport:
    """How many records survived each stage, per-type counts and checker statistics."""

    input: int = 0
    loaded: int = 0
    verified: int = 0
    checker_approved: int = 0
    deduplicated: int = 0
    kept: int = 0
    cap_per_type: int | None = None
    per_type_verified: dict[str, int] = field(default_factory=dict)
    per_type_kept: dict[str, int] = field(default_factory=dict)
    checker: dict[str, int] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)

    def stages(self) -> dict[str, int]:
        return {"input": self.input, "loaded": self.loaded, "verified": self.verified,
                "checker_approved": self.checker_approved, "deduplicated": self.deduplicated, "kept": self.kept}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def executed_turns(trajectory: Trajectory) -> dict[int, Turn]:
    """Step -> the assistant turn the environment executed in the final attempt (revisions excluded)."""
    attempt = final_attempt(trajectory)
    executed: dict[int, Turn] = {}
    for turn in trajectory.turns:
        if turn.role == "assistant" and turn.attempt == attempt and turn.step >= 0 and "revision" not in turn.meta:
            executed[turn.step] = turn
    return executed


def task_text(trajectory: Trajectory) -> str:
    """The task message without retrieved memories (they differ between otherwise equal episodes)."""
    return task_message(trajectory)


def action_key(env: str, reply: str) -> str:
    """What a reply does, normalised: DBBench's parsed action (its reasoning text and spacing do
    not count); for other environments the whitespace-normalised reply."""
    if env == "dbbench":
        action = parse_reply(reply)
        return f"{action.kind}:{' '.join(action.content.split())}"
    return " ".join(reply.split())


def actions(trajectory: Trajectory) -> tuple[str, ...]:
    """The executed assistant actions, normalised (see :func:`action_key`)."""
    return tuple(action_key(trajectory.env, m["content"])
                 for m in trajectory.conversation[prefix_length(trajectory):] if m["role"] == "assistant")


def _approved(trajectory: Trajectory, stats: Counter[str]) -> bool:
    executed = executed_turns(trajectory)
    for turn in trajectory.turns:
        if turn.role == "assistant" and "revision" in turn.meta:
            stats["rejected_proposals"] += 1
    ok = True
    for turn in executed.values():
        if turn.verdict is None:
            stats["unchecked_turns"] += 1
        elif turn.verdict.get("approve", False):
            stats["approved_turns"] += 1
        else:
            stats["rejected_executed_turns"] += 1
            ok = False
    return ok


def curate(
    records: Iterable[dict[str, Any]], *, cap_per_type: int | None = None, require_checker_approval: bool = True
) -> tuple[list[dict[str, Any]], CurationReport]:
    """Curated records (dicts of the current schema) and the report; see the module docstring."""
    report = CurationReport(cap_per_type=cap_per_type)
    stats: Counter[str] = Counter()
    loaded: list[Trajectory] = []
    for number, record in enumerate(records):
        report.input += 1
        try:
            loaded.append(load_record(record))
        except (ValueError, TypeError, KeyError) as exc:
            report.unreadable.append(f"record {number}: {exc}")
    report.loaded = len(loaded)
    verified = [t for t in loaded if t.correct]
    report.verified = len(verified)
    report.per_type_verified = dict(Counter(t.type for t in verified))
    approved = [t for t in verified if _approved(t, stats) or not require_checker_approval]
    report.checker_approved, report.checker = len(approved), dict(stats)
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    unique: list[Trajectory] = []
    for t in approved:
        key = (t.type, " ".join(task_text(t).split()), actions(t))
        if key not in seen:
            seen.add(key)
            unique.append(t)
    report.deduplicated = len(unique)
    per_type: Counter[str] = Counter()
    kept: list[Trajectory] = []
    for t in unique:
        if cap_per_type is None or per_type[t.type] < cap_per_type:
            per_type[t.type] += 1
            kept.append(t)
    report.kept, report.per_type_kept = len(kept), dict(per_type)
    return [t.to_dict() for t in kept], report


def file_entry(path: str | Path) -> dict[str, Any]:
    data = Path(path).read_bytes()
    return {"path": str(path), "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
            "lines": sum(1 for line in data.splitlines() if line.strip())}


def data_manifest(
    inputs: Sequence[str | Path], outputs: Sequence[str | Path], report: CurationReport | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """What went in and came out (sha256, sizes, line counts) plus the stage counts: enough to
    tell later whether an adapter was trained on exactly this data."""
    manifest: dict[str, Any] = {"inputs": [file_entry(p) for p in inputs], "outputs": [file_entry(p) for p in outputs]}
    if report is not None:
        manifest["curation"] = report.to_dict()
    manifest.update(extra)
    return manifest


def curate_files(
    inputs: Sequence[str | Path], output: str | Path, *, manifest_path: str | Path | None = None,
    cap_per_type: int | None = None, require_checker_approval: bool = True,
) -> CurationReport:
    """Curate JSONL trajectory files into ``output`` and write the manifest next to it (or at ``manifest_path``)."""
    records = [record for path in inputs for record in read_jsonl(path)]
    kept, report = curate(records, cap_per_type=cap_per_type, require_checker_approval=require_checker_approval)
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8")
    where = Path(manifest_path) if manifest_path else out.with_suffix(".manifest.json")
    where.write_text(json.dumps(data_manifest(inputs, [out], report), indent=2) + "\n", encoding="utf-8")
    return report
