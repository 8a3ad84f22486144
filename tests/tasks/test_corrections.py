"""Correction examples: a corrupted first statement, the real Checker feedback or SQL error, the gold fix."""

from __future__ import annotations

import re
from random import Random
from typing import Any

import pytest

from cmat.agents.checkers.sql_rule import sql_error
from cmat.errors import ConfigError
from cmat.tasks import generate_tasks
from cmat.tasks.corrections import _CONDITION, correction_examples, corrupt_sql, recovery_example, revision_example
from cmat.tasks.gold import gold_replies


@pytest.fixture(scope="module")
def entries() -> list[dict[str, Any]]:
    return generate_tasks(30, 11)


def test_a_corruption_changes_one_name_and_is_reproducible(entries: list[dict[str, Any]]) -> None:
    for entry in entries[:10]:
        sql = gold_replies(entry)[0].split("```sql\n")[1].split("\n```")[0]
        bad = corrupt_sql(sql, entry, Random(3))
        assert bad is not None and bad != sql and bad == corrupt_sql(sql, entry, Random(3))
        names, bad_names = set(re.findall(r"`([^`]*)`", sql)), set(re.findall(r"`([^`]*)`", bad))
        assert len(names - bad_names) == 1 and len(bad_names - names) <= 1  # one name miscopied or unquoted


def test_a_revision_example_trains_only_the_fix_after_the_real_checker_feedback(
        entries: list[dict[str, Any]]) -> None:
    examples = [e for e in (revision_example(entry, str(i)) for i, entry in enumerate(entries)) if e]
    assert len(examples) >= len(entries) // 2
    for example in examples:
        messages = example["messages"]
        bad, request, fix = messages[-3:]
        assert [m["train"] for m in messages] == [False] * (len(messages) - 1) + [True]
        assert bad["role"] == fix["role"] == "assistant" and request["role"] == "user"
        assert "Checker" in request["content"] and bad["content"] != fix["content"]
        assert fix["content"] == gold_replies(entries[int(example["id"])])[0]
    assert {e["rule"] for e in examples} >= {"unknown_table", "value_not_in_question"}


def test_a_value_corruption_compares_with_another_rows_value_the_question_never_states(
        entries: list[dict[str, Any]]) -> None:
    changed = 0
    for entry in entries:
        sql = gold_replies(entry)[0].split("```sql\n")[1].split("\n```")[0]
        bad = corrupt_sql(sql, entry, Random(5), ("value",))
        if bad is None:
            continue
        changed += 1
        assert re.findall(r"`([^`]*)`", bad) == re.findall(r"`([^`]*)`", sql)  # the names are untouched
        columns = [c["name"] for c in entry["table"]["table_info"]["columns"]]
        before = {(m["col"], m["val"]) for m in _CONDITION.finditer(sql)}
        ((column, written),) = {(m["col"], m["val"]) for m in _CONDITION.finditer(bad)} - before
        value = written[1:-1].replace("''", "'") if written.startswith("'") else written
        assert value in {str(row[columns.index(column)]) for row in entry["table"]["table_info"]["rows"]}
        assert value.lower() not in entry["description"].lower()
    assert changed >= 10


def test_a_recovery_example_shows_the_database_error_then_the_gold_solution(entries: list[dict[str, Any]]) -> None:
    examples = [e for e in (recovery_example(entry, str(i)) for i, entry in enumerate(entries)) if e]
    assert len(examples) >= len(entries) // 2
    for example in examples:
        messages = example["messages"]
        bad, error = messages[3], messages[4]
        assert bad["role"] == "assistant" and not bad["train"] and sql_error(error["content"]) is not None
        trained = [m["content"] for m in messages if m["train"]]
        assert trained == gold_replies(entries[int(example["id"])])  # statements, then the answer


def test_correction_examples_alternate_kinds(entries: list[dict[str, Any]]) -> None:
    examples = correction_examples(entries)
    assert {e["source"] for e in examples} == {"revision", "recovery"}
    assert all(e["source"] == ("revision" if int(e["id"]) % 2 == 0 else "recovery") for e in examples)


def test_a_dropped_condition_leaves_out_one_of_several() -> None:
    from cmat.tasks.corrections import _drop_condition

    sql = "SELECT `a` FROM `t` WHERE `x` = 'p' AND `y` > 3 AND `z` = 'q' ORDER BY `a` LIMIT 1;"
    dropped = {_drop_condition(sql, Random(seed)) for seed in range(20)}
    assert dropped == {"SELECT `a` FROM `t` WHERE `y` > 3 AND `z` = 'q' ORDER BY `a` LIMIT 1;",
                       "SELECT `a` FROM `t` WHERE `x` = 'p' AND `z` = 'q' ORDER BY `a` LIMIT 1;",
                       "SELECT `a` FROM `t` WHERE `x` = 'p' AND `y` > 3 ORDER BY `a` LIMIT 1;"}
    assert _drop_condition("SELECT `a` FROM `t` WHERE `x` = 'p';", Random(0)) is None
    assert _drop_condition("SELECT `a` FROM `t` WHERE `x` = 'p AND q' AND `y` = 2;", Random(0)) is None


