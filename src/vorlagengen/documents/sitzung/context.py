"""The typed context of a Sitzung's documents: what the templates einladung, bekanntmachung and
sitzungsmappe may show, resolved from the loaded Sitzung and data/.

Given the public projection (a ``PublicProject``, see public.py) the context holds only what may be
published: the projection has no non-public TOP, Drucksache or Anlage to put in, so none can leak
into a page, a bookmark or the metadata. Given the full project it holds everything, and says which
pages show something non-public (they carry the Körperschaft's confidentiality mark).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from vorlagengen.documents.context import PersonInfo, datum, sitzung_name
from vorlagengen.documents.layouts import Layout
from vorlagengen.documents.sitzung.anlagen import anlagen_views
from vorlagengen.documents.sitzung.blaetter import (
    Blatt,
    DokumentView,
    InhaltZeile,
    TopView,
    anfuehrung,
    mark_unterlagen,
)
from vorlagengen.documents.stand import stand_in_words
from vorlagengen.documents.woerter import Woerter, sitzung_woerter
from vorlagengen.model.drucksache import Koerperschaft, Sitzung
from vorlagengen.model.records import ProjectData, Record, SitzungRecord, TopEntry
from vorlagengen.public.schwaerzung import KLASSE, texte

ANLASS = {"ordentliche Sitzung": "anlass_ordentlich", "außerordentliche Sitzung": "anlass_ausserordentlich",
          "Sondersitzung": "anlass_sonder", "konstituierende Sitzung": "anlass_konstituierend"}  # their words
NACHGETRAGEN = ("Nachtrag", "Tischvorlage")  # announced by a Nachtrag; „in der Sitzung“ only in the Niederschrift


@dataclass
class SitzungContext:
    """Field names are the names the templates use."""

    koerperschaft: Koerperschaft
    gremium: str
    sitzung: Sitzung
    bezeichnung: str
    anlass: str  # the Sitzung's own word (anlass_bezeichnung), else the word table's
    sitzung_titel: str  # the Bezeichnung, with the Sitzungsnummer unless the Bezeichnung already names it
    datum: str
    wochentag: str
    beginn: str
    zeit: str  # „16:00 Uhr“ or „16:00 Uhr bis 18:30 Uhr“
    beginn_nichtoeffentlich: str
    ort: str
    raum: str
    ort_voll: str
    einladungsdatum: str
    nachtragsdatum: str
    leitung: PersonInfo | None
    tops: list[TopView]
    praefix: str
    w: Woerter  # the words of the layout and the Körperschaft's profile
    einladung: list[TopView]  # the Tagesordnung as sent: no item added since, no mark of a later change
    nachtraege: list[TopView]  # what the Nachtrag zur Tagesordnung announces: added and withdrawn items
    nichtoeffentlich_vorhanden: bool
    nichtoeffentlich_im_inhalt: bool
    stand: str
    art: str
    inhalt: list[InhaltZeile] = field(default_factory=list)  # a Mappe's, once its documents are set
    blaetter: list[Blatt] = field(default_factory=list)
    vermerk: str = ""  # the confidentiality mark; empty in a public document
    vermerk_inhalt: bool = False  # the full Mappe's contents list something non-public

    def as_dict(self) -> dict[str, Any]:
        """The template variables (shallow: the values stay typed objects)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class MappeParts:
    """Where the Mappe's Drucksachen and Anlagen are prepared: the Anlagen cache and typst's root."""

    cache: Path
    staging: Path
    public_cache: Path | None = None  # the full Mappe: where public Anlagen are converted (the public Mappe's)


def sitzung_context(project: ProjectData, srec: SitzungRecord, layout: Layout, *,
                    mappe: MappeParts | None = None) -> SitzungContext:
    """The context of a Sitzung's documents: public when ``project`` is the public projection; with
    ``mappe`` each TOP carries its Drucksachen and their Anlagen (the Drucksachen's own PDFs are set
    by the documents layer)."""
    s = srec.sitzung
    public = project.public
    gremium = project.ref.gremien[s.gremium]
    k = project.ref.koerperschaften[gremium.koerperschaft]
    w = sitzung_woerter(layout, k, gremium)
    tops = _top_views(project, srec, bool(public), mappe, w)
    assert not public or all(t.oeffentlich for t in tops)
    leitung = project.ref.personen.get(s.sitzungsleitung or "")
    noe = any(not t.oeffentlich for t in tops)
    return SitzungContext(
        koerperschaft=k,
        gremium=gremium.name,
        sitzung=s,
        bezeichnung=s.bezeichnung or "",
        anlass=s.anlass_bezeichnung or w(ANLASS[s.anlass]),
        sitzung_titel=sitzung_titel(s),
        datum=datum(s.datum),
        wochentag=wochentag(w, s.datum),
        beginn=s.beginn,
        zeit=zeit(w, s.beginn, s.ende),
        beginn_nichtoeffentlich=s.beginn_nichtoeffentlich or "",
        ort=s.ort or "",
        raum=s.raum or "",
        ort_voll=(s.ort or "") + (f", {s.raum}" if s.raum else ""),
        einladungsdatum=datum(s.einladungsdatum or s.datum),
        nachtragsdatum=datum(s.nachtragsdatum),
        leitung=PersonInfo.of(leitung),
        tops=tops,
        praefix=srec.praefix,
        w=w,
        einladung=[replace(t, abgesetzt=False) for t in tops if not t.nachtrag],
        nachtraege=[t for t in tops if t.nachtrag in NACHGETRAGEN or (t.abgesetzt and not t.nachtrag)],
        nichtoeffentlich_vorhanden=srec.hat_nichtoeffentlichen_teil(),
        nichtoeffentlich_im_inhalt=any(not t.oeffentlich for t in tops),
        stand=stand_in_words(project.root, w),
        art=w("mappe_oeffentlich" if public else ("mappe_vollstaendig_noe" if noe else "mappe_vollstaendig")),
        vermerk="" if public else w("vermerk"),
        vermerk_inhalt=not public and noe,
    )


