"""A change stated as an update must not add a row: an INSERT of a record the table already has.

The mirror image of the changes rule (``_sql_changes``). A question that says a record *was
updated* or asks to *change* it ("The score table for Japan has been updated with an E Score of
7.400") is often answered by a small model with an INSERT of the updated record, which adds a
second 'Japan' row and leaves the first one as it was. The database accepts it, so only the
table can tell: the Checker counts, through ``CheckContext.peek`` (read-only, no round used),
the rows that already hold the text value the question names, and rejects the INSERT when one
row holds it, with feedback that names that row's condition and the UPDATE to write.

Deliberately narrow, because rejecting a right INSERT costs a task:

* the question speaks of changing (``update``, ``change``, ``modify``, ``alter``, ``correct``,
  ``revise``, ``replace``, ``amend``, or starts with ``set``, or has it after a comma, a colon or a
  semicolon: "In Tarnford School District, set ..."; "Term set to '22'" inside an INSERT question
  does not count) and not of adding (``insert``, ``add``, ``new``, ``append``,
  ``create``): an INSERT task that says "the table is being updated with data for X" names a
  record that is not there yet, and the count finds no row;
* the value is text of three or more characters with a letter, stated in the question, and
  exactly one row holds it in the column the INSERT puts it in (the way the database compares:
  any letter case);
* that column is a key of the table: no two rows share a value in it. A value that one row
  happens to hold in a column of repeated values ('landscape' as a surname's `Type`) names no
  record;
* it is the only such value: no other stated text value of the INSERT is held by any row.
  Two held values leave the row in doubt (one of them may be a new value that another row
  happens to hold already: "set Mountain range to 'Ivycombe Range' for all peaks whose
  Location is Senegal"), and a value held by several rows names a group, not one record
  ("every institution of Type 'State' should get €76m as its Endowment", where one row
  already has '€76m');
* the question does not set that value: "... and ward to 'Ravenstead' for all candidates with
  'No' as the incumbent" writes a new value that one other row already holds, not the record's
  key (``_sql_pairing.set_column_named``).

With ``--repair`` the Checker writes that UPDATE itself: the condition is the value found, and
SET gets every other value of the INSERT that the question states (the ones it does not state
are the model's fill-ins for the columns it had to list, and a copy of the condition's value is
one of them). Without a stated value to set, or with two candidate rows, it only gives feedback.

A question about a change of a group of rows says so ("Every ship for Ship type of Trawler
should get 1888 as its Launched"): when it writes "every", "all" or "each", the one value the
INSERT writes that rows hold may be held by several rows of a column that is not a key. The
UPDATE then changes that group and sets each value on the header the question names next to it
(``_sql_pairing``): a model that writes an INSERT for a change fills the columns it had to list
with copies of the question's words ('Trawler' in every column), so the INSERT's columns say
nothing. A value written only inside a header's name ('2021–22' of "Location (2021–22)") is not
stated; a stated value with no header next to it leaves the repair out.
"""

from __future__ import annotations

import re

from sqlglot import exp

from cmat.agents.checkers._sql_changes import Peek, count_equal
from cmat.agents.checkers._sql_compare import stated_values
from cmat.agents.checkers._sql_pairing import Span, mentions, norm, paired, set_column_named, without_table
from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import clip, render

_CHANGE_WORDS = re.compile(
    r"\b(updat\w*|chang\w*|modif\w*|alter\w*|correct\w*|revis\w*|replac\w*|amend\w*)\b|(?:^|[,;:])\W*set\b",
    re.IGNORECASE
)
_PLAIN_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
_EVERY = re.compile(r"\b(every|all|each)\b", re.IGNORECASE)
_ADD_WORDS = re.compile(r"\b(insert\w*|add|adds|added|adding|new|append\w*|creat\w*)\b", re.IGNORECASE)


def speaks_of_change(question: str) -> bool:
    """Whether ``question`` asks to change a record and not to add one (module doc)."""
    return bool(_CHANGE_WORDS.search(question)) and not _ADD_WORDS.search(question)


def _pairs(stmt: exp.Insert, schema: dict[str, list[str]]) -> tuple[exp.Table, list[tuple[str, exp.Expression]]] | None:
    """The INSERT's table and its (column, value) pairs, for one row of values; None otherwise."""
    target, values = stmt.this, stmt.expression
    table = target.this if isinstance(target, exp.Schema) else target
    if not isinstance(table, exp.Table) or table.name not in schema or not isinstance(values, exp.Values):
        return None
    rows = values.expressions
    if len(rows) != 1 or not isinstance(rows[0], exp.Tuple):
        return None
    if isinstance(target, exp.Schema):
        columns = [c.name for c in target.expressions if isinstance(c, (exp.Identifier, exp.Column))]
    else:
        columns = list(schema[table.name])
    cells = rows[0].expressions
    if len(columns) != len(cells) or not columns:
        return None
    return table, list(zip(columns, cells, strict=True))


def _stated(value: exp.Expression, question: str) -> bool:
    """Whether the literal ``value`` is written in ``question`` (any letter case)."""
    if not isinstance(value, exp.Literal):
        return False
    text = str(value.this).strip().lower()
    return bool(text) and text in question.lower()


