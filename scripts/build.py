"""Stage 3 (`make build`): the validated CSVs as one DuckDB database and one Parquet file per table.

Every CREATE TYPE, CREATE TABLE, CHECK and COMMENT is generated from the package model and the rule
registry (`scripts.ddl`); nothing here names a column of a table. The `events` view is written from the model too
(`scripts.events`); the other views are written by hand, in `queries/views/*.sql`, because they are questions,
not structure (their columns' meanings are in `queries/views/columns.toml`). The CSVs stay canonical: this
stage runs after `make check` and still loads strictly, so a value the validator let through by mistake stops
the build instead of being rounded.

Three facts about DuckDB 2 shape the output. Its default storage format cannot be read by DuckDB 1.5 (the
`duckdb-cli` on PyPI) or by DuckDB-WASM (DuckDB 1.4, the site's Query page), so the file is written in the v1.4.0
format, which both open. Its default 256 KiB blocks make a file of a few thousand rows 11 MB; 16 KiB blocks make
it 1.3 MB, which the Query page downloads whole and attaches read-only. And each new file gets a random identifier
in its header, so `pin_identifier` replaces it with one derived from the content, which makes the file (and the
release zip that holds it) byte-identical across builds of this package.

A large package (`is_large`: more than SMALL_BLOCKS_UP_TO bytes of CSV) is written otherwise: DuckDB's default
blocks, which write a million rows seconds faster and waste little among so many, and two tables loading at a time
(`load_tables`). Its blocks then land in a different order each time (DuckDB writes a table of a million rows with
several threads anyway): only the content, and the Parquet files, are the same.
"""

from __future__ import annotations

import hashlib
import shutil
import struct
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import astuple
from pathlib import Path

import duckdb

from scripts import changes, events, metadata
from scripts.ddl import creation_order, enum_types, primary_key_sql, table_statements, type_sql
from scripts.identity import Release, load_release
from scripts.load import csv_source
from scripts.package import (
    DATE_FORMAT,
    ROOT,
    Field,
    Package,
    PackageError,
    Problem,
    Table,
    ident,
    literal,
    load_package,
)

DATABASE = "am-az-normalization.duckdb"
ROW_GROUP_SIZE = 100_000
SMALL_BLOCKS = {"default_block_size": "16384"}
SMALL_BLOCKS_UP_TO = 32 * 2**20  # bytes of CSV: far beyond the size the Query page downloads whole


def is_large(package: Package) -> bool:
    """Whether the package has more than SMALL_BLOCKS_UP_TO bytes of CSV: its file keeps DuckDB's default blocks
    (`storage_config`) and two of its tables load at a time (`load_tables`)."""
    return sum(table.file.stat().st_size for table in package.tables) > SMALL_BLOCKS_UP_TO


def storage_config(large: bool) -> dict[str, str]:
    """How the file is written: `metadata.STORAGE`, with 16 KiB blocks unless the package `is_large`."""
    return metadata.STORAGE | ({} if large else SMALL_BLOCKS)


def view_files(root: Path) -> list[Path]:
    return sorted((root / "queries" / "views").glob("*.sql"))


def leading_comment(text: str) -> str:
    """The `--` lines a SQL file starts with, as one paragraph: the view's or query's description."""
    lines = text.strip().splitlines()
    taken = [line.removeprefix("--").strip() for line in lines[:next(
        (i for i, line in enumerate(lines) if not line.startswith("--")), len(lines))]]
    return " ".join(t for t in taken if t)


def view_texts(package: Package) -> dict[str, str]:
    """Each view's name and SQL: the `events` view written from the model, then every `queries/views/*.sql`."""
    files = {path.stem: path.read_text(encoding="utf-8") for path in view_files(package.root)}
    if events.VIEW in files:
        raise PackageError([Problem(f"queries/views/{events.VIEW}.sql", message="the events view is written from "
                                    "the model (x-record in the record tables' schemas); remove this file")])
    return {events.VIEW: events.view_sql(package), **files}


def create_views(con: duckdb.DuckDBPyConnection, package: Package) -> list[str]:
    """Every view (`view_texts`), commented with its leading comment. A view that reads another view waits for
    it: each round creates what it can."""
    pending = view_texts(package)
    created = []
    while pending:
        made = []
        for name, text in pending.items():
            try:
                con.execute(f"CREATE VIEW {ident(name)} AS {text.strip().rstrip(';')}")
            except duckdb.CatalogException:
                continue
            con.execute(f"COMMENT ON VIEW {ident(name)} IS {literal(leading_comment(text))}")
            made.append(name)
        if not made:
            name = sorted(pending)[0]
            con.execute(f"CREATE VIEW {ident(name)} AS {pending[name].strip().rstrip(';')}")  # raises the error
        for name in made:
            del pending[name]
        created += made
    return created


