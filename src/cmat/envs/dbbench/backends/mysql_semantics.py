"""Translate MySQL expressions (sqlglot AST, read as MySQL) into SQLite ones with MySQL meaning.

Each expression is compiled to a pair ``(sqlite_expression, MType)``. The MySQL type decides the
rewrite: TEXT compared with TEXT gets the utf8mb4_0900_ai_ci collation, TEXT meeting a number is
converted with MySQL's text-to-DOUBLE rule (``mysql_double``), ``/`` on exact numbers gives
DECIMAL, LIKE and REGEXP go through collation-aware Python functions, and so on. Functions and
aggregates live in :mod:`.mysql_functions`; name resolution and statements in
:mod:`.mysql_statements`. See :mod:`.sqlite_functions` for the runtime side.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from cmat.envs.dbbench.backends import mysql_types as mt
from cmat.envs.dbbench.backends import mysql_values as mv
from cmat.envs.dbbench.backends.collation import COLLATION_NAME
from cmat.envs.dbbench.backends.errors import SQLError
from cmat.envs.dbbench.backends.mysql_types import MType

Typed = tuple[exp.Expression, MType]
COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ)
ARITHMETIC = (exp.Add, exp.Sub, exp.Mul)


def fn(name: str, *args: exp.Expression) -> exp.Expression:
    """A call of one of our registered ``mysql_*`` functions (or a SQLite builtin)."""
    return exp.Anonymous(this=name, expressions=list(args))


def lit(value: Any) -> exp.Expression:
    """A SQLite literal for a Python str/int/float/None."""
    if value is None:
        return exp.Null()
    if isinstance(value, str):
        return exp.Literal.string(value)
    return exp.Literal.number(repr(value) if isinstance(value, float) else value)


def paren(node: exp.Expression) -> exp.Expression:
    """Parenthesise (the generator does not add parentheses for built trees)."""
    return exp.Paren(this=node)


def collate(node: exp.Expression) -> exp.Expression:
    return exp.Collate(this=node, expression=exp.Identifier(this=COLLATION_NAME))


def unsupported(what: str) -> SQLError:
    """Error for MySQL features the embedded backend does not emulate (honest, MySQL-shaped)."""
    return SQLError(
        1235, f"This version of MySQL doesn't yet support '{what}' (cmat embedded SQLite backend)"
    )


def literal_type(text: str) -> MType:
    """Type of a numeric literal: 1 -> BIGINT, 7.400 -> DECIMAL(3), 1e3 -> DOUBLE."""
    if "e" in text.lower():
        return mt.DOUBLE
    if "." in text:
        return mt.decimal(len(text.split(".", 1)[1]))
    return mt.INT if int(text) <= mv.INT64_MAX else mt.decimal(0)


@dataclass
class Scope:
    """Names visible to an expression, and what the translator learns while compiling it.

    ``sources`` are the FROM items (see :class:`Source`), ``parent`` the enclosing query for
    correlated subqueries, ``aliases`` the select-list aliases (visible in ORDER BY, GROUP BY,
    HAVING), ``clause`` MySQL's name of the clause being compiled (used in error 1054),
    ``overrides`` the values already assigned earlier in an UPDATE's SET list (MySQL assigns
    left to right, later expressions see the new values).
    """

    sources: list[Any] = field(default_factory=list)
    parent: Scope | None = None
    aliases: dict[str, Typed] = field(default_factory=dict)
    clause: str = "field list"
    aliases_first: bool = False
    agg_depth: int = 0
    has_aggregate: bool = False
    bare_columns: list[tuple[str, str]] = field(default_factory=list)
    overrides: dict[str, Typed] = field(default_factory=dict)


class ExprTranslator:
    """Expression half of the translator; :class:`.mysql_statements.Translator` completes it.

    ``strict`` is set while compiling INSERT/UPDATE/DELETE: MySQL 8's default STRICT_TRANS_TABLES
    then turns bad text-to-number conversions (1292) and division by zero (1365) into errors.
    """

    database = ""
    strict = False

    # -- provided by the statement translator ----------------------------------------------
    def column(self, node: exp.Column, scope: Scope) -> Typed:
        raise NotImplementedError

    def scalar_subquery(self, node: exp.Expression, scope: Scope) -> Typed:
        raise NotImplementedError

    def row_subquery(self, node: exp.Expression, scope: Scope) -> tuple[exp.Expression, list[MType]]:
        raise NotImplementedError

    def function(self, node: exp.Expression, scope: Scope) -> Typed | None:
        raise NotImplementedError

    # -- conversions -------------------------------------------------------------------------
    @staticmethod
    def text(typed: Typed) -> exp.Expression:
        """The value as MySQL text (numbers formatted as the server formats them)."""
        node, mtype = typed
        if mtype.kind == "int":
            return exp.Cast(this=node, to=exp.DataType.build("TEXT"))
        if mtype.kind == "decimal":
            if isinstance(node, exp.Literal) and not node.is_string:
                return lit(mv.literal_decimal_text(node.name))
            return fn("mysql_text_decimal", node, lit(mtype.scale))
        if mtype.kind == "double":
            return fn("mysql_text_double", node)
        return node

    def number(self, typed: Typed) -> exp.Expression:
        """The value as a number (text converted with MySQL's DOUBLE rule)."""
        node, mtype = typed
        if not mtype.stringish:
            return node
        return fn("mysql_double_strict" if self.strict else "mysql_double", node)

    def stored_text(self, typed: Typed) -> exp.Expression:
        """The text MySQL stores in a TEXT column for this value (see ``MType.stored_scale``)."""
        node, mtype = typed
        if mtype.kind == "decimal" and mtype.stored_scale is not None:
            return fn("mysql_text_decimal", node, lit(mtype.stored_scale))
        return self.text(typed)

    def truth(self, typed: Typed) -> exp.Expression:
        """The value in a boolean context (WHERE, AND, IF): text is read as a number."""
        return self.number(typed)

    def coerce(self, typed: Typed, target: MType) -> exp.Expression:
        """Convert a branch of CASE/IF/COALESCE/UNION to the common type."""
        if typed[1].kind == "null" or typed[1] == target:
            return typed[0]
        if target.stringish:
            return self.text(typed)
        if target.numeric:
            return self.number(typed)
        return typed[0]

    # -- dispatch ----------------------------------------------------------------------------
    def expr(self, node: exp.Expression, scope: Scope) -> Typed:
        """Compile one expression; unknown constructs raise a MySQL-shaped SQLError."""
        handler = _HANDLERS.get(type(node))
        if handler is not None:
            return handler(self, node, scope)
        result = self.function(node, scope)
        if result is not None:
            return result
        raise unsupported(type(node).__name__.upper())

    def literal(self, node: exp.Literal, scope: Scope) -> Typed:
        if node.is_string:
            return exp.Literal.string(node.this), mt.TEXT
        return exp.Literal.number(node.this), literal_type(node.this)

    def paren_expr(self, node: exp.Paren, scope: Scope) -> Typed:
        inner, mtype = self.expr(node.this, scope)
        return paren(inner), mtype

    def null(self, node: exp.Expression, scope: Scope) -> Typed:
        return exp.Null(), mt.NULL

    def boolean(self, node: exp.Boolean, scope: Scope) -> Typed:
        return lit(1 if node.this else 0), mt.INT

    def hex_string(self, node: exp.HexString, scope: Scope) -> Typed:
        return lit(int(node.this or "0", 16)), mt.INT

    # -- operators ---------------------------------------------------------------------------
    def compare(self, cls: type[exp.Expression], left: Typed, right: Typed) -> exp.Expression:
        """``left <op> right`` with MySQL's comparison rules (collation, or both as DOUBLE)."""
        (a, at), (b, bt) = left, right
        if cls is not exp.NullSafeEQ and isinstance(a, exp.Null):
            return exp.Null()  # the server evaluates left to right and stops at a NULL
        if at.kind != "null" and bt.kind != "null":
            if at.stringish and bt.stringish:
                if at.kind == "text" or bt.kind == "text":
                    a = collate(a)
            elif at.stringish or bt.stringish:
                a, b = self._operand(left, first=True), self._operand(right, first=False)
                if self.strict and cls is not exp.NullSafeEQ:
                    # the server skips the right operand when the left one is NULL; under strict
                    # mode that decides whether a bad conversion on the right raises
                    test = exp.If(this=exp.Is(this=a, expression=exp.Null()), true=exp.Null())
                    return exp.Case(ifs=[test], default=paren(cls(this=a.copy(), expression=b)))
        return paren(cls(this=a, expression=b))

    def _operand(self, typed: Typed, first: bool) -> exp.Expression:
        """A comparison operand as a number. Constants are converted while the server optimizes,
        where strict mode does not apply; only a string literal on the left is converted per row
        (this is what MariaDB does; MySQL 8 is believed to agree)."""
        node = typed[0]
        literal = isinstance(node, exp.Literal) and node.is_string
        constant = not any(True for _ in node.find_all(exp.Column))
        if constant and not (literal and first):
            return fn("mysql_double", node) if typed[1].stringish else node
        return self.number(typed)

    def comparison(self, node: exp.Expression, scope: Scope) -> Typed:
        left = self.expr(node.this, scope)
        right = self.expr(node.expression, scope)
        return self.compare(type(node), left, right), mt.INT

    def arithmetic(self, node: exp.Expression, scope: Scope) -> Typed:
        left, right = self.expr(node.this, scope), self.expr(node.expression, scope)
        rtype = mt.numeric_result(left[1], right[1])
        result = paren(type(node)(this=self.number(left), expression=self.number(right)))
        if rtype.kind == "decimal":
            if isinstance(node, exp.Mul):
                rtype = mt.decimal(left[1].scale + right[1].scale)
            result = fn("round", result, lit(rtype.scale))  # exact in MySQL: drop float noise
        return result, rtype

    def divide(self, node: exp.Div, scope: Scope) -> Typed:
        left, right = self.expr(node.this, scope), self.expr(node.expression, scope)
        quotient = fn("mysql_div", self.number(left), self.number(right), lit(int(self.strict)))
        if left[1].exact and right[1].exact:
            scale = left[1].scale + 4
            return quotient, mt.MType("decimal", scale, stored_scale=min(-(-scale // 9) * 9, 30))
        return quotient, mt.DOUBLE

    def int_div(self, node: exp.IntDiv, scope: Scope) -> Typed:
        left, right = self.expr(node.this, scope), self.expr(node.expression, scope)
        return fn("mysql_int_div", self.number(left), self.number(right), lit(int(self.strict))), mt.INT

    def modulo(self, node: exp.Mod, scope: Scope) -> Typed:
        left, right = self.expr(node.this, scope), self.expr(node.expression, scope)
        rtype = mt.numeric_result(left[1], right[1])
        if rtype.kind == "null":
            return exp.Null(), mt.NULL
        strict = lit(int(self.strict))
        return fn("mysql_mod", self.number(left), self.number(right), lit(rtype.kind), strict), rtype

    def negate(self, node: exp.Neg, scope: Scope) -> Typed:
        inner = self.expr(node.this, scope)
        rtype = mt.DOUBLE if inner[1].stringish else inner[1]
        return paren(exp.Neg(this=self.number(inner))), rtype

    def logical(self, node: exp.Expression, scope: Scope) -> Typed:
        left = self.truth(self.expr(node.this, scope))
        right = self.truth(self.expr(node.expression, scope))
        if isinstance(node, exp.Xor):
            return paren(
                exp.NEQ(
                    this=paren(exp.NEQ(this=left, expression=lit(0))),
                    expression=paren(exp.NEQ(this=right, expression=lit(0))),
                )
            ), mt.INT
        return paren(type(node)(this=left, expression=right)), mt.INT

    def negation(self, node: exp.Not, scope: Scope) -> Typed:
        return paren(exp.Not(this=self.truth(self.expr(node.this, scope)))), mt.INT

    def is_(self, node: exp.Is, scope: Scope) -> Typed:
        inner = self.expr(node.this, scope)
        target = node.expression
        if isinstance(target, exp.Null):
            return paren(exp.Is(this=inner[0], expression=exp.Null())), mt.INT
        truth = paren(exp.NEQ(this=self.truth(inner), expression=lit(0)))
        value = lit(1 if isinstance(target, exp.Boolean) and target.this else 0)
        return paren(exp.Is(this=truth, expression=value)), mt.INT

    def in_(self, node: exp.In, scope: Scope) -> Typed:
        left = self.expr(node.this, scope)
        query = node.args.get("query")
        if query is not None:
            sub, types = self.row_subquery(query, scope)
            return self._in_subquery(left, sub, types), mt.INT
        items = [self.expr(item, scope) for item in node.expressions]
        kinds = {t.kind for _, t in items if t.kind != "null"} | ({left[1].kind} - {"null"})
        if kinds <= {"text", "date", "datetime"} or kinds <= {"int", "decimal", "double"}:
            head = collate(left[0]) if "text" in kinds else left[0]
            return paren(exp.In(this=head, expressions=[n for n, _ in items])), mt.INT
        tests = [self.compare(exp.EQ, left, item) for item in items]
        result = tests[0]
        for test in tests[1:]:
            result = exp.Or(this=result, expression=test)
        return paren(result), mt.INT

    def _in_subquery(self, left: Typed, sub: exp.Expression, types: list[MType]) -> exp.Expression:
        if len(types) != 1:
            raise SQLError(1241, "Operand should contain 1 column(s)")
        inner = types[0]
        if left[1].stringish and inner.stringish:
            head = collate(left[0]) if "text" in (left[1].kind, inner.kind) else left[0]
        elif left[1].stringish or inner.stringish:
            head = self.number(left)
            column = exp.column("_c0", quoted=True)
            sub = exp.select(fn("mysql_double", column)).from_(exp.Subquery(this=sub, alias="_s"))
        else:
            head = left[0]
        return paren(exp.In(this=head, query=exp.Subquery(this=sub)))

    def between(self, node: exp.Between, scope: Scope) -> Typed:
        value = self.expr(node.this, scope)
        low, high = self.expr(node.args["low"], scope), self.expr(node.args["high"], scope)
        both = exp.And(this=self.compare(exp.GTE, value, low), expression=self.compare(exp.LTE, value, high))
        return paren(both), mt.INT

    def like(self, node: exp.Expression, scope: Scope) -> Typed:
        escape: exp.Expression = lit("\\")
        if isinstance(node, exp.Escape):
            escape = self.text(self.expr(node.expression, scope))
            node = node.this
        value = self.text(self.expr(node.this, scope))
        pattern = self.text(self.expr(node.expression, scope))
        result = fn("mysql_like", value, pattern, escape)
        return (paren(exp.Not(this=result)) if node.args.get("negate") else result), mt.INT

    def regexp(self, node: exp.RegexpLike, scope: Scope) -> Typed:
        value = self.text(self.expr(node.this, scope))
        pattern = self.text(self.expr(node.expression, scope))
        return fn("mysql_regexp", value, pattern), mt.INT

    # -- conditionals ------------------------------------------------------------------------
    def _case(self, branches: list[tuple[exp.Expression, Typed]], default: Typed | None) -> Typed:
        rtype = mt.unify([t for _, (_, t) in branches] + ([default[1]] if default else []))
        ifs = [exp.If(this=cond, true=self.coerce(value, rtype)) for cond, value in branches]
        other = self.coerce(default, rtype) if default else None
        return exp.Case(ifs=ifs, default=other), rtype

    def case(self, node: exp.Case, scope: Scope) -> Typed:
        operand = self.expr(node.this, scope) if node.this else None
        branches = []
        for branch in node.args.get("ifs") or []:
            when = self.expr(branch.this, scope)
            cond = self.compare(exp.EQ, operand, when) if operand else self.truth(when)
            branches.append((cond, self.expr(branch.args["true"], scope)))
        default = node.args.get("default")
        return self._case(branches, self.expr(default, scope) if default else None)

    def if_(self, node: exp.If, scope: Scope) -> Typed:
        cond = self.truth(self.expr(node.this, scope))
        false = node.args.get("false")
        return self._case(
            [(cond, self.expr(node.args["true"], scope))], self.expr(false, scope) if false else None
        )

    def coalesce(self, node: exp.Coalesce, scope: Scope) -> Typed:
        items = [self.expr(node.this, scope)] + [self.expr(e, scope) for e in node.expressions]
        rtype = mt.unify(t for _, t in items)
        return exp.Coalesce(
            this=self.coerce(items[0], rtype), expressions=[self.coerce(i, rtype) for i in items[1:]]
        ), rtype

    def nullif(self, node: exp.Nullif, scope: Scope) -> Typed:
        left, right = self.expr(node.this, scope), self.expr(node.expression, scope)
        test = self.compare(exp.EQ, left, right)
        return exp.Case(ifs=[exp.If(this=test, true=exp.Null())], default=left[0]), left[1]

    def subquery(self, node: exp.Subquery, scope: Scope) -> Typed:
        return self.scalar_subquery(node, scope)

    def exists(self, node: exp.Exists, scope: Scope) -> Typed:
        sub, _ = self.row_subquery(node.this, scope)
        return exp.Exists(this=sub), mt.INT

    def column_node(self, node: exp.Column, scope: Scope) -> Typed:
        return self.column(node, scope)

    def collate_node(self, node: exp.Collate, scope: Scope) -> Typed:
        name = node.expression.name.lower()
        inner = self.text(self.expr(node.this, scope))
        if re.search(r"_(bin|as_cs|cs)$", name):
            return exp.Collate(this=inner, expression=exp.Identifier(this="BINARY")), mt.TEXT
        return inner, mt.TEXT

    def parameter(self, node: exp.Expression, scope: Scope) -> Typed:
        raise unsupported("user variables")


_HANDLERS: dict[type, Callable[[ExprTranslator, Any, Scope], Typed]] = {
    exp.Literal: ExprTranslator.literal,
    exp.Paren: ExprTranslator.paren_expr,
    exp.Null: ExprTranslator.null,
    exp.Boolean: ExprTranslator.boolean,
    exp.HexString: ExprTranslator.hex_string,
    **{cls: ExprTranslator.comparison for cls in COMPARISONS},
    **{cls: ExprTranslator.arithmetic for cls in ARITHMETIC},
    exp.Div: ExprTranslator.divide,
    exp.IntDiv: ExprTranslator.int_div,
    exp.Mod: ExprTranslator.modulo,
    exp.Neg: ExprTranslator.negate,
    exp.And: ExprTranslator.logical,
    exp.Or: ExprTranslator.logical,
    exp.Xor: ExprTranslator.logical,
    exp.Not: ExprTranslator.negation,
    exp.Is: ExprTranslator.is_,
    exp.In: ExprTranslator.in_,
    exp.Between: ExprTranslator.between,
    exp.Like: ExprTranslator.like,
    exp.Escape: ExprTranslator.like,
    exp.RegexpLike: ExprTranslator.regexp,
    exp.Case: ExprTranslator.case,
    exp.If: ExprTranslator.if_,
    exp.Coalesce: ExprTranslator.coalesce,
    exp.Nullif: ExprTranslator.nullif,
    exp.Subquery: ExprTranslator.subquery,
    exp.Exists: ExprTranslator.exists,
    exp.Column: ExprTranslator.column_node,
    exp.Collate: ExprTranslator.collate_node,
    exp.Parameter: ExprTranslator.parameter,
}
