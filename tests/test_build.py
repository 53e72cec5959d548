"""`scripts.build`: the database and the Parquet files hold exactly the package, with every rule of the schemas.

Expected constraints are read from the schemas here, not restated, so a new rule in a schema is a failing
test until the build declares it.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import struct
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from scripts import build, changes, ddl, metadata
from scripts.package import ROOT, load_package
from scripts.rules import KIND, KINDS, typed_constraints

CLI = ROOT / ".venv" / "bin" / "duckdb"
PACKAGE = load_package(ROOT)


def built(package_root: Path, out: Path) -> Path:
    return build.build(load_package(package_root), out)


def rows(database: Path, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def constraints(database: Path, kind: str) -> list[tuple]:
    return rows(database, "SELECT table_name, constraint_column_names, expression, referenced_table, "
                          "referenced_column_names FROM duckdb_constraints() WHERE constraint_type = ?", kind)


def fields_with(kind: str):
    """(table, field) for every field a kind of the rule registry applies to."""
    return [(t, f) for t in PACKAGE.tables for f in t.fields if KIND[kind].applies(PACKAGE, t, f)]


def checks_on(database: Path, table: str, column: str) -> list[str]:
    return [expr for t, cols, expr, *_ in constraints(database, "CHECK") if t == table and column in cols]


@pytest.fixture
def writable_database(fixture_database, tmp_path) -> Path:
    """A database of its own for a test that tries to change it: a copy of the fixture package's."""
    return Path(shutil.copy(fixture_database, tmp_path / fixture_database.name))


# Content


def test_every_table_has_as_many_rows_as_its_csv(committed_database):
    for table in PACKAGE.tables:
        assert rows(committed_database, f'SELECT count(*) FROM "{table.name}"') == [(csv_rows(table.file),)], table.name


