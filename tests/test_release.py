"""`scripts.release`: one zip with everything a user needs, whose descriptor vouches for its CSVs."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from frictionless import validate

from scripts import build, manifest, release
from scripts.identity import load_release
from scripts.package import DESCRIPTOR, ROOT, load_package

PACKAGE = load_package(ROOT)
FOLDER = f"{PACKAGE.descriptor['name']}-{PACKAGE.descriptor['version']}"


def unzipped(zip_path: Path, into: Path) -> Path:
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(into)
    return into / FOLDER


def zipped_descriptor(zip_path: Path) -> dict:
    with zipfile.ZipFile(zip_path) as archive:
        return json.loads(archive.read(f"{FOLDER}/{DESCRIPTOR}"))


def test_the_zip_is_named_after_the_package_and_its_version(committed_release):
    assert committed_release.name == f"am-az-normalization-{PACKAGE.descriptor['version']}.zip"


def test_the_zip_holds_data_documentation_queries_changes_and_checksums(committed_release):
    expected = {DESCRIPTOR, build.DATABASE, "README.md", "LICENSE", "CITATION.cff", "CHANGELOG.md", "SHA256SUMS",
                release.SPREADSHEET, release.DICTIONARY, release.CHANGES, release.CROISSANT}
    expected |= {t.path for t in PACKAGE.tables} | {t.schema_path for t in PACKAGE.tables}
    expected |= {f"parquet/{t.name}.parquet" for t in PACKAGE.tables}
    expected |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "queries").rglob("*") if p.is_file()}
    with zipfile.ZipFile(committed_release) as archive:
        assert sorted(archive.namelist()) == sorted(f"{FOLDER}/{name}" for name in expected)


def test_every_resource_carries_the_bytes_and_sha256_of_its_zipped_file(committed_release):
    with zipfile.ZipFile(committed_release) as archive:
        for resource in zipped_descriptor(committed_release)["resources"]:
            data = archive.read(f"{FOLDER}/{resource['path']}")
            assert resource["bytes"] == len(data)
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


def test_the_zipped_descriptor_adds_release_facts_to_the_committed_one_and_changes_nothing_else(committed_release):
    inside = zipped_descriptor(committed_release)
    for resource in inside["resources"]:
        assert resource.pop("type") == "table"
        del resource["bytes"], resource["hash"]
    for key in ("id", "sources", "x-files", "created", "homepage"):
        inside.pop(key, None)
    committed = {k: v for k, v in PACKAGE.descriptor.items() if k != "homepage"}
    assert inside == committed


def test_the_unzipped_package_validates_with_frictionless(committed_release, tmp_path):
    report = validate(unzipped(committed_release, tmp_path) / DESCRIPTOR)
    assert report.valid, report.flatten(["type", "note"])


def test_a_csv_changed_after_release_fails_its_hash_check(committed_release, tmp_path):
    folder = unzipped(committed_release, tmp_path)
    with (folder / "data" / "parties.csv").open("a", encoding="utf-8") as f:
        f.write("zz_test,Test party,state,\n")
    report = validate(folder / DESCRIPTOR)
    assert {"hash-count", "byte-count"} <= {error for error, in report.flatten(["type"])}


def test_entries_are_sorted_and_carry_a_fixed_time(committed_release):
    with zipfile.ZipFile(committed_release) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {release.ZIP_TIME}


def test_two_builds_give_byte_identical_zips(committed_release, tmp_path):
    build.build(PACKAGE, tmp_path)
    again = release.release(PACKAGE, tmp_path)
    assert again.read_bytes() == committed_release.read_bytes()


def test_a_release_without_build_outputs_asks_for_a_build_first(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `python -m scripts.build` first"):
        release.release(PACKAGE, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_downloads_published_are_the_planned_ones_by_kind_name_and_order(committed_release):
    """The site writes its pages from `manifest.plan` while the release runs; the release then publishes exactly
    those files, adding only their sizes and digests."""
    planned = manifest.plan(PACKAGE, load_release(PACKAGE))
    published = manifest.read(committed_release.parent / "downloads").files
    assert [replace(f, bytes=0, sha256="") for f in published] == planned
    assert all(f.bytes > 0 and len(f.sha256) == 64 for f in published)
