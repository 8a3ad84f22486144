"""How the Assistant works in one episode: checker, revisions, memory, reflection, budget.

``AgentSetup()`` with its defaults is the plain AgentBench agent: no checker, no memory, no
reflection, an unlimited context; every mechanism is switched on separately.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from cmat.types import Message

if TYPE_CHECKING:
    from cmat.agents.checker_base import Checker


def approx_tokens(messages: Sequence[Message]) -> int:
    """A tokenizer-free estimate (4 characters a token) for backends that cannot count."""
    return sum(len(m.content) // 4 + 4 for m in messages)


@dataclass
class AgentSetup:
    """The switches of the CMAT loop for one episode."""

    checker: Checker | None = None
    revisions: int = 2
    repair: bool = False  # execute the Checker's own corrected reply (Verdict.revision) when it has one
    revision_temperature: float = 0.0  # > 0: revisions are sampled (role "revision"), not greedy
    memory: Any = None  # cmat.memory.LongTermMemory; typed loosely to keep imports one-way
    memory_k: int = 3
    memory_budget: int = 320
    reflection: int = 0
    reflector: Any = None  # cmat.reflection.Reflector
    mode: Literal["eval", "train"] = "eval"
    run_id: str = "run"
    context_budget: int | None = None
    count_tokens: Callable[[Sequence[Message]], int] = approx_tokens
    model: str = ""

    @property
    def attempts(self) -> int:
        """Attempts per task: one, plus one per reflection."""
        return 1 + max(0, self.reflection)
