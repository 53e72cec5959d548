"""The generated pages say what the schemas say, show every record, and show data as text, never as markup."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from scripts import build, charts
from scripts.package import load_package
from scripts.rules import field_words
from scripts.site import build as site
from scripts.site.html import esc, external_link, href, prose
from tests.conftest import PackageCopy, build_and_release, made_once, package_copy

XSS = "<script>alert(1)</script> <img src=x onerror=alert(1)>"


def prepare(root: Path, out: Path) -> None:
    """The build and release stages' outputs, then the pages of the site staged from them (no mkdocs run)."""
    build_and_release(root, out)
    site.prepare(root, out)


def staged_page(out: Path, page: str | Path) -> str:
    """A staged page with its lists of rows (`context.Blocks`, put into the built page after MkDocs) in place."""
    text = (out / "docs" / page).read_text(encoding="utf-8")
    return re.sub(r"<!-- site-block: (\d+) -->",
                  lambda m: (out / site.BLOCKS / f"{m.group(1)}.html").read_text(encoding="utf-8"), text)


@pytest.fixture(scope="module")
def fixture_copy(tmp_path_factory) -> PackageCopy:
    """The fixture package, staged once for the tests that only read its pages."""
    return PackageCopy(made_once(tmp_path_factory, "docs", lambda folder: package_copy(folder / "pkg")) / "pkg")


@pytest.fixture(scope="module")
def staged(fixture_copy: PackageCopy, tmp_path_factory):
    """Generate the pages of the fixture package (no mkdocs run) and return a reader of staged pages."""
    out = made_once(tmp_path_factory, "docs-out", lambda out: prepare(fixture_copy.root, out))
    return lambda page: staged_page(out, page)


def test_every_table_has_a_page_naming_every_field_of_its_schema(fixture_copy, staged):
    package = fixture_copy
    for table in load_package(package.root).tables:
        page = staged(f"tables/{table.name}.md")
        assert table.title in page
        for field in table.fields:
            assert f'id="field-{field.name}"' in page, f"{table.name}.{field.name} missing"
            assert prose(field.description) in page


def test_every_code_is_listed_with_its_label(fixture_copy, staged):
    package = fixture_copy
    for table in load_package(package.root).tables:
        page = staged(f"tables/{table.name}.md")
        for field in table.fields:
            for c in field.codes:
                assert f"<dt><code>{esc(c.value)}</code></dt><dd>{prose(c.label)}</dd>" in page


def test_every_rule_of_a_field_is_worded_in_its_data_dictionary(fixture_copy, staged):
    package = fixture_copy
    package_model = load_package(package.root)
    page = staged("tables/prisoner_transfers.md")
    table = package_model.table("prisoner_transfers")
    for field in table.fields:
        for words in field_words(package_model, table, field):
            assert prose(words) in page, (field.name, words)


def test_a_table_page_shows_as_many_records_as_its_csv(fixture_copy, staged):
    package = fixture_copy
    page = staged("tables/meetings.md")
    assert page.count('<tr id="mtg-') == len(package.rows["meetings"])
    assert "**Rows:** 1" in page


def test_a_table_page_states_the_date_its_records_are_complete_through(fixture_copy, staged):
    through = json.loads((fixture_copy.root / "datapackage.json").read_text(encoding="utf-8"))["x-completeThrough"]
    assert through == "2026-02-28"
    assert "**Rows:** 1 (Records complete through 28 February 2026)" in staged("tables/meetings.md")


def test_a_summary_holding_html_is_shown_as_text_on_every_page(package, tmp_path):
    package.set("meetings", 0, summary=XSS)
    out = tmp_path / "xss"
    prepare(package.root, out)
    docs = out / "docs"
    pages = {p: re.sub(r"`[^`]*`", "", staged_page(out, p.relative_to(docs))) for p in docs.rglob("*.md")}
    assert not any("<script>alert" in text or "<img src=x" in text for text in pages.values())
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;"
    assert escaped in pages[out / "docs" / "tables" / "meetings.md"]
    assert escaped in pages[out / "docs" / "timeline.md"]


