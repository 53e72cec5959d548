"""The `x-` keys a schema may use: each is one typed attribute of `FieldRules`, declared with its key and the
parser of its value, so a field's rule arguments are read once, here, and every stage reads attributes
(`field.rules.not_before`), never a key. What each rule means is `scripts.rules`' business; a key not declared
here is refused when the package loads."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """A field of another (or the same) resource that a value must be found in."""

    resource: str
    field: str
    delimiter: str = ""


@dataclass(frozen=True)
class Condition:
    """`field` holds one of `values` (x-requiredWhen; x-relayTerms, with the `terms` this field then never
    holds), or maps each of its codes to the codes allowed here (x-allowedWhen)."""

    field: str
    values: tuple = ()
    allowed: tuple[tuple[str, tuple[str, ...]], ...] = ()
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class UrlRejects:
    hosts: tuple[str, ...]
    path_segments: tuple[str, ...]


def _sibling(value, where):
    if not isinstance(value, str):
        raise ValueError(f"{where} must name a field of the same table")
    return value


def _siblings(count: int) -> Callable:
    def parse(value, where):
        if not isinstance(value, list) or len(value) != count or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{where} must be a list of {count} field names of the same table")
        return tuple(value)
    return parse


def _true(value, where):
    if value is not True:
        raise ValueError(f"{where} must be true")
    return True


def _target(value, where):
    if not isinstance(value, dict) or not isinstance(value.get("resource"), str) \
            or not isinstance(value.get("field"), str):
        raise ValueError(f"{where} must be an object with resource and field")
    return Target(value["resource"], value["field"], str(value.get("delimiter", "")))


def _list_target(value, where):
    found = _target(value, where)
    if not found.delimiter:
        raise ValueError(f"{where} needs a delimiter")
    return found


def _targets(value, where):
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where} must be a list of {{resource, field}} objects")
    return tuple(_target(v, where) for v in value)


def _when(value, where):
    if not isinstance(value, dict) or not isinstance(value.get("field"), str) \
            or not isinstance(value.get("values"), list) or not value["values"]:
        raise ValueError(f"{where} must be an object with field and a non-empty list of values")
    return Condition(value["field"], tuple(map(str, value["values"])))


def _terms_when(value, where):
    if not isinstance(value, dict) or set(value) != {"field", "values", "terms"}:
        raise ValueError(f"{where} must be an object with field, values and terms")
    cond = _when({"field": value["field"], "values": value["values"]}, where)
    terms = value["terms"]
    if not isinstance(terms, list) or not terms or not all(isinstance(t, str) and t.strip() for t in terms):
        raise ValueError(f"{where}: terms must be a non-empty list of non-empty strings")
    return Condition(cond.field, cond.values, terms=tuple(terms))


def _allowed_when(value, where):
    if not isinstance(value, dict) or not isinstance(value.get("field"), str) \
            or not isinstance(value.get("values"), dict):
        raise ValueError(f"{where} must be an object with field and values (a code → list of allowed codes)")
    allowed = tuple((str(k), tuple(map(str, v))) for k, v in value["values"].items() if isinstance(v, list))
    if len(allowed) != len(value["values"]):
        raise ValueError(f"{where}: each code must map to a list of allowed codes")
    return Condition(value["field"], allowed=allowed)


def _url_rejects(value, where):
    if not isinstance(value, dict) or set(value) - {"hosts", "pathSegments"}:
        raise ValueError(f"{where} must be an object with hosts and pathSegments")
    hosts, segments = value.get("hosts", []), value.get("pathSegments", [])
    if not all(isinstance(v, str) and v for v in hosts + segments):
        raise ValueError(f"{where}: hosts and pathSegments must be lists of non-empty strings")
    return UrlRejects(tuple(h.lower() for h in hosts), tuple(segments))


def key(name: str, parse: Callable, default=None):
    """An attribute of FieldRules read from the schema's `name` key with `parse`; `default` where it is absent."""
    return dataclasses.field(default=default, metadata={"key": name, "parse": parse})


