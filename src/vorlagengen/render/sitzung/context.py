"""The typed context of a Sitzung's documents: what the templates einladung, bekanntmachung and
sitzungsmappe may show, resolved from the loaded Sitzung and data/.

Given the public projection (``project.public``, see public.py) the context holds only what may be
published: the projection has no non-public TOP, Drucksache or Anlage to put in, so none can leak
into a page, a bookmark or the metadata. Given the full project it holds everything, and says which
pages show something non-public (they carry the Körperschaft's confidentiality mark).
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
from ...records import Project, Record, SitzungRecord, TopEntry
from ...schwaerzung import KLASSE, SPAN, texte
from ..context import PersonInfo, build_context, datum
from ..layouts import Layout
from ..markdown import render_markdown
from .anlagen import AnlageSeiten, anlagen_views

WOCHENTAGE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


@dataclass
class TopView:
    nummer: str
    titel: str
    oeffentlich: bool
    nachtrag: str
    drucksache: str = ""
    drucksache_betreff: str = ""
    drucksache_oeffentlich: bool = True
    body: str = ""
    anlagen: list[AnlageSeiten] = field(default_factory=list)
    vermerk: bool = False  # the TOP's page shows something non-public (a non-public TOP, a Schwärzung)
    drucksache_vermerk: bool = False  # the Drucksache's pages show something non-public


@dataclass
class SitzungContext:
    """Field names are the names the templates use."""

    koerperschaft: Koerperschaft
    gremium: str
    sitzung: Sitzung
    datum: str
    wochentag: str
    beginn: str
    ort: str
    raum: str
    ort_voll: str
    einladungsdatum: str
    leitung: PersonInfo | None
    tops: list[TopView]
    nichtoeffentlich_vorhanden: bool
    stand: str
    art: str
    vermerk: str  # the confidentiality mark; empty in a public document
    vermerk_inhalt: bool  # the full Mappe's contents list something non-public

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


def sitzung_context(project: Project, srec: SitzungRecord, layout: Layout, *,
                    mappe: MappeParts | None = None) -> SitzungContext:
    """The context of a Sitzung's documents: public when ``project`` is the public projection; with
    ``mappe`` each Drucksache's TOP carries its rendered body and its Anlagen."""
    s = srec.sitzung
    public = project.public
    gremium = project.ref.gremien[s.gremium]
    k = project.ref.koerperschaften[gremium.koerperschaft]
    counter = [0]
    tops = [_top_view(project, entry, layout, mappe, counter)
            for entry in srec.all_tops() if not (public and not entry.oeffentlich)]
    assert not public or all(t.oeffentlich and t.drucksache_oeffentlich for t in tops)
    leitung = project.ref.personen.get(s.sitzungsleitung or "")
    return SitzungContext(
        koerperschaft=k,
        gremium=gremium.name,
        sitzung=s,
        datum=datum(s.datum),
        wochentag=WOCHENTAGE[s.datum.weekday()],
        beginn=s.beginn,
        ort=s.ort or "",
        raum=s.raum or "",
        ort_voll=(s.ort or "") + (f", {s.raum}" if s.raum else ""),
        einladungsdatum=datum(s.einladungsdatum or s.datum),
        leitung=PersonInfo.of(leitung),
        tops=tops,
        nichtoeffentlich_vorhanden=srec.hat_nichtoeffentlichen_teil(),
        stand=stand(project.root)[0],
        art="öffentlicher Teil" if public else "vollständig, mit nichtöffentlichem Teil",
        vermerk="" if public else k.oeffentlichkeit.vermerk,
        vermerk_inhalt=not public and any(t.vermerk or t.drucksache_vermerk for t in tops),
    )


def shows_internal(record: Record, project: Project) -> bool:
    """Whether a Drucksache's internal form shows anything its public form does not: non-public or
    personenbezogene Anlagen, Schwärzungen, a non-public Bezug."""
    v = record.vorlage
    if not v.oeffentlich or v.schwaerzen or any(not a.oeffentlich or a.personenbezogen for a in v.anlagen):
        return True
    if v.bezug and not project.ist_oeffentlich(v.koerperschaft, v.bezug):
        return True
    return any(KLASSE in text for _, text in texte(v.model_dump()))


def _top_view(project: Project, entry: TopEntry, layout: Layout, mappe: MappeParts | None,
              counter: list[int]) -> TopView:
    view = TopView(entry.nummer, entry.titel, entry.oeffentlich, entry.nachtrag)
    view.vermerk = not entry.oeffentlich or (not project.public and SPAN.search(entry.titel) is not None)
    r = entry.record
    if r is None:
        return view
    view.drucksache = r.vorlage.nummer
    view.drucksache_betreff = r.vorlage.betreff
    view.drucksache_oeffentlich = r.vorlage.oeffentlich and entry.oeffentlich
    view.drucksache_vermerk = not view.drucksache_oeffentlich or (not project.public and shows_internal(r, project))
    if mappe is not None and not r.vorlage.uebernommen:  # imported: its text is the source's PDF
        ctx = build_context(r, project.ref, project.betreffs, project.oeffentlich, public=project.public)
        view.body = render_markdown(layout, ctx.as_dict())
        view.anlagen = anlagen_views(r, project.public, mappe.cache, mappe.staging, counter, entry.nummer)
        for a in view.anlagen:  # an Anlage is as public as its Drucksache and its TOP at most
            a.oeffentlich = a.oeffentlich and view.drucksache_oeffentlich
    return view
