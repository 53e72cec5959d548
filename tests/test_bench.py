"""The benchmark's generator and its planted-error parity, at 10^3 rows so that the suite stays fast."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from dataclasses import replace

import duckdb
import pytest

from scripts.bench import FRICTIONLESS, parity, timed
from scripts.faults import plant_faults
from scripts.package import ROOT, load_package
from scripts.rules import KINDS, table_rules
from scripts.synthetic import write_package
from scripts.validate import LOOKUPS, SEARCH_PATH, rule_passes, scan, validate


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic") / "pkg"
    sizes = write_package(root, 1000)
    return root, sizes


def test_generated_package_validates_clean(generated):
    root, sizes = generated
    problems, rows = validate(root)
    assert problems == [], [str(p) for p in problems[:10]]
    assert rows == sizes and max(sizes.values()) == 1000


def test_generated_package_passes_frictionless(generated):
    root, _ = generated
    _, _, out = timed([FRICTIONLESS, "validate", "datapackage.json", "--json"], cwd=root, ok=(0, 1))
    report = json.loads(out)
    assert report["valid"], [e["message"] for t in report["tasks"] for e in t["errors"]][:10]


def test_project_reports_every_fault_frictionless_reports_plus_the_cross_table_ones(tmp_path):
    root = tmp_path / "planted"
    write_package(root, 1000)
    result = parity(root)
    assert result["missed_of_frictionless"] == []
    assert result["missed_cross"] == []
    assert result["missed_planted_standard"] == []
    assert result["frictionless"] >= 10


def test_every_kind_that_applies_to_a_field_has_a_fault_planted(tmp_path):
    root = tmp_path / "planted"
    write_package(root, 1000)
    package = load_package(root)
    standard, cross = plant_faults(root)
    assert {f[3] for f in standard + cross} == {k.name for k in KINDS for t in package.tables for f in t.fields
                                                if k.applies(package, t, f)}




@pytest.mark.slow
def test_the_site_benchmark_builds_a_page_per_synthetic_record_and_judges_its_targets(tmp_path, monkeypatch):
    from scripts import bench

    monkeypatch.setattr(bench, "REPEAT", 1)
    run = bench.site_size(300, tmp_path)
    assert run["records"] == 300 and run["pages"] > 300 and run["site_s"] > 0 and run["peak_rss_mb"] > 0
    fast = {"records": 9_996, "site_s": 50.0, "peak_rss_mb": 900}
    assert bench.site_targets([fast, {"records": 99_996, "site_s": 450.0, "peak_rss_mb": 1500}]) == [
        ("site at 10^4 records ≤ 60 s and ≤ 1 GB", True, "50.0 s, 900 MB"),
        ("site at 10^5 ≤ 12× site at 10^4 (linear)", True, "9.0×")]
    assert bench.site_targets([{**fast, "peak_rss_mb": 1100}])[0][1] is False


def test_the_real_build_and_the_query_page_are_judged_against_their_targets():
    from scripts import bench

    query = {"cold_s": 5.5, "cold_bytes": 38_000_000, "warm_s": 3.2, "warm_bytes": 0}
    assert bench.real_targets({"build_s": 5.9}, query) == [
        ("make build on the repository's data ≤ 6 s", True, "5.9 s"),
        ("Query page, Run to first result warm ≤ 3 s", False, "3.2 s, 0.0 MB sent before it"),
        ("Query page, Run to first result cold ≤ 6 s", True, "5.5 s, 38.0 MB sent before it")]
    assert bench.real_targets(None, None) == []


@pytest.mark.browser
@pytest.mark.slow
def test_the_query_page_benchmark_counts_what_a_cold_visit_downloads_and_a_warm_one_reuses(site):
    # Its own process: the benchmark starts Playwright itself, which cannot run beside the session's browser.
    script = ("import json, sys; from pathlib import Path; from scripts import query_bench; query_bench.REPEAT = 1; "
              "print(json.dumps(query_bench.measure(Path(sys.argv[1]))))")
    run = subprocess.run([sys.executable, "-c", script, str(site / "site")], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    result = json.loads(run.stdout.splitlines()[-1])
    wasm = (site / "site" / "assets" / "console" / "duckdb-eh.wasm").stat().st_size
    assert result["cold_bytes"] > wasm and result["warm_bytes"] < wasm
    assert 0 < result["cold_instantiated_s"] <= result["cold_s"] and 0 < result["again_s"]


def test_every_later_rules_verdict_agrees_with_its_row_by_row_check_on_a_valid_and_a_planted_package(tmp_path):
    """A rule's `verdict` is a cheaper query for the same answer: on a clean package both pass, and on the
    planted one each gives what the rule checked row by row gives (at least one fails)."""
    def answers(root):
        package = load_package(root)
        with duckdb.connect() as con:
            con.execute(f"CREATE SCHEMA {LOOKUPS}")
            con.execute(SEARCH_PATH)
            rules = {t.name: table_rules(t, package, dt.date.today()) for t in package.tables}
            for t in package.tables:
                assert scan(con, package, t, [r for r in rules[t.name] if r.local],
                            [r for r in rules[t.name] if not r.local]) == []
            return {(t.name, r.name, r.field): (rule_passes(con, t, r), rule_passes(con, t, replace(r, verdict=None)))
                    for t in package.tables for r in rules[t.name] if r.verdict}

    root = tmp_path / "pkg"
    write_package(root, 1000)
    clean = answers(root)
    assert {kind for _, kind, _ in clean} == {"primary_key", "unique", "foreign_key", "record_reference", "cited",
                                              "list_reference", "host_determines"}
    assert all(fast and slow for fast, slow in clean.values())
    plant_faults(root)
    planted = answers(root)
    assert [key for key, (fast, slow) in planted.items() if fast != slow] == []
    assert {kind for (_, kind, _), (fast, _) in planted.items() if not fast} == {kind for _, kind, _ in clean}


def test_the_bench_generates_its_packages_in_a_child_process_with_the_sizes_write_package_gives(tmp_path):
    from scripts import bench

    assert bench.generate(tmp_path / "child", 300) == write_package(tmp_path / "here", 300)
    assert (tmp_path / "child" / "data" / "citations.csv").read_bytes() == \
        (tmp_path / "here" / "data" / "citations.csv").read_bytes()
