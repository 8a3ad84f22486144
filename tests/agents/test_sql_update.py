"""An UPDATE task is not answered by an INSERT; the Checker reads the UPDATE from the question
(``_sql_update``). Written on the failed UPDATE tasks of held-out sets 7000-9000: 31 of 76 ended
on an INSERT of a made-up row."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from checker_helpers import check_sql, heldout_inserts, heldout_updates, judged, load_script, task_env

from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers._sql_update import update_sets
from cmat.tasks import generate_tasks

FULL = SQLRuleChecker()


@pytest.mark.parametrize(("base", "task", "sql"), [
    # "set Platform to Handheld for the game with a Game of The Shattered Voyage."
    (9000, 51, "INSERT INTO `Best-selling games of 2023` (`Game`, `Platform`, `Publisher`) "
               "VALUES ('Handheld', 'Handheld', 'Handheld');"),
    # "Set Lost to 11 and Notes to Promoted for the team when Morcrest Comets is the Team."
    (7200, 46, "INSERT INTO `1970–71 Upper Valley Football League` (`Team`, `Lost`, `GF`, `Notes`) "
               "VALUES ('Lost', 'Promoted', '11', 'Morcrest Comets');"),
    # "the album when Title is A Frontier in Nordon should now have Streaming as its Format; update it."
    (8800, 45, "INSERT INTO `Albums released on Harbour Lane` (`Title`, `Format`, `UK peak`) "
               "VALUES ('A Frontier in Nordon', 'A Frontier in Nordon', 'A Frontier in Nordon');"),
])
def test_an_insert_of_an_update_task_becomes_the_update_the_question_states(base: int, task: int, sql: str) -> None:
    entry = heldout_updates(base)[task - 40]
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "insert_for_update" and finding.details["repairable"]
        assert fixed.startswith("UPDATE ") and judged(episode, fixed)
        assert "UPDATE" in finding.feedback and finding.details["fixed"] in finding.feedback


@pytest.mark.parametrize(("question", "columns", "sets"), [
    ("Set Lost to 11 and Notes to Promoted for the team when Morcrest Comets is the Team.",
     ["Team", "Lost", "Notes"], [("Lost", "11"), ("Notes", "Promoted")]),
    ("correct the record when title is Summer Season by setting notes to Postponed because of snow.",
     ["Title", "Notes"], [("Notes", "Postponed because of snow")]),
    ("Modify the row when school name is Glenbury College: set authority to Public and head teacher to "
     "Bertrand G. Ramaswamy.", ["School name", "Authority", "Head teacher"],
     [("Authority", "Public"), ("Head teacher", "Bertrand G. Ramaswamy")]),
    ("The station for Stop of New Kingsfell – Echo Square should now have Blue line, bus station as its "
     "Connections and 4 as its No. of platforms; update it.", ["Stop", "Connections", "No. of platforms"],
     [("Connections", "Blue line, bus station"), ("No. of platforms", "4")]),
    ("Every station should get Green, Blue, Red lines as its Connections; update the table.",
     ["Stop", "Service", "Connections"], [("Connections", "Green, Blue, Red lines")]),
    ("Every film with a Genre of Crime should get a Director of Bertrand B. Saarinen and a Release date of "
     "May 3, 2014; update the table.", ["Title", "Genre", "Director", "Release date"],
     [("Director", "Bertrand B. Saarinen"), ("Release date", "May 3, 2014")]),
    ("Update the winner of the Sportswoman of the Year table to 'Naomi Osaka' for the sport of Tennis.",
     ["Year", "Sport", "Winner"], [("Winner", "Naomi Osaka")]),
    ("In the year 2002, update the table to set the Affiliation as 'Red Sox' and Manager as 'Bill Belichick'.",
     ["Year", "Affiliation", "Manager"], [("Affiliation", "Red Sox"), ("Manager", "Bill Belichick")]),
    ("Change the Wins to '17' and D to '4' for all teams when the Notes is 'Play-offs'.",
     ["Team", "Wins", "D", "Notes"], [("Wins", "17"), ("D", "4")]),
    # "that has" names the row, not a new value
    ("Change the Crew to 780 for all ships that has a Country of Peruvian.", ["Ship", "Crew", "Country"],
     [("Crew", "780")]),
    # read nothing rather than something wrong: a short name that is no header, an unreadable item
    ("Change the Wins to '17' and Dr to '4' for all teams.", ["Team", "Wins", "D"], []),
    ("Every player should get '43' as its # and '$36.5 million' as its Fee; update the table.",
     ["Name", "#", "Fee"], []),
    ("The Dallas Cowboys table was updated with a 27-20 win in week 18.", ["Week", "Result"], []),
])
def test_the_new_values_of_the_question(question: str, columns: list[str], sets: list[tuple[str, str]]) -> None:
    assert update_sets(question, columns) == sets


def test_left_alone_outside_update_tasks_and_switched_off() -> None:
    entry = heldout_updates(9000)[11]
    sql = ("INSERT INTO `Best-selling games of 2023` (`Game`, `Platform`, `Publisher`) "
           "VALUES ('Handheld', 'Handheld', 'Handheld');")
    for episode, env in task_env(entry):
        finding, _ = check_sql(episode, env, sql, SQLRuleChecker(check_kind=False))
        assert finding is None or finding.rule != "insert_for_update"
        update = ("UPDATE `Best-selling games of 2023` SET `Platform` = 'Handheld' "
                  "WHERE `Game` = 'The Shattered Voyage';")
        assert check_sql(episode, env, update, FULL)[0] is None
    insert = heldout_inserts(9000)[0]
    for episode, env in task_env(insert):
        finding, _ = check_sql(episode, env, str(insert["label"][0]), FULL)  # type: ignore[index]
        assert finding is None


def test_scan_kind_rejects_no_gold_and_repairs_right() -> None:
    """``scripts/scan_change_rules.py``'s `kind` case on UPDATE tasks of a seed used nowhere else
    (96): every repair right, most INSERTs repaired."""
    scan = load_script("scan_change_rules")
    counts: Counter[str] = Counter()
    for style in ("plain", "crowd"):
        scan.scan(generate_tasks(40, seed=96, types=["UPDATE"], style=style), random.Random(96), counts)
    assert counts["gold.statements"] == 80 and counts["gold.rejected"] == 0
    assert counts["kind.caught"] == counts["kind.cases"] > 40
    assert counts["kind.repaired_wrong"] == 0 and counts["kind.repaired_right"] >= 0.8 * counts["kind.cases"]


@pytest.mark.parametrize(("task", "sql"), [
    # "set Length (km) to 538 and Avg. discharge (m3/s) to 590.8": one column more
    (41, "UPDATE `Rivers of Chile` SET `Length (km)` = '538', `Basin area (km²)` = '538', "
         "`Avg. discharge (m3/s)` = '590.8' WHERE `Name` = 'River Silver';"),
    # "Set Outcome to Winner and Category to Relay for all finals for Championship of ...": a value run on
    (49, "UPDATE `List of Deerstead Masters finals` SET `Outcome` = 'Winner', `Category` = 'Relay for all finals' "
         "WHERE `Championship` = 'Belwyn Upon Yarrowwater Masters';"),
    # "... has Stanwood Upon Harwater as its Headquarters and 1903 as its Year founded": values on other columns
    (54, "UPDATE `Companies listed on the Hartholm Stock Exchange` SET `Name` = 'Stanwood Upon Harwater', "
         "`Headquarters` = 'Stanwood Partners', `Year founded` = '1903' WHERE `Name` = 'Whitlock Partners';"),
])
def test_an_update_sets_the_values_the_question_states(task: int, sql: str) -> None:
    """Failed UPDATE tasks of held-out set 9200, measured before this rule was written."""
    entry = heldout_updates(9200)[task - 40]
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "sets_not_as_stated"
        assert fixed == entry["label"][0] and judged(episode, fixed)  # type: ignore[index]
        off, _ = check_sql(episode, env, sql, SQLRuleChecker(check_kind=False))
        assert off is None or off.rule != "sets_not_as_stated"


def test_an_update_that_sets_what_the_question_states_or_computes_is_left_alone() -> None:
    entry = heldout_updates(9200)[1]
    for episode, env in task_env(entry):
        assert check_sql(episode, env, str(entry["label"][0]), FULL)[0] is None  # type: ignore[index]
        computed = ("UPDATE `Rivers of Chile` SET `Length (km)` = `Length (km)` + 538 "
                    "WHERE `Name` = 'River Silver';")
        finding, _ = check_sql(episode, env, computed, FULL)
        assert finding is None or finding.rule != "sets_not_as_stated"
