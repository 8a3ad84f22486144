"""The complete-answer rule (``_sql_answers.answer_incomplete``): after a query that only filters,
the answer is every value it returned, and the Checker can write that answer itself."""

from __future__ import annotations

import re

import pytest
from checker_helpers import answer, history, make_ctx, operation

from cmat.agents.checkers import SQLRuleChecker
from cmat.envs.dbbench.env import parse_reply
from cmat.evaluation.dbbench_scoring import select_correct

FULL = SQLRuleChecker()
FILTER = operation("SELECT `Call sign` FROM `Radio Stations` WHERE `Class` = 'D'")


def test_a_part_of_a_filtered_result_is_completed() -> None:
    ctx = make_ctx(answer('["K255AZ"]'), conversation=history((FILTER, "[('K255AZ',), ('K228EE',), ('K255AZ',)]")))
    verdict = FULL.verify(ctx)
    assert not verdict.approve and verdict.details["rule"] == "answer_incomplete"
    assert "leaves out 'K228EE'" in verdict.feedback and "2 different values" in verdict.feedback
    fixed = parse_reply(verdict.revision)
    assert fixed.kind == "answer" and fixed.content.strip() == '["K255AZ", "K228EE"]'
    assert verdict.revision.startswith("Done.\nAction: Answer")  # the thought is kept
    assert select_correct(fixed.content, ["K255AZ", "K228EE"])
    assert FULL.verify(make_ctx(verdict.revision, conversation=ctx.conversation)).approve


@pytest.mark.parametrize(
    ("query", "result", "reply"),
    [
        # the whole result, in any order or number spelling (letter case: test_a_value_is_written_as_...)
        (FILTER, "[('K255AZ',), ('K228EE',)]", answer('["K228EE", "K255AZ"]')),
        (FILTER, "[(26,), (27,)]", answer('["26.0", "27"]')),
        # a query that singles rows out (ORDER BY, LIMIT, an aggregate, GROUP BY): one may be the answer
        (operation("SELECT `Call sign` FROM `Radio Stations` ORDER BY `Rank` DESC"), "[('K1',), ('K2',)]",
         answer('["K1"]')),
        (operation("SELECT `Call sign` FROM `Radio Stations` WHERE `Class` = 'D' LIMIT 5"), "[('K1',), ('K2',)]",
         answer('["K2"]')),
        (operation("SELECT `Class`, COUNT(*) FROM `Radio Stations` GROUP BY `Class`"), "[('D', 2), ('A', 1)]",
         answer('["D"]')),
        # several columns, or more rows than an answer should list: not completed
        (operation("SELECT `Call sign`, `Class` FROM `Radio Stations` WHERE `Class` = 'D'"),
         "[('K1', 'D'), ('K2', 'D')]", answer('["K1"]')),
        (FILTER, "[" + ", ".join(f"('K{i}',)" for i in range(40)) + "]", answer('["K1"]')),
    ],
)
def test_complete_answers_and_singled_out_rows_pass(query: str, result: str, reply: str) -> None:
    assert FULL.verify(make_ctx(reply, conversation=history((query, result)))).approve


def test_the_rule_switches_off_with_the_answer_check() -> None:
    ctx = make_ctx(answer('["K1"]'), conversation=history((FILTER, "[('K1',), ('K2',)]")))
    assert SQLRuleChecker(check_answers=False).verify(ctx).approve


@pytest.mark.parametrize(("written", "plain"), [("32,502", "32502"), ("1,234,567.5", "1234567.5"), ("-4,000", "-4000")])
def test_one_number_with_thousands_separators_is_written_plainly(written: str, plain: str) -> None:
    query = operation("SELECT MAX(`Rank`) FROM `Radio Stations`")
    ctx = make_ctx(answer(f'["{written}"]'), conversation=history((query, f"[('{written}',)]")))
    verdict = FULL.verify(ctx)
    assert not verdict.approve and verdict.details["rule"] == "answer_grouped_number"
    assert parse_reply(verdict.revision).content.strip() == f'["{plain}"]'
    assert select_correct(parse_reply(verdict.revision).content, [f"{plain}.0" if "." not in plain else plain])
    assert not select_correct(f'["{written}"]', [f"{plain}.0"])  # why: AgentBench compares one value as floats


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ('["2,5"]', "[('2,5',)]"),
        ('["12,34"]', "[('12,34',)]"),
        ('["1,000", "2,000"]', "[('1,000',), ('2,000',)]"),  # several values are compared as text
        ('["May 4, 2001"]', "[('May 4, 2001',)]"),
        ('["32502"]', "[('32,502',)]"),
    ],
)
def test_other_numbers_and_lists_keep_their_form(text: str, result: str) -> None:
    ctx = make_ctx(answer(text), conversation=history((operation("SELECT `Rank` FROM `Radio Stations`"), result)))
    assert FULL.verify(ctx).approve, FULL.verify(ctx).feedback


@pytest.mark.parametrize(("text", "result", "fixed"), [
    # held-out set 10400, task 19: "What Title has a Viewers (millions) fewer than 3.01?"
    ('["Electric Orchard"]', "[('\"Electric Orchard\"',)]", '["\\"Electric Orchard\\""]'),
    ('["k255az"]', "[('K255AZ',)]", '["K255AZ"]'),
    ('["k228ee", "K255AZ"]', "[('K255AZ',), ('K228EE',)]", '["K228EE", "K255AZ"]'),
])
def test_a_value_is_written_as_the_result_writes_it(text: str, result: str, fixed: str) -> None:
    ctx = make_ctx(answer(text), conversation=history((operation("SELECT `Call sign` FROM `Radio Stations` WHERE "
                                                                 "`Class` = 'D' LIMIT 1"), result)))
    verdict = FULL.verify(ctx)
    assert not verdict.approve and verdict.details["rule"] == "answer_not_as_stored"
    assert "quotes and letter case included" in verdict.feedback
    assert parse_reply(verdict.revision).content.strip() == fixed
    label = re.findall(r"\('(.*?)',\)", result)
    assert select_correct(fixed, label) and not select_correct(text, label)  # AgentBench compares text as written
    assert FULL.verify(make_ctx(verdict.revision, conversation=ctx.conversation)).approve
    assert SQLRuleChecker(check_answers=False).verify(ctx).approve
