"""Stage 2 (`make check`): check the descriptor with frictionless, then every table with the rule set.

The CSVs are loaded as text into an in-memory DuckDB, one table at a time, and each table's rules
(`scripts.rules`) run as one query that returns only the rows breaking at least one rule, so a clean
package costs one pass per table.

Prints one line per problem, `data/<table>.csv:<line>:<field>: <message>`, then a count, and exits 1;
a clean package prints one summary line and exits 0. Malformed input never ends in a traceback.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from frictionless import Package as FrictionlessPackage
from frictionless import Schema

from scripts.load import LINE, load_into, load_lookups, unload
from scripts.package import DESCRIPTOR, ROOT, Package, PackageError, Problem, Table, ident, load_package
from scripts.rules import Rule, table_rules

SHOWN_VALUE = 80
MEMORY_LIMIT = "700MB"  # DuckDB spills to disk beyond this: validation's memory stays bounded at any size
LOOKUPS = "lookups"


def descriptor_problems(package: Package) -> list[Problem]:
    """The Data Package and Table Schema specs, as frictionless reads them."""
    problems = [Problem(DESCRIPTOR, message=e.message)
                for e in FrictionlessPackage.validate_descriptor(str(package.root / DESCRIPTOR)).errors]
    for table in package.tables:
        problems += [Problem(table.schema_path, message=e.message)
                     for e in Schema.validate_descriptor(table.schema).errors]
    return problems


def shown(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= SHOWN_VALUE else text[:SHOWN_VALUE] + f"… ({len(text)} characters)"


def violations_sql(table: Table, rules: list[Rule]) -> str:
    """The rows of the table that break at least one rule, with one boolean column per rule."""
    verdicts = ", ".join(f"{rule.sql} AS __rule_{i}" for i, rule in enumerate(rules))
    all_pass = " AND ".join(f"coalesce(__rule_{i}, true)" for i in range(len(rules)))
    return (f"SELECT * FROM (SELECT *, {verdicts} FROM {ident(table.name)}) WHERE NOT ({all_pass}) "
            f"ORDER BY {ident(LINE)}")


def rule_problems(con: duckdb.DuckDBPyConnection, table: Table, rules: list[Rule]) -> list[Problem]:
    if not rules:
        return []
    result = con.execute(violations_sql(table, rules))
    names = [d[0] for d in result.description]
    problems = []
    for values in result.fetchall():
        row = dict(zip(names, values, strict=True))
        problems += [Problem(table.path, row[LINE], rule.field, rule.message.replace("{value}", shown(row[rule.field])))
                     for i, rule in enumerate(rules) if row[f"__rule_{i}"] is False]
    return problems


def table_problems(con: duckdb.DuckDBPyConnection, package: Package, table: Table, readable: list[str],
                   today: dt.date) -> list[Problem]:
    """Run one loaded table's rules; rules that read a table that could not be read are left out."""
    try:
        rules = [r for r in table_rules(table, package, today) if r.tables <= set(readable)]
    except ValueError as e:
        return [Problem(table.schema_path, message=str(e))]
    try:
        return rule_problems(con, table, rules)
    except duckdb.Error as e:
        return [Problem(table.schema_path, message=f"a rule could not run: {str(e).splitlines()[0]}")]


def check_tables(con: duckdb.DuckDBPyConnection, package: Package, today: dt.date) -> tuple[list[Problem], dict]:
    """Check the tables one at a time. Other tables are present only through the fields rules look up
    (schema `lookups`, behind `main` on the search path), so memory holds one whole table at a time."""
    con.execute(f"CREATE SCHEMA {LOOKUPS}")
    con.execute(f"SET search_path = 'main,{LOOKUPS}'")
    readable = load_lookups(con, package, LOOKUPS)
    problems, rows = [], {}
    for table in package.tables:
        found = load_into(con, table)
        if found:
            problems += found
            continue
        problems += table_problems(con, package, table, readable, today)
        rows[table.name] = con.execute(f"SELECT count(*) FROM {ident(table.name)}").fetchone()[0]
        unload(con, table)
    return problems, rows


def validate(root: Path = ROOT, today: dt.date | None = None) -> tuple[list[Problem], dict[str, int]]:
    """All problems of the package at root, and the row count of every table that could be read."""
    try:
        package = load_package(root)
    except PackageError as e:
        return e.problems, {}
    problems = descriptor_problems(package)
    if problems:
        return problems, {}
    with tempfile.TemporaryDirectory(prefix="validate-") as spill, \
            duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": spill}) as con:
        problems, rows = check_tables(con, package, today or dt.date.today())
    return sorted(set(problems), key=sort_key), rows


def sort_key(p: Problem) -> tuple:
    return (p.path, p.line or 0, p.field or "", p.message)


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0]) if argv else ROOT
    started = time.perf_counter()
    problems, rows = validate(root)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
        return 1
    seconds = time.perf_counter() - started
    print(f"ok: {len(rows)} tables, {sum(rows.values())} rows valid ({seconds:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
