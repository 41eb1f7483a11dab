"""Assembling a Sitzung's documents: Einladung (DOCX, PDF), Bekanntmachung (PDF), a Nachtrag zur
Tagesordnung (DOCX, PDF) when items were added after the Einladung, and the public and the full
Sitzungsmappe (PDF/A-2b, one typst document: cover, the Tagesordnung as linked contents, then each
Drucksache as its own PDF, exactly as ``build`` sets it, followed by its Anlagen)."""

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

from ...errors import UserError
from ...records import Project, Record, SitzungRecord
from ...writing import write_atomic
from .. import engines
from ..build import TYPST_MAIN, epoch_of, inputs_for_typst
from ..context import anlagen_info, build_context
from ..docx_reference import reference_for
from ..layouts import Layout, get_layout
from ..markdown import render_markdown
from .anlagen import Placement, merge_pages, prepare_all
from .blaetter import blaetter, inhalt
from .context import MappeParts, SitzungContext, sitzung_context, stand

# Letters import the shared functions first, so that the layout's own definitions win.
LETTER_MAIN = '#import "/sitzung.typ": *\n#import "/layout.typ": *\n#show: {}\n'
# The Mappe shows each Drucksache as its own PDF; it needs none of the layout's functions.
MAPPE_MAIN = '#import "/sitzung.typ": *\n#show: mappe\n'
TITEL = {"Einladung": "Einladung", "Bekanntmachung": "Bekanntmachung", "Nachtrag": "Nachtrag zur Tagesordnung"}
MAPPEN = ((True, "Sitzungsmappe-oeffentlich.pdf"), (False, "Sitzungsmappe-vollstaendig.pdf"))


@dataclass
class SitzungResult:
    folder: Path
    files: list[Path]
    warnings: list[str]


@dataclass(frozen=True)
class Job:
    """What every document of one Sitzung shares."""

    project: Project
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
        "titel": title, "betreff": title, "nummer": ctx.sitzung.nummer, "art": title,
        "autor": k.name, "koerperschaft": k.name, "gremium": ctx.gremium, "datum": ctx.datum,
        "beschreibung": f"{ctx.gremium}, Sitzung {ctx.sitzung.nummer} am {ctx.datum}",
        "entwurf": "ja" if entwurf else "nein", "status": "",
        "fusszeile": f"{ctx.gremium} · Sitzung {ctx.sitzung.nummer} am {ctx.datum}",
    }


def _typst_source(markdown: str, main: str, epoch: int, display: str) -> str:
    return main + engines.pandoc_convert(markdown, "typst", epoch, display).decode("utf-8")


def _docx(markdown: str, layout: Layout, epoch: int, display: str, entwurf: bool) -> bytes:
    return engines.pandoc_convert(markdown, "docx", epoch, display, reference_for(layout, entwurf))


def _epoch(project: Project, srec: SitzungRecord) -> int:
    """The time the documents carry: the commit's (or SOURCE_DATE_EPOCH), else noon of the Einladung."""
    _, epoch = stand(project.root)
    if not epoch:
        d = srec.sitzung.einladungsdatum or srec.sitzung.datum
        epoch = int(dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.UTC).timestamp())
    return epoch


def build_sitzung(project: Project, srec: SitzungRecord, out: Path, *, entwurf: bool = False) -> SitzungResult:
    """Write Einladung.docx/.pdf, Bekanntmachung.pdf, a Nachtrag (when items were added after the
    Einladung) and both Sitzungsmappen (not for a cancelled Sitzung) for one Sitzung."""
    drafts = [r.vorlage.nummer for e in srec.all_tops() for r in e.records if r.vorlage.entwurf]
    if drafts and not entwurf:
        raise UserError(f"{srec.display}: Entwürfe auf der Tagesordnung ({', '.join(drafts)}); die endgültige "
                        "Mappe wird erst gebaut, wenn sie fertig sind (oder mit --entwurf als Entwurf)")
    gremium = project.ref.gremien[srec.sitzung.gremium]
    layout = get_layout(project.ref.koerperschaften[gremium.koerperschaft].layout, project.root)
    job = Job(project, srec, layout, _epoch(project, srec), entwurf, out / ".cache")
    warnings: list[str] = []
    results = _render_all(job, warnings)
    folder = out / "sitzungen" / srec.slug
    files = []
    for fname, data in results.items():
        write_atomic(folder / fname, data)
        files.append(folder / fname)
    return SitzungResult(folder, files, warnings)


