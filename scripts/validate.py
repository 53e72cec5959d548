"""Stage 2 (`make check`): check the descriptor with frictionless, then every table with the rule set.

The rule set (`scripts.rules`) runs in DuckDB in two passes, so a clean package costs one read of each CSV:
1. verdict: each CSV is streamed once. Every row gets one boolean: it passes every rule that reads only its
   row, in as few checks as `rules.verdict_checks` can make of them. Only the fields other rules look up are
   kept, and the rules left (uniqueness, references to other tables) run on those narrow tables, one query
   each. A table that passes is done.
2. detail, only for a table that failed its verdict: the whole table is loaded with the editor line of each
   row, and every rule runs again, one column each, to say which rule failed where.

Prints one line per problem, `data/<table>.csv:<line>:<field>: <message>` (characters that are not printable
text named by code point, `<U+200B>`), then a count, and exits 1;
a clean package prints one summary line and exits 0. Malformed input never ends in a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path

import duckdb

from scripts import cache
from scripts.load import LINE, csv_source, header_faults, load_into, unload, unreadable
from scripts.package import DESCRIPTOR, ROOT, Package, PackageError, Problem, Table, ident, load_package
from scripts.rules import ROWS, Rule, table_rules, verdict_checks, with_values
from scripts.terminal import code_points

SHOWN_VALUE = 80
MEMORY_LIMIT = "700MB"  # DuckDB spills to disk beyond this: validation's memory stays bounded at any size
LOOKUPS = "lookups"
PASSES = "__passes"
DESCRIPTOR_CACHE = "descriptors"  # `scripts.cache`: frictionless's verdicts
SEARCH_PATH = f"SET search_path = 'main,{LOOKUPS}'"  # each cursor finds the narrow tables by their own names


def descriptor_problems(package: Package) -> list[Problem]:
    """The Data Package and Table Schema specs, as frictionless reads them. The verdict is kept in the user's
    cache (`scripts.cache`), named by frictionless's version and the descriptor's and schemas' bytes: importing
    frictionless and compiling its profiles cost a second of CPU, taken from the data checks beside it."""
    name = cache.key(version("frictionless"), (package.root / DESCRIPTOR).read_bytes(),
                     *(json.dumps(t.schema, sort_keys=True) for t in package.tables))
    if (kept := cache.load(DESCRIPTOR_CACHE, name)) is not None:
        return [Problem(path, message=message) for path, message in kept]
    from frictionless import Package as FrictionlessPackage  # imported here, in the thread that uses it:
    from frictionless import Schema  # its import time then overlaps the data checks

    problems = [Problem(DESCRIPTOR, message=e.message)
                for e in FrictionlessPackage.validate_descriptor(str(package.root / DESCRIPTOR)).errors]
    for table in package.tables:
        problems += [Problem(table.schema_path, message=e.message)
                     for e in Schema.validate_descriptor(table.schema).errors]
    cache.save(DESCRIPTOR_CACHE, name, [[p.path, p.message] for p in problems])
    return problems


def shown(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= SHOWN_VALUE else text[:SHOWN_VALUE] + f"… ({len(text)} characters)"


def violations_sql(table: Table, rules: list[Rule]) -> str:
    """The rows of the table that break at least one rule, with one boolean column per rule. The verdicts are
    worked out once, in a materialized CTE: DuckDB would otherwise push the filter down into them, copying every
    rule's expression (its regexes and subqueries) into the filter, and planning took most of the time."""
    verdicts = ", ".join(f"{rule.sql} AS __rule_{i}" for i, rule in enumerate(rules))
    verdicts += "".join(f", {rule.detail} AS __detail_{i}" for i, rule in enumerate(rules) if rule.detail)
    all_pass = " AND ".join(f"coalesce(__rule_{i}, true)" for i in range(len(rules)))
    return (f"WITH judged AS MATERIALIZED (SELECT *, {verdicts} FROM {with_values(table, ident(table.name))}) "
            f"SELECT * FROM judged WHERE NOT ({all_pass}) ORDER BY {ident(LINE)}")


def rule_problems(con: duckdb.DuckDBPyConnection, table: Table, rules: list[Rule]) -> list[Problem]:
    if not rules:
        return []
    result = con.execute(violations_sql(table, rules))
    names = [d[0] for d in result.description]
    problems = []
    for values in result.fetchall():
        row = dict(zip(names, values, strict=True))
        problems += [Problem(table.path, row[LINE], rule.field, rule.message.replace("{value}", shown(row[rule.field]))
                             .replace("{detail}", str(row.get(f"__detail_{i}"))))
                     for i, rule in enumerate(rules) if row[f"__rule_{i}"] is False]
    return problems


def scan(con: duckdb.DuckDBPyConnection, package: Package, table: Table, streamed: list[Rule],
         later: list[Rule]) -> list[Problem]:
    """Stream the table's CSV once into `lookups.<name>`: each row's verdict on the `streamed` rules, and
    the fields that the `later` rules and other tables' rules read. Returns the problems that make the file
    unreadable."""
    problems = header_faults(table)
    if problems:
        return problems
    wanted = set(package.lookup_fields(table)) | {r.field for r in later} | {c for r in later for c in r.reads}
    kept = [ident(name) for name in table.field_names if name in wanted]
    rows = with_values(table, csv_source(table))

    def load(passes: str) -> None:
        con.execute(f"CREATE OR REPLACE TABLE {LOOKUPS}.{ident(table.name)} AS "
                    f"SELECT {', '.join(kept + [f'{passes} AS {ident(PASSES)}'])} FROM {rows}")

    try:
        load(" AND ".join(verdict_checks(streamed, con)) or "true")
    except duckdb.Error:
        try:  # the file reads, a rule does not run: the detailed pass reports which
            load("false")
        except duckdb.Error as e:
            return unreadable(table, e)
    return []


