"""Map the objects of a source onto this project's records, in dependency order:
Body → Organization/Person → Meeting (dates, agenda structure) → Paper → AgendaItem/Consultation →
File. The result is data (dicts in the shape of the records), written by ``write``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vorlagengen.model.records import slug
from vorlagengen.oparl.context import MapContext, parse_date
from vorlagengen.oparl.meetings import index_meetings, meeting_record
from vorlagengen.oparl.papers import index_papers, paper_record
from vorlagengen.oparl.refdata import map_bodies, map_memberships, map_organizations, map_persons
from vorlagengen.oparl.scheme import Sample, infer

DEFAULT_LAYOUT = "allris"
MIN_PAPERS = 10  # a number scheme is read off only this many Papers …
MIN_SHARE = 0.6  # … of which this share follow one form
FALLBACK_SCHEME = "{nr:1}/{jahr}"
DEFAULT_LADUNGSFRIST = 7  # OParl carries no Ladungsfrist; the clerk checks it after the first import


@dataclass
class Mapped:
    koerperschaften: dict[str, dict[str, Any]]
    gremien: dict[str, dict[str, Any]]
    aemter: dict[str, dict[str, Any]]
    personen: dict[str, dict[str, Any]]
    records: dict[str, tuple[str, str, dict[str, Any]]]  # path → (OParl type, OParl id, record)


def map_all(ctx: MapContext, layout: str = DEFAULT_LAYOUT) -> Mapped:
    map_bodies(ctx)
    map_organizations(ctx)
    map_persons(ctx)
    map_memberships(ctx)
    index_meetings(ctx)
    index_papers(ctx)
    records: dict[str, tuple[str, str, dict[str, Any]]] = {}
    papers = ctx.objects.of("Paper")
    for oid in sorted(ctx.paper_nummer, key=lambda o: ctx.paper_nummer[o]):
        body, nummer = ctx.paper_nummer[oid]
        rel = _free(records, f"vorlagen/{body}/{slug_of(nummer)}.yaml")
        records[rel] = ("Paper", oid, paper_record(ctx, oid, papers[oid]))
    meetings = ctx.objects.of("Meeting")
    for oid in sorted(ctx.meetings, key=lambda o: (ctx.meetings[o].datum, ctx.meetings[o].beginn, o)):
        rec = meeting_record(ctx, oid, meetings[oid])
        if rec is not None:
            records[_free(records, _sitzung_path(ctx, rec))] = ("Meeting", oid, rec)
    for body in ctx.koerperschaften:
        ctx.koerperschaften[body].update(_profile(ctx, body, records, layout))
    if ctx.files_linked:
        ctx.report.notes.append(f"Dateien: {ctx.files_linked} verknüpft (bleiben unter ihrer Adresse)"
                                + (f", {ctx.store.fetched} neu heruntergeladen" if ctx.store else ""))
    return Mapped(ctx.koerperschaften, ctx.gremien, ctx.aemter, ctx.personen, records)


def slug_of(nummer: str) -> str:
    """File name of a Drucksache: ``180/2018 1. Ergänzung`` → ``180-2018-1.-Ergaenzung``."""
    return slug(nummer.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
                .replace("Ä", "Ae").replace("Ö", "Oe").replace("Ü", "Ue"))


def _sitzung_path(ctx: MapContext, rec: dict[str, Any]) -> str:
    gremium = str(rec["gremium"])
    body = ctx.gremien[gremium]["koerperschaft"]
    return f"sitzungen/{body}/{rec['datum']}-{gremium.removeprefix(body + '-')}.yaml"


def _free(records: dict[str, Any], path: str) -> str:
    stem, n = path.removesuffix(".yaml"), 2
    while path in records:
        path, n = f"{stem}-{n}.yaml", n + 1
    return path


def _profile(ctx: MapContext, body: str, records: dict[str, tuple[str, str, dict[str, Any]]],
             layout: str) -> dict[str, Any]:
    """What the data shows of a Körperschaft: its number scheme (and Kürzel per Art)."""
    samples = [Sample(r["nummer"], parse_date(r["datum"]), r["art"]) for kind, _, r in records.values()
               if kind == "Paper" and r["koerperschaft"] == body]
    inferred = infer(samples, MIN_PAPERS, MIN_SHARE)
    profile: dict[str, Any] = {"layout": layout, "nummernschema": inferred.pattern if inferred else FALLBACK_SCHEME}
    if inferred is None:
        ctx.report.notes.append(
            f"Nummernschema von „{body}“: aus {len(samples)} Drucksache{'' if len(samples) == 1 else 'n'} nicht "
            f"sicher ablesbar (nötig: mindestens {MIN_PAPERS}, die zu {MIN_SHARE:.0%} einer Form folgen) – "
            f"vorläufig „{FALLBACK_SCHEME}“; bitte in data/koerperschaften.yaml eintragen")
    if inferred and inferred.art_kuerzel:
        profile["art_kuerzel"] = inferred.art_kuerzel
    if inferred and inferred.wahlperiode:
        profile["wahlperiode"] = inferred.wahlperiode
    profile["ladungsfrist"] = DEFAULT_LADUNGSFRIST
    return profile
