"""Correction examples: the Assistant learns to act on the Checker's feedback and on database errors.

Gold trajectories only ever show a first statement that works, so a model tuned on them alone
has never seen what to do after a rejection or an error: given the Checker's "table `X` does
not exist, the database has `Y`" it answers instead of fixing the name. These examples start
from a training task's gold solution and a *corrupted* first statement, made by the mistakes
small models make on any table (a table or column name copied wrongly: case, a dropped or
doubled letter, spaces and underscores swapped, backticks dropped from a name that needs them)
and, for revisions, a condition on a value the question never states (another row's value) or,
opt-in (``dropped``), one of several conditions left out, which the Checker's numbers rule
names when the question states its number, or (``update``) an INSERT written as an UPDATE of
the row it would add, which the kind rule rejects in an INSERT task (``change_for_insert``; with it
off, the changes rule finds it matches no row), or (``insert``) an UPDATE
written as an INSERT of the changed record, which the kind rule rejects in an UPDATE task (or,
with it off, the inserts rule finds the table already has):

* **revision** (Checker in the loop): the request the Assistant receives after a rejection —
  the conversation, its corrupted proposal (context, not trained), the real
  :class:`~cmat.agents.checkers.SQLRuleChecker` feedback in the ``revision_request`` prompt —
  and the gold proposal as the target. Kept only when the Checker rejects the corrupted
  statement and approves the gold one.
* **recovery** (no Checker; name mistakes only, a wrong value raises no error): the corrupted
  statement is executed, the database's own error is
  the observation, then the gold statements and the answer follow. Replayed through
  :class:`DBBenchEnv` and kept only when the environment judges the episode correct.

Everything comes from generated training tasks; nothing here reads evaluation data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from random import Random
from typing import Any

from sqlglot import exp

from cmat.agents.checker_base import CheckContext
from cmat.agents.checkers._sql_ast import parse_statement
from cmat.agents.checkers._sql_repair import replace_sql
from cmat.agents.checkers.sql_rule import SQLRuleChecker, sql_error
from cmat.agents.templates import render
from cmat.envs.base import Task
from cmat.envs.dbbench.env import SQL_BLOCK, DBBenchEnv
from cmat.errors import ConfigError
from cmat.tasks.gold import gold_replies


def _mangle(name: str, rng: Random) -> str:
    """A wrongly copied identifier (never equal to ``name``)."""
    options = []
    if name.lower() != name:
        options.append(name.lower())
    if " " in name:
        options.append(name.replace(" ", "_"))
    if "_" in name:
        options.append(name.replace("_", " "))
    if len(name) > 3:
        i = rng.randrange(1, len(name) - 1)
        options += [name[:i] + name[i + 1 :], name[:i] + name[i] + name[i:]]
    options.append(name + "s" if not name.endswith("s") else name[:-1])
    choices = [o for o in options if o != name and o.strip()]
    return rng.choice(choices)


_CONDITION = re.compile(r"`(?P<col>[^`]+)`\s*(?:=|<>|!=|<=|>=|<|>)\s*(?P<val>'(?:[^']|'')*'|-?\d+(?:\.\d+)?)")
NAME_KINDS = ("table", "column", "unquoted")
# The mistakes a revision example may start from (``dropped`` is opt-in: the documented seeds
# were built without it, and adding an option changes every later draw).
REVISION_KINDS = (*NAME_KINDS, "value")
MISTAKES = (*NAME_KINDS, "value", "dropped", "update", "insert")
_WHERE = re.compile(r" WHERE (?P<conds>.+?)(?P<end> ORDER BY | GROUP BY | LIMIT |;?$)")


def _drop_condition(sql: str, rng: Random) -> str | None:
    """``sql`` with one of its AND-ed WHERE conditions left out (the model kept only some of the
    question's conditions), or None when it has fewer than two."""
    match = _WHERE.search(sql)
    if match is None:
        return None
    conds = match.group("conds").split(" AND ")
    if len(conds) < 2 or any(c.count("'") % 2 for c in conds):  # an AND inside a quoted value
        return None
    del conds[rng.randrange(len(conds))]
    return sql[: match.start("conds")] + " AND ".join(conds) + sql[match.end("conds") :]


def _update_for_insert(sql: str, rng: Random, rows: Sequence[Sequence[Any]] = (),
                       columns_of: Sequence[str] = ()) -> str | None:
    """The INSERT ``sql`` written as an UPDATE of the row it would add (some of its values set,
    one as the condition), which matches no row: the model's answer to a question that states a
    new record. The condition is on a value no row of ``rows`` (the table, with ``columns_of``)
    holds in that column, where there is one. None for anything but a one-row INSERT with a
    column list of two or more."""
    stmt = parse_statement(sql)
    if not isinstance(stmt, exp.Insert):
        return None
    target, values = stmt.this, stmt.expression
    if not isinstance(target, exp.Schema) or not isinstance(values, exp.Values):
        return None
    columns = [c for c in target.expressions if isinstance(c, exp.Identifier)]
    if len(values.expressions) != 1 or len(columns) < 2 or len(values.expressions[0].expressions) != len(columns):
        return None
    pairs = list(zip(columns, values.expressions[0].expressions, strict=True))
    held = {name: {str(r[i]).lower() for r in rows} for i, name in enumerate(columns_of)}
    fresh = [i for i, (c, v) in enumerate(pairs) if str(v.this).lower() not in held.get(c.name, set())]
    key = rng.choice(fresh) if fresh else rng.randrange(len(pairs))
    rest = [p for i, p in enumerate(pairs) if i != key]
    chosen = rng.sample(rest, rng.randint(1, min(3, len(rest))))
    sets = [exp.EQ(this=exp.column(c.name, quoted=True), expression=v.copy()) for c, v in chosen]
    update = exp.Update(this=target.this.copy(), expressions=sets,
                        where=exp.Where(this=exp.EQ(this=exp.column(pairs[key][0].name, quoted=True),
                                                    expression=pairs[key][1].copy())))
    return update.sql(dialect="mysql") + ";"


def _insert_for_update(sql: str) -> str | None:
    """The UPDATE ``sql`` written as an INSERT of the record it changes: the condition's column
    and value, then every value it sets (the model's answer to a question that states a change
    as a fact). None for anything but an UPDATE of one table with one equality condition."""
    stmt = parse_statement(sql)
    if not isinstance(stmt, exp.Update) or not isinstance(stmt.this, exp.Table):
        return None
    where = stmt.args.get("where")
    condition = where.this if isinstance(where, exp.Where) else None
    if not isinstance(condition, exp.EQ) or not isinstance(condition.this, exp.Column):
        return None
    pairs = [(condition.this, condition.expression)]
    pairs += [(e.this, e.expression) for e in stmt.expressions if isinstance(e, exp.EQ)]
    if len(pairs) < 2 or not all(isinstance(c, exp.Column) for c, _ in pairs):
        return None
    insert = exp.Insert(
        this=exp.Schema(this=stmt.this.copy(), expressions=[exp.to_identifier(c.name, quoted=True) for c, _ in pairs]),
        expression=exp.Values(expressions=[exp.Tuple(expressions=[v.copy() for _, v in pairs])]),
    )
    return insert.sql(dialect="mysql") + ";"


def _wrong_value(sql: str, entry: dict[str, Any], rng: Random) -> str | None:
    """``sql`` with the value of one condition replaced by another value of that column which the
    question does not state (the model compared with the wrong row's value), or None."""
    columns = [str(c["name"]) for c in entry["table"]["table_info"]["columns"]]
    rows = entry["table"]["table_info"]["rows"]
    question = str(entry["description"]).lower()
    matches = [m for m in _CONDITION.finditer(sql) if m.group("col") in columns]
    if not matches:
        return None
    match = rng.choice(matches)
    index = columns.index(match.group("col"))
    quoted = match.group("val").startswith("'")
    current = match.group("val")[1:-1].replace("''", "'") if quoted else match.group("val")
    others = sorted({str(r[index]) for r in rows if str(r[index]).strip()} - {current})
    others = [o for o in others if o.lower() not in question and (quoted or re.fullmatch(r"-?\d+(\.\d+)?", o))]
    if not others:
        return None
    value = rng.choice(others)
    written = "'" + value.replace("'", "''") + "'" if quoted else value
    return sql[: match.start("val")] + written + sql[match.end("val") :]


def corrupt_sql(sql: str, entry: dict[str, Any], rng: Random, kinds: Sequence[str] = NAME_KINDS) -> str | None:
    """``sql`` with one mistake of ``kinds``, or None: a name copied wrongly (``table``, a ``column``
    it uses), backticks dropped (``unquoted``), a condition on a ``value`` the question never
    states, one of several conditions left out (``dropped``), an INSERT written as an UPDATE
    of the row it would add (``update``), or an UPDATE written as an INSERT of the record it
    changes (``insert``)."""
    table = str(entry["table"]["table_name"])
    columns = [str(c["name"]) for c in entry["table"]["table_info"]["columns"]]
    used = [c for c in columns if f"`{c}`" in sql]
    needs_quotes = [n for n in [table, *used] if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n)]
    available = {"table": True, "column": bool(used), "unquoted": bool(needs_quotes),
                 "value": _CONDITION.search(sql) is not None, "dropped": " AND " in sql,
                 "update": sql.lstrip().upper().startswith("INSERT"),
                 "insert": sql.lstrip().upper().startswith("UPDATE")}
    options = [k for k in kinds if available.get(k)]
    if not options:
        return None
    kind = rng.choice(options)
    if kind == "value":
        return _wrong_value(sql, entry, rng)
    if kind == "dropped":
        return _drop_condition(sql, rng)
    if kind == "update":
        return _update_for_insert(sql, rng, entry["table"]["table_info"]["rows"], columns)
    if kind == "insert":
        return _insert_for_update(sql)
    if kind == "unquoted":
        name = rng.choice(needs_quotes)
        bad = sql.replace(f"`{name}`", name)
    else:
        name = table if kind == "table" else rng.choice(used)
        bad = sql.replace(f"`{name}`", f"`{_mangle(name, rng)}`")
    return bad if bad != sql else None