def _is_key(peek: Peek, table: exp.Table, column: str) -> bool:
    """Whether no two rows of ``table`` share a value of ``column`` (the way the database compares)."""
    name = exp.column(column, quoted=True).sql(dialect="mysql")
    query = exp.select(f"COUNT(DISTINCT {name})", "COUNT(*)", dialect="mysql").from_(table.copy())
    rows = peek(query.sql(dialect="mysql"))
    if not rows or len(rows[0]) < 2:
        return False
    try:
        return int(rows[0][0]) == int(rows[0][1]) > 1
    except (TypeError, ValueError):
        return False


def _update(table: exp.Table, key: str, value: exp.Expression, sets: list[tuple[str, exp.Expression]]) -> str:
    statement = exp.Update(
        this=table.copy(),
        expressions=[exp.EQ(this=exp.column(c, quoted=True), expression=v.copy()) for c, v in sets],
        where=exp.Where(this=exp.EQ(this=exp.column(key, quoted=True), expression=value.copy())),
    )
    return statement.sql(dialect="mysql") + ";"


def _key_like(value: exp.Expression, question: str) -> bool:
    """A string literal the question writes, of three or more characters, that is not a plain
    number ('Japan', '2010-11'; not '7' or '22.950')."""
    if not (isinstance(value, exp.Literal) and value.is_string and _stated(value, question)):
        return False
    text = str(value.this).strip()
    return len(text) >= 3 and not _PLAIN_NUMBER.fullmatch(text)


def _only_in_headers(text: str, value: str, spans: list[Span]) -> bool:
    """Whether the (normalised) question writes ``value`` only inside headers' names ('2021–22' of
    "Location (2021–22)")."""
    found = [m.span() for m in re.finditer(re.escape(norm(value).strip()), text)]
    return bool(found) and all(any(s.start <= a and b <= s.end for s in spans) for a, b in found)


def _sets(question: str, columns: list[str], key: str, key_value: str,
          pairs: list[tuple[str, exp.Expression]], paired_only: bool = False) -> list[tuple[str, exp.Expression]]:
    """What the UPDATE sets: every value of the INSERT the question states, other than the
    condition's, on the column the question names next to it (``_sql_pairing``) where it names
    one, else on the INSERT's (``paired_only``: else nothing is set); then each quoted value and number
    the question names next to a header and the INSERT lacks ("a total of 22.950", "Manager as
    'Bill Belichick'"). Empty when two values would land on one column or on the key."""
    text = norm(question)
    spans = mentions(text, columns)
    out: list[tuple[str, exp.Expression]] = []
    for column, value in pairs:
        if column != key and _stated(value, question) and str(value.this).strip().lower() != key_value.lower() \
                and not (paired_only and _only_in_headers(text, str(value.this), spans)):
            header = paired(text, str(value.this), spans) or (None if paired_only else column)
            if header is None:
                return []  # a stated value the question pairs with no header: its column is in doubt
            out.append((header, value))
    given = {str(v.this).strip().lower() for _, v in pairs if isinstance(v, exp.Literal)} | {key_value.lower()}
    for stated in stated_values(question, spans):
        header = paired(text, stated, spans)
        if header and not any(stated.lower() in g for g in given):
            out.append((header, exp.Literal.string(stated)))
            given.add(stated.lower())
    out = list({(c.lower(), str(v.this)): (c, v) for c, v in out}.values())  # one value copied twice is one
    names = [c.lower() for c, _ in out]
    return [] if len(set(names)) != len(names) or key.lower() in names else out


def insert_of_existing_row(stmt: exp.Expression, question: str, peek: Peek,
                           schema: dict[str, list[str]]) -> Finding | None:
    """A finding when ``stmt`` inserts a record that a question about a change names and that
    one row already holds (module doc); None otherwise, or when nothing can be counted."""
    if not isinstance(stmt, exp.Insert) or not speaks_of_change(question):
        return None
    found = _pairs(stmt, schema)
    if found is None:
        return None
    table, pairs = found
    texts = [(c, v) for c, v in pairs if _key_like(v, question)]
    counts = [count_equal(peek, table, c, str(v.this)) for c, v in texts]
    held = [(c, v) for (c, v), n in zip(texts, counts, strict=True) if n]
    if None in counts or len(held) != 1:
        return None  # not countable, a new record, or rows in doubt
    column, value = held[0]
    if set_column_named(question, str(value.this), schema[table.name]):
        return None  # the question sets that value ("and ward to 'Ravenstead'"): a new value another row holds
    group = max(n or 0 for n in counts) > 1
    if (group and not _EVERY.search(question)) or (not group and not _is_key(peek, table, column)):
        return None  # a group the question does not speak of ("all peaks in Senegal" does), or no key
    text = str(value.this)
    sets = _sets(without_table(question, table.name), schema[table.name], column, text, pairs, paired_only=group)
    fixed = _update(table, column, value, sets) if sets else ""
    example = fixed or _update(table, column, value, [(c, v) for c, v in pairs if c != column][:1] or [(column, value)])
    feedback = render("rule_sql_insert_existing", table=table.name, column=column, value=clip(text, 80),
                      example=example)
    return Finding("insert_existing_row", feedback,
                   {"table": table.name, "column": column, "value": text[:200], "fixed": fixed,
                    "repairable": bool(fixed)})
