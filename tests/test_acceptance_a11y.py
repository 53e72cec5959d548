"""Accessibility of the real build, in Chromium at 1280 px and 390 px: axe-core (pinned in package-lock.json and
served by the site itself, as every front-end file is) finds no serious or critical violation on the pages readers
use most."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.acceptance

AXE = "assets/vendor/axe.min.js"  # copied from node_modules by the site build (scripts/site/tables.py VENDOR)
PAGES = {"Home": "", "a list": "tables/prisoner_transfers/", "a record page": "records/trf-0013/", "the map": "map/",
         "the timeline": "timeline/", "the Query page": "query/"}
RUN = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(" ")).join(", ")}`)"""


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_or_critical_violation(reader, real_base, name):
    reader.goto(urljoin(real_base, PAGES[name]), timeout=120_000)
    if reader.locator("table.explorer").count():
        reader.wait_for_selector("table.explorer[data-enhanced=true]")  # the filters and the pager are there too
    reader.add_script_tag(url=urljoin(real_base, AXE))
    assert reader.evaluate(RUN) == []
