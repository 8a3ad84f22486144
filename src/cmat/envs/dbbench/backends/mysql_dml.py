"""INSERT, UPDATE, DELETE and the utility statements (SHOW, DESCRIBE, USE, COMMIT) for SQLite.

Every value written into a (TEXT) column takes MySQL's text form first, so ``SET x = 7.400``
stores ``'7.400'`` and ``SET x = x + 1`` stores ``'13'``, exactly what the server stores; that is
what makes the md5 table hash of INSERT/UPDATE tasks identical. ``UPDATE``/``DELETE`` with
``ORDER BY ... LIMIT`` (which SQLite lacks) become a rowid subquery.
"""

from __future__ import annotations

from sqlglot import exp

from cmat.envs.dbbench.backends import mysql_types as mt
from cmat.envs.dbbench.backends.errors import SQLError
from cmat.envs.dbbench.backends.mysql_semantics import Scope, unsupported
from cmat.envs.dbbench.backends.mysql_statements import (
    SET_OPERATIONS,
    Compiled,
    SelectTranslator,
    Source,
    quoted,
)

TRANSACTION = (exp.Transaction, exp.Commit, exp.Rollback)


class Translator(SelectTranslator):
    """Turns one parsed MySQL statement into a :class:`Compiled` SQLite statement."""

    def statement(self, node: exp.Expression) -> Compiled:
        self.strict = isinstance(node, (exp.Insert, exp.Update, exp.Delete))
        try:
            return self._statement(node)
        finally:
            self.strict = False

    def _statement(self, node: exp.Expression) -> Compiled:
        if isinstance(node, (exp.Select, *SET_OPERATIONS)):
            query, types, _ = self.select(node, None)
            return Compiled(query.sql(dialect="sqlite"), types)
        if isinstance(node, exp.Insert):
            return self.insert(node)
        if isinstance(node, exp.Update):
            return self.update(node)
        if isinstance(node, exp.Delete):
            return self.delete(node)
        if isinstance(node, exp.TruncateTable):
            name = self.base_table(node.expressions[0])
            return Compiled(exp.delete(exp.Table(this=quoted(name))).sql(dialect="sqlite"), None)
        if isinstance(node, exp.Show):
            return self.show(node)
        if isinstance(node, exp.Describe) and isinstance(node.this, exp.Table):
            return self.describe(self.base_table(node.this))
        if isinstance(node, exp.Use):
            name = node.this.name
            if name != self.database:
                raise SQLError(1049, f"Unknown database '{name}'")
            return Compiled("", None, rows=[])
        if isinstance(node, TRANSACTION):
            return Compiled("", None, rows=[])  # every statement is committed anyway
        if isinstance(node, exp.Command):
            raise unsupported(f"{str(node.this).upper()} statements")
        raise unsupported(f"{node.key.upper()} statements")

    def _target(self, table: exp.Expression) -> tuple[str, Source]:
        if not isinstance(table, exp.Table):
            raise unsupported("multiple-table UPDATE/DELETE")
        name = self.base_table(table)
        source = Source(table.alias or name, name, [(c, mt.TEXT) for c in self.tables[name]], rowid=True)
        return name, source

    def _column(self, identifier: exp.Expression, columns: tuple[str, ...]) -> str:
        name = identifier.name
        for column in columns:
            if column.lower() == name.lower():
                return column
        raise SQLError(1054, f"Unknown column '{name}' in 'field list'")

    def insert(self, node: exp.Insert) -> Compiled:
        target = node.this
        table = target.this if isinstance(target, exp.Schema) else target
        name = self.base_table(table)
        columns = self.tables[name]
        if isinstance(target, exp.Schema) and target.expressions:
            names = [self._column(i, columns) for i in target.expressions]
            duplicate = next((c for i, c in enumerate(names) if c.lower() in map(str.lower, names[:i])), None)
            if duplicate:
                raise SQLError(1110, f"Column '{duplicate}' specified twice")
        else:
            names = list(columns)
        source = node.expression
        if isinstance(source, exp.Values):
            values: exp.Expression = exp.Values(
                expressions=[
                    exp.Tuple(expressions=self._row(row, names, number, name, columns))
                    for number, row in enumerate(source.expressions, start=1)
                ]
            )
        elif isinstance(source, (exp.Select, *SET_OPERATIONS)):
            query, types, _ = self.select(source, None)
            if len(types) != len(names):
                raise SQLError(1136, "Column count doesn't match value count at row 1")
            columns_out = [exp.column(f"_c{i}", quoted=True) for i in range(len(types))]
            texts = [self.stored_text((c, t)) for c, t in zip(columns_out, types, strict=True)]
            values = exp.select(*texts).from_(exp.Subquery(this=query, alias="_ins"))
        else:
            raise unsupported("this INSERT form")
        schema = exp.Schema(this=exp.Table(this=quoted(name)), expressions=[quoted(c) for c in names])
        return Compiled(exp.Insert(this=schema, expression=values).sql(dialect="sqlite"), None)

    def _row(
        self, row: exp.Expression, names: list[str], number: int, table: str, columns: tuple[str, ...]
    ) -> list[exp.Expression]:
        items = row.expressions if isinstance(row, exp.Tuple) else [row]
        if len(items) != len(names):
            raise SQLError(1136, f"Column count doesn't match value count at row {number}")
        # MySQL lets a value refer to columns of the new row: earlier ones have their new value,
        # the others their default (NULL)
        source = Source(table, table, [(c, mt.TEXT) for c in columns])
        scope = Scope(sources=[source], clause="field list")
        scope.overrides = {c.lower(): (exp.Null(), mt.NULL) for c in columns}
        out: list[exp.Expression] = []
        for name, item in zip(names, items, strict=True):
            qualified = isinstance(item, exp.Column) and bool(item.table)
            if isinstance(item, (exp.Var, exp.Column)) and item.name.upper() == "DEFAULT" and not qualified:
                value: exp.Expression = exp.Null()
                kind = mt.NULL
            else:
                typed = self.expr(item, scope)
                value, kind = self.stored_text(typed), (mt.NULL if typed[1].kind == "null" else mt.TEXT)
            scope.overrides[name.lower()] = (value, kind)
            out.append(value)
        return out

    def update(self, node: exp.Update) -> Compiled:
        if node.args.get("from_") or node.args.get("joins"):
            raise unsupported("multiple-table UPDATE")
        name, source = self._target(node.this)
        scope = Scope(sources=[source], clause="field list")
        assignments = []
        for assignment in node.expressions:
            target = assignment.this
            if not isinstance(target, exp.Column) or (target.table and target.table != source.name):
                shown = target.sql(dialect="mysql") if isinstance(target, exp.Column) else str(target)
                raise SQLError(1054, f"Unknown column '{shown}' in 'field list'")
            column = self._column(target, self.tables[name])
            scope.clause = "field list"
            value = self.expr(assignment.expression, scope)
            text = self.stored_text(value)
            scope.overrides[column.lower()] = (text, mt.TEXT if value[1].kind != "null" else mt.NULL)
            assignments.append(exp.EQ(this=exp.column(quoted(column)), expression=text))
        scope.overrides = {}
        where = self._where(node, scope, name, source)
        update = exp.Update(
            this=exp.Table(this=quoted(name), alias=exp.TableAlias(this=quoted(source.name))),
            expressions=assignments,
            where=where,
        )
        return Compiled(update.sql(dialect="sqlite"), None)

    def delete(self, node: exp.Delete) -> Compiled:
        if node.args.get("using") or node.args.get("tables"):
            raise unsupported("multiple-table DELETE")
        name, source = self._target(node.this)
        scope = Scope(sources=[source])
        where = self._where(node, scope, name, source)
        delete = exp.Delete(
            this=exp.Table(this=quoted(name), alias=exp.TableAlias(this=quoted(source.name))), where=where
        )
        return Compiled(delete.sql(dialect="sqlite"), None)

    def _where(self, node: exp.Expression, scope: Scope, name: str, source: Source) -> exp.Where | None:
        """WHERE, and ORDER BY/LIMIT folded into ``rowid IN (SELECT rowid ... LIMIT n)``."""
        where = node.args.get("where")
        condition = self.condition(where.this, scope, "where clause") if where is not None else None
        order, _ = self.order_by(node, scope, [])
        limit = node.args.get("limit")
        if not order and limit is None:
            return exp.Where(this=condition) if condition is not None else None
        table = exp.Table(this=quoted(name), alias=exp.TableAlias(this=quoted(source.name)))
        rowid = exp.column("rowid", table=quoted(source.name))
        pick = exp.select(rowid.copy()).from_(table)
        if condition is not None:
            pick.set("where", exp.Where(this=condition))
        if order:
            pick.set("order", exp.Order(expressions=order))
        self.limit(node, pick)
        return exp.Where(this=exp.In(this=exp.column("rowid"), query=exp.Subquery(this=pick)))

    def show(self, node: exp.Show) -> Compiled:
        what = str(node.this).upper()
        if what == "TABLES":
            full = bool(node.args.get("full"))
            rows = [((t, "BASE TABLE") if full else (t,)) for t in sorted(self.tables)]
            return Compiled("", None, rows=rows)
        if what == "DATABASES":
            names = sorted({"information_schema", "mysql", "performance_schema", "sys", self.database})
            return Compiled("", None, rows=[(n,) for n in names])
        if what in ("COLUMNS", "FIELDS"):
            target = node.args.get("target")
            table = exp.Table(this=exp.Identifier(this=target.name if target is not None else ""))
            return self.describe(self.base_table(table))
        raise unsupported(f"SHOW {what}")

    def describe(self, name: str) -> Compiled:
        """DESCRIBE / SHOW COLUMNS: every column is a nullable TEXT without key or default."""
        return Compiled("", None, rows=[(c, "text", "YES", "", None, "") for c in self.tables[name]])
