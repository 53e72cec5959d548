"""`make build` publishes all outputs or none: a failure leaves the last good build/ byte-identical."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scripts.package import ROOT
from scripts.pipeline import publish, run
from scripts.ready import DONE, GO
from scripts.site import feed
from tests.conftest import build_and_release as build_and_release_stages


def previous_build(out: Path) -> dict[str, bytes]:
    (out / "parquet").mkdir(parents=True)
    (out / "am-az-normalization.duckdb").write_bytes(b"last good database")
    (out / "parquet" / "meetings.parquet").write_bytes(b"last good parquet")
    return snapshot(out)


def snapshot(out: Path) -> dict[str, bytes]:
    """What readers see under build/: every file reached by the published names (symlinks followed); the
    bookkeeping (.lock, releases/, current) left out."""
    found = {}
    for entry in out.iterdir():
        if entry.name.startswith(".") or entry.name in ("releases", "current"):
            continue
        paths = [entry] if entry.is_file() else [Path(d) / f for d, _, fs in os.walk(entry, followlinks=True)
                                                 for f in fs]
        found.update({str(p.relative_to(out)): p.read_bytes() for p in paths})
    return dict(sorted(found.items()))


def test_failed_check_leaves_previous_outputs_unchanged(package, tmp_path):
    out = tmp_path / "build"
    before = previous_build(out)
    package.set("meetings", 0, status="maybe")
    assert run(package.root, out, ["build"]) == 1
    assert snapshot(out) == before


def test_failed_stage_leaves_previous_outputs_unchanged_and_no_staging_behind(package, tmp_path):
    out = tmp_path / "build"
    before = previous_build(out)
    assert run(package.root, out, ["no_such_stage"]) == 1
    assert snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == [".lock", "am-az-normalization.duckdb", "parquet"]


def test_publish_replaces_what_the_stages_wrote_and_keeps_the_rest(tmp_path):
    out, staging = tmp_path / "build", tmp_path / "staging"
    previous_build(out)
    (out / "bench.json").write_text("[]")
    (staging / "parquet").mkdir(parents=True)
    (staging / "parquet" / "claims.parquet").write_bytes(b"new parquet")
    (staging / "am-az-normalization.duckdb").write_bytes(b"new database")
    publish(staging, out)
    assert snapshot(out) == {"am-az-normalization.duckdb": b"new database", "bench.json": b"[]",
                             "parquet/claims.parquet": b"new parquet"}


def build_and_release(checkout: Path) -> bytes:
    """`make build`'s pipeline, build and release stages, run by the checkout's own code on its own data; its
    changes.csv."""
    done = subprocess.run([sys.executable, "-m", "scripts.pipeline", "--stages", "build", "release"], cwd=checkout,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(checkout)})
    assert done.returncode == 0, done.stderr[-2000:]
    return (checkout / "build" / "changes.csv").read_bytes()


@pytest.mark.slow
def test_a_source_archive_without_git_history_builds_the_changes_a_clone_builds(tmp_path):
    """The comparison with the previous release reads releases/, committed with the data, not git history: a
    "Download ZIP" of the repository and a shallow clone give the same changes.csv."""
    archive, clone = tmp_path / "archive", tmp_path / "clone"
    archive.mkdir()
    tar = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(archive)], input=tar, check=True)
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{ROOT}", str(clone)], check=True)
    assert not (archive / ".git").exists()
    changes = build_and_release(archive)
    assert changes.count(b"\n") > 1 and changes == build_and_release(clone)


def test_a_stage_imported_ahead_of_its_turn_does_not_run_when_the_build_stops_first(tmp_path):
    ready = subprocess.run([sys.executable, "-m", "scripts.ready", "build", str(tmp_path / "out")], cwd=ROOT,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert (ready.returncode, ready.stdout, ready.stderr) == (1, "", "")
    assert not (tmp_path / "out").exists()


def children() -> set[int]:
    """This process's child processes, zombies (ended, not yet reaped) included."""
    return {int(pid) for task in Path("/proc/self/task").iterdir() for pid in (task / "children").read_text().split()}


def test_the_stages_waiting_their_turn_are_ended_and_reaped_when_the_data_is_invalid(package, tmp_path):
    package.set("meetings", 0, status="maybe")
    before = children()
    assert run(package.root, tmp_path / "build", ["build", "release", "site.build"]) == 1
    assert children() - before == set()


def test_a_site_told_to_go_before_the_release_is_done_writes_its_pages_then_waits_for_the_downloads(package,
                                                                                                      tmp_path):
    """`OVERLAPS`: the site stage starts once the database is built, writes its pages while the release is made,
    and takes the release's downloads only when the build says the release is done."""
    out = tmp_path / "out"
    build_and_release_stages(package.root, out)
    (out / "downloads").rename(tmp_path / "downloads")  # not made yet, as while the release runs
    site = subprocess.Popen([sys.executable, "-m", "scripts.ready", "site.build", str(out), "--root",
                             str(package.root)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    site.stdin.write(GO)
    site.stdin.flush()
    last_written = out / "docs" / feed.FEED  # the last page family written before the downloads are needed
    deadline = time.monotonic() + 60
    while not last_written.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(2)  # a stage that did not wait would have failed by now, the downloads missing
    assert (out / "docs" / "tables" / "meetings.md").exists() and site.poll() is None
    assert not (out / "docs" / "downloads").exists() and not (out / "site").exists()
    (tmp_path / "downloads").rename(out / "downloads")
    site.stdin.write(DONE)
    site.stdin.close()
    assert site.wait(timeout=120) == 0, site.stderr.read()
    assert (out / "site" / "downloads" / "index.html").is_file()
