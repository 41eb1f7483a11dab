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
from vorlagengen.load.project import known_entry, load_project
from vorlagengen.model.records import Project


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


_ANFRAGE = """nummer: "2017/AF/{nr}"
datum: 2017-03-01
koerperschaft: rostock
art: Anfrage
status: {status}
betreff: "Spielplätze {nr}"
federfuehrend: rostock-amt-jsa
initiator: rostock-spd
schwaerzen: [Evershagen]
beratungsfolge:
  - gremium: rostock-jha
    datum: 2017-04-05
    zustaendigkeit: Kenntnisnahme
fragen:
  - Wie viele Spielplätze gibt es in [Evershagen]{{.geschwaerzt}}? {marke}
"""

_ANTWORT = """nummer: "2017/AF/{nr}-01"
datum: 2017-03-20
koerperschaft: rostock
art: Beantwortung einer Anfrage
status: öffentlich
betreff: "Antwort {nr}"
federfuehrend: rostock-amt-jsa
bezug: "2017/AF/{nr}"
beratungsfolge:
  - gremium: rostock-jha
    datum: 2017-04-05
    zustaendigkeit: Kenntnisnahme
antwort: |
  Es gibt zwölf.
"""


def _anfragen(root: Path) -> Path:
    """The demo project with a public and a non-public Anfrage, each with its Beantwortung."""
    for name in ("data", "vorlagen"):
        shutil.copytree(REPO / name, root / name)
    with (root / "data/gremien.yaml").open("a", encoding="utf-8") as f:
        f.write("rostock-spd:\n  name: SPD-Fraktion\n  koerperschaft: rostock\n  typ: Fraktion\n")
    folder = root / "vorlagen/rostock"
    for nr, status, marke in (("0901", "öffentlich", "Oeffentlichfrage"), ("0902", "nichtöffentlich", "Geheimfrage")):
        (folder / f"2017-AF-{nr}.yaml").write_text(_ANFRAGE.format(nr=nr, status=status, marke=marke), "utf-8")
        (folder / f"2017-AF-{nr}-01.yaml").write_text(_ANTWORT.format(nr=nr), "utf-8")
    return root


def test_what_a_run_kept_of_the_records_is_what_reading_them_gives(tmp_path: Path) -> None:
    """A build of only the changed records takes the others from what the last run kept of them
    (load_project's ``known``): the same as reading them, for every record selected alone."""
    root = _anfragen(tmp_path / "projekt")
    draft = root / "vorlagen/rostock/2017-AF-0901.yaml"
    draft.write_text(draft.read_text(encoding="utf-8") + "entwurf: ja\n", encoding="utf-8")
    full = load_project(root, jobs=1)
    known = {str(r.path): known_entry(r) for r in full.records}
    assert any(r.vorlage.fragen for r in full.records) and any(r.vorlage.entwurf for r in full.records)

    def seen(project: Project) -> tuple[object, ...]:
        return (project.betreffs, project.oeffentlich, project.fremde_fragen, project.fremde_entwuerfe,
                [(r.path, r.vorlage) for r in project.records])

    for record in sorted((root / "vorlagen").rglob("*.yaml")):
        read = load_project(root, [record], jobs=1)
        assert read.fremde_entwuerfe or record == draft
        assert seen(load_project(root, [record], jobs=1, known=known)) == seen(read), record


def test_a_beantwortung_set_alone_shows_the_fragen_of_its_anfrage(tmp_path: Path) -> None:
    """A Beantwortung without its own Fragen takes those of the Anfrage it answers: validated or set
    alone, it sees them as a build of all does, redacted in its public form, and none of a
    non-public Anfrage's."""
    from vorlagengen.documents.drucksache import markdown_of
    from vorlagengen.documents.layouts import get_layout
    from vorlagengen.public.projection import public_project

    root = _anfragen(tmp_path / "projekt")
    folder = root / "vorlagen/rostock"
    full = load_project(root, jobs=1)
    layout = get_layout("allris", root)

    def texts(project: Project, nummer: str) -> tuple[str, str]:
        record = next(r for r in project.records if r.vorlage.nummer == nummer)
        public = public_project(project)
        form = next(r for r in public.records if r.path == record.path)
        return markdown_of(record, project, layout), markdown_of(form, public, layout)

    for nr in ("0901", "0902"):
        alone = load_project(root, [folder / f"2017-AF-{nr}-01.yaml"], jobs=1)  # no error: the Fragen are known
        assert texts(alone, f"2017/AF/{nr}-01") == texts(full, f"2017/AF/{nr}-01")
    internal, public = texts(load_project(root, [folder / "2017-AF-0901-01.yaml"], jobs=1), "2017/AF/0901-01")
    assert "Oeffentlichfrage" in internal and "Evershagen" in internal
    assert "Oeffentlichfrage" in public and "Evershagen" not in public
    internal, public = texts(load_project(root, [folder / "2017-AF-0902-01.yaml"], jobs=1), "2017/AF/0902-01")
    assert "Geheimfrage" in internal and "Geheimfrage" not in public


def test_a_build_of_one_drucksache_after_a_build_of_all_changes_nothing(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """``build DATEI`` sets that one Drucksache and leaves every other file as the build of all made
    it, also the draft tree's files of the other drafts."""
    monkeypatch.setattr(recipe, "convert", fake_convert)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1304380800")
    root = tmp_path / "projekt"
    for name in ("data", "sitzungen", "vorlagen"):
        shutil.copytree(REPO / name, root / name)
    drafts = sorted(p for p in (root / "vorlagen").rglob("*.yaml") if "status: öffentlich" in p.read_text("utf-8"))[:2]
    for path in drafts:
        path.write_text(path.read_text(encoding="utf-8") + "entwurf: ja\n", encoding="utf-8")
    out = tmp_path / "build"
    build(load_project(root, jobs=1), out, complete=True, jobs=1)
    everything = _files(out)
    assert sum(k.startswith("entwurf/") for k in everything) == 2 * len(drafts)
    for record in sorted((root / "vorlagen").rglob("*.yaml")):
        result = build(load_project(root, [record], jobs=1), out, jobs=1)
        assert not result.built and not result.removed, record
        assert _files(out) == everything, record
