"""The release zip read as a user would read it, with nothing but the zip: its README's own code, sha256sum,
frictionless, the DuckDB 1.5 command-line tool, pandas, polars and openpyxl."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
from frictionless import validate

from scripts import build, manifest, metadata, release
from scripts.identity import load_release
from scripts.package import DESCRIPTOR, ROOT, load_package

PACKAGE = load_package(ROOT)
RELEASE = load_release(PACKAGE)
FOLDER = f"{PACKAGE.name}-{RELEASE.version}"
CLI = ROOT / ".venv" / "bin" / "duckdb"


@pytest.fixture(scope="module")
def folder(committed_release: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    into = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(committed_release) as archive:
        archive.extractall(into)
    return into / FOLDER


def csv_count(path: Path) -> int:
    return len(pd.read_csv(path, dtype=str, keep_default_na=False))


# The README


def test_the_readme_is_written_for_the_holder_of_the_zip_not_for_developers(folder):
    text = (folder / "README.md").read_text(encoding="utf-8")
    assert text.startswith(f"# {PACKAGE.descriptor['title']}, version {RELEASE.version}")
    for words in (f"DuckDB {metadata.OLDEST_DUCKDB} or later", "sha256sum -c SHA256SUMS", 'dtype_backend="pyarrow"',
                  "read_parquet", "library(DBI)", "data-dictionary.md", "Cite as:", release.SPREADSHEET, "changes.csv"):
        assert words in text, words
    for developer_words in ("make build", "make check", "make test", ".venv", "For contributors"):
        assert developer_words not in text, developer_words
    assert "$" not in re.sub(r"```.*?```", "", text, flags=re.S), "a template placeholder was left unfilled"


def test_every_python_example_of_the_readme_runs_in_the_unzipped_folder(folder, monkeypatch):
    monkeypatch.chdir(folder)
    blocks = re.findall(r"```python\n(.*?)```", (folder / "README.md").read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 4
    for block in blocks:
        scope: dict = {}
        exec(compile(block, "README.md", "exec"), scope)  # noqa: S102 - the README's own examples
        if "pd.read_csv" in block:
            assert scope["frame"]["date"].dtype.kind == "M" and str(scope["frame"]["people_best"].dtype) == "Int64"
        if "pl.read_csv" in block:
            assert scope["frame"].schema["date"] == pl.Date and scope["frame"].schema["people_best"] == pl.Int64


def test_every_file_is_listed_in_sha256sums_and_sha256sum_accepts_them(folder):
    listed = {line.split("  ", 1)[1] for line in (folder / "SHA256SUMS").read_text().splitlines()}
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert listed == present
    subprocess.run(["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=folder, check=True)


def test_sha256sum_notices_a_changed_file(folder, tmp_path):
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(folder), str(copy)], check=True)
    with (copy / "data" / "parties.csv").open("a", encoding="utf-8") as f:
        f.write("\n")
    assert subprocess.run(["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=copy,
                          capture_output=True).returncode != 0


def test_the_changelog_and_the_queries_with_the_views_are_in_the_zip(folder):
    assert f"## {RELEASE.version} " in (folder / "CHANGELOG.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in (folder / "queries" / "views").glob("*.sql")) == \
        sorted(p.name for p in (ROOT / "queries" / "views").glob("*.sql"))


# The descriptor


def test_frictionless_validates_the_unzipped_descriptor_with_its_release_keys(folder):
    descriptor = json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))
    assert descriptor["version"] == RELEASE.version and descriptor["id"] and descriptor["sources"]
    assert "github.com/am-az-normalization" not in json.dumps(descriptor)
    report = validate(folder / DESCRIPTOR)
    assert report.valid, report.flatten(["type", "note"])


def test_the_frictionless_command_line_tool_finds_the_unzipped_package_valid(folder):
    done = subprocess.run([ROOT / ".venv" / "bin" / "frictionless", "validate", DESCRIPTOR], cwd=folder,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:]


def test_the_other_files_are_described_with_their_media_type_size_and_digest(folder):
    entries = {e["path"]: e for e in json.loads((folder / DESCRIPTOR).read_text())["x-files"]}
    for name, mediatype in ((build.DATABASE, "application/vnd.duckdb"), (release.SPREADSHEET, manifest.MEDIA_TYPES[
            ".xlsx"]), ("parquet/meetings.parquet", "application/vnd.apache.parquet"), ("changes.csv", "text/csv")):
        entry = entries[name]
        data = (folder / name).read_bytes()
        assert entry["mediatype"] == mediatype and entry["bytes"] == len(data) and entry["title"]
        assert entry["hash"] == release.sha256(data)


# The database


def test_the_duckdb_1_5_cli_reads_the_version_licence_and_citation_from_the_database(folder):
    done = subprocess.run([CLI, "-readonly", "-list", "-noheader", str(folder / build.DATABASE), "-c",
                           "SELECT key || '=' || value FROM metadata ORDER BY key"],
                          capture_output=True, text=True, check=True)
    facts = dict(line.split("=", 1) for line in done.stdout.splitlines())
    assert facts["version"] == RELEASE.version
    assert facts["released"] == RELEASE.date_words
    assert facts["licence"].startswith("CC-BY-4.0")
    assert f"(version {RELEASE.version})" in facts["citation"]
    assert re.fullmatch(r"[0-9a-f]{64}", facts["inputs_sha256"])
    assert f"DuckDB {metadata.OLDEST_DUCKDB} and every later version" in facts["storage"]


def test_every_view_column_has_a_comment_written_for_it(folder):
    done = subprocess.run([CLI, "-readonly", "-csv", str(folder / build.DATABASE), "-c",
                           "SELECT table_name, column_name, coalesce(comment, '') AS comment FROM duckdb_columns() "
                           "WHERE table_name IN (SELECT view_name FROM duckdb_views() WHERE NOT internal)"],
                          capture_output=True, text=True, check=True)
    rows = pd.read_csv(pd.io.common.StringIO(done.stdout), dtype=str, keep_default_na=False)
    assert len(rows) > 20
    assert not rows[rows["comment"] == ""].to_dict("records")
    assert not rows[rows["comment"].str.startswith("Computed by the view")].to_dict("records")


def test_no_comment_in_the_database_speaks_to_developers(folder):
    with duckdb.connect(str(folder / build.DATABASE), read_only=True) as con:
        comments = [c for (c,) in con.execute(
            "SELECT comment FROM duckdb_columns() UNION ALL SELECT comment FROM duckdb_tables() "
            "UNION ALL SELECT comment FROM duckdb_views() WHERE NOT internal").fetchall() if c]
    for comment in comments:
        assert "make check" not in comment and "`" not in comment and ".." not in comment, comment


# Parquet


def test_each_parquet_file_describes_its_table_and_columns_and_release(folder):
    for table in PACKAGE.tables:
        meta = {k.decode(): v.decode() for k, v in pq.read_schema(folder / "parquet" / f"{table.name}.parquet")
                .metadata.items()}
        assert meta["description"] == table.description
        columns = json.loads(meta["columns"])
        assert list(columns) == table.field_names and all(columns.values())
        assert meta["version"] == RELEASE.version and f"version {RELEASE.version}" in meta["citation"]


def test_pandas_reads_counts_as_whole_numbers_and_with_pyarrow_dates_as_dates(folder):
    path = folder / "parquet" / "prisoner_transfers.parquet"
    plain = pd.read_parquet(path)
    assert str(plain["people_min"].dtype) == "Int64" and str(plain["transfer_id"].dtype) in ("string", "str")
    typed = pd.read_parquet(path, dtype_backend="pyarrow")
    assert str(typed["date"].dtype) == "date32[day][pyarrow]" and str(typed["people_min"].dtype) == "int64[pyarrow]"


def test_polars_reads_the_parquet_files_with_their_types(folder):
    frame = pl.read_parquet(folder / "parquet" / "prisoner_transfers.parquet")
    assert frame.schema["date"] == pl.Date and frame.schema["people_best"] == pl.Int64
    assert frame.height == csv_count(folder / "data" / "prisoner_transfers.csv")


# The spreadsheet


def test_the_spreadsheet_has_a_sheet_per_table_with_a_frozen_header_and_typed_values(folder):
    book = openpyxl.load_workbook(folder / release.SPREADSHEET, read_only=False)
    assert book.sheetnames == ["about", "columns"] + PACKAGE.names
    for table in PACKAGE.tables:
        sheet = book[table.name]
        assert sheet.freeze_panes == "A2"
        assert [c.value for c in sheet[1]] == table.field_names
        assert sheet.max_row - 1 == csv_count(folder / table.path), table.name
    transfers = book["prisoner_transfers"]
    header = [c.value for c in transfers[1]]
    first = [c.value for c in transfers[2]]
    assert first[header.index("date")].year >= 2020 and isinstance(first[header.index("people_best")], int)
    about = {row[0]: row[1] for row in book["about"].iter_rows(min_row=2, values_only=True)}
    assert about["version"] == RELEASE.version
    described = {(r[0], r[1]) for r in book["columns"].iter_rows(min_row=2, values_only=True) if r[4]}
    assert described == {(t.name, f.name) for t in PACKAGE.tables for f in t.fields}


def test_text_that_looks_like_a_formula_stays_text_in_the_spreadsheet(tmp_path):
    from scripts import spreadsheet

    path = tmp_path / "x.xlsx"
    book = spreadsheet.xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    spreadsheet.write_sheet(book, "t", ["a"], [("=1+1",), ("https://example.org",)],
                            {"header": None, "date": None})
    book.close()
    cells = [c.value for c in openpyxl.load_workbook(path)["t"]["A"]]
    assert cells == ["a", "=1+1", "https://example.org"]
    assert openpyxl.load_workbook(path)["t"]["A2"].data_type == "s"


def test_two_spreadsheets_of_the_same_package_are_byte_identical(committed_build, tmp_path):
    from scripts import spreadsheet

    first = spreadsheet.write_xlsx(PACKAGE, RELEASE, committed_build / build.DATABASE, tmp_path / "a.xlsx")
    second = spreadsheet.write_xlsx(PACKAGE, RELEASE, committed_build / build.DATABASE, tmp_path / "b.xlsx")
    assert first.read_bytes() == second.read_bytes()


# Single-file downloads


def test_single_file_downloads_carry_the_version_and_a_checksum_file(committed_release):
    folder = committed_release.parent / "downloads"
    names = sorted(p.name for p in folder.iterdir() if p.name != manifest.MANIFEST)
    assert f"{FOLDER}.duckdb" in names and f"{FOLDER}.xlsx" in names and f"{FOLDER}-meetings.csv" in names
    assert f"{FOLDER}-meetings.parquet" in names and committed_release.name in names
    assert all(n.startswith(FOLDER) for n in names)
    subprocess.run(["sha256sum", "--check", "--quiet", f"{FOLDER}.sha256"], cwd=folder, check=True)


def test_a_table_longer_than_a_sheet_is_cut_and_the_about_sheet_says_so(committed_build, tmp_path, monkeypatch):
    from scripts import spreadsheet

    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 5)
    path = spreadsheet.write_xlsx(PACKAGE, RELEASE, committed_build / build.DATABASE, tmp_path / "cut.xlsx")
    book = openpyxl.load_workbook(path)
    assert book["meetings"].max_row == 6
    about = {row[0]: row[1] for row in book["about"].iter_rows(min_row=2, values_only=True)}
    assert about["cut_meetings"] == f"first 5 of {csv_count(ROOT / 'data' / 'meetings.csv'):,} rows"
