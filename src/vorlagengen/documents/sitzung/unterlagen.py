"""Assembling a Sitzung's documents: Einladung (DOCX, PDF), Bekanntmachung (PDF), a Nachtrag zur
Tagesordnung (DOCX, PDF) and a public Nachtrag zur Bekanntmachung (PDF) when items were added or
withdrawn after the Einladung, and the public and the full
Sitzungsmappe (PDF/A-2b, one typst document: cover, the Tagesordnung as linked contents, then each
Drucksache as its own PDF, as ``build`` sets it but without its own page counter, followed by its
Anlagen). typst sets only cover, contents, sheets and the Mappe's header on every page; the
Drucksachen (mappenform.py) and converted Anlagen (anlagen.py) are kept between runs and drawn in.

Bekanntmachung and public Mappe are made from the public projection (a ``PublicProject``, public.py)
only and written to the public tree, or, made as drafts (``--entwurf``), to the draft tree;
Einladung, Nachtrag and full Mappe from the full project into the internal tree (trees.py)."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

import vorlagengen.documents.cancel as cancel
import vorlagengen.documents.engines as engines
import vorlagengen.documents.recipe as recipe
import vorlagengen.documents.trees as trees
from vorlagengen.documents.context import anlagen_info, sitzung_name
from vorlagengen.documents.drawing import DrawingWorker
from vorlagengen.documents.drucksache import code_fingerprint, project_fingerprint, record_digest
from vorlagengen.documents.layouts import Layout, get_layout
from vorlagengen.documents.output import Made, Output, make, open_output
from vorlagengen.documents.recipe import Document, Prepared
from vorlagengen.documents.sitzung.anlagen import Placement, cache_for, merge_pages, prepare_all
from vorlagengen.documents.sitzung.blaetter import blaetter, inhalt
from vorlagengen.documents.sitzung.context import MappeParts, SitzungContext, sitzung_context
from vorlagengen.documents.sitzung.mappenform import Mappenformen
from vorlagengen.documents.stand import stand
from vorlagengen.documents.woerter import page_words
from vorlagengen.errors import UserError
from vorlagengen.model.records import Project, ProjectData, PublicProject, Record, SitzungRecord, slug
from vorlagengen.public.projection import public_project

PLANNER = "sitzung"
TITEL = {"Einladung": "einladung", "Bekanntmachung": "bekanntmachung", "Nachtrag": "nachtrag",
         "Bekanntmachung-Nachtrag": "bekanntmachung_nachtrag"}  # their words
# what was sent or published stays so: these carry the Einladung's day, not the commit's time
AS_SENT = ("Einladung", "Bekanntmachung")
MAPPEN = ((True, "Sitzungsmappe-oeffentlich"), (False, "Sitzungsmappe-vollstaendig"))


@dataclass
class SitzungResult:
    folder: Path  # the public documents (trees.PUBLIC; trees.DRAFT for drafts)
    internal_folder: Path  # Einladung, Nachtrag and full Mappe (trees.INTERNAL)
    files: list[Path]
    warnings: list[str]
    skipped: list[Path] = field(default_factory=list)


@dataclass
class Run:
    """What the documents of one Sitzung share: ``project`` is the full project, ``public`` its
    public projection with ``public_srec`` the Sitzung as the projection holds it."""

    project: Project
    public: PublicProject
    public_srec: SitzungRecord
    srec: SitzungRecord
    layout: Layout
    epoch: int
    entwurf: bool
    out: Path
    base: str  # the code, data/, the layout and its fonts
    warnings: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    formen: Mappenformen | None = None  # the Drucksachen as the Mappen show them, shared by all Sitzungen
    drawer: DrawingWorker | None = None  # draws the full Mappe while this process draws the public one


def _inputs(ctx: SitzungContext, title: str, entwurf: bool) -> dict[str, str]:
    k, w = ctx.koerperschaft, ctx.w
    name = sitzung_name(ctx.sitzung.nummer, ctx.sitzung.bezeichnung, w("sitzung_name", nummer=ctx.sitzung.nummer))
    return {**page_words(w),
        "vermerk": ctx.vermerk,
        "titel": title, "betreff": title, "nummer": ctx.sitzung.nummer, "art": title,
        "autor": k.name, "koerperschaft": k.name, "gremium": ctx.gremium, "datum": ctx.datum,
        "beschreibung": w("sitzung_beschreibung", gremium=ctx.gremium, nummer=ctx.sitzung.nummer, sitzung=name,
                          datum=ctx.datum),
        "entwurf": "ja" if entwurf else "nein", "status": "",
        "fusszeile": w("sitzung_fusszeile", gremium=ctx.gremium, nummer=ctx.sitzung.nummer, sitzung=name,
                       datum=ctx.datum),
        "kopf": w("mappe_kopf", gremium=ctx.gremium, datum=ctx.datum, nummer=ctx.sitzung.nummer, sitzung=name),
    }


def _epoch(project: ProjectData, srec: SitzungRecord) -> int:
    """The time the documents carry: the commit's (or SOURCE_DATE_EPOCH), else noon of the Einladung."""
    _, epoch = stand(project.root)
    if not epoch:
        d = srec.sitzung.einladungsdatum or srec.sitzung.datum
        epoch = int(dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.UTC).timestamp())
    return epoch


