"""The ranking rule (``_sql_ranking``): a question for the row with the most or least of a header
is answered by ordering on it; on the held-out set 7400 queries it was written from, and on the
query scan."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from checker_helpers import load_script

from cmat.agents.checker_base import CheckContext
from cmat.agents.checkers import SQLRuleChecker
from cmat.agents.checkers._sql_text import Finding
from cmat.envs.base import Task
from cmat.envs.dbbench.data import SELECT_TYPES
from cmat.envs.dbbench.env import DBBenchEnv
from cmat.tasks import generate_tasks

FULL = SQLRuleChecker()
QUERY_TYPES = ["other", "counting", "comparison", "ranking", "aggregation-SUM", "aggregation-MIN",
               "aggregation-MAX", "aggregation-AVG"]


@pytest.fixture(scope="module")
def heldout() -> list[dict[str, object]]:
    """The 20 queries of held-out set 7400 (``benchmarks/heldout_dbbench.py``)."""
    return generate_tasks(20, 7401, QUERY_TYPES, style="crowd", more_conditions=0.5)


def _env(entry: dict[str, object]) -> Iterator[tuple[Task, DBBenchEnv]]:
    task = Task("0", "dbbench", str(entry["type"][0]), entry)  # type: ignore[index]
    env = DBBenchEnv()
    env.reset(task)
    yield task, env
    env.close()


def _check(task: Task, env: DBBenchEnv, sql: str, checker: SQLRuleChecker = FULL) -> tuple[Finding | None, str]:
    reply = f"Let me look.\nAction: Operation\n```sql\n{sql}\n```"
    ctx = CheckContext(task, str(task.data["description"]), [], reply, env.parse(reply), env.name, env.schema(),
                       env.dry_run, env.peek)
    finding = checker.find(ctx)
    fixed = checker.revise(ctx, finding) if finding else ""
    return finding, env.parse(fixed).content.strip() if fixed else ""


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
    for task, env in _env(heldout[index]):
        finding, fixed = _check(task, env, sql)
        assert finding is not None and finding.rule == "ranking_without_order"
        assert fixed == sql.rstrip(";") + " " + order
        assert [str(r[0]) for r in env.peek(fixed) or []] == task.data["label"]


def test_the_ranking_repair_chains_after_the_condition_repairs(heldout: list[dict[str, object]]) -> None:
    """"which title has the largest no. of tracks (2008–09) for record label (2007–08) of tinfoil
    records ...": the label's value is repaired first (``_sql_unmatched``), then the order, as a
    number where text order would pick another row."""
    for task, env in _env(heldout[10]):
        _, fixed = _check(task, env, "SELECT `Title` FROM `Abena_Horvath_discography` WHERE "
                                     "`Record label (2007–08)` = '2008–09' AND `Peak chart position (UK)` > 34")
        assert fixed.endswith("ORDER BY `No. of tracks (2008–09)` + 0 DESC LIMIT 1;")
        assert [str(r[0]) for r in env.peek(fixed) or []] == task.data["label"]


def test_no_ranking_without_a_superlative_on_a_header_or_with_an_order(heldout: list[dict[str, object]]) -> None:
    """A query that orders or aggregates is left alone, a word of time orders only a header of
    years or dates, and the rule switches off."""
    for task, env in _env(heldout[17]):
        base = "SELECT `Species` FROM `Species_recorded_in_Falholm_Reserve` WHERE `Main habitat` = 'Savanna'"
        for sql in (base + " ORDER BY `Population estimate` ASC LIMIT 1;",
                    "SELECT MIN(`Population estimate`) FROM `Species_recorded_in_Falholm_Reserve` "
                    "WHERE `Main habitat` = 'Savanna';"):
            assert _check(task, env, sql)[0] is None, sql
        found, _ = _check(task, env, base + ";", SQLRuleChecker(check_ranking=False))
        assert found is None
    for word, flagged in (("earliest", False), ("smallest", True)):
        entry = {**heldout[17], "description": f"Give the Species with the {word} Population estimate."}
        for task, env in _env(entry):
            found, _ = _check(task, env, "SELECT `Species` FROM `Species_recorded_in_Falholm_Reserve`;")
            assert (found is not None and found.rule == "ranking_without_order") is flagged, word


def test_scan_ranking_queries_without_their_order_are_repaired_right() -> None:
    """The query scan on a seed used nowhere else (96): a gold ranking query stripped of its ORDER
    BY and LIMIT is repaired to the gold rows, and no gold query is rejected."""
    scan = load_script("scan_query_rules")
    counts: Counter[str] = Counter()
    for style in ("plain", "crowd"):
        entries = generate_tasks(60, seed=96, style=style, more_conditions=0.5, types=list(SELECT_TYPES))
        scan.scan(scan._query_tasks(entries), counts, "gold", corrupt=True)
    assert not counts["gold.rejected"], counts
    assert counts["ranking.caught"] >= 0.8 * counts["ranking.cases"] > 5, counts
    assert counts["ranking.repaired_right"] == counts["ranking.caught"], counts
