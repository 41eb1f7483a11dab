"""Assembling a Sitzung's documents: Einladung (DOCX, PDF), Bekanntmachung (PDF) and the public and
the full Sitzungsmappe (PDF/A-2b, one typst document: cover, Tagesordnung as linked contents, a
separator page per TOP, each Drucksache in its layout, then its Anlagen)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import typst

from ...errors import UserError
from ...records import Project, SitzungRecord
from ...writing import write_atomic
from .. import engines
from ..docx_reference import reference_for
from ..layouts import Layout, get_layout
from ..markdown import render_markdown
from .anlagen import Placement, merge_anlagen
from .context import MappeParts, SitzungContext, sitzung_context, stand

EINLADUNG_MAIN = '#import "/layout.typ": *\n#import "/sitzung.typ": *\n#show: einladung\n'
BEKANNTMACHUNG_MAIN = '#import "/layout.typ": *\n#import "/sitzung.typ": *\n#show: bekanntmachung\n'
MAPPE_MAIN = '#import "/layout.typ": *\n#import "/sitzung.typ": *\n#show: mappe\n'
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
        epoch = int(dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.timezone.utc).timestamp())
    return epoch


def build_sitzung(project: Project, srec: SitzungRecord, out: Path, *, entwurf: bool = False) -> SitzungResult:
    """Write Einladung.docx/.pdf, Bekanntmachung.pdf and both Sitzungsmappen for one Sitzung."""
    drafts = [e.record.vorlage.nummer for e in srec.all_tops() if e.record is not None and e.record.vorlage.entwurf]
    if drafts and not entwurf:
        raise UserError(f"{srec.display}: Entwürfe auf der Tagesordnung ({', '.join(drafts)}); die endgültige "
                        "Mappe wird erst gebaut, wenn sie fertig sind (oder mit --entwurf als Entwurf)")
    gremium = project.ref.gremien[srec.sitzung.gremium]
    layout = get_layout(project.ref.koerperschaften[gremium.koerperschaft].layout, project.root)
    job = Job(project, srec, layout, _epoch(project, srec), entwurf, out / ".cache")
    warnings: list[str] = []
    results = _letters(job)
    for public, name in MAPPEN:
        results[name] = _mappe(job, public, name, warnings)
    folder = out / "sitzungen" / srec.slug
    files = []
    for fname, data in results.items():
        write_atomic(folder / fname, data)
        files.append(folder / fname)
    return SitzungResult(folder, files, warnings)


def _letters(job: Job) -> dict[str, bytes]:
    """Einladung (PDF, DOCX) from the full context, Bekanntmachung (PDF) from the public one."""
    display, epoch, layout = job.srec.display, job.epoch, job.layout
    results: dict[str, bytes] = {}
    letters = sitzung_context(job.project, job.srec, layout, public=None)
    md = render_markdown(layout, letters.as_dict(), "einladung.md.j2")
    title = f"Einladung: {letters.gremium} am {letters.datum}"
    results["Einladung.pdf"] = engines.typst_pdf(_typst_source(md, EINLADUNG_MAIN, epoch, display), layout,
                                                 _inputs(letters, title, job.entwurf), epoch, display)
    results["Einladung.docx"] = _docx(md, layout, epoch, display, job.entwurf)

    public_letters = sitzung_context(job.project, job.srec, layout, public=True)
    md = render_markdown(layout, public_letters.as_dict(), "bekanntmachung.md.j2")
    title = f"Bekanntmachung: {letters.gremium} am {letters.datum}"
    results["Bekanntmachung.pdf"] = engines.typst_pdf(
        _typst_source(md, BEKANNTMACHUNG_MAIN, epoch, display), layout,
        _inputs(public_letters, title, job.entwurf), epoch, display)
    return results


def _mappe(job: Job, public: bool, name: str, warnings: list[str]) -> bytes:
    """One Sitzungsmappe; a warning is added when it cannot be PDF/A."""
    staging = engines.new_staging(job.layout)
    try:
        ctx = sitzung_context(job.project, job.srec, job.layout, public=public,
                              mappe=MappeParts(job.cache, staging))
        anlagen = {a.id: a for t in ctx.tops for a in t.anlagen}
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
        return merge_anlagen(pdf, placements, anlagen) if placements else pdf
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _compile_mappe(source: str, layout: Layout, staging: Path, inputs: dict[str, str], epoch: int, display: str,
                   standards: list[str]) -> tuple[bytes, list[Placement]]:
    try:
        main = staging / "__mappe__.typ"
        main.write_text(source, encoding="utf-8")
        compiler = typst.Compiler(str(main), root=str(staging),
                                  font_paths=engines.typst_fonts(engines.project_fonts(layout)), sys_inputs=inputs)
        pdf, warnings = compiler.compile_with_warnings(format="pdf", pdf_standards=standards, timestamp=epoch)
        engines.refuse_warnings(warnings, display)
        found = json.loads(compiler.query("<vg-anlage>", field="value"))
    except (typst.TypstError, RuntimeError) as exc:
        raise engines.typst_failure(exc, display) from None
    assert isinstance(pdf, bytes)
    placements = [Placement(str(p["id"]), int(p["seite"]), int(p["page"])) for p in found]
    return pdf, placements
