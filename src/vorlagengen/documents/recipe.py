"""The one recipe every document kind is made with: a :class:`Document` → its files' bytes.

Markdown from the layout's template and the document's typed context → pandoc (one parse for every
format) → typst with one main file, the layout's inputs and the document's epoch → PDF/A; DOCX with
the layout's reference document where the kind has one. The typst main imports the shared Sitzung
functions first and the layout's own file last, so a layout's functions win over the base ones in
every kind (Drucksache, letters, Mappe, Niederschrift, Beschlussauszug, Beschlusskontrolle).

A Sitzungsmappe is the same recipe with one more step: its Drucksachen and Anlagen are drawn into
the placeholder pages typst leaves (``Prepared.assemble``). What typst set for it is kept
(``Prepared.kept``) by the digest of everything typst read, so a Mappe whose pages stay where they
were (a Drucksache changed, not its page count) is only drawn in again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vorlagengen.documents.docx_reference import reference_for, with_footer_text
from vorlagengen.documents.engines import pandoc_worker, typst_pdf, typst_pdf_placed
from vorlagengen.documents.kept import keep, read_kept
from vorlagengen.documents.layouts import Layout
from vorlagengen.documents.markdown import render_markdown
from vorlagengen.documents.origins import Origin

FORMATS = ("docx", "pdf")
# The shared functions first, the layout's own last: what a layout defines wins.
TYPST_MAIN = '#import "/sitzung.typ": *\n#import "/layout.typ": *\n#show: {show}\n'


@dataclass
class Prepared:
    """What a document shows, made from its typed context when it is rendered."""

    context: dict[str, Any]  # the template's variables (typed values)
    inputs: dict[str, str]  # typst's sys.inputs: PDF metadata and running texts
    entwurf: bool = False  # the DOCX reference with the ENTWURF stamp
    origins: tuple[Origin, ...] = ()  # the Markdown fields set in (pandoc's warnings name their place)
    footer: str = ""  # text put before the DOCX footer's own ("" = the reference's alone)
    seite: tuple[str, str, str] = ("Seite ", " von ", "")  # the DOCX footer's words around the page numbers
    stempel: str = "ENTWURF"  # the DOCX header's stamp of a draft (the word table's)
    # a Mappe: the typst root with the Anlagen's files, the PDF standards, and what is drawn into the
    # placeholder pages (id → a PDF's bytes or file)
    staging: Path | None = None
    standards: tuple[str, ...] | None = None
    sources: dict[str, bytes | Path] = field(default_factory=dict)  # what is drawn in, by placeholder id
    assemble: Callable[[bytes, list[dict[str, Any]]], bytes] | None = None
    cleanup: Callable[[], None] | None = None
    # where typst's placed output is kept between runs, and what it depends on besides the source,
    # the inputs and the files in ``staging`` (the fonts and the engines: the code's fingerprint)
    kept: tuple[Path, str] | None = None


@dataclass(frozen=True)
class Document:
    """One document of any kind, planned: where it goes, in which tree, from what.

    ``prepare`` makes its typed context (a planner lists thousands of documents cheaply; only those
    whose ``fingerprint`` changed are prepared and rendered). ``fingerprint`` covers every input:
    two documents with the same fingerprint render to the same bytes."""

    kind: str  # Drucksache, Einladung, Bekanntmachung, Nachtrag, Sitzungsmappe, Niederschrift, …
    template: str  # the layout's Markdown template, e.g. vorlage.md.j2
    show: str  # the typst show rule of the layout, e.g. vorlage, einladung, mappe
    layout: Layout
    epoch: int  # the time the files carry (reproducible builds)
    public: bool  # made from the public projection, written to the public tree
    target: Path  # the file without its suffix
    formats: tuple[str, ...]
    display: str  # how messages name it
    fingerprint: str
    prepare: Callable[[], Prepared] = field(compare=False)

    def path(self, fmt: str) -> Path:
        return self.target.with_name(f"{self.target.name}.{fmt}")  # a Nr. may hold dots


def _stable_repr(value: object) -> str:
    """A value's repr for a fingerprint; one that names a memory address would change every run."""
    text = repr(value)
    if " object at 0x" in text:
        raise TypeError(f"no stable repr for a fingerprint: {type(value).__name__}")
    return text


