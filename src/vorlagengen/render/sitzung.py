"""A Sitzung's documents: Einladung (DOCX, PDF), Bekanntmachung (PDF) and the public and the full
Sitzungsmappe (PDF/A-2b).

The Mappe is one typst document: cover, Tagesordnung as linked contents, a separator page per TOP,
each Drucksache in its layout, then its Anlagen. Images are placed by typst; a PDF Anlage gets as
many framed placeholder pages as it has pages, and after typst its pages are drawn into those
frames with pikepdf, so that page numbers, contents and bookmarks run through the whole Mappe.
typst cannot embed PDFs in PDF/A mode, which is why this happens afterwards.

The public Mappe is built from a context that never contains anything non-public: what is not
there cannot leak into a page, a bookmark, the contents or the metadata.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ToolError, UserError
from ..project import Project
from ..sitzung import SitzungRecord
from ..stand import stand
from ..writing import write_atomic
from . import engines
from .context import PersonInfo, anlagen_info, build_context, datum
from .layouts import Layout, get_layout
from .markdown import render_markdown

WOCHENTAGE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
OFFICE_TYPES = {".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp"}
CM = 72 / 2.54
# where vg-anlage-pdf in sitzung.typ draws its frame (PDF points, origin bottom left)
FRAME = (2.5 * CM, 2.2 * CM, (21.0 - 2.0) * CM, 26.4 * CM)

EINLADUNG_MAIN = '#import "/layout.typ": *\n#import "/sitzung.typ": *\n#show: einladung\n'
BEKANNTMACHUNG_MAIN = '#import "/layout.typ": *\n#import "/sitzung.typ": *\n#show: bekanntmachung\n'
MAPPE_MAIN = '#import "/layout.typ": *\n#import "/sitzung.typ": *\n#show: mappe\n'


@dataclass
class AnlageSeiten:
    id: str
    art: str  # pdf, bild, hinweis
    ueberschrift: str
    oeffentlich: bool
    seiten: int = 0
    datei: str = ""  # for bild: path inside the typst root
    hinweis: str = ""
    pdf: Path | None = None  # for pdf: the file whose pages are drawn in
    pdfa: bool = True


@dataclass
class TopView:
    nummer: str
    titel: str
    oeffentlich: bool
    nachtrag: str
    drucksache: str = ""
    drucksache_betreff: str = ""
    drucksache_oeffentlich: bool = True
    body: str = ""
    anlagen: list[AnlageSeiten] = field(default_factory=list)


@dataclass
class SitzungResult:
    folder: Path
    files: list[Path]
    warnings: list[str]


# --- Anlagen --------------------------------------------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:24]


def _claims_pdfa(path: Path) -> bool:
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            return bool(pdf.open_metadata().get("pdfaid:part"))
    except pikepdf.PdfError:
        return False


def prepare_pdf(path: Path, cache: Path, display: str) -> tuple[Path, int, bool]:
    """An Anlage PDF ready to be drawn into the Mappe: already PDF/A, or converted with Ghostscript
    (cached by content). Returns the file, its page count and whether it is PDF/A."""
    import pikepdf

    source, is_pdfa = path, _claims_pdfa(path)
    if not is_pdfa and shutil.which("gs"):
        target = cache / f"{_sha(path)}.pdf"
        if not target.exists():
            cache.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".tmp.pdf")
            proc = subprocess.run(
                ["gs", "-dPDFA=2", "-dBATCH", "-dNOPAUSE", "-dQUIET", "-dNOOUTERSAVE", "-dSAFER",
                 "-sColorConversionStrategy=RGB", "-sDEVICE=pdfwrite", "-dPDFACompatibilityPolicy=1",
                 f"-sOutputFile={tmp}", str(path)], capture_output=True, text=True, timeout=300)
            if proc.returncode != 0 or not tmp.exists():
                tmp.unlink(missing_ok=True)
                raise ToolError("ghostscript", display, (proc.stderr or proc.stdout).strip()[:500] or "Umwandlung fehlgeschlagen")
            os.replace(tmp, target)
        source, is_pdfa = target, True
    try:
        with pikepdf.open(source) as pdf:
            return source, len(pdf.pages), is_pdfa
    except pikepdf.PdfError as exc:
        raise UserError(f"{display}: Anlage ist kein lesbares PDF ({exc})") from None


def convert_office(path: Path, cache: Path, display: str) -> Path | None:
    """An office file as PDF through LibreOffice, when it is installed (cached by content)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    target = cache / f"{_sha(path)}.pdf"
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / f"anlage{path.suffix.lower()}"
        shutil.copyfile(path, work)
        proc = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profil", "--headless",
                               "--convert-to", "pdf", "--outdir", tmp, str(work)],
                              capture_output=True, text=True, timeout=300)
        produced = Path(tmp) / "anlage.pdf"
        if proc.returncode != 0 or not produced.exists():
            raise ToolError("LibreOffice", display, (proc.stderr or proc.stdout).strip()[:500])
        shutil.copyfile(produced, target)
    return target


