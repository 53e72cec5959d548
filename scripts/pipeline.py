"""`make build`: validate one snapshot of the inputs, build every output from it, and publish with one rename.

Why each step:
- The inputs (and `scripts/`) are copied into `build/.staging-*/input` first; validation and every stage run on
  that copy (`python -m scripts.<stage> OUT` with the copy as working directory, so each stage's ROOT is the
  copy). Data edited during a build is therefore never published unchecked. Only regular files are copied: a
  symlink (whose target could be any file on the machine) or a special file stops the build (`scripts.files`).
- The build stage reads only the snapshot, so it runs beside validation, its output held back; if the package
  is not valid it is killed unseen, and nothing it wrote is published. The later stages start then too, but only
  import their code and wait for their turn (`scripts.ready`): their imports overlap the stages before them. The
  site's turn comes with the release's (`OVERLAPS`): it writes its pages from the database while the release is
  made, and is told when the release's downloads are there.
- Stages write into `.staging-*/out`. That folder becomes `build/releases/<n>`, and `build/current` (a symlink)
  is pointed at it with one `os.replace`: readers see the old release or the new one, never a mix, whatever
  kills the build. `build/<name>` (the database, `parquet/`, `site/`, ...) are symlinks to `current/<name>`.
- `build/.lock` (flock) keeps two builds apart. Stage processes inherit it, and die with the build (SIGKILL when
  their parent dies, `scripts.children`), so a build killed mid-stage frees the lock at once; the next build then
  removes what the killed one left.
- Stages get `TMPDIR` inside the staging folder and run there, so their temporary files (DuckDB's spill
  included: its in-memory default is `.tmp` in the working directory) go away with it.
- Each stage runs in a process group of its own (Ctrl-C stops the build, which kills the stage: one line, exit
  130), and its output is relayed with control characters escaped, since the validator quotes cells.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from scripts.children import dies_with_me
from scripts.files import NotRegular, copy_tree
from scripts.package import ROOT
from scripts.ready import DONE, GO
from scripts.terminal import printable

STAGES = ["build", "release", "site.build"]
FIRST = "build"  # reads only the snapshot, so it starts beside validation (and is dropped if validation fails)
# What validation and each stage read and write (OUT: the release being made). The CSV files are parsed by
# validation and loaded once, by the build stage, which also computes the changes since the previous release from
# the text it loaded; the stages after it read the database it wrote. The release reads each CSV once more, as
# bytes, only to publish it as it is (never parsed).
STAGE_FILES = {
    "validate": ("datapackage.json, schemas/, data/*.csv", "nothing (a verdict)"),
    "build": ("datapackage.json, schemas/, data/*.csv (each read once), queries/views/, release.toml, releases/",
              "OUT/am-az-normalization.duckdb, OUT/parquet/"),
    "release": ("the database, OUT/parquet/, data/*.csv (as bytes, to publish), schemas/, datapackage.json, queries/, "
                "templates/, CITATION.cff, CHANGELOG.md, LICENSE, release.toml",
                "OUT/<name>-<version>.zip, OUT/changes.csv, OUT/am-az-normalization.xlsx, "
                "OUT/downloads/ (with manifest.json)"),
    "site.build": ("the database (read-only), then OUT/downloads/ once the release stage is done, docs/, mkdocs.yml, "
                   "queries/*.sql, CITATION.cff, CHANGELOG.md, release.toml, node_modules/",
                   "OUT/docs/, OUT/mkdocs.yml, OUT/site/"),
}
# A stage that runs beside the stage before it: the site writes its pages from the database while the release is
# made, and takes the release's downloads once it is told that stage is done (`scripts.ready.previous_done`).
OVERLAPS = {"site.build": "release"}
INPUTS = ("datapackage.json", "schemas", "data", "queries", "docs", "mkdocs.yml", "CITATION.cff", "CHANGELOG.md",
          "README.md", "LICENSE", "templates")
OWN = ("release.toml", "releases")  # the package's own release identity and history: never another package's
CODE = ("scripts", "pyproject.toml")  # always from this repository: the code that validates is the code that builds
TOOLS = ("node_modules",)  # installed dependencies: linked into the snapshot, not copied
LOCK, RELEASES, CURRENT, STAGING = ".lock", "releases", "current", ".staging-"
KILL_AT = "PIPELINE_KILL_AT"  # tests: the checkpoint at which the build SIGKILLs itself


class Stop(Exception):
    """Why the build stopped, in one line."""


def checkpoint(point: str) -> None:
    """Named moments of a build; a test sets PIPELINE_KILL_AT to one of them to kill the build right there."""
    if os.environ.get(KILL_AT) == point:
        os.kill(os.getpid(), signal.SIGKILL)


# --- the snapshot of the inputs ---------------------------------------------------------------------------------

def copy_entry(source: Path, target: Path, shown: str) -> None:
    """Copy a file or tree of regular files; a symlink (whose target could be any file on the machine, or
    /dev/zero) or a FIFO or device file (reading it could block) stops the build, naming it."""
    try:
        copy_tree(source, target, shown)
    except NotRegular as e:
        raise Stop(str(e)) from None


def snapshot(root: Path, into: Path) -> None:
    """The package's inputs from root (or this repository where root has none, as for a bare test package) and
    this repository's code, copied into `into`."""
    into.mkdir()
    for name in INPUTS + OWN + CODE:
        for base in ((root, ROOT) if name in INPUTS else (root,) if name in OWN else (ROOT,)):
            if os.path.lexists(base / name):
                copy_entry(base / name, into / name, name)
                break
    for name in TOOLS:
        if (ROOT / name).is_dir():
            (into / name).symlink_to(ROOT / name)


