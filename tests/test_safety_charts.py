"""Chart labels come from the data: a party name with mathtext, LaTeX commands or control characters is drawn
as plain text, and the SVG stays well-formed XML."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from scripts import charts

D = dt.date(2021, 6, 1)
SVG = "{http://www.w3.org/2000/svg}"
NAMES = ["$\\undefinedcommand$ → Armenia", "$x^2$ → Azerbaijan", "Bad\x1b[31m\x00\x08\x7f\x9b\u202eName → X",
         "Tab\tand\nnewline → Y"]


def chart(rows: list[tuple]) -> bytes:
    return charts.stacked_months(rows, "People", dt.date(2021, 12, 1), "People per month", "Source: a test", "people")


def texts(svg: bytes) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_a_label_with_an_unknown_latex_command_renders_as_plain_text():
    svg = chart([(D, NAMES[0], 3.0)])
    assert "$\\undefinedcommand$ → Armenia" in texts(svg)


def test_a_label_with_dollar_math_is_not_rendered_as_math():
    svg = chart([(D, NAMES[1], 3.0)])
    assert "$x^2$ → Azerbaijan" in texts(svg)


def test_control_characters_in_labels_are_dropped_and_the_svg_parses_as_xml():
    svg = chart([(D, name, 1.0) for name in NAMES])
    shown = texts(svg)  # ET.fromstring raises on a character XML forbids
    assert "Bad[31mName → X" in shown and "Tab and newline → Y" in shown
    assert not any(c in svg.decode() for c in "\x1b\x00\x08\x7f\x9b\u202e")


def test_plain_keeps_ordinary_text_and_collapses_whitespace():
    assert charts.plain("Nagorno-Karabakh  de facto\r\nauthorities → Ազատ") == \
        "Nagorno-Karabakh de facto authorities → Ազատ"


def test_the_delay_chart_draws_labels_from_the_data_as_plain_text_and_parses_as_xml():
    svg = charts.delay_bars([(NAMES[2], 12, "12 days", NAMES[0]), (NAMES[3], None, "no record linked", "none")],
                            "Days", "days", "Source: a test")
    shown = texts(svg)
    assert "Bad[31mName → X" in shown and "Tab and newline → Y" in shown and "no record linked" in shown
    assert not any(c in svg.decode() for c in "\x1b\x00\x08\x7f\x9b\u202e")
