"""Translate whole MySQL statements for the SQLite backend: names, clauses, MySQL's checks.

Resolves names the MySQL way (table names case-sensitive, column names not; select aliases
visible in GROUP BY/HAVING/ORDER BY but not WHERE) and raises the server's errors for unknown
tables (1146) and columns (1054, naming the clause), aggregates in WHERE (1111),
ONLY_FULL_GROUP_BY violations (1055/1140), wrong value counts (1136) and more. The SELECT part is
in this module; INSERT/UPDATE/DELETE/SHOW in :mod:`.mysql_dml`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from cmat.envs.dbbench.backends import mysql_types as mt
from cmat.envs.dbbench.backends.errors import SQLError, no_such_table, syntax_error, unknown_column
from cmat.envs.dbbench.backends.mysql_functions import FunctionTranslator
from cmat.envs.dbbench.backends.mysql_semantics import Scope, Typed, collate, fn, lit, unsupported
from cmat.envs.dbbench.backends.mysql_types import MType

SET_OPERATIONS = (exp.Union, exp.Intersect, exp.Except)
ALIAS_CLAUSES = ("group statement", "having clause", "order clause")


@dataclass
class Source:
    """A FROM item: the name queries qualify it by, its base table (if any) and its columns."""

    name: str
    table: str | None
    columns: list[tuple[str, MType]]
    rowid: bool = False


@dataclass
class Compiled:
    """A translated statement: SQLite text and result types (None: no result set).

    ``rows`` is set instead when the statement is answered without SQLite (SHOW TABLES).
    """

    sql: str
    types: list[MType] | None
    rows: list[tuple[Any, ...]] | None = None


@dataclass
class _Item:
    node: exp.Expression
    mtype: MType
    name: str
    plain: tuple[str, str] | None = None
    bare: list[tuple[str, str]] = field(default_factory=list)


def quoted(name: str) -> exp.Identifier:
    return exp.Identifier(this=name, quoted=True)


class SelectTranslator(FunctionTranslator):
    """SELECT (with joins, derived tables, CTEs, set operations) and name resolution."""

    def __init__(self, database: str, tables: dict[str, tuple[str, ...]]) -> None:
        self.database = database
        self.tables = tables
        self.ctes: list[dict[str, Source]] = []

    # -- names -------------------------------------------------------------------------------
    def base_table(self, table: exp.Table) -> str:
        """The table's name if it exists exactly (case-sensitive), else error 1146."""
        db = table.args.get("db")
        database = db.name if db is not None else self.database
        if database != self.database or table.name not in self.tables:
            raise no_such_table(database, table.name)
        return table.name

    def column(self, node: exp.Column, scope: Scope) -> Typed:
        if isinstance(node.this, exp.Star):
            raise unsupported("qualified * outside the select list")
        name, qualifier = node.name, node.table
        display = ".".join(p for p in (node.args.get("db") and node.args["db"].name, qualifier, name) if p)
        if not qualifier and scope.clause in ALIAS_CLAUSES and scope.aliases_first:
            found = scope.aliases.get(name.lower())
            if found is not None:
                return found[0].copy(), found[1]
        current: Scope | None = scope
        while current is not None:
            hit = self._lookup(current, node, display)
            if hit is not None:
                source, column, mtype = hit
                if current is scope and not scope.agg_depth:
                    scope.bare_columns.append((source.name, column.lower()))
                override = current.overrides.get(column.lower()) if current is scope else None
                if override is not None:
                    return override[0].copy(), override[1]
                return exp.column(quoted(column), table=quoted(source.name)), mtype
            if current is scope and not qualifier and scope.clause in ALIAS_CLAUSES:
                found = scope.aliases.get(name.lower())
                if found is not None:
                    return found[0].copy(), found[1]
            current = current.parent
        raise unknown_column(display, scope.clause)

    def _lookup(self, scope: Scope, node: exp.Column, display: str) -> tuple[Source, str, MType] | None:
        qualifier, wanted = node.table, node.name.lower()
        db = node.args.get("db")
        hits = []
        for source in scope.sources:
            if qualifier and (source.name != qualifier or (db is not None and db.name != self.database)):
                continue
            for column, mtype in source.columns:
                if column.lower() == wanted:
                    hits.append((source, column, mtype))
                    break
        if len(hits) > 1:
            raise SQLError(1052, f"Column '{display}' in {scope.clause} is ambiguous")
        return hits[0] if hits else None

    # -- FROM --------------------------------------------------------------------------------
    def source(self, node: exp.Expression, scope: Scope) -> tuple[exp.Expression, Source]:
        alias = node.alias
        if isinstance(node, exp.Table):
            if node.name.upper() == "DUAL" and not node.args.get("db"):
                raise unsupported("DUAL in a join")
            cte = next((level[node.name] for level in reversed(self.ctes) if node.name in level), None)
            if cte is not None and node.args.get("db") is None:
                src = Source(alias or node.name, None, cte.columns)
            else:
                name = self.base_table(node)
                src = Source(alias or name, name, [(c, mt.TEXT) for c in self.tables[name]], rowid=True)
                node = exp.Table(this=quoted(name))
            table = exp.Table(this=quoted(node.name), alias=exp.TableAlias(this=quoted(src.name)))
            return table, src
        if isinstance(node, exp.Subquery):
            if not alias:
                raise SQLError(1248, "Every derived table must have its own alias")
            inner, types, names = self.select(node.this, None, named=True)
            src = Source(alias, None, list(zip(names, types, strict=True)))
            return exp.Subquery(this=inner, alias=exp.TableAlias(this=quoted(alias))), src
        raise unsupported(f"{type(node).__name__} in FROM")

    def from_clause(
        self, node: exp.Select, scope: Scope
    ) -> tuple[exp.Expression | None, list[exp.Expression]]:
        from_ = node.args.get("from_")
        if from_ is None:
            return None, []
        first = from_.this
        if isinstance(first, exp.Table) and first.name.upper() == "DUAL" and not node.args.get("joins"):
            return None, []
        sql_from, src = self.source(first, scope)
        self._add_source(scope, src)
        joins: list[tuple[exp.Join, exp.Expression]] = []
        for join in node.args.get("joins") or []:
            if join.args.get("using"):
                raise unsupported("JOIN ... USING")
            sql_table, src = self.source(join.this, scope)
            self._add_source(scope, src)
            joins.append((join, sql_table))
        compiled: list[exp.Expression] = []
        for join, sql_table in joins:
            on = join.args.get("on")
            condition = self.condition(on, scope, "on clause") if on is not None else None
            args = {k: join.args.get(k) for k in ("side", "kind", "method")}
            compiled.append(exp.Join(this=sql_table, on=condition, **{k: v for k, v in args.items() if v}))
        return exp.From(this=sql_from), compiled

    @staticmethod
    def _add_source(scope: Scope, source: Source) -> None:
        if any(s.name == source.name for s in scope.sources):
            raise SQLError(1066, f"Not unique table/alias: '{source.name}'")
        scope.sources.append(source)

    def condition(self, node: exp.Expression, scope: Scope, clause: str) -> exp.Expression:
        scope.clause, scope.bare_columns = clause, []
        return self.truth(self.expr(node, scope))

    # -- SELECT ------------------------------------------------------------------------------
    def select(
        self, node: exp.Expression, parent: Scope | None, named: bool = False
    ) -> tuple[exp.Expression, list[MType], list[str]]:
        """Compile a query; returns the SQLite query, its column types and its column names."""
        with_ = node.args.get("with_")
        self.ctes.append({})
        try:
            if with_ is not None:
                for cte in with_.expressions:
                    inner, types, names = self.select(cte.this, None, named=True)
                    self.ctes[-1][cte.alias] = Source(cte.alias, None, list(zip(names, types, strict=True)))
                    cte.set("this", inner)
            if isinstance(node, SET_OPERATIONS):
                return self.set_operation(node, parent, named)
            if not isinstance(node, exp.Select):
                raise unsupported(type(node).__name__.upper())
            result = self._select(node, parent, named)
            if with_ is not None:
                ctes = [
                    exp.CTE(this=c.this, alias=exp.TableAlias(this=quoted(c.alias)))
                    for c in with_.expressions
                ]
                result[0].set("with_", exp.With(expressions=ctes))
            return result
        finally:
            self.ctes.pop()

    def _select(
        self, node: exp.Select, parent: Scope | None, named: bool
    ) -> tuple[exp.Select, list[MType], list[str]]:
        scope = Scope(parent=parent)
        sql_from, joins = self.from_clause(node, scope)
        items = self.select_list(node, scope)
        out = exp.Select(
            expressions=[
                exp.Alias(this=i.node, alias=quoted(i.name if named else f"_c{n}"))
                for n, i in enumerate(items)
            ]
        )
        if sql_from is not None:
            out.set("from_", sql_from)
            out.set("joins", joins or None)
        where = node.args.get("where")
        if where is not None:
            out.set("where", exp.Where(this=self.condition(where.this, scope, "where clause")))
            constants = _constant_columns(where.this, scope)
        else:
            constants = set()
        scope.aliases = {i.name.lower(): (i.node, i.mtype) for i in items}
        group = self.group_by(node, scope, items)
        having_bare: list[tuple[str, str]] = []
        if node.args.get("having") is not None:
            scope.aliases_first = True
            out.set(
                "having", exp.Having(this=self.condition(node.args["having"].this, scope, "having clause"))
            )
            having_bare = scope.bare_columns
        order, order_bare = self.order_by(node, scope, items)
        if group or scope.has_aggregate:
            self.check_full_group_by(node, scope, items, group, constants, having_bare, order_bare)
        if group:
            out.set("group", exp.Group(expressions=[g for g, _ in group]))
            if not order and len(scope.sources) == 1 and scope.sources[0].rowid:
                first = fn("min", exp.column("rowid", table=quoted(scope.sources[0].name)))
                order = [exp.Ordered(this=first)]  # MySQL 8: groups in order of first appearance
        if node.args.get("distinct"):
            self.check_distinct_order(items, order_bare)
            out.set("distinct", exp.Distinct())
            for item, alias in zip(items, out.expressions, strict=True):
                if item.mtype.kind == "text":
                    alias.set("this", collate(item.node))
        if order:
            out.set("order", exp.Order(expressions=order))
        self.limit(node, out)
        return out, [i.mtype for i in items], [i.name for i in items]

    def select_list(self, node: exp.Select, scope: Scope) -> list[_Item]:
        items: list[_Item] = []
        for expression in node.expressions:
            target = expression.this if isinstance(expression, exp.Alias) else expression
            if isinstance(target, exp.Star) or (
                isinstance(target, exp.Column) and isinstance(target.this, exp.Star)
            ):
                items += self.star(target, scope)
                continue
            scope.clause, scope.bare_columns = "field list", []
            compiled, mtype = self.expr(target, scope)
            plain = scope.bare_columns[0] if isinstance(target, exp.Column) and scope.bare_columns else None
            name = expression.alias if isinstance(expression, exp.Alias) else _output_name(target)
            items.append(_Item(compiled, mtype, name, plain, scope.bare_columns))
        return items

    def star(self, node: exp.Expression, scope: Scope) -> list[_Item]:
        qualifier = node.table if isinstance(node, exp.Column) else ""
        sources = [s for s in scope.sources if not qualifier or s.name == qualifier]
        if qualifier and not sources:
            raise SQLError(1051, f"Unknown table '{qualifier}'")
        if not scope.sources:
            raise SQLError(1096, "No tables used")
        items = []
        for src in sources:
            for column, mtype in src.columns:
                ref = (src.name, column.lower())
                items.append(
                    _Item(exp.column(quoted(column), table=quoted(src.name)), mtype, column, ref, [ref])
                )
        return items

    def group_by(
        self, node: exp.Select, scope: Scope, items: list[_Item]
    ) -> list[tuple[exp.Expression, str]]:
        group = node.args.get("group")
        if group is None:
            return []
        if group.args.get("rollup") or group.args.get("cube"):
            raise unsupported("WITH ROLLUP")
        result = []
        scope.aliases_first = False
        for expression in group.expressions:
            scope.bare_columns = []
            compiled, mtype = self.positional(expression, scope, items, "group statement")
            if mtype.kind == "text":
                compiled = collate(compiled)
            result.append((compiled, compiled.sql(dialect="sqlite")))
        return result

    def positional(self, node: exp.Expression, scope: Scope, items: list[_Item], clause: str) -> Typed:
        scope.clause = clause
        if isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit():
            index = int(node.this)
            if not 1 <= index <= len(items):
                raise unknown_column(node.this, clause)
            return items[index - 1].node.copy(), items[index - 1].mtype
        return self.expr(node, scope)

    def order_by(
        self, node: exp.Expression, scope: Scope, items: list[_Item]
    ) -> tuple[list[exp.Expression], list[list[tuple[str, str]]]]:
        order = node.args.get("order")
        if order is None:
            return [], []
        scope.aliases_first = True
        result: list[exp.Expression] = []
        bare: list[list[tuple[str, str]]] = []
        for ordered in order.expressions:
            scope.bare_columns = []
            compiled, mtype = self.positional(ordered.this, scope, items, "order clause")
            bare.append(scope.bare_columns)
            if mtype.kind == "text":
                compiled = collate(compiled)
            desc = bool(ordered.args.get("desc"))
            result.append(exp.Ordered(this=compiled, desc=desc, nulls_first=not desc))
        return result, bare

    @staticmethod
    def limit(node: exp.Expression, out: exp.Expression) -> None:
        limit, offset = node.args.get("limit"), node.args.get("offset")
        for part in (limit, offset):
            value = part.expression if part is not None else None
            if value is not None and not (isinstance(value, exp.Literal) and value.this.isdigit()):
                raise syntax_error(value.sql(dialect="mysql"))
        if limit is not None:
            out.set("limit", exp.Limit(expression=lit(int(limit.expression.this))))
        if offset is not None:
            out.set("offset", exp.Offset(expression=lit(int(offset.expression.this))))

    def set_operation(
        self, node: exp.Expression, parent: Scope | None, named: bool
    ) -> tuple[exp.Expression, list[MType], list[str]]:
        left, left_types, names = self.select(node.this, parent, named)
        right, right_types, _ = self.select(node.expression, parent, named)
        if len(left_types) != len(right_types):
            raise SQLError(1222, "The used SELECT statements have a different number of columns")
        types = [mt.unify(pair) for pair in zip(left_types, right_types, strict=True)]
        out = type(node)(this=left, expression=right, distinct=node.args.get("distinct"))
        scope = Scope(parent=parent, clause="order clause")
        scope.sources = [Source("", None, list(zip(names, types, strict=True)))]
        order = node.args.get("order")
        if order is not None:
            compiled = []
            for ordered in order.expressions:
                target = ordered.this
                if isinstance(target, exp.Column):
                    target = exp.column(quoted(_resolve_name(target.name, names, "order clause")))
                desc = bool(ordered.args.get("desc"))
                compiled.append(exp.Ordered(this=target, desc=desc, nulls_first=not desc))
            out.set("order", exp.Order(expressions=compiled))
        self.limit(node, out)
        return out, types, names

    # -- MySQL's checks ----------------------------------------------------------------------
    def _full_name(self, scope: Scope, ref: tuple[str, str]) -> str:
        source = next(s for s in scope.sources if s.name == ref[0])
        column = next(c for c, _ in source.columns if c.lower() == ref[1])
        return f"{self.database}.{source.name}.{column}" if source.table else f"{source.name}.{column}"

    def check_full_group_by(
        self,
        node: exp.Select,
        scope: Scope,
        items: list[_Item],
        group: list[tuple[exp.Expression, str]],
        constants: set[tuple[str, str]],
        having: list[tuple[str, str]],
        order: list[list[tuple[str, str]]],
    ) -> None:
        """MySQL 8's ONLY_FULL_GROUP_BY (errors 1055/1140), with its WHERE col = constant rule."""
        allowed = set(constants)
        group_sql = {text for _, text in group}
        for compiled, _ in group:
            inner = compiled.this if isinstance(compiled, exp.Collate) else compiled
            if isinstance(inner, exp.Column):
                allowed.add((inner.table, inner.name.lower()))
        checks: list[tuple[str, int, list[tuple[str, str]], exp.Expression | None]]
        checks = [("SELECT list", n, i.bare, i.node) for n, i in enumerate(items, start=1)]
        checks += [("HAVING clause", 1, having, None)] if having else []
        checks += [("ORDER BY clause", n, b, None) for n, b in enumerate(order, start=1)] if group else []
        for where, number, bare, item_node in checks:
            if item_node is not None and _sql(item_node) in group_sql:
                continue
            missing = next((ref for ref in bare if ref not in allowed), None)
            if missing is None:
                continue
            name = self._full_name(scope, missing)
            if group:
                raise SQLError(
                    1055,
                    f"Expression #{number} of {where} is not in GROUP BY clause and contains "
                    f"nonaggregated column '{name}' which is not functionally dependent on columns in "
                    "GROUP BY clause; this is incompatible with sql_mode=only_full_group_by",
                )
            raise SQLError(
                1140,
                f"In aggregated query without GROUP BY, expression #{number} of {where} contains "
                f"nonaggregated column '{name}'; this is incompatible with sql_mode=only_full_group_by",
            )

    def check_distinct_order(self, items: list[_Item], order: list[list[tuple[str, str]]]) -> None:
        """SELECT DISTINCT ... ORDER BY a column not selected: MySQL's error 3065."""
        selected = {i.plain for i in items if i.plain}
        for number, bare in enumerate(order, start=1):
            missing = next((ref for ref in bare if ref not in selected), None)
            if missing is not None:
                raise SQLError(
                    3065,
                    f"Expression #{number} of ORDER BY clause is not in SELECT list, references "
                    f"column '{self.database}.{missing[0]}.{missing[1]}' which is not in SELECT list; "
                    "this is incompatible with DISTINCT",
                )

    # -- subqueries in expressions -----------------------------------------------------------
    def row_subquery(self, node: exp.Expression, scope: Scope) -> tuple[exp.Expression, list[MType]]:
        query = node.this if isinstance(node, exp.Subquery) else node
        compiled, types, _ = self.select(query, scope)
        return compiled, types

    def scalar_subquery(self, node: exp.Expression, scope: Scope) -> Typed:
        compiled, types = self.row_subquery(node, scope)
        if len(types) != 1:
            raise SQLError(1241, "Operand should contain 1 column(s)")
        if not isinstance(compiled, exp.Select):
            return exp.Subquery(this=compiled), types[0]
        probe = compiled.copy()  # a second row exists <=> the query skipped by one still has a row
        limit, offset = compiled.args.get("limit"), compiled.args.get("offset")
        if limit is not None and int(limit.expression.this) < 2:
            return exp.Subquery(this=compiled), types[0]
        skip = int(offset.expression.this) + 1 if offset is not None else 1
        probe.set("limit", exp.Limit(expression=lit(1)))
        probe.set("offset", exp.Offset(expression=lit(skip)))
        error = fn("mysql_error", lit(1242), lit("Subquery returns more than 1 row"))
        check = exp.If(this=exp.Exists(this=probe), true=error)
        return exp.Case(ifs=[check], default=exp.Subquery(this=compiled)), types[0]


