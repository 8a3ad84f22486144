"""`cmat tune` end to end on a tiny random model: every stage runs, resumes, and is recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cmat.training.tune import PRESETS, TuneConfig, _stage, tune


def test_presets_fill_unset_fields_only() -> None:
    cfg = TuneConfig(preset="quickstart", rounds=2).resolved()
    assert cfg.rounds == 2 and cfg.train_tasks == PRESETS["quickstart"]["train_tasks"]


def test_tune_runs_every_stage_and_resumes(tiny_model_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "tune"
    cfg = TuneConfig(
        out=str(out), model=f"hf:{tiny_model_dir}", train_tasks=6, rounds=1, epochs=1.0, batch_size=2,
        max_length=4096, eval_limit=2, concurrency=2,
    )
    summary = tune(cfg)
    stages = [row["stage"] for row in summary["rows"]]
    assert stages == ["base", "round 0 sft"]
    assert (out / "tasks" / "train.jsonl").exists()
    gold = (out / "round-0" / "gold.jsonl").read_text().splitlines()
    assert len(gold) == 6 and all(json.loads(line)["correct"] for line in gold)
    sft_rows = (out / "round-0" / "sft.jsonl").read_text().splitlines()
    assert sft_rows and any(m["train"] for m in json.loads(sft_rows[0])["messages"])
    adapter = Path(summary["adapter"])
    assert (adapter / "adapter_manifest.json").exists() and (adapter / "metrics.json").exists()
    assert json.loads((out / "round-0" / "eval-sft" / "metrics.json").read_text())["adapter"]
    # A second run finds every stage done and only rewrites the summary.
    mtime = (out / "round-0" / "sft" / "adapter" / "adapter_manifest.json").stat().st_mtime
    again = tune(cfg)
    assert [r["stage"] for r in again["rows"]] == stages
    assert (out / "round-0" / "sft" / "adapter" / "adapter_manifest.json").stat().st_mtime == mtime


def test_later_rounds_collect_with_the_previous_adapter_in_train_mode(tiny_model_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "tune2"
    cfg = TuneConfig(
        out=str(out), model=f"hf:{tiny_model_dir}", train_tasks=4, rounds=2, samples=1, collect_tasks=2, epochs=1.0,
        batch_size=2, max_length=4096, eval_limit=1, concurrency=2, skip_baseline=True, dpo=True,
    )
    summary = tune(cfg)
    # The tiny random model solves nothing (and its window leaves no room to reply): round 1 has
    # neither successes nor pairs, keeps the round-0 adapter and is not evaluated again.
    assert [r["stage"] for r in summary["rows"]] == ["round 0 sft"]
    assert (out / "round-1" / "sft.jsonl").read_text() == "" and summary["adapter"]
    run = json.loads((out / "round-1" / "collect-s0" / "run.json").read_text())
    assert run["mode"] == "train" and run["checker"] == "rule" and run["adapter"].endswith("round-0/sft/adapter")
    assert run["temperature"] == 0.7
    curation = json.loads((out / "round-1" / "curation.json").read_text())
    assert curation  # the report of what was kept and why


def test_stage_lines_go_to_stderr_unless_progress_is_off(capsys: pytest.CaptureFixture[str]) -> None:
    _stage(TuneConfig(), "training")
    _stage(TuneConfig(progress=False), "silent")
    captured = capsys.readouterr()
    assert captured.err == "[tune] training\n" and captured.out == ""


def test_tune_on_os_samples_clean_training_tasks_and_learns_from_the_oracle(tiny_model_dir: Path,
                                                                           tmp_path: Path) -> None:
    from cmat.envs.os_interaction.data import default_dev_path
    from cmat.envs.os_interaction.sandbox import sandbox_unavailable

    reason = sandbox_unavailable()
    if reason:
        pytest.skip(reason)
    out = tmp_path / "tune-os"
    cfg = TuneConfig(out=str(out), env="os", model=f"hf:{tiny_model_dir}", train_tasks=3, task_seed=5, rounds=1,
                     epochs=1.0, max_length=4096, eval_limit=1, concurrency=2, skip_baseline=True, max_new_tokens=8)
    summary = tune(cfg)
    assert [r["stage"] for r in summary["rows"]] == ["round 0 sft"]
    tasks = json.loads((out / "tasks" / "train.json").read_text())
    assert len(tasks) == 3 and tasks == json.loads((out / "tasks" / "train.json").read_text())
    oracle = json.loads((out / "round-0" / "gold-oracle" / "run.json").read_text())
    assert oracle["model"] == "oracle" and oracle["mode"] == "train" and oracle["env"] == "os"
    gold = [json.loads(line) for line in (out / "round-0" / "gold.jsonl").read_text().splitlines()]
    assert gold and all(r["correct"] and r["env"] == "os" for r in gold)
    sft = [json.loads(line) for line in (out / "round-0" / "sft.jsonl").read_text().splitlines()]
    assert len(sft) == len(gold) and any("bash" in m["content"] for m in sft[0]["messages"] if m.get("train"))
    evaluated = json.loads((out / "round-0" / "eval-sft" / "run.json").read_text())
    assert evaluated["env"] == "os" and Path(evaluated["data"]).resolve() == default_dev_path().resolve()


def test_tune_refuses_os_training_data_that_overlaps_the_dev_set(tmp_path: Path) -> None:
    from cmat.envs.os_interaction.data import default_dev_path
    from cmat.errors import DataError

    leaked = tmp_path / "train.json"
    leaked.write_text(default_dev_path().read_text())
    cfg = TuneConfig(out=str(tmp_path / "t"), env="os", train_data=str(leaked), skip_baseline=True, progress=False)
    with pytest.raises(DataError, match="overlaps evaluation data"):
        tune(cfg)
    assert not (tmp_path / "t" / "tasks" / "train.json").exists()


def test_evaluation_and_collection_settings_reach_every_eval_run(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    import cmat.evaluation.run as run
    from cmat.training.tune import _eval

    seen: list[run.EvalConfig] = []
    monkeypatch.setattr(run, "evaluate", lambda cfg, progress=True: seen.append(cfg) or {})
    cfg = TuneConfig(env="os", executor="ray", ray_address="auto", ray_workers=3, max_new_tokens=64,
                     concurrency=5, batching="continuous", progress=False)
    _eval(cfg, tmp_path / "e", "adapter-dir", mode="train", temperature=0.7)
    (got,) = seen
    assert (got.env, got.executor, got.ray_address, got.ray_workers) == ("os", "ray", "auto", 3)
    assert got.batching == "continuous"
    assert (got.max_new_tokens, got.concurrency, got.adapter, got.mode, got.temperature) == (64, 5, "adapter-dir",
                                                                                            "train", 0.7)


def _fake_sft(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[dict], object]]:
    """Replace ``train_sft`` by a stub that writes an empty adapter; return what each call was given."""
    import cmat.training as training

    trained: list[tuple[list[dict], object]] = []

    def fake_sft(rows: list[dict], settings: object) -> None:
        trained.append((rows, settings))
        adapter = Path(settings.output_dir) / "adapter"  # type: ignore[attr-defined]
        adapter.mkdir(parents=True)
        (adapter / "adapter_manifest.json").write_text("{}")

    monkeypatch.setattr(training, "train_sft", fake_sft)
    return trained


def test_round_zero_adds_correction_examples_and_can_continue_an_adapter(monkeypatch: pytest.MonkeyPatch,
                                                                        tmp_path: Path) -> None:
    import cmat.training.tune as tune_module

    trained = _fake_sft(monkeypatch)
    monkeypatch.setattr(tune_module, "_eval", lambda *a, **k: {"overall": 0.0})
    cfg = TuneConfig(out=str(tmp_path / "t"), train_tasks=4, corrections=10, init_adapter="parent/adapter",
                     skip_baseline=True, progress=False)
    tune(cfg)
    ((rows, settings),) = trained
    sources = [r.get("source") for r in rows]
    assert sources.count(None) == 4 and {"revision", "recovery"} <= set(sources)
    assert settings.init_adapter == "parent/adapter"  # type: ignore[attr-defined]
    assert (tmp_path / "t" / "tasks" / "correction-examples.jsonl").exists()


def test_correction_tasks_can_be_limited_to_types(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import cmat.training.tune as tune_module
    from cmat.runner.store import read_jsonl

    trained = _fake_sft(monkeypatch)
    monkeypatch.setattr(tune_module, "_eval", lambda *a, **k: {"overall": 0.0})
    cfg = TuneConfig(out=str(tmp_path / "t"), train_tasks=4, corrections=8, correction_types="INSERT",
                     correction_mistakes="update", skip_baseline=True, progress=False)
    tune(cfg)
    tasks = read_jsonl(tmp_path / "t" / "tasks" / "corrections.jsonl")
    assert len(tasks) == 8 and {t["type"][0] for t in tasks} == {"INSERT"}
    ((rows, _),) = trained
    revisions = [r for r in rows if r.get("source") == "revision"]
    assert revisions and {r["rule"] for r in revisions} == {"change_for_insert"}


def test_with_critic_the_model_also_learns_to_check_from_the_round_pairs(monkeypatch: pytest.MonkeyPatch,
                                                                          tmp_path: Path) -> None:
    import cmat.training.tune as tune_module

    trained = _fake_sft(monkeypatch)
    monkeypatch.setattr(tune_module, "_eval", lambda *a, **k: {"overall": 0.0})
    cfg = TuneConfig(out=str(tmp_path / "t"), train_tasks=4, corrections=10, critic=True, skip_baseline=True,
                     progress=False)
    summary = tune(cfg)
    ((rows, _),) = trained
    critic = [r for r in rows if r.get("source") == "critic"]
    revisions = [r for r in rows if r.get("source") == "revision"]
    assert len(critic) == 2 * len(revisions) > 0  # round 0: one approval and one rejection per revision
    assert {r["messages"][-1]["content"].split("\n")[0] for r in critic} == {"VERDICT: APPROVE", "VERDICT: REJECT"}
    assert summary["rows"][0]["critic_examples"] == len(critic)


def test_a_missing_training_file_is_a_clear_error_before_anything_runs(tmp_path: Path) -> None:
    from cmat.errors import ConfigError

    for env in ("dbbench", "os"):
        cfg = TuneConfig(out=str(tmp_path / env), env=env, train_data=str(tmp_path / "nope.jsonl"),
                         skip_baseline=True, progress=False)
        with pytest.raises(ConfigError, match=r"nope\.jsonl' does not exist"):
            tune(cfg)


def _fake_rounds(monkeypatch: pytest.MonkeyPatch, kept_per_round: list[list[dict]]) -> list[tuple[list[dict], object]]:
    """Stub collection, curation, SFT and evaluation; return what each SFT call was given."""
    import cmat.tasks as tasks
    import cmat.training.tune as tune_module

    trained = _fake_sft(monkeypatch)
    monkeypatch.setattr(tune_module, "training_tasks", lambda *a: None)
    monkeypatch.setattr(tune_module, "_collect", lambda cfg, source, round_dir, adapter, r: kept_per_round[r])
    monkeypatch.setattr(tasks, "curate", lambda records: (list(records), tasks.CurationReport()))
    monkeypatch.setattr(tasks, "sft_examples", lambda records: [{"id": rec["id"]} for rec in records])
    monkeypatch.setattr(tasks, "preference_pairs", lambda records: [])
    monkeypatch.setattr(tasks, "outcome_pairs", lambda failures, successes: [])
    monkeypatch.setattr(tune_module, "_eval", lambda *a, **k: {"overall": 0.1})
    return trained


@pytest.mark.parametrize(("round_init", "round1_ids", "round1_init"),
                         [("previous", ["s1"], "round-0/sft/adapter"), ("base", ["g1", "g2", "s1"], None)])
def test_later_rounds_continue_the_previous_adapter_or_retrain_on_every_success(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, round_init: str, round1_ids: list[str],
        round1_init: str | None) -> None:
    trained = _fake_rounds(monkeypatch, [[{"id": "g1"}, {"id": "g2"}], [{"id": "s1"}]])
    cfg = TuneConfig(out=str(tmp_path / "t"), rounds=2, samples=1, round_init=round_init, skip_baseline=True,
                     progress=False)
    summary = tune(cfg)
    (_, first), (rows, second) = trained
    assert first.init_adapter is None  # type: ignore[attr-defined]
    assert [r["id"] for r in rows] == round1_ids
    init = second.init_adapter  # type: ignore[attr-defined]
    assert (init is None) if round1_init is None else init.endswith(round1_init)
    assert [r["sft_examples"] for r in summary["rows"]] == [2, len(round1_ids)]


def test_a_round_without_new_successes_keeps_the_adapter_and_is_not_re_evaluated(monkeypatch: pytest.MonkeyPatch,
                                                                               tmp_path: Path) -> None:
    trained = _fake_rounds(monkeypatch, [[{"id": "g1"}], []])
    summary = tune(TuneConfig(out=str(tmp_path / "t"), rounds=2, samples=1, skip_baseline=True, progress=False))
    assert len(trained) == 1
    assert [r["stage"] for r in summary["rows"]] == ["round 0 sft"]
    assert summary["adapter"] and not (tmp_path / "t" / "round-1" / "sft" / "adapter").exists()


def test_tune_mixes_chat_into_every_sft_round(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from cmat.errors import ConfigError

    trained = _fake_rounds(monkeypatch, [[{"id": f"g{i}"} for i in range(10)], [{"id": "s1"}, {"id": "s2"}]])
    chat = tmp_path / "chat.jsonl"
    chat.write_text("".join(json.dumps({"messages": [{"role": "user", "content": f"fact {i}?"},
                                                     {"role": "assistant", "content": f"Fact {i}."}]}) + "\n"
                            for i in range(20)))
    summary = tune(TuneConfig(out=str(tmp_path / "t"), rounds=2, samples=1, mix_data=str(chat), mix_ratio=0.5,
                              skip_baseline=True, progress=False))
    assert [sum(r.get("source") == "chat" for r in rows) for rows, _ in trained] == [5, 1]
    assert [r["chat_examples"] for r in summary["rows"]] == [5, 1]
    with pytest.raises(ConfigError, match=r"chat data '.*nope\.jsonl' does not exist"):
        tune(TuneConfig(out=str(tmp_path / "u"), mix_data=str(tmp_path / "nope.jsonl"), progress=False))


def test_a_teacher_collects_in_round_zero_and_its_verified_successes_join_the_gold(tmp_path: Path) -> None:
    """A scripted teacher (``mock:``, here one that solves nothing) runs on the first collect_tasks tasks."""
    from cmat.training.tune import _collect
    from cmat.training.tune_sources import training_tasks

    out = tmp_path / "t"
    teacher = tmp_path / "teacher.yaml"
    teacher.write_text("default: 'I think the answer is 5.'\n")
    cfg = TuneConfig(out=str(out), train_tasks=3, collect_tasks=2, teacher=f"mock:{teacher}", concurrency=2,
                     progress=False).resolved()
    source = training_tasks(cfg, out, lambda m: None)
    records = _collect(cfg, source, out / "round-0", None, 0)
    run = json.loads((out / "round-0" / "teacher" / "run.json").read_text())
    assert run["model"] == f"mock:{teacher}" and run["mode"] == "train" and run["checker"] == "rule"
    assert [r["model"] for r in records].count("gold") == 3 and len(records) == 5
    assert not any(r["correct"] for r in records if r["model"] != "gold")  # curation drops those
