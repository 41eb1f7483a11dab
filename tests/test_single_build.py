"""A build of single Drucksachen (``vorlagengen build DATEI``, ``make vorlage V=…``) sets each exactly
as a build of all does: the TOP and the Sitzung's Bezeichnung of each Beratung step come from the
agendas of every Sitzung of the project, also those the run did not select."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import vorlagengen.documents.recipe as recipe
from render_support import REPO
from test_incremental import fake_convert
from vorlagengen.documents.drucksache import build
from vorlagengen.load.project import load_project


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.name.startswith(".") and ".cache" not in p.parts}


def test_each_drucksache_built_alone_equals_the_full_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recipe, "convert", fake_convert)  # the digest of all the recipe is given
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1304380800")
    root = tmp_path / "projekt"
    for name in ("data", "sitzungen", "vorlagen"):
        shutil.copytree(REPO / name, root / name)
    full = load_project(root, jobs=1)
    # the agenda names the TOP and the Sitzung of a step that does not state them itself
    derived = [(r.path, s) for r in full.records for s in r.vorlage.beratungsfolge if s.top or s.sitzung]
    assert derived, "no step whose TOP the agendas give"
    build(full, tmp_path / "alle", complete=True, jobs=1)
    everything = _files(tmp_path / "alle")
    for record in sorted((root / "vorlagen").rglob("*.yaml")):
        out = tmp_path / "einzeln" / record.stem
        build(load_project(root, [record], jobs=1), out, jobs=1)
        alone = _files(out)
        assert alone, record
        assert {k: v for k, v in alone.items() if everything.get(k) != v} == {}, record
