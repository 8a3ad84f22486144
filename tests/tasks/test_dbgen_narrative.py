"""INSERTs told as sentences (``generate_tasks(..., narrative=p)``, :class:`Shape`): every value
stated verbatim, in header order, many without their header; nothing changes when it is off."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from cmat.cli.main import main
from cmat.errors import ConfigError
from cmat.tasks import generate_tasks
from cmat.tasks.dbgen.text import literal

_VALUES = re.compile(r"'((?:[^']|'')*)'")


def _row(entry: dict[str, Any]) -> list[str]:
    """The values of a generated INSERT's gold statement, in header order."""
    values = entry["label"][0].split(" VALUES ", 1)[1]
    return [v.replace("''", "'") for v in _VALUES.findall(values)]


@pytest.fixture(scope="module")
def told() -> list[dict[str, Any]]:
    return generate_tasks(40, seed=12, types=["INSERT"], style="crowd", narrative=1.0)


def test_off_by_default_and_zero_draws_nothing() -> None:
    for style in ("plain", "crowd"):
        default = generate_tasks(30, seed=4, types=["INSERT", "UPDATE", "DELETE"], style=style)
        assert json.dumps(default) == json.dumps(
            generate_tasks(30, seed=4, types=["INSERT", "UPDATE", "DELETE"], style=style, narrative=0.0))


def test_every_value_is_stated_verbatim_in_header_order(told: list[dict[str, Any]]) -> None:
    for entry in told:
        question, row = entry["description"], _row(entry)
        assert len(row) == len(entry["table"]["table_info"]["columns"])
        at = 0
        for value in row:  # each value verbatim, after the one before it
            found = question.find(value, at)
            assert found >= 0, (value, question)
            at = found + len(value)


def test_many_values_go_without_their_header(told: list[dict[str, Any]]) -> None:
    """The point of the form: the header of a bare value must be found from its place and look."""
    named = unnamed = 0
    for entry in told:
        question = entry["description"].lower()
        for column in entry["table"]["table_info"]["columns"]:
            if column["name"].lower() in question:
                named += 1
            else:
                unnamed += 1
    assert unnamed > 0.3 * (named + unnamed)
    pairs = generate_tasks(40, seed=12, types=["INSERT"], style="plain")
    assert all(" VALUES " in e["label"][0] for e in pairs)
    assert [e["description"] for e in pairs] != [e["description"] for e in told]


def test_a_share_of_inserts_only() -> None:
    tasks = generate_tasks(60, seed=8, types=["INSERT", "UPDATE"], narrative=0.5)
    plain = generate_tasks(60, seed=8, types=["INSERT", "UPDATE"])
    changed = [a["type"][0] for a, b in zip(tasks, plain, strict=True) if a["description"] != b["description"]]
    assert changed and set(changed) == {"INSERT"}
    assert 0.2 < len(changed) / sum(t["type"][0] == "INSERT" for t in tasks) < 0.8


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_out_of_range_is_a_config_error(bad: float) -> None:
    with pytest.raises(ConfigError, match="narrative"):
        generate_tasks(3, seed=1, narrative=bad)


def test_gen_tasks_cli_passes_the_option(tmp_path: Path) -> None:
    out = tmp_path / "tasks.jsonl"
    args = ["--n", "12", "--seed", "3", "--types", "INSERT", "--out", str(out)]
    assert main(["gen-tasks", *args, "--narrative", "1"]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows == generate_tasks(12, seed=3, types=["INSERT"], narrative=1.0)
    assert main(["gen-tasks", *args, "--narrative", "2"]) == 2


def test_literal_round_trip() -> None:
    """The gold reader above undoes :func:`literal`."""
    assert _VALUES.findall(literal("Men's Doubles"))[0].replace("''", "'") == "Men's Doubles"
