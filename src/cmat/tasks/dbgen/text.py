"""Rendering questions: strict template choice, per-task wording style, condition phrases, SQL quoting."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, replace
from random import Random
from typing import TYPE_CHECKING, Any

from cmat.tasks.dbgen import phrasing

if TYPE_CHECKING:
    from cmat.tasks.dbgen.tables import GenTable

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


QUESTION_STYLES = ("plain", "crowd")


@dataclass(frozen=True)
class Style:
    """How one task writes column names and values (kept fixed within the task).

    ``crowd`` (opt-in, :data:`QUESTION_STYLES`) writes the way crowd workers write questions
    about a table: a column is often named loosely (``aliases``: lower case, its unit or a
    parenthesis dropped, or another common name for it), conditions come as "when ... is ..."
    clauses or before the question ("Party of green, what is ...?"), and the question may start
    in lower case or end without a question mark.
    """

    lower_columns: bool = False
    column_quote: str = ""
    value_quote: str = ""
    lower_values: bool = False
    crowd: bool = False
    aliases: tuple[tuple[str, str], ...] = ()
    lower_start: bool = False
    bare_end: bool = False

    @staticmethod
    def draw(rng: Random, exact: bool, table: GenTable | None = None, crowd: bool = False) -> Style:
        """``exact``: values must appear verbatim (mutations), so they are never lower-cased and
        columns keep their header. The plain draws come first, so plain tasks stay as they were."""
        plain = Style(
            lower_columns=rng.random() < 0.15,
            column_quote=rng.choice(("", "", "", "", "", '"')),
            value_quote=rng.choice(("", "", "'", "'", '"')),
            lower_values=not exact and rng.random() < 0.1,
        )
        if not crowd:
            return plain
        return replace(
            plain,
            crowd=True,
            column_quote="",
            value_quote=rng.choice(("", "", "", "'")),
            lower_columns=rng.random() < 0.4,
            lower_values=not exact and rng.random() < 0.3,
            aliases=() if exact or table is None else loose_aliases(rng, table),
            lower_start=rng.random() < 0.3,
            bare_end=rng.random() < 0.15,
        )

    def questions(self, key: str) -> tuple[str, ...]:
        """The templates for ``key``: crowd templates join the plain ones in crowd style."""
        extra = phrasing.CROWD_QUESTIONS.get(key, ()) if self.crowd else ()
        return (*extra, *phrasing.QUESTIONS[key])

    def col(self, name: str) -> str:
        text = dict(self.aliases).get(name, name)
        text = text.lower() if self.lower_columns else text
        return f"{self.column_quote}{text}{self.column_quote}"

    def val(self, value: Any) -> str:
        text = str(value).lower() if self.lower_values else str(value)
        return f"{self.value_quote}{text}{self.value_quote}"

    def finish(self, text: str) -> str:
        """The question as this style ends it (lower-case start, no final mark)."""
        if self.lower_start and text[:1].isupper() and not text[1:2].isupper():
            text = text[0].lower() + text[1:]
        if self.bare_end and text.endswith(("?", ".")):
            text = text[:-1]
        return text


_PAREN = re.compile(r"\s*\([^)]*\)")


def loose_names(header: str, alternatives: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Looser ways to name a column: its own header without a parenthesis or unit ("Area (km²)"
    -> "Area"), a final dot or underscores; and its other common names (at least 4 letters)."""
    own: list[str] = []
    other: list[str] = []
    for name in (header, *alternatives):
        text = _PAREN.sub("", name).replace("_", " ").rstrip(".").strip()
        text = " ".join(text.replace("No.", "number").split())
        if name is not header and len(text) < 4:
            continue  # "W" for "Wins" is a header, not how anyone asks
        if len(text) >= 2 and text.lower() != header.lower() and text not in own + other:
            (own if name is header else other).append(text)
    return own, other


def loose_aliases(rng: Random, table: GenTable) -> tuple[tuple[str, str], ...]:
    """About a third of the columns named loosely (more often a shortened header than another
    name for it), never so loosely that the name also fits another column."""
    headers = [c.name.lower() for c in table.columns]
    taken: set[str] = set(headers)
    aliases: list[tuple[str, str]] = []
    for column in table.columns:
        own, other = loose_names(column.name, column.alts)
        if not own + other or rng.random() < 0.65:
            continue
        alias = rng.choice(own if own and (not other or rng.random() < 0.6) else other)
        low = alias.lower()
        others = [h for h in headers if h != column.name.lower()]
        if low in taken or any(low in h or h in low for h in others):
            continue
        taken.add(low)
        aliases.append((column.name, alias))
    return tuple(aliases)


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
    """Words for ``conds``: a relative clause ("whose X is v and Y above 3"), a predicate
    ("have a X of v"), or (``kind="lead"``, crowd style) conditions stated first ("X of v")."""
    forms_of = phrasing.CROWD_FORMS if style.crowd else phrasing.PLAIN_FORMS
    parts = []
    for index, cond in enumerate(conds):
        fields = {"col": style.col(cond.column), "val": style.val(cond.value), "x": cond.value, "sym": cond.op}
        group = "eq" if cond.op == "=" else "num"
        if cond.op != "=":
            words: Mapping[str, tuple[str, ...]] = phrasing.OP_WORDS if not style.crowd else phrasing.CROWD_OP_WORDS
            words = phrasing.YEAR_OP_WORDS if cond.year else words
            fields["op"] = rng.choice(words[cond.op])
        position = kind if kind in ("pred", "lead") else "rel"
        forms = forms_of[group, position if index == 0 or kind == "lead" else "and"]
        parts.append(rng.choice(forms).format(**fields))
    join = rng.choice(phrasing.CROWD_JOINS) if style.crowd else " and "
    return join.join(parts)


def ident(name: str) -> str:
    """A MySQL identifier in backticks."""
    return "`" + name.replace("`", "``") + "`"


def literal(value: Any) -> str:
    """A MySQL string literal (quotes doubled; the vocabularies hold no backslashes)."""
    return "'" + str(value).replace("'", "''") + "'"
