"""When one generated sequence ends, and how its tokens become a :class:`Completion`.

Shared by the lockstep ``hf`` backend (a stopping criterion of ``model.generate``) and the
continuous engine (``cmat.llm.hf_engine``), so both end a reply at the same token: EOS, the
first stop string (the text is cut there), the token budget, or a repeat loop (``repeat_stop``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from cmat.types import Completion, FinishReason

MAX_LOOP_PERIOD = 32


def first_stop(text: str, stop: Sequence[str]) -> int | None:
    """Index of the earliest stop string in ``text`` (None when there is none)."""
    hits = [i for i in (text.find(s) for s in stop if s) if i >= 0]
    return min(hits) if hits else None


def looping(generated: Any, span: int) -> bool:
    """Whether the last ``span`` generated tokens repeat with a period of at most ``MAX_LOOP_PERIOD``
    (each equals the token one period earlier): a reply stuck in a loop until its budget.
    ``generated`` is a sequence of token ids or a 1-D tensor."""
    if span <= 0 or len(generated) < span + 1:
        return False
    tokens = generated.tolist() if hasattr(generated, "tolist") else list(generated)
    tail = tokens[-span:]
    for period in range(1, min(MAX_LOOP_PERIOD, len(tokens) - span) + 1):
        if tail == tokens[-span - period : -period]:
            return True
    return False


class StopRule:
    """The end condition of one sequence: its budget, stop strings, EOS ids and repeat span."""

    def __init__(self, budget: int, stop: Sequence[str], eos: Collection[int], repeat: int = 0) -> None:
        self.budget, self.eos, self.repeat = budget, eos, repeat
        self.stop = tuple(s for s in stop if s)
        # A character may need up to 4 byte-level tokens: look back far enough.
        self.window = 4 * max((len(s) for s in self.stop), default=0) + 4

    def ended(self, tokenizer: Any, generated: Sequence[int]) -> bool:
        """Whether the sequence that generated ``generated`` (new tokens only) is done."""
        if not generated:
            return self.budget <= 0
        return (
            len(generated) >= self.budget or generated[-1] in self.eos
            or self._hit(tokenizer, generated) or looping(generated, self.repeat)
        )

    def _hit(self, tokenizer: Any, generated: Sequence[int]) -> bool:
        if not self.stop:
            return False
        tail = tokenizer.decode(list(generated[-self.window :]), skip_special_tokens=True)
        return any(s in tail for s in self.stop)


def finish(
    tokenizer: Any, eos: Collection[int], tokens: list[int], prompt_tokens: int, stop: Sequence[str]
) -> Completion:
    """The completion of a sequence that produced exactly ``tokens``: ``stop`` at EOS or a stop
    string (the text is cut before it), else ``length``."""
    reason: FinishReason = "stop" if tokens and tokens[-1] in eos else "length"
    text = tokenizer.decode(tokens, skip_special_tokens=True)
    cut = first_stop(text, stop)
    if cut is not None:
        text, reason = text[:cut], "stop"
    return Completion(text, reason, prompt_tokens=prompt_tokens, completion_tokens=len(tokens))
