"""The release as one spreadsheet (`.xlsx`): an `about` sheet, a `columns` sheet with every column's meaning, and
one sheet per table with its typed values (numbers as numbers, dates as dates), a frozen, filterable header row.

Written with XlsxWriter from the built database. Text is always written as text, never as a formula or a link,
so a summary that starts with `=` stays a summary. The document's creation time is the release date (or a fixed
date before it is set) and XlsxWriter stamps its zip entries with a fixed time, so the same package gives the
same bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import xlsxwriter

from scripts import metadata
from scripts.identity import Release
from scripts.package import Package, ident

UNRELEASED_TIME = dt.datetime(1980, 1, 1)  # the zip's fixed time, for a spreadsheet built before the release date
MAX_WIDTH = 60
MAX_ROWS = 1_048_575  # a worksheet holds 1,048,576 rows, the header included


def widths(header: list[str], rows: list[tuple]) -> list[int]:
    """A column width that fits the header and most values, capped so long text wraps at a readable width."""
    sample = rows[:200]
    return [min(MAX_WIDTH, max([len(h) + 2] + [len(str(r[i])) + 1 for r in sample if r[i] is not None]))
            for i, h in enumerate(header)]


def write_sheet(book: xlsxwriter.Workbook, name: str, header: list[str], rows: list[tuple], formats: dict) -> None:
    sheet = book.add_worksheet(name[:31])  # the longest sheet name a spreadsheet accepts
    sheet.write_row(0, 0, header, formats["header"])
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), formats["date"])
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value if isinstance(value, str) else "; ".join(map(str, value))
                                   if isinstance(value, list) else str(value))
    for c, width in enumerate(widths(header, rows)):
        sheet.set_column(c, c, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(header) - 1)


def column_rows(package: Package) -> list[tuple]:
    return [(t.name, f.name, f.type.name, "yes" if f.required or f.name in t.primary_key else "",
             metadata.field_text(package, t, f)) for t in package.tables for f in t.fields]


def write_xlsx(package: Package, release: Release, database: Path, path: Path) -> Path:
    """PATH as the spreadsheet of the package, its values read from the built database."""
    created = dt.datetime.combine(release.released, dt.time()) if release.released else UNRELEASED_TIME
    tmp = path.with_suffix(".xlsx.tmp")
    book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                          "strings_to_numbers": False})
    book.set_properties({"title": package.title, "subject": f"version "
                         f"{release.version}", "author": metadata.citation_text(package, release).split(" (")[0],
                         "created": created, "comments": metadata.citation_text(package, release)})
    formats = {"header": book.add_format({"bold": True, "bottom": 1}),
               "date": book.add_format({"num_format": "yyyy-mm-dd"})}
    with duckdb.connect(str(database), read_only=True) as con:
        about = con.execute("SELECT key, value, meaning FROM metadata").fetchall()
        sizes = {t.name: con.execute(f"SELECT count(*) FROM {ident(t.name)}").fetchone()[0] for t in package.tables}
        about += [(f"cut_{name}", f"first {MAX_ROWS:,} of {n:,} rows", "A sheet holds no more rows; the CSV, "
                   "Parquet and database files have them all.") for name, n in sizes.items() if n > MAX_ROWS]
        write_sheet(book, "about", ["key", "value", "meaning"], about, formats)
        write_sheet(book, "columns", ["table", "column", "type", "required", "meaning"], column_rows(package), formats)
        for table in package.tables:
            rows = con.execute(f"SELECT * FROM {ident(table.name)} LIMIT {MAX_ROWS}").fetchall()
            write_sheet(book, table.name, table.field_names, rows, formats)
    book.close()
    tmp.replace(path)
    return path
