"""Column value generators: ``spec`` strings such as ``"int:1:40"`` -> one value per row.

Each generator draws from :mod:`cmat.tasks.dbgen.vocab` with the caller's seeded ``Random``, so
a table is a pure function of the seed. Formats vary *per table* (a date column uses one
format throughout, as a real table would) and *between* tables (so a model cannot learn one).
"""

from __future__ import annotations

from collections.abc import Callable
from random import Random
from typing import Any

from cmat.tasks.dbgen import vocab

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
DATE_FORMATS = ("dmy", "mdy", "iso", "slash", "my", "dmy_short", "md")


def place(rng: Random) -> str:
    """An invented town name ("Ravenholm", "New Ashford")."""
    name = rng.choice(vocab.PLACE_STARTS) + rng.choice(vocab.PLACE_ENDS)
    roll = rng.random()
    if roll < 0.08:
        return "New " + name
    if roll < 0.13:
        return name + " Upon " + rng.choice(vocab.PLACE_STARTS) + "water"
    return name


def person(rng: Random) -> str:
    first, last = rng.choice(vocab.FIRST_NAMES), rng.choice(vocab.SURNAMES)
    if rng.random() < 0.15:
        return f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
    return f"{first} {last}"


def title(rng: Random) -> str:
    adj, noun = rng.choice(vocab.ADJECTIVES), rng.choice(vocab.NOUNS)
    article = "An" if noun[0] in "AEIOU" else "A"
    forms = (f"The {adj} {noun}", f"{adj} {noun}", f"{noun} of the {adj} {rng.choice(vocab.NOUNS)}",
             f"{article} {noun} in {place(rng)}", f"{adj} {noun}s", f"The {noun}'s {adj} Hour")
    return rng.choice(forms)


_NAMED: dict[str, Callable[[Random], str]] = {
    "person": person,
    "country": lambda r: r.choice(vocab.COUNTRIES),
    "place": place,
    "title": title,
    "quoted_title": lambda r: f'"{title(r)}"',
    "club": lambda r: f"{place(r)} {r.choice(vocab.CLUB_WORDS)}",
    "building": lambda r: r.choice((f"{r.choice(vocab.SURNAMES)} Tower", f"{place(r)} Centre",
                                    f"One {place(r)} Plaza", f"{r.choice(vocab.NOUNS)} House",
                                    f"{place(r)} Trade Building")),
    "river": lambda r: r.choice((f"{place(r)} River", f"River {r.choice(vocab.PLACE_STARTS)}",
                                 f"{r.choice(vocab.PLACE_STARTS)}water")),
    "species": lambda r: f"{r.choice(vocab.GENERA)} {r.choice(vocab.EPITHETS)}",
    "common_species": lambda r: f"{place(r)} {r.choice(vocab.ANIMAL_GROUPS).lower()}".capitalize(),
    "school": lambda r: f"{place(r)} {r.choice(vocab.SCHOOL_TYPES)}",
    "company": lambda r: r.choice((f"{r.choice(vocab.SURNAMES)} {r.choice(vocab.COMPANY_SUFFIXES)}",
                                   f"{place(r)} {r.choice(vocab.INDUSTRIES)} {r.choice(vocab.COMPANY_SUFFIXES)}")),
    "station": lambda r: r.choice((place(r), f"{place(r)} Central", f"{r.choice(vocab.SURNAMES)} Street",
                                   f"{place(r)} – {r.choice(vocab.NOUNS)} Square")),
    "mountain": lambda r: r.choice((f"Mount {r.choice(vocab.SURNAMES)}", f"{r.choice(vocab.PLACE_STARTS)} Peak",
                                    f"{place(r)} Fell")),
    "ship": lambda r: r.choice((f"SS {place(r)}", f"MV {r.choice(vocab.ADJECTIVES)} {r.choice(vocab.NOUNS)}",
                                f"HMS {r.choice(vocab.NOUNS)}")),
    "game": lambda r: f"{title(r)}{r.choice(('', '', ' II', ': Remastered', ' 3'))}",
    "venue": lambda r: f"{place(r)} {r.choice(vocab.VENUE_KINDS)}",
    "developer": lambda r: f"{r.choice(vocab.DEVELOPER_WORDS)} {r.choice(('Studios', 'Games', 'Interactive'))}",
    "institution": lambda r: f"{place(r)} {r.choice(vocab.INSTITUTION_WORDS)}",
    "museum": lambda r: f"{place(r)} Museum of {r.choice(vocab.MUSEUM_KINDS)}".replace(
        "of Local history", "of Local History"),
    "code": lambda r: f"{r.randint(1, 6)}{r.choice('ABCDEFGHJK')}{r.choice('LMNPRSTVX')}{r.randint(1, 24):02d}",
    "gridref": lambda r: f"{r.choice(('NN', 'NT', 'SD', 'NY', 'TQ'))} {r.randint(100, 999)} {r.randint(100, 999)}",
    "yesno": lambda r: r.choice(("Yes", "No")),
    "score": lambda r: f"{r.randint(0, 5)}{r.choice(('–', '-'))}{r.randint(0, 4)}",
    "time": lambda r: f"{r.randint(1, 4)}:{r.randint(0, 59):02d}.{r.randint(0, 99):02d}",
    "money": lambda r: r.choice((f"${r.randint(1, 99)}.{r.randint(0, 9)} million", f"£{r.randint(1, 950)},000",
                                 f"€{r.randint(2, 80)}m")),
    "percent": lambda r: f"{r.randint(1, 99)}.{r.randint(0, 9)}%",
    "height": lambda r: (lambda m: f"{m} m ({round(m * 3.281):,} ft)")(r.randint(90, 480)),
    "authority": lambda r: f"{r.choice(vocab.SURNAMES)}, {r.randint(1760, 1990)}",
    "range": lambda r: f"{place(r)} Range",
    "tournament": lambda r: f"{place(r)} {r.choice(('Open', 'Classic', 'Trophy', 'Masters'))}",
    "street": lambda r: f"{r.randint(1, 480)} {r.choice(vocab.SURNAMES)} "
    f"{r.choice(('Street', 'Avenue', 'Road', 'Quay'))}",
    "set_score": lambda r: ", ".join(r.choice(("6–4", "4–6", "7–5", "6–3", "3–6", "7–6", "6–2", "6–1"))
                                     for _ in range(r.choice((2, 3)))),
    "connections": lambda r: r.choice(("—", "", ", ".join(r.sample(vocab.LINE_COLOURS, 2)) + " lines",
                                       f"{r.choice(vocab.LINE_COLOURS)} line, bus station")),
    "notes": lambda r: r.choice(("", "—")) if r.random() < 0.25 else
    "; ".join(r.sample(vocab.NOTE_PHRASES, r.randint(1, 2))).capitalize(),
}