# --- context --------------------------------------------------------------------------------------


def _anlagen_views(record, top_nr: str, public: bool, cache: Path, staging: Path, counter: list[int]
                   ) -> list[AnlageSeiten]:
    views = []
    for a in anlagen_info(record):
        if public and not a.oeffentlich:
            continue
        counter[0] += 1
        aid = f"a{counter[0]}"
        title = f"Anlage {a.nr} zu {record.vorlage.nummer}: {a.titel}"
        suffix = a.path.suffix.lower()
        display = f"{record.display}: Anlage {a.nr} ({a.datei})"
        view = AnlageSeiten(aid, "hinweis", title, a.oeffentlich)
        pdf: Path | None = None
        if suffix == ".pdf":
            pdf = a.path
        elif suffix in OFFICE_TYPES:
            pdf = convert_office(a.path, cache / "office", display)
            if pdf is None:
                view.hinweis = (f"Die Anlage „{a.name}“ ({a.typ.upper()}, {a.groesse_text}) ist eine Office-Datei. "
                                "Sie ist nicht eingebunden, weil LibreOffice auf dem Rechner, der die Mappe "
                                "erstellt hat, nicht installiert ist; sie liegt der Drucksache elektronisch bei.")
        elif suffix in IMAGE_TYPES:
            target = staging / "anlagen" / f"{_sha(a.path)}{suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(a.path, target)
            view.art, view.datei = "bild", f"/anlagen/{target.name}"
        else:
            view.hinweis = (f"Die Anlage „{a.name}“ ({a.groesse_text}) hat ein Format, das nicht in die Mappe "
                            "eingebunden werden kann; sie liegt der Drucksache elektronisch bei.")
        if pdf is not None:
            view.pdf, view.seiten, view.pdfa = prepare_pdf(pdf, cache / "pdfa", display)
            view.art = "pdf"
        views.append(view)
    return views


def sitzung_context(project: Project, srec: SitzungRecord, layout: Layout, *, public: bool | None,
                    cache: Path | None = None, staging: Path | None = None, with_bodies: bool = False
                    ) -> dict[str, Any]:
    """The context of a Sitzung's documents. ``public`` True keeps only what may be published."""
    s = srec.sitzung
    gremium = project.ref.gremien[s.gremium]
    k = project.ref.koerperschaften[gremium.koerperschaft]
    text, _ = stand(project.root)
    tops: list[TopView] = []
    counter = [0]
    for entry in srec.all_tops():
        if public and not entry.oeffentlich:
            continue
        view = TopView(entry.nummer, entry.titel, entry.oeffentlich, entry.nachtrag)
        r = entry.record
        if r is not None:
            view.drucksache = r.vorlage.nummer
            view.drucksache_betreff = r.vorlage.betreff
            view.drucksache_oeffentlich = r.vorlage.oeffentlich and entry.oeffentlich
            if with_bodies:
                ctx = build_context(r, project.ref, project.betreffs)
                if public:
                    ctx.anlagen = [a for a in ctx.anlagen if a.oeffentlich]
                view.body = render_markdown(layout, ctx.as_dict())
                assert cache is not None and staging is not None
                view.anlagen = _anlagen_views(r, entry.nummer, bool(public), cache, staging, counter)
                for a in view.anlagen:  # an Anlage is as public as its Drucksache and its TOP at most
                    a.oeffentlich = a.oeffentlich and view.drucksache_oeffentlich
        tops.append(view)
    leitung = project.ref.personen.get(s.sitzungsleitung or "")
    return {
        "koerperschaft": k,
        "gremium": gremium.name,
        "sitzung": s,
        "datum": datum(s.datum),
        "wochentag": WOCHENTAGE[s.datum.weekday()],
        "beginn": s.beginn,
        "ort": s.ort,
        "raum": s.raum or "",
        "ort_voll": s.ort + (f", {s.raum}" if s.raum else ""),
        "einladungsdatum": datum(s.einladungsdatum),
        "leitung": PersonInfo.of(leitung),
        "tops": tops,
        "nichtoeffentlich_vorhanden": any(not e.oeffentlich for e in srec.all_tops()),
        "stand": text,
        "art": "öffentlicher Teil" if public else "vollständig, mit nichtöffentlichem Teil",
    }


