"""Is an Anlage a file the Mappe can take? Checked at ``validate``, so that ``build`` and ``sitzung``
never meet an encrypted, broken or empty PDF, an image that is cut off, a file whose content is
not what its name says, or an SVG that reaches out of the project.

Each verdict is cached by path, size and modification time: many records share an Anlage, and a
second look costs nothing. A run that knows every Anlage file to be as the last run without error
found it (``verdicts_stand``) opens none of them: their verdicts stand.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from vorlagengen.errors import os_reason

# What the first bytes of a file say it is.
_MAGIC = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"PK\x03\x04", "ZIP"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE"),
    (b"{\\rtf", "RTF"),
)
# What each extension must hold.
_EXPECTED = {
    ".pdf": {"PDF"}, ".png": {"PNG"}, ".jpg": {"JPEG"}, ".jpeg": {"JPEG"}, ".gif": {"GIF"}, ".webp": {"WEBP"},
    ".svg": {"SVG"}, ".docx": {"ZIP"}, ".xlsx": {"ZIP"}, ".pptx": {"ZIP"}, ".odt": {"ZIP"}, ".ods": {"ZIP"},
    ".odp": {"ZIP"}, ".doc": {"OLE"}, ".xls": {"OLE"}, ".ppt": {"OLE"}, ".rtf": {"RTF"},
}
_NAMES = {"OLE": "ein altes Office-Dokument", "ZIP": "ein ZIP-Archiv (z. B. DOCX, XLSX, ODT)",
          "SVG": "eine SVG-Grafik", "RTF": "ein RTF-Dokument"}
_SVG_DANGER = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_SVG_REF = re.compile(rb"""(?:\bhref|\bsrc)\s*=\s*["']\s*([^"'\s][^"']*)["']|url\(\s*["']?([^)"'\s]+)|@import""",
                      re.IGNORECASE)


def sniff(head: bytes) -> str:
    """The kind of file its first bytes announce ('' if unknown)."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in head:
        return "SVG"
    if b"%PDF-" in head[:1024]:
        return "PDF"  # PDF allows some bytes before its header
    return ""


def _name(kind: str) -> str:
    return _NAMES.get(kind, f"ein {kind}")


# Bounds of one Anlage: a Mappe takes every page of every Anlage, so a 5,000-page or 2 GB file would
# stall every Sitzung it is on. A council sets its own in its profile (``anlagen`` in
# data/koerperschaften.yaml); the environment overrides that for one run.
MAX_MB = 200
MAX_SEITEN = 2000
ENV_MB = "VORLAGENGEN_ANLAGE_MAX_MB"
ENV_SEITEN = "VORLAGENGEN_ANLAGE_MAX_SEITEN"


def bounds(max_mb: int = MAX_MB, max_seiten: int = MAX_SEITEN) -> tuple[int, int]:
    """(megabytes, pages) an Anlage may have: the profile's, unless VORLAGENGEN_ANLAGE_MAX_MB or
    VORLAGENGEN_ANLAGE_MAX_SEITEN say otherwise."""
    def number(name: str, default: int) -> int:
        text = os.environ.get(name, "")
        return int(text) if text.isdigit() and int(text) > 0 else default

    return number(ENV_MB, max_mb), number(ENV_SEITEN, max_seiten)


def _where(name: str) -> str:
    return f"Grenze: {name} in anlagen der Körperschaft (data/koerperschaften.yaml)" + (
        f", hier aus {ENV_MB if name == 'max_mb' else ENV_SEITEN}" if os.environ.get(
            ENV_MB if name == "max_mb" else ENV_SEITEN, "").isdigit() else "")


_VERDICTS_STAND: ContextVar[bool] = ContextVar("verdicts_stand", default=False)


@contextmanager
def verdicts_stand() -> Iterator[None]:
    """Within: every Anlage file, the bounds and the records' lists of Anlagen are as the last run
    without error found them (a build that sets only records whose own texts changed, with all else
    unchanged by its stamp: cli._only_changed), so each content verdict is what it was then: none."""
    token = _VERDICTS_STAND.set(True)
    try:
        yield
    finally:
        _VERDICTS_STAND.reset(token)


