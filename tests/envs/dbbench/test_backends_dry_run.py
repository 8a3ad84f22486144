"""Dry runs (used by the rule Checker) report errors and never change the table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cmat.envs.dbbench.backends import TableSpec

TABLE = TableSpec("wikisql", "Team Results", ("Team", "Wins"), (("Alpha", "3"), ("Beta", "5")))


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def test_dry_run_reports_errors_and_rolls_back(kind: str, make_backend: Callable[[str, TableSpec], Any]) -> None:
    backend = make_backend(kind, TABLE)
    before = backend.table_hash(TABLE)
    assert backend.dry_run("UPDATE `Team Results` SET Wins = '9' WHERE Team = 'Alpha'") is None
    assert backend.dry_run("INSERT INTO `Team Results` (Team, Wins) VALUES ('Gamma', '1')") is None
    assert backend.table_hash(TABLE) == before  # rolled back
    error = backend.dry_run("UPDATE `Team Results` SET Losses = '1' WHERE Team = 'Alpha'")
    assert error is not None and error.startswith("1054 (42S22): Unknown column 'Losses'")
    assert backend.execute("UPDATE `Team Results` SET Wins = '9' WHERE Team = 'Alpha'") == "[]"
    assert backend.table_hash(TABLE) != before  # real execution still commits


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def test_the_checker_s_counts_compare_like_mysql_and_change_nothing(
        kind: str, make_backend: Callable[[str, TableSpec], Any]) -> None:
    """``DBBenchEnv.peek`` runs the Checker's ``SELECT COUNT(*)`` through ``query``: any letter
    case matches (MySQL's collation), and the table stays as it was."""
    backend = make_backend(kind, TABLE)
    before = backend.table_hash(TABLE)
    assert [tuple(int(v) for v in row) for row in backend.query(
        "SELECT COUNT(*) FROM `Team Results` WHERE `Team` = 'alpha'")] == [(1,)]
    assert [tuple(int(v) for v in row) for row in backend.query(
        "SELECT COUNT(*) FROM `Team Results` WHERE `Wins` = 'Alpha'")] == [(0,)]
    assert backend.table_hash(TABLE) == before