def _render_all(job: Job, warnings: list[str]) -> dict[str, bytes]:
    """The letters and (unless the Sitzung is cancelled) both Mappen. What both Mappen share is
    prepared first, side by side: PDF/A Anlagen and each Drucksache's own PDF. Then the letters and
    the two Mappen, each on its own thread (pandoc per thread, typst releases the GIL); the results
    do not depend on the order."""
    jobs = os.cpu_count() or 1
    mappen_wanted = MAPPEN if job.srec.sitzung.status != "abgesagt" else ()
    try:
        if mappen_wanted:
            prepare_all(_pdf_anlagen(job.srec), job.cache / "pdfa", jobs)
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


def _variant(r: Record, public: bool) -> tuple[str, bool]:
    """Which own PDF of a Drucksache a Mappe needs: the public Mappe one without the titles of
    non-public Anlagen, if there are any; otherwise both Mappen share one."""
    return str(r.path), public and any(not a.oeffentlich for a in r.vorlage.anlagen)


def _prepare_drucksachen(job: Job, jobs: int) -> None:
    """Each Drucksache's own PDF in the variants the two Mappen need, set side by side."""
    todo: dict[tuple[str, bool], Record] = {}
    for r in _drucksachen(job.srec):
        for public in (False, r.vorlage.oeffentlich):
            todo.setdefault(_variant(r, public), r)
    with ThreadPoolExecutor(max_workers=min(4, jobs)) as pool:
        done = pool.map(lambda k: drucksache_pdf(job.project, todo[k], k[1]), list(todo))
        job.pdfs.update(zip(list(todo), done, strict=True))


def _letters(job: Job) -> dict[str, bytes]:
    """Einladung (PDF, DOCX) from the full context, Bekanntmachung (PDF) from the public one and,
    when items were added after the Einladung, the Nachtrag (PDF, DOCX)."""
    display, epoch, layout = job.srec.display, job.epoch, job.layout
    results: dict[str, bytes] = {}
    letters = sitzung_context(job.project, job.srec, layout, public=None)
    public_letters = sitzung_context(job.project, job.srec, layout, public=True)
    docs = [("Einladung", letters, "einladung", True), ("Bekanntmachung", public_letters, "bekanntmachung", False)]
    if letters.nachtraege:
        docs.append(("Nachtrag", letters, "nachtrag", True))
    for name, ctx, template, with_docx in docs:
        md = render_markdown(layout, ctx.as_dict(), f"{template}.md.j2")
        title = f"{TITEL[name]}: {ctx.gremium} am {ctx.datum}"
        source = _typst_source(md, LETTER_MAIN.format(template), epoch, display)
        results[f"{name}.pdf"] = engines.typst_pdf(source, layout, _inputs(ctx, title, job.entwurf), epoch, display)
        if with_docx:
            results[f"{name}.docx"] = _docx(md, layout, epoch, display, job.entwurf)
    return results


def drucksache_pdf(project: Project, record: Record, public: bool) -> bytes:
    """The Drucksache's own PDF, exactly as ``build`` sets it; for a public Mappe without the titles of
    its non-public Anlagen (their numbers stay, so the list and the Anlagen's headings still match)."""
    layout = get_layout(project.ref.koerperschaften[record.vorlage.koerperschaft].layout, project.root)
    ctx = build_context(record, project.ref, project.betreffs)
    if public:
        ctx.anlagen = [a for a in ctx.anlagen if a.oeffentlich]
    epoch = epoch_of(record)
    body = engines.pandoc_convert(render_markdown(layout, ctx.as_dict()), "typst", epoch, record.display)
    return engines.typst_pdf(TYPST_MAIN + body.decode("utf-8"), layout, inputs_for_typst(ctx), epoch, record.display)


