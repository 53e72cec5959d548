"""The real build on a 390 px phone, in Chromium: controls a thumb can hit (at least 44 px each way), nothing
said only on hover, and charts whose titles stay clear of their legends."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from tests.acceptance import WIDTHS

pytestmark = pytest.mark.acceptance

TAP = 44  # px, each way
CONTROLS = (".explorer-filters select, .explorer-filters input, .datatable-input, .datatable-selector, "
            ".datatable-pagination-list-item-link, .datatable-sorter, .md-header__button, "
            ".md-nav--primary .md-nav__link")
MEASURE = """els => els.filter(e => e.getClientRects().length && getComputedStyle(e).visibility === "visible")
    .map(e => { const r = e.getBoundingClientRect(), what = e.className + " " + e.textContent.trim().slice(0, 30);
                return [what, Math.round(r.width), Math.round(r.height)]; })"""


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport={"width": WIDTHS["phone"], "height": 844}, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", ["tables/prisoner_transfers/", "tables/meetings/", "timeline/"])
def test_every_control_of_a_list_is_at_least_44_px_each_way_on_a_phone(phone, real_base, path):
    phone.goto(urljoin(real_base, path), timeout=120_000)
    phone.wait_for_selector("table.explorer[data-enhanced=true]")
    found = phone.eval_on_selector_all(CONTROLS, MEASURE)
    assert len(found) > 20
    assert [c for c in found if c[1] < TAP or c[2] < TAP] == []


CHARTS = ["events-per-month.svg", "people-per-month.svg", "mines.svg"]
BOXES = """() => { const box = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
    const svg = document.documentElement;
    return {title: box(svg.querySelector(".chart-title")), legend: [...svg.querySelectorAll(".legend > g")].map(box),
            texts: [...svg.querySelectorAll("text")].map(t => [t.textContent, ...box(t)]), chart: box(svg)}; }"""


def overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("chart", CHARTS)
def test_a_charts_title_is_clear_of_its_legend(phone, real_base, chart):
    phone.goto(urljoin(real_base, f"charts/{chart}"))
    found = phone.evaluate(BOXES)
    assert [box for box in found["legend"] if overlap(found["title"], box)] == []


@pytest.mark.parametrize("chart", CHARTS)
def test_every_label_of_a_chart_is_inside_the_chart(phone, real_base, chart):
    phone.goto(urljoin(real_base, f"charts/{chart}"))
    found = phone.evaluate(BOXES)
    left, top, right, bottom = found["chart"]
    outside = [t for t in found["texts"] if t[1] < left or t[2] < top or t[3] > right or t[4] > bottom]
    assert outside == []


def test_no_page_asks_the_reader_to_hover(real_pages):
    """A phone has no hover: what a page says is in its text, a chart's numbers in its CSV."""
    assert [p.url for p in real_pages if re.search(r"\bhover", p.text, re.I)] == []
