"""What `make check` rejects, and how it says so: each fault is planted in a small valid copy of the package.

The rejected cases are one table (`REJECTED`): what is done to the valid fixture package, and the exact lines
`make check` prints (its count line follows). `main` runs in-process, so an uncaught exception (a traceback for
the user) fails the test. A new rule adds its row here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
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
OK = re.compile(r"ok: (\d+) tables, \d+ rows valid \(\d+\.\d\d s\)")


def check(package: PackageCopy, capsys) -> tuple[int, list[str]]:
    code = main([str(package.root)])
    return code, capsys.readouterr().out.splitlines()


def assert_rejected(package: PackageCopy, capsys, *expected: str) -> None:
    """The package is rejected with exactly these problems, in this order, then their count."""
    code, lines = check(package, capsys)
    assert code == 1
    assert lines == [*expected, f"{len(expected)} problem{'s' if len(expected) != 1 else ''} found"]


def assert_accepted(package: PackageCopy, capsys) -> None:
    code, lines = check(package, capsys)
    assert code == 0
    assert len(lines) == 1 and OK.fullmatch(lines[0]), lines


def rewrite(package: PackageCopy, table: str, edit) -> None:
    path = package.csv(table)
    path.write_bytes(edit(path.read_bytes()))


def edit_descriptor(package: PackageCopy, edit) -> None:
    path = package.root / "datapackage.json"
    descriptor = json.loads(path.read_text())
    edit(descriptor)
    path.write_text(json.dumps(descriptor))


def edit_schema(package: PackageCopy, table: str, edit) -> None:
    path = package.root / "schemas" / f"{table}.schema.json"
    schema = json.loads(path.read_text())
    edit(schema)
    path.write_text(json.dumps(schema))


def set_then_rewrite(package: PackageCopy, table: str, cells: dict, old: bytes, new: bytes) -> None:
    """Cells set through the CSV writer, then bytes of the file replaced (what a writer would never write)."""
    package.set(table, 0, **cells)
    rewrite(package, table, lambda b: b.replace(old, new, 1))


def uncite(package: PackageCopy, record_id: str) -> None:
    package.rows["citations"] = [c for c in package.rows["citations"] if c["record_id"] != record_id]
    package.write()


def add_after_a_multi_line_cell(package: PackageCopy, **cells) -> None:
    package.rows["parties"][0]["note"] = "first line\nsecond line"
    package.add("parties", **cells)


def cell(table: str, **values: str):
    """The plant that sets these cells of the table's first row."""
    return lambda p: p.set(table, 0, **values)


def invisible(summary: str, shown: str, code: str) -> tuple:
    return (f"invisible U+{code} in a summary", cell("meetings", summary=summary),
            [f"data/meetings.csv:2:summary: '{shown}' holds an invisible, control or non-space whitespace "
             f"character (U+{code})"])


