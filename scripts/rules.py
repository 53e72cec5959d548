"""The package's one rule set: pandera schemas derived from the Table Schemas in `schemas/`.

Each field's type and `constraints` become column checks; the `x-` properties of a field state the rules
Table Schema cannot express (cross-field, cross-table and list references), and a few rules hold for every
cell of a kind (no spreadsheet formulas, no stray whitespace, no future dates). Cells are checked as strings
and parsed inside the checks, so a bad value is reported where it is instead of being coerced away.

Every check's `error` is a message template in which `{value}` stands for the offending cell.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

import pandera.polars as pa
import polars as pl

from scripts.load import LINE
from scripts.package import Package, Table

DATE_FORMAT = "%Y-%m-%d"
INTEGER = r"^[+-]?[0-9]+$"
NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
FORMULA_START = r"^[=+\-@]"
SUPPORTED_CONSTRAINTS = {"required", "unique", "pattern", "enum", "minimum", "maximum", "minLength", "maxLength"}
SUPPORTED_TYPES = {"string", "integer", "number", "date"}

Expr = Callable[[str], pl.Expr]


@dataclass(frozen=True)
class Context:
    """What the checks of one table may look at: the whole package, its frames and today's date."""

    package: Package
    frames: dict[str, pl.DataFrame]
    today: dt.date
    known: dict = dataclass_field(default_factory=dict, compare=False, repr=False)

    def values(self, resource: str, field: str) -> pl.Series | None:
        """The distinct values of a column, computed once per validation however many checks use them."""
        if (resource, field) not in self.known:
            frame = self.frames.get(resource)
            if frame is None or field not in frame.columns:
                self.known[resource, field] = None
            else:
                self.known[resource, field] = frame.get_column(field).drop_nulls().unique().implode()
        return self.known[resource, field]


def check(name: str, error: str, expr: Expr) -> pa.Check:
    """A column check from a polars expression over the column name; an empty cell passes every check
    (only `required` may reject it). The check keeps its expression (`output`) so that `checks_pass` can
    evaluate every check of a table in one polars query."""
    def output(key: str) -> pl.Expr:
        return pl.col(key).is_null() | expr(key)
    result = pa.Check(lambda data: data.lazyframe.select(output(data.key)), name=name, error=error)
    result.output = output
    return result


def checks_pass(schema: pa.DataFrameSchema, frame: pl.DataFrame) -> bool:
    """Whether every check of the schema passes on the frame, judged as pandera judges a check (a null
    output passes: `ignore_na`), in one parallel pass instead of one query per check. False means some
    check fails or could not be evaluated: pandera then runs them all and reports each failure."""
    outputs = [chk.output(name) for name, col in schema.columns.items() for chk in col.checks]
    if not outputs:
        return True
    try:
        result = frame.lazy().select([(out | out.is_null()).all().alias(str(i))
                                      for i, out in enumerate(outputs)]).collect()
    except pl.exceptions.PolarsError:
        return False
    return all(result.row(0))


def without_checks(schema: pa.DataFrameSchema) -> pa.DataFrameSchema:
    """The schema with its built-in rules only (dtype, required, columns and their order)."""
    return schema.update_columns({name: {"checks": []} for name in schema.columns})


def parsed(field: dict) -> Expr:
    """How to read a cell of this field as a value that can be compared (null where it cannot)."""
    kind = field.get("type", "string")
    if kind == "integer":
        return lambda c: pl.col(c).cast(pl.Int64, strict=False)
    if kind == "number":
        return lambda c: pl.col(c).cast(pl.Float64, strict=False)
    if kind == "date":
        return lambda c: pl.col(c).str.to_date(DATE_FORMAT, strict=False)
    return lambda c: pl.col(c)


def literal(field: dict, value):
    if field.get("type") == "date":
        return pl.lit(dt.date.fromisoformat(value))
    return pl.lit(value)


def type_checks(field: dict) -> list[pa.Check]:
    kind = field.get("type", "string")
    if kind not in SUPPORTED_TYPES:
        raise ValueError(f"field {field['name']}: type '{kind}' is not supported by the validator")
    if kind == "integer":
        return [check("type", "'{value}' is not an integer", lambda c: pl.col(c).str.contains(INTEGER))]
    if kind == "number":
        return [check("type", "'{value}' is not a number", lambda c: pl.col(c).str.contains(NUMBER))]
    if kind == "date":
        return [check("type", "'{value}' is not a valid date (YYYY-MM-DD)",
                      lambda c: pl.col(c).str.contains(r"^\d{4}-\d{2}-\d{2}$")
                      & pl.col(c).str.to_date(DATE_FORMAT, strict=False).is_not_null())]
    return [check("formula", "'{value}' starts with =, +, - or @ (spreadsheet formula)",
                  lambda c: ~pl.col(c).str.contains(FORMULA_START))]


