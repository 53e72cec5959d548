"""The built site in a real browser: search works, records and downloads are all there, every link resolves, and a
planted HTML summary is shown as text and never runs (that every page loads cleanly: test_acceptance_pages).

The site is built once per session from a copy of this repository's package with one planted meeting and one
planted source whose text is HTML, plus the database and Parquet files of the build stage, and served by
`python -m http.server` on 127.0.0.1. Chromium is Debian's (`.ci/run` installs it); Playwright never downloads one.
"""

from __future__ import annotations

import csv
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scripts import manifest
from scripts.package import ROOT, load_package
from tests.conftest import XSS, broken_links, parse

pytestmark = pytest.mark.browser  # the site is made once per run (conftest.made_once), whichever worker asks




def csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


class Watched:
    """A page that records console errors, script errors, failed requests and dialogs."""

    def __init__(self, browser):
        self.page = browser.new_page()
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on("requestfailed", self.on_failed)
        self.page.on("dialog", self.on_dialog)

    def on_failed(self, request):
        """A request the browser cancelled because the page moved on is no fault of the site."""
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def on_dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.page.close()


def test_search_finds_aghdam(base, watched):
    with watched.page.expect_response(lambda r: r.url.endswith("search/search_index.json")):
        watched.page.goto(base)
    box = watched.page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("Aghdam", delay=30)
    results = watched.page.locator(".md-search-result__item")
    results.first.wait_for(state="visible", timeout=10_000)
    assert "Aghdam" in watched.page.locator(".md-search-result").inner_text()


def test_each_table_page_shows_as_many_records_as_its_csv(site, base, watched):
    for table in load_package(ROOT).tables:
        published = manifest.read(site / "docs" / "downloads").one("csv", table.name)
        expected = csv_rows(site / "docs" / "downloads" / published.name)
        html = watched.page.request.get(f"{base}tables/{table.name}/").text()  # as served: every row is there
        listed = html.split('<table class="records', 1)[1].split("</table>", 1)[0].count("<tr") - 1
        assert listed == expected, f"{table.name}: {listed} rows listed, {expected} in the CSV"
        watched.page.goto(f"{base}tables/{table.name}/")
        if watched.page.locator("table.explorer").count():  # paged in the browser: the count says them all
            watched.page.wait_for_selector("table.explorer[data-enhanced=true]")
            assert f"of {expected} records" in watched.page.locator(".datatable-info").inner_text(), table.name
        else:
            assert watched.page.locator("table.records tbody tr").count() == expected, table.name


def test_the_timeline_shows_its_three_charts(base, watched):
    watched.page.goto(f"{base}timeline/")
    watched.page.wait_for_load_state("load")
    charts = watched.page.locator('object[data$=".svg"]')
    assert charts.count() == 3
    for i in range(3):
        assert charts.nth(i).evaluate("o => !!(o.contentDocument && o.contentDocument.querySelector('svg title'))")


def test_every_download_link_answers_200(site, base, watched):
    hrefs = set()
    for path in ["downloads/", "tables/meetings/", "tables/sources/"]:
        watched.page.goto(base + path)
        hrefs |= set(watched.page.eval_on_selector_all('table.downloads a, a[href*="downloads/"]',
                                                       "as => as.map(a => a.href)"))
    names = {h.rsplit("/", 1)[1] for h in hrefs}
    assert {f.name for f in manifest.read(site / "docs" / "downloads").files} <= names
    for href in hrefs:
        assert watched.page.request.get(href).status == 200, href


def test_a_planted_html_summary_shows_as_text_and_never_runs(base, watched):
    html = watched.page.request.get(f"{base}tables/meetings/").text()
    assert "<script>alert" not in html
    watched.page.goto(f"{base}tables/meetings/#mtg-9999")  # a row's anchor opens the record's page
    watched.page.wait_for_url("**/records/mtg-9999/")
    assert XSS in watched.page.locator("article").inner_text()
    watched.page.goto(f"{base}timeline/")
    watched.page.wait_for_selector("table.explorer[data-enhanced=true]")
    watched.page.locator(".datatable-input").fill("mtg-9999")
    assert XSS in watched.page.locator("table.chronology tr", has_text="mtg-9999").inner_text()
    watched.page.goto(f"{base}bibliography/")
    assert XSS in watched.page.locator("li#src-0badc0de").inner_text()
    box = watched.page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("onerror", delay=30)
    watched.page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=10_000)
    watched.page.wait_for_timeout(300)
    assert watched.dialogs == []
    assert [p for p in watched.problems if "example.org" not in p and "/x" not in p] == []
    assert watched.page.locator("img[src='x']").count() == 0


@pytest.fixture(scope="module")
def site_links(site) -> dict:
    """Every page of the site, parsed once for the link tests."""
    return {page: parse(page) for page in sorted((site / "site").rglob("*.html"))}


def test_every_internal_link_and_anchor_resolves(site, site_links):
    assert broken_links(site / "site", list(site_links), site_links) == []


def test_external_links_open_with_noopener(site_links):
    external = []
    for page, links in site_links.items():
        for tag, url, attrs in links.urls:
            if tag == "a" and urlsplit(url).scheme in ("http", "https"):
                external.append((page.name, url, attrs))
    sources = [a for _, url, a in external if "example.org/planted" in url]
    assert sources and all("noopener" in a.get("rel", "") and a.get("target") == "_blank" for a in sources)
    assert [url for _, url, a in external if a.get("target") == "_blank" and "noopener" not in a.get("rel", "")] == []
    assert not any(url.startswith("javascript:") for _, url, _ in external)
