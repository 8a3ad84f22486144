"""Typed dataclass configs; CLI flags (and YAML) are built from the same source.

Every field carries a ``help`` string in its metadata. ``add_arguments`` turns a config class
into argparse flags (``max_new_tokens`` -> ``--max-new-tokens``); ``from_namespace`` builds the
config back; ``from_yaml`` reads values (never code) from a file.
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from pathlib import Path
from typing import Any, TypeVar, Union

from cmat.errors import ConfigError

T = TypeVar("T")


def comma_list(text: str) -> list[str]:
    """The names of a comma-separated flag value (``"a, b,"`` -> ``["a", "b"]``)."""
    return [name.strip() for name in text.split(",") if name.strip()]


def _base_type(annotation: Any) -> Any:
    """``int | None`` -> ``int``; plain types unchanged."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else str
    return annotation


def add_arguments(parser: argparse.ArgumentParser, cls: type, *, required: tuple[str, ...] = ()) -> None:
    """Add one flag per field of dataclass ``cls`` to ``parser``."""
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if not f.init or f.name.startswith("_"):
            continue
        flag = "--" + f.name.replace("_", "-")
        kind = _base_type(hints[f.name])
        help_text = f.metadata.get("help", "")
        default = None if f.default is dataclasses.MISSING else f.default
        if kind is bool:
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=default, help=help_text)
            continue
        extra: dict[str, Any] = {}
        if "choices" in f.metadata:
            extra["choices"] = f.metadata["choices"]
        parser.add_argument(
            flag,
            type=kind if kind in (int, float, str) else str,
            default=default,
            required=f.name in required,
            help=f"{help_text} (default: {default})" if default is not None else help_text,
            dest=f.name,
            **extra,
        )


def from_namespace(cls: type[T], namespace: argparse.Namespace) -> T:
    """Build ``cls`` from parsed flags (fields missing from the namespace keep defaults)."""
    names = {f.name for f in dataclasses.fields(cls) if f.init}  # type: ignore[arg-type]
    values = {k: v for k, v in vars(namespace).items() if k in names}
    return cls(**values)


def from_yaml(cls: type[T], path: str | Path) -> T:
    """Build ``cls`` from a YAML mapping of field values; unknown keys are an error."""
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    names = {f.name for f in dataclasses.fields(cls) if f.init}  # type: ignore[arg-type]
    unknown = sorted(set(data) - names)
    if unknown:
        raise ConfigError(f"{path}: unknown keys {unknown}; valid keys: {sorted(names)}")
    return cls(**data)