def _mappe(job: Job, public: bool, name: str, warnings: list[str]) -> bytes:
    """One Sitzungsmappe; a warning is added when it cannot be PDF/A."""
    staging = engines.new_staging(job.layout)
    try:
        ctx = sitzung_context(job.project, job.srec, job.layout, public=public,
                              mappe=MappeParts(job.cache, staging))
        sources = _set_drucksachen(job, ctx, public)
        anlagen = {a.id: a for t in ctx.tops for d in t.dokumente for a in d.anlagen}
        not_pdfa = [a.ueberschrift for a in anlagen.values() if a.art == "pdf" and not a.pdfa]
        md = render_markdown(job.layout, ctx.as_dict(), "sitzungsmappe.md.j2")
        source = _typst_source(md, MAPPE_MAIN, job.epoch, job.srec.display)
        title = f"Sitzungsmappe ({'öffentlich' if public else 'vollständig'}): {ctx.gremium} am {ctx.datum}"
        standards = [] if not_pdfa else ["a-2b"]
        if not_pdfa:
            warnings.append(f"{name}: nicht PDF/A, weil Anlagen kein PDF/A sind und Ghostscript fehlt: "
                            + "; ".join(not_pdfa))
        pdf, placements = _compile_mappe(source, job.layout, staging, _inputs(ctx, title, job.entwurf),
                                         job.epoch, job.srec.display, standards)
        return merge_pages(pdf, placements, sources) if placements else pdf
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _set_drucksachen(job: Job, ctx: SitzungContext, public: bool) -> dict[str, bytes | Path]:
    """Each Drucksache's own PDF (prepared for the run) and page count, then the Mappe's contents
    and sheets; returns what is drawn into the placeholder pages, by id."""
    sources: dict[str, bytes | Path] = {}
    for doc in (d for t in ctx.tops for d in t.dokumente):
        assert doc.record is not None
        key = _variant(doc.record, public)
        if key not in job.pdfs:  # a Mappe built on its own
            job.pdfs[key] = drucksache_pdf(job.project, doc.record, key[1])
        doc.pdf = job.pdfs[key]
        with pikepdf.open(io.BytesIO(doc.pdf)) as pdf:
            doc.seiten = len(pdf.pages)
        sources[doc.id] = doc.pdf
        sources.update({a.id: a.pdf for a in doc.anlagen if a.pdf is not None})
    ctx.inhalt = inhalt(ctx.tops)
    ctx.blaetter = blaetter(ctx.tops, ctx.praefix)
    return sources


def _compile_mappe(source: str, layout: Layout, staging: Path, inputs: dict[str, str], epoch: int, display: str,
                   standards: list[str]) -> tuple[bytes, list[Placement]]:
    try:
        main = staging / "__mappe__.typ"
        main.write_text(source, encoding="utf-8")
        compiler = typst.Compiler(str(main), root=str(staging),
                                  font_paths=engines.typst_fonts(engines.project_fonts(layout)), sys_inputs=inputs)
        pdf, warnings = compiler.compile_with_warnings(format="pdf", pdf_standards=cast(Any, standards),
                                                        timestamp=epoch)
        engines.refuse_warnings(warnings, display)
        found = json.loads(compiler.query("<vg-anlage>", field="value"))
    except (typst.TypstError, RuntimeError) as exc:
        raise engines.typst_failure(exc, display) from None
    assert isinstance(pdf, bytes)
    placements = [Placement(str(p["id"]), int(p["seite"]), int(p["page"]), bool(p.get("ganz", False)))
                  for p in found]
    return pdf, placements
