"""The data package as the pipeline sees it: descriptor, resources and their Table Schemas.

Everything downstream (pandera checks, DuckDB DDL, the data dictionary) is derived from what this module
reads, so it is the one place that knows where the package's files live and how problems are reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTOR = "datapackage.json"

# How the package writes typed values in its CSV cells (Table Schema's defaults, made strict).
DATE_FORMAT = "%Y-%m-%d"
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
INTEGER = r"[+-]?[0-9]+"
NUMBER = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
TYPE_PATTERNS = {"integer": INTEGER, "number": NUMBER, "date": ISO_DATE}  # what a cell of each type must match


def ident(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: object) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


@dataclass(frozen=True, order=True)
class Problem:
    """One fault in the package, printed as `file:line:field: message` (line and field when known)."""

    path: str
    line: int | None = None
    field: str | None = None
    message: str = ""

    def __str__(self) -> str:
        place = self.path
        if self.line is not None:
            place += f":{self.line}"
            if self.field:
                place += f":{self.field}"
        elif self.field:
            place += f"::{self.field}"
        return f"{place}: {self.message}"


class PackageError(Exception):
    """The package cannot be read at all; carries the problems that say why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass(frozen=True)
class Table:
    """One resource of the package with its Table Schema."""

    name: str
    path: str
    schema_path: str
    schema: dict
    title: str = ""
    description: str = ""
    root: Path = field(default=ROOT, compare=False)

    @property
    def fields(self) -> list[dict]:
        return self.schema["fields"]

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def primary_key(self) -> list[str]:
        key = self.schema.get("primaryKey", [])
        return [key] if isinstance(key, str) else list(key)

    @property
    def foreign_keys(self) -> list[dict]:
        return self.schema.get("foreignKeys", [])

    @property
    def file(self) -> Path:
        return self.root / self.path

    def field(self, name: str) -> dict:
        return next(f for f in self.fields if f["name"] == name)


@dataclass(frozen=True)
class Package:
    """The descriptor and its tables, in descriptor order."""

    descriptor: dict
    tables: list[Table]
    root: Path = ROOT

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)

    def lookup_fields(self, table: Table) -> list[str]:
        """Fields of table that rules of other tables may read: its keys, its own references, and every
        field another table points at."""
        wanted = set(table.primary_key)
        for fk in table.foreign_keys:
            wanted.update(fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]])
        wanted.update(f["name"] for f in table.fields if "x-referencesAny" in f)
        for other in self.tables:
            for fk in other.foreign_keys:
                if fk["reference"].get("resource", other.name) == table.name:
                    fields = fk["reference"]["fields"]
                    wanted.update(fields if isinstance(fields, list) else [fields])
            for f in other.fields:
                targets = f.get("x-referencesAny", []) + ([f["x-listOf"]] if "x-listOf" in f else [])
                wanted.update(t["field"] for t in targets if t["resource"] == table.name)
        return [name for name in table.field_names if name in wanted]

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tables]


def read_json(root: Path, relpath: str) -> dict:
    """Parse a JSON file of the package, turning every failure into a Problem."""
    path = root / relpath
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise PackageError([Problem(relpath, message="file not found")]) from None
    except UnicodeDecodeError as e:
        raise PackageError([Problem(relpath, message=f"invalid UTF-8 at byte {e.start}")]) from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise PackageError([Problem(relpath, e.lineno, message=f"invalid JSON: {e.msg}")]) from None
    if not isinstance(value, dict):
        raise PackageError([Problem(relpath, message="must hold a JSON object")])
    return value


def inside_package(relpath: object) -> str | None:
    """Why a resource or schema path is not a plain relative path inside the package, or None if it is."""
    if not isinstance(relpath, str) or not relpath:
        return "must be a relative path given as a string"
    if "://" in relpath or relpath.startswith(("/", "\\")) or ":" in relpath:
        return f"'{relpath}' must be a relative path inside the package, not a URL or absolute path"
    if ".." in PurePosixPath(relpath).parts:
        return f"'{relpath}' must not leave the package directory"
    return None


def load_package(root: Path = ROOT) -> Package:
    """Read datapackage.json and every schema it references; raise PackageError if any is unusable."""
    descriptor = read_json(root, DESCRIPTOR)
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        raise PackageError([Problem(DESCRIPTOR, field="resources", message="must be a non-empty list")])
    problems, tables = [], []
    for i, res in enumerate(resources):
        name = res.get("name") if isinstance(res, dict) else None
        where = f"resources[{i}]" + (f" ({name})" if name else "")
        if not isinstance(res, dict) or not isinstance(name, str):
            problems.append(Problem(DESCRIPTOR, field=where, message="a resource needs a name"))
            continue
        for key in ("path", "schema"):
            why = inside_package(res.get(key))
            if why:
                problems.append(Problem(DESCRIPTOR, field=f"{where}.{key}", message=why))
        if any(p.field and p.field.startswith(where) for p in problems):
            continue
        try:
            schema = read_json(root, res["schema"])
        except PackageError as e:
            problems.extend(e.problems)
            continue
        if not isinstance(schema.get("fields"), list) or not schema["fields"]:
            problems.append(Problem(res["schema"], field="fields", message="must be a non-empty list of fields"))
            continue
        tables.append(Table(name, res["path"], res["schema"], schema, res.get("title", ""),
                            res.get("description", ""), root))
    if problems:
        raise PackageError(problems)
    return Package(descriptor, tables, root)