def _task(entry: dict[str, Any], task_id: str) -> Task:
    return Task(id=task_id, env="dbbench", type=entry["type"][0], data=entry)


def _corrupted_reply(reply: str, entry: dict[str, Any], rng: Random, kinds: Sequence[str] = NAME_KINDS) -> str | None:
    match = SQL_BLOCK.search(reply)
    if match is None:
        return None
    bad = corrupt_sql(match.group(1), entry, rng, kinds)
    return None if bad is None else replace_sql(reply, bad)


def _verdict(checker: SQLRuleChecker, env: DBBenchEnv, task: Task, messages: list[Any], reply: str) -> Any:
    task_text = messages[2].content if len(messages) > 2 else messages[-1].content
    return checker.verify(CheckContext(task, task_text, list(messages), reply, env.parse(reply), env.name,
                                       env.schema(), env.dry_run, env.peek))


def revision_example(entry: dict[str, Any], task_id: str = "0", seed: int = 0,
                     kinds: Sequence[str] = REVISION_KINDS) -> dict[str, Any] | None:
    """One SFT example in the revision-request format (see the module doc), or None; its first
    proposal has one mistake of ``kinds`` (:data:`MISTAKES`)."""
    rng = Random(f"revision:{seed}:{task_id}:{entry['description']}")
    gold = gold_replies(entry, seed)[0]
    bad = _corrupted_reply(gold, entry, rng, kinds)
    if bad is None:
        return None
    task, env, checker = _task(entry, task_id), DBBenchEnv(), SQLRuleChecker()
    try:
        messages = env.reset(task)
        rejected = _verdict(checker, env, task, messages, bad)
        if rejected.approve or not _verdict(checker, env, task, messages, gold).approve:
            return None
    finally:
        env.close()
    context = [{"role": m.role, "content": m.content, "train": False} for m in messages]
    return {"id": task_id, "type": task.type, "source": "revision", "rule": rejected.details.get("rule"),
            "messages": [*context, {"role": "assistant", "content": bad, "train": False},
                         {"role": "user", "content": render("revision_request", feedback=rejected.feedback),
                          "train": False},
                         {"role": "assistant", "content": gold, "train": True}]}


