"""One planted fault per kind of rule, for the benchmark's parity check and the tests of the registry.

`plant_faults(root)` breaks a generated package (`scripts.synthetic`) with one fault of each kind that applies
to some field, each on its own row, found from the model: nothing here names a table or a column. `PLANTERS`
has one entry per kind of `scripts.rules.KINDS` (a test holds them together).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl

from scripts.package import Field, Package, Table, load_package
from scripts.patterns import pattern_values
from scripts.rules import KINDS

# What a Table Schema validator (frictionless) sees; the rest only the registry's own rules see.
STANDARD = {"type", "pattern", "enum", "minimum", "maximum", "minLength", "maxLength", "required", "foreign_key",
            "primary_key", "unique"}
Fault = tuple[str, int, str, str]  # path, line, field, kind


class Planting:
    """The frames of a package being broken, and the faults planted so far."""

    def __init__(self, package: Package):
        self.package = package
        self.frames = {t.name: pl.read_csv(t.file, infer_schema=False) for t in package.tables}
        self.faults: list[Fault] = []
        self.used: dict[str, int] = {}

    def row(self, table: Table) -> int:
        self.used[table.name] = self.used.get(table.name, 3) + 7
        assert self.used[table.name] < self.frames[table.name].height, f"{table.name} is too small to plant every fault"
        return self.used[table.name]

    def put(self, kind: str, table: Table, name: str, value, at: int | None = None, also: dict | None = None) -> int:
        r = self.row(table) if at is None else at
        frame = self.frames[table.name]
        for col, v in {name: value, **(also or {})}.items():
            frame = frame.with_columns(frame[col].scatter(r, v))
        self.frames[table.name] = frame
        self.faults.append((table.path, r + 2, name, kind))
        return r

    def first(self, kind: str, pred: Callable[[Table, Field], bool] = lambda t, f: True) -> tuple[Table, Field] | None:
        """The first field of a large enough table that the kind applies to and pred accepts."""
        for t in self.package.tables:
            if self.frames[t.name].height > 30 and self.used.get(t.name, 3) + 7 < self.frames[t.name].height:
                for f in t.fields:
                    if next(k for k in KINDS if k.name == kind).applies(self.package, t, f) and pred(t, f):
                        return t, f
        return None

    def plain(self, t: Table, f: Field) -> bool:
        """No key and no rule that ties it to another field: a fault here is a fault of one kind."""
        return (f.name not in t.primary_key and t.foreign_key(f.name) is None
                and not set(f.rules) - {"x-precisionField", "x-neutral"}
                and not any(f.name in str(g.rules) for g in t.fields if g is not f))

    def write(self) -> None:
        for t in self.package.tables:
            self.frames[t.name].write_csv(t.file, null_value="", quote_style="necessary", line_terminator="\n")


def simple(kind: str, value: Callable[[Field], object], pred=None) -> Callable[[Planting], None]:
    """A planter that puts value into the first plain field the kind applies to."""
    def plant(p: Planting) -> None:
        if found := p.first(kind, lambda t, f: p.plain(t, f) and (pred is None or pred(t, f))):
            p.put(kind, found[0], found[1].name, value(found[1]))
    return plant


def plant_types(p: Planting) -> None:
    for kind_name, bad in (("integer", "12.5"), ("number", "abc"), ("date", "2021-02-30")):
        if found := p.first("type", lambda t, f, k=kind_name: f.type.name == k and p.plain(t, f)):
            p.put("type", found[0], found[1].name, bad)


def plant_minimum(p: Planting) -> None:
    simple("minimum", lambda f: str(f.minimum - 1), lambda t, f: f.type.name == "integer")(p)
    day = dt.timedelta(days=1)
    def free_date(t: Table, f: Field) -> bool:
        return f.type.name == "date" and len(t.primary_key) == 1 and not any(
            f.name in (g.rules.get("x-notBefore"), g.rules.get("x-notAfter")) for g in t.fields)

    if found := p.first("minimum", free_date):
        t, f = found
        p.put("minimum", t, f.name, (dt.date.fromisoformat(f.minimum) - day).isoformat())


def plant_primary_key(p: Planting) -> None:
    if found := p.first("primary_key", lambda t, f: len(t.primary_key) == 1):
        t, f = found
        p.put("primary_key", t, f.name, p.frames[t.name][f.name][0])
    if found := p.first("primary_key", lambda t, f: len(t.primary_key) > 1):
        t, f = found
        p.put("primary_key", t, f.name, p.frames[t.name][f.name][0],
              also={k: p.frames[t.name][k][0] for k in t.primary_key[1:]})


def plant_unique(p: Planting) -> None:
    if found := p.first("unique"):
        t, f = found
        p.put("unique", t, f.name, p.frames[t.name][f.name][0])


def plant_foreign_key(p: Planting) -> None:
    if found := p.first("foreign_key", lambda t, f: not f.rules and not any(
            g.rules.get("x-differentFrom") == f.name for g in t.fields) and t.foreign_key(f.name).resource != t.name):
        p.put("foreign_key", found[0], found[1].name, "no_such_key")


def sibling(kind: str, key: str, value: str, other: str) -> Callable[[Planting], None]:
    def plant(p: Planting) -> None:
        if found := p.first(kind):
            t, f = found
            p.put(kind, t, f.name, value, also={f.rules[key]: other})
    return plant


def plant_different_from(p: Planting) -> None:
    if found := p.first("different_from"):
        t, f = found
        r = p.row(t)
        p.put("different_from", t, f.name, p.frames[t.name][f.rules["x-differentFrom"]][r], at=r)


def plant_precision_given(p: Planting) -> None:
    if found := p.first("precision_given", lambda t, f: not t.field(f.rules["x-precisionField"]).required):
        t, f = found
        p.put("precision_given", t, f.name, "2021-01-01", also={f.rules["x-precisionField"]: None})


def plant_precision_convention(p: Planting) -> None:
    if found := p.first("precision_convention"):
        t, f = found
        p.put("precision_convention", t, f.name, "2021-06-15", also={f.rules["x-precisionField"]: "month"})


def plant_precision_needs_date(p: Planting) -> None:
    if found := p.first("precision_needs_date", lambda t, f: not f.required):
        t, f = found
        owner = next(o for o in t.fields if o.rules.get("x-precisionField") == f.name)
        p.put("precision_needs_date", t, f.name, f.code_values[0], also={owner.name: None})


def plant_count_range(p: Planting) -> None:
    if found := p.first("count_range"):
        t, f = found
        low, high = f.rules["x-between"]
        qualifier = next((g.name for g in t.fields if f.name in g.rules.get("x-qualifies", ())), None)
        also = {low: "10", high: "20", **({qualifier: "approximate"} if qualifier else {})}
        p.put("count_range", t, f.name, "5", also=also)


def plant_exact(p: Planting) -> None:
    if found := p.first("exact"):
        t, f = found
        low, best, high = f.rules["x-qualifies"]
        p.put("exact", t, f.name, "exact", also={low: "4", best: "5", high: "5"})


def plant_neutral(p: Planting) -> None:
    if (found := p.first("neutral")) and p.package.loaded_terms:
        p.put("neutral", found[0], found[1].name, f"The {p.package.loaded_terms[0]} was discussed.")


def plant_list_unique(p: Planting) -> None:
    if found := p.first("list_unique"):
        t, f = found
        r = p.row(t)
        item = p.frames[t.name][f.name][r] or p.frames[f.rules["x-listOf"].resource][f.rules["x-listOf"].field][0]
        item = item.split(f.rules["x-listOf"].delimiter)[0]
        p.put("list_unique", t, f.name, f.rules["x-listOf"].delimiter.join([item, item]), at=r)


def plant_record_reference(p: Planting) -> None:
    if found := p.first("record_reference", lambda t, f: not f.rules.get("x-everyRecordCited")):
        t, f = found
        target = p.package.table(f.rules["x-referencesAny"][0].resource)
        key = target.field(f.rules["x-referencesAny"][0].field).pattern
        p.put("record_reference", t, f.name, pattern_values(key, p.frames[target.name].height + 1)[-1])


def plant_cited(p: Planting) -> None:
    """A citing row moved from one record to the next leaves the first record uncited."""
    citing = next(iter(p.package.citing_fields()), None)
    if citing is None:
        return
    t, f = citing
    ids = p.frames[t.name][f.name]
    r = p.row(t)
    lost = ids[r]
    frame = p.frames[t.name]
    p.frames[t.name] = frame.with_columns(frame[f.name].scatter(r, ids[(r + 1) % len(ids)]))
    for target in (p.package.table(x.resource) for x in f.rules["x-referencesAny"]):
        hit = p.frames[target.name][target.primary_key[0]].index_of(lost)
        if hit is not None:
            p.faults.append((target.path, hit + 2, target.primary_key[0], "cited"))


def plant_link_back(p: Planting) -> None:
    if found := p.first("link_back"):
        t, f = found
        frame = p.frames[t.name]
        free = frame.with_row_index().filter(pl.col(f.name).is_null())["index"]
        linked = frame.filter(pl.col(f.name).is_not_null())[f.name]
        if len(free) and len(linked):
            p.put("link_back", t, f.name, linked[0], at=int(free[-1]))


def plant_required_when(p: Planting) -> None:
    if found := p.first("required_when"):
        t, f = found
        cond = f.rules["x-requiredWhen"]
        p.put("required_when", t, f.name, None, also={cond.field: cond.values[0]})


def plant_allowed_when(p: Planting) -> None:
    if found := p.first("allowed_when"):
        t, f = found
        cond = f.rules["x-allowedWhen"]
        code, allowed = next((c, a) for c, a in cond.allowed if set(f.code_values) - set(a))
        p.put("allowed_when", t, f.name, next(v for v in f.code_values if v not in allowed), also={cond.field: code})


def plant_url_rejected(p: Planting) -> None:
    if found := p.first("url_rejected"):
        t, f = found
        rejects = f.rules["x-rejectUrls"]
        url = f"https://{rejects.hosts[0]}/x" if rejects.hosts else f"https://example.org/{rejects.path_segments[0]}/x"
        p.put("url_rejected", t, f.name, url)


def plant_host_determines(p: Planting) -> None:
    """A URL on the host of a row with another value of the field the host determines."""
    if found := p.first("host_determines"):
        t, f = found
        other = f.rules["x-hostDetermines"]
        frame = p.frames[t.name]
        r = p.row(t)
        donor = next(i for i in range(frame.height) if frame[other][i] != frame[other][r])
        host = frame[f.name][donor].split("/")[2]
        p.put("host_determines", t, f.name, f"https://{host}/planted-{r}", at=r)


PLANTERS: dict[str, Callable[[Planting], None]] = {
    "type": plant_types,
    "range": simple("range", lambda f: "99999999999999999999" if f.type.name == "integer" else "1e400",
                    lambda t, f: f.maximum is None),
    "formula": simple("formula", lambda f: "=SUM(A1:A9)", lambda t, f: f.is_prose),
    "whitespace": simple("whitespace", lambda f: " leading space", lambda t, f: f.is_prose),
    "future": simple("future", lambda f: "2999-01-01", lambda t, f: f.maximum is None),
    "required": simple("required", lambda f: None),
    "primary_key": plant_primary_key,
    "unique": plant_unique,
    "pattern": simple("pattern", lambda f: "NOT VALID"),
    "enum": simple("enum", lambda f: "not_in_enum"),
    "minimum": plant_minimum,
    "maximum": simple("maximum", lambda f: str(f.maximum + 1)),
    "minLength": simple("minLength", lambda f: ""),
    "maxLength": simple("maxLength", lambda f: "x" * (f.max_length + 1)),
    "foreign_key": plant_foreign_key,
    "link_back": plant_link_back,
    "different_from": plant_different_from,
    "not_before": sibling("not_before", "x-notBefore", "2022-06-01", "2022-06-02"),
    "not_after": sibling("not_after", "x-notAfter", "2022-06-02", "2022-06-01"),
    "precision_given": plant_precision_given,
    "precision_convention": plant_precision_convention,
    "precision_needs_date": plant_precision_needs_date,
    "count_range": plant_count_range,
    "qualifier": lambda p: (found := p.first("qualifier")) and p.put(
        "qualifier", found[0], found[1].name, "not_reported", also={found[1].rules["x-qualifies"][1]: "5"}) and None,
    "exact": plant_exact,
    "neutral": plant_neutral,
    "list_reference": lambda p: (found := p.first("list_reference")) and p.put(
        "list_reference", found[0], found[1].name, "no_such_place") and None,
    "list_unique": plant_list_unique,
    "record_reference": plant_record_reference,
    "cited": plant_cited,
    "required_when": plant_required_when,
    "allowed_when": plant_allowed_when,
    "url_rejected": plant_url_rejected,
    "host_determines": plant_host_determines,
    "invisible": simple("invisible", lambda f: "Talks\u200bheld", lambda t, f: f.is_prose),
    "mixed_script": lambda p: (found := p.first("mixed_script")) and p.put(
        "mixed_script", found[0], found[1].name, "Talks in M\u043escow.") and None,
    "url": lambda p: (found := p.first("url", lambda t, f: not f.rules.get("x-hostDetermines"))) and p.put(
        "url", found[0], found[1].name, 'https://example.org/"planted"') and None,
    "repeated_word": simple("repeated_word", lambda f: "The the talks went on."),
}


def plant_faults(root) -> tuple[list[Fault], list[Fault]]:
    """Break the package at root with one fault of each kind; return (path, line, field, kind) of the faults
    a Table Schema validator sees (standard) and of those only this package's rules see (cross)."""
    planting = Planting(load_package(root))
    for kind in KINDS:
        PLANTERS[kind.name](planting)
    planting.write()
    standard = [f for f in planting.faults if f[3] in STANDARD]
    return standard, [f for f in planting.faults if f[3] not in STANDARD]