REJECTED = [  # (what is planted, how, the exact lines make check prints before its count line)
    ('byte order mark',
     lambda p: rewrite(p, "meetings", lambda b: b"\xef\xbb\xbf" + b),
     ["data/meetings.csv:1: starts with a byte-order mark; save as UTF-8 without BOM"]),
    ('crlf line ends',
     lambda p: rewrite(p, "meetings", lambda b: b.replace(b"\n", b"\r\n")),
     ["data/meetings.csv:1: carriage return found; line ends must be LF only"]),
    ('row with too few fields',
     lambda p: rewrite(p, "parties", lambda b: b + b"turkey,Turkey\n"),
     ["data/parties.csv:5: row has 2 fields; the header has 6"]),
    ('row with too many fields',
     lambda p: rewrite(p, "parties", lambda b: b + b"turkey,Turkey,state,TR,,,extra\n"),
     ["data/parties.csv:5: row has 7 fields; the header has 6"]),
    ('missing column',
     lambda p: rewrite(p, "parties", lambda b: b.replace(b",note", b"").replace(b",state,", b",state")),
     ["data/parties.csv:1:note: column missing from header"]),
    ('renamed column',
     lambda p: rewrite(p, "parties", lambda b: b.replace(b"kind", b"type", 1)),
     ["data/parties.csv:1:kind: column missing from header",
      "data/parties.csv:1:type: column not in schema"]),
    ('extra column',
     lambda p: rewrite(p, "parties", lambda b: b.replace(b"note\n", b"note,extra\n", 1)),
     ["data/parties.csv:1:extra: column not in schema"]),
    ('columns in another order',
     lambda p: rewrite(p, "parties", lambda b: b.replace(b"party_id,name", b"name,party_id", 1)),
     ["data/parties.csv:1:name: columns out of order; expected: party_id,name,kind,iso_3166_1,wikidata_id,note"]),
    ('empty file',
     lambda p: p.csv("claims").write_bytes(b""),
     ["data/claims.csv:1: file is empty; expected a header row"]),
    ('missing file',
     lambda p: p.csv("claims").unlink(),
     ["data/claims.csv: file not found"]),
    ('broken datapackage json',
     lambda p: (p.root / "datapackage.json").write_text('{"name": "x",\n "resources": [\n'),
     ["datapackage.json:3: invalid JSON: Expecting value"]),
    ('missing schema file',
     lambda p: (p.root / "schemas" / "places.schema.json").unlink(),
     ["schemas/places.schema.json: file not found"]),
    ('resource path that leaves the package',
     lambda p: edit_descriptor(p, lambda d: d["resources"][0].update(path="../outside.csv")),
     ["datapackage.json::resources[0] (meetings).path: '../outside.csv' must not leave the package directory"]),
    ('impossible date', cell("meetings", date_start="2021-02-30"),
     ["data/meetings.csv:2:date_start: '2021-02-30' is not a valid date (YYYY-MM-DD)"]),
    ('date before the ceasefire', cell("meetings", date_start="2019-06-15"),
     ["data/meetings.csv:2:date_start: '2019-06-15' is less than the minimum 2020-11-10"]),
    ('future date', cell("claims", date=TOMORROW),
     [f"data/claims.csv:2:date: '{TOMORROW}' is later than today ({dt.date.today()})"]),
    ('partial date with day precision', cell("prisoner_transfers", date="2021-06"),
     ["data/prisoner_transfers.csv:2:date: '2021-06' is not a valid date (YYYY-MM-DD)"]),
    ('date without its precision', cell("prisoner_transfers", detention_date="2021-05-27"),
     ["data/prisoner_transfers.csv:2:detention_date: '2021-05-27' has no detention_date_precision"]),
    ('negative count', cell("prisoner_transfers", people_min="-3", people_qualifier="approximate"),
     ["data/prisoner_transfers.csv:2:people_min: '-3' is less than the minimum 0"]),
    ('non numeric claim value', cell("claims", value="25%"),
     ["data/claims.csv:2:value: '25%' is not a number"]),
    ('min greater than best', cell("prisoner_transfers", people_min="20", people_qualifier="approximate"),
     ["data/prisoner_transfers.csv:2:people_best: '15' is not between people_min and people_max"]),
    ('not reported qualifier with a count', cell("mine_map_handovers", mines_qualifier="not_reported"),
     ["data/mine_map_handovers.csv:2:mines_qualifier: 'not_reported' does not fit the counts: not_reported needs "
      "them empty, exact and approximate need mines_best"]),
    ('code outside its list', cell("meetings", status="maybe"),
     ["data/meetings.csv:2:status: 'maybe' is not one of: held, cancelled, proposed, postponed"]),
    ('missing required value', cell("meetings", summary=""),
     ["data/meetings.csv:2:summary: is required but empty"]),
    ('id with a trailing space', cell("meetings", meeting_id="mtg-0001 "),
     [RECORD_GONE,
      "data/meetings.csv:2:meeting_id: 'mtg-0001 ' does not match the pattern mtg-[0-9]{4,}",
      "data/meetings.csv:2:meeting_id: 'mtg-0001 ' has leading or trailing whitespace",
      "data/meetings.csv:2:meeting_id: 'mtg-0001 ' has no row in citations"]),
    ('id with the wrong prefix', cell("meetings", meeting_id="meet-0001"),
     [RECORD_GONE,
      "data/meetings.csv:2:meeting_id: 'meet-0001' does not match the pattern mtg-[0-9]{4,}",
      "data/meetings.csv:2:meeting_id: 'meet-0001' has no row in citations"]),
    ('duplicate id is rejected on the later row',
     lambda p: p.add("meetings", **p.rows["meetings"][0]),
     ["data/meetings.csv:3:meeting_id: duplicate meeting_id: 'mtg-0001' appears on an earlier row"]),
    ('duplicate composite key',
     lambda p: p.add("citations", **p.rows["citations"][0]),
     ["data/citations.csv:6:record_id: duplicate record_id + source_id: 'mtg-0001' appears on an earlier row"]),
    ('same source url twice',
     lambda p: p.add("sources", **{**p.rows["sources"][0], "source_id": "src-0000abcd"}),
     [f"data/sources.csv:4:url: duplicate value '{URL_A}' appears on an earlier row"]),
    ('loaded term outside a claim is rejected naming the term',
     cell("meetings", summary="Talks on the liberated areas."),
     ["data/meetings.csv:2:summary: 'Talks on the liberated areas.' uses the loaded term 'liberated' (x-loadedTerms "
      "in datapackage.json); such terms belong only in a claim's summary, attributed"]),
    ('transfer to the same party', cell("prisoner_transfers", to_party="azerbaijan"),
     ["data/prisoner_transfers.csv:2:to_party: 'azerbaijan' is the same as from_party"]),
    ('meeting ending before it starts', cell("meetings", date_end="2021-01-10"),
     ["data/meetings.csv:2:date_end: '2021-01-10' is earlier than date_start"]),
    ('detention after the transfer',
     cell("prisoner_transfers", detention_date="2021-07-01", detention_date_precision="day"),
     ["data/prisoner_transfers.csv:2:detention_date: '2021-07-01' is later than date"]),
    ('broken foreign key', cell("meetings", place_id="atlantis"),
     ["data/meetings.csv:2:place_id: 'atlantis' is not a place_id in places"]),
    ('unknown place in a list', cell("mine_map_handovers", area_place_ids="aghdam_district;atlantis_district"),
     ["data/mine_map_handovers.csv:2:area_place_ids: 'aghdam_district;atlantis_district' names a place_id that is "
      "not in places"]),
    ('citation of a record that does not exist',
     lambda p: p.add("citations", record_id="mtg-0099", source_id=SRC_A),
     ["data/citations.csv:6:record_id: 'mtg-0099' is not a record in meetings, prisoner_transfers, "
      "mine_map_handovers, documents, provisions, claims"]),
    ('claim about a record that does not exist', cell("claims", record_id="trf-0042"),
     ["data/claims.csv:2:record_id: 'trf-0042' is not a record in meetings, prisoner_transfers, mine_map_handovers, "
      "documents, provisions"]),
    ('transfer linked to a handover that does not link back', cell("mine_map_handovers", prisoner_transfer_id=""),
     ["data/prisoner_transfers.csv:2:mine_map_handover_id: 'mmh-0001' does not point back at this row in its "
      "prisoner_transfer_id column"]),
    ('integer beyond what the database holds',
     cell("prisoner_transfers", people_max="99999999999999999999", people_qualifier="approximate"),
     ["data/prisoner_transfers.csv:2:people_max: '99999999999999999999' is outside what an integer column holds "
      "(-9223372036854775808 to 9223372036854775807)"]),
    ('number too large for a double', cell("claims", value="1e400"),
     ["data/claims.csv:2:value: '1e400' is too large for a number column (beyond ±1.8e308)"]),
    ('exact count with unequal bounds', cell("prisoner_transfers", people_max="16"),
     ["data/prisoner_transfers.csv:2:people_qualifier: 'exact' needs people_min, people_best, people_max to be "
      "equal where given"]),
    ('place listed twice in a handover', cell("mine_map_handovers", area_place_ids="aghdam_district;aghdam_district"),
     ["data/mine_map_handovers.csv:2:area_place_ids: 'aghdam_district;aghdam_district' names the same item twice"]),
    ('month precision date not on the first', cell("meetings", date_start="2021-01-11", date_precision="month"),
     ["data/meetings.csv:2:date_start: '2021-01-11' does not follow its date_precision: a month is written as its "
      "first day, a year as 1 January"]),
    ('year precision date not on the first of january', cell("claims", date="2021-08-01", date_precision="year"),
     ["data/claims.csv:2:date: '2021-08-01' does not follow its date_precision: a month is written as its first "
      "day, a year as 1 January"]),
    ('precision without its date', cell("prisoner_transfers", detention_date_precision="day"),
     ["data/prisoner_transfers.csv:2:detention_date_precision: 'day' is given without detention_date"]),
    ('word repeated in a summary', cell("meetings", summary="The three leaders met in in Moscow."),
     ["data/meetings.csv:2:summary: 'The three leaders met in in Moscow.' repeats a word twice in a row"]),
    ('word repeated across a line break', cell("meetings", summary="The leaders met in\nin Moscow."),
     ["data/meetings.csv:2:summary: 'The leaders met in<U+000A>in Moscow.' repeats a word twice in a row"]),
    ('word repeated in another case', cell("meetings", summary="The the leaders met in Moscow."),
     ["data/meetings.csv:2:summary: 'The the leaders met in Moscow.' repeats a word twice in a row"]),
    ('official claim without its party', cell("claims", claimant_party=""),
     ["data/claims.csv:2:claimant_party: is required when claimant_kind is state_body or official"]),
    ('outlet claim without its publisher', cell("claims", claimant_kind="outlet", claimant_party=""),
     ["data/claims.csv:2:claimant_publisher_id: is required when claimant_kind is outlet"]),
    ('measure that does not fit the topic', cell("claims", measure="killed_total", unit="people"),
     ["data/claims.csv:2:measure: 'killed_total' does not fit its topic 'map_accuracy'"]),
    ('outlet claim attributed to a state', cell("claims", claimant_kind="outlet", claimant_publisher_id="example_news"),
     ["data/claims.csv:2:claimant_party: 'azerbaijan' does not fit its claimant_kind 'outlet'"]),
    *[(f"outlet claim relaying another claimant: {term}",
       cell("claims", claimant_kind="outlet", claimant_publisher_id="example_news", claimant_party="",
            summary=summary),
       [f"data/claims.csv:2:summary: '{summary}' relays another claimant ('{term}', x-relayTerms) though "
        "claimant_kind is outlet; record it as the original claimant's claim, with the relaying source cited"])
      for summary, term in [
          ("Example News wrote, citing official data, that 12 people were hurt by mines.", "citing"),
          ("Example News put the number of mines at 1.5 million, Using ANAMA data.", "Using"),
          ("According to the ministry, Example News wrote, ten maps were handed over.", "According to")]],
    ('a line break in a name', cell("parties", name="Arme\nnia"),
     ["data/parties.csv:2:name: 'Arme<U+000A>nia' holds an invisible, control or non-space whitespace character "
      "(U+000A)"]),
    ('a loaded term hidden by a soft hyphen', cell("meetings", summary="Talks on the occu\u00adpied areas."),
     ["data/meetings.csv:2:summary: 'Talks on the occu<U+00AD>pied areas.' holds an invisible, control or non-space "
      "whitespace character (U+00AD)"]),
    ('invalid utf8, with its line',
     lambda p: set_then_rewrite(p, "meetings", {"summary": "MARKER"}, b"MARKER", b"caf\xe9"),
     ["data/meetings.csv:2: invalid UTF-8: byte 0xe9 cannot be decoded"]),
    ('unbalanced quote, at the row where it opens',
     lambda p: (p.add("meetings", **{**p.rows["meetings"][0], "meeting_id": "mtg-0002"}),
                rewrite(p, "meetings", lambda b: b.replace(b"The three leaders", b'"The three leaders', 1))),
     ["data/meetings.csv:2: malformed CSV (unexpected end of data); check for an unbalanced quote"]),
    ('schema that breaks the table schema spec',
     lambda p: edit_schema(p, "places", lambda s: s["fields"][1].update(type="text")),
     ["schemas/places.schema.json: fields.name: type 'text' is not supported (one of: string, integer, number, "
      "date)"]),
    ('pattern that is not a regex, on its schema',
     lambda p: edit_schema(p, "meetings", lambda s: s["fields"][0]["constraints"].update(pattern="mtg-[0-9")),
     ["schemas/meetings.schema.json: fields.meeting_id: pattern 'mtg-[0-9' is not a regular expression "
      "(unterminated character set at position 4)"]),
    ('record without citation',
     lambda p: uncite(p, "mtg-0001"),
     ["data/meetings.csv:2:meeting_id: 'mtg-0001' has no row in citations"]),
    ('line numbers count multi-line cells',
     lambda p: add_after_a_multi_line_cell(p, party_id="Bad Id", name="X", kind="state", iso_3166_1="TR"),
     ["data/parties.csv:6:party_id: 'Bad Id' does not match the pattern [a-z][a-z0-9_]*"]),
    *[(f"resource path {path}", lambda p, path=path: edit_descriptor(p, lambda d: d["resources"][0].update(path=path)),
       [f"datapackage.json::resources[0] (meetings).path: '{path}' must be a relative path inside the package, "
        "not a URL or absolute path"]) for path in ["/etc/passwd", "https://example.org/x.csv", "C:\\data\\x.csv"]],
    *[(f"non-integer count {value}", cell("mine_map_handovers", mines_max=value),
       [f"data/mine_map_handovers.csv:2:mines_max: '{value}' is not an integer"])
      for value in ["fifteen", "12.5", "1e2"]],
    *[(f"non-http url {url}", cell("sources", url=url),
       [f"data/sources.csv:2:url: '{url}' does not match the pattern https?://[^\\s]+",
        f"data/sources.csv:2:url: '{url}' is not an http(s) address of letters, digits and URL punctuation"])
      for url in ["javascript:alert(1)", "file:///etc/passwd", "ftp://example.org/x"]],
    *[(f"cell starting like a formula {text}", cell("meetings", participants=text),
       [f"data/meetings.csv:2:participants: '{text}' starts with =, +, - or @ (spreadsheet formula)"])
      for text in ["=HYPERLINK(\"http://x\")", "+1 more", "-1", "@SUM(A1)"]],
    *[(f"words of our tools or passes in {table}.{field}", cell(table, **{field: text}),
       [f"data/{table}.csv:2:{field}: '{text}' speaks of our tools or working passes ('{term}', x-processTerms in "
        "datapackage.json); say something about the source or the record instead"])
      for table, field, text, term in [
          ("meetings", "uncertainty_note", "Date from the research fact sheet.", "research fact"),
          ("claims", "summary", "Not found in the search; We Searched the archive.", "Not found in the search"),
          ("publishers", "note", "Its side was set in the curation pass.", "curation pass"),
          ("sources", "note", "Only the stored copy gives the date.", "stored copy")]],
    *[(f"amp, staging or preview address {url}", cell("sources", url=url),
       [f"data/sources.csv:2:url: '{url}' is an AMP, staging or preview address (x-rejectUrls); cite the canonical "
        "page"]) for url in ["https://news.example.org/amp/news/1", "https://staging.rferl.org/a/1.html",
                             "https://rfe.pangea-cms.com/preview/1"]],
    *[invisible(*case) for case in [("\u200b", "<U+200B>", "200B"), ("Talks \u00adheld", "Talks <U+00AD>held", "00AD"),
                                    ("Talks\u2003held", "Talks<U+2003>held", "2003"),
                                    ("Talks\x1b[31mheld", "Talks<U+001B>[31mheld", "001B"),
                                    ("Talks held.\u2003", "Talks held.<U+2003>", "2003"),
                                    ("Talks held.\ufeff", "Talks held.<U+FEFF>", "FEFF"),
                                    ("Talks\x00held.", "Talks<U+0000>held.", "0000")]],
    *[(f"loaded term spelt with look-alike letters {summary}", cell("meetings", summary=summary),
       [f"data/meetings.csv:2:summary: '{summary}' mixes Latin letters with Greek, Cyrillic or fullwidth look-alikes "
        "in a word"]) for summary in ["Talks on the \u043eccupied areas.", "Talks on the ｏｃｃｕｐｉｅｄ areas."]],
    ('padded code, by its code list and its whitespace rule', cell("meetings", status=" held"),
     ["data/meetings.csv:2:status: ' held' has leading or trailing whitespace",
      "data/meetings.csv:2:status: ' held' is not one of: held, cancelled, proposed, postponed"]),
    ('one megabyte cell, not shown', cell("meetings", summary="a" * 1_000_000),
     ["data/meetings.csv:2:summary: is longer than 2000 characters"]),
    *[(f"a url with characters no address has {url}", cell("sources", url=url),
       [f"data/sources.csv:2:url: '{url}' is not an http(s) address of letters, digits and URL punctuation"])
      for url in ['https://news.example.org/a"onclick', "https://news.example.org/a<b>"]],
    ('a url with an invisible character', cell("sources", url="https://news.example.org/a\u202eb"),
     ["data/sources.csv:2:url: 'https://news.example.org/a<U+202E>b' holds an invisible, control or non-space "
      "whitespace character (U+202E)",
      "data/sources.csv:2:url: 'https://news.example.org/a<U+202E>b' is not an http(s) address of letters, digits "
      "and URL punctuation"]),
]


