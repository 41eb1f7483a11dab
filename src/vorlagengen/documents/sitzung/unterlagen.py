"""Assembling a Sitzung's documents: Einladung (DOCX, PDF), Bekanntmachung (PDF), a Nachtrag zur
Tagesordnung (DOCX, PDF) and a public Nachtrag zur Bekanntmachung (PDF) when items were added or
withdrawn after the Einladung, and the public and the full
Sitzungsmappe (PDF/A-2b, one typst document: cover, the Tagesordnung as linked contents, then each
Drucksache as its own PDF, exactly as ``build`` sets it, followed by its Anlagen).

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

import vorlagengen.documents.engines as engines
import vorlagengen.documents.recipe as recipe
import vorlagengen.documents.trees as trees
from vorlagengen.documents.context import anlagen_info, sitzung_name
from vorlagengen.documents.drucksache import code_fingerprint, drucksache, project_fingerprint, record_digest
from vorlagengen.documents.layouts import Layout, get_layout
from vorlagengen.documents.output import Made, Output, make, open_output
from vorlagengen.documents.recipe import Document, Prepared
from vorlagengen.documents.sitzung.anlagen import Placement, merge_pages, prepare_all
from vorlagengen.documents.sitzung.blaetter import blaetter, inhalt
from vorlagengen.documents.sitzung.context import MappeParts, SitzungContext, sitzung_context
from vorlagengen.documents.stand import stand
from vorlagengen.documents.woerter import page_words
from vorlagengen.errors import UserError
from vorlagengen.model.records import Project, ProjectData, PublicProject, Record, SitzungRecord
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
    # Drucksachen PDFs set in this run: both Mappen share one unless the public one leaves out
    # non-public Anlagen
    pdfs: dict[tuple[str, bool], bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    output: Output | None = None  # the build folder's manifest: a Drucksache's PDF set by build is read


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
        "kopf": w("mappe_kopf", gremium=ctx.gremium, datum=ctx.datum),
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
                 entwurf: bool = False, output: Output | None = None) -> tuple[Run, list[Document]]:
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
    run = Run(project, public, public_srec, srec, layout, _epoch(project, srec), entwurf, out, base, output=output)
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
    cache = trees.cache_dir(run.out)
    prepare_all(_pdf_anlagen(srec, is_public), cache / "pdfa", os.cpu_count() or 1)
    staging = engines.new_staging(run.layout)
    try:
        ctx = sitzung_context(project, srec, run.layout, mappe=MappeParts(cache, staging))
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
        return merge_pages(pdf, placements, sources)

    return Prepared(ctx.as_dict(), _inputs(ctx, title, run.entwurf), run.entwurf, staging=staging,
                    standards=() if not_pdfa else ("a-2b",), sources=sources, assemble=assemble,
                    cleanup=lambda: shutil.rmtree(staging, ignore_errors=True))


def _pdf_anlagen(srec: SitzungRecord, public: bool) -> list[tuple[Path, str]]:
    """The PDF Anlagen of every Drucksache in the Mappe, with how errors name them."""
    found = []
    for record in _drucksachen(srec, public):
        for a in anlagen_info(record):
            if a.path.suffix.lower() == ".pdf":
                found.append((a.path, f"{record.display}: Anlage {a.nr} ({a.datei})"))
    return found


def drucksache_pdf(project: ProjectData, record: Record) -> bytes:
    """The Drucksache's own PDF as ``build`` sets it in the tree ``project`` stands for (the public
    projection gives its public form), but without its own page counter: in the Mappe the Mappe's
    header counts the pages."""
    layout = get_layout(project.ref.koerperschaften[record.vorlage.koerperschaft].layout, project.root)
    doc = drucksache(record, project, layout, Path("."), ("pdf",))
    prep = doc.prepare()
    prep.inputs["seitenzahl"] = "nein"
    return recipe.render(doc, prep, ("pdf",))["pdf"]


def _set_drucksachen(run: Run, ctx: SitzungContext, project: ProjectData) -> dict[str, bytes | Path]:
    """Each Drucksache's own PDF (set once per run) and page count, then the Mappe's contents and
    sheets; returns what is drawn into the placeholder pages, by id."""
    sources: dict[str, bytes | Path] = {}
    for doc in (d for t in ctx.tops for d in t.dokumente if not d.trennblatt):  # an imported one: a Trennblatt
        assert doc.record is not None
        key = (str(doc.record.path), project.public)
        with run.lock:
            known = run.pdfs.get(key)
        if known is None:
            known = drucksache_pdf(project, doc.record)
            with run.lock:
                run.pdfs[key] = known
        doc.pdf = known
        with pikepdf.open(io.BytesIO(doc.pdf)) as pdf:
            doc.seiten = len(pdf.pages)
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
    for srec in chosen:
        run, docs = plan_sitzung(project, public, srec, output.out, entwurf=entwurf, output=output)
        runs.append(run)
        everything.extend(docs)
    # the public, draft and internal folders: a final run removes the drafts, a draft run the final forms
    scopes = {output.key(f) + "/" for srec in chosen for d in (False, True) for f in folders(output.out, srec, d)}
    made = make(output, everything, PLANNER, render=_render, force=force, jobs=min(3, os.cpu_count() or 1),
                scope=(lambda _key: True) if complete else (lambda key: any(key.startswith(s) for s in scopes)))
    engines.close_workers()
    for run in runs:
        public_dir, internal_dir = folders(output.out, run.srec, entwurf)
        mine = [p for p in made.built if p.parent in (public_dir, internal_dir)]
        skipped = [p for p in made.skipped if p.parent in (public_dir, internal_dir)]
        order = [n for _, n in MAPPEN]
        warnings = sorted(run.warnings, key=lambda w: order.index(w.split(".pdf:", 1)[0]))
        results[run.srec.path] = SitzungResult(public_dir, internal_dir, mine, warnings, skipped)
    return results


def build_sitzung(project: Project, srec: SitzungRecord, out: Path, *, entwurf: bool = False,
                  public: PublicProject | None = None, force: bool = False) -> SitzungResult:
    """The documents of one Sitzung, made where not current (see :func:`plan_sitzung`)."""
    with open_output(out) as output:
        return write_sitzungen(output, project, [srec], entwurf=entwurf, public=public, force=force)[srec.path]


__all__ = ["Made", "SitzungResult", "build_sitzung", "plan_sitzung", "write_sitzungen"]
