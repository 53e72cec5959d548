"""Stage 3 (`make build`): the validated CSVs as one DuckDB database and one Parquet file per table.

Every CREATE TYPE, CREATE TABLE, CHECK and COMMENT is generated from `schemas/*.schema.json`; nothing
here names a column of a table. Only the views (`VIEWS`) are written by hand, because they are
questions, not structure. The CSVs stay canonical: this stage runs after `make check` and still loads
strictly, so a value the validator let through by mistake stops the build instead of being rounded.

Two facts about DuckDB 2 shape the output. Its default storage format cannot be read by DuckDB 1.5
(the `duckdb-cli` on PyPI), so the file is written in the v1.5.0 format. And each new file gets a
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
from pathlib import Path

import duckdb

from scripts.load import csv_source
from scripts.package import (
    DATE_FORMAT,
    ROOT,
    TYPE_PATTERNS,
    Package,
    PackageError,
    Table,
    ident,
    literal,
    load_package,
)

DATABASE = "am-az-normalization.duckdb"
STORAGE_VERSION = "v1.5.0"
ROW_GROUP_SIZE = 100_000
SQL_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "date": "DATE"}
CHECK_NOTE = "`make check` enforces it"

VIEWS = {
    "events": (
        "One row per meeting, prisoner transfer, mine-map handover and claim: the whole timeline in one place. "
        "record_type is the table the record comes from; parties lists the party_ids involved (for meetings: "
        "armenia, azerbaijan and the mediator).",
        """
        SELECT meeting_id AS record_id, 'meetings' AS record_type, date_start AS date, date_precision,
               list_filter(['armenia', 'azerbaijan', mediator_party], lambda p: p IS NOT NULL) AS parties,
               summary, record_status
        FROM meetings
        UNION ALL
        SELECT transfer_id, 'prisoner_transfers', date, date_precision,
               list_filter([from_party, to_party, mediator_party], lambda p: p IS NOT NULL), summary, record_status
        FROM prisoner_transfers
        UNION ALL
        SELECT handover_id, 'mine_map_handovers', date, date_precision,
               list_filter([from_party, to_party, mediator_party], lambda p: p IS NOT NULL), summary, record_status
        FROM mine_map_handovers
        UNION ALL
        SELECT claim_id, 'claims', date, date_precision, [claimant_party], summary, record_status
        FROM claims
        ORDER BY date, record_id
        """),
    "exchanges": (
        "One row per prisoner transfer that the sources link to a mine-map handover, side by side with it: "
        "who released whom, and which maps went the other way.",
        """
        SELECT t.transfer_id, t.date AS transfer_date, t.from_party AS released_by, t.to_party AS received_by,
               t.people_best, t.people_qualifier, t.people_category,
               h.handover_id, h.date AS handover_date, h.from_party AS maps_from, h.to_party AS maps_to,
               h.area_place_ids, h.mines_best, h.mines_qualifier,
               coalesce(t.mediator_party, h.mediator_party) AS mediator_party
        FROM prisoner_transfers t
        JOIN mine_map_handovers h ON h.handover_id = t.mine_map_handover_id OR h.prisoner_transfer_id = t.transfer_id
        ORDER BY t.date, t.transfer_id
        """),
    "record_sources": (
        "One row per record of events, with the sources it cites: their ids, URLs, publishers and the sides "
        "the publishers stand on, in source_id order.",
        """
        SELECT e.record_id, e.record_type, e.date, count(s.source_id) AS source_count,
               list(s.source_id ORDER BY s.source_id) FILTER (WHERE s.source_id IS NOT NULL) AS source_ids,
               list(s.url ORDER BY s.source_id) FILTER (WHERE s.source_id IS NOT NULL) AS urls,
               list(s.publisher ORDER BY s.source_id) FILTER (WHERE s.source_id IS NOT NULL) AS publishers,
               list(DISTINCT s.side::VARCHAR ORDER BY s.side::VARCHAR)
                   FILTER (WHERE s.source_id IS NOT NULL) AS sides
        FROM events e
        LEFT JOIN citations c ON c.record_id = e.record_id
        LEFT JOIN sources s ON s.source_id = c.source_id
        GROUP BY e.record_id, e.record_type, e.date
        ORDER BY e.date, e.record_id
        """),
    "handover_areas": (
        "One row per place named in a mine-map handover's area_place_ids, with the place's name and kind. "
        "mines_best is the figure for the whole handover, not for the place: areas_in_handover says how many "
        "places share it.",
        """
        SELECT a.handover_id, h.date, h.date_precision, a.place_id, p.name AS place_name, p.kind AS place_kind,
               p.country_code, h.from_party, h.to_party, h.mines_best, h.mines_qualifier, a.areas_in_handover
        FROM (SELECT handover_id, unnest(string_split(area_place_ids, ';')) AS place_id,
                     len(string_split(area_place_ids, ';')) AS areas_in_handover
              FROM mine_map_handovers) a
        JOIN mine_map_handovers h ON h.handover_id = a.handover_id
        JOIN places p ON p.place_id = a.place_id
        ORDER BY h.date, a.handover_id, a.place_id
        """),
}


def enum_types(package: Package) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """Each code-list field's ENUM type: named after the field, or `<table>_<field>` where fields of the
    same name in different tables have different codes."""
    fields = [(t.name, f) for t in package.tables for f in t.fields if "enum" in f.get("constraints", {})]
    codes: dict[str, set[tuple]] = {}
    for _, f in fields:
        codes.setdefault(f["name"], set()).add(tuple(f["constraints"]["enum"]))
    return {(table, f["name"]): (f["name"] if len(codes[f["name"]]) == 1 else f"{table}_{f['name']}",
                                 list(f["constraints"]["enum"])) for table, f in fields}


def creation_order(package: Package) -> tuple[list[Table], set[tuple[str, str]]]:
    """Tables ordered so that each comes after the tables it references, and the (table, field) foreign
    keys left undeclared because DuckDB cannot declare a cycle: the first table of a cycle drops its keys."""
    pending, done, deferred = list(package.tables), [], set()
    while pending:
        names = {t.name for t in done}
        ready = next((t for t in pending if referenced(t) <= names | {t.name}), None)
        if ready is None:
            ready = pending[0]
            deferred |= {(ready.name, fk["fields"][0]) for fk in ready.foreign_keys
                         if fk["reference"].get("resource") not in names}
        done.append(ready)
        pending.remove(ready)
    return done, deferred


def referenced(table: Table) -> set[str]:
    return {fk["reference"].get("resource") or table.name for fk in table.foreign_keys}


def column_checks(field: dict) -> list[str]:
    """Table Schema constraints as CHECK expressions; `required`, `unique` and `enum` become NOT NULL,
    UNIQUE and the ENUM type instead."""
    col, constraints = ident(field["name"]), field.get("constraints", {})
    value = (lambda v: f"DATE {literal(v)}") if field["type"] == "date" else str
    checks = []
    if "pattern" in constraints:
        checks.append(f"regexp_full_match({col}, {literal(constraints['pattern'])})")
    if "minimum" in constraints:
        checks.append(f"{col} >= {value(constraints['minimum'])}")
    if "maximum" in constraints:
        checks.append(f"{col} <= {value(constraints['maximum'])}")
    if "minLength" in constraints:
        checks.append(f"length({col}) >= {constraints['minLength']}")
    if "maxLength" in constraints:
        checks.append(f"length({col}) <= {constraints['maxLength']}")
    return checks


def row_checks(field: dict) -> list[str]:
    """The field's `x-` rules that a single row can decide; an empty cell passes, as in the validator."""
    col, checks = ident(field["name"]), []
    if other := field.get("x-differentFrom"):
        checks.append(f"{col} <> {ident(other)}")
    if start := field.get("x-notBefore"):
        checks.append(f"{col} >= {ident(start)}")
    if end := field.get("x-notAfter"):
        checks.append(f"{col} <= {ident(end)}")
    if precision := field.get("x-precisionField"):
        checks.append(f"{col} IS NULL OR {ident(precision)} IS NOT NULL")
    if bounds := field.get("x-between"):
        low, high = map(ident, bounds)
        checks.append(f"coalesce({low} <= {col}, true) AND coalesce({col} <= {high}, true) "
                      f"AND coalesce({low} <= {high}, true)")
    if counts := field.get("x-qualifies"):
        empty = " AND ".join(f"{ident(c)} IS NULL" for c in counts)
        checks.append(f"CASE WHEN {col} = 'not_reported' THEN {empty} ELSE {ident(counts[1])} IS NOT NULL END")
    return checks


