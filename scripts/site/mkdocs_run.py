"""`python -m scripts.site.mkdocs_run CONFIG`: `mkdocs build --strict -f CONFIG`, in a process started before
CONFIG and the pages exist. The site stage starts it first, so that MkDocs' imports (half a second) overlap the
writing of the pages; it builds when the line `go` arrives on stdin (`scripts.ready.GO`), and ends without
building on anything else (the stage stopped before its turn)."""

from __future__ import annotations

import sys

import material.plugins.search.plugin  # noqa: F401  the theme's search plugin, which mkdocs.yml names
from mkdocs import plugins
from mkdocs.__main__ import cli
from mkdocs.commands import build  # noqa: F401  imported now, not once the build starts

from scripts.ready import GO

plugins.get_plugins()  # the installed plugins' entry points, read now too


def main(argv: list[str]) -> int:
    if sys.stdin.readline() != GO:
        return 1
    return cli.main(["build", "--strict", "-f", argv[0]], prog_name="mkdocs")  # exits with MkDocs' status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
