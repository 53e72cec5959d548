"""MkDocs hook (named in the generated mkdocs.yml): the theme's Jinja templates are compiled once per machine,
not once per build, where compiling them was a third of MkDocs' time. Jinja keeps each compiled template beside
a checksum of its source and compiles again when the source changes; the pages come out the same either way.

The cache lives in the user's cache folder ($XDG_CACHE_HOME or ~/.cache), as pip's and uv's do: a build's own
folders are temporary. A cache that cannot be written costs time, never the build."""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import FileSystemBytecodeCache


class Cache(FileSystemBytecodeCache):
    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def cache_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "am-az-normalization" / "jinja"


def on_env(env, config, files):
    folder = cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return env
    env.bytecode_cache = Cache(str(folder))
    return env
