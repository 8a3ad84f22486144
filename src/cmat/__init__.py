"""cmat: Collaborative Multi-Agent Tuning for small language models.

The public API is re-exported here; implementation modules stay private. Importing ``cmat``
never imports torch (heavy backends load lazily).
"""

from __future__ import annotations

from cmat.errors import BackendError, CmatError, ConfigError, DataError, MissingDependencyError
from cmat.types import Completion, Conversation, GenerationConfig, Message, Outcome

__version__ = "0.1.0"

__all__ = [
    "BackendError",
    "CmatError",
    "Completion",
    "ConfigError",
    "Conversation",
    "DataError",
    "GenerationConfig",
    "Message",
    "MissingDependencyError",
    "Outcome",
    "__version__",
]