def column_sql(table: Table, field: dict, enums: dict) -> str:
    name = field["name"]
    sql_type = enums[(table.name, name)][0] if (table.name, name) in enums else SQL_TYPES[field["type"]]
    parts = [ident(name), sql_type]
    if field.get("constraints", {}).get("required") or name in table.primary_key:
        parts.append("NOT NULL")
    if field.get("constraints", {}).get("unique") and table.primary_key != [name]:
        parts.append("UNIQUE")
    parts += [f"CHECK ({c})" for c in column_checks(field) + row_checks(field)]
    return " ".join(parts)


def create_table_sql(table: Table, enums: dict, deferred: set[tuple[str, str]]) -> str:
    """The table with its columns and foreign keys; its primary key is added once it is loaded
    (`primary_key_sql`): DuckDB builds that index in bulk far faster than row by row."""
    lines = [column_sql(table, f, enums) for f in table.fields]
    for fk in table.foreign_keys:
        if (table.name, fk["fields"][0]) in deferred:
            continue
        ref = fk["reference"]
        lines.append(f"FOREIGN KEY ({', '.join(map(ident, fk['fields']))}) REFERENCES "
                     f"{ident(ref.get('resource') or table.name)} ({', '.join(map(ident, ref['fields']))})")
    return f"CREATE TABLE {ident(table.name)} (\n    " + ",\n    ".join(lines) + "\n)"


