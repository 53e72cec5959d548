"""The `x-` keys a schema may use, each with the parser of its value: the model's reading of rule arguments.
What each key means is `scripts.rules`' business; a key not listed here is refused when the package loads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """A field of another (or the same) resource that a value must be found in."""

    resource: str
    field: str
    delimiter: str = ""


@dataclass(frozen=True)
class Condition:
    """`field` holds one of `values` (x-requiredWhen), or maps each of its codes to the codes allowed here
    (x-allowedWhen)."""

    field: str
    values: tuple = ()
    allowed: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class UrlRejects:
    hosts: tuple[str, ...]
    path_segments: tuple[str, ...]


def _sibling(value, where):
    if not isinstance(value, str):
        raise ValueError(f"{where} must name a field of the same table")
    return value


def _siblings(value, where):
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where} must be a list of field names of the same table")
    return tuple(value)


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


# Each field-level `x-` key and the parser of its value; `scripts.rules` gives each one its meaning.
FIELD_RULE_KEYS = {
    "x-differentFrom": _sibling, "x-notBefore": _sibling, "x-notAfter": _sibling, "x-precisionField": _sibling,
    "x-between": _siblings, "x-qualifies": _siblings, "x-neutral": _true, "x-everyRecordCited": _true,
    "x-listOf": _list_target, "x-referencesAny": _targets, "x-requiredWhen": _when, "x-allowedWhen": _allowed_when,
    "x-rejectUrls": _url_rejects,
}
PACKAGE_KEYS = {"x-loadedTerms", "x-completeThrough"}