def _sent_epoch(srec: SitzungRecord) -> int:
    """Noon of the Einladung's day: the time an Einladung and the Bekanntmachung published with it
    carry, whatever was committed since."""
    d = srec.sitzung.einladungsdatum or srec.sitzung.datum
    return int(dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.UTC).timestamp())


def folders(out: Path, srec: SitzungRecord, entwurf: bool = False) -> tuple[Path, Path]:
    """The Sitzung's folder for its public documents (in the draft tree when they are drafts) and
    its folder in the internal tree."""
    public = trees.draft_dir(out) if entwurf else trees.public_dir(out)
    return public / "sitzungen" / srec.slug, trees.internal_dir(out) / "sitzungen" / srec.slug


# --- the planner -------------------------------------------------------------------------------


def plan_sitzung(project: Project, public: PublicProject, srec: SitzungRecord, out: Path, *,
                 entwurf: bool = False, formen: Mappenformen | None = None) -> tuple[Run, list[Document]]:
    """The documents of one Sitzung: Einladung, a Nachtrag (when items were added or withdrawn after
    the Einladung) and the full Mappe from the full project into the internal tree; Bekanntmachung,
    its Nachtrag (when public items were added or withdrawn) and public Mappe (no Mappen for a
    cancelled Sitzung) from the public projection into the public tree, or as drafts (``entwurf``)
    into the draft tree, never the public one. Einladung and Bekanntmachung show the agenda as sent
    and published, whatever was added since: a rebuild gives them byte for byte."""
    drafts = [r.vorlage.nummer for e in srec.all_tops() for r in e.records if r.vorlage.entwurf]
    if drafts and not entwurf:
        raise UserError(f"{srec.display}: Entwürfe auf der Tagesordnung ({', '.join(drafts)}); die endgültige "
                        "Mappe wird erst gebaut, wenn sie fertig sind (oder mit --entwurf als Entwurf)")
    assert not project.public and public.public
    public_srec = next(p for p in public.sitzungen if p.path == srec.path)
    gremium = project.ref.gremien[srec.sitzung.gremium]
    layout = get_layout(project.ref.koerperschaften[gremium.koerperschaft].layout, project.root)
    base = recipe.fingerprint(code_fingerprint(), project_fingerprint(project.root, layout))
    run = Run(project, public, public_srec, srec, layout, _epoch(project, srec), entwurf, out, base,
              formen=formen or Mappenformen(out))
    public_dir, internal_dir = folders(out, srec, entwurf)
    letters = sitzung_context(project, srec, layout)
    public_letters = sitzung_context(public, public_srec, layout)
    docs = [_letter(run, "Einladung", letters, internal_dir, ("docx", "pdf")),
            _letter(run, "Bekanntmachung", public_letters, public_dir, ("pdf",))]
    if letters.nachtraege:
        docs.append(_letter(run, "Nachtrag", letters, internal_dir, ("docx", "pdf")))
    if public_letters.nachtraege:
        docs.append(_letter(run, "Bekanntmachung-Nachtrag", public_letters, public_dir, ("pdf",)))
    if srec.sitzung.status != "abgesagt":
        for is_public, name in MAPPEN:
            docs.append(_mappe(run, is_public, (public_dir if is_public else internal_dir) / name,
                               public_letters if is_public else letters))
    return run, docs