def strict_value(table: Table, field: Field, enums: dict) -> str:
    """A CSV cell (read as text) cast to its column type, raising on anything a lenient cast would
    accept: DuckDB turns '12.5' into the BIGINT 13 and '2021-2-1' into a date."""
    col, kind = ident(field.name), field.type
    if (table.name, field.name) in enums:
        return f"{col}::{enums[(table.name, field.name)][0]}"
    if kind.cell_pattern is None:
        return col
    cast = f"strptime({col}, {literal(DATE_FORMAT)})::DATE" if kind.name == "date" else f"{col}::{kind.sql}"
    where, problem = literal(f"{table.path}: {field.name} '"), literal(f"' is not a {kind.words}")
    message = f"concat({where}, {col}, {problem})"
    guarded = f"{col} IS NULL OR regexp_full_match({col}, {literal(kind.cell_pattern)})"
    return f"CASE WHEN {guarded} THEN {cast} ELSE error({message}) END"


SORTED_PROBES_FROM = 100_000


def insert_order(table: Table, deferred: set[tuple[str, str]], rows: dict[str, int]) -> list[str]:
    """The order rows go in: primary key, except that a table with a declared foreign key into a large
    table (`rows`: those loaded so far) goes in that key's order first. DuckDB checks a foreign key by
    probing the referenced index, and indexes the column as it goes; once the index outgrows the cache,
    probes in key order are several times faster than random ones. The order is total either way, so the
    Parquet files, copied in it, are byte-identical across builds."""
    keys = [(rows.get(fk.resource, 0), fk.fields[0]) for fk in table.foreign_keys
            if (table.name, fk.fields[0]) not in deferred]
    first = [max(keys)[1]] if keys and max(keys)[0] >= SORTED_PROBES_FROM else []
    return first + [k for k in table.primary_key or table.field_names if k not in first]


def typed_rows_sql(table: Table, enums: dict, order: list[str], source: str) -> str:
    """The CSV read as the validator reads it (every column text, empty cell = null; `source`: `csv_source`, or
    the text table it was loaded into), cast strictly."""
    values = ", ".join(strict_value(table, f, enums) for f in table.fields)
    return f"SELECT {values} FROM {source} ORDER BY {', '.join(map(ident, order))}"


TEXTS = "texts"  # an in-memory database attached beside the file: what every cursor of the build can read


def text_table(table: Table) -> str:
    """The table holding a table's CSV as text, where the changes since the previous release need it."""
    return f"{TEXTS}.{ident(table.name)}"


def text_rows(con: duckdb.DuckDBPyConnection, table: Table) -> tuple[list[str], list[dict[str, str]]]:
    """A table's CSV as the build loaded it: its header and its rows of text cells, an empty cell as ''."""
    names = table.field_names
    return names, [dict(zip(names, ("" if v is None else v for v in row), strict=True))
                   for row in con.execute(f"SELECT * FROM {text_table(table)}").fetchall()]


def write_parquet(con: duckdb.DuckDBPyConnection, table: Table, folder: Path, kv: dict[str, str]) -> None:
    """The table as a zstd Parquet file, rows in the database's order (`insert_order`), carrying kv
    (`metadata.parquet_metadata`: descriptions, release, licence, citation) as key-value metadata."""
    con.execute(f"COPY {ident(table.name)} TO {literal(folder / f'{table.name}.parquet')} "
                f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_SIZE}, "
                f"{metadata.kv_metadata_sql(kv)})")


def describe_database(con: duckdb.DuckDBPyConnection, package: Package, release: Release, views: list[str],
                      digest: str | None = None) -> None:
    """The `metadata` table and a comment on every column of every view (`digest`: `metadata_rows`)."""
    for statement in metadata.metadata_sql(package, release, digest):
        con.execute(statement)
    columns = {view: [c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                                                 "ORDER BY column_index", [view]).fetchall()] for view in views}
    for statement in metadata.view_comment_sql(package, columns):
        con.execute(statement)


CHANGES_SQL = Path(__file__).parent / "sql" / "changes.sql"


