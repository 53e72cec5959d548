"""Stage 2 (`make check`): check the descriptor with frictionless, then every table with the rule set.

Prints one line per problem, `data/<table>.csv:<line>:<field>: <message>`, then a count, and exits 1;
a clean package prints one summary line and exits 0. Malformed input never ends in a traceback.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import pandera.polars as pa
import polars as pl
from frictionless import Package as FrictionlessPackage
from frictionless import Schema

from scripts.load import LINE, read_tables
from scripts.package import DESCRIPTOR, ROOT, Package, PackageError, Problem, load_package
from scripts.rules import Context, checks_pass, table_schema, without_checks

BUILTIN_MESSAGES = {"not_nullable": "is required but empty"}
SHOWN_VALUE = 80


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


def failures_to_problems(path: str, frame: pl.DataFrame, failures: pl.DataFrame) -> list[Problem]:
    lines = frame.get_column(LINE)
    problems = []
    for row in failures.iter_rows(named=True):
        template = BUILTIN_MESSAGES.get(row["check"], row["check"])
        line = int(lines[row["index"]]) if row["index"] is not None else None
        problems.append(Problem(path, line, row["column"], template.replace("{value}", shown(row["failure_case"]))))
    return problems


def table_problems(package: Package, frames: dict[str, pl.DataFrame], today: dt.date) -> list[Problem]:
    """Run each table's pandera schema over its frame and turn the failure cases into problems."""
    ctx = Context(package, frames, today)
    problems = []
    for table in package.tables:
        frame = frames.get(table.name)
        if frame is None:
            continue
        try:
            schema = table_schema(table, ctx)
            if checks_pass(schema, frame):  # the usual case, in one pass: pandera keeps only the built-ins
                schema = without_checks(schema)
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as e:
            problems += failures_to_problems(table.path, frame, e.failure_cases)
        except ValueError as e:
            problems.append(Problem(table.schema_path, message=str(e)))
    return problems


def validate(root: Path = ROOT, today: dt.date | None = None) -> tuple[list[Problem], dict[str, int]]:
    """All problems of the package at root, and the row count of every table that could be read."""
    try:
        package = load_package(root)
    except PackageError as e:
        return e.problems, {}
    problems = descriptor_problems(package)
    if problems:
        return problems, {}
    frames, problems = read_tables(package)
    problems += table_problems(package, frames, today or dt.date.today())
    return sorted(set(problems), key=sort_key), {name: f.height for name, f in frames.items()}


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