def verdict(con: duckdb.DuckDBPyConnection, table: Table, later: list[Rule]) -> tuple[int, bool]:
    """(rows, whether every row passes every rule), from the scanned narrow table: first the streamed
    verdicts, then each later rule (rules that compare rows or read other tables), stopping at the first that
    fails."""
    narrow = f"{LOOKUPS}.{ident(table.name)}"
    rows, passes = con.execute(f"SELECT count(*), coalesce(bool_and({ident(PASSES)}), true) FROM {narrow}").fetchone()
    for rule in later:
        if not passes:
            break
        try:
            passes = rule_passes(con, table, rule)
        except duckdb.Error:
            passes = False
    return rows, passes


def rule_passes(con: duckdb.DuckDBPyConnection, table: Table, rule: Rule) -> bool:
    """Whether every row of the scanned narrow table passes a later rule: one query, the rule's `verdict` where
    it has one. Rules that compare rows need an order of rows, not the editor lines: any order finds a
    duplicate."""
    narrow = f"{LOOKUPS}.{ident(table.name)}"
    if rule.verdict:
        return con.execute(f"WITH {ROWS} AS (SELECT * FROM {narrow}) SELECT {rule.verdict}").fetchone()[0]
    return con.execute(f"SELECT coalesce(bool_and(passes), true) FROM (SELECT coalesce({rule.sql}, true) AS passes "
                       f"FROM (SELECT *, rowid AS {ident(LINE)} FROM {narrow}))").fetchone()[0]


def detailed_problems(con: duckdb.DuckDBPyConnection, table: Table, rules: list[Rule]) -> list[Problem]:
    """Load the whole table with its editor lines and say which rule fails on which row."""
    problems = load_into(con, table)
    if problems:
        return problems
    try:
        return rule_problems(con, table, rules)
    except duckdb.Error as e:
        return [Problem(table.schema_path, message=f"a rule could not run: {str(e).splitlines()[0]}")]
    finally:
        unload(con, table)


def check_tables(con: duckdb.DuckDBPyConnection, package: Package, today: dt.date) -> tuple[list[Problem], dict]:
    """The verdict pass over every table (the rules that compare rows or read other tables, two tables at a time:
    their queries keep one core busy more than two), then the detailed pass over the tables that failed it. Only
    the narrow tables (schema `lookups`, behind `main` on the search path) and one whole table at a time are ever
    in memory."""
    con.execute(f"CREATE SCHEMA {LOOKUPS}")
    con.execute(SEARCH_PATH)
    problems, read = [], set()
    rules = {table.name: table_rules(table, package, today) for table in package.tables}
    for table in package.tables:
        later = [r for r in rules[table.name] if not r.local]
        found = scan(con, package, table, [r for r in rules[table.name] if r.local], later)
        problems += found
        if not found:
            read.add(table.name)
    tables = [t for t in package.tables if t.name in read]
    usable = {t.name: [r for r in rules[t.name] if r.tables <= read] for t in tables}

    def judged(table: Table) -> tuple[int, bool]:  # on a cursor of its own: two tables are judged at a time
        with con.cursor() as cursor:
            cursor.execute(SEARCH_PATH)
            return verdict(cursor, table, [r for r in usable[table.name] if not r.local])

    with ThreadPoolExecutor(max_workers=2) as judges:
        verdicts = list(judges.map(judged, tables))
    rows = {}
    for table, (rows[table.name], passes) in zip(tables, verdicts, strict=True):
        if not passes:
            problems += detailed_problems(con, table, usable[table.name])
    return problems, rows


def data_problems(package: Package, today: dt.date) -> tuple[list[Problem], dict[str, int]]:
    with tempfile.TemporaryDirectory(prefix="validate-") as spill, \
            duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": spill}) as con:
        return check_tables(con, package, today)


def validate(root: Path = ROOT, today: dt.date | None = None) -> tuple[list[Problem], dict[str, int]]:
    """All problems of the package at root, and the row count of every table that could be read. The
    descriptor's spec problems, if any, are all that is reported: the data is read meanwhile (frictionless
    is pure Python, DuckDB runs outside the GIL), and its findings are dropped, as is any failure a
    malformed schema caused."""
    try:
        package = load_package(root)
    except PackageError as e:
        return e.problems, {}
    with ThreadPoolExecutor(max_workers=1) as pool:
        spec = pool.submit(descriptor_problems, package)
        try:
            problems, rows = data_problems(package, today or dt.date.today())
        except Exception:
            if spec.result():
                return spec.result(), {}
            raise
    if spec.result():
        return spec.result(), {}
    return sorted(set(problems), key=sort_key), rows


def sort_key(p: Problem) -> tuple:
    return (p.path, p.line or 0, p.field or "", p.message)


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0]) if argv else ROOT
    started = time.perf_counter()
    problems, rows = validate(root)
    for p in problems:  # a cell, a header or a path quoted in a line shows what a reader could not see
        print(code_points(str(p)))
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
        return 1
    seconds = time.perf_counter() - started
    print(f"ok: {len(rows)} tables, {sum(rows.values())} rows valid ({seconds:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
