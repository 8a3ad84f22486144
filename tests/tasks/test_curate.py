"""Curation keeps verified, approved, distinct, balanced trajectories and reports every stage."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from cmat.tasks import curate, curate_files, data_manifest, gold_trajectories

FIXTURES = Path(__file__).resolve().parents[1] / "trajectories" / "fixtures"


@pytest.fixture(scope="module")
def gold(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return gold_trajectories(tasks[:40])


def _reworded(record: dict[str, Any]) -> dict[str, Any]:
    """Same task, same actions, different reasoning text: a duplicate."""
    copy_ = copy.deepcopy(record)
    for message in copy_["conversation"][3:]:
        if message["role"] == "assistant":
            message["content"] = "Thinking differently.\n" + message["content"].split("\n", 1)[1]
    return copy_


def _rejected_but_executed(record: dict[str, Any]) -> dict[str, Any]:
    copy_ = copy.deepcopy(record)
    executed = next(t for t in copy_["turns"] if t["role"] == "assistant" and t["step"] == 0)
    executed["verdict"] = {"approve": False, "feedback": "no", "checker": "rule", "details": {}}
    executed["trainable"] = False
    copy_["id"] = "rejected"
    return copy_


def test_keeps_only_verified_approved_distinct(gold: list[dict[str, Any]]) -> None:
    failed = copy.deepcopy(gold[1])
    failed["correct"] = False
    records = [*gold[:10], failed, _reworded(gold[2]), copy.deepcopy(gold[3]), _rejected_but_executed(gold[4])]
    kept, report = curate(records)
    assert report.stages() == {"input": 14, "loaded": 14, "verified": 13, "checker_approved": 12,
                               "deduplicated": 10, "kept": 10}
    assert [r["id"] for r in kept] == [r["id"] for r in gold[:10]]
    assert report.checker["rejected_executed_turns"] == 1 and report.checker["unchecked_turns"] > 0
    lenient, lenient_report = curate(records, require_checker_approval=False)
    assert lenient_report.checker_approved == 13 and "rejected" not in [r["id"] for r in lenient]  # a duplicate


def test_balances_task_types(gold: list[dict[str, Any]]) -> None:
    kept, report = curate(gold, cap_per_type=2)
    assert max(report.per_type_kept.values()) == 2
    assert report.per_type_kept.keys() == report.per_type_verified.keys()
    assert len(kept) == sum(min(2, n) for n in report.per_type_verified.values())


def test_reads_old_schema_versions_and_reports_unreadable_records() -> None:
    v0 = json.loads((FIXTURES / "v0.jsonl").read_text().splitlines()[0])
    v1 = json.loads((FIXTURES / "v1.jsonl").read_text().splitlines()[0])
    kept, report = curate([v0, v1, {"schema": "cmat.trajectory/99"}])
    assert report.input == 3 and report.loaded == 2 and len(report.unreadable) == 1
    assert all(r["schema"] == "cmat.trajectory/1" for r in kept)


def test_curate_files_writes_output_and_manifest(gold: list[dict[str, Any]], tmp_path: Path) -> None:
    source = tmp_path / "runs" / "results.jsonl"
    source.parent.mkdir()
    source.write_text("".join(json.dumps(r) + "\n" for r in [*gold[:6], gold[0]]))
    out = tmp_path / "curated" / "sft.jsonl"
    report = curate_files([source], out)
    manifest = json.loads(out.with_suffix(".manifest.json").read_text())
    assert report.kept == 6 and len(out.read_text().splitlines()) == 6
    assert manifest["inputs"][0]["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert manifest["outputs"][0] == {"path": str(out), "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
                                      "bytes": out.stat().st_size, "lines": 6}
    assert manifest["curation"]["deduplicated"] == 6
    assert data_manifest([source], [out], seed=3)["seed"] == 3
