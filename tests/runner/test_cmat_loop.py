"""The CMAT loop on a tiny in-test environment: every mechanism does its job.

The environment asks for the word "yes"; it answers 'error: ...' to anything else. This keeps
the loop's logic testable without any database or model.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import dataclass, field

from cmat.agents.checker_base import CheckContext, Verdict
from cmat.agents.setup import AgentSetup
from cmat.envs.base import Action, Evaluation, StepResult, Task
from cmat.llm.mock import MockLLM, Rule
from cmat.runner.orchestrator import Roles, run_many
from cmat.trajectories.schema import Trajectory
from cmat.types import Completion, Conversation, GenerationConfig, Message, Outcome


@dataclass
class YesEnv:
    name: str = "yes"
    max_rounds: int = 2
    executed: list[str] = field(default_factory=list)
    _outcome: Outcome | None = None
    _rounds: int = 0
    _answer: str = ""

    def reset(self, task: Task) -> list[Message]:
        self._outcome, self._rounds, self._answer = None, 0, ""
        return [Message("user", "Say yes."), Message("assistant", "Ok."), Message("user", f"Task {task.id}")]

    def parse(self, reply: str) -> Action:
        return Action("answer" if reply.startswith("ANSWER") else "operation", reply, reply)

    def step(self, reply: str) -> StepResult:
        self.executed.append(reply)
        if reply.startswith("ANSWER"):
            self._outcome, self._answer = Outcome.COMPLETED, reply
            return StepResult(None, True, Outcome.COMPLETED)
        self._rounds += 1
        if self._rounds >= self.max_rounds:
            self._outcome = Outcome.TASK_LIMIT_REACHED
            return StepResult(None, True, self._outcome)
        return StepResult("error: say ANSWER yes", False)

    def interrupt(self, outcome: Outcome, reason: str = "") -> None:
        self._outcome = outcome

    def evaluate(self) -> Evaluation:
        assert self._outcome is not None
        return Evaluation(self._outcome, self._answer, self._answer == "ANSWER yes", {"rounds": self._rounds})

    def close(self) -> None:
        pass


class NoChecker:
    """Rejects any reply containing 'no'."""

    name = "no-checker"

    def check(self, ctx: CheckContext) -> Generator[Conversation, Completion, Verdict]:
        if False:  # pragma: no cover - makes this a generator that never yields
            yield []
        if "no" in ctx.reply:
            return Verdict(False, "never say no", self.name)
        return Verdict(True, "", self.name)


def _run(llm: MockLLM, agent: AgentSetup | None, n: int = 1, env: YesEnv | None = None) -> list[Trajectory]:
    out: list[Trajectory] = []
    tasks = [Task(str(i), "yes", "t", {}) for i in range(n)]
    run_many(tasks, lambda: env or YesEnv(), Roles.single(llm, GenerationConfig()), out.append, 4,
             (lambda task: agent) if agent else None)
    return sorted(out, key=lambda r: r.id)


def test_plain_agent_records_conversation() -> None:
    llm = MockLLM(rules=[Rule(re.compile("Task"), "ANSWER yes")])
    [record] = _run(llm, None)
    assert record.correct and record.outcome == "completed"
    assert [m["role"] for m in record.conversation] == ["user", "assistant", "user", "assistant"]


def test_checker_rejects_then_revision_is_executed() -> None:
    llm = MockLLM(rules=[Rule(re.compile("never say no"), "ANSWER yes"), Rule(re.compile("Task"), "ANSWER no")])
    env = YesEnv()
    [record] = _run(llm, AgentSetup(checker=NoChecker(), revisions=1), env=env)
    assert env.executed == ["ANSWER yes"]  # the rejected proposal never reached the environment
    assert record.correct
    roles = [t.role for t in record.turns if t.step >= 0]
    assert roles == ["assistant", "checker", "assistant"]
    rejected, _, executed = [t for t in record.turns if t.step >= 0]
    assert not rejected.trainable and rejected.verdict and not rejected.verdict["approve"]
    assert executed.trainable and executed.verdict and executed.verdict["approve"]


def test_checker_gives_up_after_k_revisions_and_executes_last() -> None:
    llm = MockLLM(replies=["ANSWER no 1", "ANSWER no 2", "ANSWER no 3"])
    env = YesEnv()
    [record] = _run(llm, AgentSetup(checker=NoChecker(), revisions=2), env=env)
    assert env.executed == ["ANSWER no 3"]
    assert sum(t.role == "checker" for t in record.turns) == 2
    final = [t for t in record.turns if t.role == "assistant" and t.step >= 0][-1]
    assert final.verdict and not final.verdict["approve"] and not final.trainable


def test_a_greedy_revision_that_repeats_the_rejected_reply_ends_the_revisions() -> None:
    llm = MockLLM(default="ANSWER no")
    env = YesEnv()
    [record] = _run(llm, AgentSetup(checker=NoChecker(), revisions=3), env=env)
    assert env.executed == ["ANSWER no"]
    assert len(llm.calls) == 2  # the reply and one revision; the next request would be the same
    assert sum(t.role == "checker" for t in record.turns) == 1


@dataclass
class SeedEcho:
    """Says the seed and temperature it was asked with, so a test sees how requests were routed."""

    name: str = "seed-echo"
    asked: list[GenerationConfig] = field(default_factory=list)

    def generate(self, batch: list[Conversation], config: GenerationConfig | None = None) -> list[Completion]:
        config = config or GenerationConfig()
        self.asked += [config] * len(batch)
        return [Completion(f"ANSWER no t={config.temperature} seed={config.seed}") for _ in batch]


def test_sampled_revisions_use_the_revision_role_with_a_seed_per_revision() -> None:
    def run() -> tuple[list[str], SeedEcho]:
        llm, env = SeedEcho(), YesEnv(max_rounds=1)
        roles = Roles({"assistant": llm}, {"assistant": GenerationConfig(seed=5),
                                           "revision": GenerationConfig(temperature=0.7, seed=5)})
        agent = AgentSetup(checker=NoChecker(), revisions=2, revision_temperature=0.7)
        run_many([Task("7", "yes", "t", {})], lambda: env, roles, lambda r: None, 1, lambda task: agent)
        return env.executed, llm

    executed, llm = run()
    assert [c.temperature for c in llm.asked] == [0.0, 0.7, 0.7]
    seeds = [c.seed for c in llm.asked]
    assert seeds[0] == 5 and len(set(seeds)) == 3  # every revision draws with its own seed
    assert run()[0] == executed  # and the same ones again: reproducible


def test_a_request_seed_changes_only_sampled_settings() -> None:
    roles = Roles({"assistant": MockLLM()}, {"assistant": GenerationConfig(seed=1),
                                             "revision": GenerationConfig(temperature=0.5, seed=1)})
    assert roles.route("assistant", 99)[1].seed == 1
    assert roles.route("revision", 99)[1].seed != roles.route("revision", 98)[1].seed
    assert roles.route("revision")[1].seed == 1


def test_episodes_are_batched_together() -> None:
    llm = MockLLM(rules=[Rule(re.compile("Task"), "ANSWER yes")])
    records = _run(llm, None, n=4)
    assert len(records) == 4 and llm.batch_sizes == [4]
