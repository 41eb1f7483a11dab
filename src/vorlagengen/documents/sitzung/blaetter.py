"""What a Sitzung's documents show of each TOP, and how a Mappe is laid out from it: the
Tagesordnung as contents (every TOP, with its documents below it) and the sheets in order (each
Drucksache as its own PDF, then its Anlagen). A TOP has no page of its own: its bookmark waits for
the first page of its first document, so a TOP without documents is in the Tagesordnung only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vorlagengen.documents.sitzung.anlagen import AnlageSeiten
from vorlagengen.documents.woerter import Woerter
from vorlagengen.model.records import Record

_QUOTE_OPENERS = " \t\n([{/–-„"


def anfuehrung(text: str) -> str:
    """Straight double quotes as German ones: "Freundschaft" → „Freundschaft“. typst and PDF bookmarks
    show a string as it is, so titles passed as attributes need it done here."""
    out = []
    for i, ch in enumerate(text):
        if ch == '"':
            ch = "„" if i == 0 or text[i - 1] in _QUOTE_OPENERS else "“"
        out.append(ch)
    return "".join(out)


@dataclass
class DokumentView:
    """A Drucksache in a Mappe: its own PDF (pages drawn in whole) and its Anlagen."""

    id: str
    nummer: str
    betreff: str
    oeffentlich: bool
    record: Record | None = None
    pdf: bytes = b""
    seiten: int = 0
    anlagen: list[AnlageSeiten] = field(default_factory=list)
    trennblatt: str = ""  # imported (not set here): the text of its sheet …
    link: str = ""  # … and the address of its document in the former system


@dataclass
class TopView:
    nummer: str
    titel: str
    oeffentlich: bool
    nachtrag: str
    ebene: int = 1
    hinweis: str = ""
    abgesetzt: bool = False
    drucksachen: list[str] = field(default_factory=list)  # numbers, for the Tagesordnung table
    dokumente: list[DokumentView] = field(default_factory=list)  # only in a Mappe
    ziel: str = ""
    unterlagen: bool = False  # this TOP or one below it has documents in this Mappe
    danach: bool = False  # in the public part that resumes after the non-public one
    arten: list[str] = field(default_factory=list)  # the Art of each Drucksache, as the Körperschaft words it
    dazu: list[str] = field(default_factory=list)  # „19/0178: Betreff“ of each further Drucksache
    mit_anlagen: bool = False  # a Drucksache of this TOP has Anlagen (in this tree)

    @property
    def teil(self) -> str:
        """The part of the Tagesordnung: oe, noe, or danach (public again after the non-public part)."""
        return "danach" if self.danach else ("oe" if self.oeffentlich else "noe")

    @property
    def drucksache(self) -> str:
        return ", ".join(self.drucksachen)

    @property
    def drucksache_mit_art(self) -> str:
        """„19/0171 (Beschlussvorlage), 19/0178 (Ergänzung)“ for the Tagesordnung table."""
        return ", ".join(f"{nr} ({art})" if art else nr
                         for nr, art in zip(self.drucksachen, self.arten or [""] * len(self.drucksachen), strict=True))


@dataclass
class Marke:
    """A bookmark and contents target, placed invisibly at the top of a sheet's first page."""

    ebene: int
    titel: str
    ziel: str


@dataclass
class Blatt:
    """What starts on a new page in a Mappe: a Drucksache (its own pages) or an Anlage."""

    art: str  # drucksache, pdf, bild, hinweis
    id: str
    titel: str
    oeffentlich: bool
    seiten: int = 1
    datei: str = ""
    hinweis: str = ""
    marken: list[Marke] = field(default_factory=list)
    link: str = ""  # an address the sheet shows (an imported Drucksache's document)


@dataclass
class InhaltZeile:
    """A line of the Mappe's contents: a TOP, a Drucksache or an Anlage."""

    ebene: int
    art: str  # top, drucksache, anlage
    nummer: str
    titel: str
    zusatz: str = ""
    ziel: str = ""
    oeffentlich: bool = True


def mark_unterlagen(tops: list[TopView]) -> None:
    """A TOP „has documents“ when it or a TOP below it has some (``tops`` in order, with levels)."""
    for i in reversed(range(len(tops))):
        below = False
        for t in tops[i + 1:]:
            if t.ebene <= tops[i].ebene:
                break
            below = below or t.unterlagen
        tops[i].unterlagen = bool(tops[i].dokumente) or below


def top_ueberschrift(praefix: str, top: TopView) -> str:
    """„TOP Ö 4 Titel (Nachtrag)“: a TOP's bookmark."""
    nummer = f"{praefix} {top.nummer}" if praefix else top.nummer
    zusatz = f" ({top.nachtrag})" if top.nachtrag else ""
    return f"{nummer} {top.titel}{zusatz}"


def blaetter(tops: list[TopView], praefix: str, w: Woerter) -> list[Blatt]:
    """The Mappe's sheets in order, each with the bookmarks that start on it."""
    out: list[Blatt] = []
    pending: list[Marke] = []
    for top in tops:
        pending = [m for m in pending if m.ebene < top.ebene]  # a parent whose items had no documents
        if not top.unterlagen:
            continue
        pending.append(Marke(top.ebene, top_ueberschrift(praefix, top), top.ziel))
        for doc in top.dokumente:
            name = f"{w('drucksache_nr', nummer=doc.nummer)}: {doc.betreff}"
            marken = [*pending, Marke(top.ebene + 1, name, doc.id)]
            if doc.trennblatt:
                out.append(Blatt("hinweis", doc.id, name, doc.oeffentlich,
                                 hinweis=doc.trennblatt, marken=marken, link=doc.link))
            else:
                out.append(Blatt("drucksache", doc.id, doc.nummer, doc.oeffentlich, doc.seiten, marken=marken))
            pending = []
            out += [Blatt(a.art, a.id, a.ueberschrift, a.oeffentlich, a.seiten, a.datei, a.hinweis,
                          [Marke(top.ebene + 2, a.ueberschrift, a.id)]) for a in doc.anlagen]
    return out


def inhalt(tops: list[TopView], w: Woerter) -> list[InhaltZeile]:
    """The Mappe's contents: the whole Tagesordnung, with the documents under each TOP."""
    out = []
    for top in tops:
        zusatz = ", ".join(z for z in (top.nachtrag, w("abgesetzt") if top.abgesetzt else "", top.hinweis) if z)
        out.append(InhaltZeile(top.ebene, "top", top.nummer, top.titel, zusatz, top.ziel if top.unterlagen else "",
                               top.oeffentlich))
        for doc in top.dokumente:
            betreff = "" if doc.betreff == top.titel else doc.betreff  # said once is enough
            out.append(InhaltZeile(top.ebene + 1, "drucksache", w("drucksache_nr", nummer=doc.nummer), betreff, "",
                                   doc.id, doc.oeffentlich))
            out += [InhaltZeile(top.ebene + 2, "anlage", "", a.ueberschrift, "", a.id, a.oeffentlich)
                    for a in doc.anlagen]
    return out
