"""`python -m scripts.ready MODULE ARG`: a build stage imported ahead of its turn, run when the build says so.

The build starts its later stages as soon as it starts validating, so that each one's imports (DuckDB, YAML,
the package model: about half a second) overlap the stages before them instead of adding to them. The stage's
`main` runs when the line `go` arrives on stdin; any other line, or stdin closed (the build stopped), ends
the process without running it.

A stage told to go before the stage ahead of it has finished (`scripts.pipeline.OVERLAPS`: the site writes its
pages while the release is made) calls `previous_done()` where it needs that stage's outputs: the build sends
the line `done` (or closes stdin) once that stage has finished. Run on its own, a stage never waits."""

from __future__ import annotations

import importlib
import sys

GO = "go\n"
DONE = "done\n"
_told = {"waiting": False}  # whether this process runs a stage for the build, which says when the stage ahead is done


def previous_done() -> None:
    """Return once the stage ahead of this one has finished: at once where the build did not start this stage
    early (its stdin is then at its end), or where the stage runs on its own."""
    if _told["waiting"]:
        _told["waiting"] = False
        sys.stdin.readline()


def main(argv: list[str]) -> int:
    try:
        stage = importlib.import_module(f"scripts.{argv[0]}")
    except ModuleNotFoundError as e:  # as `python -m scripts.<name>` would say it: one line
        print(f"no stage {argv[0]}: {e}", file=sys.stderr)
        return 1
    if sys.stdin.readline() != GO:
        return 1
    _told["waiting"] = True
    return stage.main(argv[1:])


if __name__ == "__main__":
    # Run as `scripts.ready`, the module the stage imports, not as `__main__` (a second copy of this file): the
    # stage's `previous_done` reads what `main` sets.
    from scripts import ready

    sys.exit(ready.main(sys.argv[1:]))
