"""MySQL functions and aggregates, translated to the ``mysql_*`` SQLite functions.

sqlglot gives most MySQL functions a node class of their own (``LCASE`` -> ``Lower``,
``LOCATE``/``INSTR`` -> ``StrPosition``, ``IFNULL`` -> ``Coalesce``); each handler here knows the
node's argument names, MySQL's argument rules and the result type. Calls of unknown functions
give MySQL's error 1305 ("FUNCTION wikisql.foo does not exist").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlglot import exp

from cmat.envs.dbbench.backends import mysql_types as mt
from cmat.envs.dbbench.backends.errors import SQLError
from cmat.envs.dbbench.backends.mysql_semantics import (
    ExprTranslator,
    Scope,
    Typed,
    collate,
    fn,
    lit,
    paren,
    unsupported,
)
from cmat.envs.dbbench.backends.mysql_types import MType

AGGREGATES = (
    exp.Count,
    exp.Sum,
    exp.Avg,
    exp.Min,
    exp.Max,
    exp.GroupConcat,
    exp.StddevPop,
    exp.VariancePop,
    exp.Stddev,
    exp.Variance,
)
DATE_PARTS: dict[type, str] = {exp.Year: "year", exp.Month: "month", exp.Day: "day", exp.Quarter: "quarter"}
ANONYMOUS_PARTS = {
    "DAYOFMONTH": "day",
    "DAYOFWEEK": "dayofweek",
    "DAYOFYEAR": "dayofyear",
    "HOUR": "hour",
    "MINUTE": "minute",
    "SECOND": "second",
}


class FunctionTranslator(ExprTranslator):
    """Adds scalar functions and aggregates to :class:`ExprTranslator`."""

    def function(self, node: exp.Expression, scope: Scope) -> Typed | None:
        if isinstance(node, AGGREGATES):
            return self.aggregate(node, scope)
        handler = _SCALARS.get(type(node))
        if handler is not None:
            return handler(self, node, scope)
        if type(node) in DATE_PARTS:
            value = self.text(self.expr(_unwrap(node.this), scope))
            return fn("mysql_date_part", value, lit(DATE_PARTS[type(node)])), mt.INT
        if isinstance(node, exp.Anonymous):
            return self.anonymous(node, scope)
        if isinstance(node, exp.Window):
            raise unsupported("window functions")
        return None

    def args(self, node: exp.Expression, scope: Scope, *keys: str) -> list[Typed]:
        return [self.expr(node.args[k], scope) for k in keys if node.args.get(k) is not None]

    # -- aggregates --------------------------------------------------------------------------
    def aggregate(self, node: exp.Expression, scope: Scope) -> Typed:
        if scope.agg_depth or scope.clause in ("where clause", "on clause", "group statement"):
            raise SQLError(1111, "Invalid use of group function")
        scope.has_aggregate = True
        scope.agg_depth += 1
        try:
            return self._aggregate(node, scope)
        finally:
            scope.agg_depth -= 1

    def _aggregate(self, node: exp.Expression, scope: Scope) -> Typed:
        if isinstance(node, exp.GroupConcat):
            return self.group_concat(node, scope)
        arg = node.this
        distinct = isinstance(arg, exp.Distinct)
        if isinstance(node, exp.Count):
            return self.count(arg, scope), mt.INT
        inner = self.expr(arg.expressions[0] if distinct else arg, scope)
        if isinstance(node, (exp.Min, exp.Max)):
            value = collate(inner[0]) if inner[1].kind == "text" else inner[0]
            return exp.Anonymous(this=type(node).__name__.lower(), expressions=[value]), inner[1]
        number = self.number(inner)
        wrapped = exp.Distinct(expressions=[number]) if distinct else number
        if isinstance(node, (exp.StddevPop, exp.VariancePop, exp.Stddev, exp.Variance)):
            root = lit(1 if isinstance(node, (exp.StddevPop, exp.Stddev)) else 0)
            return fn("mysql_stats", wrapped, root), mt.DOUBLE
        if isinstance(node, exp.Sum):
            if inner[1].exact:
                return fn("sum", wrapped), mt.decimal(inner[1].scale)
            return fn("mysql_sum_double", wrapped), mt.DOUBLE
        if inner[1].exact:  # AVG
            scale = inner[1].scale + 4
            return fn("mysql_avg_exact", wrapped, lit(scale)), mt.decimal(scale)
        return fn("mysql_avg_double", wrapped), mt.DOUBLE

    def count(self, arg: exp.Expression, scope: Scope) -> exp.Expression:
        if isinstance(arg, exp.Star):
            return fn("count", exp.Star())
        if not isinstance(arg, exp.Distinct):
            return fn("count", self.expr(arg, scope)[0])
        items = [self.expr(e, scope) for e in arg.expressions]
        if len(items) == 1:
            node, mtype = items[0]
            value = collate(node) if mtype.kind == "text" else node
        else:
            value = fn("mysql_distinct_key", *(node for node, _ in items))
        return fn("count", exp.Distinct(expressions=[value]))

    def group_concat(self, node: exp.GroupConcat, scope: Scope) -> Typed:
        body = node.this
        order: list[exp.Ordered] = []
        if isinstance(body, exp.Order):
            order = list(body.expressions)
            body = body.this
        distinct = isinstance(body, exp.Distinct)
        values = body.expressions if isinstance(body, exp.Distinct) else [body]
        if len(values) == 1 and isinstance(values[0], exp.Concat):
            values = list(values[0].expressions)
        texts = [self.text(self.expr(v, scope)) for v in values]
        value = texts[0]
        for more in texts[1:]:
            value = paren(exp.DPipe(this=value, expression=more))
        separator = node.args.get("separator")
        sep = self.text(self.expr(separator, scope)) if separator is not None else lit(",")
        keys: list[exp.Expression] = []
        if distinct and not order and len(values) == 1:
            order = [exp.Ordered(this=values[0])]  # the server's DISTINCT tree returns sorted values
        for item in order:
            key = self.expr(item.this, scope)
            keys += [
                self.number(key) if key[1].numeric else self.text(key),
                lit(1 if item.args.get("desc") else 0),
            ]
        return fn("mysql_group_concat", value, sep, lit(1 if distinct else 0), *keys), mt.TEXT

    # -- scalar functions --------------------------------------------------------------------
    def anonymous(self, node: exp.Anonymous, scope: Scope) -> Typed:
        name = str(node.this)
        upper = name.upper()
        args = [self.expr(a, scope) for a in node.expressions]
        if upper in _ANONYMOUS:
            arity, build = _ANONYMOUS[upper]
            if len(args) not in arity:
                raise SQLError(1582, f"Incorrect parameter count in the call to native function '{name}'")
            return build(self, args)
        if upper in ANONYMOUS_PARTS and len(args) == 1:
            return fn("mysql_date_part", self.text(args[0]), lit(ANONYMOUS_PARTS[upper])), mt.INT
        if upper in ("NOW", "CURDATE", "CURTIME", "SYSDATE", "UUID", "CURRENT_TIMESTAMP", "UNIX_TIMESTAMP"):
            raise unsupported(f"{upper}()")
        raise SQLError(1305, f"FUNCTION {self.database}.{name} does not exist")

    def cast(self, node: exp.Cast, scope: Scope) -> Typed:
        value = self.expr(node.this, scope)
        to = node.args["to"]
        kind = to.this if isinstance(to, exp.DataType) else None
        T = exp.DataType.Type
        if kind in (T.BIGINT, T.INT, T.UBIGINT):
            source = "text" if value[1].stringish else value[1].kind
            unsigned = lit(1 if kind == T.UBIGINT else 0)
            return fn("mysql_signed", value[0], lit(source), unsigned, lit(int(self.strict))), mt.INT
        if kind == T.DECIMAL:
            params = [int(p.name) for p in to.expressions if p.name.isdigit()]
            scale = params[1] if len(params) > 1 else 0
            return fn("mysql_decimal", value[0], lit(scale), lit(int(self.strict))), mt.decimal(scale)
        if kind in (T.CHAR, T.NCHAR, T.VARCHAR, T.TEXT, T.CHARACTER_SET, T.BINARY):
            text = self.text(value)
            params = [int(p.name) for p in to.expressions if p.name.isdigit()]
            if params:
                text = fn("mysql_left", text, lit(params[0]))
            return text, mt.TEXT
        if kind in (T.DOUBLE, T.FLOAT):
            return self.number(value), mt.DOUBLE
        if kind == T.DATE:
            return fn("mysql_date", self.text(value)), mt.DATE
        if kind == T.DATETIME:
            return fn("mysql_datetime", self.text(value)), mt.DATETIME
        raise unsupported(f"CAST AS {to.sql('mysql')}")

    def rounding(self, node: exp.Expression, scope: Scope) -> Typed:
        value = self.expr(node.this, scope)
        decimals = node.args.get("decimals")
        places = self.expr(decimals, scope) if decimals is not None else (lit(0), mt.INT)
        name = "mysql_round" if isinstance(node, exp.Round) else "mysql_truncate"
        kind = "text" if value[1].stringish else value[1].kind
        if kind == "null":
            return exp.Null(), mt.NULL
        result = fn(name, self.number(value), self.number(places), lit(kind))
        if kind == "decimal":
            literal = _int_literal(places[0])
            d = literal if literal is not None else value[1].scale
            return result, mt.decimal(max(0, min(d, value[1].scale)))
        return result, (mt.DOUBLE if kind in ("text", "double") else mt.INT)

    def floor_ceil(self, node: exp.Expression, scope: Scope) -> Typed:
        value = self.expr(node.this, scope)
        kind = "text" if value[1].stringish else value[1].kind
        up = lit(1 if isinstance(node, exp.Ceil) else 0)
        rtype = mt.DOUBLE if kind in ("text", "double") else mt.INT
        return fn("mysql_floor_ceil", self.number(value), lit(kind), up), rtype

    def greatest(self, node: exp.Expression, scope: Scope) -> Typed:
        items = [self.expr(node.this, scope)] + [self.expr(e, scope) for e in node.expressions]
        kinds = {t.kind for _, t in items}
        if kinds <= {"text", "date", "datetime"}:
            kind, rtype, values = "text", mt.TEXT, [self.text(i) for i in items]
        elif kinds & {"text", "date", "datetime", "double"}:
            kind, rtype, values = "double", mt.DOUBLE, [self.number(i) for i in items]
        else:
            rtype = mt.unify(t for _, t in items)
            kind, values = rtype.kind, [n for n, _ in items]
        pick_max = lit(1 if isinstance(node, exp.Greatest) else 0)
        return fn("mysql_greatest", lit(kind), pick_max, *values), rtype


def _int_literal(node: exp.Expression) -> int | None:
    """The value of an integer literal, possibly negated or parenthesised (``-2``)."""
    sign = 1
    while isinstance(node, (exp.Paren, exp.Neg)):
        sign = -sign if isinstance(node, exp.Neg) else sign
        node = node.this
    if isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit():
        return sign * int(node.this)
    return None


def _unwrap(node: exp.Expression) -> exp.Expression:
    """sqlglot wraps date arguments in TsOrDsToDate/TsOrDsToTimestamp; MySQL reads them as is."""
    while isinstance(node, (exp.TsOrDsToDate, exp.TsOrDsToTimestamp)) and not node.args.get("format"):
        node = node.this
    return node


def _convert(self: FunctionTranslator, spec: str, values: list[Typed]) -> list[exp.Expression]:
    """Arguments as text (``t``) or numbers (``n``), one letter of ``spec`` per argument."""
    return [self.text(v) if s == "t" else self.number(v) for s, v in zip(spec, values, strict=False)]


def _text_fn(
    name: str, *keys: str, rtype: MType = mt.TEXT
) -> Callable[[FunctionTranslator, Any, Scope], Typed]:
    """A handler calling ``name`` with the node's ``keys`` arguments, all as text."""

    def handler(self: FunctionTranslator, node: exp.Expression, scope: Scope) -> Typed:
        return fn(name, *(self.text(a) for a in self.args(node, scope, *keys))), rtype

    return handler


