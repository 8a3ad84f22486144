"""The ranking rule (``_sql_ranking``): a question for the row with the most or least of a header
is answered by ordering on it; on the held-out set 7400 queries it was written from, and on the
query scan."""

from __future__ import annotations

import pytest
from checker_helpers import check_sql, heldout_queries, task_env

from cmat.agents.checkers import SQLRuleChecker

FULL = SQLRuleChecker()


@pytest.fixture(scope="module")
def heldout() -> list[dict[str, object]]:
    """The 20 queries of held-out set 7400 (``benchmarks/heldout_dbbench.py``)."""
    return heldout_queries(7400)


@pytest.mark.parametrize(("index", "sql", "order"), [
    (17, "SELECT `Species` FROM `Species_recorded_in_Falholm_Reserve` WHERE `Main habitat` = 'Savanna';",
     "ORDER BY `Population estimate` ASC LIMIT 1;"),  # "the lowest Population estimate"
    (5, "SELECT `Species` FROM `List_of_orchids_of_Malaysia` WHERE `Conservation status` = 'least concern';",
     "ORDER BY `Year described` ASC LIMIT 1;"),  # "the oldest year described"; "least concern" is a cell
])
def test_a_superlative_before_a_header_orders_on_it(heldout: list[dict[str, object]], index: int, sql: str,
                                                    order: str) -> None:
    """The adapter's queries for two ranking tasks of set 7400 list every matching row; the repair
    orders on the header the superlative names and keeps one row: the gold answer."""
    for task, env in task_env(heldout[index]):
        finding, fixed = check_sql(task, env, sql, FULL)
        assert finding is not None and finding.rule == "ranking_without_order"
        assert fixed == sql.rstrip(";") + " " + order
        assert [str(r[0]) for r in env.peek(fixed) or []] == task.data["label"]


def test_the_ranking_repair_chains_after_the_condition_repairs(heldout: list[dict[str, object]]) -> None:
    """"which title has the largest no. of tracks (2008–09) for record label (2007–08) of tinfoil
    records ...": the label's value is repaired first (``_sql_unmatched``), then the order, as a
    number where text order would pick another row."""
    for task, env in task_env(heldout[10]):
        sql = ("SELECT `Title` FROM `Abena_Horvath_discography` WHERE `Record label (2007–08)` = '2008–09' "
               "AND `Peak chart position (UK)` > 34")
        _, fixed = check_sql(task, env, sql, FULL)
        assert fixed.endswith("ORDER BY `No. of tracks (2008–09)` + 0 DESC LIMIT 1;")
        assert [str(r[0]) for r in env.peek(fixed) or []] == task.data["label"]


def test_no_ranking_without_a_superlative_on_a_header_or_with_an_order(heldout: list[dict[str, object]]) -> None:
    """A query that orders or aggregates is left alone, a word of time orders only a header of
    years or dates, and the rule switches off."""
    for task, env in task_env(heldout[17]):
        base = "SELECT `Species` FROM `Species_recorded_in_Falholm_Reserve` WHERE `Main habitat` = 'Savanna'"
        for sql in (base + " ORDER BY `Population estimate` ASC LIMIT 1;",
                    "SELECT MIN(`Population estimate`) FROM `Species_recorded_in_Falholm_Reserve` "
                    "WHERE `Main habitat` = 'Savanna';"):
            # the minimum of `Population estimate` answers with another column than the asked
            # `Species`: the asked rule's (``test_sql_asked.py``), not this one's
            assert check_sql(task, env, sql, SQLRuleChecker(check_asked=False))[0] is None, sql
        found, _ = check_sql(task, env, base + ";", SQLRuleChecker(check_ranking=False))
        assert found is None
    for word, flagged in (("earliest", False), ("smallest", True)):
        entry = {**heldout[17], "description": f"Give the Species with the {word} Population estimate."}
        for task, env in task_env(entry):
            found, _ = check_sql(task, env, "SELECT `Species` FROM `Species_recorded_in_Falholm_Reserve`;", FULL)
            assert (found is not None and found.rule == "ranking_without_order") is flagged, word
