"""The deterministic DBBench checker: format, answer and SQL checks with specific feedback.

It never needs the model and never sees gold data: it reads the reply the way the environment
will (``ctx.action``), the table schema and, for statements that change data, the database's
own verdict through ``ctx.dry_run``. Feedback names the exact problem and the fix (the column
that does not exist and the real ones, the backticks a name needs), because a small model can
act on "column `Foo` does not exist in `t`; its columns are ..." but not on "invalid SQL".
"""

from __future__ import annotations

import ast
import itertools
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError

from cmat.agents.checker_base import CheckContext
from cmat.agents.checkers._sql_answers import (
    answer_incomplete,
    answer_not_as_stored,
    answer_not_in_result,
    found_nothing,
    grouped_number,
    nothing_found,
)
from cmat.agents.checkers._sql_asked import asked_not_selected
from cmat.agents.checkers._sql_assignments import unasked_assignment, value_not_as_written
from cmat.agents.checkers._sql_ast import AST_CHECKS, column_feedback, is_mutation, parse_statement
from cmat.agents.checkers._sql_bounds import invented_bound
from cmat.agents.checkers._sql_changes import Peek, change_matches_nothing
from cmat.agents.checkers._sql_compare import operator_not_stated
from cmat.agents.checkers._sql_counts import count_for_value
from cmat.agents.checkers._sql_direction import direction_not_stated
from cmat.agents.checkers._sql_entity import ranked_column_selected
from cmat.agents.checkers._sql_headers import resolved_column
from cmat.agents.checkers._sql_inserts import insert_of_existing_row
from cmat.agents.checkers._sql_known import known_column_selected
from cmat.agents.checkers._sql_locate import locate_row, located_statement
from cmat.agents.checkers._sql_lookup import columns_swapped, value_in_other_column, value_part_of_cells
from cmat.agents.checkers._sql_mentions import value_not_used
from cmat.agents.checkers._sql_numbers import number_not_used
from cmat.agents.checkers._sql_order import text_order
from cmat.agents.checkers._sql_pairing import (
    insert_value_on_other_column,
    set_value_on_other_column,
    value_on_other_column,
)
from cmat.agents.checkers._sql_ranking import ranking_without_order
from cmat.agents.checkers._sql_record import rebuilt_insert, record_insert, record_mismatch
from cmat.agents.checkers._sql_repair import escape_apostrophes, repair, replace_answer, replace_sql
from cmat.agents.checkers._sql_sets import unknown_set_column, value_not_as_quoted, value_not_set
from cmat.agents.checkers._sql_tally import sum_for_count
from cmat.agents.checkers._sql_text import TEXT_CHECKS, Finding, closest, segments
from cmat.agents.checkers._sql_unmatched import unmatched_condition
from cmat.agents.checkers._sql_update import change_for_insert, insert_for_update, sets_not_as_stated
from cmat.agents.checkers._sql_values import value_not_in_question
from cmat.agents.checkers._sql_words import number_on_words
from cmat.agents.checkers.base import FindingChecker
from cmat.agents.templates import clip, render
from cmat.envs.dbbench.backends import MAX_OBSERVATION
from cmat.envs.dbbench.data import MUTATION_TYPES
from cmat.envs.dbbench.env import parse_reply
from cmat.types import Message

log = logging.getLogger(__name__)
# Answer findings whose repair is the answer in ``details["answer"]``.
ANSWER_FIXES = ("answer_incomplete", "answer_grouped_number", "empty_result", "answer_not_as_stored")

