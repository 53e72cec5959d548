"""The record explorer in a real browser: a page per record with its sources, record lists that filter, a
map and search that lead to records (that pages fit a phone and ask nothing of another host: test_acceptance_pages).

The site is built once per module from this repository's package (build stage, then the site stage) into a
temporary folder and served by `python -m http.server` on 127.0.0.1. Chromium is Debian's; Playwright never
downloads one.
"""

from __future__ import annotations

import csv

import pytest

from scripts.package import ROOT, load_package

pytestmark = pytest.mark.browser  # the site is made once per run (conftest.made_once), whichever worker asks


def rows(table: str) -> list[dict]:
    package = load_package(ROOT)
    with (ROOT / package.table(table).path).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def page(browser, base):
    """A page in a context of its own (a request to another host fails: `acceptance.OFFLINE`)."""
    context = browser.new_context()
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def test_every_record_has_a_page(site):
    package = load_package(ROOT)
    tables = list(package.record_tables().values())
    assert {t.name for t in tables} >= {"meetings", "prisoner_transfers", "mine_map_handovers", "claims"}
    missing = [r[t.primary_key[0]] for t in tables for r in rows(t.name)
               if not (site / "site" / "records" / r[t.primary_key[0]] / "index.html").is_file()]
    assert missing == []


def test_trf_0013_lists_all_its_sources_with_links(base, page):
    cited = {c["source_id"] for c in rows("citations") if c["record_id"] == "trf-0013"}
    urls = {s["url"] for s in rows("sources") if s["source_id"] in cited}
    assert len(cited) >= 2
    page.goto(f"{base}records/trf-0013/")
    items = page.locator("ol.record-sources > li")
    assert items.count() == len(cited)
    assert {items.nth(i).get_attribute("id") for i in range(items.count())} == cited
    shown = set(page.eval_on_selector_all("ol.record-sources a[target=_blank]", "as => as.map(a => a.href)"))
    assert {u.rstrip("/") for u in urls} <= {u.rstrip("/") for u in shown}
    assert "15" in page.locator("dl.record-facts").inner_text()
    assert page.locator("a[href$='mmh-0002/']").count() >= 1  # the Aghdam maps of the same day


def test_filtering_meetings_to_cancelled_shows_exactly_the_cancelled_meetings(base, page):
    cancelled = {m["meeting_id"] for m in rows("meetings") if m["status"] == "cancelled"}
    assert cancelled
    page.goto(f"{base}tables/meetings/")
    page.wait_for_selector("table.explorer[data-enhanced=true]")
    status = page.locator('.explorer-filters select[aria-label="Status"]')
    status.select_option("cancelled")
    page.locator(".datatable-dropdown select").select_option("1000")
    page.wait_for_timeout(200)
    shown = set(page.eval_on_selector_all("table.explorer tbody code.rid", "cs => cs.map(c => c.textContent)"))
    assert shown == cancelled
    assert f"of {len(cancelled)} records" in page.locator(".datatable-info").inner_text()
    assert page.errors == []


def test_charts_say_what_they_show_and_carry_a_value_per_mark(site):
    charts = site / "site" / "charts"
    for name in ("events-per-month.svg", "people-per-month.svg", "mines.svg"):
        svg = (charts / name).read_text(encoding="utf-8")
        assert "<title>" in svg.split("<g", 1)[0], name  # the chart's own title comes first
        assert svg.count("<title>") > 2, name
        assert "Source:" in svg, name
    assert "97,000" in (charts / "mines.svg").read_text(encoding="utf-8")
    assert (charts / "mines-per-handover.csv").read_text(encoding="utf-8").startswith("handover_id,")


def test_the_timeline_filters_by_record_type(base, page):
    page.goto(f"{base}timeline/")
    page.wait_for_selector("table.explorer[data-enhanced=true]")
    kind = page.locator('.explorer-filters select[aria-label="Kind"]')
    kind.select_option("Mine-map handover")
    page.wait_for_timeout(200)
    expected = len(rows("mine_map_handovers"))
    assert f"of {expected} records" in page.locator(".datatable-info").inner_text()


def test_the_map_links_its_marks_to_records(base, page):
    page.goto(f"{base}map/")
    marks = page.locator("svg.map a")
    assert marks.count() >= 10
    aghdam = page.locator("svg.map a", has=page.locator("title", has_text="Aghdam district")).first
    assert "records/mmh-0002/" in aghdam.get_attribute("href")


def search_worker(page):
    """The page's search worker, once the page has handed it the index."""
    worker = page.workers[0] if page.workers else page.wait_for_event("worker")
    for _ in range(200):
        if worker.evaluate("setup !== null"):
            return worker
        page.wait_for_timeout(50)
    raise AssertionError("the search worker was never given the index")


def test_a_page_view_builds_no_search_index_until_the_reader_searches(base, page):
    page.goto(f"{base}records/trf-0013/")
    worker = search_worker(page)
    page.wait_for_timeout(300)
    assert worker.evaluate("building") is None
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("Aghdam", delay=30)
    page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=10_000)
    assert worker.evaluate("building !== null")


def test_search_leads_to_record_pages(base, page):
    with page.expect_response(lambda r: r.url.endswith("search/search_index.json")):
        page.goto(base)
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("Aghdam", delay=30)
    page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=10_000)
    page.wait_for_timeout(700)
    links = page.eval_on_selector_all(".md-search-result__item > a", "as => as.map(a => a.href)")
    assert any("/records/" in h for h in links[:3]), links[:5]
    assert any(h.split("?")[0].endswith(("/records/mmh-0002/", "/records/trf-0013/")) for h in links), links


def test_the_party_filter_finds_a_mediator_named_after_the_direction(base, page):
    """`Azerbaijan → Armenia · Hungary`: each name counts, the last one too."""
    parties = {p["party_id"]: p["name"] for p in rows("parties")}
    transfers = rows("prisoner_transfers")
    mediated = [t for t in transfers if t.get("mediator_party") == "hungary"]
    involved = [t for t in transfers if "hungary" in (t.get("from_party"), t.get("to_party"), t.get("mediator_party"))]
    assert mediated
    page.goto(f"{base}tables/prisoner_transfers/")
    page.wait_for_selector("table.explorer[data-enhanced=true]")
    page.locator('.explorer-filters select[aria-label="Party"]').select_option(parties["hungary"])
    page.wait_for_timeout(200)
    assert f"of {len(involved)} records" in page.locator(".datatable-info").inner_text()