def date_text(rng: Random, fmt: str, lo: int, hi: int) -> str:
    """A date between the years ``lo`` and ``hi`` in one of :data:`DATE_FORMATS`."""
    year, month, day = rng.randint(lo, hi), rng.randint(1, 12), rng.randint(1, 28)
    name = MONTHS[month - 1]
    return {
        "dmy": f"{day} {name} {year}",
        "mdy": f"{name} {day}, {year}",
        "iso": f"{year}-{month:02d}-{day:02d}",
        "slash": f"{day:02d}/{month:02d}/{year}",
        "my": f"{name} {year}",
        "dmy_short": f"{day} {name[:3]} {year}",
        "md": f"{name} {day}",
    }[fmt]


def _numbers(rng: Random, n: int, args: list[str], places: int) -> list[Any]:
    lo, hi = int(args[0]), int(args[1])
    if rng.random() < 0.5:  # a table rarely spans the whole plausible range
        width = max(1, (hi - lo) // rng.randint(2, 4))
        lo = rng.randint(lo, hi - width)
        hi = lo + width
    if places:
        scale = 10**places
        return [f"{rng.randint(lo * scale, hi * scale) / scale:.{places}f}" for _ in range(n)]
    as_int = rng.random() < 0.15  # real DBBench rows sometimes hold JSON numbers
    return [v if as_int else str(v) for v in (rng.randint(lo, hi) for _ in range(n))]


def column_values(rng: Random, spec: str, n: int) -> list[Any]:
    """``n`` values for the generator ``spec`` ("kind" or "kind:arg:arg")."""
    kind, *args = spec.split(":")
    if kind == "int":
        return _numbers(rng, n, args, 0)
    if kind == "dec":
        return _numbers(rng, n, args, int(args[2]))
    if kind == "grouped":  # thousands separators: text to MySQL, never compared numerically here
        lo, hi = int(args[0]), int(args[1])
        return [f"{rng.randint(lo, hi):,}" for _ in range(n)]
    if kind == "seq":
        start = rng.choice((1, 1, 1, int(args[0]) if args else 1))
        return [str(start + i) for i in range(n)]
    if kind == "year":
        lo, hi = int(args[0]), int(args[1])
        return sorted(str(rng.randint(lo, hi)) for _ in range(n)) if rng.random() < 0.6 else \
            [str(rng.randint(lo, hi)) for _ in range(n)]
    if kind == "season":
        first = rng.randint(int(args[0]), int(args[1]))
        return [f"{y}–{str(y + 1)[-2:]}" for y in range(first, first + n)]
    if kind == "date":
        fmt = rng.choice(DATE_FORMATS if not args[2:] else tuple(args[2].split("|")))
        return [date_text(rng, fmt, int(args[0]), int(args[1])) for _ in range(n)]
    if kind == "choice":  # inline options "a|b|c", used as a per-table pool
        options = args[0].split("|")
        pool = rng.sample(options, min(len(options), rng.randint(2, 5)))
        return [rng.choice(pool) for _ in range(n)]
    if kind == "seqyear":
        first, step = rng.randint(int(args[0]), int(args[1])), rng.choice((1, 1, 1, 2, 4))
        return [str(first + i * step) for i in range(n)]
    if kind == "pick":
        pool_source: tuple[str, ...] = getattr(vocab, args[0])
        pool = rng.sample(pool_source, min(len(pool_source), rng.randint(2, 6)))
        return [rng.choice(pool) for _ in range(n)]
    if kind == "pickgen":  # a small per-table pool of generated names (e.g. 3 clubs in a league table)
        pool = [_NAMED[args[0]](rng) for _ in range(rng.randint(2, 5))]
        return [rng.choice(pool) for _ in range(n)]
    if kind in _NAMED:
        return [_NAMED[kind](rng) for _ in range(n)]
    raise ValueError(f"unknown value generator '{spec}'")


def unique_values(rng: Random, spec: str, n: int, tries: int = 20) -> list[Any]:
    """Up to ``n`` distinct values (case- and space-insensitively, as MySQL compares them)."""
    seen: dict[str, Any] = {}
    for _ in range(tries):
        for value in column_values(rng, spec, n):
            seen.setdefault(str(value).lower().strip(), value)
        if len(seen) >= n:
            break
    return list(seen.values())[:n]
