"""`make query` and the cookbook's queries: SQL reaches DuckDB exactly as typed, runs locked down, within a time
and a row budget, and every mistake is one line."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from scripts import query
from scripts.package import ROOT
from scripts.terminal import printable

LONG = "SELECT sum(range % 7) FROM range(1000000000000)"


def run_main(capsys, monkeypatch, database: Path, sql: str | None, **env: str) -> tuple[int, str, str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = query.main(([] if sql is None else [sql]) + ["--db", str(database)])
    out, err = capsys.readouterr()
    return code, out, err


def test_make_query_passes_backticks_dollar_parens_and_quotes_to_duckdb_as_typed(fixture_database, tmp_path):
    text = f"`touch {tmp_path}/a` $(touch {tmp_path}/b) $(shell touch {tmp_path}/c) $$1 \\"
    sql = f"SELECT md5('{text}') AS \"n rows\""
    done = subprocess.run(["make", "-s", "query", f"SQL={sql}"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "QUERY_DB": str(fixture_database)})
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == ["n rows", "-" * 32, hashlib.md5(text.encode()).hexdigest(), "(1 row)"]
    assert list(tmp_path.iterdir()) == []


def test_no_sql_says_how_to_give_some(capsys, monkeypatch, fixture_database):
    monkeypatch.delenv("SQL", raising=False)
    assert run_main(capsys, monkeypatch, fixture_database, None) == (
        1, "", 'no SQL given: make query SQL="SELECT ..." or SQL=queries/<name>.sql\n')
    assert run_main(capsys, monkeypatch, fixture_database, None, SQL="  \n ")[0] == 1


def test_sql_is_read_from_the_environment(capsys, monkeypatch, fixture_database):
    code, out, _ = run_main(capsys, monkeypatch, fixture_database, None, SQL="SELECT 42 AS answer")
    assert (code, out) == (0, "answer\n------\n    42\n(1 row)\n")


def test_a_word_ending_in_sql_that_names_no_file_is_an_error_not_sql(capsys, monkeypatch, fixture_database):
    assert run_main(capsys, monkeypatch, fixture_database, "queries/no_such_query.sql") == (
        1, "", "queries/no_such_query.sql: no such file (a word ending in .sql is read as a file name)\n")


def test_sql_with_spaces_that_ends_in_sql_is_run_as_sql(capsys, monkeypatch, fixture_database):
    code, out, _ = run_main(capsys, monkeypatch, fixture_database, "SELECT 1 AS n -- like queries/x.sql")
    assert code == 0 and out.endswith("(1 row)\n")


def test_a_folder_or_device_ending_in_sql_is_refused_in_one_line(capsys, monkeypatch, fixture_database, tmp_path):
    (tmp_path / "dir.sql").mkdir()
    (tmp_path / "zero.sql").symlink_to("/dev/zero")
    for name in ("dir.sql", "zero.sql"):
        path = tmp_path / name
        assert run_main(capsys, monkeypatch, fixture_database, str(path)) == (
            1, "", f"{path}: not a regular file\n")


def test_an_empty_sql_file_is_one_line(capsys, monkeypatch, fixture_database, tmp_path):
    (tmp_path / "empty.sql").write_text("\n")
    assert run_main(capsys, monkeypatch, fixture_database, str(tmp_path / "empty.sql")) == (
        1, "", f"{tmp_path}/empty.sql: the file holds no SQL\n")


def test_a_missing_database_is_one_line(capsys, monkeypatch, tmp_path):
    assert run_main(capsys, monkeypatch, tmp_path / "none.duckdb", "SELECT 1") == (
        1, "", f"{tmp_path}/none.duckdb not found; run `make build` first\n")


def test_a_query_that_runs_too_long_is_interrupted_at_the_timeout(capsys, monkeypatch, fixture_database):
    started = time.monotonic()
    assert run_main(capsys, monkeypatch, fixture_database, LONG, QUERY_TIMEOUT="0.5") == (
        1, "", "query stopped after 0.5 s; set QUERY_TIMEOUT (seconds) to allow longer\n")
    assert time.monotonic() - started < 10


def test_a_timeout_that_is_not_a_number_is_one_line(capsys, monkeypatch, fixture_database):
    assert run_main(capsys, monkeypatch, fixture_database, "SELECT 1", QUERY_TIMEOUT="soon") == (
        1, "", "QUERY_TIMEOUT must be a positive number, not 'soon'\n")
    assert run_main(capsys, monkeypatch, fixture_database, "SELECT 1", QUERY_ROWS="-3") == (
        1, "", "QUERY_ROWS must be a positive whole number, not '-3'\n")
    assert run_main(capsys, monkeypatch, fixture_database, "SELECT 1", QUERY_TIMEOUT="inf", QUERY_ROWS="1") == (
        1, "", "QUERY_TIMEOUT must be a positive number, not 'inf'\n")


def test_rows_past_the_cap_are_counted_and_reported_cut(capsys, monkeypatch, fixture_database):
    code, out, _ = run_main(capsys, monkeypatch, fixture_database, "SELECT * FROM range(5000) t(n)")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2 + 1000 + 1
    assert lines[-2:] == ["999", "(1,000 of 5,000 rows shown; 4,000 cut; set QUERY_ROWS to show more)"]


def test_an_endless_result_is_fetched_only_up_to_the_counting_limit(capsys, monkeypatch, fixture_database):
    code, out, _ = run_main(capsys, monkeypatch, fixture_database, "SELECT * FROM range(100000000000) t(n)",
                            QUERY_ROWS="2")
    assert (code, out) == (0, "n\n-\n0\n1\n(2 rows shown; more than 1,000,000 further rows cut; set QUERY_ROWS "
                              "to show more)\n")


def test_ctrl_c_stops_the_query_with_one_line_and_exit_130(fixture_database):
    process = subprocess.Popen([sys.executable, "-m", "scripts.query", LONG, "--db", str(fixture_database)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(os.listdir(f"/proc/{process.pid}/task")) < 2:  # the query runs in a thread of its own: it started
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert (process.returncode, out, err) == (130, "", "query interrupted\n")


def test_the_spill_directory_is_off_and_cannot_be_turned_on(capsys, monkeypatch, fixture_database, tmp_path):
    code, out, _ = run_main(capsys, monkeypatch, fixture_database, "SELECT current_setting('temp_directory') AS t")
    assert (code, out) == (0, "t\n-\n\n(1 row)\n")
    code, _, err = run_main(capsys, monkeypatch, fixture_database, f"SET temp_directory = '{tmp_path}/spill'")
    assert code == 1 and "the configuration has been locked" in err
    assert list(tmp_path.iterdir()) == []


def test_control_characters_and_bidi_overrides_in_cells_and_names_are_shown_escaped(capsys, monkeypatch,
                                                                                    fixture_database):
    sql = "SELECT chr(27) || '[2J' || chr(155) || 'x' || chr(8238) || 'gpj.exe' AS \"a\x07b\", chr(7) || chr(13) AS c"
    code, out, _ = run_main(capsys, monkeypatch, fixture_database, sql)
    assert code == 0
    assert out.splitlines()[0].split() == ["a\\x07b", "c"]
    assert out.splitlines()[2].split() == ["\\x1b[2J\\x9bx\\u202egpj.exe", "\\x07"]
    assert all(c == "\n" or c.isprintable() for c in out)


def test_a_duckdb_error_echoing_control_characters_is_escaped(capsys, monkeypatch, fixture_database):
    code, out, err = run_main(capsys, monkeypatch, fixture_database, "SELECT * FROM \"\x1b[31mred\"")
    assert code == 1 and "\\x1b[31mred" in err and "\x1b" not in err


@pytest.mark.parametrize(("text", "shown"), [
    ("plain ünïcode", "plain ünïcode"),
    ("\x1b[31m", "\\x1b[31m"),
    ("tab\tnew\nline\r", "tab\\x09new\\x0aline\\x0d"),
    ("\x00\x7f\x85\x9f", "\\x00\\x7f\\x85\\x9f"),
    ("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069", "\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067"
                                                               "\\u2068\\u2069"),
    ("\u2028", "\\u2028"),
])
def test_printable_escapes_control_characters_and_bidi_overrides(text, shown):
    assert printable(text) == shown


# The cookbook runs its queries through the same lockdown


@pytest.mark.parametrize("sql", ["COPY parties TO '{tmp}/leak.csv'", "SELECT read_text('/etc/hostname')",
                                 "SELECT * FROM read_csv('{root}/data/parties.csv')", "ATTACH '{tmp}/x.duckdb'",
                                 "SET enable_external_access = true"])
def test_cookbook_queries_that_reach_outside_the_database_fail(fixture_database, tmp_path, sql):
    with query.locked_connection(fixture_database) as con, pytest.raises(duckdb.Error):
        query.run_locked(con, sql.format(tmp=tmp_path, root=ROOT))
    assert list(tmp_path.iterdir()) == []


def test_cookbook_queries_get_columns_and_capped_rows(fixture_database):
    with query.locked_connection(fixture_database) as con:
        result = query.run_locked(con, "SELECT party_id FROM parties ORDER BY 1", limit=2, timeout=5)
        again = query.run_locked(con, "SELECT 1 AS one")
    assert (result.columns, result.rows, result.cut) == (["party_id"], [("armenia",), ("azerbaijan",)], 1)
    assert again.rows == [(1,)]


def test_output_cut_short_by_a_closed_pipe_is_not_an_error(fixture_database):
    done = subprocess.run(f"{sys.executable} -m scripts.query 'SELECT * FROM range(100000)' --db {fixture_database} "
                          "| head -1", shell=True, cwd=ROOT, capture_output=True, text=True)
    assert (done.stdout, done.stderr) == ("range\n", "")


HUNGRY = "SELECT count(*) FROM (SELECT DISTINCT i::VARCHAR || repeat('x', 100) FROM range(3000000) t(i))"


def test_a_query_that_needs_more_memory_than_query_memory_stops_in_one_line(capsys, monkeypatch, fixture_database):
    assert run_main(capsys, monkeypatch, fixture_database, HUNGRY, QUERY_MEMORY="64MB") == (
        1, "", "query stopped: it needs more than 64MB of memory; set QUERY_MEMORY (e.g. QUERY_MEMORY=4GB) to allow "
               "more\n")


def test_the_same_query_runs_within_the_default_memory(capsys, monkeypatch, fixture_database):
    monkeypatch.delenv("QUERY_MEMORY", raising=False)
    code, out, _ = run_main(capsys, monkeypatch, fixture_database, HUNGRY)
    assert (code, out.splitlines()[2].strip()) == (0, "3000000")


def test_the_memory_limit_cannot_be_raised_by_the_query(capsys, monkeypatch, fixture_database):
    code, _, err = run_main(capsys, monkeypatch, fixture_database, "SET memory_limit = '100GB'", QUERY_MEMORY="64MB")
    assert code == 1 and "configuration has been locked" in err


@pytest.mark.parametrize("memory", ["lots", "1", "-1GB", "1GB; SET x = 1", "9999999GB"])
def test_query_memory_that_is_not_an_amount_of_memory_is_one_line(capsys, monkeypatch, fixture_database, memory):
    assert run_main(capsys, monkeypatch, fixture_database, "SELECT 1", QUERY_MEMORY=memory) == (
        1, "", f"QUERY_MEMORY must be an amount of memory such as 1GB or 512MB, not {memory!r}\n")
