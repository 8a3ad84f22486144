"""False-positive and repair scans of the rule Checker's rules for queries, on generated tasks.

    python scripts/scan_query_rules.py --seeds 91 92 --n 300        # the figures in the Checker design doc

For each seed, question style (plain, crowd) and share of extra filters (0, 0.5) it generates
query tasks of every type (never evaluation data) and reports, as one JSON object:

* ``gold``: gold queries the full rule Checker rejects (every rule on, reading the table through
  ``peek``; should be 0), out of all, with the rules that fired;
* ``mentions``: a gold query with one text condition (`column` = 'value') dropped: caught by the
  mentions rule (``value_not_used``), and its repairs judged by the rows they return: the gold
  query's rows are right, anything else wrong;
* ``swapped``: a gold query that selects one column, with that column and the column of one of
  its `column` = value conditions swapped: caught by the lookup rule's ``columns_swapped``, and
  its repairs judged the same way;
* ``part``: a gold query with the value of a `column` = 'value' condition cut to its longest word
  (four letters or more): caught by the lookup rule's ``value_part_of_cells`` when that word is
  part of one cell only, and its repairs (`column` LIKE '%word%') judged the same way;
* ``unmatched``: a gold query with the value of a text condition replaced by its column's name or a
  word of the table's name (no row holds either): caught by the unmatched rule
  (``_sql_unmatched``), which compares the column with the cell the question writes;
* ``phrase``: a gold query with the value of a text condition written with the one or two words the
  question writes before it ('Credited as Supporting' for 'Supporting'), compared with its own
  column and with another one: caught by the unmatched rule, which compares the column that holds
  the cell inside the phrase;
* ``invented``: a gold query with one more condition, a column it does not use = a word of the
  table's name the question does not state, and apart = the name of a header the question
  writes: caught by the unmatched rule, which leaves it out;
* ``ranking``: a gold ranking query (ORDER BY ... LIMIT 1) with its ORDER BY and LIMIT removed:
  caught by the ranking rule (``_sql_ranking``), which orders on the header the question's
  superlative names;
* ``synonym``: a gold query with one column (every use of it) named by another header the
  generator's domain data gives for it (`Spectators` for `Attendance`), written the same way in the
  question; only names that no header is spelt like (``closest``) count: caught as an unknown
  column and resolved by the headers rule (``_sql_headers``), by a value or by meaning, and its
  repairs judged by rows. The Checker never reads the generator's names;
* ``asked``: a gold query selecting one column (plain, or its minimum or maximum) with that
  column replaced by another one of the table (each column the query compares or orders by, and
  one it does not use): caught by the asked rule (``_sql_asked``) when the question asks for the
  header by name, and its repairs judged by rows;
* ``bound``: a gold query of a question that states no number, with one more condition on a
  numeric column it uses, `column` < 0 and `column` > 100 (the bounds a small model invents):
  caught by the bounds rule (``_sql_bounds``), which leaves it out, and its repairs judged by rows;
* ``entity``: a gold ranking query (one column, ORDER BY another, LIMIT 1) that selects the column
  it orders on instead, and the same as the MIN or MAX of that column without ORDER BY: caught by
  the entity rule (``_sql_entity``), or by the asked rule when the question names the answer's
  header, and their repairs judged by rows;
* ``tally``: a gold query that counts rows (``COUNT``) summing a column instead, each numeric
  column it uses and its first column: caught by the tally rule (``_sql_tally``) when the question
  asks for the number of a row of the table, and its repairs judged by rows;
* ``order``: a gold query that takes the MIN or MAX of, or orders by, `column` + 0 (numbers stored
  as text, where text order would give another result) without the ``+ 0``: caught by the order
  rule (``_sql_order``), and its repairs judged by rows;
* ``known``: a gold query that selects one column with a WHERE clause and no ORDER BY, aggregate
  or LIMIT, selecting instead each column its WHERE clause compares with a value: caught by the
  known rule (``_sql_known``), or by the asked rule when the question names the answer's header,
  and their repairs judged by rows;
* ``words``: a gold query with a bound on a number (`column` < number) copied onto the first
  column it does not use whose cells hold no digit: caught by the words rule (``_sql_words``),
  which leaves the copy out, or first by the pairing rule when the question names the number's
  header, and their repairs judged by rows;
* ``copy``: the same bound copied onto the first column it does not use whose cells are all plain
  numbers: caught by the pairing rule when the question names the number's header, which leaves
  the copy out (``_sql_pairing``), and its repairs judged by rows;
* ``direction``: a gold query with its MIN written as MAX (and back), or its ORDER BY ... LIMIT 1
  the other way: caught by the direction rule (``_sql_direction``) when the question writes a
  superlative at the header, and its repairs judged by rows;
* ``text_operator``: a gold query with a `column` = 'text' condition written with ``<``: caught by
  the operator rule (``_sql_compare``), which writes ``=`` back, and its repairs judged by rows;
* ``dev_gold``: the same gold check on the dev set's query tasks whose gold query runs.

Each query goes through the full Checker with repairs, as in ``cmat eval --checker rule --repair``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from typing import Any

from sqlglot import exp

from cmat.agents.checker_base import CheckContext
from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers._sql_ast import parse_statement
from cmat.agents.checkers._sql_known import compared_columns
from cmat.agents.checkers._sql_lookup import swap_columns
from cmat.agents.checkers._sql_text import Finding, closest, word_pattern
from cmat.envs.base import Task
from cmat.envs.dbbench.data import MUTATION_TYPES, SELECT_TYPES, default_dev_path, load_dbbench
from cmat.envs.dbbench.env import DBBenchEnv
from cmat.tasks import generate_tasks
from cmat.tasks.dbgen.domains import DOMAINS

CHECKER = SQLRuleChecker()
VERBOSE = False  # --verbose: wrong repairs to stderr
ONLY: list[str] = []  # --only: the kinds of broken queries scanned (default: all)
# A value cut to one of its words is part of cells (``_sql_lookup``), or the question writes the
# cell whole for that column (``_sql_unmatched``, which comes first).
PART_RULES = ("value_part_of_cells", "unmatched_condition")


def _reply(sql: str) -> str:
    return f"Let me look.\nAction: Operation\n```sql\n{sql}\n```"


def _check(env: DBBenchEnv, task: Task, sql: str) -> tuple[CheckContext, Finding | None]:
    reply = _reply(sql)
    ctx = CheckContext(task, task.data["description"], [], reply, env.parse(reply), env.name, env.schema(),
                       env.dry_run, env.peek)
    return ctx, CHECKER.find(ctx)


def _text_conditions(stmt: exp.Expression) -> list[int]:
    """Indexes (in ``find_all`` order) of the `column` = 'text' conditions joined by AND."""
    return [i for i, node in enumerate(stmt.find_all(exp.EQ))
            if isinstance(node.this, exp.Column) and isinstance(node.expression, exp.Literal)
            and node.expression.is_string and isinstance(node.parent, exp.And)]


def scan(tasks: list[Task], counts: Counter[str], prefix: str, corrupt: bool) -> None:
    for task in tasks:
        env = DBBenchEnv()
        env.reset(task)
        gold_sql = str(task.data["sql"]["query"])
        gold = parse_statement(gold_sql)
        if gold is None or env.peek(gold_sql) is None:
            env.close()
            continue  # several dev gold queries are not valid SQL
        counts[f"{prefix}.statements"] += 1
        _, found = _check(env, task, gold_sql)
        if found is not None:
            counts[f"{prefix}.rejected"] += 1
            counts[f"{prefix}.rejected.{found.rule}"] += 1
        for swapped in _swaps(gold) if corrupt else []:
            _repair(env, task, counts, "swapped", ("columns_swapped",), swapped.sql(dialect="mysql"), gold_sql)
        for index in _text_conditions(gold) if corrupt else []:
            dropped = gold.copy()
            node = list(dropped.find_all(exp.EQ))[index]
            pair = node.parent
            pair.replace(pair.expression if pair.this is node else pair.this)
            _repair(env, task, counts, "mentions", ("value_not_used",), dropped.sql(dialect="mysql"), gold_sql)
            cut = gold.copy()
            literal = list(cut.find_all(exp.EQ))[index].expression
            words = sorted(re.findall(r"[A-Za-z]{4,}", str(literal.this)), key=len, reverse=True)
            if len(str(literal.this).split()) > 1 and words:
                literal.replace(exp.Literal.string(words[0]))
                _repair(env, task, counts, "part", PART_RULES, cut.sql(dialect="mysql"), gold_sql)
            for bad in _unmatched_values(gold, index, task):
                _repair(env, task, counts, "unmatched", ("unmatched_condition",), bad, gold_sql)
            for bad in _phrased(gold, index, task):
                _repair(env, task, counts, "phrase", ("unmatched_condition",), bad, gold_sql)
            ordered = gold.copy()
            node = list(ordered.find_all(exp.EQ))[index]
            node.replace(exp.LT(this=node.this.copy(), expression=node.expression.copy()))
            _repair(env, task, counts, "text_operator", ("operator_not_stated",), ordered.sql(dialect="mysql"),
                    gold_sql)
        for name, rules, broken in _reshaped(gold, task) if corrupt else []:
            _repair(env, task, counts, name, rules, broken, gold_sql)
        for renamed, question in _synonyms(gold, task) if corrupt else []:
            told = Task(task.id, task.env, task.type, {**task.data, "description": question})
            _repair(env, told, counts, "synonym", ("unknown_column",), renamed, gold_sql)
        env.close()


def _reshaped(gold: exp.Expression, task: Task) -> list[tuple[str, tuple[str, ...], str]]:
    """(kind, the rules that catch it, the broken query) for the kinds that reshape ``gold`` as a
    whole: ranking, invented, asked, bound, entity, tally, order, known, words, copy and direction."""
    out: list[tuple[str, tuple[str, ...], str]] = []
    if isinstance(gold, exp.Select) and gold.args.get("order") and gold.args.get("limit"):
        unordered = gold.copy()
        unordered.set("order", None)
        unordered.set("limit", None)
        out.append(("ranking", ("ranking_without_order",), unordered.sql(dialect="mysql")))
    out += [("invented", ("unmatched_condition",), sql) for sql in _invented(gold, task)]
    out += [("asked", ("asked_not_selected",), sql) for sql in _reselected(gold, task)]
    out += [("bound", ("invented_bound",), sql) for sql in _bounded(gold, task)]
    out += [("entity", ("ranked_column_selected", "asked_not_selected"), sql) for sql in _measures(gold)]
    out += [("tally", ("sum_for_count",), sql) for sql in _summed(gold, task)]
    out += [("order", ("text_order",), sql) for sql in _as_text(gold)]
    out += [("known", ("known_column_selected", "asked_not_selected"), sql) for sql in _known(gold)]
    out += [("words", ("number_on_words", "value_on_other_column"), sql) for sql in _on_words(gold, task)]
    out += [("copy", ("value_on_other_column",), sql) for sql in _on_words(gold, task, numbers=True)]
    out += [("direction", ("direction_not_stated",), sql) for sql in _reversed(gold)]
    return out


def _reversed(gold: exp.Expression) -> list[str]:
    """``gold`` with its MIN written as MAX and back, or its one ORDER BY key (with LIMIT 1) the
    other way."""
    if not isinstance(gold, exp.Select):
        return []
    turned = gold.copy()
    aggregates = list(turned.find_all(exp.Max, exp.Min))
    for node in aggregates:
        node.replace((exp.Min if isinstance(node, exp.Max) else exp.Max)(this=node.this.copy()))
    order, limit = turned.args.get("order"), turned.args.get("limit")
    if not aggregates and order is not None and limit is not None and len(order.expressions) == 1:
        key = order.expressions[0]
        key.set("desc", not key.args.get("desc"))
    elif not aggregates:
        return []
    return [turned.sql(dialect="mysql")]


def _known(gold: exp.Expression) -> list[str]:
    """``gold`` (one column, WHERE, no ORDER BY, aggregate or LIMIT) selecting each column its WHERE
    clause compares with a value instead."""
    if not isinstance(gold, exp.Select) or len(gold.expressions) != 1 \
            or not isinstance(gold.expressions[0], exp.Column) or gold.find(exp.AggFunc) \
            or any(gold.args.get(k) for k in ("order", "group", "limit", "joins")):
        return []
    out = []
    for name in sorted(compared_columns(gold) - {gold.expressions[0].name.lower()}):
        column = next(c for c in gold.find_all(exp.Column) if c.name.lower() == name)
        changed = gold.copy()
        changed.set("expressions", [exp.column(column.name, quoted=True)])
        out.append(changed.sql(dialect="mysql"))
    return out


def _on_words(gold: exp.Expression, task: Task, numbers: bool = False) -> list[str]:
    """``gold`` (with a condition `column` < number, or >, <=, >=) with the same bound on the first
    column it does not use whose cells hold no digit (a copy of the number on a column of words),
    or with ``numbers`` whose cells are all plain numbers (a copy on another column of numbers)."""
    where = gold.args.get("where") if isinstance(gold, exp.Select) else None
    bound = next((n for n in where.find_all(exp.LT, exp.LTE, exp.GT, exp.GTE)
                  if isinstance(n.this, exp.Column) and isinstance(n.expression, exp.Literal)), None) if where else None
    if bound is None:
        return []
    info = task.data["table"]["table_info"]
    used = {c.name.lower() for c in gold.find_all(exp.Column)}
    for j, column in enumerate(c["name"] for c in info["columns"]):
        cells = [str(r[j]) for r in info["rows"] if j < len(r) and r[j] is not None and str(r[j]).strip()]
        fits = all(re.fullmatch(r"-?\d+(?:\.\d+)?", c) for c in cells) if numbers \
            else not any(re.search(r"\d", c) for c in cells)
        if column.lower() not in used and cells and fits:
            copy = bound.copy()
            copy.set("this", exp.column(column, quoted=True))
            return [gold.where(copy, append=True, copy=True).sql(dialect="mysql")]
    return []


def _as_text(gold: exp.Expression) -> list[str]:
    """``gold`` without the ``+ 0`` of the columns it takes the MIN or MAX of or orders by, when it has one."""
    if not isinstance(gold, exp.Select):
        return []
    plain = gold.copy()
    casts = [n for n in plain.find_all(exp.Add) if isinstance(n.this, exp.Column)
             and isinstance(n.expression, exp.Literal) and n.expression.this == "0"]
    for node in casts:
        node.replace(node.this.copy())
    return [plain.sql(dialect="mysql")] if casts else []


def _name_words(task: Task) -> list[str]:
    """The words of four or more letters of the task's table name, longest first."""
    return sorted(re.findall(r"[A-Za-z]{4,}", str(task.data["table"]["table_name"])), key=len, reverse=True)


