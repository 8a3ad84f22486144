"""Prefix KV caching for the hf backend: encode a shared prompt prefix once, reuse it.

DBBench prompts share a ~330-token instruction prefix (about 80 % of a first-turn prompt), and on
a CPU the prefill of the prompt, not the decoding, is most of the cost of a turn. A chunk whose
prompts share a prefix gets that prefix's keys and values from a small LRU store (computed once
with a batch of one) and is fed only the rest, left-padded *after* the prefix: position ids come
from the attention mask, so every token keeps its position and attends to the same keys.

Prefixes are cut at multiples of ``block`` tokens (so near-identical prompts map to the same
entry, like vLLM's block hashing) and at least one prompt token always stays uncached (the model
must see it to predict the first new token). A stored entry serves any prompt that starts with
its first ``n * block`` tokens, cropped to that length; prefixes under two blocks are not cached.
"""

from __future__ import annotations

import copy
import inspect
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any


def common_prefix(rows: Sequence[Sequence[int]]) -> int:
    """Length of the longest token prefix shared by every row."""
    first, n = rows[0], min(len(r) for r in rows)
    for i in range(n):
        token = first[i]
        if any(r[i] != token for r in rows):
            return i
    return n


def cache_kwarg(model: Any) -> str:
    """The name under which ``model.forward`` takes (and its output returns) the KV cache:
    transformers 5 renamed ``past_key_values`` to ``cache`` (the old name still works, warning)."""
    return "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"


class PrefixStore:
    """An LRU of ``tokens -> DynamicCache`` (batch of one) for one model."""

    def __init__(self, model: Any, torch: Any, device: str, block: int = 32, entries: int = 8) -> None:
        self.model, self.torch, self.device = model, torch, device
        # Below two blocks the saving does not pay for the copy of the cache.
        self.block, self.min_tokens, self.entries = block, 2 * block, entries
        self._store: OrderedDict[tuple[int, ...], Any] = OrderedDict()
        self.hits = self.misses = 0
        self.cache_kwarg = cache_kwarg(model)

    def _aligned(self, n: int) -> int:
        return n // self.block * self.block

    def lookup(self, rows: Sequence[Sequence[int]]) -> tuple[int, Any]:
        """``(length, cache expanded to len(rows))`` for the longest usable shared prefix of
        ``rows``; ``(0, None)`` when none reaches two blocks."""
        shared = min(common_prefix(rows), min(len(r) for r in rows) - 1)
        if self._aligned(shared) < self.min_tokens:
            return 0, None
        head = rows[0][:shared]
        best_len, best_key = 0, None
        for key in self._store:
            usable = self._aligned(common_prefix([key, head]))
            if usable > best_len:
                best_len, best_key = usable, key
        if best_key is not None and best_len >= self.min_tokens:
            self.hits += 1
            self._store.move_to_end(best_key)
            cache = copy.deepcopy(self._store[best_key])
            if best_len < len(best_key):
                cache.crop(best_len - len(best_key))  # negative: drop that many (every version agrees)
        else:
            self.misses += 1
            best_len = self._aligned(shared)
            cache = copy.deepcopy(self._encode(tuple(head[:best_len])))
        if len(rows) > 1:
            cache.batch_repeat_interleave(len(rows))
        return best_len, cache

    def _encode(self, tokens: tuple[int, ...]) -> Any:
        ids = self.torch.tensor([list(tokens)], device=self.device)
        with self.torch.inference_mode():
            out = self.model(input_ids=ids, attention_mask=self.torch.ones_like(ids), use_cache=True)
        cache = out[self.cache_kwarg] if self.cache_kwarg in out else out["past_key_values"]
        self._store[tokens] = cache
        while len(self._store) > self.entries:
            self._store.popitem(last=False)
        return cache
