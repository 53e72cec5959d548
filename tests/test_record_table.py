"""A record table is declared once: its descriptor entry, its schema (with `x-record`) and its CSV, plus the
citation rows of its records. Nothing else changes, and the table is validated, cited, in the events view, on the
site (its table page, a page per record, the timeline, the Query page) and in the release (manifest,
spreadsheet, data dictionary).

The fixture package gets a `commission_sessions` table of one record; it is validated, built, released and its
site made as `make build` does."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from scripts import build, manifest
from scripts.manifest import MANIFEST
from scripts.package import ROOT
from scripts.site.build import build_site
from scripts.validate import main as validate
from tests.conftest import URL_B, build_and_release, made_once, package_copy, source_id

SCHEMA = {
    "description": "One row per session of a border commission.",
    "x-record": {"date": "date", "parties": ["host_party"], "alwaysParties": ["armenia", "azerbaijan"],
                 "summary": "summary", "status": "record_status"},
    "fields": [
        {"name": "session_id", "type": "string", "description": "Stable identifier of the session.",
         "constraints": {"required": True, "unique": True, "pattern": "cms-[0-9]{4,}", "maxLength": 16}},
        {"name": "date", "type": "date", "description": "Day of the session.", "constraints": {"required": True},
         "x-precisionField": "date_precision"},
        {"name": "date_precision", "type": "string", "description": "How precisely the date is known.",
         "constraints": {"required": True, "enum": ["day", "month", "year"]}},
        {"name": "host_party", "type": "string", "description": "Party that hosted the session.",
         "constraints": {"pattern": "[a-z][a-z0-9_]*", "maxLength": 40}},
        {"name": "summary", "type": "string", "description": "What happened.",
         "constraints": {"required": True, "maxLength": 2000}, "x-neutral": True},
        {"name": "record_status", "type": "string", "description": "How firmly the record is established.",
         "constraints": {"required": True, "enum": ["confirmed", "disputed", "provisional"]}},
    ],
    "primaryKey": ["session_id"],
    "foreignKeys": [{"fields": ["host_party"], "reference": {"resource": "parties", "fields": ["party_id"]}}],
    "missingValues": [""],
}
ROW = {"session_id": "cms-0001", "date": "2021-02-03", "date_precision": "day", "host_party": "russia",
       "summary": "The border commission met for the first time.", "record_status": "confirmed"}


@pytest.fixture(scope="module")
def added(tmp_path_factory) -> tuple[Path, Path]:
    """(package root, OUT) of the fixture package with the new table: validated, built, released, site made."""
    def make(folder: Path) -> None:
        copy = package_copy(folder / "pkg")
        for name in ("CITATION.cff", "CHANGELOG.md"):
            shutil.copy(ROOT / name, copy.root / name)
        (copy.root / "schemas" / "commission_sessions.schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
        descriptor = json.loads((copy.root / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["resources"].append({"name": "commission_sessions", "title": "Commission sessions",
                                        "path": "data/commission_sessions.csv",
                                        "schema": "schemas/commission_sessions.schema.json"})
        (copy.root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        copy.rows["commission_sessions"] = [ROW]
        copy.rows["citations"].append({"record_id": "cms-0001", "source_id": source_id(URL_B)})
        copy.write()
        assert validate([str(copy.root)]) == 0
        build_and_release(copy.root, copy.root / "build")
        build_site(copy.root, copy.root / "build")
    root = made_once(tmp_path_factory, "record-table", make) / "pkg"
    return root, root / "build"


def test_a_record_of_a_new_table_must_be_cited(tmp_path, capsys):
    copy = package_copy(tmp_path / "pkg")
    (copy.root / "schemas" / "commission_sessions.schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    descriptor = json.loads((copy.root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"].append({"name": "commission_sessions", "path": "data/commission_sessions.csv",
                                    "schema": "schemas/commission_sessions.schema.json"})
    (copy.root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    copy.rows["commission_sessions"] = [ROW]
    copy.write()
    assert validate([str(copy.root)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "data/commission_sessions.csv:2:session_id: 'cms-0001' has no row in citations",
        "1 problem found"]


def test_the_new_table_is_a_row_of_the_events_view(added):
    _, out = added
    with duckdb.connect(str(out / build.DATABASE), read_only=True) as con:
        found = con.execute("SELECT record_type, date, parties, summary FROM events WHERE record_id = 'cms-0001'")
        assert [(t, str(d), p, s) for t, d, p, s in found.fetchall()] == [
            ("commission_sessions", "2021-02-03", ["armenia", "azerbaijan", "russia"], ROW["summary"])]
        notes = dict(con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'events'")
                     .fetchall())
    assert "commission_sessions" in notes["record_type"] and "session_id" in notes["record_id"]


def test_the_new_table_has_its_table_page_and_a_page_per_record(added):
    _, out = added
    table_page = (out / "site" / "tables" / "commission_sessions" / "index.html").read_text(encoding="utf-8")
    assert '<tr id="cms-0001">' in table_page
    record_page = (out / "site" / "records" / "cms-0001" / "index.html").read_text(encoding="utf-8")
    assert ROW["summary"] in record_page and source_id(URL_B) in record_page


def test_the_new_table_is_on_the_query_page_and_in_the_manifest(added):
    _, out = added
    manifest = json.loads((out / "downloads" / MANIFEST).read_text(encoding="utf-8"))
    assert {f["kind"] for f in manifest["files"] if f["table"] == "commission_sessions"} == {"csv", "parquet"}
    query_page = (out / "site" / "query" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../tables/commission_sessions/"><code>commission&#95;sessions</code></a>' in query_page


def test_the_new_table_is_in_the_spreadsheet_and_the_data_dictionary(added):
    root, out = added
    downloads = manifest.read(out / "downloads")
    book = openpyxl.load_workbook(out / "downloads" / downloads.one("spreadsheet").name, read_only=True)
    assert [c.value for c in next(book["commission_sessions"].iter_rows(min_row=2, max_row=2))][0] == "cms-0001"
    with zipfile.ZipFile(out / "downloads" / downloads.one("zip").name) as z:
        dictionary = next(z.read(n).decode() for n in z.namelist() if n.endswith("data-dictionary.md"))
    assert "## commission_sessions" in dictionary and "| `session_id` |" in dictionary


# --- what the model refuses in x-record ----------------------------------------------------------------------

def edited_schema(tmp_path, edit) -> Path:
    copy = package_copy(tmp_path / "pkg")
    path = copy.root / "schemas" / "meetings.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    edit(schema)
    path.write_text(json.dumps(schema), encoding="utf-8")
    return copy.root


@pytest.mark.parametrize(("edit", "expected"), [
    pytest.param(lambda s: s["x-record"].update(date="day"),
                 "schemas/meetings.schema.json::x-record: refers to unknown field(s) day of 'meetings'",
                 id="a field it names that the table lacks"),
    pytest.param(lambda s: s["x-record"].pop("status"),
                 "schemas/meetings.schema.json: x-record must be an object with summary and status (field names) and "
                 "optionally date (a field name), parties (field names) and alwaysParties (party ids)",
                 id="no status field"),
    pytest.param(lambda s: s.update({"x-records": {}}),
                 "schemas/meetings.schema.json: unknown table key(s) x-records (known: x-record)",
                 id="a misspelt table key"),
])
def test_the_model_refuses_a_record_role_it_cannot_use(tmp_path, capsys, edit, expected):
    root = edited_schema(tmp_path, edit)
    assert validate([str(root)]) == 1
    assert capsys.readouterr().out.splitlines() == [expected, "1 problem found"]
