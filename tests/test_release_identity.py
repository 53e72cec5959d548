"""`release.toml` and `scripts.changes`: the release's identity in one place, nothing invented, and the changes
since the previous release."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import tomllib
import zipfile

import pytest
import yaml
from frictionless import validate

from scripts import changes, identity, release
from scripts.package import DESCRIPTOR, ROOT, load_package

PACKAGE = load_package(ROOT)
RELEASE = identity.load_release(PACKAGE)
DATED = dataclasses.replace(RELEASE, released=dt.date(2026, 12, 31), site_url="https://data.example.org/am-az/")


def test_the_version_is_the_same_in_release_toml_datapackage_json_and_citation_cff():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert RELEASE.version == PACKAGE.version == str(cff["version"])
    if RELEASE.released:
        assert str(cff["date-released"]) == RELEASE.released.isoformat()


def test_the_changelog_has_a_section_for_this_version_and_dates_every_earlier_one():
    headings = [line for line in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").splitlines()
                if line.startswith("## ")]
    assert headings[0] in (f"## {RELEASE.version} (unreleased)", f"## {RELEASE.version} ({RELEASE.released})")
    assert all(h.endswith(")") and "unreleased" not in h for h in headings[1:])


def test_no_address_is_given_that_release_toml_does_not_configure():
    text = " ".join((ROOT / name).read_text(encoding="utf-8") for name in ("CITATION.cff", DESCRIPTOR))
    for url in ("github.com/am-az-normalization",):
        assert url not in text
    assert ("homepage" in PACKAGE.descriptor) == bool(RELEASE.site_url)


@pytest.mark.parametrize(("text", "message"), [
    ('version = "1.0.0"\nreleased = "2026-12-31"', "TOML date"),
    ('version = "1.0.0"\nsite_url = "http://example.org"', "https://"),
    ('released = 2026-12-31', "version is required"),
    ('version = "1.0.0"\n[removed]\n"mtg-0001" = ""', "reason"),
])
def test_a_release_toml_that_would_mislead_is_refused(text, message):
    with pytest.raises(identity.ReleaseConfigError, match=message):
        identity.parse(tomllib.loads(text))


def test_unset_keys_stay_unset():
    parsed = identity.parse({"version": "9.9.9"})
    assert (parsed.released, parsed.site_url, parsed.repository_url, parsed.previous) == (None, None, None, None)
    assert parsed.date_words == "not yet released" and parsed.site("x") is None


def test_a_dated_release_dates_its_citation_changelog_descriptor_and_database(committed_build, tmp_path):
    from scripts import build

    out = tmp_path / "out"
    out.mkdir()
    for name in (build.DATABASE, "parquet"):
        src = committed_build / name
        (out / name).symlink_to(src, target_is_directory=src.is_dir())
    path = release.release(PACKAGE, out, DATED)
    folder = f"{PACKAGE.name}-{DATED.version}"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(tmp_path / "unzipped")
        cff = yaml.safe_load(archive.read(f"{folder}/CITATION.cff"))
        changelog = archive.read(f"{folder}/CHANGELOG.md").decode()
        descriptor = json.loads(archive.read(f"{folder}/{DESCRIPTOR}"))
        readme = archive.read(f"{folder}/README.md").decode()
    assert cff["date-released"] == "2026-12-31" and cff["url"] == DATED.site_url and "repository-code" not in cff
    assert f"## {DATED.version} (2026-12-31)" in changelog
    assert descriptor["created"] == "2026-12-31T00:00:00Z" and descriptor["homepage"] == DATED.site_url
    assert "(2026). Armenia" in readme and "released 2026-12-31" in readme
    report = validate(tmp_path / "unzipped" / folder / DESCRIPTOR)
    assert report.valid, report.flatten(["type", "note"])


# changes.csv


def test_added_changed_and_removed_records_and_fields_are_each_one_line():
    meetings = PACKAGE.table("meetings")
    old = (["meeting_id", "summary", "venue"], [{"meeting_id": "mtg-0001", "summary": "a", "venue": "x"},
                                                {"meeting_id": "mtg-0002", "summary": "b", "venue": "y"}])
    new = (["meeting_id", "summary", "status"], [{"meeting_id": "mtg-0001", "summary": "A", "status": "held"},
                                                 {"meeting_id": "mtg-0003", "summary": "c", "status": "held"}])
    found = changes.table_changes(meetings, old, new, {"mtg-0002": "Duplicate of mtg-0001."})
    assert sorted(found) == sorted([
        changes.Change("meetings", "", "field_added", "status"),
        changes.Change("meetings", "", "field_removed", "venue"),
        changes.Change("meetings", "mtg-0003", "added"),
        changes.Change("meetings", "mtg-0002", "removed", reason="Duplicate of mtg-0001."),
        changes.Change("meetings", "mtg-0001", "changed", "summary", "a", "A")])


def test_a_record_removed_without_a_reason_stops_the_release():
    meetings = PACKAGE.table("meetings")
    old = (["meeting_id"], [{"meeting_id": "mtg-0001"}])
    with pytest.raises(changes.ChangesError, match="mtg-0001.*release.toml"):
        changes.table_changes(meetings, old, (["meeting_id"], []), {})


def test_a_removed_identifier_that_comes_back_is_refused():
    reused = dataclasses.replace(RELEASE, removed={"mtg-0001": "Gone."})
    with pytest.raises(changes.ChangesError, match="never reused.*mtg-0001"):
        changes.compute(PACKAGE, reused, changes.read_tables(PACKAGE))


def test_a_table_the_previous_release_did_not_have_is_all_added():
    meetings = PACKAGE.table("meetings")
    found = changes.table_changes(meetings, None, (["meeting_id"], [{"meeting_id": "mtg-0001"}]), {})
    assert [c.change for c in found] == ["table_added", "added"]


def test_changes_since_the_previous_release_compare_with_the_tables_kept_in_releases():
    found = changes.compute(PACKAGE, RELEASE, changes.read_tables(PACKAGE))
    assert {c.change for c in found} <= set(changes.KINDS)
    meetings = PACKAGE.table("meetings")
    kept = ROOT / "releases" / RELEASE.previous.version / "data" / "meetings.csv"
    before = {r["meeting_id"] for r in changes.read_csv_text(kept.read_text("utf-8"))[1]}
    now = {r["meeting_id"] for r in changes.read_csv_text(meetings.file.read_text("utf-8"))[1]}
    listed = {(c.record_id, c.change) for c in found if c.table_name == "meetings" and c.change in ("added", "removed")}
    assert listed == {(m, "added") for m in now - before} | {(m, "removed") for m in before - now}
    assert all(c.reason for c in found if c.change == "removed" and "|" not in c.record_id)
    assert changes.changes_csv(found).startswith(b"table_name,record_id,change,field,old_value,new_value,reason\n")


def test_a_previous_release_whose_tables_are_not_kept_says_what_is_missing():
    unknown = dataclasses.replace(RELEASE, previous=identity.Previous("0.0.1", None))
    with pytest.raises(changes.ChangesError) as raised:
        changes.compute(PACKAGE, unknown, changes.read_tables(PACKAGE))
    assert str(raised.value) == ("releases/0.0.1/data/ not found: it keeps the tables of the previous release named "
                                 "in release.toml, to compare this one with")


def test_a_stale_git_reference_in_release_toml_is_refused():
    with pytest.raises(identity.ReleaseConfigError) as raised:
        identity.parse({"version": "0.3.0", "previous": {"version": "0.2.0", "ref": "0accb81"}})
    assert str(raised.value) == ("release.toml: [previous] takes version and released only; the previous release's "
                                 "tables are kept in releases/<version>/data/")


def test_the_history_holds_every_earlier_release_oldest_first_and_not_the_current_one():
    found = changes.history(PACKAGE, RELEASE)
    versions = list(dict.fromkeys(v for v, _ in found))
    assert versions == sorted(versions, key=changes.version_key) and RELEASE.version not in versions
    assert {"0.1.0", "0.2.0"} <= set(versions)
    first = {c.record_id for v, c in found if v == "0.1.0" and c.change == "added"}
    assert "mtg-0001" in first and all(c.change in ("added", "table_added") for v, c in found if v == "0.1.0")


def test_the_released_sources_count_every_cited_document_once_by_kind(committed_database):
    import duckdb

    with duckdb.connect(str(committed_database), read_only=True) as con:
        kinds = [s for s in release.source_kinds(PACKAGE, con) if "documents, listed in" in s["title"]
                 and not s["title"][0].isdigit()]
        found = release.source_kinds(PACKAGE, con)
    rows = changes.read_csv_text(PACKAGE.table("sources").file.read_text("utf-8"))[1]
    assert sum(int(s["title"].split(": ")[-1].split(" ")[0]) for s in kinds) == len(rows)
    assert all(s["path"].startswith("data/") for s in found)
