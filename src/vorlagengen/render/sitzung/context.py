"""The typed context of a Sitzung's documents: what the templates einladung, bekanntmachung and
sitzungsmappe may show, resolved from the loaded Sitzung and data/.

``public=True`` keeps only what may be published: non-public TOPs, Drucksachen and Anlagen are
never put into that context, so they cannot leak into a page, a bookmark or the metadata.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...model import Koerperschaft, Sitzung
from ...records import Project, SitzungRecord, TopEntry
from ..context import PersonInfo, datum
from ..layouts import Layout
from .anlagen import anlagen_views
from .blaetter import Blatt, DokumentView, InhaltZeile, TopView, anfuehrung, mark_unterlagen

WOCHENTAGE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


@dataclass
class SitzungContext:
    """Field names are the names the templates use."""

    koerperschaft: Koerperschaft
    gremium: str
    sitzung: Sitzung
    bezeichnung: str
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
    nachtraege: list[TopView]
    nichtoeffentlich_vorhanden: bool
    nichtoeffentlich_im_inhalt: bool
    stand: str
    art: str
    inhalt: list[InhaltZeile] = field(default_factory=list)  # a Mappe's, once its documents are set
    blaetter: list[Blatt] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The template variables (shallow: the values stay typed objects)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class MappeParts:
    """Where the Mappe's Drucksachen and Anlagen are prepared: the Anlagen cache and typst's root."""

    cache: Path
    staging: Path


def stand(root: Path) -> tuple[str, int]:
    return _stand(root, os.environ.get("SOURCE_DATE_EPOCH"))


@lru_cache(maxsize=8)
def _stand(root: Path, epoch_env: str | None) -> tuple[str, int]:
    """„23.11.2026, Commit 1a2b3c4“ and its UNIX time: the commit the documents were made from.

    SOURCE_DATE_EPOCH, if set, fixes the time; without git the time is that variable or 0."""
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%h %ct"], capture_output=True,
                             text=True, timeout=10)
        commit, ts = out.stdout.split() if out.returncode == 0 and out.stdout.strip() else ("", "0")
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip() if commit else ""
    except (OSError, subprocess.SubprocessError, ValueError):
        commit, ts, dirty = "", "0", ""
    epoch = int(epoch_env) if epoch_env else int(ts)
    when = dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).strftime("%d.%m.%Y") if epoch else "ohne Datum"
    if commit:
        return f"{when}, Commit {commit}{' mit lokalen Änderungen' if dirty else ''}", epoch
    return f"{when}, ohne Versionsverwaltung", epoch


def sitzung_context(project: Project, srec: SitzungRecord, layout: Layout, *, public: bool | None,
                    mappe: MappeParts | None = None) -> SitzungContext:
    """The context of a Sitzung's documents. ``public`` True keeps only what may be published;
    with ``mappe`` each TOP carries its Drucksachen and their Anlagen (the Drucksachen's own PDFs
    are set by the documents layer)."""
    s = srec.sitzung
    gremium = project.ref.gremien[s.gremium]
    tops = _top_views(srec, bool(public), mappe)
    leitung = project.ref.personen.get(s.sitzungsleitung or "")
    return SitzungContext(
        koerperschaft=project.ref.koerperschaften[gremium.koerperschaft],
        gremium=gremium.name,
        sitzung=s,
        bezeichnung=s.bezeichnung or "",
        datum=datum(s.datum),
        wochentag=WOCHENTAGE[s.datum.weekday()],
        beginn=s.beginn,
        zeit=f"{s.beginn} Uhr" + (f" bis {s.ende} Uhr" if s.ende else ""),
        beginn_nichtoeffentlich=s.beginn_nichtoeffentlich or "",
        ort=s.ort or "",
        raum=s.raum or "",
        ort_voll=(s.ort or "") + (f", {s.raum}" if s.raum else ""),
        einladungsdatum=datum(s.einladungsdatum or s.datum),
        nachtragsdatum=datum(s.nachtragsdatum),
        leitung=PersonInfo.of(leitung),
        tops=tops,
        praefix=srec.praefix,
        nachtraege=[t for t in tops if t.nachtrag],
        nichtoeffentlich_vorhanden=any(not e.oeffentlich for e in srec.all_tops()),
        nichtoeffentlich_im_inhalt=any(not t.oeffentlich for t in tops),
        stand=stand(project.root)[0],
        art="öffentlicher Teil" if public else ("vollständig, mit nichtöffentlichem Teil"
                                                 if any(not t.oeffentlich for t in tops) else "vollständig"),
    )


def _top_views(srec: SitzungRecord, public: bool, mappe: MappeParts | None) -> list[TopView]:
    counter = [0]
    tops: list[TopView] = []
    for i, entry in enumerate(srec.all_tops()):
        if public and not entry.oeffentlich:
            continue
        view = TopView(entry.nummer, anfuehrung(entry.titel), entry.oeffentlich, entry.nachtrag, entry.ebene,
                       anfuehrung(entry.hinweis), entry.abgesetzt, [r.vorlage.nummer for r in entry.records],
                       ziel=f"t{i}")
        if mappe is not None and not entry.abgesetzt:
            view.dokumente = _dokumente(entry, public, mappe, counter)
        tops.append(view)
    mark_unterlagen(tops)
    return tops


def _dokumente(entry: TopEntry, public: bool, mappe: MappeParts, counter: list[int]) -> list[DokumentView]:
    out = []
    for r in entry.records:
        if r.vorlage.uebernommen:  # imported: its text is the source's PDF, not set here
            continue
        counter[0] += 1
        doc = DokumentView(f"d{counter[0]}", r.vorlage.nummer, anfuehrung(r.vorlage.betreff),
                           r.vorlage.oeffentlich and entry.oeffentlich, r)
        doc.anlagen = anlagen_views(r, public, mappe.cache, mappe.staging, counter)
        for a in doc.anlagen:  # an Anlage is as public as its Drucksache and its TOP at most
            a.oeffentlich = a.oeffentlich and doc.oeffentlich
            a.ueberschrift = anfuehrung(a.ueberschrift)
        out.append(doc)
    return out
