"""The oracle "model": replays each task's gold solution in the environment's action format.

It exists to prove an environment and its scorer: on a data set with gold solutions it must
score 100%. It recognises the task by the task prompt the environment rendered, and the turn
by the number of assistant messages so far. A reply may be an :class:`ObservedReply`, filled
from the last observation (the OS oracle answers with its reference command's output).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cmat.types import Completion, Conversation, GenerationConfig, ObservedReply, ScriptedReply


@dataclass
class OracleLLM:
    """Replies from ``scripts``: task prompt -> the gold replies, one per assistant turn."""

    scripts: Mapping[str, Sequence[ScriptedReply]]
    name: str = "oracle"
    fallback: str = "Action: Answer\nFinal Answer: []"
    _index: dict[str, Sequence[ScriptedReply]] = field(default_factory=dict, init=False, repr=False)

    def generate(
        self, batch: Sequence[Conversation], config: GenerationConfig | None = None
    ) -> list[Completion]:
        return [Completion(text=self._reply(conversation)) for conversation in batch]

    def _reply(self, conversation: Conversation) -> str:
        turn = sum(1 for m in conversation if m.role == "assistant")
        for message in conversation:
            script = self.scripts.get(message.content) if message.role == "user" else None
            if script is not None:
                # Replies the environment injected before the task prompt (e.g. "Ok.") don't count.
                before = conversation.index(message)
                turn -= sum(1 for m in conversation[:before] if m.role == "assistant")
                if turn >= len(script):
                    return self.fallback
                reply = script[turn]
                if isinstance(reply, ObservedReply):
                    last = next((m.content for m in reversed(conversation) if m.role == "user"), "")
                    return reply.render(last)
                return reply
        return self.fallback
