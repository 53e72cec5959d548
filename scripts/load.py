"""Stage 1: load each table's CSV as text, with the editor line of every row, into DuckDB (or a frame).

Cells stay strings so that validation, not the reader, decides what a bad value is: a reader that
coerces silently rounds "12.5" into an integer or drops a row it cannot parse. File-level faults
(encoding, line ends, header, ragged rows, quoting) are reported here, with their line.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from scripts.package import ROOT, Package, PackageError, Problem, Table, ident, literal, load_package

if TYPE_CHECKING:  # polars is only named here: `make check` never builds a frame, and skips its import time
    import polars as pl

LINE = "__line__"


def file_problems(table: Table, data: bytes) -> list[Problem]:
    """Faults that make the bytes unreadable as the package's CSV dialect (UTF-8, LF, header row)."""
    path = table.path
    if not data.strip():
        return [Problem(path, 1, message="file is empty; expected a header row")]
    if data.startswith(b"\xef\xbb\xbf"):
        return [Problem(path, 1, message="starts with a byte-order mark; save as UTF-8 without BOM")]
    try:
        if not data.isascii():  # ASCII is UTF-8, and far cheaper to recognise
            data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        return [Problem(path, line, message=f"invalid UTF-8: byte 0x{data[e.start]:02x} cannot be decoded")]
    if b"\r" in data:
        line = data.count(b"\n", 0, data.index(b"\r")) + 1
        return [Problem(path, line, message="carriage return found; line ends must be LF only")]
    return header_problems(table, data.split(b"\n", 1)[0].decode("utf-8"))


def header_problems(table: Table, first_line: str) -> list[Problem]:
    """The header must name the schema's fields, once each, in the schema's order."""
    header = next(csv.reader([first_line]))
    expected = table.field_names
    problems = [Problem(table.path, 1, name, "column missing from header") for name in expected if name not in header]
    problems += [Problem(table.path, 1, name, "column not in schema") for name in header if name not in expected]
    problems += [Problem(table.path, 1, name, "column appears more than once")
                 for name in sorted({n for n in header if header.count(n) > 1})]
    if not problems and header != expected:
        wrong = next(h for h, e in zip(header, expected, strict=True) if h != e)
        problems.append(Problem(table.path, 1, wrong, f"columns out of order; expected: {','.join(expected)}"))
    return problems


def record_problems(table: Table, text: str) -> list[Problem]:
    """Locate ragged rows and broken quoting with the csv module; only run once the fast reader failed."""
    width = len(table.field_names)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems, start = [], 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return problems
        except csv.Error as e:
            message = f"malformed CSV ({e}); check for an unbalanced quote"
            return problems + [Problem(table.path, start, message=message)]
        if row and len(row) != width:
            problems.append(Problem(table.path, start, message=f"row has {len(row)} fields; the header has {width}"))
        start = reader.line_num + 1


def csv_source(table: Table) -> str:
    """read_csv in the package's dialect, strict: every column text, empty cell null, ragged rows an error."""
    columns = "{" + ", ".join(f"{literal(n)}: 'VARCHAR'" for n in table.field_names) + "}"
    return (f"read_csv({literal(table.file)}, header = true, columns = {columns}, auto_detect = false, "
            f"delim = ',', quote = '\"', escape = '\"', strict_mode = true, null_padding = false, nullstr = '')")


def line_number(table: Table, multi_line: bool) -> str:
    """SQL for the editor line of each row of the loaded table (rowid keeps the file's order)."""
    if not multi_line:
        return "rowid + 2"
    breaks = " + ".join(f"coalesce(length({ident(n)}) - length(replace({ident(n)}, chr(10), '')), 0)"
                        for n in table.field_names)
    return (f"rowid + 2 + coalesce(sum({breaks}) OVER (ORDER BY rowid ROWS BETWEEN UNBOUNDED PRECEDING "
            f"AND 1 PRECEDING), 0)")


