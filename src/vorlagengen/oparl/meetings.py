"""Meeting + AgendaItems → Sitzung record with its public and non-public Tagesordnung.

Which part an item belongs to comes from ``AgendaItem.public`` where the server sends it; otherwise
from section rows such as „A Öffentliche Sitzung“ / „B Nichtöffentliche Sitzung“, which are
headings, not TOPs. Items without a Paper become TOPs with their own title.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from vorlagengen.oparl.context import ItemInfo, MapContext, MeetingInfo
from vorlagengen.oparl.papers import NO_RESULT
from vorlagengen.oparl.quirks import one_line, section_row, top_number
from vorlagengen.oparl.refdata import gremium_of_meeting


def parse_start(value: Any) -> dt.datetime | None:
    """The local date and time as the server wrote them (after the time-zone quirk is fixed)."""
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def index_meetings(ctx: MapContext) -> None:
    """Date, Gremium and agenda structure of every usable Meeting (Papers need them for their
    Beratungsfolge before the Sitzungen are written)."""
    for oid, meeting in sorted(ctx.objects.of("Meeting").items()):
        if meeting.get("deleted"):
            ctx.report.skip("Meeting", oid, "gelöscht", problem=False)
            continue
        if meeting.get("cancelled"):
            ctx.report.skip("Meeting", oid, "abgesagt", problem=False)
            continue
        start = parse_start(meeting.get("start"))
        if start is None:
            ctx.report.skip("Meeting", oid, "ohne gültigen Beginn (start)")
            continue
        gremium = gremium_of_meeting(ctx, meeting)
        held = bool(meeting.get("resultsProtocol") or meeting.get("verbatimProtocol")) or start.date() < ctx.today
        ctx.meetings[oid] = MeetingInfo(start.date(), start.strftime("%H:%M"), gremium, held)
        _index_agenda(ctx, oid, meeting)


def _items(meeting: dict[str, Any]) -> list[dict[str, Any]]:
    items = [i for i in meeting.get("agendaItem") or [] if isinstance(i, dict)]
    if items and all(isinstance(i.get("order"), int) for i in items):
        items.sort(key=lambda i: i["order"])
    return items


def _index_agenda(ctx: MapContext, oid: str, meeting: dict[str, Any]) -> None:
    public = True
    for item in _items(meeting):
        section = section_row(item)
        if section is not None:
            public = section
            continue
        own = item.get("public")
        ctx.agenda[str(item.get("id"))] = ItemInfo(
            oid, top_number(str(item.get("number") or ""), ctx.quirks), own if isinstance(own, bool) else public,
            str(item.get("result") or ""))


def meeting_record(ctx: MapContext, oid: str, meeting: dict[str, Any]) -> dict[str, Any] | None:
    info = ctx.meetings[oid]
    if info.gremium is None:
        ctx.report.skip("Meeting", oid, "ohne bekanntes Gremium (organization)")
        return None
    if not ctx.in_window(info.datum):
        ctx.report.skip("Meeting", oid, "außerhalb des Zeitraums", problem=False)
        return None
    rec: dict[str, Any] = {"gremium": info.gremium, "nummer": _number(meeting, oid), "datum": info.datum.isoformat(),
                           "beginn": info.beginn}
    start, end = parse_start(meeting.get("start")), parse_start(meeting.get("end"))
    if start is not None and end is not None and end > start:
        rec["ende"] = end.strftime("%H:%M")
    rec.update(_place(ctx, meeting.get("location")))
    rec["tagesordnung"] = _agenda(ctx, oid, meeting, info)
    # files at a section row („A Öffentliche Sitzung“: Anwesenheitsliste …) belong to the whole Sitzung
    files = [*(meeting.get("auxiliaryFile") or []),
             *(f for i in _items(meeting) if str(i.get("id")) not in ctx.agenda
               for f in [i.get("resolutionFile"), *(i.get("auxiliaryFile") or [])] if f)]
    rec["quelle"] = {"system": "oparl", "url": oid, "web": ctx.web_link(meeting), "geaendert": meeting.get("modified"),
                     "einladung": _file(ctx, meeting.get("invitation")),
                     "niederschrift": _file(ctx, meeting.get("resultsProtocol")),
                     "anlagen": [d for d in (_file(ctx, f) for f in files) if d]}
    return rec


def _number(meeting: dict[str, Any], oid: str) -> str:
    """SD.NET: „Bau- und Umweltausschuss (11. Sitzung)“ → „11. Sitzung“; else the name or the id."""
    name = one_line(str(meeting.get("name") or ""))
    m = re.search(r"\(([^()]*)\)\s*$", name)
    return m.group(1).strip() if m and m.group(1).strip() else name or oid.rstrip("/").rsplit("/", 1)[-1]


def _place(ctx: MapContext, location: Any) -> dict[str, str]:
    if isinstance(location, str):
        location = ctx.objects.get("Location", location)
    if not isinstance(location, dict):
        return {}
    street = one_line(str(location.get("streetAddress") or ""))
    town = one_line(" ".join(str(location.get(k) or "").strip() for k in ("postalCode", "locality")))
    ort = ", ".join(p for p in (street, town) if p) or one_line(str(location.get("description") or ""))
    out = {"ort": ort} if ort else {}
    room = one_line(str(location.get("room") or ""))
    if room:
        out["raum"] = room
    return out


def _file(ctx: MapContext, obj: Any) -> dict[str, Any] | None:
    return ctx.datei(obj) if isinstance(obj, dict) else None


def _agenda(ctx: MapContext, oid: str, meeting: dict[str, Any], info: MeetingInfo) -> dict[str, list[Any]]:
    parts: dict[str, list[Any]] = {"oeffentlich": [], "nichtoeffentlich": []}
    for item in _items(meeting):
        iid = str(item.get("id"))
        item_info = ctx.agenda.get(iid)
        if item_info is None:
            continue  # a section row
        top = _top(ctx, iid, item, item_info)
        if top is not None:
            parts["oeffentlich" if item_info.public else "nichtoeffentlich"].append(top)
            ctx.report.count("AgendaItem", "übernommen")
    return parts


def _top(ctx: MapContext, iid: str, item: dict[str, Any], info: ItemInfo) -> dict[str, Any] | None:
    top: dict[str, Any] = {}
    if info.number:
        top["nummer"] = info.number
    title = one_line(str(item.get("name") or ""))
    paper = ctx.consultation_paper.get(str(item.get("consultation") or ""))
    if paper is not None and paper in ctx.paper_nummer:
        top["drucksache"] = ctx.paper_nummer[paper][1]
        if title and title != one_line(str(ctx.objects.of("Paper")[paper].get("name") or "")):
            top["titel"] = title
    elif not title:
        ctx.report.skip("AgendaItem", iid, "weder Titel noch Drucksache")
        return None
    else:
        top["titel"] = title
    top["quelle"] = _top_source(ctx, iid, item)
    return top


def _top_source(ctx: MapContext, iid: str, item: dict[str, Any]) -> dict[str, Any]:
    """The item's own result text and files, as the source has them (its result also stands in the
    Beratungsfolge of its Drucksache, if it has one)."""
    quelle: dict[str, Any] = {"url": iid}
    result = one_line(str(item.get("result") or ""))
    if result.lower() not in NO_RESULT:
        quelle["ergebnis"] = result
        ctx.report.count("Ergebnis", "übernommen")
    beschluss = _file(ctx, item.get("resolutionFile"))
    if beschluss is not None:
        quelle["beschluss"] = beschluss
    quelle["anlagen"] = [d for d in (_file(ctx, f) for f in item.get("auxiliaryFile") or []) if d]
    files = (beschluss is not None) + len(quelle["anlagen"])
    if files:
        ctx.report.count("Datei am TOP", "übernommen", files)
    return quelle