def _unmatched_values(gold: exp.Expression, index: int, task: Task) -> list[str]:
    """``gold`` with the value of its ``index``-th `column` = 'value' condition replaced by the
    column's name, and by the longest word of the table's name (values no row holds)."""
    out = []
    node = list(gold.find_all(exp.EQ))[index]
    words = _name_words(task)
    for value in [node.this.name, *words[:1]]:
        bad = gold.copy()
        list(bad.find_all(exp.EQ))[index].expression.replace(exp.Literal.string(value))
        out.append(bad.sql(dialect="mysql"))
    return out


def _phrased(gold: exp.Expression, index: int, task: Task) -> list[str]:
    """``gold`` with the value of its ``index``-th `column` = 'value' condition written with the one
    or two words the question writes before it ("Credited as Supporting"), compared with its own
    column and with the table's first other column it does not compare."""
    node = list(gold.find_all(exp.EQ))[index]
    value, question = str(node.expression.this), str(task.data["description"])
    match = word_pattern(value.lower()).search(question.lower())
    before = re.findall(r"[A-Za-z][\w'-]*", question[:match.start()])[-2:] if match else []
    if not before:
        return []
    phrase = " ".join([*before, question[match.start():match.end()]])
    compared = {c.name.lower() for c in gold.find_all(exp.Column)}
    other = next((c["name"] for c in task.data["table"]["table_info"]["columns"]
                  if c["name"].lower() not in compared), None)
    out = []
    for column in [node.this.name, *([other] if other else [])]:
        bad = gold.copy()
        list(bad.find_all(exp.EQ))[index].replace(exp.EQ(this=exp.column(column, quoted=True),
                                                         expression=exp.Literal.string(phrase)))
        out.append(bad.sql(dialect="mysql"))
    return out


