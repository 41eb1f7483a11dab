"""``vorlagengen leckpruefung``: search a public output tree for anything only the internal project holds.

Secret is what the rules of Öffentlichkeit keep internal: every text of a non-public Drucksache,
non-public and personenbezogene Anlagen (title, file name), non-public TOPs and what a Niederschrift
records about them, its Gäste and the reasons of absence, every Schwärzung (marked spans,
``schwaerzen`` terms) and the entries of data/ that only non-public things use (a person by the full
name). Texts are cut into phrases at sentence marks and Markdown syntax; a phrase counts when it has
at least ``MIN_PHRASE`` letters and digits (a Schwärzung, a name, a Gast: ``MIN_SCHWAERZUNG``) and
occurs in no text the public may see (the public projection, ``public.public_project``, and the
Niederschrift of public TOPs); so a word that is also public never raises an alarm. The contents of
Anlage files are not read (the attack-style leak tests cover them).

Every file below the tree is read as a reader or a program would (``file_texts``): its name, its
bytes, for PDFs every string, stream and the text layer, for DOCX/ZIP every member, for gzip (the
search index) the content. Letters and digits only, lower case (``norm``): hyphenation, line breaks
and markup hide nothing. Findings name the output file and where the secret comes from (file and
field), never the secret itself: CI logs are often public.

The same reading serves the attack-style leak tests (tests/leak_support.py), which search for marker
words instead.
"""

from __future__ import annotations

import gzip
import html
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import vorlagengen.public.schwaerzung as schwaerzung
from vorlagengen.model.records import Project, PublicProject

MIN_PHRASE = 12
# Short secrets (a Schwärzung, a Gast, the Grund of an absence) count from this length: shorter
# words occur by chance in the website's program files (a first name inside minified JavaScript).
MIN_SCHWAERZUNG = 8
_SPLIT = re.compile(r"[\n.!?;:()\[\]{}|*#>_`~]+")
_TAG = re.compile(r"<[^>]*>")


def norm(text: str) -> str:
    """Letters and digits only, lower case: hyphenation and line breaks do not hide a word."""
    return re.sub(r"[^0-9a-zäöüß]", "", text.lower())


def _pdf_object_texts(obj: object, pikepdf: Any) -> list[str]:
    out: list[str] = []
    if isinstance(obj, pikepdf.Stream):
        try:
            raw = obj.read_bytes()
        except pikepdf.PdfError:
            raw = obj.read_raw_bytes()
        out.append(raw.decode("latin-1"))
        out.append(raw.decode("utf-8", "replace"))
        out.append(raw.decode("utf-16-be", "replace"))
        out.append(repr(dict(obj.stream_dict.items())))
    elif isinstance(obj, pikepdf.Dictionary | pikepdf.Array | pikepdf.String):
        out.append(repr(obj))
        if isinstance(obj, pikepdf.String):
            out.append(str(obj))
    return out


def _pdf_texts(data: bytes) -> list[str]:
    """Every decompressed stream and every string object of a PDF, and its text layer."""
    import pikepdf
    import pypdfium2 as pdfium

    out: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            out.extend(_pdf_object_texts(obj, pikepdf))
        out.append(str(pdf.trailer))
    doc = pdfium.PdfDocument(data)
    try:
        out.extend(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    return out


def file_texts(path: Path) -> list[str]:
    """Everything a reader or a program could get out of one file, as text."""
    data = path.read_bytes()
    texts = [path.name, data.decode("latin-1"), data.decode("utf-8", "replace")]
    texts += [data.decode(enc, "replace") for enc in ("utf-16-be", "utf-16-le")]
    if path.suffix.lower() in {".html", ".htm", ".xml", ".svg"}:
        texts.append(html.unescape(_TAG.sub("", texts[2])))  # text split by markup reads whole
    if data.startswith(b"%PDF"):
        texts += _pdf_texts(data)
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for info in z.infolist():
                member = z.read(info).decode("utf-8", "replace")
                texts += [info.filename, member, html.unescape(_TAG.sub("", member))]
    if data.startswith(b"\x1f\x8b"):  # gzip: the website's search index (Pagefind fragments, index, filters)
        inner = gzip.decompress(data)
        texts += [inner.decode("utf-8", "replace"), inner.decode("latin-1")]
    return texts


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value, 1):
            yield from _strings(item, f"{where}[{i}]")


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json")


