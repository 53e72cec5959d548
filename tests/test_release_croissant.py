"""`croissant.json` in the release zip: mlcroissant validates it and reads the tables through it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import mlcroissant as mlc
import pandas as pd
import pytest

from scripts import release
from scripts.identity import load_release
from scripts.package import ROOT, load_package

PACKAGE = load_package(ROOT)
RELEASE = load_release(PACKAGE)


@pytest.fixture(scope="module")
def folder(committed_release: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    into = tmp_path_factory.mktemp("croissant")
    with zipfile.ZipFile(committed_release) as archive:
        archive.extractall(into)
    return into / f"{PACKAGE.name}-{RELEASE.version}"


def test_mlcroissant_validates_the_description_with_no_error_and_no_warning_but_the_missing_date(folder):
    dataset = mlc.Dataset(jsonld=folder / release.CROISSANT)
    issues = dataset.metadata.ctx.issues
    assert dataset.metadata.version == RELEASE.version
    assert not issues.errors
    expected = set() if RELEASE.released else {"datePublished"}
    assert {w.split('"https://schema.org/')[1].split('"')[0] for w in issues.warnings} == expected, issues.warnings


@pytest.mark.parametrize("table", ["parties", "meetings"])
def test_mlcroissant_reads_every_row_of_a_table_through_the_description(folder, table):
    records = list(mlc.Dataset(jsonld=folder / release.CROISSANT).records(table))
    csv = pd.read_csv(folder / "data" / f"{table}.csv", dtype=str, keep_default_na=False)
    assert len(records) == len(csv)
    key = PACKAGE.table(table).primary_key[0]
    assert sorted(r[f"{table}/{key}"].decode() for r in records) == sorted(csv[key])


def test_every_field_has_its_type_meaning_and_column(folder):
    described = json.loads((folder / release.CROISSANT).read_text(encoding="utf-8"))
    for record_set, table in zip(described["recordSet"], PACKAGE.tables, strict=True):
        assert [f["name"] for f in record_set["field"]] == table.field_names
        assert all(f["description"] and f["dataType"].startswith("sc:") for f in record_set["field"])
    assert "url" not in described or described["url"] == RELEASE.site_url