def _letter(run: Run, name: str, ctx: SitzungContext, folder: Path, formats: tuple[str, ...]) -> Document:
    is_public = name.startswith("Bekanntmachung")
    title = ctx.w("dokumenttitel", dokument=ctx.w(TITEL[name]), gremium=ctx.gremium, datum=ctx.datum)
    inputs = _inputs(ctx, title, run.entwurf)
    template = name.lower().replace("-", "_")
    # the Einladung as sent and the Bekanntmachung as published are rebuilt byte for byte: they
    # carry their own date, not the commit's
    epoch = _sent_epoch(run.srec) if name in AS_SENT else run.epoch
    fp = recipe.fingerprint(run.base, name, ctx.as_dict(), inputs, epoch, is_public, run.entwurf, formats)
    show = "bekanntmachung" if is_public else template
    return Document(name, f"{template}.md.j2", show, run.layout, epoch, is_public, folder / name, formats,
                    run.srec.display, fp, lambda: Prepared(ctx.as_dict(), inputs, run.entwurf,
                    seite=(inputs["seite_a"], inputs["seite_b"], inputs["seite_c"]), stempel=inputs["entwurf_stempel"]))


def _drucksachen(srec: SitzungRecord, public: bool) -> list[Record]:
    """The Drucksachen a Mappe shows: those of every TOP not withdrawn, except imported ones. The
    public Mappe goes out before the session: it has no TOP the session moves into the public part."""
    return [r for e in srec.all_tops() if not e.abgesetzt and (e.oeffentlich or not public)
            for r in e.records if not r.vorlage.uebernommen]


def _mappe(run: Run, is_public: bool, target: Path, letters: SitzungContext) -> Document:
    """One Sitzungsmappe. Its fingerprint: what the Sitzung's letters show, each Drucksache's inputs
    (its record, Anlagen and what it shows of others, as its own output's fingerprint) and whether
    Ghostscript is there to make Anlagen PDF/A."""
    project, srec = (run.public, run.public_srec) if is_public else (run.project, run.srec)
    records = _drucksachen(srec, is_public)
    imported = [r.vorlage.model_dump(mode="json", include={"nummer", "betreff", "quelle"})  # their Trennblatt
                for e in srec.all_tops() if not e.abgesetzt and (e.oeffentlich or not is_public)
                for r in e.records if r.vorlage.uebernommen]
    fp = recipe.fingerprint(run.base, target.name, letters.as_dict(), run.epoch, run.entwurf,
                            [record_digest(r, project).hex() for r in records], bool(shutil.which("gs")), imported)
    return Document("Sitzungsmappe", "sitzungsmappe.md.j2", "mappe", run.layout, run.epoch, is_public, target,
                    ("pdf",), srec.display, fp, lambda: _prepare_mappe(run, is_public, target.name))


