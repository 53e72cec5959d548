"""`scripts.query` and `queries/*.sql`: read-only querying, and the example queries with their answers.

Answers are checked on a small package made to exercise each query, so a correction of the committed data
breaks no test; on the committed data the queries are held to their columns and a few invariants.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import pytest

from scripts import build, changes, query
from scripts.package import ROOT, load_package
from tests.conftest import made_once, package_copy

QUERIES = ROOT / "queries"
D = dt.date


def run_main(capsys, database: Path, sql: str) -> tuple[int, str, str]:
    code = query.main([sql, "--db", str(database)])
    out, err = capsys.readouterr()
    return code, out, err


def answer(database: Path, name: str) -> list[tuple]:
    with query.connect(database) as con:
        return con.execute((QUERIES / f"{name}.sql").read_text(encoding="utf-8")).fetchall()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# The command


def test_a_query_prints_a_table_with_a_header_and_a_row_count(capsys, fixture_database):
    code, out, err = run_main(capsys, fixture_database, "SELECT party_id, name FROM parties ORDER BY party_id")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "party_id    name",
        "----------  ----------",
        "armenia     Armenia",
        "azerbaijan  Azerbaijan",
        "russia      Russia",
        "(3 rows)",
    ]


def test_numbers_are_right_aligned_and_lists_and_nulls_are_readable(capsys, fixture_database):
    code, out, _ = run_main(capsys, fixture_database, "SELECT 5 AS n, ['a', 'b'] AS l, NULL AS x UNION ALL "
                                                      "SELECT 10, [], 'y'")
    assert out.splitlines()[2:4] == [" 5  [a, b]", "10  []      y"]


def test_a_sql_file_can_be_given_instead_of_sql(capsys, fixture_database):
    code, out, _ = run_main(capsys, fixture_database, str(QUERIES / "transfers_linked_to_mine_maps.sql"))
    assert code == 0 and "trf-0001" in out


def test_a_bad_query_prints_duckdb_error_and_exits_1(capsys, fixture_database):
    code, out, err = run_main(capsys, fixture_database, "SELEC 1")
    assert (code, out) == (1, "")
    assert 'Parser Error: syntax error at or near "SELEC"' in err


def test_a_missing_database_says_to_build_first(capsys, tmp_path):
    code, _, err = run_main(capsys, tmp_path / "none.duckdb", "SELECT 1")
    assert code == 1 and "run `make build` first" in err


UNSAFE = {
    "drop": ("DROP TABLE citations", "read-only mode"),
    "insert": ("INSERT INTO parties (party_id, name, kind) VALUES ('x', 'X', 'state')", "read-only mode"),
    "update": ("UPDATE parties SET name = 'X'", "read-only mode"),
    "copy_to": ("COPY parties TO '{tmp}/leak.csv'", "file system operations are disabled"),
    "export": ("EXPORT DATABASE '{tmp}/export'", "file system operations are disabled"),
    "attach": ("ATTACH '{tmp}/new.duckdb' AS new", "file system operations are disabled"),
    "install": ("INSTALL httpfs", "disabled"),
    "load": ("LOAD httpfs", "disabled"),
    "read_local_file": ("SELECT * FROM read_csv('{root}/data/parties.csv')", "file system operations are disabled"),
    "unlock_access": ("SET enable_external_access = true", "configuration has been locked"),
    "unlock_configuration": ("SET lock_configuration = false", "configuration has been locked"),
}


@pytest.mark.parametrize("case", UNSAFE)
def test_a_statement_that_would_write_or_reach_outside_fails_and_changes_nothing(capsys, tmp_path, fixture_database,
                                                                                 case):
    sql, message = UNSAFE[case]
    before = digest(fixture_database)
    code, out, err = run_main(capsys, fixture_database, sql.format(tmp=tmp_path, root=ROOT))
    assert code == 1 and out == ""
    assert message in err
    assert digest(fixture_database) == before
    assert list(tmp_path.iterdir()) == []


# The example queries: answers on a small package made to exercise each one, shapes on the committed data


def answers_package(root: Path) -> Path:
    """The fixture package plus the records each example query looks for: a cancelled meeting with a claim
    about it, framings of one transfer by both sides, two claimants giving different counts, a casualty total,
    a transfer with its detention date, a document signed at a meeting, and an earlier release that added the
    first meeting and its citation (for the record_changes view)."""
    package = package_copy(root)
    earlier = root / changes.RELEASES / "0.1.0"
    earlier.mkdir(parents=True)
    (earlier / changes.CHANGES).write_text(f"{','.join(changes.HEADER)}\nmeetings,mtg-0001,added,,,,\n"
                                           f"citations,mtg-0001|{package.rows['citations'][0]['source_id']},added,,,,\n",
                                           encoding="utf-8")
    src = package.rows["sources"][0]["source_id"]
    more = {
        "meetings": [dict(meeting_id="mtg-0002", date_start="2021-10-01", date_precision="day", status="cancelled",
                          level="foreign_ministers", format="bilateral", summary="A planned meeting was called off.",
                          record_status="provisional")],
        "prisoner_transfers": [dict(transfer_id="trf-0002", date="2021-06-12", date_precision="day",
                                    from_party="armenia", to_party="azerbaijan", people_min="2", people_best="2",
                                    people_max="2", people_qualifier="exact", people_category="civilians",
                                    detention_date="2021-05-27", detention_date_precision="day",
                                    summary="Two civilians were returned.", record_status="confirmed")],
        "documents": [dict(document_id="doc-0001", date="2021-01-11", date_precision="day", meeting_id="mtg-0001",
                           title="Joint statement", kind="joint_declaration", action="signed",
                           party_ids="armenia;azerbaijan;russia", summary="The three leaders signed a statement.",
                           record_status="confirmed"),
                      dict(document_id="doc-0002", date="2020-11-10", date_precision="day", title="Ceasefire statement",
                           kind="joint_declaration", action="signed", party_ids="armenia;azerbaijan;russia",
                           summary="The three leaders signed a ceasefire statement.", record_status="confirmed")],
        "provisions": [dict(provision_id="prv-0002", document_id="doc-0002", point="8",
                            category="prisoners_and_detainees", summary="The parties exchange prisoners.",
                            status="disputed",
                            status_note="Exchanges followed; the parties disagree on who is covered.",
                            record_status="confirmed"),
                       dict(provision_id="prv-0003", document_id="doc-0002", point="9",
                            category="transport_and_communications", summary="Transport links are unblocked.",
                            status="not_implemented", status_note="No link had reopened.", record_status="confirmed")],
        "claims": [
            dict(claim_id="clm-0002", date="2021-10-02", date_precision="day", claimant_kind="official",
                 claimant_party="armenia", claimant_person="A. Spokesperson", topic="other", record_id="mtg-0002",
                 summary="Said the other side had withdrawn.", record_status="provisional"),
            dict(claim_id="clm-0003", date="2021-06-12", date_precision="day", claimant_kind="official",
                 claimant_party="armenia", topic="framing", record_id="trf-0001",
                 summary="Called the release a humanitarian step.", record_status="provisional"),
            dict(claim_id="clm-0004", date="2021-06-12", date_precision="day", claimant_kind="official",
                 claimant_party="azerbaijan", topic="framing", record_id="trf-0001",
                 summary="Called the release a goodwill gesture.", record_status="provisional"),
            dict(claim_id="clm-0005", date="2021-06-12", date_precision="day", claimant_kind="state_body",
                 claimant_party="azerbaijan", topic="count_dispute", record_id="trf-0001", measure="people_count",
                 value="15", value_qualifier="exact", unit="people", summary="Gave 15 people.",
                 record_status="provisional"),
            dict(claim_id="clm-0006", date="2021-06-13", date_precision="day", claimant_kind="outlet",
                 claimant_publisher_id="example_news", topic="count_dispute", record_id="trf-0001",
                 measure="people_count", value="17", value_qualifier="approximate", unit="people",
                 summary="Reported about 17 people.", record_status="provisional"),
            dict(claim_id="clm-0007", date="2021-03-17", date_precision="day", claimant_kind="state_body",
                 claimant_party="azerbaijan", claimant_office="District prosecutor", topic="landmine_casualties",
                 measure="casualties_total", value="6", value_qualifier="exact", unit="people",
                 period_start="2021-03-16", period_end="2021-03-16", summary="Gave six casualties.",
                 record_status="provisional"),
        ],
    }
    for table, rows in more.items():
        package.rows.setdefault(table, []).extend(rows)
        package.rows["citations"] += [{"record_id": next(iter(r.values())), "source_id": src} for r in rows]
    package.rows.setdefault("provision_links", []).append(
        dict(provision_id="prv-0002", record_id="trf-0001", relation="implements", source_ids=src))
    package.write()
    return package.root


@pytest.fixture(scope="module")
def answers_database(tmp_path_factory) -> Path:
    def make(folder: Path) -> None:
        root = answers_package(folder / "pkg")
        build.build(load_package(root), root / "build")
    return made_once(tmp_path_factory, "answers", make) / "pkg" / "build" / build.DATABASE


EXPECTED = {
    "casualty_figures_over_time_by_claimant": [
        ("casualties_total", "state_body", "azerbaijan", None, D(2021, 3, 17), 6.0, "exact", D(2021, 3, 16),
         D(2021, 3, 16), "District prosecutor", "clm-0007")],
    "conflicting_figures_on_the_same_record": [
        ("trf-0001", "people_count", "azerbaijan", 15.0, "example_news", 17.0, "clm-0005", "clm-0006")],
    "documents_signed_or_initialed": [
        ("doc-0002", D(2020, 11, 10), "day", "signed", "joint_declaration", "Ceasefire statement",
         "armenia;azerbaijan;russia", None, None, None, None, None, None, "confirmed"),
        ("doc-0001", D(2021, 1, 11), "day", "signed", "joint_declaration", "Joint statement",
         "armenia;azerbaijan;russia", None, "mtg-0001", D(2021, 1, 11), "leaders", "Moscow", None, "confirmed")],
    "meetings_not_held_and_the_reasons_given": [
        ("mtg-0002", D(2021, 10, 1), "cancelled", "foreign_ministers", None, "armenia", "A. Spokesperson",
         "Said the other side had withdrawn.")],
    "meetings_per_mediator_and_level": [("Russia", 1, 1, 0, 0, 0, 0), ("(none)", 0, 0, 0, 0, 0, 1)],
    "mines_mapped_per_district_and_year": [("Aghdam district", 2021, 1, 97000, None, 0)],
    "people_returned_per_year_and_direction": [
        (2021, "Azerbaijan", "Armenia", 1, 15, 15, 15), (2021, "Armenia", "Azerbaijan", 1, 2, 2, 2)],
    "records_framed_differently_by_the_two_sides": [
        ("trf-0001", "prisoner_transfers", D(2021, 6, 12), "confirmed", 1, 1)],
    "records_resting_on_a_single_source": None,  # every record of the answers package rests on one source
    "time_between_detention_and_release": [
        ("trf-0002", D(2021, 5, 27), "day", D(2021, 6, 12), 16, 2, "armenia", "civilians")],
    "people_handed_over_by_direction": [
        ("Azerbaijan", "Armenia", 1, 15, 15, 15, D(2021, 6, 12), D(2021, 6, 12), "day"),
        ("Armenia", "Azerbaijan", 1, 2, 2, 2, D(2021, 6, 12), D(2021, 6, 12), "day")],
    "last_meeting_at_each_level": [
        ("leaders", 1, D(2021, 1, 11), "day", "Moscow", "mtg-0001", "The three leaders met in Moscow.")],
    "meetings_per_year_by_level": [(2021, 1, 1, 0, 0, 0)],
    "mine_maps_handed_over": [("Armenia", "Azerbaijan", 1, 1, 97000, 97000, 97000, D(2021, 6, 12), D(2021, 6, 12),
                               "day")],
    "latest_casualty_figure_per_claimant": [
        ("District prosecutor", "state_body", "Azerbaijan", D(2021, 3, 17), 6.0, "exact", "clm-0007")],
    "what_the_2020_statement_promised_and_what_was_done": [
        ("8", "prisoners_and_detainees", "The parties exchange prisoners.", None, "disputed", 1, "trf-0001",
         D(2021, 6, 12), 214, "Exchanges followed; the parties disagree on who is covered."),
        ("9", "transport_and_communications", "Transport links are unblocked.", None, "not_implemented", 0, None, None,
         None, "No link had reopened.")],
    "transfers_linked_to_mine_maps": [
        ("trf-0001", D(2021, 6, 12), "azerbaijan", "armenia", 15, "mmh-0001", "armenia", "aghdam_district", 97000,
         None)],
}


def test_every_example_query_has_an_expected_answer():
    assert {p.stem for p in QUERIES.glob("*.sql")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_example_query_opens_with_a_comment_saying_what_it_answers(name):
    first = (QUERIES / f"{name}.sql").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("-- ") and first.endswith("?")


@pytest.mark.parametrize("name", sorted(k for k, v in EXPECTED.items() if v is not None))
def test_every_example_query_gives_its_answer_on_the_answers_package(answers_database, name):
    assert answer(answers_database, name) == EXPECTED[name]


@pytest.mark.parametrize("view", list(build.view_texts(load_package(ROOT))))
def test_every_view_returns_rows_on_the_answers_package(answers_database, view):
    with duckdb.connect(str(answers_database), read_only=True) as con:
        assert con.execute(f"SELECT count(*) FROM {view}").fetchone()[0] > 0


def test_every_record_resting_on_one_source_is_listed_with_its_publisher(answers_database):
    rows = answer(answers_database, "records_resting_on_a_single_source")
    with query.connect(answers_database) as con:
        records = con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert len(rows) == records
    assert rows[0] == ("claims", "clm-0007", D(2021, 3, 17), "provisional", "Example News", "third_party",
                       "https://news.example.org/handover-and-release")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_example_query_runs_on_the_committed_data_with_the_same_columns(committed_database, answers_database,
                                                                              name):
    def columns(database: Path) -> list[str]:
        with query.connect(database) as con:
            cursor = con.execute((QUERIES / f"{name}.sql").read_text(encoding="utf-8"))
            cursor.fetchall()
            return [d[0] for d in cursor.description]
    assert columns(committed_database) == columns(answers_database)
    assert answer(committed_database, name), f"{name} finds nothing in the committed data"


def test_people_returned_add_up_to_the_transfers_on_the_committed_data(committed_database):
    rows = answer(committed_database, "people_returned_per_year_and_direction")
    with query.connect(committed_database) as con:
        total, count = con.execute("SELECT sum(people_best), count(*) FROM prisoner_transfers "
                                   "WHERE date_precision <> 'year'").fetchone()
    assert sum(r[4] or 0 for r in rows) == total and sum(r[3] for r in rows) == count


def test_conflicting_figures_pair_different_claimants_on_the_committed_data(committed_database):
    for row in answer(committed_database, "conflicting_figures_on_the_same_record"):
        assert row[2] != row[4] and row[3] != row[5]
