"""OS decontamination: the bundled training set is clean against the dev set; planted overlaps are caught."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from cmat.envs.os_interaction.data import default_dev_path, default_train_path
from cmat.errors import DataError
from cmat.tasks.decontam_os import assert_os_clean, check_os_overlap


@pytest.fixture(scope="module")
def train() -> list[dict[str, Any]]:
    return list(json.loads(default_train_path().read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def dev() -> list[dict[str, Any]]:
    return list(json.loads(default_dev_path().read_text(encoding="utf-8")))


def test_the_bundled_training_tasks_are_clean_against_the_dev_set(train: list[dict[str, Any]]) -> None:
    report = assert_os_clean(train)
    assert report.clean and report.train_count == 1000 and sum(report.eval_counts.values()) == 26


def test_a_dev_description_is_caught_through_case_and_spacing(train: list[dict[str, Any]],
                                                              dev: list[dict[str, Any]]) -> None:
    planted = copy.deepcopy(train[:10])
    planted[4]["description"] = "  " + dev[5]["description"].upper()
    kinds = {(o.kind, o.train_index, o.eval_index) for o in check_os_overlap(planted).overlaps}
    assert ("question-exact", 4, 5) in kinds


def test_a_near_duplicate_description_is_caught(train: list[dict[str, Any]], dev: list[dict[str, Any]]) -> None:
    words = dev[10]["description"].split()
    planted = copy.deepcopy(train[:3])
    planted[1]["description"] = " ".join([*words[:-1], "please."])  # one word changed
    assert any(o.kind == "question-ngram" and o.train_index == 1 for o in check_os_overlap(planted).overlaps)


def test_the_same_solution_or_setup_code_is_caught_but_trivial_code_is_not(train: list[dict[str, Any]],
                                                                            dev: list[dict[str, Any]]) -> None:
    init = next(e["create"]["init"]["code"] for e in dev if isinstance(e.get("create"), dict)
                and isinstance(e["create"].get("init"), dict) and len(e["create"]["init"].get("code", "")) > 60)
    planted = copy.deepcopy(train[:3])
    planted[0]["create"]["init"] = init.replace(" && ", " &&\n  ")  # a string now, spaced differently
    planted[2]["evaluation"]["example"] = "ls"
    found = {(o.kind, o.train_index) for o in check_os_overlap(planted).overlaps}
    assert ("init-code", 0) in found and not any(i == 2 for _, i in found)


def test_assert_os_clean_names_the_overlap_and_checks_extra_files(tmp_path: Path, train: list[dict[str, Any]]) -> None:
    extra = tmp_path / "held-out.json"
    extra.write_text(json.dumps([{"description": train[7]["description"]}]))
    with pytest.raises(DataError, match=r"held-out\.json#0"):
        assert_os_clean(train[:10], [extra])
    with pytest.raises(DataError, match="does not exist"):
        check_os_overlap(train[:1], [tmp_path / "missing.json"])
