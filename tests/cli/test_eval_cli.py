"""`cmat eval` end to end with the oracle and mock backends: outputs, resume, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cmat.cli.main import main
from cmat.envs.dbbench.data import default_dev_path


def _eval(*args: str) -> int:
    return main(["eval", "--no-progress", *args])


def test_oracle_scores_100_percent_on_all_60_dev_tasks(tmp_path: Path) -> None:
    out = tmp_path / "oracle"
    assert _eval("--env", "dbbench", "--model", "oracle", "--out", str(out)) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n"] == 60 and metrics["correct"] == 60
    assert metrics["overall"] == 1.0 and not metrics["overall_partial"]
    assert all(v == 1.0 for v in metrics["per_type"].values())
    assert metrics["outcomes"]["completed"] == 60
    for key in ("model", "adapter", "data_sha256", "seed", "wall_s", "agentbench"):
        assert key in metrics
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert sorted(int(r["id"]) for r in records) == list(range(60))
    for key in ("id", "type", "conversation", "answer", "correct", "outcome", "timings"):
        assert key in records[0]


def test_resume_after_kill_skips_finished_and_loses_nothing(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert _eval("--model", "oracle", "--limit", "10", "--out", str(out)) == 0
    results = out / "results.jsonl"
    lines = results.read_text().splitlines()
    # Simulate a kill: the last 3 records never made it and the 4th-last was cut mid-line.
    results.write_text("\n".join(lines[:6]) + "\n" + lines[6][: len(lines[6]) // 2])
    assert _eval("--model", "oracle", "--limit", "10", "--out", str(out)) == 0
    ids = [json.loads(line)["id"] for line in results.read_text().splitlines()]
    assert sorted(ids, key=int) == [str(i) for i in range(10)] and len(ids) == 10
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["resumed_samples"] == 6 and metrics["correct"] == 10


def test_resume_with_other_model_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert _eval("--model", "oracle", "--limit", "2", "--out", str(out)) == 0
    mock = tmp_path / "mock.yaml"
    mock.write_text("default: 'Action: Answer\\nFinal Answer: []'\n")
    assert _eval("--model", f"mock:{mock}", "--limit", "2", "--out", str(out)) == 2
    assert "holds results of another run" in capsys.readouterr().err


def test_mock_model_outcomes(tmp_path: Path) -> None:
    mock = tmp_path / "mock.yaml"
    mock.write_text("default: 'I think the answer is 5.'\n")
    out = tmp_path / "mock"
    assert _eval("--model", f"mock:{mock}", "--limit", "3", "--out", str(out)) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["outcomes"]["invalid_action"] == 3 and metrics["correct"] == 0


def test_the_reflector_can_be_another_backend(tmp_path: Path) -> None:
    actor, reflector = tmp_path / "actor.yaml", tmp_path / "reflector.yaml"
    actor.write_text("default: 'I think the answer is 5.'\n")
    reflector.write_text("default: 'Write the SQL in an Action Operation block before answering.'\n")
    out = tmp_path / "two-models"
    assert _eval("--model", f"mock:{actor}", "--reflection", "1", "--reflector-model", f"mock:{reflector}",
                 "--limit", "2", "--out", str(out)) == 0
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    lessons = [t["content"] for r in records for t in r["turns"] if t["role"] == "reflection"]
    assert len(lessons) == 2 and all("Action Operation block" in lesson for lesson in lessons)
    assert all("Action Operation block" in r["conversation"][2]["content"] for r in records)  # carried into the retry
    assert json.loads((out / "run.json").read_text())["reflector_model"] == f"mock:{reflector}"


def test_malformed_data_line_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = default_dev_path().read_text().splitlines()[:3]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([lines[0], lines[1][:50], lines[2]]) + "\n")
    assert _eval("--model", "oracle", "--data", str(bad), "--out", str(tmp_path / "o")) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2: not valid JSON" in err


def test_unknown_model_spec_lists_valid_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _eval("--model", "gpt5", "--limit", "1", "--out", str(tmp_path / "o")) == 2
    err = capsys.readouterr().err
    assert "unknown model spec 'gpt5'" in err and "hf:<path-or-id>" in err and "oracle" in err


def test_missing_optional_dependency_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['pymysql'] = None\n"
        "from cmat.envs.dbbench.backends import open_backend\n"
        "try:\n    open_backend('mariadb')\nexcept Exception as e:\n    print(type(e).__name__, e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "MissingDependencyError" in out and "cmat[mysql]" in out


@pytest.mark.mariadb
def test_oracle_scores_100_percent_on_mariadb(tmp_path: Path) -> None:
    from cmat.envs.dbbench.backends import mariadbd_path

    if mariadbd_path() is None:
        pytest.skip("mariadbd is not installed (apt-get install mariadb-server)")
    out = tmp_path / "oracle-mariadb"
    assert _eval("--model", "oracle", "--db-backend", "mariadb", "--out", str(out)) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n"] == 60 and metrics["correct"] == 60 and metrics["outcomes"]["error"] == 0


def test_repeat_stop_reaches_the_assistant_and_is_recorded_only_when_set(tmp_path: Path) -> None:
    from cmat.evaluation.agent_factory import roles_for
    from cmat.evaluation.run import EvalConfig
    from cmat.llm.mock import MockLLM

    roles = roles_for(MockLLM(), EvalConfig(repeat_stop=96))
    assert roles.route("assistant")[1].repeat_stop == 96 and roles.route("checker")[1].repeat_stop == 0
    mock = tmp_path / "mock.yaml"
    mock.write_text("default: 'I think the answer is 5.'\n")
    plain, cut = tmp_path / "plain", tmp_path / "cut"
    assert _eval("--model", f"mock:{mock}", "--limit", "1", "--out", str(plain)) == 0
    assert _eval("--model", f"mock:{mock}", "--limit", "1", "--repeat-stop", "96", "--out", str(cut)) == 0
    assert "repeat_stop" not in json.loads((plain / "run.json").read_text())
    assert json.loads((cut / "run.json").read_text())["repeat_stop"] == 96


def test_repair_needs_a_checker_and_is_recorded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mock = tmp_path / "mock.yaml"
    mock.write_text("default: \"Action: Operation\\n```sql\\nSELECT Floors FROM skyscrapers\\n```\"\n")
    assert _eval("--model", f"mock:{mock}", "--limit", "1", "--repair", "--out", str(tmp_path / "none")) == 2
    assert "no Checker is on; add --checker rule" in capsys.readouterr().err
    out = tmp_path / "repair"
    assert _eval("--model", f"mock:{mock}", "--limit", "1", "--checker", "rule", "--repair", "--out", str(out)) == 0
    assert json.loads((out / "run.json").read_text())["repair"] is True
    record = json.loads((out / "results.jsonl").read_text().splitlines()[0])
    assert any(t["meta"].get("repair") for t in record["turns"])


def test_checker_off_is_checked_before_loading_and_recorded(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    bad = ["--model", "oracle", "--limit", "1", "--checker", "rule", "--checker-off", "numbrs"]
    assert _eval(*bad, "--out", str(tmp_path / "bad")) == 2
    assert "no check 'numbrs'" in capsys.readouterr().err
    assert not (tmp_path / "bad" / "results.jsonl").exists()
    out = tmp_path / "off"
    assert _eval("--model", "oracle", "--limit", "1", "--checker", "rule", "--checker-off", "numbers, values",
                 "--out", str(out)) == 0
    assert json.loads((out / "run.json").read_text())["checker_off"] == ["numbers", "values"]


def test_batching_reaches_run_many_and_does_not_block_resuming(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cmat.evaluation.run as run_module

    seen: list[str] = []
    real = run_module.run_many

    def spy(*args: object, **kwargs: object) -> None:
        seen.append(str(kwargs["batching"]))
        real(*args, **kwargs)

    monkeypatch.setattr(run_module, "run_many", spy)
    mock = tmp_path / "mock.yaml"
    mock.write_text("default: 'I think the answer is 5.'\n")
    plain, streamed = tmp_path / "plain", tmp_path / "streamed"
    assert _eval("--model", f"mock:{mock}", "--limit", "2", "--out", str(plain)) == 0
    # The mock backend has no engine: continuous falls back to lockstep, with the same records.
    assert _eval("--model", f"mock:{mock}", "--limit", "2", "--batching", "continuous", "--out", str(streamed)) == 0
    assert seen == ["auto", "continuous"]
    # Greedy records do not depend on the mode, so it is no resume key: a run may go on in another.
    assert all("batching" not in json.loads((d / "run.json").read_text()) for d in (plain, streamed))
    outcomes = [[json.loads(line)["outcome"] for line in (d / "results.jsonl").read_text().splitlines()]
                for d in (plain, streamed)]
    assert outcomes[0] == outcomes[1] and len(outcomes[0]) == 2
    assert _eval("--model", f"mock:{mock}", "--limit", "3", "--batching", "lockstep", "--out", str(plain)) == 0
    assert seen[-1] == "lockstep" and len((plain / "results.jsonl").read_text().splitlines()) == 3


def test_revision_temperature_needs_a_checker_and_samples_the_revisions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cmat.evaluation.agent_factory import roles_for
    from cmat.evaluation.run import EvalConfig
    from cmat.llm.mock import MockLLM

    roles = roles_for(MockLLM(), EvalConfig(checker="rule", revision_temperature=0.8, seed=3))
    assert roles.route("revision")[1].temperature == 0.8 and roles.route("assistant")[1].temperature == 0.0
    assert "revision" not in roles_for(MockLLM(), EvalConfig(checker="rule")).configs
    mock = tmp_path / "mock.yaml"
    mock.write_text("default: 'I think the answer is 5.'\n")
    assert _eval("--model", f"mock:{mock}", "--limit", "1", "--revision-temperature", "0.8",
                 "--out", str(tmp_path / "none")) == 2
    assert "need a Checker" in capsys.readouterr().err
    out = tmp_path / "sampled"
    assert _eval("--model", f"mock:{mock}", "--limit", "1", "--checker", "rule", "--revision-temperature", "0.8",
                 "--out", str(out)) == 0
    assert json.loads((out / "run.json").read_text())["revision_temperature"] == 0.8
    plain = tmp_path / "plain"
    assert _eval("--model", f"mock:{mock}", "--limit", "1", "--checker", "rule", "--out", str(plain)) == 0
    assert "revision_temperature" not in json.loads((plain / "run.json").read_text())
