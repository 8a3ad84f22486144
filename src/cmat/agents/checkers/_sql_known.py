"""A query does not answer with the column its own condition fixes: the question asked for another.

"List the Film when the Running time (min) is smaller than 135", "which Director belongs to the
museum for Museum of Newwyn Museum of Design and an Entry of Free?": a small model selects the
column it filters on (``SELECT `Running time (min)` ... WHERE `Running time (min)` < 135``,
``SELECT `Name` ... WHERE `Name` = 'Newwyn Museum of Design'``) and answers with the question's
own numbers or words. The asked rule (``_sql_asked``) handles a question that names the answer's
header, the entity rule (``_sql_entity``) a question for the row with the most or least of a
header; this one handles a plain question for a <thing>: "which/what <thing> ...", "list/name/
give/find the <thing> when/with/...", "the name of the <thing> ...", and "... Answer with their
<thing>", which comes first ("Which games had ...? Answer with their Units sold" asks for sales).
When the query's one selected column is one its WHERE clause compares with a value (``=``, ``<``,
``>``, LIKE, BETWEEN, ...) and the query neither orders, groups nor aggregates, the rule rejects it
(``known_column_selected``);
``--repair`` selects instead, under the same conditions, the header the entity rule reads for the
<thing> (the header the <thing> names; for a <thing> the table's name writes, the table's key; for
another <thing> of one word, that key only when MiniLM puts it closest in meaning: "the left office"
is nearest `Took office`, not `Term end`), never a compared column.

Conservative: a <thing> that names the selected column itself ("List the running times smaller
than 135") is asked for, and "how many" questions are the counts rule's.
"""

from __future__ import annotations

import re

from sqlglot import exp

from cmat.agents.checkers._sql_changes import Peek, table_rows
from cmat.agents.checkers._sql_entity import key_column, named_header, row_of_table, thing_asked
from cmat.agents.checkers._sql_headers import header_by_meaning
from cmat.agents.checkers._sql_locate import MAX_ROWS
from cmat.agents.checkers._sql_lookup import searchable_table
from cmat.agents.checkers._sql_text import Finding
from cmat.agents.templates import render

_STOP = (r"(?:is|are|was|were|the|a|an|of|has|had|have|with|that|which|who|whose|and|in|for|to|by|on|when|"
         r"where|did|does|do|belongs?|having|at|from|as|if)")
_NOUN = r"(?P<noun>(?!" + _STOP + r"\b)[\w.'()-]+(?:\s+(?!" + _STOP + r"\b)[\w.'()-]+){0,2})"
_THING_ASKED = [
    # "Which games had ...? Answer with their Units sold.": the answer's header, not the games
    re.compile(r"\banswer\s+with\s+(?:their|its|the|his|her)\s+" + _NOUN + r"\s*(?:[.?!]|$)"),
    re.compile(r"(?:^|[^\w])(?:which|what)\s+(?:(?:is|are|was|were)\s+)?(?:the\s+)?" + _NOUN + r"\s+" + _STOP + r"\b"),
    re.compile(r"(?:^|[^\w])(?:name|give|find|identify|tell me|show|list|return|get)\s+(?:me\s+)?(?:all\s+)?"
               r"(?:of\s+)?the\s+(?:names?\s+of\s+the\s+)?" + _NOUN + r"\s+" + _STOP + r"\b"),
    re.compile(r"\bthe\s+names?\s+of\s+the\s+" + _NOUN + r"\s+" + _STOP + r"\b"),
]
_COMPARISONS = (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.Like, exp.Between, exp.In)


def asked_thing(question: str) -> str | None:
    """The <thing> a plain question asks for ("film", "director", "candidate"), or None."""
    return thing_asked(question, _THING_ASKED)


def compared_columns(stmt: exp.Select) -> set[str]:
    """The columns the WHERE clause compares with a value (lower case)."""
    where = stmt.args.get("where")
    out: set[str] = set()
    for node in where.find_all(*_COMPARISONS) if where else []:
        column = node.this
        values = [v for k, v in node.args.items() if k != "this" and v is not None]
        if isinstance(column, exp.Column) and values and all(
                isinstance(v, exp.Literal) or (isinstance(v, list) and all(isinstance(x, exp.Literal) for x in v))
                for v in values):
            out.add(column.name.lower())
    return out


def known_column_selected(stmt: exp.Expression, question: str, peek: Peek,
                          schema: dict[str, list[str]]) -> Finding | None:
    """A finding when the query ``stmt`` selects only a column its WHERE clause compares with a value
    and the question asks for another <thing> (module doc); ``details["fixed"]`` selects that."""
    if not isinstance(stmt, exp.Select) or len(stmt.expressions) != 1 or stmt.find(exp.AggFunc) \
            or stmt.find(exp.Distinct) or any(stmt.args.get(k) for k in ("order", "group", "joins", "limit")):
        return None
    projection = stmt.expressions[0].unalias()
    table = searchable_table(stmt, schema)
    compared = compared_columns(stmt)
    thing = asked_thing(question)
    if table is None or thing is None or not isinstance(projection, exp.Column) \
            or projection.name.lower() not in compared:
        return None
    columns = schema[table.name]
    header = None if thing == "one" else named_header(thing, columns)
    if header is not None and header.lower() in compared:
        return None  # the <thing> names the selected (or another compared) column: asked as written
    if header is None:
        rows = table_rows(peek, table, columns, MAX_ROWS)
        header = key_column(columns, rows, compared) if rows else None
        if header is not None and not row_of_table(thing, table.name) and (
                " " in thing or header_by_meaning(thing, columns, [c for c in columns if c.lower() not in compared])
                != header):
            return None  # by meaning, a one-word <thing> only: "left office" is nearest `Took office`
    if header is None:
        return None
    fixed = stmt.copy()
    fixed.set("expressions", [exp.column(header, quoted=True)])
    feedback = render("rule_sql_known_selected", thing=thing, selected=projection.name, column=header)
    return Finding("known_column_selected", feedback, {"name": header, "fixed": fixed.sql(dialect="mysql") + ";",
                                                       "repairable": True})
