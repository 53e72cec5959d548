"""The Map page: SVG maps drawn at build time (no tiles, no script, no request leaves the site).

Country outlines come from Natural Earth through the `world-atlas` npm package (TopoJSON, decoded here); the
marks are the places of the package that have coordinates, and the places a record lists as the area it covers
(`x-listOf` a places table: the districts of the mine-map handovers) are drawn apart. Each mark links to the
records that name the place: the record's page when there is one, else the place's list below the maps."""

from __future__ import annotations

import json
import math
from pathlib import Path

from scripts import cache
from scripts.package import ROOT, Table, ident, literal
from scripts.site.context import Site
from scripts.site.html import attr, esc, external_link, href, shown_date
from scripts.site.values import Lookup, date_field, one_line, place_tables, record_page

PAGE = "map.md"
ATLAS = ROOT / "node_modules" / "world-atlas" / "countries-50m.json"
WIDTH = 800
# (title, west, south, east, north): the South Caucasus, then the wider area where most meetings took place.
VIEWS = [("The South Caucasus", 43.3, 38.3, 50.6, 42.0),
         ("Where the meetings took place", -12.0, 23.0, 84.0, 62.0)]
COLOURS = {"area": "#D55E00", "place": "#0072B2"}
PER_PLACE = 100  # records listed under a place; the table pages and the Query page have the others


def mention_sql(site: Site, places: Table) -> str | None:
    """Per place: whether some record lists it as its area (`x-listOf`), how many records name it (by a foreign
    key or in a list), and the latest PER_PLACE of them."""
    parts = []
    for table in site.package.record_tables().values():
        when = date_field(table)
        given = when.rules.precision_field if when else None
        date = f"CAST(t.{ident(when.name)} AS VARCHAR)" if when else "NULL"
        exact = f"CAST(t.{ident(given)} AS VARCHAR)" if given else "'day'"
        summary = f"t.{ident(table.record.summary)}"
        for f in table.fields:
            fk, ref = table.foreign_key(f.name), f.rules.list_of
            if not ((fk and fk.resource == places.name) or (ref and ref.resource == places.name)):
                continue
            column = f"t.{ident(f.name)}"
            place = f"unnest(string_split({column}, {literal(ref.delimiter)}))" if ref else column
            parts.append(f"SELECT {place} AS place, {'true' if ref else 'false'} AS area, "
                         f"CAST(t.{ident(table.primary_key[0])} AS VARCHAR) AS record_id, {date} AS date, "
                         f"{exact} AS date_precision, {summary} AS summary FROM {ident(table.name)} t "
                         f"WHERE t.{ident(f.name)} IS NOT NULL")
    if not parts:
        return None
    return (f"SELECT place, bool_or(area) AS area, count(*) AS records, list({{'record_id': record_id, 'date': date, "
            f"'date_precision': date_precision, 'summary': summary}} ORDER BY date DESC NULLS LAST, record_id DESC)"
            f"[1:{PER_PLACE}] AS latest FROM (SELECT place, record_id, bool_or(area) AS area, any_value(date) AS date, "
            f"any_value(date_precision) AS date_precision, any_value(summary) AS summary "
            f"FROM ({' UNION ALL '.join(parts)}) GROUP BY ALL) GROUP BY place")


def mentions(site: Site, places: Table) -> dict[str, dict]:
    """Place id → {area, records (how many), latest (oldest first)}."""
    sql = mention_sql(site, places)
    return {m["place"]: {**m, "latest": m["latest"][::-1]} for m in site.stream(sql)} if sql else {}


def mercator(lon: float, lat: float) -> tuple[float, float]:
    lat = max(min(lat, 85.0), -85.0)
    return math.radians(lon), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


class View:
    def __init__(self, west: float, south: float, east: float, north: float):
        self.x0, self.y0 = mercator(west, north)
        x1, y1 = mercator(east, south)
        self.scale = WIDTH / (x1 - self.x0)
        self.height = round((self.y0 - y1) * self.scale)
        self.box = (west, south, east, north)

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = mercator(lon, lat)
        return (x - self.x0) * self.scale, (self.y0 - y) * self.scale

    def inside(self, lon: float, lat: float) -> bool:
        west, south, east, north = self.box
        return west <= lon <= east and south <= lat <= north


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list, indexes: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def country_rings(topo: dict) -> list[tuple[str, list[list[tuple[float, float]]]]]:
    arcs = decode_arcs(topo)
    out = []
    for g in topo["objects"]["countries"]["geometries"]:
        polygons = g["arcs"] if g.get("type") == "MultiPolygon" else [g["arcs"]] if g.get("type") == "Polygon" else []
        rings = [ring(arcs, r) for polygon in polygons for r in polygon]
        out.append((g.get("properties", {}).get("name", ""), rings))
    return out