# What the database shows for a failed statement: mysql.connector's "1054 (42S22): Unknown
# column ..." (both backends imitate it) or its client-side refusal of several statements.
_SQL_ERROR = re.compile(
    r"^\s*(-?\d{3,5} \([0-9A-Z]{5}\): .+|Use multi=True when executing multiple statements)"
)
_MUTATING_SQL = re.compile(r"^\s*\(?\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def sql_error(observation: str) -> str | None:
    """The error text when ``observation`` is a database error, else None."""
    match = _SQL_ERROR.match(observation or "")
    return match.group(1).strip() if match else None


@dataclass
class SQLRuleChecker(FindingChecker):
    """Rule checker for DBBench replies; see the module doc. ``verify`` is the plain function."""

    name: str = "rule"
    max_quoted_chars: int = 200
    # Values that conditions compare with must be stated in the question (``_sql_values``).
    check_values: bool = True
    # A query task's answer must be in the last successful query's result (``_sql_answers``).
    check_answers: bool = True
    # Name repairs (``_sql_repair``) chained on one statement before giving up.
    max_repairs: int = 4
    # A statement already run on the same data is rejected: it would answer the same again.
    check_repeats: bool = True
    # Every number the question states must be used by a statement with conditions (``_sql_numbers``).
    check_numbers: bool = True
    # A value is compared with the column the question names next to it (``_sql_pairing``).
    check_pairing: bool = True
    # A condition compares a number the way the question's words do ("smaller than 17": ``<``; ``_sql_compare``).
    check_operators: bool = True
    # An UPDATE or DELETE must match a row of the table (``_sql_changes``; needs ``ctx.peek``).
    check_changes: bool = True
    # A text value is compared with the one column that holds it (``_sql_lookup``; needs ``ctx.peek``).
    check_lookup: bool = True
    # A question about a change is not answered by an INSERT of a row the table has (``_sql_inserts``).
    check_inserts: bool = True
    # A change that matches no row gets the one row the question names by a key value (``_sql_locate``).
    check_locate: bool = True
    # A change writes every new value the question gives, as the question quotes it (``_sql_sets``).
    check_sets: bool = True
    # A query uses every value of the table the question names (``_sql_mentions``; needs ``ctx.peek``).
    check_mentions: bool = True
    # "How many floors ..." selects a numeric header's value, it does not count rows (``_sql_counts``);
    # "the total number of rivers" counts rows, it does not sum a column (``_sql_tally``).
    check_counts: bool = True
    # An INSERT writes the values the question states next to their headers (``_sql_record``).
    check_record: bool = True
    # A query's condition that no row matches takes the column's cell the question writes, or goes
    # when the question does not state its value (``_sql_unmatched``; needs ``ctx.peek``).
    check_unmatched: bool = True
    # "the lowest Population estimate" is answered by ordering on that header (``_sql_ranking``; needs ``ctx.peek``).
    check_ranking: bool = True
    # An UPDATE sets only what the question asks, in the words it writes (``_sql_assignments``).
    check_assignments: bool = True
    # A query selects the header the question asks for by name ("What Ship had ...": ``_sql_asked``;
    # needs ``ctx.peek``).
    check_asked: bool = True
    # A column the table lacks is read as the header the question means: the one that holds the value
    # it is compared with, or the closest in meaning (``_sql_headers``; MiniLM embeddings).
    check_headers: bool = True
    # A query's numeric bound is left out when the question states no number ("which has the lowest
    # Height_(m)" with `Height_(m)` < 100: ``_sql_bounds``).
    check_bounds: bool = True
    # "which one has the least Crew" is answered by the row's name, not by the ranked measure
    # (``_sql_entity``), and "List the Film when ..." not by the column the query's condition fixes
    # (``_sql_known``); needs ``ctx.peek``.
    check_entity: bool = True
    # An UPDATE task is not answered by an INSERT, and its UPDATE sets the new values the question
    # states, no more, no fewer; both read from the question (``_sql_update``; the INSERT needs ``ctx.peek``).
    # An INSERT task is not answered by an UPDATE or DELETE (the INSERT of the stated record replaces it).
    check_kind: bool = True
    # MIN, MAX and ORDER BY of numbers stored as text compare them as numbers (`col` + 0), where text
    # order ('11.36' before '2.27') would change the result (``_sql_order``; needs ``ctx.peek``).
    check_text_order: bool = True
    # A number is not compared with a column of words (`Control` < 1705: ``_sql_words``; needs ``ctx.peek``).
    check_words: bool = True

    def find(self, ctx: CheckContext) -> Finding | None:
        """The first problem of the proposed reply, or None."""
        kind = ctx.action.kind
        if kind == "invalid_format":
            return Finding("invalid_format", render("rule_invalid_format"), {})
        if kind == "invalid_action":
            return Finding("invalid_action", render("rule_invalid_action"), {})
        if kind == "answer":
            return self._answer(ctx)
        if kind == "operation":
            found = self._operation(ctx.action.content, ctx)
            if found is None and self.check_repeats:
                found = repeated_statement(ctx.action.content, ctx.conversation, self.max_quoted_chars)
            return self._from_record(found, ctx) if found is not None and self.check_record else found
        return None

    def _from_record(self, found: Finding, ctx: CheckContext, sql: str | None = None) -> Finding:
        """A statement of an INSERT task, before any change ran, that ``found`` rejects with no
        repair of its own (a statement that does not parse or run, a column listed twice, a query):
        ``found`` made repairable by the INSERT of the whole record the question states, when it
        states one (``_sql_record.record_insert``; ``details["whole_record"]``); ``found`` otherwise.
        ``sql`` is the statement: the reply's by default, a repair's in a chain of repairs."""
        sql = (ctx.action.content if sql is None else sql).strip()
        if ctx.task.type != "INSERT" or len(ctx.schema) != 1 or repair(sql, found, ctx.schema) is not None \
                or _changed(ctx.conversation):
            return found
        table, columns = next(iter(ctx.schema.items()))
        fixed = record_insert(_question(ctx), table, columns, ctx.peek)
        if fixed is None or fixed == sql:
            return found
        return Finding(found.rule, found.feedback, {**found.details, "fixed": fixed, "repairable": True,
                                                    "whole_record": True})

    def revise(self, ctx: CheckContext, finding: Finding) -> str:
        """The reply with its statement's mistakes repaired (``_sql_repair``), one after the other
        while each next finding is one too, or an incomplete answer completed; "" when the first
        one is not repairable."""
        if ctx.action.kind == "answer" and finding.rule in ANSWER_FIXES:
            return replace_answer(ctx.reply, str(finding.details["answer"]))
        if ctx.action.kind != "operation":
            return ""
        sql = ctx.action.content.strip()
        current: Finding | None = finding
        for _ in range(self.max_repairs):
            fixed = repair(sql, current, ctx.schema) if current else None
            if fixed is None or fixed == sql:
                break
            sql, current = fixed, self._operation(fixed, ctx)
            if current is not None and self.check_record:  # a repaired INSERT's next mistake may have no repair
                current = self._from_record(current, ctx, sql)
        return replace_sql(ctx.reply, sql) if sql != ctx.action.content.strip() else ""

    # -- answers ------------------------------------------------------------------------------

    def _answer(self, ctx: CheckContext) -> Finding | None:
        if ctx.task.type in MUTATION_TYPES:
            # The answer text is not judged; the table is. Answering before any change
            # succeeded leaves the table as it was, which is never what the task asks.
            if not _changed(ctx.conversation):
                return Finding("answer_before_change", render("rule_answer_before_change"), {})
            return None
        last = _last_run(ctx.conversation)
        if last is None:
            return Finding("answer_without_query", render("rule_answer_without_query"), {})
        content = ctx.action.content.strip()
        if not content:
            return Finding("answer_format", render("rule_answer_empty"), {"answer": ""})
        if not _is_list_literal(content):
            feedback = render("rule_answer_format", answer=clip(content, self.max_quoted_chars))
            return Finding("answer_format", feedback, {"answer": content[: self.max_quoted_chars]})
        if self.check_answers:
            sql, result = last
            if found_nothing(result):
                return nothing_found(content, result)
            return answer_not_in_result(content, result, MAX_OBSERVATION) \
                or answer_incomplete(content, result, sql, MAX_OBSERVATION) or grouped_number(content) \
                or answer_not_as_stored(content, result, MAX_OBSERVATION)
        return None

    # -- operations ---------------------------------------------------------------------------

    def _operation(self, sql: str, ctx: CheckContext) -> Finding | None:
        sql = sql.strip()
        if not sql.strip(";").strip():
            return Finding("empty_sql", render("rule_sql_empty"), {})
        parts = segments(sql)
        for text_check in TEXT_CHECKS:
            found = text_check(sql, parts, ctx.schema)
            if found:
                return found
        try:
            statements = [s for s in sqlglot.parse(sql, read="mysql") if isinstance(s, exp.Expression)]
        except SqlglotError as exc:
            return self._unparsed(sql, exc, ctx)
        if not statements:
            return Finding("empty_sql", render("rule_sql_empty"), {})
        if len(statements) > 1:
            return Finding("multiple_statements", render("rule_sql_multiple", count=len(statements)), {})
        return self._statement(statements[0], sql, ctx)

    def _statement(self, stmt: exp.Expression, sql: str, ctx: CheckContext) -> Finding | None:
        return next((found for found in self._findings(stmt, sql, ctx) if found), None)

    def _findings(self, stmt: exp.Expression, sql: str, ctx: CheckContext) -> Iterator[Finding | None]:
        """The checks of a parsed statement in order, each run only when the ones before it found
        nothing (a generator): repairable findings before the ones the Checker cannot repair."""
        question = _question(ctx)
        if self.check_kind and ctx.peek is not None:  # first: the other rules would mend an INSERT
            yield insert_for_update(stmt, question, ctx.task.type, ctx.peek, ctx.schema)
        if self.check_kind:  # an UPDATE's SET as the question states it, before the rules that mend one value
            yield sets_not_as_stated(stmt, question, ctx.task.type, ctx.schema)
            yield change_for_insert(stmt, ctx.task.type, ctx.schema)
        for ast_check in AST_CHECKS:
            yield self._shape(ast_check(stmt, sql, ctx.schema), stmt, question, ctx)
        if self.check_locate and ctx.peek is not None:
            # first: it replaces the condition that the values, pairing and comparison rules check
            yield locate_row(stmt, question, ctx.peek, ctx.schema)
        if self.check_bounds and ctx.task.type not in MUTATION_TYPES:
            # before the values rule, which rejects an unstated number other than 0 and 1 without a repair
            yield invented_bound(stmt, question, ctx.schema)
        if self.check_unmatched and ctx.peek is not None and ctx.task.type not in MUTATION_TYPES:
            # before the values rule, which rejects an invented value without a repair
            yield unmatched_condition(stmt, question, ctx.peek, ctx.schema)
        if self.check_words and ctx.peek is not None and ctx.task.type not in MUTATION_TYPES:
            # before the pairing rule, which cannot repair a number copied onto another column, and the
            # mentions rule, which leaves a column the query compares alone
            yield number_on_words(stmt, question, ctx.peek, ctx.schema)
        yield from self._question_findings(stmt, question, ctx)
        if ctx.peek is not None:
            yield from self._read_findings(stmt, question, ctx.peek, ctx)
        yield from self._change_findings(stmt, sql, question, ctx)
        if self.check_text_order and ctx.peek is not None and ctx.task.type not in MUTATION_TYPES:
            yield text_order(stmt, ctx.peek, ctx.schema)  # last: the rules before it may change what is ordered on

    def _change_findings(self, stmt: exp.Expression, sql: str, question: str,
                         ctx: CheckContext) -> Iterator[Finding | None]:
        """The checks of a change (the database's dry run, the changes, inserts, record and sets
        rules), then the numbers rule."""
        # What the database says about a change comes before the numbers rule, which cannot
        # repair an UPDATE: an UPDATE of a row that does not exist is the first thing to fix.
        if is_mutation(stmt) and ctx.dry_run is not None:
            error = ctx.dry_run(sql)
            if error:
                feedback = render("rule_sql_dry_run", error=clip(error, self.max_quoted_chars))
                yield Finding("dry_run_error", feedback, {"error": error})
        if self.check_changes and ctx.peek is not None:
            yield change_matches_nothing(stmt, ctx.peek, ctx.schema)
        if self.check_inserts and ctx.peek is not None:
            yield insert_of_existing_row(stmt, question, ctx.peek, ctx.schema)
        if self.check_record:  # after the inserts rule: an INSERT that should be an UPDATE is that rule's
            yield record_mismatch(stmt, question, ctx.schema, ctx.peek)
        if self.check_sets:
            yield value_not_as_quoted(stmt, question)
            if ctx.peek is not None:
                yield value_not_set(stmt, question, ctx.peek, ctx.schema)
        if self.check_numbers:
            yield number_not_used(stmt, question, ctx.schema)

    def _question_findings(self, stmt: exp.Expression, question: str, ctx: CheckContext) -> Iterator[Finding | None]:
        """The checks of a statement's values against the question's words."""
        if self.check_values:
            yield value_not_in_question(stmt, question)
        if self.check_pairing:
            yield value_on_other_column(stmt, question, ctx.schema)
            yield set_value_on_other_column(stmt, question, ctx.schema)
            yield insert_value_on_other_column(stmt, question, ctx.schema)
        if self.check_operators:
            yield operator_not_stated(stmt, question, ctx.schema)
        if self.check_assignments:
            yield unasked_assignment(stmt, question, ctx.schema)
            yield value_not_as_written(stmt, question, ctx.schema)

    def _shape(self, found: Finding | None, stmt: exp.Expression, question: str, ctx: CheckContext) -> Finding | None:
        """An AST check's finding; an INSERT's wrong value count made repairable when the question
        states every listed column's value (``_sql_record.rebuilt_insert``), and an UPDATE's unknown
        SET column rewritten to the header the question changes to its value, when it names one
        (``_sql_sets.unknown_set_column``; before a merely similar name: `column` is not `Country`),
        and a change with no WHERE clause given the row or group the question names
        (``_sql_locate.located_statement``)."""
        if found is None:
            return None
        fixed: str | None = None
        if found.rule == "no_where" and self.check_locate and ctx.peek is not None:
            fixed = located_statement(stmt, question, ctx.peek, ctx.schema)
        elif found.rule == "unknown_column":
            return self._column(found, stmt, question, ctx)
        elif found.rule == "insert_value_count" and self.check_record:
            fixed = rebuilt_insert(stmt, question, ctx.schema, ctx.peek)
        if fixed is None:
            return found
        return Finding(found.rule, found.feedback, {**found.details, "fixed": fixed, "repairable": True})

    def _column(self, found: Finding, stmt: exp.Expression, question: str, ctx: CheckContext) -> Finding:
        """An unknown column made repairable: an UPDATE's SET column the question changes to its
        value (``_sql_sets``), else, when no header is spelt like it, the header the question means
        by it (``_sql_headers``); its feedback then names that header."""
        name = str(found.details["name"])
        fixed = unknown_set_column(stmt, name, question, ctx.schema) if self.check_sets else None
        if fixed is not None:
            return Finding(found.rule, found.feedback, {**found.details, "fixed": fixed, "repairable": True})
        known = ctx.schema.get(str(found.details.get("table", "")), [])
        if not self.check_headers or closest(name, known) is not None:
            return found
        resolved = resolved_column(stmt, name, question, ctx.peek, ctx.schema)
        if resolved is None:
            return found
        fixed, header, how = resolved
        feedback = column_feedback(name, [str(found.details["table"])], known, meant=header) if how != "swap" \
            else render("rule_sql_swapped_value", name=name, header=header)
        return Finding(found.rule, feedback, {**found.details, "fixed": fixed, "repairable": True,
                                              "header": header, "resolved_by": how})

    def _read_findings(self, stmt: exp.Expression, question: str, peek: Peek,
                       ctx: CheckContext) -> Iterator[Finding | None]:
        """The checks that read the table (``ctx.peek``) for the values of a statement."""
        if self.check_lookup:
            yield columns_swapped(stmt, peek, ctx.schema)
            yield value_in_other_column(stmt, peek, ctx.schema)
            if ctx.task.type not in MUTATION_TYPES:  # a query of a task that changes the table explores it
                yield value_part_of_cells(stmt, peek, ctx.schema)
        # Query tasks only: a query run while changing a table explores it, it does not answer.
        if ctx.task.type in MUTATION_TYPES:
            return
        if self.check_mentions:
            yield value_not_used(stmt, question, peek, ctx.schema)
        if self.check_counts:
            yield count_for_value(stmt, question, peek, ctx.schema)
            yield sum_for_count(stmt, question, peek, ctx.schema)
        if self.check_ranking:
            yield ranking_without_order(stmt, question, peek, ctx.schema)
            yield direction_not_stated(stmt, question, ctx.schema)
        if self.check_asked:
            yield asked_not_selected(stmt, question, peek, ctx.schema)
        if self.check_entity:  # after the asked rule, which reads a header the question names
            yield ranked_column_selected(stmt, question, peek, ctx.schema)
            yield known_column_selected(stmt, question, peek, ctx.schema)

    def _unparsed(self, sql: str, exc: SqlglotError, ctx: CheckContext) -> Finding | None:
        """sqlglot could not parse: the database decides when it can, else report the error.

        sqlglot's MySQL grammar is not MySQL's; rejecting a statement the server accepts would
        cost a revision for nothing, so a dry run that succeeds overrules the parser. A statement
        that fails only because a value's apostrophe is not doubled ('Don't Cry') is repairable.
        """
        error = ctx.dry_run(sql) if ctx.dry_run is not None else None
        if ctx.dry_run is not None and not error:
            log.debug("sqlglot failed but the database accepts %r: %s", sql, exc)
            return None
        fixed = escape_apostrophes(sql)
        if fixed is not None and parse_statement(fixed) is not None and (ctx.dry_run is None or not ctx.dry_run(fixed)):
            feedback = render("rule_sql_unescaped_quote", fixed=clip(fixed, self.max_quoted_chars))
            return Finding("unescaped_quote", feedback, {"fixed": fixed, "repairable": True})
        if error:
            feedback = render("rule_sql_dry_run", error=clip(error, self.max_quoted_chars))
            return Finding("dry_run_error", feedback, {"error": error})
        message = _parse_message(exc)
        return Finding("syntax_error", render("rule_sql_syntax", error=message), {"error": message})


def repeated_statement(sql: str, conversation: Sequence[Message], limit: int = 200) -> Finding | None:
    """Reject ``sql`` when this episode already ran it and nothing changed the data since.

    The same query on the same data returns the same rows, so a small model that repeats a
    query after ``[]`` or an error (greedy decoding does) burns its rounds. A repeated change
    (INSERT, UPDATE, ...) is always rejected: it would fail the same way or apply twice. The
    feedback says what the earlier run gave and what to do with it.
    """
    wanted = _normal_sql(sql)
    earlier: str | None = None  # the observation of the last run of this statement
    changed = False  # whether another change succeeded after that run
    for reply, observation in itertools.pairwise(conversation):
        if reply.role != "assistant" or observation.role != "user":
            continue
        action = parse_reply(reply.content)
        if action.kind != "operation":
            continue
        if _normal_sql(action.content) == wanted:
            earlier, changed = observation.content, False
        elif earlier is not None and _MUTATING_SQL.match(action.content) and sql_error(observation.content) is None:
            changed = True
    mutation = bool(_MUTATING_SQL.match(sql))
    if earlier is None or (changed and not mutation):
        return None
    shown = clip(earlier, limit)
    if mutation and sql_error(earlier) is None:
        name = "rule_sql_repeated_change"
    elif sql_error(earlier) is not None:
        name = "rule_sql_repeated_error"
    elif earlier.strip() in ("[]", "()", ""):
        name = "rule_sql_repeated_empty"
    else:
        name = "rule_sql_repeated_rows"
    return Finding("repeated_statement", render(name, observation=shown), {"observation": shown})


def _normal_sql(sql: str) -> str:
    """``sql`` with its whitespace collapsed and the trailing semicolons dropped."""
    return " ".join(sql.split()).rstrip("; ")


def _question(ctx: CheckContext) -> str:
    """The task's question: the AgentBench entry's description, else the task message as shown."""
    description = ctx.task.data.get("description") if isinstance(ctx.task.data, dict) else None
    return description if isinstance(description, str) and description.strip() else ctx.task_prompt


def _parse_message(exc: SqlglotError) -> str:
    """sqlglot's first error as one plain line (its text carries ANSI underline codes)."""
    errors = getattr(exc, "errors", None) if isinstance(exc, ParseError) else None
    if errors:
        first = errors[0]
        near = str(first.get("highlight") or "").strip()
        where = f" near `{near}`" if near else ""
        return f"{first.get('description', 'syntax error')}{where} (column {first.get('col', '?')})"
    return re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).splitlines()[0] if str(exc) else "syntax error"


def _is_list_literal(text: str) -> bool:
    """Whether ``text`` is a Python list literal (AgentBench reads the answer with ``eval``)."""
    try:
        tree = ast.parse(text, mode="eval")
        if not isinstance(tree.body, ast.List):
            return False
        ast.literal_eval(tree.body)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        return False
    return True


def _last_run(conversation: Sequence[Message]) -> tuple[str, str] | None:
    """(statement, observation) of the last operation that ran without a database error, or None."""
    last = None
    for reply, observation in itertools.pairwise(conversation):
        action = parse_reply(reply.content) if reply.role == "assistant" and observation.role == "user" else None
        if action is not None and action.kind == "operation" and sql_error(observation.content) is None:
            last = (action.content, observation.content)
    return last


def _changed(conversation: Sequence[Message]) -> bool:
    """Whether an INSERT/UPDATE/DELETE/REPLACE ran without a database error."""
    for reply, observation in itertools.pairwise(conversation):
        if reply.role != "assistant" or observation.role != "user":
            continue
        action = parse_reply(reply.content)
        if action.kind != "operation" or sql_error(observation.content) is not None:
            continue
        if _MUTATING_SQL.match(action.content):
            return True
    return False