def test_a_source_link_opens_with_noopener_and_only_for_http_urls():
    assert external_link("https://example.org/a?b=1&c=2", "A <b>") == (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer" target="_blank">A &lt;b&gt;</a>')
    assert external_link("javascript:alert(1)", "x") == "x"
    assert external_link('https://e.org/"onmouseover="alert(1)', "x").count('"') == 6


def test_the_json_ld_cannot_be_closed_by_a_value(package, tmp_path):
    package.set("places", 0, name="</script><script>alert(1)</script>")
    prepare(package.root, tmp_path / "out")
    home = (tmp_path / "out" / "docs" / "index.md").read_text(encoding="utf-8")
    start = home.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    body = home[start:home.index("</script>", start)]
    data = json.loads(body)
    assert data["@type"] == "Dataset" and "</script>" in json.dumps(data["spatialCoverage"])
    assert data["temporalCoverage"] == "2021-01-11/2021-08-14"


def test_the_home_page_counts_come_from_the_data(staged):
    home = staged("index.md")
    assert "<!-- generated:" not in home
    assert '<a href="tables/meetings/">Meetings</a></td><td>1</td>' in home
    assert '<a href="tables/sources/">Sources</a></td><td>2</td>' in home


def test_the_sources_page_links_each_source_to_the_records_citing_it(staged):
    page = staged("bibliography.md")
    assert '<a href="../records/mtg-0001/">mtg-0001</a>' in page
    assert 'rel="noopener noreferrer" target="_blank"' in page


def test_a_source_without_a_title_is_named_by_its_publisher_and_date_on_the_sources_page(package, tmp_path):
    package.set("sources", 1, title="")
    out = tmp_path / "untitled"
    prepare(package.root, out)
    page = staged_page(out, "bibliography.md")
    assert 'target="_blank">Example Ministry, 2021-01-11</a>' in page
    assert 'target="_blank">https://' not in page


def test_the_cookbook_builds_with_no_queries_and_runs_each_query(package, tmp_path):
    for query in (package.root / "queries").glob("*.sql"):
        query.unlink()
    prepare(package.root, tmp_path / "none")
    assert "No queries yet." in (tmp_path / "none" / "docs" / "cookbook.md").read_text(encoding="utf-8")
    (package.root / "queries" / "held.sql").write_text(
        "-- Meetings held\n-- One row per meeting that took place.\nSELECT meeting_id, summary FROM meetings\n")
    prepare(package.root, tmp_path / "q")
    page = staged_page(tmp_path / "q", "cookbook.md")
    assert "## Meetings held" in page and "1 rows." in page and "<td>mtg-0001</td>" in page


def test_a_broken_query_stops_the_build_naming_its_file(package, tmp_path):
    (package.root / "queries" / "bad.sql").write_text("SELECT nothing FROM nowhere\n")
    with pytest.raises(RuntimeError, match="queries/bad.sql"):
        prepare(package.root, tmp_path / "out")


def test_charts_are_reproducible_svg(package, tmp_path):
    prepare(package.root, tmp_path / "a")
    (tmp_path / "b").mkdir()
    for name in (build.DATABASE, "downloads", "changes.csv"):  # the site again, from the same build
        copy = shutil.copytree if (tmp_path / "a" / name).is_dir() else shutil.copy
        copy(tmp_path / "a" / name, tmp_path / "b" / name)
    site.prepare(package.root, tmp_path / "b")
    for name in ("events-per-month.svg", "mines.svg", "people-per-month.svg"):
        first = (tmp_path / "a" / "docs" / "charts" / name).read_bytes()
        assert first.startswith(b"<?xml") and b"<svg" in first
        assert first == (tmp_path / "b" / "docs" / "charts" / name).read_bytes()


def test_monthly_axis_runs_from_the_ceasefire_month():
    import datetime as dt

    axis = charts.months(dt.date(2021, 2, 14))
    assert axis == [dt.date(2020, 11, 1), dt.date(2020, 12, 1), dt.date(2021, 1, 1), dt.date(2021, 2, 1)]


def test_a_chart_with_more_series_than_colours_folds_the_smallest_into_one():
    import datetime as dt

    rows = [(dt.date(2021, 6, 1), f"Party {i} → Party {i + 1}", float(i + 1)) for i in range(12)]
    svg = charts.stacked_months(rows, "People", dt.date(2021, 12, 1), "People per month", "Source: a test", "people")
    legend = [t for t in re.findall(r"<text [^>]*>([^<]*)</text>", svg.decode()) if "Party" in t or "Others" in t]
    assert legend == sorted(f"Party {i} → Party {i + 1}" for i in range(5, 12)) + ["Others (5)"]
    assert "June 2021: 15 people (Others (5))" in svg.decode()  # 1 + 2 + 3 + 4 + 5


def test_links_between_pages_follow_directory_urls():
    assert href("tables/meetings.md", "tables/places.md", "moscow") == "../places/#moscow"
    assert href("timeline.md", "tables/meetings.md") == "../tables/meetings/"
    assert href("tables/index.md", "index.md") == "../"


def test_the_nav_lists_every_table_of_the_descriptor(tmp_path):
    package = load_package()
    nav = site.site_config(package, tmp_path, tmp_path / "site")["nav"]
    tables = next(item["Tables"] for item in nav if "Tables" in item)
    assert [next(iter(t.values())) for t in tables[1:]] == [f"tables/{t.name}.md" for t in package.tables]
