"""A numeric bound the question never states is left out of a query (``_sql_bounds``). Written on
the failed ranking tasks of held-out sets 7000-9000, where the model bounded the column it ranked
(`Crew` < 0, `Height_(m)` < 100) and the query found nothing."""

from __future__ import annotations

import pytest
from checker_helpers import check_sql, heldout_queries, heldout_updates, query_scan, task_env

from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers._sql_ast import parse_statement
from cmat.agents.checkers._sql_bounds import _stated_numbers, invented_bound

FULL = SQLRuleChecker()


@pytest.mark.parametrize(("base", "task", "sql"), [
    # "Among every peak in the table, which has the lowest Height_(m)? Give its Range."
    (8800, 5, "SELECT `Name` FROM `List of peaks in Malaysia over 2000 m` WHERE `Height_(m)` < 100;"),
    # "Among all the ships, which one has the least Crew?" ("one" is no number)
    (8600, 8, "SELECT `Crew` FROM `Vessels registered in Trehaven (1977)` WHERE `Crew` < 0;"),
    # "What is the Mountain range 2008 of the peak with the top Elevation (m)?" (2008 names a header)
    (9000, 3, "SELECT `Mountain range 2008` FROM `Mountains of the Frontier Region` WHERE `Elevation (m)` < 2008;"),
    # "Give the Peak of the peak that has the lowest Prominence (m)." (2000 is the table's)
    (8400, 7, "SELECT `Peak` FROM `List of peaks in Croatia over 2000 m` WHERE `Height (m)` < 2000 "
              "ORDER BY `Prominence (m)` ASC LIMIT 1;"),
])
def test_an_unstated_bound_is_left_out_and_the_chain_answers(base: int, task: int, sql: str) -> None:
    entry = heldout_queries(base)[task]
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "invented_bound"
        assert finding.details["condition"] in sql and finding.details["condition"] in finding.feedback
        assert finding.details["condition"] not in fixed
        assert env.peek(fixed) == env.peek(str(entry["sql"]["query"]))  # type: ignore[index]


def test_a_bound_stays_when_the_question_states_a_number() -> None:
    """"... candidates with share (%) less than 63.4": `Votes` > 0 is not the rule's to judge."""
    entry = heldout_queries(8000)[14]
    sql = ("SELECT `Name` FROM `1987_Goldbridge_mayoral_election` WHERE `Share (%)` < 63.4 AND `Votes` > 0 "
           "ORDER BY `Votes` DESC LIMIT 1;")
    for episode, env in task_env(entry):
        finding, _ = check_sql(episode, env, sql, FULL)
        assert finding is None or finding.rule != "invented_bound"


@pytest.mark.parametrize(("question", "numbers"), [
    ("Which one has the least Crew?", set()),
    ("Which teams won more than one game?", {1.0}),
    ("Name the peak of List of peaks over 2000 m with the top Height 2010", set()),
    ("Which peak has a Height 2010 above 2,500?", {2500.0}),
])
def test_numbers_are_read_outside_names_and_pronouns(question: str, numbers: set[float]) -> None:
    assert _stated_numbers(question, ["Height 2010", "List of peaks over 2000 m"]) == numbers


def test_only_queries_and_their_bounds() -> None:
    schema = {"t": ["Name", "Height"]}
    question = "Which peak is the highest?"
    for sql in ("UPDATE `t` SET `Name` = 'x' WHERE `Height` > 100", "SELECT `Name` FROM `t` WHERE `Name` = 'x'",
                "SELECT `Name` FROM `t` WHERE `Height` > `Name`"):
        assert invented_bound(parse_statement(sql), question, schema) is None, sql  # type: ignore[arg-type]
    found = invented_bound(parse_statement("SELECT `Name` FROM `t` WHERE `Height` BETWEEN 1 AND 9 AND `Name` = 'x'"),
                           question, schema)  # type: ignore[arg-type]
    assert found is not None and found.details["fixed"] == "SELECT `Name` FROM `t` WHERE `Name` = 'x';"


def test_change_tasks_and_the_switch_turn_the_rule_off() -> None:
    entry = heldout_queries(8800)[5]
    sql = "SELECT `Name` FROM `List of peaks in Malaysia over 2000 m` WHERE `Height_(m)` < 100;"
    for episode, env in task_env(entry):
        finding, _ = check_sql(episode, env, sql, SQLRuleChecker(check_bounds=False))
        assert finding is None or finding.rule != "invented_bound"
    update = heldout_updates(8800)[0]
    for episode, env in task_env(update):
        table = str(update["table"]["table_name"])  # type: ignore[index]
        column = update["table"]["table_info"]["columns"][0]["name"]  # type: ignore[index]
        finding, _ = check_sql(episode, env, f"SELECT `{column}` FROM `{table}` WHERE `{column}` > 100;", FULL)
        assert finding is None or finding.rule != "invented_bound"


def test_scan_bound_rejects_no_gold_query_and_repairs_right() -> None:
    """The scan's `bound` case on generated tasks of a seed no rule was written on."""
    counts = query_scan("bound", seed=96)
    assert counts["gold.statements"] > 30 and counts["gold.rejected"] == 0
    assert counts["bound.caught"] > 10 and counts["bound.repaired_wrong"] == 0
    assert counts["bound.repaired_right"] == counts["bound.caught"]