def constraint_checks(field: dict) -> list[pa.Check]:
    constraints = field.get("constraints", {})
    unknown = set(constraints) - SUPPORTED_CONSTRAINTS
    if unknown:
        raise ValueError(f"field {field['name']}: constraints {sorted(unknown)} are not supported by the validator")
    value = parsed(field)
    checks = []
    if "pattern" in constraints:
        pattern = f"^(?:{constraints['pattern']})$"
        checks.append(check("pattern", f"'{{value}}' does not match the pattern {constraints['pattern']}",
                            lambda c: pl.col(c).str.contains(pattern)))
    if "enum" in constraints:
        allowed = constraints["enum"]
        checks.append(check("enum", f"'{{value}}' is not one of: {', '.join(map(str, allowed))}",
                            lambda c: pl.col(c).is_in(allowed)))
    if "minimum" in constraints:
        low = literal(field, constraints["minimum"])
        checks.append(check("minimum", f"'{{value}}' is less than the minimum {constraints['minimum']}",
                            lambda c: value(c) >= low))
    if "maximum" in constraints:
        high = literal(field, constraints["maximum"])
        checks.append(check("maximum", f"'{{value}}' is more than the maximum {constraints['maximum']}",
                            lambda c: value(c) <= high))
    if "minLength" in constraints:
        n = constraints["minLength"]
        checks.append(check("minLength", f"is shorter than {n} characters", lambda c: pl.col(c).str.len_chars() >= n))
    if "maxLength" in constraints:
        n = constraints["maxLength"]
        checks.append(check("maxLength", f"is longer than {n} characters", lambda c: pl.col(c).str.len_chars() <= n))
    return checks


def cell_checks(field: dict, ctx: Context) -> list[pa.Check]:
    """Rules for every cell: no stray whitespace, and no date later than today."""
    checks = [check("whitespace", "'{value}' has leading or trailing whitespace",  # two anchored searches:
                    lambda c: ~(pl.col(c).str.contains(r"^\s") | pl.col(c).str.contains(r"\s$")))]  # 4x faster
    if field.get("type") == "date":
        today = pl.lit(ctx.today)
        checks.append(check("future", f"'{{value}}' is later than today ({ctx.today})",
                            lambda c: parsed(field)(c) <= today))
    return checks


def key_checks(table: Table, field: dict, ctx: Context) -> list[pa.Check]:
    """Primary-key uniqueness (single or composite, reported on the key's first field) and foreign keys."""
    name, checks = field["name"], []
    key = table.primary_key
    if key and key[0] == name:
        label = " + ".join(key)
        checks.append(check("primary_key", f"duplicate {label}: '{{value}}' appears on an earlier row",
                            lambda c: pl.struct(key).is_first_distinct()))
    elif field.get("constraints", {}).get("unique"):
        checks.append(check("unique", "duplicate value '{value}' appears on an earlier row",
                            lambda c: pl.col(c).is_first_distinct()))
    for fk in table.foreign_keys:
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        if fields != [name]:
            continue
        ref = fk["reference"]
        ref_field = ref["fields"][0] if isinstance(ref["fields"], list) else ref["fields"]
        ref_table = ref.get("resource") or table.name
        known = ctx.values(ref_table, ref_field)
        if known is not None:
            checks.append(check("foreign_key", f"'{{value}}' is not a {ref_field} in {ref_table}",
                                lambda c, known=known: pl.col(c).is_in(known)))
            checks += link_back_checks(table, name, ref_table, ref_field, ctx)
    return checks


def link_back_checks(table: Table, name: str, ref_table: str, ref_field: str, ctx: Context) -> list[pa.Check]:
    """Two tables that reference each other must agree: the row we point at points back at us."""
    other = ctx.package.table(ref_table)
    back = next((fk["fields"][0] for fk in other.foreign_keys
                 if fk["reference"].get("resource") == table.name), None)
    frame = ctx.frames.get(ref_table)
    if back is None or frame is None or not table.primary_key:
        return []
    pairs = frame.select(ref_field, back).drop_nulls(ref_field).unique(ref_field)
    own, keys, targets = table.primary_key[0], pairs[ref_field], pairs[back]
    return [check("link_back", f"'{{value}}' does not point back at this row in its {back} column",
                  lambda c: ~pl.col(c).is_in(keys.implode())
                  | pl.col(c).replace_strict(keys, targets, default=None).eq_missing(pl.col(own)))]


