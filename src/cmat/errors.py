"""One small exception tree for mistakes of *our* code, configuration or input.

Mistakes of the model (an unparseable action, bad SQL) are never exceptions: they become
observations and outcome categories (see :mod:`cmat.types`).
"""

from __future__ import annotations


class CmatError(Exception):
    """Base class of every error cmat raises on purpose."""


class ConfigError(CmatError):
    """A configuration value, flag or model spec is invalid; the message says which and why."""


class DataError(CmatError):
    """An input data file is malformed; the message names the file and the line."""


class MissingDependencyError(CmatError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""

    def __init__(self, package: str, extra: str, purpose: str = "") -> None:
        what = f" (needed for {purpose})" if purpose else ""
        super().__init__(
            f"the optional package '{package}' is not installed{what}; "
            f"install it with: pip install 'cmat[{extra}]'"
        )
        self.package = package
        self.extra = extra


class BackendError(CmatError):
    """An LLM backend or database server failed in a way that retrying did not fix."""


def require(module: str, extra: str, purpose: str = "") -> object:
    """Import ``module`` or raise :class:`MissingDependencyError` naming ``extra``."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - exercised through callers
        raise MissingDependencyError(module.split(".")[0], extra, purpose) from exc
