"""Anlagen in the Sitzungsmappe.

Images are placed by typst; a PDF Anlage gets as many framed placeholder pages as it has pages, and
after typst its pages are drawn into those frames with pikepdf, so that page numbers, contents and
bookmarks run through the whole Mappe. typst cannot embed PDFs in PDF/A mode, which is why this
happens afterwards. PDFs that are not PDF/A are converted with Ghostscript, office files with
LibreOffice, when installed; both results are cached by content.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from ...errors import ToolError, UserError
from ...records import Record
from ..context import AnlageInfo, anlagen_info

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


@dataclass(frozen=True)
class Placement:
    """Where typst put a placeholder: page ``page`` (from 1) of the Mappe shows page ``seite``
    (from 0) of Anlage ``id``."""

    id: str
    seite: int
    page: int


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:24]


def _claims_pdfa(path: Path) -> bool:
    try:
        with pikepdf.open(path) as pdf:
            return bool(pdf.open_metadata().get("pdfaid:part"))
    except pikepdf.PdfError:
        return False


def prepare_pdf(path: Path, cache: Path, display: str) -> tuple[Path, int, bool]:
    """An Anlage PDF ready to be drawn into the Mappe: already PDF/A, or converted with Ghostscript
    (cached by content). Returns the file, its page count and whether it is PDF/A."""
    source, is_pdfa = path, _claims_pdfa(path)
    if not is_pdfa and shutil.which("gs"):
        source, is_pdfa = _ghostscript_pdfa(path, cache, display), True
    try:
        with pikepdf.open(source) as pdf:
            return source, len(pdf.pages), is_pdfa
    except pikepdf.PdfError as exc:
        raise UserError(f"{display}: Anlage ist kein lesbares PDF ({exc})") from None


def _ghostscript_pdfa(path: Path, cache: Path, display: str) -> Path:
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
    return target


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


def anlagen_views(record: Record, public: bool, cache: Path, staging: Path, counter: list[int]
                  ) -> list[AnlageSeiten]:
    """The record's Anlagen as the Mappe shows them (only public ones when ``public``); images are
    copied into ``staging``, typst's root. ``counter`` numbers the Anlagen across the Mappe."""
    views = []
    for a in anlagen_info(record):
        if public and not a.oeffentlich:
            continue
        counter[0] += 1
        views.append(_view(a, f"a{counter[0]}", record, cache, staging))
    return views


def _view(a: AnlageInfo, aid: str, record: Record, cache: Path, staging: Path) -> AnlageSeiten:
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
    return view


def merge_anlagen(pdf_bytes: bytes, placements: list[Placement], anlagen: dict[str, AnlageSeiten]) -> bytes:
    """Draw each Anlage page, scaled to fit, into its placeholder frame. Names and IDs are fixed, so
    the same inputs give the same bytes."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        sources: dict[str, pikepdf.Pdf] = {}
        try:
            for n, place in enumerate(placements):
                anlage = anlagen[place.id]
                assert anlage.pdf is not None
                if place.id not in sources:
                    sources[place.id] = pikepdf.open(anlage.pdf)
                _draw(pdf, pdf.pages[place.page - 1], sources[place.id].pages[place.seite], n)
            pdf.save(out, deterministic_id=True, compress_streams=True,
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)
        finally:
            for src in sources.values():
                src.close()
    return out.getvalue()


def _draw(pdf: pikepdf.Pdf, page: pikepdf.Page, src_page: pikepdf.Page, n: int) -> None:
    """Page ``src_page`` of an Anlage as form XObject ``/VgAnlage<n>``, scaled into FRAME of ``page``."""
    form = pdf.copy_foreign(src_page.as_form_xobject())
    bx0, by0, bx1, by1 = (float(v) for v in form.BBox)
    x0, y0, x1, y1 = FRAME
    inset = 3.0
    w, h = (x1 - x0 - 2 * inset), (y1 - y0 - 2 * inset)
    scale = min(w / (bx1 - bx0), h / (by1 - by0))
    tx = x0 + inset + (w - (bx1 - bx0) * scale) / 2 - bx0 * scale
    ty = y0 + inset + (h - (by1 - by0) * scale) / 2 - by0 * scale
    name = pikepdf.Name(f"/VgAnlage{n}")
    if "/Resources" not in page.obj:
        page.obj.Resources = pikepdf.Dictionary()
    if "/XObject" not in page.obj.Resources:
        page.obj.Resources.XObject = pikepdf.Dictionary()
    page.obj.Resources.XObject[name] = form
    draw = f"q {scale:.5f} 0 0 {scale:.5f} {tx:.3f} {ty:.3f} cm {name} Do Q\n".encode()
    page.contents_add(pdf.make_stream(draw), prepend=False)
