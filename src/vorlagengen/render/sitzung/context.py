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
    with ``mappe`` each Drucksache's TOP carries its rendered body and its Anlagen."""
    s = srec.sitzung
    gremium = project.ref.gremien[s.gremium]
    counter = [0]
    tops = [_top_view(project, entry, layout, bool(public), mappe, counter)
            for entry in srec.all_tops() if not (public and not entry.oeffentlich)]
    leitung = project.ref.personen.get(s.sitzungsleitung or "")
    return SitzungContext(
        koerperschaft=project.ref.koerperschaften[gremium.koerperschaft],
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
        nichtoeffentlich_vorhanden=any(not e.oeffentlich for e in srec.all_tops()),
        stand=stand(project.root)[0],
        art="öffentlicher Teil" if public else "vollständig, mit nichtöffentlichem Teil",
    )


def _top_view(project: Project, entry: TopEntry, layout: Layout, public: bool, mappe: MappeParts | None,
              counter: list[int]) -> TopView:
    view = TopView(entry.nummer, entry.titel, entry.oeffentlich, entry.nachtrag)
    r = entry.record
    if r is None:
        return view
    view.drucksache = r.vorlage.nummer
    view.drucksache_betreff = r.vorlage.betreff
    view.drucksache_oeffentlich = r.vorlage.oeffentlich and entry.oeffentlich
    if mappe is not None and not r.vorlage.uebernommen:  # imported: its text is the source's PDF
        ctx = build_context(r, project.ref, project.betreffs)
        if public:
            ctx.anlagen = [a for a in ctx.anlagen if a.oeffentlich]
        view.body = render_markdown(layout, ctx.as_dict())
        view.anlagen = anlagen_views(r, public, mappe.cache, mappe.staging, counter)
        for a in view.anlagen:  # an Anlage is as public as its Drucksache and its TOP at most
            a.oeffentlich = a.oeffentlich and view.drucksache_oeffentlich
    return view
