"""Crowd-style questions (``generate_tasks(..., style="crowd")``): loose but unambiguous column
names, values a question states, and plain generation left exactly as it was."""

from __future__ import annotations

import hashlib
import json
import re
from random import Random
from typing import Any

import pytest

from cmat.errors import ConfigError
from cmat.tasks import generate_tasks
from cmat.tasks.dbgen.tables import build_table
from cmat.tasks.dbgen.text import Style, loose_aliases, loose_names

MUTATIONS = ("INSERT", "UPDATE", "DELETE")
# generate_tasks(40, seed=2), plain: the seeds in docs/results.md must keep producing the same tasks.
PLAIN_SEED2_SHA256 = "cde2f7b1d648c641b4ab2c9d58024e15f76469957ef6a45b818b395cb80ac8da"


def _columns_named(entries: list[dict[str, Any]]) -> tuple[float, float]:
    """Over the columns in the gold SQL of the query tasks: the fraction the question names
    verbatim, and the fraction it names in any letter case."""
    exact = any_case = total = 0
    for entry in entries:
        if entry["type"][0] in MUTATIONS:
            continue
        question = entry["description"]
        for name in set(re.findall(r"`([^`]+)`", entry["sql"]["query"])) - {entry["table"]["table_name"]}:
            total += 1
            exact += name in question
            any_case += name.lower() in question.lower()
    return exact / total, any_case / total


def test_plain_generation_is_unchanged_and_is_the_default() -> None:
    tasks = generate_tasks(40, seed=2)
    assert hashlib.sha256(json.dumps(tasks).encode()).hexdigest() == PLAIN_SEED2_SHA256
    assert json.dumps(generate_tasks(20, seed=9, style="plain")) == json.dumps(generate_tasks(20, seed=9))


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown question style 'casual'; valid: plain, crowd"):
        generate_tasks(3, seed=1, style="casual")


def test_crowd_questions_name_columns_loosely(tasks: list[dict[str, Any]],
                                              crowd_tasks: list[dict[str, Any]]) -> None:
    plain_exact, plain_any = _columns_named(tasks)
    crowd_exact, crowd_any = _columns_named(crowd_tasks)
    assert plain_any > 0.9 and crowd_any < 0.85
    assert crowd_exact < plain_exact - 0.2
    assert [t["sql"] for t in tasks if "sql" in t] != [t["sql"] for t in crowd_tasks if "sql" in t]


def test_crowd_questions_read_like_crowd_questions(crowd_tasks: list[dict[str, Any]]) -> None:
    questions = [t["description"] for t in crowd_tasks]
    assert sum(q[0].islower() for q in questions) > 0.15 * len(questions)
    assert sum(not q.endswith(("?", ".")) for q in questions) > 0.05 * len(questions)
    assert sum(" when " in q for q in questions) > 0.1 * len(questions)
    assert any(re.search(r"has what \w", q) for q in questions)  # the condition stated first


def test_mutations_keep_their_values_verbatim(crowd_tasks: list[dict[str, Any]]) -> None:
    """The table hash judges every byte, so an INSERT states each value exactly as stored."""
    for entry in crowd_tasks:
        if entry["type"][0] == "INSERT":
            values = re.findall(r"'((?:[^']|'')*)'", entry["label"][0].split("VALUES", 1)[1])
            assert all(v.replace("''", "'") in entry["description"] for v in values), entry["description"]


def test_loose_names_drop_units_and_keep_only_real_alternatives() -> None:
    assert loose_names("Area (km²)", ()) == (["Area"], [])
    assert loose_names("Pos.", ("Position", "P")) == (["Pos"], ["Position"])
    assert loose_names("Length_(km)", ()) == (["Length"], [])
    assert loose_names("Match No.", ("Game",)) == (["Match No"], ["Game"])
    assert loose_names("No. of platforms", ()) == (["number of platforms"], [])
    assert loose_names("Team", ("Club",)) == ([], ["Club"])


def test_a_loose_alias_never_fits_another_column() -> None:
    checked = 0
    for seed in range(300):
        rng = Random(seed)
        table = build_table(rng)
        if table is None:
            continue
        aliases = dict(loose_aliases(rng, table))
        headers = [c.name.lower() for c in table.columns]
        assert len({a.lower() for a in aliases.values()}) == len(aliases)
        for column, alias in aliases.items():
            checked += 1
            others = [h for h in headers if h != column.lower()]
            assert alias.lower() not in headers
            assert not any(alias.lower() in h or h in alias.lower() for h in others), (alias, headers)
            assert Style(crowd=True, aliases=tuple(aliases.items())).col(column) == alias
    assert checked > 200