def first_line_of(table: Table) -> bytes:
    with table.file.open("rb") as f:
        return f.readline()


def has_multi_line_cells(con: duckdb.DuckDBPyConnection, table: Table, cells: str) -> bool:
    breaks = " OR ".join(f"contains({ident(n)}, chr(10))" for n in table.field_names)
    return con.execute(f"SELECT coalesce(bool_or({breaks}), false) FROM {cells}").fetchone()[0]


def header_faults(table: Table) -> list[Problem]:
    try:
        return file_problems(table, first_line_of(table))
    except FileNotFoundError:
        return [Problem(table.path, message="file not found")]
    except IsADirectoryError:
        return [Problem(table.path, message="is a directory, not a CSV file")]


def unreadable(table: Table, error: duckdb.Error) -> list[Problem]:
    """Where a CSV that DuckDB's strict reader refused goes wrong: only now is the whole file read again,
    with the csv module, to say where."""
    data = table.file.read_bytes()
    located = file_problems(table, data) or record_problems(table, data.decode("utf-8"))
    return located or [Problem(table.path, message=f"unreadable CSV: {first_line(str(error))}")]


def load_into(con: duckdb.DuckDBPyConnection, table: Table, schema: str = "main") -> list[Problem]:
    """Load the CSV into con: its cells in table `<schema>.<name>__csv`, and view `<schema>.<name>` that adds
    LINE. Returns the problems that stopped it loading (nothing is created then). Only the header is read
    here: DuckDB's strict reader refuses bad UTF-8, stray carriage returns and ragged rows."""
    problems = header_faults(table)
    if problems:
        return problems
    cells = f"{ident(schema)}.{ident(table.name + '__csv')}"
    try:
        con.execute(f"CREATE TABLE {cells} AS SELECT * FROM {csv_source(table)}")
    except duckdb.Error as e:
        return unreadable(table, e)
    line = line_number(table, has_multi_line_cells(con, table, cells))
    con.execute(f"CREATE VIEW {ident(schema)}.{ident(table.name)} AS SELECT *, {line} AS {ident(LINE)} "
                f"FROM {cells}")
    return []


def unload(con: duckdb.DuckDBPyConnection, table: Table, schema: str = "main") -> None:
    con.execute(f"DROP VIEW IF EXISTS {ident(schema)}.{ident(table.name)}")
    con.execute(f"DROP TABLE IF EXISTS {ident(schema)}.{ident(table.name + '__csv')}")


def first_line(message: str) -> str:
    return re.sub(r"\s+", " ", message.strip().split("\n", 1)[0])


def read_table(table: Table) -> tuple[pl.DataFrame | None, list[Problem]]:
    """The table as strings plus LINE, as a polars frame, or None and the problems that stopped it."""
    with duckdb.connect() as con:
        problems = load_into(con, table)
        return (None, problems) if problems else (con.sql(f"SELECT * FROM {ident(table.name)}").pl(), [])


def read_tables(package: Package) -> tuple[dict[str, pl.DataFrame], list[Problem]]:
    """Every table that could be read, as polars frames, and the problems of those that could not."""
    frames, problems = {}, []
    for table in package.tables:
        frame, found = read_table(table)
        problems += found
        if frame is not None:
            frames[table.name] = frame
    return frames, problems


def read_all(package: Package) -> dict[str, pl.DataFrame]:
    """Every table as a frame; PackageError if any table is unreadable."""
    frames, problems = read_tables(package)
    if problems:
        raise PackageError(problems)
    return frames


def read_package(root: Path = ROOT) -> tuple[Package, dict[str, pl.DataFrame]]:
    """The package and all its tables as frames; PackageError if the descriptor or any table is unreadable."""
    package = load_package(root)
    return package, read_all(package)


def main() -> int:
    try:
        _, frames = read_package()
    except PackageError as e:
        print(e, file=sys.stderr)
        return 1
    for name, frame in frames.items():
        print(f"{name}: {frame.height} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
