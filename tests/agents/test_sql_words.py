"""A number is not compared with a column of words (``_sql_words``), and a phrase of the question is
no value (``_sql_unmatched``'s cell inside a phrase). Written on held-out sets 9600 (tasks 1 and 19)
and 9400 (tasks 6 and 17)."""

from __future__ import annotations

import pytest
from checker_helpers import check_sql, heldout_queries, query_scan, task_env

from cmat.agents.checkers import SQLRuleChecker

FULL = SQLRuleChecker()
MUSEUMS = "SELECT `Name` FROM `Larkvale cultural institutions` WHERE `Established` < 1949 AND "


def test_a_copied_bound_on_words_becomes_the_cell_the_question_writes() -> None:
    """"... Established is earlier than 1949, and District is Tremarsh, ..." with `Neighbourhood` < 1949."""
    entry = heldout_queries(9400)[6]
    for episode, env in task_env(entry):
        sql = f"{MUSEUMS}`Neighbourhood` < 1949 AND `Visitors (2019)` < 462866;"
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "number_on_words"
        assert "`Neighbourhood` holds words" in finding.feedback and "`Established`" in finding.feedback
        assert fixed == f"{MUSEUMS}`Neighbourhood` = 'Tremarsh' AND `Visitors (2019)` < 462866;"
        assert sorted(str(r[0]) for r in env.peek(fixed) or []) == sorted(entry["label"])


def test_a_bound_on_words_and_the_switch() -> None:
    """"... a Control of Religious and Established before 1705" with `Control` < 1705: the cell
    the question writes for `Control` (the number is then the numbers rule's); ``--checker-off words``."""
    entry = heldout_queries(9600)[1]
    for episode, env in task_env(entry):
        sql = "SELECT COUNT(*) FROM `List of colleges in Indonesia` WHERE `Control` < 1705;"
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "number_on_words"
        assert fixed == "SELECT COUNT(*) FROM `List of colleges in Indonesia` WHERE `Control` = 'Religious';"
        finding, _ = check_sql(episode, env, sql, SQLRuleChecker(check_words=False))
        assert finding is None or finding.rule != "number_on_words"
        numbers = "SELECT COUNT(*) FROM `List of colleges in Indonesia` WHERE `Founded` < 1705;"
        finding, _ = check_sql(episode, env, numbers, FULL)
        assert finding is None or finding.rule != "number_on_words"


@pytest.mark.parametrize(("base", "task", "sql", "fixed"), [
    (9600, 19, "SELECT SUM(`Running time (min)`) FROM `Films shot in Dalley` WHERE `Director` = "
               "'Credited as Supporting';",
     "SELECT SUM(`Running time (min)`) FROM `Films shot in Dalley` WHERE `Role` = 'Supporting';"),
    (9400, 17, "SELECT `Year of first ascent` FROM `Mountains of the Northern Province` WHERE `Name` = 'Rock type of "
               "Basalt' ORDER BY `Year of first ascent` DESC LIMIT 1;",
     "SELECT `Year of first ascent` FROM `Mountains of the Northern Province` WHERE `Geology` = 'Basalt' "
     "ORDER BY `Year of first ascent` DESC LIMIT 1;"),
])
def test_a_phrase_compares_the_cell_written_inside_it(base: int, task: int, sql: str, fixed: str) -> None:
    entry = heldout_queries(base)[task]
    for episode, env in task_env(entry):
        finding, repaired = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "unmatched_condition"
        assert repaired == fixed
        assert [str(r[0]) for r in env.peek(fixed) or []] == entry["label"]


@pytest.mark.parametrize("kind", ["words", "phrase"])
def test_scans_reject_no_gold_query_and_repair_right(kind: str) -> None:
    """The scan's `words` and `phrase` cases on generated tasks of a seed no rule was written on."""
    counts = query_scan(kind, seed=97, n=80)
    assert counts["gold.statements"] > 60 and counts["gold.rejected"] == 0
    assert counts[f"{kind}.caught"] >= 3 and counts[f"{kind}.repaired_wrong"] == 0
    assert counts[f"{kind}.repaired_right"] == counts[f"{kind}.caught"]