def _mixed_fn(name: str, spec: str, *keys: str, rtype: MType = mt.TEXT) -> Callable[..., Typed]:
    """Like :func:`_text_fn`, with ``spec`` saying per argument: t = text, n = number."""

    def handler(self: FunctionTranslator, node: exp.Expression, scope: Scope) -> Typed:
        return fn(name, *_convert(self, spec, self.args(node, scope, *keys))), rtype

    return handler


def _concat(self: FunctionTranslator, node: exp.Concat, scope: Scope) -> Typed:
    texts = [self.text(self.expr(e, scope)) for e in node.expressions]
    value = texts[0]
    for more in texts[1:]:
        value = paren(exp.DPipe(this=value, expression=more))
    return value, mt.TEXT


def _concat_ws(self: FunctionTranslator, node: exp.ConcatWs, scope: Scope) -> Typed:
    return fn("mysql_concat_ws", *(self.text(self.expr(e, scope)) for e in node.expressions)), mt.TEXT


def _substring(self: FunctionTranslator, node: exp.Expression, scope: Scope) -> Typed:
    value, *rest = self.args(node, scope, "this", "start", "length")
    if not rest:
        raise SQLError(1582, "Incorrect parameter count in the call to native function 'SUBSTRING'")
    return fn("mysql_substr", self.text(value), *(self.number(r) for r in rest)), mt.TEXT


