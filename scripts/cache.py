"""What one run can leave for the next, in the user's cache folder ($XDG_CACHE_HOME or ~/.cache, as pip's and uv's
do; a build's own folders are temporary): results that depend only on the bytes that name them, such as the
compiled templates of the theme, frictionless's verdict on a descriptor and the Map page's country outlines. A
cache that cannot be read or written costs time, never a result."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


def folder(name: str) -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "am-az-normalization" / name


def key(*parts: str | bytes) -> str:
    """A name for the result of these inputs (each one's length goes in too, so no two lists share a name)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def load(name: str, key_: str) -> object | None:
    """What `save` kept under this key, or None."""
    try:
        return json.loads((folder(name) / f"{key_}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def save(name: str, key_: str, value: object) -> None:
    """Keep a JSON value under this key; written whole or not at all (a temporary file renamed into place)."""
    path = folder(name) / f"{key_}.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{key_}.{os.getpid()}")
        partial.write_text(json.dumps(value), encoding="utf-8")
        partial.replace(path)
    except OSError:
        pass