def _invented(gold: exp.Expression, task: Task) -> list[str]:
    """``gold`` with one more condition: a column it does not use = the longest word of the
    table's name (a value the question does not state), and apart = the name of a header the
    question writes."""
    if not isinstance(gold, exp.Select):
        return []
    words = _name_words(task)
    used = {c.name.lower() for c in gold.find_all(exp.Column)}
    free = [c for c in task.data["table"]["table_info"]["columns"] if c["name"].lower() not in used]
    if not free:
        return []
    question = str(task.data["description"]).lower()
    out = []
    if words and words[0].lower() not in question:
        condition = exp.EQ(this=exp.column(free[0]["name"], quoted=True), expression=exp.Literal.string(words[0]))
        out.append(gold.where(condition, append=True, copy=True).sql(dialect="mysql"))
    # the name of a header the question writes, as a value of the same unused column ('Mountain
    # range' of "when belwood range is the Mountain range")
    named = next((c.name for c in gold.find_all(exp.Column) if c.name.lower() in question), None)
    if named is not None:
        condition = exp.EQ(this=exp.column(free[0]["name"], quoted=True), expression=exp.Literal.string(named))
        out.append(gold.where(condition, append=True, copy=True).sql(dialect="mysql"))
    return out


def _numeric_used(gold: exp.Expression, task: Task) -> list[str]:
    """The columns ``gold`` uses whose cells are all plain numbers, in the order it uses them."""
    info = task.data["table"]["table_info"]
    names = [c["name"] for c in info["columns"]]
    used = [c.name for c in gold.find_all(exp.Column) if c.name in names]
    return [n for n in dict.fromkeys(used)
            if all(re.fullmatch(r"-?\d+(?:\.\d+)?", str(row[names.index(n)])) for row in info["rows"])]


