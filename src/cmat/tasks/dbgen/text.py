"""Rendering questions: strict template choice, per-task wording style, condition phrases, SQL quoting."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from random import Random
from typing import Any

from cmat.tasks.dbgen import phrasing

_ARTICLE = re.compile(r"(^|\s)a (['\"]?[AEIOaeio])")  # "a Affiliation" -> "an Affiliation" (not "U.S.")


def fields_of(template: str) -> set[str]:
    """The placeholder names of a ``str.format`` template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def render(rng: Random, templates: tuple[str, ...], **fields: str) -> str:
    """One of ``templates`` whose fields are all given, filled in; a template missing from the
    data for these fields is a bug of the generator, so it raises."""
    usable = [t for t in templates if fields_of(t) <= fields.keys()]
    if not usable:
        raise KeyError(f"no template fits the fields {sorted(fields)}")
    text = _ARTICLE.sub(r"\1an \2", " ".join(rng.choice(usable).format(**fields).split()))
    return text[0].upper() + text[1:]


@dataclass(frozen=True)
class Style:
    """How one task writes column names and values (kept fixed within the task)."""

    lower_columns: bool = False
    column_quote: str = ""
    value_quote: str = ""
    lower_values: bool = False

    @staticmethod
    def draw(rng: Random, exact: bool) -> Style:
        """``exact``: values must appear verbatim (mutations), so they are never lower-cased."""
        return Style(
            lower_columns=rng.random() < 0.15,
            column_quote=rng.choice(("", "", "", "", "", '"')),
            value_quote=rng.choice(("", "", "'", "'", '"')),
            lower_values=not exact and rng.random() < 0.1,
        )

    def col(self, name: str) -> str:
        text = name.lower() if self.lower_columns else name
        return f"{self.column_quote}{text}{self.column_quote}"

    def val(self, value: Any) -> str:
        text = str(value).lower() if self.lower_values else str(value)
        return f"{self.value_quote}{text}{self.value_quote}"


@dataclass(frozen=True)
class Cond:
    """A WHERE condition: ``column op value`` where op is ``=``, ``<`` or ``>``."""

    column: str
    op: str
    value: str
    year: bool = False

    def sql(self) -> str:
        if self.op == "=":
            return f"{ident(self.column)} = {literal(self.value)}"
        return f"{ident(self.column)} {self.op} {self.value}"  # a number: MySQL compares numerically


def where(conds: list[Cond]) -> str:
    return " WHERE " + " AND ".join(c.sql() for c in conds) if conds else ""


def phrase(rng: Random, style: Style, conds: list[Cond], kind: str = "rel") -> str:
    """Words for ``conds``: a relative clause ("whose X is v and Y above 3") or a predicate."""
    parts = []
    forms: tuple[str, ...]
    for index, cond in enumerate(conds):
        fields = {"col": style.col(cond.column), "val": style.val(cond.value), "x": cond.value, "sym": cond.op}
        if cond.op == "=":
            forms = phrasing.EQ_PRED if kind == "pred" else phrasing.EQ_REL if index == 0 else phrasing.EQ_AND
        else:
            words = phrasing.YEAR_OP_WORDS if cond.year else phrasing.OP_WORDS
            fields["op"] = rng.choice(words[cond.op])
            forms = phrasing.NUM_PRED if kind == "pred" else phrasing.NUM_REL if index == 0 else phrasing.NUM_AND
        if kind == "pred" and index:
            forms = phrasing.EQ_AND if cond.op == "=" else phrasing.NUM_AND
        parts.append(rng.choice(forms).format(**fields))
    return " and ".join(parts)


def ident(name: str) -> str:
    """A MySQL identifier in backticks."""
    return "`" + name.replace("`", "``") + "`"


def literal(value: Any) -> str:
    """A MySQL string literal (quotes doubled; the vocabularies hold no backslashes)."""
    return "'" + str(value).replace("'", "''") + "'"
