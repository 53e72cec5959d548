"""The pandera schemas agree with the Table Schemas and give the verdicts `make check` gives."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
import pytest

from scripts.frames import table_schema
from scripts.load import LINE, read_table
from scripts.package import ROOT, load_package
from scripts.validate import validate

PACKAGE = load_package(ROOT)


def schema_of(name: str) -> pa.DataFrameSchema:
    return table_schema(PACKAGE.table(name), PACKAGE)


def check_named(column: pa.Column, name: str) -> pa.Check | None:
    return next((c for c in column.checks if c.name == name), None)


@pytest.mark.parametrize("table", PACKAGE.names)
def test_columns_are_the_schema_fields_in_order(table):
    assert list(schema_of(table).columns) == PACKAGE.table(table).field_names


@pytest.mark.parametrize("table", PACKAGE.names)
def test_required_fields_are_not_nullable(table):
    schema, fields = schema_of(table), PACKAGE.table(table).fields
    required = PACKAGE.table(table).primary_key
    assert {n: not c.nullable for n, c in schema.columns.items()} == {
        f.name: bool(f.get("constraints", {}).get("required")) or f.name in required for f in fields}


@pytest.mark.parametrize("table", PACKAGE.names)
def test_typed_fields_have_a_type_check(table):
    schema = schema_of(table)
    for f in PACKAGE.table(table).fields:
        assert (check_named(schema.columns[f.name], "type") is not None) == (f["type"] != "string"), f.name


@pytest.mark.parametrize("table", PACKAGE.names)
def test_code_lists_are_the_schema_enums(table):
    schema = schema_of(table)
    for f in PACKAGE.table(table).fields:
        enum = f.get("constraints", {}).get("enum")
        check = check_named(schema.columns[f.name], "enum")
        assert (check is None) == (enum is None), f.name
        if enum:
            assert check.error.endswith(", ".join(enum))


def test_committed_tables_pass_their_pandera_schemas():
    for table in PACKAGE.tables:
        frame, problems = read_table(table)
        assert not problems
        schema_of(table.name).validate(frame.drop(LINE), lazy=True)


def test_pandera_reports_the_faults_make_check_reports_on_the_same_rows(package):
    package.set("meetings", 0, status="maybe", date_start="2021-02-30", summary=" Talks.")
    loaded = load_package(package.root)
    frame, _ = read_table(loaded.table("meetings"))
    with pytest.raises(pa.errors.SchemaErrors) as failed:
        table_schema(loaded.table("meetings"), loaded).validate(frame.drop(LINE), lazy=True)
    failures = failed.value.failure_cases.iter_rows(named=True)
    pandera_faults = {(row["column"], int(row["index"]) + 2) for row in failures}
    check_faults = {(p.field, p.line) for p in validate(package.root)[0] if p.path == "data/meetings.csv"}
    assert pandera_faults == check_faults == {("status", 2), ("date_start", 2), ("summary", 2)}


def test_a_frame_with_an_unknown_column_is_rejected(package):
    loaded = load_package(package.root)
    frame, _ = read_table(loaded.table("parties"))
    with pytest.raises(pa.errors.SchemaErrors):
        table_schema(loaded.table("parties"), loaded).validate(frame.with_columns(pl.lit("x").alias("extra")),
                                                               lazy=True)