def _bounded(gold: exp.Expression, task: Task) -> list[str]:
    """``gold`` with `column` < 0, and apart `column` > 100, added, for the first column it uses
    whose cells are numbers, when the question writes no digit."""
    if not isinstance(gold, exp.Select) or re.search(r"\d", str(task.data["description"])):
        return []
    numeric = _numeric_used(gold, task)
    if not numeric:
        return []
    column = exp.column(numeric[0], quoted=True)
    bounds = (exp.LT(this=column, expression=exp.Literal.number(0)),
              exp.GT(this=column.copy(), expression=exp.Literal.number(100)))
    return [gold.where(bound, append=True, copy=True).sql(dialect="mysql") for bound in bounds]


def _measures(gold: exp.Expression) -> list[str]:
    """``gold`` (one column, ORDER BY another, LIMIT 1) selecting the column it orders on, and its
    MIN or MAX without ORDER BY and LIMIT."""
    order = gold.args.get("order") if isinstance(gold, exp.Select) else None
    if order is None or not gold.args.get("limit") or len(gold.expressions) != 1 or len(order.expressions) != 1:
        return []
    keys = list(order.expressions[0].this.find_all(exp.Column))
    if len(keys) != 1 or not isinstance(gold.expressions[0], exp.Column) or gold.expressions[0].name == keys[0].name:
        return []
    measure = exp.column(keys[0].name, quoted=True)
    selected = gold.copy()
    selected.set("expressions", [measure])
    extreme = gold.copy()
    extreme.set("expressions", [(exp.Max if order.expressions[0].args.get("desc") else exp.Min)(this=measure.copy())])
    extreme.set("order", None)
    extreme.set("limit", None)
    return [selected.sql(dialect="mysql"), extreme.sql(dialect="mysql")]


