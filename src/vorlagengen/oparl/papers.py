"""Paper (+ Consultations, Files) → Drucksache record marked as imported.

The record holds what the Paper says and nothing more: no Sachverhalt, no Beschlussvorschlag (the
text is in the source's PDF, ``quelle.dokument``). Its Art is one of ours; the source's own word is
kept in ``quelle.art`` when it differs.
"""

from __future__ import annotations

import re
from typing import Any

from vorlagengen.model.drucksache import ARTEN
from vorlagengen.oparl.context import MapContext
from vorlagengen.oparl.quirks import one_line
from vorlagengen.oparl.scheme import base_number

# The source's paperType → our Art: the first keyword found decides (lower case).
ART_WORDS: tuple[tuple[str, str], ...] = (
    ("beantwortung", "Beantwortung einer Anfrage"), ("antwort", "Beantwortung einer Anfrage"),
    ("stellungnahme", "Stellungnahme"), ("anfrage", "Anfrage"), ("antrag", "Antrag"),
    ("tischvorlage", "Tischvorlage"), ("ergänzung", "Ergänzungsvorlage"), ("nachtrag", "Ergänzungsvorlage"),
    ("mitteilung", "Mitteilungsvorlage"), ("information", "Informationsvorlage"),
    ("bericht", "Informationsvorlage"), ("beschluss", "Beschlussvorlage"),
)
_SUPPLEMENT = re.compile(r"ergänzung|nachtrag", re.IGNORECASE)

ROLE_WORDS = (("entscheid", "Entscheidung"), ("beschluss", "Entscheidung"), ("vorberat", "Vorberatung"),
              ("kenntnis", "Kenntnisnahme"), ("information", "Kenntnisnahme"), ("anhör", "Anhörung"),
              ("empfehl", "Empfehlung"))
RESULT_WORDS = (("ungeändert beschlossen", "ungeändert beschlossen"),
                ("geändert beschlossen", "geändert beschlossen"),
                ("mit änderung", "geändert beschlossen"), ("kenntnis", "zur Kenntnis genommen"),
                ("abgelehnt", "abgelehnt"), ("vertagt", "vertagt"), ("zurückgestellt", "zurückgestellt"),
                ("zurückgezogen", "zurückgezogen"), ("verwiesen", "verwiesen"), ("abgesetzt", "abgesetzt"),
                ("entfällt", "abgesetzt"), ("ohne votum", "ohne Votum"))
NO_RESULT = {"", "(kein text vorhanden)"}


def map_art(paper_type: str, reference: str) -> tuple[str, str | None]:
    """(Art, the source's word if it differs). A supplement (``180/2018 1. Ergänzung``) is an
    Ergänzungsvorlage whatever its paperType."""
    original = one_line(paper_type)
    if _SUPPLEMENT.search(reference.partition(" ")[2]):
        return "Ergänzungsvorlage", original or None
    if original in ARTEN:
        return original, None
    low = original.lower()
    art = next((a for word, a in ART_WORDS if word in low), "Drucksache")
    return art, original or None


def first_word(table: tuple[tuple[str, str], ...], text: str) -> str | None:
    low = text.lower()
    return next((value for word, value in table if word in low), None)


def index_papers(ctx: MapContext) -> None:
    """Numbers of the Papers that will be imported (for Bezug and TOPs), duplicates reported."""
    seen: dict[tuple[str, str], str] = {}
    for oid, paper in sorted(ctx.objects.of("Paper").items(), key=lambda x: (x[1].get("date") or "", x[0])):
        reason = _skip_reason(ctx, paper)
        if reason:
            ctx.report.skip("Paper", oid, reason[0], problem=reason[1])
            continue
        body = ctx.body_for(paper)
        assert body is not None
        key = (body, str(paper["reference"]))
        if key in seen:
            ctx.report.skip("Paper", oid, f"Drucksachen-Nr. „{key[1]}“ doppelt (auch {seen[key]})")
            continue
        seen[key] = oid
        ctx.paper_nummer[oid] = key
        for cons in paper.get("consultation") or []:
            if isinstance(cons, dict) and cons.get("id"):
                ctx.consultation_paper[str(cons["id"])] = oid


def _skip_reason(ctx: MapContext, paper: dict[str, Any]) -> tuple[str, bool] | None:
    if paper.get("deleted"):
        return "gelöscht", False
    if ctx.body_for(paper) is None:
        return "ohne Körperschaft", True
    if not paper.get("reference"):
        return "ohne Drucksachen-Nr. (reference)", True
    if not paper.get("name"):
        return "ohne Betreff (name)", True
    datum = ctx.date_of(paper.get("date"))
    if datum is None:
        return "ohne gültiges Datum (date)", True
    if not ctx.in_window(datum):
        return "außerhalb des Zeitraums", False
    return None


