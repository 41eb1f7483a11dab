"""The pages of a PDF as images (JPEG) and as text, by PDFium (pypdfium2).

The preview shows the very PDF the build writes, page by page: an image for the eye and the page's
text for screen readers (and for finding a word in the page). PDFium is not thread-safe: every
call here must come from one thread (the server's raster thread).
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium

SCALE = 1.5  # 108 dpi: an A4 page of 893 × 1263 pixels, sharp at its shown width (about 60 rem)
# JPEG at quality 90 without chroma subsampling: at four times magnification not told apart from a PNG
# of the same page, and encoded three to four times as fast (20 against 80 ms; a PNG's deflate is
# the slowest step between a save and the new page)
JPEG = {"quality": 90, "subsampling": 0}


class Pages:
    """One PDF, opened once; its page count and texts at once, each page's image when asked."""

    def __init__(self, pdf: bytes) -> None:
        self._doc = pdfium.PdfDocument(pdf)
        self.texts = [self._text(i) for i in range(len(self._doc))]
        self.sizes = [self._size(i) for i in range(len(self._doc))]
        self._images: dict[int, bytes] = {}

    def _text(self, index: int) -> str:
        page = self._doc[index]
        textpage = page.get_textpage()
        text = str(textpage.get_text_range())
        # PDFium marks a hyphenation break with U+FFFE: the word is joined again
        return text.replace("\ufffe\r\n", "").replace("\ufffe", "").replace("\r\n", "\n").replace("\r", "\n")

    def _size(self, index: int) -> tuple[int, int]:
        width, height = self._doc[index].get_size()
        return round(width * SCALE), round(height * SCALE)

    def image(self, index: int) -> bytes:
        """The page ``index`` (from 0) as a JPEG image."""
        if index not in self._images:
            bitmap = self._doc[index].render(scale=SCALE)
            buffer = io.BytesIO()
            bitmap.to_pil().save(buffer, "JPEG", **JPEG)
            self._images[index] = buffer.getvalue()
        return self._images[index]

    def close(self) -> None:
        self._doc.close()
