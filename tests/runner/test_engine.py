"""The batched rollout engine: mixed-role batches, env steps off the generation path, and the
same records whatever the concurrency (greedy, on the tiny random model)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from _scripted import AskChecker, CountEnv

from cmat.agents.setup import AgentSetup
from cmat.envs.base import Task
from cmat.llm.mock import MockLLM
from cmat.runner.batching import Roles, serve
from cmat.runner.orchestrator import run_many
from cmat.trajectories.schema import Trajectory
from cmat.types import Completion, Conversation, GenerationConfig, Message


class EachLLM(MockLLM):
    """A mock that also takes one config per request, recording every call it gets."""

    def __init__(self) -> None:
        super().__init__(default="ok")
        self.budgets: list[list[int]] = []

    def generate_each(self, batch: Sequence[Conversation], configs: Sequence[GenerationConfig]) -> list[Completion]:
        self.budgets.append([c.max_new_tokens for c in configs])
        return self.generate(batch, configs[0])


def _tasks(n: int) -> list[Task]:
    return [Task(str(i), "count", "t", {}) for i in range(n)]


def _stripped(records: list[Trajectory]) -> list[dict[str, Any]]:
    return [{**r.to_dict(), "timings": {}} for r in sorted(records, key=lambda r: r.id)]


def test_roles_share_one_call_when_the_backend_takes_per_request_settings() -> None:
    llm = EachLLM()
    roles = Roles({"assistant": llm}, {"assistant": GenerationConfig(max_new_tokens=30),
                                       "checker": GenerationConfig(max_new_tokens=5)})
    requests = [([Message("user", "a")], "assistant"), ([Message("user", "b")], "checker")]
    served = serve(roles, requests)
    assert served.calls == 1 and llm.budgets == [[30, 5]]
    plain = MockLLM(default="ok")
    assert serve(Roles({"assistant": plain}, roles.configs), requests).calls == 2  # one per settings


def test_a_slow_environment_step_does_not_hold_back_the_others() -> None:
    """Episode 'slow' blocks in env.step until another episode has *finished*: only possible
    when the others keep generating while that step is still running."""
    block = threading.Event()
    env = CountEnv(block=block)
    records: list[Trajectory] = []

    def on_record(record: Trajectory) -> None:
        records.append(record)
        block.set()

    tasks = [Task("slow", "count", "t", {}), *_tasks(2)]
    run_many(tasks, lambda: CountEnv(block=block, waited=env.waited), Roles.single(MockLLM(default="x"),
             GenerationConfig()), on_record, concurrency=3, env_workers=3, gather_s=0.01)
    assert env.waited and all(env.waited)  # the event came: no deadlock, no timeout
    assert records[-1].id == "slow" and len(records) == 3


def test_pooled_and_inline_runs_give_the_same_records() -> None:
    agent = AgentSetup(checker=AskChecker(), revisions=1)
    runs = []
    for workers in (0, 2):
        out: list[Trajectory] = []
        run_many(_tasks(5), CountEnv, Roles.single(MockLLM(default="abc"), GenerationConfig()), out.append,
                 concurrency=3, agent_for=lambda _: agent, env_workers=workers)
        runs.append(_stripped(out))
    assert runs[0] == runs[1] and len(runs[0]) == 5


def test_batched_greedy_rollouts_equal_sequential_ones(tiny_runner_llm: Any) -> None:
    """The tiny random model, with a Checker on the same backend (mixed budgets and stop strings
    in one batch): concurrency 1, batched inline and batched on a pool give identical records."""
    roles = Roles({"assistant": tiny_runner_llm}, {
        "assistant": GenerationConfig(max_new_tokens=10),
        "checker": GenerationConfig(max_new_tokens=6, stop=("e",)),
    })
    agent = AgentSetup(checker=AskChecker(), revisions=1)
    runs = []
    for concurrency, workers in ((1, 0), (4, 0), (4, 2)):
        out: list[Trajectory] = []
        run_many(_tasks(4), CountEnv, roles, out.append, concurrency, lambda _: agent, env_workers=workers)
        runs.append(_stripped(out))
    assert runs[0] == runs[1] == runs[2]
    checks = [t for r in runs[0] for t in r["turns"] if t["role"] == "checker"]
    assert checks  # the Checker spoke (and rejected) somewhere, so mixed batches were exercised
    assert sum(r["completion_tokens"] for r in runs[0]) > 0
