"""Assembling a Sitzung's documents: Einladung (DOCX, PDF), Bekanntmachung (PDF), a Nachtrag zur
Tagesordnung (DOCX, PDF) when items were added after the Einladung, and the public and the full
Sitzungsmappe (PDF/A-2b, one typst document: cover, the Tagesordnung as linked contents, then each
Drucksache as its own PDF, exactly as ``build`` sets it, followed by its Anlagen).

Bekanntmachung and public Mappe are made from the public projection (a ``PublicProject``, public.py)
only and written to the public tree, or, made as drafts (``--entwurf``), to the draft tree;
Einladung, Nachtrag and full Mappe from the full project into the internal tree (trees.py)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pikepdf
import typst

from ... import trees
from ...errors import UserError
from ...public import public_project
from ...records import Project, ProjectData, PublicProject, Record, SitzungRecord
from ...stand import stand
from ...writing import write_atomic
from .. import engines
from ..build import convert, prepare
from ..context import anlagen_info
from ..docx_reference import reference_for
from ..layouts import Layout, get_layout
from ..markdown import render_markdown
from .anlagen import Placement, merge_pages, prepare_all
from .blaetter import blaetter, inhalt
from .context import MappeParts, SitzungContext, sitzung_context

# Letters import the shared functions first, so that the layout's own definitions win.
LETTER_MAIN = '#import "/sitzung.typ": *\n#import "/layout.typ": *\n#show: {}\n'
# The Mappe shows each Drucksache as its own PDF; it needs none of the layout's functions.
MAPPE_MAIN = '#import "/sitzung.typ": *\n#show: mappe\n'
TITEL = {"Einladung": "Einladung", "Bekanntmachung": "Bekanntmachung", "Nachtrag": "Nachtrag zur Tagesordnung"}
MAPPEN = ((True, "Sitzungsmappe-oeffentlich.pdf"), (False, "Sitzungsmappe-vollstaendig.pdf"))
PUBLIC_FILES = {"Bekanntmachung.pdf", "Sitzungsmappe-oeffentlich.pdf"}  # the rest goes to the internal tree


@dataclass
class SitzungResult:
    folder: Path  # the public documents (trees.PUBLIC; trees.DRAFT for drafts)
    internal_folder: Path  # Einladung, Nachtrag and full Mappe (trees.INTERNAL)
    files: list[Path]
    warnings: list[str]


@dataclass(frozen=True)
class Job:
    """What every document of one Sitzung shares: ``project`` is the full project, ``public`` its
    public projection with ``public_srec`` the Sitzung as the projection holds it."""

    project: Project
    public: PublicProject
    public_srec: SitzungRecord
    srec: SitzungRecord
    layout: Layout
    epoch: int
    entwurf: bool
    cache: Path
    # Drucksachen PDFs already set in this run: both Mappen share one unless the public one leaves out
    # non-public Anlagen
    pdfs: dict[tuple[str, bool], bytes] = field(default_factory=dict)


def _inputs(ctx: SitzungContext, title: str, entwurf: bool) -> dict[str, str]:
    k = ctx.koerperschaft
    return {
        "vermerk": ctx.vermerk,
        "titel": title, "betreff": title, "nummer": ctx.sitzung.nummer, "art": title,
        "autor": k.name, "koerperschaft": k.name, "gremium": ctx.gremium, "datum": ctx.datum,
        "beschreibung": f"{ctx.gremium}, Sitzung {ctx.sitzung.nummer} am {ctx.datum}",
        "entwurf": "ja" if entwurf else "nein", "status": "",
        "fusszeile": f"{ctx.gremium} · Sitzung {ctx.sitzung.nummer} am {ctx.datum}",
    }


def _typst_source(markdown: str, main: str, epoch: int, display: str, public: bool) -> str:
    return main + engines.pandoc_convert(markdown, "typst", epoch, display, public=public).decode("utf-8")


def _docx(markdown: str, layout: Layout, epoch: int, display: str, entwurf: bool) -> bytes:
    return engines.pandoc_convert(markdown, "docx", epoch, display, reference_for(layout, entwurf), public=False)


def _epoch(project: ProjectData, srec: SitzungRecord) -> int:
    """The time the documents carry: the commit's (or SOURCE_DATE_EPOCH), else noon of the Einladung."""
    _, epoch = stand(project.root)
    if not epoch:
        d = srec.sitzung.einladungsdatum or srec.sitzung.datum
        epoch = int(dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.UTC).timestamp())
    return epoch


def _sent_epoch(srec: SitzungRecord) -> int:
    """Noon of the Einladung's day: the time an Einladung carries, whatever was committed since."""
    d = srec.sitzung.einladungsdatum or srec.sitzung.datum
    return int(dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.UTC).timestamp())


