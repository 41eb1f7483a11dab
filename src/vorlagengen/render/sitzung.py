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
import io
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ToolError, UserError
from ..project import Project, Record
from ..sitzung import SitzungRecord, TopEntry
from ..writing import write_atomic
from . import engines
from .context import AnlageInfo, PersonInfo, anlagen_info, build_context, datum
from .layouts import Layout, get_layout
from .markdown import render_markdown

WOCHENTAGE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
OFFICE_TYPES = {".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp"}
CM = 72 / 2.54
# where vg-anlage-pdf in sitzung.typ draws its frame (PDF points, origin bottom left)
FRAME = (2.5 * CM, 2.2 * CM, (21.0 - 2.0) * CM, 26.4 * CM)



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
class DokumentView:
    """A Drucksache in a Mappe: its own PDF (pages drawn in whole) and its Anlagen."""

    id: str
    nummer: str
    betreff: str
    oeffentlich: bool
    pdf: bytes = b""
    seiten: int = 0
    anlagen: list[AnlageSeiten] = field(default_factory=list)


@dataclass
class TopView:
    nummer: str
    titel: str
    oeffentlich: bool
    nachtrag: str
    ebene: int = 1
    hinweis: str = ""
    abgesetzt: bool = False
    drucksachen: list[str] = field(default_factory=list)  # numbers, for the Tagesordnung table
    dokumente: list[DokumentView] = field(default_factory=list)  # only in a Mappe
    ziel: str = ""
    unterlagen: bool = False  # this TOP or one below it has documents in this Mappe

    @property
    def drucksache(self) -> str:
        return ", ".join(self.drucksachen)


@dataclass
class Marke:
    """A bookmark and contents target, placed invisibly at the top of a sheet's first page."""

    ebene: int
    titel: str
    ziel: str


@dataclass
class Blatt:
    """What starts on a new page in a Mappe: a Drucksache (its own pages) or an Anlage."""

    art: str  # drucksache, pdf, bild, hinweis
    id: str
    titel: str
    oeffentlich: bool
    seiten: int = 1
    datei: str = ""
    hinweis: str = ""
    marken: list[Marke] = field(default_factory=list)


@dataclass
class InhaltZeile:
    """A line of the Mappe's contents (the Tagesordnung): a TOP, a Drucksache or an Anlage."""

    ebene: int
    art: str  # top, drucksache, anlage
    nummer: str
    titel: str
    zusatz: str = ""
    ziel: str = ""
    oeffentlich: bool = True


@dataclass
class SitzungResult:
    folder: Path
    files: list[Path]
    warnings: list[str]


def stand(root: Path) -> tuple[str, int]:
    return _stand(root, os.environ.get("SOURCE_DATE_EPOCH"))


@lru_cache(maxsize=8)
def _stand(root: Path, epoch_env: str | None) -> tuple[str, int]:
    """„23.11.2026, Commit 1a2b3c4“ and its UNIX time: the commit the documents were made from.

    SOURCE_DATE_EPOCH, if set, fixes the time; without git the time is that variable or 0."""
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%h %ct"], capture_output=True,
                             text=True, timeout=10)
        commit, ts = out.stdout.split() if out.returncode == 0 and out.stdout.strip() else ("", "0")
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip() if commit else ""
    except (OSError, subprocess.SubprocessError, ValueError):
        commit, ts, dirty = "", "0", ""
    epoch = int(epoch_env) if epoch_env else int(ts)
    when = dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).strftime("%d.%m.%Y") if epoch else "ohne Datum"
    if commit:
        return f"{when}, Commit {commit}{' mit lokalen Änderungen' if dirty else ''}", epoch
    return f"{when}, ohne Versionsverwaltung", epoch


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

_QUOTE_OPENERS = " \t\n([{/–-„"


