"""OParl 1.1 export: the public objects as static JSON files under ``<site>/oparl/``.

Every object's ``id`` is the URL of its file below the configured base address
(``https://…/oparl/body/wandsbek/paper/19-0171.json``), so any static host serves the export as it
is. Lists are paginated (``links.next``). Objects that a previous export had and this one has not
(a Drucksache withdrawn or no longer public) stay at their URL as ``{"deleted": true}``; static lists
leave them out, ``vorlagengen serve`` returns them for ``modified_since`` as the standard asks.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from vorlagengen.site.view import Drucksache, Site, SiteFile, Sitzung, SourceFile, Top

VERSION = "https://schema.oparl.org/1.1/"
ROOT = "oparl"
Obj = dict[str, Any]

ORG_TYPES = {"Ausschuss": "Gremium", "Vertretung": "Gremium", "Beirat": "Gremium", "Fraktion": "Fraktion",
             "Verwaltung": "Verwaltungsbereich"}
LISTS = {"Organization": "organizations", "Person": "persons", "Meeting": "meetings", "Paper": "papers",
         "AgendaItem": "agenda-items", "Consultation": "consultations", "File": "files", "Location": "locations",
         "LegislativeTerm": "legislative-terms", "Membership": "memberships"}
BODY_FIELDS = {"Organization": "organization", "Person": "person", "Meeting": "meeting", "Paper": "paper",
               "AgendaItem": "agendaItem", "Consultation": "consultation", "File": "file",
               "Location": "locationList", "LegislativeTerm": "legislativeTermList", "Membership": "membership"}


@functools.lru_cache(maxsize=4096)  # few distinct dates, thousands of objects
def stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


@dataclass
class Export:
    """Collects the objects of one export, body by body, then writes files and lists."""

    site: Site
    base: str  # the site's address, ending in "/"
    dates: Callable[[object], tuple[dt.datetime, dt.datetime]]
    checksum: Callable[[SiteFile], str]
    page_size: int = 100
    license: str | None = None
    name: str = "Bürgerinformation"
    email: str | None = None
    objects: dict[str, dict[str, list[Obj]]] = field(default_factory=dict)  # body → type → objects

    def url(self, *parts: str) -> str:
        return self.base + ROOT + "/" + "/".join(parts) + ".json"

    def obj(self, kind: str, ident: str, created: dt.datetime, modified: dt.datetime, **fields: Any) -> Obj:
        out: Obj = {"id": ident, "type": f"{VERSION}{kind}"}
        out.update({k: v for k, v in fields.items() if v not in (None, "", [])})
        if self.license:
            out.setdefault("license", self.license)
        out["created"], out["modified"] = stamp(created), stamp(modified)
        return out

    def add(self, body: str, kind: str, item: Obj) -> Obj:
        self.objects.setdefault(body, {}).setdefault(kind, []).append(item)
        return item

    # --- objects --------------------------------------------------------------------------------

    def run(self) -> None:
        for body in self.site.koerperschaften:
            self.objects.setdefault(body, {})
        for s in self.site.sitzungen.values():
            self.meeting(s)
        for d in self.site.drucksachen.values():
            self.paper(d)
        self.organizations()
        self.persons()
        self.terms()

    def _ref_dates(self) -> tuple[dt.datetime, dt.datetime]:
        return self.dates(None)

    def organizations(self) -> None:
        created, modified = self._ref_dates()
        for gid in sorted(self.site.gremien):  # every Gremium of the public reference data
            g = self.site.gremien[gid]
            self.add(g.koerperschaft, "Organization", self.obj(
                "Organization", self.url("body", g.koerperschaft, "organization", gid), created, modified,
                body=self.url("body", g.koerperschaft), name=g.name, shortName=g.kurzname,
                organizationType=ORG_TYPES.get(g.typ, "Sonstiges"), classification=g.typ, web=self.base + g.url))
        for aid in sorted(self.site.aemter):
            a = self.site.aemter[aid]
            self.add(a.koerperschaft, "Organization", self.obj(
                "Organization", self.url("body", a.koerperschaft, "organization", aid), created, modified,
                body=self.url("body", a.koerperschaft), name=a.name, organizationType="Verwaltungsbereich",
                classification="Verwaltung"))

    def persons(self) -> None:
        """Only Mandatsträger: the members of the Gremien on the site and who chairs a public Sitzung."""
        created, modified = self._ref_dates()
        memberships = self.memberships(created, modified)
        chairs = {s.leitung for s in self.site.sitzungen.values() if s.leitung in self.site.personen}
        for pid in sorted(chairs | set(memberships)):
            p = self.site.personen[pid]
            self.add(p.koerperschaft, "Person", self.obj(
                "Person", self.url("body", p.koerperschaft, "person", pid), created, modified,
                body=self.url("body", p.koerperschaft), name=p.name, familyName=p.nachname, givenName=p.vorname,
                formOfAddress=p.anrede, title=[p.titel] if p.titel else None, membership=memberships.get(pid)))

    def memberships(self, created: dt.datetime, modified: dt.datetime) -> dict[str, list[Obj]]:
        """Membership objects by person, for the Gremien this export has as Organization."""
        out: dict[str, list[Obj]] = {}
        for objs in list(self.objects.values()):
            for org in objs.get("Organization", []):
                g = self.site.gremien.get(org["id"].rsplit("/", 1)[-1].removesuffix(".json"))
                if g is None:
                    continue
                for m in g.mitglieder:
                    item = self.add(g.koerperschaft, "Membership", self.obj(
                        "Membership", self.url("body", g.koerperschaft, "membership", f"{g.id}-{m.person}"), created,
                        modified, person=self.url("body", g.koerperschaft, "person", m.person), organization=org["id"],
                        role=m.rolle, votingRight=m.stimmberechtigt,
                        onBehalfOf=self.url("body", g.koerperschaft, "organization", m.fraktion)
                        if m.fraktion in self.site.gremien else None,
                        startDate=m.von.isoformat() if m.von else None, endDate=m.bis.isoformat() if m.bis else None))
                    org.setdefault("membership", []).append(item["id"])
                    out.setdefault(m.person, []).append(item)
        return out

    def terms(self) -> None:
        created, modified = self._ref_dates()
        for b in self.site.koerperschaften.values():
            if b.wahlperiode:
                self.add(b.id, "LegislativeTerm", self.obj(
                    "LegislativeTerm", self.url("body", b.id, "legislativeterm", str(b.wahlperiode)), created,
                    modified, body=self.url("body", b.id), name=f"{b.wahlperiode}. Wahlperiode"))

    def file(self, body: str, f: SiteFile, slug: str, modified: dt.datetime, **links: Any) -> Obj:
        item = self.obj("File", self.url("body", body, "file", slug), modified, modified, name=f.label,
                        fileName=Path(f.href).name, mimeType=f.mime, date=f.date.isoformat(), size=f.size,
                        sha512Checksum=self.checksum(f), accessUrl=self.base + f.href, downloadUrl=self.base + f.href,
                        **links)
        return self.add(body, "File", item)

    def source_file(self, body: str, f: SourceFile, slug: str, modified: dt.datetime, pid: str) -> Obj:
        """A document of an imported Drucksache, at its address in the former system."""
        item = self.obj("File", self.url("body", body, "file", slug), modified, modified, name=f.label,
                        mimeType=f.mime, date=f.date.isoformat(), size=f.size, accessUrl=f.url, paper=[pid])
        return self.add(body, "File", item)

    def meeting(self, s: Sitzung) -> None:
        created, modified = self.dates(s)
        body = s.koerperschaft
        mid = self.url("body", body, "meeting", s.slug)
        location = self.add(body, "Location", self.obj(
            "Location", self.url("body", body, "location", s.slug), created, modified, description=s.ort,
            room=s.raum, meetings=[mid]))
        items = [self.agenda_item(s, t, i, mid, created, modified) for i, t in enumerate(s.all_tops(), start=1)]
        files = {f.label: self.file(body, f, f"{s.slug}-{Path(f.href).stem.lower()}", modified, meeting=[mid])
                 for f in s.files}
        for i, f in enumerate(s.quelle, 1):  # imported: the documents stay at the source
            label = f.label if f.label in ("Einladung", "Niederschrift") else f"quelle-{i}"
            files.setdefault("Bekanntmachung" if label == "Einladung" else label, self.add(body, "File", self.obj(
                "File", self.url("body", body, "file", f"{s.slug}-quelle-{i}"), modified, modified, name=f.label,
                mimeType=f.mime, date=f.date.isoformat(), size=f.size, accessUrl=f.url, meeting=[mid])))
        from zoneinfo import ZoneInfo

        start = s.start.replace(tzinfo=ZoneInfo("Europe/Berlin"))
        self.add(body, "Meeting", self.obj(
            "Meeting", mid, created, modified, name=f"{s.titel} ({s.nummer})", start=start.isoformat(),
            end=self._end(s, start), location=location,
            organization=([self.url("body", body, "organization", s.gremium)]
                          if s.gremium in self.site.gremien else None),
            participant=[self.url("body", body, "person", s.leitung)] if s.leitung in self.site.personen else None,
            invitation=files.get("Bekanntmachung"), resultsProtocol=files.get("Niederschrift"),
            auxiliaryFile=[f for k, f in files.items() if k not in ("Bekanntmachung", "Niederschrift")],
            agendaItem=items, web=self.base + s.url))

    @staticmethod
    def _end(s: Sitzung, start: dt.datetime) -> str | None:
        if not s.ende:
            return None
        hour, minute = (int(p) for p in s.ende.split(":"))
        end = start.replace(hour=hour, minute=minute)
        return end.isoformat() if end > start else None

    def agenda_item(self, s: Sitzung, t: Top, order: int, mid: str, created: dt.datetime,
                    modified: dt.datetime) -> Obj:
        body = s.koerperschaft
        consultation = None
        if t.drucksache in self.site.drucksachen:
            d = self.site.drucksachen[t.drucksache]
            index = next((i for i, st in enumerate(d.steps, start=1) if st.sitzung == s.slug), None)
            consultation = self.url("body", body, "consultation", f"{d.slug}-{index}") if index else None
        iid = self.url("body", body, "agendaitem", f"{s.slug}-{order}")
        files = [self.add(body, "File", self.obj(
            "File", self.url("body", body, "file", f"{s.slug}-{order}-quelle-{i}"), modified, modified, name=f.label,
            mimeType=f.mime, date=f.date.isoformat(), size=f.size, accessUrl=f.url, agendaItem=[iid]))
            for i, f in enumerate(t.quelle, 1)]
        resolution = files[0] if t.quelle and t.quelle[0].label.startswith("Beschluss: ") else None
        if resolution is not None:
            resolution["name"] = resolution["name"].removeprefix("Beschluss: ")
        return self.add(body, "AgendaItem", self.obj(
            "AgendaItem", iid, created, modified,
            meeting=mid, number=t.nummer, order=order - 1, name=t.titel, public=True, consultation=consultation,
            result=t.quelle_ergebnis or t.ergebnis, resolutionFile=resolution,
            auxiliaryFile=[f for f in files if f is not resolution], web=self.base + s.url))

    def paper(self, d: Drucksache) -> None:
        created, modified = self.dates(d)
        body = d.koerperschaft
        pid = self.url("body", body, "paper", d.slug)
        files = [self.file(body, f, f"{d.slug}-{Path(f.href).suffix.lstrip('.')}" if i < len(d.files) else
                           f"{d.slug}-anlage-{i - len(d.files) + 1}", modified, paper=[pid])
                 for i, f in enumerate(d.files + d.anlagen)]
        files += [self.source_file(body, f, f"{d.slug}-quelle-{i}", modified, pid) for i, f in enumerate(d.quelle, 1)]
        consultations = [self.consultation(d, i, st, pid, created, modified) for i, st in enumerate(d.steps, start=1)]
        related = [self.url("body", body, "paper", self.site.drucksachen[b.key].slug) for b in d.bezuege if b.key]
        self.add(body, "Paper", self.obj(
            "Paper", pid, created, modified, body=self.url("body", body), name=d.betreff, reference=d.nummer,
            date=d.datum.isoformat(), paperType=d.art_label, relatedPaper=related,
            mainFile=files[0] if d.files or d.quelle else None,
            auxiliaryFile=files[1:] if d.files or d.quelle else files,
            underDirectionOf=[self.url("body", body, "organization", d.federfuehrend_id)]
            if d.federfuehrend_id in self.site.aemter else None,
            originatorOrganization=[self.url("body", body, "organization", d.initiator_id)]
            if d.initiator_id in self.site.gremien else None,
            consultation=consultations, web=self.base + d.url))

    def consultation(self, d: Drucksache, index: int, st: Any, pid: str, created: dt.datetime,
                     modified: dt.datetime) -> Obj:
        body = d.koerperschaft
        meeting = agenda = None
        if st.sitzung and st.sitzung in self.site.sitzungen:
            s = self.site.sitzungen[st.sitzung]
            meeting = self.url("body", body, "meeting", s.slug)
            order = next((i for i, t in enumerate(s.all_tops(), start=1) if t.drucksache == d.key), None)
            agenda = self.url("body", body, "agendaitem", f"{s.slug}-{order}") if order else None
        return self.add(body, "Consultation", self.obj(
            "Consultation", self.url("body", body, "consultation", f"{d.slug}-{index}"), created, modified,
            paper=pid, meeting=meeting, agendaItem=agenda,
            organization=[self.url("body", body, "organization", st.gremium)] if st.gremium in self.site.gremien
            else None, role=st.zustaendigkeit,
            authoritative=True if st.zustaendigkeit == "Entscheidung" else None))  # nothing claimed otherwise

    # --- files ----------------------------------------------------------------------------------

    def files(self) -> dict[str, Obj]:
        """{path below oparl/: object or list page} for the whole export."""
        out: dict[str, Obj] = {}
        created, modified = self._ref_dates()
        bodies = []
        for body, kinds in sorted(self.objects.items()):
            b = self.site.koerperschaften[body]
            for items in kinds.values():
                for item in items:
                    out[self.rel(item["id"])] = item
            body_obj = self.obj(
                "Body", self.url("body", body), created, modified, system=self.url("system"), name=b.name,
                shortName=b.id, web=self.base + "index.html", contactEmail=self.email,
                **{BODY_FIELDS[k]: self.url("body", body, LISTS[k]) for k in LISTS})
            body_obj["legislativeTerm"] = kinds.get("LegislativeTerm", [])
            out[self.rel(body_obj["id"])] = body_obj
            bodies.append(body_obj)
            for kind, name in LISTS.items():
                out.update(self.pages(self.url("body", body, name), kinds.get(kind, [])))
        out.update(self.pages(self.url("bodies"), bodies))
        system = self.obj("System", self.url("system"), created, modified, oparlVersion=VERSION,
                          body=self.url("bodies"), name=self.name, website=self.base + "index.html",
                          contactEmail=self.email,
                          product="https://pypi.org/project/vorlagengen/")
        out[self.rel(system["id"])] = system
        return out

    def rel(self, url: str) -> str:
        return url[len(self.base + ROOT) + 1:]

    def pages(self, first: str, items: list[Obj]) -> dict[str, Obj]:
        items = sorted(items, key=lambda o: o["id"])
        total = max(1, math.ceil(len(items) / self.page_size))
        out: dict[str, Obj] = {}
        for n in range(1, total + 1):
            links = {"first": first, "last": page_url(first, total), "self": page_url(first, n)}
            if n > 1:
                links["prev"] = page_url(first, n - 1)
            if n < total:
                links["next"] = page_url(first, n + 1)
            out[self.rel(page_url(first, n))] = {
                "data": items[(n - 1) * self.page_size: n * self.page_size],
                "pagination": {"totalElements": len(items), "elementsPerPage": self.page_size, "currentPage": n,
                               "totalPages": total},
                "links": links}
        return out


def page_url(first: str, n: int) -> str:
    return first if n == 1 else first.removesuffix(".json") + f"-{n}.json"


def dump(obj: Obj) -> bytes:
    """Compact UTF-8 JSON, the bytes ``json.dumps(obj, ensure_ascii=False, separators=(",", ":"))``
    gives, made by orjson: the export encodes every object once alone and again in its lists."""
    return orjson.dumps(obj) + b"\n"


def _json_files(folder: Path) -> list[str]:
    out: list[str] = []
    for current, _, files in os.walk(folder):
        rel_dir = os.path.relpath(current, folder).replace(os.sep, "/")
        prefix = "" if rel_dir == "." else rel_dir + "/"
        out.extend(prefix + name for name in files if name.endswith(".json"))
    return out


def tombstones(folder: Path, new: dict[str, Obj], when: dt.datetime) -> dict[str, Obj]:
    """Objects of the export on disk that this export has not: kept at their URL as deleted.

    Only the files that are not produced again are read, so an unchanged export costs a directory
    listing."""
    out: dict[str, Obj] = {}
    gone = sorted(rel for rel in _json_files(folder) if rel not in new)
    for rel in gone:
        path = folder / rel
        try:
            item = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(item, dict) or "id" not in item or str(item.get("type", "")).endswith(("/System", "/Body")):
            continue  # a list page or a body: not an object that can be deleted
        if item.get("deleted"):
            out[rel] = item
        else:
            out[rel] = {"id": item["id"], "type": item["type"], "created": item.get("created", stamp(when)),
                        "modified": stamp(when), "deleted": True}
    return out
