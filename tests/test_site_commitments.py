"""Commitments on the site: a document's page lists its provisions with their status and the records linked to
them, and every record page has a History section read from the database's `changes` table.

The fixture package (one record of each kind) gets a document with two provisions, one of them carried out by the
transfer, and a previous release 0.0.9 (dated 15 January 2026) in which the transfer had another summary and
figure and a meeting that is now removed; it is built and released as `make build` does, then loses its CSVs and
releases/ before its site is made."""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import pytest

from scripts import build, release
from scripts.package import ROOT, load_package
from scripts.site.build import build_site
from tests.conftest import URL_A, URL_B, XSS, made_once, package_copy, source_id, write_table

SVG = "{http://www.w3.org/2000/svg}"
RELEASE_TOML = """version = "0.1.0"

[previous]
version = "0.0.9"
released = 2026-01-15

[removed]
"mtg-0002" = "Duplicate of mtg-0001."
"""


def add_commitments(copy) -> None:
    copy.rows["documents"] = [
        {"document_id": "doc-0001", "date": "2020-11-10", "date_precision": "day", "title": "Joint statement",
         "kind": "joint_declaration", "action": "signed", "party_ids": "armenia;azerbaijan;russia",
         "summary": "The leaders agreed on a ceasefire.", "record_status": "confirmed"}]
    copy.rows["provisions"] = [
        {"provision_id": "prv-0001", "document_id": "doc-0001", "point": "8",
         "summary": "The parties exchange prisoners.", "category": "prisoners_and_detainees",
         "status": "partly_implemented", "status_note": "Some were exchanged.", "record_status": "confirmed"},
        {"provision_id": "prv-0002", "document_id": "doc-0001", "point": "9", "summary": "Transport links open.",
         "category": "transport_and_communications", "deadline": "2021-06-01", "deadline_precision": "month",
         "status": "not_implemented", "status_note": XSS, "record_status": "confirmed"}]
    copy.rows["provision_links"] = [
        {"provision_id": "prv-0001", "record_id": "trf-0001", "relation": "implements",
         "source_ids": source_id(URL_A)}]
    copy.rows["citations"] += [{"record_id": r, "source_id": source_id(URL_B)}
                               for r in ("doc-0001", "prv-0001", "prv-0002")]
    copy.write()


def previous_release(root: Path) -> None:
    """releases/0.0.9: the tables as 0.0.9 had them, with the transfer's summary and figure changed since
    and a meeting that 0.1.0 removes, and the changes 0.0.9 made."""
    package = load_package(root)
    folder = root / "releases" / "0.0.9" / "data"
    folder.mkdir(parents=True)
    for table in package.tables:
        shutil.copy(table.file, folder / table.file.name)
    transfers = package.table("prisoner_transfers")
    rows = [dict(r) for r in _rows(root, "prisoner_transfers")]
    rows[0].update(summary="Servicemen were handed over.", people_best="14")
    write_table(folder / transfers.file.name, transfers.field_names, rows)
    meetings = package.table("meetings")
    old = _rows(root, "meetings") + [dict(_rows(root, "meetings")[0], meeting_id="mtg-0002")]
    write_table(folder / meetings.file.name, meetings.field_names, old)
    (folder.parent / "changes.csv").write_text(
        "table_name,record_id,change,field,old_value,new_value,reason\n"
        "meetings,mtg-0001,added,,,,\nmeetings,mtg-0002,added,,,,\n"
        f"citations,mtg-0001|{source_id(URL_B)},added,,,,\nprisoner_transfers,trf-0001,added,,,,\n", encoding="utf-8")


