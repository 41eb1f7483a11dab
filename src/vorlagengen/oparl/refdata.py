"""Body → Körperschaft, Organization → Gremium or Amt, Person → Person (entries of ``data/``)."""

from __future__ import annotations

import re
from typing import Any

from vorlagengen.oparl.context import MapContext
from vorlagengen.oparl.ids import body_slug, slugify
from vorlagengen.oparl.quirks import one_line

_AMT = re.compile(r"verwaltung|dienststelle|amt\b|ämter|abteilung|fachbereich|dezernat|fachdienst", re.IGNORECASE)
_FRAKTION = re.compile(r"fraktion|partei|gruppe", re.IGNORECASE)
_VERTRETUNG = re.compile(r"^(gemeinderat|stadtrat|rat|kreistag|bezirksversammlung|gemeindevertretung|"
                         r"stadtverordnetenversammlung|bürgerschaft|regionalversammlung|"
                         r"ratsversammlung|samtgemeinderat|verbandsgemeinderat|ortsgemeinderat)\b", re.IGNORECASE)


_OWN_EXPORT = re.compile(r"/oparl/body/[a-z0-9][a-z0-9_-]*/(?:organization|person)/([a-z0-9][a-z0-9_-]*)\.json$")


def own_id(oid: str) -> str | None:
    """The id an object had in a project whose OParl export this is (``…/organization/kreis-jha.json``
    → ``kreis-jha``): a round trip gives the same ids back."""
    m = _OWN_EXPORT.search(oid)
    return m.group(1) if m else None


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
        terms = wahlperioden(ctx, body)
        if terms:
            ctx.koerperschaften[local]["wahlperioden"] = terms
        ctx.report.count("Body", "übernommen")


def wahlperioden(ctx: MapContext, body: dict[str, Any]) -> list[dict[str, Any]]:
    """Body.legislativeTerm → Wahlperioden: numbered as their name says („19. Wahlperiode“, „WP 19“),
    else in the order of their start."""
    terms = []
    for term in body.get("legislativeTerm") or []:
        if not isinstance(term, dict) or term.get("deleted"):
            continue
        start = ctx.date_of(term.get("startDate"))
        if start is None:
            ctx.report.skip("LegislativeTerm", str(term.get("id") or "?"), "ohne Beginn (startDate)")
            continue
        end = ctx.date_of(term.get("endDate"))
        named = re.search(r"(\d{1,3})\.\s*Wahlperiode|\bWP\s*(\d{1,3})\b|^\s*(\d{1,3})\s*$",
                          str(term.get("name") or ""), re.IGNORECASE)
        nr = next((int(g) for g in named.groups() if g), None) if named else None
        terms.append({"nr": nr, "von": start.isoformat(), "bis": end.isoformat() if end else None})
        ctx.report.count("LegislativeTerm", "übernommen")
    terms.sort(key=lambda t: str(t["von"]))
    if any(t["nr"] is None for t in terms) or len({t["nr"] for t in terms}) < len(terms):
        for n, term in enumerate(terms, 1):
            term["nr"] = n
    return terms


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
        wanted = own_id(oid) or f"{body}-{slugify(short or name, 40)}"
        if _AMT.search(kind) and not _FRAKTION.search(kind):
            local = ctx.ids.get(oid, wanted)
            ctx.aemter[local] = {"name": name, "koerperschaft": body}
        else:
            local = ctx.ids.get(oid, wanted)
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
        wanted = own_id(oid) or f"{body}-{slugify(entry['nachname'], 30)}"
        if entry.get("vorname") and not own_id(oid):
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


def map_memberships(ctx: MapContext) -> None:
    """Person.membership → ``mitglieder`` of the Gremium (with Fraktion, Rolle, Stimmrecht, von/bis);
    the source's own word for the role stays in ``bezeichnung``."""
    for oid, person in sorted(ctx.objects.of("Person").items()):
        local = ctx.local("personen", oid)
        for membership in person.get("membership") or []:
            if not isinstance(membership, dict):
                continue
            mid = str(membership.get("id") or oid)
            gremium = ctx.local("gremien", membership.get("organization"))
            if local is None or gremium is None or membership.get("deleted"):
                why = ("gelöscht" if membership.get("deleted") else "Person nicht übernommen" if local is None
                       else "Organisation ist kein Gremium (oder fehlt)")
                ctx.report.skip("Membership", mid, why, problem=False)
                continue
            ctx.gremien[gremium].setdefault("mitglieder", []).append(_member(ctx, local, membership))
            ctx.report.count("Membership", "übernommen")
    for entry in ctx.gremien.values():
        if "mitglieder" in entry:
            entry["mitglieder"].sort(key=lambda m: (str(m.get("von") or ""), m["person"], str(m.get("bis") or "")))


def _member(ctx: MapContext, person: str, membership: dict[str, Any]) -> dict[str, Any]:
    words = one_line(str(membership.get("role") or ""))
    low = words.lower()
    rolle = ("stellvertretender Vorsitz" if "vorsitz" in low and "stellv" in low else
             "Vorsitz" if "vorsitz" in low else "beratendes Mitglied" if "beratend" in low else "Mitglied")
    entry: dict[str, Any] = {"person": person}
    fraktion = ctx.local("gremien", membership.get("onBehalfOf"))
    if fraktion is not None and ctx.gremien[fraktion].get("typ") == "Fraktion":
        entry["fraktion"] = fraktion
    entry["rolle"] = rolle
    voting = membership.get("votingRight")
    if voting is False or (voting is None and rolle == "beratendes Mitglied"):
        entry["stimmberechtigt"] = False
    if words and words != rolle:
        entry["bezeichnung"] = words
    for key, field in (("von", "startDate"), ("bis", "endDate")):
        day = ctx.date_of(membership.get(field))
        if day is not None:
            entry[key] = day.isoformat()
    return entry


def gremium_of_meeting(ctx: MapContext, meeting: dict[str, Any]) -> str | None:
    """The Gremium of a Meeting; for a source without (these) Organizations one formed from the
    Organization it names and the Meeting's name („Bauausschuss (11. Sitzung)“ → Bauausschuss)."""
    urls = [str(u) for u in meeting.get("organization") or [] if u]
    known = next((g for g in (ctx.local("gremien", u) for u in urls) if g), None)
    if known is not None:
        return known
    body = ctx.body_for(meeting)
    name = re.sub(r"\s*\([^()]*\)\s*$", "", one_line(str(meeting.get("name") or "")))
    if body is None or not name or any(u in ctx.objects.of("Organization") for u in urls):
        return None  # an Organization the source has but that was not imported stays unknown
    key = urls[0] if urls else f"gremium-aus-sitzungsname:{body}:{name}"
    local = ctx.ids.get(key, f"{body}-{slugify(name, 40)}")
    if local not in ctx.gremien:
        ctx.gremien[local] = {"name": name, "koerperschaft": body, "typ": gremium_typ(name, "")}
        ctx.report.count("Organization", "aus Sitzungen gebildet")
    return local
