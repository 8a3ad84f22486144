"""MySQL 8 behaviour the SQLite backend reproduces where MariaDB (the reference) itself differs.

These are the "known differences" of the differential test: AgentBench runs MySQL 8, so the
embedded backend follows MySQL 8. The MariaDB tests at the end pin what the reference server
does instead, so a change on either side is noticed.
"""

from __future__ import annotations

from typing import Any

import pytest
from _db_tables import PEOPLE

from cmat.envs.dbbench.backends import SQLBackend

P = "`People & Places`"
SYNTAX = (
    "1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL "
    "server version for the right syntax to use near '{}' at line 1"
)
FULL_GROUP_BY = (
    "1055 (42000): Expression #1 of SELECT list is not in GROUP BY clause and contains nonaggregated "
    "column 'wikisql.People & Places.Name' which is not functionally dependent on columns in GROUP BY "
    "clause; this is incompatible with sql_mode=only_full_group_by"
)
NO_GROUP_BY = (
    "1140 (42000): In aggregated query without GROUP BY, expression #1 of SELECT list contains "
    "nonaggregated column 'wikisql.People & Places.Name'; this is incompatible with "
    "sql_mode=only_full_group_by"
)


@pytest.fixture
def db(make_backend: Any) -> SQLBackend:
    return make_backend("sqlite", PEOPLE)


def test_group_by_keeps_first_appearance_order(db: SQLBackend) -> None:
    out = db.execute(f"SELECT Year, COUNT(*) FROM {P} WHERE Year < 2000 GROUP BY Year")
    assert out == (
        "[('1840', 1), ('1902', 1), ('1999', 1), ('1814', 1), ('1990', 2), ('1950', 1), ('1970', 1), "
        "('1985', 1)]"
    )


def test_only_full_group_by_messages(db: SQLBackend) -> None:
    assert db.execute(f"SELECT Name, City FROM {P} GROUP BY City") == FULL_GROUP_BY
    assert db.execute(f"SELECT Name, MAX(Year) FROM {P}") == NO_GROUP_BY


def test_columns_fixed_by_where_are_functionally_dependent(db: SQLBackend) -> None:
    assert db.execute(f"SELECT Name, MAX(Year) FROM {P} WHERE Name = 'ALICE'") == "[('ALICE', '1985')]"
    # 'Austin' and 'austin' are one group under the collation
    assert db.execute(f"SELECT Name, COUNT(*) FROM {P} WHERE Name = 'bob' GROUP BY City") == "[('bob', 2)]"


def test_mysql8_reserved_words(db: SQLBackend) -> None:
    assert db.execute(f"SELECT Name AS rank FROM {P}") == SYNTAX.format(f"rank FROM {P}")
    out = db.execute(f'SELECT Presentation of Credentials FROM "{PEOPLE.name}"')
    assert out == SYNTAX.format(f'of Credentials FROM "{PEOPLE.name}"')
    assert db.execute(f"SELECT `Rank` FROM {P}") == "1054 (42S22): Unknown column 'Rank' in 'field list'"


def test_row_subquery_compared_with_a_value(db: SQLBackend) -> None:
    out = db.execute(f"SELECT Name FROM {P} WHERE Year = (SELECT Year, Name FROM {P} LIMIT 1)")
    assert out == "1241 (21000): Operand should contain 1 column(s)"


def test_strict_mode_applies_to_delete_and_says_double(db: SQLBackend) -> None:
    message = "1292 (22007): Truncated incorrect DOUBLE value: '5,200'"
    assert db.execute(f"DELETE FROM {P} WHERE Score = 5") == message
    assert db.execute(f"UPDATE {P} SET Note = 'x' WHERE Score > 10") == message
    assert db.execute(f"SELECT COUNT(*) FROM {P} WHERE Score = 5") == "[(1,)]"  # SELECT only warns


def test_update_assigns_left_to_right(db: SQLBackend) -> None:
    db.execute(f"UPDATE {P} SET Score = '3', Amount = Score + 1 WHERE Name = 'ALICE'")
    assert db.execute(f"SELECT Score, Amount FROM {P} WHERE Name = 'ALICE'") == "[('3', '4')]"


@pytest.mark.mariadb
def test_mariadb_reference_differs_here(make_backend: Any) -> None:
    """What MariaDB 10.11 answers instead (documented in docs/design/sql-backends.md)."""
    db = make_backend("mariadb", PEOPLE)
    assert db.execute(f"SELECT Name, MAX(Year) FROM {P}").startswith("1140 (42000): Mixing of GROUP columns")
    assert db.execute(f"SELECT Name AS rank FROM {P} LIMIT 1") == "[('Émile Zola',)]"
    assert db.execute(f"SELECT Year FROM {P} WHERE Year < 2000 GROUP BY Year") == (
        "[('1814',), ('1840',), ('1902',), ('1950',), ('1970',), ('1985',), ('1990',), ('1999',)]"
    )
    assert db.execute(f"UPDATE {P} SET Note = 'x' WHERE Score > 10").endswith("DECIMAL value: '5,200'")