def _locate(self: FunctionTranslator, node: exp.StrPosition, scope: Scope) -> Typed:
    haystack, needle = self.expr(node.this, scope), self.expr(node.args["substr"], scope)
    position = node.args.get("position")
    start = self.number(self.expr(position, scope)) if position is not None else lit(1)
    return fn("mysql_locate", self.text(needle), self.text(haystack), start), mt.INT


def _length(self: FunctionTranslator, node: exp.Length, scope: Scope) -> Typed:
    name = "mysql_length" if node.args.get("binary") else "mysql_char_length"
    return fn(name, self.text(self.expr(node.this, scope))), mt.INT


def _trim(self: FunctionTranslator, node: exp.Trim, scope: Scope) -> Typed:
    value = self.text(self.expr(node.this, scope))
    remove = node.args.get("expression")
    chars = self.text(self.expr(remove, scope)) if remove is not None else lit(" ")
    return fn("mysql_trim", value, chars, lit(str(node.args.get("position") or "BOTH").upper())), mt.TEXT


def _pad(self: FunctionTranslator, node: exp.Pad, scope: Scope) -> Typed:
    value, length, fill = self.args(node, scope, "this", "expression", "fill_pattern")
    left = lit(1 if node.args.get("is_left") else 0)
    return fn("mysql_pad", self.text(value), self.number(length), self.text(fill), left), mt.TEXT


