"""Memory of the Assistant: short-term (this episode, within a token budget) and long-term
(lessons and experiences of earlier episodes, retrieved by relevance, isolated per
evaluation task).

Importing this package never imports torch; the MiniLM embedder loads on first use.
"""

from __future__ import annotations

from cmat.memory._schema import KINDS
from cmat.memory.embeddings import Embedder, HashingEmbedder, MiniLMEmbedder, make_embedder
from cmat.memory.long_term import GLOBAL_SCOPE, LongTermMemory, MemoryEntry, eval_scope
from cmat.memory.short_term import FitResult, fit_to_budget, folded_note, render_memories

__all__ = [
    "GLOBAL_SCOPE",
    "KINDS",
    "Embedder",
    "FitResult",
    "HashingEmbedder",
    "LongTermMemory",
    "MemoryEntry",
    "MiniLMEmbedder",
    "eval_scope",
    "fit_to_budget",
    "folded_note",
    "make_embedder",
    "render_memories",
]
