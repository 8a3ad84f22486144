"""Generated gold answers agree with a real MySQL-compatible server (MariaDB), not only the emulation."""

from __future__ import annotations

import ast
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cmat.envs.dbbench.backends import MariaDBServer, TableSpec, mariadbd_path, open_backend

pytestmark = pytest.mark.mariadb


@pytest.fixture(scope="module")
def server_dir() -> Iterator[Path]:
    if mariadbd_path() is None:
        pytest.skip("MariaDB is not installed (no 'mariadbd'); install it with: apt-get install mariadb-server")
    pytest.importorskip("pymysql", reason="pymysql is not installed (pip install 'cmat[mysql]')")
    base = Path(tempfile.mkdtemp(prefix="cmat-mdb-", dir="/tmp"))  # short: unix socket paths are limited
    server = MariaDBServer(base_dir=base)
    server.start()
    try:
        yield base
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


def test_labels_and_hashes_match_mariadb(tasks: list[dict[str, Any]], server_dir: Path) -> None:
    for entry in tasks[:60]:
        spec = TableSpec.from_entry(entry)
        db = open_backend("mariadb", base_dir=server_dir)
        try:
            db.load(spec)
            if "answer_md5" in entry:
                assert [db.execute(s) for s in entry["label"]] == ["[]"] * len(entry["label"])
                assert db.table_hash(spec) == entry["answer_md5"], entry["label"]
            else:
                rows = ast.literal_eval(db.execute(entry["sql"]["query"]))
                assert [str(v) for row in rows for v in row] == entry["label"], entry["sql"]["query"]
        finally:
            db.close()
