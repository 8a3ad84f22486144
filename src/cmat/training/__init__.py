"""Training: thin wrappers over TRL + PEFT (LoRA SFT, DPO, merging an adapter).

Importing this package imports no torch; the heavy libraries load when a function runs, and a
missing one raises :class:`~cmat.errors.MissingDependencyError` naming the ``train`` extra.
"""

from __future__ import annotations

from cmat.training._common import TrainResult
from cmat.training.data import tokenize_conversation
from cmat.training.dpo import DPOSettings, train_dpo
from cmat.training.merge import merge_adapter
from cmat.training.sft import LoraSettings, SFTSettings, train_sft

__all__ = [
    "DPOSettings",
    "LoraSettings",
    "SFTSettings",
    "TrainResult",
    "merge_adapter",
    "tokenize_conversation",
    "train_dpo",
    "train_sft",
]
