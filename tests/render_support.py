"""Helpers for the rendering tests and for ``make golden``: build records, read PDF and DOCX as a
reader would (text per page, page images, DOCX paragraphs and tables)."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pypdfium2 as pdfium
from PIL import Image, ImageChops

from vorlagengen.documents.drucksache import build
from vorlagengen.load.project import load_project

REPO = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
SEEDS = sorted((REPO / "vorlagen").rglob("*.yaml"))


def build_project(root: Path, out: Path, paths: list[Path] | None = None, **kw) -> None:
    project = load_project(root, paths, jobs=1)
    build(project, out, **kw)


def pdf_pages(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


_PAGE_NO = re.compile(r"Seite \d+ von \d+")


def body_text(path: Path, running: tuple[str, ...] = ()) -> str:
    """The text of all pages without the running footer (``running`` names its fixed parts), so a
    sentence broken across pages stays whole."""
    pages = []
    for page in pdf_pages(path):
        page = _PAGE_NO.sub("", page)
        for text in running:
            page = page.replace(text, "")
        pages.append(page)
    return "".join(pages)


def page_image(path: Path, page: int = 0, scale: float = 0.75) -> Image.Image:
    """One page in colour (RGB), 0.75 px per point (54 dpi): 446 × 631 px for A4."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        return pdf[page].render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()


# Golden images are compared tile by tile: the page is cut into TILE × TILE pixel squares and the
# worst square decides. A mean over the whole page hides a renamed label (it changes 0.2 % of the
# page) – inside its square it changes a fifth of the pixels. TOLERANCE is the mean difference a
# square may show (4 of 255 grey levels, in the colour channel that differs most): enough for
# anti-aliasing of another FreeType build, far below a changed word, a moved line or a lighter fill.
TILE = 16
TOLERANCE = 4 / 255


@dataclass(frozen=True)
class TileDifference:
    row: int  # 1-based, from the top
    col: int  # 1-based, from the left
    box: tuple[int, int, int, int]  # pixels: left, top, right, bottom (exclusive)
    value: float  # mean difference in that tile, 0 … 1
    tiles: int  # how many tiles differ beyond the tolerance

    def __str__(self) -> str:
        x0, y0, x1, y1 = self.box
        return (f"Kachel Zeile {self.row}, Spalte {self.col} (Pixel x {x0}–{x1 - 1}, y {y0}–{y1 - 1}) weicht um "
                f"{self.value:.3f} ab (erlaubt {TOLERANCE:.3f}); {self.tiles} Kachel(n) über der Toleranz")


