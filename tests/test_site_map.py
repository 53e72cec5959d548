"""The Map page's country outlines: drawn from the atlas once, then kept in the user's cache under the atlas's
bytes and the drawing code, and drawn again when either changes."""

from __future__ import annotations

import json

from scripts.site import map as site_map


def kept_drawings(cache_home) -> list:
    return list((cache_home / "am-az-normalization" / "map").glob("*.json"))


def test_outlines_are_drawn_for_every_view_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    drawn = site_map.outlines()
    assert len(drawn) == len(site_map.VIEWS)
    assert "Armenia" in {name for name, _, _ in drawn[0]} and all(d.startswith("M") for _, d, _ in drawn[0])
    [kept] = kept_drawings(tmp_path)
    assert json.loads(kept.read_text()) == drawn


def test_a_kept_drawing_is_what_the_map_shows(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    site_map.outlines()
    [kept] = kept_drawings(tmp_path)
    planted = [[["Kept", "M0,0L1,1Z", None]] for _ in site_map.VIEWS]
    kept.write_text(json.dumps(planted))
    assert site_map.outlines() == planted


def test_another_atlas_is_drawn_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    site_map.outlines()
    atlas = json.loads(site_map.ATLAS.read_text(encoding="utf-8"))
    atlas["objects"]["countries"]["geometries"] = [g for g in atlas["objects"]["countries"]["geometries"]
                                                   if g.get("properties", {}).get("name") != "Armenia"]
    monkeypatch.setattr(site_map, "ATLAS", tmp_path / "atlas.json")
    site_map.ATLAS.write_text(json.dumps(atlas), encoding="utf-8")
    assert "Armenia" not in {name for name, _, _ in site_map.outlines()[0]}
    assert len(kept_drawings(tmp_path)) == 2
