"""The rule Checker's name repairs: it writes the corrected statement when the fix is a clear renaming."""

from __future__ import annotations

import pytest
from checker_helpers import make_ctx, operation

from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers._sql_repair import rename, replace_sql
from cmat.envs.dbbench.env import parse_reply

CHECKER = SQLRuleChecker(check_values=False)
ONE = {"Radio Stations": ["Call sign", "Frequency MHz", "City of license", "Class", "Title"]}


def _revised_sql(sql: str, schema: dict[str, list[str]] = ONE) -> str:
    verdict = CHECKER.verify(make_ctx(operation(sql), schema=schema))
    assert not verdict.approve
    return parse_reply(verdict.revision).content if verdict.revision else ""


@pytest.mark.parametrize(
    ("sql", "fixed"),
    [
        # a table name copied badly from the prompt: DBBench tasks have exactly one table
        ("SELECT `Class` FROM `Radio` WHERE `Title` = 'x'", "SELECT `Class` FROM `Radio Stations` WHERE `Title` = 'x'"),
        ("SELECT `Class` FROM FedEx", "SELECT `Class` FROM `Radio Stations`"),
        # a spaced name without backticks
        ("SELECT Call sign FROM `Radio Stations`", "SELECT `Call sign` FROM `Radio Stations`"),
        # a column name in double quotes is a string to MySQL
        ("SELECT `Class` FROM `Radio Stations` WHERE \"Call sign\" = 'KXYZ'",
         "SELECT `Class` FROM `Radio Stations` WHERE `Call sign` = 'KXYZ'"),
        # a column with a typo or another spelling that has one close match
        ("SELECT `Tittle` FROM `Radio Stations`", "SELECT `Title` FROM `Radio Stations`"),
        ("SELECT `Frequency (MHz)` FROM `Radio Stations`", "SELECT `Frequency MHz` FROM `Radio Stations`"),
        # several mistakes in one statement, repaired one after the other
        ("SELECT Call sign FROM Radio WHERE `Tittle` = 'x'",
         "SELECT `Call sign` FROM `Radio Stations` WHERE `Title` = 'x'"),
    ],
)
def test_name_mistakes_are_repaired_and_the_repair_passes_the_checker(sql: str, fixed: str) -> None:
    assert _revised_sql(sql) == fixed
    assert CHECKER.verify(make_ctx(operation(fixed), schema=ONE)).approve


def test_values_are_never_renamed() -> None:
    """A string that reads like the bad name is a value: only the name is corrected."""
    assert _revised_sql("SELECT `Class` FROM `Radio` WHERE `Title` = 'Radio'") == (
        "SELECT `Class` FROM `Radio Stations` WHERE `Title` = 'Radio'"
    )
    assert rename("SELECT a FROM t WHERE b = 'Radio'", "Radio", "Radio Stations") is None


def test_no_revision_when_the_fix_is_not_a_renaming() -> None:
    # no column is close to `Wattage`: only the Assistant can know what was meant
    assert _revised_sql("SELECT `Wattage` FROM `Radio Stations`") == ""
    # with several tables, an unknown one with no close match is not guessed
    two = {**ONE, "race_results": ["Class", "No", "Team", "Drivers"]}
    assert _revised_sql("SELECT `Class` FROM `Weather`", two) == ""
    # not an operation, or a rule that is not about names
    verdict = CHECKER.verify(make_ctx("I am not sure.", schema=ONE))
    assert not verdict.approve and verdict.revision == ""
    assert _revised_sql("DELETE FROM `Radio Stations`") == ""


def test_the_revision_keeps_the_thought_and_action_line() -> None:
    reply = "The table is Radio.\nAction: Operation\n```sql\nSELECT `Class` FROM Radio\n```"
    verdict = CHECKER.verify(make_ctx(reply, schema=ONE))
    fixed = "SELECT `Class` FROM `Radio Stations`"
    assert verdict.revision == f"The table is Radio.\nAction: Operation\n```sql\n{fixed}\n```"
    assert replace_sql("Action: Operation", "SELECT 1") == "Action: Operation\n```sql\nSELECT 1\n```"
