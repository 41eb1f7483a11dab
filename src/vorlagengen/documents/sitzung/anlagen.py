"""Anlagen in the Sitzungsmappe.

Images are placed by typst; a PDF Anlage gets as many framed placeholder pages as it has pages, and
after typst its pages are drawn into those frames with pikepdf, so that page numbers, contents and
bookmarks run through the whole Mappe. typst cannot embed PDFs in PDF/A mode, which is why this
happens afterwards. PDFs that are not PDF/A are converted with Ghostscript, office files with
LibreOffice, when installed; both results are cached by content, each file named by the digests of
its source and of its own bytes, which are checked before it is used.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pikepdf

import vorlagengen.documents.cancel as cancel
from vorlagengen.documents.context import AnlageInfo, anlagen_info
from vorlagengen.documents.drawing import FRAME, Placement, merge_pages
from vorlagengen.documents.woerter import Woerter
from vorlagengen.errors import ToolError, UserError
from vorlagengen.model.records import Record

IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
OFFICE_TYPES = {".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp"}


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
    position: str = ""  # for messages: „TOP N 2, Anlage 1 zu VO/9001/19“ (never a title or file name)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:24]


_looked_at: dict[tuple[str, int, int], tuple[bool, int | None]] = {}


def _pdf_facts(path: Path) -> tuple[bool, int | None]:
    """Whether the file says it is PDF/A, and its page count (None: not readable); looked at once per
    process while it stays unchanged, in one opening."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    known = _looked_at.get(key)
    if known is None:
        try:
            with pikepdf.open(path) as pdf:
                known = bool(pdf.open_metadata().get("pdfaid:part")), len(pdf.pages)
        except pikepdf.PdfError:
            known = False, None
        _looked_at[key] = known
    return known


_prepared_lock = threading.Lock()
_prepared: dict[tuple[str, str, int, int], tuple[Path, int, bool]] = {}
_preparing: dict[tuple[str, str, int, int], threading.Lock] = {}


def prepare_pdf(path: Path, cache: Path, display: str) -> tuple[Path, int, bool]:
    """An Anlage PDF ready to be drawn into the Mappe: already PDF/A, or converted with Ghostscript
    (cached by content). Returns the file, its page count and whether it is PDF/A. Within a run
    each file is looked at once, however many Mappen show it."""
    st = path.stat()
    key = (str(path), str(cache), st.st_size, st.st_mtime_ns)
    with _prepared_lock:  # both Mappen ask for the same file at once: it is converted once
        once = _preparing.setdefault(key, threading.Lock())
    with once:
        known = _prepared.get(key)
        if known is None or not known[0].exists():  # the cache folder may have been removed meanwhile
            known = _prepared[key] = _prepare_pdf(path, cache, display)
    return known


def prepare_all(anlagen: list[tuple[Path, str, Path]], jobs: int) -> None:
    """Prepare many PDF Anlagen (file, how errors name it, cache) at once (Ghostscript runs ``jobs``
    conversions side by side); the results wait in :func:`prepare_pdf`'s memory. The first failure
    is raised, and so is Ctrl-C: the conversions not yet begun are dropped, the running ones end."""
    from concurrent.futures import ThreadPoolExecutor

    def one(path: Path, display: str, cache: Path) -> None:
        cancel.check()  # the run was stopped meanwhile: not begun
        prepare_pdf(path, cache, display)

    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="anlage")
    try:
        for future in [pool.submit(one, path, display, cache) for path, display, cache in anlagen]:
            future.result()
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _prepare_pdf(path: Path, cache: Path, display: str) -> tuple[Path, int, bool]:
    source, (is_pdfa, pages) = path, _pdf_facts(path)
    if not is_pdfa and shutil.which("gs"):
        source, is_pdfa, pages = _ghostscript_pdfa(path, cache, display), True, None
    if pages is not None:
        return source, pages, is_pdfa
    try:  # converted just now, or not readable (then the error names the Anlage)
        with pikepdf.open(source) as pdf:
            return source, len(pdf.pages), is_pdfa
    except pikepdf.PdfError as exc:
        raise UserError(f"{display}: Anlage ist kein lesbares PDF ({exc})") from None


def _cached(cache: Path, key: str) -> Path | None:
    """The converted file of the source with digest ``key``, if one is kept and sound. Its name
    carries the digest of its own bytes (``<key>.<digest>.pdf``): a damaged file is removed and
    made again, never drawn into a Mappe."""
    for candidate in sorted(cache.glob(f"{key}.*.pdf")) if cache.is_dir() else []:
        try:
            if _sha_bytes(candidate.read_bytes()) == candidate.name.split(".")[1]:
                return candidate
            candidate.unlink()
        except OSError:
            continue
    return None


def _keep(cache: Path, key: str, made: str) -> Path:
    """Put the converted file ``made`` (in ``cache``) in its place, named by both digests; whole or
    not at all, also when another run does the same."""
    target = cache / f"{key}.{_sha_bytes(Path(made).read_bytes())}.pdf"
    os.replace(made, target)
    return target


def _sha_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]