# --- releases -----------------------------------------------------------------------------------------------------

def live_release(out: Path) -> Path | None:
    current = out / CURRENT
    if current.is_symlink() and current.resolve().is_dir():
        return out / os.readlink(current)
    return None


def replace_with_symlink(link: Path, target: str) -> None:
    """Point link at target in one step (a temporary symlink renamed over it)."""
    tmp = link.with_name(f"{STAGING}link-{link.name}")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    tmp.symlink_to(target)
    os.replace(tmp, link)


def link_names(out: Path) -> None:
    """`build/<name>` -> `current/<name>` for every entry of the live release (a real file or folder left by an
    older build is replaced; that one-time move is the only step that is not atomic), and dangling ones removed."""
    live = live_release(out)
    names = {p.name for p in live.iterdir()} if live else set()
    for name in sorted(names):
        link, target = out / name, f"{CURRENT}/{name}"
        if link.is_symlink() and os.readlink(link) == target:
            continue
        if link.is_dir() and not link.is_symlink():
            trash = Path(tempfile.mkdtemp(prefix=STAGING, dir=out))
            link.rename(trash / name)
        replace_with_symlink(link, target)
    for entry in out.iterdir():
        if entry.is_symlink() and os.readlink(entry).startswith(f"{CURRENT}/") and entry.name not in names:
            entry.unlink()


def remove_stale(out: Path) -> None:
    """Staging folders of builds that were killed, and releases that are no longer live."""
    for entry in out.glob(f"{STAGING}*"):
        if entry.is_symlink() or not entry.is_dir():
            entry.unlink()
        else:
            shutil.rmtree(entry)
    live = live_release(out)
    for release in (out / RELEASES).glob("*") if (out / RELEASES).is_dir() else []:
        if live is None or release.name != live.name:
            try:
                shutil.rmtree(release)
            except OSError as e:
                print(f"note: could not remove the old release {release} ({e.strerror})", file=sys.stderr)


def carry_over(live: Path, result: Path) -> None:
    """A build of some stages only (`make docs`) starts from a copy of the live release, so the stages see the
    earlier outputs (the site's downloads) and the release keeps them. Copied, not hard-linked: a stage that
    rewrote a file in place would otherwise change the live release."""
    shutil.copytree(live, result, symlinks=True, dirs_exist_ok=True)


