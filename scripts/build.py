"""Stage 3 (`make build`): the validated CSVs as one DuckDB database and one Parquet file per table.

Every CREATE TYPE, CREATE TABLE, CHECK and COMMENT is generated from the package model and the rule
registry; nothing here names a column of a table. The `events` view is written from the model too
(`scripts.events`); the other views are written by hand, in `queries/views/*.sql`, because they are questions,
not structure (their columns' meanings are in `queries/views/columns.toml`). The CSVs stay canonical: this
stage runs after `make check` and still loads strictly, so a value the validator let through by mistake stops
the build instead of being rounded.

Three facts about DuckDB 2 shape the output. Its default storage format cannot be read by DuckDB 1.5 (the
`duckdb-cli` on PyPI) or by DuckDB-WASM (DuckDB 1.4, the site's Query page), so the file is written in the v1.4.0
format, which both open. Its default 256 KiB blocks make a file of a few thousand rows 11 MB; 16 KiB blocks make
it 1.3 MB, which the Query page downloads whole and attaches read-only (`storage_config`: a package of more than
SMALL_BLOCKS_UP_TO bytes of CSV keeps the default blocks, which write a million rows seconds faster and waste
little among so many). And each new file gets a
random identifier in its header, so `pin_identifier` replaces it with one derived from the content,
which makes the file (and the release zip that holds it) byte-identical across builds of this package.
(Tables of a million rows are written to the file by several threads at once; their blocks then land in
a different order each time, and only the content, and the Parquet files, are the same.)
"""

from __future__ import annotations

import hashlib
import shutil
import struct
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import astuple
from pathlib import Path

import duckdb

from scripts import changes, events, metadata
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
from scripts.rules import typed_constraints

DATABASE = "am-az-normalization.duckdb"
ROW_GROUP_SIZE = 100_000
SMALL_BLOCKS = {"default_block_size": "16384"}
SMALL_BLOCKS_UP_TO = 32 * 2**20  # bytes of CSV: far beyond the size the Query page downloads whole


def storage_config(package: Package) -> dict[str, str]:
    """How the file is written: `metadata.STORAGE`, with 16 KiB blocks up to SMALL_BLOCKS_UP_TO bytes of CSV."""
    size = sum(table.file.stat().st_size for table in package.tables)
    return metadata.STORAGE | (SMALL_BLOCKS if size <= SMALL_BLOCKS_UP_TO else {})


def enum_types(package: Package) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """Each code-list field's ENUM type: named after the field, or `<table>_<field>` where fields of the
    same name in different tables have different codes."""
    fields = [(t.name, f) for t in package.tables for f in t.fields if f.codes]
    codes: dict[str, set[tuple]] = {}
    for _, f in fields:
        codes.setdefault(f.name, set()).add(tuple(f.code_values))
    return {(table, f.name): (f.name if len(codes[f.name]) == 1 else f"{table}_{f.name}", f.code_values)
            for table, f in fields}


def creation_order(package: Package) -> tuple[list[Table], set[tuple[str, str]]]:
    """Tables ordered so that each comes after the tables it references, and the (table, field) foreign
    keys left undeclared because DuckDB cannot declare a cycle: the first table of a cycle drops its keys."""
    pending, done, deferred = list(package.tables), [], set()
    while pending:
        names = {t.name for t in done}
        ready = next((t for t in pending if {fk.resource for fk in t.foreign_keys} <= names | {t.name}), None)
        if ready is None:
            ready = pending[0]
            deferred |= {(ready.name, fk.fields[0]) for fk in ready.foreign_keys if fk.resource not in names}
        done.append(ready)
        pending.remove(ready)
    return done, deferred


def column_sql(package: Package, table: Table, field: Field, enums: dict) -> str:
    """The column with its type (an ENUM for a code list) and every constraint the rule registry declares
    for typed columns."""
    sql_type = enums[(table.name, field.name)][0] if (table.name, field.name) in enums else field.type.sql
    return " ".join([ident(field.name), sql_type] + typed_constraints(package, table, field))


def create_table_sql(package: Package, table: Table, enums: dict, deferred: set[tuple[str, str]]) -> str:
    """The table with its columns and foreign keys; its primary key is added once it is loaded
    (`primary_key_sql`): DuckDB builds that index in bulk far faster than row by row."""
    lines = [column_sql(package, table, f, enums) for f in table.fields]
    lines += [f"FOREIGN KEY ({', '.join(map(ident, fk.fields))}) REFERENCES {ident(fk.resource)} "
              f"({', '.join(map(ident, fk.reference_fields))})"
              for fk in table.foreign_keys if (table.name, fk.fields[0]) not in deferred]
    return f"CREATE TABLE {ident(table.name)} (\n    " + ",\n    ".join(lines) + "\n)"


