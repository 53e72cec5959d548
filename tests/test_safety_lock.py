"""`make venv` installs exactly requirements.lock, and pip checks every package against the lock's SHA-256 hashes
before installing it: a package changed on the index, or on the way, stops the install."""

from __future__ import annotations

import re
import tomllib

from scripts.package import ROOT

PIN = re.compile(r"([A-Za-z0-9_.-]+)==([^\s\\;]+)")


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked() -> dict[str, tuple[str, list[str]]]:
    """Each package of requirements.lock: its version and its hashes."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8").replace("\\\n", " ")
    entries = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            pin = PIN.match(line.strip())
            assert pin, f"not pinned with ==: {line.strip()[:80]}"
            entries[normalised(pin[1])] = (pin[2], re.findall(r"--hash=sha256:([0-9a-f]{64})", line))
    return entries


def test_every_package_of_the_lock_is_pinned_with_its_hashes():
    entries = locked()
    assert len(entries) > 50
    assert [name for name, (_, hashes) in entries.items() if not hashes] == []


def test_every_direct_dependency_is_locked_at_its_pinned_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    direct = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    entries = locked()
    pins = [PIN.match(r.replace("[polars]", "")) for r in direct]
    assert [(normalised(p[1]), p[2]) for p in pins if entries.get(normalised(p[1]), ("",))[0] != p[2]] == []


def test_make_venv_installs_with_hashes_required():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    install = next(line for line in makefile.splitlines() if "pip install" in line)
    assert "--require-hashes -r requirements.lock" in install
