"""The comparison rule and the missing-condition repair (``_sql_compare``): a condition compares a
number the way the question's words do, and a number the question pairs with a header that a
query leaves out is added back by the Checker itself (``--repair``)."""

from __future__ import annotations

import pytest
from checker_helpers import make_ctx, operation

from cmat.agents.checker_base import CheckContext
from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers._sql_compare import occurrences, stated_operator, with_condition, with_operator
from cmat.agents.checkers._sql_pairing import norm

SCHEMA = {"Cup": ["Round", "Goal", "Season", "Games", "Silver", "Record", "Points", "Try bonus", "Wins", "Team"]}
# The comparison rule on its own: the kind rule (``_sql_update``) would add "wins to 7" to an UPDATE first.
FULL = SQLRuleChecker(check_kind=False)


def _ctx(sql: str, question: str, task_type: str = "other") -> CheckContext:
    return make_ctx(operation(sql), schema=SCHEMA, task_type=task_type, data={"description": question})


def _sql(reply: str) -> str:
    return reply.split("```sql\n")[1].split("\n```")[0]


@pytest.mark.parametrize(
    ("question", "number", "operator"),
    [
        ("a Goal smaller than 17?", "17", "<"),
        ("Season smaller than 2001, and Games smaller than 6?", "6", "<"),
        ("What's the biggest Bronze that has less than 0 Silvers?", "0", "<"),
        ("teams with 6 or more wins", "6", ">="),
        ("teams with at least 3 draws", "3", ">="),
        ("no more than 1,429 tonnes", "1429", "<="),
        ("a weight of no less than 70 kg", "70", ">="),
        ("founded after 1984", "1984", ">"),
        ("Prominence beneath 967", "967", "<"),
        ("Points > 15 and Grid <= 9", "15", ">"),
        ("Points > 15 and Grid <= 9", "9", "<="),
        ("with the given points of 51", "51", "="),
        ("players aged 10 and under", "10", "<="),
        # "and fewer than" opens the next clause's comparison; it says nothing of the 6 before it
        ("points of 6, and fewer than 3 losses", "6", "="),
        ("points of 6 and fewer than 3 losses", "3", "<"),
        # a number that is only part of a longer value is no number of its own
        ("a Record of 15-28", "15", None),
        ("a home team score of 13.17 (95)", "13.17", None),
        ("a home team score of 13.17 (95)", "95", None),
        ("a fee of £8.5m", "8.5", None),
        # the same number compared two ways: undecided
        ("more than 5 wins and fewer than 5 losses", "5", None),
    ],
)
def test_the_stated_comparison_is_read_from_the_words_around_the_number(question: str, number: str,
                                                                        operator: str | None) -> None:
    assert stated_operator(norm(question), number) == operator


def test_occurrences_are_whole_tokens_with_or_without_thousands_separators() -> None:
    text = norm("In 1990, 2,500 fans and 2500 more; 19901 and 1990.5 are other numbers")
    assert len(occurrences(text, "1990")) == 1 and len(occurrences(text, "2500")) == 2
    assert occurrences(text, "abc") == []


@pytest.mark.parametrize(
    ("sql", "question", "fixed"),
    [
        ("SELECT `Team` FROM `Cup` WHERE `Goal` = 17", "Which team has a Goal smaller than 17?",
         "WHERE `Goal` < 17"),
        # a quoted number becomes a number: '50' < '232' would compare text
        ("SELECT COUNT(*) FROM `Cup` WHERE `Team` = 'Elm' AND `Wins` = '6'",
         "How many times did team Elm have 6 or more wins?", "`Wins` >= 6"),
        ("SELECT MAX(`Goal`) FROM `Cup` WHERE `Silver` >= 0", "What's the biggest Goal that has less than 0 Silvers?",
         "`Silver` < 0"),
    ],
)
def test_a_comparison_the_question_states_otherwise_is_named_and_repaired(sql: str, question: str, fixed: str) -> None:
    ctx = _ctx(sql, question)
    verdict = FULL.verify(ctx)
    assert not verdict.approve and verdict.details["rule"] == "operator_not_stated", verdict.feedback
    assert "Write the comparison the question states" in verdict.feedback
    finding = FULL.find(ctx)
    assert finding is not None
    repaired = FULL.revise(ctx, finding)
    assert fixed in _sql(repaired), repaired
    assert FULL.verify(_ctx(_sql(repaired), question)).approve
    assert SQLRuleChecker(check_operators=False).verify(ctx).approve


@pytest.mark.parametrize(
    ("sql", "question"),
    [
        ("SELECT `Team` FROM `Cup` WHERE `Goal` < 17", "Which team has a Goal smaller than 17?"),
        ("SELECT `Team` FROM `Cup` WHERE `Wins` >= 6", "Which team has 6 or more wins?"),
        # "=" is never enforced; a number without comparison words may be compared any way
        ("SELECT `Team` FROM `Cup` WHERE `Points` > 51", "Which team has points of 51?"),
        # the value the question compares belongs to another column: the pairing rule's finding
        ("SELECT `Team` FROM `Cup` WHERE `Goal` = 17 AND `Season` < 2001",
         "Which team has a Season smaller than 2001 and a Goal of 17?"),
        # text values are never compared by this rule
        ("SELECT `Team` FROM `Cup` WHERE `Record` = '15-28'", "Which team has a record less than 15-28?"),
    ],
)
def test_comparisons_as_stated_or_not_stated_pass(sql: str, question: str) -> None:
    verdict = FULL.verify(_ctx(sql, question))
    assert verdict.approve, verdict.feedback


