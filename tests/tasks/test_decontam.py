"""Decontamination: generated tasks are clean against the dev set; planted overlaps are caught loudly."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from cmat.envs.dbbench.data import default_dev_path
from cmat.errors import DataError
from cmat.tasks import assert_clean, check_overlap, write_jsonl
from cmat.tasks.decontam import normalise


@pytest.fixture(scope="module")
def dev() -> list[dict[str, Any]]:
    return [json.loads(line) for line in default_dev_path().read_text().splitlines() if line.strip()]


def test_generated_tasks_are_clean_against_the_dev_set(tasks: list[dict[str, Any]]) -> None:
    report = assert_clean(tasks)
    assert report.clean and report.train_count == len(tasks) and sum(report.eval_counts.values()) == 60


def test_planted_dev_question_is_caught(tasks: list[dict[str, Any]], dev: list[dict[str, Any]]) -> None:
    planted = copy.deepcopy(tasks[:20])
    planted[7]["description"] = dev[3]["description"].upper() + "  "  # case and spacing do not hide it
    with pytest.raises(DataError, match="question-exact") as error:
        assert_clean(planted)
    assert "train #7" in str(error.value) and "dev.jsonl#3" in str(error.value)


def test_near_duplicate_question_is_caught(tasks: list[dict[str, Any]], dev: list[dict[str, Any]]) -> None:
    planted = copy.deepcopy(tasks[:5])
    words = dev[14]["description"].split()
    words[-2] = "overall"  # one word changed
    planted[2]["description"] = " ".join(words)
    report = check_overlap(planted)
    assert [(o.kind, o.train_index, o.eval_index) for o in report.overlaps] == [("question-ngram", 2, 14)]


def test_planted_dev_table_is_caught_by_name_and_rows(tasks: list[dict[str, Any]], dev: list[dict[str, Any]]) -> None:
    planted = copy.deepcopy(tasks[:10])
    planted[4]["table"] = copy.deepcopy(dev[25]["table"])
    renamed = copy.deepcopy(dev[40]["table"])
    renamed["table_name"] = "Completely different name"
    renamed["table_info"]["rows"] = renamed["table_info"]["rows"][:3]  # a fragment is enough
    planted[6]["table"] = renamed
    kinds = {(o.kind, o.train_index, o.eval_index) for o in check_overlap(planted).overlaps}
    assert kinds == {("table-name", 4, 25), ("table-rows", 4, 25), ("table-rows", 6, 40)}


def test_extra_evaluation_files_are_checked(tasks: list[dict[str, Any]], tmp_path: Path) -> None:
    held_out = write_jsonl(tasks[:3], tmp_path / "held_out.jsonl")
    report = check_overlap(tasks[2:8], [held_out])
    assert str(held_out) in report.eval_counts and len(report.eval_counts) == 2
    assert {o.eval_file for o in report.overlaps} == {str(held_out)}
    assert {(o.kind, o.train_index) for o in report.overlaps} >= {("question-exact", 0), ("table-rows", 0)}
    only = check_overlap(tasks[5:8], [held_out], include_dev=False)
    assert only.clean and list(only.eval_counts) == [str(held_out)]


def test_normalise_folds_case_accents_and_punctuation() -> None:
    assert normalise("  Zürich's  TOP-10 (2019)! ") == "zurich s top 10 2019"
