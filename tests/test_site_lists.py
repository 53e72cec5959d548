"""The record lists as the site build writes them, on the small fixture package: the columns a reader filters
and searches by (direction, place) and the figures the totals line sums, which docs/assets/explorer.js reads."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from scripts.package import load_package
from scripts.site import tables
from scripts.site.context import Blocks, Site
from scripts.site.values import Lookup


@pytest.fixture(scope="module")
def site(fixture_database: Path, tmp_path_factory) -> Site:
    package = load_package(fixture_database.parent.parent)
    with duckdb.connect(str(fixture_database), read_only=True) as db:
        yield Site(package, db, None, fixture_database.parent, Blocks(tmp_path_factory.mktemp("blocks")))


def listing(site: Site, name: str) -> str:
    """The list of the table `name`, as its page gets it."""
    marker = tables.record_list(site, Lookup(site), site.package.table(name), f"tables/{name}.md")
    block = re.search(r"site-block: (\d+)", marker).group(1)
    return (site.blocks.folder / f"{block}.html").read_text(encoding="utf-8")


def config(html: str) -> dict:
    return json.loads(re.search(r'data-explorer="([^"]*)"', html).group(1).replace("&quot;", '"'))


def headings(html: str) -> list[str]:
    return re.findall(r"<th>(.*?)</th>", html)


def test_the_transfers_list_marks_its_who_column_as_a_direction_from_one_party_to_another(site):
    html = listing(site, "prisoner_transfers")
    assert config(html)["direction"] == headings(html).index("Who")
    assert "<td>Azerbaijan → Armenia</td>" in html


def test_the_meetings_list_has_no_direction_to_filter(site):
    assert "direction" not in config(listing(site, "meetings"))


def test_the_meetings_list_has_a_place_column_naming_the_place(site):
    html = listing(site, "meetings")
    assert headings(html) == ["Date", "Record", "Who", "Place", "Status", "Level", "Format", "Record status"]
    assert "<td>Russia</td><td>Moscow</td><td>" in html


def test_a_list_names_each_place_of_a_list_of_places(site):
    html = listing(site, "mine_map_handovers")
    assert "Area places" in headings(html)
    assert "<td>Aghdam district</td>" in html


def test_each_row_of_the_transfers_list_carries_its_people_min_best_and_max_for_the_totals_line(site):
    html = listing(site, "prisoner_transfers")
    assert config(html)["counts"] == [{"label": "People", "column": headings(html).index("People")}]
    assert '<tr id="trf-0001" data-count-0="15 15 15">' in html
