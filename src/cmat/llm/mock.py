"""A scripted LLM for tests and demos: replies come from a list or from regex rules.

Spec file (YAML or JSON) for ``mock:<file>``::

    replies: ["first reply", "second reply"]   # served in order, then ``default``
    rules:                                      # tried first, on the last user message
      - match: "Table '.*' doesn't exist"
        reply: "Action: Answer\\nFinal Answer: []"
    default: "Action: Answer\\nFinal Answer: []"
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cmat.errors import ConfigError
from cmat.types import Completion, Conversation, GenerationConfig


@dataclass
class Rule:
    """Reply ``reply`` when ``pattern`` is found in the last user message."""

    pattern: re.Pattern[str]
    reply: str


@dataclass
class MockLLM:
    """Deterministic scripted model. Records every conversation it was asked about."""

    replies: list[str] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    default: str = ""
    name: str = "mock"
    calls: list[Conversation] = field(default_factory=list)
    batch_sizes: list[int] = field(default_factory=list)

    def generate(
        self, batch: Sequence[Conversation], config: GenerationConfig | None = None
    ) -> list[Completion]:
        self.batch_sizes.append(len(batch))
        return [self._reply(conversation) for conversation in batch]

    def _reply(self, conversation: Conversation) -> Completion:
        self.calls.append(list(conversation))
        last_user = next((m.content for m in reversed(conversation) if m.role == "user"), "")
        for rule in self.rules:
            if rule.pattern.search(last_user):
                return Completion(text=rule.reply, completion_tokens=len(rule.reply.split()))
        text = self.replies.pop(0) if self.replies else self.default
        return Completion(text=text, completion_tokens=len(text.split()))

    @staticmethod
    def from_file(path: str | Path) -> MockLLM:
        """Load a spec file; a malformed one raises :class:`ConfigError` naming the problem."""
        import yaml

        file = Path(path)
        if not file.is_file():
            raise ConfigError(f"mock script '{file}' does not exist")
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"mock script '{file}' is not valid YAML/JSON: {exc}") from exc
        if isinstance(data, list):
            data = {"replies": data}
        if not isinstance(data, dict):
            raise ConfigError(f"mock script '{file}' must hold a mapping or a list of replies")
        try:
            rules = [Rule(re.compile(r["match"]), str(r["reply"])) for r in data.get("rules", [])]
        except (KeyError, TypeError, re.error) as exc:
            raise ConfigError(f"mock script '{file}': bad rule ({exc}); rules need 'match' and 'reply'") from exc
        replies = [str(r) for r in data.get("replies", [])]
        return MockLLM(replies=replies, rules=rules, default=str(data.get("default", "")), name=f"mock:{file.name}")
