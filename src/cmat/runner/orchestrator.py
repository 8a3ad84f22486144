"""Many episodes in flight; their pending model requests are served by batched calls.

The loop keeps ``concurrency`` episodes live. Each round it serves the pending :class:`Request`
of every episode that has one (:func:`cmat.runner.batching.serve`: one call per backend when
the backend takes per-request settings, so Assistant, Checker and reflection requests share a
batch) and hands each completion back to its episode.

Handing a completion back runs the episode up to its next request, which includes the
environment step. With ``env_workers == 0`` that happens inline, between batches (a strict
tick: every batch holds every live episode; the order of events is fully deterministic). With
``env_workers > 0`` episodes advance on a thread pool: the next batch is formed from the
episodes that are ready, after waiting at most ``gather_s`` for the others, so a slow
environment step (a shell command, a remote database) does not hold the whole batch back and
runs while the others generate. Greedy outputs do not depend on batch composition (see
``cmat.llm.hf``), so both modes give the same records.

With ``batching="continuous"`` and every role on one backend that offers an engine
(``HFLLM.engine()``, :class:`cmat.llm.base.Engine`), there are no rounds: each request is
submitted into the engine's running decode batch, and each completion is handed back as soon as
its sequence ends, so the episode steps its environment and submits its next request while the
other sequences keep decoding (inline between decode steps, or on the ``env_workers`` pool).
Other backends keep the lockstep loop (with a warning). ``batching="auto"`` (the CLI default)
picks continuous where it is available and lockstep silently elsewhere: a mock or remote
backend, a Checker or reflector on its own model, or a model whose cache the engine cannot
split by rows.

An episode whose environment raises is recorded with the ``error`` outcome (a resumed run
retries it) instead of stopping the whole evaluation. ``on_record`` is always called from the
calling thread.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from cmat.agents.setup import AgentSetup
from cmat.envs.base import Env, Task
from cmat.errors import BackendError, ConfigError
from cmat.llm.base import Engine
from cmat.runner.batching import Roles, serve
from cmat.runner.episode import EpisodeGen, Request, error_record, run_episode
from cmat.trajectories.schema import Trajectory
from cmat.types import Completion

__all__ = ["BATCHING", "Roles", "run_many"]

log = logging.getLogger(__name__)

BATCHING = ("auto", "lockstep", "continuous")


@dataclass
class _Live:
    task: Task
    gen: EpisodeGen
    pending: Request
    started: float
    llm_s: float = 0.0


_Step = _Live | Trajectory  # an episode with a pending request, or its finished record


def _describe(exc: BaseException) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" at {last[0].filename}:{last[0].lineno}" if last else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _start(task: Task, make_env: Callable[[], Env], agent: AgentSetup | None) -> _Step:
    started = time.perf_counter()
    try:
        gen = run_episode(make_env(), task, agent)
        return _Live(task, gen, next(gen), started)
    except StopIteration as stop:
        return stop.value
    except Exception as exc:
        return error_record(task, _describe(exc), time.perf_counter() - started)


def _advance(episode: _Live, completion: Completion) -> _Step:
    try:
        episode.pending = episode.gen.send(completion)
        return episode
    except StopIteration as stop:
        record: Trajectory = stop.value
    except Exception as exc:
        record = error_record(episode.task, _describe(exc), time.perf_counter() - episode.started)
    record.timings["llm_s"] = round(episode.llm_s, 4)
    return record


def run_many(
    tasks: Iterable[Task],
    make_env: Callable[[], Env],
    roles: Roles,
    on_record: Callable[[Trajectory], None],
    concurrency: int = 8,
    agent_for: Callable[[Task], AgentSetup] | None = None,
    env_workers: int = 0,
    gather_s: float = 0.05,
    batching: str = "lockstep",
) -> None:
    """Run every task, at most ``concurrency`` at once; call ``on_record`` as each finishes.

    ``env_workers`` threads step environments while batches generate (0: inline, between
    batches); ``gather_s`` is how long a batch waits for episodes still stepping.
    ``batching="continuous"`` streams requests through the backend's engine when every role
    uses one backend that has one (else it falls back to lockstep, with a warning);
    ``batching="auto"`` does the same without the warning.
    """
    if batching not in BATCHING:
        raise ConfigError(f"batching must be one of {', '.join(BATCHING)}; got '{batching}'")
    queue, concurrency = iter(tasks), max(1, concurrency)
    engine = _engine_for(roles, warn=batching == "continuous") if batching != "lockstep" else None
    if env_workers <= 0:
        if engine is not None:
            _Stream(engine, roles, on_record, make_env, agent_for, None).run(queue, concurrency)
        else:
            _run_inline(queue, make_env, roles, on_record, concurrency, agent_for)
        return
    with ThreadPoolExecutor(max_workers=env_workers, thread_name_prefix="cmat-env") as pool:
        if engine is not None:
            _Stream(engine, roles, on_record, make_env, agent_for, pool).run(queue, concurrency)
        else:
            _run_pooled(queue, make_env, roles, on_record, concurrency, agent_for, pool, gather_s)


def _engine_for(roles: Roles, warn: bool) -> Engine | None:
    """The continuous engine of the one backend serving every role, or None (lockstep; with a
    warning when ``warn``). A model the engine does not support raises only when ``warn``."""
    backends = {id(llm): llm for llm in roles.llms.values()}
    make = getattr(next(iter(backends.values())), "engine", None) if len(backends) == 1 else None
    if not callable(make):
        names = ", ".join(sorted({llm.name for llm in roles.llms.values()}))
        if warn:
            log.warning("continuous batching needs every role on one backend with an engine (hf); %s: lockstep",
                        names)
        return None
    try:
        engine: Engine = make()
    except ConfigError as err:
        if warn:
            raise
        log.info("lockstep batching: %s", err)
        return None
    return engine


def _serve(roles: Roles, ready: list[_Live]) -> list[Completion]:
    served = serve(roles, [(e.pending.conversation, e.pending.role, e.pending.seed) for e in ready])
    for episode, seconds in zip(ready, served.seconds, strict=True):
        episode.llm_s += seconds
    return served.completions


def _run_inline(
    queue: Iterator[Task], make_env: Callable[[], Env], roles: Roles, on_record: Callable[[Trajectory], None],
    concurrency: int, agent_for: Callable[[Task], AgentSetup] | None,
) -> None:
    live: list[_Live] = []
    while True:
        while len(live) < concurrency and (task := next(queue, None)) is not None:
            step = _start(task, make_env, agent_for(task) if agent_for else None)
            if isinstance(step, _Live):
                live.append(step)
            else:
                on_record(step)
        if not live:
            return
        steps = [_advance(e, c) for e, c in zip(live, _serve(roles, live), strict=True)]
        live = [s for s in steps if isinstance(s, _Live)]
        for s in steps:
            if isinstance(s, Trajectory):
                on_record(s)


def _run_pooled(
    queue: Iterator[Task], make_env: Callable[[], Env], roles: Roles, on_record: Callable[[Trajectory], None],
    concurrency: int, agent_for: Callable[[Task], AgentSetup] | None, pool: ThreadPoolExecutor, gather_s: float,
) -> None:
    ready: list[_Live] = []
    stepping: set[Future[_Step]] = set()
    exhausted = False

    def collect(done: Iterable[Future[_Step]]) -> None:
        for future in done:
            stepping.discard(future)
            step = future.result()  # _start/_advance turn every exception into a record
            if isinstance(step, _Live):
                ready.append(step)
            else:
                on_record(step)

    while True:
        while not exhausted and len(ready) + len(stepping) < concurrency:
            task = next(queue, None)
            if task is None:
                exhausted = True
                break
            stepping.add(pool.submit(_start, task, make_env, agent_for(task) if agent_for else None))
        if not ready and not stepping:
            return
        if not ready:  # nothing to generate: wait for the first episode to need the model
            collect(wait(stepping, return_when=FIRST_COMPLETED).done)
            continue
        if stepping:  # give the episodes still stepping a moment to join this batch
            collect(wait(stepping, timeout=gather_s).done)
        batch, ready = ready, []
        for episode, completion in zip(batch, _serve(roles, batch), strict=True):
            stepping.add(pool.submit(_advance, episode, completion))


class _Stream:
    """The continuous loop: episodes submit into one engine and advance as their replies end."""

    def __init__(
        self, engine: Engine, roles: Roles, on_record: Callable[[Trajectory], None], make_env: Callable[[], Env],
        agent_for: Callable[[Task], AgentSetup] | None, pool: ThreadPoolExecutor | None,
    ) -> None:
        self.engine, self.roles, self.on_record, self.make_env = engine, roles, on_record, make_env
        self.agent_for, self.pool = agent_for, pool
        self.waiting: dict[int, _Live] = {}  # ticket -> the episode whose request it is
        self.stepping: set[Future[_Step]] = set()  # episodes starting or stepping on the pool

    def run(self, queue: Iterator[Task], concurrency: int) -> None:
        exhausted = False
        while True:
            while not exhausted and len(self.waiting) + len(self.stepping) < concurrency:
                task = next(queue, None)
                if task is None:
                    exhausted = True
                    break
                self._start(task)
            if not self.waiting and not self.stepping:
                return
            if self.stepping:  # without requests in flight, wait for an episode to need the model
                self._collect(timeout=0.0 if self.waiting else None)
                if not self.waiting:
                    continue
            self._step()

    def _start(self, task: Task) -> None:
        agent = self.agent_for(task) if self.agent_for else None
        if self.pool is None:
            self._place(_start(task, self.make_env, agent))
        else:
            self.stepping.add(self.pool.submit(_start, task, self.make_env, agent))

    def _place(self, step: _Step) -> None:
        """Submit an episode's pending request, or record a finished episode."""
        if isinstance(step, Trajectory):
            self.on_record(step)
            return
        _, config = self.roles.route(step.pending.role, step.pending.seed)
        self.waiting[self.engine.submit(step.pending.conversation, config)] = step

    def _collect(self, timeout: float | None) -> None:
        for future in wait(self.stepping, timeout=timeout, return_when=FIRST_COMPLETED).done:
            self.stepping.discard(future)
            self._place(future.result())  # _start/_advance turn every exception into a record

    def _step(self) -> None:
        started = time.perf_counter()
        finished = self.engine.step()
        spent = time.perf_counter() - started
        if not finished and not self.engine.pending:
            raise BackendError(f"the engine holds no request, yet {len(self.waiting)} are waiting for one")
        for episode in self.waiting.values():  # every request in flight waited for this step
            episode.llm_s += spent
        for ticket, completion in finished:
            episode = self.waiting.pop(ticket)
            if self.pool is None:
                self._place(_advance(episode, completion))
            else:
                self.stepping.add(self.pool.submit(_advance, episode, completion))