def recovery_example(entry: dict[str, Any], task_id: str = "0", seed: int = 0) -> dict[str, Any] | None:
    """One SFT example: a corrupted statement fails, the gold solution follows (see the module doc)."""
    rng = Random(f"recovery:{seed}:{task_id}:{entry['description']}")
    replies = gold_replies(entry, seed)
    bad = _corrupted_reply(replies[0], entry, rng)
    if bad is None:
        return None
    env = DBBenchEnv()
    try:
        messages = [{"role": m.role, "content": m.content, "train": False} for m in env.reset(_task(entry, task_id))]
        first = env.step(bad)
        if first.done or sql_error(first.observation or "") is None:
            return None  # the corrupted statement happened to work: no error to recover from
        messages += [{"role": "assistant", "content": bad, "train": False},
                     {"role": "user", "content": first.observation or "", "train": False}]
        for reply in replies:
            messages.append({"role": "assistant", "content": reply, "train": True})
            result = env.step(reply)
            if result.done:
                break
            messages.append({"role": "user", "content": result.observation or "", "train": False})
        if not env.evaluate().correct:
            return None
    finally:
        env.close()
    return {"id": task_id, "type": entry["type"][0], "source": "recovery", "messages": messages}


def correction_examples(
    entries: Sequence[dict[str, Any]], seed: int = 0, kinds: Sequence[str] = ("revision", "recovery"),
    mistakes: Sequence[str] = REVISION_KINDS,
) -> list[dict[str, Any]]:
    """Alternate the kinds over the entries (entry ``i`` gets ``kinds[i % len(kinds)]``), keeping
    the examples that pass their checks; ids are the entry indices. Revisions start from one of
    ``mistakes`` (:data:`MISTAKES`)."""
    unknown = sorted(set(mistakes) - set(MISTAKES))
    if unknown or not mistakes:
        raise ConfigError(f"unknown correction mistakes {unknown or list(mistakes)}; valid: {', '.join(MISTAKES)}")
    out = []
    for i, entry in enumerate(entries):
        if kinds[i % len(kinds)] == "revision":
            example = revision_example(entry, str(i), seed, tuple(mistakes))
        else:
            example = recovery_example(entry, str(i), seed)
        if example is not None:
            out.append(example)
    return out


def describe(examples: Sequence[dict[str, Any]]) -> str:
    """Counts per source and per checker rule, for logs."""
    counts: dict[str, int] = {}
    for e in examples:
        key = e["source"] + (f":{e['rule']}" if e.get("rule") else "")
        counts[key] = counts.get(key, 0) + 1
    return json.dumps(dict(sorted(counts.items())))