def _abs(self: FunctionTranslator, node: exp.Abs, scope: Scope) -> Typed:
    value = self.expr(node.this, scope)
    return fn("abs", self.number(value)), (mt.DOUBLE if value[1].stringish else value[1])


def _log(self: FunctionTranslator, node: exp.Log, scope: Scope) -> Typed:
    base, value = self.expr(node.this, scope), self.expr(node.expression, scope)
    if isinstance(base[0], exp.Literal) and base[0].name == "10":
        return fn("mysql_log10", self.number(value)), mt.DOUBLE
    return paren(
        exp.Div(this=fn("mysql_ln", self.number(value)), expression=fn("mysql_ln", self.number(base)))
    ), mt.DOUBLE


def _mysql_format(node: exp.Expression, scope: Scope, self: FunctionTranslator) -> Typed:
    """The format argument as MySQL wrote it (sqlglot rewrites literal formats to strftime's)."""
    fmt = node.args["format"]
    if isinstance(fmt, exp.Literal) and fmt.is_string:
        from sqlglot.dialects.mysql import MySQL

        written = MySQL().generator().format_time(node) or "''"
        return exp.Literal.string(written[1:-1].replace("''", "'")), mt.TEXT
    return self.expr(fmt, scope)


def _str_to_date(self: FunctionTranslator, node: exp.StrToDate, scope: Scope) -> Typed:
    value, fmt = self.expr(node.this, scope), _mysql_format(node, scope, self)
    has_time = isinstance(fmt[0], exp.Literal) and any(f"%{c}" in fmt[0].name for c in "HkhIlisSpfTr")
    return fn("mysql_str_to_date", self.text(value), self.text(fmt)), (mt.DATETIME if has_time else mt.DATE)


def _date_format(self: FunctionTranslator, node: exp.TimeToStr, scope: Scope) -> Typed:
    value, fmt = self.expr(_unwrap(node.this), scope), _mysql_format(node, scope, self)
    return fn("mysql_date_format", self.text(value), self.text(fmt)), mt.TEXT


