"""The numbers rule (``_sql_numbers``): a number the question states and a statement with
conditions leaves out is a dropped condition; and rule checks can be switched off by name."""

from __future__ import annotations

import pytest
from checker_helpers import make_ctx, operation

from cmat.agents.checker_base import Verdict
from cmat.agents.checkers import SQLRuleChecker, make_checker, rule_switches
from cmat.errors import ConfigError

SCHEMA = {"School results": ["School", "Enrolment 2004", "Gold", "Silver", "Rank", "Date", "Outcome (2007)",
                             "Focus_2022"]}
FULL = SQLRuleChecker()


def _verdict(sql: str, question: str, checker: SQLRuleChecker = FULL) -> Verdict:
    return checker.verify(make_ctx(operation(sql), schema=SCHEMA, data={"description": question}))


@pytest.mark.parametrize(
    ("sql", "question", "number"),
    [  # a dropped condition, a value cut short, a dropped bound
        ("SELECT `School` FROM `School results` WHERE `Gold` = 3", "Which school has 3 gold and 2 silver?", "2"),
        ("SELECT `School` FROM `School results` WHERE `Rank` = '13.17'", "Which school ranks 13.17 (95)?", "95"),
        ("SELECT COUNT(*) FROM `School results` WHERE `Gold` > 4 AND `School` = 'Elm'",
         "How many Elm results have more than 4 gold and fewer than 12 silver?", "12"),
        ("UPDATE `School results` SET `Gold` = 5 WHERE `School` = 'Elm'",
         "Set gold to 5 for Elm where silver is 2,500.", "2,500"),
    ],
)
def test_a_number_the_statement_leaves_out_is_named(sql: str, question: str, number: str) -> None:
    verdict = _verdict(sql, question)
    assert not verdict.approve and verdict.details["rule"] == "number_not_used" and verdict.details["number"] == number
    assert f"states the number {number}, but your statement does not use it" in verdict.feedback
    assert _verdict(sql, question, SQLRuleChecker(check_numbers=False)).approve


@pytest.mark.parametrize(
    ("sql", "question"),
    [
        ("SELECT `School` FROM `School results` WHERE `Gold` = 3 AND `Silver` = 2",
         "Which school has 3 gold and 2 silver?"),
        ("SELECT `School` FROM `School results` WHERE `Gold` = 3.0 AND `Silver` > 2500",
         "Which school has 3 gold and silver over 2,500?"),
        # inside a string literal; part of a header; 0 and 1; a LIMIT
        ("SELECT `School` FROM `School results` WHERE `Date` = 'August 15, 2000'", "Which school on August 15, 2000?"),
        ("SELECT MAX(`Enrolment 2004`) FROM `School results` WHERE `Outcome (2007)` = 'Won'",
         "Highest enrolment 2004 when outcome (2007) is won?"),
        ("SELECT `School` FROM `School results` WHERE `Focus_2022` = 'Art'", "Which school has a Focus 2022 of art?"),
        ("SELECT `School` FROM `School results` WHERE `Gold` = 0", "Which school has 0 gold, rank 1?"),
        ("SELECT `School` FROM `School results` WHERE `Gold` > 2 ORDER BY `Rank` LIMIT 3",
         "The top 3 schools with more than 2 gold?"),
        # no conditions: exploring, or an INSERT whose question counts its columns
        ("SELECT * FROM `School results` LIMIT 5", "Which school has 3 gold and 2 silver?"),
        ("INSERT INTO `School results` (`School`, `Gold`) VALUES ('Elm', '7')",
         "Insert into the table with 2 columns: School is Elm, Gold is 7."),
    ],
)
def test_numbers_that_are_used_or_not_asked_for_pass(sql: str, question: str) -> None:
    verdict = _verdict(sql, question)
    assert verdict.approve, verdict.feedback


def test_rule_checks_switch_off_by_name() -> None:
    switches = ["answers", "asked", "assignments", "bounds", "changes", "counts", "entity", "headers", "inserts",
                "kind", "locate", "lookup", "mentions", "numbers", "operators", "pairing", "ranking", "record",
                "repeats", "sets", "text_order", "unmatched", "values", "words"]
    assert rule_switches(SQLRuleChecker()) == switches
    checker = make_checker("rule", env="dbbench", rules_off=["numbers", "values"])
    assert isinstance(checker, SQLRuleChecker)
    assert not checker.check_numbers and not checker.check_values and checker.check_repeats
    chained = make_checker("rule+llm", env="dbbench", rules_off=["repeats"])
    assert not chained.checkers[0].check_repeats  # type: ignore[union-attr]
    os_checker = make_checker("rule", env="os", rules_off=["repeats"])
    assert not os_checker.check_repeats  # type: ignore[union-attr]
    checks = ("answers, asked, assignments, bounds, changes, counts, entity, headers, inserts, kind, locate, "
              "lookup, mentions, numbers, operators, pairing, ranking, record, repeats, sets, text_order, unmatched, "
              "values, words")
    with pytest.raises(ConfigError, match=rf"no check .number.; checks: {checks}"):
        make_checker("rule", env="dbbench", rules_off=["number"])
    with pytest.raises(ConfigError, match="only be switched off with a rule checker"):
        make_checker("none", env="dbbench", rules_off=["numbers"])


def test_the_eval_help_names_every_rule_switch() -> None:
    from dataclasses import fields

    from cmat.agents.checkers.shell_rule import ShellRuleChecker
    from cmat.evaluation.run import EvalConfig

    help_text = next(f.metadata["help"] for f in fields(EvalConfig) if f.name == "checker_off")
    dbbench, os_part = help_text.split("dbbench: ")[1].split("; os: ")
    assert dbbench.split(", ") == rule_switches(SQLRuleChecker())
    assert os_part.split(")")[0].split(", ") == rule_switches(ShellRuleChecker())
