"""MkDocs hook (named in the generated mkdocs.yml): the theme's Jinja templates are compiled once per machine,
not once per build, where compiling them was a third of MkDocs' time. Jinja keeps each compiled template beside
a checksum of its source, in the user's cache folder (`scripts.cache`), and compiles again when the source
changes; the pages come out the same either way. A cache that cannot be written costs time, never the build."""

from __future__ import annotations

from jinja2 import FileSystemBytecodeCache

from scripts import cache


class Cache(FileSystemBytecodeCache):
    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def on_env(env, config, files):
    folder = cache.folder("jinja")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return env
    env.bytecode_cache = Cache(str(folder))
    return env
