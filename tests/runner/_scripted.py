"""Scripted pieces shared by the runner tests: an environment that accepts anything and a
Checker that asks the model."""

from __future__ import annotations

import threading
from collections.abc import Generator
from dataclasses import dataclass, field

from cmat.agents.checker_base import CheckContext, Verdict
from cmat.envs.base import Action, Evaluation, StepResult, Task
from cmat.types import Completion, Conversation, Message, Outcome


@dataclass
class CountEnv:
    """Accepts anything; ends after ``max_rounds`` steps. ``block`` makes step wait on an event."""

    name: str = "count"
    max_rounds: int = 3
    block: threading.Event | None = None
    waited: list[bool] = field(default_factory=list)
    _rounds: int = 0
    _task: str = ""

    def reset(self, task: Task) -> list[Message]:
        self._rounds, self._task = 0, task.id
        return [Message("user", f"Count with me, task {task.id}.")]

    def parse(self, reply: str) -> Action:
        return Action("operation", reply, reply)

    def step(self, reply: str) -> StepResult:
        if self.block is not None and self._task == "slow":
            self.waited.append(self.block.wait(timeout=20))
        self._rounds += 1
        if self._rounds >= self.max_rounds:
            return StepResult(None, True, Outcome.TASK_LIMIT_REACHED)
        return StepResult(f"round {self._rounds} said {len(reply)} characters", False)

    def interrupt(self, outcome: Outcome, reason: str = "") -> None:
        pass

    def evaluate(self) -> Evaluation:
        return Evaluation(Outcome.TASK_LIMIT_REACHED, "", False, {"rounds": self._rounds})

    def close(self) -> None:
        pass


class AskChecker:
    """Asks the model (role ``checker``) about each reply; approves when the answer is even."""

    name = "ask"

    def check(self, ctx: CheckContext) -> Generator[Conversation, Completion, Verdict]:
        completion = yield [Message("user", f"Is this fine? {ctx.reply[:30]}")]
        return Verdict(len(completion.text) % 2 == 0, f"odd: {completion.text[:20]}", self.name)
