"""Reflection: turn a failed attempt into a short lesson for the next one.

``Reflector.reflect`` is a generator like a checker: it yields one conversation (the
``reflection_system`` + ``reflection_user`` prompts: the task, the attempt condensed to fit,
how it ended and why) and returns the lesson, 1-3 sentences, cleaned. When the model's text is
empty or garbage (the 135M default model often repeats itself or echoes the prompt), is an
action instead of a lesson (a tuned actor writes its next SQL), or the model could not
answer, the lesson is a deterministic one built from the failure type and its detail (e.g.
the last SQL error), so every failure still leaves something useful in memory.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field

from cmat.agents.checkers.sql_rule import sql_error
from cmat.agents.templates import clip, render, since_task, transcript
from cmat.errors import ConfigError
from cmat.reflection.triggers import TRIGGERS
from cmat.types import Completion, Conversation, Message, Outcome

ReflectGen = Generator[Conversation, Completion, str]

_PREFIX = re.compile(
    r"^\s*(?:assistant|user|system|agent|checker|reflection|lesson(?:\s+learned)?|answer|response)\s*[:\-]\s*",
    re.IGNORECASE,
)
_LABEL = re.compile(r"\blesson(?:\s+learned)?\s*:\s*", re.IGNORECASE)
_MARKUP = re.compile(r"\*\*|__|^#+\s*|^\s*(?:[-*•]|\d+[.)])\s+", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# A reply in an environment's action format (DBBench's "Action: Operation" + SQL block, the OS
# "Act: bash"): a tuned actor asked for a lesson often writes its next action instead. Stored as
# a lesson, it would put a failed statement back into the retry's context.
_ACTION = re.compile(r"\bAction:\s*(?:Operation|Answer)\b|\bAct:\s*(?:bash|finish|answer)\b|```", re.IGNORECASE)
# Fallback lessons that already state the whole fix; the detail (usually the checker's format
# feedback) would only repeat it.
_SELF_CONTAINED = frozenset({"invalid_format", "invalid_action"})


def clean_lesson(text: str, *, max_chars: int = 400, max_sentences: int = 3) -> str:
    """The lesson in ``text``: role prefixes and markup removed, 1-3 sentences, clipped.

    Returns "" when what is left is not a usable lesson (see :func:`is_garbage`), and when the
    text is an action rather than a lesson (an action format or a code block).
    """
    if _ACTION.search(text or ""):
        return ""
    label = _LABEL.search(text or "")
    body = text[label.end() :] if label else (text or "")
    body = _MARKUP.sub("", body)
    previous = None
    while previous != body:  # "Assistant: Lesson: ..." carries several prefixes
        previous, body = body, _PREFIX.sub("", body, count=1)
    body = " ".join(body.split())
    sentences = [s for s in _SENTENCE_END.split(body) if s][:max_sentences]
    lesson = clip(" ".join(sentences), max_chars)
    return "" if is_garbage(lesson) else lesson


def is_garbage(lesson: str) -> bool:
    """Too short, mostly non-letters, or one phrase repeated: not worth storing."""
    words = re.findall(r"[A-Za-z][A-Za-z'`_-]*", lesson)
    if len(words) < 4:
        return True
    letters = sum(ch.isalpha() for ch in lesson)
    if letters < 0.5 * len(lesson.replace(" ", "")):
        return True
    distinct = {w.lower() for w in words}
    return len(words) >= 8 and len(distinct) < 0.4 * len(words)


@dataclass
class Reflector:
    """Builds the reflection prompt and turns the answer into a lesson; see the module doc."""

    system_prompt: str = "reflection_system"
    user_prompt: str = "reflection_user"
    max_trajectory_chars: int = 2000
    max_message_chars: int = 300
    max_detail_chars: int = 200
    max_lesson_chars: int = 400
    max_sentences: int = 3
    labels: dict[str, str] = field(
        default_factory=lambda: {"user": "Environment", "assistant": "Agent", "system": "System"}
    )

    def conversation(
        self,
        task_prompt: str,
        conversation: Sequence[Message],
        outcome: str | Outcome,
        trigger: str,
        feedback: str,
    ) -> list[Message]:
        """The conversation the model answers with a lesson."""
        _check_trigger(trigger)
        steps = since_task(conversation, task_prompt)
        trajectory = (
            transcript(
                steps,
                labels=self.labels,
                max_chars=self.max_trajectory_chars,
                max_message_chars=self.max_message_chars,
            )
            if steps
            else render("reflection_no_steps")
        )
        detail = self._detail(conversation, feedback)
        user = render(
            self.user_prompt,
            task=task_prompt.strip(),
            trajectory=trajectory,
            outcome=Outcome(outcome).value,
            ending=render(f"reflection_why_{trigger}"),
            detail=detail or render("reflection_no_detail"),
        )
        return [Message("system", render(self.system_prompt)), Message("user", user)]

    def reflect(
        self,
        task_prompt: str,
        conversation: Sequence[Message],
        outcome: str | Outcome,
        trigger: str,
        feedback: str,
    ) -> ReflectGen:
        """Yield the reflection conversation once; return the lesson (never empty)."""
        completion = yield self.conversation(task_prompt, conversation, outcome, trigger, feedback)
        lesson = ""
        if completion.finish_reason not in ("error", "context_limit"):
            lesson = clean_lesson(
                completion.text, max_chars=self.max_lesson_chars, max_sentences=self.max_sentences
            )
        return lesson or self.fallback(trigger, self._detail(conversation, feedback))

    def fallback(self, trigger: str, detail: str = "") -> str:
        """The deterministic lesson for ``trigger``, with the failure's detail when known."""
        _check_trigger(trigger)
        lesson = render(f"reflection_fallback_{trigger}")
        if detail and trigger not in _SELF_CONTAINED:
            lesson += " " + render("reflection_fallback_detail", detail=clip(detail, self.max_detail_chars))
        return clip(lesson, self.max_lesson_chars)

    def _detail(self, conversation: Sequence[Message], feedback: str) -> str:
        """Why it failed in the environment's words: the feedback given, else the last SQL error."""
        if feedback.strip():
            return clip(" ".join(feedback.split()), self.max_detail_chars)
        for message in reversed(conversation):
            if message.role == "user":
                error = sql_error(message.content)
                return clip(error, self.max_detail_chars) if error else ""
        return ""


def _check_trigger(trigger: str) -> None:
    if trigger not in TRIGGERS:
        raise ConfigError(f"unknown failure trigger '{trigger}'; valid triggers: {', '.join(TRIGGERS)}")
