"""Shared SFT example builders for the training tests (a uniquely named module: test folders share sys.path)."""

from __future__ import annotations

from typing import Any


def conversation(answer: str, train: bool = True) -> dict[str, Any]:
    """One SFT example: a user question, a rejected-by-checker draft (not trained) and an answer."""
    return {
        "messages": [
            {"role": "user", "content": "What is the capital of France?"},
            {"role": "assistant", "content": "Paris is blue.", "train": False},
            {"role": "user", "content": "Think step by step."},
            {"role": "assistant", "content": answer, "train": train},
        ]
    }
