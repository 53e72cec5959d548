"""Every page of the real build, visited once in Chromium at a phone's width (390 px) with scripts on, as most
readers meet it: each loads with no console error, failed request or dialog, asks nothing of another host, and
is no wider than the screen, its maps and charts included. Of the record pages, which share one layout, the
first of each kind and the one most likely to be wide (`acceptance.layout_risks`) are visited."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

import pytest

from tests.acceptance import WIDTHS, count_requests, layout_risks, record_requests, settle

pytestmark = pytest.mark.acceptance

FIGURES = "article svg, article object, article img"


@dataclass
class Visit:
    width: int = 0  # of the page's content, px
    figures: list[int] = field(default_factory=list)  # the right edge of each map, chart and image, px
    problems: list[str] = field(default_factory=list)  # console errors, script errors, failed requests
    dialogs: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)  # requests to another host (they fail: acceptance.OFFLINE)


def visited_pages(real_pages) -> list[str]:
    """Every page but the record pages, then the record pages `layout_risks` picks."""
    others = [p.url for p in real_pages if not p.url.startswith("records/") and (p.url == "" or p.url.endswith("/"))]
    return others + layout_risks(real_pages)


@pytest.fixture(scope="module")
def visits(browser, real_base, real_pages) -> dict[str, Visit]:
    context = browser.new_context(viewport={"width": WIDTHS["phone"], "height": 844}, is_mobile=True, has_touch=True)
    page = count_requests(context.new_page())
    found: dict[str, Visit] = {}
    now, outside = Visit(), []
    record_requests(context, outside)

    def dialog(d):
        now.dialogs.append(d.message)
        d.dismiss()

    page.on("console", lambda m: m.type == "error" and now.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: now.problems.append(f"script error: {e}"))
    page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED" and now.problems.append(
        f"request failed: {r.url} ({r.failure})"))  # aborted: cancelled as the page moved on
    page.on("dialog", dialog)
    for path in visited_pages(real_pages):
        found[path] = now = Visit()
        before = len(outside)
        response = page.goto(urljoin(real_base, path))
        if response.status != 200:
            now.problems.append(f"HTTP {response.status}")
        settle(page)
        now.outside = outside[before:]
        now.width = page.evaluate("() => document.documentElement.scrollWidth")
        now.figures = [round(r) for r in page.eval_on_selector_all(
            FIGURES, "els => els.map(e => e.getBoundingClientRect().right)")]
    context.close()
    return found


def test_the_visit_covers_every_kind_of_page(visits):
    kinds = {path.split("/")[1].split("-")[0] for path in visits if path.startswith("records/")}
    assert kinds >= {"mtg", "trf", "mmh", "clm", "doc", "prv"}
    assert {"", "tables/meetings/", "timeline/", "map/", "query/", "commitments/", "downloads/"} <= set(visits)


def test_every_page_loads_with_no_console_error_failed_request_or_dialog(visits):
    assert {path: v.problems + v.dialogs for path, v in visits.items() if v.problems or v.dialogs} == {}


def test_no_page_asks_anything_of_another_host(visits):
    assert {path: v.outside for path, v in visits.items() if v.outside} == {}


def test_no_page_is_wider_than_a_phones_screen(visits):
    assert {path: v.width for path, v in visits.items() if v.width > WIDTHS["phone"]} == {}


def test_the_maps_and_the_charts_fit_a_phones_screen(visits):
    assert {"map/", "timeline/", "commitments/"} <= {path for path, v in visits.items() if v.figures}
    assert {path: v.figures for path, v in visits.items() if max(v.figures, default=0) > WIDTHS["phone"]} == {}
