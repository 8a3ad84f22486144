"""``--executor ray`` on a local Ray instance (2 CPUs): same records as a local run, resumable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cmat.cli.main import main
from cmat.envs.base import Task
from cmat.evaluation.ray_executor import shards

ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install 'cmat[ray]')")


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _records(out: Path) -> dict[str, dict[str, Any]]:
    lines = (out / "results.jsonl").read_text().splitlines()
    return {r["id"]: {**r, "timings": {}} for r in map(json.loads, lines)}


def _eval(out: Path, *extra: str) -> int:
    return main(["eval", "--no-progress", "--model", "oracle", "--limit", "4", "--out", str(out), *extra])


def test_shards_deal_round_robin() -> None:
    tasks = [Task(str(i), "t", "db", {}) for i in range(5)]
    assert [[t.id for t in s] for s in shards(tasks, 2)] == [["0", "2", "4"], ["1", "3"]]
    assert len(shards(tasks[:1], 3)) == 1  # no idle workers


def test_ray_run_equals_local_run_and_resumes(tmp_path: Path, local_ray: None) -> None:
    assert _eval(tmp_path / "local") == 0
    distributed = tmp_path / "ray"
    assert _eval(distributed, "--executor", "ray", "--ray-workers", "2") == 0
    assert _records(distributed) == _records(tmp_path / "local")
    # Lose the last two records, as a killed driver would; the resumed run redoes only those.
    results = distributed / "results.jsonl"
    results.write_text("\n".join(results.read_text().splitlines()[:2]) + "\n")
    assert _eval(distributed, "--executor", "ray", "--ray-workers", "2") == 0
    metrics = json.loads((distributed / "metrics.json").read_text())
    assert metrics["resumed_samples"] == 2 and metrics["correct"] == 4
    assert _records(distributed) == _records(tmp_path / "local")
