"""Atom feeds (new Drucksachen, Sitzungen; each also per Gremium) and iCalendar files (all Sitzungen,
one per Gremium).

Atom is written with the standard library's ElementTree: the format is a dozen elements, ElementTree
escapes every value, and the output is byte-stable (the feed libraries on PyPI add lxml and stamp
the build time). iCalendar uses the ``icalendar`` library (folding, escaping, time zones).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from vorlagengen.site.output import SiteOutput
from vorlagengen.site.view import Drucksache, Site, Sitzung

ATOM = "http://www.w3.org/2005/Atom"
TZ = "Europe/Berlin"
FEED_LENGTH = 50


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom(feed_id: str, title: str, self_url: str, site_url: str, entries: list[dict[str, str]]) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "de"})
    _el(feed, "id", feed_id)
    _el(feed, "title", title)
    _el(feed, "updated", max((e["updated"] for e in entries), default="1970-01-01T00:00:00Z"))
    _el(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _el(feed, "link", rel="alternate", href=site_url, type="text/html")
    author = _el(feed, "author")
    _el(author, "name", title.split(" – ")[-1])
    for e in entries:
        entry = _el(feed, "entry")
        _el(entry, "id", e["url"])
        _el(entry, "title", e["title"])
        _el(entry, "updated", e["updated"])
        _el(entry, "published", e["published"])
        _el(entry, "link", rel="alternate", href=e["url"], type="text/html")
        _el(entry, "summary", e["summary"])
    ET.indent(feed)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"


def _ds_entry(d: Drucksache, base: str, modified: dt.datetime) -> dict[str, str]:
    return {"url": base + d.url, "title": f"{d.nummer}: {d.betreff}", "updated": _stamp(modified),
            "published": d.datum.isoformat() + "T00:00:00Z",
            "summary": f"{d.art_label} vom {d.datum.strftime('%d.%m.%Y')}"}


def _sz_entry(s: Sitzung, base: str, modified: dt.datetime) -> dict[str, str]:
    where = f"{s.ort}, {s.raum}" if s.raum else s.ort
    return {"url": base + s.url, "title": s.titel, "updated": _stamp(modified),
            "published": _stamp(s.start.replace(tzinfo=ZoneInfo(TZ))),
            "summary": f"{s.name} am {s.datum.strftime('%d.%m.%Y')}, {s.beginn} Uhr, {where}"}


def write_feeds(site: Site, out: SiteOutput, base: str, title: str, modified: Callable[[object], dt.datetime]) -> None:
    drucksachen = sorted(site.drucksachen.values(), key=lambda d: (d.datum, d.key), reverse=True)
    sitzungen = sorted(site.sitzungen.values(), key=lambda s: (s.start, s.slug), reverse=True)

    def put(name: str, label: str, ds: list[Drucksache], sz: list[Sitzung]) -> None:
        entries = ([_ds_entry(d, base, modified(d)) for d in ds[:FEED_LENGTH]]
                   + [_sz_entry(s, base, modified(s)) for s in sz[:FEED_LENGTH]])
        rel = f"feeds/{name}.atom"
        out.put(rel, atom(base + rel, f"{label} – {title}", base + rel, base, entries[:FEED_LENGTH]))

    put("drucksachen", "Neue Drucksachen", drucksachen, [])
    put("sitzungen", "Sitzungen", [], sitzungen)
    for g in sorted({g for d in drucksachen for g in d.gremien} | {s.gremium for s in sitzungen}):
        if g in site.gremien:
            put(f"gremium-{g}", site.gremien[g].name, [d for d in drucksachen if g in d.gremien],
                [s for s in sitzungen if s.gremium == g])


def calendar(name: str, sitzungen: Iterable[Sitzung], base: str, modified: Callable[[object], dt.datetime]) -> bytes:
    import icalendar  # only when a calendar changed: the library takes longer to load than the rest of a rebuild

    cal = icalendar.Calendar()
    cal.add("prodid", "-//vorlagengen//Bürgerinfo//DE")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TZ)
    zone = ZoneInfo(TZ)
    host = base.split("//", 1)[-1].split("/", 1)[0]
    for s in sitzungen:
        ev = icalendar.Event()
        ev.add("uid", f"sitzung-{s.slug}@{host}")
        ev.add("dtstamp", modified(s).astimezone(dt.UTC))
        ev.add("dtstart", s.start.replace(tzinfo=zone))
        ev.add("duration", dt.timedelta(hours=3))
        ev.add("summary", s.titel)
        ev.add("location", f"{s.ort}, {s.raum}" if s.raum else s.ort)
        ev.add("description", f"{s.name}. Tagesordnung: {base + s.url}")
        ev.add("url", base + s.url)
        cal.add_component(ev)
    return bytes(cal.to_ical())


def write_calendars(site: Site, out: SiteOutput, base: str, title: str,
                    modified: Callable[[object], dt.datetime], unchanged: Callable[..., bool]) -> None:
    """The calendars; one whose Sitzungen are as in the last run is left as it is (``unchanged``)."""
    sitzungen = list(site.sitzungen.values())
    used = {s.gremium for s in sitzungen} | {g for d in site.drucksachen.values() for g in d.gremien}
    plans = [("kalender/sitzungen.ics", f"Sitzungen – {title}", sitzungen)]
    plans += [(f"kalender/{g}.ics", f"{site.gremien[g].name if g in site.gremien else g} – {title}",
               [s for s in sitzungen if s.gremium == g]) for g in sorted(used)]
    for rel, name, items in plans:
        if not unchanged(rel, name, base, [(s.slug, s.titel, s.start, s.ort, s.raum, s.name, modified(s))
                                           for s in items]):
            out.put(rel, calendar(name, items, base, modified))
