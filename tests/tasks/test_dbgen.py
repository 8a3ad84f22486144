"""The DB task generator: format, determinism, coverage, realism and verified gold answers."""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cmat.envs.base import Task
from cmat.envs.dbbench.data import default_dev_path, load_dbbench
from cmat.envs.dbbench.env import DBBenchEnv, gold_replies
from cmat.errors import ConfigError
from cmat.tasks import ALL_TYPES, generate_tasks, write_jsonl

MUTATIONS = ("INSERT", "UPDATE", "DELETE")


def _dev_keys() -> dict[bool, set[str]]:
    entries = [json.loads(line) for line in default_dev_path().read_text().splitlines() if line.strip()]
    return {m: {k for e in entries if (e["type"][0] in MUTATIONS) == m for k in e} for m in (False, True)}


def _replay(entry: dict[str, Any], replies: list[str]) -> tuple[bool, list[str]]:
    """Run ``replies`` in a fresh environment: (judged correct, observations)."""
    env = DBBenchEnv()
    observations = []
    try:
        env.reset(Task("0", "dbbench", entry["type"][0], entry))
        for reply in replies:
            result = env.step(reply)
            if result.done:
                return env.evaluate().correct, observations
            observations.append(result.observation or "")
        return False, observations
    finally:
        env.close()


def test_same_seed_same_tasks_other_seed_other_tasks() -> None:
    first, again, other = generate_tasks(30, seed=5), generate_tasks(30, seed=5), generate_tasks(30, seed=6)
    assert json.dumps(first) == json.dumps(again)
    assert [t["description"] for t in first] != [t["description"] for t in other]


def test_every_type_is_produced_and_types_can_be_chosen(tasks: list[dict[str, Any]]) -> None:
    counts = Counter(t["type"][0] for t in tasks)
    assert set(counts) == set(ALL_TYPES)
    assert counts["INSERT"] > counts["aggregation-AVG"]  # weighted toward what the score averages
    only = generate_tasks(12, seed=1, types=["ranking", "DELETE"])
    assert Counter(t["type"][0] for t in only) == {"ranking": 4, "DELETE": 8}
    with pytest.raises(ConfigError, match="unknown DBBench task types"):
        generate_tasks(3, seed=1, types=["JOIN"])


def test_entries_have_agentbench_format_and_load(styled_tasks: list[dict[str, Any]], tmp_path: Path) -> None:
    keys = _dev_keys()
    for entry in styled_tasks:
        mutation = entry["type"][0] in MUTATIONS
        assert set(entry) == keys[mutation]
        names = [c["name"] for c in entry["table"]["table_info"]["columns"]]
        assert entry["heads"] == names
        assert entry["add_description"] == (
            f"The name of this table is {entry['table']['table_name']}, and the headers of this table are "
            f"{','.join(names)}."
        )
        assert {c["type"] for c in entry["table"]["table_info"]["columns"]} == {"TEXT"}
        assert 3 <= len(names) <= 9 and 5 <= len(entry["table"]["table_info"]["rows"]) <= 40
        assert all(isinstance(v, str) for v in entry["label"])
    loaded = load_dbbench(write_jsonl(styled_tasks, tmp_path / "gen.jsonl"))
    assert [t.data for t in loaded] == styled_tasks


def test_tables_look_like_real_ones(tasks: list[dict[str, Any]]) -> None:
    names = [t["table"]["table_name"] for t in tasks]
    headers = [c for t in tasks for c in t["heads"]]
    assert sum(" " in n for n in names) > len(names) / 2
    assert any(re.search(r"[()–:,'&]", n) for n in names)
    assert any("(" in h for h in headers) and any("." in h for h in headers) and any(" " in h for h in headers)
    assert any(re.search(r"\d", h) for h in headers)
    assert len({t["table"]["table_name"] for t in tasks}) > 0.9 * len(tasks)
    cells = [v for t in tasks for row in t["table"]["table_info"]["rows"] for v in row]
    assert any(re.fullmatch(r"\d{4}-\d\d-\d\d", str(v)) for v in cells)  # ISO dates
    assert any(re.fullmatch(r"[A-Z][a-z]+ \d{1,2}, \d{4}", str(v)) for v in cells)  # "May 3, 1990"
    assert any(len(str(v)) > 30 for v in cells)
    domains = Counter(t["table"]["table_name"].split()[-1] for t in tasks)
    assert len(domains) > 30


def test_gold_sql_quotes_every_name_with_backticks(styled_tasks: list[dict[str, Any]]) -> None:
    for entry in styled_tasks:
        sql = entry["sql"]["query"] if "sql" in entry else entry["label"][0]
        assert f"`{entry['table']['table_name']}`" in sql
        assert sql.endswith(";")


def test_query_labels_reproduce_from_the_observation(styled_tasks: list[dict[str, Any]]) -> None:
    """The gold SQL replayed in the environment shows rows whose values, as the answer, are judged correct."""
    queries = [t for t in styled_tasks if t["type"][0] not in MUTATIONS]
    assert len(queries) > 60
    for entry in queries:
        operation = gold_replies(Task("0", "dbbench", entry["type"][0], entry))[0]
        _, observations = _replay(entry, [operation])
        values = [str(v) for row in ast.literal_eval(observations[0]) for v in row]
        assert values == entry["label"], entry["description"]
        answer = "Action: Answer\nFinal Answer: " + json.dumps(values, ensure_ascii=False)
        correct, _ = _replay(entry, [operation, answer])
        assert correct, entry["description"]


def test_mutation_hashes_match_and_are_not_trivial(styled_tasks: list[dict[str, Any]]) -> None:
    mutations = [t for t in styled_tasks if t["type"][0] in MUTATIONS]
    assert len(mutations) > 60
    for entry in mutations:
        task = Task("0", "dbbench", entry["type"][0], entry)
        correct, observations = _replay(entry, gold_replies(task))
        assert correct and observations == ["[]"] * len(entry["label"]), entry["description"]
        untouched, _ = _replay(entry, ['Action: Answer\nFinal Answer: ["done"]'])
        assert not untouched, entry["description"]  # doing nothing must fail


def test_no_tied_rankings_and_no_blank_answers(styled_tasks: list[dict[str, Any]]) -> None:
    for entry in styled_tasks:
        if entry["type"][0] == "ranking":
            sql = entry["sql"]["query"].replace("LIMIT 1;", "LIMIT 2;")
            measure = re.search(r"ORDER BY (`[^`]+`)", sql)
            assert measure
            sql = sql.replace("SELECT ", f"SELECT {measure.group(1)}, ", 1)
            task = Task("0", "dbbench", "ranking", entry)
            env = DBBenchEnv()
            env.reset(task)
            rows = ast.literal_eval(env.step(f"Action: Operation\n```sql\n{sql}\n```").observation or "[]")
            env.close()
            assert len(rows) == 1 or float(rows[0][0]) != float(rows[1][0])
        if entry["type"][0] not in MUTATIONS:
            assert entry["label"] and all(v.strip() not in ("", "—", "None") for v in entry["label"])