def _prepare_mappe(run: Run, is_public: bool, name: str) -> Prepared:
    """The Mappe's context with each Drucksache set as its own PDF and each Anlage ready to be drawn
    in; a warning is added when it cannot be PDF/A."""
    project, srec = (run.public, run.public_srec) if is_public else (run.project, run.srec)
    # the public Mappe is made from public things only: its Anlagen converted into the public cache
    # (the full Mappe reads public Anlagen converted there too: one conversion for both Mappen)
    cache = trees.public_cache_dir(run.out) if is_public else trees.cache_dir(run.out)
    public_cache = None if is_public else trees.public_cache_dir(run.out)
    prepare_all(_pdf_anlagen(srec, is_public, cache, public_cache), os.cpu_count() or 1)
    staging = engines.new_staging(run.layout)
    try:
        ctx = sitzung_context(project, srec, run.layout, mappe=MappeParts(cache, staging, public_cache))
        sources = _set_drucksachen(run, ctx, project)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    anlagen = {a.id: a for t in ctx.tops for d in t.dokumente for a in d.anlagen}
    not_pdfa = [a.position for a in anlagen.values() if a.art == "pdf" and not a.pdfa]  # never titles
    if not_pdfa:
        with run.lock:
            run.warnings.append(f"{name}.pdf: nicht PDF/A, weil Anlagen kein PDF/A sind und Ghostscript fehlt: "
                                + "; ".join(not_pdfa))
    title = ctx.w("mappe_titel_oeffentlich" if is_public else "mappe_titel_vollstaendig", gremium=ctx.gremium,
                  datum=ctx.datum)

    def assemble(pdf: bytes, placed: list[dict[str, object]]) -> bytes:
        placements = [Placement(str(p["id"]), int(str(p["seite"])), int(str(p["page"])), bool(p.get("ganz", False)))
                      for p in placed]
        # the full Mappe is drawn by the worker process (when both Mappen are made), side by side with
        # the public one drawn here; the same bytes either way
        drawn = run.drawer.merge(pdf, placements, sources) if run.drawer is not None and not is_public else None
        if drawn is None:
            cancel.check()  # the worker ended with a stopped run (Ctrl-C): not drawn here instead
            drawn = merge_pages(pdf, placements, sources)
        return drawn

    return Prepared(ctx.as_dict(), _inputs(ctx, title, run.entwurf), run.entwurf, staging=staging,
                    standards=() if not_pdfa else ("a-2b",), sources=sources, assemble=assemble,
                    cleanup=lambda: shutil.rmtree(staging, ignore_errors=True),
                    kept=(cache / "satz" / srec.slug / name, run.base))


def _pdf_anlagen(srec: SitzungRecord, public: bool, cache: Path, public_cache: Path | None
                 ) -> list[tuple[Path, str, Path]]:
    """The PDF Anlagen of every Drucksache in the Mappe, with how errors name them and the cache
    they are converted into."""
    found = []
    for record in _drucksachen(srec, public):
        for a in anlagen_info(record):
            if a.path.suffix.lower() == ".pdf":
                found.append((a.path, f"{record.display}: Anlage {a.nr} ({a.datei})",
                              cache_for(record, a.oeffentlich, cache, public_cache) / "pdfa"))
    return found


def _set_drucksachen(run: Run, ctx: SitzungContext, project: ProjectData) -> dict[str, bytes | Path]:
    """Each Drucksache's form for the Mappe (kept between runs, set where it changed) and page count,
    then the Mappe's contents and sheets; returns what is drawn into the placeholder pages, by id."""
    assert run.formen is not None
    twins = {} if project.public else {r.path: r for r in run.public.records}
    sources: dict[str, bytes | Path] = {}
    docs = [d for t in ctx.tops for d in t.dokumente if not d.trennblatt]  # an imported one: a Trennblatt
    # the full Mappe goes the other way round: both Mappen set different Drucksachen side by side and
    # meet in the middle, where the public forms are already set for the full one to take
    for doc in docs if project.public else reversed(docs):
        assert doc.record is not None
        twin = twins.get(doc.record.path)
        doc.pdf = run.formen.get(doc.record, project, (twin, run.public) if twin is not None else None)
        with pikepdf.open(io.BytesIO(doc.pdf)) as pdf:
            doc.seiten = len(pdf.pages)
    for doc in docs:
        sources[doc.id] = doc.pdf
        sources.update({a.id: a.pdf for a in doc.anlagen if a.pdf is not None})
    ctx.inhalt = inhalt(ctx.tops, ctx.w)
    ctx.blaetter = blaetter(ctx.tops, ctx.praefix, ctx.w)
    return sources


# --- writing ------------------------------------------------------------------------------------


