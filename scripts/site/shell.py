"""Record pages without a MkDocs pass each: MkDocs renders one shell page (`records/_shell.md`: the theme, header,
navigation and search box around a title and a body that are placeholders), and `write_records` writes every
`records/<id>/index.html` from it, adds each record to the search index and, where there is one, to the sitemap.

The shell is cut at its placeholders once, into fixed parts; a page is those parts with the record's escaped
title, URL and body between them, so nothing a record holds is ever searched for a placeholder. A record page
sits as deep as the shell, so every relative link of the theme works unchanged. Pages are written one at a time
as the records are read (`records.pages`, while MkDocs runs: `keep`), and the search and sitemap entries go to
files as they come."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from scripts.site.context import Site
from scripts.site.html import attr
from scripts.site.records import SECTIONS, RecordPage

SHELL = "_shell"  # records/_shell.md; no record id can take the name (`write_records` checks)
PAGE = f"records/{SHELL}.md"
TITLE, BODY, END = "ShellRecordTitle7f3a", "ShellRecordBody7f3a", "ShellRecordEnd7f3a"
# The sections a record page can have (records.SECTIONS): the shell has them all, so the theme writes its table of
# contents; a page keeps the entries of the sections it has.
TOC_ENTRY = r'<li class="md-nav__item">\s*<a href="#{}" class="md-nav__link">.*?</li>'
LINES = re.compile(r"[ \t\r]*\n\s*")  # the indentation and blank lines of the theme's templates
PLACES = re.compile("|".join([TITLE, f"<p>{BODY}</p>.*?<p>{END}</p>", f"records/{SHELL}/"]
                             + [TOC_ENTRY.format(anchor) for anchor in SECTIONS]), re.DOTALL)


def shell_markdown() -> str:
    """The shell page: a title and a body that are placeholders, every section a record page can have (for the
    table of contents), and front matter that keeps the shell itself out of the search index."""
    headings = [f"## {title} {{ #{anchor} }}\n" for anchor, title in SECTIONS.items()]
    return "\n".join(["---", f"title: {TITLE}", "search:", "  exclude: true", "---", "", BODY, "", *headings, END, ""])


class Shell:
    """The built shell page, cut at its placeholders."""

    def __init__(self, text: str):
        if not re.search(r"<(pre|textarea)\b", text):  # where white space is not kept as written
            text = LINES.sub("\n", text)  # a third of the theme's bytes; written once per record
        self.parts = PLACES.split(text)
        self.holes = PLACES.findall(text)
        if sum(h.startswith(f"<p>{BODY}</p>") for h in self.holes) != 1 or TITLE not in self.holes:
            raise RuntimeError(f"{PAGE}: the built shell lost its placeholders; the theme must show the page title "
                               "and the body once")

    def fill(self, hole: str, record: RecordPage) -> str:
        if hole == TITLE:
            return attr(" ".join(record.title.split()))
        if hole.startswith(f"<p>{BODY}</p>"):
            return record.body
        if hole == f"records/{SHELL}/":
            return f"records/{attr(record.key)}/"
        return hole if any(f'href="#{a}"' in hole for a in record.sections) else ""  # a table of contents entry

    def page(self, record: RecordPage) -> str:
        out = [self.parts[0]]
        for hole, part in zip(self.holes, self.parts[1:], strict=True):
            out += [self.fill(hole, record), part]
        return "".join(out)


def search_entry(record: RecordPage) -> str:
    """One record in mkdocs-material's index: its location, title and text (HTML: every value escaped)."""
    return json.dumps({"location": f"records/{record.key}/", "title": attr(" ".join(record.title.split())),
                       "text": record.search_text}, ensure_ascii=False)


def keep(records: Iterable[RecordPage], file: IO[str]) -> None:
    """The record pages' parts, one JSON line each, in a file: made while MkDocs builds the shell."""
    for record in records:
        parts = [record.key, record.title, record.body, record.search_text, sorted(record.sections)]
        file.write(json.dumps(parts, ensure_ascii=False))
        file.write("\n")
    file.seek(0)


def kept(file: IO[str]) -> Iterator[RecordPage]:
    for line in file:
        *parts, sections = json.loads(line)
        yield RecordPage(*parts, frozenset(sections))


def write_records(site_dir: Path, records: Iterable[RecordPage]) -> int:
    """Every record page from the built shell, each one in the search index and the sitemap; return how many."""
    folder = site_dir / "records"
    shell = Shell((folder / SHELL / "index.html").read_text(encoding="utf-8"))
    shutil.rmtree(folder / SHELL)
    count = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8") as entries, \
            tempfile.TemporaryFile("w+", encoding="utf-8") as locations:
        for record in records:
            if record.key == SHELL or not record.key or "/" in record.key or record.key.startswith("."):
                raise RuntimeError(f"record {record.key!r}: not a name a page can have")
            (folder / record.key).mkdir()
            (folder / record.key / "index.html").write_text(shell.page(record), encoding="utf-8")
            entries.write(("," if count else "") + search_entry(record))
            locations.write(f"records/{record.key}/\n")
            count += 1
        add_to_search_index(site_dir / "search" / "search_index.json", entries)
        add_to_sitemap(site_dir / "sitemap.xml", locations)
    return count


def add_to_search_index(path: Path, entries) -> None:
    """Append the entries (JSON objects separated by commas, in a file) to the index's `docs`."""
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    docs = [d for d in index["docs"] if not d["location"].startswith(f"records/{SHELL}/")]
    entries.seek(0)
    with path.open("w", encoding="utf-8") as f:
        f.write('{"config": ' + json.dumps(index["config"], ensure_ascii=False) + ', "docs": [')
        f.write(",".join(json.dumps(d, ensure_ascii=False) for d in docs))
        first = entries.read(1)
        if first:
            f.write(("," if docs else "") + first)
            shutil.copyfileobj(entries, f)
        f.write("]}")


def add_to_sitemap(path: Path, locations) -> None:
    """Replace the shell's entry of the sitemap (written only where the site's address is known) by one entry
    per record, and write the compressed copy again."""
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    entry = re.search(rf"\s*<url>\s*<loc>([^<]*)records/{SHELL}/</loc>(.*?)</url>", text, re.DOTALL)
    if entry is None:
        return
    base, rest = entry.group(1), entry.group(2)
    locations.seek(0)
    with path.open("w", encoding="utf-8") as f:
        f.write(text[:entry.start()])
        for line in locations:
            f.write(f"\n    <url>\n         <loc>{base}{attr(line.strip())}</loc>{rest}</url>")
        f.write(text[entry.end():])
    with path.open("rb") as source, gzip.GzipFile(path.with_suffix(".xml.gz"), "wb", mtime=0) as target:
        shutil.copyfileobj(source, target)


def write(site: Site, stage: Path) -> dict[str, str]:
    """The one record page MkDocs renders: the shell."""
    return {PAGE: shell_markdown()}
