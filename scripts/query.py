"""`make query SQL="..."`: run SQL against the built database and print the result as a table.

The SQL arrives in the environment variable SQL (the Makefile exports it; it never passes through a shell), or
as the one argument of `python -m scripts.query`. SQL that names an existing file ending in `.sql` is read from
that file; a single word ending in `.sql` that names no file is an error, not SQL.

The database is opened read-only and the connection locked down before the SQL runs: no files or network
(so no COPY TO, ATTACH, read_text or INSTALL), no extension loading, no spilling to disk, at most QUERY_MEMORY
of memory (default 1GB), and the settings locked so the SQL cannot undo any of it. The query is interrupted
after QUERY_TIMEOUT seconds (default 30) and at most QUERY_ROWS rows (default 1,000) are fetched and printed;
the rest are counted, up to a point, and reported cut. Every mistake is one line on stderr: exit 1, or 130 for
Ctrl-C. The site's cookbook runs its queries through `locked_connection` and `run_locked` too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scripts.build import DATABASE
from scripts.package import ROOT
from scripts.terminal import printable

CONFIG = {"temp_directory": ""}  # no spill files: nothing the SQL runs may write anywhere, build/ included
LOCKDOWN = (
    "SET enable_external_access = false",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET allow_community_extensions = false",
    "SET lock_configuration = true",
)
MAX_WIDTH = 60
MEMORY = "1GB"
MEMORY_AMOUNT = re.compile(r"[0-9]{1,6}(\.[0-9]{1,3})? ?(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)
TIMEOUT = 30.0
ROWS = 1_000
COUNTED = 1_000_000  # rows past the cap that are counted (fetched and dropped) to say how many were cut
CHUNK = 10_000
SQL_FILE_LIMIT = 1_000_000
USAGE = 'make query SQL="SELECT ..." or SQL=queries/<name>.sql'


class QueryError(Exception):
    """A mistake in what was asked, said in one line."""


@dataclass
class Result:
    columns: list[str]
    rows: list[tuple]
    cut: int = 0  # rows fetched past the cap and dropped
    uncounted: bool = False  # True when there were more than COUNTED rows past the cap


def locked_connection(database: Path, memory: str = MEMORY) -> duckdb.DuckDBPyConnection:
    """A read-only connection that cannot reach files, the network, a spill directory or its own settings, nor
    take more than `memory`."""
    if not database.is_file():
        raise QueryError(f"{printable(str(database))} not found; run `make build` first")
    con = duckdb.connect(str(database), read_only=True, config=CONFIG)
    con.execute(f"SET memory_limit = '{memory_amount(memory)}'")
    for statement in LOCKDOWN:
        con.execute(statement)
    return con


def memory_amount(text: str) -> str:
    """An amount of memory as DuckDB reads it (`1GB`, `512 MiB`), or QueryError."""
    if not MEMORY_AMOUNT.fullmatch(text.strip()):
        raise QueryError(f"QUERY_MEMORY must be an amount of memory such as 1GB or 512MB, not {printable(text)!r}")
    return text.strip()


connect = locked_connection


def fetch(con: duckdb.DuckDBPyConnection, sql: str, limit: int) -> Result | None:
    """Run sql; the last statement's columns and first `limit` rows, fetched in chunks, never all at once."""
    result = con.execute(sql)
    if result.description is None:
        return None
    columns = [d[0] for d in result.description]
    rows = result.fetchmany(limit)
    cut = 0
    while cut <= COUNTED and len(rows) == limit and (chunk := result.fetchmany(CHUNK)):
        cut += len(chunk)
    return Result(columns, rows, min(cut, COUNTED), cut > COUNTED)


def run_locked(con: duckdb.DuckDBPyConnection, sql: str, limit: int = ROWS, timeout: float = TIMEOUT) -> Result | None:
    """`fetch`, in a worker thread, interrupted after `timeout` seconds (QueryError) or at Ctrl-C (re-raised as
    KeyboardInterrupt). The main thread only waits: a wait can be interrupted by Ctrl-C, while a DuckDB call in
    the main thread swallows the signal and runs on."""
    outcome: dict[str, object] = {}
    done = threading.Event()  # not Thread.join: a join interrupted by Ctrl-C can return early next time

    def work() -> None:
        try:
            outcome["result"] = fetch(con, sql, limit)
        except BaseException as e:  # noqa: BLE001 -- handed to the waiting thread
            outcome["error"] = e
        finally:
            done.set()

    threading.Thread(target=work, daemon=True).start()
    try:
        finished = done.wait(timeout)
    except KeyboardInterrupt:
        con.interrupt()
        done.wait(10)
        raise
    if not finished:
        con.interrupt()
        done.wait(10)
        raise QueryError(f"query stopped after {timeout:g} s; set QUERY_TIMEOUT (seconds) to allow longer")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def cell(value: object) -> str:
    """How one value reads in the table: NULL as empty, lists joined, long text cut, control characters escaped."""
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
    text = printable(" ".join(text.split()))
    return text if len(text) <= MAX_WIDTH else text[:MAX_WIDTH - 1] + "…"


