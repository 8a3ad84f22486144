"""The rule for a query's condition that no row matches (``_sql_unmatched``), on the three failures
of held-out set 7400 (seed 7401's queries) it was written from, and on the query scan."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from checker_helpers import check_sql, heldout_queries, task_env

from cmat.agents.checkers import SQLRuleChecker
from cmat.envs.base import Task
from cmat.envs.dbbench.env import DBBenchEnv

FULL = SQLRuleChecker()
SHIPS = "SELECT `Date lost` FROM `Ships built at the Stonethorpe yard` WHERE `Launched` < 1983 AND "


@pytest.fixture(scope="module")
def heldout() -> list[dict[str, object]]:
    """The 20 queries of held-out set 7400 (``benchmarks/heldout_dbbench.py``)."""
    return heldout_queries(7400)


@pytest.fixture()
def ships(heldout: list[dict[str, object]]) -> Iterator[tuple[Task, DBBenchEnv]]:
    yield from task_env(heldout[13])


@pytest.fixture()
def companies(heldout: list[dict[str, object]]) -> Iterator[tuple[Task, DBBenchEnv]]:
    yield from task_env(heldout[2])


def test_a_condition_no_row_matches_takes_the_cell_the_question_writes(ships: tuple[Task, DBBenchEnv]) -> None:
    """"... a Status of museum ship ..." compared as `Fate` = 'Moved to museum ship' (the adapter's
    query): no row holds it, the question writes one cell of `Fate`; the repair compares with it,
    and the chained repairs add the ship's name, which gives the gold answer."""
    task, env = ships
    finding, fixed = check_sql(task, env, SHIPS + "`Fate` = 'Moved to museum ship';", FULL)
    assert finding is not None and finding.rule == "unmatched_condition"
    assert finding.details["stored"] == "Museum ship" and "'Museum ship'" in finding.feedback
    assert "`Fate` = 'Museum ship'" in fixed and "`Ship` = 'MV Silent Voyage'" in fixed
    assert [str(r[0]) for r in env.peek(fixed) or []] == task.data["label"]


def test_a_value_cut_from_the_cell_the_question_writes_is_written_whole(heldout: list[dict[str, object]]) -> None:
    """"what Surface has the Year may 21" as `Year` = '21': two cells contain '21' (no LIKE repair),
    the question writes one of them."""
    for task, env in task_env(heldout[19]):
        finding, fixed = check_sql(task, env, "SELECT `Surface` FROM `Ravenvale Open – singles champions` "
                                              "WHERE `Year` = '21';", FULL)
        assert finding is not None and finding.rule == "unmatched_condition"
        assert fixed.endswith("WHERE `Year` = 'May 21';")
        assert [str(r[0]) for r in env.peek(fixed) or []] == task.data["label"]


def test_an_invented_condition_is_left_out(companies: tuple[Task, DBBenchEnv]) -> None:
    """"the average employees of every company in the table" with `Headquarters (1990–91)` = 'Peru'
    (a word of the table's name): the question neither states 'Peru' nor gives the column a value."""
    task, env = companies
    finding, fixed = check_sql(task, env, "SELECT AVG(`Employees`) FROM `Largest_companies_of_Peru` "
                                          "WHERE `Headquarters (1990–91)` = 'Peru';", FULL)
    assert finding is not None and finding.rule == "unmatched_condition"
    assert fixed == "SELECT AVG(`Employees`) FROM `Largest_companies_of_Peru`;"
    assert [str(r[0]) for r in env.peek(fixed) or []] == task.data["label"]


def test_a_condition_is_kept_where_the_question_gives_its_column_a_value(heldout: list[dict[str, object]]) -> None:
    """"... with a Fare zone 2006 of 2": the question gives `Fare zone 2006` a value, so a wrong one
    there is not left out (the values rule rejects it); a condition on a column it gives no value is,
    and the numbers rule's repair then compares `Fare zone 2006` with 2; a condition that matches
    rows is left alone."""
    entry = {**heldout[15], "description": "Name the average Weekday boardings with a Fare zone 2006 of 2"}
    query = "SELECT AVG(`Weekday boardings`) FROM `Deerhill light rail network` WHERE "
    for task, env in task_env(entry):
        found, _ = check_sql(task, env, query + "`Fare zone 2006` = 'Deerhill';", FULL)
        assert found is not None and found.rule == "value_not_in_question"
        found, fixed = check_sql(task, env, query + "`Mode` = 'Deerhill';", FULL)
        assert found is not None and found.rule == "unmatched_condition"
        assert fixed == query + "`Fare zone 2006` = 2"
        assert [str(r[0]) for r in env.peek(fixed) or []] == task.data["label"]
        found, _ = check_sql(task, env, query + "`Fare zone 2006` = 2;", FULL)
        assert found is None


def test_the_rule_is_switchable_and_only_for_query_tasks(heldout: list[dict[str, object]]) -> None:
    """Off with ``check_unmatched=False``; a query run while changing a table explores it."""
    sql = SHIPS + "`Fate` = 'Moved to museum ship';"
    for task, env in task_env(heldout[13]):
        found, _ = check_sql(task, env, sql, SQLRuleChecker(check_unmatched=False))
        assert found is not None and found.rule != "unmatched_condition"
    for task, env in task_env(heldout[13], "UPDATE"):
        found, _ = check_sql(task, env, sql, FULL)
        assert found is None or found.rule != "unmatched_condition"
