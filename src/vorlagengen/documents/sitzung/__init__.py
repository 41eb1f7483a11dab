"""A Sitzung's documents: Einladung (DOCX, PDF), Bekanntmachung (PDF) and the public and the full
Sitzungsmappe (PDF/A-2b), in the Drucksache's shape:

- ``context``: the typed context of the documents (what a template may show), built from the loaded
  Sitzung; the public context never holds anything non-public.
- ``anlagen``: Anlagen ready for the Mappe (PDF/A by Ghostscript, office files by LibreOffice, both
  cached by content) and drawing their pages into the compiled Mappe with pikepdf.
- ``documents``: Markdown → typst/DOCX for each document, written atomically.
"""

from vorlagengen.documents.sitzung.unterlagen import SitzungResult, build_sitzung

__all__ = ["SitzungResult", "build_sitzung"]
