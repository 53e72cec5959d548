"""Fixtures: a small, valid copy of the package in a temporary directory, built from the real schemas."""

from __future__ import annotations

import contextlib
import csv
import fcntl
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from scripts import query_bench
from scripts.package import ROOT, load_package
from tests.acceptance import OFFLINE, WIDTHS, record_requests

URL_A = "https://news.example.org/handover-and-release"
URL_B = "https://example.org/statements/ministers-meeting"


def source_id(url: str) -> str:
    return "src-" + hashlib.sha256(url.encode()).hexdigest()[:8]


def minimal_rows() -> dict[str, list[dict]]:
    """One valid record of every kind, linked the way real records are."""
    return {
        "parties": [
            {"party_id": "armenia", "name": "Armenia", "kind": "state", "iso_3166_1": "AM"},
            {"party_id": "azerbaijan", "name": "Azerbaijan", "kind": "state", "iso_3166_1": "AZ"},
            {"party_id": "russia", "name": "Russia", "kind": "state", "iso_3166_1": "RU"},
        ],
        "places": [
            {"place_id": "aghdam_district", "name": "Aghdam district", "kind": "district", "country_code": "AZ",
             "iso_3166_2": "AZ-AGM"},
            {"place_id": "moscow", "name": "Moscow", "kind": "city", "country_code": "RU"},
        ],
        "meetings": [
            {"meeting_id": "mtg-0001", "date_start": "2021-01-11", "date_precision": "day", "status": "held",
             "level": "leaders", "format": "trilateral", "place_id": "moscow", "mediator_party": "russia",
             "summary": "The three leaders met in Moscow.", "record_status": "confirmed"},
        ],
        "prisoner_transfers": [
            {"transfer_id": "trf-0001", "date": "2021-06-12", "date_precision": "day", "from_party": "azerbaijan",
             "to_party": "armenia", "people_min": "15", "people_best": "15", "people_max": "15",
             "people_qualifier": "exact", "people_category": "servicemen", "mine_map_handover_id": "mmh-0001",
             "summary": "Fifteen servicemen were handed over.", "record_status": "confirmed"},
        ],
        "mine_map_handovers": [
            {"handover_id": "mmh-0001", "date": "2021-06-12", "date_precision": "day", "from_party": "armenia",
             "to_party": "azerbaijan", "area_place_ids": "aghdam_district", "mines_min": "97000",
             "mines_best": "97000", "mines_max": "97000", "mines_qualifier": "approximate",
             "mine_types": "not_reported", "prisoner_transfer_id": "trf-0001",
             "summary": "Maps of mines in Aghdam district were handed over.", "record_status": "confirmed"},
        ],
        "claims": [
            {"claim_id": "clm-0001", "date": "2021-08-14", "date_precision": "day", "claimant_kind": "official",
             "claimant_party": "azerbaijan",
             "claimant_person": "Ilham Aliyev", "topic": "map_accuracy", "record_id": "mmh-0001",
             "measure": "map_accuracy", "value": "25", "value_qualifier": "exact", "unit": "percent",
             "summary": "Said the maps were about a quarter accurate.", "record_status": "confirmed"},
        ],
        "publishers": [
            {"publisher_id": "example_news", "name": "Example News", "home_host": "news.example.org",
             "country_code": "GB", "kind": "private_media", "side": "third_party"},
            {"publisher_id": "example_ministry", "name": "Example Ministry", "home_host": "example.org",
             "country_code": "RU", "kind": "official", "side": "mediator"},
        ],
        "sources": [
            {"source_id": source_id(URL_A), "publisher_id": "example_news", "title": "Handover and release",
             "published_date": "2021-06-12", "published_date_precision": "day", "url": URL_A, "language": "en",
             "kind": "news"},
            {"source_id": source_id(URL_B), "publisher_id": "example_ministry", "title": "Ministers meet",
             "published_date": "2021-01-11", "published_date_precision": "day", "url": URL_B, "language": "en",
             "kind": "official_statement"},
        ],
        "citations": [
            {"record_id": "mtg-0001", "source_id": source_id(URL_B)},
            {"record_id": "trf-0001", "source_id": source_id(URL_A)},
            {"record_id": "mmh-0001", "source_id": source_id(URL_A)},
            {"record_id": "clm-0001", "source_id": source_id(URL_A), "claimant_party": "azerbaijan"},
        ],
    }


