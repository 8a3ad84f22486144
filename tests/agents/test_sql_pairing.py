"""The pairing rule (``_sql_pairing``): a value goes on the column the question names next to it,
and the Checker can move it there itself (``--repair``)."""

from __future__ import annotations

import pytest
from checker_helpers import make_ctx, operation

from cmat.agents.checker_base import CheckContext
from cmat.agents.checkers import SQLRuleChecker

SCHEMA = {"Cup": ["Round", "Date", "Home side", "Home side score", "Result", "Venue", "Crowd", "Points"]}
FULL = SQLRuleChecker(check_numbers=False)


def _ctx(sql: str, question: str, task_type: str = "other") -> CheckContext:
    return make_ctx(operation(sql), schema=SCHEMA, task_type=task_type, data={"description": question})


@pytest.mark.parametrize(
    ("sql", "question", "wrong", "right"),
    [
        ("SELECT `Venue` FROM `Cup` WHERE `Round` = '3–0'", "Which venue has a Result of 3–0?", "Round", "Result"),
        ("SELECT `Venue` FROM `Cup` WHERE `Crowd` > 4", "Which venue had points larger than 4?", "Crowd", "Points"),
        ("SELECT `Venue` FROM `Cup` WHERE `Home side` = '12.9'",
         "Where did the home side score of 12.9 come?", "Home side", "Home side score"),
        ("SELECT MIN(`Crowd`) FROM `Cup` WHERE `Round` = 7", "The smallest crowd for 7 points?", "Round", "Points"),
        ("SELECT COUNT(*) FROM `Cup` WHERE `Date` = 'Elm Park'", "How many with Elm Park as the venue?",
         "Date", "Venue"),
    ],
)
def test_a_value_on_another_column_is_named_and_repaired(sql: str, question: str, wrong: str, right: str) -> None:
    ctx = _ctx(sql, question)
    verdict = FULL.verify(ctx)
    assert not verdict.approve and verdict.details["rule"] == "value_on_other_column"
    assert verdict.details["name"] == wrong and verdict.details["target"] == right
    assert f"goes with the column `{right}`, but your statement compares it with `{wrong}`" in verdict.feedback
    finding = FULL.find(ctx)
    assert finding is not None
    fixed = FULL.revise(ctx, finding)
    assert f"`{right}`" in fixed and f"`{wrong}`" not in fixed
    assert FULL.verify(_ctx(fixed.split("```sql\n")[1].split("\n```")[0], question)).approve
    assert SQLRuleChecker(check_numbers=False, check_pairing=False).verify(ctx).approve


@pytest.mark.parametrize(
    ("sql", "question"),
    [
        ("SELECT `Venue` FROM `Cup` WHERE `Result` = '3–0'", "Which venue has a Result of 3–0?"),
        # what is selected or set is not a condition's column ("the Venue of the 2026 final")
        ("SELECT `Venue` FROM `Cup` WHERE `Date` = '2026'", "What is the venue of the 2026 final?"),
        ("UPDATE `Cup` SET `Venue` = 'Elm Park' WHERE `Date` = '2026'", "Set the venue of the 2026 final to Elm Park."),
        # a clause word in between: the header is what is asked for
        ("SELECT `Crowd` FROM `Cup` WHERE `Venue` = 'Elm Park'", "What crowd for Elm Park?"),
        ("SELECT MIN(`Round`) FROM `Cup` WHERE `Home side` = 'Elm'", "The earliest round where Elm played at home?"),
        # a value next to no header, or not in the question at all
        ("SELECT `Venue` FROM `Cup` WHERE `Round` = 'Final'", "Where was the final?"),
        # a value written twice, next to two headers (one named loosely): either may be its column
        ("SELECT `Venue` FROM `Cup` WHERE `Crowd` < 23 AND `Points` > 23",
         "Name the venue with a Crowds under 23, and when Points is bigger than 23"),
    ],
)
def test_values_next_to_their_column_or_to_none_pass(sql: str, question: str) -> None:
    task_type = "UPDATE" if sql.startswith("UPDATE") else "other"
    verdict = FULL.verify(_ctx(sql, question, task_type))
    assert verdict.approve, verdict.feedback


def test_no_repair_when_the_wrong_column_is_used_twice() -> None:
    ctx = _ctx("SELECT `Round` FROM `Cup` WHERE `Round` = '3–0'", "Which round has a Result of 3–0?")
    finding = FULL.find(ctx)
    assert finding is not None and finding.details["repairable"] is False
    assert FULL.revise(ctx, finding) == ""


def test_a_repairable_misplaced_value_is_named_first_and_the_repairs_chain() -> None:
    # 7 belongs on Points, which the statement already uses (for 2026, which belongs on Date):
    # moving 2026 first frees Points for 7
    ctx = _ctx("SELECT `Venue` FROM `Cup` WHERE `Points` = 2026 AND `Crowd` = 7",
               "Which venue had a Date of 2026, and Points of 7?")
    finding = FULL.find(ctx)
    assert finding is not None and finding.details["name"] == "Points" and finding.details["target"] == "Date"
    fixed = FULL.revise(ctx, finding)
    assert "WHERE `Date` = 2026 AND `Points` = 7" in fixed, fixed


def test_a_header_s_own_name_wins_over_another_header_s_short_form() -> None:
    schema = {"Fixtures": ["Date", "Venue (H/A)", "Venue", "Result"]}
    for columns in (schema["Fixtures"], list(reversed(schema["Fixtures"]))):
        ctx = make_ctx(operation("SELECT COUNT(`Date`) FROM `Fixtures` WHERE `Venue` = 'Goldcaster Arena'"),
                       schema={"Fixtures": columns},
                       data={"description": "How many matches are there for which Venue is goldcaster arena?"})
        assert FULL.verify(ctx).approve, FULL.verify(ctx).feedback


def test_a_one_letter_value_counts_only_where_the_question_quotes_it() -> None:
    schema = {"Results": ["Date", "Venue (H/A)", "Spectators", "Pts"]}
    question = "Name the matches with a pts lower than 3 and venue (h/a) equal to 'A'."
    ctx = make_ctx(operation("SELECT `Date` FROM `Results` WHERE `Pts` < 3 AND `Venue (H/A)` = 'A'"),
                   schema=schema, data={"description": question})
    assert FULL.verify(ctx).approve, FULL.verify(ctx).feedback
    wrong = make_ctx(operation("SELECT `Date` FROM `Results` WHERE `Pts` = 'A'"), schema=schema,
                     data={"description": "Name the matches with venue (h/a) 'A'."})
    assert FULL.verify(wrong).details["rule"] == "value_on_other_column"