def anfuehrung(text: str) -> str:
    """Straight double quotes as German ones: "Freundschaft" → „Freundschaft“ (typst and PDF bookmarks
    show a string as it is, so titles passed as attributes need it done here)."""
    out = []
    for i, ch in enumerate(text):
        if ch == '"':
            ch = "„" if i == 0 or text[i - 1] in _QUOTE_OPENERS else "“"
        out.append(ch)
    return "".join(out)


def _anlagen_views(record: Record, public: bool, cache: Path, staging: Path, counter: list[int]
                   ) -> list[AnlageSeiten]:
    views = []
    for a in anlagen_info(record):
        if public and not a.oeffentlich:
            continue
        counter[0] += 1
        title = anfuehrung(f"Anlage {a.nr} zu {record.vorlage.nummer}: {a.titel}")
        view = AnlageSeiten(f"a{counter[0]}", "hinweis", title, a.oeffentlich)
        _fill_anlage(view, a, f"{record.display}: Anlage {a.nr} ({a.datei})", cache, staging)
        views.append(view)
    return views


def _fill_anlage(view: AnlageSeiten, a: AnlageInfo, display: str, cache: Path, staging: Path) -> None:
    suffix = a.path.suffix.lower()
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


def drucksache_pdf(project: Project, record: Record, public: bool) -> bytes:
    """The Drucksache's own PDF, exactly as ``build`` sets it; for a public Mappe without the titles of
    its non-public Anlagen (their numbers stay, so list and Anlagen headings still match)."""
    from .build import TYPST_MAIN, epoch_of, inputs_for_typst

    layout = get_layout(project.ref.koerperschaften[record.vorlage.koerperschaft].layout, project.root)
    ctx = build_context(record, project.ref, project.betreffs)
    if public:
        ctx.anlagen = [a for a in ctx.anlagen if a.oeffentlich]
    body = engines.pandoc_convert(render_markdown(layout, ctx.as_dict()), "typst", epoch_of(record), record.display)
    return engines.typst_pdf(TYPST_MAIN + body.decode("utf-8"), layout, inputs_for_typst(ctx), epoch_of(record),
                             record.display)


def _dokumente(project: Project, entry: TopEntry, public: bool, oeffentlich: bool, cache: Path, staging: Path,
               counter: list[int]) -> list[DokumentView]:
    import pikepdf

    out = []
    for r in entry.records:
        counter[0] += 1
        doc = DokumentView(f"d{counter[0]}", r.vorlage.nummer, anfuehrung(r.vorlage.betreff),
                           r.vorlage.oeffentlich and oeffentlich)
        doc.pdf = drucksache_pdf(project, r, public)
        with pikepdf.open(io.BytesIO(doc.pdf)) as pdf:
            doc.seiten = len(pdf.pages)
        doc.anlagen = _anlagen_views(r, public, cache, staging, counter)
        for a in doc.anlagen:  # an Anlage is as public as its Drucksache and its TOP at most
            a.oeffentlich = a.oeffentlich and doc.oeffentlich
        out.append(doc)
    return out


def _top_views(project: Project, srec: SitzungRecord, public: bool | None, mappe: Mappe | None
               ) -> list[TopView]:
    tops: list[TopView] = []
    for i, entry in enumerate(srec.all_tops()):
        if public and not entry.oeffentlich:
            continue
        view = TopView(entry.nummer, anfuehrung(entry.titel), entry.oeffentlich, entry.nachtrag, entry.ebene,
                       anfuehrung(entry.hinweis), entry.abgesetzt, [r.vorlage.nummer for r in entry.records],
                       ziel=f"t{i}")
        if mappe is not None and not entry.abgesetzt:
            view.dokumente = _dokumente(project, entry, bool(public), entry.oeffentlich, mappe.cache, mappe.staging,
                                        mappe.counter)
        tops.append(view)
    _mark_unterlagen(tops)
    return tops


