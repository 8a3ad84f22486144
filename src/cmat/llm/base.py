"""The LLM contract: one required method that takes a *batch* of conversations (and the optional
continuous-batching engine a local backend may offer).

Concurrent episodes hand their pending requests to one ``generate`` call, so a local model
can serve them in one batched forward pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from cmat.types import Completion, Conversation, GenerationConfig


@runtime_checkable
class LLM(Protocol):
    """A chat model. ``generate`` returns one :class:`Completion` per conversation, in order.

    Implementations never raise for a conversation that is too long for the model: they return
    a completion with ``finish_reason == "context_limit"`` so the episode can end with the
    ``context_limit`` outcome.
    """

    name: str

    def generate(
        self, batch: Sequence[Conversation], config: GenerationConfig | None = None
    ) -> list[Completion]: ...


@runtime_checkable
class Engine(Protocol):
    """Continuous batching (``cmat.llm.hf_engine.HFEngine``): requests join a running decode
    batch with ``submit`` and leave it as soon as they finish; each ``step`` advances every active
    request by one token and returns the ``(ticket, completion)`` pairs that finished.

    A backend offers one through an ``engine()`` method (``HFLLM.engine``); the orchestrator
    uses it with ``batching="continuous"``.
    """

    def submit(self, conversation: Conversation, config: GenerationConfig | None = None) -> int: ...

    def step(self) -> list[tuple[int, Completion]]: ...

    @property
    def pending(self) -> int: ...
