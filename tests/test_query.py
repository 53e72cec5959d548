"""`scripts.query` and `queries/*.sql`: read-only querying, and the example queries with their answers on the
committed data.

The expected results below are the answers on the data as committed; a data change that alters an answer
should change the expectation in the same commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path

import pytest

from scripts import query
from scripts.package import ROOT

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
    "insert": ("INSERT INTO parties VALUES ('x', 'X', 'state', NULL)", "read-only mode"),
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


# The example queries


TESTED = {
    "mines_mapped_per_district_and_year", "people_returned_per_year_and_direction",
    "time_between_detention_and_release", "meetings_per_mediator_and_level", "records_resting_on_a_single_source",
    "conflicting_figures_on_the_same_record", "records_framed_differently_by_the_two_sides",
    "casualty_figures_over_time_by_claimant", "meetings_not_held_and_the_reasons_given",
    "transfers_linked_to_mine_maps",
}


def test_every_example_query_has_a_test_below():
    assert {p.stem for p in QUERIES.glob("*.sql")} == TESTED


@pytest.mark.parametrize("name", sorted(TESTED))
def test_every_example_query_opens_with_a_comment_saying_what_it_answers(name):
    first = (QUERIES / f"{name}.sql").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("-- ") and first.endswith("?")


def test_mines_mapped_per_district_and_year(committed_database):
    assert answer(committed_database, "mines_mapped_per_district_and_year") == [
        ("(area not reported)", 2020, 1, None, None, 1),
        ("(area not reported)", 2021, 4, None, None, 4),
        ("Aghdam district", 2021, 1, 97000, None, 0),
        ("Fuzuli district", 2021, 1, None, 92000, 0),
        ("Zangilan district", 2021, 1, None, 92000, 0),
        ("Kalbajar district", 2024, 1, None, None, 1),
    ]


def test_people_returned_per_year_and_direction(committed_database):
    assert answer(committed_database, "people_returned_per_year_and_direction") == [
        (2020, "Azerbaijan", "Armenia", 4, 52, 52, 52),
        (2020, "Armenia", "Azerbaijan", 2, 16, 14, 16),
        (2021, "Azerbaijan", "Armenia", 12, 78, 78, 79),
        (2021, "Armenia", "Azerbaijan", 3, 4, 4, 4),
        (2021, "Azerbaijan", "Nagorno-Karabakh de facto authorities", 1, 1, 1, 1),
        (2021, "Nagorno-Karabakh de facto authorities", "Azerbaijan", 1, 1, 1, 1),
        (2022, "Azerbaijan", "Armenia", 3, 30, 30, 30),
        (2023, "Azerbaijan", "Armenia", 1, 32, 32, 32),
        (2023, "Armenia", "Azerbaijan", 1, 2, 2, 2),
        (2024, "Armenia", "Azerbaijan", 1, 1, 1, 1),
    ]


def test_time_between_detention_and_release(committed_database):
    rows = answer(committed_database, "time_between_detention_and_release")
    assert [(r[0], r[4]) for r in rows] == [
        ("trf-0028", 256), ("trf-0004", 167), ("trf-0007", 58), ("trf-0015", 55), ("trf-0022", 43),
        ("trf-0020", 33), ("trf-0026", 33), ("trf-0019", 18), ("trf-0016", 12), ("trf-0029", 6), ("trf-0021", 2),
        ("trf-0012", 0),
    ]
    assert rows[0] == ("trf-0028", D(2023, 4, 1), "month", D(2023, 12, 13), 256, 2, "armenia", "servicemen")


def test_meetings_per_mediator_and_level(committed_database):
    assert answer(committed_database, "meetings_per_mediator_and_level") == [
        ("Russia", 16, 5, 5, 5, 1, 2),
        ("European Union", 12, 9, 0, 1, 2, 3),
        ("(none)", 11, 3, 1, 6, 1, 1),
        ("United States", 8, 1, 6, 0, 1, 3),
        ("OSCE Minsk Group co-chairs", 2, 0, 2, 0, 0, 1),
        ("Germany", 2, 1, 1, 0, 0, 0),
        ("Turkey", 2, 1, 1, 0, 0, 0),
        ("France", 1, 1, 0, 0, 0, 0),
        ("Georgia", 1, 0, 1, 0, 0, 0),
        ("Iran", 1, 0, 1, 0, 0, 0),
        ("Kazakhstan", 1, 0, 1, 0, 0, 0),
        ("United Kingdom", 0, 0, 0, 0, 0, 1),
    ]


def test_records_resting_on_a_single_source(committed_database):
    rows = answer(committed_database, "records_resting_on_a_single_source")
    assert Counter(r[0] for r in rows) == {"claims": 183, "meetings": 5, "prisoner_transfers": 2,
                                           "mine_map_handovers": 1}
    assert rows[0] == ("claims", "clm-0003", D(2021, 1, 1), "provisional",
                       "Commissioner for Human Rights (Ombudsman) of the Republic of Azerbaijan", "azerbaijan",
                       "https://ombudsman.az/en/news/974")


def test_conflicting_figures_on_the_same_record(committed_database):
    assert answer(committed_database, "conflicting_figures_on_the_same_record") == [
        ("trf-0003", "people_count", "russia", 12.0, "azerbaijan", 14.0, "clm-0002", "clm-0006"),
        ("trf-0019", "people_count", "armenia", 11.0, "azerbaijan", 10.0, "clm-0053", "clm-0065"),
        ("trf-0019", "people_count", "armenia", 11.0, "russia", 10.0, "clm-0053", "clm-0079"),
    ]


def test_records_framed_differently_by_the_two_sides(committed_database):
    rows = answer(committed_database, "records_framed_differently_by_the_two_sides")
    assert [r[0] for r in rows] == ["trf-0013", "mtg-0003", "mtg-0006", "mtg-0009", "mtg-0011", "mtg-0019",
                                    "mtg-0023", "mtg-0024", "mtg-0032", "mtg-0033", "mtg-0035", "mtg-0048",
                                    "mtg-0062", "mtg-0068"]
    assert rows[0] == ("trf-0013", "prisoner_transfers", D(2021, 6, 12), "disputed", 3, 2)


def test_casualty_figures_over_time_by_claimant(committed_database):
    rows = answer(committed_database, "casualty_figures_over_time_by_claimant")
    assert len(rows) == 93
    assert {r[0] for r in rows} == {"casualties_total", "killed_total", "injured_total"}
    assert rows[0] == ("casualties_total", "azerbaijan", D(2021, 3, 17), 6.0, "exact", D(2021, 3, 16),
                       D(2021, 3, 16), "Aghdam district prosecutor's office", "clm-0015")


def test_meetings_not_held_and_the_reasons_given(committed_database):
    rows = answer(committed_database, "meetings_not_held_and_the_reasons_given")
    assert len(rows) == 25
    assert len({r[0] for r in rows}) == 11
    assert rows[0] == ("mtg-0005", D(2021, 11, 1), "proposed", "leaders", "russia", None, None, None)
    assert [r[5] for r in rows if r[0] == "mtg-0009"] == ["armenia", "azerbaijan", "osce_minsk_group"]


def test_transfers_linked_to_mine_maps(committed_database):
    assert answer(committed_database, "transfers_linked_to_mine_maps") == [
        ("trf-0013", D(2021, 6, 12), "azerbaijan", "armenia", 15, "mmh-0002", "armenia", "aghdam_district", 97000,
         "georgia"),
        ("trf-0014", D(2021, 7, 3), "azerbaijan", "armenia", 15, "mmh-0003", "armenia",
         "fuzuli_district;zangilan_district", 92000, "russia"),
        ("trf-0019", D(2021, 12, 4), "azerbaijan", "armenia", 10, "mmh-0007", "armenia", None, None, "russia"),
    ]
