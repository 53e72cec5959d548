"""What the acceptance tests read on the real build: every page as a browser would parse it (its links, the
files it loads and its visible text), and a reader who counts clicks."""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

JOURNEYS = os.environ.get("ACCEPTANCE_REPORT")  # where to write each journey's clicks and time, if set
WIDTHS = {"desktop": 1280, "phone": 390}
LOCAL = ("http://127.0.0.1", "blob:", "data:")
NOT_FILES = ("http:", "https:", "mailto:", "data:", "blob:", "#")


class Parsed(HTMLParser):
    """A page's references (href and src of every element) and its visible text (outside script and style), the
    text of code and pre elements apart."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.references: list[str] = []
        self.text: list[str] = []
        self.code: list[str] = []
        self.hidden = self.literal = 0

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.references.append(value)
        self.hidden += tag in ("script", "style", "template")
        self.literal += tag in ("code", "pre")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.hidden:
            self.hidden -= 1
        if tag in ("code", "pre") and self.literal:
            self.literal -= 1

    def handle_data(self, data):
        if not self.hidden:
            (self.code if self.literal else self.text).append(data)


@dataclass
class Page:
    path: Path  # the HTML file
    url: str  # its address under the site root, such as `tables/meetings/`
    references: list[str]
    text: str  # visible text outside code and pre
    code: str  # visible text of code and pre elements


def pages(site: Path) -> list[Page]:
    """Every HTML page of the built site, parsed."""
    found = []
    for path in sorted(site.rglob("*.html")):
        parser = Parsed()
        parser.feed(path.read_text(encoding="utf-8"))
        relative = path.relative_to(site).as_posix()
        url = relative.removesuffix("index.html")
        found.append(Page(path, url, parser.references, " ".join(parser.text), " ".join(parser.code)))
    return found


def target(site: Path, page_url: str, reference: str) -> Path | None:
    """The file a relative reference of the page at page_url points at, or None for a non-file reference."""
    if reference.startswith(NOT_FILES):
        return None
    address = urlsplit(urljoin("http://site/" + page_url, reference))
    path = unquote(address.path).lstrip("/")
    return site / path / "index.html" if path == "" or path.endswith("/") else site / path


def exists(path: Path) -> bool:
    return path.is_file() or (path.is_dir() and (path / "index.html").is_file())


@dataclass
class Journey:
    """A reader's way to an answer: each click counted, the time taken, written to ACCEPTANCE_REPORT if set."""

    name: str
    width: str
    page: object
    clicks: int = 0
    started: float = field(default_factory=time.perf_counter)

    def click(self, locator) -> None:
        locator.click()
        self.clicks += 1
        self.page.wait_for_load_state("domcontentloaded")

    def done(self, most: int) -> None:
        """The answer was read: within `most` clicks, and with no request that left the site."""
        seconds = time.perf_counter() - self.started
        assert self.clicks <= most, f"{self.name} at {self.width}: {self.clicks} clicks, at most {most} expected"
        assert self.page.outside == [], f"{self.name} at {self.width}: requests left the site"
        if JOURNEYS:
            report = Path(JOURNEYS)
            data = json.loads(report.read_text()) if report.exists() else []
            data.append({"journey": self.name, "width": self.width, "clicks": self.clicks,
                         "seconds": round(seconds, 2)})
            report.write_text(json.dumps(data, indent=1))


def visible(page) -> str:
    """The text a reader sees on the page now."""
    return re.sub(r"\s+", " ", page.inner_text("body"))