def _sql(node: exp.Expression) -> str:
    return node.sql(dialect="sqlite")


def _output_name(node: exp.Expression) -> str:
    """MySQL's name of an unaliased select item: the column name, else the expression text."""
    if isinstance(node, exp.Column):
        return node.name
    if isinstance(node, exp.Literal):
        return node.name
    return node.sql(dialect="mysql")


def _resolve_name(name: str, names: list[str], clause: str) -> str:
    for candidate in names:
        if candidate.lower() == name.lower():
            return candidate
    raise unknown_column(name, clause)


def _constant_columns(condition: exp.Expression, scope: Scope) -> set[tuple[str, str]]:
    """Columns fixed by a top-level ``col = literal`` conjunct (functionally dependent on {})."""
    found: set[tuple[str, str]] = set()
    parts = list(condition.flatten()) if isinstance(condition, exp.And) else [condition]
    for part in parts:
        if not isinstance(part, exp.EQ):
            continue
        for col, other in ((part.this, part.expression), (part.expression, part.this)):
            if isinstance(col, exp.Column) and isinstance(other, (exp.Literal, exp.Null)):
                for source in scope.sources:
                    if (not col.table or col.table == source.name) and any(
                        c.lower() == col.name.lower() for c, _ in source.columns
                    ):
                        found.add((source.name, col.name.lower()))
    return found
