"""MySQL-style SQL errors, formatted exactly as ``mysql.connector`` prints them.

AgentBench shows the agent ``str(e)`` of the exception ``mysql.connector`` raised, which reads
``"{errno} ({sqlstate}): {message}"``. Both backends raise :class:`SQLError` for mistakes in the
agent's SQL so that the text the agent sees is the same whichever backend ran the statement.
"""

from __future__ import annotations

# SQLSTATE of the server errors an agent can provoke (from MySQL's errmsg / mysqld_error.h);
# errnos not listed fall back to the generic "HY000", as the server does.
SQLSTATES: dict[int, str] = {
    1044: "42000",  # access denied to database
    1046: "3D000",  # no database selected
    1048: "23000",  # column cannot be null
    1049: "42000",  # unknown database
    1050: "42S01",  # table already exists
    1051: "42S02",  # unknown table
    1052: "23000",  # column is ambiguous
    1054: "42S22",  # unknown column
    1055: "42000",  # not in GROUP BY (ONLY_FULL_GROUP_BY)
    1056: "42000",  # can't group on
    1060: "42S21",  # duplicate column name
    1062: "23000",  # duplicate entry
    1064: "42000",  # syntax error
    1065: "42000",  # query was empty
    1066: "42000",  # not unique table/alias
    1109: "42S02",  # unknown table in field list
    1111: "HY000",  # invalid use of group function
    1136: "21S01",  # column count doesn't match value count
    1140: "42000",  # mixing of GROUP columns (ONLY_FULL_GROUP_BY)
    1146: "42S02",  # table doesn't exist
    1149: "42000",  # syntax error (generic)
    1166: "42000",  # incorrect column name
    1222: "21000",  # different number of columns in SELECTs
    1235: "42000",  # not supported yet
    1241: "21000",  # operand should contain N columns
    1242: "21000",  # subquery returns more than 1 row
    1247: "42S22",  # reference not supported
    1248: "42000",  # every derived table must have its own alias
    1264: "22003",  # out of range value
    1292: "22007",  # truncated incorrect value
    1305: "42000",  # function does not exist
    1327: "42000",  # undeclared variable
    1365: "22012",  # division by 0
    1366: "HY000",  # incorrect value for column
    1406: "22001",  # data too long
    1582: "42000",  # incorrect parameter count in the call to native function
    1630: "42000",  # function does not exist (did you mean...)
    1690: "22003",  # value is out of range
    3065: "HY000",  # ORDER BY not in SELECT list (DISTINCT)
}


class SQLError(Exception):
    """An error the SQL server reports for the agent's statement.

    ``str(error)`` is the text AgentBench would show: ``"1146 (42S02): Table 'db.t' doesn't exist"``.
    """

    def __init__(self, errno: int, message: str, sqlstate: str | None = None) -> None:
        self.errno = errno
        self.sqlstate = sqlstate or SQLSTATES.get(errno, "HY000")
        self.message = message
        # mysql.connector prints client-side errors (errno -1) as the bare message.
        super().__init__(message if errno < 0 else f"{errno} ({self.sqlstate}): {message}")


def syntax_error(near: str, line: int = 1) -> SQLError:
    """Error 1064 as MySQL words it; ``near`` is the statement text from the failing token on."""
    return SQLError(
        1064,
        "You have an error in your SQL syntax; check the manual that corresponds to your MySQL "
        f"server version for the right syntax to use near '{near[:80]}' at line {line}",
    )


def no_such_table(database: str, table: str) -> SQLError:
    """Error 1146 for a table name that is not (exactly, case-sensitively) the task's table."""
    return SQLError(1146, f"Table '{database}.{table}' doesn't exist")


def unknown_column(name: str, clause: str) -> SQLError:
    """Error 1054; ``clause`` is MySQL's place name: 'field list', 'where clause', ..."""
    return SQLError(1054, f"Unknown column '{name}' in '{clause}'")


def empty_query() -> SQLError:
    """Error 1065 for a statement that is only whitespace or comments."""
    return SQLError(1065, "Query was empty")


def multiple_statements() -> SQLError:
    """More than one statement in one call.

    ``mysql.connector``'s cursor refuses this client-side with exactly this text (no errno).
    Nothing is executed, on either backend.
    """
    return SQLError(-1, "Use multi=True when executing multiple statements", sqlstate="")
