"""Checks on a parsed statement (sqlglot's MySQL dialect) against the table schema.

Each check takes the statement, the SQL text and the schema (table -> column names) and
returns a :class:`Finding` or None. They are deliberately conservative: a name the check
cannot resolve (a CTE, a derived table, an alias) is left to the database, because blocking a
correct statement costs the Assistant a revision for nothing.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from cmat.agents.checkers._mysql_reserved import RESERVED_WORDS
from cmat.agents.checkers._sql_text import Finding, backticked, closest
from cmat.agents.templates import render

Schema = dict[str, list[str]]


def _suggestion(name: str, candidates: list[str], *, value_hint: bool = False) -> str:
    """" Did you mean `X`?" for the closest candidate; else, for a column, the hint that a bare
    word is read as a column name (``WHERE Name = Bob`` means a column ``Bob``)."""
    best = closest(name, candidates)
    if best:
        return " " + render("rule_sql_suggestion", name=best)
    return " " + render("rule_sql_value_hint", name=name) if value_hint else ""


def _defined_names(stmt: exp.Expression) -> tuple[set[str], set[str]]:
    """(output aliases, source aliases) defined in the statement, lower-cased."""
    outputs = {a.alias.lower() for a in stmt.find_all(exp.Alias) if a.alias}
    sources = {c.alias_or_name.lower() for c in stmt.find_all(exp.CTE)}
    for alias in stmt.find_all(exp.TableAlias):
        sources.add(alias.name.lower())
        outputs.update(col.name.lower() for col in alias.columns)
    return outputs, sources


def _created(stmt: exp.Expression) -> set[str]:
    """Tables the statement creates (not expected to exist yet)."""
    if isinstance(stmt, exp.Create) and isinstance(stmt.this, (exp.Table, exp.Schema)):
        target = stmt.this.this if isinstance(stmt.this, exp.Schema) else stmt.this
        return {target.name.lower()} if isinstance(target, exp.Table) else set()
    return set()


def _real_tables(stmt: exp.Expression, schema: Schema) -> dict[str, str]:
    """Reference (table name or alias, lower-cased) -> schema table name, for known tables."""
    refs: dict[str, str] = {}
    for table in stmt.find_all(exp.Table):
        if table.name in schema:
            refs[table.name.lower()] = table.name
            if table.alias:
                refs[table.alias.lower()] = table.name
    return refs


def reserved_word(stmt: exp.Expression, sql: str, schema: Schema) -> Finding | None:
    """A column or table named after a MySQL reserved word, written without backticks."""
    for ident in stmt.find_all(exp.Identifier):
        named = isinstance(ident.parent, (exp.Column, exp.Table))
        if named and not ident.args.get("quoted") and ident.name.upper() in RESERVED_WORDS:
            feedback = render("rule_sql_reserved_word", name=ident.name)
            return Finding("reserved_word", feedback, {"name": ident.name})
    return None


def unknown_table(stmt: exp.Expression, sql: str, schema: Schema) -> Finding | None:
    """A table that is not in the database (names are case-sensitive, as on MySQL/Linux)."""
    if not schema:
        return None
    _, sources = _defined_names(stmt)
    skip = sources | _created(stmt)
    for table in stmt.find_all(exp.Table):
        name = table.name
        if not name or name in schema or name.lower() in skip:
            continue
        feedback = render(
            "rule_sql_unknown_table",
            name=name,
            suggestion=_suggestion(name, list(schema)),
            tables=backticked(schema),
        )
        return Finding("unknown_table", feedback, {"name": name})
    return None


def _value_position(literal: exp.Literal) -> bool:
    """Whether a string literal stands where a value belongs (compared with a column, listed)."""
    parent = literal.parent
    if isinstance(parent, (exp.In, exp.Tuple, exp.Values, exp.Between)):
        return True
    if isinstance(parent, exp.Binary) and not isinstance(parent, exp.Connector):
        other = parent.right if parent.left is literal else parent.left
        return not isinstance(other, exp.Literal)
    return False


def string_as_column(stmt: exp.Expression, sql: str, schema: Schema) -> Finding | None:
    """A column name in quotes where a column belongs: MySQL reads it as a constant string."""
    columns = {c.lower(): c for cols in schema.values() for c in cols if c}
    for literal in stmt.find_all(exp.Literal):
        if not literal.is_string or literal.this.lower() not in columns or _value_position(literal):
            continue
        name = columns[literal.this.lower()]
        written = f'"{literal.this}"' if f'"{literal.this}"' in sql else f"'{literal.this}'"
        feedback = render("rule_sql_string_name", written=written, kind="column", name=name)
        return Finding("name_as_string", feedback, {"name": name, "kind": "column"})
    return None


def unknown_column(stmt: exp.Expression, sql: str, schema: Schema) -> Finding | None:
    """A column that none of the statement's tables has (case-insensitive, as MySQL)."""
    refs = _real_tables(stmt, schema)
    if not refs:
        return None
    outputs, _ = _defined_names(stmt)
    tables = sorted(set(refs.values()))
    for column in stmt.find_all(exp.Column):
        name = column.name
        if not name or isinstance(column.this, exp.Star):
            continue
        if column.table:
            if column.table.lower() not in refs:
                continue  # a derived table or CTE: the database will judge
            owners = [refs[column.table.lower()]]
        elif name.lower() in outputs:
            continue  # an alias defined in the statement (ORDER BY n, HAVING total)
        else:
            owners = tables
        known = [c for t in owners for c in schema[t]]
        if name.lower() not in {c.lower() for c in known}:
            return _column_finding(name, owners, known, value_hint=True)
    return None


