"""The held-out sets of ``benchmarks/heldout_dbbench.py``: 20 queries, 20 INSERTs and 20 UPDATEs per
base seed, the same file every time, clean against the dev set, and never a training seed."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from cmat.envs.dbbench.data import load_dbbench


def _bench() -> ModuleType:
    path = Path(__file__).parents[2] / "benchmarks" / "heldout_dbbench.py"
    spec = importlib.util.spec_from_file_location("heldout_dbbench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_heldout_set_has_the_dev_sets_shape_and_is_reproducible(tmp_path: Path) -> None:
    bench = _bench()
    first = bench.heldout_set(tmp_path / "a", 7000)
    again = bench.heldout_set(tmp_path / "b", 7000)
    assert first.read_bytes() == again.read_bytes()
    tasks = load_dbbench(first)
    kinds = Counter("SELECT" if t.type not in ("INSERT", "UPDATE") else t.type for t in tasks)
    assert kinds == {"SELECT": 20, "INSERT": 20, "UPDATE": 20}
    assert len({t.type for t in tasks if t.type not in ("INSERT", "UPDATE")}) == 8  # every query type
    other = bench.heldout_set(tmp_path / "a", 7200)
    assert other.read_bytes() != first.read_bytes()


def test_a_training_seed_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least"):
        _bench().heldout_set(tmp_path, 61)