def inside(point: tuple[float, float], ring: list[tuple[float, float]]) -> bool:
    """Whether the point lies inside the ring (even-odd rule), so a country's name is written on it."""
    x, y = point
    found = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            found = not found
    return found


def outline_path(view: View, rings: list[list[tuple[float, float]]]) -> tuple[str, tuple[float, float] | None]:
    """The rings that touch the view as one SVG path (points closer than a pixel dropped), and a point inside
    the largest of them for the country's name."""
    west, south, east, north = view.box
    parts, best, best_area = [], None, 0.0
    for r in rings:
        lons, lats = [p[0] for p in r], [p[1] for p in r]
        if max(lons) < west - 5 or min(lons) > east + 5 or max(lats) < south - 5 or min(lats) > north + 5:
            continue
        pts, last = [], None
        for lon, lat in r:
            x, y = view.point(lon, lat)
            if last is None or abs(x - last[0]) + abs(y - last[1]) >= 1.0:
                pts.append((x, y))
                last = (x, y)
        if len(pts) < 3:
            continue
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
        seen = [(x, y) for x, y in pts if 20 < x < WIDTH - 20 and 20 < y < view.height - 20]
        if len(seen) < 3:
            continue
        xs, ys = [p[0] for p in seen], [p[1] for p in seen]
        area = (max(xs) - min(xs)) * (max(ys) - min(ys))  # of the part in view, where the name goes
        centre = ((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)
        mean = (sum(xs) / len(xs), sum(ys) / len(ys))
        spot = next((c for c in (centre, mean) if inside(c, pts)), None)
        if spot and area > best_area:
            best, best_area = spot, area
    return "".join(parts), best if best_area > 1500 else None


def record_words(row: dict) -> str:
    date = shown_date(row["date"], row["date_precision"]) if row["date"] else "n.d."
    return f"{date}: {one_line(row['summary'] or row['record_id'], 100)}"


def outlines() -> list[list[list]]:
    """For each of VIEWS, the countries it shows: [name, SVG path, where the name goes or None]. Kept in the user's
    cache under the atlas's bytes and this module's code (which holds the views): decoding and projecting the
    atlas was a third of the time the site took to write its pages, for the same drawing every time."""
    atlas = ATLAS.read_bytes()
    name = cache.key(atlas, Path(__file__).read_bytes())
    kept = cache.load("map", name)
    if isinstance(kept, list) and len(kept) == len(VIEWS):
        return kept
    countries = country_rings(json.loads(atlas))
    drawn = [[[country, *outline_path(View(*box), rings)] for country, rings in countries] for _, *box in VIEWS]
    drawn = [[[country, d, list(at) if at else None] for country, d, at in view if d] for view in drawn]
    cache.save("map", name, drawn)
    return drawn


def draw(view: View, title: str, countries: list[list], marks: list[dict], unlabelled: View | None = None) -> str:
    """One map as inline SVG (one line, so Markdown leaves it alone), on the countries `outlines` gives for it;
    marks inside `unlabelled` (drawn larger on another map) get no name."""
    shapes, names = [], []
    for name, d, label_at in countries:
        shapes.append(f'<path d="{d}"><title>{esc(name)}</title></path>')
        if label_at:
            names.append(f'<text x="{label_at[0]:.0f}" y="{label_at[1]:.0f}" class="country">{esc(name)}</text>')
    dots = []
    for m in sorted(marks, key=lambda m: m["area"]):
        x, y = view.point(m["lon"], m["lat"])
        radius = 4 + min(m["records"], 30) ** 0.5 * 1.6
        colour = COLOURS["area" if m["area"] else "place"]
        count = m["records"]
        hover = f"{m['name']}: {count} record{'s' if count != 1 else ''}"
        hover += " (area of a handover)" if m["area"] else ""
        dots.append(f'<a href="{attr(m["href"])}"><circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" '
                    f'fill="{colour}" fill-opacity=".75" stroke="#fff"><title>{esc(hover)}</title></circle>'
                    + ("" if unlabelled and unlabelled.inside(m["lon"], m["lat"]) else
                       f'<text x="{x + radius + 2:.1f}" y="{y + 4:.1f}" class="place">{esc(m["name"])}</text>')
                    + "</a>")
    # A group, not an image: a screen reader reaches each place's link inside it; the outlines are decoration.
    return (f'<svg class="map" viewBox="0 0 {WIDTH} {view.height}" role="group" aria-label="{attr(title)}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>'
            f'<rect width="{WIDTH}" height="{view.height}" class="sea"/>'
            f'<g class="countries" aria-hidden="true">{"".join(shapes)}</g>'
            f'<g class="country-names" aria-hidden="true">{"".join(names)}</g>'
            f'<g class="marks">{"".join(dots)}</g></svg>')


def map_markdown(site: Site) -> str:
    look = Lookup(site)
    tables = place_tables(site)
    if not tables or not ATLAS.is_file():
        why = "no table with coordinates" if not tables else f"{ATLAS.name} not found (run npm ci)"
        return "\n".join(["# Map", "", f"No map: {esc(why)}.", ""])
    places = tables[0]
    url_field = next((f.name for f in places.fields if f.is_url), None)
    named = mentions(site, places)
    countries = outlines()
    key = places.primary_key[0]
    marks, missing = [], []
    for row in site.rows(places.name):
        pid, found = row[key], named.get(row[key])
        if not found:
            continue
        mark = {"id": pid, "name": look.name(places.name, pid), "area": found["area"], "records": found["records"],
                "latest": found["latest"], "source": row.get(url_field) if url_field else None}
        if not (row.get("latitude") and row.get("longitude")):
            missing.append(mark)
            continue
        target = record_page(found["latest"][0]["record_id"]) if found["records"] == 1 else None
        marks.append(mark | {"lat": float(row["latitude"]), "lon": float(row["longitude"]),
                             "href": href(PAGE, target) if target else f"#place-{pid}"})
    out = ["---", "hide:", "  - toc", "---", "", "# Map", "",
           "Every place of the package that has coordinates and that a record names, drawn when the site was built "
           "(country outlines: Natural Earth, 1:50m, through the world-atlas package). "
           '<span class="legend area">●</span> districts that mine-map handovers cover; '
           '<span class="legend place">●</span> places of meetings, transfers and detention. The larger the dot, '
           "the more records; select one to open its record or its list below.", ""]
    for i, (title, *box) in enumerate(VIEWS):
        view = View(*box)
        shown = [m for m in marks if view.inside(m["lon"], m["lat"])]
        inner = View(*VIEWS[0][1:]) if i else None
        drawn = f'<div class="map-wrap">{draw(view, title, countries[i], shown, inner)}</div>'
        out += [f"## {esc(title)}", "", site.blocks.put(PAGE, [drawn]), ""]  # drawings: nothing to search
    outside = [m for m in marks if not any(View(*box).inside(m["lon"], m["lat"]) for _, *box in VIEWS)]
    if outside or missing:
        out += [f"Not on these maps: {esc(', '.join(m['name'] for m in outside + missing))} (listed below).", ""]
    out += ["## Records by place", ""]
    items = []
    for m in sorted(marks + missing, key=lambda m: m["name"].casefold()):
        links = "".join(f'<li><a href="{href(PAGE, record_page(r["record_id"]))}">{esc(record_words(r))}</a></li>'
                        for r in m["latest"])
        where = f' <span class="meta">({external_link(m["source"], "coordinates")})</span>' if m["source"] else ""
        shown = f"{m['records']:,} record(s)" + (f", the latest {len(m['latest']):,} listed"
                                                  if len(m["latest"]) < m["records"] else "")
        items.append(f'<li id="place-{attr(m["id"])}"><strong>{esc(m["name"])}</strong>{where}: '
                     f'{shown}<ul>{links}</ul></li>')
    out += [site.blocks.put(PAGE, ['<ul class="places">', *items, "</ul>"]), ""]  # a list of records: a block
    return "\n".join(out)


def write(site: Site, stage: Path) -> dict[str, str]:
    return {PAGE: map_markdown(site)}