@pytest.mark.parametrize(("plant", "expected"), [pytest.param(plant, expected, id=name)
                                                 for name, plant, expected in REJECTED])
def test_make_check_rejects_a_planted_fault_with_exactly_its_problem_lines(package, capsys, plant, expected):
    plant(package)
    assert_rejected(package, capsys, *expected)


ACCEPTED = [  # what make check lets through, though it looks like a fault
    ("full date with month precision", cell("meetings", date_start="2021-11-01", date_precision="month")),
    ("html in a summary",
     cell("meetings", summary="Talks <script>alert(1)</script> and <img src=x onerror=alert(1)>.")),
    *[(f"process terms inside other words: {text}", cell("meetings", summary=text))
      for text in ["The researchers passed the fact-finding report on.",
                   "The ministry published a factsheet; searches of the area went on."]],
    ("loaded term inside a claim summary",
     cell("claims", summary='The ministry called the visit a "provocation".')),
    ("same word either side of punctuation",
     cell("meetings", summary="The leaders met in Moscow; Moscow hosted them again later.")),
    ("outlet claim without a party",
     cell("claims", claimant_kind="outlet", claimant_publisher_id="example_news", claimant_party="")),
    ("a state body's claim relayed by an outlet",
     cell("claims", summary="According to the ministry, as Example News reported, 12 people were hurt.")),
    *[(f"relay terms only inside other words: {text}",
       lambda p, t=text: p.set("claims", 0, claimant_kind="outlet", claimant_publisher_id="example_news",
                               claimant_party="", summary=t))
      for text in ["Example News wrote that 12 people were hurt; its total is recited below.",
                   "Example News counted the maps itself, without sources."]],
    ("a page whose words contain amp",
     cell("sources", url="https://news.example.org/amputees-and-preview-of-talks")),
    ("cyrillic words in a title", cell("sources", title="Пресс-релиз по итогам встречи")),
    ("a url with letters of any script",
     cell("sources", url="https://news.example.org/ru/Пресс-релиз/1194662")),
]