def _summed(gold: exp.Expression, task: Task) -> list[str]:
    """``gold`` (``SELECT COUNT(...)`` alone) summing a column instead: each column it uses whose
    cells are numbers, and the table's first column."""
    if not isinstance(gold, exp.Select) or len(gold.expressions) != 1 or not isinstance(gold.expressions[0], exp.Count):
        return []
    first = task.data["table"]["table_info"]["columns"][0]["name"]
    out = []
    for name in dict.fromkeys([*_numeric_used(gold, task), first]):
        summed = gold.copy()
        summed.set("expressions", [exp.Sum(this=exp.column(name, quoted=True))])
        out.append(summed.sql(dialect="mysql"))
    return out


def _reselected(gold: exp.Expression, task: Task) -> list[str]:
    """``gold`` (selecting one column, plain or in MIN/MAX) selecting another column instead: each
    one the query uses elsewhere, and the first one it does not use."""
    if not isinstance(gold, exp.Select) or len(gold.expressions) != 1:
        return []
    projection = gold.expressions[0]
    inner = projection.this if isinstance(projection, (exp.Min, exp.Max)) else projection
    if not isinstance(inner, exp.Column):
        return []
    used = list(dict.fromkeys(c.name for c in gold.find_all(exp.Column) if c.name != inner.name))
    free = [c["name"] for c in task.data["table"]["table_info"]["columns"]
            if c["name"] not in used and c["name"] != inner.name]
    out = []
    for other in used + free[:1]:
        changed = gold.copy()
        target = changed.expressions[0]
        target = target.this if isinstance(target, (exp.Min, exp.Max)) else target
        target.replace(exp.column(other, quoted=True))
        out.append(changed.sql(dialect="mysql"))
    return out