def _mark_unterlagen(tops: list[TopView]) -> None:
    """A TOP „has documents“ when it or a TOP below it has some (pre-order list with levels)."""
    for i in reversed(range(len(tops))):
        below = any(t.unterlagen for t in _children(tops, i))
        tops[i].unterlagen = bool(tops[i].dokumente) or below


def _children(tops: list[TopView], i: int) -> list[TopView]:
    out = []
    for t in tops[i + 1:]:
        if t.ebene <= tops[i].ebene:
            break
        if t.ebene == tops[i].ebene + 1:
            out.append(t)
    return out


def top_ueberschrift(praefix: str, top: TopView) -> str:
    nummer = f"{praefix} {top.nummer}" if praefix else top.nummer
    zusatz = f" ({top.nachtrag})" if top.nachtrag else ""
    return f"{nummer} {top.titel}{zusatz}"


def blaetter(tops: list[TopView], praefix: str) -> list[Blatt]:
    """The Mappe's sheets in order; the bookmarks of TOPs wait for the first page of their first
    document, so that no TOP gets a page of its own."""
    out: list[Blatt] = []
    pending: list[Marke] = []
    for top in tops:
        pending = [m for m in pending if m.ebene < top.ebene]  # a TOP without documents below drops out
        if not top.unterlagen:
            continue
        pending.append(Marke(top.ebene, top_ueberschrift(praefix, top), top.ziel))
        for doc in top.dokumente:
            marken = [*pending, Marke(top.ebene + 1, f"Drucksache {doc.nummer}: {doc.betreff}", doc.id)]
            out.append(Blatt("drucksache", doc.id, doc.nummer, doc.oeffentlich, doc.seiten, marken=marken))
            pending = []
            for a in doc.anlagen:
                out.append(Blatt(a.art, a.id, a.ueberschrift, a.oeffentlich, a.seiten, a.datei, a.hinweis,
                                 [Marke(top.ebene + 2, a.ueberschrift, a.id)]))
    return out


def inhalt(tops: list[TopView]) -> list[InhaltZeile]:
    """The Mappe's contents: the whole Tagesordnung, with the documents under each TOP."""
    out = []
    for top in tops:
        zusatz = ", ".join(z for z in (top.nachtrag, "abgesetzt" if top.abgesetzt else "", top.hinweis) if z)
        out.append(InhaltZeile(top.ebene, "top", top.nummer, top.titel, zusatz, top.ziel if top.unterlagen else "",
                               top.oeffentlich))
        for doc in top.dokumente:
            out.append(InhaltZeile(top.ebene + 1, "drucksache", f"Drucksache {doc.nummer}", doc.betreff, "",
                                   doc.id, doc.oeffentlich))
            out += [InhaltZeile(top.ebene + 2, "anlage", "", a.ueberschrift, "", a.id, a.oeffentlich)
                    for a in doc.anlagen]
    return out


@dataclass
class Mappe:
    """Where a Mappe's Anlagen are prepared while its context is built."""

    cache: Path
    staging: Path
    counter: list[int] = field(default_factory=lambda: [0])


