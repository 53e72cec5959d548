"""The one place text becomes markup: every value from any file (data, descriptor, schemas, queries) reaches a
page through `esc`, and every link through `external_link` or `href`."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator

MARKDOWN = [(c, f"&#{ord(c)};") for c in "[]`*_\\$"]
NEEDS_ATTR = re.compile("[&<>\"']")  # what html.escape(quote=True) replaces
NEEDS_ESC = re.compile("[&<>\"'\n" + re.escape("".join(c for c, _ in MARKDOWN)) + "]")  # and what esc adds


def esc(value: object) -> str:
    """Text as HTML that Markdown leaves alone: every tag is shown, not run; no link, emphasis or code span
    can be made of it; line breaks survive."""
    text = "" if value is None else str(value)
    if not NEEDS_ESC.search(text):  # most values: nothing to replace (this check is what makes pages cheap)
        return text
    text = html.escape(text, quote=True)
    for char, entity in MARKDOWN:
        if char in text:
            text = text.replace(char, entity)
    return text.replace("\n", "<br>")


def attr(value: object) -> str:
    """Text as an HTML attribute value (ids, anchors, link targets)."""
    text = "" if value is None else str(value)
    return html.escape(text, quote=True) if NEEDS_ATTR.search(text) else text


def external_link(url: object, text: object) -> str:
    """A link to a source that opens without access to this page; anything but http(s) stays text."""
    if not isinstance(url, str) or not re.match(r"https?://", url):
        return esc(text)
    return f'<a href="{attr(url)}" rel="noopener noreferrer" target="_blank">{esc(text)}</a>'


def html_table(header: list[str], rows: list[list[str]], css: str, row_ids: list[str] | None = None) -> str:
    """One raw HTML block (no blank line inside, so Markdown leaves it alone); cells are already HTML."""
    body = (f"<tr{f' id={chr(34)}{attr(row_ids[i])}{chr(34)}' if row_ids and row_ids[i] else ''}>"
            + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for i, row in enumerate(rows))
    return "".join(table_html(header, body, css))


def table_html(header: list[str], rows: Iterable[str], css: str, attributes: str = "") -> Iterator[str]:
    """A table in parts, its rows (each a whole `<tr>` of HTML cells) taken as they come: `attributes` are
    already HTML. Its box scrolls sideways when the table is wider than the screen, so a keyboard can reach it."""
    head = "".join(f"<th>{h}</th>" for h in header)
    yield (f'<div class="table-wrap" tabindex="0"><table class="{css}"{attributes}><thead><tr>{head}</tr></thead>'
           "<tbody>")
    yield from rows
    yield "</tbody></table></div>"


def page_url(page: str) -> str:
    """The directory URL MkDocs gives a page: `tables/meetings.md` → `tables/meetings/`."""
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def href(src: str, dst: str, anchor: str = "") -> str:
    """The link from the page `src` to the page `dst` (docs paths), relative, as short as it can be."""
    here, there = page_url(src).split("/")[:-1], page_url(dst).split("/")[:-1]
    same = 0
    while same < min(len(here), len(there)) and here[same] == there[same]:
        same += 1
    rel = "../" * (len(here) - same) + "".join(part + "/" for part in there[same:])
    return (rel or "./") + (f"#{attr(anchor)}" if anchor else "")


def table_page(name: str) -> str:
    return f"tables/{name}.md"


def prose(text: object) -> str:
    """Schema prose as HTML: escaped, with `backticked` names shown as code."""
    return re.sub(r"&#96;([^<>]+?)&#96;", r"<code>\1</code>", esc(text))


def code(name: object) -> str:
    return f"<code>{esc(name)}</code>"


def shown_date(value: object, precision: object) -> str:
    """A date cut to what is known: `2021-06` when only the month is."""
    text = "" if value is None else str(value)
    return {"month": text[:7], "year": text[:4]}.get(str(precision), text)