def _render(doc: Document, formats: tuple[str, ...]) -> dict[str, bytes]:
    return recipe.render(doc, formats=formats)


def write_sitzungen(output: Output, project: Project, chosen: list[SitzungRecord], *, entwurf: bool = False,
                    public: PublicProject | None = None, complete: bool = False, force: bool = False
                    ) -> dict[Path, SitzungResult]:
    """Bring the documents of the Sitzungen ``chosen`` up to date; with ``complete`` (all Sitzungen
    chosen) the documents of Sitzungen that are gone are removed."""
    public = public if public is not None else public_project(project)
    results: dict[Path, SitzungResult] = {}
    everything: list[Document] = []
    runs: list[Run] = []
    formen = Mappenformen(output.out)
    both_due = False
    for srec in chosen:
        run, docs = plan_sitzung(project, public, srec, output.out, entwurf=entwurf, formen=formen)
        runs.append(run)
        everything.extend(docs)
        mappen = [d for d in docs if d.kind == "Sitzungsmappe"]
        both_due |= len(mappen) == 2 and all(force or not output.current(d.path("pdf"), d.fingerprint) for d in mappen)
    # started now, so that it is ready when the first Mappe is drawn; only when a Sitzung's two Mappen
    # are both made (one alone gains nothing from it)
    drawer = DrawingWorker() if both_due and (os.cpu_count() or 1) > 1 else None
    for run in runs:
        run.drawer = drawer
    # the public, draft and internal folders: a final run removes the drafts, a draft run the final forms
    scopes = {output.key(f) + "/" for srec in chosen for d in (False, True) for f in folders(output.out, srec, d)}
    try:
        made = make(output, everything, PLANNER, render=_render, force=force, jobs=min(3, os.cpu_count() or 1),
                    scope=(lambda _key: True) if complete else (lambda key: any(key.startswith(s) for s in scopes)))
    finally:
        if drawer is not None:
            drawer.close()
    engines.close_workers()
    if complete:
        _forget_gone(output.out, chosen)
    for run in runs:
        public_dir, internal_dir = folders(output.out, run.srec, entwurf)
        mine = [p for p in made.built if p.parent in (public_dir, internal_dir)]
        skipped = [p for p in made.skipped if p.parent in (public_dir, internal_dir)]
        order = [n for _, n in MAPPEN]
        warnings = sorted(run.warnings, key=lambda w: order.index(w.split(".pdf:", 1)[0]))
        results[run.srec.path] = SitzungResult(public_dir, internal_dir, mine, warnings, skipped)
    return results


def _forget_gone(out: Path, sitzungen: list[SitzungRecord]) -> None:
    """What the Mappen keep of Sitzungen and Drucksachen no longer on any agenda is removed (a clean
    build has none of it)."""
    names = {srec.slug for srec in sitzungen}
    shown = {(r.vorlage.koerperschaft, slug(r.vorlage.nummer)) for srec in sitzungen for r in _drucksachen(srec, False)}
    for cache in (trees.cache_dir(out), trees.public_cache_dir(out)):
        for folder in _folders(cache / "satz"):
            if folder.name not in names:
                shutil.rmtree(folder, ignore_errors=True)
        for body in _folders(cache / "mappe"):
            for folder in _folders(body):
                if (body.name, folder.name) not in shown:
                    shutil.rmtree(folder, ignore_errors=True)


def _folders(parent: Path) -> list[Path]:
    try:
        return sorted(p for p in parent.iterdir() if p.is_dir())
    except OSError:
        return []


def build_sitzung(project: Project, srec: SitzungRecord, out: Path, *, entwurf: bool = False,
                  public: PublicProject | None = None, force: bool = False) -> SitzungResult:
    """The documents of one Sitzung, made where not current (see :func:`plan_sitzung`)."""
    with open_output(out) as output:
        return write_sitzungen(output, project, [srec], entwurf=entwurf, public=public, force=force)[srec.path]


__all__ = ["Made", "SitzungResult", "build_sitzung", "plan_sitzung", "write_sitzungen"]
