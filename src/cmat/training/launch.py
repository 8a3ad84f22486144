"""Run an SFT or DPO job in worker processes started by a distributed launcher.

``cmat tune`` collects and evaluates in its own process; only its training stages need every
device. :func:`launch_training` writes the job (the records and the settings) into the run's
output folder and runs ``LAUNCHER -m cmat.training.launch JOB`` — e.g. ``accelerate launch
--config_file multi_gpu.yaml`` or ``torchrun --standalone --nproc_per_node 2``. Each worker
process runs this module's ``main``: the TRL trainer finds the process group the launcher set
up and trains data-parallel; the first process saves the adapter, its manifest and the
result, which the caller reads back. A job that fails raises with the launcher's exit status,
and, since checkpoints are in ``output_dir``, runs again from the last one.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from cmat.errors import ConfigError
from cmat.runner.store import read_jsonl, write_json_atomic, write_jsonl_atomic
from cmat.training._common import TrainResult

JOB = "launch-job.json"
RESULT = "launch-result.json"


def accelerate_launcher(config_file: str) -> str:
    """The launcher command of an accelerate config file (``accelerate launch --config_file``)."""
    if not Path(config_file).is_file():
        raise ConfigError(f"accelerate config '{config_file}' is not a file (write one with `accelerate config`)")
    return shlex.join([sys.executable, "-m", "accelerate.commands.launch", "--config_file", config_file])


def launch_training(kind: str, records: list[dict[str, Any]], settings: Any, launcher: str) -> TrainResult:
    """Train ``records`` (SFT examples or DPO pairs) with ``settings`` in processes ``launcher``
    starts; returns the :class:`TrainResult` the first process wrote."""
    if kind not in ("sft", "dpo"):
        raise ConfigError(f"unknown training kind {kind!r}; expected sft or dpo")
    out = Path(settings.output_dir)
    data = out / "launch-data.jsonl"
    write_jsonl_atomic(data, records)
    job = out / JOB
    write_json_atomic(job, {"kind": kind, "data": str(data), "settings": asdict(settings)})
    (out / RESULT).unlink(missing_ok=True)
    command = [*shlex.split(launcher), "-m", "cmat.training.launch", str(job)]
    done = subprocess.run(command, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} under `{launcher}` failed with exit status {done.returncode}; "
                           f"run the same command again to resume from the last checkpoint in {out}")
    result = out / RESULT
    if not result.is_file():
        raise RuntimeError(f"{kind} under `{launcher}` ended without writing {result}")
    return TrainResult(**json.loads(result.read_text(encoding="utf-8")))


def run_job(job_file: str | Path) -> TrainResult:
    """One worker's part of a job written by :func:`launch_training`."""
    from cmat.training.dpo import DPOSettings, train_dpo
    from cmat.training.sft import SFTSettings, train_sft

    job = json.loads(Path(job_file).read_text(encoding="utf-8"))
    records = read_jsonl(job["data"])
    if job["kind"] == "sft":
        return train_sft(records, SFTSettings(**job["settings"]))
    return train_dpo(records, DPOSettings(**job["settings"]))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m cmat.training.launch JOB.json (written by cmat.training.launch.launch_training)",
              file=sys.stderr)
        return 2
    result = run_job(args[0])
    if result.is_main_process:
        write_json_atomic(Path(result.output_dir) / RESULT, asdict(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
