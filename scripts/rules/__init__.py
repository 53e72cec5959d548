"""The rule registry: every kind of rule the package states, each defined once, in one place.

A kind (`core.Kind`) is one entry of `KINDS`: which fields it applies to, its SQL over text cells (what
`make check` runs: cells are loaded as text and parsed inside the rules, so a bad value is reported where it
is instead of being coerced away), its constraint over typed columns (what the DuckDB file declares) or the
reason it has none, its wording (the data dictionary, the database comments and the methodology's list of
what is rejected), the fault that makes it fire (planted by `scripts.faults`) and how generated data keeps to
it (`scripts.synthetic`). Adding a rule is one entry in `cells`, `text`, `urls`, `siblings` or `references`
(plus, for an `x-` key, its attribute in `scripts.package.keys.FieldRules`) and its tests.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from scripts.package import Field, Package, Table, ident, literal
from scripts.rules.cells import CELL_KINDS
from scripts.rules.core import FORMULA_START, ROWS, WHITESPACE, Context, Forbidden, Kind, Rule, check, with_values
from scripts.rules.references import REFERENCE_KINDS
from scripts.rules.siblings import SIBLING_KINDS
from scripts.rules.text import TEXT_KINDS
from scripts.rules.urls import URL_KINDS

# The order is the order a field's rules are said in, and the order the generator applies fix-ups in.
KINDS: list[Kind] = CELL_KINDS + TEXT_KINDS + URL_KINDS + SIBLING_KINDS + REFERENCE_KINDS
KIND = {k.name: k for k in KINDS}
CELL_TEXT_KINDS = {"type", "range", "formula", "whitespace", "future"}  # said once on the methodology page


def applicable(package: Package, table: Table, field: Field) -> list[Kind]:
    return [kind for kind in KINDS if kind.applies(package, table, field)]


def table_rules(table: Table, package: Package, today: dt.date) -> list[Rule]:
    """Every rule of one table, field by field in the schema's order."""
    return [r for f in table.fields for kind in applicable(package, table, f)
            for r in kind.text(Context(package, table, f, today))]


def typed_constraints(package: Package, table: Table, field: Field) -> list[str]:
    """The column constraints the database declares for the field: NOT NULL, UNIQUE and CHECKs. A kind whose
    rules on the field are all implied by another (`Rule.implied`: a pattern that admits only printable ASCII
    holds no invisible character) declares nothing, and the patterns kinds forbid (`Forbidden`) are joined into
    one CHECK: DuckDB then searches each value once, and compiles fewer CHECKs for every comment on the table."""
    context = Context(package, table, field, dt.date.today())
    declared, forbidden = [], []
    for kind in applicable(package, table, field):
        rules = kind.text(context)
        if not callable(kind.typed) or (rules and all(r.implied for r in rules)):
            continue
        constraint = kind.typed(table, field)
        if isinstance(constraint, Forbidden):
            forbidden.append(constraint.regex)
        else:
            declared.append(constraint)
    if forbidden:
        joined = forbidden[0] if len(forbidden) == 1 else "|".join(f"(?:{regex})" for regex in forbidden)
        declared.append(check(f"NOT regexp_matches({ident(field.name)}, {literal(joined)})"))
    return declared


def field_words(package: Package, table: Table, field: Field) -> list[str]:
    """The field's own rules in words (backticks around names), in registry order; the rules every cell of a
    type obeys are said once, on the methodology page."""
    return [kind.words(field) for kind in applicable(package, table, field) if kind.name not in CELL_TEXT_KINDS]


def verdict_checks(rules: list[Rule], con: duckdb.DuckDBPyConnection) -> list[str]:
    """SQL checks that all pass exactly where every rule passes, as few and cheap as can be: implied rules
    are left out (the rule that implies them is in); where a rule searches a cell's text, every forbidden
    pattern of that cell joins the one search; and cells whose one search is the same unanchored pattern are
    searched together, joined by a space (which no forbidden pattern matches, so a match in the joined text is
    a match in a cell; a match across two cells only sends the table to the detailed pass). `con` tells which
    patterns match a space."""
    kept = [r for r in rules if not r.implied]
    searched = {r.field for r in kept if r.searches}
    merged: dict[str, list[str]] = {}
    for r in kept:
        if r.forbidden and r.field in searched:
            merged.setdefault(r.field, []).append(f"(?:{r.forbidden})")
    checks = [f"coalesce({r.sql}, true)" for r in kept if not (r.forbidden and r.field in searched)]
    by_pattern: dict[str, list[str]] = {}
    for name, regexes in merged.items():
        by_pattern.setdefault("|".join(regexes), []).append(name)
    for pattern, names in by_pattern.items():
        anchored = any(c in pattern.replace("[^", "[") for c in "^$")  # `[^...]` negates a class, anchors nothing
        joinable = len(names) > 1 and not anchored and not pattern_matches_space(con, pattern)
        text = f"concat_ws(' ', {', '.join(map(ident, names))})" if joinable else None
        for target in ([text] if joinable else [ident(n) for n in names]):
            checks.append(f"coalesce(NOT regexp_matches({target}, {literal(pattern)}), true)")
    return checks


def pattern_matches_space(con: duckdb.DuckDBPyConnection, pattern: str) -> bool:
    """Whether the pattern matches text holding a space, as DuckDB's regex engine reads it. Kept per pattern:
    the tables of a package share their patterns, and each costs a compile."""
    if pattern not in SPACE_MATCHES:
        sql = "SELECT regexp_matches(' ', ?) OR regexp_matches('a b', ?)"
        SPACE_MATCHES[pattern] = con.execute(sql, [pattern, pattern]).fetchone()[0]
    return SPACE_MATCHES[pattern]


SPACE_MATCHES: dict[str, bool] = {}


__all__ = ["FORMULA_START", "KIND", "KINDS", "ROWS", "WHITESPACE", "Rule", "field_words", "table_rules",
           "typed_constraints", "verdict_checks", "with_values"]