def _to_date(self: FunctionTranslator, node: exp.Expression, scope: Scope) -> Typed:
    return fn("mysql_date", self.text(self.expr(node.this, scope))), mt.DATE


def _database(self: FunctionTranslator, node: exp.Expression, scope: Scope) -> Typed:
    return lit(self.database), mt.TEXT


_SCALARS: dict[type, Callable[[FunctionTranslator, Any, Scope], Typed]] = {
    exp.Concat: _concat,
    exp.ConcatWs: _concat_ws,
    exp.DPipe: _concat,
    exp.Lower: _text_fn("mysql_lower", "this"),
    exp.Upper: _text_fn("mysql_upper", "this"),
    exp.Left: _mixed_fn("mysql_left", "tn", "this", "expression"),
    exp.Right: _mixed_fn("mysql_right", "tn", "this", "expression"),
    exp.Substring: _substring,
    exp.SubstringIndex: _mixed_fn("mysql_substring_index", "ttn", "this", "delimiter", "count"),
    exp.StrPosition: _locate,
    exp.Length: _length,
    exp.Replace: _text_fn("mysql_replace", "this", "expression", "replacement"),
    exp.Trim: _trim,
    exp.Reverse: _text_fn("mysql_reverse", "this"),
    exp.Pad: _pad,
    exp.Repeat: _mixed_fn("mysql_repeat", "tn", "this", "times"),
    exp.Space: _mixed_fn("mysql_space", "n", "this"),
    exp.Ascii: _text_fn("mysql_ascii", "this", rtype=mt.INT),
    exp.MD5: _text_fn("mysql_md5", "this"),
    exp.NumberToStr: _mixed_fn("mysql_format", "nn", "this", "format"),
    exp.Cast: FunctionTranslator.cast,
    exp.Round: FunctionTranslator.rounding,
    exp.Trunc: FunctionTranslator.rounding,
    exp.Floor: FunctionTranslator.floor_ceil,
    exp.Ceil: FunctionTranslator.floor_ceil,
    exp.Greatest: FunctionTranslator.greatest,
    exp.Least: FunctionTranslator.greatest,
    exp.Abs: _abs,
    exp.Pow: _mixed_fn("mysql_pow", "nn", "this", "expression", rtype=mt.DOUBLE),
    exp.Sqrt: _mixed_fn("mysql_sqrt", "n", "this", rtype=mt.DOUBLE),
    exp.Exp: _mixed_fn("mysql_exp", "n", "this", rtype=mt.DOUBLE),
    exp.Ln: _mixed_fn("mysql_ln", "n", "this", rtype=mt.DOUBLE),
    exp.Log: _log,
    exp.Sign: _mixed_fn("mysql_sign", "n", "this", rtype=mt.INT),
    exp.StrToDate: _str_to_date,
    exp.TimeToStr: _date_format,
    exp.TsOrDsToDate: _to_date,
    exp.DateDiff: _mixed_fn("mysql_datediff", "tt", "this", "expression", rtype=mt.INT),
    exp.CurrentSchema: _database,
}


def _anon(name: str, spec: str, rtype: MType) -> Callable[[FunctionTranslator, list[Typed]], Typed]:
    def build(self: FunctionTranslator, args: list[Typed]) -> Typed:
        return fn(name, *_convert(self, spec, args)), rtype

    return build


_ANONYMOUS: dict[str, tuple[tuple[int, ...], Callable[[FunctionTranslator, list[Typed]], Typed]]] = {
    "MID": ((2, 3), _anon("mysql_substr", "tnn", mt.TEXT)),
    "STRCMP": ((2,), _anon("mysql_strcmp", "tt", mt.INT)),
    "FIND_IN_SET": ((2,), _anon("mysql_find_in_set", "tt", mt.INT)),
    "LOG2": (
        (1,),
        lambda self, a: (
            paren(exp.Div(this=fn("mysql_ln", self.number(a[0])), expression=fn("mysql_ln", lit(2)))),
            mt.DOUBLE,
        ),
    ),
    "DATABASE": ((0,), lambda self, a: (lit(self.database), mt.TEXT)),
    "SCHEMA": ((0,), lambda self, a: (lit(self.database), mt.TEXT)),
}
