"""The package's one rule set, derived from the Table Schemas in `schemas/` and run as SQL inside DuckDB.

Each field's type and `constraints` become rules; the `x-` properties of a field state the rules Table Schema
cannot express (cross-field, cross-table and list references), and a few rules hold for every cell of a kind
(no spreadsheet formulas, no stray whitespace, no future dates). Cells are loaded as text and parsed inside the
rules, so a bad value is reported where it is instead of being coerced away (DuckDB would round '12.5' into
an integer column).

A rule is a SQL expression over one row that is true where the cell passes; an empty cell passes every rule
but `required`. It reads the row through `with_values`, which parses each typed cell once. Its message is a
template in which `{value}` stands for the offending cell. The same rules feed `scripts.frames`, which checks
a polars frame with pandera.
"""

from __future__ import annotations

import datetime as dt
import re
import re._parser as sre  # the stdlib's regex parser: a pattern's edge characters are read, not guessed
from dataclasses import dataclass, replace

from scripts.load import LINE
from scripts.package import INTEGER, NUMBER, TYPE_PATTERNS, Package, Table, ident, literal

SUPPORTED_CONSTRAINTS = {"required", "unique", "pattern", "enum", "minimum", "maximum", "minLength", "maxLength"}
SUPPORTED_TYPES = {"string", "integer", "number", "date"}
FORMULA_START = "=+-@"
WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u2028\u2029\u3000"
VALUE_PREFIX = "__value__"
VALUE_TYPES = {"integer": "HUGEINT", "number": "DOUBLE", "date": "DATE"}  # wide enough to compare any cell


@dataclass(frozen=True)
class Rule:
    """One check of one field: `sql` is true (or null) on rows where the field's cell passes."""

    field: str
    name: str
    message: str
    sql: str
    tables: frozenset[str] = frozenset()
    compares_rows: bool = False
    implied: bool = False  # another rule of the cell (type, pattern, code list) fails wherever this one does
    forbidden: str | None = None  # a regex (RE2) that matches exactly the cells this rule rejects
    searches: bool = False  # `sql` searches the whole text with `forbidden`: no cheaper form exists

    @property
    def local(self) -> bool:
        """Whether the rule reads only its own row (and so can run on a frame of this table alone)."""
        return not self.tables and not self.compares_rows


def sql_list(values: list) -> str:
    return "(" + ", ".join(literal(v) for v in values) + ")"


def regex_class(chars: str) -> str:
    """The characters as a regex character class, each written as its code point."""
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in chars) + "]"


def parsing(field: dict) -> str:
    """SQL that parses the cell as the field's type: null where it is not a value of that type."""
    col, kind = ident(field["name"]), field.get("type", "string")
    if kind not in TYPE_PATTERNS:
        return col
    return (f"(CASE WHEN regexp_full_match({col}, {literal(TYPE_PATTERNS[kind])}) "
            f"THEN TRY_CAST({col} AS {VALUE_TYPES[kind]}) END)")


def parsed(field: dict) -> str:
    """The cell as a comparable value: for a typed field, the column `with_values` adds, parsed once per row
    however many rules compare it."""
    if field.get("type", "string") == "string":
        return ident(field["name"])
    return ident(VALUE_PREFIX + field["name"])


def with_values(table: Table, source: str) -> str:
    """source (a table name or a subquery) plus the parsed value of every typed field, as rules read it."""
    typed = [f for f in table.fields if f.get("type", "string") != "string"]
    if not typed:
        return source
    return f"(SELECT *, {', '.join(f'{parsing(f)} AS {parsed(f)}' for f in typed)} FROM {source})"


LARGEST_CLASS = 1024


def sequence_edge(items, from_end: bool) -> tuple[set[str] | None, bool]:
    """The characters a match of a parsed regex sequence can start (or end) with, and whether it can be empty.
    None where the pattern is too rich to tell: negated classes, categories such as `\\s` (whose meaning
    differs between Python and DuckDB's RE2), inline flags."""
    chars = set()
    for op, av in (reversed(items) if from_end else items):
        found, empty = item_edge(op, av, from_end)
        if found is None:
            return None, False
        chars |= found
        if not empty:
            return chars, False
    return chars, True


def item_edge(op, av, from_end: bool) -> tuple[set[str] | None, bool]:
    if op is sre.LITERAL:
        return {chr(av)}, False
    if op is sre.IN and all(o in (sre.LITERAL, sre.RANGE) for o, _ in av):
        ranges = [(v, v) if o is sre.LITERAL else v for o, v in av]
        if sum(high - low + 1 for low, high in ranges) > LARGEST_CLASS:
            return None, False
        return {chr(c) for low, high in ranges for c in range(low, high + 1)}, False
    if op is sre.SUBPATTERN and not av[1] and not av[2]:
        return sequence_edge(av[3], from_end)
    if op is sre.BRANCH:
        edges = [sequence_edge(branch, from_end) for branch in av[1]]
        if any(chars is None for chars, _ in edges):
            return None, False
        return set().union(*(chars for chars, _ in edges)), any(empty for _, empty in edges)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, _, sub = av
        chars, empty = sequence_edge(sub, from_end)
        return chars, empty or low == 0
    if op is sre.AT:
        return set(), True
    return None, False