def problem(path: Path, max_mb: int = MAX_MB, max_seiten: int = MAX_SEITEN) -> str | None:
    """Why this Anlage cannot go into a document, or None; ``max_mb`` and ``max_seiten`` are the
    bounds of the Körperschaft's profile."""
    if _VERDICTS_STAND.get():
        return None
    st = path.stat()
    return _verdict(str(path), st.st_size, st.st_mtime_ns, *bounds(max_mb, max_seiten))


@functools.lru_cache(maxsize=4096)
def _verdict(path_text: str, size: int, mtime_ns: int, max_mb: int, max_seiten: int) -> str | None:
    path = Path(path_text)
    if size == 0:
        return "Anlage ist leer (0 Byte)"
    if size > max_mb * 1_000_000:
        megabytes = f"{size / 1_000_000:,.0f}".replace(",", ".")
        return f"Anlage ist {megabytes} MB groß, erlaubt sind höchstens {max_mb} MB ({_where('max_mb')})"
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        return f"Anlage nicht lesbar ({os_reason(exc)})"
    suffix = path.suffix.lower()
    expected = _EXPECTED.get(suffix)
    kind = sniff(head)
    if expected is not None and kind not in expected:
        what = f"ist {_name(kind)}" if kind else "ist kein erkennbares Format"
        return f"Inhalt passt nicht zur Endung „{suffix}“: die Datei {what}"
    if kind == "PDF":
        return _pdf_problem(path, max_seiten)
    if kind == "SVG":
        return _svg_problem(path)
    if kind in ("PNG", "JPEG", "GIF"):
        return _image_problem(path, kind, size)
    return None


def _pdf_problem(path: Path, max_seiten: int) -> str | None:
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            if len(pdf.pages) == 0:
                return "PDF hat keine Seiten"
            if len(pdf.pages) > max_seiten:
                return (f"PDF hat {len(pdf.pages)} Seiten, erlaubt sind höchstens {max_seiten} "
                        f"({_where('max_seiten')})")
            if pdf.get_warnings() and not _contents_readable(pdf):
                return "PDF ist beschädigt (Seiteninhalte nicht lesbar); bitte neu exportieren"
    except pikepdf.PasswordError:
        return "PDF ist mit einem Passwort verschlüsselt; bitte ohne Passwort speichern"
    except (pikepdf.PdfError, RecursionError, ValueError):
        return "PDF ist beschädigt und nicht lesbar"
    return None


def _contents_readable(pdf: object) -> bool:
    """After qpdf had to repair a file: can every page's content still be read, without new damage?"""
    import pikepdf

    assert isinstance(pdf, pikepdf.Pdf)
    before = len(pdf.get_warnings())
    try:
        for page in pdf.pages:
            contents = page.obj.get("/Contents")
            if contents is None:
                continue  # an empty page, drawn as such
            streams = contents if isinstance(contents, pikepdf.Array) else [contents]
            for stream in streams:
                if not isinstance(stream, pikepdf.Stream):
                    return False
                stream.read_bytes()
    except pikepdf.PdfError:
        return False
    return len(pdf.get_warnings()) == before


def _svg_problem(path: Path) -> str | None:
    import xml.etree.ElementTree as ET

    data = path.read_bytes()
    if _SVG_DANGER.search(data):
        return "SVG mit DOCTYPE oder Entitäten ist nicht erlaubt (bitte ohne speichern)"
    for m in _SVG_REF.finditer(data):
        target = (m.group(1) or m.group(2) or b"").decode("utf-8", "replace")
        if not target.startswith(("#", "data:")):
            return (f"SVG verweist auf eine andere Datei oder Adresse („{target or '@import'}“); "
                    "nur eingebettete Inhalte")
    try:
        ET.fromstring(data)
    except ET.ParseError as exc:
        return f"SVG ist kein gültiges XML ({exc.position[0]}. Zeile)"
    return None


def _image_problem(path: Path, kind: str, size: int) -> str | None:
    with path.open("rb") as fh:
        fh.seek(max(0, size - 32))
        tail = fh.read()
    complete = {"PNG": b"IEND\xaeB`\x82" in tail, "JPEG": b"\xff\xd9" in tail,
                "GIF": tail.rstrip(b"\x00").endswith(b";")}
    if not complete[kind]:
        return f"{kind}-Bild ist unvollständig (abgeschnitten)"
    return None
