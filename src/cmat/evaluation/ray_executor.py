"""``--executor ray``: spread the episodes of an evaluation over Ray workers.

Each worker is a Ray actor that builds its own environments and its own model from the model
*spec* (``hf``, ``hf:<path>``, ``openai:<model>`` ...), so the same code runs on a local Ray
instance and on a multi-node cluster (``ray start --head`` on one node, ``ray start
--address=<head>:6379`` on the others, then ``--ray-address auto``). With ``openai:<model>``
the workers hold only environments and send their batched requests to a shared server such as
vLLM (reserve no GPU for them: ``--ray-gpus 0``).

A worker runs its shard with :func:`cmat.runner.orchestrator.run_many` (batched, as locally)
on a background thread; the driver polls every worker for finished records and appends them to
the one result store as they arrive, so killing the driver loses at most the episodes in
flight, and resuming works exactly as for a local run. See ``docs/design/rollouts.md``.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from cmat.envs.base import Task
from cmat.errors import BackendError, require
from cmat.trajectories.schema import Trajectory, load_record

if TYPE_CHECKING:
    from cmat.evaluation.run import EvalConfig

POLL_S = 0.5


class RolloutWorker:
    """The body of one Ray actor: runs a shard of tasks and buffers the finished records."""

    def __init__(self, cfg: dict[str, Any], run_id: str) -> None:
        from cmat.evaluation.run import EvalConfig

        self.cfg = EvalConfig(**{**cfg, "executor": "local"})
        self.run_id = run_id
        self.records: queue.Queue[dict[str, Any]] = queue.Queue()
        self.error: str | None = None
        self.thread: threading.Thread | None = None

    def start(self, tasks: list[Task]) -> int:
        """Begin running ``tasks`` in the background; returns at once with the shard size."""
        from cmat.evaluation.run import run_local

        def body() -> None:
            try:
                run_local(self.cfg, tasks, self.run_id, lambda r: self.records.put(r.to_dict()))
            except Exception as exc:  # reported to the driver by drain(), which raises there
                self.error = f"{type(exc).__name__}: {exc}"

        self.thread = threading.Thread(target=body, name="cmat-ray-shard", daemon=True)
        self.thread.start()
        return len(tasks)

    def drain(self, timeout: float = POLL_S) -> tuple[list[dict[str, Any]], bool, str | None]:
        """Records finished since the last call (waits up to ``timeout`` for the first), whether
        the shard is done, and the error that stopped it, if any."""
        out: list[dict[str, Any]] = []
        try:
            out.append(self.records.get(timeout=timeout))
            while True:
                out.append(self.records.get_nowait())
        except queue.Empty:
            pass
        done = self.thread is not None and not self.thread.is_alive() and self.records.empty()
        return out, done, self.error


def shards(tasks: Sequence[Task], workers: int) -> list[list[Task]]:
    """Deal tasks round-robin, so every worker gets a similar mix of task types and lengths."""
    return [list(tasks[i::workers]) for i in range(workers) if tasks[i::workers]]


def run_on_ray(
    cfg: EvalConfig, todo: Sequence[Task], run_id: str, on_record: Callable[[Trajectory], None]
) -> None:
    """Run ``todo`` on ``cfg.ray_workers`` actors; ``on_record`` is called on the driver."""
    ray: Any = require("ray", "ray", "the ray executor")
    if not ray.is_initialized():
        ray.init(address=cfg.ray_address, include_dashboard=False, log_to_driver=False)
    actor_cls = ray.remote(num_cpus=cfg.ray_cpus, num_gpus=cfg.ray_gpus)(RolloutWorker)
    parts = shards(todo, max(1, cfg.ray_workers))
    actors = [actor_cls.remote(asdict(cfg), run_id) for _ in parts]
    try:
        ray.get([a.start.remote(part) for a, part in zip(actors, parts, strict=True)])
        active = list(actors)
        while active:
            polls = ray.get([a.drain.remote(POLL_S) for a in active])
            still = []
            for actor, (records, done, error) in zip(active, polls, strict=True):
                for record in records:
                    on_record(load_record(record))
                if error is not None:
                    raise BackendError(f"a Ray worker stopped: {error}")
                if not done:
                    still.append(actor)
            active = still
    finally:
        for actor in actors:
            ray.kill(actor)
