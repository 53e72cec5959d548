"""After validation, one read: the site, the audit and the spreadsheet read the built database, never the CSVs.
And the record pages, written from the one shell page MkDocs renders, link only to what exists, show every text
as text, and are in the search index.

The fixture package (one record of each kind, linked both ways) gets an HTML summary and a party named in HTML,
is built and released as `make build` does, and then loses its CSV files before the site is made."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from scripts import audit, build, spreadsheet
from scripts.identity import load_release
from scripts.package import ROOT, load_package
from scripts.site import shell
from scripts.site.build import build_site
from tests.conftest import XSS, broken_links, build_and_release, made_once, package_copy, parse

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;"
SITE_URL = "https://example.org/am-az/"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(package root, OUT): built, released, its CSVs removed, then its site made."""
    def make(folder: Path) -> None:
        copy = package_copy(folder / "pkg")
        for name in ("CITATION.cff", "CHANGELOG.md"):
            shutil.copy(ROOT / name, copy.root / name)
        (copy.root / "release.toml").write_text(f'version = "{load_package(copy.root).version}"\n'
                                                f'site_url = "{SITE_URL}"\n', encoding="utf-8")
        copy.set("meetings", 0, summary=XSS)
        copy.set("parties", 2, name=f"Russia {XSS}")
        copy.set("sources", 1, title="")  # the ministry's page, cited by mtg-0001, has no title
        schema = copy.root / "schemas" / "meetings.schema.json"
        described = json.loads(schema.read_text(encoding="utf-8"))
        next(f for f in described["fields"] if f["name"] == "format")["title"] = f"Format {XSS}"
        schema.write_text(json.dumps(described, indent=2), encoding="utf-8")
        out = copy.root / "build"
        package = build_and_release(copy.root, out)
        for table in package.tables:
            table.file.unlink()
        build_site(copy.root, out)
    root = made_once(tmp_path_factory, "one-read", make) / "pkg"
    return root, root / "build"


def record_pages(out: Path) -> list[Path]:
    return sorted((out / "site" / "records").glob("*/index.html"))


def test_the_site_is_made_from_the_database_with_no_csv_left(built):
    root, out = built
    assert not list((root / "data").glob("*.csv"))
    assert [p.parent.name for p in record_pages(out)] == ["clm-0001", "mmh-0001", "mtg-0001", "trf-0001"]
    assert '<tr id="mtg-0001">' in (out / "site" / "tables" / "meetings" / "index.html").read_text(encoding="utf-8")


def test_the_audit_reads_the_database_with_no_csv_left(built):
    root, out = built
    text = audit.audit(load_package(root), out)
    assert text.splitlines()[1].split() == ["meetings", "1", "1", "0", "0", "day", "1"]
    assert "0 records rest only on sources from one side:" in text


def test_the_spreadsheet_reads_the_database_with_no_csv_left(built, tmp_path):
    root, out = built
    package = load_package(root)
    path = spreadsheet.write_xlsx(package, load_release(package), out / build.DATABASE, tmp_path / "x.xlsx")
    assert path.stat().st_size > 0


def test_every_link_of_every_record_page_resolves(built):
    _, out = built
    assert broken_links(out / "site", record_pages(out)) == []


def test_record_pages_link_to_each_other_both_ways_to_tables_and_to_sources(built):
    _, out = built
    urls = {p.parent.name: {u for _, u, _ in parse(p).urls} for p in record_pages(out)}
    assert "../trf-0001/" in urls["mmh-0001"] and "../mmh-0001/" in urls["trf-0001"]
    assert "../clm-0001/" in urls["mmh-0001"]  # the claim about the handover, listed on the handover's page
    assert "../../tables/parties/#russia" in urls["mtg-0001"]
    assert "../../tables/meetings/" in urls["mtg-0001"]
    assert "https://example.org/statements/ministers-meeting" in urls["mtg-0001"]
    assert "../../methodology/#corrections" in urls["mtg-0001"]


def test_a_record_page_states_the_date_the_records_are_complete_through(built):
    _, out = built
    page = (out / "site" / "records" / "trf-0001" / "index.html").read_text(encoding="utf-8")
    assert " · Records complete through 28 February 2026.</p>" in page


def test_a_source_without_a_title_is_named_by_its_publisher_and_date_on_a_record_page(built):
    _, out = built
    page = (out / "site" / "records" / "mtg-0001" / "index.html").read_text(encoding="utf-8")
    assert 'target="_blank">Example Ministry, 11 January 2021</a>' in page
    assert 'target="_blank">https://' not in page