# --- building -----------------------------------------------------------------------------------


def _inputs(ctx: dict[str, Any], title: str, entwurf: bool) -> dict[str, str]:
    k = ctx["koerperschaft"]
    return {
        "titel": title, "betreff": title, "nummer": ctx["sitzung"].nummer, "art": title,
        "autor": k.name, "koerperschaft": k.name, "gremium": ctx["gremium"], "datum": ctx["datum"],
        "beschreibung": f"{ctx['gremium']}, Sitzung {ctx['sitzung'].nummer} am {ctx['datum']}",
        "entwurf": "ja" if entwurf else "nein", "status": "",
        "fusszeile": f"{ctx['gremium']} · Sitzung {ctx['sitzung'].nummer} am {ctx['datum']}",
    }


def _typst_source(markdown: str, main: str, epoch: int, display: str) -> str:
    return main + engines.pandoc_convert(markdown, "typst", epoch, display).decode("utf-8")


def _docx(markdown: str, layout: Layout, epoch: int, display: str, entwurf: bool) -> bytes:
    from .docx_reference import reference_for

    return engines.pandoc_convert(markdown, "docx", epoch, display, reference_for(layout, entwurf))


def merge_anlagen(pdf_bytes: bytes, placements: list[dict[str, Any]], anlagen: dict[str, AnlageSeiten]) -> bytes:
    """Draw each Anlage page, scaled to fit, into its placeholder frame. Names and IDs are fixed, so
    the same inputs give the same bytes."""
    import io

    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        sources: dict[str, pikepdf.Pdf] = {}
        try:
            for n, place in enumerate(placements):
                anlage = anlagen[place["id"]]
                assert anlage.pdf is not None
                if place["id"] not in sources:
                    sources[place["id"]] = pikepdf.open(anlage.pdf)
                src_page = sources[place["id"]].pages[int(place["seite"])]
                form = pdf.copy_foreign(src_page.as_form_xobject())
                bx0, by0, bx1, by1 = (float(v) for v in form.BBox)
                x0, y0, x1, y1 = FRAME
                inset = 3.0
                w, h = (x1 - x0 - 2 * inset), (y1 - y0 - 2 * inset)
                scale = min(w / (bx1 - bx0), h / (by1 - by0))
                tx = x0 + inset + (w - (bx1 - bx0) * scale) / 2 - bx0 * scale
                ty = y0 + inset + (h - (by1 - by0) * scale) / 2 - by0 * scale
                page = pdf.pages[int(place["page"]) - 1]
                name = pikepdf.Name(f"/VgAnlage{n}")
                if "/Resources" not in page.obj:
                    page.obj.Resources = pikepdf.Dictionary()
                if "/XObject" not in page.obj.Resources:
                    page.obj.Resources.XObject = pikepdf.Dictionary()
                page.obj.Resources.XObject[name] = form
                draw = f"q {scale:.5f} 0 0 {scale:.5f} {tx:.3f} {ty:.3f} cm {name} Do Q\n".encode()
                page.contents_add(pdf.make_stream(draw), prepend=False)
            pdf.save(out, deterministic_id=True, compress_streams=True,
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)
        finally:
            for src in sources.values():
                src.close()
    return out.getvalue()


