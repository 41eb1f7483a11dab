"""The preview's documents, made by the build's own recipe and never otherwise.

A Drucksache's internal face is ``render.build.prepare`` + ``convert`` of the record in the full
project, its public face the same of the record in ``public.public_project`` (what ``build`` writes to
the public tree). A Sitzung's and a Niederschrift's documents are made by ``build_sitzung`` and
``build_niederschrift`` themselves, into a private folder of the preview; the public face shows the
files they put in the public tree. Nothing here decides what is public.

Each face comes with a key: the digest of everything its documents are made from. The same key
gives the same documents, so a change that does not touch a face costs no rendering.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import TypeVar

import vorlagengen.documents.recipe as recipe
import vorlagengen.documents.trees as trees
from vorlagengen.documents.drucksache import drucksache, project_fingerprint, record_digest
from vorlagengen.documents.layouts import get_layout
from vorlagengen.documents.recipe import Document, Prepared
from vorlagengen.documents.sitzung import build_sitzung
from vorlagengen.documents.sitzung.protokoll import build_niederschrift
from vorlagengen.model.records import Project, PublicProject, SitzungRecord
from vorlagengen.vorschau.targets import DRUCKSACHE, NIEDERSCHRIFT, Target

INTERNAL, PUBLIC = trees.INTERNAL, trees.PUBLIC
FACES = (INTERNAL, PUBLIC)
T = TypeVar("T")
Documents = list[tuple[str, bytes]]  # (name shown above it, PDF)

LABELS = {"Bekanntmachung-Nachtrag": "Nachtrag zur Bekanntmachung",
          "Sitzungsmappe-oeffentlich": "Sitzungsmappe (öffentlich)",
          "Sitzungsmappe-vollstaendig": "Sitzungsmappe (vollständig)",
          "Niederschrift-oeffentlicher-Teil": "Niederschrift, öffentlicher Teil",
          "Niederschrift-nichtoeffentlicher-Teil": "Niederschrift, nichtöffentlicher Teil"}


ORDER = ("Einladung", "Nachtrag", "Bekanntmachung", "Bekanntmachung-Nachtrag", "Sitzungsmappe-vollstaendig",
         "Sitzungsmappe-oeffentlich",
         "Niederschrift", "Niederschrift-oeffentlicher-Teil", "Niederschrift-nichtoeffentlicher-Teil")


def _order(path: Path) -> tuple[int, str]:
    return (ORDER.index(path.stem) if path.stem in ORDER else len(ORDER), path.name)


@dataclass
class Face:
    """How to make one face of a target: ``make`` gives its documents; ``note`` is said above them."""

    key: str
    make: Callable[[], Documents]
    note: str = ""


def _digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _read(path: Path | None) -> bytes:
    try:
        return path.read_bytes() if path is not None else b""
    except OSError:
        return b""


def _one(found: list[T], target: Target) -> T:
    if not found:
        raise LookupError(target.tid)
    return found[0]


def faces(project: Project, public: PublicProject, target: Target, workdir: Path) -> dict[str, Face]:
    """Both faces of ``target`` in ``project`` (``public`` is its public projection); raises LookupError
    when the project does not hold the target (deleted, or not loaded)."""
    if target.kind == DRUCKSACHE:
        return _drucksache(project, public, target)
    return _sitzung(project, public, target, workdir)


def _drucksache(project: Project, public: PublicProject, target: Target) -> dict[str, Face]:
    record = _one([r for r in project.records if r.path == target.path], target)
    if record.vorlage.uebernommen:
        note = ("Übernommene Drucksache: ihr Text steht im PDF des Quellsystems, vorlagengen setzt sie "
                "nicht neu.")
        return {face: Face("übernommen", list, note) for face in FACES}
    layout = get_layout(project.ref.koerperschaften[record.vorlage.koerperschaft].layout, project.root)
    out: dict[str, Face] = {}
    public_record = next((r for r in public.records if r.path == target.path), None)
    for face, proj, rec in ((INTERNAL, project, record), (PUBLIC, public, public_record)):
        if rec is None:
            out[face] = Face("nichtöffentlich", list, "Diese Drucksache ist nichtöffentlich: sie erscheint in "
                                                      "keiner öffentlichen Ausgabe.")
            continue
        doc = drucksache(rec, proj, layout, Path("."), ("pdf",))
        prep = doc.prepare()
        key = _digest(recipe.markdown_of(doc, prep), sorted(prep.inputs.items()), doc.epoch, prep.entwurf,
                      doc.public, layout.fingerprint)
        out[face] = Face(key, partial(_set, doc, prep))
    return out


def _sitzung(project: Project, public: PublicProject, target: Target, workdir: Path) -> dict[str, Face]:
    srec = _one([s for s in project.sitzungen
                 if target.path == (s.niederschrift_path if target.kind == NIEDERSCHRIFT else s.path)], target)
    if srec.sitzung.quelle is not None:
        note = "Übernommene Sitzung: ihre Unterlagen stehen im Quellsystem, vorlagengen erstellt sie nicht."
        return {face: Face("übernommen", list, note) for face in FACES}
    gremium = project.ref.gremien[srec.sitzung.gremium]
    layout = get_layout(project.ref.koerperschaften[gremium.koerperschaft].layout, project.root)
    today = dt.date.today()
    records = [r for e in srec.all_tops() for r in e.records]
    entwurf = any(r.vorlage.entwurf for r in records)
    key = _digest(target.kind, _read(srec.path), _read(srec.niederschrift_path), entwurf, today,
                  project_fingerprint(project.root, layout), [record_digest(r, project) for r in records])
    note = ("Entwürfe auf der Tagesordnung: die Unterlagen tragen den ENTWURF-Stempel "
            "(wie mit „vorlagengen sitzung --entwurf“)." if entwurf and target.kind != NIEDERSCHRIFT else "")

    @cache
    def made() -> dict[str, Documents]:
        out = workdir / "build"
        shutil.rmtree(out / INTERNAL / "sitzungen", ignore_errors=True)  # the cache of Anlagen stays
        shutil.rmtree(out / PUBLIC, ignore_errors=True)
        shutil.rmtree(out / trees.DRAFT, ignore_errors=True)
        if target.kind == NIEDERSCHRIFT:
            files = build_niederschrift(project, srec, out, today, public=public)
        else:
            files = build_sitzung(project, srec, out, entwurf=entwurf, public=public).files
        # a draft's public form lies in the draft tree: it is the public face the author reviews
        trees_of = {INTERNAL: (out / INTERNAL,), PUBLIC: (out / PUBLIC, out / trees.DRAFT)}
        files = sorted(files, key=_order)  # in the order a reader takes them, not as they were finished
        return {face: [(LABELS.get(p.stem, p.stem.replace("-", " ")), p.read_bytes()) for p in files
                       if p.suffix == ".pdf" and any(p.is_relative_to(t) for t in trees_of[face])]
                for face in FACES}

    return {face: Face(key, partial(_pick, made, face), note) for face in FACES}


def _set(doc: Document, prep: Prepared) -> Documents:
    return [(DRUCKSACHE, recipe.render(doc, prep, ("pdf",))["pdf"])]


def _pick(made: Callable[[], dict[str, Documents]], face: str) -> Documents:
    return made()[face]


def owner_files(project: Project, target: Target) -> set[Path]:
    """The files whose errors keep ``target`` from being set: its own, and for a Sitzung or
    Niederschrift the Sitzung, its Niederschrift and the Drucksachen on its Tagesordnung."""
    files = {target.path}
    srec: SitzungRecord | None = next((s for s in project.sitzungen if target.path in
                                       (s.path, s.niederschrift_path)), None)
    if srec is not None:
        files.update(p for p in (srec.path, srec.niederschrift_path) if p is not None)
        files.update(r.path for e in srec.all_tops() for r in e.records)
    return files
