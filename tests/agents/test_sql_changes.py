"""The changes rule (``_sql_changes``): an UPDATE or DELETE that matches no row of the table is
rejected, by a count the Checker runs itself through ``CheckContext.peek``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cmat.agents.checker_base import CheckContext
from cmat.agents.checkers import SQLRuleChecker
from cmat.envs.base import Task
from cmat.envs.dbbench.data import MUTATION_TYPES, default_dev_path, load_dbbench
from cmat.envs.dbbench.env import DBBenchEnv
from cmat.tasks.gold import gold_replies

FULL = SQLRuleChecker()
JAPAN = "UPDATE `Nation Scores Table` SET `E Score` = '7.400', `Total` = '22.950' WHERE `Nation` = '{}'"


def _dev_env(phrase: str) -> Iterator[tuple[Task, DBBenchEnv]]:
    """The dev task whose question contains ``phrase``, in a fresh environment (closed after)."""
    task = next(t for t in load_dbbench(default_dev_path()) if phrase in t.data["description"])
    env = DBBenchEnv()
    env.reset(task)
    yield task, env
    env.close()


@pytest.fixture()
def scores() -> Iterator[tuple[Task, DBBenchEnv]]:
    yield from _dev_env("E Score of 7.400")


def _ctx(task: Task, env: DBBenchEnv, sql: str, *, peek: bool = True) -> CheckContext:
    reply = f"Let me change it.\nAction: Operation\n```sql\n{sql}\n```"
    return CheckContext(task, task.data["description"], [], reply, env.parse(reply), env.name, env.schema(),
                        env.dry_run, env.peek if peek else None)


def test_a_change_that_matches_no_row_is_rejected(scores: tuple[Task, DBBenchEnv]) -> None:
    task, env = scores
    # a value the question does not state, which the value rule would name first otherwise
    # (and without the locate rule, which would name the row the question means: test_sql_locate.py)
    verdict = SQLRuleChecker(check_values=False, check_locate=False).verify(_ctx(task, env, JAPAN.format("Atlantis")))
    assert not verdict.approve and verdict.details["rule"] == "change_matches_nothing", verdict.feedback
    assert "No row of `Nation Scores Table` matches" in verdict.feedback
    assert "INSERT INTO `Nation Scores Table` (`Nation`, `T Score`" in verdict.feedback
    assert FULL.verify(_ctx(task, env, JAPAN.format("Japan"))).approve
    # without a peek, or switched off, nothing is counted
    off = SQLRuleChecker(check_changes=False, check_values=False, check_locate=False)
    assert off.verify(_ctx(task, env, JAPAN.format("Atlantis"))).approve
    assert SQLRuleChecker(check_values=False).verify(_ctx(task, env, JAPAN.format("Atlantis"), peek=False)).approve


def test_peek_runs_only_one_select_and_counts_no_round(scores: tuple[Task, DBBenchEnv]) -> None:
    _, env = scores
    rounds = env.rounds
    rows = env.peek("SELECT COUNT(*) FROM `Nation Scores Table`")
    assert rows is not None and len(rows) == 1 and int(rows[0][0]) > 0
    assert env.peek("SELECT `Nosuch` FROM `Nation Scores Table`") is None  # an error
    assert env.peek("DELETE FROM `Nation Scores Table`") is None
    assert env.peek("SELECT 1; DELETE FROM `Nation Scores Table`") is None
    assert env.rounds == rounds


def test_every_gold_change_of_the_dev_set_matches_a_row() -> None:
    """No false positive on the dev set's gold UPDATE statements (INSERTs are never counted)."""
    checked = 0
    for task in load_dbbench(default_dev_path()):
        if task.type not in MUTATION_TYPES:
            continue
        env = DBBenchEnv()
        env.reset(task)
        for reply in gold_replies(task.data)[:-1]:
            ctx = CheckContext(task, task.data["description"], [], reply, env.parse(reply), env.name, env.schema(),
                               env.dry_run, env.peek)
            assert FULL.verify(ctx).approve, (reply, FULL.verify(ctx).feedback)
            checked += task.type == "UPDATE"
        env.close()
    assert checked >= 15


@pytest.fixture()
def towers() -> Iterator[tuple[Task, DBBenchEnv]]:
    yield from _dev_env("capitol square")


def test_a_value_on_a_column_that_does_not_hold_it_moves_to_the_one_that_does(towers: tuple[Task, DBBenchEnv]) -> None:
    task, env = towers
    ctx = _ctx(task, env, "SELECT `Floors` FROM `skyscrapers_in_Columbus` WHERE `Rank` = 'capitol square'")
    verdict = FULL.verify(ctx)
    assert not verdict.approve and verdict.details["rule"] == "value_in_other_column", verdict.feedback
    assert "has 'capitol square' in `Rank`, but the column `Name` holds it" in verdict.feedback
    assert "WHERE `Name` = 'capitol square'" in verdict.revision  # MySQL compares in any letter case
    right = "SELECT `Floors` FROM `skyscrapers_in_Columbus` WHERE `Name` = 'capitol square'"
    assert FULL.verify(_ctx(task, env, right)).approve
    assert SQLRuleChecker(check_lookup=False).verify(ctx).approve
    assert FULL.verify(_ctx(task, env, ctx.action.content, peek=False)).approve  # nothing to count with


def test_no_lookup_finding_when_no_column_or_the_used_one_holds_the_value(towers: tuple[Task, DBBenchEnv]) -> None:
    task, env = towers
    checker = SQLRuleChecker(check_values=False, check_mentions=False,  # the question names Capitol Square
                             check_unmatched=False)
    for sql in ("SELECT `Floors` FROM `skyscrapers_in_Columbus` WHERE `Name` = 'Atlantis Tower'",  # nowhere
                "SELECT `Floors` FROM `skyscrapers_in_Columbus` WHERE `Name` LIKE '%capitol%'",  # not an equality
                "SELECT `Floors` FROM `skyscrapers_in_Columbus` WHERE `Floors` = 41"):  # a number
        assert checker.verify(_ctx(task, env, sql)).approve, sql
    # the wrong column used twice: named, not repaired
    twice = "SELECT `Rank` FROM `skyscrapers_in_Columbus` WHERE `Rank` = 'capitol square'"
    verdict = FULL.verify(_ctx(task, env, twice))
    assert verdict.details["rule"] == "value_in_other_column" and verdict.details["repairable"] is False
    assert verdict.revision == ""
