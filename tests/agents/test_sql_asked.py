"""The header the question asks for by name is the one a query selects (``_sql_asked``). Written on
the failed query tasks of held-out sets 7000-8600, where the model selected the column it ranked
or filtered on ("What Ship had the smallest Crew" answered with the Crew)."""

from __future__ import annotations

import pytest
from checker_helpers import check_sql, heldout_queries, query_scan, task_env

from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers._sql_asked import asked_header

FULL = SQLRuleChecker()


@pytest.mark.parametrize(("base", "task", "sql", "repaired"), [
    # "Give the Result (2013) of each candidate with 'giulia lockhart' as the Candidate and Incumbent? of 'no'"
    (8400, 17, "SELECT `Party` FROM `Results_of_the_2004_Mountain_Canton_council_election` "
               "WHERE `Candidate` = 'Giulia Lockhart' AND `Incumbent?` = 'No';",
     "SELECT `Result (2013)` FROM `Results_of_the_2004_Mountain_Canton_council_election` "
     "WHERE `Candidate` = 'Giulia Lockhart' AND `Incumbent?` = 'No';"),
    # "Which gls is the minimum one that had nationality of Polish": the minimum is the Gls's own
    (8600, 11, "SELECT MIN(`Caps`) FROM `Wilness Mariners squad (1992–93)` WHERE `Nationality` = 'Polish';",
     "SELECT MIN(`Gls`) FROM `Wilness Mariners squad (1992–93)` WHERE `Nationality` = 'Polish';"),
    # "Pos. of 'Defensive end', ..., which Name has the largest Height"
    (8400, 6, "SELECT `Pos.` FROM `Thorndon_Rovers_draft_picks_1962` WHERE `Pos.` = 'Defensive end' AND `Round` < 3 "
              "AND `Team` = 'Frostworth Wanderers' ORDER BY `Height` DESC LIMIT 1;",
     "SELECT `Name` FROM `Thorndon_Rovers_draft_picks_1962` WHERE `Pos.` = 'Defensive end' AND `Round` < 3 "
     "AND `Team` = 'Frostworth Wanderers' ORDER BY `Height` DESC LIMIT 1;"),
    # "Give the Peak of the peak that has the lowest Prominence (m).": the lowest is another header's
    (8400, 7, "SELECT MIN(`Prominence (m)`) FROM `List of peaks in Croatia over 2000 m`;",
     "SELECT `Peak` FROM `List of peaks in Croatia over 2000 m` ORDER BY `Prominence (m)` ASC LIMIT 1;"),
])
def test_the_asked_header_is_selected(base: int, task: int, sql: str, repaired: str) -> None:
    entry = heldout_queries(base)[task]
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "asked_not_selected"
        assert fixed == repaired
        assert env.peek(fixed) == env.peek(str(entry["sql"]["query"]))  # type: ignore[index]


@pytest.mark.parametrize(("question", "asked", "measured"), [
    ("What Ship had the smallest Crew", "Ship", False),
    ("what is the smallest pts of the matches", "Pts", True),
    ('What "Crew" is the greatest among all the ships?', "Crew", True),
    ("tell me the Crew when ship is SS Elm", "Crew", False),
    # after "Answer with", only what follows is asked (not the plural "ships" after "which")
    ("which ships had Crew less than 20? Answer with their Date.", "Date", False),
    # "Answer with" names no header ("country" for a `Nationality`): nothing the rule can read
    ("which ships had Crew less than 20? Answer with their country.", None, False),
    # no asking words right before a header
    ("Among all the ships, which one has the least Crew?", None, False),
])
def test_the_asked_header_is_read_after_the_asking_words(question: str, asked: str | None, measured: bool) -> None:
    found = asked_header(question, ["Ship", "Crew", "Date", "Pts"], None)
    if asked is None:
        assert found is None
    else:
        assert found is not None and (found[0].column, found[1]) == (asked, measured)


@pytest.mark.parametrize("sql", [
    "SELECT `Crew` FROM `Vessels` WHERE `Ship` = 'SS Elm';",  # the asked header is the query's condition
    "SELECT SUM(`Crew`) FROM `Vessels`;",  # a sum of another column is left alone
    "SELECT `Ship`, `Crew` FROM `Vessels`;",  # two columns
])
def test_queries_the_rule_leaves_alone(sql: str) -> None:
    entry = {"description": "What Ship had the smallest Crew, given Ship SS Elm?", "label": [], "type": ["other"],
             "create": {"database": "wikisql", "init": "wikisql_init.sql"}, "sql": {"query": sql},
             "table": {"table_name": "Vessels", "table_info": {
                 "columns": [{"name": c, "type": "TEXT"} for c in ("Ship", "Crew", "Date")],
                 "rows": [["SS Elm", "20", "1941"], ["SS Oak", "12", "1942"]]}}}
    for episode, env in task_env(entry):
        finding, _ = check_sql(episode, env, sql, FULL)
        assert finding is None or finding.rule != "asked_not_selected"


def test_the_switch_turns_the_rule_off() -> None:
    entry = heldout_queries(8400)[17]
    sql = ("SELECT `Party` FROM `Results_of_the_2004_Mountain_Canton_council_election` "
           "WHERE `Candidate` = 'Giulia Lockhart' AND `Incumbent?` = 'No';")
    for episode, env in task_env(entry):
        finding, _ = check_sql(episode, env, sql, SQLRuleChecker(check_asked=False))
        assert finding is None or finding.rule != "asked_not_selected"


def test_scan_asked_rejects_no_gold_query_and_repairs_right() -> None:
    """The scan's `asked` case on generated tasks of a seed no rule was written on."""
    counts = query_scan("asked", seed=97)
    assert counts["gold.statements"] > 30 and counts["gold.rejected"] == 0
    assert counts["asked.caught"] > 10 and counts["asked.repaired_wrong"] == 0
    assert counts["asked.repaired_right"] == counts["asked.caught"]
