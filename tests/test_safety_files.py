"""Every file a build publishes is a regular file inside the project: a symbolic link or a special file among
them stops the stage that would publish it, in one line naming it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scripts import build, release
from scripts.files import NotRegular, copy_tree, present, regular_files
from scripts.package import load_package
from scripts.site import build as site_build
from tests.conftest import package_copy

RULE = "package files must be regular files inside the package"


def test_a_symlink_in_a_folder_is_named_with_its_path(tmp_path):
    (tmp_path / "queries" / "views").mkdir(parents=True)
    (tmp_path / "queries" / "views" / "leak.sql").symlink_to("/etc/passwd")
    with pytest.raises(NotRegular) as raised:
        regular_files(tmp_path / "queries", "queries")
    assert str(raised.value) == f"queries/views/leak.sql: is a symbolic link; {RULE}"


def test_a_fifo_in_a_folder_is_named_with_its_path(tmp_path):
    (tmp_path / "docs").mkdir()
    os.mkfifo(tmp_path / "docs" / "page.md")
    with pytest.raises(NotRegular) as raised:
        copy_tree(tmp_path / "docs", tmp_path / "copy", "docs")
    assert str(raised.value) == f"docs/page.md: is not a regular file; {RULE}"
    assert not (tmp_path / "copy").exists()


def test_a_linked_folder_is_refused_without_being_read(tmp_path):
    (tmp_path / "docs").symlink_to("/etc")
    with pytest.raises(NotRegular) as raised:
        regular_files(tmp_path / "docs", "docs")
    assert str(raised.value) == f"docs: is a symbolic link; {RULE}"


def test_a_missing_file_is_absent_and_a_linked_one_refused(tmp_path):
    assert present(tmp_path / "LICENSE", "LICENSE") is False
    (tmp_path / "LICENSE").symlink_to("/etc/passwd")
    with pytest.raises(NotRegular) as raised:
        present(tmp_path / "LICENSE", "LICENSE")
    assert str(raised.value) == f"LICENSE: is a symbolic link; {RULE}"


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path]:
    """A small package and the outputs of its build stage."""
    root = package_copy(tmp_path / "pkg").root
    build.build(load_package(root), tmp_path / "out")
    return root, tmp_path / "out"


def test_the_release_refuses_a_query_linked_to_a_file_outside_the_package(built):
    root, out = built
    (root / "queries" / "leak.sql").symlink_to("/etc/passwd")
    with pytest.raises(NotRegular) as raised:
        release.release(load_package(root), out)
    assert str(raised.value) == f"queries/leak.sql: is a symbolic link; {RULE}"
    assert not list(out.glob("*.zip"))


def test_the_site_stage_refuses_a_query_linked_to_a_file_outside_the_package(built, capsys):
    root, out = built
    release.release(load_package(root), out)  # the site stage reads the release's manifest
    (root / "queries" / "leak.sql").symlink_to("/etc/passwd")
    assert site_build.main([str(out), "--root", str(root)]) == 1
    assert capsys.readouterr().err == f"docs failed: queries/leak.sql: is a symbolic link; {RULE}\n"
    assert not (out / "site").exists()


# --- names inside the release zip ------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "line"), [
    ("/etc/passwd", "/etc/passwd: cannot be a member of the release zip: it is an absolute path"),
    ("C:/x.sql", "C:/x.sql: cannot be a member of the release zip: it starts with a drive letter"),
    ("queries/..\\..\\x.sql", "queries/..\\..\\x.sql: cannot be a member of the release zip: it holds a backslash, "
                              "which Windows reads as a folder separator"),
    ("queries/../../x.sql", "queries/../../x.sql: cannot be a member of the release zip: it has an empty, '.' or "
                            "'..' part"),
    ("queries//x.sql", "queries//x.sql: cannot be a member of the release zip: it has an empty, '.' or '..' part"),
    ("queries/a\x1b[2Jb.sql", "queries/a<U+001B>[2Jb.sql: cannot be a member of the release zip: it holds a control "
                              "or invisible character"),
])
def test_a_zip_member_name_that_could_leave_the_folder_is_refused_before_writing(tmp_path, name, line):
    with pytest.raises(release.UnsafeMember) as raised:
        release.write_zip(tmp_path / "r.zip", "pkg-1.0.0", {"README.md": b"", name: b""})
    assert str(raised.value) == line
    assert list(tmp_path.iterdir()) == []


def test_the_release_refuses_a_query_whose_name_holds_a_backslash(built):
    root, out = built
    (root / "queries" / "..\\evil.sql").write_text("SELECT 1;\n")
    with pytest.raises(release.UnsafeMember) as raised:
        release.release(load_package(root), out)
    assert str(raised.value) == ("queries/..\\evil.sql: cannot be a member of the release zip: it holds a backslash, "
                                 "which Windows reads as a folder separator")
