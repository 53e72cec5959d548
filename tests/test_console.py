"""The Query page as generated: its links carry the query, and its settings name the manifest that names the
database. (tests/test_acceptance_query.py drives the page of the real build in Chromium; the fixture site here
has a planted meeting whose summary is HTML, to show data stays text.)"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin

import pytest

from scripts import manifest
from scripts.package import ROOT, load_package
from scripts.site import console
from tests.acceptance import Console
from tests.conftest import XSS


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.hrefs.append(dict(attrs)["href"])


def cookbook() -> list:
    return sorted((ROOT / "queries").glob("*.sql"))


def test_each_cookbook_query_has_a_link_that_opens_it_in_the_query_page(site):
    parser = Links()
    parser.feed((site / "site" / "cookbook" / "index.html").read_text(encoding="utf-8"))
    opened = [h for h in parser.hrefs if "#sql=" in h]
    assert len(opened) == len(cookbook())
    for href, path in zip(opened, cookbook(), strict=True):
        target, _, sql = href.partition("#sql=")
        assert urljoin("http://x/cookbook/", target) == "http://x/query/"
        assert unquote(sql) == path.read_text(encoding="utf-8")


def test_each_table_page_links_to_its_rows_in_the_query_page(site):
    for table in load_package(ROOT).tables:
        parser = Links()
        parser.feed((site / "site" / "tables" / table.name / "index.html").read_text(encoding="utf-8"))
        target, _, sql = next(h for h in parser.hrefs if "#sql=" in h).partition("#sql=")
        assert urljoin(f"http://x/tables/{table.name}/", target) == "http://x/query/"
        assert unquote(sql) == f"SELECT * FROM {table.name}"


def test_the_pages_settings_name_the_manifest_that_names_the_published_database(site):
    page = (site / "site" / "query" / "index.html").read_text(encoding="utf-8")
    settings = json.loads(re.search(r'id="query-config">(.*?)</script>', page, re.S).group(1))
    assert settings["manifest"] == f"../downloads/{manifest.MANIFEST}"
    published = manifest.read(site / "site" / "downloads")
    assert (site / "site" / "downloads" / published.one("database").name).is_file()
    assert settings["rowCap"] == console.ROW_CAP and settings["reads"] == list(console.READS)


def test_query_link_is_relative_and_needs_no_escaping():
    link = console.query_link("SELECT '<a href=\"x\">' AS t, 1 + 1 -- & #", "tables/meetings.md")
    assert link.startswith("../../query/#sql=SELECT%20%27%3Ca%20href%3D%22x%22%3E%27")
    assert not set("<>\"'& #+") & set(link.partition("#sql=")[2])
    assert unquote(link.partition("#sql=")[2]) == "SELECT '<a href=\"x\">' AS t, 1 + 1 -- & #"
    assert console.query_link("SELECT 1", "query.md") == "./#sql=SELECT%201"
    assert console.table_query("mine-maps") == 'SELECT * FROM "mine-maps"'


@pytest.mark.browser
def test_data_shows_as_text_and_never_runs(browser, base):
    context = browser.new_context()
    page = Console(context, base)
    page.run("SELECT meeting_id, summary FROM meetings WHERE meeting_id = 'mtg-9999'")
    assert page.rows() == [["mtg-9999", XSS]]
    assert page.page.locator("#query-result img, #query-result script").count() == 0
    assert page.dialogs == [] and page.outside == [] and page.problems == []
    context.close()
