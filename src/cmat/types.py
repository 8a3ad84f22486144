"""Shared vocabulary: messages, generation settings, completions and outcome categories.

Everything here is plain data with no heavy imports, so every layer can depend on it.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    """One chat turn as an LLM sees it."""

    role: Role
    content: str

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Message:
        return Message(role=data["role"], content=data["content"])


Conversation = list[Message]


@dataclass
class GenerationConfig:
    """How to decode. Greedy (``temperature == 0``) unless a temperature is given."""

    max_new_tokens: int = field(default=384, metadata={"help": "most tokens generated per reply"})
    temperature: float = field(default=0.0, metadata={"help": "0 means greedy decoding"})
    top_p: float = field(default=1.0, metadata={"help": "nucleus sampling mass when sampling"})
    seed: int | None = field(default=None, metadata={"help": "seed for sampling; None = not seeded"})
    stop: tuple[str, ...] = field(default=(), metadata={"help": "strings that end a reply"})
    repeat_stop: int = field(
        default=0,
        metadata={"help": "end a reply once its last N tokens repeat one pattern of at most 32 tokens (a "
                          "degenerate loop that would run to max_new_tokens); 0 = off; the openai backend ignores it"},
    )


FinishReason = Literal["stop", "length", "context_limit", "error"]


@dataclass
class Completion:
    """One generated reply and what it cost."""

    text: str
    finish_reason: FinishReason = "stop"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Outcome(str, enum.Enum):
    """How an episode ended; the categories of AgentBench's ``SampleStatus``.

    ``agentbench_name`` gives AgentBench's own spelling so reports can be compared directly.
    """

    COMPLETED = "completed"
    INVALID_FORMAT = "invalid_format"
    INVALID_ACTION = "invalid_action"
    TASK_LIMIT_REACHED = "task_limit_reached"
    CONTEXT_LIMIT = "context_limit"
    ERROR = "error"

    @property
    def agentbench_name(self) -> str:
        return _AGENTBENCH_NAMES[self]


_AGENTBENCH_NAMES = {
    Outcome.COMPLETED: "completed",
    Outcome.INVALID_FORMAT: "agent validation failed",
    Outcome.INVALID_ACTION: "agent invalid action",
    Outcome.TASK_LIMIT_REACHED: "task limit reached",
    Outcome.CONTEXT_LIMIT: "agent context limit",
    Outcome.ERROR: "unknown",
}


@dataclass(frozen=True)
class ObservedReply:
    """A scripted (gold) reply that quotes what the environment last showed.

    Some gold solutions cannot be written down in advance: the OS oracle runs the task's
    reference command and answers with its output, which depends on the episode's sandbox.
    ``pattern`` (a regular expression) is searched in the last user turn; its first group,
    stripped, replaces ``{observed}`` in ``template`` (an empty string when it does not match).
    """

    template: str
    pattern: str

    def render(self, last_observation: str) -> str:
        import re

        found = re.search(self.pattern, last_observation, re.DOTALL)
        observed = found.group(1).strip() if found else ""
        return self.template.replace("{observed}", observed)


ScriptedReply = str | ObservedReply