def _marked(project: Project) -> Iterator[tuple[str, str, str]]:
    """Schwärzungen: the ``schwaerzen`` terms of every record and every marked span of every text."""
    for rec in project.records:
        for i, term in enumerate(rec.vorlage.schwaerzen or [], 1):
            yield rec.display, f"schwaerzen[{i}]", _kurz(term)
        yield from ((rec.display, w, t) for w, t in _strings(_dump(rec.vorlage), "") if schwaerzung.SPAN.search(t))
    for srec in project.sitzungen:
        for model, display in ((srec.sitzung, srec.display), (srec.niederschrift, str(srec.niederschrift_path))):
            if model is not None:
                yield from ((display, w, t) for w, t in _strings(_dump(model), "") if schwaerzung.SPAN.search(t))


def _kurz(text: str) -> str:
    """A short secret counts whole from MIN_SCHWAERZUNG, as a marked Schwärzung does."""
    return f"[{text}]{{.{schwaerzung.KLASSE}}}"


STEP_TEXTS = ("beratungsinhalt", "wortprotokoll", "beschluss_nr", "ergebnis_text")


def _secret_texts(project: Project, public: PublicProject) -> Iterator[tuple[str, str, str]]:
    """(file, field, text) of what must never be public: non-public Drucksachen, non-public and
    personenbezogene Anlagen, what a Beratung step in a non-public session records, non-public TOPs
    and what a Niederschrift records about them, its Gäste and the reasons of absence."""
    public_steps = {r.path: r.vorlage.beratungsfolge for r in public.records}
    for rec in project.records:
        data = _dump(rec.vorlage)
        if rec.vorlage.status != "öffentlich":
            yield from ((rec.display, w, t) for w, t in _strings(data, ""))
            continue
        for i, (anlage, dumped) in enumerate(zip(rec.vorlage.anlagen, data.get("anlagen") or [], strict=False), 1):
            if not anlage.oeffentlich or anlage.personenbezogen:
                yield from ((rec.display, w, t) for w, t in _strings(dumped, f"anlagen[{i}]"))
        shown = public_steps.get(rec.path, [])
        for i, dumped in enumerate(data.get("beratungsfolge") or [], 1):
            if i > len(shown) or not shown[i - 1].oeffentlich:  # the projection keeps none of it
                for name in STEP_TEXTS:
                    where = f"beratungsfolge[{i}].{name}"
                    yield from ((rec.display, w, t) for w, t in _strings(dumped.get(name), where))
    for srec in project.sitzungen:
        data = _dump(srec.sitzung)
        yield from ((srec.display, w, t) for w, t in _strings(data["tagesordnung"].get("nichtoeffentlich"),
                                                                "tagesordnung.nichtoeffentlich"))
        if srec.niederschrift is None:
            continue
        display = str(srec.niederschrift_path)
        secret = {e.nummer for e in srec.all_tops() if not e.oeffentlich_beraten}
        n = _dump(srec.niederschrift)
        yield from ((display, w, _kurz(t)) for w, t in _strings(n.get("gaeste"), "gaeste"))
        for i, teilnahme in enumerate(n.get("anwesenheit") or [], 1):
            yield from ((display, w, _kurz(t)) for w, t in _strings(teilnahme.get("grund"),
                                                                    f"anwesenheit[{i}].grund"))
        for i, top in enumerate(n.get("tops") or [], 1):
            if top.get("top") in secret:
                yield from ((display, w, t) for w, t in _strings(top, f"tops[{i}]"))