def _alternatives(header: str) -> list[str]:
    """Other names the generator's domains give a column named ``header`` (a year or unit the
    generator adds, and snake case, read through)."""
    out: list[str] = []
    for domain in DOMAINS:
        for spec in domain.columns:
            names = spec.names.split("|")
            for name in names:
                dated = re.fullmatch(re.escape(name) + r"[ _]\(?\d{4}.*", header)
                if header in (name, "_".join(name.split())) or dated:
                    out += [n for n in names if n != name and n not in out]
    return out


def _synonyms(gold: exp.Expression, task: Task) -> list[tuple[str, str]]:
    """(``gold`` with one column renamed to another name for it, the question with that name
    instead of the header) for each used column the question writes and each of its other names
    that no header is spelt like."""
    headers = [c["name"] for c in task.data["table"]["table_info"]["columns"]]
    question = str(task.data["description"])
    out = []
    for header in sorted({c.name for c in gold.find_all(exp.Column)}):
        written = word_pattern(header.lower()).search(question.lower())
        if written is None:
            continue
        for alt in _alternatives(header):
            if closest(alt, headers) is not None:
                continue
            renamed = gold.copy()
            for column in renamed.find_all(exp.Column):
                if column.name == header:
                    column.replace(exp.column(alt, quoted=True))
            told = question[: written.start()] + alt + question[written.end():]
            out.append((renamed.sql(dialect="mysql"), told))
    return out


def _repair(env: DBBenchEnv, task: Task, counts: Counter[str], name: str, rules: tuple[str, ...], sql: str,
            gold_sql: str) -> None:
    """Count a broken query ``sql`` as a case of ``name``, caught when the Checker's finding is
    one of ``rules``, and its repair right when it returns the gold query's rows."""
    if ONLY and name not in ONLY:
        return
    counts[f"{name}.cases"] += 1
    ctx, found = _check(env, task, sql)
    if found is None or found.rule not in rules:
        return
    counts[f"{name}.caught"] += 1
    fixed = CHECKER.revise(ctx, found)
    if fixed:
        right = env.peek(env.parse(fixed).content) == env.peek(gold_sql)
        verdict = "right" if right else "wrong"
        counts[f"{name}.repaired_{verdict}"] += 1
        if found.details.get("resolved_by"):
            counts[f"{name}.by_{found.details['resolved_by']}_{verdict}"] += 1
        if not right and VERBOSE:
            print(f"[{name}] {task.data['description']}\n  broken: {sql}\n  repair: {env.parse(fixed).content}"
                  f"\n  gold:   {gold_sql}", file=sys.stderr)


def _swaps(stmt: exp.Expression) -> list[exp.Expression]:
    """``stmt`` (a query selecting one column) with that column and the column of one of its
    `column` = value conditions swapped, once per such condition."""
    if not isinstance(stmt, exp.Select) or len(stmt.expressions) != 1:
        return []
    selected = list(stmt.expressions[0].find_all(exp.Column))
    if len(selected) != 1:
        return []
    wanted = selected[0].name
    out = []
    for node in stmt.find_all(exp.EQ):
        if not isinstance(node.this, exp.Column) or not isinstance(node.expression, exp.Literal) \
                or node.this.name == wanted:
            continue
        out.append(swap_columns(stmt, wanted, node.this.name))
    return out


def _query_tasks(entries: list[dict[str, Any]]) -> list[Task]:
    return [Task(str(i), "dbbench", e["type"][0], e) for i, e in enumerate(entries)
            if e["type"][0] not in MUTATION_TYPES]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[91, 92])
    parser.add_argument("--n", type=int, default=300, help="tasks per seed, style and share of extra filters")
    parser.add_argument("--verbose", action="store_true", help="print each wrong repair to stderr")
    parser.add_argument("--only", nargs="+", help="scan only these kinds of broken queries (e.g. synonym)")
    args = parser.parse_args()
    global VERBOSE
    VERBOSE = args.verbose
    ONLY.extend(args.only or [])
    counts: Counter[str] = Counter()
    for seed in args.seeds:
        for style in ("plain", "crowd"):
            for more in (0.0, 0.5):
                entries = generate_tasks(args.n, seed=seed, style=style, more_conditions=more,
                                         types=list(SELECT_TYPES))
                scan(_query_tasks(entries), counts, "gold", corrupt=True)
    dev = [t for t in load_dbbench(default_dev_path()) if t.type not in MUTATION_TYPES]
    scan(dev, counts, "dev_gold", corrupt=False)
    print(json.dumps(dict(sorted(counts.items())), indent=1))


if __name__ == "__main__":
    main()
