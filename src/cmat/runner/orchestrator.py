"""Many episodes in flight; their pending model requests are served by batched calls.

Each tick collects the pending :class:`Request` of every live episode, groups them by the
backend and generation settings of their role (assistant, checker, reflection) — one
``generate`` call per group, usually one in all — and sends each completion back. An episode
whose environment raises is recorded with the ``error`` outcome (a resumed run retries it)
instead of stopping the whole evaluation.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from cmat.agents.setup import AgentSetup
from cmat.envs.base import Env, Task
from cmat.errors import BackendError
from cmat.llm.base import LLM
from cmat.runner.episode import EpisodeGen, Request, error_record, run_episode
from cmat.trajectories.schema import Trajectory
from cmat.types import Completion, GenerationConfig


@dataclass
class Roles:
    """Which backend and settings serve each role; roles not listed use the assistant's."""

    llms: Mapping[str, LLM]
    configs: Mapping[str, GenerationConfig]

    @staticmethod
    def single(llm: LLM, config: GenerationConfig) -> Roles:
        return Roles({"assistant": llm}, {"assistant": config})

    def route(self, role: str) -> tuple[LLM, GenerationConfig]:
        llm = self.llms.get(role, self.llms["assistant"])
        return llm, self.configs.get(role, self.configs["assistant"])


@dataclass
class _Live:
    task: Task
    gen: EpisodeGen
    pending: Request
    started: float
    llm_s: float = 0.0


def _describe(exc: BaseException) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" at {last[0].filename}:{last[0].lineno}" if last else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _start(task: Task, make_env: Callable[[], Env], agent: AgentSetup | None) -> _Live | Trajectory:
    started = time.perf_counter()
    try:
        gen = run_episode(make_env(), task, agent)
        return _Live(task, gen, next(gen), started)
    except StopIteration as stop:
        return stop.value
    except Exception as exc:
        return error_record(task, _describe(exc), time.perf_counter() - started)


def _advance(episode: _Live, completion: Completion) -> Trajectory | None:
    try:
        episode.pending = episode.gen.send(completion)
        return None
    except StopIteration as stop:
        return stop.value
    except Exception as exc:
        return error_record(episode.task, _describe(exc), time.perf_counter() - episode.started)


def run_many(
    tasks: Iterable[Task],
    make_env: Callable[[], Env],
    roles: Roles,
    on_record: Callable[[Trajectory], None],
    concurrency: int = 8,
    agent_for: Callable[[Task], AgentSetup] | None = None,
) -> None:
    """Run every task, at most ``concurrency`` at once; call ``on_record`` as each finishes."""
    queue = iter(tasks)
    live: list[_Live] = []
    exhausted = False
    while True:
        while not exhausted and len(live) < max(1, concurrency):
            task = next(queue, None)
            if task is None:
                exhausted = True
                break
            started = _start(task, make_env, agent_for(task) if agent_for else None)
            if isinstance(started, Trajectory):
                on_record(started)
            else:
                live.append(started)
        if not live:
            return
        completions = _serve(roles, live)
        still: list[_Live] = []
        for episode, completion in zip(live, completions, strict=True):
            record = _advance(episode, completion)
            if record is None:
                still.append(episode)
            else:
                record.timings["llm_s"] = round(episode.llm_s, 4)
                on_record(record)
        live = still


def _serve(roles: Roles, live: list[_Live]) -> list[Completion]:
    """Answer every pending request, one generate call per (backend, settings) group."""
    groups: dict[tuple[int, int], list[int]] = {}
    routes = [roles.route(e.pending.role) for e in live]
    for i, (llm, config) in enumerate(routes):
        groups.setdefault((id(llm), id(config)), []).append(i)
    out: list[Completion | None] = [None] * len(live)
    for members in groups.values():
        llm, config = routes[members[0]]
        t = time.perf_counter()
        batch = [live[i].pending.conversation for i in members]
        try:
            completions = llm.generate(batch, config)
        except BackendError as exc:
            completions = [Completion(text="", finish_reason="error", error=str(exc)) for _ in batch]
        if len(completions) != len(batch):
            raise BackendError(f"{llm.name} returned {len(completions)} completions for {len(batch)} requests")
        seconds = time.perf_counter() - t
        for i, completion in zip(members, completions, strict=True):
            out[i] = completion
            live[i].llm_s += seconds
    return [c if c is not None else Completion("", "error", error="not served") for c in out]
