"""A column the table lacks, read as the header the question means by it.

Questions name headers loosely ("the Nationality" of a table whose header is `Country`, "the
Spectators" for `Attendance`, "the total floors" for `Storeys`), and a small model writes the
question's word as a column; the database answers "Unknown column" and the model rarely finds
the header on its own. When no header is spelt like the name (``_sql_text.closest``, which
comes first), the Checker resolves it in three ways, all gold-free:

* **by a value**: the name is compared with a text value in a condition (`Nationality` =
  'Chilean') and exactly one header the statement does not use holds that value (any letter
  case, as MySQL compares, through ``CheckContext.peek``), or, when none holds it whole, one
  cell of exactly one such header writes it as a word ('Hartbrook' of 'SS Hartbrook', which the
  lookup rule then compares with LIKE), or, failing that, the value writes one cell the question
  writes too ('Adele stavros has' for "Name adele stavros has what Caps?", which the unmatched
  rule then compares as the cell): that header is the name's;
* **the other way round**: the name is a cell of exactly one header and the statement compares
  it with that header's name (`Archive House` = 'The building' for "when 'Archive House' is the
  building") or with a part of itself (`Wandering Parade 3` = '3'): the condition becomes
  `Building` = 'Archive House';
* **by meaning**: the name is written in the question (as whole words) and is not the table's
  name or a value a cell holds; the sentence embedding of the name (all-MiniLM-L6-v2, shipped
  with the project) is closest to one header the statement does not use, by at least
  ``MIN_SIMILARITY`` in cosine and ``MIN_MARGIN`` over the next header.

The statement is then rewritten with the header in every place of the name. A name that neither
way resolves keeps the plain "does not exist" feedback. The thresholds were set on the
generator's alternative headers (``scripts/scan_query_rules.py``, ``synonym``), which the Checker
never reads.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from sqlglot import exp

from cmat.agents.checkers._sql_ast import condition_clauses, replaced
from cmat.agents.checkers._sql_changes import Peek, count_equal, table_rows
from cmat.agents.checkers._sql_counts import numeric_column
from cmat.agents.checkers._sql_locate import MAX_ROWS
from cmat.agents.checkers._sql_lookup import cells_with_part, searchable_table
from cmat.agents.checkers._sql_text import word_pattern
from cmat.agents.checkers._sql_unmatched import cell_inside
from cmat.errors import CmatError

if TYPE_CHECKING:
    from cmat.memory.embeddings import MiniLMEmbedder

log = logging.getLogger(__name__)

MIN_SIMILARITY = 0.3  # cosine of the name's and the header's embeddings
MIN_MARGIN = 0.1  # over the next closest header: two near headers are a guess
MAX_WORDS = 4  # a longer "name" is a phrase or a value, not a header

# (name, headers) -> one similarity per header
Similarity = Callable[[str, Sequence[str]], Sequence[float]]


@lru_cache(maxsize=4096)
def _vector(text: str) -> np.ndarray:
    vector = _embedder().embed([text])[0]
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


@lru_cache(maxsize=1)
def _embedder() -> MiniLMEmbedder:
    from cmat.memory.embeddings import MiniLMEmbedder

    return MiniLMEmbedder()


def minilm_similarity(name: str, headers: Sequence[str]) -> Sequence[float]:
    """Cosine similarity of all-MiniLM-L6-v2 embeddings of ``name`` and each header."""
    query = _vector(name)
    return [float(query @ _vector(h)) for h in headers]


@lru_cache(maxsize=1)
def default_similarity() -> Similarity | None:
    """The MiniLM similarity, or None (logged once) when the model cannot be loaded here."""
    try:
        minilm_similarity("name", ["header"])
    except (CmatError, ImportError, OSError) as err:  # a missing optional model only turns this way off
        log.warning("unknown columns are not resolved by meaning: %s", err)
        return None
    return minilm_similarity


def resolved_column(stmt: exp.Expression, name: str, question: str, peek: Peek | None,
                    schema: dict[str, list[str]]) -> tuple[str, str, str] | None:
    """(the statement with ``name`` replaced, the header, "value" or "meaning") for an unknown
    column ``name`` the module doc resolves; None when neither way names one header. The meaning
    is read through :func:`default_similarity`, loaded only when a name gets that far."""
    table = searchable_table(stmt, schema)
    if table is None:
        return None
    used = {c.name.lower() for c in stmt.find_all(exp.Column)}
    free = [h for h in schema[table.name] if h and h.lower() not in used]
    if not free:
        return None
    swapped = _swapped(stmt, name, table, schema[table.name], peek)
    if swapped is not None:
        return swapped
    header, how = _by_value(stmt, name, question, table, free, peek), "value"
    if header is None and _question_word(name, question, table, schema[table.name], peek):
        similarity = default_similarity()
        if similarity is not None:
            options = schema[table.name]
            if _numeric_use(stmt, name) and peek is not None:
                options = [h for h in options if numeric_column(peek, table, h, whole=True)]
            header, how = _by_meaning(name, options, [h for h in free if h in options], similarity), "meaning"
    if header is None:
        return None
    fixed = stmt.copy()
    for column in fixed.find_all(exp.Column):
        if column.name.lower() == name.lower():
            column.replace(exp.column(header, quoted=True))
    listed = fixed.this.expressions if isinstance(fixed, exp.Insert) and isinstance(fixed.this, exp.Schema) else []
    for identifier in listed:  # an INSERT's column list holds names, not columns
        if isinstance(identifier, exp.Identifier) and identifier.name.lower() == name.lower():
            identifier.replace(exp.to_identifier(header, quoted=True))
    if fixed == stmt:
        return None
    return fixed.sql(dialect="mysql") + ";", header, how


def header_by_meaning(name: str, headers: list[str], free: list[str]) -> str | None:
    """The header of ``headers`` closest to ``name`` in meaning, when it is close, clearly the
    closest and in ``free`` (``_by_meaning`` through :func:`default_similarity`); None without the model."""
    similarity = default_similarity()
    return _by_meaning(name, headers, free, similarity) if similarity is not None else None


def _by_value(stmt: exp.Expression, name: str, question: str, table: exp.Table, free: list[str],
              peek: Peek | None) -> str | None:
    """The one free header that holds a text value the statement compares ``name`` with, or one
    of whose cells, written in the question, is written inside that value."""
    if peek is None:
        return None
    for clause in condition_clauses(stmt):
        for node in clause.find_all(exp.EQ):
            column, literal = node.args.get("this"), node.args.get("expression")
            if not isinstance(column, exp.Column) or column.name.lower() != name.lower() \
                    or not isinstance(literal, exp.Literal) or not literal.is_string:
                continue
            value = str(literal.this)
            if len(value.strip()) < 3 or not any(ch.isalpha() for ch in value):
                continue  # '8' or 'D' is in many columns by chance
            holders = [h for h in free if count_equal(peek, table, h, value)]
            if not holders:  # 'Hartbrook' of 'SS Hartbrook': one cell of one header writes it as a word
                parts = {h: cells_with_part(peek, table, h, value) for h in free}
                holders = [h for h, cells in parts.items() if cells and len(cells) == 1]
                if len([h for h, cells in parts.items() if cells]) != 1:
                    holders = []
            if not holders and peek is not None:  # 'Adele stavros has': one cell the question writes is inside it
                rows = table_rows(peek, table, free, MAX_ROWS)
                inside = cell_inside(value, question, rows, free, set()) if rows is not None else None
                holders = [inside[0]] if inside is not None else []
            if len(holders) == 1:
                return holders[0]
    return None


def _swapped(stmt: exp.Expression, name: str, table: exp.Table, headers: list[str],
             peek: Peek | None) -> tuple[str, str, str] | None:
    """(the statement with the condition written the right way round, the header, "swap") when
    ``name`` is a cell of exactly one header and the statement compares it with that header's
    name (`Archive House` = 'The building' for "when 'Archive House' is the building") or with a
    part of itself (`Wandering Parade 3` = '3'); else None."""
    if peek is None or not isinstance(stmt, exp.Select):
        return None
    holders = [h for h in headers if h and count_equal(peek, table, h, name)]
    if len(holders) != 1:
        return None
    header = holders[0]
    for node in stmt.find_all(exp.EQ):
        column, literal = node.args.get("this"), node.args.get("expression")
        written = " ".join(str(literal.this).lower().split()) if isinstance(literal, exp.Literal) else ""
        if isinstance(column, exp.Column) and column.name.lower() == name.lower() and written \
                and (re.sub(r"^the\s+", "", written) == header.lower() or word_pattern(written).search(name.lower())):
            condition = exp.EQ(this=exp.column(header, quoted=True), expression=exp.Literal.string(name))
            fixed = replaced(stmt, node, condition)
            return fixed.sql(dialect="mysql") + ";", header, "swap"
    return None


def _question_word(name: str, question: str, table: exp.Table, headers: list[str], peek: Peek | None) -> bool:
    """Whether ``name`` reads as the question's word for a header: written there as whole words,
    at most ``MAX_WORDS`` of them, not the table's name, and no cell's value ('Semi-finalist'
    written as a column is a value without its quotes)."""
    words = name.replace("_", " ").split()
    if not words or len(words) > MAX_WORDS or name.lower() in table.name.lower():
        return False
    if not word_pattern(" ".join(words).lower()).search(question.lower()):
        return False
    return peek is None or not any(count_equal(peek, table, h, name) for h in headers if h)


_NUMERIC_USES = (exp.Sum, exp.Avg, exp.Min, exp.Max, exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Ordered,
                 exp.GT, exp.GTE, exp.LT, exp.LTE)
def _numeric_use(stmt: exp.Expression, name: str) -> bool:
    """Whether the statement uses column ``name`` as a number: summed, averaged, ranked, ordered,
    in arithmetic or compared by size."""
    for column in stmt.find_all(exp.Column):
        if column.name.lower() != name.lower():
            continue
        parent = column.parent
        while isinstance(parent, (exp.Paren, exp.Cast)):
            parent = parent.parent
        if isinstance(parent, _NUMERIC_USES):
            return True
    return False


def _by_meaning(name: str, headers: list[str], free: list[str], similarity: Similarity) -> str | None:
    """The header closest to ``name`` in meaning, when it is close, clearly the closest, and one
    the statement does not use yet (else the name may mean something else)."""
    options = [h for h in headers if h]
    if not options:
        return None
    scores = list(similarity(name.replace("_", " "), [h.replace("_", " ") for h in options]))
    ranked = sorted(zip(scores, options, strict=True), key=lambda pair: pair[0], reverse=True)
    best, header = ranked[0]
    runner_up = ranked[1][0] if len(ranked) > 1 else -1.0
    if best < MIN_SIMILARITY or best - runner_up < MIN_MARGIN or header not in free:
        return None
    return header
