from __future__ import annotations

import pytest

from cmat.cli.main import main


def test_run_prints_each_role_turn_by_turn(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--model", "oracle", "--task", "3", "--checker", "rule"]) == 0
    out = capsys.readouterr().out
    assert out.index("ASSISTANT ✓") < out.index("ENVIRONMENT") < out.index("Final Answer")
    assert "[('26',)]" in out and "correct" in out


def test_run_unknown_task_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--model", "oracle", "--task", "999"]) == 2
    assert "no task with id '999' (ids are 0..59)" in capsys.readouterr().err