def write_table(path: Path, names: list[str], rows: list[dict]) -> Path:
    """Write rows in the schema's column order; missing keys become empty cells."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


class PackageCopy:
    """A temporary package: the real descriptor and schemas with small data that tests can break."""

    def __init__(self, root: Path):
        self.root = root
        self.rows = minimal_rows()

    def write(self) -> PackageCopy:
        """Every table of the descriptor: its rows, or a header alone for a table the fixture has no rows for."""
        for table in load_package(self.root).tables:
            write_table(table.file, table.field_names, self.rows.get(table.name, []))
        return self

    def set(self, table: str, index: int, **cells) -> PackageCopy:
        self.rows[table][index].update(cells)
        return self.write()

    def add(self, table: str, **cells) -> PackageCopy:
        self.rows[table].append(cells)
        return self.write()

    def csv(self, table: str) -> Path:
        return self.root / "data" / f"{table}.csv"


def package_copy(root: Path) -> PackageCopy:
    """A new small package at root: the real descriptor and schemas with minimal_rows()."""
    (root / "data").mkdir(parents=True)
    shutil.copy(ROOT / "datapackage.json", root / "datapackage.json")
    shutil.copytree(ROOT / "schemas", root / "schemas")
    shutil.copytree(ROOT / "queries", root / "queries")
    return PackageCopy(root).write()


def build_and_release(root: Path, out: Path):
    """The build and release stages of the package at root, into out, as `make build` runs them (without its
    snapshot and publishing); the package model they read."""
    from scripts import build, release

    package = load_package(root)
    build.build(package, out)
    release.release(package, out)
    return package


@pytest.fixture
def package(tmp_path: Path) -> PackageCopy:
    return package_copy(tmp_path / "pkg")


# --- build outputs, each made once per test run -------------------------------------------------------------------

def made_once(factory: pytest.TempPathFactory, name: str, make) -> Path:
    """The folder `name`, made by `make(folder)` once per test run however many xdist workers ask for it: the
    first makes it under a lock while the others wait, then all read it. Tests must only read it."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, shared by its workers (each has its own below it)
    folder, done = base / name, base / f"{name}.done"
    with (base / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def committed_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/ of the committed package, in a temporary directory: the database and parquet/."""
    from scripts import build

    return made_once(tmp_path_factory, "committed-build", lambda out: build.build(load_package(ROOT), out))


@pytest.fixture(scope="session")
def committed_database(committed_build: Path) -> Path:
    from scripts import build

    return committed_build / build.DATABASE


@pytest.fixture(scope="session")
def fixture_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database of the small fixture package; open it read-only."""
    from scripts import build

    def make(folder: Path) -> None:
        root = package_copy(folder / "pkg").root
        build.build(load_package(root), root / "build")
    return made_once(tmp_path_factory, "fixture", make) / "pkg" / "build" / build.DATABASE


@pytest.fixture(scope="session")
def committed_release(committed_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The release zip of the committed package, next to its build outputs."""
    from scripts import release

    made_once(tmp_path_factory, "committed-release", lambda _: release.release(load_package(ROOT), committed_build))
    [zipped] = committed_build.glob("*.zip")
    return zipped


# --- browser tests: one site per run; one server and one Chromium per worker ----------------------------------------

CHROMIUM, CHROMIUM_ARGS = query_bench.CHROMIUM, [*query_bench.CHROMIUM_ARGS, OFFLINE]
XSS = "<script>alert(1)</script> <img src=x onerror=alert(1)>"
PLANTED_MEETING = {"meeting_id": "mtg-9999", "date_start": "2021-01-01", "date_precision": "day", "status": "held",
                   "level": "other", "format": "bilateral", "summary": XSS, "record_status": "provisional"}
PLANTED_PUBLISHER = {"publisher_id": "planted", "name": "Planted <b>publisher</b>", "home_host": "planted.example.org",
                     "kind": "other", "side": "third_party"}
PLANTED_SOURCE = {"source_id": "src-0badc0de", "publisher_id": "planted", "title": XSS,
                  "url": "https://example.org/planted?a=1&b=2", "language": "en", "kind": "other"}


def append_row(csv_path: Path, row: dict) -> None:
    with csv_path.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    with csv_path.open("a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, header, lineterminator="\n").writerow(row)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the committed package plus one planted meeting and one planted source whose text is HTML,
    built with the database the build stage writes: OUT, with OUT/site the pages."""
    from scripts.site.build import build_site

    assert CHROMIUM.exists(), "the browser tests need Debian's chromium: apt-get install chromium (.ci/run does)"

    def make(folder: Path) -> None:
        root, out = folder / "pkg", folder / "out"
        root.mkdir()
        for name in ("datapackage.json", "CITATION.cff", "CHANGELOG.md"):
            shutil.copy(ROOT / name, root / name)
        for name in ("schemas", "data", "queries"):
            shutil.copytree(ROOT / name, root / name)
        append_row(root / "data" / "meetings.csv", PLANTED_MEETING)
        append_row(root / "data" / "publishers.csv", PLANTED_PUBLISHER)
        append_row(root / "data" / "sources.csv", PLANTED_SOURCE)
        build_and_release(root, out)
        build_site(root, out)
    return made_once(tmp_path_factory, "site", make) / "out"


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """folder served on 127.0.0.1 by `python -m http.server`, as long as the block runs; its address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def base(site: Path):
    """The fixture site served on 127.0.0.1; its address."""
    with served(site / "site") as url:
        yield url


# --- acceptance: the real `make build` of the repository's own data, as its visitors use it ---------------------

@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `make build` publishes (the pipeline, run once per test run on the repository's data): OUT, with
    OUT/site."""
    assert CHROMIUM.exists(), "the acceptance tests need Debian's chromium: `make test` installs it"

    def make(out: Path) -> None:
        done = subprocess.run([sys.executable, "-m", "scripts.pipeline", "--out", str(out)], cwd=ROOT,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return made_once(tmp_path_factory, "real-build", make)


@pytest.fixture(scope="session")
def real_base(real_build: Path):
    """The real site served on 127.0.0.1; its address."""
    with served(real_build / "site") as url:
        yield url


@pytest.fixture(scope="session")
def real_pages(real_build: Path) -> list:
    """Every HTML page of the real build, parsed (`tests.acceptance.pages`)."""
    from tests.acceptance import pages

    return pages(real_build / "site")


@pytest.fixture(scope="module")
def db(real_build):
    """The real build's database, read-only."""
    import duckdb

    from scripts.build import DATABASE

    with duckdb.connect(str(real_build / DATABASE), read_only=True) as con:
        yield con


def open_tab(browser, width_name: str):
    """A browser tab at one width; any request that would leave the site fails and is remembered."""
    context = browser.new_context(viewport={"width": WIDTHS[width_name], "height": 900})
    outside: list[str] = []
    record_requests(context, outside)
    page = context.new_page()
    page.width_name, page.outside = width_name, outside
    return context, page


@pytest.fixture(params=list(WIDTHS), scope="module")
def reader(request, browser):
    """A tab at each width: the journeys hold at every width."""
    context, page = open_tab(browser, request.param)
    yield page
    context.close()


@pytest.fixture(scope="module")
def desktop(browser):
    """For what is not laid out by width (a feed, the filters' menus), one width is enough."""
    context, page = open_tab(browser, "desktop")
    yield page
    context.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (which never downloads a browser of its own)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# --- links of built pages -------------------------------------------------------------------------------------------

class Links(HTMLParser):
    """Every URL a page points at, and every id or name it defines."""

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str, dict]] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.anchors |= {a[k] for k in ("id", "name") if a.get(k)}
        for key in ("href", "src"):
            if a.get(key) is not None and tag in ("a", "img", "link", "script"):
                self.urls.append((tag, a[key], a))


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def broken_links(root: Path, pages: list[Path], parsed: dict[Path, Links] | None = None) -> list[str]:
    """Each link of `pages` (HTML files under the site folder `root`) to a file of the site that does not exist,
    or to an anchor its page does not have (a fragment of `name=value` pairs is read by the page's script, not an
    anchor: `#sql=` opens the Query page with a query, `#from=…&to=…` a record list filtered). `parsed`: pages
    already parsed, by path."""
    parsed = dict(parsed or {})

    def links_of(path: Path) -> Links:  # each page parsed once, however many links point into it
        if path not in parsed:
            parsed[path] = parse(path)
        return parsed[path]

    broken = []
    for page in pages:
        here = "http://site/" + str(page.relative_to(root))
        for _, url, _ in links_of(page).urls:
            target = urlsplit(urljoin(here, url))
            if target.netloc != "site":
                continue
            path = root / unquote(target.path).lstrip("/")
            if path.is_dir():
                path = path / "index.html"
            if not path.exists():
                broken.append(f"{page.relative_to(root)}: {url}")
            elif target.fragment and path.suffix == ".html" and "=" not in target.fragment:
                if unquote(target.fragment) not in links_of(path).anchors:
                    broken.append(f"{page.relative_to(root)}: {url} (no such anchor)")
    return broken