def build_sitzung(project: Project, srec: SitzungRecord, out: Path, *, entwurf: bool = False,
                  public: PublicProject | None = None) -> SitzungResult:
    """Einladung, a Nachtrag (when items were added after the Einladung) and the full Mappe from the
    full project into the internal tree; Bekanntmachung and public Mappe (no Mappen for a cancelled
    Sitzung) from the public projection (``public``, made here if not given) into the public tree,
    or as drafts (``entwurf``) into the draft tree, never the public one."""
    drafts = [r.vorlage.nummer for e in srec.all_tops() for r in e.records if r.vorlage.entwurf]
    if drafts and not entwurf:
        raise UserError(f"{srec.display}: Entwürfe auf der Tagesordnung ({', '.join(drafts)}); die endgültige "
                        "Mappe wird erst gebaut, wenn sie fertig sind (oder mit --entwurf als Entwurf)")
    public = public if public is not None else public_project(project)
    public_srec = next(p for p in public.sitzungen if p.path == srec.path)
    gremium = project.ref.gremien[srec.sitzung.gremium]
    layout = get_layout(project.ref.koerperschaften[gremium.koerperschaft].layout, project.root)
    job = Job(project, public, public_srec, srec, layout, _epoch(project, srec), entwurf, trees.cache_dir(out))
    warnings: list[str] = []
    results = _render_all(job, warnings)
    draft_folder = trees.draft_dir(out) / "sitzungen" / srec.slug
    folders = (draft_folder if entwurf else trees.public_dir(out) / "sitzungen" / srec.slug,
               trees.internal_dir(out) / "sitzungen" / srec.slug)
    files = []
    for fname, data in results.items():
        folder = folders[0] if fname in PUBLIC_FILES else folders[1]
        write_atomic(folder / fname, data)
        files.append(folder / fname)
    if not entwurf:  # the final documents replace the drafts
        for fname in PUBLIC_FILES:
            (draft_folder / fname).unlink(missing_ok=True)
        _remove_empty(draft_folder, trees.draft_dir(out))
    return SitzungResult(folders[0], folders[1], files, warnings)


def _remove_empty(folder: Path, top: Path) -> None:
    """Remove ``folder`` and its parents up to ``top`` (included) while they are empty."""
    while folder.is_relative_to(top) and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _render_all(job: Job, warnings: list[str]) -> dict[str, bytes]:
    """The letters and (unless the Sitzung is cancelled) both Mappen. What both Mappen share is
    prepared first, side by side: PDF/A Anlagen and each Drucksache's own PDF. Then the letters and
    the two Mappen, each on its own thread (pandoc per thread, typst releases the GIL); the results
    do not depend on the order."""
    jobs = os.cpu_count() or 1
    mappen_wanted = MAPPEN if job.srec.sitzung.status != "abgesagt" else ()
    try:
        if mappen_wanted:
            prepare_all(_pdf_anlagen(job.srec), job.cache / "pdfa", jobs)  # the full project's: a superset
            _prepare_drucksachen(job, jobs)
        with ThreadPoolExecutor(max_workers=min(3, jobs)) as pool:
            letters = pool.submit(_letters, job)
            mappen = {name: pool.submit(_mappe, job, public, name, warnings) for public, name in mappen_wanted}
            results = letters.result()
            for name, future in mappen.items():
                results[name] = future.result()
    finally:
        engines.close_workers()  # the pools' threads are gone; so go their pandoc processes
    warnings.sort(key=lambda w: [n for _, n in MAPPEN].index(w.split(":", 1)[0]))
    return results


def _pdf_anlagen(srec: SitzungRecord) -> list[tuple[Path, str]]:
    """The PDF Anlagen of every Drucksache on the Tagesordnung, with how errors name them."""
    found = []
    for record in _drucksachen(srec):
        for a in anlagen_info(record):
            if a.path.suffix.lower() == ".pdf":
                found.append((a.path, f"{record.display}: Anlage {a.nr} ({a.datei})"))
    return found


def _drucksachen(srec: SitzungRecord) -> list[Record]:
    """The Drucksachen a Mappe shows: those of every TOP not withdrawn, except imported ones."""
    return [r for e in srec.all_tops() if not e.abgesetzt for r in e.records if not r.vorlage.uebernommen]


def _prepare_drucksachen(job: Job, jobs: int) -> None:
    """Each Drucksache's own PDF in the forms the two Mappen need, set side by side: the internal
    one from the full project, the public one from the projection."""
    todo: dict[tuple[str, bool], tuple[ProjectData, Record]] = {}
    for r in _drucksachen(job.srec):
        todo.setdefault((str(r.path), False), (job.project, r))
    for r in _drucksachen(job.public_srec):
        todo.setdefault((str(r.path), True), (job.public, r))
    with ThreadPoolExecutor(max_workers=min(4, jobs)) as pool:
        done = pool.map(lambda k: drucksache_pdf(*todo[k]), list(todo))
        job.pdfs.update(zip(list(todo), done, strict=True))


