"""Fixtures for the build, release and query tests, each built once per session.

A test module asks for them with `pytest_plugins = ["tests.outputs"]`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scripts import build, release
from scripts.package import ROOT, load_package
from tests.conftest import PackageCopy


@pytest.fixture(scope="session")
def committed_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/ of the committed package, in a temporary directory: the database and parquet/."""
    out = tmp_path_factory.mktemp("committed-build")
    build.build(load_package(ROOT), out)
    return out


@pytest.fixture(scope="session")
def committed_database(committed_build: Path) -> Path:
    return committed_build / build.DATABASE


@pytest.fixture(scope="session")
def fixture_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database of the small fixture package (tests/conftest.py); open it read-only."""
    root = tmp_path_factory.mktemp("fixture-package")
    (root / "data").mkdir()
    shutil.copy(ROOT / "datapackage.json", root / "datapackage.json")
    shutil.copytree(ROOT / "schemas", root / "schemas")
    PackageCopy(root).write()
    return build.build(load_package(root), root / "build")


@pytest.fixture(scope="session")
def committed_release(committed_build: Path) -> Path:
    """The release zip of the committed package, next to its build outputs."""
    return release.release(load_package(ROOT), committed_build)
