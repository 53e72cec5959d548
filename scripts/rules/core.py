"""What every kind of rule is made of: the `Rule` a kind makes for one field, the `Kind` entry itself (its check,
its planted fault and its fix-up), and the helpers the kinds share."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from scripts.package import Field, Package, Table, ident, literal

if TYPE_CHECKING:  # the machinery that runs a kind's planter and fix-up; neither is imported by `make check`
    import polars as pl

    from scripts.faults import Planting
    from scripts.synthetic import Generator

    Planter = Callable[[Planting], None]
    FixUp = Callable[[Generator, Table, Field, pl.DataFrame], pl.DataFrame]

FORMULA_START = "=+-@"
WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u2028\u2029\u3000"
VALUE_PREFIX = "__value__"
ROWS = "__rows"  # what a rule's `verdict` reads: the fields of one table that rules look up (`validate.scan`)
PARSED_TYPES = {"integer": "HUGEINT", "number": "DOUBLE", "date": "DATE"}  # wide enough to hold any cell


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
    reads: frozenset[str] = frozenset()  # other fields of its row that a rule comparing rows reads
    detail: str | None = None  # SQL naming what was found (a term, a character), for `{detail}` in the message
    verdict: str | None = None  # a query over ROWS, true where every row passes: cheaper than `sql` row by row

    @property
    def local(self) -> bool:
        """Whether the rule reads only its own row (and so can run on a frame of this table alone)."""
        return not self.tables and not self.compares_rows


@dataclass(frozen=True)
class Context:
    """What a kind reads to make its rules: the field, its table, the package and the day of the check."""

    package: Package
    table: Table
    field: Field
    today: dt.date

    def sibling(self, name: str) -> Field:
        return self.table.field(name)


@dataclass(frozen=True)
class Forbidden:
    """A column constraint that is a regex (RE2) no value may match. The database joins a column's forbidden
    patterns into one CHECK (`rules.typed_constraints`): each value is searched once, not once per kind."""

    regex: str


@dataclass(frozen=True)
class Kind:
    """One kind of rule, whole: where it applies, its check over text cells (`text`), the column constraint the
    DuckDB file declares for it (`typed`: a callable of the field giving SQL over typed columns or a `Forbidden`
    pattern, or a string saying why the database holds it otherwise or not at all), its wording, the fault
    `scripts.faults` plants to make it fire (`plant`) and how `scripts.synthetic` keeps generated data within it
    (`fix_up`: a function that corrects a generated frame, or a string saying how the generator honours it by
    construction)."""

    name: str
    applies: Callable[[Package, Table, Field], bool]
    text: Callable[[Context], list[Rule]]
    typed: Callable[[Table, Field], str | Forbidden] | str
    words: Callable[[Field], str]
    plant: Planter
    fix_up: FixUp | str


# --- SQL helpers -------------------------------------------------------------------------------------------------

def sql_list(values) -> str:
    return "(" + ", ".join(literal(v) for v in values) + ")"


def regex_class(chars: str) -> str:
    """The characters as a regex character class, each written as its code point."""
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in chars) + "]"


def sql_codes(chars: str) -> str:
    """The characters as a SQL list of code points: `ascii()` of a cell's first character is an integer,
    far cheaper to compare than a one-character string."""
    return "(" + ", ".join(str(ord(c)) for c in chars) + ")"


def parsing(field: Field) -> str:
    """SQL that parses the cell as the field's type: null where it is not a value of that type."""
    col = ident(field.name)
    if field.type.cell_pattern is None:
        return col
    return (f"(CASE WHEN regexp_full_match({col}, {literal(field.type.cell_pattern)}) "
            f"THEN TRY_CAST({col} AS {PARSED_TYPES[field.type.name]}) END)")


def parsed(field: Field) -> str:
    """The cell as a comparable value: for a typed field, the column `with_values` adds, parsed once per row
    however many rules compare it."""
    return ident(field.name) if field.type.name == "string" else ident(VALUE_PREFIX + field.name)


