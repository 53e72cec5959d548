"""The timeline's charts, written at build time as SVG, so that viewing them needs no network and no script.

Each chart is a pure function from query rows to SVG bytes, written here element by element (a few rectangles,
lines and labels: a plotting library cost the site stage more than every other page together). The same rows give
the same bytes. Records whose date is known only to the year are left out of the monthly charts; the page says
how many.

Labels come from the data (party names), so each is drawn as one line of plain text: control characters, which
XML forbids, are dropped, and the text is escaped, so no label can add markup. Every mark carries a `<title>` with
its value in words (shown on hover, read by screen readers), and the chart a `<title>` and `<desc>` of its own.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re

# Okabe-Ito: distinguishable with the common colour-vision deficiencies, and no side gets a "warning" red.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FIRST_MONTH = dt.date(2020, 11, 1)
WIDTH = 800
FONT = 12  # px; labels are measured at CHAR of it per character (a sans-serif's average, wide letters included)
CHAR = 0.62
INK, MUTED, GRID = "#222222", "#555555", "#dddddd"
MARGIN = 8

# C0 and C1 controls (XML 1.0 allows none but tab and line ends, which become spaces here), bidi overrides and
# the two non-characters XML forbids.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def plain(label: object) -> str:
    """A label from the data as one line of plain text: control characters dropped, whitespace collapsed."""
    return " ".join(CONTROL.sub("", str(label)).split())


def xml_text(text: object) -> str:
    return html.escape(plain(text), quote=True)


def months(last: dt.date) -> list[dt.date]:
    """Every first-of-month from the ceasefire's month to `last`'s month."""
    out, month = [], FIRST_MONTH
    while month <= last:
        out.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return out


def month_index(axis: list[dt.date], day: dt.date) -> int:
    return axis.index(dt.date(day.year, day.month, 1))


def width_of(text: str, size: float = FONT) -> float:
    return len(text) * size * CHAR


def nice_ticks(top: float, most: int = 6) -> list[float]:
    """0 and round steps (1, 2 or 5 times a power of ten, whole numbers) up to at least `top`."""
    top = max(top, 1)
    raw = top / most
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [i * step for i in range(int(math.ceil(top / step)) + 1)]


def text(x: float, y: float, words: object, size: float = FONT, anchor: str = "start", fill: str = INK,
         extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}" fill="{fill}"{extra}>'
            f"{xml_text(words)}</text>")


def svg(width: float, height: float, title: str, description: str, body: list[str]) -> bytes:
    """The document: its title and description first, then the marks, with a margin of MARGIN all round."""
    width, height = round(width + 2 * MARGIN), round(height + 2 * MARGIN)
    head = (f'<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" role="img">'
            f"<title>{xml_text(title)}</title><desc>{xml_text(description)}</desc>"
            f'<rect width="100%" height="100%" fill="#ffffff"/><g transform="translate({MARGIN} {MARGIN})">')
    return (head + "".join(body) + "</g></svg>\n").encode("utf-8")


def legend(names: list[str], colours: list[str], top: float, left: float, right: float) -> tuple[list[str], float]:
    """Swatches and names flowing in rows between `left` and `right`; the parts and the height they take."""
    out, x, y = [], left, top
    for name, colour in zip(names, colours, strict=True):
        item = 18 + width_of(name) + 18
        if x > left and x + item > right:
            x, y = left, y + 20
        out.append(f'<g><rect x="{x:.1f}" y="{y:.1f}" width="12" height="12" fill="{colour}"/>'
                   + text(x + 17, y + 10.5, name) + "</g>")
        x += item
    return out, (y - top + 20) if names else 0


def folded_series(rows: list[tuple[dt.date, str, float]]) -> tuple[list[str], dict[str, str]]:
    """The series to draw, one colour each: all of them, or the largest and then one `Others` for the rest."""
    totals: dict[str, float] = {}
    for _, name, value in rows:
        totals[name] = totals.get(name, 0) + (value or 0)
    names = sorted(totals)
    if len(names) <= len(PALETTE):
        return names, {n: n for n in names}
    kept = sorted(sorted(names, key=lambda n: -totals[n])[:len(PALETTE) - 1])
    others = f"Others ({len(names) - len(kept)})"
    return kept + [others], {n: (n if n in kept else others) for n in names}


def stacked_months(rows: list[tuple[dt.date, str, float]], ylabel: str, last: dt.date, title: str,
                   source: str, unit: str) -> bytes:
    """Bars per month, one colour per series (at most the palette's; the smallest series are folded into one),
    with a title, a legend, a source line and a `<title>` on every bar."""
    axis = months(last)
    series, shown_as = folded_series(rows)
    colours = dict(zip(series, PALETTE, strict=False))
    heights: dict[tuple[str, int], float] = {}
    for month, name, value in rows:
        key = (shown_as[name], month_index(axis, month))
        heights[key] = heights.get(key, 0) + (value or 0)
    body = [text(0, 18, title, 15, extra=' font-weight="bold" class="chart-title"')]
    marks, legend_height = legend(series, [colours[s] for s in series], 30, 0, WIDTH)
    body.append(f'<g class="legend">{"".join(marks)}</g>')
    top = 30 + legend_height + 12
    left, plot_h = 56, 230
    plot_w = WIDTH - left - 10
    slot = plot_w / max(len(axis), 1)
    totals = [sum(heights.get((s, i), 0) for s in series) for i in range(len(axis))]
    ticks = nice_ticks(max(totals, default=0))
    scale = plot_h / ticks[-1]
    bottom = top + plot_h
    for t in ticks:
        y = bottom - t * scale
        body.append(f'<line x1="{left}" x2="{left + plot_w:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(text(left - 6, y + 4, f"{t:,.0f}", 11, "end", MUTED))
    body.append(text(14, top + plot_h / 2, ylabel, 12, "middle", MUTED,
                     f' transform="rotate(-90 14 {top + plot_h / 2:.1f})"'))
    for i, month in enumerate(axis):
        x = left + i * slot
        if month.month in (1, 7):
            mark = 6 if month.month == 1 else 3
            body.append(f'<line x1="{x + slot / 2:.1f}" x2="{x + slot / 2:.1f}" y1="{bottom}" y2="{bottom + mark}" '
                        f'stroke="{INK}"/>')
        if month.month == 1:
            body.append(text(x + slot / 2, bottom + 18, month.year, 11, "middle"))
        stacked = 0.0
        for s in series:
            h = heights.get((s, i), 0)
            if not h:
                continue
            what = unit[:-1] if h == 1 and unit.endswith("s") else unit
            y = bottom - (stacked + h) * scale
            words = xml_text(f"{month:%B %Y}: {h:,.0f} {what} ({s})")
            body.append(f'<rect x="{x + slot * 0.1:.1f}" y="{y:.1f}" width="{slot * 0.8:.1f}" height="{h * scale:.1f}" '
                        f'fill="{colours[s]}"><title>{words}</title></rect>')
            stacked += h
    body.append(f'<line x1="{left}" x2="{left + plot_w:.1f}" y1="{bottom}" y2="{bottom}" stroke="{INK}"/>')
    if not rows:
        body.append(text(left + plot_w / 2, top + plot_h / 2, "No records yet", 13, "middle", MUTED))
    body.append(text(0, bottom + 44, source, 11, fill=MUTED))
    return svg(WIDTH, bottom + 52, title, source, body)


def frame(marks: list[str], count: int, ticks: list[float], scale: float, left: float, right: float, top: float,
          row: float, axis: str) -> tuple[list[str], float]:
    """A panel of horizontal bars: the tick grid and its values under the bars' marks (count rows of row px from
    top), "No records yet" where there are none, the axis line and the axis's words below; and where the panel
    ends."""
    height = max(count, 1) * row
    body = []
    for t in ticks:
        x = left + t * scale
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + height}" stroke="{GRID}"/>')
        body.append(text(x, top + height + 16, f"{t:,.0f}", 12, "middle", MUTED))
    body += marks
    if not count:
        body.append(text(left + (right - left) / 2, top + row / 2 + 4, "No records yet", 12, "middle", MUTED))
    body.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + height}" stroke="{INK}"/>')
    body.append(text(left + (right - left) / 2, top + height + 34, axis, 12, "middle", MUTED))
    return body, top + height + 52


def sourced(width: float, bottom: float, title: str, source: str, body: list[str]) -> bytes:
    """The chart with its source line under the last panel (which ends at bottom)."""
    return svg(width, bottom + 18, title, source, [*body, text(0, bottom + 8, source, 11, fill=MUTED)])


def ranged_bars(panels: list[tuple[str, str, list[tuple[str, float | None, float | None, float | None, str]]]],
                title: str, source: str) -> bytes:
    """Horizontal bars, one panel per unit: each bar (label, low, best, high, words) shows the best figure with its
    low-high range as a whisker, and its words on hover; a bar with no figure says so."""
    width, row = 560, 30
    labels = [plain(b[0]) for _, _, bars in panels for b in bars]
    left = min(max([width_of(x, 13) for x in labels] + [60]) + 12, width * 0.45)
    right = width - 70  # room for the value written after the longest bar
    body = [text(0, 20, title, 16, extra=' font-weight="bold" class="chart-title"')]
    y = 36
    for p, (panel, unit, bars) in enumerate(panels):
        body.append(text(left, y + 14, panel, 14))
        y += 26
        ticks = nice_ticks(max([b[3] or b[2] or 0 for b in bars] + [1]), 4)
        scale = (right - left) / ticks[-1]
        marks = []
        for k, (label, low, best, high, words) in enumerate(bars):
            middle = y + k * row + row / 2
            marks.append(text(left - 8, middle + 4.5, label, 13, "end"))
            if best is None:
                marks.append(text(left + 4, middle + 4.5, "not reported", 12, fill=MUTED))
                continue
            marks.append(f'<rect x="{left}" y="{middle - row * 0.3:.1f}" width="{best * scale:.1f}" '
                         f'height="{row * 0.6:.1f}" fill="{PALETTE[p % len(PALETTE)]}"><title>{xml_text(words)}'
                         "</title></rect>")
            if low is not None and high is not None and low != high:
                marks.append(f'<line x1="{left + low * scale:.1f}" x2="{left + high * scale:.1f}" y1="{middle:.1f}" '
                             f'y2="{middle:.1f}" stroke="#000000"/>')
            marks.append(text(left + best * scale + 4, middle + 4.5, f"{best:,.0f}", 12))
        drawn, y = frame(marks, len(bars), ticks, scale, left, right, y, row, unit)
        body += drawn
    return sourced(width, y, title, source, body)


def delay_bars(bars: list[tuple[str, float | None, str, str]], title: str, axis: str, source: str) -> bytes:
    """Horizontal bars, one per row (label, days, what the bar says, words on hover), drawn from 0: a row with no
    figure is not dropped but says why in grey where its bar would be."""
    width, row = 560, 24
    left = min(max([width_of(plain(b[0]), 12) for b in bars] + [60]) + 12, width * 0.4)
    right = width - 60
    ticks = nice_ticks(max([b[1] or 0 for b in bars] + [1]), 4)
    scale = (right - left) / ticks[-1]
    body = [text(0, 20, title, 16, extra=' font-weight="bold"')]
    y, marks = 36, []
    for k, (label, days, said, words) in enumerate(bars):
        middle = y + k * row + row / 2
        marks.append(text(left - 8, middle + 4, label, 12, "end"))
        if days is None:
            marks.append(f"<g><title>{xml_text(words)}</title>{text(left + 4, middle + 4, said, 11, fill=MUTED)}</g>")
            continue
        marks.append(f'<rect x="{left}" y="{middle - row * 0.3:.1f}" width="{max(days * scale, 1):.1f}" '
                     f'height="{row * 0.6:.1f}" fill="{PALETTE[0]}"><title>{xml_text(words)}</title></rect>')
        marks.append(text(left + days * scale + 4, middle + 4, said, 11))
    drawn, bottom = frame(marks, len(bars), ticks, scale, left, right, y, row, axis)
    return sourced(width, bottom, title, source, body + drawn)
