"""Strict prompt rendering: every prompt is a package data file, every value is accounted for.

``render("checker_user", task=..., reply=...)`` reads ``cmat/agents/prompts/checker_user.txt``
and substitutes its ``$placeholders`` (:class:`string.Template` syntax; write ``$$`` for a
literal dollar). A placeholder without a value, or a value without a placeholder, raises
:class:`TemplateError` naming both sides: a silently half-filled prompt is the kind of bug that
costs a training run, so we fail at the first render instead.

:func:`transcript` renders a conversation excerpt into prompt text within a character budget;
the LLM checker and the reflector both show the model a recent slice of an episode.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping, Sequence
from importlib import resources

from cmat.errors import CmatError
from cmat.types import Message

_PACKAGE = "cmat.agents"
_FOLDER = "prompts"


class TemplateError(CmatError):
    """A prompt file is missing, or the values given do not match its placeholders."""


@functools.lru_cache(maxsize=128)
def load(name: str) -> str:
    """The raw text of ``prompts/<name>.txt`` (cached; prompt files do not change at run time)."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise TemplateError(f"invalid prompt name {name!r}: use the file's base name without '.txt'")
    path = resources.files(_PACKAGE).joinpath(f"{_FOLDER}/{name}.txt")
    if not path.is_file():
        raise TemplateError(f"no prompt file '{_FOLDER}/{name}.txt' in package '{_PACKAGE}'")
    return path.read_text(encoding="utf-8")


def exists(name: str) -> bool:
    """Whether ``prompts/<name>.txt`` exists (for optional, environment-specific variants)."""
    try:
        load(name)
    except TemplateError:
        return False
    return True


def placeholders(text: str) -> set[str]:
    """The ``$names`` used in ``text``; raises on a malformed ``$`` (write ``$$`` for a dollar)."""
    names: set[str] = set()
    for match in string.Template.pattern.finditer(text):
        if match.group("invalid") is not None:
            line = text.count("\n", 0, match.start()) + 1
            raise TemplateError(f"malformed '$' on line {line}; write '$$' for a literal dollar")
        name = match.group("named") or match.group("braced")
        if name:
            names.add(name)
    return names


def render_text(text: str, values: Mapping[str, object], *, source: str = "template") -> str:
    """Substitute ``values`` into ``text`` strictly (see the module doc)."""
    wanted = placeholders(text)
    given = set(values)
    missing, unused = sorted(wanted - given), sorted(given - wanted)
    if missing or unused:
        parts = []
        if missing:
            parts.append(f"missing values for {', '.join('$' + m for m in missing)}")
        if unused:
            parts.append(f"values without a placeholder: {', '.join(unused)}")
        raise TemplateError(f"{source}: {'; '.join(parts)} (placeholders: {sorted(wanted)})")
    return string.Template(text).substitute({k: str(v) for k, v in values.items()})


def render(name: str, /, **values: object) -> str:
    """Render ``prompts/<name>.txt`` with ``values``; trailing newlines of the file are dropped."""
    return render_text(load(name), values, source=f"prompt '{name}'").rstrip("\n")


def clip(text: str, limit: int, marker: str = " …") -> str:
    """``text`` cut to at most ``limit`` characters, at a word boundary when one is near."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(marker))]
    space = cut.rfind(" ")
    if space > len(cut) * 0.6:
        cut = cut[:space]
    return cut.rstrip() + marker


def since_task(messages: Sequence[Message], task_prompt: str) -> list[Message]:
    """The messages after the one that states ``task_prompt`` (all of them if none does).

    Environments open with long instructions and the task; a critic or a reflection needs what
    happened *after* them, and the task is shown separately. The task's message may open with
    retrieved memories, so it is the message that *ends* with the task.
    """
    wanted = task_prompt.strip()
    for index, message in enumerate(messages):
        if wanted and message.content.strip().endswith(wanted):
            return list(messages[index + 1 :])
    return list(messages)


def transcript(
    messages: Sequence[Message],
    *,
    labels: Mapping[str, str],
    max_chars: int,
    max_message_chars: int,
) -> str:
    """The *latest* messages as ``Label: text`` lines, newest kept, within ``max_chars``.

    Each message is clipped to ``max_message_chars`` first; older messages are dropped until
    the rest fits, and a note says how many were left out. The failure of an episode is nearly
    always at its end, so the end is what we keep.
    """
    lines: list[str] = []
    used = 0
    for message in reversed(messages):
        line = f"{labels.get(message.role, message.role)}: {clip(message.content, max_message_chars)}"
        if lines and used + len(line) + 1 > max_chars:
            break
        lines.append(line)
        used += len(line) + 1
    left_out = len(messages) - len(lines)
    if left_out:
        lines.append(render("transcript_omitted", n=left_out))
    return "\n".join(reversed(lines))
