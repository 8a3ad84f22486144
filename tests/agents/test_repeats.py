"""The repeat rules: a statement or command that already ran on unchanged state is rejected."""

from __future__ import annotations

from checker_helpers import history, make_ctx, operation

from cmat.agents.checker_base import CheckContext
from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers.shell_rule import ShellRuleChecker
from cmat.envs.base import Task
from cmat.envs.os_interaction.protocol import extract_action, initial_messages
from cmat.types import Message

CHECKER = SQLRuleChecker(check_values=False)
QUERY = "SELECT `Call sign` FROM `Radio Stations` WHERE `Class` = 'D'"
INSERT = "INSERT INTO `Radio Stations` (`Call sign`) VALUES ('KXYZ')"


def _sql(reply_sql: str, *turns: tuple[str, str], task_type: str = "other") -> tuple[bool, str, str]:
    ctx = make_ctx(operation(reply_sql), conversation=history(*turns), task_type=task_type)
    verdict = CHECKER.verify(ctx)
    return verdict.approve, str(verdict.details.get("rule", "")), verdict.feedback


def test_a_query_that_returned_no_rows_is_not_run_again() -> None:
    approve, rule, feedback = _sql(QUERY, (operation(QUERY + ";"), "[]"))
    assert (approve, rule) == (False, "repeated_statement")
    assert "returned no rows" in feedback and "another column" in feedback


def test_whitespace_and_semicolons_do_not_hide_a_repeat() -> None:
    spaced = QUERY.replace(" FROM ", "\n  FROM  ").replace(" WHERE ", "\nWHERE ") + " ;;"
    approve, rule, _ = _sql(spaced, (operation(QUERY), "[]"))
    assert (approve, rule) == (False, "repeated_statement")


def test_a_repeated_query_with_rows_is_told_to_answer_from_them() -> None:
    approve, _, feedback = _sql(QUERY, (operation(QUERY), "[('KXYZ',)]"))
    assert not approve
    assert "[('KXYZ',)]" in feedback and "Action: Answer" in feedback


def test_a_repeated_failing_statement_is_told_to_fix_the_error() -> None:
    error = "1054 (42S22): Unknown column 'Rank' in 'where clause'"
    approve, _, feedback = _sql(QUERY, (operation(QUERY), error))
    assert not approve and error in feedback and "fixes that error" in feedback


def test_a_different_query_is_approved() -> None:
    other = "SELECT `Call sign` FROM `Radio Stations` WHERE `Class` = 'A'"
    assert _sql(other, (operation(QUERY), "[]"))[0]


def test_a_query_may_run_again_after_a_change_succeeded() -> None:
    assert _sql(QUERY, (operation(QUERY), "[]"), (operation(INSERT), "[]"), task_type="INSERT")[0]


def test_a_change_that_failed_does_not_license_a_repeat() -> None:
    failed = "1146 (42S02): Table 'x' doesn't exist"
    approve, rule, _ = _sql(QUERY, (operation(QUERY), "[]"), (operation(INSERT), failed), task_type="INSERT")
    assert (approve, rule) == (False, "repeated_statement")


def test_a_change_is_never_applied_twice() -> None:
    approve, _, feedback = _sql(INSERT, (operation(INSERT), "[]"), (operation(QUERY), "[('KXYZ',)]"),
                                task_type="INSERT")
    assert not approve and "same change a second time" in feedback


def test_the_repeat_rule_can_be_switched_off() -> None:
    ctx = make_ctx(operation(QUERY), conversation=history((operation(QUERY), "[]")))
    assert SQLRuleChecker(check_values=False, check_repeats=False).verify(ctx).approve


# -- the shell ---------------------------------------------------------------------------------

TASK = Task(id="0", env="os", type="file", data={"description": "How many files are in /etc?"})


def bash(code: str) -> str:
    return f"Think: go.\n\nAct: bash\n\n```bash\n{code}\n```"


def _shell(reply: str, *turns: tuple[str, str]) -> tuple[bool, str, str]:
    conversation = initial_messages(TASK.data["description"])
    for said, shown in turns:
        conversation += [Message("assistant", said), Message("user", shown)]
    ctx = CheckContext(task=TASK, task_prompt=conversation[-1].content, conversation=conversation, reply=reply,
                       action=extract_action(reply), env_name="os")
    verdict = ShellRuleChecker().verify(ctx)
    return verdict.approve, str(verdict.details.get("rule", "")), verdict.feedback


def test_the_command_just_run_is_not_run_again() -> None:
    shown = "The output of the OS:\n\n42"
    approve, rule, feedback = _shell(bash("ls /etc | wc -l"), (bash("ls  /etc | wc -l"), shown))
    assert (approve, rule) == (False, "repeated_command")
    assert "42" in feedback and "Act: answer" in feedback


def test_a_command_may_run_again_once_another_ran_in_between() -> None:
    shown = "The output of the OS:\n\n42"
    assert _shell(bash("ls /etc | wc -l"), (bash("ls /etc | wc -l"), shown), (bash("touch /etc/x"),
                  "The output of the OS is empty."))[0]


def test_the_example_of_the_prompt_is_not_a_repeat() -> None:
    conversation = initial_messages(TASK.data["description"])
    examples = [extract_action(m.content) for m in conversation if m.role == "assistant"]
    for action in examples:
        if action.kind == "bash":
            assert _shell(bash(action.content))[0]
