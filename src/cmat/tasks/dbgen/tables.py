"""Building one Wikipedia-style table from a domain: title, 3-9 headers, 5-40 rows.

Why so much variety: a small model trained on a few tidy tables learns their shape instead of
SQL (it leaves spaced names unquoted, invents columns, reorders values). Real DBBench tables
have spaced and punctuated names, numbers stored as text, several date formats and blank
cells; every table here is drawn fresh with those features.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import Any

from cmat.tasks.dbgen import values, vocab
from cmat.tasks.dbgen.domains import DOMAINS, Domain

DATABASES = ("wikisql", "wikitq", "hybridqa", "fetaqa")
MAX_NAME = 64  # MySQL's identifier limit


@dataclass
class GenColumn:
    """One generated column: its header, role (see :mod:`domains`), generator and values."""

    name: str
    role: str
    gen: str
    values: list[Any]
    alts: tuple[str, ...] = ()  # the domain's other names for this column (loose mentions)

    def texts(self) -> list[str]:
        """The values as MySQL's TEXT column holds them."""
        return [str(v) for v in self.values]


@dataclass
class GenTable:
    """A generated table plus what the question builders need to know about it."""

    domain: Domain
    name: str
    database: str
    columns: list[GenColumn]

    @property
    def rows(self) -> list[list[Any]]:
        return [list(row) for row in zip(*(c.values for c in self.columns), strict=True)]

    @property
    def key(self) -> GenColumn:
        return next(c for c in self.columns if c.role == "key")

    def with_role(self, *roles: str) -> list[GenColumn]:
        return [c for c in self.columns if c.role in roles]

    def table_field(self) -> dict[str, Any]:
        """The ``table`` object of a DBBench entry (every column declared TEXT, as AgentBench loads it)."""
        return {
            "table_name": self.name,
            "table_info": {"columns": [{"name": c.name, "type": "TEXT"} for c in self.columns], "rows": self.rows},
        }


def _title(rng: Random, domain: Domain) -> str:
    year = rng.randint(1952, 2023)
    fields = {
        "year": str(year), "season": f"{year}–{str(year + 1)[-2:]}", "place": values.place(rng),
        "country": rng.choice(vocab.COUNTRIES), "region": rng.choice(vocab.REGIONS), "person": values.person(rng),
        "club": f"{values.place(rng)} {rng.choice(vocab.CLUB_WORDS)}", "title": values.title(rng),
        "genre": rng.choice(vocab.GENRES).lower(), "colour": rng.choice(vocab.LINE_COLOURS),
        "award": rng.choice(vocab.AWARD_CATEGORIES), "office": rng.choice(vocab.OFFICES),
        "month": rng.choice(values.MONTHS), "industry": rng.choice(vocab.INDUSTRIES).lower(),
        "group": rng.choice(vocab.ANIMAL_GROUPS).lower(), "n": str(rng.randint(1, 9)),
        "label": rng.choice(vocab.RECORD_LABELS), "developer": values.column_values(rng, "developer", 1)[0],
        "tournament": values.column_values(rng, "tournament", 1)[0],
    }
    name = rng.choice(domain.titles).format(**fields)
    if rng.random() < 0.12:  # some DBBench tables carry identifier-style names
        name = "_".join(name.replace("–", "").replace(",", "").replace("(", "").replace(")", "").split())
    name = name.strip()
    return name if len(name) <= MAX_NAME else name[:MAX_NAME].rstrip()


def _header(rng: Random, names: str, role: str, snake: bool) -> str:
    header = rng.choice(names.split("|"))
    if role in ("num", "cat") and "(" not in header and rng.random() < 0.15:
        year = rng.randint(1990, 2023)  # "Points (2019)", "Population 2011": digits inside names
        header = rng.choice((f"{header} ({year})", f"{header} {year}", f"{header} ({year}–{str(year + 1)[-2:]})"))
    return "_".join(header.split()) if snake else header


def _choose_columns(rng: Random, domain: Domain, require: tuple[str, ...]) -> list[int] | None:
    keys = [i for i, c in enumerate(domain.columns) if c.role == "key"]
    key = rng.choice(keys)
    others = [i for i in range(len(domain.columns)) if i != key]
    chosen = {key}
    for role in require:
        if role == "key":
            continue
        fitting = [i for i in others if domain.columns[i].role == role and i not in chosen]
        if not fitting and not any(domain.columns[i].role == role for i in chosen):
            return None
        if fitting:
            chosen.add(rng.choice(fitting))
    size = rng.randint(max(3, len(chosen)), min(9, len(domain.columns)))
    rest = [i for i in others if i not in chosen]
    rng.shuffle(rest)
    chosen.update(rest[: max(0, size - len(chosen))])
    return sorted(chosen)


def build_table(rng: Random, require: tuple[str, ...] = (), domain: Domain | None = None) -> GenTable | None:
    """A fresh table (from ``domain`` or a random one) having a column of each ``require``d role.

    Returns None when the drawn domain cannot satisfy ``require`` (the caller draws again).
    """
    domain = domain or rng.choice(DOMAINS)
    picked = _choose_columns(rng, domain, require)
    if picked is None:
        return None
    n_rows = min(40, max(5, round(rng.triangular(5, 40, 16))))
    snake = rng.random() < 0.08
    columns: list[GenColumn] = []
    seen: set[str] = set()
    for index in picked:
        spec = domain.columns[index]
        name = _header(rng, spec.names, spec.role, snake)
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        if spec.role == "key":
            unique = values.unique_values(rng, spec.gen, n_rows)
            if len(unique) < 5:
                return None
            n_rows = len(unique)
            column_values = unique
        else:
            column_values = values.column_values(rng, spec.gen, n_rows)
        alts = tuple(n for n in spec.names.split("|") if n.lower() != name.lower())
        columns.append(GenColumn(name, spec.role, spec.gen, column_values, alts))
    columns = [GenColumn(c.name, c.role, c.gen, c.values[:n_rows], c.alts) for c in columns]
    return GenTable(domain, _title(rng, domain), rng.choice(DATABASES), columns)
