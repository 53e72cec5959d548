"""Stage 1: load each table's CSV as text, with the editor line of every row, into DuckDB (or a frame).

Cells stay strings so that validation, not the reader, decides what a bad value is: a reader that
coerces silently rounds "12.5" into an integer or drops a row it cannot parse. File-level faults
(encoding, line ends, header, ragged rows, quoting) are reported here, with their line.
"""

from __future__ import annotations

import contextlib
import csv
import io
import mmap
import os
import re
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from scripts.package import ROOT, Package, PackageError, Problem, Table, ident, literal, load_package

if TYPE_CHECKING:  # polars is only named here: `make check` never builds a frame, and skips its import time
    import polars as pl

LINE = "__line__"
# Characters. Far above every maxLength of the schemas (2,000 at most), whose rules report long cells with their
# own limit; this ceiling is for what no rule should read: a paste gone wrong, a binary file saved as CSV.
CELL_LIMIT = 1_000_000


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
    problems += [Problem(table.path, 1, name, "column not in schema") if name.strip() else
                 Problem(table.path, 1, message=f"column {i} (unnamed) not in schema")
                 for i, name in enumerate(header, 1) if name not in expected]
    problems += [Problem(table.path, 1, name, "column appears more than once")
                 for name in sorted({n for n in header if header.count(n) > 1})]
    if not problems and header != expected:
        wrong = next(h for h, e in zip(header, expected, strict=True) if h != e)
        problems.append(Problem(table.path, 1, wrong, f"columns out of order; expected: {','.join(expected)}"))
    return problems


@contextlib.contextmanager
def field_limit(limit: int):
    """The csv module's per-cell limit, raised for one read: the text is in memory already, so no cell can be
    larger than it, and the default limit (131,072) would report a big cell as an unbalanced quote."""
    previous = csv.field_size_limit(max(limit, csv.field_size_limit()))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def record_problems(table: Table, text: str) -> list[Problem]:
    """Locate ragged rows, broken quoting and oversized cells with the csv module; only run once the fast
    reader failed."""
    names = table.field_names
    with field_limit(len(text) + 1):
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
            if row and len(row) != len(names):
                problems.append(Problem(table.path, start, message=f"row has {len(row)} fields; the header has "
                                                                    f"{len(names)}"))
            elif start > 1:
                problems += [Problem(table.path, start, name, f"cell is {len(cell):,} characters; the limit is "
                                                              f"{CELL_LIMIT:,}")
                             for name, cell in zip(names, row, strict=False) if len(cell) > CELL_LIMIT]
            start = reader.line_num + 1


def csv_source(table: Table) -> str:
    """read_csv in the package's dialect, strict: every column text, empty cell null, ragged rows and cells of
    more than CELL_LIMIT characters an error (`record_problems` then says where)."""
    columns = "{" + ", ".join(f"{literal(n)}: 'VARCHAR'" for n in table.field_names) + "}"
    def longest(size: str) -> str:  # greatest() skips nulls; strlen (bytes) is O(1), so it screens for length()
        return f"greatest({', '.join(f'{size}({ident(n)})' for n in table.field_names)}) > {CELL_LIMIT}"

    return (f"(SELECT * FROM read_csv({literal(table.file)}, header = true, columns = {columns}, "
            f"auto_detect = false, delim = ',', quote = '\"', escape = '\"', strict_mode = true, "
            f"null_padding = false, nullstr = '') WHERE CASE WHEN {longest('strlen')} THEN CASE WHEN "
            f"{longest('length')} THEN error('a cell is larger than {CELL_LIMIT} characters') ELSE true END "
            f"ELSE true END)")


def line_number(table: Table, multi_line: bool) -> str:
    """SQL for the editor line of each row of the loaded table (rowid keeps the file's order)."""
    if not multi_line:
        return "rowid + 2"
    breaks = " + ".join(f"coalesce(length({ident(n)}) - length(replace({ident(n)}, chr(10), '')), 0)"
                        for n in table.field_names)
    return (f"rowid + 2 + coalesce(sum({breaks}) OVER (ORDER BY rowid ROWS BETWEEN UNBOUNDED PRECEDING "
            f"AND 1 PRECEDING), 0)")


