"""`make build` is safe by construction: killed at any moment, run twice at once, run on a read-only build/ or
fed data edited mid-build, it leaves the published outputs whole (old or new, never a mix)."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from scripts import pipeline
from scripts.package import ROOT
from tests.conftest import made_once, package_copy
from tests.test_pipeline import snapshot

FAST = ["build", "release"]  # the site adds 3 s per build and nothing to what publishing does


def build_process(root: Path, out: Path, stages: list[str], **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "scripts.pipeline", "--root", str(root), "--out", str(out),
                             "--stages", *stages], cwd=ROOT, env={**os.environ, **env}, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> tuple[Path, Path]:
    """A package and a build/ of it made by the pipeline; tests copy the build/ and then change the package."""
    def make(base: Path) -> None:
        package = package_copy(base / "pkg")
        assert pipeline.run(package.root, base / "build", FAST) == 0
    base = made_once(tmp_path_factory, "previous", make)
    return base / "pkg", base / "build"


@pytest.fixture
def setup(previous, tmp_path) -> tuple[Path, Path, dict[str, bytes]]:
    """A fresh copy of the previous build and of its package, with the package changed since."""
    root, out = tmp_path / "pkg", tmp_path / "build"
    shutil.copytree(previous[0], root)
    shutil.copytree(previous[1], out, symlinks=True)
    csv = root / "data" / "meetings.csv"
    csv.write_text(csv.read_text().replace("The three leaders met in Moscow.", "Changed since the last build."))
    return root, out, snapshot(out)


def staging_left(out: Path) -> list[str]:
    return sorted(p.name for p in out.glob(".staging-*"))


@pytest.mark.slow
@pytest.mark.parametrize("point", ["snapshot", "validated", "stage-build", "stage-release", "released"])
def test_a_build_killed_before_the_swap_leaves_the_previous_outputs_byte_identical(setup, point):
    root, out, before = setup
    process = build_process(root, out, FAST, PIPELINE_KILL_AT=point)
    process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL
    wait_for_lock(out)  # the exit of the build stage, which runs beside validation and dies with the build
    assert snapshot(out) == before
    assert pipeline.run(root, out, FAST) == 0
    assert snapshot(out) != before
    assert staging_left(out) == [] and len(list((out / "releases").iterdir())) == 1


@pytest.mark.slow
def test_a_build_killed_right_after_the_swap_leaves_the_new_outputs_whole(setup, tmp_path):
    root, out, before = setup
    process = build_process(root, out, FAST, PIPELINE_KILL_AT="swapped")
    process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL
    clean = tmp_path / "clean"
    assert pipeline.run(root, clean, FAST) == 0
    assert snapshot(out) == snapshot(clean) != before


@pytest.mark.slow
def test_a_build_killed_mid_stage_leaves_previous_outputs_and_no_temporary_files_behind(setup, tmp_path):
    root, out, before = setup
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    process = build_process(root, out, ["build", "release", "site.build"], TMPDIR=str(system_tmp))
    deadline = time.monotonic() + 120
    while not list(out.glob(".staging-*/out/docs/tables")):  # the docs stage is inside its temporary database
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    stages = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    for group in [process.pid] + [int(pid) for pid in stages]:  # the stage runs in a process group of its own
        os.killpg(group, signal.SIGKILL)
    process.communicate(timeout=60)
    wait_for_lock(out)  # the stage's exit, which SIGKILL only starts
    assert snapshot(out) == before
    assert list(system_tmp.iterdir()) == []
    assert staging_left(out) != []
    assert pipeline.run(root, out, FAST) == 0
    assert staging_left(out) == []


def wait_for_lock(out: Path) -> None:
    with (out / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # blocks until no process holds it


def dead(pid: int) -> bool:
    """Gone, or a zombie (killed, waiting for init to reap it)."""
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"


def lock_is_free(out: Path) -> bool:
    with (out / ".lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


@pytest.mark.slow
def test_a_stage_dies_with_a_killed_build_and_frees_the_lock_within_a_second(setup):
    root, out, before = setup
    process = build_process(root, out, ["build", "release", "site.build"])
    deadline = time.monotonic() + 120
    while not list(out.glob(".staging-*/out/docs")):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    stages = [int(pid) for task in Path(f"/proc/{process.pid}/task").iterdir()
              for pid in (task / "children").read_text().split()]
    process.kill()  # the pipeline alone: its stages run in process groups of their own
    process.communicate(timeout=60)
    killed = time.monotonic()
    while not lock_is_free(out) and time.monotonic() < killed + 1:
        time.sleep(0.02)
    assert lock_is_free(out) and stages and all(dead(stage) for stage in stages)
    assert snapshot(out) == before
    assert pipeline.run(root, out, FAST) == 0 and staging_left(out) == []


def test_data_edited_after_validation_is_not_published(setup, monkeypatch):
    root, out, _ = setup
    csv = root / "data" / "meetings.csv"

    def edit_after_validation(point: str) -> None:
        if point == "validated":
            csv.write_text(csv.read_text().replace(",held,", ",maybe,"))

    monkeypatch.setattr(pipeline, "checkpoint", edit_after_validation)
    assert pipeline.run(root, out, FAST) == 0
    assert ",maybe," in csv.read_text()
    with duckdb.connect(str(out / "am-az-normalization.duckdb"), read_only=True) as con:
        assert con.execute("SELECT status::VARCHAR, summary FROM meetings").fetchall() == [
            ("held", "Changed since the last build.")]


def test_a_second_build_while_one_runs_says_so_in_one_line_and_exits_1(setup, capsys):
    root, out, before = setup
    with (out / ".lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert pipeline.run(root, out, FAST) == 1
    assert capsys.readouterr().err == (f"build stopped: another build is running ({out}/.lock is locked); "
                                       f"{out} was not changed\n")
    assert snapshot(out) == before


def test_a_read_only_build_folder_gives_one_line_and_exit_1(setup, capsys, monkeypatch):
    root, out, before = setup  # as root, chmod would not stop a write: a read-only mount is simulated instead

    def read_only(prefix: str, dir: Path) -> str:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(dir))

    monkeypatch.setattr(pipeline.tempfile, "mkdtemp", read_only)
    assert pipeline.run(root, out, FAST) == 1
    assert capsys.readouterr().err == f"build stopped: {out}: Read-only file system; {out} was not changed\n"
    assert snapshot(out) == before


def test_a_file_where_build_should_be_gives_one_line_and_exit_1(setup, capsys):
    root, out, _ = setup
    blocked = out / "blocked"
    blocked.write_text("a file where build/ should be")
    assert pipeline.run(root, blocked, FAST) == 1
    assert capsys.readouterr().err == f"build stopped: {blocked} is not a folder; {blocked} was not changed\n"
    assert blocked.read_text() == "a file where build/ should be"


def test_a_lock_file_on_a_read_only_file_system_gives_one_line_and_exit_1(setup, capsys, monkeypatch):
    root, out, before = setup
    opened = os.open

    def read_only(path, flags, *args):
        if str(path).endswith(".lock"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return opened(path, flags, *args)

    monkeypatch.setattr(pipeline.os, "open", read_only)
    assert pipeline.run(root, out, FAST) == 1
    assert capsys.readouterr().err == f"build stopped: {out}/.lock: Read-only file system; {out} was not changed\n"
    assert snapshot(out) == before


def test_stale_staging_of_a_killed_build_is_removed_by_the_next_build(setup):
    root, out, _ = setup
    (out / ".staging-killed" / "out").mkdir(parents=True)
    (out / "releases" / "999").mkdir()
    assert pipeline.run(root, out, FAST) == 0
    assert staging_left(out) == []
    assert [p.name for p in (out / "releases").iterdir()] == [os.readlink(out / "current").split("/")[1]]


def test_published_names_are_symlinks_into_the_live_release(setup):
    root, out, _ = setup
    assert pipeline.run(root, out, FAST) == 0
    assert os.readlink(out / "am-az-normalization.duckdb") == "current/am-az-normalization.duckdb"
    assert os.readlink(out / "parquet") == "current/parquet"
    assert (out / "parquet" / "meetings.parquet").is_file()


@pytest.mark.slow
def test_a_build_with_fewer_stages_keeps_the_outputs_of_the_others(setup):
    root, out, before = setup
    assert pipeline.run(root, out, ["site.build"]) == 0
    after = snapshot(out)
    assert after["am-az-normalization.duckdb"] == before["am-az-normalization.duckdb"]
    assert after.keys() > before.keys() and "site/index.html" in after


def test_a_fifo_in_the_data_stops_the_build_in_one_line(setup, capsys):
    root, out, before = setup
    csv = root / "data" / "meetings.csv"
    csv.unlink()
    os.mkfifo(csv)
    assert pipeline.run(root, out, FAST) == 1
    assert capsys.readouterr().err == ("build stopped: data/meetings.csv: is not a regular file; package files "
                                       "must be regular files inside the package\n")
    assert snapshot(out) == before


@pytest.mark.parametrize("link", ["queries/leak.sql", "queries/views/leak.sql", "docs/leak.md", "CITATION.cff",
                                  "templates"])
def test_a_symlink_among_the_published_files_stops_the_build_in_one_line(setup, capsys, link):
    root, out, before = setup
    for name in ("docs", "templates"):
        shutil.copytree(ROOT / name, root / name)
    path = root / link
    if path.is_dir():
        shutil.rmtree(path)
    path.unlink(missing_ok=True)
    path.symlink_to("/etc/passwd" if link != "templates" else "/etc")
    assert pipeline.run(root, out, FAST) == 1
    assert capsys.readouterr().err == (f"build stopped: {link}: is a symbolic link; package files must be regular "
                                       "files inside the package\n")
    assert snapshot(out) == before


@pytest.mark.slow
def test_ctrl_c_during_a_stage_is_one_line_exit_130_and_changes_nothing(setup):
    root, out, before = setup
    process = build_process(root, out, ["build", "release", "site.build"])
    deadline = time.monotonic() + 120
    while not list(out.glob(".staging-*/out/docs")):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGINT)  # what the terminal sends to make's process group
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err == f"build interrupted; {out} was not changed\n"
    assert snapshot(out) == before and staging_left(out) == []


def test_an_old_release_that_cannot_be_removed_does_not_undo_the_publish(setup, capsys, monkeypatch):
    root, out, before = setup  # on main, a read-only build/site/tables stopped the build with the site half-deleted
    old = os.readlink(out / "current").split("/")[1]
    remove = shutil.rmtree

    def read_only_release(path, *args, **kwargs):
        if Path(path).parent.name == "releases":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        remove(path, *args, **kwargs)

    monkeypatch.setattr(pipeline.shutil, "rmtree", read_only_release)
    assert pipeline.run(root, out, FAST) == 0
    assert capsys.readouterr().err == (f"note: could not remove the old release {out}/releases/{old} "
                                       "(Permission denied)\n")
    assert snapshot(out) != before and (out / "releases" / old).is_dir()


def test_control_characters_in_validation_messages_are_named_by_code_point(setup, capsys):
    root, out, before = setup
    csv = root / "data" / "meetings.csv"
    csv.write_text(csv.read_text().replace(",held,", ",\x1b[2J\u202eheld,"))
    assert pipeline.run(root, out, FAST) == 1
    captured = capsys.readouterr()
    assert "data/meetings.csv:2:status: '<U+001B>[2J<U+202E>held' is not one of: held, cancelled, proposed, postponed" \
        in captured.out.splitlines()
    assert "\x1b" not in captured.out + captured.err and snapshot(out) == before