def write_changes(con: duckdb.DuckDBPyConnection, package: Package, release: Release) -> None:
    """The `changes` table: the history kept in releases/, then this release's changes against the previous one
    (computed from the text of the CSVs as this stage loaded them: `text_table`), in that order."""
    con.execute(CHANGES_SQL.read_text(encoding="utf-8"))
    rows = [(version, *astuple(c)) for version, c in changes.history(package, release)]
    if release.previous:
        current = {t.name: text_rows(con, t) for t in package.tables}
        rows += [(release.version, *astuple(c)) for c in changes.compute(package, release, current)]
    if rows:  # one list parameter per column, unnested side by side: executemany costs milliseconds a row
        columns = [list(column) for column in zip(*rows, strict=True)]
        con.execute(f"INSERT INTO changes SELECT {', '.join(f'unnest(${i + 1})' for i in range(len(columns)))}",
                    columns)


def references(table: Table, deferred: set[tuple[str, str]]) -> set[str]:
    """The other tables this one's declared foreign keys need loaded (and keyed) before it is created."""
    return {fk.resource for fk in table.foreign_keys if (table.name, fk.fields[0]) not in deferred} - {table.name}


CATALOG = threading.Lock()  # DuckDB refuses two catalog changes at once that touch one table (a key's target)


def load_table(cursor: duckdb.DuckDBPyConnection, table: Table, statements: list[str], enums: dict,
               deferred: set[tuple[str, str]], loaded: dict[str, int], previous: bool) -> int:
    """Create the table (with its comments), load its CSV and add its primary key, on a cursor of its own (closed
    after); return its rows. The CSV is read once: straight into the table, or, where the changes since a previous
    release are computed, into a text table (`text_table`) first."""
    with cursor:
        with CATALOG:
            for statement in statements:
                cursor.execute(statement)
        source = csv_source(table)
        if previous:
            cursor.execute(f"CREATE TABLE {text_table(table)} AS SELECT * FROM {source}")
            source = text_table(table)
        order = insert_order(table, deferred, loaded)
        rows = cursor.execute(f"INSERT INTO {ident(table.name)} "
                              f"{typed_rows_sql(table, enums, order, source)}").fetchone()[0]
        with CATALOG:
            for statement in primary_key_sql(table):
                cursor.execute(statement)
    return rows


def critical_first(ordered: list[Table], deferred: set[tuple[str, str]]) -> list[str]:
    """The tables' names, those heading the longest chain of loads first: a table's weight is its CSV's size plus
    the largest weight among the tables that wait for it (`references`). Two loaders taking the heaviest ready table
    first do not end with one table loading alone while the other loader idles."""
    weights: dict[str, int] = {}
    for table in reversed(ordered):  # each table's dependents come after it in creation order
        waiting = [weights[t.name] for t in ordered if table.name in references(t, deferred) and t.name in weights]
        weights[table.name] = table.file.stat().st_size + max(waiting, default=0)
    return sorted(weights, key=lambda name: -weights[name])


def load_tables(con: duckdb.DuckDBPyConnection, package: Package, enums: dict, previous: bool, at_once: int,
                loaded_one: Callable[[Table], None]) -> None:
    """Every table, each once the tables it references are loaded and keyed; `loaded_one(table)` as each is done,
    `at_once` tables at a time. DuckDB inserts into a table with a foreign key (which it indexes) on one core, so the
    tables of a large package (`is_large`) load two at a time, heaviest chain first (`critical_first`); their blocks
    then interleave in the file in whichever order they are written, which a large file's are anyway (see the
    module's docstring). One at a time, the order is `creation_order` and the file byte-identical across builds."""
    ordered, deferred = creation_order(package)
    tables = {table.name: (table, table_statements(package, table, enums, deferred)) for table in ordered}
    pending = critical_first(ordered, deferred) if at_once > 1 else list(tables)
    running, loaded = {}, {}
    with ThreadPoolExecutor(max_workers=at_once) as loader:
        while pending or running:
            ready = [name for name in pending if references(tables[name][0], deferred) <= loaded.keys()]
            for name in ready[:at_once - len(running)]:
                pending.remove(name)
                running[loader.submit(load_table, con.cursor(), *tables[name], enums, deferred, dict(loaded),
                                      previous)] = name
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                name = running.pop(future)
                loaded[name] = future.result()
                loaded_one(tables[name][0])


