"""AgentBench's OS-interaction task in a real sandbox, protocol to the letter.

Each episode gets a fresh :class:`Sandbox`; the task's ``create.init`` scripts run as their own
processes (failures ignored, as in AgentBench), its ``start`` command runs in the episode's
persistent shell (background writers keep running), then the agent has ``max_rounds`` replies:
``Act: bash`` runs in the shell and shows the (truncated) output, ``Act: answer(...)`` or
``Act: finish`` ends the episode, anything else is an invalid action. The judge runs in the
same sandbox after the episode (:mod:`cmat.envs.os_interaction.judge`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cmat.envs.base import Action, Evaluation, StepResult, Task
from cmat.envs.os_interaction.judge import judge
from cmat.envs.os_interaction.protocol import extract_action, initial_messages, observation, task_prompt
from cmat.envs.os_interaction.sandbox import Box, SandboxConfig, open_sandbox
from cmat.types import Message, ObservedReply, Outcome, ScriptedReply

MAX_ROUNDS = 8  # AgentBench's round_limit for os-interaction


@dataclass
class OSEnv:
    """One OS-interaction episode in its own sandbox."""

    max_rounds: int = MAX_ROUNDS
    sandbox: SandboxConfig = field(default_factory=SandboxConfig)
    name: str = "os"
    _task: Task | None = field(default=None, init=False, repr=False)
    _box: Box | None = field(default=None, init=False, repr=False)
    _rounds: int = field(default=0, init=False)
    _answer: str | None = field(default=None, init=False)
    _outcome: Outcome | None = field(default=None, init=False)
    _error: str = field(default="", init=False)

    def reset(self, task: Task) -> list[Message]:
        self.close()
        self._task, self._rounds, self._answer, self._outcome, self._error = task, 0, None, None, ""
        self._box = open_sandbox(self.sandbox)
        self._box.start()
        config = task.data["judge"]
        for language, code in config["init"]:
            self._box.execute_script(language, code)
        if config["start"] is not None:
            self._box.run(config["start"][1], timeout=self.sandbox.script_timeout)
        return initial_messages(task.data["description"])

    def parse(self, reply: str) -> Action:
        return extract_action(reply or "")

    @property
    def rounds(self) -> int:
        """Replies taken so far in this episode (AgentBench counts every round)."""
        return self._rounds

    def step(self, reply: str) -> StepResult:
        if self._box is None or self._outcome is not None:
            raise RuntimeError("step() called on an episode that is not running; call reset() first")
        action = extract_action(reply or "")
        self._rounds += 1
        if action.kind in ("answer", "finish"):
            return self._end(Outcome.COMPLETED, action.content if action.kind == "answer" else None)
        if action.kind != "bash":
            return self._end(Outcome.INVALID_ACTION, None)
        result = self._box.run(action.content)
        if self._rounds >= self.max_rounds:
            return self._end(Outcome.TASK_LIMIT_REACHED, None)
        info: dict[str, Any] = {"command": action.content, "exit_code": result.exit_code}
        if result.timed_out:
            info["timed_out"] = True
        return StepResult(observation=observation(result.output), done=False, info=info)

    def _end(self, outcome: Outcome, answer: str | None) -> StepResult:
        self._outcome, self._answer = outcome, answer
        return StepResult(observation=None, done=True, outcome=outcome)

    def interrupt(self, outcome: Outcome, reason: str = "") -> None:
        self._outcome, self._answer, self._error = outcome, None, reason

    def evaluate(self) -> Evaluation:
        if self._task is None or self._box is None or self._outcome is None:
            raise RuntimeError("evaluate() needs a finished episode")
        details: dict[str, Any] = {"rounds": self._rounds}
        if self._error:
            details["error"] = self._error
        answer = "" if self._answer is None else self._answer
        if self._outcome is not Outcome.COMPLETED:
            return Evaluation(self._outcome, answer, False, details)
        verdict = judge(self._box, self._task.data["judge"], self._answer)
        details.update(verdict.details)
        return Evaluation(self._outcome, answer, verdict.correct, details)

    def close(self) -> None:
        if self._box is not None:
            self._box.close()
            self._box = None


_OUTPUT = r"\AThe output of the OS:\n\n(.*)\Z"


def gold_replies(task: Task) -> list[ScriptedReply]:
    """The oracle's replies: run the reference (``example``) and answer with its output.

    Check tasks whose check compares with the example (a ``null`` step) answer with what the
    example printed in this episode; check tasks whose scripts test the system (the ``calc``
    tasks) run the example, which sets the system up, then finish. Match tasks answer the
    match string; regex-only matches have no gold reply.
    """
    config = task.data["judge"]
    if config.get("match") is not None:
        match = config["match"]
        return [f"Think: I know the answer.\n\nAct: answer({match['answer']})"] if "answer" in match else []
    example = config.get("example")
    if example is None:
        return []
    language, code = example
    if language == "python":
        code = f"python3 - <<'CMAT_EOF'\n{code}\nCMAT_EOF"
    run = f"Think: I run the reference solution.\n\nAct: bash\n\n```bash\n{code.strip()}\n```"
    if any(step is None for step in config["check"]):
        return [run, ObservedReply("Think: Its output is the answer.\n\nAct: answer({observed})", _OUTPUT)]
    return [run, "Think: The system is set up.\n\nAct: finish"]


def prompt_of(task: Task) -> str:
    """The task prompt as the environment renders it (the oracle's key)."""
    return task_prompt(task.data["description"])
