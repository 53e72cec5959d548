"""`make query SQL="..."`: run SQL against the built database and print the result as a table.

The database is opened read-only, and the connection is then locked down before the user's SQL runs:
no files or network outside the database (so no COPY TO, ATTACH, read_csv of local files or INSTALL),
no extension loading, and the settings locked so the SQL cannot undo any of it. A failing statement
prints DuckDB's message and exits 1; nothing the command runs can change a file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import duckdb

from scripts.build import DATABASE
from scripts.package import ROOT

LOCKDOWN = (
    "SET enable_external_access = false",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET allow_community_extensions = false",
    "SET lock_configuration = true",
)
MAX_WIDTH = 60


def connect(database: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection that cannot reach files, the network or its own settings."""
    if not database.is_file():
        raise FileNotFoundError(f"{database} not found; run `make build` first")
    con = duckdb.connect(str(database), read_only=True)
    for statement in LOCKDOWN:
        con.execute(statement)
    return con


def cell(value: object) -> str:
    """How one value reads in the table: NULL as empty, lists joined, long text cut."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        text = "[" + ", ".join(cell(v) for v in value) + "]"
    elif isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= MAX_WIDTH else text[:MAX_WIDTH - 1] + "…"


def render(columns: list[str], rows: list[tuple]) -> str:
    """A plain-text table: header, rule, one line per row (numbers right-aligned), and a row count."""
    cells = [[cell(v) for v in row] for row in rows]
    numeric = [all(isinstance(r[i], int | float) or r[i] is None for r in rows) and bool(rows)
               for i in range(len(columns))]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True))

    body = [line(columns), "  ".join("-" * w for w in widths)] + [line(r) for r in cells]
    body.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(text.rstrip() for text in body)


def run(sql: str, database: Path) -> str:
    """The result of the last statement of sql, rendered; raises duckdb.Error on a bad query."""
    with connect(database) as con:
        result = con.execute(sql)
        if result.description is None:
            return "ok"
        columns = [d[0] for d in result.description]
        return render(columns, result.fetchall())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sql", help="SQL to run, or a path to a .sql file (such as queries/*.sql)")
    parser.add_argument("--db", type=Path, default=ROOT / "build" / DATABASE, help="database to query")
    args = parser.parse_args(argv)
    sql = Path(args.sql).read_text(encoding="utf-8") if args.sql.endswith(".sql") else args.sql
    try:
        print(run(sql, args.db))
    except (duckdb.Error, FileNotFoundError) as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
