"""A MIN/MAX or ORDER BY runs the way the question's superlative asks (``_sql_direction``), and the
ranking rule reads "number of" and headers of release dates (``_sql_ranking``). Written on held-out
sets 10400 (task 18) and 10600 (tasks 0 and 7)."""

from __future__ import annotations

import pytest
from checker_helpers import check_sql, heldout_queries, query_scan, task_env

from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers._sql_ast import parse_statement
from cmat.agents.checkers._sql_direction import direction_not_stated
from cmat.agents.checkers._sql_ranking import superlatives

FULL = SQLRuleChecker()
SCHOOLS = "FROM `Higher education in Tredon` WHERE `Campus size (ha)` < 428"


@pytest.mark.parametrize(("sql", "fixed"), [
    (f"SELECT MAX(`Established`) {SCHOOLS};", f"SELECT MIN(`Established`) {SCHOOLS};"),
    (f"SELECT `Established` {SCHOOLS} ORDER BY `Established` DESC LIMIT 1;",
     f"SELECT `Established` {SCHOOLS} ORDER BY `Established` ASC LIMIT 1;"),
])
def test_the_oldest_is_the_smallest(sql: str, fixed: str) -> None:
    """"what is the oldest Established among institutions when the Campus size (ha) is below 428?"."""
    entry = heldout_queries(10400)[18]
    for episode, env in task_env(entry):
        finding, repaired = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "direction_not_stated"
        assert '"oldest" asks for the smallest `Established`' in finding.feedback
        assert repaired == fixed
        assert [str(r[0]) for r in env.peek(fixed) or []] == entry["label"]
        finding, _ = check_sql(episode, env, fixed, FULL)
        assert finding is None
        finding, _ = check_sql(episode, env, sql, SQLRuleChecker(check_ranking=False))
        assert finding is None or finding.rule != "direction_not_stated"


SCHEMA = {"t": ["Name", "Year", "Points"]}


@pytest.mark.parametrize(("question", "sql", "rule"), [
    ("Which name has the lowest Points?", "SELECT MAX(`Points`) FROM t", "direction_not_stated"),
    ("Which name has the most Points?", "SELECT `Name` FROM t ORDER BY `Points` ASC LIMIT 1", "direction_not_stated"),
    ("Which name has the highest Points?", "SELECT MAX(`Points`) FROM t", None),
    ("the highest Points and the lowest Points?", "SELECT MAX(`Points`) FROM t", None),  # both ways: no reading
    ("Which name has the oldest Points?", "SELECT MAX(`Points`) FROM t", None),  # a word of time, not a time header
    ("Which name has the earliest Year?", "SELECT MAX(`Year`) FROM t", "direction_not_stated"),
    ("Which name has the lowest Points?", "SELECT `Name` FROM t ORDER BY `Points` DESC", None),  # no LIMIT 1
])
def test_direction_reading(question: str, sql: str, rule: str | None) -> None:
    stmt = parse_statement(sql)
    assert stmt is not None
    finding = direction_not_stated(stmt, question, SCHEMA)
    assert (finding.rule if finding else None) == rule


@pytest.mark.parametrize(("task", "sql", "column"), [
    (0, "SELECT `Title` FROM `Crimson Machine (band) discography`;", "Released"),  # "the most recent released"
    (7, "SELECT `Title` FROM `A_Compass_in_Belcrest_band_discography` WHERE `Record label` = 'Solstice Recordings';",
     "No. of tracks"),  # "the highest number of tracks"
])
def test_ranking_reads_release_headers_and_number_of(task: int, sql: str, column: str) -> None:
    entry = heldout_queries(10600)[task]
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "ranking_without_order"
        assert fixed == sql.rstrip(";") + f" ORDER BY `{column}` DESC LIMIT 1;"
        assert [str(r[0]) for r in env.peek(fixed) or []] == entry["label"]


def test_direction_scan_rejects_no_gold_query_and_repairs_right() -> None:
    """The scan's `direction` cases on generated tasks of a seed no rule was written on."""
    counts = query_scan("direction", seed=97, n=80)
    assert counts["gold.statements"] > 60 and counts["gold.rejected"] == 0
    assert counts["direction.caught"] >= 10 and counts["direction.repaired_wrong"] == 0
    assert counts["direction.repaired_right"] == counts["direction.caught"]


@pytest.mark.parametrize(("question", "read"), [
    ("Which company was the most recent founded?", [("most recent", "Year founded", "DESC")]),  # a word of a header
    ("Who had the most goals?", [("most", "Goals scored", "DESC")]),
    ("whose Goals scored is the least among clubs", [("least", "Goals scored", "ASC")]),  # after the header
    ("Which company had the highest number of goals?", [("highest", "Goals scored", "DESC")]),
    ("Which company was the oldest city?", []),  # a word of time, not a header of years
    ("Which company has the most home wins?", []),  # a common word names no header
])
def test_superlatives_read_a_word_of_one_header(question: str, read: list[tuple[str, str, str]]) -> None:
    columns = ["Company", "Year founded", "City", "Goals scored", "Home ground"]
    assert [(m.group("word"), s.column, d) for m, s, d in superlatives(question, columns)] == read
