"""False-positive and repair scans of the rule Checker's rules for changes, on generated tasks.

    python scripts/scan_change_rules.py --seeds 91 92 --n 300        # the figures in the Checker design doc

For each seed and question style (plain, crowd) it generates INSERT, UPDATE and DELETE tasks
(never evaluation data) and reports, as one JSON object:

* ``gold``: gold statements the full rule Checker rejects (every rule on; should be 0), out of all;
* ``inserts``: a gold UPDATE written as an INSERT of the record it changes: caught by the kind rule
  (``_sql_update``) or the inserts rule, and its repairs judged right or wrong by the environment;
* ``kind``: a gold UPDATE written as the INSERT a small model writes for it (the table's first
  columns, the UPDATE's values shuffled into them): caught by the kind rule (``_sql_update``),
  which writes the UPDATE from the question, right or wrong;
* ``locate``: a gold UPDATE/DELETE whose condition is replaced by one on a random column with a
  value no row holds: repaired by the locate rule, right or wrong;
* ``no_where``: a gold UPDATE/DELETE with its WHERE clause left out: given the condition on the
  row or group the question names by the locate rule, right or wrong;
* ``unasked``: a gold UPDATE with one more assignment, to a column the statement does not use, of
  another row's value of that column (or "300" when none differs): left out by the unasked rule
  (``_sql_assignments``), right or wrong; a corruption the question happens to name or write stays;
* ``value_cut``: a gold UPDATE with one SET value of two or more words cut to one of its words,
  and ``value_overrun``: one SET value run on with the rest of the question after it (when that
  names a header): written as the question writes it by the assignments rule, right or wrong;
* ``set_pairing``: a gold UPDATE with one SET column renamed to an unused column;
* ``set_named``: a gold UPDATE with one SET column replaced by a name the table lacks (the
  table's own name, or a placeholder: `column`, `value`, `New value`), repaired by the header the
  question changes to that value (``_sql_sets.unknown_set_column``);
* ``value_not_set``: a gold UPDATE with one of two or more SET values dropped;
* ``insert_pairing``: a gold INSERT with one listed column replaced by an unlisted one or a
  duplicate of another;
* ``record``: the values the question states next to their headers (``_sql_record``) against the
  gold INSERT's values: right or wrong, out of all columns;
* ``insert_stated``: a gold INSERT with one stated value changed (letter case, its header written
  before it, or another column's value);
* ``insert_rebuilt``: a gold INSERT with one value dropped or given twice (the wrong value count);
* ``insert_copied``: a gold INSERT with one stated value of plain words replaced by its column's
  name, or by the start of its first word (three letters or more, cut inside the word);
* ``insert_missing``: a gold INSERT with one stated column left out of its list, value and all.
* ``insert_swapped``: a gold INSERT with two of its values swapped between their columns;
* ``insert_unrun``: a gold INSERT that cannot run (a column listed twice, or its column list not
  closed), replaced by the INSERT of the whole record the question states (a finding with
  ``details["whole_record"]``).

Each corrupted statement goes through the full Checker with repairs, as in ``cmat eval
--checker rule --repair``; a repair counts when the finding is the rule's own, or, for a broken
UPDATE's SET, the kind rule's restating of it (``sets_not_as_stated``, which comes first).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from typing import Any

from sqlglot import exp

from cmat.agents.checker_base import CheckContext
from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers._sql_ast import parse_statement
from cmat.agents.checkers._sql_record import stated_record
from cmat.envs.base import Task
from cmat.envs.dbbench.env import DBBenchEnv
from cmat.tasks import generate_tasks
from cmat.tasks.corrections import _insert_for_update

CHECKER = SQLRuleChecker()
# The kind rule's finding for an UPDATE whose SET differs from the values the question states
# (``_sql_update.sets_not_as_stated``); it comes before the rules that mend one value, so each
# broken UPDATE below counts as caught by either.
STATED = "sets_not_as_stated"
VERBOSE = False  # --verbose: each wrong repair on stderr


def _reply(sql: str) -> str:
    return f"Let me do it.\nAction: Operation\n```sql\n{sql}\n```"


def _judged(entry: dict[str, Any], reply: str) -> bool:
    env = DBBenchEnv()
    env.reset(Task("0", "dbbench", entry["type"][0], entry))
    env.step(reply)
    env.step('Action: Answer\nFinal Answer: ["done"]')
    correct = env.evaluate().correct
    env.close()
    return correct


def _try(counts: Counter[str], name: str, rule: str | tuple[str, ...], entry: dict[str, Any], env: DBBenchEnv,
         task: Task, bad: exp.Expression | str | None) -> None:
    if bad is None:
        return
    sql = bad if isinstance(bad, str) else bad.sql(dialect="mysql") + ";"
    reply = _reply(sql)
    ctx = CheckContext(task, entry["description"], [], reply, env.parse(reply), env.name, env.schema(),
                       env.dry_run, env.peek)
    counts[f"{name}.cases"] += 1
    finding = CHECKER.find(ctx)
    rules = rule if isinstance(rule, tuple) else (rule,)
    if finding is None or (finding.rule not in rules and not (rule == "whole_record" and finding.details.get(rule))):
        return
    counts[f"{name}.caught"] += 1
    fixed = CHECKER.revise(ctx, finding)
    if fixed:
        right = _judged(entry, fixed)
        counts[f"{name}.repaired_{'right' if right else 'wrong'}"] += 1
        if not right and VERBOSE:
            print(json.dumps({"scan": name, "question": entry["description"], "gold": entry["label"][0],
                              "bad": sql, "fixed": fixed}), file=sys.stderr)


def scan(entries: list[dict[str, Any]], rng: random.Random, counts: Counter[str]) -> None:
    for i, entry in enumerate(entries):
        task = Task(str(i), "dbbench", entry["type"][0], entry)
        env = DBBenchEnv()
        env.reset(task)
        gold_sql = entry["label"][0]
        gold = parse_statement(gold_sql)
        reply = _reply(gold_sql)
        ctx = CheckContext(task, entry["description"], [], reply, env.parse(reply), env.name, env.schema(),
                           env.dry_run, env.peek)
        counts["gold.statements"] += 1
        rejected = CHECKER.find(ctx)
        counts["gold.rejected"] += rejected is not None
        if rejected is not None and VERBOSE:
            print(json.dumps({"gold_rejected": rejected.rule, "question": entry["description"], "sql": gold_sql}),
                  file=sys.stderr)
        columns = env.schema()[entry["table"]["table_name"]]
        if isinstance(gold, (exp.Update, exp.Delete)):
            if isinstance(gold, exp.Update):
                _try(counts, "inserts", ("insert_for_update", "insert_existing_row"), entry, env, task,
                     _insert_for_update(gold_sql))
                _try(counts, "kind", "insert_for_update", entry, env, task,
                     _garbled_insert(gold, columns, random.Random("kind " + entry["description"])))
            located = gold.copy()
            located.set("where", exp.Where(this=exp.EQ(this=exp.column(rng.choice(columns), quoted=True),
                                                       expression=exp.Literal.string("no such value"))))
            _try(counts, "locate", "row_located", entry, env, task, located)
            unconditioned = gold.copy()
            unconditioned.set("where", None)
            _try(counts, "no_where", "no_where", entry, env, task, unconditioned)
        if isinstance(gold, exp.Update):
            used = {c.name for c in gold.find_all(exp.Column)}
            free = [c for c in columns if c not in used]
            if free:
                renamed = gold.copy()
                renamed.expressions[rng.randrange(len(renamed.expressions))].set(
                    "this", exp.column(rng.choice(free), quoted=True))
                _try(counts, "set_pairing", ("set_value_on_other_column", STATED), entry, env, task, renamed)
            own = random.Random(entry["description"])  # its own draws: the other scans' stay as they were
            _scan_unasked(counts, random.Random("unasked " + entry["description"]), entry, env, task, gold, columns)
            _scan_written(counts, random.Random("written " + entry["description"]), entry, env, task, gold)
            unknown = gold.copy()
            unknown.expressions[own.randrange(len(unknown.expressions))].set("this", exp.column(
                own.choice([entry["table"]["table_name"], "column", "value", "New value"]), quoted=True))
            _try(counts, "set_named", ("unknown_column", STATED), entry, env, task, unknown)
            if len(gold.expressions) > 1:
                dropped = gold.copy()
                sets = list(dropped.expressions)
                del sets[rng.randrange(len(sets))]
                dropped.set("expressions", sets)
                _try(counts, "value_not_set", ("value_not_set", STATED), entry, env, task, dropped)
        if isinstance(gold, exp.Insert) and isinstance(gold.this, exp.Schema) and len(gold.this.expressions) > 1:
            listed = gold.copy()
            names = list(listed.this.expressions)
            a, b = rng.sample(range(len(names)), 2)
            unlisted = [c for c in columns if c not in {n.name for n in names}]
            names[a] = exp.to_identifier(rng.choice(unlisted), quoted=True) if unlisted and rng.random() < 0.5 \
                else names[b].copy()
            listed.this.set("expressions", names)
            _try(counts, "insert_pairing", "insert_value_on_other_column", entry, env, task, listed)
            _scan_record(counts, rng, entry, env, task, gold, columns)
        env.close()


def _garbled_insert(gold: exp.Update, columns: list[str], rng: random.Random) -> exp.Insert | None:
    """An INSERT a small model writes for an UPDATE task: the table's first columns listed, with
    the gold UPDATE's values (the condition's and the new ones) shuffled into them."""
    values = [e.expression for e in gold.find_all(exp.EQ) if isinstance(e.expression, exp.Literal)]
    if not values or len(values) > len(columns):
        return None
    rng.shuffle(values)
    listed = exp.Schema(this=gold.this.copy(), expressions=[exp.to_identifier(c, quoted=True)
                                                            for c in columns[: len(values)]])
    return exp.Insert(this=listed, expression=exp.Values(expressions=[exp.Tuple(expressions=[
        v.copy() for v in values])]))


def _scan_unasked(counts: Counter[str], rng: random.Random, entry: dict[str, Any], env: DBBenchEnv, task: Task,
                  gold: exp.Update, columns: list[str]) -> None:
    used = {c.name for c in gold.find_all(exp.Column)}
    free = [j for j, c in enumerate(columns) if c not in used]
    if not free:
        return
    j = rng.choice(free)
    cells = sorted({str(row[j]) for row in entry["table"]["table_info"]["rows"] if str(row[j]).strip()})
    extra = gold.copy()
    extra.set("expressions", [*extra.expressions, exp.EQ(this=exp.column(columns[j], quoted=True),
                                                         expression=exp.Literal.string(rng.choice(cells or ["300"])))])
    _try(counts, "unasked", ("unasked_assignment", STATED), entry, env, task, extra)


def _scan_written(counts: Counter[str], rng: random.Random, entry: dict[str, Any], env: DBBenchEnv, task: Task,
                  gold: exp.Update) -> None:
    question = entry["description"]
    texts = [i for i, e in enumerate(gold.expressions) if isinstance(e.expression, exp.Literal)
             and e.expression.is_string and str(e.expression.this) in question]
    if not texts:
        return
    i = rng.choice(texts)
    value = str(gold.expressions[i].expression.this)
    words = value.split()
    if len(words) > 1:
        cut = gold.copy()
        cut.expressions[i].set("expression", exp.Literal.string(rng.choice(words).strip(",")))
        _try(counts, "value_cut", ("value_not_as_written", STATED), entry, env, task, cut)
    rest = question[question.index(value) + len(value):].rstrip(". ")
    if len(rest.split()) > 2:
        overrun = gold.copy()
        overrun.expressions[i].set("expression", exp.Literal.string(value + rest))
        _try(counts, "value_overrun", ("value_not_as_written", STATED), entry, env, task, overrun)


def _scan_record(counts: Counter[str], rng: random.Random, entry: dict[str, Any], env: DBBenchEnv, task: Task,
                 gold: exp.Insert, columns: list[str]) -> None:
    names = [n.name for n in gold.this.expressions]
    cells = list(gold.expression.expressions[0].expressions)
    values = [str(c.this) for c in cells]
    record = stated_record(entry["description"], columns, entry["table"]["table_name"])  # as the Checker reads it
    counts["record.columns"] += len(names)
    for name, value in zip(names, values, strict=True):
        if name in record:
            counts["record.right" if value in (record[name], f'"{record[name]}"') else "record.wrong"] += 1
    stated = [i for i, name in enumerate(names) if name in record]
    if stated:
        i = rng.choice(stated)
        others = [v for j, v in enumerate(values) if j != i and v != values[i]]
        variants = [values[i].upper(), values[i].lower(), f"{names[i]} {values[i]}", *others[:1]]
        bad = rng.choice([v for v in variants if v != values[i]] or [f"{names[i]} {values[i]}"])
        changed = gold.copy()
        changed.expression.expressions[0].expressions[i].replace(exp.Literal.string(bad))
        _try(counts, "insert_stated", "value_not_as_stated", entry, env, task, changed)
    plain = [i for i in stated if not any(ch.isdigit() for ch in values[i]) and len(values[i].split()[0]) > 4]
    if plain:
        own = random.Random("copied " + entry["description"])  # its own draws: the other scans' stay as they were
        i = own.choice(plain)
        copied = gold.copy()
        bad = names[i] if own.random() < 0.5 else values[i].split()[0][: own.randint(3, len(values[i].split()[0]) - 2)]
        copied.expression.expressions[0].expressions[i].replace(exp.Literal.string(bad))
        _try(counts, "insert_copied", "value_not_as_stated", entry, env, task, copied)
    if stated and len(names) > 1:
        i = random.Random("missing " + entry["description"]).choice(stated)
        dropped = gold.copy()
        dropped.this.set("expressions", [n for j, n in enumerate(dropped.this.expressions) if j != i])
        row = dropped.expression.expressions[0]
        row.set("expressions", [v for j, v in enumerate(row.expressions) if j != i])
        _try(counts, "insert_missing", "insert_value_missing", entry, env, task, dropped)
    if len(cells) > 1:
        short = gold.copy()
        row = list(short.expression.expressions[0].expressions)
        i = rng.randrange(len(row))
        row = row[:i] + row[i + 1:] if rng.random() < 0.5 else row[: i + 1] + [row[i].copy()] + row[i + 1:]
        short.expression.expressions[0].set("expressions", row)
        _try(counts, "insert_rebuilt", "insert_value_count", entry, env, task, short)
    distinct = [i for i, v in enumerate(values) if values.count(v) == 1]
    if len(distinct) > 1:  # two values swapped between their columns
        i, j = random.Random("swapped " + entry["description"]).sample(distinct, 2)
        swapped = gold.copy()
        row = swapped.expression.expressions[0]
        cells_i, cells_j = row.expressions[i].copy(), row.expressions[j].copy()
        row.expressions[i].replace(cells_j)
        row.expressions[j].replace(cells_i)
        _try(counts, "insert_swapped", "value_not_as_stated", entry, env, task, swapped)
    own = random.Random("unrun " + entry["description"])  # its own draws: the other scans' stay as they were
    if own.random() < 0.5:  # a column listed twice, with its value
        twice = gold.copy()
        twice.this.set("expressions", [*twice.this.expressions, twice.this.expressions[0].copy()])
        row = twice.expression.expressions[0]
        row.set("expressions", [*row.expressions, row.expressions[0].copy()])
        _try(counts, "insert_unrun", "whole_record", entry, env, task, twice)
    else:  # the column list's closing parenthesis dropped: "INSERT INTO `t` (`a`, `b` VALUES (...)"
        sql = gold.sql(dialect="mysql")
        _try(counts, "insert_unrun", "whole_record", entry, env, task, sql.replace(") VALUES", " VALUES", 1) + ";")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[91, 92])
    parser.add_argument("--n", type=int, default=300, help="tasks per seed and style")
    parser.add_argument("--verbose", action="store_true", help="print each wrong repair (JSON) on stderr")
    parser.add_argument("--narrative", type=float, default=0.0,
                        help="chance that a generated INSERT tells its record as a sentence (gen-tasks --narrative)")
    args = parser.parse_args()
    global VERBOSE
    VERBOSE = args.verbose
    counts: Counter[str] = Counter()
    for seed in args.seeds:
        rng = random.Random(seed)
        for style in ("plain", "crowd"):
            scan(generate_tasks(args.n, seed=seed, types=["INSERT", "UPDATE", "DELETE"], style=style,
                                narrative=args.narrative), rng, counts)
    print(json.dumps(dict(sorted(counts.items())), indent=1))


if __name__ == "__main__":
    main()