def footer(result: Result) -> str:
    n = len(result.rows)
    if result.uncounted:
        return f"({n:,} rows shown; more than {result.cut:,} further rows cut; set QUERY_ROWS to show more)"
    if result.cut:
        return f"({n:,} of {n + result.cut:,} rows shown; {result.cut:,} cut; set QUERY_ROWS to show more)"
    return f"({n} row{'s' if n != 1 else ''})"


def render(result: Result) -> str:
    """A plain-text table: header, rule, one line per row (numbers right-aligned), and a row count."""
    columns, rows = [printable(c) for c in result.columns], result.rows
    cells = [[cell(v) for v in row] for row in rows]
    numeric = [all(isinstance(r[i], int | float) or r[i] is None for r in rows) and bool(rows)
               for i in range(len(columns))]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True))

    body = [line(columns), "  ".join("-" * w for w in widths)] + [line(r) for r in cells] + [footer(result)]
    return "\n".join(text.rstrip() for text in body)


def sql_text(given: str) -> str:
    """The SQL itself: `given`, or the file it names (see the module docstring for which is which)."""
    text = given.strip()
    if not text:
        raise QueryError(f"no SQL given: {USAGE}")
    if not text.endswith(".sql") or "\0" in text:
        return text
    path = Path(text)
    if not path.exists():
        if any(c.isspace() for c in text):
            return text
        raise QueryError(f"{printable(text)}: no such file (a word ending in .sql is read as a file name)")
    if not path.is_file():
        raise QueryError(f"{printable(text)}: not a regular file")
    with path.open("rb") as f:
        data = f.read(SQL_FILE_LIMIT + 1)
    if len(data) > SQL_FILE_LIMIT:
        raise QueryError(f"{printable(text)}: larger than {SQL_FILE_LIMIT:,} bytes; is it really SQL?")
    try:
        sql = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise QueryError(f"{printable(text)}: not UTF-8 (byte {e.start})") from None
    if not sql.strip():
        raise QueryError(f"{printable(text)}: the file holds no SQL")
    return sql


def setting(name: str, default: float, kind: type) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = kind(raw) if raw else default
    except ValueError:
        value = 0
    if not 0 < value < 10**9:  # also refuses nan and inf, which no timer accepts
        raise QueryError(f"{name} must be a positive {'whole ' if kind is int else ''}number, not {printable(raw)!r}")
    return value


def run(sql: str, database: Path, limit: int = ROWS, timeout: float = TIMEOUT, memory: str = MEMORY) -> str:
    """The result of the last statement of sql, rendered; raises duckdb.Error on a bad query."""
    with locked_connection(database, memory) as con:
        try:
            result = run_locked(con, sql, limit, timeout)
        except duckdb.OutOfMemoryException:
            raise QueryError(f"query stopped: it needs more than {memory.strip()} of memory; set QUERY_MEMORY "
                             "(e.g. QUERY_MEMORY=4GB) to allow more") from None
    return "ok" if result is None else render(result)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sql", nargs="?", help="SQL to run, or a .sql file (default: the environment variable SQL)")
    parser.add_argument("--db", type=Path, default=Path(os.environ.get("QUERY_DB") or ROOT / "build" / DATABASE),
                        help="database to query (default: QUERY_DB, else build/)")
    args = parser.parse_args(argv)
    try:
        sql = sql_text(os.environ.get("SQL", "") if args.sql is None else args.sql)
        text = run(sql, args.db, int(setting("QUERY_ROWS", ROWS, int)), setting("QUERY_TIMEOUT", TIMEOUT, float),
                   os.environ.get("QUERY_MEMORY") or MEMORY)
        print(text)
    except QueryError as e:
        print(e, file=sys.stderr)
        return 1
    except duckdb.Error as e:
        print("\n".join(printable(line) for line in str(e).splitlines()), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("query interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `make query ... | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
