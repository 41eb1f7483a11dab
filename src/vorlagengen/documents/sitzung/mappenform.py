"""Each Drucksache as a Mappe shows it: its own PDF as ``build`` sets it, in the form of the Mappe's
tree, but without its own page counter (in the Mappe the Mappe's header counts the pages: one
counter, not two).

This form is set once per change of the Drucksache and kept in the cache of its tree (kept.py),
under the same fingerprint as the Drucksache's own PDF (its record, Anlagen, what it shows of
others, data/, layout, fonts, code): every Mappe of every later run that shows it reads it from
there. The public form is made from the public projection and kept in the public cache
(trees.public_cache_dir), never in or from the internal tree; the full Mappe takes the public form
of a Drucksache whose internal form is the same document (then it is set once for both).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import vorlagengen.documents.recipe as recipe
import vorlagengen.documents.trees as trees
from vorlagengen.documents.drucksache import (
    code_fingerprint,
    drucksache,
    project_fingerprint,
    record_digest,
    record_fingerprint,
)
from vorlagengen.documents.kept import keep, read_kept
from vorlagengen.documents.layouts import Layout, get_layout
from vorlagengen.documents.recipe import Document, Prepared
from vorlagengen.model.records import ProjectData, Record, slug
from vorlagengen.public.schwaerzung import KLASSE

FORMAT = "mappe-pdf"  # in the fingerprint in place of the Drucksache's own "pdf"


@dataclass
class Mappenformen:
    """The Drucksachen forms of one run's Mappen (every Sitzung), each set at most once."""

    out: Path
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _once: dict[tuple[str, bool], threading.Lock] = field(default_factory=dict)
    _made: dict[tuple[str, bool], bytes] = field(default_factory=dict)
    _bases: dict[tuple[str, str], str] = field(default_factory=dict)
    # each form's document, context and Markdown, made once per run: the full Mappe compares a
    # Drucksache's internal Markdown with its public twin's, which the public Mappe sets
    _text_once: dict[tuple[str, bool], threading.Lock] = field(default_factory=dict)
    _texts: dict[tuple[str, bool], tuple[Document, Prepared, str]] = field(default_factory=dict)

    def get(self, record: Record, project: ProjectData, twin: tuple[Record, ProjectData] | None = None) -> bytes:
        """The form of ``record`` in ``project``'s tree; ``twin`` is the same Drucksache in the public
        projection, whose form the full Mappe takes when both are the same document."""
        key = (str(record.path), bool(project.public))
        return self._once_for(key, lambda: self._form(record, project, twin))

    def _once_for(self, key: tuple[str, bool], make: Callable[[], bytes]) -> bytes:
        with self._lock:
            lock = self._once.setdefault(key, threading.Lock())
        with lock:
            known = self._made.get(key)
            if known is None:
                known = self._made[key] = make()
            return known

    def _text(self, record: Record, project: ProjectData, layout: Layout) -> tuple[Document, Prepared, str]:
        """The form's document, its context (without the page counter) and its Markdown, made once."""
        key = (str(record.path), bool(project.public))
        with self._lock:
            lock = self._text_once.setdefault(key, threading.Lock())
        with lock:
            known = self._texts.get(key)
            if known is None:
                doc = drucksache(record, project, layout, Path("."), ("pdf",))
                prep = _without_counter(doc.prepare())
                known = self._texts[key] = (doc, prep, recipe.markdown_of(doc, prep))
            return known

    def _base(self, project: ProjectData, layout: Layout) -> str:
        key = (str(project.root), layout.name)
        base = self._bases.get(key)
        if base is None:
            base = self._bases[key] = code_fingerprint() + project_fingerprint(project.root, layout)
        return base

    def _form(self, record: Record, project: ProjectData, twin: tuple[Record, ProjectData] | None) -> bytes:
        layout = get_layout(project.ref.koerperschaften[record.vorlage.koerperschaft].layout, project.root)
        fp = record_fingerprint(record_digest(record, project), self._base(project, layout), FORMAT)
        cache = trees.public_cache_dir(self.out) if project.public else trees.cache_dir(self.out)
        folder = cache / "mappe" / record.vorlage.koerperschaft / slug(record.vorlage.nummer)
        known = read_kept(folder, fp, ".pdf")
        if known is not None:
            return known
        doc, prep, markdown = self._text(record, project, layout)
        if twin is not None and not project.public:
            _, twin_prep, twin_markdown = self._text(twin[0], twin[1], layout)
            same = (markdown, prep.inputs, prep.entwurf) == (twin_markdown, twin_prep.inputs, twin_prep.entwurf)
            if same and KLASSE not in markdown:  # as build copies the public form (drucksache._same_document)
                pdf = self.get(twin[0], twin[1])
                keep(folder, fp, pdf, ".pdf", alone=True)
                return pdf
        pdf = _set(doc, prep, markdown)
        keep(folder, fp, pdf, ".pdf", alone=True)
        return pdf


def _without_counter(prep: Prepared) -> Prepared:
    prep.inputs["seitenzahl"] = "nein"
    return prep


def _set(doc: Document, prep: Prepared, markdown: str) -> bytes:
    try:
        return recipe.convert(doc, prep, markdown, ("pdf",))["pdf"]
    finally:
        if prep.cleanup is not None:
            prep.cleanup()
