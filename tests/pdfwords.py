"""Word boxes of a PDF (pypdfium2's text page, character boxes joined into words), and the two
typesetting faults a reader notices at once: words printed over each other and words that leave the
page."""

from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium

TOLERANCE = 0.8  # pt; glyph boxes of neighbouring lines may touch, they must not cover each other
STAMP = {"ENTWURF"}  # the draft stamp lies over the page on purpose


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    left: float
    bottom: float
    right: float
    top: float

    def overlaps(self, other: Word) -> bool:
        width = min(self.right, other.right) - max(self.left, other.left)
        height = min(self.top, other.top) - max(self.bottom, other.bottom)
        return width > TOLERANCE and height > TOLERANCE


def words(pdf: bytes) -> tuple[list[Word], list[tuple[float, float]]]:
    """Every word of every page, and each page's size."""
    doc = pdfium.PdfDocument(pdf)
    out: list[Word] = []
    sizes = []
    try:
        for number in range(len(doc)):
            page = doc[number]
            sizes.append(page.get_size())
            text = page.get_textpage()
            out.extend(_page_words(text, number + 1))
            text.close()
            page.close()
    finally:
        doc.close()
    return out, sizes


def _page_words(text: pdfium.PdfTextPage, page: int) -> list[Word]:
    found: list[Word] = []
    current: list[tuple[str, tuple[float, float, float, float]]] = []

    def flush() -> None:
        if current:
            chars = "".join(c for c, _ in current)
            box = (min(b[0] for _, b in current), min(b[1] for _, b in current),
                   max(b[2] for _, b in current), max(b[3] for _, b in current))
            if chars.strip() and chars not in STAMP:
                found.append(Word(page, chars, *box))
            current.clear()

    count = text.count_chars()
    all_text = text.get_text_range(0, count)
    if len(all_text) != count:  # characters outside the BMP: fall back to one call per character
        all_text = "".join(text.get_text_range(i, 1) or " " for i in range(count))
    for i in range(count):
        char = all_text[i]
        if not char or char.isspace() or char in "\u00ad\ufffe":
            flush()
            continue
        box = text.get_charbox(i)
        if box[2] - box[0] <= 0 and box[3] - box[1] <= 0:
            continue  # a generated character without a glyph
        if current:
            last = current[-1][1]
            same_line = min(last[3], box[3]) - max(last[1], box[1]) > 0
            if not same_line or box[0] < last[0] - 0.5 or box[0] - last[2] > 3:
                flush()
        current.append((char, box))
    flush()
    return found


def problems(pdf: bytes) -> list[str]:
    """„overlap“ and „off page“ findings, readable in a failing test."""
    found, sizes = words(pdf)
    out = []
    for w in found:
        width, height = sizes[w.page - 1]
        if w.left < -0.5 or w.bottom < -0.5 or w.right > width + 0.5 or w.top > height + 0.5:
            out.append(f"Seite {w.page}: „{w.text}“ ragt über den Seitenrand")
    by_page: dict[int, list[Word]] = {}
    for w in found:
        by_page.setdefault(w.page, []).append(w)
    for page_words in by_page.values():
        page_words.sort(key=lambda w: w.left)
        for i, a in enumerate(page_words):
            for b in page_words[i + 1:]:
                if b.left >= a.right - TOLERANCE:
                    break
                if a.overlaps(b):
                    out.append(f"Seite {a.page}: „{a.text}“ überdeckt „{b.text}“")
    return out
