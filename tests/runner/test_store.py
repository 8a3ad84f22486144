from __future__ import annotations

import json
from pathlib import Path

import pytest

from cmat.errors import ConfigError
from cmat.runner.store import ResultStore


def test_partial_last_line_is_cut_and_nothing_duplicated(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    store.append({"id": "0", "outcome": "completed"})
    store.append({"id": "1", "outcome": "completed"})
    with (tmp_path / "results.jsonl").open("a") as f:
        f.write('{"id": "2", "outc')  # killed mid-write
    reopened = ResultStore(tmp_path)
    assert set(reopened.records) == {"0", "1"}
    reopened.append({"id": "2", "outcome": "completed"})
    lines = (tmp_path / "results.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["0", "1", "2"]


def test_errors_are_retried_and_superseded(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    store.append({"id": "0", "outcome": "error"})
    store.append({"id": "1", "outcome": "completed"})
    assert store.finished() == {"1"}
    assert store.finished(retry_errors=False) == {"0", "1"}
    store.append({"id": "0", "outcome": "completed"})
    assert ResultStore(tmp_path).records["0"]["outcome"] == "completed"


def test_manifest_mismatch_refused(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    store.check_manifest({"model": "hf", "seed": 0})
    store.append({"id": "0", "outcome": "completed"})
    with pytest.raises(ConfigError, match="model: 'hf' -> 'oracle'"):
        ResultStore(tmp_path).check_manifest({"model": "oracle", "seed": 0})
