"""The package's one rule set, derived from the Table Schemas in `schemas/` and run as SQL inside DuckDB.

Each field's type and `constraints` become rules; the `x-` properties of a field state the rules Table Schema
cannot express (cross-field, cross-table and list references), and a few rules hold for every cell of a kind
(no spreadsheet formulas, no stray whitespace, no future dates). Cells are loaded as text and parsed inside the
rules, so a bad value is reported where it is instead of being coerced away (DuckDB would round '12.5' into
an integer column).

A rule is a SQL expression over one row that is true where the cell passes; an empty cell passes every rule
but `required`. Its message is a template in which `{value}` stands for the offending cell. The same rules feed
`scripts.frames`, which checks a polars frame with pandera.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from scripts.load import LINE
from scripts.package import INTEGER, ISO_DATE, NUMBER, Package, Table, ident, literal

SUPPORTED_CONSTRAINTS = {"required", "unique", "pattern", "enum", "minimum", "maximum", "minLength", "maxLength"}
SUPPORTED_TYPES = {"string", "integer", "number", "date"}
FORMULA_START = ("=", "+", "-", "@")
WHITESPACE = "(" + ", ".join(f"chr({c})" for c in (9, 10, 11, 12, 13, 32, 133, 160, 8232, 8233, 12288)) + ")"


@dataclass(frozen=True)
class Rule:
    """One check of one field: `sql` is true (or null) on rows where the field's cell passes."""

    field: str
    name: str
    message: str
    sql: str
    tables: frozenset[str] = frozenset()
    compares_rows: bool = False

    @property
    def local(self) -> bool:
        """Whether the rule reads only its own row (and so can run on a frame of this table alone)."""
        return not self.tables and not self.compares_rows


def sql_list(values: list) -> str:
    return "(" + ", ".join(literal(v) for v in values) + ")"


def parsed(field: dict) -> str:
    """The cell as a comparable SQL value, null where it does not parse as the field's type."""
    col, kind = ident(field["name"]), field.get("type", "string")
    if kind == "integer":
        return f"(CASE WHEN regexp_full_match({col}, {literal(INTEGER)}) THEN TRY_CAST({col} AS HUGEINT) END)"
    if kind == "number":
        return f"(CASE WHEN regexp_full_match({col}, {literal(NUMBER)}) THEN TRY_CAST({col} AS DOUBLE) END)"
    if kind == "date":
        return f"(CASE WHEN regexp_full_match({col}, {literal(ISO_DATE)}) THEN TRY_CAST({col} AS DATE) END)"
    return col


def typed_literal(field: dict, value) -> str:
    if field.get("type") == "date":
        return f"DATE {literal(dt.date.fromisoformat(value).isoformat())}"
    return str(value)


def rule(field: dict, name: str, message: str, sql: str, tables: frozenset[str] = frozenset()) -> Rule:
    """A rule that an empty cell passes."""
    return Rule(field["name"], name, message, f"({ident(field['name'])} IS NULL OR ({sql}))", tables)


def type_rules(field: dict) -> list[Rule]:
    col, kind = ident(field["name"]), field.get("type", "string")
    if kind not in SUPPORTED_TYPES:
        raise ValueError(f"field {field['name']}: type '{kind}' is not supported by the validator")
    if kind == "integer":
        return [rule(field, "type", "'{value}' is not an integer", f"regexp_full_match({col}, {literal(INTEGER)})")]
    if kind == "number":
        return [rule(field, "type", "'{value}' is not a number", f"regexp_full_match({col}, {literal(NUMBER)})")]
    if kind == "date":
        return [rule(field, "type", "'{value}' is not a valid date (YYYY-MM-DD)", f"{parsed(field)} IS NOT NULL")]
    return [rule(field, "formula", "'{value}' starts with =, +, - or @ (spreadsheet formula)",
                 f"left({col}, 1) NOT IN {sql_list(list(FORMULA_START))}")]