def paper_record(ctx: MapContext, oid: str, paper: dict[str, Any]) -> dict[str, Any]:
    body, nummer = ctx.paper_nummer[oid]
    art, original = map_art(str(paper.get("paperType") or ""), nummer)
    rec: dict[str, Any] = {"nummer": nummer, "datum": str(paper["date"])[:10], "koerperschaft": body,
                           "art": art, "status": "öffentlich", "betreff": str(paper["name"])}
    aemter = [a for a in (ctx.local("aemter", u) for u in paper.get("underDirectionOf") or []) if a]
    if aemter:
        rec["federfuehrend"], rec["beteiligt"] = aemter[0], aemter[1:]
    rec["verfasser"] = [p for p in (ctx.local("personen", u) for u in paper.get("originatorPerson") or []) if p]
    initiators = [g for g in (ctx.local("gremien", u) for u in paper.get("originatorOrganization") or []) if g]
    if initiators:
        rec["initiator"] = initiators[0]
    rec["bezug"] = _bezug(ctx, oid, paper, body, nummer)
    rec["beratungsfolge"] = _beratungsfolge(ctx, oid, paper)
    rec["quelle"] = _quelle(ctx, paper, original)
    return rec


def _bezug(ctx: MapContext, oid: str, paper: dict[str, Any], body: str, nummer: str) -> str | None:
    if _SUPPLEMENT.search(nummer.partition(" ")[2]):
        base = base_number(nummer)
        if (body, base) in ctx.numbers:
            return base
    for url in [*(paper.get("superordinatedPaper") or []), *(paper.get("relatedPaper") or [])]:
        other = ctx.paper_nummer.get(str(url))
        if other and other[0] == body and other[1] != nummer:
            return other[1]
    return None


def _beratungsfolge(ctx: MapContext, oid: str, paper: dict[str, Any]) -> list[dict[str, Any]]:
    steps = []
    for cons in paper.get("consultation") or []:
        if not isinstance(cons, dict):
            continue
        step = _step(ctx, oid, cons)
        if step is not None:
            steps.append(step)
            ctx.report.count("Consultation", "übernommen")
    return sorted(steps, key=lambda s: (s.get("datum") is None, str(s.get("datum") or "")))


def _step(ctx: MapContext, oid: str, cons: dict[str, Any]) -> dict[str, Any] | None:
    """A step as the Consultation says: its Sitzung's date and TOP if it names them, done only if its
    item was on the agenda of a held Sitzung; without a (known) Meeting a step without date."""
    cid = str(cons.get("id") or oid)
    meeting = ctx.meetings.get(str(cons.get("meeting") or ""))
    gremium = (meeting.gremium if meeting is not None else None) or next(
        (g for g in (ctx.local("gremien", u) for u in cons.get("organization") or []) if g), None)
    if gremium is None:
        ctx.report.skip("Consultation", cid, "Beratung ohne bekanntes Gremium")
        return None
    step: dict[str, Any] = {"gremium": gremium, "datum": meeting.datum.isoformat() if meeting else None}
    item = ctx.agenda.get(str(cons.get("agendaItem") or ""))
    if item is not None and item.number:
        step["top"] = item.number
    role = first_word(ROLE_WORDS, str(cons.get("role") or ""))
    if role:
        step["zustaendigkeit"] = role
    step["oeffentlich"] = item.public if item is not None else True
    result = one_line(str(item.result if item is not None else ""))
    if result.lower() not in NO_RESULT:
        ergebnis = first_word(RESULT_WORDS, result)
        if ergebnis:
            step["ergebnis"] = ergebnis
        step["abstimmung"] = result
    step["erledigt"] = item is not None and meeting is not None and (bool(result) or meeting.held)
    return step


def _quelle(ctx: MapContext, paper: dict[str, Any], original: str | None) -> dict[str, Any]:
    quelle: dict[str, Any] = {"system": "oparl", "url": paper["id"], "web": ctx.web_link(paper), "art": original,
                              "geaendert": paper.get("modified")}
    main = paper.get("mainFile")
    if isinstance(main, dict):
        quelle["dokument"] = ctx.datei(main)
    quelle["anlagen"] = [d for d in (ctx.datei(f) for f in paper.get("auxiliaryFile") or []
                                     if isinstance(f, dict)) if d]
    return quelle
