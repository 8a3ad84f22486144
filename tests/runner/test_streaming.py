"""The continuous (streaming) loop of ``run_many``: same records as lockstep, episodes advance as
soon as their own reply ends, environment errors become records, and the lockstep fallback."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from _scripted import AskChecker, CountEnv

from cmat.agents.setup import AgentSetup
from cmat.envs.base import Task
from cmat.errors import ConfigError
from cmat.llm.mock import MockLLM
from cmat.runner.orchestrator import Roles, run_many
from cmat.trajectories.schema import Trajectory
from cmat.types import Completion, Conversation, GenerationConfig

# CountEnv's first observation names the task; a reply's length sets how many steps it takes.
SLOW, FAST = "x" * 40, "ok"


class StepEngine:
    """A fake engine: a request takes one step per character of its reply (at least one)."""

    def __init__(self, llm: StreamingMock) -> None:
        self.llm, self.next, self.max_active = llm, 0, 0
        self.rows: dict[int, list[Any]] = {}

    def submit(self, conversation: Conversation, config: GenerationConfig | None = None) -> int:
        [completion] = self.llm.generate([conversation], config)
        self.next += 1
        self.rows[self.next] = [max(1, len(completion.text)), completion]
        return self.next

    def step(self) -> list[tuple[int, Completion]]:
        self.llm.steps += 1
        self.max_active = max(self.max_active, len(self.rows))
        done = []
        for ticket, row in list(self.rows.items()):
            row[0] -= 1
            if row[0] == 0:
                done.append((ticket, row[1]))
                del self.rows[ticket]
        return done

    @property
    def pending(self) -> int:
        return len(self.rows)


class StreamingMock(MockLLM):
    """A scripted model that also offers an engine (as ``HFLLM.engine`` does)."""

    def __init__(self, slow_task: str = "0") -> None:
        super().__init__(default=FAST)
        self.slow_task, self.steps = slow_task, 0
        self.engines: list[StepEngine] = []

    def generate(self, batch: Sequence[Conversation], config: GenerationConfig | None = None) -> list[Completion]:
        out = []
        for conversation in batch:
            slow = any(f"task {self.slow_task}." in m.content for m in conversation)
            out.append(Completion(SLOW if slow else FAST, completion_tokens=1))
        return out

    def engine(self) -> StepEngine:
        self.engines.append(StepEngine(self))
        return self.engines[-1]


def _tasks(n: int) -> list[Task]:
    return [Task(str(i), "count", "t", {}) for i in range(n)]


def _stripped(records: list[Trajectory]) -> list[dict[str, Any]]:
    return [{**r.to_dict(), "timings": {}} for r in sorted(records, key=lambda r: r.id)]


@pytest.mark.parametrize("workers", [0, 2])
def test_a_long_reply_no_longer_holds_the_other_episodes(workers: int) -> None:
    llm = StreamingMock(slow_task="0")
    runs: dict[str, list[Trajectory]] = {}
    for batching in ("lockstep", "continuous"):
        runs[batching] = []
        run_many(_tasks(6), CountEnv, Roles.single(llm, GenerationConfig()), runs[batching].append, concurrency=3,
                 env_workers=workers, batching=batching)
    assert _stripped(runs["lockstep"]) == _stripped(runs["continuous"])
    assert len(llm.engines) == 1 and llm.engines[0].max_active <= 3
    # Task 0 needs 3 replies of 40 steps; the five others (2 steps a reply) join as episodes end
    # and all finish meanwhile. In lockstep, task 0 holds every round it is in.
    assert llm.steps < 3 * 40 + 10
    assert [r.id for r in runs["lockstep"]][-1] != "0"
    if workers == 0:  # on a pool the fake engine's steps may outrun the environment threads
        assert [r.id for r in runs["continuous"]][-1] == "0"
    assert all(r.timings["llm_s"] >= 0 for r in runs["continuous"])


def test_env_errors_become_error_records_in_the_stream() -> None:
    class Failing(CountEnv):
        def step(self, reply: str) -> Any:
            if self._task == "1":
                raise RuntimeError("database went away")
            return super().step(reply)

    for workers in (0, 2):
        out: list[Trajectory] = []
        run_many(_tasks(4), Failing, Roles.single(StreamingMock(), GenerationConfig()), out.append, concurrency=2,
                 env_workers=workers, batching="continuous")
        by_id = {r.id: r for r in out}
        assert sorted(by_id) == ["0", "1", "2", "3"]
        assert by_id["1"].outcome == "error" and "database went away" in by_id["1"].details["error"]
        assert all(by_id[i].outcome == "task_limit_reached" for i in ("0", "2", "3"))


def test_backends_without_an_engine_fall_back_to_lockstep(caplog: pytest.LogCaptureFixture) -> None:
    plain, out = MockLLM(default="abc"), list[Trajectory]()
    with caplog.at_level(logging.WARNING):
        run_many(_tasks(3), CountEnv, Roles.single(plain, GenerationConfig()), out.append, 3, batching="continuous")
    assert len(out) == 3 and "lockstep" in caplog.text and plain.batch_sizes[0] == 3
    # Two roles on two backends: no single engine either.
    streaming = StreamingMock()
    roles = Roles({"assistant": streaming, "checker": MockLLM(default="no")}, {"assistant": GenerationConfig()})
    run_many(_tasks(1), CountEnv, roles, out.append, 1, lambda _: AgentSetup(checker=AskChecker()),
             batching="continuous")
    assert not streaming.engines and len(out) == 4
    with pytest.raises(ConfigError, match="batching"):
        run_many(_tasks(1), CountEnv, Roles.single(plain, GenerationConfig()), out.append, batching="fast")


def test_auto_streams_where_an_engine_exists_and_falls_back_silently(caplog: pytest.LogCaptureFixture) -> None:
    streaming, out = StreamingMock(), list[Trajectory]()
    run_many(_tasks(3), CountEnv, Roles.single(streaming, GenerationConfig()), out.append, 3, batching="auto")
    assert len(streaming.engines) == 1 and len(out) == 3
    plain = MockLLM(default="abc")
    with caplog.at_level(logging.INFO):
        run_many(_tasks(2), CountEnv, Roles.single(plain, GenerationConfig()), out.append, 2, batching="auto")
    assert len(out) == 5 and plain.batch_sizes[0] == 2
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


class UnsupportedMock(StreamingMock):
    """A model whose cache the engine cannot split (as ``_kvcache.check_supported`` refuses)."""

    def engine(self) -> StepEngine:
        raise ConfigError("continuous batching supports full-attention layers only")


def test_auto_falls_back_on_an_unsupported_model_and_continuous_says_why() -> None:
    model, out = UnsupportedMock(), list[Trajectory]()
    run_many(_tasks(2), CountEnv, Roles.single(model, GenerationConfig()), out.append, 2, batching="auto")
    assert len(out) == 2  # served by generate, in lockstep
    with pytest.raises(ConfigError, match="full-attention"):
        run_many(_tasks(1), CountEnv, Roles.single(model, GenerationConfig()), out.append, batching="continuous")


def test_greedy_continuous_rollouts_equal_lockstep_ones(tiny_runner_llm: Any) -> None:
    """The tiny random model with a Checker on the same backend (other budget and stop strings):
    the streaming loop gives the very records of the lockstep loop, inline and on a pool."""
    roles = Roles({"assistant": tiny_runner_llm}, {
        "assistant": GenerationConfig(max_new_tokens=12),
        "checker": GenerationConfig(max_new_tokens=6, stop=("e",)),
    })
    agent = AgentSetup(checker=AskChecker(), revisions=1)
    runs = []
    for batching, workers in (("lockstep", 0), ("continuous", 0), ("continuous", 2)):
        out: list[Trajectory] = []
        run_many(_tasks(5), CountEnv, roles, out.append, 3, lambda _: agent, env_workers=workers, batching=batching)
        runs.append(_stripped(out))
    assert runs[0] == runs[1] == runs[2] and len(runs[0]) == 5
    assert any(t["role"] == "checker" for r in runs[0] for t in r["turns"])


def test_dbbench_episodes_stream_to_the_same_records(tiny_runner_dir: Path) -> None:
    """Real DBBench tasks (SQLite) with the tiny model given room for the long prompts."""
    from cmat.envs.dbbench.data import default_dev_path, load_dbbench
    from cmat.envs.dbbench.env import DBBenchEnv
    from cmat.llm.hf import HFLLM

    llm = HFLLM(model=str(tiny_runner_dir), max_context=4096, batch_size=3, prefix_block=32)
    tasks = load_dbbench(default_dev_path())[:6]
    # Loops and stop strings end the random model's replies at different steps.
    roles = Roles.single(llm, GenerationConfig(max_new_tokens=24, repeat_stop=4, stop=("Th",)))
    runs = []
    for batching in ("lockstep", "continuous"):
        out: list[Trajectory] = []
        run_many(tasks, DBBenchEnv, roles, out.append, 4, batching=batching)
        runs.append(out)
    assert _stripped(runs[0]) == _stripped(runs[1]) and len(runs[1]) == 6
    assert len({r.completion_tokens for r in runs[1]}) > 1
    assert all(r.timings["llm_s"] > 0 for r in runs[1])
