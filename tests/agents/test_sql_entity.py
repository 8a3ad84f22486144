"""A question for the row with the most or least of a header is answered by the row's name
(``_sql_entity``). Written on the failed ranking tasks of held-out sets 7000-9000, where the model
selected the measure ("which one has the least Crew" answered with the Crew)."""

from __future__ import annotations

import pytest
from checker_helpers import check_sql, heldout_queries, query_scan, task_env

from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers._sql_entity import _asked_thing, key_column, named_header

FULL = SQLRuleChecker()


@pytest.mark.parametrize(("base", "task", "sql", "repaired"), [
    # "Among all the ships, which one has the least Crew?": the table's key
    (8600, 8, "SELECT `Crew` FROM `Vessels registered in Trehaven (1977)` ORDER BY `Crew` + 0 ASC LIMIT 1;",
     "SELECT `Vessel` FROM `Vessels registered in Trehaven (1977)` ORDER BY `Crew` + 0 ASC LIMIT 1;"),
    # "Among all the finals, which one has the least Prize?": the minimum becomes the row that has it
    (7200, 19, "SELECT MIN(`Prize ($)`) FROM `Eldwood Open – singles champions`;",
     "SELECT `Year` FROM `Eldwood Open – singles champions` ORDER BY `Prize ($)` + 0 ASC LIMIT 1;"),
    # "Which museum has the most recent opened among the museums when visitors (2019) is larger than
    # 848802?": "museum" is a word of the table's name
    (7800, 13, "SELECT `Opened` FROM `List of museums in the Lake District North` WHERE `Visitors (2019)` > 848802 "
               "ORDER BY `Opened` DESC LIMIT 1;",
     "SELECT `Name` FROM `List of museums in the Lake District North` WHERE `Visitors (2019)` > 848802 "
     "ORDER BY `Opened` DESC LIMIT 1;"),
    # "Which Rider has the minimum Laps_completed that had Nat of Ghanaian?": `Nat.` is compared, so
    # not asked; the key `Driver` (after the numeric `Pos.`) is also the header closest to "Rider"
    (8800, 0, "SELECT `Nat.` FROM `Oldstow Rally 2019 – final classification` WHERE `Nat.` = 'Ghanaian' "
              "ORDER BY `Laps_completed` ASC LIMIT 1;",
     "SELECT `Driver` FROM `Oldstow Rally 2019 – final classification` WHERE `Nat.` = 'Ghanaian' "
     "ORDER BY `Laps_completed` ASC LIMIT 1;"),
])
def test_the_row_is_named(base: int, task: int, sql: str, repaired: str) -> None:
    entry = heldout_queries(base)[task]
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "ranked_column_selected"
        assert fixed == repaired
        assert env.peek(fixed) == env.peek(str(entry["sql"]["query"]))  # type: ignore[index]


def test_the_whole_chain_from_the_models_query() -> None:
    """The model's own query of held-out set 8800's task 0: its invented bound left out (bounds),
    the country the question writes added (mentions, reading "Nat" as `Nat.`), the rows ordered
    (ranking) and the rider named (entity): the gold answer."""
    entry = heldout_queries(8800)[0]
    for episode, env in task_env(entry):
        _, fixed = check_sql(episode, env, "SELECT `Nat.` FROM `Oldstow Rally 2019 – final classification` "
                                           "WHERE `Laps_completed` < 0;", FULL)
        assert [str(r[0]) for r in env.peek(fixed) or []] == entry["label"]


@pytest.mark.parametrize(("question", "thing"), [
    ("Among all the ships, which one has the least Crew?", "one"),
    ("What museum had the greatest annual visitors?", "museum"),
    ("Which Rider has the minimum Laps_completed that had Nat of Ghanaian?", "rider"),
    ("Name the Episode title with the least Viewers (millions)", "episode title"),
    ("give the name of the museum that has the biggest visitors.", "museum"),
    ("What is the name of the school with the highest enrolment?", "school"),
    ("What is the lowest Crew?", None),  # the measure is asked
    ("What founded is the earliest among schools for area of Marmore", None),
    ("How many ships have the most Crew?", None),
    ("Give the Peak of the peak that has the lowest Prominence (m).", None),  # the asked rule's
])
def test_the_thing_asked_for(question: str, thing: str | None) -> None:
    assert _asked_thing(question) == thing


def test_headers_named_and_the_key() -> None:
    columns = ["Pos.", "School name", "Opponent in the final", "Enrolment"]
    assert named_header("schools", columns) == "School name"
    assert named_header("final", columns) is None  # inside a header is no name of it
    rows = [("1", "A", "x", "5"), ("2", "B", "x", "6")]
    assert key_column(columns, rows, set()) == "School name"  # `Pos.` is all numbers
    assert key_column(columns, rows, {"school name"}) is None  # `Opponent in the final` repeats


def test_queries_left_alone() -> None:
    entry = heldout_queries(8600)[8]
    for episode, env in task_env(entry):
        for sql in ("SELECT `Vessel` FROM `Vessels registered in Trehaven (1977)` ORDER BY `Crew` + 0 ASC LIMIT 1;",
                    "SELECT COUNT(*) FROM `Vessels registered in Trehaven (1977)`;",
                    "SELECT `Crew`, `Vessel` FROM `Vessels registered in Trehaven (1977)` ORDER BY `Crew` LIMIT 1;"):
            finding, _ = check_sql(episode, env, sql, FULL)
            assert finding is None or finding.rule != "ranked_column_selected", sql
        sql = "SELECT `Crew` FROM `Vessels registered in Trehaven (1977)` ORDER BY `Crew` + 0 ASC LIMIT 1;"
        finding, _ = check_sql(episode, env, sql, SQLRuleChecker(check_entity=False))
        assert finding is None or finding.rule != "ranked_column_selected"


def test_scan_entity_rejects_no_gold_query_and_repairs_right() -> None:
    """The scan's `entity` case on generated tasks of a seed no rule was written on."""
    counts = query_scan("entity", seed=96)
    assert counts["gold.statements"] > 30 and counts["gold.rejected"] == 0
    assert counts["entity.caught"] > 5 and counts["entity.repaired_wrong"] == 0
    assert counts["entity.repaired_right"] == counts["entity.caught"]
