"""What `make check` rejects, and how it says so: each fault is planted in a small valid copy of the package.

Every case asserts the exit code and the `file:line:field: message` line; `main` runs in-process, so an
uncaught exception (a traceback for the user) fails the test.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from scripts.package import ROOT, load_package
from scripts.validate import main
from tests.conftest import URL_A, PackageCopy, source_id

SRC_A = source_id(URL_A)
RECORD_GONE = ("data/citations.csv:2:record_id: 'mtg-0001' is not a record in meetings, prisoner_transfers, "
               "mine_map_handovers, documents, provisions, claims")
TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()


def check(package: PackageCopy, capsys) -> tuple[int, list[str]]:
    code = main([str(package.root)])
    return code, capsys.readouterr().out.splitlines()


def assert_rejected(package: PackageCopy, capsys, *expected: str) -> None:
    """The package is rejected with exactly these problems, in this order, then their count."""
    code, lines = check(package, capsys)
    assert code == 1
    assert lines == [*expected, f"{len(expected)} problem{'s' if len(expected) != 1 else ''} found"]


def rewrite(package: PackageCopy, table: str, edit) -> None:
    path = package.csv(table)
    path.write_bytes(edit(path.read_bytes()))


def edit_descriptor(package: PackageCopy, edit) -> None:
    path = package.root / "datapackage.json"
    descriptor = json.loads(path.read_text())
    edit(descriptor)
    path.write_text(json.dumps(descriptor))


# --- a clean package ----------------------------------------------------------------------------------------

def test_clean_package_prints_one_summary_line_and_exits_0(package, capsys):
    code, lines = check(package, capsys)
    assert code == 0
    assert len(lines) == 1 and lines[0].startswith(f"ok: {len(load_package(package.root).tables)} tables")


def test_committed_package_is_valid():
    result = subprocess.run([sys.executable, "-m", "scripts.validate"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok:")


def test_committed_package_passes_frictionless_validate():
    frictionless = ROOT / ".venv" / "bin" / "frictionless"
    result = subprocess.run([str(frictionless), "validate", "datapackage.json", "--json"], cwd=ROOT,
                            capture_output=True, text=True)
    report = json.loads(result.stdout)
    errors = [e["message"] for t in report["tasks"] for e in t["errors"]] + [e["message"] for e in report["errors"]]
    assert report["valid"], errors[:10]


def test_problems_end_with_a_count(package, capsys):
    package.set("meetings", 0, status="maybe", level="kings")
    code, lines = check(package, capsys)
    assert code == 1 and lines[-1] == "2 problems found"


def test_command_line_exits_1_without_a_traceback(package):
    rewrite(package, "meetings", lambda b: b"\xef\xbb\xbf" + b)
    result = subprocess.run([sys.executable, "-m", "scripts.validate", str(package.root)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout.startswith("data/meetings.csv:1: starts with a byte-order mark; save as UTF-8 without BOM")


# --- files that cannot be read as the package's CSV dialect -------------------------------------------------

def test_invalid_utf8_is_rejected_with_its_line(package, capsys):
    package.set("meetings", 0, summary="MARKER")
    rewrite(package, "meetings", lambda b: b.replace(b"MARKER", b"caf\xe9"))
    assert_rejected(package, capsys, "data/meetings.csv:2: invalid UTF-8: byte 0xe9 cannot be decoded")


def test_byte_order_mark_is_rejected(package, capsys):
    rewrite(package, "meetings", lambda b: b"\xef\xbb\xbf" + b)
    assert_rejected(package, capsys, "data/meetings.csv:1: starts with a byte-order mark; save as UTF-8 without BOM")


def test_crlf_line_ends_are_rejected(package, capsys):
    rewrite(package, "meetings", lambda b: b.replace(b"\n", b"\r\n"))
    assert_rejected(package, capsys, "data/meetings.csv:1: carriage return found; line ends must be LF only")


def test_unbalanced_quote_is_rejected_at_the_row_where_it_opens(package, capsys):
    package.add("meetings", **{**package.rows["meetings"][0], "meeting_id": "mtg-0002"})
    rewrite(package, "meetings", lambda b: b.replace(b"The three leaders", b'"The three leaders', 1))
    assert_rejected(package, capsys, "data/meetings.csv:2: malformed CSV (unexpected end of data); check for an "
                                     "unbalanced quote")


def test_row_with_too_few_fields_is_rejected(package, capsys):
    rewrite(package, "parties", lambda b: b + b"turkey,Turkey\n")
    assert_rejected(package, capsys, "data/parties.csv:5: row has 2 fields; the header has 6")


def test_row_with_too_many_fields_is_rejected(package, capsys):
    rewrite(package, "parties", lambda b: b + b"turkey,Turkey,state,TR,,,extra\n")
    assert_rejected(package, capsys, "data/parties.csv:5: row has 7 fields; the header has 6")


def test_missing_column_is_rejected(package, capsys):
    rewrite(package, "parties", lambda b: b.replace(b",note", b"").replace(b",state,", b",state"))
    assert_rejected(package, capsys, "data/parties.csv:1:note: column missing from header")


def test_renamed_column_is_rejected(package, capsys):
    rewrite(package, "parties", lambda b: b.replace(b"kind", b"type", 1))
    assert_rejected(package, capsys, "data/parties.csv:1:kind: column missing from header",
                    "data/parties.csv:1:type: column not in schema")


def test_extra_column_is_rejected(package, capsys):
    rewrite(package, "parties", lambda b: b.replace(b"note\n", b"note,extra\n", 1))
    assert_rejected(package, capsys, "data/parties.csv:1:extra: column not in schema")


def test_columns_in_another_order_are_rejected(package, capsys):
    rewrite(package, "parties", lambda b: b.replace(b"party_id,name", b"name,party_id", 1))
    assert_rejected(package, capsys, "data/parties.csv:1:name: columns out of order; expected: "
                                     "party_id,name,kind,iso_3166_1,wikidata_id,note")


def test_empty_file_is_rejected(package, capsys):
    package.csv("claims").write_bytes(b"")
    assert_rejected(package, capsys, "data/claims.csv:1: file is empty; expected a header row")


def test_missing_file_is_rejected(package, capsys):
    package.csv("claims").unlink()
    assert_rejected(package, capsys, "data/claims.csv: file not found")


# --- descriptor and schemas ---------------------------------------------------------------------------------

def test_broken_datapackage_json_is_rejected(package, capsys):
    (package.root / "datapackage.json").write_text('{"name": "x",\n "resources": [\n')
    assert_rejected(package, capsys, "datapackage.json:3: invalid JSON: Expecting value")


def test_missing_schema_file_is_rejected(package, capsys):
    (package.root / "schemas" / "places.schema.json").unlink()
    assert_rejected(package, capsys, "schemas/places.schema.json: file not found")


def test_schema_that_breaks_the_table_schema_spec_is_rejected(package, capsys):
    path = package.root / "schemas" / "places.schema.json"
    schema = json.loads(path.read_text())
    schema["fields"][1]["type"] = "text"
    path.write_text(json.dumps(schema))
    assert_rejected(package, capsys, "schemas/places.schema.json: fields.name: type 'text' is not supported (one of: "
                                     "string, integer, number, date)")


def test_resource_path_that_leaves_the_package_is_rejected(package, capsys):
    edit_descriptor(package, lambda d: d["resources"][0].update(path="../outside.csv"))
    assert_rejected(package, capsys,
                    "datapackage.json::resources[0] (meetings).path: '../outside.csv' must not leave the package "
                    "directory")


@pytest.mark.parametrize("path", ["/etc/passwd", "https://example.org/x.csv", "C:\\data\\x.csv"])
def test_resource_path_that_is_absolute_or_a_url_is_rejected(package, capsys, path):
    edit_descriptor(package, lambda d: d["resources"][0].update(path=path))
    assert_rejected(package, capsys, f"datapackage.json::resources[0] (meetings).path: '{path}' must be a relative "
                                     "path "
                                     "inside the package, not a URL or absolute path")


# --- cells: types and constraints ---------------------------------------------------------------------------

def test_impossible_date_is_rejected(package, capsys):
    package.set("meetings", 0, date_start="2021-02-30")
    assert_rejected(package, capsys, "data/meetings.csv:2:date_start: '2021-02-30' is not a valid date (YYYY-MM-DD)")


def test_date_before_the_ceasefire_is_rejected(package, capsys):
    package.set("meetings", 0, date_start="2019-06-15")
    assert_rejected(package, capsys, "data/meetings.csv:2:date_start: '2019-06-15' is less than the minimum 2020-11-10")


def test_future_date_is_rejected(package, capsys):
    package.set("claims", 0, date=TOMORROW)
    assert_rejected(package, capsys, f"data/claims.csv:2:date: '{TOMORROW}' is later than today ({dt.date.today()})")


def test_partial_date_with_day_precision_is_rejected(package, capsys):
    package.set("prisoner_transfers", 0, date="2021-06")
    assert_rejected(package, capsys, "data/prisoner_transfers.csv:2:date: '2021-06' is not a valid date (YYYY-MM-DD)")


def test_full_date_with_month_precision_is_accepted(package, capsys):
    package.set("meetings", 0, date_start="2021-11-01", date_precision="month")
    assert check(package, capsys)[0] == 0


def test_date_without_its_precision_is_rejected(package, capsys):
    package.set("prisoner_transfers", 0, detention_date="2021-05-27")
    assert_rejected(package, capsys,
                    "data/prisoner_transfers.csv:2:detention_date: '2021-05-27' has no detention_date_precision")


def test_negative_count_is_rejected(package, capsys):
    package.set("prisoner_transfers", 0, people_min="-3", people_qualifier="approximate")
    assert_rejected(package, capsys, "data/prisoner_transfers.csv:2:people_min: '-3' is less than the minimum 0")


@pytest.mark.parametrize("value", ["fifteen", "12.5", "1e2"])
def test_non_integer_count_is_rejected(package, capsys, value):
    package.set("mine_map_handovers", 0, mines_max=value)
    assert_rejected(package, capsys, f"data/mine_map_handovers.csv:2:mines_max: '{value}' is not an integer")


def test_non_numeric_claim_value_is_rejected(package, capsys):
    package.set("claims", 0, value="25%")
    assert_rejected(package, capsys, "data/claims.csv:2:value: '25%' is not a number")


def test_min_greater_than_best_is_rejected(package, capsys):
    package.set("prisoner_transfers", 0, people_min="20", people_qualifier="approximate")
    assert_rejected(package, capsys,
                    "data/prisoner_transfers.csv:2:people_best: '15' is not between people_min and people_max")


def test_not_reported_qualifier_with_a_count_is_rejected(package, capsys):
    package.set("mine_map_handovers", 0, mines_qualifier="not_reported")
    assert_rejected(package, capsys, "data/mine_map_handovers.csv:2:mines_qualifier: 'not_reported' does not fit the "
                                     "counts: not_reported needs them empty, exact and approximate need mines_best")


def test_code_outside_its_list_is_rejected(package, capsys):
    package.set("meetings", 0, status="maybe")
    assert_rejected(package, capsys, "data/meetings.csv:2:status: 'maybe' is not one of: held, cancelled, proposed, "
                                     "postponed")


def test_missing_required_value_is_rejected(package, capsys):
    package.set("meetings", 0, summary="")
    assert_rejected(package, capsys, "data/meetings.csv:2:summary: is required but empty")


def test_id_with_a_trailing_space_is_rejected(package, capsys):
    package.set("meetings", 0, meeting_id="mtg-0001 ")
    assert_rejected(package, capsys, RECORD_GONE,
                    "data/meetings.csv:2:meeting_id: 'mtg-0001 ' does not match the pattern mtg-[0-9]{4,}",
                    "data/meetings.csv:2:meeting_id: 'mtg-0001 ' has leading or trailing whitespace",
                    "data/meetings.csv:2:meeting_id: 'mtg-0001 ' has no row in citations")


def test_padded_code_is_reported_by_its_code_list_and_its_whitespace_rule(package, capsys):
    package.set("meetings", 0, status=" held")
    code, lines = check(package, capsys)
    assert code == 1
    assert "data/meetings.csv:2:status: ' held' has leading or trailing whitespace" in lines
    assert any(line.startswith("data/meetings.csv:2:status: ' held' is not one of") for line in lines)


def test_pattern_that_is_not_a_regex_is_reported_on_its_schema(package, capsys):
    path = package.root / "schemas" / "meetings.schema.json"
    path.write_text(path.read_text().replace('"mtg-[0-9]{4,}"', '"mtg-[0-9"'))
    assert_rejected(package, capsys, "schemas/meetings.schema.json: fields.meeting_id: pattern 'mtg-[0-9' is not a "
                                     "regular expression (unterminated character set at position 4)")


def test_id_with_the_wrong_prefix_is_rejected(package, capsys):
    package.set("meetings", 0, meeting_id="meet-0001")
    assert_rejected(package, capsys, RECORD_GONE,
                    "data/meetings.csv:2:meeting_id: 'meet-0001' does not match the pattern mtg-[0-9]{4,}",
                    "data/meetings.csv:2:meeting_id: 'meet-0001' has no row in citations")


def test_duplicate_id_is_rejected_on_the_later_row(package, capsys):
    package.add("meetings", **package.rows["meetings"][0])
    assert_rejected(package, capsys, "data/meetings.csv:3:meeting_id: duplicate meeting_id: 'mtg-0001' appears on an "
                                     "earlier row")


def test_duplicate_composite_key_is_rejected(package, capsys):
    package.add("citations", **package.rows["citations"][0])
    assert_rejected(package, capsys, "data/citations.csv:6:record_id: duplicate record_id + source_id: 'mtg-0001' "
                                     "appears on an earlier row")


def test_same_source_url_twice_is_rejected(package, capsys):
    package.add("sources", **{**package.rows["sources"][0], "source_id": "src-0000abcd"})
    assert_rejected(package, capsys, f"data/sources.csv:4:url: duplicate value '{URL_A}' appears on an earlier row")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://example.org/x"])
def test_non_http_url_is_rejected(package, capsys, url):
    package.set("sources", 0, url=url)
    assert_rejected(package, capsys, f"data/sources.csv:2:url: '{url}' does not match the pattern https?://[^\\s]+",
                    f"data/sources.csv:2:url: '{url}' is not an http(s) address of letters, digits and URL punctuation")


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1 more", "-1", "@SUM(A1)"])
def test_cell_starting_like_a_spreadsheet_formula_is_rejected(package, capsys, cell):
    package.set("meetings", 0, participants=cell)
    assert_rejected(package, capsys, f"data/meetings.csv:2:participants: '{cell}' starts with =, +, - or @ "
                                     "(spreadsheet formula)")


def test_one_megabyte_cell_is_rejected_and_shown_shortened(package, capsys):
    package.set("meetings", 0, summary="a" * 1_000_000)
    code, lines = check(package, capsys)
    assert code == 1
    assert "data/meetings.csv:2:summary: is longer than 2000 characters" in lines
    assert all(len(line) < 500 for line in lines)


def test_html_in_a_summary_is_accepted(package, capsys):
    package.set("meetings", 0, summary="Talks <script>alert(1)</script> and <img src=x onerror=alert(1)>.")
    assert check(package, capsys)[0] == 0


def test_loaded_term_outside_a_claim_is_rejected_naming_the_term(package, capsys):
    package.set("meetings", 0, summary="Talks on the liberated areas.")
    assert_rejected(package, capsys, "data/meetings.csv:2:summary: 'Talks on the liberated areas.' uses the loaded "
                                     "term 'liberated' (x-loadedTerms in datapackage.json); such terms belong only in "
                                     "a claim's summary, attributed")


@pytest.mark.parametrize(("table", "field", "text", "term"), [
    ("meetings", "uncertainty_note", "Date from the research fact sheet.", "research fact"),
    ("claims", "summary", "Not found in the search; We Searched the archive.", "Not found in the search"),
    ("publishers", "note", "Its side was set in the curation pass.", "curation pass"),
    ("sources", "note", "Only the stored copy gives the date.", "stored copy"),
])
def test_words_of_our_tools_or_passes_in_a_note_are_rejected_naming_the_term(package, capsys, table, field, text, term):
    package.set(table, 0, **{field: text})
    assert_rejected(package, capsys, f"data/{table}.csv:2:{field}: '{text}' speaks of our tools or working passes "
                                     f"('{term}', x-processTerms in datapackage.json); say something about the "
                                     "source or the record instead")


@pytest.mark.parametrize("text", ["The researchers passed the fact-finding report on.",
                                  "The ministry published a factsheet; searches of the area went on."])
def test_process_terms_inside_other_words_are_accepted(package, capsys, text):
    package.set("meetings", 0, summary=text)
    assert check(package, capsys)[0] == 0


def test_loaded_term_inside_a_claim_summary_is_accepted(package, capsys):
    package.set("claims", 0, summary='The ministry called the visit a "provocation".')
    assert check(package, capsys)[0] == 0


# --- cross-field and cross-table rules -----------------------------------------------------------------------

def test_transfer_to_the_same_party_is_rejected(package, capsys):
    package.set("prisoner_transfers", 0, to_party="azerbaijan")
    assert_rejected(package, capsys, "data/prisoner_transfers.csv:2:to_party: 'azerbaijan' is the same as from_party")


def test_meeting_ending_before_it_starts_is_rejected(package, capsys):
    package.set("meetings", 0, date_end="2021-01-10")
    assert_rejected(package, capsys, "data/meetings.csv:2:date_end: '2021-01-10' is earlier than date_start")


def test_detention_after_the_transfer_is_rejected(package, capsys):
    package.set("prisoner_transfers", 0, detention_date="2021-07-01", detention_date_precision="day")
    assert_rejected(package, capsys, "data/prisoner_transfers.csv:2:detention_date: '2021-07-01' is later than date")


def test_broken_foreign_key_is_rejected(package, capsys):
    package.set("meetings", 0, place_id="atlantis")
    assert_rejected(package, capsys, "data/meetings.csv:2:place_id: 'atlantis' is not a place_id in places")


def test_unknown_place_in_a_list_is_rejected(package, capsys):
    package.set("mine_map_handovers", 0, area_place_ids="aghdam_district;atlantis_district")
    assert_rejected(package, capsys,
                    "data/mine_map_handovers.csv:2:area_place_ids: 'aghdam_district;atlantis_district' names a "
                    "place_id that is not in places")


def test_record_without_citation_is_rejected(package, capsys):
    package.rows["citations"] = [c for c in package.rows["citations"] if c["record_id"] != "mtg-0001"]
    package.write()
    assert_rejected(package, capsys, "data/meetings.csv:2:meeting_id: 'mtg-0001' has no row in citations")


def test_citation_of_a_record_that_does_not_exist_is_rejected(package, capsys):
    package.add("citations", record_id="mtg-0099", source_id=SRC_A)
    assert_rejected(package, capsys, "data/citations.csv:6:record_id: 'mtg-0099' is not a record in meetings, "
                                     "prisoner_transfers, mine_map_handovers, documents, provisions, claims")


def test_claim_about_a_record_that_does_not_exist_is_rejected(package, capsys):
    package.set("claims", 0, record_id="trf-0042")
    assert_rejected(package, capsys, "data/claims.csv:2:record_id: 'trf-0042' is not a record in meetings, "
                                     "prisoner_transfers, mine_map_handovers, documents, provisions")


def test_transfer_linked_to_a_handover_that_does_not_link_back_is_rejected(package, capsys):
    package.set("mine_map_handovers", 0, prisoner_transfer_id="")
    assert_rejected(package, capsys,
                    "data/prisoner_transfers.csv:2:mine_map_handover_id: 'mmh-0001' does not point back at this row in "
                    "its prisoner_transfer_id column")


def test_line_numbers_count_multi_line_cells(package, capsys):
    package.rows["parties"][0]["note"] = "first line\nsecond line"
    package.add("parties", party_id="Bad Id", name="X", kind="state", iso_3166_1="TR")
    assert_rejected(package, capsys, "data/parties.csv:6:party_id: 'Bad Id' does not match the pattern [a-z][a-z0-9_]*")


# --- rules of the registry added with the one-model work -----------------------------------------------------

def test_integer_beyond_what_the_database_holds_is_rejected(package, capsys):
    package.set("prisoner_transfers", 0, people_max="99999999999999999999", people_qualifier="approximate")
    assert_rejected(package, capsys, "data/prisoner_transfers.csv:2:people_max: '99999999999999999999' is outside what "
                                     "an integer column holds (-9223372036854775808 to 9223372036854775807)")


def test_number_too_large_for_a_double_is_rejected(package, capsys):
    package.set("claims", 0, value="1e400")
    assert_rejected(package, capsys, "data/claims.csv:2:value: '1e400' is too large for a number column (beyond "
                                     "±1.8e308)")


def test_exact_count_with_unequal_bounds_is_rejected(package, capsys):
    package.set("prisoner_transfers", 0, people_max="16")
    assert_rejected(package, capsys, "data/prisoner_transfers.csv:2:people_qualifier: 'exact' needs people_min, "
                                     "people_best, people_max to be equal where given")


def test_place_listed_twice_in_a_handover_is_rejected(package, capsys):
    package.set("mine_map_handovers", 0, area_place_ids="aghdam_district;aghdam_district")
    assert_rejected(package, capsys, "data/mine_map_handovers.csv:2:area_place_ids: 'aghdam_district;aghdam_district' "
                                     "names the same item twice")


def test_month_precision_date_not_on_the_first_is_rejected(package, capsys):
    package.set("meetings", 0, date_start="2021-01-11", date_precision="month")
    assert_rejected(package, capsys, "data/meetings.csv:2:date_start: '2021-01-11' does not follow its date_precision: "
                                     "a month is written as its first day, a year as 1 January")


def test_year_precision_date_not_on_the_first_of_january_is_rejected(package, capsys):
    package.set("claims", 0, date="2021-08-01", date_precision="year")
    assert_rejected(package, capsys, "data/claims.csv:2:date: '2021-08-01' does not follow its date_precision: "
                                     "a month is written as its first day, a year as 1 January")


def test_precision_without_its_date_is_rejected(package, capsys):
    package.set("prisoner_transfers", 0, detention_date_precision="day")
    assert_rejected(package, capsys, "data/prisoner_transfers.csv:2:detention_date_precision: 'day' is given without "
                                     "detention_date")


def test_word_repeated_in_a_summary_is_rejected(package, capsys):
    package.set("meetings", 0, summary="The three leaders met in in Moscow.")
    assert_rejected(package, capsys, "data/meetings.csv:2:summary: 'The three leaders met in in Moscow.' repeats a "
                                     "word "
                                     "twice in a row")


def test_same_word_either_side_of_punctuation_is_accepted(package, capsys):
    package.set("meetings", 0, summary="The leaders met in Moscow; Moscow hosted them again later.")
    assert check(package, capsys)[0] == 0


def test_official_claim_without_its_party_is_rejected(package, capsys):
    package.set("claims", 0, claimant_party="")
    assert_rejected(package, capsys, "data/claims.csv:2:claimant_party: is required when claimant_kind is state_body "
                                     "or official")


def test_outlet_claim_without_its_publisher_is_rejected(package, capsys):
    package.set("claims", 0, claimant_kind="outlet", claimant_party="")
    assert_rejected(package, capsys, "data/claims.csv:2:claimant_publisher_id: is required when claimant_kind is "
                                     "outlet")


def test_measure_that_does_not_fit_the_topic_is_rejected(package, capsys):
    package.set("claims", 0, measure="killed_total", unit="people")
    assert_rejected(package, capsys, "data/claims.csv:2:measure: 'killed_total' does not fit its topic "
                                     "'map_accuracy'")


def test_outlet_claim_attributed_to_a_state_is_rejected(package, capsys):
    package.set("claims", 0, claimant_kind="outlet", claimant_publisher_id="example_news")
    assert_rejected(package, capsys, "data/claims.csv:2:claimant_party: 'azerbaijan' does not fit its claimant_kind "
                                     "'outlet'")


def test_outlet_claim_without_a_party_is_accepted(package, capsys):
    package.set("claims", 0, claimant_kind="outlet", claimant_publisher_id="example_news", claimant_party="")
    assert check(package, capsys)[0] == 0


@pytest.mark.parametrize(("summary", "term"), [
    ("Example News wrote, citing official data, that 12 people were hurt by mines.", "citing"),
    ("Example News put the number of mines at 1.5 million, Using ANAMA data.", "Using"),
    ("According to the ministry, Example News wrote, ten maps were handed over.", "According to"),
])
def test_outlet_claim_that_relays_another_claimant_is_rejected_naming_the_term(package, capsys, summary, term):
    package.set("claims", 0, claimant_kind="outlet", claimant_publisher_id="example_news", claimant_party="",
                summary=summary)
    assert_rejected(package, capsys, f"data/claims.csv:2:summary: '{summary}' relays another claimant ('{term}', "
                                     "x-relayTerms) though claimant_kind is outlet; record it as the original "
                                     "claimant's claim, with the relaying source cited")


def test_state_body_claim_relayed_by_an_outlet_is_accepted(package, capsys):
    package.set("claims", 0, summary="According to the ministry, as Example News reported, 12 people were hurt.")
    assert check(package, capsys)[0] == 0


@pytest.mark.parametrize("summary", ["Example News wrote that 12 people were hurt; its total is recited below.",
                                     "Example News counted the maps itself, without sources."])
def test_outlet_claim_with_relay_terms_only_inside_other_words_is_accepted(package, capsys, summary):
    package.set("claims", 0, claimant_kind="outlet", claimant_publisher_id="example_news", claimant_party="",
                summary=summary)
    assert check(package, capsys)[0] == 0


@pytest.mark.parametrize("url", ["https://news.example.org/amp/news/1", "https://staging.rferl.org/a/1.html",
                                 "https://rfe.pangea-cms.com/preview/1"])
def test_amp_staging_and_preview_addresses_are_rejected(package, capsys, url):
    package.set("sources", 0, url=url)
    assert_rejected(package, capsys, f"data/sources.csv:2:url: '{url}' is an AMP, staging or preview address "
                                     "(x-rejectUrls); cite the canonical page")


def test_a_page_whose_words_contain_amp_is_accepted(package, capsys):
    package.set("sources", 0, url="https://news.example.org/amputees-and-preview-of-talks")
    assert check(package, capsys)[0] == 0


# --- characters: what cannot be seen, what only looks like a letter, what is not an address -----------------------

@pytest.mark.parametrize(("cell", "shown", "code"), [("\u200b", "<U+200B>", "200B"),
                                                     ("Talks \u00adheld", "Talks <U+00AD>held", "00AD"),
                                                     ("Talks\u2003held", "Talks<U+2003>held", "2003"),
                                                     ("Talks\x1b[31mheld", "Talks<U+001B>[31mheld", "001B")])
def test_invisible_and_control_characters_are_rejected_naming_the_character(package, capsys, cell, shown, code):
    package.set("meetings", 0, summary=cell)
    assert_rejected(package, capsys, f"data/meetings.csv:2:summary: '{shown}' holds an invisible, control or "
                                     f"non-space whitespace character (U+{code})")


def test_a_line_break_in_a_name_is_rejected(package, capsys):
    package.set("parties", 0, name="Arme\nnia")
    assert_rejected(package, capsys, "data/parties.csv:2:name: 'Arme<U+000A>nia' holds an invisible, control or "
                                     "non-space whitespace character (U+000A)")


def test_a_loaded_term_hidden_by_a_soft_hyphen_is_rejected(package, capsys):
    package.set("meetings", 0, summary="Talks on the occu\u00adpied areas.")
    assert_rejected(package, capsys, "data/meetings.csv:2:summary: 'Talks on the occu<U+00AD>pied areas.' holds an "
                                     "invisible, control or non-space whitespace character (U+00AD)")


@pytest.mark.parametrize("summary", ["Talks on the \u043eccupied areas.", "Talks on the ｏｃｃｕｐｉｅｄ areas."])
def test_a_loaded_term_spelt_with_look_alike_letters_is_rejected(package, capsys, summary):
    package.set("meetings", 0, summary=summary)
    assert_rejected(package, capsys, f"data/meetings.csv:2:summary: '{summary}' mixes Latin letters with Greek, "
                                     "Cyrillic or fullwidth look-alikes in a word")


def test_cyrillic_words_in_a_title_are_accepted(package, capsys):
    package.set("sources", 0, title="Пресс-релиз по итогам встречи")
    assert check(package, capsys)[0] == 0


@pytest.mark.parametrize(("url", "shown"), [('https://news.example.org/a"onclick', 'https://news.example.org/a"onclick'),
                                           ("https://news.example.org/a<b>", "https://news.example.org/a<b>"),
                                           ("https://news.example.org/a\u202eb", "https://news.example.org/a<U+202E>b")])
def test_a_url_with_characters_no_address_has_is_rejected(package, capsys, url, shown):
    package.set("sources", 0, url=url)
    lines = check(package, capsys)[1]
    assert f"data/sources.csv:2:url: '{shown}' is not an http(s) address of letters, digits and URL punctuation" \
        in lines


def test_a_url_with_letters_of_any_script_is_accepted(package, capsys):
    package.set("sources", 0, url="https://news.example.org/ru/Пресс-релиз/1194662")
    assert check(package, capsys)[0] == 0


@pytest.mark.parametrize(("cell", "shown", "code"), [("Talks held.\u2003", "Talks held.<U+2003>", "2003"),
                                                     ("Talks held.\ufeff", "Talks held.<U+FEFF>", "FEFF"),
                                                     ("Talks\x00held.", "Talks<U+0000>held.", "0000")])
def test_trailing_invisible_space_and_nul_are_rejected(package, capsys, cell, shown, code):
    package.set("meetings", 0, summary=cell)
    assert_rejected(package, capsys, f"data/meetings.csv:2:summary: '{shown}' holds an invisible, control "
                                     f"or non-space whitespace character (U+{code})")
