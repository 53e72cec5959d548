"""The real build, page by page: every reference resolves, every page reaches the main parts of the site, and no
page shows markup or an escaped entity as text. (tests/acceptance.py parses the pages as a browser would.)"""

from __future__ import annotations

import json
import re

import pytest

from scripts import manifest
from scripts.package import ROOT, load_package
from scripts.site import console
from tests.acceptance import exists, target

pytestmark = pytest.mark.acceptance

ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
# The elements the site's pages are made of: one of them in prose text is markup that was escaped once too often.
SITE_MARKUP = re.compile(r"</?(a|p|br|code|span|strong|em|ul|ol|li|dl|dt|dd|table|thead|tbody|tr|th|td|div|h[1-6]|"
                         r"blockquote|pre|details|summary|svg|g|path|text|title|small|sup|sub|img)(\s[^<>]*)?/?>")
EVERY_PAGE_REACHES = {"the record lists": "tables/index.html", "the timeline": "timeline/index.html",
                      "the map": "map/index.html", "the Query page": "query/index.html",
                      "the cookbook": "cookbook/index.html", "the downloads": "downloads/index.html",
                      "how to cite": "cite/index.html"}


@pytest.fixture(scope="module")
def site(real_build):
    return real_build / "site"


@pytest.fixture(scope="module")
def every_page(real_pages):
    return real_pages


def test_the_real_build_has_a_page_per_record_and_table(every_page):
    urls = {p.url for p in every_page}
    assert {"", "tables/", "query/", "downloads/", "cookbook/"} <= urls
    assert {f"tables/{table.name}/" for table in load_package(ROOT).tables} <= urls
    assert sum(u.startswith("records/") for u in urls) > 400


def test_every_reference_of_every_page_resolves(site, every_page):
    broken = sorted({(p.url, r) for p in every_page for r in p.references
                     if (path := target(site, p.url, r)) is not None and not exists(path)})
    assert broken == []


def test_every_file_the_sites_scripts_fetch_exists(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    missing = [d["location"] for d in index["docs"] if not exists(target(site, "", d["location"].split("#")[0]))]
    query_page = (site / "query" / "index.html").read_text(encoding="utf-8")
    config = json.loads(re.search(r'<script type="application/json" id="query-config">(.*?)</script>',
                                  query_page, re.S).group(1))
    listed = target(site, "query/", config["manifest"])
    published = manifest.read(listed.parent)
    missing += [f.name for f in published.files if not (listed.parent / f.name).is_file()]
    missing += [name for name in console.BUNDLE.values() if not (site / console.ASSETS / name).is_file()]
    assert missing == []


def test_no_page_shows_the_sites_markup_or_an_escaped_entity_as_text(every_page):
    """Code may show markup on purpose (the methodology's example of a summary holding a script), never an entity."""
    shown = [(p.url, m.group(0)) for p in every_page for m in [*SITE_MARKUP.finditer(p.text),
                                                                *ENTITY.finditer(p.text + " " + p.code)]]
    assert shown == []


def test_every_page_reaches_the_lists_the_timeline_the_map_the_query_page_the_downloads_and_how_to_cite(
        site, every_page):
    unreachable = []
    for p in every_page:
        if p.url in ("404.html",):
            continue
        reached = {target(site, p.url, r) for r in p.references}
        unreachable += [(p.url, what) for what, page in EVERY_PAGE_REACHES.items() if site / page not in reached]
    assert unreachable == []