def _ghostscript_pdfa(path: Path, cache: Path, display: str) -> Path:
    key = _sha(path)
    target = _cached(cache, key)
    if target is None:
        cache.mkdir(parents=True, exist_ok=True)
        # a name of its own: another run may convert the same file into the same cache right now
        fd, name = tempfile.mkstemp(dir=cache, prefix=f".{key}.", suffix=".tmp")
        os.close(fd)
        tmp = Path(name)
        try:
            proc = subprocess.run(
                ["gs", "-dPDFA=2", "-dBATCH", "-dNOPAUSE", "-dQUIET", "-dNOOUTERSAVE", "-dSAFER",
                 "-sColorConversionStrategy=RGB", "-sDEVICE=pdfwrite", "-dPDFACompatibilityPolicy=1",
                 f"-sOutputFile={tmp}", str(path)], capture_output=True, text=True, timeout=300, check=False)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        if proc.returncode != 0 or not tmp.exists() or not tmp.stat().st_size:
            tmp.unlink(missing_ok=True)
            detail = (proc.stderr or proc.stdout).strip()[:500] or "Umwandlung fehlgeschlagen"
            raise ToolError("ghostscript", display, detail)
        _same_id(tmp)
        target = _keep(cache, key, name)
    return target


def _same_id(path: Path) -> None:
    """Ghostscript's file ID mixes in the output's path: the ID made from the content instead, so the
    same Anlage converts to the same bytes in every build folder (each Mappe's cache, a clean build)."""
    try:
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            if "/ID" in pdf.trailer:
                del pdf.trailer.ID
            pdf.save(path, deterministic_id=True)
    except pikepdf.PdfError:
        return  # left as it is: reading it later names the fault


def convert_office(path: Path, cache: Path, display: str) -> Path | None:
    """An office file as PDF through LibreOffice, when it is installed (cached by content)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    key = _sha(path)
    known = _cached(cache, key)
    if known is not None:
        return known
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / f"anlage{path.suffix.lower()}"
        shutil.copyfile(path, work)
        proc = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profil", "--headless",
                               "--convert-to", "pdf", "--outdir", tmp, str(work)],
                              capture_output=True, text=True, timeout=300, check=False)
        produced = Path(tmp) / "anlage.pdf"
        if proc.returncode != 0 or not produced.exists():
            raise ToolError("LibreOffice", display, (proc.stderr or proc.stdout).strip()[:500])
        fd, name = tempfile.mkstemp(dir=cache, prefix=f".{key}.", suffix=".tmp")
        os.close(fd)
        shutil.copyfile(produced, name)
        return _keep(cache, key, name)


def anlagen_views(record: Record, public: bool, cache: Path, staging: Path, counter: list[int], w: Woerter,
                  top: str = "", public_cache: Path | None = None) -> list[AnlageSeiten]:
    """The record's Anlagen as the Mappe shows them (only public ones when ``public``; a public Mappe
    gets its records from the public projection, which holds no others); images are copied into
    ``staging``, typst's root. ``counter`` numbers the Anlagen across the Mappe. The full Mappe
    finds a public Anlage converted in ``public_cache`` (the public Mappe's), the others in ``cache``."""
    views = []
    for a in anlagen_info(record):
        if public and not a.oeffentlich:
            continue
        counter[0] += 1
        views.append(_view(a, f"a{counter[0]}", record, cache_for(record, a.oeffentlich, cache, public_cache),
                           staging, top, w))
    return views


def cache_for(record: Record, oeffentlich: bool, cache: Path, public_cache: Path | None) -> Path:
    """Where an Anlage is converted: a public Anlage of a public Drucksache in the public cache (when
    given), so that both Mappen share one conversion; everything else in ``cache``."""
    return public_cache if public_cache is not None and oeffentlich and record.vorlage.oeffentlich else cache


def _view(a: AnlageInfo, aid: str, record: Record, cache: Path, staging: Path, top: str, w: Woerter
          ) -> AnlageSeiten:
    title = w("mappe_anlage", nr=a.nr, nummer=record.vorlage.nummer, titel=a.titel)
    suffix = a.path.suffix.lower()
    display = f"{record.display}: Anlage {a.nr}"  # messages name an Anlage by number only
    view = AnlageSeiten(aid, "hinweis", title, a.oeffentlich,
                        position=f"TOP {top}, Anlage {a.nr} zu {record.vorlage.nummer}")
    pdf: Path | None = None
    if suffix == ".pdf":
        pdf = a.path
    elif suffix in OFFICE_TYPES:
        pdf = convert_office(a.path, cache / "office", display)
        if pdf is None:
            view.hinweis = w("mappe_office", name=a.name, typ=a.typ.upper(), groesse=a.groesse_text)
    elif suffix in IMAGE_TYPES:
        target = staging / "anlagen" / f"{_sha(a.path)}{suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(a.path, target)
        view.art, view.datei = "bild", f"/anlagen/{target.name}"
    else:
        view.hinweis = w("mappe_format", name=a.name, groesse=a.groesse_text)
    if pdf is not None:
        view.pdf, view.seiten, view.pdfa = prepare_pdf(pdf, cache / "pdfa", display)
        view.art = "pdf"
    return view


__all__ = ["FRAME", "AnlageSeiten", "Placement", "merge_pages", "prepare_all", "prepare_pdf"]
