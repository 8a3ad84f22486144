"""Repairs the rule Checker can make itself: mistakes with exactly one sensible fix.

A small model often proposes the right statement with a wrong name in it: a table name copied
badly from the prompt (DBBench tasks have one table), a column name with a typo or a different
case, a spaced name without backticks, a name in string quotes. The rule Checker knows the
schema, so for these it can write the corrected statement instead of only describing it. Most
repairs are renamings, and a name with no close match is left for the Assistant (feedback
only). Renamings that are not spelling fixes put a value back on the column the question names
next to it (``_sql_pairing``) or on the one column that holds it (``_sql_lookup``), when the
wrong column occurs once in the statement (conditions and SET values alike). Other repairs
write more than a name, each only where the question or the database leaves one reading: the
operator the question's words state (``_sql_compare``), a numeric condition the question pairs
with one header (``_sql_compare``, for a SELECT), an apostrophe doubled in a statement that does
not parse otherwise, and the statements the rules for changes write whole (:data:`WRITTEN_FIXES`:
the UPDATE an INSERT for a stated change should have been, ``_sql_inserts``; the row a change
means, ``_sql_locate``; INSERT values relisted, ``_sql_pairing``; a value added to SET or
written as quoted, ``_sql_sets``; an INSERT's values written as the question states them, or its
row rebuilt from them when it has the wrong number of values, ``_sql_record``; and, for any
finding on a statement of an INSERT task with no repair of its own, the INSERT of the whole
record the question states, ``details["whole_record"]``). Answers are
repaired in ``sql_rule`` (``replace_answer``).
"""

from __future__ import annotations

import re

from cmat.agents.checkers._sql_compare import with_condition, with_operator
from cmat.agents.checkers._sql_text import Finding, closest, name_pattern, segments
from cmat.envs.dbbench.env import SQL_BLOCK

Schema = dict[str, list[str]]
# Findings whose rule wrote the whole repaired statement itself (``details["fixed"]``).
WRITTEN_FIXES = ("insert_existing_row", "row_located", "value_not_set", "insert_value_on_other_column",
                 "value_not_as_quoted", "value_not_used", "value_not_as_stored",
                 "count_for_value", "columns_swapped", "value_not_as_stated", "insert_value_count",
                 "value_part_of_cells", "unmatched_condition", "ranking_without_order",
                 "unasked_assignment", "no_where", "value_not_as_written", "insert_value_missing",
                 "asked_not_selected", "invented_bound",
                 "ranked_column_selected", "sum_for_count",
                 "insert_for_update", "sets_not_as_stated", "text_order",
                 "known_column_selected", "number_on_words", "direction_not_stated")


def _ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def rename(sql: str, name: str, target: str, *, strings: bool = False) -> str | None:
    """``sql`` with the name ``name`` (backticked, bare, in double quotes, or with ``strings``
    also in single quotes) written as `` `target` ``; None when ``name`` does not occur."""
    out: list[str] = []
    changed = False
    quoted = {"backtick", "double"} | ({"single"} if strings else set())
    for part in segments(sql):
        text = sql[part.start : part.end]
        if part.kind in quoted and part.text.lower() == name.lower():
            out.append(_ident(target))
            changed = True
        elif part.kind == "code":
            new, count = name_pattern(name).subn(lambda _: _ident(target), text)
            out.append(new)
            changed = changed or count > 0
        else:
            out.append(text)
    return "".join(out) if changed else None


def repair(sql: str, finding: Finding, schema: Schema) -> str | None:
    """The statement with ``finding`` fixed, or None when it has no one sensible fix."""
    details = finding.details
    if details.get("whole_record") or finding.rule == "unescaped_quote" \
            or (finding.rule in WRITTEN_FIXES and details.get("repairable")):
        return str(details["fixed"])
    if finding.rule == "number_not_used" and details.get("repairable"):
        return with_condition(sql, str(details["column"]), str(details["number"]), str(details["operator"]))
    name = str(details.get("name", ""))
    if not name:
        return None
    if finding.rule == "unknown_table":
        target = next(iter(schema)) if len(schema) == 1 else closest(name, schema)
        return rename(sql, name, target) if target else None
    if finding.rule == "unknown_column":
        if details.get("repairable"):
            return str(details["fixed"])  # an UPDATE's SET column the question names (``_sql_sets``)
        known = schema.get(str(details.get("table", "")), [])
        target = closest(name, known)
        return rename(sql, name, target) if target else None
    if finding.rule in ("unquoted_name", "reserved_word"):
        return rename(sql, name, name)
    if finding.rule == "name_as_string":
        return rename(sql, name, name, strings=True)
    if finding.rule == "value_on_other_column" and details.get("fixed"):
        return str(details["fixed"])  # a copy of the value's own condition, left out (``_sql_pairing``)
    if finding.rule in ("value_on_other_column", "value_in_other_column", "set_value_on_other_column") \
            and details.get("repairable"):
        return rename(sql, name, str(details["target"]))  # the wrong column occurs once
    if finding.rule == "operator_not_stated" and details.get("repairable"):
        return with_operator(sql, name, str(details["value"]), str(details["operator"]))
    return None


_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")  # between two letters: "Don't", "O'Neil"


def escape_apostrophes(sql: str) -> str | None:
    """``sql`` with every apostrophe between two letters doubled ('Don''t Cry'), or None when
    there is none. Only for a statement that does not parse as written (``SQLRuleChecker``)."""
    fixed = _APOSTROPHE.sub("''", sql)
    return fixed if fixed != sql else None


def replace_sql(reply: str, new: str) -> str:
    """``reply`` with the statement of its first SQL block replaced by ``new`` (the thought and
    the action line kept); a reply without one becomes a plain operation."""
    block = SQL_BLOCK.search(reply)
    if block:
        return reply[: block.start(1)] + new + reply[block.end(1) :]
    thought = re.split(r"\n?Action:", reply, maxsplit=1)[0].strip()
    body = f"Action: Operation\n```sql\n{new}\n```"
    return f"{thought}\n{body}" if thought else body


def replace_answer(reply: str, answer: str) -> str:
    """``reply`` with the text after its "Final Answer:" replaced by ``answer`` (the thought kept)."""
    at = reply.find("\nFinal Answer:")
    head = reply[:at] if at >= 0 else "Action: Answer"
    return f"{head}\nFinal Answer: {answer}"