def wochentag(w: Woerter, day: dt.date) -> str:
    """The day's name in the word table's words (``wochentage``: seven, from Monday)."""
    names = w.liste("wochentage")
    return names[day.weekday()] if len(names) == 7 else ""


def zeit(w: Woerter, beginn: str, ende: str | None) -> str:
    """„16:00 Uhr“ or „16:00 Uhr bis 18:30 Uhr“ in the word table's words."""
    if not ende:
        return w("uhrzeit", zeit=beginn)
    return w("zeitraum", beginn=w("uhrzeit", zeit=beginn), ende=w("uhrzeit", zeit=ende))


def sitzung_titel(s: Sitzung) -> str:
    """„25. öffentliche Sitzung (SGA/2019/02)“, but „21. Sitzung des Rates“ for number 21 (not „… (21)“)."""
    return sitzung_name(s.nummer, s.bezeichnung) if s.bezeichnung else s.nummer


def shows_internal(record: Record, project: ProjectData) -> bool:
    """Whether a Drucksache's internal form shows anything its public form does not: non-public or
    personenbezogene Anlagen, Schwärzungen, a non-public Bezug."""
    v = record.vorlage
    if not v.oeffentlich or v.schwaerzen or any(not a.oeffentlich or a.personenbezogen for a in v.anlagen):
        return True
    if any(not project.ist_oeffentlich(v.koerperschaft, nr) for nr in v.bezuege):
        return True
    return any(KLASSE in text for _, text in texte(v.model_dump()))


def _top_views(project: ProjectData, srec: SitzungRecord, public: bool, mappe: MappeParts | None, w: Woerter
               ) -> list[TopView]:
    counter = [0]
    tops: list[TopView] = []
    for i, entry in enumerate(srec.all_tops()):
        if public and not entry.oeffentlich:
            continue
        view = TopView(entry.nummer, anfuehrung(entry.titel), entry.oeffentlich, entry.nachtrag, entry.ebene,
                       anfuehrung(entry.hinweis), entry.abgesetzt, [r.vorlage.nummer for r in entry.records],
                       ziel=f"t{i}", danach=entry.danach)
        arten = project.ref.koerperschaften[project.ref.gremien[srec.sitzung.gremium].koerperschaft].art_bezeichnung
        view.arten = [arten.get(r.vorlage.art, r.vorlage.art) for r in entry.records]
        view.dazu = [f"{r.vorlage.nummer}: {anfuehrung(r.vorlage.betreff)}" for r in entry.dazu]
        view.mit_anlagen = any(r.vorlage.anlagen for r in entry.records)
        if mappe is not None and not entry.abgesetzt:
            view.dokumente = _dokumente(project, entry, public, mappe, counter, w)
        tops.append(view)
    mark_unterlagen(tops)
    return tops


def _dokumente(project: ProjectData, entry: TopEntry, public: bool, mappe: MappeParts, counter: list[int],
               w: Woerter) -> list[DokumentView]:
    """The Drucksachen of a TOP for the Mappe. In the full Mappe a Drucksache whose internal form shows
    what its public one does not (Schwärzungen on grey, non-public Anlagen) counts as non-public: its
    pages carry the confidentiality mark."""
    out = []
    for r in entry.records:
        counter[0] += 1
        if r.vorlage.uebernommen:  # imported: its text is the source's document, not set here
            out.append(_trennblatt(r, f"d{counter[0]}", r.vorlage.oeffentlich and entry.oeffentlich))
            continue
        doc = DokumentView(f"d{counter[0]}", r.vorlage.nummer, anfuehrung(r.vorlage.betreff),
                           r.vorlage.oeffentlich and entry.oeffentlich, r)
        doc.anlagen = anlagen_views(r, public, mappe.cache, mappe.staging, counter, w,
                                    public_cache=mappe.public_cache)
        for a in doc.anlagen:  # an Anlage is as public as its Drucksache and its TOP at most
            a.oeffentlich = a.oeffentlich and doc.oeffentlich
            a.ueberschrift = anfuehrung(a.ueberschrift)
        doc.oeffentlich = doc.oeffentlich and (public or not shows_internal(r, project))  # its own pages' mark
        out.append(doc)
    return out


def _trennblatt(r: Record, ident: str, oeffentlich: bool) -> DokumentView:
    """An imported Drucksache in the Mappe: a Trennblatt with its number and the address of its document
    in the former council system (its text was never set here)."""
    v = r.vorlage
    q = v.quelle
    urls = [u for u in ((q.dokument.url if q and q.dokument else None), q.web if q else None) if u]
    link = next((u for u in urls if re.fullmatch(r"https?://[^\s<>]+", u)), "")
    doc = DokumentView(ident, v.nummer, anfuehrung(v.betreff), oeffentlich, r, link=link)
    doc.trennblatt = (f"Die Drucksache {v.nummer} stammt aus dem bisherigen Ratsinformationssystem und wird hier "
                      "nicht neu gesetzt. " + ("Ihr Dokument:" if link else "Ihr Dokument liegt dort."))
    return doc
