"""`python -m scripts.ready MODULE ARG`: a build stage imported ahead of its turn, run when the build says so.

The build starts its later stages as soon as it starts validating, so that each one's imports (DuckDB, YAML,
the package model: about half a second) overlap the stages before it instead of adding to them. The stage's
`main` runs when the line `go` arrives on stdin; any other line, or stdin closed (the build stopped), ends
the process without running it."""

from __future__ import annotations

import importlib
import sys

GO = "go\n"


def main(argv: list[str]) -> int:
    try:
        stage = importlib.import_module(f"scripts.{argv[0]}")
    except ModuleNotFoundError as e:  # as `python -m scripts.<name>` would say it: one line
        print(f"no stage {argv[0]}: {e}", file=sys.stderr)
        return 1
    if sys.stdin.readline() != GO:
        return 1
    return stage.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