def tile_differences(actual: Image.Image, golden: Image.Image, tile: int = TILE) -> list[float]:
    """Mean absolute difference of every tile (row by row), in the colour channel that differs most."""
    diff = ImageChops.difference(actual.convert("RGB"), golden.convert("RGB"))
    r, g, b = diff.split()
    worst = ImageChops.lighter(ImageChops.lighter(r, g), b)
    cols, rows = -(-worst.width // tile), -(-worst.height // tile)
    padded = Image.new("L", (cols * tile, rows * tile), 0)
    padded.paste(worst, (0, 0))
    means = padded.resize((cols, rows), Image.Resampling.BOX)
    return [v / 255 for v in means.tobytes()]


def compare_images(actual: Image.Image, golden: Image.Image, tile: int = TILE,
                   tolerance: float = TOLERANCE) -> TileDifference | None:
    """None when every tile is within the tolerance, else where the worst tile is."""
    if actual.size != golden.size:
        w, h = actual.size
        return TileDifference(0, 0, (0, 0, w, h), 1.0, -1)
    values = tile_differences(actual, golden, tile)
    cols = -(-actual.width // tile)
    worst = max(range(len(values)), key=values.__getitem__)
    if values[worst] <= tolerance:
        return None
    row, col = divmod(worst, cols)
    box = (col * tile, row * tile, min((col + 1) * tile, actual.width), min((row + 1) * tile, actual.height))
    return TileDifference(row + 1, col + 1, box, values[worst], sum(v > tolerance for v in values))


def golden_mismatch(pdf: Path, page: int, golden: Path, keep: Path | None = None) -> str | None:
    """Why page ``page`` of ``pdf`` does not match ``golden`` (with the place), or None. The page as
    rendered now is saved to ``keep`` (if given) so that it can be looked at next to the golden one."""
    if not golden.exists():
        return f"{golden} fehlt: „make golden“ ausführen und das Bild ansehen"
    actual = page_image(pdf, page)
    found = compare_images(actual, Image.open(golden))
    if found is None:
        return None
    if keep is not None:
        actual.save(keep)
    size = "" if found.tiles >= 0 else f" (Größe {actual.size} statt {Image.open(golden).size})"
    return f"{pdf.name} Seite {page + 1} weicht von {golden.name} ab{size}: {found}" + (
        f"; jetzt: {keep}" if keep is not None else "")


def docx_text(path: Path) -> str:
    """All text of a DOCX: body paragraphs, table cells, headers and footers."""
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    for section in d.sections:
        parts += [p.text for p in section.header.paragraphs]
        parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def docx_structure(path: Path) -> dict[str, Any]:
    """What a DOCX says and in which Word styles: body paragraphs (style, text) and tables (style,
    cells row by row) in document order, then header and footer paragraphs. Compared exactly
    with the structural goldens (tests/golden/*.docx.json)."""
    d = docx.Document(str(path))
    body: list[Any] = []
    for block in d.iter_inner_content():
        if isinstance(block, docx.table.Table):
            body.append({"tabelle": block.style.name if block.style is not None else "",
                         "zeilen": [[cell.text for cell in row.cells] for row in block.rows]})
        else:
            body.append([block.style.name if block.style is not None else "", block.text])
    sections = [{"kopf": [p.text for p in s.header.paragraphs], "fuss": [p.text for p in s.footer.paragraphs]}
                for s in d.sections]
    return {"inhalt": body, "abschnitte": sections}


def structure_text(structure: dict[str, Any]) -> str:
    return json.dumps(structure, ensure_ascii=False, indent=1) + "\n"


def norm(text: str) -> str:
    """Letters and digits only, lower case: hyphenation, line breaks and spacing do not matter."""
    return re.sub(r"[\W_]+", "", text.replace("\u00ad", "")).lower()


def markdown_sentences(md: str) -> list[str]:
    """The sentences of an author's Markdown, with its markup removed."""
    text = re.sub(r"^\s{0,3}(#+|[-*+]|\d+\.)\s+", "", md, flags=re.MULTILINE)
    text = text.replace("**", "").replace("\\", "")
    pieces = re.split(r"(?<=[.!?:])\s+|\n", text)
    return [p.strip() for p in pieces if len(norm(p)) >= 12]


def copy_project(dest: Path) -> Path:
    """A fresh project with the repository's data/ and no records."""
    shutil.copytree(REPO / "data", dest / "data")
    (dest / "vorlagen").mkdir()
    return dest


# --- goldens of a Sitzung -----------------------------------------------------------------------

DEMO_SITZUNG = "wandsbek-jha-2011-05-11"
# (file, page index, golden name): the Mappe's cover, its Tagesordnung, the first page the Mappe
# sets around a non-public Anlage (header „– nichtöffentlich –“, heading, frame; a TOP has no
# separator page of its own any more), the first page of the Einladung.
SITZUNG_PAGES = [
    ("Sitzungsmappe-vollstaendig.pdf", 0, "deckblatt"),
    ("Sitzungsmappe-vollstaendig.pdf", 1, "tagesordnung"),
    ("Einladung.pdf", 0, "einladung"),
]
SITZUNG_ANLAGE = "Anlage 1 zu 19/0175"  # that page is found by its heading


def build_demo_sitzung(dest: Path) -> Path:
    """The demo Sitzung built from a copy of the repository outside git, with a fixed date, so its
    „Stand“ does not change with every commit. Returns the folder with its documents."""
    import os

    from vorlagengen.documents.sitzung import build_sitzung

    for name in ("data", "vorlagen", "sitzungen", "templates"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, dest / name)
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1304380800"  # 03.05.2011
    try:
        project = load_project(dest, None, sitzungen=[dest / "sitzungen" / f"{DEMO_SITZUNG}.yaml"], jobs=1)
        return build_sitzung(project, project.sitzungen[0], dest / "build").internal_folder
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def heading_page(pdf: Path, heading: str = SITZUNG_ANLAGE) -> int:
    """Index of the first page with ``heading`` after the contents."""
    return next(i for i, text in enumerate(pdf_pages(pdf)) if i > 1 and heading in text)


def sitzung_goldens(folder: Path) -> list[tuple[Path, int, str]]:
    """(pdf, page index, golden file name) of every golden page of the demo Sitzung."""
    out = [(folder / f, page, f"sitzung-{DEMO_SITZUNG}-{name}.png") for f, page, name in SITZUNG_PAGES]
    mappe = folder / "Sitzungsmappe-vollstaendig.pdf"
    out.insert(2, (mappe, heading_page(mappe), f"sitzung-{DEMO_SITZUNG}-anlage-nichtoeffentlich.png"))
    return out


# --- after the session: Niederschrift, Beschlussauszug, Beschlusskontrolle -----------------------------

NIEDERSCHRIFT_TODAY = "2026-11-23"  # fixed, so the Ampel of the Beschlusskontrolle does not move with time


def build_demo_niederschrift(dest: Path) -> Path:
    """The demo project's Niederschriften and Beschlusskontrolle, built outside git with a fixed date;
    returns the build folder (both trees)."""
    import datetime as dt
    import os

    from vorlagengen.documents.sitzung.protokoll import build_beschluesse, build_niederschrift

    for name in ("data", "vorlagen", "sitzungen"):
        shutil.copytree(REPO / name, dest / name)
    today = dt.date.fromisoformat(NIEDERSCHRIFT_TODAY)
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1304380800"
    try:
        project = load_project(dest, jobs=1)
        for srec in project.sitzungen:
            if srec.niederschrift is not None:
                build_niederschrift(project, srec, dest / "build", today)
        build_beschluesse(project, dest / "build", today)
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    return dest / "build"


def niederschrift_goldens(out: Path) -> list[tuple[Path, int, str]]:
    """(pdf, page index, golden file name): first pages of the public Niederschrift (minimal), the
    internal non-public part, a Beschlussauszug and the internal Beschlusskontrolle."""
    intern = out / "intern" / "sitzungen" / DEMO_SITZUNG
    return [
        (out / "oeffentlich" / "sitzungen" / DEMO_SITZUNG / "Niederschrift.pdf", 0,
         f"niederschrift-{DEMO_SITZUNG}-oeffentlich.png"),
        (intern / "Niederschrift-nichtoeffentlicher-Teil.pdf", 0, f"niederschrift-{DEMO_SITZUNG}-nichtoeffentlich.png"),
        (intern / "Beschlussauszuege" / "Beschlussauszug-TOP-Oe-3.pdf", 0, f"beschlussauszug-{DEMO_SITZUNG}-Oe-3.png"),
        (out / "intern" / "beschluesse" / "wandsbek" / "Beschlusskontrolle.pdf", 0, "beschlusskontrolle-wandsbek.png"),
    ]