def _rows(root: Path, table: str) -> list[dict]:
    with (root / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    def make(folder: Path) -> None:
        copy = package_copy(folder / "pkg")
        copy.set("meetings", 0, summary=XSS)
        for name in ("CITATION.cff", "CHANGELOG.md"):
            shutil.copy(ROOT / name, copy.root / name)
        previous_release(copy.root)  # before the commitments: 0.1.0 adds them
        add_commitments(copy)
        (copy.root / "release.toml").write_text(RELEASE_TOML, encoding="utf-8")
        package = load_package(copy.root)
        out = copy.root / "build"
        build.build(package, out)
        release.release(package, out)
        shutil.rmtree(copy.root / "releases")  # the site reads the history from the database alone
        for table in package.tables:
            table.file.unlink()
        build_site(copy.root, out)
    return made_once(tmp_path_factory, "commitments", make) / "pkg" / "build"


def page(out: Path, key: str) -> str:
    return (out / "site" / "records" / key / "index.html").read_text(encoding="utf-8")


def section(text: str, anchor: str) -> str:
    """The HTML of a record page's section, from its heading to the next one."""
    return text.split(f'<h2 id="{anchor}">', 1)[1].split("<h2 ", 1)[0]


def test_a_document_page_lists_its_provisions_with_point_category_deadline_and_status(out):
    shown = section(page(out, "doc-0001"), "provisions")
    assert "<p>2 provisions, as numbered in the text, with the status of each" in shown
    assert ('<li id="prv-0001"><p><strong>Point 8</strong> · <a href="../prv-0001/">prv-0001</a>: '
            "The parties exchange prisoners.</p>") in shown
    assert ">prisoners and detainees</span> · deadline: none set · status: <strong><span " in shown
    assert ">partly implemented</span></strong></p><p class=\"meta\">Some were exchanged.</p>" in shown
    assert "deadline: June 2021 · status: <strong>" in shown and ">not implemented</span>" in shown


def test_under_each_provision_the_linked_records_link_to_their_pages_with_the_relation(out):
    shown = section(page(out, "doc-0001"), "provisions")
    assert ('<ul class="provision-links"><li><a href="../trf-0001/">trf-0001</a> <span class="nw">2021-06-12</span>: '
            "Fifteen servicemen were handed over") in shown
    assert '<span class="relation">(<span title="The record carries out the provision' in shown
    assert ">implements</span>)</span></li></ul>" in shown
    assert '<p class="meta">No record is linked to it.</p>' in shown  # prv-0002


def test_a_status_note_holding_markup_shows_as_text_under_its_provision(out):
    shown = section(page(out, "doc-0001"), "provisions")
    assert ('<p class="meta">&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;</p>'
            '<p class="meta">No record is linked to it.</p>') in shown
    assert "<script>alert" not in shown and "<img src=x" not in shown


def test_a_provision_page_lists_the_records_linked_to_it_with_the_relation(out):
    shown = section(page(out, "prv-0001"), "linked-to-this-provision")
    assert shown.startswith('Records linked to this provision<a class="headerlink"')
    assert ('<ul class="provision-links"><li><a href="../trf-0001/">trf-0001</a> <span class="nw">2021-06-12</span>: '
            "Fifteen servicemen were handed over") in shown
    none = section(page(out, "prv-0002"), "linked-to-this-provision")
    assert '<p class="meta">No record is linked to it.</p>' in none


def test_a_record_linked_to_a_provision_links_it_and_its_document(out):
    shown = section(page(out, "trf-0001"), "commitments")
    assert ('<li><a href="../prv-0001/">prv-0001</a>: Point 8 of <a href="../doc-0001/">Joint statement</a>: '
            'The parties exchange prisoners <span class="relation">(<span title="The record carries out') in shown
    assert 'id="commitments"' not in page(out, "mmh-0001")


def test_a_record_that_is_not_a_document_has_no_provisions_section(out):
    assert 'id="provisions"' not in page(out, "trf-0001")


def test_a_record_page_has_a_history_of_the_releases_that_changed_it(out):
    shown = section(page(out, "trf-0001"), "history")
    assert "<li><strong>0.1.0 (not yet released)</strong>: changed: people best, summary.</li>" in shown


def test_a_record_added_in_this_release_says_so_with_the_sources_added(out):
    shown = section(page(out, "doc-0001"), "history")
    assert (f"<li><strong>0.1.0 (not yet released)</strong>: added; source added: {source_id(URL_B)}."
            "</li>") in shown


def test_a_record_page_lists_earlier_releases_with_their_date_latest_first(out):
    shown = section(page(out, "trf-0001"), "history")
    assert re.findall(r"<li><strong>(.*?)</strong>", shown) == ["0.1.0 (not yet released)", "0.0.9 (15 January 2026)"]


def test_a_record_that_no_release_changed_says_no_change_is_recorded(out):
    shown = section(page(out, "mmh-0001"), "history")
    assert "<p>No change to this record is recorded in any release.</p>" in shown


def commitments_page(out: Path) -> str:
    return (out / "site" / "commitments" / "index.html").read_text(encoding="utf-8")


def test_the_commitments_page_counts_the_provisions_by_status(out):
    assert "<p>2 provisions: 1 partly implemented, 1 not implemented.</p>" in commitments_page(out)


def test_the_commitments_page_lists_each_provision_with_its_first_record_and_the_days_to_it(out):
    text = commitments_page(out)
    row = text.split('<tr id="prv-0001">', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells[0] == '<a href="../records/doc-0001/" title="Joint statement">2020-11-10 Joint statement</a>'
    assert cells[1] == ('<a href="../records/prv-0001/">Point 8: The parties exchange prisoners</a> '
                        '<code class="rid">prv-0001</code>')
    assert re.sub("<[^>]+>", "", cells[2]) == "partly implemented"
    assert re.sub("<[^>]+>", "", cells[3]) == "prisoners and detainees"
    assert cells[4] == '<a href="../records/trf-0001/">trf-0001</a> <span class="nw">2021-06-12</span>'
    assert cells[5:] == ["", "214 days"]


def test_a_provision_with_no_linked_record_says_none_linked_rather_than_a_number(out):
    row = commitments_page(out).split('<tr id="prv-0002">', 1)[1].split("</tr>", 1)[0]
    assert row.endswith('<td><span class="meta">none linked</span></td>')


def test_the_commitments_list_is_filtered_by_document_status_and_category(out):
    text = commitments_page(out)
    config = re.search(r'<table class="records explorer commitments" data-explorer="([^"]+)">', text).group(1)
    assert json.loads(html.unescape(config)) == {"codes": [0, 2, 3]}
    head = text.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert re.findall(r"<th>(.*?)</th>", head) == ["Document", "Provision", "Status", "Category", "First record",
                                                  "Last record", "Days to first"]


def test_the_delay_chart_has_a_bar_for_a_linked_provision_and_words_for_one_with_none(out):
    svg = ET.parse(out / "site" / "charts" / "commitments-delay.svg").getroot()
    shown = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert "2020-11-10 prv-0001" in shown and "214 days" in shown
    assert "2020-11-10 prv-0002" in shown and "no record linked; status: not implemented" in shown
    titles = ["".join(t.itertext()) for t in svg.iter(f"{SVG}title")]
    assert ("prv-0001 (doc-0001, 8): The parties exchange prisoners. First record trf-0001 on 12 June 2021, 214 days "
            "after the document; status: partly implemented.") in titles


def test_the_delay_chart_data_has_a_row_per_provision_known_or_not(out):
    lines = (out / "site" / "charts" / "commitments-delay.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["provision_id,document_id,point,category,status,first_record_id,first_date,"
                     "first_date_precision,days_to_first",
                     "prv-0001,doc-0001,8,prisoners_and_detainees,partly_implemented,trf-0001,2021-06-12,day,214",
                     "prv-0002,doc-0001,9,transport_and_communications,not_implemented,,,,"]


ATOM = "{http://www.w3.org/2005/Atom}"


def feed(out: Path) -> ET.Element:
    return ET.parse(out / "site" / "changes.atom").getroot()  # a real XML parser: it raises on a malformed feed


def test_the_feed_parses_and_dates_itself_by_its_latest_dated_release(out):
    root = feed(out)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}updated") == "2026-01-15T00:00:00Z"
    assert root.findtext(f"{ATOM}id").startswith("urn:uuid:")
    assert root.findtext(f"{ATOM}subtitle").endswith("Only dated releases have entries (not yet: 0.1.0).")


def test_the_feed_has_an_entry_per_record_a_dated_release_changed_linking_its_page(out):
    entries = feed(out).findall(f"{ATOM}entry")
    shown = [(e.findtext(f"{ATOM}title"), e.find(f"{ATOM}link").get("href"), e.findtext(f"{ATOM}updated"))
             for e in entries]
    assert shown == [("mtg-0001 added in release 0.0.9", "records/mtg-0001/", "2026-01-15T00:00:00Z"),
                     ("mtg-0002 added in release 0.0.9", "changes/", "2026-01-15T00:00:00Z"),  # removed since
                     ("trf-0001 added in release 0.0.9", "records/trf-0001/", "2026-01-15T00:00:00Z")]


def test_every_link_of_the_feed_resolves_on_the_built_site(out):
    root = feed(out)
    links = [a.get("href") for a in root.iter(f"{ATOM}link")]
    assert links[:2] == ["changes.atom", "changes/"]
    missing = [h for h in links if not ((out / "site" / h).is_file() or (out / "site" / h / "index.html").is_file())]
    assert missing == []


def test_a_summary_holding_markup_is_text_in_the_feed(out):
    entry = feed(out).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}summary") == (f"Meeting mtg-0001, release 0.0.9: added; source added: "
                                                f"{source_id(URL_B)}. {XSS}.")
    assert "<script>" not in (out / "site" / "changes.atom").read_text(encoding="utf-8")


def test_every_page_names_the_feed_in_its_head(out):
    for path in ("index.html", "commitments/index.html", "records/trf-0001/index.html"):
        text = (out / "site" / path).read_text(encoding="utf-8")
        href = re.search(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"', text).group(1)
        assert (out / "site" / Path(path).parent / href).resolve() == (out / "site" / "changes.atom").resolve()


def test_record_sources_list_a_provision_with_its_documents_date_and_its_sources(out):
    with duckdb.connect(str(out / build.DATABASE), read_only=True) as db:
        found = db.execute("SELECT record_type, CAST(date AS VARCHAR), source_count, urls FROM record_sources "
                           "WHERE record_id = 'prv-0001'").fetchall()
    assert found == [("provisions", "2020-11-10", 1, [URL_B])]