def constraint_rules(field: dict) -> list[Rule]:
    constraints = field.get("constraints", {})
    unknown = set(constraints) - SUPPORTED_CONSTRAINTS
    if unknown:
        raise ValueError(f"field {field['name']}: constraints {sorted(unknown)} are not supported by the validator")
    col, value, rules = ident(field["name"]), parsed(field), []
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        rules.append(rule(field, "pattern", f"'{{value}}' does not match the pattern {pattern}",
                          f"regexp_full_match({col}, {literal(pattern)})"))
    if "enum" in constraints:
        allowed = constraints["enum"]
        rules.append(rule(field, "enum", f"'{{value}}' is not one of: {', '.join(map(str, allowed))}",
                          f"{col} IN {sql_list(allowed)}"))
    if "minimum" in constraints:
        low = constraints["minimum"]
        rules.append(rule(field, "minimum", f"'{{value}}' is less than the minimum {low}",
                          f"{value} >= {typed_literal(field, low)}"))
    if "maximum" in constraints:
        high = constraints["maximum"]
        rules.append(rule(field, "maximum", f"'{{value}}' is more than the maximum {high}",
                          f"{value} <= {typed_literal(field, high)}"))
    if "minLength" in constraints:
        n = constraints["minLength"]
        rules.append(rule(field, "minLength", f"is shorter than {n} characters", f"length({col}) >= {n}"))
    if "maxLength" in constraints:
        n = constraints["maxLength"]
        rules.append(rule(field, "maxLength", f"is longer than {n} characters", f"length({col}) <= {n}"))
    return rules


def cell_rules(field: dict, today: dt.date) -> list[Rule]:
    """Rules for every cell: no stray whitespace, and no date later than today."""
    col = ident(field["name"])
    rules = [rule(field, "whitespace", "'{value}' has leading or trailing whitespace",
                  f"left({col}, 1) NOT IN {WHITESPACE} AND right({col}, 1) NOT IN {WHITESPACE}")]
    if field.get("type") == "date":
        rules.append(rule(field, "future", f"'{{value}}' is later than today ({today})",
                          f"{parsed(field)} <= DATE {literal(today.isoformat())}"))
    return rules


def key_rules(table: Table, field: dict, package: Package) -> list[Rule]:
    """Required values (a key field is always required), primary-key uniqueness (single or composite,
    reported on the key's first field) and foreign keys."""
    name, rules = field["name"], []
    key = table.primary_key
    if field.get("constraints", {}).get("required") or name in key:
        rules.append(Rule(name, "required", "is required but empty", f"{ident(name)} IS NOT NULL"))
    first_of = f"row_number() OVER (PARTITION BY {{}} ORDER BY {ident(LINE)}) = 1"
    if key and key[0] == name:
        message = f"duplicate {' + '.join(key)}: '{{value}}' appears on an earlier row"
        rules.append(Rule(name, "primary_key", message, first_of.format(", ".join(map(ident, key))),
                          compares_rows=True))
    elif field.get("constraints", {}).get("unique"):
        message = "duplicate value '{value}' appears on an earlier row"
        unique = rule(field, "unique", message, first_of.format(ident(name)))
        rules.append(replace(unique, compares_rows=True))
    for fk in table.foreign_keys:
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        if fields != [name]:
            continue
        ref = fk["reference"]
        ref_field = ref["fields"][0] if isinstance(ref["fields"], list) else ref["fields"]
        ref_table = ref.get("resource") or table.name
        rules.append(rule(field, "foreign_key", f"'{{value}}' is not a {ref_field} in {ref_table}",
                          f"{ident(name)} IN (SELECT {ident(ref_field)} FROM {ident(ref_table)})",
                          frozenset({ref_table})))
        rules += link_back_rules(table, name, ref_table, ref_field, package)
    return rules


def link_back_rules(table: Table, name: str, ref_table: str, ref_field: str, package: Package) -> list[Rule]:
    """Two tables that reference each other must agree: the row we point at points back at us."""
    other = package.table(ref_table)
    back = next((fk["fields"][0] for fk in other.foreign_keys
                 if fk["reference"].get("resource") == table.name), None)
    if back is None or not table.primary_key:
        return []
    col, own, ref, back_col = ident(name), ident(table.primary_key[0]), ident(ref_table), ident(back)
    pair = f"{col} || chr(31) || coalesce({own}, '')"
    points_back = (f"{pair} IN (SELECT {ident(ref_field)} || chr(31) || {back_col} FROM {ref} "
                   f"WHERE {back_col} IS NOT NULL)")
    unknown = f"{col} NOT IN (SELECT {ident(ref_field)} FROM {ref})"
    return [rule({"name": name}, "link_back", f"'{{value}}' does not point back at this row in its {back} column",
                 f"{unknown} OR {points_back}", frozenset({ref_table}))]