def test_dropped_conditions_become_number_revisions_only_when_asked_for() -> None:
    queries = ["other", "counting", "comparison", "ranking", "aggregation-SUM", "aggregation-MIN", "aggregation-MAX",
               "aggregation-AVG"]
    tasks = generate_tasks(60, seed=7, types=queries, style="crowd", more_conditions=0.5)
    default = correction_examples(tasks, kinds=("revision",))
    assert "number_not_used" not in {e["rule"] for e in default}
    dropped = [e for e in correction_examples(tasks, kinds=("revision",), mistakes=["dropped"])]
    # a dropped number comes back through the numbers rule, a dropped cell through the mentions rule
    assert dropped and {e["rule"] for e in dropped} == {"number_not_used", "value_not_used"}
    for example in dropped:
        bad, request, fix = example["messages"][-3:]
        assert bad["content"].count(" AND ") + 1 == fix["content"].count(" AND ")
        said = "states the number" if example["rule"] == "number_not_used" else "and your query does not use it"
        assert said in request["content"]
    with pytest.raises(ConfigError, match="unknown correction mistakes"):
        correction_examples(tasks, mistakes=["typo"])


def test_an_insert_written_as_an_update_becomes_a_changes_revision_only_when_asked_for() -> None:
    from cmat.tasks.corrections import _update_for_insert

    sql = "INSERT INTO `t` (`a`, `b`, `c`) VALUES ('x', 5, 'z');"
    updates = {_update_for_insert(sql, Random(seed)) for seed in range(30)}
    assert all(u and u.startswith("UPDATE `t` SET ") and " WHERE " in u for u in updates) and len(updates) > 3
    assert {"UPDATE `t` SET `b` = 5 WHERE `a` = 'x';", "UPDATE `t` SET `c` = 'z' WHERE `a` = 'x';"} & updates
    assert _update_for_insert("INSERT INTO `t` VALUES ('x', 5)", Random(0)) is None  # no column list
    assert _update_for_insert("SELECT 1", Random(0)) is None
    tasks = generate_tasks(40, seed=8, types=["INSERT"], style="crowd")
    default = correction_examples(tasks, kinds=("revision",))
    assert all(not e["messages"][-3]["content"].count("UPDATE") for e in default)
    updated = correction_examples(tasks, kinds=("revision",), mistakes=["update"])
    # the kind rule's: an UPDATE of an INSERT task (the changes rule found it matches no row before it)
    assert len(updated) >= 30 and sum(e["rule"] == "change_for_insert" for e in updated) >= 30
    for example in updated:
        bad, _, fix = example["messages"][-3:]
        assert "UPDATE `" in bad["content"] and "INSERT INTO `" in fix["content"] and fix["train"] and not bad["train"]
    assert all("adds a new row" in e["messages"][-2]["content"] for e in updated)


def test_an_update_written_as_an_insert_becomes_an_inserts_revision_only_when_asked_for() -> None:
    from cmat.tasks.corrections import _insert_for_update

    sql = "UPDATE `t` SET `b` = 5, `c` = 'z' WHERE `a` = 'x';"
    assert _insert_for_update(sql) == "INSERT INTO `t` (`a`, `b`, `c`) VALUES ('x', 5, 'z');"
    assert _insert_for_update("UPDATE `t` SET `b` = 5 WHERE `a` > 3;") is None  # no one row named
    assert _insert_for_update("UPDATE `t` SET `b` = 5;") is None
    assert _insert_for_update("SELECT 1") is None
    tasks = generate_tasks(40, seed=8, types=["UPDATE"], style="crowd")
    default = correction_examples(tasks, kinds=("revision",))
    assert all("INSERT" not in e["messages"][-3]["content"] for e in default)
    inserted = correction_examples(tasks, kinds=("revision",), mistakes=["insert"])
    # the kind rule (``_sql_update``) rejects every INSERT of an UPDATE task and writes the UPDATE it
    # reads from the question (40 of 40; the inserts rule alone repaired 14, those naming one row)
    assert len(inserted) >= 30 and {e["rule"] for e in inserted} <= {"insert_for_update", "insert_existing_row"}
    for example in inserted:
        bad, request, fix = example["messages"][-3:]
        assert "INSERT INTO `" in bad["content"] and "UPDATE `" in fix["content"] and fix["train"] and not bad["train"]
        assert "already has" in request["content"]