def sitzung_context(project: Project, srec: SitzungRecord, layout: Layout, *, public: bool | None,
                    mappe: Mappe | None = None) -> dict[str, Any]:
    """The context of a Sitzung's documents. ``public`` True keeps only what may be published;
    with ``mappe`` the documents of each TOP are prepared too."""
    s = srec.sitzung
    gremium = project.ref.gremien[s.gremium]
    text, _ = stand(project.root)
    tops = _top_views(project, srec, public, mappe)
    leitung = project.ref.personen.get(s.sitzungsleitung or "")
    zeit = f"{s.beginn} Uhr" + (f" bis {s.ende} Uhr" if s.ende else "")
    return {
        "koerperschaft": project.ref.koerperschaften[gremium.koerperschaft],
        "gremium": gremium.name,
        "sitzung": s,
        "bezeichnung": s.bezeichnung or "",
        "datum": datum(s.datum),
        "wochentag": WOCHENTAGE[s.datum.weekday()],
        "beginn": s.beginn,
        "zeit": zeit,
        "beginn_nichtoeffentlich": s.beginn_nichtoeffentlich or "",
        "ort": s.ort,
        "raum": s.raum or "",
        "ort_voll": s.ort + (f", {s.raum}" if s.raum else ""),
        "einladungsdatum": datum(s.einladungsdatum),
        "nachtragsdatum": datum(s.nachtragsdatum),
        "leitung": PersonInfo.of(leitung),
        "tops": tops,
        "praefix": srec.praefix,
        "nachtraege": [t for t in tops if t.nachtrag],
        "inhalt": inhalt(tops) if mappe is not None else [],
        "blaetter": blaetter(tops, srec.praefix) if mappe is not None else [],
        "nichtoeffentlich_vorhanden": any(not e.oeffentlich for e in srec.all_tops()),
        "nichtoeffentlich_im_inhalt": any(not t.oeffentlich for t in tops),
        "stand": text,
        "art": "öffentlicher Teil" if public else "vollständig, mit nichtöffentlichem Teil",
    }


# --- building -----------------------------------------------------------------------------------

# Letters import the shared functions first, so that the layout's own definitions win.
LETTER_MAIN = '#import "/sitzung.typ": *\n#import "/layout.typ": *\n#show: {}\n'
# The Mappe shows each Drucksache as its own PDF; it needs none of the layout's functions.
MAPPE_MAIN = '#import "/sitzung.typ": *\n#show: mappe\n'


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


def _frame_transform(bbox: tuple[float, float, float, float]) -> tuple[float, float, float]:
    """Scale and offset that fit a page of this box into the Anlage frame (centred)."""
    bx0, by0, bx1, by1 = bbox
    x0, y0, x1, y1 = FRAME
    inset = 3.0
    w, h = (x1 - x0 - 2 * inset), (y1 - y0 - 2 * inset)
    scale = min(w / (bx1 - bx0), h / (by1 - by0))
    tx = x0 + inset + (w - (bx1 - bx0) * scale) / 2 - bx0 * scale
    ty = y0 + inset + (h - (by1 - by0) * scale) / 2 - by0 * scale
    return scale, tx, ty


def merge_pages(pdf_bytes: bytes, placements: list[dict[str, Any]], sources: dict[str, bytes | Path]) -> bytes:
    """Draw the pages of the Drucksachen (whole, under the Mappe's header line) and of the PDF
    Anlagen (scaled into their frame) into the placeholder pages. Names and IDs are fixed, so the
    same inputs give the same bytes."""
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        opened: dict[str, pikepdf.Pdf] = {}
        try:
            for n, place in enumerate(placements):
                key = place["id"]
                if key not in opened:
                    source = sources[key]
                    opened[key] = pikepdf.open(io.BytesIO(source) if isinstance(source, bytes) else source)
                form = pdf.copy_foreign(opened[key].pages[int(place["seite"])].as_form_xobject())
                whole = place.get("ganz", False)
                scale, tx, ty = (1.0, 0.0, 0.0) if whole else _frame_transform(
                    tuple(float(v) for v in form.BBox))  # type: ignore[arg-type]
                page = pdf.pages[int(place["page"]) - 1]
                name = pikepdf.Name(f"/VgSeite{n}")
                if "/Resources" not in page.obj:
                    page.obj.Resources = pikepdf.Dictionary()
                if "/XObject" not in page.obj.Resources:
                    page.obj.Resources.XObject = pikepdf.Dictionary()
                page.obj.Resources.XObject[name] = form
                draw = f"q {scale:.5f} 0 0 {scale:.5f} {tx:.3f} {ty:.3f} cm {name} Do Q\n".encode()
                page.contents_add(pdf.make_stream(draw), prepend=whole)
            pdf.save(out, deterministic_id=True, compress_streams=True,
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)
        finally:
            for done in opened.values():
                done.close()
    return out.getvalue()