def primary_key_sql(table: Table) -> list[str]:
    if not table.primary_key:
        return []
    return [f"ALTER TABLE {ident(table.name)} ADD PRIMARY KEY ({', '.join(map(ident, table.primary_key))})"]


def column_comment(table: Table, field: dict, deferred: set[tuple[str, str]]) -> str:
    """The field's description, its codes with their meanings, and the references DuckDB cannot enforce."""
    text = field.get("description", "")
    if categories := field.get("categories"):
        text += " Codes: " + "; ".join(f"{c['value']} = {c.get('label', '')}".strip() for c in categories)
    if (table.name, field["name"]) in deferred:
        ref = next(fk["reference"] for fk in table.foreign_keys if fk["fields"][0] == field["name"])
        text += (f" References {ref['resource']}.{ref['fields'][0]}, which references this table back; DuckDB "
                 f"cannot declare a circular foreign key, so this direction is not declared and {CHECK_NOTE}.")
    if targets := field.get("x-referencesAny"):
        text += (" References a record of " + ", ".join(f"{t['resource']}.{t['field']}" for t in targets)
                 + f" ({CHECK_NOTE}).")
    if ref := field.get("x-listOf"):
        text += (f" A list of {ref['resource']}.{ref['field']} separated by '{ref['delimiter']}' ({CHECK_NOTE}).")
    return text


def comment_sql(table: Table, deferred: set[tuple[str, str]]) -> list[str]:
    about = table.description or table.schema.get("description", "")
    undeclared = sorted(field for name, field in deferred if name == table.name)
    if undeclared:
        about += (f" The foreign key on {', '.join(undeclared)} is not declared, because DuckDB cannot declare a "
                  f"circular foreign key; {CHECK_NOTE}.")
    statements = [f"COMMENT ON TABLE {ident(table.name)} IS {literal(about)}"]
    statements += [f"COMMENT ON COLUMN {ident(table.name)}.{ident(f['name'])} IS "
                   f"{literal(column_comment(table, f, deferred))}" for f in table.fields]
    return statements


