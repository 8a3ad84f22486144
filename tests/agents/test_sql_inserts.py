"""The inserts rule (``_sql_inserts``): a question about a change is not answered by an INSERT of
a record the table already has; counted through ``CheckContext.peek``, repairable into the UPDATE."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cmat.agents.checker_base import CheckContext
from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers._sql_inserts import speaks_of_change
from cmat.envs.base import Task
from cmat.envs.dbbench.data import default_dev_path, load_dbbench
from cmat.envs.dbbench.env import SQL_BLOCK, DBBenchEnv
from cmat.tasks import generate_tasks
from cmat.tasks.corrections import _insert_for_update
from cmat.tasks.gold import gold_replies

# The inserts rule on its own: in a task of type UPDATE the kind rule (``_sql_update``, its own tests)
# rejects any INSERT first and falls back to this rule's repair when it cannot read the UPDATE.
FULL = SQLRuleChecker(check_kind=False)
TABLE = "Nation Scores Table"
JAPAN = f"INSERT INTO `{TABLE}` (`Nation`, `E Score`, `Total`) VALUES ('{{}}', '7.400', '22.950');"


@pytest.fixture()
def scores() -> Iterator[tuple[Task, DBBenchEnv]]:
    task = next(t for t in load_dbbench(default_dev_path()) if "E Score of 7.400" in t.data["description"])
    env = DBBenchEnv()
    env.reset(task)
    yield task, env
    env.close()


def _ctx(task: Task, env: DBBenchEnv, sql: str, *, question: str | None = None, peek: bool = True) -> CheckContext:
    reply = f"Let me change it.\nAction: Operation\n```sql\n{sql}\n```"
    if question is not None:
        task = Task(task.id, task.env, task.type, {**task.data, "description": question})
    return CheckContext(task, task.data["description"], [], reply, env.parse(reply), env.name, env.schema(),
                        env.dry_run, env.peek if peek else None)


def test_an_insert_of_a_row_the_table_has_is_rejected_and_repaired(scores: tuple[Task, DBBenchEnv]) -> None:
    task, env = scores
    ctx = _ctx(task, env, JAPAN.format("Japan"))
    verdict = FULL.verify(ctx)
    assert not verdict.approve and verdict.details["rule"] == "insert_existing_row", verdict.feedback
    fixed = f"UPDATE `{TABLE}` SET `E Score` = '7.400', `Total` = '22.950' WHERE `Nation` = 'Japan';"
    assert "one row holds 'Japan' in `Nation`" in verdict.feedback and fixed in verdict.feedback
    finding = FULL.find(ctx)
    assert finding is not None
    match = SQL_BLOCK.search(FULL.revise(ctx, finding))
    assert match is not None and match.group(1).strip() == fixed
    # the repaired statement passes every rule, and the environment judges it correct
    assert FULL.verify(_ctx(task, env, fixed)).approve
    env.step(f"Action: Operation\n```sql\n{fixed}\n```")
    env.step('Action: Answer\nFinal Answer: ["done"]')
    assert env.evaluate().correct


def test_no_finding_for_a_new_record_an_insert_question_or_without_a_peek(scores: tuple[Task, DBBenchEnv]) -> None:
    task, env = scores
    # a record the table does not have yet: the count finds no row
    question = "The score table for Atlantis has been updated with an E Score of 7.400 and a total of 22.950."
    assert FULL.verify(_ctx(task, env, JAPAN.format("Atlantis"), question=question)).details.get("rule") \
        != "insert_existing_row"
    # a question that adds a record, even for a value one row holds
    added = "Add a new row for Japan with an E Score of 7.400 and a total of 22.950 to the score table."
    assert FULL.verify(_ctx(task, env, JAPAN.format("Japan"), question=added)).approve
    # switched off, or nothing to count with
    assert SQLRuleChecker(check_inserts=False, check_kind=False).verify(_ctx(task, env, JAPAN.format("Japan"))).approve
    assert FULL.verify(_ctx(task, env, JAPAN.format("Japan"), peek=False)).approve


def test_which_questions_speak_of_a_change() -> None:
    assert speaks_of_change("The score table for Japan has been updated with an E Score of 7.400.")
    assert speaks_of_change("Set the LGA value to Armadale for the school named Byford.")
    assert speaks_of_change("modify the row for scientific name of 'Acanthis': set habitat to 'Desert scrub'.")
    assert not speaks_of_change("Record the following game in the table: game set to Crimson, year set to 2010.")
    assert not speaks_of_change("The table is being updated with a new record for the surname Hedlund.")
    assert not speaks_of_change("Insert 'Madison High School' into the school table.")
    assert not speaks_of_change("On 2 January 1944, the ship Willem van der Zaan was sunk.")


def _first_sql(entry: dict[str, Any]) -> str:
    match = SQL_BLOCK.search(gold_replies(entry)[0])
    assert match is not None
    return match.group(1)


def _verify(task: Task, env: DBBenchEnv, sql: str) -> Any:
    reply = f"Action: Operation\n```sql\n{sql}\n```"
    return FULL.verify(CheckContext(task, task.data["description"], [], reply, env.parse(reply), env.name,
                                    env.schema(), env.dry_run, env.peek))


@pytest.mark.parametrize("style", ["plain", "crowd"])
def test_no_gold_insert_is_rejected_and_updates_written_as_inserts_are_caught(style: str) -> None:
    """The false-positive scan on generated tasks of a seed used nowhere else (97), and the rule's
    reach: about two in five UPDATEs written as INSERTs are caught (the rest name their row by a
    number, a non-key column or several values, or the question has no word of change), and every
    repair is judged correct."""
    entries = generate_tasks(60, seed=97, types=["INSERT", "UPDATE"], style=style)
    caught = updates = 0
    for i, entry in enumerate(entries):
        task = Task(str(i), "dbbench", entry["type"][0], entry)
        env = DBBenchEnv()
        env.reset(task)
        try:
            gold = _first_sql(entry)
            if task.type == "INSERT":
                verdict = _verify(task, env, gold)
                assert verdict.details.get("rule") != "insert_existing_row", (entry["description"], verdict.feedback)
                continue
            bad = _insert_for_update(gold)
            if bad is None:
                continue
            updates += 1
            verdict = _verify(task, env, bad)
            if verdict.details.get("rule") != "insert_existing_row":
                continue
            caught += 1
            fixed = str(verdict.details["fixed"])
            if not fixed:
                continue  # feedback only
            env.step(f"Action: Operation\n```sql\n{fixed}\n```")
            env.step('Action: Answer\nFinal Answer: ["done"]')
            assert env.evaluate().correct, (entry["description"], fixed)
        finally:
            env.close()
    assert updates >= 20 and caught >= updates // 4, (caught, updates)  # 13 and 12 of 30 here


def test_no_gold_insert_of_the_dev_set_is_rejected() -> None:
    for task in load_dbbench(default_dev_path()):
        if task.type != "INSERT":
            continue
        env = DBBenchEnv()
        env.reset(task)
        verdict = _verify(task, env, _first_sql(task.data))
        env.close()
        assert verdict.details.get("rule") != "insert_existing_row", (task.data["description"], verdict.feedback)
