"""Kinds of rule that a field's type, Table Schema constraints and keys state, and those every cell obeys: each
with its check, its planted fault and how the generator honours it (all by construction)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from scripts.load import LINE
from scripts.package import Field, Package, Table, ident, literal
from scripts.rules.core import (
    CONSTRUCTED,
    FORMULA_START,
    WHITESPACE,
    Context,
    Kind,
    Rule,
    check,
    code,
    forbid,
    no_duplicates,
    parsed,
    plant_value,
    reference,
    regex_class,
    rule,
    sql_codes,
    sql_list,
    typed_literal,
)
from scripts.shapes import rejected_by_shape

if TYPE_CHECKING:
    import polars as pl

    from scripts.faults import Planting
    from scripts.synthetic import Generator


def _type(ctx: Context) -> list[Rule]:
    f, col = ctx.field, ident(ctx.field.name)
    if f.type.name == "date":
        return [rule(f, "type", "'{value}' is not a valid date (YYYY-MM-DD)", f"{parsed(f)} IS NOT NULL")]
    what = "an integer" if f.type.name == "integer" else "a number"
    return [rule(f, "type", f"'{{value}}' is not {what}", f"regexp_full_match({col}, {literal(f.type.cell_pattern)})")]


def _range(ctx: Context) -> list[Rule]:
    f, value = ctx.field, parsed(ctx.field)
    if f.type.name == "number":
        return [rule(f, "range", "'{value}' is too large for a number column (beyond ±1.8e308)",
                     f"{value} IS NULL OR NOT isinf({value})")]
    return [rule(f, "range", f"'{{value}}' is outside what an integer column holds ({f.type.low} to {f.type.high})",
                 f"{value} IS NULL OR {value} BETWEEN {f.type.low} AND {f.type.high}")]


def _formula(ctx: Context) -> list[Rule]:
    f = ctx.field
    made = forbid(f, "formula", "'{value}' starts with =, +, - or @ (spreadsheet formula)",
                  f"^{regex_class(FORMULA_START)}", f"ascii({ident(f.name)}) NOT IN {sql_codes(FORMULA_START)}")
    return [replace(made, implied=rejected_by_shape(f, FORMULA_START))]


def _whitespace(ctx: Context) -> list[Rule]:
    f, col, codes, space = ctx.field, ident(ctx.field.name), sql_codes(WHITESPACE), regex_class(WHITESPACE)
    made = forbid(f, "whitespace", "'{value}' has leading or trailing whitespace", f"^{space}|{space}$",
                  f"ascii({col}) NOT IN {codes} AND ascii({col}[-1]) NOT IN {codes}")
    return [replace(made, implied=rejected_by_shape(f, WHITESPACE, WHITESPACE))]


def _future(ctx: Context) -> list[Rule]:
    return [rule(ctx.field, "future", f"'{{value}}' is later than today ({ctx.today})",
                 f"{parsed(ctx.field)} <= DATE {literal(ctx.today.isoformat())}")]


def _required(ctx: Context) -> list[Rule]:
    return [Rule(ctx.field.name, "required", "is required but empty", f"{ident(ctx.field.name)} IS NOT NULL")]


def first_of(names) -> str:
    return f"row_number() OVER (PARTITION BY {', '.join(map(ident, names))} ORDER BY {ident(LINE)}) = 1"


def _primary_key(ctx: Context) -> list[Rule]:
    key = ctx.table.primary_key
    message = f"duplicate {' + '.join(key)}: '{{value}}' appears on an earlier row"
    return [Rule(ctx.field.name, "primary_key", message, first_of(key), compares_rows=True,
                 verdict=no_duplicates(key))]


def _unique(ctx: Context) -> list[Rule]:
    made = rule(ctx.field, "unique", "duplicate value '{value}' appears on an earlier row", first_of([ctx.field.name]))
    return [replace(made, compares_rows=True,
                    verdict=no_duplicates([ctx.field.name], f"{ident(ctx.field.name)} IS NOT NULL"))]


def _pattern(ctx: Context) -> list[Rule]:
    f = ctx.field
    return [rule(f, "pattern", f"'{{value}}' does not match the pattern {f.pattern}",
                 f"regexp_full_match({ident(f.name)}, {literal(f.pattern)})")]


def _codes(ctx: Context) -> list[Rule]:
    f = ctx.field
    return [rule(f, "enum", f"'{{value}}' is not one of: {', '.join(f.code_values)}",
                 f"{ident(f.name)} IN {sql_list(f.code_values)}")]


def _bound(name: str, attr: str, op: str, words: str) -> Callable[[Context], list[Rule]]:
    def make(ctx: Context) -> list[Rule]:
        f, limit = ctx.field, getattr(ctx.field, attr)
        return [rule(f, name, f"'{{value}}' is {words} {limit}", f"{parsed(f)} {op} {typed_literal(f, limit)}")]
    return make


def _length(name: str, attr: str, op: str, words: str) -> Callable[[Context], list[Rule]]:
    def make(ctx: Context) -> list[Rule]:
        n = getattr(ctx.field, attr)
        return [rule(ctx.field, name, f"is {words} {n} characters", f"length({ident(ctx.field.name)}) {op} {n}")]
    return make


def _foreign_key(ctx: Context) -> list[Rule]:
    f, fk = ctx.field, ctx.table.foreign_key(ctx.field.name)
    ref_field = fk.reference_fields[0]
    return [reference(f, "foreign_key", f"'{{value}}' is not a {ref_field} in {fk.resource}",
                      f"SELECT {ident(ref_field)} FROM {ident(fk.resource)}", frozenset({fk.resource}))]


def _typed_pattern(t: Table, f: Field) -> str:
    return check(f"regexp_full_match({ident(f.name)}, {literal(f.pattern)})")


def _typed_bound(attr: str, op: str) -> Callable[[Table, Field], str]:
    return lambda t, f: check(f"{ident(f.name)} {op} {typed_literal(f, getattr(f, attr))}")


def _typed_length(attr: str, op: str) -> Callable[[Table, Field], str]:
    return lambda t, f: check(f"length({ident(f.name)}) {op} {getattr(f, attr)}")


def typed_field(p: Package, t: Table, f: Field) -> bool:
    return f.type.name != "string"


# --- planted faults ----------------------------------------------------------------------------------------------

def plant_types(p: Planting) -> None:
    for kind_name, bad in (("integer", "12.5"), ("number", "abc"), ("date", "2021-02-30")):
        if found := p.first("type", lambda t, f, k=kind_name: f.type.name == k and p.plain(t, f)):
            p.put("type", found[0], found[1].name, bad)


def plant_minimum(p: Planting) -> None:
    plant_value("minimum", lambda f: str(f.minimum - 1), lambda t, f: f.type.name == "integer")(p)

    def free_date(t: Table, f: Field) -> bool:
        return f.type.name == "date" and len(t.primary_key) == 1 and not any(
            f.name in (g.rules.not_before, g.rules.not_after) for g in t.fields)

    if found := p.first("minimum", free_date):
        t, f = found
        p.put("minimum", t, f.name, (dt.date.fromisoformat(f.minimum) - dt.timedelta(days=1)).isoformat())


def plant_primary_key(p: Planting) -> None:
    if found := p.first("primary_key", lambda t, f: len(t.primary_key) == 1):
        t, f = found
        p.put("primary_key", t, f.name, p.frames[t.name][f.name][0])
    if found := p.first("primary_key", lambda t, f: len(t.primary_key) > 1):
        t, f = found
        p.put("primary_key", t, f.name, p.frames[t.name][f.name][0],
              also={k: p.frames[t.name][k][0] for k in t.primary_key[1:]})


def fix_primary_key(gen: Generator, table: Table, f: Field, frame: pl.DataFrame) -> pl.DataFrame:
    """A key of several fields, drawn field by field, can repeat: a repeating row draws its last key field again."""
    import polars as pl

    key = list(table.primary_key)
    last = table.field(key[-1])
    for _ in range(20 if len(key) > 1 else 0):
        repeated = frame.select(~pl.struct(key).is_first_distinct()).to_series()
        if not repeated.any():
            break
        again = gen.column(table, last, frame.height, required=True)
        frame = frame.with_columns(pl.when(repeated).then(again).otherwise(pl.col(last.name)).alias(last.name))
    return frame


def plant_unique(p: Planting) -> None:
    if found := p.first("unique"):
        t, f = found
        p.put("unique", t, f.name, p.frames[t.name][f.name][0])


def plant_foreign_key(p: Planting) -> None:
    def plain_reference(t: Table, f: Field) -> bool:
        return (not f.rules.given() and not any(g.rules.different_from == f.name for g in t.fields)
                and t.foreign_key(f.name).resource != t.name)

    if found := p.first("foreign_key", plain_reference):
        p.put("foreign_key", found[0], found[1].name, "no_such_key")


CELL_KINDS: list[Kind] = [
    Kind("type", typed_field, _type, "the column's SQL type",
         lambda f: f"A {f.type.words}.",
         plant=plant_types, fix_up=CONSTRUCTED),
    Kind("range", lambda p, t, f: f.type.name in ("integer", "number"), _range, "the column's SQL type",
         lambda f: "Within what the column's type can hold.",
         plant=plant_value("range", lambda f: "99999999999999999999" if f.type.name == "integer" else "1e400",
                           lambda t, f: f.maximum is None), fix_up=CONSTRUCTED),
    Kind("formula", lambda p, t, f: f.type.name == "string", _formula,
         lambda t, f: check(f"ascii({ident(f.name)}) NOT IN {sql_codes(FORMULA_START)}"),
         lambda f: "Never starts with =, +, - or @ (a spreadsheet would run it as a formula).",
         plant=plant_value("formula", lambda f: "=SUM(A1:A9)", lambda t, f: f.is_prose), fix_up=CONSTRUCTED),
    Kind("whitespace", lambda p, t, f: True, _whitespace, "checked on the CSV text, before values are typed",
         lambda f: "No leading or trailing whitespace.",
         plant=plant_value("whitespace", lambda f: " leading space", lambda t, f: f.is_prose), fix_up=CONSTRUCTED),
    Kind("future", lambda p, t, f: f.type.name == "date", _future, "depends on the day of the check",
         lambda f: "Not later than the day of the check.",
         plant=plant_value("future", lambda f: "2999-01-01", lambda t, f: f.maximum is None), fix_up=CONSTRUCTED),
    Kind("required", lambda p, t, f: f.required, _required, lambda t, f: "NOT NULL",
         lambda f: "Required: never empty.",
         plant=plant_value("required", lambda f: None), fix_up=CONSTRUCTED),
    Kind("primary_key", lambda p, t, f: bool(t.primary_key) and t.primary_key[0] == f.name, _primary_key,
         "the table's PRIMARY KEY", lambda f: "Primary key: unique, never empty.",
         plant=plant_primary_key, fix_up=fix_primary_key),
    Kind("unique", lambda p, t, f: f.unique and tuple(t.primary_key) != (f.name,), _unique, lambda t, f: "UNIQUE",
         lambda f: "Unique: no two rows share it.",
         plant=plant_unique, fix_up=CONSTRUCTED),
    Kind("pattern", lambda p, t, f: f.pattern is not None, _pattern, _typed_pattern,
         lambda f: f"Matches {code(f.pattern)} in full.",
         plant=plant_value("pattern", lambda f: "NOT VALID"), fix_up=CONSTRUCTED),
    Kind("enum", lambda p, t, f: bool(f.codes), _codes, "the column's ENUM type",
         lambda f: "One of the codes listed.",
         plant=plant_value("enum", lambda f: "not_in_enum"), fix_up=CONSTRUCTED),
    Kind("minimum", lambda p, t, f: f.minimum is not None, _bound("minimum", "minimum", ">=", "less than the minimum"),
         _typed_bound("minimum", ">="),
         lambda f: ("Not before " if f.type.name == "date" else "At least ") + f"{f.minimum}.",
         plant=plant_minimum, fix_up=CONSTRUCTED),
    Kind("maximum", lambda p, t, f: f.maximum is not None, _bound("maximum", "maximum", "<=", "more than the maximum"),
         _typed_bound("maximum", "<="),
         lambda f: ("Not after " if f.type.name == "date" else "At most ") + f"{f.maximum}.",
         plant=plant_value("maximum", lambda f: str(f.maximum + 1)), fix_up=CONSTRUCTED),
    Kind("minLength", lambda p, t, f: f.min_length is not None,
         _length("minLength", "min_length", ">=", "shorter than"),
         _typed_length("min_length", ">="), lambda f: f"At least {f.min_length} characters.",
         plant=plant_value("minLength", lambda f: ""), fix_up=CONSTRUCTED),
    Kind("maxLength", lambda p, t, f: f.max_length is not None, _length("maxLength", "max_length", "<=", "longer than"),
         _typed_length("max_length", "<="), lambda f: f"At most {f.max_length} characters.",
         plant=plant_value("maxLength", lambda f: "x" * (f.max_length + 1)), fix_up=CONSTRUCTED),
    Kind("foreign_key", lambda p, t, f: t.foreign_key(f.name) is not None, _foreign_key,
         "a FOREIGN KEY of the table (or, for a key that closes a cycle of references, only make check)",
         lambda f: "Refers to a row of another table.",
         plant=plant_foreign_key, fix_up=CONSTRUCTED),
]
