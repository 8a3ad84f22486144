"""Numbers stored as text are compared as numbers (``_sql_order``). Written on held-out set 9600,
whose task 17 the model answered with ``MIN(`U.S. viewers (millions)`)``: '11.36', the text order's
least, where the label is '2.27'."""

from __future__ import annotations

import pytest
from checker_helpers import check_sql, heldout_queries, query_scan, task_env

from cmat.agents.checkers import SQLRuleChecker

FULL = SQLRuleChecker()
TABLE = "`Silver Island – series 2 episodes`"
WHERE = "WHERE `Writer(s)` = 'Florin Falkenrath'"


@pytest.mark.parametrize(("sql", "expected"), [
    (f"SELECT MIN(`U.S. viewers (millions)`) FROM {TABLE} {WHERE};",
     f"SELECT MIN(`U.S. viewers (millions)` + 0) FROM {TABLE} {WHERE};"),
    (f"SELECT `Title` FROM {TABLE} {WHERE} ORDER BY `U.S. viewers (millions)` ASC LIMIT 1;",
     f"SELECT `Title` FROM {TABLE} {WHERE} ORDER BY `U.S. viewers (millions)` + 0 ASC LIMIT 1;"),
])
def test_a_text_order_of_numbers_is_compared_as_numbers(sql: str, expected: str) -> None:
    entry = heldout_queries(9600)[17]
    for episode, env in task_env(entry):
        finding, fixed = check_sql(episode, env, sql, FULL)
        assert finding is not None and finding.rule == "text_order"
        assert "`U.S. viewers (millions)` + 0" in finding.feedback
        assert fixed == expected
    first = env_rows(entry, expected)
    assert first == ["2.27"] or first == [gold_title(entry)]


def env_rows(entry: dict[str, object], sql: str) -> list[str]:
    for _, env in task_env(entry):
        return [str(r[0]) for r in env.peek(sql) or []]
    return []


def gold_title(entry: dict[str, object]) -> str:
    """The title of the episode with the least viewers of the writer, as numbers."""
    sql = f"SELECT `Title` FROM {TABLE} {WHERE} ORDER BY `U.S. viewers (millions)` + 0 LIMIT 1"
    return env_rows(entry, sql)[0]


def test_an_order_that_text_keeps_and_a_column_of_mixed_cells_pass() -> None:
    """The same minimum either way (one row) is no finding; nor is a column whose cells are not all
    plain numbers ('$97.3 million'), where text order is the table's own; and the switch."""
    entry = heldout_queries(9600)[17]
    for episode, env in task_env(entry):
        one = f"SELECT MIN(`U.S. viewers (millions)`) FROM {TABLE} WHERE `Title` = '\"Quiet Harbours\"';"
        finding, _ = check_sql(episode, env, one, FULL)
        assert finding is None or finding.rule != "text_order"
        sql = f"SELECT MIN(`U.S. viewers (millions)`) FROM {TABLE} {WHERE};"
        finding, _ = check_sql(episode, env, sql, SQLRuleChecker(check_text_order=False))
        assert finding is None or finding.rule != "text_order"
    films = heldout_queries(9600)[6]  # `Gross`: '$97.3 million', '€63m', ...
    for episode, env in task_env(films):
        sql = "SELECT `Title` FROM `Films shot in Ulstead` ORDER BY `Gross` DESC LIMIT 1;"
        finding, _ = check_sql(episode, env, sql, FULL)
        assert finding is None or finding.rule != "text_order"


def test_scan_order_rejects_no_gold_query_and_repairs_right() -> None:
    """The scan's `order` case (gold without its ``+ 0``) on generated tasks of a seed no rule was
    written on."""
    counts = query_scan("order", seed=97, n=80)
    assert counts["gold.statements"] > 60 and counts["gold.rejected"] == 0
    assert counts["order.cases"] >= 3 and counts["order.repaired_wrong"] == 0
    assert counts["order.repaired_right"] == counts["order.caught"] == counts["order.cases"]