def relation_rules(table: Table, field: dict, package: Package) -> list[Rule]:
    """The rules stated by the field's `x-` properties."""
    col, value, rules = ident(field["name"]), parsed(field), []
    if differs := field.get("x-differentFrom"):
        rules.append(rule(field, "different_from", f"'{{value}}' is the same as {differs}",
                          f"{col} <> {ident(differs)}"))
    if start := field.get("x-notBefore"):
        rules.append(rule(field, "not_before", f"'{{value}}' is earlier than {start}",
                          f"{value} >= {parsed(table.field(start))}"))
    if end := field.get("x-notAfter"):
        rules.append(rule(field, "not_after", f"'{{value}}' is later than {end}",
                          f"{value} <= {parsed(table.field(end))}"))
    if precision := field.get("x-precisionField"):
        rules.append(rule(field, "precision_given", f"'{{value}}' has no {precision}",
                          f"{ident(precision)} IS NOT NULL"))
    if bounds := field.get("x-between"):
        low, high = (parsed(table.field(b)) for b in bounds)
        rules.append(rule(field, "count_range", f"'{{value}}' is not between {bounds[0]} and {bounds[1]}",
                          f"coalesce({low} <= {value}, true) AND coalesce({value} <= {high}, true) "
                          f"AND coalesce({low} <= {high}, true)"))
    if counts := field.get("x-qualifies"):
        given = " OR ".join(f"{ident(n)} IS NOT NULL" for n in counts)
        rules.append(rule(field, "qualifier", f"'{{value}}' does not fit the counts: not_reported needs them empty, "
                                              f"exact and approximate need {counts[1]}",
                          f"CASE WHEN {col} = 'not_reported' THEN NOT ({given}) "
                          f"ELSE {ident(counts[1])} IS NOT NULL END"))
    if field.get("x-neutral") and (terms := package.descriptor.get("x-loadedTerms")):
        loaded = r"(?i)\b(" + "|".join(re.escape(t) for t in terms) + r")\b"
        rules.append(rule(field, "neutral", "'{value}' uses a loaded term (x-loadedTerms in datapackage.json); "
                                            "such terms belong only in a claim's summary, attributed",
                          f"NOT regexp_matches({col}, {literal(loaded)})"))
    if ref := field.get("x-listOf"):
        known = f"(SELECT list({ident(ref['field'])}) FROM {ident(ref['resource'])})"
        message = f"'{{value}}' names a {ref['field']} that is not in {ref['resource']}"
        rules.append(rule(field, "list_reference", message,
                          f"list_has_all({known}, string_split({col}, {literal(ref['delimiter'])}))",
                          frozenset({ref["resource"]})))
    if targets := field.get("x-referencesAny"):
        known = " UNION ALL ".join(f"SELECT {ident(t['field'])} FROM {ident(t['resource'])}" for t in targets)
        names = ", ".join(t["resource"] for t in targets)
        rules.append(rule(field, "record_reference", f"'{{value}}' is not a record in {names}", f"{col} IN ({known})",
                          frozenset(t["resource"] for t in targets)))
    return rules


def citation_rules(table: Table, field: dict, package: Package) -> list[Rule]:
    """A record whose table a citing field covers (`x-everyRecordCited`) must be cited at least once."""
    rules = []
    for citing in package.tables:
        for f in citing.fields:
            covered = {(t["resource"], t["field"]) for t in f.get("x-referencesAny", [])}
            if f.get("x-everyRecordCited") and (table.name, field["name"]) in covered:
                rules.append(rule(field, "cited", f"'{{value}}' has no row in {citing.name}",
                                  f"{ident(field['name'])} IN (SELECT {ident(f['name'])} FROM {ident(citing.name)})",
                                  frozenset({citing.name})))
    return rules


def table_rules(table: Table, package: Package, today: dt.date) -> list[Rule]:
    """Every rule of one table, field by field in the schema's order."""
    return [r for f in table.fields
            for r in (type_rules(f) + constraint_rules(f) + cell_rules(f, today) + key_rules(table, f, package)
                      + relation_rules(table, f, package) + citation_rules(table, f, package))]