@pytest.mark.parametrize("plant", [pytest.param(plant, id=name) for name, plant in ACCEPTED])
def test_make_check_accepts_what_only_looks_like_a_fault(package, capsys, plant):
    plant(package)
    assert_accepted(package, capsys)


# --- a clean package, and how problems are reported ------------------------------------------------------------

def test_clean_package_prints_one_summary_line_and_exits_0(package, capsys):
    code, lines = check(package, capsys)
    assert code == 0 and len(lines) == 1
    assert int(OK.fullmatch(lines[0])[1]) == len(load_package(package.root).tables)


def test_committed_package_is_valid():
    result = subprocess.run([sys.executable, "-m", "scripts.validate"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert OK.fullmatch(result.stdout.strip()), result.stdout


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
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.splitlines() == ["data/meetings.csv:1: starts with a byte-order mark; save as UTF-8 without "
                                          "BOM", "1 problem found"]


def test_frictionless_verdict_on_the_descriptor_is_kept_and_reused_until_a_schema_changes(package, capsys, tmp_path,
                                                                                        monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert_accepted(package, capsys)
    [kept] = (tmp_path / "cache" / "am-az-normalization" / "descriptors").iterdir()
    kept.write_text('[["datapackage.json", "the verdict kept for these bytes"]]')
    assert check(package, capsys) == (1, ["datapackage.json: the verdict kept for these bytes", "1 problem found"])
    edit_schema(package, "places", lambda s: s["fields"][1].update(type="text"))
    assert check(package, capsys)[1][0].startswith("schemas/places.schema.json: fields.name: type 'text' is not")


def test_a_cache_folder_that_cannot_be_written_costs_nothing_but_time(package, capsys, tmp_path, monkeypatch):
    (tmp_path / "cache").write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert_accepted(package, capsys)
