"""Reflection: failure -> lesson -> long-term memory, and when a failure may trigger a retry."""

from __future__ import annotations

from cmat.reflection.reflector import ReflectGen, Reflector, clean_lesson, is_garbage
from cmat.reflection.triggers import (
    CHECKER_REJECTED,
    SQL_ERROR,
    TRAIN_ONLY,
    TRIGGERS,
    WRONG_ANSWER,
    failure_trigger,
)

__all__ = [
    "CHECKER_REJECTED",
    "SQL_ERROR",
    "TRAIN_ONLY",
    "TRIGGERS",
    "WRONG_ANSWER",
    "ReflectGen",
    "Reflector",
    "clean_lesson",
    "failure_trigger",
    "is_garbage",
]