def fingerprint(*parts: object) -> str:
    """A digest of a document's inputs given as plain values (strings, numbers, lists, dicts)."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=_stable_repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def markdown_of(doc: Document, prep: Prepared) -> str:
    return render_markdown(doc.layout, prep.context, doc.template)


def render(doc: Document, prep: Prepared | None = None, formats: tuple[str, ...] | None = None) -> dict[str, bytes]:
    """The document in ``formats`` (default: its own), bytes, nothing written."""
    prep = prep or doc.prepare()
    try:
        return convert(doc, prep, markdown_of(doc, prep), formats or doc.formats)
    finally:
        if prep.cleanup is not None:
            prep.cleanup()


def convert(doc: Document, prep: Prepared, markdown: str, formats: tuple[str, ...]) -> dict[str, bytes]:
    """Markdown → the requested formats, parsed once by this thread's pandoc. pandoc writes the
    typst source first; typst sets the PDF while pandoc writes the DOCX."""
    wanted = [("typst" if f == "pdf" else f) for f in FORMATS if f in set(formats)]
    if wanted == ["typst"] and prep.kept is not None:
        return {"pdf": _pdf(doc, prep, _kept_source(doc, prep, markdown))}
    made: dict[str, bytes] = {}
    failed: Exception | None = None
    for fmt, data in pandoc_worker().convert_each(
            markdown, sorted(wanted, key=lambda f: f != "typst"), doc.epoch, doc.display,
            reference_for(doc.layout, prep.entwurf, prep.stempel) if "docx" in wanted else None,
            public=doc.public, origins=list(prep.origins), told=wanted):
        if fmt == "typst":
            try:
                made["pdf"] = _pdf(doc, prep, TYPST_MAIN.format(show=doc.show) + data.decode("utf-8"))
            except Exception as exc:  # raised once pandoc is done: its own failure or warning comes first
                failed = exc
        else:
            made["docx"] = with_footer_text(data, prep.footer, prep.seite)
    if failed is not None:
        raise failed
    return {f: made[f] for f in ("pdf", "docx") if f in made}


def _kept_source(doc: Document, prep: Prepared, markdown: str) -> str:
    """The typst source pandoc writes of a placed document's Markdown (a Mappe's), kept between runs
    by the digest of what pandoc reads (the Markdown, whether the document is public, its epoch) and
    of the code (prep.kept: pandoc's version and the filter are in it). A Mappe whose Markdown is the
    same (a Drucksache changed, not its page count) is not read by pandoc again. pandoc's failure or
    warning keeps nothing."""
    assert prep.kept is not None
    folder = prep.kept[0] / "typst"
    key = hashlib.sha256(json.dumps([markdown, doc.public, doc.epoch, doc.show, prep.kept[1]]).encode()).hexdigest()
    kept = read_kept(folder, key, ".typ")
    if kept is not None:
        return kept.decode("utf-8")
    data = pandoc_worker().convert(markdown, ["typst"], doc.epoch, doc.display, None, public=doc.public,
                                   origins=list(prep.origins))["typst"]
    source = TYPST_MAIN.format(show=doc.show) + data.decode("utf-8")
    keep(folder, key, source.encode("utf-8"), ".typ", alone=True)
    return source


def _pdf(doc: Document, prep: Prepared, source: str) -> bytes:
    standards = list(prep.standards) if prep.standards is not None else None
    if prep.staging is None:
        return typst_pdf(source, doc.layout, prep.inputs, doc.epoch, doc.display, standards)
    # what typst set is looked up by the digest of what it reads, taken before it writes its main file
    key = _typst_key(prep, source, doc.epoch, standards or []) if prep.kept is not None else ""
    placed_pdf = _kept_typst(prep, key)
    if placed_pdf is None:
        placed_pdf = typst_pdf_placed(source, doc.layout, prep.staging, prep.inputs, doc.epoch, doc.display,
                                      standards or [])
        _keep_typst(prep, key, placed_pdf)
    pdf, placed = placed_pdf
    return prep.assemble(pdf, placed) if prep.assemble is not None and placed else pdf


def _typst_key(prep: Prepared, source: str, epoch: int, standards: list[str]) -> str:
    """The digest of everything typst reads for a placed document: the source, inputs, time, standards,
    every file in its root, and what the caller names (fonts, engine)."""
    assert prep.staging is not None and prep.kept is not None
    h = hashlib.sha256(json.dumps([source, prep.inputs, epoch, standards, prep.kept[1]], sort_keys=True).encode())
    for path in sorted(p for p in prep.staging.rglob("*") if p.is_file()):
        h.update(path.relative_to(prep.staging).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _kept_typst(prep: Prepared, key: str) -> tuple[bytes, list[dict[str, Any]]] | None:
    if prep.kept is None:
        return None
    data = read_kept(prep.kept[0], key, ".satz")
    if data is None:
        return None
    head, _, pdf = data.partition(b"\n")
    return pdf, list(json.loads(head))


def _keep_typst(prep: Prepared, key: str, made: tuple[bytes, list[dict[str, Any]]]) -> None:
    if prep.kept is not None:
        data = json.dumps(made[1], sort_keys=True).encode() + b"\n" + made[0]
        keep(prep.kept[0], key, data, ".satz", alone=True)
