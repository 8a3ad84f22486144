"""Turn chat examples into token ids with loss labels, and measure the batches trained on.

Loss is taken only on assistant turns marked ``"train": True``. The labels are built here from
the chat template rather than with TRL's ``assistant_only_loss``, which needs
``{% generation %}`` markers that SmolLM2's template (like most) lacks. Each trainable turn's
span is found by rendering the conversation prefix with the generation prompt: everything the
template adds *after* that prompt for this turn (the content and the end-of-turn token, trailing
whitespace excluded) carries loss; system and user turns, untrained assistant turns and the
``<|im_start|>assistant`` header do not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cmat.errors import ConfigError, DataError

IGNORE = -100
ROLES = ("system", "user", "assistant")


def clean_messages(messages: Any, where: str) -> list[dict[str, str]]:
    """Validate ``messages`` and strip them to ``role`` / ``content``."""
    if not isinstance(messages, list) or not messages:
        raise DataError(f"{where}: 'messages' must be a non-empty list")
    clean = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in ROLES or not isinstance(m.get("content"), str):
            raise DataError(f"{where}, message {i}: needs role in {ROLES} and a string content")
        clean.append({"role": m["role"], "content": m["content"]})
    return clean


def _render(tokenizer: Any, messages: list[dict[str, str]], generation_prompt: bool) -> str:
    text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=generation_prompt)
    return str(text)


def trainable_spans(
    tokenizer: Any, messages: list[dict[str, Any]], where: str = "example"
) -> tuple[str, list[tuple[int, int]]]:
    """Render ``messages`` and return (text, character spans that carry loss)."""
    clean = clean_messages(messages, where)
    full = _render(tokenizer, clean, False)
    spans = []
    for i, message in enumerate(messages):
        if message["role"] != "assistant" or not message.get("train", False):
            continue
        prompt = _render(tokenizer, clean[:i], True) if i else None
        upto = _render(tokenizer, clean[: i + 1], False)
        if prompt is None or not upto.startswith(prompt) or not full.startswith(upto):
            raise DataError(
                f"{where}, message {i}: the chat template does not render this conversation's prefixes "
                "as prefixes, so the trainable span cannot be found (does it start with an assistant turn?)"
            )
        turn = upto[len(prompt) :].rstrip()
        if turn:
            spans.append((len(prompt), len(prompt) + len(turn)))
    return full, spans


def tokenize_conversation(
    tokenizer: Any, messages: list[dict[str, Any]], max_length: int | None = None, where: str = "example"
) -> dict[str, list[int]]:
    """``{"input_ids", "labels"}`` for one conversation; labels are -100 outside trainable spans.

    A token carries loss when its characters lie inside a trainable span. The start is kept
    when ``max_length`` cuts the conversation (as TRL does).
    """
    if not getattr(tokenizer, "is_fast", False):
        raise ConfigError("training needs a fast (Rust) tokenizer: its offsets locate the assistant turns")
    text, spans = trainable_spans(tokenizer, messages, where)
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids = list(encoded["input_ids"])
    labels = []
    for token, (start, end) in zip(ids, encoded["offset_mapping"], strict=True):
        inside = end > start and any(lo <= start and end <= hi for lo, hi in spans)
        labels.append(token if inside else IGNORE)
    if max_length is not None:
        ids, labels = ids[:max_length], labels[:max_length]
    return {"input_ids": ids, "labels": labels}


def tokenize_examples(
    tokenizer: Any, examples: list[dict[str, Any]], max_length: int | None
) -> tuple[list[dict[str, list[int]]], int]:
    """Tokenise every example; return (the ones with at least one loss token, how many were dropped)."""
    kept, dropped = [], 0
    for n, example in enumerate(examples):
        if not isinstance(example, dict) or "messages" not in example:
            raise DataError(f"example {n}: expected a dict with 'messages'")
        row = tokenize_conversation(tokenizer, example["messages"], max_length, where=f"example {n}")
        if any(label != IGNORE for label in row["labels"]):
            kept.append(row)
        else:
            dropped += 1
    return kept, dropped


@dataclass
class BatchStats:
    """Counts over the batches a collator produced: real tokens, padded positions, loss tokens."""

    batches: int = 0
    tokens: int = 0
    positions: int = 0
    loss_tokens: int = 0

    @property
    def padding_fraction(self) -> float | None:
        """Share of positions in the batches that were padding (None before any batch)."""
        return 1.0 - self.tokens / self.positions if self.positions else None


class CountingCollator:
    """Wraps a collator and records :class:`BatchStats` of what it returns (the batches trained on)."""

    def __init__(self, inner: Callable[[list[dict[str, Any]]], dict[str, Any]]) -> None:
        self.inner = inner
        self.stats = BatchStats()

    def __call__(self, examples: list[dict[str, Any]]) -> dict[str, Any]:
        batch = self.inner(examples)
        self.stats.batches += 1
        self.stats.tokens += sum(len(e["input_ids"]) for e in examples)
        self.stats.positions += int(batch["input_ids"].numel())
        if "labels" in batch:
            self.stats.loss_tokens += int((batch["labels"] != IGNORE).sum())
        return batch