def strict_value(table: Table, field: dict, enums: dict) -> str:
    """A CSV cell (read as text) cast to its column type, raising on anything a lenient cast would
    accept: DuckDB turns '12.5' into the BIGINT 13 and '2021-2-1' into a date."""
    col, kind = ident(field["name"]), field["type"]
    if (table.name, field["name"]) in enums:
        return f"{col}::{enums[(table.name, field['name'])][0]}"
    if kind not in TYPE_PATTERNS:
        return col
    pattern, what = TYPE_PATTERNS[kind], {"integer": "an integer", "number": "a number", "date": "a date"}[kind]
    cast = f"strptime({col}, {literal(DATE_FORMAT)})::DATE" if kind == "date" else f"{col}::{SQL_TYPES[kind]}"
    where, problem = literal(f"{table.path}: {field['name']} '"), literal(f"' is not {what}")
    message = f"concat({where}, {col}, {problem})"
    guarded = f"{col} IS NULL OR regexp_full_match({col}, {literal(pattern)})"
    return f"CASE WHEN {guarded} THEN {cast} ELSE error({message}) END"


SORTED_PROBES_FROM = 100_000


def insert_order(table: Table, deferred: set[tuple[str, str]], rows: dict[str, int]) -> list[str]:
    """The order rows go in: primary key, except that a table with a declared foreign key into a large
    table (`rows`: those loaded so far) goes in that key's order first. DuckDB checks a foreign key by
    probing the referenced index, and indexes the column as it goes; once the index outgrows the cache,
    probes in key order are several times faster than random ones. The order is total either way, so the
    Parquet files, copied in it, are byte-identical across builds."""
    keys = [(rows.get(fk["reference"].get("resource") or table.name, 0), fk["fields"][0]) for fk in table.foreign_keys
            if (table.name, fk["fields"][0]) not in deferred]
    first = [max(keys)[1]] if keys and max(keys)[0] >= SORTED_PROBES_FROM else []
    return first + [k for k in table.primary_key or table.field_names if k not in first]


def typed_rows_sql(table: Table, enums: dict, order: list[str]) -> str:
    """The CSV read as the validator reads it (every column text, empty cell = null), cast strictly."""
    values = ", ".join(strict_value(table, f, enums) for f in table.fields)
    return f"SELECT {values} FROM {csv_source(table)} ORDER BY {', '.join(map(ident, order))}"


def create_types(con: duckdb.DuckDBPyConnection, enums: dict) -> None:
    for name, codes in sorted(set((n, tuple(c)) for n, c in enums.values())):
        con.execute(f"CREATE TYPE {ident(name)} AS ENUM ({', '.join(map(literal, codes))})")


def write_parquet(con: duckdb.DuckDBPyConnection, table: Table, folder: Path) -> None:
    """The table as a zstd Parquet file, rows in the database's order (`insert_order`)."""
    con.execute(f"COPY {ident(table.name)} TO {literal(folder / f'{table.name}.parquet')} "
                f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_SIZE})")


def write_database(package: Package, path: Path, parquet: Path) -> None:
    """The database at path, and each table's Parquet file in the folder `parquet`, copied from the database
    by a second connection as soon as the table is loaded: the next table's inserts check its keys on one
    core, the copy uses the other."""
    enums = enum_types(package)
    tables, deferred = creation_order(package)
    parquet.mkdir(parents=True)
    with duckdb.connect(str(path), config={"storage_compatibility_version": STORAGE_VERSION}) as con, \
            ThreadPoolExecutor(max_workers=1) as copier:
        create_types(con, enums)
        reader, copies, rows = con.cursor(), [], {}
        for table in tables:
            con.execute(create_table_sql(table, enums, deferred))
            for statement in comment_sql(table, deferred):
                con.execute(statement)
            order = insert_order(table, deferred, rows)
            rows[table.name] = con.execute(f"INSERT INTO {ident(table.name)} "
                                           f"{typed_rows_sql(table, enums, order)}").fetchone()[0]
            for statement in primary_key_sql(table):
                con.execute(statement)
            copies.append(copier.submit(write_parquet, reader, table, parquet))
        for name, (comment, sql) in VIEWS.items():
            con.execute(f"CREATE VIEW {ident(name)} AS {sql.strip()}")
            con.execute(f"COMMENT ON VIEW {ident(name)} IS {literal(comment)}")
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
    except (PackageError, duckdb.Error) as e:
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
