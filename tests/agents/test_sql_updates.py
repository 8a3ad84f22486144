"""Rules for UPDATEs, on failures of held-out sets 7000, 7200, 7400 and 7600 (their UPDATE tasks):
the locate rule's group of rows (a change that matches no row, or has no WHERE clause, gets the
condition on the one group of rows the question names), the inserts rule's group (an INSERT for
a change of every row of a group becomes that UPDATE) and the assignments rule (an assignment the
question does not ask for is left out; a value is written with the words the question gives it)."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from checker_helpers import check_sql, heldout_updates, judged, load_script, task_env

from cmat.agents.checkers import SQLRuleChecker
from cmat.tasks import generate_tasks

FULL = SQLRuleChecker()
# The rules on their own: the kind rule (``_sql_update``, its own tests) comes first, rejecting an
# INSERT and restating an UPDATE's whole SET from the question.
INSERTS = ONE_BY_ONE = SQLRuleChecker(check_kind=False)


@pytest.fixture(scope="module")
def updates() -> dict[int, list[dict[str, object]]]:
    return {base: heldout_updates(base) for base in (7000, 7200, 7400, 7600, 7800)}


def _entry(updates: dict[int, list[dict[str, object]]], base: int, task: int) -> dict[str, object]:
    return updates[base][task - 40]


def test_a_condition_no_row_matches_becomes_the_group_the_question_names(
        updates: dict[int, list[dict[str, object]]]) -> None:
    """7600 task 40, "Set Venue (H/A) to N for all matches when Group stage is the Round": a
    condition that matches nothing becomes `Round` = 'Group stage', which several rows hold."""
    for task, env in task_env(_entry(updates, 7600, 40)):
        sql = "UPDATE `2007–08 Frostford League fixtures` SET `Venue (H/A)` = 'N' WHERE `Round` = 'Final';"
        finding, fixed = check_sql(task, env, sql, FULL)
        assert finding is not None and finding.rule == "row_located"
        assert finding.details["value"] == "Group stage" and "'Group stage'" in finding.feedback
        assert fixed.endswith("WHERE `Round` = 'Group stage';") and judged(task, fixed)
        off, unfixed = check_sql(task, env, sql, SQLRuleChecker(check_locate=False, check_kind=False))
        assert off is not None and off.rule != "row_located" and not unfixed


def test_a_change_with_no_where_clause_gets_the_group_the_question_names(
        updates: dict[int, list[dict[str, object]]]) -> None:
    """7000 task 51, "Every award when the nationality is Vietnam should get winner Nikolai Novak",
    answered with no WHERE clause: the repair adds `Nationality` = 'Vietnam'."""
    for task, env in task_env(_entry(updates, 7000, 51)):
        sql = "UPDATE `Fenholm Film Festival awards` SET `Winner` = 'Nikolai Novak';"
        finding, fixed = check_sql(task, env, sql, FULL)
        assert finding is not None and finding.rule == "no_where" and finding.details["repairable"]
        assert fixed.endswith("WHERE `Nationality` = 'Vietnam';") and judged(task, fixed)
        off, unfixed = check_sql(task, env, sql, SQLRuleChecker(check_locate=False, check_kind=False))
        assert off is not None and off.rule == "no_where" and not unfixed


def test_the_group_is_left_to_the_assistant_when_the_question_names_two() -> None:
    """A question that writes two values several rows share names no one group: no repair."""
    entry = {"description": "Set Notes to Rebuilt for every Red line stop opened in 2001.", "label": [""],
             "type": ["UPDATE"], "source": "cmat-dbgen", "create": {"database": "test", "init": "test.sql"},
             "table": {"table_name": "Stops", "table_info": {
                 "columns": [{"name": c, "type": "TEXT"} for c in ("Stop", "Line", "Opened", "Notes")],
                 "rows": [["Alder", "Red", "2001", ""], ["Birch", "Red", "2001", ""], ["Cedar", "Blue", "2001", ""],
                          ["Dock", "Blue", "1999", ""]]}}}
    for task, env in task_env(entry):
        finding, fixed = check_sql(task, env, "UPDATE `Stops` SET `Notes` = 'Rebuilt';", FULL)
        assert finding is not None and finding.rule == "no_where" and not fixed


@pytest.mark.parametrize(("base", "task", "sql", "left"), [
    (7400, 46, "UPDATE `Newport Town squad (2007–08)` SET `Shirt number` = '75', `Position` = 'Signed from', "
               "`Gls 2015` = '300' WHERE `Name` = 'Henrik Abernathy';", ["Position", "Gls 2015"]),
    (7600, 56, "UPDATE `Bulgaria national team squad` SET `Nationality` = 'USA', `Goals` = '3' "
               "WHERE `Name` = 'Solveig N. Schreiber';", ["Nationality"]),
])
def test_assignments_the_question_does_not_ask_for_are_left_out(
        updates: dict[int, list[dict[str, object]]], base: int, task: int, sql: str, left: list[str]) -> None:
    """The adapter's UPDATEs of 7400 task 46 and 7600 task 56: the extra assignments go, and the
    table is the gold one."""
    for episode, env in task_env(_entry(updates, base, task)):
        finding, fixed = check_sql(episode, env, sql, ONE_BY_ONE)
        assert finding is not None and finding.rule == "unasked_assignment" and finding.details["columns"] == left
        assert f"`{left[0]}`" in finding.feedback
        assert judged(episode, fixed)
        assert check_sql(episode, env, sql, SQLRuleChecker(check_assignments=False, check_kind=False))[0] is None


def test_an_assignment_the_question_names_or_words_stays(updates: dict[int, list[dict[str, object]]]) -> None:
    """A column the question names keeps even an invented value (another rule's), a value the
    question writes keeps its column, and the only assignment is never left out."""
    for task, env in task_env(_entry(updates, 7400, 46)):
        for sql in ("UPDATE `Newport Town squad (2007–08)` SET `Shirt number` = '99', `Fee` = 'Henrik' "
                    "WHERE `Name` = 'Henrik Abernathy';",
                    "UPDATE `Newport Town squad (2007–08)` SET `Position` = 'Signed from' "
                    "WHERE `Name` = 'Henrik Abernathy';"):
            finding, _ = check_sql(task, env, sql, FULL)
            assert finding is None or finding.rule != "unasked_assignment", sql


@pytest.mark.parametrize(("task", "sql"), [
    (47, "INSERT INTO `Vessels registered in Froststead (2022)` (`Name`, `Ship type`, `Nationality`, `GT`, `Date`, "
         "`Status`, `Launched`) VALUES ('Trawler', 'Trawler', 'Trawler', 'Trawler', 'Trawler', 'Trawler', '1888');"),
    (53, "INSERT INTO `Tarnford School District` (`School name`, `Location (2021–22)`, `Enrolment`, `ICSEA score`) "
         "VALUES ('2321', 'Eskthorpe', '2021–22', '100');"),
])
def test_an_insert_for_a_change_of_every_row_of_a_group_becomes_that_update(
        updates: dict[int, list[dict[str, object]]], task: int, sql: str) -> None:
    """7200 tasks 47 ("Every ship for Ship type of Trawler should get 1888 as its Launched") and 53
    ("In Tarnford School District, set Enrolment to '2321' for every row for Location (2021–22) of
    'Eskthorpe'"), answered with an INSERT: the UPDATE of the group sets only the value the
    question names a header next to."""
    for episode, env in task_env(_entry(updates, 7200, task)):
        finding, fixed = check_sql(episode, env, sql, INSERTS)
        assert finding is not None and finding.rule == "insert_existing_row" and finding.details["repairable"]
        assert fixed == episode.data["label"][0]  # type: ignore[index]
        assert judged(episode, fixed)
        off, _ = check_sql(episode, env, sql, SQLRuleChecker(check_inserts=False, check_kind=False))
        assert off is None or off.rule != "insert_existing_row"
        kind, written = check_sql(episode, env, sql, FULL)  # the kind rule reads the UPDATE from the question
        assert kind is not None and kind.rule == "insert_for_update" and judged(episode, written)


def test_an_insert_whose_value_a_group_holds_is_left_alone_without_every_all_or_each(
        updates: dict[int, list[dict[str, object]]]) -> None:
    """The same INSERT for the question without "Every": a new ship of type Trawler may be meant."""
    entry = dict(_entry(updates, 7200, 47))
    entry["description"] = "A ship for Ship type of Trawler should get 1888 as its Launched; update the table"
    for episode, env in task_env(entry):
        finding, _ = check_sql(episode, env, "INSERT INTO `Vessels registered in Froststead (2022)` (`Name`, "
                                             "`Ship type`, `Launched`) VALUES ('Trawler', 'Trawler', '1888');", INSERTS)
        assert finding is None or finding.rule != "insert_existing_row"


@pytest.mark.parametrize(("base", "task", "value", "written"), [
    (7400, 57, "Santangelo", "Meera A. Santangelo"),  # "... should get a Curator of Meera A. Santangelo; ..."
    (7400, 50, "Blue", "Blue line, bus station"),  # "Change the connections to Blue line, bus station for all ..."
    (7400, 52, "Paid for the museum that had Museum of Yarrowbury Museum of Maritime", "Paid"),
    (7600, 48, "Record attendance at the time for all ships with Portuguese as the country",
     "Record attendance at the time"),
])
def test_a_set_value_is_written_with_the_words_the_question_gives_it(
        updates: dict[int, list[dict[str, object]]], base: int, task: int, value: str, written: str) -> None:
    """Values the adapter cut short or ran on into the rest of the question: the repair writes the
    value as the question does, the gold one."""
    entry = _entry(updates, base, task)
    gold = str(entry["label"][0])  # type: ignore[index]
    assert f"'{written}'" in gold
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, gold.replace(f"'{written}'", f"'{value}'"), ONE_BY_ONE)
        assert finding is not None and finding.rule == "value_not_as_written"
        assert finding.details["written"] == written and f"'{written}'" in finding.feedback
        assert fixed == gold and judged(episode, fixed)
        off, _ = check_sql(episode, env, gold.replace(f"'{written}'", f"'{value}'"),
                           SQLRuleChecker(check_assignments=False, check_kind=False))
        assert off is None or off.rule != "value_not_as_written"


@pytest.mark.parametrize(("question", "value"), [
    ("Set Lost to 11 and Notes to Promoted for the team when Morcrest Comets is the Team.", "Promoted"),
    ("Every match that had Opponent of New Norton Wanderers should get Goalscorers Tadeusz Wainwright; update it",
     "Tadeusz Wainwright"),
    ("Change the crew 2023 to 763, notes to Record attendance for all ships of Portugal.", "763"),
    ("Update the Notes to 'Blue' for the ships of Portugal, bus station included.", "Blue"),  # quoted: as given
    ("Update the Notes to Blue line for the Blue ships.", "Blue"),  # written twice: left alone
])
def test_a_set_value_the_question_writes_so_is_left_alone(question: str, value: str) -> None:
    from cmat.agents.checkers._sql_assignments import _as_written

    columns = ["Team", "Lost", "Notes", "Opponent", "Goalscorers", "Crew 2023", "Vessel"]
    column = "Notes" if value in ("Promoted", "Blue") else "Goalscorers" if "Wainwright" in value else "Crew 2023"
    assert _as_written(value, column, question, columns) is None


def test_scan_of_the_update_rules_repairs_right_and_rejects_no_gold() -> None:
    """``scripts/scan_change_rules.py`` on UPDATE and DELETE tasks of a seed used nowhere else (98):
    no gold statement is rejected; a condition left out, an assignment added, and a value cut or run
    on are repaired, every repair right."""
    scan = load_script("scan_change_rules")
    counts: Counter[str] = Counter()
    rng = random.Random(98)
    for style in ("plain", "crowd"):
        scan.scan(generate_tasks(60, seed=98, types=["UPDATE", "DELETE"], style=style), rng, counts)
    assert counts["gold.statements"] == 120 and counts["gold.rejected"] == 0
    for name in ("no_where", "unasked", "value_cut", "value_overrun"):
        assert counts[f"{name}.repaired_right"] >= 0.5 * counts[f"{name}.cases"] > 0, (name, counts)
        assert counts[f"{name}.repaired_wrong"] == 0, name


def test_a_value_keeps_a_with_that_opens_no_clause_and_the_table_name_is_no_pair() -> None:
    """Two wrong repairs the scan of seeds 93 and 94 found in the first drafts: a run-on value cut
    at "with public funding" (a "with" before no determiner opens no clause), and a `Game` '1986'
    read from the table's name "Best-selling games of 1986" (no header-value pair there)."""
    from cmat.agents.checkers._sql_assignments import _as_written

    question = ("Change the notes to Restored with public funding; played behind closed doors for the river that "
                "has a name of Yarrowwater.")
    value = "Restored with public funding; played behind closed doors for the river that has a name of Yarrowwater"
    assert _as_written(value, "Notes", question, ["Name", "Length", "Notes"]) == \
        "Restored with public funding; played behind closed doors"
    entry = {"description": "In Best-selling games of 1986, set Release year to 1989 for every row where the "
                            "Platform equals PC.", "label": [""], "type": ["UPDATE"], "source": "cmat-dbgen",
             "create": {"database": "test", "init": "test.sql"},
             "table": {"table_name": "Best-selling games of 1986", "table_info": {
                 "columns": [{"name": c, "type": "TEXT"} for c in ("Game", "Release year", "Platform")],
                 "rows": [["Alpha", "1986", "PC"], ["Beta", "1987", "PC"], ["Gamma", "1986", "Console"]]}}}
    for task, env in task_env(entry):
        sql = "UPDATE `Best-selling games of 1986` SET `Release year` = '1989' WHERE `Platform` = 'PC';"
        assert check_sql(task, env, sql, FULL)[0] is None


@pytest.mark.parametrize(("task", "sql"), [
    (48, "INSERT INTO `List of horror video games` (`Title`, `Developer`, `Platform(s)`, `Units_sold_(millions)`, "
         "`Publisher`) VALUES ('Lantern Studios', 'Lantern Studios', 'Dunmore AG', 'Handheld', 'Lantern Studios');"),
    (43, "INSERT INTO `Merchant_vessels_of_Nepal` (`Name`, `Ship type`, `GT`, `Date`, `Fate 1995`, `Launched`) "
         "VALUES ('27,934', 'Museum ship', '1995', '27,934', 'Museum ship', '1995');"),
])
def test_a_quoted_value_before_as_its_and_a_value_copied_twice_still_make_the_update(
        updates: dict[int, list[dict[str, object]]], task: int, sql: str) -> None:
    """Held-out set 7800, tasks 48 ("should get 'Handheld' as its platform(s) and 'Dunmore AG' as its
    publisher": the closing quote is no word between a value and its header) and 43 ('27,934'
    written in two columns of the INSERT is one value to set), measured there before these fixes."""
    for episode, env in task_env(_entry(updates, 7800, task)):
        finding, fixed = check_sql(episode, env, sql, INSERTS)
        assert finding is not None and finding.rule == "insert_existing_row" and finding.details["repairable"]
        assert judged(episode, fixed)
        kind, written = check_sql(episode, env, sql, FULL)
        assert kind is not None and kind.rule == "insert_for_update" and judged(episode, written)


def test_a_value_the_question_sets_is_no_key_of_the_row_to_change() -> None:
    """The wrong repair the scan of seeds 93 and 94 found in 4ddb644: 'Ravenstead', a new `Ward`
    that one other row already holds, was taken for the key of the row to change. The question
    sets that value ("and ward to 'Ravenstead'"), so the inserts rule leaves the INSERT alone."""
    table = "Results of the 1968 Midland Territory council election"
    entry = {"description": "set affiliation to 'Progressive Alliance' and ward to 'Ravenstead' for all candidates "
                            "with 'No' as the incumbent?.", "label": [""], "type": ["UPDATE"], "source": "cmat-dbgen",
             "create": {"database": "test", "init": "test.sql"},
             "table": {"table_name": table, "table_info": {
                 "columns": [{"name": c, "type": "TEXT"} for c in ("Ward", "Candidate", "Affiliation", "Incumbent?")],
                 "rows": [["Ravenstead", "Ada Brook", "Civic League", "Yes"],
                          ["Millbank", "Tom Reyes", "Civic League", "No"],
                          ["Eastholm", "Lena Voss", "Green Union", "No"]]}}}
    sql = (f"INSERT INTO `{table}` (`Incumbent?`, `Affiliation`, `Ward`) "
           "VALUES ('No', 'Progressive Alliance', 'Ravenstead');")
    for task, env in task_env(entry):
        finding, _ = check_sql(task, env, sql, INSERTS)
        assert finding is None or finding.rule != "insert_existing_row", finding
        kind, written = check_sql(task, env, sql, FULL)  # rejected; no repair: 'No' is too short to name a group
        assert kind is not None and kind.rule == "insert_for_update" and not written
        assert "`column`" not in kind.feedback and f"an UPDATE of `{table}`" in kind.feedback  # no placeholder SQL
        # the same INSERT for a question that names 'Ravenstead' as the row, not as its new ward, is repaired
        task.data["description"] = "For the row of Ravenstead, set affiliation to 'Progressive Alliance'."
        finding, fixed = check_sql(task, env, sql, INSERTS)
        assert finding is not None and finding.rule == "insert_existing_row", finding
        assert "WHERE `Ward` = 'Ravenstead'" in fixed


def test_a_title_keeps_its_capital_article_when_a_value_is_widened() -> None:
    """Seed 93's told-record scan: 'Archive' widened to 'Summer Archive', not 'The Summer Archive'."""
    from cmat.agents.checkers._sql_assignments import _as_written

    question = "modify the row when Ceremony year is 1992: set Work to The Summer Archive."
    assert _as_written("Archive", "Work", question, ["Ceremony year", "Work"]) == "The Summer Archive"
    assert _as_written("Summer Archive", "Work", "set Work to the Summer Archive.", ["Work"]) is None


def test_a_widened_value_keeps_an_abbreviations_full_stop_and_starts_at_a_word() -> None:
    """Seed 99's told-record scan: '&' widened to 'Kettering & Co' (the full stop of "Co." lost), and
    a value run on from '23' found inside "2023 Upper Valley ..." (the table's name)."""
    from cmat.agents.checkers._sql_assignments import _as_written

    question = "Set Club to Kettering & Co. for the driver with Astrid Kettering as the Rider"
    assert _as_written("&", "Club", question, ["Club", "Rider"]) == "Kettering & Co."
    question = ("In 2023 Upper Valley Marathon results, set laps completed to 62 and points to 23 for every row where "
                "the club equals Holholm Automotive Industries.")
    assert _as_written("23 Upper Valley Marathon results, set laps completed to 62", "Points", question,
                       ["Laps completed", "Points", "Club"]) is None


@pytest.mark.parametrize(("task", "sql", "where"), [
    # "by setting result to 'Not elected'": 'Elected', a word of the new value, is no group
    (40, "UPDATE `Results of the 1994 River Basin Area council election` SET `Result` = 'Not elected' "
         "WHERE `Name` = 'Jules P. P. Pryce';", "WHERE `Name` = 'Jules P. Pryce'"),
    # "by setting Pos. to Linebacker and College to ...": 'Linebacker', a value the question sets, is no group
    (45, "UPDATE `Players_drafted_from_Eldham` SET `College` = 'Coldstead Conservatory' WHERE `Name` = 'Dawna Wojcik';",
     "WHERE `Name` = 'Deepa Wojcik'"),
])
def test_a_new_value_is_no_group_that_keeps_the_row_in_doubt(task: int, sql: str, where: str) -> None:
    """Held-out set 8200 (measured before this fix): a name miswritten in the condition matches no
    row, and the question names the row; a group of rows the new value seemed to name kept the
    locate rule from writing it."""
    for episode, env in task_env(heldout_updates(8200)[task - 40]):
        finding, fixed = check_sql(episode, env, sql, ONE_BY_ONE)
        assert finding is not None and finding.rule == "row_located" and where in fixed, (finding, fixed)
        if task == 40:
            assert judged(episode, fixed)
