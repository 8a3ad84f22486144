"""The trajectory schema: typed, versioned, with trainable turns marked.

Version history (one fixture per version lives in ``tests/trajectories/fixtures``):

* v0 — the first ``cmat eval`` records: id, type, env, outcome, correct, answer,
  conversation (roles user/assistant), timings; no ``schema`` field.
* v1 — ``schema: "cmat.trajectory/1"``: adds ``turns`` (every turn of every attempt with its
  role — user, assistant, checker, environment, reflection — trainable flag, checker verdict and
  retrieved memories), ``attempts`` (outcome, correctness, trigger of each attempt),
  ``first_attempt_correct``, ``reward`` and ``model``.

``load_record`` upgrades any known version to the current dataclasses; the JSON on disk is
never rewritten.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SCHEMA = "cmat.trajectory/1"
TurnRole = Literal["user", "assistant", "checker", "environment", "reflection", "memory"]


@dataclass
class Turn:
    """One turn. ``trainable`` marks assistant turns fit to learn from (approved, executed)."""

    role: TurnRole
    content: str
    attempt: int = 0
    step: int = 0
    trainable: bool = False
    verdict: dict[str, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Attempt:
    """One try at the task; later attempts follow a reflection."""

    index: int
    outcome: str
    correct: bool
    answer: str
    rounds: int = 0
    trigger: str | None = None
    retrieved: list[str] = field(default_factory=list)
    lesson: str = ""


@dataclass
class Trajectory:
    """One episode (all attempts at one task); one line of ``results.jsonl``.

    ``conversation`` is the final attempt's conversation exactly as the environment saw it
    (AgentBench's history); ``turns`` is the full record including checker exchanges.
    """

    id: str
    type: str
    env: str
    outcome: str
    correct: bool
    answer: str
    conversation: list[dict[str, str]]
    turns: list[Turn] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    first_attempt_correct: bool = False
    reward: float = 0.0
    model: str = ""
    rounds: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    schema: str = SCHEMA

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _upgrade_v0(data: dict[str, Any]) -> dict[str, Any]:
    turns = []
    for i, message in enumerate(data.get("conversation", [])):
        role = message["role"] if message["role"] == "assistant" else "user"
        turns.append({"role": role, "content": message["content"], "step": i})
    attempt = {
        "index": 0,
        "outcome": data["outcome"],
        "correct": data["correct"],
        "answer": data.get("answer", ""),
        "rounds": data.get("rounds", 0),
    }
    return {
        **data,
        "turns": turns,
        "attempts": [attempt],
        "first_attempt_correct": data["correct"],
        "reward": 1.0 if data["correct"] else 0.0,
        "schema": SCHEMA,
    }


def load_record(data: dict[str, Any]) -> Trajectory:
    """Read a record of any known schema version into a :class:`Trajectory`."""
    version = data.get("schema", "cmat.trajectory/0")
    if version == "cmat.trajectory/0":
        data = _upgrade_v0(data)
    elif version != SCHEMA:
        raise ValueError(f"unknown trajectory schema '{version}'; this cmat reads v0 and v1")
    fields = {k: v for k, v in data.items() if k in Trajectory.__dataclass_fields__}
    fields["turns"] = [Turn(**t) for t in data.get("turns", [])]
    fields["attempts"] = [Attempt(**a) for a in data.get("attempts", [])]
    return Trajectory(**fields)


def final_attempt(trajectory: Trajectory) -> int:
    """Index of the attempt whose conversation the record holds (the last one)."""
    if trajectory.attempts:
        return trajectory.attempts[-1].index
    return max((t.attempt for t in trajectory.turns), default=0)


def prefix_length(trajectory: Trajectory) -> int:
    """Messages the environment opened the final attempt with (its turns of step -1, memories aside).

    DBBench opens with 3 (instructions, "Ok.", the task), the OS task with its one-shot example
    too; the last of them is the task. Records without such turns fall back to DBBench's 3.
    """
    attempt = final_attempt(trajectory)
    prefix = [t for t in trajectory.turns if t.attempt == attempt and t.step == -1 and t.role != "memory"]
    return len(prefix) or 3


def task_message(trajectory: Trajectory) -> str:
    """The final attempt's task message without the memories retrieved for it.

    Memories open the task message (records written before 2026-12-05 carry them at its end);
    the ``memory`` turn holds the block, so it is cut from whichever end it is at.
    """
    conversation = trajectory.conversation
    n = prefix_length(trajectory)
    text = conversation[n - 1]["content"] if len(conversation) >= n else ""
    for turn in trajectory.turns:
        if turn.role != "memory" or not turn.content:
            continue
        if text.startswith(turn.content + "\n\n"):
            text = text[len(turn.content) + 2 :]
        elif text.endswith("\n\n" + turn.content):
            text = text[: -len(turn.content) - 2]
    return text