def with_values(table: Table, source: str) -> str:
    """source (a table name or a subquery) plus the parsed value of every typed field, as rules read it."""
    typed = [f for f in table.fields if f.type.name != "string"]
    if not typed:
        return source
    return f"(SELECT *, {', '.join(f'{parsing(f)} AS {parsed(f)}' for f in typed)} FROM {source})"


def typed_literal(field: Field, value) -> str:
    if field.type.name == "date":
        return f"DATE {literal(dt.date.fromisoformat(str(value)).isoformat())}"
    return repr(float(value)) if field.type.name == "number" else str(int(value))


def rule(field: Field, name: str, message: str, sql: str, tables: frozenset[str] = frozenset()) -> Rule:
    """A rule that an empty cell passes."""
    return Rule(field.name, name, message, f"({ident(field.name)} IS NULL OR ({sql}))", tables)


def no_duplicates(names: list[str], where: str = "true") -> str:
    """A verdict: no two rows (of those `where` keeps) share the values of `names`. One hash aggregate, where
    finding the duplicate rows (`sql`) numbers every row of a partition in editor order."""
    return (f"NOT EXISTS (SELECT 1 FROM {ROWS} WHERE {where} GROUP BY {', '.join(map(ident, names))} "
            "HAVING count(*) > 1)")


def all_known(cells: str, values: str) -> str:
    """A verdict: every value of `cells` (a query over ROWS of one column, `value`) is one of `values` (a query
    of one column). An anti-join, for which DuckDB hashes the smaller side, where `IN` hashes the query's side
    (a million citations, once for each table whose records must be cited)."""
    return f"NOT EXISTS (SELECT 1 FROM ({cells}) AS cells ANTI JOIN ({values}) AS known(value) USING (value))"


def reference(field: Field, name: str, message: str, values: str, tables: frozenset[str]) -> Rule:
    """A rule that a non-empty cell is one of `values` (a query of one column), with its verdict (`all_known`)."""
    col = ident(field.name)
    found = all_known(f"SELECT {col} AS value FROM {ROWS} WHERE {col} IS NOT NULL", values)
    return replace(rule(field, name, message, f"{col} IN ({values})", tables), verdict=found)


def forbid(field: Field, name: str, message: str, regex: str, cheaper: str | None = None) -> Rule:
    """A rule that the cell fails where `regex` matches in it. `cheaper` is SQL saying the same without a
    regex search (for a pattern tied to the first or last character); without it the rule searches."""
    sql = cheaper or f"NOT regexp_matches({ident(field.name)}, {literal(regex)})"
    return replace(rule(field, name, message, sql), forbidden=regex, searches=cheaper is None)


def check(sql: str) -> str:
    """A column CHECK that an empty cell passes, as in the validator."""
    return f"CHECK ({sql})"


def code(name: object) -> str:
    return f"`{name}`"


def loaded_regex(terms: list[str]) -> str:
    return r"(?i:\b(?:" + "|".join(re.escape(t) for t in terms) + r")\b)"




# --- planting helpers (`Planting` is in `scripts.faults`) ----------------------------------------------------------

CONSTRUCTED = "honoured by construction in Generator.column, link_mutual or the sentence filter"


def plant_value(kind: str, value: Callable[[Field], object],
                pred: Callable[[Table, Field], bool] | None = None) -> Planter:
    """A planter that puts value into the first plain field the kind applies to (and pred accepts)."""
    def plant(p: Planting) -> None:
        if found := p.first(kind, lambda t, f: p.plain(t, f) and (pred is None or pred(t, f))):
            p.put(kind, found[0], found[1].name, value(found[1]))
    return plant


def plant_with(kind: str, value: Callable[[Field], object], also: Callable[[Field], dict] = lambda f: {},
               pred: Callable[[Table, Field], bool] | None = None) -> Planter:
    """A planter that puts value into the first field the kind applies to (and pred accepts), and the values
    `also` gives into other fields of the same row."""
    def plant(p: Planting) -> None:
        if found := p.first(kind, pred or (lambda t, f: True)):
            p.put(kind, found[0], found[1].name, value(found[1]), also=also(found[1]))
    return plant