def _epoch(project: Project, srec: SitzungRecord) -> int:
    _, epoch = stand(project.root)
    if not epoch:
        d = srec.sitzung.einladungsdatum
        epoch = int(dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.timezone.utc).timestamp())
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
    epoch = _epoch(project, srec)
    warnings: list[str] = []
    results = _letters(project, srec, layout, epoch, entwurf)
    if srec.sitzung.status != "abgesagt":
        for public, name in ((True, "Sitzungsmappe-oeffentlich.pdf"), (False, "Sitzungsmappe-vollstaendig.pdf")):
            results[name] = _mappe(project, srec, layout, public, out / ".cache", epoch, entwurf, warnings, name)
    folder = out / "sitzungen" / srec.slug
    files = []
    for fname, data in results.items():
        write_atomic(folder / fname, data)
        files.append(folder / fname)
    return SitzungResult(folder, files, warnings)


def _letters(project: Project, srec: SitzungRecord, layout: Layout, epoch: int, entwurf: bool) -> dict[str, bytes]:
    """Einladung (DOCX, PDF), Bekanntmachung (PDF) and, when items were added, the Nachtrag (DOCX, PDF)."""
    results: dict[str, bytes] = {}
    letters = sitzung_context(project, srec, layout, public=None)
    public_letters = sitzung_context(project, srec, layout, public=True)
    docs = [("Einladung", letters, "einladung", True), ("Bekanntmachung", public_letters, "bekanntmachung", False)]
    if letters["nachtraege"]:
        docs.append(("Nachtrag", letters, "nachtrag", True))
    for name, ctx, template, with_docx in docs:
        md = render_markdown(layout, ctx, f"{template}.md.j2")
        title = f"{TITEL[name]}: {ctx['gremium']} am {ctx['datum']}"
        results[f"{name}.pdf"] = engines.typst_pdf(_typst_source(md, LETTER_MAIN.format(template), epoch,
                                                                 srec.display),
                                                   layout, _inputs(ctx, title, entwurf), epoch, srec.display)
        if with_docx:
            results[f"{name}.docx"] = _docx(md, layout, epoch, srec.display, entwurf)
    return results


TITEL = {"Einladung": "Einladung", "Bekanntmachung": "Bekanntmachung", "Nachtrag": "Nachtrag zur Tagesordnung"}


def _mappe(project: Project, srec: SitzungRecord, layout: Layout, public: bool, cache: Path, epoch: int,
           entwurf: bool, warnings: list[str], name: str) -> bytes:
    staging = engines.new_staging(layout)
    try:
        ctx = sitzung_context(project, srec, layout, public=public, mappe=Mappe(cache, staging))
        docs = [d for t in ctx["tops"] for d in t.dokumente]
        anlagen = {a.id: a for d in docs for a in d.anlagen}
        sources: dict[str, bytes | Path] = {d.id: d.pdf for d in docs}
        sources.update({a.id: a.pdf for a in anlagen.values() if a.pdf is not None})
        not_pdfa = [a.ueberschrift for a in anlagen.values() if a.art == "pdf" and not a.pdfa]
        md = render_markdown(layout, ctx, "sitzungsmappe.md.j2")
        source = _typst_source(md, MAPPE_MAIN, epoch, srec.display)
        title = f"Sitzungsmappe ({'öffentlich' if public else 'vollständig'}): {ctx['gremium']} am {ctx['datum']}"
        if not_pdfa:
            warnings.append(f"{name}: nicht PDF/A, weil Anlagen kein PDF/A sind und Ghostscript fehlt: "
                            + "; ".join(not_pdfa))
        pdf, placements = _compile_mappe(source, layout, staging, _inputs(ctx, title, entwurf), epoch,
                                         srec.display, [] if not_pdfa else ["a-2b"])
        return merge_pages(pdf, placements, sources) if placements else pdf
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
