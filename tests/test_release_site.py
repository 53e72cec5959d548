"""The site's release blocks: downloads with whole digests under versioned names, JSON-LD for finders with only
the addresses release.toml configures, the dated citation and the Changes page."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from scripts import build, manifest, release
from scripts.identity import load_release
from scripts.package import ROOT, load_package
from scripts.site import build as site_build
from scripts.site.html import attr, esc
from tests.conftest import made_once

PACKAGE = load_package(ROOT)
RELEASE = load_release(PACKAGE)
STEM = f"{PACKAGE.name}-{RELEASE.version}"
MEDIA = {".csv": "text/csv", ".parquet": "application/vnd.apache.parquet", ".zip": "application/zip",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@pytest.fixture(scope="module")
def staged(committed_release: Path, tmp_path_factory) -> Path:
    """The committed package's generated pages, next to its build and release outputs (staged once per run)."""
    out = committed_release.parent
    made_once(tmp_path_factory, "committed-pages", lambda _: site_build.prepare(ROOT, out))
    return out / "docs"


def json_ld(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))


def test_the_downloads_page_gives_every_file_of_the_manifest_its_versioned_name_and_whole_digest(staged):
    page = (staged / "downloads.md").read_text(encoding="utf-8")
    offered = sorted(p for p in (staged / "downloads").iterdir() if p.name != manifest.MANIFEST)
    assert {p.name for p in offered} == {f.name for f in manifest.read(staged / "downloads").files}
    assert {p.name for p in offered} >= {f"{STEM}.zip", f"{STEM}.duckdb", f"{STEM}.xlsx", f"{STEM}-meetings.csv",
                                         f"{STEM}-meetings.parquet", f"{STEM}.sha256"}
    for path in offered:
        assert path.name.startswith(STEM)
        assert f'<a href="./{attr(path.name)}">{esc(path.name)}</a>' in page
        assert f">{hashlib.sha256(path.read_bytes()).hexdigest()}</code>" in page, path.name


def test_table_pages_link_their_versioned_csv_and_parquet(staged):
    page = (staged / "tables" / "meetings.md").read_text(encoding="utf-8")
    assert f'<a href="../../downloads/{STEM}-meetings.csv">CSV</a>' in page
    assert f'<a href="../../downloads/{STEM}-meetings.parquet">PARQUET</a>' in page


def test_the_json_ld_names_the_two_countries_media_types_identifier_and_citation(staged):
    data = json_ld((staged / "index.md").read_text(encoding="utf-8"))
    assert data["spatialCoverage"][:2] == [{"@type": "Country", "name": "Armenia", "identifier": "AM"},
                                           {"@type": "Country", "name": "Azerbaijan", "identifier": "AZ"}]
    assert data["version"] == RELEASE.version and data["identifier"].startswith("urn:uuid:")
    assert f"(version {RELEASE.version})" in data["citation"]
    for entry in data["distribution"]:
        suffix = Path(entry["name"]).suffix
        if suffix in MEDIA:
            assert entry["encodingFormat"] == MEDIA[suffix], entry
    assert {".csv", ".parquet", ".zip", ".xlsx"} <= {Path(e["name"]).suffix for e in data["distribution"]}


def test_without_a_site_url_the_json_ld_gives_no_address_at_all(staged):
    if RELEASE.site_url:
        pytest.skip("release.toml configures a site URL")
    data = json_ld((staged / "index.md").read_text(encoding="utf-8"))
    assert "url" not in data and all("contentUrl" not in e for e in data["distribution"])
    assert "github.com/am-az-normalization" not in json.dumps(data)


def test_with_a_site_url_every_address_is_absolute_and_the_site_gets_canonical_links(package, tmp_path):
    shutil.copytree(ROOT / "queries", package.root / "queries", dirs_exist_ok=True)  # the views the pages read
    (package.root / "release.toml").write_text('version = "0.2.0"\nreleased = 2026-12-31\n'
                                               'site_url = "https://data.example.org/am-az/"\n')
    pkg = load_package(package.root)
    out = tmp_path / "out"
    build.build(pkg, out)
    release.release(pkg, out)
    config = yaml.safe_load(site_build.prepare(package.root, out).read_text(encoding="utf-8"))
    assert config["site_url"] == "https://data.example.org/am-az/"
    data = json_ld((out / "docs" / "index.md").read_text(encoding="utf-8"))
    assert data["url"] == "https://data.example.org/am-az/" and data["datePublished"] == "2026-12-31"
    assert data["distribution"] and all(e["contentUrl"] == f"https://data.example.org/am-az/downloads/{e['name']}"
                                        for e in data["distribution"])
    cite = (out / "docs" / "cite.md").read_text(encoding="utf-8")
    assert "(2026). Armenia" in cite and "date-released" in cite and "https://data.example.org/am-az/" in cite


def test_the_citation_page_gives_the_release_version_and_no_invented_year_or_address(staged):
    page = (staged / "cite.md").read_text(encoding="utf-8")
    assert f"version {RELEASE.version}" in page
    if not RELEASE.released:
        assert "not yet released" in page and "date-released" not in page
    assert "github.com/am-az-normalization" not in page


def test_the_changes_page_lists_each_change_against_the_previous_release(staged):
    page = (staged / "changes.md").read_text(encoding="utf-8")
    assert "<!-- generated:" not in page
    assert f"against version {RELEASE.previous.version}" in page
    lines = (staged.parent / "changes.csv").read_text(encoding="utf-8").splitlines()[1:]
    blocks = [(staged.parent / site_build.BLOCKS / f"{name}.html").read_text(encoding="utf-8")
              for name in re.findall(r"<!-- site-block: (\S+) -->", page)]  # its lines of rows, kept out of MkDocs
    assert sum(block.count("<tr>") for block in blocks) >= min(len(lines), 1000)
