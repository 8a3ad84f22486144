"""Fixtures for the DBBench SQL backend tests: the shipped dev data, hand-made tables, MariaDB.

Tests that need the MariaDB server take the ``mariadb_server`` fixture (and carry
``@pytest.mark.mariadb``); it starts a private server in a temporary directory for the session
and skips with the reason when ``mariadbd`` or pymysql is missing. CI installs MariaDB
(``scripts/setup.sh --mariadb``), so these tests run there.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import cmat
from cmat.envs.dbbench.backends import MariaDBServer, SQLBackend, TableSpec, mariadbd_path, open_backend

DEV_PATH = Path(cmat.__file__).resolve().parent / "data" / "agentbench" / "dbbench" / "dev.jsonl"

@pytest.fixture(scope="session")
def dev_entries() -> list[dict[str, Any]]:
    """The 60 AgentBench DBBench dev tasks the project ships (src/cmat/data/...)."""
    lines = DEV_PATH.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="session")
def mutation_entries(dev_entries: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """(index, entry) of the INSERT/UPDATE/DELETE tasks, judged by ``answer_md5``."""
    return [(i, e) for i, e in enumerate(dev_entries) if e["type"][0] in ("INSERT", "UPDATE", "DELETE")]


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[MariaDBServer]:
    """A private MariaDB server for the test session (skips when MariaDB is not installed)."""
    if mariadbd_path() is None:
        pytest.skip(
            "MariaDB is not installed (no 'mariadbd'); install it with: apt-get install mariadb-server"
        )
    pytest.importorskip("pymysql", reason="pymysql is not installed (pip install 'cmat[mysql]')")
    base = Path(tempfile.mkdtemp(prefix="cmat-mdb-", dir="/tmp"))  # short: unix socket paths are limited
    server = MariaDBServer(base_dir=base)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def make_backend(request: pytest.FixtureRequest) -> Iterator[Callable[[str, TableSpec], SQLBackend]]:
    """``make_backend(kind, table)``: a loaded backend, closed after the test."""
    opened: list[SQLBackend] = []

    def make(kind: str, table: TableSpec) -> SQLBackend:
        options: dict[str, Any] = {}
        if kind == "mariadb":
            options["base_dir"] = request.getfixturevalue("mariadb_server").base_dir
        backend = open_backend(kind, **options)
        opened.append(backend)
        backend.load(table)
        return backend

    yield make
    for backend in opened:
        backend.close()
