"""Training in processes a launcher starts: torchrun data parallel over two CPU processes,
accelerate from a config file, and `cmat tune` handing its SFT to the launcher."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from cmat.errors import ConfigError
from cmat.training import SFTSettings
from cmat.training.launch import accelerate_launcher, launch_training
from cmat.training.tune import TuneConfig, tune


def _settings(model: Path, out: Path) -> SFTSettings:
    return SFTSettings(output_dir=str(out), base_model=str(model), max_steps=3, batch_size=2, report_to="none",
                       progress_bar=False, learning_rate=1e-2, save_steps=3)


def test_torchrun_trains_data_parallel_over_two_processes(tiny_model_dir: Path, tmp_path: Path,
                                                          sft_examples: list[dict[str, Any]]) -> None:
    launcher = shlex.join([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"])
    result = launch_training("sft", sft_examples, _settings(tiny_model_dir, tmp_path / "ddp"), launcher)
    assert result.processes == 2 and result.global_step == 3
    manifest = json.loads(Path(result.manifest_path).read_text())
    assert manifest["processes"] == 2 and manifest["data"]["examples"] == len(sft_examples)
    assert (Path(result.adapter_dir) / "adapter_model.safetensors").is_file()
    # Three steps of two examples on each of two processes: 12 examples seen, 1.5 epochs of 8.
    state = json.loads((tmp_path / "ddp" / "checkpoint-3" / "trainer_state.json").read_text())
    assert state["epoch"] == pytest.approx(1.5)


def test_an_accelerate_config_file_launches_the_job(tiny_model_dir: Path, tmp_path: Path,
                                                    sft_examples: list[dict[str, Any]]) -> None:
    config = tmp_path / "accelerate.yaml"
    config.write_text("compute_environment: LOCAL_MACHINE\ndistributed_type: 'NO'\nnum_processes: 1\n"
                      "use_cpu: true\nmixed_precision: 'no'\n")
    result = launch_training("sft", sft_examples, _settings(tiny_model_dir, tmp_path / "acc"),
                             accelerate_launcher(str(config)))
    assert result.processes == 1 and Path(result.manifest_path).is_file()
    with pytest.raises(ConfigError, match="is not a file"):
        accelerate_launcher(str(tmp_path / "missing.yaml"))


def test_a_failing_launcher_says_how_to_resume(tmp_path: Path, sft_examples: list[dict[str, Any]]) -> None:
    settings = SFTSettings(output_dir=str(tmp_path / "f"))
    with pytest.raises(RuntimeError, match="exit status 1; run the same command again to resume"):
        launch_training("sft", sft_examples, settings, shlex.join([sys.executable, "-c", "raise SystemExit(1)"]))
    with pytest.raises(ConfigError, match="unknown training kind"):
        launch_training("ppo", sft_examples, settings, "true")


def test_tune_hands_its_training_to_the_launcher(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import cmat.training as training
    import cmat.training.launch as launch
    import cmat.training.tune as tune_module

    launched: list[tuple[str, str]] = []

    def fake_launch(kind: str, rows: list[dict[str, Any]], settings: Any, launcher: str) -> None:
        launched.append((kind, launcher))
        adapter = Path(settings.output_dir) / "adapter"
        adapter.mkdir(parents=True)
        (adapter / "adapter_manifest.json").write_text("{}")

    monkeypatch.setattr(launch, "launch_training", fake_launch)
    monkeypatch.setattr(training, "train_sft", lambda *a: pytest.fail("trained in the tune process"))
    monkeypatch.setattr(tune_module, "_eval", lambda *a, **k: {"overall": 0.0})
    tune(TuneConfig(out=str(tmp_path / "t"), train_tasks=3, skip_baseline=True, progress=False,
                    train_launcher="torchrun --standalone --nproc_per_node 4"))
    assert launched == [("sft", "torchrun --standalone --nproc_per_node 4")]
    with pytest.raises(ConfigError, match="not both"):
        tune(TuneConfig(out=str(tmp_path / "u"), accelerate_config="a.yaml", train_launcher="torchrun"))
