"""Extra query filters (``generate_tasks(..., more_conditions=p)``, :class:`Shape`): more
conditions per query, each one stated in the question, and nothing changes when it is off."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from cmat.cli.main import main
from cmat.errors import ConfigError
from cmat.tasks import generate_tasks
from cmat.tasks.dbgen.queries import Shape

QUERY_TYPES = ["other", "counting", "comparison", "ranking", "aggregation-SUM", "aggregation-MIN",
               "aggregation-MAX", "aggregation-AVG"]
_EQ = re.compile(r"`([^`]+)` = '((?:[^']|'')*)'")


def _conditions(entry: dict[str, Any]) -> int:
    sql = entry["sql"]["query"]
    return sql.count(" AND ") + (" WHERE " in sql)


def test_off_by_default_and_zero_draws_nothing() -> None:
    plain = generate_tasks(40, seed=2, types=QUERY_TYPES, style="crowd")
    assert json.dumps(plain) == json.dumps(generate_tasks(40, seed=2, types=QUERY_TYPES, style="crowd",
                                                          more_conditions=0.0))
    assert Shape() == Shape(more=0.0)


def test_extra_filters_raise_the_condition_count(multi_tasks: list[dict[str, Any]],
                                                 crowd_tasks: list[dict[str, Any]]) -> None:
    def multi(tasks: list[dict[str, Any]]) -> float:
        queries = [t for t in tasks if "sql" in t]
        return sum(_conditions(t) >= 2 for t in queries) / len(queries)

    assert multi(crowd_tasks) < 0.2
    assert multi(multi_tasks) > 0.4
    assert max(_conditions(t) for t in multi_tasks if "sql" in t) >= 3


def test_every_equality_value_is_stated_in_the_question(multi_tasks: list[dict[str, Any]]) -> None:
    """A condition the question does not state could not be found; the model must see each one."""
    for entry in multi_tasks:
        if "sql" not in entry:
            continue
        for _column, value in _EQ.findall(entry["sql"]["query"]):
            assert value.replace("''", "'").lower() in entry["description"].lower(), entry["description"]


@pytest.mark.parametrize("bad", [-0.1, 1.0, 2.0])
def test_out_of_range_is_a_config_error(bad: float) -> None:
    with pytest.raises(ConfigError, match="more_conditions"):
        generate_tasks(3, seed=1, more_conditions=bad)


def test_gen_tasks_cli_passes_the_option(tmp_path: Path) -> None:
    out = tmp_path / "tasks.jsonl"
    args = ["--n", "30", "--seed", "3", "--style", "crowd", "--types", *QUERY_TYPES, "--out", str(out)]
    assert main(["gen-tasks", *args, "--more-conditions", "0.6"]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    expected = generate_tasks(30, seed=3, types=QUERY_TYPES, style="crowd", more_conditions=0.6)
    assert rows == expected
    assert rows != generate_tasks(30, seed=3, types=QUERY_TYPES, style="crowd")
    assert main(["gen-tasks", *args, "--more-conditions", "1.5"]) == 2  # a clear error, not a traceback
