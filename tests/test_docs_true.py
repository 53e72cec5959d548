"""The documentation is kept true by tests, as sqlite-utils and datasette keep theirs (their tests/test_docs.py):
every table of the events view is named in the README and in the view's column notes, every module a document
names exists, and every module of the pipeline is in the README's module map."""

from __future__ import annotations

import re

import duckdb
import pytest

from scripts.package import ROOT, load_package

DOCUMENTS = ["README.md", "mkdocs.yml", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md"))]
NAMED = re.compile(r"scripts([./])([a-z_]+(?:[./][a-z_]+)*)")


def readme_table(header: str, column: int = 1) -> list[str]:
    """The names in backquotes in one column of the README table that opens with header."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index(header):].split("\n\n", 1)[0]
    return [name for row in table.splitlines()[2:] for name in re.findall(r"`([a-z_/]+)`", row.split("|")[column])]


def module_map() -> list[str]:
    """The first column of the README's module map (under "For contributors"): `load`, `package/`, …"""
    return readme_table("| module | does |")


def exists(name: str) -> bool:
    """Whether `a/b` (as in scripts/a/b or scripts.a.b) is a module, a package, a folder or a file of scripts/."""
    path = ROOT / "scripts" / name.strip("/.")
    return path.with_suffix(".py").is_file() or path.is_dir() or path.is_file()


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_module_a_document_names_exists(document):
    text = (ROOT / document).read_text(encoding="utf-8")
    named = {m[2].replace(".", "/") if m[1] == "." else m[2] for m in NAMED.finditer(text)}
    named = {n.removesuffix("/py") for n in named}
    assert sorted(n for n in named if not exists(n)) == []


def test_every_entry_of_the_readme_module_map_exists():
    entries = module_map()
    assert len(entries) > 20
    assert [e for e in entries if not exists(e)] == []


def test_every_module_of_the_pipeline_is_in_the_readme_module_map():
    mapped = {e.strip("/") for e in module_map() + readme_table("| module | does |", 2)}
    modules = {p.stem for p in (ROOT / "scripts").glob("*.py") if p.stem != "__init__"}
    modules |= {p.name for p in (ROOT / "scripts").iterdir() if (p / "__init__.py").is_file()}
    assert sorted(modules - mapped) == []


def test_every_table_of_the_package_is_in_the_readme_table_of_tables():
    assert sorted(readme_table("| table | one row per |")) == sorted(load_package(ROOT).names)


def test_every_table_of_the_events_view_is_named_where_the_readme_describes_the_view():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    described = re.search(r"`events` \(([^)]*)\)", text)[1]
    tables = [t.name for t in load_package(ROOT).event_tables()]
    assert len(tables) >= 5
    assert [t for t in tables if f"`{t}`" not in described] == []


def test_every_table_of_the_events_view_is_named_in_its_column_notes(fixture_database):
    with duckdb.connect(str(fixture_database), read_only=True) as con:
        notes = dict(con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'events'")
                     .fetchall())
        tables = [t for (t,) in con.execute("SELECT DISTINCT record_type FROM events ORDER BY 1").fetchall()]
    expected = [t.name for t in load_package(ROOT).event_tables()]
    assert [t for t in tables if t not in expected] == []
    for column in ("record_type", "date", "parties"):
        assert [t for t in expected if t not in notes[column]] == [], column