def edge_characters(pattern: str) -> tuple[set[str] | None, set[str] | None]:
    """The first and last characters of any string the pattern fully matches (None: cannot tell)."""
    try:
        parsed = sre.parse(pattern)
    except re.error:
        return None, None
    if parsed.state.flags & ~sre.SRE_FLAG_UNICODE:
        return None, None
    return sequence_edge(list(parsed), False)[0], sequence_edge(list(parsed), True)[0]


def shapes(field: dict) -> list[tuple[set[str] | None, set[str] | None]]:
    """(first, last) characters of the values a field's code list, pattern or type admits, one pair each."""
    constraints = field.get("constraints", {})
    found = []
    if "enum" in constraints:
        values = [str(v) for v in constraints["enum"]]
        found.append(({v[0] for v in values if v}, {v[-1] for v in values if v}))
    patterns = (constraints.get("pattern"), TYPE_PATTERNS.get(field.get("type", "string")))
    return found + [edge_characters(p) for p in patterns if p]


def rejected_by_shape(field: dict, first: str, last: str = "") -> bool:
    """Whether the field's code list, pattern or type already rejects every value that starts with one of
    `first` or ends with one of `last`: a rule for just that is then implied."""
    def excluded(starts: set[str] | None, ends: set[str] | None) -> bool:
        ends_ok = not last or (ends is not None and not ends & set(last))
        return starts is not None and not starts & set(first) and ends_ok
    return any(excluded(*shape) for shape in shapes(field))


def typed_literal(field: dict, value) -> str:
    if field.get("type") == "date":
        return f"DATE {literal(dt.date.fromisoformat(value).isoformat())}"
    return str(value)


def rule(field: dict, name: str, message: str, sql: str, tables: frozenset[str] = frozenset()) -> Rule:
    """A rule that an empty cell passes."""
    return Rule(field["name"], name, message, f"({ident(field['name'])} IS NULL OR ({sql}))", tables)


def forbid(field: dict, name: str, message: str, regex: str, cheaper: str | None = None) -> Rule:
    """A rule that the cell fails where `regex` matches in it. `cheaper` is SQL saying the same without a
    regex search (for a pattern tied to the first or last character); without it the rule searches."""
    sql = cheaper or f"NOT regexp_matches({ident(field['name'])}, {literal(regex)})"
    return replace(rule(field, name, message, sql), forbidden=regex, searches=cheaper is None)


def verdict_checks(rules: list[Rule]) -> list[str]:
    """SQL checks that all pass exactly where every rule passes, as few and cheap as can be: implied rules
    are left out (the rule that implies them is in), and where a rule searches a cell's text, every
    forbidden pattern of that cell joins the one search."""
    kept = [r for r in rules if not r.implied]
    searched = {r.field for r in kept if r.searches}
    merged: dict[str, list[str]] = {}
    for r in kept:
        if r.forbidden and r.field in searched:
            merged.setdefault(r.field, []).append(f"(?:{r.forbidden})")
    checks = [f"coalesce({r.sql}, true)" for r in kept if not (r.forbidden and r.field in searched)]
    return checks + [f"coalesce(NOT regexp_matches({ident(name)}, {literal('|'.join(regexes))}), true)"
                     for name, regexes in merged.items()]


def sql_codes(chars: str) -> str:
    """The characters as a SQL list of code points: `ascii()` of a cell's first character is an integer,
    far cheaper to compare than a one-character string."""
    return "(" + ", ".join(str(ord(c)) for c in chars) + ")"


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
    formula = forbid(field, "formula", "'{value}' starts with =, +, - or @ (spreadsheet formula)",
                     f"^{regex_class(FORMULA_START)}", f"ascii({col}) NOT IN {sql_codes(FORMULA_START)}")
    return [replace(formula, implied=rejected_by_shape(field, FORMULA_START))]


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
    space = regex_class(WHITESPACE)
    col, codes = ident(field["name"]), sql_codes(WHITESPACE)
    whitespace = forbid(field, "whitespace", "'{value}' has leading or trailing whitespace", f"^{space}|{space}$",
                        f"ascii({col}) NOT IN {codes} AND ascii({col}[-1]) NOT IN {codes}")
    rules = [replace(whitespace, implied=rejected_by_shape(field, WHITESPACE, WHITESPACE))]
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
        loaded = r"(?i:\b(?:" + "|".join(re.escape(t) for t in terms) + r")\b)"
        rules.append(forbid(field, "neutral", "'{value}' uses a loaded term (x-loadedTerms in datapackage.json); "
                                              "such terms belong only in a claim's summary, attributed", loaded))
    if ref := field.get("x-listOf"):
        items = f"unnest(string_split({col}, {literal(ref['delimiter'])})) AS listed(item)"
        unknown = f"item NOT IN (SELECT {ident(ref['field'])} FROM {ident(ref['resource'])})"
        message = f"'{{value}}' names a {ref['field']} that is not in {ref['resource']}"
        rules.append(rule(field, "list_reference", message, f"NOT EXISTS (SELECT 1 FROM {items} WHERE {unknown})",
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