def test_every_table_has_the_schema_columns_in_the_schema_order(committed_database):
    for table in PACKAGE.tables:
        columns = rows(committed_database, "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                                           "ORDER BY column_index", table.name)
        assert [c for (c,) in columns] == table.field_names


def test_a_fixture_row_reads_back_with_its_types(fixture_database):
    assert rows(fixture_database, "SELECT people_best, date, date_precision::VARCHAR FROM prisoner_transfers") == [
        (15, dt.date(2021, 6, 12), "day")]


# Types and constraints, derived from the schemas


@pytest.mark.parametrize(("table", "field"), [(t, f) for t in PACKAGE.tables for f in t.fields],
                         ids=lambda x: x.name)
def test_every_column_has_the_type_of_its_field(fixture_database, table, field):
    [(data_type,)] = rows(fixture_database, "SELECT data_type FROM duckdb_columns() WHERE table_name = ? "
                                            "AND column_name = ?", table.name, field.name)
    if field.codes:
        assert data_type == "ENUM(" + ", ".join(f"'{v}'" for v in field.code_values) + ")"
    else:
        assert data_type == field.type.sql


def test_required_and_key_fields_are_not_null_and_no_others(fixture_database):
    for table in PACKAGE.tables:
        expected = {f.name for f in table.fields if f.required}
        actual = rows(fixture_database, "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                                        "AND NOT is_nullable", table.name)
        assert {c for (c,) in actual} == expected, table.name


def test_every_table_has_the_primary_key_of_its_schema(fixture_database):
    keys = {t: cols for t, cols, *_ in constraints(fixture_database, "PRIMARY KEY") if t in PACKAGE.names}
    assert keys == {t.name: list(t.primary_key) for t in PACKAGE.tables}


def test_unique_fields_that_are_not_the_key_have_a_unique_constraint(fixture_database):
    expected = sorted((t.name, [f.name]) for t, f in fields_with("unique"))
    assert sorted((t, cols) for t, cols, *_ in constraints(fixture_database, "UNIQUE")) == expected


def test_every_foreign_key_is_declared_except_one_direction_of_the_circular_link(fixture_database):
    expected = {(t.name, fk.fields, fk.resource, fk.reference_fields) for t in PACKAGE.tables for fk in t.foreign_keys}
    declared = {(t, tuple(cols), ref, tuple(ref_cols))
                for t, cols, _, ref, ref_cols in constraints(fixture_database, "FOREIGN KEY")}
    missing = expected - declared
    assert declared <= expected
    assert missing == {("prisoner_transfers", ("mine_map_handover_id",), "mine_map_handovers", ("handover_id",))}
    assert ("mine_map_handovers", ("prisoner_transfer_id",), "prisoner_transfers", ("transfer_id",)) in declared


def test_the_column_of_the_undeclared_foreign_key_says_the_validator_checks_it(fixture_database):
    [(comment,)] = rows(fixture_database, "SELECT comment FROM duckdb_columns() WHERE table_name = "
                                          "'prisoner_transfers' AND column_name = 'mine_map_handover_id'")
    assert "cannot declare a circular foreign key, so the package's validator checks this one" in comment


def test_every_check_of_the_rule_registry_is_declared_on_its_column(fixture_database):
    declared = {(t, expr) for t, _, expr, *_ in constraints(fixture_database, "CHECK")}
    for table in PACKAGE.tables:
        for field in table.fields:
            for constraint in typed_constraints(PACKAGE, table, field):
                if constraint.startswith("CHECK"):
                    assert any(t == table.name and field.name in expr for t, expr in declared), (table.name, field.name)


def test_every_kind_says_how_the_database_holds_it():
    for kind in KINDS:
        assert callable(kind.typed) or (isinstance(kind.typed, str) and kind.typed), kind.name


# Constraints are enforced


def test_an_insert_that_breaks_a_foreign_key_fails(writable_database):
    with duckdb.connect(str(writable_database)) as con, pytest.raises(duckdb.ConstraintException) as raised:
        con.execute("INSERT INTO citations (record_id, source_id) VALUES ('mtg-0001', 'src-00000000')")
    assert str(raised.value) == ('Constraint Error: Violates foreign key constraint because key "source_id: '
                                 'src-00000000" does not exist in the referenced table')


def test_an_insert_that_breaks_a_row_rule_fails(writable_database):
    with duckdb.connect(str(writable_database)) as con, pytest.raises(duckdb.ConstraintException) as raised:
        con.execute("INSERT INTO prisoner_transfers SELECT * REPLACE ('trf-0002' AS transfer_id, NULL AS "
                    "mine_map_handover_id, 20 AS people_min) FROM prisoner_transfers")
    assert str(raised.value) == (
        'Constraint Error: CHECK constraint failed on table "prisoner_transfers" with expression '
        "CHECK((COALESCE((people_min <= people_best), true) AND COALESCE((people_best <= people_max), true) AND "
        "COALESCE((people_min <= people_max), true)))")


@pytest.mark.parametrize("summary", ["Talks\u200bheld in Moscow.", "Talks held in M\u043escow."])
def test_an_insert_of_an_invisible_or_look_alike_character_fails_on_the_columns_one_search(writable_database, summary):
    with duckdb.connect(str(writable_database)) as con, pytest.raises(duckdb.ConstraintException) as raised:
        con.execute("INSERT INTO meetings SELECT * REPLACE ('mtg-0002' AS meeting_id, ? AS summary) FROM meetings",
                    [summary])
    assert str(raised.value).startswith('Constraint Error: CHECK constraint failed on table "meetings" with '
                                        "expression CHECK((NOT regexp_matches(summary, '(?:[\\x{0}-")


def test_the_patterns_a_columns_kinds_forbid_are_one_check():
    summary = PACKAGE.table("meetings").field("summary")
    searches = [c for c in typed_constraints(PACKAGE, PACKAGE.table("meetings"), summary) if "regexp_matches" in c]
    assert len(searches) == 1 and searches[0].count("(?:") == 2


def test_a_kind_implied_by_the_fields_pattern_declares_no_constraint():
    record_id = PACKAGE.table("citations").field("record_id")
    assert typed_constraints(PACKAGE, PACKAGE.table("citations"), record_id) == [
        "NOT NULL", "CHECK (regexp_full_match(\"record_id\", '(mtg|trf|mmh|doc|prv|clm)-[0-9]{4,}'))",
        "CHECK (length(\"record_id\") <= 16)"]


def test_an_unknown_code_cannot_be_inserted(writable_database):
    with duckdb.connect(str(writable_database)) as con, pytest.raises(duckdb.ConversionException):
        con.execute("INSERT INTO meetings SELECT * REPLACE ('mtg-0002' AS meeting_id, 'rumoured' AS status) "
                    "FROM meetings")


# Strict loading


def test_a_decimal_in_an_integer_column_stops_the_build_instead_of_being_rounded(package, tmp_path):
    package.set("prisoner_transfers", 0, people_min="12.5")
    with pytest.raises(duckdb.Error) as raised:
        built(package.root, tmp_path / "out")
    assert str(raised.value) == ("Invalid Input Error: data/prisoner_transfers.csv: people_min '12.5' is not a whole "
                                 "number")
    assert not (tmp_path / "out" / build.DATABASE).exists()


def test_a_date_not_written_yyyy_mm_dd_stops_the_build(package, tmp_path):
    package.set("claims", 0, date="2021-8-14")
    with pytest.raises(duckdb.Error) as raised:
        built(package.root, tmp_path / "out")
    assert str(raised.value) == "Invalid Input Error: data/claims.csv: date '2021-8-14' is not a date (YYYY-MM-DD)"


def test_a_failed_build_leaves_the_previous_outputs_in_place(package, tmp_path):
    out = tmp_path / "out"
    before = built(package.root, out).read_bytes()
    package.set("meetings", 0, status="rumoured")
    with pytest.raises(duckdb.Error):
        built(package.root, out)
    assert (out / build.DATABASE).read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [build.DATABASE, "parquet"]


# Views and comments


def test_events_hold_every_meeting_transfer_handover_and_claim_once(fixture_database):
    assert rows(fixture_database, "SELECT record_id, record_type, parties FROM events") == [
        ("mtg-0001", "meetings", ["armenia", "azerbaijan", "russia"]),
        ("mmh-0001", "mine_map_handovers", ["armenia", "azerbaijan"]),
        ("trf-0001", "prisoner_transfers", ["azerbaijan", "armenia"]),
        ("clm-0001", "claims", ["azerbaijan"]),
    ]


def test_exchanges_pair_a_transfer_with_its_linked_handover(fixture_database):
    assert rows(fixture_database, "SELECT transfer_id, released_by, handover_id, maps_from FROM exchanges") == [
        ("trf-0001", "azerbaijan", "mmh-0001", "armenia")]


def test_record_sources_list_the_urls_and_publishers_of_each_record(fixture_database):
    assert rows(fixture_database, "SELECT urls, publishers FROM record_sources WHERE record_id = 'mtg-0001'") == [
        (["https://example.org/statements/ministers-meeting"], ["Example Ministry"])]


def test_record_changes_give_a_change_to_a_citation_to_the_record_with_its_source(package, tmp_path):
    earlier = package.root / changes.RELEASES / "0.1.0"
    earlier.mkdir(parents=True)
    (earlier / changes.CHANGES).write_text(f"{','.join(changes.HEADER)}\nmeetings,,table_added,,,,\n"
                                           "meetings,mtg-0001,added,,,,\ncitations,mtg-0001|src-1,removed,,,,\n",
                                           encoding="utf-8")
    database = built(package.root, tmp_path / "out")
    assert rows(database, "SELECT record_id, release, table_name, change, source_id FROM record_changes") == [
        ("mtg-0001", "0.1.0", "meetings", "added", None), ("mtg-0001", "0.1.0", "citations", "removed", "src-1")]


def test_every_table_view_and_column_has_a_comment(fixture_database):
    uncommented = rows(fixture_database, """
        SELECT table_name FROM duckdb_tables() WHERE coalesce(comment, '') = ''
        UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal AND coalesce(comment, '') = ''
        UNION ALL SELECT table_name || '.' || column_name FROM duckdb_columns() c
            WHERE coalesce(comment, '') = '' AND table_name IN (SELECT table_name FROM duckdb_tables())""")
    assert uncommented == []


def test_a_code_list_column_comment_explains_each_code(fixture_database):
    [(comment,)] = rows(fixture_database, "SELECT comment FROM duckdb_columns() WHERE table_name = 'meetings' "
                                          "AND column_name = 'status'")
    assert "cancelled = The meeting was scheduled and called off." in comment


# Files


def test_the_duckdb_1_5_command_line_tool_opens_the_file_read_only(committed_database):
    result = subprocess.run([CLI, "-readonly", "-csv", str(committed_database), "-c",
                             "SELECT count(*) FROM parties; SELECT comment FROM duckdb_tables() "
                             "WHERE table_name = 'parties'"], capture_output=True, text=True, check=True)
    assert result.stdout.split("\n")[1] == str(csv_rows(PACKAGE.table("parties").file))
    assert "One row per party" in result.stdout


def test_each_table_has_a_parquet_file_with_its_rows_in_primary_key_order(committed_build, committed_database):
    for table in PACKAGE.tables:
        parquet = committed_build / "parquet" / f"{table.name}.parquet"
        key = ", ".join(table.primary_key)
        in_parquet = rows(committed_database, f"SELECT * FROM read_parquet('{parquet}')")
        assert in_parquet == rows(committed_database, f"SELECT * FROM {table.name} ORDER BY {key}"), table.name


def test_two_builds_give_identical_parquet_bytes_and_database_content(committed_build, tmp_path):
    again = built(ROOT, tmp_path / "again").parent
    for table in PACKAGE.tables:
        name = f"parquet/{table.name}.parquet"
        assert (again / name).read_bytes() == (committed_build / name).read_bytes(), name
        query = f"SELECT * FROM {table.name} ORDER BY ALL"
        assert rows(again / build.DATABASE, query) == rows(committed_build / build.DATABASE, query)


def test_two_builds_give_identical_database_bytes_once_the_identifier_is_pinned(committed_build, tmp_path):
    again = built(ROOT, tmp_path / "again")
    assert again.read_bytes() == (committed_build / build.DATABASE).read_bytes()


def test_pinning_refuses_a_file_that_is_not_a_duckdb_database(tmp_path):
    path = tmp_path / "x.duckdb"
    path.write_bytes(bytes(8192))
    with pytest.raises(RuntimeError, match="unknown DuckDB header"):
        build.pin_identifier(path)
    assert path.read_bytes() == bytes(8192)


def test_rows_go_in_primary_key_order_when_no_foreign_key_points_at_a_large_table():
    package = load_package()
    tables, deferred = ddl.creation_order(package)
    citations = package.table("citations")
    assert build.insert_order(citations, deferred, {"sources": 426}) == ["record_id", "source_id"]


def test_rows_go_in_the_order_of_a_foreign_key_into_a_large_table_then_the_primary_key():
    package = load_package()
    tables, deferred = ddl.creation_order(package)
    citations = package.table("citations")
    rows = {"sources": build.SORTED_PROBES_FROM, "parties": 40}
    assert build.insert_order(citations, deferred, rows) == ["source_id", "record_id"]


def block_size(database: Path) -> int:
    return rows(database, "SELECT block_size FROM pragma_database_size()")[0][0]


def test_a_small_package_is_written_in_16_kib_blocks_for_the_query_page_to_download(fixture_database):
    assert block_size(fixture_database) == 16384


def test_a_package_of_more_csv_than_the_small_block_limit_keeps_duckdbs_default_blocks(package, tmp_path, monkeypatch):
    monkeypatch.setattr(build, "SMALL_BLOCKS_UP_TO", 0)
    assert block_size(built(package.root, tmp_path / "out")) == 262144


def content(database: Path) -> dict:
    """Every table's rows (sorted), every constraint and every comment of a database."""
    tables = [t for (t,) in rows(database, "SELECT table_name FROM duckdb_tables() ORDER BY 1")]
    return {"rows": {t: rows(database, f'SELECT * FROM "{t}" ORDER BY ALL') for t in tables},
            "constraints": rows(database, "SELECT table_name, constraint_type, constraint_text FROM "
                                          "duckdb_constraints() ORDER BY ALL"),
            "comments": rows(database, "SELECT table_name, column_name, comment FROM duckdb_columns() ORDER BY ALL")}


def test_a_large_package_loads_two_tables_at_a_time_into_the_same_database(committed_database, tmp_path,
                                                                          monkeypatch):
    monkeypatch.setattr(build, "SMALL_BLOCKS_UP_TO", 0)
    load, now, most = build.load_table, [0], [0]

    def counted(*args):
        now[0] += 1
        most[0] = max(most[0], now[0])
        time.sleep(0.05)  # long enough for a second table to start beside it, if one may
        try:
            return load(*args)
        finally:
            now[0] -= 1
    monkeypatch.setattr(build, "load_table", counted)
    large = built(ROOT, tmp_path / "out")
    assert most[0] == 2
    assert content(large) == content(committed_database)


def test_a_large_package_starts_the_table_heading_the_heaviest_chain_of_loads_first(package):
    """meetings is small, but provisions, the largest table, waits for documents, which waits for meetings: meetings
    goes before claims, larger than it, which creation order puts first and nothing waits for."""
    package.set("claims", 0, summary="Said the maps were about a quarter accurate. " * 20)
    with package.csv("provisions").open("a", encoding="utf-8") as f:
        f.write("x" * 100_000)  # only the files' sizes are weighed
    ordered, deferred = ddl.creation_order(load_package(package.root))
    names = [t.name for t in ordered]
    assert names.index("claims") < names.index("meetings")
    assert package.csv("meetings").stat().st_size < package.csv("claims").stat().st_size
    order = build.critical_first(ordered, deferred)
    assert order.index("meetings") < order.index("documents") < order.index("claims")


def test_pinned_identifier_depends_on_the_content_only(tmp_path):
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    with duckdb.connect(str(first), config=metadata.STORAGE) as con:
        con.execute("CREATE TABLE t AS SELECT range AS i FROM range(1000)")
    data = bytearray(first.read_bytes())
    data[build.IDENTIFIER] = bytes(range(16))
    data[:8] = struct.pack("<Q", build.header_checksum(data[build.MAIN_HEADER]))
    second.write_bytes(data)
    for path in (first, second):
        build.pin_identifier(path)
    assert first.read_bytes() == second.read_bytes()
