"""The timeline's charts, drawn at build time as SVG so that viewing them needs no network and no script.

Each chart is a pure function from query rows to SVG bytes. The bytes are reproducible (fixed hash salt,
no creation date), so rebuilding the site from the same data changes no chart file. Records whose date is
known only to the year are left out of the monthly charts; the page says how many.

Labels come from the data (party names), so they are drawn as plain text: no mathtext (`$x^2$` stays as typed,
and `$\\undefined$` cannot crash the build), no LaTeX, and no control characters, which XML forbids.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import matplotlib
import matplotlib.dates
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Okabe-Ito: distinguishable with the common colour-vision deficiencies, and no side gets a "warning" red.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FIRST_MONTH = dt.date(2020, 11, 1)
STYLE = {
    "text.parse_math": False,
    "text.usetex": False,
    "svg.hashsalt": "am-az-normalization",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#dddddd",
}


# C0 and C1 controls (XML 1.0 allows none but tab and line ends, which become spaces here), bidi overrides and
# the two non-characters XML forbids.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def plain(label: object) -> str:
    """A label from the data as one line of plain text: control characters dropped, whitespace collapsed."""
    return " ".join(CONTROL.sub("", str(label)).split())


def months(last: dt.date) -> list[dt.date]:
    """Every first-of-month from the ceasefire's month to `last`'s month."""
    out, month = [], FIRST_MONTH
    while month <= last:
        out.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return out


def month_index(axis: list[dt.date], day: dt.date) -> int:
    return axis.index(dt.date(day.year, day.month, 1))


def month_ticks(ax, axis: list[dt.date]) -> None:
    """Label January and July only, so that four years of months stay legible."""
    ticks = [i for i, m in enumerate(axis) if m.month in (1, 7)] or [0]
    ax.set_xticks(ticks, [axis[i].strftime("%b %Y") for i in ticks])
    ax.set_xlim(-0.7, len(axis) - 0.3)


def legend_above(ax) -> None:
    """Legend in a row above the plot, where it can never hide a bar."""
    longest = max(len(label) for label in ax.get_legend_handles_labels()[1])
    columns = 3 if longest < 30 else 2
    ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1.02), ncols=columns, borderaxespad=0)


def to_svg(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def empty_note(ax, axis_len: int) -> None:
    ax.text(max(axis_len - 1, 0) / 2, 0.5, "No records yet", ha="center", va="center", color="#666666")
    ax.set_ylim(0, 1)


def xml_text(text: object) -> str:
    return html.escape(plain(text), quote=True)


def titled(svg: bytes, title: str, description: str, marks: dict[str, str]) -> bytes:
    """The SVG with a `<title>` and `<desc>` for the whole chart (read by screen readers, shown by search
    engines), and a `<title>` inside each mark whose gid is in `marks` (shown on hover)."""
    text = svg.decode("utf-8")
    start = re.search(r"<svg\b[^>]*>", text)
    if start is None:
        return svg
    head = f"<title>{xml_text(title)}</title><desc>{xml_text(description)}</desc>"
    text = text[:start.end()] + head + text[start.end():]
    for gid, label in marks.items():
        text = re.sub(rf'(<g id="{re.escape(gid)}"[^>]*>)', lambda m, lab=label: f"{m.group(1)}<title>"
                      f"{xml_text(lab)}</title>", text, count=1)
    return text.encode("utf-8")


def source_line(fig, source: str, size: float = 8) -> None:
    fig.text(0, -0.02, plain(source), ha="left", va="top", fontsize=size, color="#555555",
             transform=fig.transFigure)


def stacked_months(rows: list[tuple[dt.date, str, float]], ylabel: str, last: dt.date, title: str,
                          source: str, unit: str) -> bytes:
    """Bars per month, one colour per series, with a title, a source line and a `<title>` on every bar."""
    axis = months(last)
    series = sorted({s for _, s, _ in rows})
    marks = {}
    with plt.rc_context(STYLE | {"font.size": 10}):
        fig, ax = plt.subplots(figsize=(8, 3.6))
        bottom = [0.0] * len(axis)
        for k, (colour, name) in enumerate(zip(PALETTE, series, strict=False)):
            heights = [0.0] * len(axis)
            for month, s, value in rows:
                if s == name:
                    heights[month_index(axis, month)] += value
            bars = ax.bar(range(len(axis)), heights, bottom=bottom, color=colour, label=plain(name), width=0.8)
            for i, (bar, h) in enumerate(zip(bars, heights, strict=True)):
                if h:
                    bar.set_gid(f"mark-{k}-{i}")
                    what = unit[:-1] if h == 1 and unit.endswith("s") else unit
                    marks[f"mark-{k}-{i}"] = f"{axis[i]:%B %Y}: {h:,.0f} {what} ({name})"
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        if not rows:
            empty_note(ax, len(axis))
        else:
            legend_above(ax)
            ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.set_title(plain(title), loc="left", fontsize=11, pad=32 if rows else 6)
        ax.set_ylabel(plain(ylabel))
        month_ticks(ax, axis)
        source_line(fig, source)
        return titled(to_svg(fig), title, source, marks)


def ranged_bars(panels: list[tuple[str, str, list[tuple[str, float | None, float | None, float | None, str]]]],
                title: str, source: str) -> bytes:
    """Horizontal bars, one panel per unit: each bar (label, low, best, high, words) shows the best figure
    with its low-high range as a whisker, and its words on hover; a bar with no figure says so."""
    heights = [max(len(bars), 1) * 0.5 + 1.1 for _, _, bars in panels] or [1.0]
    marks = {}
    with plt.rc_context(STYLE | {"font.size": 13, "axes.grid.axis": "x"}):
        fig, axes = plt.subplots(len(panels) or 1, 1, figsize=(5.6, sum(heights) + 0.6),
                                 gridspec_kw={"height_ratios": heights}, squeeze=False)
        for p, (ax, (panel, unit, bars)) in enumerate(zip(axes[:, 0], panels, strict=False)):
            top = max([b[3] or b[2] or 0 for b in bars] + [1])
            ys = list(range(len(bars)))[::-1]
            for k, (y, (_label, low, best, high, words)) in enumerate(zip(ys, bars, strict=True)):
                if best is None:
                    ax.text(0, y, "  not reported", va="center", ha="left", color="#666666", fontsize=12)
                    continue
                bar = ax.barh([y], [best], color=PALETTE[p % len(PALETTE)], height=0.6)[0]
                bar.set_gid(f"mark-{p}-{k}")
                marks[f"mark-{p}-{k}"] = words
                if low is not None and high is not None and low != high:
                    ax.plot([low, high], [y, y], color="#000000", linewidth=1)
                ax.text(best + top * 0.01, y, f" {best:,.0f}", va="center", ha="left", fontsize=12)
            ax.set_yticks(ys, [plain(b[0]) for b in bars])
            ax.set_xlim(0, top * 1.25)
            ax.set_ylim(-0.7, max(len(bars), 1) - 0.3)
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
            ax.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
            ax.set_xlabel(plain(unit))
            ax.set_title(plain(panel), loc="left", fontsize=13)
            if not bars:
                ax.text(0.5, 0.5, "No records yet", ha="center", va="center", color="#666666", transform=ax.transAxes)
        fig.suptitle(plain(title), x=0.01, ha="left", fontsize=14, fontweight="bold")
        fig.tight_layout()
        source_line(fig, source, 11)
        return titled(to_svg(fig), title, source, marks)