def publish(result: Path, out: Path) -> list[str]:
    """Make the folder `result` the live release: rename it into build/releases/, then swap build/current; the
    previous release is then removed, whatever it held that `result` does not."""
    names = sorted(p.name for p in result.iterdir())
    if {RELEASES, CURRENT, LOCK} & set(names) or any(n.startswith(STAGING) for n in names):
        raise Stop(f"a stage wrote an entry whose name build/ reserves: {', '.join(names)}")
    releases = out / RELEASES
    releases.mkdir(parents=True, exist_ok=True)
    number = 1 + max((int(p.name) for p in releases.iterdir() if p.name.isdigit()), default=0)
    release = releases / str(number)
    result.rename(release)
    checkpoint("released")
    replace_with_symlink(out / CURRENT, f"{RELEASES}/{number}")
    checkpoint("swapped")
    try:  # the new release is live: what fails from here on is tidying, which the next build retries
        link_names(out)
        remove_stale(out)
    except OSError as e:
        print(f"note: published, but could not tidy {out}: {e.filename}: {e.strerror}", file=sys.stderr)
    return names


# --- the build ------------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def locked(out: Path) -> Iterator[int]:
    """An exclusive flock on build/.lock, or Stop at once if another build holds it."""
    if os.path.lexists(out) and not out.is_dir():
        raise Stop(f"{out} is not a folder; {out} was not changed")
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Stop(f"another build is running ({out / LOCK} is locked); {out} was not changed") from None
        yield fd
    finally:
        os.close(fd)


class Stage:
    """`python -m scripts.<module> arg` running on the snapshot, in a process group of its own (Ctrl-C reaches only
    the build, which kills the stage, so the user sees one line and no stage traceback). Its output is relayed
    line by line with control characters escaped, since the validator quotes cells; a stage started before its
    turn holds its lines back until `finish`. A stage that `waits` is imported now and runs when `finish` tells
    it to (`scripts.ready`)."""

    def __init__(self, module: str, arg: Path, snap: Path, tmp: Path, lock: int, held: bool = False,
                 waits: bool = False):
        self.started = time.perf_counter()
        env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(snap), "PYTHONIOENCODING": "utf-8"}
        if (ROOT / ".git").exists():  # the release compares with the previous release's commit in this history
            env["GIT_DIR"] = str(ROOT / ".git")
        env.pop(KILL_AT, None)
        self.command = [sys.executable, "-m", f"scripts.{module}", str(arg)]
        self.told_go = False
        self.held: list[tuple[str, str]] | None = [] if held else None
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scripts.ready", module, str(arg)] if waits else self.command, cwd=snap, env=env,
            pass_fds=(lock,), process_group=0, stdin=subprocess.PIPE if waits else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8", errors="replace",
            preexec_fn=dies_with_me())
        self.relays = [threading.Thread(target=self.relay, args=(self.process.stdout, "stdout")),
                       threading.Thread(target=self.relay, args=(self.process.stderr, "stderr"))]
        for thread in self.relays:
            thread.start()

    def relay(self, source: IO[str], name: str) -> None:
        for line in source:
            if self.held is not None:
                self.held.append((name, line))
            else:
                write(name, line)

    def tell(self, line: str) -> None:
        with contextlib.suppress(BrokenPipeError):  # it ended early: its exit status says why
            self.process.stdin.write(line)
            self.process.stdin.flush()

    def go(self) -> None:
        """Let a stage that waits run now, ahead of its turn (`OVERLAPS`)."""
        self.started, self.told_go = time.perf_counter(), True
        self.tell(GO)

    def finish(self) -> float:
        """Run a stage that waits (unless it was told to `go` already), then wait for the stage and show what it
        held back; its seconds (from its go, for a stage that waits), or CalledProcessError if it failed."""
        try:
            if self.process.stdin:
                if not self.told_go:
                    self.go()
                with contextlib.suppress(BrokenPipeError):
                    self.process.stdin.close()
            self.process.wait()
        except BaseException:
            self.kill()
            raise
        self.reap()
        for name, line in self.held or []:
            write(name, line)
        if self.process.returncode:
            raise subprocess.CalledProcessError(self.process.returncode, self.command)
        return time.perf_counter() - self.started

    def kill(self) -> None:
        """Stop the stage, its output unseen."""
        self.process.kill()
        self.process.wait()
        self.reap()

    def reap(self) -> None:
        """Once the process has ended: its output read to the end, and its pipes closed."""
        for thread in self.relays:
            thread.join()
        if self.process.stdin and not self.process.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()
        self.process.stdout.close()
        self.process.stderr.close()


