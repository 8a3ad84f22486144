"""Acceptance: the gold INSERT/UPDATE statements of the 40 dev mutation tasks reproduce AgentBench's
``answer_md5`` (the md5 query's result string) on both backends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cmat.envs.dbbench.backends import SQLBackend, TableSpec


def _replay(backend: SQLBackend, entry: dict[str, Any]) -> tuple[list[str], str]:
    table = TableSpec.from_entry(entry)
    outputs = [backend.execute(sql) for sql in entry["label"]]
    return outputs, backend.table_hash(table)


def _check_all(
    make_backend: Callable[[str, TableSpec], SQLBackend], kind: str, entries: list[tuple[int, dict[str, Any]]]
) -> None:
    assert len(entries) == 40
    wrong = []
    for index, entry in entries:
        backend = make_backend(kind, TableSpec.from_entry(entry))
        outputs, digest = _replay(backend, entry)
        assert all(out == "[]" for out in outputs), (index, outputs)
        if digest != entry["answer_md5"]:
            wrong.append((index, digest, entry["answer_md5"]))
        backend.close()
    assert wrong == [], f"{len(wrong)} of 40 hashes differ: {wrong}"


def test_gold_mutations_reproduce_answer_md5_on_sqlite(make_backend: Any, mutation_entries: Any) -> None:
    _check_all(make_backend, "sqlite", mutation_entries)


@pytest.mark.mariadb
def test_gold_mutations_reproduce_answer_md5_on_mariadb(make_backend: Any, mutation_entries: Any) -> None:
    _check_all(make_backend, "mariadb", mutation_entries)


def test_hash_before_mutation_differs_from_answer(make_backend: Any, mutation_entries: Any) -> None:
    """The check can fail: without the gold statements the hash is not the answer."""
    index, entry = mutation_entries[0]
    backend = make_backend("sqlite", TableSpec.from_entry(entry))
    assert backend.table_hash(TableSpec.from_entry(entry)) != entry["answer_md5"], index


@pytest.mark.mariadb
def test_initial_table_hash_agrees_on_all_dev_tables(make_backend: Any, dev_entries: Any) -> None:
    """Every dev table (rows exactly as loaded) hashes the same on both backends."""
    for index, entry in enumerate(dev_entries):
        table = TableSpec.from_entry(entry)
        sqlite, mariadb = make_backend("sqlite", table), make_backend("mariadb", table)
        assert sqlite.table_hash(table) == mariadb.table_hash(table), index
        sqlite.close()
        mariadb.close()
