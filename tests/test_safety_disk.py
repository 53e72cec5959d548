"""A full disk during the site stage is one line and exit 1, never a traceback, whether our code or MkDocs meets
it (the pipeline then publishes nothing: tests/test_safety_pipeline.py)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from scripts.site import build as site_build
from tests.conftest import build_and_release, package_copy

FULL = os.strerror(errno.ENOSPC)


def test_a_full_disk_while_the_pages_are_written_is_one_line(tmp_path, capsys, monkeypatch):
    root = package_copy(tmp_path / "pkg").root
    out = tmp_path / "out"
    build_and_release(root, out)
    written, refused = Path.write_text, []

    def full(self: Path, *args, **kwargs):
        if out / "docs" in self.parents:
            refused.append(self)
            raise OSError(errno.ENOSPC, FULL, str(self))
        return written(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    assert site_build.main([str(out), "--root", str(root)]) == 1
    assert capsys.readouterr().err == f"docs failed: {refused[0]}: {FULL}\n"


def test_mkdocs_stopped_by_a_full_disk_is_one_line(tmp_path):
    """A real `mkdocs build` whose hook meets a full disk: its traceback is left out, its last line kept."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "full.py").write_text("import errno, os\n\n\ndef on_post_build(config):\n"
                                      "    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "
                                      "config['site_dir'] + '/index.html')\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: Full\nhooks: [full.py]\n")
    with pytest.raises(site_build.MkDocsFailed) as raised:
        with site_build.MkDocs(tmp_path / "mkdocs.yml") as mkdocs, mkdocs.running():
            pass
    assert (raised.value.reported, raised.value.why) == (
        [], f"mkdocs stopped: OSError: [Errno {errno.ENOSPC}] {FULL}: '{tmp_path}/site/index.html'")


def test_a_warning_stops_mkdocs_and_is_shown_before_the_line_that_says_so(tmp_path):
    """Strict mode counts warnings only if they are logged: `--quiet` would let this page through."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\n[gone](missing.md)\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: Strict\n")
    with pytest.raises(site_build.MkDocsFailed) as raised:
        with site_build.MkDocs(tmp_path / "mkdocs.yml") as mkdocs, mkdocs.running():
            pass
    assert (raised.value.reported, raised.value.why) == ([
        "WARNING -  Doc file 'index.md' contains a link 'missing.md', but the target is not found among documentation "
        "files.", "Aborted with 1 warnings in strict mode!"], "mkdocs build --strict reported the problems above")


def test_mkdocs_started_ahead_builds_nothing_when_the_stage_stops_before_its_turn(tmp_path):
    """MkDocs starts before the pages are written; a stage that fails while writing them ends it unbuilt."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: Early\n")
    with pytest.raises(RuntimeError), site_build.MkDocs(tmp_path / "mkdocs.yml") as mkdocs:
        raise RuntimeError("a page could not be written")
    assert mkdocs.process.returncode is not None and not (tmp_path / "site").exists()


def test_mkdocs_started_ahead_builds_the_pages_written_after_it_started(tmp_path):
    with site_build.MkDocs(tmp_path / "mkdocs.yml") as mkdocs:
        (tmp_path / "docs").mkdir()
        (tmp_path / "docs" / "index.md").write_text("# Written late\n")
        (tmp_path / "mkdocs.yml").write_text("site_name: Late\n")
        with mkdocs.running():
            pass
    assert "Written late" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