@pytest.mark.parametrize(
    ("sql", "question", "added"),
    [
        ("SELECT SUM(`Try bonus`) FROM `Cup` WHERE `Try bonus` > 0",
         "With the given points of 51, what was the total try bonus?", "AND `Points` = 51"),
        ("SELECT `Team` FROM `Cup` WHERE `Season` < 2001",
         "Which team has a Season smaller than 2001, and Games smaller than 6?", "AND `Games` < 6"),
        ("SELECT MIN(`Goal`) FROM `Cup` WHERE `Team` = 'Elm'", "The least goal for Elm with 11 points?",
         "AND `Points` = 11"),
        # a query shaped as an answer (an aggregate, an ORDER BY) without any condition gets one
        ("SELECT MAX(`Goal`) FROM `Cup`", "What is the biggest Goal that has less than 2 Silvers?",
         "WHERE `Silver` < 2"),
        ("SELECT `Team` FROM `Cup` ORDER BY `Goal` DESC LIMIT 1", "Which team scored the most goals with 3 wins?",
         "WHERE `Wins` = 3 ORDER BY `Goal` DESC LIMIT 1"),
    ],
)
def test_a_dropped_numeric_condition_is_added_back(sql: str, question: str, added: str) -> None:
    ctx = _ctx(sql, question)
    finding = FULL.find(ctx)
    assert finding is not None and finding.rule == "number_not_used" and finding.details["repairable"] is True
    repaired = _sql(FULL.revise(ctx, finding))
    assert repaired.endswith(added), repaired
    assert SQLRuleChecker(check_numbers=False).verify(ctx).approve
    assert FULL.verify(_ctx(repaired, question)).approve


@pytest.mark.parametrize(
    ("sql", "question", "task_type"),
    [
        # an UPDATE's missing number may be a value to set, not a condition
        ("UPDATE `Cup` SET `Goal` = 3 WHERE `Team` = 'Elm'", "Set the goal to 3 and wins to 7 for Elm.", "UPDATE"),
        # the column is already in the statement (a wrong value there is another rule's business)
        ("SELECT `Team` FROM `Cup` WHERE `Points` = 5 AND `Goal` = 2", "Which team has points of 51 and a goal of 2?",
         "other"),
        # part of a longer value, or next to no header
        ("SELECT `Team` FROM `Cup` WHERE `Team` = 'Elm'", "Which team Elm game has a Record of 15-28?", "other"),
        ("SELECT `Team` FROM `Cup` WHERE `Team` = 'Elm'", "Which Elm side scored 7 in the final?", "other"),
    ],
)
def test_no_condition_is_added_where_it_is_not_clear(sql: str, question: str, task_type: str) -> None:
    ctx = _ctx(sql, question, task_type)
    finding = FULL.find(ctx)
    assert finding is not None and finding.rule in ("number_not_used", "value_not_in_question")
    assert not finding.details.get("repairable")
    assert FULL.revise(ctx, finding) == ""


def test_the_sql_builders_return_none_when_there_is_nothing_to_change() -> None:
    assert with_operator("SELECT a FROM t WHERE b = 3", "c", "3", "<") is None
    assert with_operator("SELECT a FROM t WHERE b = 3", "b", "3", "~") is None
    assert with_condition("SELECT a FROM t", "b", "3", "=") == "SELECT a FROM t WHERE `b` = 3"
    assert with_condition("DELETE FROM t WHERE a = 1", "b", "3", "=") is None
    added = with_condition("SELECT a FROM t WHERE a = 1", "b", "2,500", "=")
    assert added == "SELECT a FROM t WHERE a = 1 AND `b` = '2,500'"


@pytest.mark.parametrize("style", ["plain", "crowd"])
def test_a_dropped_gold_condition_is_rebuilt_exactly_or_left_alone(style: str) -> None:
    """Drop each numeric condition of the generator's gold queries in turn (seed 31, extra
    filters): the numbers rule's repair rebuilds the same condition, or does not repair."""
    import sqlglot
    from sqlglot import exp

    from cmat.agents.checkers._sql_compare import comparisons
    from cmat.agents.checkers._sql_numbers import number_not_used
    from cmat.tasks import generate_tasks

    rebuilt = 0
    for entry in generate_tasks(120, seed=31, style=style, more_conditions=0.5):
        if "sql" not in entry:
            continue
        table = entry["table"]
        schema = {table["table_name"]: [c["name"] for c in table["table_info"]["columns"]]}
        gold = sqlglot.parse_one(entry["sql"]["query"], read="mysql")
        for index, (node, column, literal) in enumerate(comparisons(gold)):
            dropped = gold.copy()
            target = comparisons(dropped)[index][0]
            if not isinstance(target.parent, exp.And):
                continue
            pair = target.parent
            pair.replace(pair.expression if pair.this is target else pair.this)
            finding = number_not_used(dropped, entry["description"], schema)
            if finding is None or not finding.details.get("repairable"):
                continue
            fixed = with_condition(dropped.sql(dialect="mysql"), str(finding.details["column"]),
                                   str(finding.details["number"]), str(finding.details["operator"]))
            assert fixed is not None
            back = [c for c in comparisons(sqlglot.parse_one(fixed, read="mysql")) if c[1].name == column.name]
            assert len(back) == 1 and type(back[0][0]) is type(node), (entry["description"], fixed)
            assert float(str(back[0][2].this).replace(",", "")) == float(str(literal.this).replace(",", ""))
            rebuilt += 1
    assert rebuilt >= 5, rebuilt