def write(name: str, line: str) -> None:
    stream = getattr(sys, name)
    stream.write(printable(line.rstrip("\n")) + "\n")
    stream.flush()


def validated(snap: Path, tmp: Path, lock: int, ahead: Stage | None, out: Path) -> None:
    """Validation of the snapshot; the stage started `ahead` of it (the build stage, which reads only the
    snapshot: it then runs beside validation, on the other core) is killed, unseen, if the package is not valid."""
    try:
        Stage("validate", snap, snap, tmp, lock).finish()
    except BaseException as e:
        if ahead is not None:
            ahead.kill()
        if isinstance(e, subprocess.CalledProcessError):
            raise Stop(f"the package is not valid; {out} was not changed") from None
        raise


def build(root: Path, out: Path, stages: list[str], lock: int) -> list[str]:
    """Snapshot, validate, run the stages and publish; the staging folder is removed whatever happens."""
    remove_stale(out)
    link_names(out)
    staging = Path(tempfile.mkdtemp(prefix=STAGING, dir=out))
    try:
        snap, tmp, result = staging / "input", staging / "tmp", staging / "out"
        tmp.mkdir()
        result.mkdir()
        snapshot(root, snap)
        live = live_release(out)
        if live is not None and not set(STAGES) <= set(stages):
            carry_over(live, result)
        checkpoint("snapshot")
        ahead = Stage(stages[0], result, snap, tmp, lock, held=True) if stages[:1] == [FIRST] else None
        waiting = {stage: Stage(stage, result, snap, tmp, lock, held=True, waits=True) for stage in stages
                   if ahead is None or stage != FIRST}
        try:
            validated(snap, tmp, lock, ahead, out)
            checkpoint("validated")
            for stage, after in zip(stages, [*stages[1:], None], strict=True):
                running = waiting.pop(stage, ahead)
                beside = waiting.get(after) if OVERLAPS.get(after) == stage else None
                if beside:
                    beside.go()
                try:
                    seconds = running.finish()
                except subprocess.CalledProcessError:
                    raise Stop(f"stage '{stage}' failed; {out} was not changed") from None
                if beside:
                    beside.tell(DONE)
                print(f"{stage}: done ({seconds:.1f} s)", flush=True)
                checkpoint(f"stage-{stage}")
        finally:
            for unrun in waiting.values():  # the build stopped before their turn
                unrun.kill()
        return publish(result, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def run(root: Path, out: Path, stages: list[str]) -> int:
    """Build and publish; every way of failing is one line on stderr and exit 1 (130 for Ctrl-C)."""
    try:
        with locked(out) as lock:
            moved = build(root.resolve(), out, stages, lock)
    except Stop as e:
        print(f"build stopped: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"build interrupted; {out} was not changed", file=sys.stderr)
        return 130
    except OSError as e:
        where = f"{e.filename}: " if e.filename else ""
        print(f"build stopped: {where}{e.strerror or e}; {out} was not changed", file=sys.stderr)
        return 1
    print(f"published to {out}: {', '.join(moved)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="package to validate (default: this repository)")
    parser.add_argument("--out", type=Path, default=ROOT / "build", help="where outputs are published")
    parser.add_argument("--stages", nargs="*", default=STAGES, help="output stages to run, in order: " + "; ".join(
        f"{stage} reads {reads} and writes {writes}" for stage, (reads, writes) in STAGE_FILES.items()))
    args = parser.parse_args(argv)
    return run(args.root, args.out, args.stages)


if __name__ == "__main__":
    sys.exit(main())
