"""What every page reads: the package model and the database the build stage wrote (the site never reads the
CSVs, and never builds a database of its own), and where a page puts HTML that MkDocs should not parse."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scripts.identity import Release, load_release
from scripts.manifest import Manifest
from scripts.package import Field, Package, Table, ident

SHOWN = 5_000  # the most rows one list on a page shows; the downloads and the Query page have every row
BATCH = 1_000  # rows fetched from the database at a time


def text_value(field: Field, alias: str = "") -> str:
    """A column as the text its CSV cell holds: dates as YYYY-MM-DD, a whole number written without `.0`."""
    column = f"{alias + '.' if alias else ''}{ident(field.name)}"
    text = f"CAST({column} AS VARCHAR)"
    return f"regexp_replace({text}, '\\.0$', '')" if field.type.name == "number" else text


def text_columns(table: Table, alias: str = "") -> str:
    """Every column of the table as text, under its own name."""
    return ", ".join(f"{text_value(f, alias)} AS {ident(f.name)}" for f in table.fields)


def text_struct(table: Table, alias: str) -> str:
    """A row of the table as a struct of text values (a dict in Python)."""
    return "{" + ", ".join(f"'{f.name}': {text_value(f, alias)}" for f in table.fields) + "}"


class Blocks:
    """Lists of many rows, kept out of MkDocs: parsing them as Markdown and again for the search index is what a
    page of thousands of rows costs. `put` writes the HTML to a file and returns a comment that stands in for it
    on the page (no value from a file can make one: `html.esc` escapes every `<`); `fill` puts it back into the
    built page."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.pages: dict[str, list[str]] = {}  # docs path of a page → its blocks, in order

    def marker(self, name: str) -> str:
        return f"<!-- site-block: {name} -->"

    def put(self, page: str, parts: Iterable[str]) -> str:
        name = str(sum(len(v) for v in self.pages.values()))
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / f"{name}.html").open("w", encoding="utf-8") as f:
            f.writelines(parts)
        self.pages.setdefault(page, []).append(name)
        return "\n\n" + self.marker(name) + "\n\n"

    def expand(self, text: str, names: Iterable[str]) -> Iterator[str]:
        """`text` in parts, each marker of `names` replaced by its block."""
        for name in names:
            before, marker, text = text.partition(self.marker(name))
            if not marker:
                raise RuntimeError(f"block {name}: its marker is missing from the built page")
            yield before
            yield (self.folder / f"{name}.html").read_text(encoding="utf-8")
        yield text

    def fill(self, page: str, built: Path) -> None:
        """Put the blocks of the docs page `page` into its built HTML file."""
        text = built.read_text(encoding="utf-8")
        with built.open("w", encoding="utf-8") as f:
            f.writelines(self.expand(text, self.pages[page]))


@dataclass(frozen=True)
class Site:
    package: Package
    db: duckdb.DuckDBPyConnection
    manifest: Manifest  # the release stage's list of published files (downloads/manifest.json)
    out: Path
    blocks: Blocks

    @functools.cached_property
    def release(self) -> Release:
        """release.toml, read once: every record page's citation names it."""
        return load_release(self.package)

    def query(self, sql: str, parameters: list | None = None) -> tuple[list[str], list[tuple]]:
        cursor = self.db.cursor()
        try:
            cursor.execute(sql, parameters)
            return [d[0] for d in cursor.description], cursor.fetchall()
        finally:
            cursor.close()

    def stream(self, sql: str, parameters: list | None = None) -> Iterator[dict]:
        """The rows of a query as dicts, fetched BATCH at a time on a cursor of their own (so that other queries
        can run while a stream is read)."""
        cursor = self.db.cursor()
        try:
            cursor.execute(sql, parameters)
            names = [d[0] for d in cursor.description]
            while batch := cursor.fetchmany(BATCH):
                yield from (dict(zip(names, row, strict=True)) for row in batch)
        finally:
            cursor.close()

    def count(self, table: str) -> int:
        return self.query(f"SELECT count(*) FROM {ident(table)}")[1][0][0]

    def rows(self, table: str, order: Iterable[str] = (), limit: int | None = None, last: bool = False) \
            -> Iterator[dict]:
        """The table's rows as text (as its CSV holds them; empty is None), ordered by the fields `order` (the
        primary key by default, and always after them); with `limit`, the first rows, or the last with `last`."""
        t = self.package.table(table)
        keys = list(dict.fromkeys([*order, *(t.primary_key or t.field_names)]))
        by = ", ".join(f"t.{ident(k)}{' DESC' if last else ''} NULLS {'LAST' if last else 'FIRST'}" for k in keys)
        sql = f"SELECT {text_columns(t, 't')} FROM {ident(table)} t ORDER BY {by}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        if last:  # the last rows, still shown in order
            sql = f"SELECT * FROM ({sql}) ORDER BY {', '.join(f'{ident(k)} NULLS FIRST' for k in keys)}"
        return self.stream(sql)


def sql_file(name: str) -> str:
    """A chart or page query kept beside the site code in `scripts/site/sql/`."""
    return (Path(__file__).parent / "sql" / f"{name}.sql").read_text(encoding="utf-8")
