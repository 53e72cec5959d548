"""Stage 1: read each table's CSV into a frame of strings, with the editor line of every row.

Cells stay strings so that validation, not the reader, decides what a bad value is: a reader that
coerces silently rounds "12.5" into an integer or drops a row it cannot parse. File-level faults
(encoding, line ends, header, ragged rows, quoting) are reported here, with their line.
"""

from __future__ import annotations

import csv
import io
import re
import sys

import duckdb
import polars as pl

from scripts.package import Package, PackageError, Problem, Table, load_package

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


def parse(table: Table) -> pl.DataFrame:
    """Read the CSV strictly with DuckDB, every column as text, empty cells as null."""
    columns = {name: "VARCHAR" for name in table.field_names}
    with duckdb.connect() as con:
        relation = con.read_csv(str(table.file), header=True, columns=columns, auto_detect=False, delimiter=",",
                                quotechar='"', escapechar='"', strict_mode=True, null_padding=False,
                                na_values=[""], parallel=True)
        return relation.pl()


def with_lines(frame: pl.DataFrame, data: bytes) -> pl.DataFrame:
    """Add the editor line of each row; rows after a multi-line cell start further down."""
    first = pl.int_range(2, frame.height + 2, eager=False, dtype=pl.Int64)
    if data.count(b"\n") == frame.height + (1 if data.endswith(b"\n") else 0):
        return frame.with_columns(first.alias(LINE))
    breaks = pl.sum_horizontal([pl.col(c).str.count_matches("\n").fill_null(0) for c in frame.columns])
    return frame.with_columns((first + breaks.cum_sum().shift(1, fill_value=0)).alias(LINE))


def read_table(table: Table) -> tuple[pl.DataFrame | None, list[Problem]]:
    """The table as strings plus LINE, or None and the problems that stopped it being read."""
    try:
        data = table.file.read_bytes()
    except FileNotFoundError:
        return None, [Problem(table.path, message="file not found")]
    except IsADirectoryError:
        return None, [Problem(table.path, message="is a directory, not a CSV file")]
    problems = file_problems(table, data)
    if problems:
        return None, problems
    try:
        frame = parse(table)
    except duckdb.Error as e:
        located = record_problems(table, data.decode("utf-8"))
        return None, located or [Problem(table.path, message=f"unreadable CSV: {first_line(str(e))}")]
    return with_lines(frame, data), []


def first_line(message: str) -> str:
    return re.sub(r"\s+", " ", message.strip().split("\n", 1)[0])


def read_tables(package: Package) -> tuple[dict[str, pl.DataFrame], list[Problem]]:
    """Every table that could be read, and the problems of those that could not."""
    frames, problems = {}, []
    for table in package.tables:
        frame, found = read_table(table)
        problems += found
        if frame is not None:
            frames[table.name] = frame
    return frames, problems


def main() -> int:
    try:
        package = load_package()
    except PackageError as e:
        print(e, file=sys.stderr)
        return 1
    frames, problems = read_tables(package)
    for p in problems:
        print(p)
    for name, frame in frames.items():
        print(f"{name}: {frame.height} rows")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
