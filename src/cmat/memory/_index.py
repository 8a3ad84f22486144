"""In-memory vector index of the long-term store: one matrix, so a query is one product.

Rows carry integer codes for scope, env, kind and task type, so filters are vectorised masks instead of
per-row Python. Arrays grow by doubling; appending N rows one at a time costs O(N) overall.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

_FIELDS = ("scope", "env", "kind", "task_type")
# field -> allowed values (None: no condition)
Filters = Mapping[str, "Sequence[str] | None"]


class VectorIndex:
    """Unit vectors of the stored entries with their row numbers and filter codes."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.size = 0
        self.last_n = 0  # highest entry row number loaded (rows arrive in increasing order)
        self._vectors = np.empty((0, dim), dtype=np.float32)
        self._ns = np.empty(0, dtype=np.int64)
        self._codes = {f: np.empty(0, dtype=np.int32) for f in _FIELDS}
        self._vocab: dict[str, dict[str, int]] = {f: {} for f in _FIELDS}

    def append(self, ns: Sequence[int], vectors: np.ndarray, labels: Mapping[str, Sequence[str]]) -> None:
        """Add rows; ``labels`` maps "scope", "env", "kind" and "task_type" to one value per row."""
        count = len(ns)
        if count == 0:
            return
        self._reserve(self.size + count)
        end = self.size + count
        self._vectors[self.size : end] = vectors
        self._ns[self.size : end] = ns
        for field in _FIELDS:
            vocab = self._vocab[field]
            self._codes[field][self.size : end] = [vocab.setdefault(v, len(vocab)) for v in labels[field]]
        self.size = end
        self.last_n = int(ns[-1])

    def _reserve(self, needed: int) -> None:
        capacity = len(self._ns)
        if needed <= capacity:
            return
        capacity = max(needed, 2 * capacity, 1024)
        vectors = np.empty((capacity, self.dim), dtype=np.float32)
        vectors[: self.size] = self._vectors[: self.size]
        self._vectors = vectors
        self._ns = np.resize(self._ns, capacity)
        for field in _FIELDS:
            self._codes[field] = np.resize(self._codes[field], capacity)

    def _mask(self, filters: Filters) -> np.ndarray | bool | None:
        """Boolean row mask for the filters; None = every row passes, False = none can."""
        mask: np.ndarray | None = None
        for field, allowed in filters.items():
            if allowed is None:
                continue
            codes = [self._vocab[field][v] for v in allowed if v in self._vocab[field]]
            if not codes:
                return False
            if len(codes) == len(self._vocab[field]):
                continue  # every value present passes: no mask needed
            hit = np.isin(self._codes[field][: self.size], codes)
            mask = hit if mask is None else mask & hit
        return mask

    def top_k(self, query: np.ndarray, k: int, filters: Filters) -> list[tuple[int, float]]:
        """The ``k`` best ``(row number, cosine)`` pairs among rows passing ``filters``."""
        mask = self._mask(filters)
        if mask is False or self.size == 0 or k <= 0:
            return []
        scores = self._vectors[: self.size] @ np.asarray(query, dtype=np.float32)
        if isinstance(mask, np.ndarray):
            allowed = int(mask.sum())
            scores = np.where(mask, scores, -np.inf)
        else:
            allowed = self.size
        k = min(k, allowed)
        if k == 0:
            return []
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(self._ns[i]), float(scores[i])) for i in best]
