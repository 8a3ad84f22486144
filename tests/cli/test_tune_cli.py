"""The before/after table ``cmat tune`` prints: per-type columns follow the environment."""

from __future__ import annotations

from typing import Any

import pytest

from cmat.cli.tune_cmd import summary_table


def _row(stage: str, overall: float, per_type: dict[str, float]) -> dict[str, object]:
    outcomes = {"completed": 3, "task_limit_reached": 1, "invalid_action": 0}
    return {"stage": stage, "overall": overall, "per_type": per_type, "outcomes": outcomes, "wall_s": 12.5}


def test_dbbench_shows_its_three_headline_types_not_the_select_subtypes() -> None:
    rows = [_row("base", 0.0, {"SELECT": 0.05, "INSERT": 0.2, "UPDATE": 0.35, "counting": 1.0})]
    columns, cells = summary_table({"config": {"env": "dbbench"}, "rows": rows})
    assert columns[2:5] == ["SELECT", "INSERT", "UPDATE"] and "counting" not in columns
    assert cells == [["base", "0.0", "5.0", "20.0", "35.0", "3", "1", "0", "12.5"]]


def test_os_shows_its_own_types() -> None:
    rows = [_row("base", 1 / 13, {"file": 2 / 11, "user": 0.0}), _row("round 0 sft", 0.0, {"file": 0.0, "log": 0.5})]
    columns, cells = summary_table({"config": {"env": "os"}, "rows": rows})
    assert columns == ["stage", "overall", "file", "log", "user", "completed", "task limit", "invalid action",
                       "wall s"]
    assert cells[0][:5] == ["base", "7.7", "18.2", "—", "0.0"] and cells[1][3] == "50.0"


def test_the_command_prints_the_table_and_the_adapter(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    import cmat.training.tune as tune_module
    from cmat.cli.main import main

    seen: list[Any] = []

    def fake_tune(cfg: object) -> dict[str, object]:
        seen.append(cfg)
        return {"config": {"env": "os"}, "rows": [_row("base", 0.5, {"user": 0.5})], "adapter": "runs/x/adapter"}

    monkeypatch.setattr(tune_module, "tune", fake_tune)
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["tune", "--env", "os", "--out", "runs/x", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "user" in out and "50.0" in out and "adapter: runs/x/adapter" in out
    assert seen[0].env == "os"


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--correction-mistakes", "value,typo", "--correction-mistakes: unknown ['typo']"),
    ("--more-conditions", "1.5", "--more-conditions must be in [0, 1)"),
    ("--narrative-inserts", "-0.2", "--narrative-inserts must be in [0, 1]"),
    ("--correction-types", "INSERT,SELCT", "--correction-types: unknown ['SELCT']"),
])
def test_bad_generation_settings_fail_before_anything_runs(tmp_path: Any, capsys: pytest.CaptureFixture[str],
                                                            flag: str, value: str, message: str) -> None:
    from cmat.cli.main import main

    out = tmp_path / "tune"
    assert main(["tune", "--model", "oracle", "--out", str(out), "--no-progress", flag, value]) == 2
    assert message in capsys.readouterr().err
    assert not (out / "baseline").exists()
