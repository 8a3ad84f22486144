""""The total number of rivers" counts rows (``_sql_tally``). Written on the failed counting tasks
of held-out set 8800, where the model summed a column (`River`, a column of names; the companies'
`Net_income_($m)`)."""

from __future__ import annotations

import pytest
from checker_helpers import check_sql, heldout_queries, query_scan, task_env

from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers._sql_tally import _counted_thing

FULL = SQLRuleChecker()


@pytest.mark.parametrize(("task", "sql"), [
    # "What is the total number of rivers when the Country is Zambia?": `River` holds names
    (15, "SELECT SUM(`River`) FROM `Longest rivers of Eskfield county` WHERE `Country` = 'Zambia';"),
    # "What is the total number of companies when the Sector is Retail and ...": no `Companies` column
    (16, "SELECT SUM(`Net_income_($m)`) FROM `Companies listed on the Bramvale Stock Exchange` "
         "WHERE `Sector` = 'Retail' AND `Net_income_($m)` < 6576 AND `HQ` = 'Stanworth';"),
])
def test_a_sum_for_a_number_of_rows_counts_them(task: int, sql: str) -> None:
    entry = heldout_queries(8800)[task]
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "sum_for_count"
        assert fixed.startswith("SELECT COUNT(*) FROM ") and fixed.endswith(sql[sql.index(" FROM ") + 6:])
        assert [str(r[0]) for r in env.peek(fixed) or []] == entry["label"]


@pytest.mark.parametrize(("question", "thing"), [
    ("What is the total number of rivers when the Country is Zambia?", "rivers"),
    ("Give the count of episodes with Elif Fairbanks as the written by", "episodes"),
    ("With the given points of 51, what was the total number of the try bonus?", "try bonus"),
    ("Add up the Floor count of buildings with Architect = Kimura Design Office.", None),  # a header's name
    ("How many goals did the number of players score?", None),  # "how many": the model's
])
def test_the_thing_counted(question: str, thing: str | None) -> None:
    assert _counted_thing(question) == thing


def test_a_sum_of_no_row_stays_and_the_switch() -> None:
    """A number of something that is no row of the table ("net income") is a sum; and
    ``--checker-off counts`` turns the rule off."""
    entry = heldout_queries(8800)[15]
    for episode, env in task_env(entry):
        sql = "SELECT SUM(`River`) FROM `Longest rivers of Eskfield county` WHERE `Country` = 'Zambia';"
        finding, _ = check_sql(episode, env, sql, SQLRuleChecker(check_counts=False))
        assert finding is None or finding.rule != "sum_for_count"
    for episode, env in task_env(heldout_queries(8800)[16]):
        episode.data["description"] = "What is the total number of net income when the Sector is Retail?"
        sql = ("SELECT SUM(`Net_income_($m)`) FROM `Companies listed on the Bramvale Stock Exchange` "
               "WHERE `Sector` = 'Retail';")
        finding, _ = check_sql(episode, env, sql, FULL)
        assert finding is None or finding.rule != "sum_for_count"


def test_scan_tally_rejects_no_gold_query_and_repairs_right() -> None:
    """The scan's `tally` case on generated tasks of a seed no rule was written on."""
    counts = query_scan("tally", seed=96, n=80)
    assert counts["gold.statements"] > 60 and counts["gold.rejected"] == 0
    assert counts["tally.caught"] >= 3 and counts["tally.repaired_wrong"] == 0
    assert counts["tally.repaired_right"] == counts["tally.caught"]