def has_blank_lines(table: Table) -> bool:
    """Whether an empty line comes before the last record (DuckDB skips empty lines, so `rowid` then no longer
    gives the editor line). Searched in a memory map: no copy of the file, at memchr speed."""
    with table.file.open("rb") as f:
        if os.fstat(f.fileno()).st_size == 0:
            return False
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            end = len(data)
            while end and data[end - 1] == ord("\n"):
                end -= 1
            return data.find(b"\n\n", 0, end) != -1


def record_lines(table: Table) -> list[int]:
    """The editor line each record starts on, blank lines counted, as the csv module reads the file."""
    with table.file.open(encoding="utf-8", newline="") as f, field_limit(CELL_LIMIT + 1):
        reader = csv.reader(f, strict=True)
        next(reader)
        lines, start = [], reader.line_num + 1
        for row in reader:
            if row:
                lines.append(start)
            start = reader.line_num + 1
    return lines


def first_line_of(table: Table) -> bytes:
    with table.file.open("rb") as f:
        return f.readline()


def has_multi_line_cells(con: duckdb.DuckDBPyConnection, table: Table, cells: str) -> bool:
    breaks = " OR ".join(f"contains({ident(n)}, chr(10))" for n in table.field_names)
    return con.execute(f"SELECT coalesce(bool_or({breaks}), false) FROM {cells}").fetchone()[0]


def file_kind_problems(table: Table) -> list[Problem]:
    """A data file must be a regular file inside the package: a symlink to /dev/zero would be read forever,
    one to /etc/passwd would have its first line printed as a bad header."""
    try:
        mode = table.file.lstat().st_mode
    except FileNotFoundError:
        return [Problem(table.path, message="file not found")]
    rule = "data files must be regular files inside the package"
    if stat.S_ISLNK(mode):
        return [Problem(table.path, message=f"is a symbolic link; {rule}")]
    if stat.S_ISDIR(mode):
        return [Problem(table.path, message="is a directory, not a CSV file")]
    if not stat.S_ISREG(mode):
        return [Problem(table.path, message=f"is not a regular file; {rule}")]
    if table.file.resolve() != table.root.resolve() / table.path:
        return [Problem(table.path, message=f"is reached through a symbolic link; {rule}")]
    return []


def header_faults(table: Table) -> list[Problem]:
    problems = file_kind_problems(table)
    if problems:
        return problems
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
    here: DuckDB's strict reader refuses bad UTF-8, stray carriage returns and ragged rows. A file with blank
    lines, which DuckDB skips, is read once more with the csv module to number its rows."""
    problems = header_faults(table)
    if problems:
        return problems
    cells = f"{ident(schema)}.{ident(table.name + '__csv')}"
    try:
        con.execute(f"CREATE TABLE {cells} AS SELECT * FROM {csv_source(table)}")
    except duckdb.Error as e:
        return unreadable(table, e)
    view = f"{ident(schema)}.{ident(table.name)}"
    starts = record_lines(table) if has_blank_lines(table) else None
    if starts is not None and len(starts) == con.execute(f"SELECT count(*) FROM {cells}").fetchone()[0]:
        lines = f"{ident(schema)}.{ident(table.name + '__lines')}"
        con.execute(f"CREATE TABLE {lines} AS SELECT unnest($1) AS line, generate_subscripts($1, 1) - 1 AS row",
                    [starts])
        con.execute(f"CREATE VIEW {view} AS SELECT c.*, l.line AS {ident(LINE)} FROM {cells} c "
                    f"JOIN {lines} l ON l.row = c.rowid ORDER BY c.rowid")
        return []
    line = line_number(table, has_multi_line_cells(con, table, cells))
    con.execute(f"CREATE VIEW {view} AS SELECT *, {line} AS {ident(LINE)} FROM {cells}")
    return []


def unload(con: duckdb.DuckDBPyConnection, table: Table, schema: str = "main") -> None:
    con.execute(f"DROP VIEW IF EXISTS {ident(schema)}.{ident(table.name)}")
    con.execute(f"DROP TABLE IF EXISTS {ident(schema)}.{ident(table.name + '__csv')}")
    con.execute(f"DROP TABLE IF EXISTS {ident(schema)}.{ident(table.name + '__lines')}")


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