def relation_checks(table: Table, field: dict, ctx: Context) -> list[pa.Check]:
    """The rules stated by the field's `x-` properties."""
    checks = []
    value = parsed(field)
    if differs := field.get("x-differentFrom"):
        checks.append(check("different_from", f"'{{value}}' is the same as {differs}",
                            lambda c: pl.col(c) != pl.col(differs)))
    if start := field.get("x-notBefore"):
        start_value = parsed(table.field(start))
        checks.append(check("not_before", f"'{{value}}' is earlier than {start}",
                            lambda c: value(c) >= start_value(start)))
    if end := field.get("x-notAfter"):
        end_value = parsed(table.field(end))
        checks.append(check("not_after", f"'{{value}}' is later than {end}", lambda c: value(c) <= end_value(end)))
    if precision := field.get("x-precisionField"):
        checks.append(check("precision_given", f"'{{value}}' has no {precision}",
                            lambda c: pl.col(precision).is_not_null()))
    if bounds := field.get("x-between"):
        low, high = (parsed(table.field(b)) for b in bounds)
        checks.append(check("count_range", f"'{{value}}' is not between {bounds[0]} and {bounds[1]}",
                            lambda c: (low(bounds[0]) <= value(c)).fill_null(True)
                            & (value(c) <= high(bounds[1])).fill_null(True)
                            & (low(bounds[0]) <= high(bounds[1])).fill_null(True)))
    if counts := field.get("x-qualifies"):
        best = counts[1]
        given = pl.any_horizontal([pl.col(n).is_not_null() for n in counts])
        checks.append(check("qualifier", f"'{{value}}' does not fit the counts: not_reported needs them empty, "
                                         f"exact and approximate need {best}",
                            lambda c: pl.when(pl.col(c) == "not_reported").then(~given)
                            .otherwise(pl.col(best).is_not_null())))
    if field.get("x-neutral") and (terms := ctx.package.descriptor.get("x-loadedTerms")):
        loaded = r"(?i)\b(" + "|".join(re.escape(t) for t in terms) + r")\b"
        checks.append(check("neutral", "'{value}' uses a loaded term (x-loadedTerms in datapackage.json); "
                                       "such terms belong only in a claim's summary, attributed",
                            lambda c: ~pl.col(c).str.contains(loaded)))
    if ref := field.get("x-listOf"):
        known = ctx.values(ref["resource"], ref["field"])
        if known is not None:
            delimiter = ref["delimiter"]
            message = f"'{{value}}' names a {ref['field']} that is not in {ref['resource']}"
            checks.append(check("list_reference", message, lambda c: pl.col(c).str.split(delimiter)
                                .list.eval(pl.element().is_in(known)).list.all()))
    if targets := field.get("x-referencesAny"):
        known = [ctx.values(t["resource"], t["field"]) for t in targets]
        if all(k is not None for k in known):
            ids = pl.concat([k.explode() for k in known]).implode()
            names = ", ".join(t["resource"] for t in targets)
            checks.append(check("record_reference", f"'{{value}}' is not a record in {names}",
                                lambda c: pl.col(c).is_in(ids)))
    return checks


def citation_checks(table: Table, field: dict, ctx: Context) -> list[pa.Check]:
    """A record whose table a citing field covers (`x-everyRecordCited`) must be cited at least once."""
    checks = []
    for citing in ctx.package.tables:
        for f in citing.fields:
            if not f.get("x-everyRecordCited"):
                continue
            covered = {(t["resource"], t["field"]) for t in f.get("x-referencesAny", [])}
            if (table.name, field["name"]) in covered and (cited := ctx.values(citing.name, f["name"])) is not None:
                checks.append(check("cited", f"'{{value}}' has no row in {citing.name}",
                                    lambda c, cited=cited: pl.col(c).is_in(cited)))
    return checks


def column(table: Table, field: dict, ctx: Context) -> pa.Column:
    required = bool(field.get("constraints", {}).get("required")) or field["name"] in table.primary_key
    checks = (type_checks(field) + constraint_checks(field) + cell_checks(field, ctx) + key_checks(table, field, ctx)
              + relation_checks(table, field, ctx) + citation_checks(table, field, ctx))
    return pa.Column(pl.String, nullable=not required, checks=checks, description=field.get("description"),
                     title=field.get("title"))


def table_schema(table: Table, ctx: Context) -> pa.DataFrameSchema:
    """The pandera schema of one table: one String column per field, in the schema's order."""
    columns = {f["name"]: column(table, f, ctx) for f in table.fields}
    columns[LINE] = pa.Column(pl.Int64, nullable=False)
    return pa.DataFrameSchema(columns, name=table.name, strict=True, ordered=True,
                              description=table.schema.get("description"))