def write_database(package: Package, path: Path, parquet: Path) -> None:
    """The database at path, and each table's Parquet file in the folder `parquet`, copied from the database
    by a cursor of its own as soon as the table is loaded (`load_tables`): the next table's inserts check its keys
    on one core, the copy uses the other. The inputs' digest (`metadata.inputs_digest`) is worked out meanwhile."""
    release, enums, large = load_release(package), enum_types(package), is_large(package)
    parquet.mkdir(parents=True)
    with duckdb.connect(str(path), config=storage_config(large)) as con, ThreadPoolExecutor(max_workers=1) as copier, \
            ThreadPoolExecutor(max_workers=1) as hasher:
        digest = hasher.submit(metadata.inputs_digest, package)  # hashing runs outside the GIL, beside the loads
        reader, copies = con.cursor(), []
        con.execute(f"ATTACH ':memory:' AS {TEXTS}")
        for statement in type_sql(enums):
            con.execute(statement)

        def copy(table: Table) -> None:
            kv = metadata.parquet_metadata(package, release, table)
            copies.append(copier.submit(write_parquet, reader, table, parquet, kv))

        load_tables(con, package, enums, bool(release.previous), 2 if large else 1, copy)
        # The small statements that follow (changes, then comments and metadata) go in a transaction each rather
        # than one commit each; the views are made between them, as record_changes reads the changes table.
        con.execute("BEGIN TRANSACTION")
        write_changes(con, package, release)
        con.execute("COMMIT")
        views = create_views(con, package)  # by trial, each failure its own rolled-back statement
        con.execute("BEGIN TRANSACTION")
        describe_database(con, package, release, views, digest.result())
        con.execute("COMMIT")
        for future in copies:
            future.result()
        reader.close()
        con.execute(f"DETACH {TEXTS}")
        con.execute("CHECKPOINT")


MAIN_HEADER = slice(0, 4096)
IDENTIFIER = slice(124, 140)
MAGIC = slice(8, 12)


def header_checksum(header: bytes) -> int:
    """DuckDB's block checksum (src/common/checksum.cpp) over the main header after its 8-byte checksum."""
    result = 5381
    for (word,) in struct.iter_unpack("<Q", header[8:]):
        result ^= (word * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    return result


def pin_identifier(path: Path) -> None:
    """Replace the random 16-byte database identifier in the file header with a hash of the rest of the
    file and re-sign the header, so that equal content gives equal bytes. Refuses a header it does not
    recognise rather than damage it."""
    with path.open("r+b") as f:
        header = bytearray(f.read(MAIN_HEADER.stop))
        if header[MAGIC] != b"DUCK" or struct.unpack("<Q", header[:8])[0] != header_checksum(header):
            raise RuntimeError(f"{path}: unknown DuckDB header layout; update pin_identifier for this DuckDB version")
        header[IDENTIFIER] = hashlib.file_digest(f, "sha256").digest()[:16]
        header[:8] = struct.pack("<Q", header_checksum(header))
        f.seek(0)
        f.write(header)


def build(package: Package, out: Path) -> Path:
    """Write OUT/am-az-normalization.duckdb and OUT/parquet/; nothing in OUT changes if the load fails."""
    out.mkdir(parents=True, exist_ok=True)
    staging = out / ".staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        write_database(package, staging / DATABASE, staging / "parquet")
        pin_identifier(staging / DATABASE)
        shutil.rmtree(out / "parquet", ignore_errors=True)
        (staging / "parquet").rename(out / "parquet")
        (staging / DATABASE).replace(out / DATABASE)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out / DATABASE


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else ROOT / "build"
    started = time.perf_counter()
    try:
        database = build(load_package(), out)
    except (PackageError, duckdb.Error, changes.ChangesError) as e:
        print(f"build failed: {e}", file=sys.stderr)
        return 1
    print(f"ok: {summary(database)}; {out / 'parquet'} ({time.perf_counter() - started:.2f} s)")
    return 0


def summary(database: Path) -> str:
    """What the database holds, for the build log: tables, rows, views and constraints."""
    with duckdb.connect(str(database), read_only=True) as con:
        tables = [name for (name,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        rows = sum(con.execute(f"SELECT count(*) FROM {ident(t)}").fetchone()[0] for t in tables)
        views = con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchone()[0]
        constraints = con.execute("SELECT count(*) FROM duckdb_constraints()").fetchone()[0]
    return f"{database} holds {len(tables)} tables ({rows} rows), {views} views, {constraints} constraints"


if __name__ == "__main__":
    sys.exit(main())