def _column_finding(name: str, owners: list[str], known: list[str], *, value_hint: bool = False) -> Finding:
    feedback = column_feedback(name, owners, known, suggestion=_suggestion(name, known, value_hint=value_hint))
    return Finding("unknown_column", feedback, {"name": name, "table": owners[0]})


def column_feedback(name: str, owners: list[str], known: list[str], *, meant: str = "", suggestion: str = "") -> str:
    """The unknown-column feedback: the tables, their columns, and ``suggestion`` or "Did you mean
    ``meant``?" (a header found another way than by spelling, ``_sql_headers``)."""
    if meant:
        suggestion = " " + render("rule_sql_suggestion", name=meant)
    return render("rule_sql_unknown_column", name=name, table=backticked(owners), columns=backticked(known),
                  suggestion=suggestion)


def insert_shape(stmt: exp.Expression, sql: str, schema: Schema) -> Finding | None:
    """INSERT: listed columns exist and every row has one value per column."""
    if not isinstance(stmt, exp.Insert):
        return None
    target = stmt.this
    table = target.this if isinstance(target, exp.Schema) else target
    if not isinstance(table, exp.Table) or table.name not in schema:
        return None
    columns = schema[table.name]
    listed = [e.name for e in target.expressions] if isinstance(target, exp.Schema) else None
    lowered = {c.lower() for c in columns}
    for name in listed or []:
        if name.lower() not in lowered:
            return _column_finding(name, [table.name], columns)
    if not isinstance(stmt.expression, exp.Values):
        return None  # INSERT ... SELECT: the database checks the shape
    expected = listed if listed is not None else columns
    for number, row in enumerate(stmt.expression.expressions, start=1):
        given = len(row.expressions) if isinstance(row, exp.Tuple) else 1
        if given != len(expected):
            template = "rule_sql_insert_count_listed" if listed is not None else "rule_sql_insert_count_all"
            feedback = render(
                template, row=number, given=given, expected=len(expected), columns=backticked(expected)
            )
            return Finding("insert_value_count", feedback, {"given": given, "expected": len(expected)})
    return None


def whole_table_change(stmt: exp.Expression, sql: str, schema: Schema) -> Finding | None:
    """UPDATE/DELETE without WHERE, DROP and TRUNCATE: no DBBench task wants the whole table changed."""
    if isinstance(stmt, (exp.Update, exp.Delete)) and stmt.args.get("where") is None:
        table = stmt.this.name if isinstance(stmt.this, exp.Table) else ""
        statement = "UPDATE" if isinstance(stmt, exp.Update) else "DELETE"
        feedback = render("rule_sql_no_where", statement=statement, table=table)
        return Finding("no_where", feedback, {"statement": statement})
    if isinstance(stmt, (exp.Drop, exp.TruncateTable)):
        statement = "DROP" if isinstance(stmt, exp.Drop) else "TRUNCATE"
        return Finding("destructive", render("rule_sql_destructive", statement=statement), {})
    return None


def parse_statement(sql: str) -> exp.Expression | None:
    """``sql`` parsed as one MySQL statement (sqlglot), or None when it does not parse or holds
    more or less than one."""
    try:
        statements = sqlglot.parse(sql, read="mysql")
    except SqlglotError:
        return None
    return statements[0] if len(statements) == 1 and isinstance(statements[0], exp.Expression) else None


def condition_clauses(stmt: exp.Expression) -> list[exp.Expression]:
    """The statement's WHERE and HAVING clauses (those it has)."""
    return [n for n in (stmt.find(exp.Where), stmt.find(exp.Having)) if n is not None]


def is_mutation(stmt: exp.Expression) -> bool:
    """Whether the statement may change the database (everything but queries, SHOW, DESCRIBE)."""
    return not isinstance(stmt, (exp.Query, exp.Show, exp.Describe))


AST_CHECKS = (
    reserved_word,
    unknown_table,
    string_as_column,
    unknown_column,
    insert_shape,
    whole_table_change,
)


def conjuncts(where: exp.Expression) -> list[exp.Expression]:
    """The conditions that ``where`` joins with AND at its top level, parentheses unwrapped."""
    node = where
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        parts = [node.args["this"], node.args["expression"]]
        return [c for part in parts for c in conjuncts(part)]
    return [node]


def replaced(stmt: exp.Select, node: exp.Expression, condition: exp.Expression) -> exp.Select:
    """A copy of ``stmt`` with its condition ``node`` replaced by ``condition``."""
    fixed = stmt.copy()
    next(n for n in fixed.find_all(type(node)) if n == node).replace(condition)
    return fixed


def without(stmt: exp.Select, node: exp.Expression) -> exp.Select:
    """A copy of ``stmt`` with the top-level AND condition ``node`` left out (and the WHERE clause
    with it when it was the only one)."""
    fixed = stmt.copy()
    where = fixed.args["where"]
    kept = [c for c in conjuncts(where.this) if c != node]
    if len(kept) == len(conjuncts(where.this)):
        return fixed
    if not kept:
        fixed.set("where", None)
        return fixed
    fixed.set("where", exp.Where(this=exp.and_(*[c.copy() for c in kept])))
    return fixed
