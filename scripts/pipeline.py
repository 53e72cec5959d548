"""`make build`: validate, then run every output stage into a staging directory, then publish it into build/.

Each stage is its own module with the entry point `python -m scripts.<stage> OUT`. Outputs reach `build/` only
after every stage has succeeded, so a failed check or build leaves the last good outputs exactly as they were.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts.package import ROOT
from scripts.validate import main as check

STAGES = ["build", "release", "site.build"]


def run_stage(stage: str, out: Path) -> float:
    """Run one stage into out; raise CalledProcessError if it fails."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", f"scripts.{stage}", str(out)], cwd=ROOT, check=True)
    return time.perf_counter() - started


def publish(staging: Path, out: Path) -> list[str]:
    """Move each entry of staging into out, replacing the entry of the same name; leave other entries alone."""
    out.mkdir(parents=True, exist_ok=True)
    moved = []
    for entry in sorted(staging.iterdir()):
        target = out / entry.name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        entry.rename(target)
        moved.append(entry.name)
    return moved


def run(root: Path, out: Path, stages: list[str]) -> int:
    if check([str(root)]) != 0:
        print("build stopped: the package is not valid; build/ was not changed", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".staging-", dir=out) as tmp:
        staging = Path(tmp)
        for stage in stages:
            try:
                seconds = run_stage(stage, staging)
            except subprocess.CalledProcessError:
                print(f"build stopped: stage '{stage}' failed; build/ was not changed", file=sys.stderr)
                return 1
            print(f"{stage}: done ({seconds:.1f} s)")
        moved = publish(staging, out)
    print(f"published to {out}: {', '.join(moved)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="package to validate (default: this repository)")
    parser.add_argument("--out", type=Path, default=ROOT / "build", help="where outputs are published")
    parser.add_argument("--stages", nargs="*", default=STAGES, help="output stages to run, in order")
    args = parser.parse_args(argv)
    return run(args.root, args.out, args.stages)


if __name__ == "__main__":
    sys.exit(main())
