"""Helpers for the rendering tests and for ``make golden``: build records, read PDF and DOCX as a
reader would (text per page, page images, DOCX paragraphs and tables)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageStat

from vorlagengen.project import load_project
from vorlagengen.render.build import build

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
    pdf = pdfium.PdfDocument(str(path))
    try:
        return pdf[page].render(scale=scale, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()


def image_difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference of two grey images, 0 (same) … 1 (inverse)."""
    if a.size != b.size:
        return 1.0
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0] / 255


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