def _letters(job: Job) -> dict[str, bytes]:
    """Einladung (PDF, DOCX) and, when items were added after the Einladung, the Nachtrag (PDF, DOCX)
    from the full project; the Bekanntmachung (PDF) from the public projection."""
    display, epoch, layout = job.srec.display, job.epoch, job.layout
    results: dict[str, bytes] = {}
    letters = sitzung_context(job.project, job.srec, layout)
    public_letters = sitzung_context(job.public, job.public_srec, layout)
    docs = [("Einladung", letters, "einladung", True), ("Bekanntmachung", public_letters, "bekanntmachung", False)]
    if letters.nachtraege:
        docs.append(("Nachtrag", letters, "nachtrag", True))
    for name, ctx, template, with_docx in docs:
        md = render_markdown(layout, ctx.as_dict(), f"{template}.md.j2")
        title = f"{TITEL[name]}: {ctx.gremium} am {ctx.datum}"
        # the Einladung as sent is rebuilt byte for byte: it carries its own date, not the commit's
        when = _sent_epoch(job.srec) if name == "Einladung" else epoch
        source = _typst_source(md, LETTER_MAIN.format(template), when, display, public=name == "Bekanntmachung")
        results[f"{name}.pdf"] = engines.typst_pdf(source, layout, _inputs(ctx, title, job.entwurf), when, display)
        if with_docx:
            results[f"{name}.docx"] = _docx(md, layout, when, display, job.entwurf)
    return results


def drucksache_pdf(project: ProjectData, record: Record) -> bytes:
    """The Drucksache's own PDF as ``build`` sets it in the tree ``project`` stands for (the public
    projection gives its public form), but without its own page counter: in the Mappe the Mappe's
    header counts the pages."""
    layout = get_layout(project.ref.koerperschaften[record.vorlage.koerperschaft].layout, project.root)
    prepared = prepare(record, project, layout)
    prepared.inputs["seitenzahl"] = "nein"
    return convert(prepared, layout, ["pdf"])["pdf"]


def _mappe(job: Job, public: bool, name: str, warnings: list[str]) -> bytes:
    """One Sitzungsmappe; a warning is added when it cannot be PDF/A."""
    project: ProjectData = job.public if public else job.project
    srec = job.public_srec if public else job.srec
    staging = engines.new_staging(job.layout)
    try:
        ctx = sitzung_context(project, srec, job.layout, mappe=MappeParts(job.cache, staging))
        sources = _set_drucksachen(job, ctx, project)
        anlagen = {a.id: a for t in ctx.tops for d in t.dokumente for a in d.anlagen}
        not_pdfa = [a.position for a in anlagen.values() if a.art == "pdf" and not a.pdfa]  # never titles
        md = render_markdown(job.layout, ctx.as_dict(), "sitzungsmappe.md.j2")
        source = _typst_source(md, MAPPE_MAIN, job.epoch, job.srec.display, public)
        title = f"Sitzungsmappe ({'öffentlich' if public else 'vollständig'}): {ctx.gremium} am {ctx.datum}"
        standards: list[typst.PDFStandard] = [] if not_pdfa else ["a-2b"]
        if not_pdfa:
            warnings.append(f"{name}: nicht PDF/A, weil Anlagen kein PDF/A sind und Ghostscript fehlt: "
                            + "; ".join(not_pdfa))
        pdf, placements = _compile_mappe(source, job.layout, staging, _inputs(ctx, title, job.entwurf),
                                         job.epoch, job.srec.display, standards)
        return merge_pages(pdf, placements, sources) if placements else pdf
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _set_drucksachen(job: Job, ctx: SitzungContext, project: ProjectData) -> dict[str, bytes | Path]:
    """Each Drucksache's own PDF (prepared for the run) and page count, then the Mappe's contents
    and sheets; returns what is drawn into the placeholder pages, by id."""
    sources: dict[str, bytes | Path] = {}
    for doc in (d for t in ctx.tops for d in t.dokumente):
        assert doc.record is not None
        key = (str(doc.record.path), project.public)
        if key not in job.pdfs:  # a Mappe built on its own
            job.pdfs[key] = drucksache_pdf(project, doc.record)
        doc.pdf = job.pdfs[key]
        with pikepdf.open(io.BytesIO(doc.pdf)) as pdf:
            doc.seiten = len(pdf.pages)
        sources[doc.id] = doc.pdf
        sources.update({a.id: a.pdf for a in doc.anlagen if a.pdf is not None})
    ctx.inhalt = inhalt(ctx.tops)
    ctx.blaetter = blaetter(ctx.tops, ctx.praefix)
    return sources


def _compile_mappe(source: str, layout: Layout, staging: Path, inputs: dict[str, str], epoch: int, display: str,
                   standards: list[typst.PDFStandard]) -> tuple[bytes, list[Placement]]:
    try:
        main = staging / "__mappe__.typ"
        main.write_text(source, encoding="utf-8")
        compiler = typst.Compiler(str(main), root=str(staging),
                                  font_paths=engines.typst_fonts(engines.project_fonts(layout)), sys_inputs=inputs)
        pdf, warnings = compiler.compile_with_warnings(format="pdf", pdf_standards=cast(Any, standards),
                                                        timestamp=epoch)
        engines.refuse_warnings(warnings, display, layout)
        found = json.loads(compiler.query("<vg-anlage>", field="value"))
    except (typst.TypstError, RuntimeError) as exc:
        raise engines.typst_failure(exc, display) from None
    assert isinstance(pdf, bytes)
    placements = [Placement(str(p["id"]), int(p["seite"]), int(p["page"]), bool(p.get("ganz", False)))
                  for p in found]
    return pdf, placements
