"""Body → Körperschaft, Organization → Gremium or Amt, Person → Person (entries of ``data/``)."""

from __future__ import annotations

import re
from typing import Any

from .context import MapContext
from .ids import body_slug, slugify
from .quirks import one_line

_AMT = re.compile(r"verwaltung|dienststelle|amt\b|ämter|abteilung|fachbereich|dezernat|fachdienst", re.IGNORECASE)
_FRAKTION = re.compile(r"fraktion|partei|gruppe", re.IGNORECASE)
_VERTRETUNG = re.compile(r"^(gemeinderat|stadtrat|rat|kreistag|bezirksversammlung|gemeindevertretung|"
                         r"stadtverordnetenversammlung|bürgerschaft|regionalversammlung|"
                         r"ratsversammlung|samtgemeinderat|verbandsgemeinderat|ortsgemeinderat)\b", re.IGNORECASE)


def map_bodies(ctx: MapContext) -> None:
    for oid, body in sorted(ctx.objects.of("Body").items()):
        if body.get("deleted"):
            ctx.report.skip("Body", oid, "gelöscht", problem=False)
            continue
        name = str(body.get("name") or body.get("shortName") or "")
        if not name:
            ctx.report.skip("Body", oid, "ohne Namen")
            continue
        wanted = ctx.kennung if ctx.kennung and len(ctx.objects.of("Body")) == 1 else body_slug(
            str(body.get("shortName") or name))
        local = ctx.ids.get(oid, wanted)
        ctx.body_of[oid] = local
        ctx.koerperschaften[local] = {"name": name, "briefkopf": [name]}
        ctx.report.count("Body", "übernommen")


def map_organizations(ctx: MapContext) -> None:
    for oid, org in sorted(ctx.objects.of("Organization").items()):
        body = ctx.body_for(org)
        if org.get("deleted"):
            ctx.report.skip("Organization", oid, "gelöscht", problem=False)
            continue
        name = one_line(str(org.get("name") or org.get("shortName") or ""))
        if not name or body is None:
            ctx.report.skip("Organization", oid, "ohne Namen" if not name else "ohne Körperschaft")
            continue
        kind = " ".join(str(org.get(k) or "") for k in ("organizationType", "classification"))
        short = str(org.get("shortName") or "")
        if _AMT.search(kind) and not _FRAKTION.search(kind):
            local = ctx.ids.get(oid, f"{body}-{slugify(short or name, 40)}")
            ctx.aemter[local] = {"name": name, "koerperschaft": body}
        else:
            local = ctx.ids.get(oid, f"{body}-{slugify(short or name, 40)}")
            entry: dict[str, Any] = {"name": name, "koerperschaft": body, "typ": gremium_typ(name, kind)}
            if short and short != name:
                entry["kurzname"] = short
            ctx.gremien[local] = entry
        ctx.report.count("Organization", "übernommen")


def gremium_typ(name: str, kind: str) -> str:
    if _FRAKTION.search(kind):
        return "Fraktion"
    if "beirat" in name.lower():
        return "Beirat"
    if _VERTRETUNG.search(name):
        return "Vertretung"
    return "Ausschuss"


def map_persons(ctx: MapContext) -> None:
    for oid, person in sorted(ctx.objects.of("Person").items()):
        body = ctx.body_for(person)
        if person.get("deleted"):
            ctx.report.skip("Person", oid, "gelöscht", problem=False)
            continue
        entry = person_entry(person)
        if entry is None or body is None:
            ctx.report.skip("Person", oid, "ohne Namen" if entry is None else "ohne Körperschaft")
            continue
        entry["koerperschaft"] = body
        wanted = f"{body}-{slugify(entry['nachname'], 30)}"
        if entry.get("vorname"):
            wanted += f"-{slugify(entry['vorname'], 20)}"
        ctx.personen[ctx.ids.get(oid, wanted)] = entry
        ctx.report.count("Person", "übernommen")


def person_entry(person: dict[str, Any]) -> dict[str, Any] | None:
    anrede = str(person.get("formOfAddress") or "").strip()
    family = one_line(str(person.get("familyName") or ""))
    given = one_line(str(person.get("givenName") or ""))
    if not family:  # split the display name: "Herr Dr. Peter Huppertz"
        words = [w for w in one_line(str(person.get("name") or "")).split() if w not in ("Herr", "Frau")]
        if not words:
            return None
        family, given = words[-1], given or " ".join(w for w in words[:-1] if not w.endswith("."))
    entry: dict[str, Any] = {"nachname": family}
    if given:
        entry["vorname"] = given
    if anrede in ("Herr", "Frau"):
        entry["anrede"] = anrede
    titles = [one_line(str(t)) for t in person.get("title") or [] if str(t).strip()]
    if titles:
        entry["titel"] = " ".join(titles)
    return entry
