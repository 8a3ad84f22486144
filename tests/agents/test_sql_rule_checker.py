"""The DBBench rule checker: specific feedback for the mistakes small models make."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from checker_helpers import answer, history, make_ctx, operation

from cmat.agents.checker_base import Verdict
from cmat.agents.checkers import SQLRuleChecker, sql_error
from cmat.envs.dbbench.data import MUTATION_TYPES, default_dev_path, load_dbbench
from cmat.envs.dbbench.env import gold_replies

# Most tests here are about one rule each, on values the fixture's question does not state, so the
# value check (tests at the end) is off for them.
CHECKER = SQLRuleChecker(check_values=False)
FULL = SQLRuleChecker()


def verify_sql(
    sql: str,
    *,
    schema: dict[str, list[str]] | None = None,
    dry_run: Callable[[str], str | None] | None = None,
) -> Verdict:
    return CHECKER.verify(make_ctx(operation(sql), schema=schema, dry_run=dry_run))


def test_missing_column_names_it_and_lists_real_columns_then_fix_is_approved() -> None:
    verdict = verify_sql("SELECT `Call signs` FROM `Radio Stations` WHERE Class = 'D'")
    assert not verdict.approve
    assert verdict.details["rule"] == "unknown_column"
    assert "`Call signs` does not exist in `Radio Stations`" in verdict.feedback
    assert "`Call sign`, `Frequency MHz`, `City of license`, `Class`, `Rank`" in verdict.feedback
    assert "Did you mean `Call sign`?" in verdict.feedback
    fixed = verify_sql("SELECT `Call sign` FROM `Radio Stations` WHERE Class = 'D'")
    assert fixed == Verdict(approve=True, feedback="", checker="rule")


def test_columns_are_case_insensitive_like_mysql() -> None:
    assert verify_sql("SELECT `call SIGN` FROM `Radio Stations` WHERE class = 'D'").approve


def test_bare_word_value_is_read_as_a_column_and_the_hint_says_quote_it() -> None:
    verdict = verify_sql("SELECT Team FROM race_results WHERE Drivers = Bob")
    assert verdict.details["rule"] == "unknown_column"
    assert "'Bob'" in verdict.feedback


@pytest.mark.parametrize(
    ("sql", "name"),
    [
        ("SELECT Call sign FROM `Radio Stations`", "Call sign"),
        ("SELECT `Call sign` FROM Radio Stations", "Radio Stations"),
        ("SELECT `Call sign` FROM `Radio Stations` WHERE City of license = 'Ames'", "City of license"),
    ],
)
def test_names_with_spaces_must_be_backticked(sql: str, name: str) -> None:
    verdict = verify_sql(sql)
    assert not verdict.approve
    assert verdict.details["rule"] == "unquoted_name"
    assert f"`{name}`" in verdict.feedback and "backticks" in verdict.feedback


def test_double_quoted_column_is_a_string_in_mysql() -> None:
    verdict = verify_sql("SELECT Class FROM `Radio Stations` WHERE \"Call sign\" = 'KXYZ'")
    assert verdict.details["rule"] == "name_as_string"
    assert '"Call sign" is a text value' in verdict.feedback and "`Call sign`" in verdict.feedback


def test_quoted_table_name_after_from_is_flagged() -> None:
    verdict = verify_sql("SELECT Class FROM 'Radio Stations'")
    assert verdict.details["rule"] == "name_as_string"
    assert verdict.details["kind"] == "table"


def test_single_quoted_column_in_select_list_is_flagged() -> None:
    verdict = verify_sql("SELECT 'Class' FROM `Radio Stations`")
    assert verdict.details["rule"] == "name_as_string"


def test_quoted_values_are_fine() -> None:
    assert verify_sql("SELECT Class FROM `Radio Stations` WHERE `Call sign` = \"KXYZ\"").approve
    assert verify_sql("SELECT Class FROM `Radio Stations` WHERE `Call sign` IN ('Class', 'B')").approve


@pytest.mark.parametrize(
    ("sql", "suggested"),
    [
        ("SELECT Class FROM Radio_Stations", "Radio Stations"),
        ("SELECT Team FROM Race_Results", "race_results"),
    ],
)
def test_unknown_table_suggests_the_closest_name(sql: str, suggested: str) -> None:
    verdict = verify_sql(sql)
    assert verdict.details["rule"] == "unknown_table"
    assert f"Did you mean `{suggested}`?" in verdict.feedback


def test_reserved_word_column_needs_backticks() -> None:
    verdict = verify_sql("SELECT Rank FROM `Radio Stations`")
    assert verdict.details["rule"] == "reserved_word"
    assert verify_sql("SELECT `Rank` FROM `Radio Stations`").approve


def test_insert_value_count_must_match_listed_or_all_columns() -> None:
    listed = verify_sql("INSERT INTO race_results (Class, Team) VALUES ('A', 'B', 'C')")
    assert listed.details["rule"] == "insert_value_count"
    assert "3 values for the 2 columns" in listed.feedback
    unlisted = verify_sql("INSERT INTO race_results VALUES ('A', 'B')")
    assert unlisted.details == {"rule": "insert_value_count", "given": 2, "expected": 4}
    assert verify_sql("INSERT INTO race_results VALUES ('A', '7', 'B', 'C')").approve


def test_insert_into_unknown_column_is_rejected() -> None:
    verdict = verify_sql("INSERT INTO race_results (Class, Driver) VALUES ('A', 'B')")
    assert verdict.details["rule"] == "unknown_column"
    assert "Did you mean `Drivers`?" in verdict.feedback


@pytest.mark.parametrize("sql", ["UPDATE race_results SET Team = 'X'", "DELETE FROM race_results"])
def test_update_or_delete_without_where_is_rejected(sql: str) -> None:
    verdict = verify_sql(sql)
    assert verdict.details["rule"] == "no_where"
    assert "every row of `race_results`" in verdict.feedback


def test_dry_run_error_is_passed_on_for_mutations_only() -> None:
    seen: list[str] = []

    def dry_run(sql: str) -> str | None:
        seen.append(sql)
        return "1366 (HY000): Incorrect integer value: 'x' for column 'No' at row 1"

    update = "UPDATE race_results SET No = 'x' WHERE Team = 'A'"
    verdict = verify_sql(update, dry_run=dry_run)
    assert verdict.details["rule"] == "dry_run_error"
    assert "Incorrect integer value: 'x' for column 'No'" in verdict.feedback
    assert seen == [update]
    assert verify_sql("SELECT No FROM race_results", dry_run=dry_run).approve
    assert seen == [update]  # queries are not dry-run


def test_syntax_error_is_quoted_unless_the_database_accepts_the_statement() -> None:
    sql = "SELECT Team FROM race_results WHERE Team = 'A' ORDER"
    verdict = verify_sql(sql)
    assert verdict.details["rule"] == "syntax_error"
    assert verdict.feedback.startswith("The SQL does not parse:")
    assert verify_sql(sql, dry_run=lambda s: None).approve  # the server is the authority
    refused = verify_sql(sql, dry_run=lambda s: "1064 (42000): You have an error")
    assert refused.details["rule"] == "dry_run_error"


def test_an_apostrophe_that_ends_a_value_too_early_is_doubled() -> None:
    sql = "SELECT `Team` FROM race_results WHERE `Drivers` = 'Don't Stop' AND `Class` = 'A'"
    fixed = "SELECT `Team` FROM race_results WHERE `Drivers` = 'Don''t Stop' AND `Class` = 'A'"
    data = {"description": "Which team had the drivers Don't Stop in class A?"}
    for dry_run in (None, lambda s: None if "''" in s else "1064 (42000): You have an error"):
        ctx = make_ctx(operation(sql), dry_run=dry_run, data=data)
        verdict = FULL.verify(ctx)
        assert verdict.details["rule"] == "unescaped_quote", verdict.feedback
        assert "write an apostrophe twice" in verdict.feedback and fixed in verdict.revision
        assert FULL.verify(make_ctx(operation(fixed), dry_run=dry_run, data=data)).approve
    # no apostrophe between letters, or the doubled one still fails: the error as before
    assert verify_sql("SELECT Team FROM race_results WHERE Team = 'A' ORDER").details["rule"] == "syntax_error"
    refused = verify_sql(sql, dry_run=lambda s: "1064 (42000): You have an error")
    assert refused.details["rule"] == "dry_run_error"


def test_one_statement_per_operation() -> None:
    verdict = verify_sql("SELECT Team FROM race_results; SELECT Class FROM race_results;")
    assert verdict.details["rule"] == "multiple_statements"
    assert verify_sql("SELECT Team FROM race_results;").approve


def test_comment_would_hide_the_rest_of_the_line() -> None:
    assert verify_sql("SELECT Team -- the team\nFROM race_results").details["rule"] == "comment"


def test_invalid_format_and_invalid_action_explain_the_protocol() -> None:
    bad_format = CHECKER.verify(make_ctx("Action: Operation\nSELECT 1"))
    assert bad_format.details["rule"] == "invalid_format"
    assert "```sql" in bad_format.feedback
    bad_action = CHECKER.verify(make_ctx("I think the answer is 5."))
    assert bad_action.details["rule"] == "invalid_action"
    assert "Action: Operation" in bad_action.feedback and "Final Answer:" in bad_action.feedback


QUERIED = history((operation("SELECT `Call sign` FROM `Radio Stations`"), "[('KXYZ', 12), ('KABC', 3.5)]"))


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ('["KXYZ", "KABC"]', True),
        ("[12, 3.5]", True),
        ("[]", True),
        ("KXYZ", False),
        ("[KXYZ]", False),
        ('["KXYZ",', False),
        ("12", False),
        ("", False),
    ],
)
def test_answer_must_be_a_python_list_literal(text: str, ok: bool) -> None:
    verdict = CHECKER.verify(make_ctx(answer(text), conversation=QUERIED))
    assert verdict.approve is ok
    if not ok:
        assert verdict.details["rule"] == "answer_format"
        assert "Final Answer:" in verdict.feedback


def test_answer_before_any_successful_query_is_rejected() -> None:
    failed = history((operation("SELECT x FROM t"), "1146 (42S02): Table 'db.t' doesn't exist"))
    verdict = CHECKER.verify(make_ctx(answer('["KXYZ"]'), conversation=failed))
    assert verdict.details["rule"] == "answer_without_query"


def test_mutation_task_answer_needs_a_successful_change_but_any_answer_text() -> None:
    ctx = make_ctx(answer("done"), task_type="UPDATE")
    assert CHECKER.verify(ctx).details["rule"] == "answer_before_change"
    changed = history((operation("UPDATE race_results SET Team = 'X' WHERE No = '7'"), "[]"))
    assert CHECKER.verify(make_ctx(answer("done"), task_type="UPDATE", conversation=changed)).approve


def test_check_is_a_generator_that_returns_without_yielding() -> None:
    gen = CHECKER.check(make_ctx(operation("SELECT Team FROM race_results")))
    with pytest.raises(StopIteration) as stop:
        next(gen)
    assert stop.value.value == Verdict(approve=True, feedback="", checker="rule")


def test_no_schema_skips_schema_checks() -> None:
    assert verify_sql("SELECT anything FROM anywhere", schema={}).approve


def test_sql_error_recognises_mysql_connector_messages() -> None:
    assert sql_error("1054 (42S22): Unknown column 'x' in 'field list'") is not None
    assert sql_error("Use multi=True when executing multiple statements") is not None
    assert sql_error("[('1054 (42S22): looks like an error',)]") is None
    assert sql_error("") is None


def test_agentbench_gold_mutations_are_all_approved() -> None:
    """No false positive on the 40 correct INSERT/UPDATE statements of the dev set."""
    checked = 0
    for task in load_dbbench(default_dev_path()):
        if task.type not in MUTATION_TYPES:
            continue
        table = task.data["table"]
        schema = {table["table_name"]: [c["name"] for c in table["table_info"]["columns"]]}
        for reply in gold_replies(task)[:-1]:
            verdict = FULL.verify(make_ctx(reply, schema=schema, task_type=task.type, data=task.data))
            assert verdict.approve, (reply, verdict.feedback)
            checked += 1
    assert checked >= 30


@pytest.mark.parametrize(("style", "more"), [("plain", 0.0), ("crowd", 0.0), ("crowd", 0.5)])
def test_generated_gold_statements_of_every_type_are_all_approved(style: str, more: float) -> None:
    """No false positive of the value and number checks on the generator's gold SQL (every task
    type, both question styles: crowd questions lower-case values and name columns loosely; and
    with extra filters)."""
    from cmat.tasks import generate_tasks

    kinds = set()
    for entry in generate_tasks(120, seed=31, style=style, more_conditions=more):
        table = entry["table"]
        schema = {table["table_name"]: [c["name"] for c in table["table_info"]["columns"]]}
        sql = entry["sql"]["query"] if "sql" in entry else entry["label"][0]
        verdict = FULL.verify(make_ctx(operation(sql), schema=schema, task_type=entry["type"][0], data=entry))
        assert verdict.approve, (entry["description"], sql, verdict.feedback)
        kinds.add(entry["type"][0])
    assert len(kinds) == 11


def _value_verdict(sql: str, question: str) -> Verdict:
    schema = {"Olympic_medal_counts": ["Rank", "Nation", "Gold", "Silver", "Bronze", "Total"]}
    return FULL.verify(make_ctx(operation(sql), schema=schema, data={"description": question}))


@pytest.mark.parametrize(
    ("sql", "value"),
    [
        ("SELECT AVG(`Total`) FROM `Olympic_medal_counts` WHERE `Nation` = 'Irak'", "Irak"),
        ("SELECT `Total` FROM `Olympic_medal_counts` WHERE `Gold` > 7", "7"),
        ("SELECT `Total` FROM `Olympic_medal_counts` WHERE `Nation` IN ('Iran', 'Peru')", "Peru"),
        ("UPDATE `Olympic_medal_counts` SET `Total` = 0 WHERE `Nation` = 'Iraq'", "Iraq"),
        ("DELETE FROM `Olympic_medal_counts` WHERE `Nation` LIKE '%Chile%'", "%Chile%"),
    ],
)
def test_a_value_the_question_does_not_state_is_named(sql: str, value: str) -> None:
    verdict = _value_verdict(sql, "What is the average Total, when Gold is 0, and when Nation is Iran?")
    assert not verdict.approve and verdict.details == {"rule": "value_not_in_question", "value": value}
    assert f"'{value}' does not appear in the question" in verdict.feedback


@pytest.mark.parametrize(
    ("sql", "question"),
    [
        ("SELECT AVG(`Total`) FROM `Olympic_medal_counts` WHERE `Gold` = 0 AND `Nation` = 'IRAN'",
         "What is the average Total, when Gold is 0, and when Nation is Iran?"),
        ("SELECT `Nation` FROM `Olympic_medal_counts` WHERE `Total` < 9.6260", "Which nation has a total under 9.626?"),
        ("SELECT `Nation` FROM `Olympic_medal_counts` WHERE `Total` > 1000", "Which nation has over 1,000 in total?"),
        ("SELECT COUNT(*) FROM `Olympic_medal_counts` WHERE `Gold` >= 10", "How many nations won ten or more golds?"),
        ("SELECT `Nation` FROM `Olympic_medal_counts` WHERE `Nation` LIKE 'Ir%' LIMIT 1",
         "Which nation starts with Ir?"),
        ("SELECT `Nation` FROM `Olympic_medal_counts` WHERE `Gold` = 1 ORDER BY `Total` DESC LIMIT 3",
         "Top nations with a single gold?"),
        ("SELECT `Nation` FROM `Olympic_medal_counts` WHERE `Rank` = '13.17 (95)'",
         "Which nation has a rank of 13.17 (95)?"),
        ("DELETE FROM `Olympic_medal_counts` WHERE `Nation` = 'Côte d''Ivoire'", "Remove C\u00f4te d\u2019Ivoire."),
        # What a task inserts or sets is not checked: AgentBench rephrases it ("a 27-20 win").
        ("INSERT INTO `Olympic_medal_counts` (`Nation`, `Gold`) VALUES ('Chad', 'W 27–20')", "Add Chad, a 27-20 win."),
        ("UPDATE `Olympic_medal_counts` SET `Total` = -18 WHERE `Nation` = 'Chad'", "Chad finished 18 under."),
    ],
)
def test_values_stated_in_the_question_pass_in_any_case_or_number_spelling(sql: str, question: str) -> None:
    verdict = _value_verdict(sql, question)
    assert verdict.approve, verdict.feedback


def test_the_value_check_can_be_turned_off_and_needs_a_question() -> None:
    sql = "SELECT `Total` FROM `Olympic_medal_counts` WHERE `Nation` = 'Atlantis'"
    assert not _value_verdict(sql, "Total of Iran?").approve
    assert CHECKER.verify(make_ctx(operation(sql), schema={"Olympic_medal_counts": ["Nation", "Total"]},
                                   data={"description": "Total of Iran?"})).approve


QUERY = operation("SELECT `Call sign` FROM `Radio Stations` WHERE `Class` = 'D'")


@pytest.mark.parametrize(
    ("result", "reply"),
    [
        ("[('KXYZ',), ('KABC',)]", answer('["KXYZ", "KABC"]')),
        ("[('KXYZ',), ('KABC',)]", answer('["KABC", "KXYZ"]')),  # any order (letter case: answer_not_as_stored)
        ("[(26,)]", answer('["26.0"]')),  # numbers by value
        ("[(9.41921052631579,)]", answer('["9.41921052631579"]')),
        ("[('62,129',)]", answer("[62129]")),
        ("[(\"Checco D'Angelo\",)]", answer('["Checco D\'Angelo"]')),  # the repr escapes; the cell does not
        ("[('x',)]" + "y" * 800, answer('["anything"]')),  # cut short: not checked
    ],
)
def test_an_answer_from_the_last_result_is_approved(result: str, reply: str) -> None:
    ctx = make_ctx(reply, conversation=history((QUERY, result)))
    assert FULL.verify(ctx).approve


def test_an_answer_after_an_empty_result_or_not_in_it_is_rejected() -> None:
    empty = FULL.verify(make_ctx(answer('["KXYZ"]'), conversation=history((QUERY, "[]"))))
    assert not empty.approve and empty.details == {"rule": "empty_result", "answer": '["none"]', "repairable": True}
    assert "found nothing" in empty.feedback and 'Final Answer: ["none"]' in empty.feedback
    made_up = FULL.verify(make_ctx(answer('["done"]'), conversation=history((QUERY, "[('KXYZ',)]"))))
    assert not made_up.approve and made_up.details == {"rule": "answer_not_in_result", "missing": ["done"]}
    assert "'done'" in made_up.feedback and "[('KXYZ',)]" in made_up.feedback
    # the last successful query counts: an error after it does not hide it, a later query replaces it
    error = "1054 (42S22): Unknown column 'Foo' in 'field list'"
    later = history((QUERY, "[('KXYZ',)]"), (operation("SELECT Foo FROM `Radio Stations`"), error))
    assert FULL.verify(make_ctx(answer('["KXYZ"]'), conversation=later)).approve
    replaced = history((QUERY, "[('KXYZ',)]"), (QUERY, "[]"))
    assert FULL.verify(make_ctx(answer('["KXYZ"]'), conversation=replaced)).details["rule"] == "empty_result"
    off = SQLRuleChecker(check_answers=False)
    assert off.verify(make_ctx(answer('["done"]'), conversation=history((QUERY, "[]")))).approve


@pytest.mark.parametrize("result", ["[]", "[(None,)]", "[(None, None), (None, None)]"])
def test_after_a_query_that_found_nothing_the_answer_is_none(result: str) -> None:
    """AgentBench labels a query that finds nothing 'none' (dev tasks 8, 9 and 17): that answer
    is approved, any other is rejected and repaired to it."""
    conversation = history((QUERY, result))
    assert FULL.verify(make_ctx(answer('["none"]'), conversation=conversation)).approve
    for other in ('["None"]', "[None]", "[]", '["KXYZ"]', '["none", "x"]'):
        verdict = FULL.verify(make_ctx(answer(other), conversation=conversation))
        assert not verdict.approve and verdict.details["rule"] == "empty_result", other
        assert verdict.revision.endswith('Final Answer: ["none"]')
    # a NULL among real values is a result, and "none" is no value of it
    some = history((QUERY, "[('KXYZ',), (None,)]"))
    assert not FULL.verify(make_ctx(answer('["none"]'), conversation=some)).approve


@pytest.mark.parametrize("style", ["plain", "crowd"])
def test_generated_gold_answers_come_from_the_gold_result(style: str) -> None:
    """No false positive of the answer check: the gold answer after the gold query's real result."""
    from cmat.agents.checker_base import CheckContext
    from cmat.envs.base import Task
    from cmat.envs.dbbench.env import DBBenchEnv
    from cmat.tasks import generate_tasks
    from cmat.types import Message

    checked = 0
    for i, entry in enumerate(generate_tasks(80, seed=43, style=style)):
        if entry["type"][0] in MUTATION_TYPES:
            continue
        task = Task(str(i), "dbbench", entry["type"][0], entry)
        env = DBBenchEnv()
        messages = env.reset(task)
        query, final = gold_replies(task)
        messages += [Message("assistant", query), Message("user", env.step(query).observation or "")]
        ctx = CheckContext(task, messages[2].content, messages, final, env.parse(final), env.name, env.schema())
        env.close()
        assert FULL.verify(ctx).approve, (entry["description"], messages[-1].content, final)
        checked += 1
    assert checked > 25
