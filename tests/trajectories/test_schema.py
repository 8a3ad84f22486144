"""Every trajectory schema version keeps loading (one fixture per version)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cmat.trajectories.schema import SCHEMA, Trajectory, Turn, load_record

FIXTURES = Path(__file__).parent / "fixtures"


def _first(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text().splitlines()[0])


def test_v0_upgrades_to_current() -> None:
    record = load_record(_first("v0.jsonl"))
    assert isinstance(record, Trajectory) and record.schema == SCHEMA
    assert record.correct and record.first_attempt_correct and record.reward == 1.0
    assert len(record.attempts) == 1 and record.attempts[0].outcome == "completed"
    assert [t.role for t in record.turns][-3:] == ["assistant", "user", "assistant"]


def test_v1_fixture_loads_with_all_roles() -> None:
    record = load_record(_first("v1.jsonl"))
    assert record.schema == SCHEMA
    roles = {t.role for t in record.turns}
    assert {"assistant", "checker", "reflection"} <= roles
    assert all(isinstance(t, Turn) for t in record.turns)
    assert len(record.attempts) >= 2 and record.attempts[0].trigger


def test_round_trip_is_lossless() -> None:
    data = _first("v1.jsonl")
    assert load_record(data).to_dict() == data


def test_unknown_version_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown trajectory schema"):
        load_record({"schema": "cmat.trajectory/99"})
