"""The release's identity, read from `release.toml`: version, release date, addresses, the previous release.

Every output that names the release reads it from here, so the version and the date are written in one place.
Nothing is filled in: a key that is not set stays None, and each output leaves out what it would have said.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from scripts.package import ROOT, Package
from scripts.terminal import code_points

CONFIG = "release.toml"


@dataclass(frozen=True)
class Previous:
    """The release this one is compared with; its tables are kept in `releases/<version>/data/`."""

    version: str
    released: dt.date | None


@dataclass(frozen=True)
class Release:
    version: str
    released: dt.date | None = None
    site_url: str | None = None
    repository_url: str | None = None
    previous: Previous | None = None
    removed: dict[str, str] = field(default_factory=dict)

    @property
    def date_words(self) -> str:
        return self.released.isoformat() if self.released else "not yet released"

    def site(self, path: str = "") -> str | None:
        """An absolute address on the site, or None where the site URL is not configured."""
        return self.site_url.rstrip("/") + "/" + path.lstrip("/") if self.site_url else None


class ReleaseConfigError(ValueError):
    pass


def _date(value: object, key: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise ReleaseConfigError(f"{CONFIG}: {key} must be a TOML date such as 2026-12-31, not {value!r}")


PLAIN_URL = re.compile(r"https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%/-]*)?")  # written raw into every page


def _url(value: object, key: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not value.startswith("https://"):
        raise ReleaseConfigError(f"{CONFIG}: {key} must be an https:// address or left out")
    if not PLAIN_URL.fullmatch(value):
        raise ReleaseConfigError(f"{CONFIG}: {key} must be a plain https:// address (letters, digits and "
                                 f"'.', '-', '_', '~', '%', '/'), not {code_points(value)!r}")
    return value


def parse(data: dict) -> Release:
    if not isinstance(data.get("version"), str):
        raise ReleaseConfigError(f"{CONFIG}: version is required")
    previous = data.get("previous")
    if previous and set(previous) - {"version", "released"}:
        raise ReleaseConfigError(f"{CONFIG}: [previous] takes version and released only; the previous release's "
                                 "tables are kept in releases/<version>/data/")
    removed = data.get("removed", {})
    if not all(isinstance(v, str) and v.strip() for v in removed.values()):
        raise ReleaseConfigError(f"{CONFIG}: each [removed] record needs the reason it was removed")
    return Release(
        version=data["version"], released=_date(data.get("released"), "released"),
        site_url=_url(data.get("site_url"), "site_url"),
        repository_url=_url(data.get("repository_url"), "repository_url"),
        previous=Previous(str(previous["version"]), _date(previous.get("released"), "previous.released"))
        if previous else None,
        removed=dict(removed))


def read(path: Path) -> Release:
    with path.open("rb") as f:
        return parse(tomllib.load(f))


def load_release(package: Package | None = None) -> Release:
    """The package's release.toml; a copy of the package without one (a test's) uses the repository's, with
    the version of its own descriptor."""
    root = package.root if package else ROOT
    if (root / CONFIG).is_file():
        return read(root / CONFIG)
    if not (ROOT / CONFIG).is_file():  # a build's snapshot of such a copy: the version alone
        return Release(package.version if package else "", None, None, None)
    release = read(ROOT / CONFIG)
    if package is None:
        return release
    return Release(package.version, release.released, release.site_url, release.repository_url)


ACCESSED = "Accessed [day month year]."  # a record's page changes between releases: the reader gives the day


def cited_release(package: Package, release: Release) -> str:
    """`Authors (year). Title (version V) [Data set]`: how every citation of this release begins."""
    authors = ", ".join(c.title for c in package.contributors) or package.name
    year = str(release.released.year) if release.released else "not yet released"
    return f"{authors} ({year}). {package.title} (version {release.version}) [Data set]"


def citation_text(package: Package, release: Release) -> str:
    """The recommended citation, in one line: authors (year). Title (version) [Data set]. Address."""
    where = release.site_url or release.repository_url
    return f"{cited_release(package, release)}." + (f" {where}" if where else "")


def record_citation_text(package: Package, release: Release, record_id: str, heading: str) -> str:
    """One record's citation, in one line, as its page and the cite page give it: the release's citation, the
    record's id and heading, its page's address where the site's is configured, and the day it was accessed (a
    placeholder the reader fills in: the page cannot know when it is read)."""
    address = release.site(f"records/{record_id}/")
    return (f"{cited_release(package, release)}, record {record_id}: {heading}." + (f" {address}" if address else "")
            + f" {ACCESSED}")
