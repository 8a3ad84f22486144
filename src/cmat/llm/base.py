"""The LLM contract: one required method that takes a *batch* of conversations.

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