def test_a_title_and_a_summary_holding_html_show_as_text(built):
    _, out = built
    page = (out / "site" / "records" / "mtg-0001" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    title = f"Meeting, 11 January 2021: Moscow · Russia {ESCAPED}"
    assert f"<title>{title} - " in page
    assert page.count("<h1") == 1 and f"<h1>{title}</h1>" in page
    assert f"<p>{ESCAPED}</p>" in page


def test_no_placeholder_of_the_shell_is_left(built):
    _, out = built
    assert not (out / "site" / "records" / shell.SHELL).exists()
    for page in record_pages(out):
        text = page.read_text(encoding="utf-8")
        assert shell.TITLE not in text and shell.BODY not in text and f"/{shell.SHELL}/" not in text, page


def test_every_record_is_in_the_search_index_once_with_its_text_escaped(built):
    _, out = built
    docs = json.loads((out / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    records = [d for d in docs if d["location"].startswith("records/")]
    assert sorted(d["location"] for d in records) == [f"records/{p.parent.name}/" for p in record_pages(out)]
    meeting = next(d for d in records if d["location"] == "records/mtg-0001/")
    assert ESCAPED in meeting["title"] and ESCAPED in meeting["text"] and "<script>" not in json.dumps(docs)
    assert "Level: leaders" in meeting["text"]
    assert any(d["location"] == "tables/meetings/" for d in docs)  # the pages MkDocs built are still there


def test_a_record_page_names_a_field_by_its_schema_title_where_it_has_one(built):
    _, out = built
    page = (out / "site" / "records" / "mtg-0001" / "index.html").read_text(encoding="utf-8")
    terms = [html.unescape(re.sub(r"<[^>]+>", "", t)) for t in re.findall(r"<dt\b[^>]*>(.*?)</dt>", page, re.S)]
    assert f"Format {XSS}" in terms and "Place" in terms
    assert "<script>" not in "".join(re.findall(r"<dt\b[^>]*>.*?</dt>", page, re.S))


def test_the_sitemap_lists_every_record_page_and_not_the_shell(built):
    _, out = built
    text = (out / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert shell.SHELL not in text
    for page in record_pages(out):
        assert f"<loc>{SITE_URL}records/{page.parent.name}/</loc>" in text
    assert f"<loc>{SITE_URL}tables/meetings/</loc>" in text


def test_the_table_of_contents_of_a_record_page_lists_the_sections_it_has(built):
    _, out = built

    def toc(key: str) -> list[str]:
        text = (out / "site" / "records" / key / "index.html").read_text(encoding="utf-8")
        nav = text.split('aria-label="Table of contents"', 1)[1].split("</nav>", 1)[0]
        return re.findall(r'<a href="#([a-z-]+)" class="md-nav__link">', nav)

    assert toc("mmh-0001") == ["details", "linked-records", "claims-about-this-record", "sources", "history",
                               "cite-this-record"]
    assert toc("mtg-0001") == ["details", "sources", "history", "cite-this-record"]


def test_every_stage_declares_what_it_reads_and_writes_and_the_site_reads_no_csv():
    from scripts.pipeline import STAGE_FILES, STAGES

    assert list(STAGE_FILES) == ["validate", *STAGES]
    assert "data/" not in STAGE_FILES["site.build"][0] and "the database" in STAGE_FILES["site.build"][0]


def cite_line(page: Path) -> str:
    """The page's citation line, as a reader sees it."""
    found = re.search(r'<blockquote class="cite"><p>(.*?)</p></blockquote>', page.read_text(encoding="utf-8"))
    return html.unescape(found.group(1))


def test_a_record_pages_cite_line_names_the_release_the_record_its_address_and_the_day_accessed(built):
    root, out = built
    package = load_package(root)
    authors = ", ".join(c.title for c in package.contributors)
    assert cite_line(out / "site" / "records" / "trf-0001" / "index.html") == (
        f"{authors} (not yet released). {package.title} (version {package.version}) [Data set], record trf-0001: "
        f"Prisoner transfer, 12 June 2021: Azerbaijan → Armenia. {SITE_URL}records/trf-0001/ "
        "Accessed [day month year].")


def test_the_cite_page_gives_a_records_citation_as_its_page_does(built):
    _, out = built
    example = cite_line(out / "site" / "cite" / "index.html")
    key = re.search(r"record ([a-z]+-\d+):", example).group(1)
    assert example == cite_line(out / "site" / "records" / key / "index.html")


def test_every_page_hands_search_to_the_sites_worker_which_loads_materials(built):
    site = built[1] / "site"
    workers, materials = set(), set()
    for page in site.rglob("*.html"):
        found = re.search(r'<script id="__config" type="application/json">(.*?)</script>', page.read_text("utf-8"),
                          re.S)
        if found:  # addresses are relative, but absolute under the site's URL on the 404 page
            worker = urljoin(f"{SITE_URL}{page.relative_to(site).as_posix()}", json.loads(found[1])["search"])
            workers.add(worker.split("?")[0])
            materials.add(urljoin(worker, parse_qs(urlsplit(worker).query)["material"][0]))
    assert workers == {f"{SITE_URL}assets/theme/search.js"}
    [material] = materials
    assert re.fullmatch(rf"{SITE_URL}assets/javascripts/workers/search\.[0-9a-f]+\.min\.js", material)
    assert (site / material.removeprefix(SITE_URL)).is_file()