def _unused_refdata(project: Project, public: PublicProject, named: set[str]) -> Iterator[tuple[str, str, str]]:
    """Entries of data/ that the public projection leaves out (used only by non-public records and
    TOPs) and no public text names by their id (the Niederschrift's Vorsitz, Anwesenheit …). A person
    counts by the full name („Erika Mustermann“), never by a first or last name alone."""
    for name in ("koerperschaften", "gremien", "aemter", "personen"):
        shown = getattr(public.ref, name)
        for key, entry in getattr(project.ref, name).items():
            if key in shown or key in named:
                continue
            data = _dump(entry)
            if name == "personen":
                full = " ".join(str(data.get(k) or "") for k in ("vorname", "nachname")).strip()
                yield f"data/{name}.yaml", key, _kurz(full)
                continue
            for where, text in _strings(data, key):
                yield f"data/{name}.yaml", where, text


def _public_texts(project: Project, public: PublicProject) -> Iterator[str]:
    """Every text the public may see: the public projection, and what a Niederschrift records about
    public TOPs (its public version is made from the Niederschrift)."""
    for rec in public.records:
        yield from (t for _, t in _strings(_dump(rec.vorlage), ""))
    for srec in public.sitzungen:
        yield from (t for _, t in _strings(_dump(srec.sitzung), ""))
        # a TOP the session moved into the public part is published from the non-public part
        yield from (t for e in srec.all_tops() if not e.oeffentlich for t in (e.titel, e.hinweis))
    for name in ("koerperschaften", "gremien", "aemter", "personen"):
        for entry in getattr(public.ref, name).values():
            yield from (t for _, t in _strings(_dump(entry), ""))
    for srec in project.sitzungen:
        if srec.niederschrift is not None:
            secret = {e.nummer for e in srec.all_tops() if not e.oeffentlich_beraten}
            n = _dump(srec.niederschrift)
            n["tops"] = [t for t in n.get("tops") or [] if t.get("top") not in secret]
            n.pop("gaeste", None)  # internal only (model_niederschrift), as is the Grund of an absence:
            for teilnahme in n.get("anwesenheit") or []:
                teilnahme.pop("grund", None)
            yield from (t for _, t in _strings(n, ""))


def _phrases(text: str) -> Iterator[tuple[str, int]]:
    """Normalised phrases of a text with the least length each must have to count."""
    for is_marked, piece in schwaerzung.teile(text):
        if is_marked:
            yield norm(piece), MIN_SCHWAERZUNG
        else:
            for part in _SPLIT.split(piece):
                yield norm(part), MIN_PHRASE


@dataclass(frozen=True)
class Geheimnis:
    """A phrase only the internal project holds, and where it comes from."""

    datei: str
    feld: str


def geheimnisse(project: Project, public: PublicProject) -> dict[str, Geheimnis]:
    """Normalised phrase → its origin, for every phrase of ``project`` that ``public`` does not hold."""
    texts = list(_public_texts(project, public))
    blob = "\x00".join(norm(schwaerzung.SPAN.sub("", text)) for text in texts)
    found: dict[str, Geheimnis] = {}
    refdata = _unused_refdata(project, public, set(texts))
    for datei, feld, text in [*_secret_texts(project, public), *_marked(project), *refdata]:
        for phrase, least in _phrases(text):
            if len(phrase) >= least and phrase not in found and phrase not in blob:
                found[phrase] = Geheimnis(datei, feld)
    return found


@dataclass(frozen=True)
class Fund:
    datei: str  # the output file, relative to the searched tree
    herkunft: Geheimnis


def durchsuchen(folder: Path, secrets: dict[str, Geheimnis]) -> list[Fund]:
    """Every output file below ``folder`` that contains a secret phrase (one finding per file and origin)."""
    if not secrets:
        return []
    k = min(len(s) for s in secrets)
    by_start: dict[str, list[str]] = {}
    for phrase in secrets:
        by_start.setdefault(phrase[:k], []).append(phrase)
    funde: list[Fund] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        hay = norm("\x00".join([rel, *file_texts(path)]))
        starts = {hay[i:i + k] for i in range(len(hay) - k + 1)}
        seen: set[Geheimnis] = set()
        for start in starts.intersection(by_start):
            for phrase in by_start[start]:
                origin = secrets[phrase]
                if origin not in seen and phrase in hay:
                    seen.add(origin)
                    funde.append(Fund(rel, origin))
    return funde
