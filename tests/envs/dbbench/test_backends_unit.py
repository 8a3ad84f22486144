"""Unit tests of the SQL backends (SQLite, no server): formatting, errors, rules, isolation."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest
from _db_tables import BIG, PEOPLE

from cmat.envs.dbbench.backends import (
    MAX_OBSERVATION,
    SQLBackend,
    SQLError,
    TableSpec,
    collation,
    lexer,
    mysql_values,
    open_backend,
    truncate,
)
from cmat.envs.dbbench.backends.sqlite_backend import md5_table_hash
from cmat.errors import BackendError, ConfigError, DataError, MissingDependencyError

P = "`People & Places`"


@pytest.fixture
def db(make_backend: Any) -> SQLBackend:
    return make_backend("sqlite", PEOPLE)


# -- values as mysql.connector returns them ---------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (f"SELECT Name FROM {P} WHERE Year = 1840", "[('Émile Zola',)]"),
        (f"SELECT COUNT(*) FROM {P}", "[(12,)]"),
        (f"SELECT SUM(Year) FROM {P} WHERE Year = 1990", "[(3980.0,)]"),
        (f"SELECT SUM(Year + 0) FROM {P} WHERE Year = 1990", "[(3980.0,)]"),
        (f"SELECT SUM(CAST(Year AS SIGNED)) FROM {P} WHERE Year = 1990", "[(Decimal('3980'),)]"),
        (f"SELECT AVG(CAST(Year AS SIGNED)) FROM {P} WHERE Year = 1990", "[(Decimal('1990.0000'),)]"),
        (f"SELECT AVG(Score) FROM {P} WHERE Name = 'ZOË'", "[(3.75,)]"),  # 'ZOË' = 'Zoe' ('abc': 0)
        (f"SELECT MAX(Score) FROM {P}", "[('abc',)]"),
        (f"SELECT Note FROM {P} WHERE Year = 1902", "[(None,)]"),
        (f"SELECT Name FROM {P} WHERE Name = 'nobody'", "[]"),
        ("SELECT 10 / 4, 7.400, 1e3, 1 + 1", "[(Decimal('2.5000'), Decimal('7.400'), 1000.0, 2)]"),
        ("SELECT STR_TO_DATE('March 19, 1998', '%M %d, %Y')", "[(datetime.date(1998, 3, 19),)]"),
        (f"INSERT INTO {P} (Name) VALUES ('x')", "[]"),
        (f"UPDATE {P} SET Note = 'y' WHERE Name = 'x'", "[]"),
        (f"DELETE FROM {P} WHERE Name = 'x'", "[]"),
    ],
)
def test_values_are_formatted_like_mysql_connector(db: SQLBackend, sql: str, expected: str) -> None:
    assert db.execute(sql) == expected


def test_text_comparison_is_accent_and_case_insensitive_but_pads_nothing(db: SQLBackend) -> None:
    assert (
        db.execute(f"SELECT Name FROM {P} WHERE Name = 'EMILE ZOLA'") == "[('Émile Zola',), ('emile zola',)]"
    )
    assert db.execute(f"SELECT Name FROM {P} WHERE City = 'paris'") == "[('Émile Zola',)]"
    assert db.execute(f"SELECT Name FROM {P} WHERE Name = 'strasse' ORDER BY Name") == (
        "[('Straße',), ('strasse',)]"
    )


def test_text_compared_with_a_number_is_read_as_double(db: SQLBackend) -> None:
    assert db.execute(f"SELECT Name FROM {P} WHERE Score = 5") == "[('Émile Zola',)]"  # '5,200' -> 5
    assert db.execute(f"SELECT Name FROM {P} WHERE Score = 0 ORDER BY Name") == "[('Bob',), ('Zoe',)]"
    assert db.execute(f"SELECT COUNT(*) FROM {P} WHERE Year > 1950") == "[(7,)]"


def test_numbers_written_into_text_keep_their_mysql_text(db: SQLBackend) -> None:
    db.execute(f"INSERT INTO {P} (Name, Score, Amount, Year) VALUES ('n', 7.400, 1e3, 2 * 3)")
    assert db.execute(f"SELECT Score, Amount, Year FROM {P} WHERE Name = 'n'") == "[('7.400', '1000', '6')]"


# -- truncation -------------------------------------------------------------------------------


def test_truncate_cuts_long_observations_like_agentbench() -> None:
    assert truncate("x" * MAX_OBSERVATION) == "x" * 800
    assert truncate("x" * 801) == "x" * 800 + "[TRUNCATED]"


def test_execute_truncates_long_results(make_backend: Any) -> None:
    out = make_backend("sqlite", BIG).execute("SELECT * FROM big_table")
    assert len(out) == 811 and out.endswith("[TRUNCATED]") and out.startswith("[('1', 'v919', 'B')")


# -- errors -----------------------------------------------------------------------------------


def test_sql_error_text_is_mysql_connector_format() -> None:
    assert str(SQLError(1146, "Table 'db.t' doesn't exist")) == "1146 (42S02): Table 'db.t' doesn't exist"
    assert str(SQLError(9999, "odd")) == "9999 (HY000): odd"


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM `people & places`", "1146 (42S02): Table 'wikisql.people & places' doesn't exist"),
        (f"SELECT Foo FROM {P}", "1054 (42S22): Unknown column 'Foo' in 'field list'"),
        (f"SELECT Name FROM {P} WHERE foo = 1", "1054 (42S22): Unknown column 'foo' in 'where clause'"),
        (f"SELECT Name FROM {P} ORDER BY t.foo", "1054 (42S22): Unknown column 't.foo' in 'order clause'"),
        (f"SELECT Name AS n FROM {P} WHERE n = 'bob'", "1054 (42S22): Unknown column 'n' in 'where clause'"),
        (f"UPDATE {P} SET foo = 1", "1054 (42S22): Unknown column 'foo' in 'field list'"),
        (f"SELECT COUNT(*) FROM {P} WHERE COUNT(*) > 1", "1111 (HY000): Invalid use of group function"),
        (f"SELECT foo(Name) FROM {P}", "1305 (42000): FUNCTION wikisql.foo does not exist"),
        (
            f"INSERT INTO {P} (Name) VALUES ('a', 'b')",
            "1136 (21S01): Column count doesn't match value count at row 1",
        ),
        (
            f"SELECT Name FROM {P} WHERE Year = (SELECT Year FROM {P})",
            "1242 (21000): Subquery returns more than 1 row",
        ),
        ("  -- only a comment", "1065 (42000): Query was empty"),
        (
            f"SELECT * FRM {P};",
            "1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your "
            f"MySQL server version for the right syntax to use near 'FRM {P}' at line 1",
        ),
        (
            f"SELECT Name FROM {P} WHERE",
            "1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your "
            "MySQL server version for the right syntax to use near '' at line 1",
        ),
        (
            "SELECT Score FROM 'Football Matches' WHERE Result='2–1'",
            "1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your "
            "MySQL server version for the right syntax to use near "
            "''Football Matches' WHERE Result='2–1'' at line 1",
        ),
    ],
)
def test_errors_are_mysql_errors(db: SQLBackend, sql: str, expected: str) -> None:
    assert db.execute(sql) == expected


def test_syntax_error_quotes_at_most_80_characters(db: SQLBackend) -> None:
    out = db.execute("SELECT a b c d FROM " + "x" * 200)
    near = out.split("near '", 1)[1].rsplit("' at line", 1)[0]
    assert near == ("c d FROM " + "x" * 200)[:80]


# -- one statement per call -------------------------------------------------------------------


def test_a_second_statement_is_refused_and_nothing_runs(db: SQLBackend) -> None:
    before = db.table_hash(PEOPLE)
    out = db.execute(f"INSERT INTO {P} (Name) VALUES ('a'); INSERT INTO {P} (Name) VALUES ('b')")
    assert out == "Use multi=True when executing multiple statements"
    assert db.table_hash(PEOPLE) == before


def test_semicolons_in_strings_comments_and_at_the_end_are_fine(db: SQLBackend) -> None:
    assert db.execute(f"SELECT COUNT(*) FROM {P} WHERE Name <> 'a;b' -- x; y\n;") == "[(12,)]"
    assert lexer.split_statements("SELECT ';' ; # c;\n SELECT `;`") == ["SELECT ';' ", " # c;\n SELECT `;`"]


# -- names ------------------------------------------------------------------------------------


def test_table_names_are_case_sensitive_column_names_are_not(db: SQLBackend) -> None:
    assert (
        db.execute(f"SELECT NAME, city FROM {P} WHERE name = 'bob'")
        == "[('bob', 'Austin'), ('Bob', 'austin')]"
    )
    assert db.execute("SELECT Name FROM `PEOPLE & PLACES`").startswith("1146 (42S02)")
    assert db.execute(f"SELECT Name FROM wikisql.{P} WHERE Year = 1814") == "[('Ångström',)]"
    assert (
        db.execute(f"SELECT Name FROM other.{P}")
        == "1146 (42S02): Table 'other.People & Places' doesn't exist"
    )


def test_mysql_lexical_rules(db: SQLBackend) -> None:
    assert db.execute(f'SELECT "double quotes are text" FROM {P} LIMIT 1') == "[('double quotes are text',)]"
    assert db.execute(f"SELECT Name FROM {P} WHERE Note = 'it\\'s' # comment") == "[('ZOË',)]"
    assert db.execute(f"SELECT Name FROM {P} WHERE Note = 'back\\\\slash'") == "[('Ångström',)]"
    assert db.execute(f"SELECT Name FROM {P} WHERE Note LIKE 'a\\_b%'") == "[('strasse',)]"


# -- isolation and life cycle -----------------------------------------------------------------


def test_each_backend_has_its_own_fresh_database(make_backend: Any) -> None:
    first, second = make_backend("sqlite", PEOPLE), make_backend("sqlite", PEOPLE)
    first.execute(f"DELETE FROM {P}")
    assert first.execute(f"SELECT COUNT(*) FROM {P}") == "[(0,)]"
    assert second.execute(f"SELECT COUNT(*) FROM {P}") == "[(12,)]"
    first.load(PEOPLE)  # loading again starts over
    assert first.execute(f"SELECT COUNT(*) FROM {P}") == "[(12,)]"


def test_context_manager_closes(make_backend: Any) -> None:
    with open_backend("sqlite") as backend:
        backend.load(PEOPLE)
        assert backend.execute(f"SELECT COUNT(*) FROM {P}") == "[(12,)]"
    with pytest.raises(BackendError):
        backend.execute("SELECT 1")


def test_open_backend_rejects_unknown_kinds() -> None:
    with pytest.raises(ConfigError, match="sqlite, mariadb"):
        open_backend("postgres")


def test_missing_pymysql_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pymysql", None)
    with pytest.raises(MissingDependencyError) as info:
        open_backend("mariadb")
    assert info.value.package == "pymysql" and info.value.extra == "mysql"


def test_table_spec_from_entry(dev_entries: Any) -> None:
    spec = TableSpec.from_entry(dev_entries[0])
    assert spec.database == "wikisql" and spec.name == "US Ambassadors and Envoy Extraordinary to Colombia"
    assert spec.columns[0] == "Representative" and len(spec.rows) == 37
    with pytest.raises(DataError):
        TableSpec.from_entry({"create": {"database": "x"}})


def test_a_table_mysql_cannot_create_is_absent_as_on_mysql(make_backend: Any, dev_entries: Any) -> None:
    entry = dev_entries[5]  # one column is named '' (MySQL: 1166 Incorrect column name '')
    backend = make_backend("sqlite", TableSpec.from_entry(entry))
    assert backend.load_error == "1166 (42000): Incorrect column name ''"
    missing = "1146 (42S02): Table 'wikitq.historic_sites' doesn't exist"
    assert backend.execute(entry["sql"]["query"]) == missing


def test_importing_the_package_imports_no_driver_and_no_sqlglot() -> None:
    code = "import sys, cmat.envs.dbbench.backends\n"
    code += "print([m for m in ('sqlglot', 'pymysql') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- building blocks --------------------------------------------------------------------------


def test_md5_table_hash_follows_the_mysql_query() -> None:
    assert md5_table_hash([]) == "[(None,)]"
    rows = [("a", None, "b"), ("c", "d", None)]
    parts = sorted(hashlib.md5(s.encode()).hexdigest()[:5] for s in ("a,b", "c,d"))
    assert md5_table_hash(rows) == str([(hashlib.md5(",".join(parts).encode()).hexdigest(),)])
    many = [(str(i),) for i in range(300)]  # 300 * 6 bytes: GROUP_CONCAT is cut at 1024 bytes
    joined = ",".join(sorted(hashlib.md5(str(i).encode()).hexdigest()[:5] for i in range(300)))
    assert md5_table_hash(many) == str([(hashlib.md5(joined.encode()[:1024]).hexdigest(),)])


def test_collation_equality_and_order() -> None:
    assert collation.compare("a", "A") == 0 and collation.compare("é", "e") == 0
    assert collation.compare("ß", "ss") == 0 and collation.compare("a ", "a") == 1
    assert sorted(["b", "_x", "1", "B", "a"], key=collation.sort_key) == ["_x", "1", "a", "b", "B"]
    assert collation.like("Émile", "EMILE%") and not collation.like("ß", "ss")
    assert collation.like("a_b", "a\\_b") and not collation.like("axb", "a\\_b")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1000.0, "1000"),
        (1e15, "1e15"),
        (1e14, "100000000000000"),
        (0.5, "0.5"),
        (1.5e-7, "0.00000015"),
        (1e-15, "0.000000000000001"),
        (1e-16, "1e-16"),
        (-0.0, "0"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1234567890123456.0, "1.234567890123456e15"),
    ],
)
def test_double_text_matches_the_server(value: float, text: str) -> None:
    assert mysql_values.double_text(value) == text


def test_text_to_double_takes_the_numeric_prefix() -> None:
    assert [mysql_values.to_double(s) for s in ("5,200", "abc", " 12 ", "1e3x", ".5", "-", "")] == [
        5.0,
        0.0,
        12.0,
        1000.0,
        0.5,
        0.0,
        0.0,
    ]
    assert mysql_values.decimal_value("2.345", 2) == Decimal("2.35")