def primary_key_sql(table: Table) -> list[str]:
    if not table.primary_key:
        return []
    return [f"ALTER TABLE {ident(table.name)} ADD PRIMARY KEY ({', '.join(map(ident, table.primary_key))})"]


def column_comment(package: Package, table: Table, field: Field, deferred: set[tuple[str, str]]) -> str:
    """For a user of the database: what the field means, its codes with their meanings, and its rules in
    words (`metadata.field_text`); a reference DuckDB cannot declare says so."""
    text = metadata.field_text(package, table, field)
    if (table.name, field.name) in deferred:
        fk = table.foreign_key(field.name)
        text += (f" References {fk.resource}.{fk.reference_fields[0]}, which references this table back; DuckDB "
                 "cannot declare a circular foreign key, so the package's validator checks this one.")
    return text


def comment_sql(package: Package, table: Table, deferred: set[tuple[str, str]]) -> list[str]:
    statements = [f"COMMENT ON TABLE {ident(table.name)} IS {literal(table.description)}"]
    statements += [f"COMMENT ON COLUMN {ident(table.name)}.{ident(f.name)} IS "
                   f"{literal(column_comment(package, table, f, deferred))}" for f in table.fields]
    return statements


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


def type_sql(enums: dict) -> list[str]:
    return [f"CREATE TYPE {ident(name)} AS ENUM ({', '.join(map(literal, codes))})"
            for name, codes in sorted(set((n, tuple(c)) for n, c in enums.values()))]


def schema_sql(package: Package) -> list[tuple[Table | None, list[str]]]:
    """The schema as statements in the order they run: the ENUM types, then each table with its comments
    (its primary key is added after loading: `primary_key_sql`). The database and the browser's console are
    both made from this."""
    enums = enum_types(package)
    tables, deferred = creation_order(package)
    return [(None, type_sql(enums))] + [
        (table, [create_table_sql(package, table, enums, deferred)] + comment_sql(package, table, deferred))
        for table in tables]


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


def text_table(table: Table) -> str:
    """The temporary table holding a table's CSV as text, where the changes since the previous release need it."""
    return ident(f"text {table.name}")


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


def write_database(package: Package, path: Path, parquet: Path) -> None:
    """The database at path, and each table's Parquet file in the folder `parquet`, copied from the database
    by a second connection as soon as the table is loaded: the next table's inserts check its keys on one
    core, the copy uses the other. Each CSV is read once: straight into its table, or, where the changes since
    a previous release are computed, into a text table (`text_table`) first."""
    enums = enum_types(package)
    _, deferred = creation_order(package)
    release = load_release(package)
    parquet.mkdir(parents=True)
    with duckdb.connect(str(path), config=storage_config(package)) as con, \
            ThreadPoolExecutor(max_workers=1) as copier:
        reader, copies, rows = con.cursor(), [], {}
        for table, statements in schema_sql(package):
            for statement in statements:
                con.execute(statement)
            if table is None:
                continue
            source = csv_source(table)
            if release.previous:
                con.execute(f"CREATE TEMP TABLE {text_table(table)} AS SELECT * FROM {source}")
                source = text_table(table)
            order = insert_order(table, deferred, rows)
            rows[table.name] = con.execute(f"INSERT INTO {ident(table.name)} "
                                           f"{typed_rows_sql(table, enums, order, source)}").fetchone()[0]
            for statement in primary_key_sql(table):
                con.execute(statement)
            kv = metadata.parquet_metadata(package, release, table)
            copies.append(copier.submit(write_parquet, reader, table, parquet, kv))
        # The small statements that follow (changes, then comments and metadata) go in a transaction each rather
        # than one commit each; the views are made between them, as record_changes reads the changes table.
        con.execute("BEGIN TRANSACTION")
        write_changes(con, package, release)
        con.execute("COMMIT")
        views = create_views(con, package)  # by trial, each failure its own rolled-back statement
        con.execute("BEGIN TRANSACTION")
        describe_database(con, package, release, views)
        con.execute("COMMIT")
        for copy in copies:
            copy.result()
        reader.close()
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
