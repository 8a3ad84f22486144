"""The private MariaDB server helper and the MariaDB backend's own behaviour."""

from __future__ import annotations

from typing import Any

import pytest
from _db_tables import PEOPLE

from cmat.envs.dbbench.backends import MariaDBServer, open_backend
from cmat.envs.dbbench.backends import mariadb_server as server_module
from cmat.errors import BackendError

P = "`People & Places`"


def test_missing_mariadbd_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setattr(server_module, "mariadbd_path", lambda: None)
    with pytest.raises(BackendError, match="apt-get install mariadb-server"):
        MariaDBServer(tmp_path).start()


def test_default_directory_honours_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("CMAT_MARIADB_DIR", str(tmp_path / "db"))
    assert MariaDBServer().base_dir == (tmp_path / "db").resolve()
    assert "not running" in MariaDBServer().status()


@pytest.mark.mariadb
def test_server_is_reused_and_reachable_only_by_socket(mariadb_server: MariaDBServer) -> None:
    assert mariadb_server.is_running()
    again = MariaDBServer(mariadb_server.base_dir)
    again.start()  # no second server: the running one is reused
    assert again.status() == mariadb_server.status()
    assert oct(mariadb_server.base_dir.stat().st_mode & 0o777) == "0o700"
    assert "skip-networking" not in mariadb_server.socket_path.name  # sanity: a socket file
    assert mariadb_server.socket_path.is_socket()


@pytest.mark.mariadb
def test_each_sample_gets_its_own_database_dropped_on_close(make_backend: Any, mariadb_server: Any) -> None:
    first, second = make_backend("mariadb", PEOPLE), make_backend("mariadb", PEOPLE)
    first.execute(f"DELETE FROM {P}")
    assert first.execute(f"SELECT COUNT(*) FROM {P}") == "[(0,)]"
    assert second.execute(f"SELECT COUNT(*) FROM {P}") == "[(12,)]"
    name = first._db
    first.close()
    with second._conn.cursor() as cursor:
        cursor.execute("SHOW DATABASES")
        assert name not in {row[0] for row in cursor.fetchall()}


@pytest.mark.mariadb
def test_messages_name_the_task_database_and_mysql_clauses(make_backend: Any) -> None:
    db = make_backend("mariadb", PEOPLE)
    assert db.execute("SELECT * FROM nope") == "1146 (42S02): Table 'wikisql.nope' doesn't exist"
    assert db.execute(f"SELECT x FROM {P}") == "1054 (42S22): Unknown column 'x' in 'field list'"
    assert (
        db.execute(f"SELECT Name FROM {P} WHERE x = 1")
        == "1054 (42S22): Unknown column 'x' in 'where clause'"
    )
    assert db.execute("SELECT DATABASE()") == "[('wikisql',)]"
    assert "MySQL server version" in db.execute("SELECT * FRM t")
    assert db.execute("SELECT 1; SELECT 2") == "Use multi=True when executing multiple statements"


@pytest.mark.mariadb
def test_session_is_set_up_like_mysql8(make_backend: Any) -> None:
    db = make_backend("mariadb", PEOPLE)
    assert db.execute("SELECT @@SESSION.group_concat_max_len") == "[(1024,)]"
    assert "ONLY_FULL_GROUP_BY" in db.execute("SELECT @@SESSION.sql_mode")
    assert db.execute("SELECT 'a' = 'A', 'é' = 'e', 'a ' = 'a'") == "[(1, 1, 0)]"


@pytest.mark.mariadb
def test_connecting_to_an_existing_server_by_options(mariadb_server: MariaDBServer) -> None:
    options = mariadb_server.connect_kwargs()
    with open_backend("mariadb", unix_socket=options["unix_socket"], user=options["user"]) as db:
        db.load(PEOPLE)
        assert db.execute(f"SELECT COUNT(*) FROM {P}") == "[(12,)]"