@dataclass(frozen=True)
class FieldRules:
    """A field's rule arguments, typed: one attribute per `x-` key, its default where the schema leaves it out."""

    different_from: str | None = key("x-differentFrom", _sibling)  # a sibling this field never equals
    not_before: str | None = key("x-notBefore", _sibling)  # a sibling date this one is never earlier than
    not_after: str | None = key("x-notAfter", _sibling)  # a sibling date this one is never later than
    precision_field: str | None = key("x-precisionField", _sibling)  # the sibling saying how precise this date is
    between: tuple[str, str] | None = key("x-between", _siblings(2))  # the low and high bounds of this count
    qualifies: tuple[str, str, str] | None = key("x-qualifies", _siblings(3))  # the low, best and high counts
    neutral: bool = key("x-neutral", _true, False)  # none of the package's loaded terms
    speaks_to_readers: bool = key("x-speaksToReaders", _true, False)  # none of the package's process terms
    every_record_cited: bool = key("x-everyRecordCited", _true, False)  # every record it can name is named
    list_of: Target | None = key("x-listOf", _list_target)  # a delimited list of keys of another table
    references_any: tuple[Target, ...] = key("x-referencesAny", _targets, ())  # a key of any of these tables
    required_when: Condition | None = key("x-requiredWhen", _when)  # required when a sibling holds a value
    allowed_when: Condition | None = key("x-allowedWhen", _allowed_when)  # codes allowed by a sibling's code
    relay_terms: Condition | None = key("x-relayTerms", _terms_when)  # words it never holds when a sibling has a code
    reject_urls: UrlRejects | None = key("x-rejectUrls", _url_rejects)  # addresses that are not canonical
    host_determines: str | None = key("x-hostDetermines", _sibling)  # the sibling one host always has one value of
    url: bool = key("x-url", _true, False)  # an http(s) address
    # a key of any record table (x-record): read as references_any to each of them once every table is loaded
    references_records: bool = key("x-referencesRecords", _true, False)

    @classmethod
    def read(cls, raw: dict, where: str) -> FieldRules:
        """The rules of a raw schema field (its `x-` keys already known to be declared)."""
        return cls(**{f.name: f.metadata["parse"](raw[f.metadata["key"]], f"{where}: {f.metadata['key']}")
                      for f in dataclasses.fields(cls) if f.metadata["key"] in raw})

    def given(self) -> dict[str, object]:
        """`x-` key → value of the rules the schema states, in declaration order (for messages and tests)."""
        return {f.metadata["key"]: getattr(self, f.name) for f in dataclasses.fields(self)
                if getattr(self, f.name) != f.default}

    def without(self, name: str) -> FieldRules:
        """These rules with the one stated by `x-` key `name` left out."""
        found = next(f for f in dataclasses.fields(self) if f.metadata["key"] == name)
        return dataclasses.replace(self, **{found.name: found.default})

    def named(self) -> list[tuple[str, str | None, str]]:
        """(`x-` key, resource, field) of every field these rules name; resource None for a field of the same
        table."""
        out = []
        for key, value in self.given().items():
            for item in value if isinstance(value, tuple) else (value,):
                if isinstance(item, Target):
                    out.append((key, item.resource, item.field))
                elif isinstance(item, Condition):
                    out.append((key, None, item.field))
                elif isinstance(item, str):
                    out.append((key, None, item))
        return out

    def siblings(self) -> tuple[str, ...]:
        """Every field of the same table that these rules read."""
        return tuple(dict.fromkeys(name for _, resource, name in self.named() if resource is None))

    def targets(self) -> tuple[Target, ...]:
        """Every field of a table that these rules look values up in (x-referencesAny, x-listOf)."""
        return self.references_any + ((self.list_of,) if self.list_of else ())


@dataclass(frozen=True)
class RecordRole:
    """A table whose rows are records (`x-record` in its schema): every row is cited, has a page, and, where the
    table names its date field, is a row of the events view. Each value names a field of the table."""

    summary: str  # what happened, in the dataset's words
    status: str  # how firmly the record is established
    date: str | None = None  # the record's date; with it, the table's rows are events
    parties: tuple[str, ...] = ()  # fields naming a party involved (a list field names several)
    always_parties: tuple[str, ...] = ()  # party ids every record of the table involves (a meeting's two sides)

    KEYS = {"summary": "summary", "status": "status", "date": "date", "parties": "parties",
            "alwaysParties": "always_parties"}

    @classmethod
    def read(cls, value, where: str) -> RecordRole:
        if not isinstance(value, dict) or set(value) - set(cls.KEYS) or not {"summary", "status"} <= set(value):
            raise ValueError(f"{where} must be an object with summary and status (field names) and optionally "
                             "date (a field name), parties (field names) and alwaysParties (party ids)")
        for name in ("summary", "status", "date"):
            if name in value and not isinstance(value[name], str):
                raise ValueError(f"{where}.{name} must name a field of the table")
        for name in ("parties", "alwaysParties"):
            if not isinstance(value.get(name, []), list) or not all(isinstance(v, str) for v in value.get(name, [])):
                raise ValueError(f"{where}.{name} must be a list of strings")
        return cls(**{cls.KEYS[k]: tuple(v) if isinstance(v, list) else v for k, v in value.items()})

    def fields(self) -> tuple[str, ...]:
        """Every field of the table this role names."""
        return tuple(n for n in (self.summary, self.status, self.date, *self.parties) if n)


# Each field-level `x-` key, as the schema spells it; the table-level ones (in a schema, beside `fields`); the
# package-level ones (in datapackage.json).
FIELD_RULE_KEYS = tuple(f.metadata["key"] for f in dataclasses.fields(FieldRules))
TABLE_KEYS = {"x-record"}
PACKAGE_KEYS = {"x-loadedTerms", "x-processTerms", "x-completeThrough"}
