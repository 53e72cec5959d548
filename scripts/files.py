"""Every file the build publishes is a regular file inside the project, and nothing else.

A symbolic link under `queries/` would put its target (any file on the machine) into the release zip and its
SHA256SUMS; one under `docs/` would publish its target on the site; a FIFO or a device would block the reader.
The pipeline's snapshot and each stage that publishes files of the package read them through here, and anything
else stops the build with one line naming it.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

RULE = "package files must be regular files inside the package"


class NotRegular(Exception):
    """A file the build would publish is not a regular file: one line naming it."""


def refusal(path: Path, shown: str) -> str | None:
    """Why the entry at path (a file or folder, not followed if a link) cannot be published, or None."""
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        return f"{shown}: is a symbolic link; {RULE}"
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return f"{shown}: is not a regular file; {RULE}"
    return None


def regular_files(path: Path, shown: str) -> list[Path]:
    """path, or every file under it if it is a folder, sorted; a link or special file anywhere (path itself
    included) raises NotRegular."""
    if why := refusal(path, shown):
        raise NotRegular(why)
    if not path.is_dir():
        return [path]
    return [f for entry in sorted(path.iterdir()) for f in regular_files(entry, f"{shown}/{entry.name}")]


def regular_file(path: Path, shown: str) -> Path:
    """path, if it is a regular file; NotRegular otherwise (a link to one included)."""
    if why := refusal(path, shown):
        raise NotRegular(why)
    if path.is_dir():
        raise NotRegular(f"{shown}: is a folder; {RULE}")
    return path


def copy_tree(source: Path, target: Path, shown: str) -> None:
    """Copy a file or folder of regular files; a link or special file anywhere raises NotRegular before anything
    is copied."""
    files = regular_files(source, shown)
    if source.is_file():
        shutil.copy2(source, target)
        return
    target.mkdir(parents=True, exist_ok=True)
    for path in files:
        rel = path.relative_to(source)
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / rel)


def present(path: Path, shown: str) -> bool:
    """Whether a regular file is at path: False where nothing is; NotRegular where anything else is."""
    if not os.path.lexists(path):
        return False
    regular_file(path, shown)
    return True
