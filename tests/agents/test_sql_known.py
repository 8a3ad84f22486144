"""The column a query's own condition fixes is no answer (``_sql_known``). Written on held-out set
9600, whose tasks 6 and 12 the model answered with `Running time (min)` (compared by ``<``) and
`Name` (compared by ``=``)."""

from __future__ import annotations

import pytest
from checker_helpers import check_sql, heldout_queries, query_scan, task_env

from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers._sql_known import asked_thing

FULL = SQLRuleChecker()
FILMS = "FROM `Films shot in Ulstead` WHERE `Running time (min)` < 135;"
MUSEUMS = ("FROM `List_of_museums_in_the_River_Basin_Area` WHERE `Entry` = 'Free' AND "
           "`Name` = 'Newwyn Museum of Design';")


@pytest.mark.parametrize(("task", "sql", "header"), [
    (6, f"SELECT `Running time (min)` {FILMS}", "Title"),  # "List the Film ...": the table's key
    (12, f"SELECT `Name` {MUSEUMS}", "Curator"),  # "which Director ...": no such header; by meaning
])
def test_a_compared_column_selected_gives_way_to_the_thing_asked(task: int, sql: str, header: str) -> None:
    entry = heldout_queries(9600)[task]
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "known_column_selected"
        assert fixed == f"SELECT `{header}` {sql[sql.index('FROM'):]}"
        assert sorted(str(r[0]) for r in env.peek(fixed) or []) == sorted(entry["label"])


@pytest.mark.parametrize(("question", "thing"), [
    ("List the Film when the Running time (min) is smaller than 135", "film"),
    ("which Director belongs to the museum for Museum of Newwyn Museum of Design and an Entry of Free?", "director"),
    ("What are the candidate with swing below 3.8?", "candidate"),
    ("Which games had Year before 2015, and the Developer is Blue Fox Games? Answer with their Units sold.",
     "units sold"),  # the answer's header, not the games
    ("How many films are there when the Role is Cameo?", None),  # the counts rule's
])
def test_the_thing_asked(question: str, thing: str | None) -> None:
    assert asked_thing(question) == thing


def test_a_thing_that_names_the_selected_column_and_the_switch() -> None:
    """"List the running times ..." asks for the compared column; ``--checker-off entity`` turns it off."""
    entry = heldout_queries(9600)[6]
    for episode, env in task_env(entry):
        sql = f"SELECT `Running time (min)` {FILMS}"
        finding, _ = check_sql(episode, env, sql, SQLRuleChecker(check_entity=False))
        assert finding is None or finding.rule != "known_column_selected"
        episode.data["description"] = "List the running times when the Running time (min) is smaller than 135"
        finding, _ = check_sql(episode, env, sql, FULL)
        assert finding is None or finding.rule != "known_column_selected"


def test_scan_known_rejects_no_gold_query_and_repairs_right() -> None:
    """The scan's `known` case on generated tasks of a seed no rule was written on."""
    counts = query_scan("known", seed=97, n=80)
    assert counts["gold.statements"] > 60 and counts["gold.rejected"] == 0
    assert counts["known.caught"] >= 10 and counts["known.repaired_wrong"] == 0
    assert counts["known.repaired_right"] == counts["known.caught"]
