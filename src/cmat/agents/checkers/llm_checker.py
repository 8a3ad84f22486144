"""The model as critic: ask an LLM whether the proposed reply is a sound next step.

The checker yields one conversation (``checker_system`` + ``checker_user`` prompts: the task,
the schema, a recent excerpt of the episode, the proposed reply) and parses the answer's
``VERDICT: APPROVE|REJECT`` / ``FEEDBACK: ...`` lines robustly.

Failing open: when the answer holds no recognisable verdict, or the model could not answer
(``finish_reason`` "error" or "context_limit"), the reply is *approved* and the fact is
recorded in ``Verdict.details`` (``unparsed`` / ``skipped``). A weak critic (the 135M default
model often writes neither word) must not block every action of the episode; the rule checker
and the environment still catch concrete errors, and the details let us measure how often
the critic said nothing usable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cmat.agents.checker_base import CheckContext, CheckGen, Verdict
from cmat.agents.checkers._sql_text import backticked
from cmat.agents.templates import clip, render, since_task, transcript
from cmat.types import Message

_APPROVE = {"approve", "approved", "approves", "accept", "accepted", "yes", "correct", "valid", "ok",
            "okay", "pass", "passed", "lgtm", "good", "fine", "sound"}  # fmt: skip
_REJECT = {"reject", "rejected", "rejects", "no", "incorrect", "wrong", "invalid", "fail", "failed",
           "deny", "denied", "bad", "revise"}  # fmt: skip
_VERDICT = re.compile(
    r"\bverdict\b\s*(?:is)?\s*[:：=\-]?\s*[\"'`\[(]*\s*(not\s+)?([a-z]+)", re.IGNORECASE
)
_FEEDBACK = re.compile(r"\bfeedback\b\s*[:：=\-]\s*(.*)", re.IGNORECASE | re.DOTALL)
# Free-text fallback when no VERDICT label: the first decisive phrase wins. "yes"/"no" count
# only as the reply's first word, set off by punctuation ("No idea" is no rejection).
_PHRASE = re.compile(
    r"\b(not\s+(?:correct|valid|ok|okay|approved?|acceptable)|(?:is|are)n't\s+(?:correct|valid)|"
    r"incorrect|wrong|invalid|rejected|reject|approved|approve|accepted|accept|correct|valid|lgtm)\b",
    re.IGNORECASE,
)
_FIRST_WORD = re.compile(r"^\W*(yes|no)\b(?=\s*[,.!:;\-]|\s*$)", re.IGNORECASE)
# Markdown emphasis, headings and quotes; backticks stay (feedback names `columns` with them).
_MARKDOWN = re.compile(r"\*\*|__|^[ \t]*#+[ \t]*|^[ \t]*>[ \t]*", re.MULTILINE)


def _decide(word: str, negated: bool = False) -> bool | None:
    """True/False for a verdict word (``negated``: it followed "not"), None when not one."""
    word = word.lower()
    if word in _APPROVE:
        return not negated
    if word in _REJECT:
        return negated
    return None


def _phrase_decision(phrase: str) -> bool | None:
    words = phrase.lower().split()
    if words[0] == "not" or words[0].endswith("n't"):
        return False
    return _decide(words[-1])


def parse_verdict(text: str) -> tuple[bool | None, str]:
    """(approve?, feedback) read from a critic's answer; approve? is None when undecidable.

    Accepts ``VERDICT: REJECT`` in any case or markdown, synonyms (approve/yes/correct,
    reject/no/wrong), and a free-text answer whose first decisive phrase says it.
    """
    plain = _MARKDOWN.sub("", text or "")
    decision: bool | None = None
    rest = plain
    match = _VERDICT.search(plain)
    if match:
        decision = _decide(match.group(2), negated=bool(match.group(1)))
        rest = plain[match.end() :]
    if decision is None:
        first = _FIRST_WORD.match(plain) or _PHRASE.search(plain)
        if first:
            decision = _phrase_decision(first.group(1))
            rest = plain
    feedback_match = _FEEDBACK.search(plain)
    feedback = feedback_match.group(1) if feedback_match else rest
    return decision, " ".join(feedback.split()).lstrip(" :-.,;")


@dataclass
class LLMChecker:
    """Critic that asks the model; see the module doc for the prompt and the fail-open rule."""

    name: str = "llm"
    system_prompt: str = "checker_system"
    user_prompt: str = "checker_user"
    max_excerpt_chars: int = 1500
    max_message_chars: int = 400
    max_reply_chars: int = 1500
    max_feedback_chars: int = 500
    labels: dict[str, str] = field(
        default_factory=lambda: {"user": "Environment", "assistant": "Assistant", "system": "System"}
    )

    def conversation(self, ctx: CheckContext) -> list[Message]:
        """The conversation the model answers to judge ``ctx.reply``."""
        recent = since_task(ctx.conversation, ctx.task_prompt)
        excerpt = (
            transcript(
                recent,
                labels=self.labels,
                max_chars=self.max_excerpt_chars,
                max_message_chars=self.max_message_chars,
            )
            if recent
            else render("checker_no_history")
        )
        user = render(
            self.user_prompt,
            task=ctx.task_prompt.strip(),
            schema=_schema_text(ctx.schema) or render("checker_no_schema"),
            excerpt=excerpt,
            reply=clip(ctx.reply, self.max_reply_chars),
        )
        return [Message("system", render(self.system_prompt)), Message("user", user)]

    def check(self, ctx: CheckContext) -> CheckGen:
        """Yield the checking conversation once; turn the model's answer into a verdict."""
        completion = yield self.conversation(ctx)
        raw = clip(completion.text or "", 300)
        if completion.finish_reason in ("error", "context_limit"):
            details: dict[str, object] = {"skipped": completion.finish_reason, "error": completion.error}
            return Verdict(approve=True, feedback="", checker=self.name, details=details)
        decision, feedback = parse_verdict(completion.text or "")
        if decision is None:
            details = {"unparsed": True, "raw": raw}
            return Verdict(approve=True, feedback="", checker=self.name, details=details)
        if decision:
            return Verdict(approve=True, feedback="", checker=self.name, details={"raw": raw})
        feedback = clip(feedback, self.max_feedback_chars) or render("checker_default_feedback")
        return Verdict(approve=False, feedback=feedback, checker=self.name, details={"raw": raw})


def _schema_text(schema: dict[str, list[str]]) -> str:
    return "\n".join(f"`{table}`: {backticked(columns)}" for table, columns in schema.items())