def build_sitzung(project: Project, srec: SitzungRecord, out: Path, *, entwurf: bool = False) -> SitzungResult:
    """Write Einladung.docx/.pdf, Bekanntmachung.pdf and both Sitzungsmappen for one Sitzung."""
    drafts = [e.record.vorlage.nummer for e in srec.all_tops() if e.record is not None and e.record.vorlage.entwurf]
    if drafts and not entwurf:
        raise UserError(f"{srec.display}: Entwürfe auf der Tagesordnung ({', '.join(drafts)}); die endgültige "
                        "Mappe wird erst gebaut, wenn sie fertig sind (oder mit --entwurf als Entwurf)")
    gremium = project.ref.gremien[srec.sitzung.gremium]
    layout = get_layout(project.ref.koerperschaften[gremium.koerperschaft].layout, project.root)
    folder = out / "sitzungen" / srec.slug
    cache = out / ".cache"
    _, epoch = stand(project.root)
    if not epoch:
        d = srec.sitzung.einladungsdatum
        epoch = int(dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.timezone.utc).timestamp())
    warnings: list[str] = []
    results: dict[str, bytes] = {}

    letters = sitzung_context(project, srec, layout, public=None)
    md = render_markdown(layout, letters, "einladung.md.j2")
    title = f"Einladung: {letters['gremium']} am {letters['datum']}"
    results["Einladung.pdf"] = engines.typst_pdf(_typst_source(md, EINLADUNG_MAIN, epoch, srec.display), layout,
                                                 _inputs(letters, title, entwurf), epoch, srec.display)
    results["Einladung.docx"] = _docx(md, layout, epoch, srec.display, entwurf)

    public_letters = sitzung_context(project, srec, layout, public=True)
    md = render_markdown(layout, public_letters, "bekanntmachung.md.j2")
    title = f"Bekanntmachung: {letters['gremium']} am {letters['datum']}"
    results["Bekanntmachung.pdf"] = engines.typst_pdf(
        _typst_source(md, BEKANNTMACHUNG_MAIN, epoch, srec.display), layout,
        _inputs(public_letters, title, entwurf), epoch, srec.display)

    for public, name in ((True, "Sitzungsmappe-oeffentlich.pdf"), (False, "Sitzungsmappe-vollstaendig.pdf")):
        staging = engines.new_staging(layout)
        try:
            ctx = sitzung_context(project, srec, layout, public=public, cache=cache, staging=staging,
                                  with_bodies=True)
            anlagen = {a.id: a for t in ctx["tops"] for a in t.anlagen}
            not_pdfa = [a.ueberschrift for a in anlagen.values() if a.art == "pdf" and not a.pdfa]
            md = render_markdown(layout, ctx, "sitzungsmappe.md.j2")
            source = _typst_source(md, MAPPE_MAIN, epoch, srec.display)
            title = f"Sitzungsmappe ({'öffentlich' if public else 'vollständig'}): {ctx['gremium']} am {ctx['datum']}"
            standards = [] if not_pdfa else ["a-2b"]
            if not_pdfa:
                warnings.append(f"{name}: nicht PDF/A, weil Anlagen kein PDF/A sind und Ghostscript fehlt: "
                                + "; ".join(not_pdfa))
            pdf, placements = _compile_mappe(source, layout, staging, _inputs(ctx, title, entwurf), epoch,
                                             srec.display, standards)
            results[name] = merge_anlagen(pdf, placements, anlagen) if placements else pdf
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    files = []
    for fname, data in results.items():
        write_atomic(folder / fname, data)
        files.append(folder / fname)
    return SitzungResult(folder, files, warnings)


def _compile_mappe(source: str, layout: Layout, staging: Path, inputs: dict[str, str], epoch: int, display: str,
                   standards: list[str]) -> tuple[bytes, list[dict[str, Any]]]:
    import typst

    try:
        main = staging / "__mappe__.typ"
        main.write_text(source, encoding="utf-8")
        compiler = typst.Compiler(str(main), root=str(staging),
                                  font_paths=engines.typst_fonts(engines.project_fonts(layout)), sys_inputs=inputs)
        pdf, warnings = compiler.compile_with_warnings(format="pdf", pdf_standards=standards, timestamp=epoch)
        engines.refuse_warnings(warnings, display)
        placements = json.loads(compiler.query("<vg-anlage>", field="value"))
    except (typst.TypstError, RuntimeError) as exc:
        raise engines.typst_failure(exc, display) from None
    assert isinstance(pdf, bytes)
    return pdf, placements
