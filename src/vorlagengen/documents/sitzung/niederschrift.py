"""The typed context of a Niederschrift, its Beschlussauszüge and the Beschlusskontrolle list.

A context is made for one *part* of a Sitzung: ``oeffentlich`` holds only the public TOPs' results,
``nichtoeffentlich`` only the non-public ones. The public website variant (``minimal``) leaves out
everything but the Mindestinhalt: no discussion text, no guests, no reasons of absence, no names of
the Verwaltung, votes as counts only. What a context does not hold cannot reach its document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from vorlagengen.checks.niederschrift import members_at
from vorlagengen.checks.votes import parse_share, present_at, quorum_holds
from vorlagengen.documents.context import PersonInfo, datum, sitzung_name
from vorlagengen.documents.layouts import get_layout
from vorlagengen.documents.sitzung.context import wochentag
from vorlagengen.documents.woerter import Woerter, sitzung_woerter
from vorlagengen.model.drucksache import Koerperschaft, Mitgliedschaft, NiederschriftProfil
from vorlagengen.model.niederschrift import (
    MIT_BESCHLUSS,
    Abstimmung,
    Niederschrift,
    NiederschriftAnlage,
    TopErgebnis,
    abstimmung_text,
    anlage_oeffentlich,
    besetzung_text,
    teilabstimmung_text,
)
from vorlagengen.model.records import Project, ProjectData, RefData, SitzungRecord, TopEntry

OHNE_AUSZUG = ("abgesetzt", "zurückgezogen")  # results that leave nothing for a Beschlussauszug
TEIL_OEFFENTLICH = "oeffentlich"
TEIL_NICHTOEFFENTLICH = "nichtoeffentlich"


@dataclass
class KontrolleView:
    amt: str
    frist: str
    status: str
    bericht: str
    drucksache: str
    ueberfaellig: bool


@dataclass
class ErgebnisView:
    """One TOP of the Niederschrift. Markdown fields hold the author's text (rendered with |md)."""

    nummer: str
    titel: str
    oeffentlich: bool
    ebene: int
    drucksache: str
    inhalt: str
    ergebnis: str
    beschluss: str
    aenderung: str
    verwiesen_an: str
    abstimmung: str
    namentlich: list[tuple[str, str]]  # ("Ja", "A, B"), …
    abstimmungen: list[str]  # votes before the Beschluss (Änderungsantrag …), in their order
    fraktionen: list[tuple[str, int, int, int]]  # (Fraktion, Ja, Nein, Enthaltung) … and the totals last
    besetzungen: list[str]  # Gremien filled by list
    befangen: list[str]
    wahlen: list[str]
    go_antraege: list[str]
    kontrolle: KontrolleView | None


@dataclass
class NiederschriftContext:
    """Field names are the names the templates use."""

    koerperschaft: Koerperschaft
    gremium: str
    sitzung_nummer: str
    datum: str
    wochentag: str
    ort_voll: str
    teil: str  # "öffentlicher Teil" / "nichtöffentlicher Teil" (the words niederschrift_…)
    oeffentlich: bool
    minimal: bool
    beginn: str
    ende: str
    zeit: str  # „18:00 bis 20:15 Uhr“
    vorsitz: PersonInfo | None
    schriftfuehrung: PersonInfo | None
    anwesend: list[str]
    entschuldigt: list[str]
    abwesend: list[str]
    verwaltung: list[str]
    gaeste: list[str]
    einwendungen: str
    tops: list[ErgebnisView]
    feststellung: str  # ordnungsgemäße Ladung and Beschlussfähigkeit, in the profile's words
    anlagen: list[str]  # „Anlage 1: Bericht … (zu TOP Ö 3)“; in a public one only the public Anlagen
    stand: str
    entwurf: bool
    w: Woerter
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def stand_text(n: Niederschrift, w: Woerter) -> str:
    if n.stand == "genehmigt":
        sitzung = sitzung_name(n.genehmigt_in, ohne=w("sitzung_name", nummer=n.genehmigt_in)) if n.genehmigt_in else ""
        return " ".join(p for p in (w("genehmigt"), w("genehmigt_in", sitzung=sitzung) if sitzung else "",
                                    w("genehmigt_am", datum=datum(n.genehmigt_am)) if n.genehmigt_am else "") if p)
    return n.stand


def woerter_of(project: ProjectData, srec: SitzungRecord) -> Woerter:
    """The words of a Sitzung's Niederschrift and Beschlussauszüge: its Körperschaft's layout and profile."""
    gremium = project.ref.gremien[srec.sitzung.gremium]
    k = project.ref.koerperschaften[gremium.koerperschaft]
    return sitzung_woerter(get_layout(k.layout, project.root), k, gremium)


def _name(ref: RefData, pid: str) -> str:
    p = ref.personen.get(pid)
    return p.name if p else pid


def _namentlich(ref: RefData, a: Abstimmung | None, w: Woerter) -> list[tuple[str, str]]:
    if a is None or a.namentlich is None:
        return []
    nm = a.namentlich
    return [(label, ", ".join(_name(ref, p) for p in ids))
            for label, ids in ((w("stimme_ja"), nm.ja), (w("stimme_nein"), nm.nein),
                               (w("stimme_enthaltung"), nm.enthaltung)) if ids]


def _fraktionen(ref: RefData, a: Abstimmung | None, w: Woerter) -> list[tuple[str, int, int, int]]:
    """The vote per Fraktion as table rows, the totals („Summe“) last; empty for other forms."""
    if a is None or not a.fraktionen:
        return []
    rows = [(ref.gremien[f.fraktion].name if f.fraktion in ref.gremien else f.fraktion, f.ja, f.nein, f.enthaltung)
            for f in a.fraktionen]
    return [*rows, (w("summe"), sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows))]


def beschluss_text(top: TopErgebnis, entry: TopEntry) -> str:
    """The Beschluss: the text the Niederschrift states, else the Drucksache's Beschlussvorschlag."""
    if top.ergebnis not in MIT_BESCHLUSS:
        return top.beschluss or ""
    if top.beschluss:
        return top.beschluss
    r = entry.record
    return (r.vorlage.beschlussvorschlag or "") if r is not None else ""


def _kontrolle(ref: RefData, top: TopErgebnis, today: dt.date) -> KontrolleView | None:
    k = top.kontrolle
    if k is None:
        return None
    amt = ref.aemter.get(k.amt)
    return KontrolleView(amt.name if amt else k.amt, datum(k.frist), k.status, k.bericht or "",
                         k.drucksache or "", bool(k.frist and k.frist < today and k.status != "erledigt"))


def ergebnis_view(ref: RefData, entry: TopEntry, top: TopErgebnis | None, minimal: bool,
                  today: dt.date, w: Woerter) -> ErgebnisView:
    empty = top is None
    t = top or TopErgebnis(top=entry.nummer)
    verwiesen = ref.gremien.get(t.verwiesen_an or "")
    return ErgebnisView(
        nummer=entry.nummer, titel=entry.titel, oeffentlich=entry.oeffentlich_beraten, ebene=entry.ebene,
        drucksache=entry.record.vorlage.nummer if entry.record is not None else "",
        inhalt="" if (minimal or empty) else (t.inhalt or ""),
        ergebnis=t.ergebnis or "",
        beschluss=beschluss_text(t, entry),
        aenderung=t.aenderung or "",
        verwiesen_an=verwiesen.name if verwiesen else "",
        abstimmung=abstimmung_text(t.abstimmung, w),
        namentlich=[] if minimal else _namentlich(ref, t.abstimmung, w),
        abstimmungen=[teilabstimmung_text(a, w) for a in t.abstimmungen],
        fraktionen=_fraktionen(ref, t.abstimmung, w),
        besetzungen=[besetzung_text(b, w) for b in t.besetzungen],
        befangen=[_name(ref, p) for p in t.befangen],
        wahlen=[f"{x.amt}: {', '.join(x.gewaehlt)} ({abstimmung_text(x.abstimmung, w)})"
                for x in t.wahlen],
        go_antraege=[] if minimal else [f"{g.antrag}{f' ({g.von})' if g.von else ''}: {g.ergebnis}"
                                        for g in t.go_antraege],
        kontrolle=None if minimal else _kontrolle(ref, t, today),
    )


ARTEN = {"beratendes Mitglied": "mitglied_beratend", "sachkundige Bürger": "mitglied_buerger",
         "sachkundige Einwohner": "mitglied_einwohner"}  # the kind of member (its word), named at attendance


def _attendance(ref: RefData, n: Niederschrift, reasons: bool, mitglieder: dict[str, Mitgliedschaft], w: Woerter
                ) -> tuple[list[str], list[str], list[str]]:
    """Names present, excused, absent; the reason of an absence (often health) only where ``reasons``.
    A member's kind (beratend, sachkundiger Bürger …) stands beside the name; when members belong to
    Fraktionen, those present are grouped by Fraktion („SPD-Fraktion: A, B“)."""
    anwesend: list[tuple[str, str]] = []
    entschuldigt, abwesend = [], []
    for t in n.anwesenheit:
        m = mitglieder.get(t.person)
        art = w(ARTEN[m.rolle]) if m is not None and m.rolle in ARTEN else ""
        name = _name(ref, t.person)
        window = ", ".join(p for p in (art, (w("ab_top", top=t.ab_top) if t.ab_top else ""),
                                       (w("bis_top", top=t.bis_top) if t.bis_top else "")) if p)
        gruppe = m.fraktion or "" if m is not None else ""
        if t.status == "anwesend":
            anwesend.append((gruppe, f"{name} ({window})" if window else name))
            continue
        if t.vertreten_durch:
            anwesend.append((gruppe, w("vertretung", name=_name(ref, t.vertreten_durch), vertreten=name)))
        if t.status == "entschuldigt":
            entschuldigt.append(f"{name} ({t.grund})" if reasons and t.grund else name)
        else:
            abwesend.append(name)
    return _by_fraktion(ref, anwesend, w), entschuldigt, abwesend


def _by_fraktion(ref: RefData, present: list[tuple[str, str]], w: Woerter) -> list[str]:
    if not any(g for g, _ in present):
        return [name for _, name in present]
    groups: dict[str, list[str]] = {}
    for g, name in present:
        groups.setdefault(g, []).append(name)
    label = {g: (ref.gremien[g].name if g in ref.gremien else g) if g else w("fraktionslos") for g in groups}
    return [f"{label[g]}: {', '.join(names)}" for g, names in groups.items()]


def feststellung(project: ProjectData, srec: SitzungRecord, order: list[str], w: Woerter) -> str:
    """The sentence on ordnungsgemäße Ladung and Beschlussfähigkeit at the start, in the profile's words;
    empty when the Sitzung has no Einladungsdatum (an imported one) or no TOP."""
    n, s = srec.niederschrift, srec.sitzung
    gremium = project.ref.gremien[s.gremium]
    body = project.ref.koerperschaften[gremium.koerperschaft].niederschrift
    if n is None or s.einladungsdatum is None or not order:
        return ""
    members = members_at(gremium, s.datum)
    voting = {m.person for m in members if m.stimmberechtigt}
    voting |= {t.vertreten_durch for t in n.anwesenheit if t.vertreten_durch and t.person in voting}
    present = len(present_at(n, order, order[0]) & voting)
    total = sum(m.stimmberechtigt for m in members)
    key = "feststellung" if quorum_holds(present, total, parse_share(body.beschlussfaehigkeit)) \
        else "feststellung_nicht_beschlussfaehig"
    return w(key, einladungsdatum=datum(s.einladungsdatum), anwesend=present, mitglieder=total)


def niederschrift_context(project: ProjectData, srec: SitzungRecord, teil: str, *, minimal: bool, intern: bool,
                          today: dt.date) -> NiederschriftContext:
    """The context of one part of the Niederschrift (only that part's TOPs are read). Reasons of
    absence and guests only go into ``intern`` documents, never into a published one."""
    n = srec.niederschrift
    assert n is not None
    public = teil == TEIL_OEFFENTLICH
    ref = project.ref
    s = srec.sitzung
    gremium = ref.gremien[s.gremium]
    by_top = {t.top: t for t in n.tops}
    entries = [e for e in srec.all_tops() if e.oeffentlich_beraten == public]
    zeit = n.oeffentlich if public else (n.nichtoeffentlich or n.oeffentlich)
    w = woerter_of(project, srec)
    anwesend, entschuldigt, abwesend = _attendance(ref, n, intern, {m.person: m for m in gremium.mitglieder
                                                                     if m.person in {t.person for t in n.anwesenheit}},
                                                   w)
    return NiederschriftContext(
        koerperschaft=ref.koerperschaften[gremium.koerperschaft],
        gremium=gremium.name, sitzung_nummer=s.nummer, datum=datum(s.datum),
        wochentag=wochentag(w, s.datum),
        ort_voll=(s.ort or "") + (f", {s.raum}" if s.raum else ""),
        teil=w("niederschrift_oeffentlich" if public else "niederschrift_nichtoeffentlich"),
        oeffentlich=public, minimal=minimal, beginn=zeit.beginn, ende=zeit.ende or "",
        zeit=w("niederschrift_zeit", beginn=zeit.beginn, ende=zeit.ende or "–"),
        vorsitz=PersonInfo.of(ref.personen.get(n.vorsitz)),
        schriftfuehrung=PersonInfo.of(ref.personen.get(n.schriftfuehrung)),
        anwesend=anwesend, entschuldigt=entschuldigt, abwesend=abwesend,
        verwaltung=[] if minimal else list(n.verwaltung),
        gaeste=list(n.gaeste) if intern and not minimal else [],
        einwendungen="" if (minimal or not public) else (n.einwendungen or ""),
        tops=[ergebnis_view(ref, e, by_top.get(e.nummer), minimal, today, w) for e in entries],
        stand=stand_text(n, w), entwurf=n.stand == "Entwurf", w=w,
        feststellung=feststellung(project, srec, [e.nummer for e in srec.all_tops()], w),
        anlagen=[w("niederschrift_anlage", nr=nr, titel=a.titel) + (" " + w("zu_top", top=a.top) if a.top else "")
                 for nr, a in anlagen_of(srec, public=not intern)],
    )


def anlagen_of(srec: SitzungRecord, *, public: bool) -> list[tuple[int, NiederschriftAnlage]]:
    """The Niederschrift's Anlagen with their numbers; ``public``: only those that go with the public
    Niederschrift (they keep their numbers)."""
    n = srec.niederschrift
    if n is None:
        return []
    oeffentlich = {e.nummer for e in srec.all_tops() if e.oeffentlich_beraten}
    return [(nr, a) for nr, a in enumerate(n.anlagen, start=1) if not public or anlage_oeffentlich(a, oeffentlich)]


@dataclass
class AuszugContext:
    """One Beschlussauszug: the Beschluss of one TOP for the Amt that carries it out."""

    koerperschaft: Koerperschaft
    gremium: str
    sitzung_nummer: str
    datum: str
    top: ErgebnisView
    drucksache_betreff: str
    stand: str
    schriftfuehrung: PersonInfo | None
    w: Woerter
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def auszug_contexts(project: Project, srec: SitzungRecord, today: dt.date) -> list[AuszugContext]:
    """One Auszug per TOP that has a result (internal documents: both parts); none for a TOP that was
    abgesetzt or zurückgezogen: there is nothing to extract."""
    n = srec.niederschrift
    assert n is not None
    ref = project.ref
    gremium = ref.gremien[srec.sitzung.gremium]
    by_top = {t.top: t for t in n.tops}
    w = woerter_of(project, srec)
    out = []
    for e in srec.all_tops():
        top = by_top.get(e.nummer)
        if top is None or top.ergebnis in (None, *OHNE_AUSZUG) or e.abgesetzt:
            continue
        out.append(AuszugContext(
            koerperschaft=ref.koerperschaften[gremium.koerperschaft], gremium=gremium.name,
            sitzung_nummer=srec.sitzung.nummer, datum=datum(srec.sitzung.datum),
            top=ergebnis_view(ref, e, top, False, today, w),
            drucksache_betreff=e.record.vorlage.betreff if e.record is not None else "",
            stand=stand_text(n, w), schriftfuehrung=PersonInfo.of(ref.personen.get(n.schriftfuehrung)), w=w))
    return out


@dataclass
class KontrollZeile:
    koerperschaft: str
    gremium: str
    gremium_id: str
    datum: str
    sitzung: str
    top: str
    oeffentlich: bool
    drucksache: str
    gegenstand: str
    ergebnis: str
    amt: str
    frist: str
    status: str
    ampel: str  # grün (erledigt), gelb (offen/in Arbeit, in der Frist), rot (überfällig)
    bericht: str


def kontroll_zeilen(project: ProjectData, today: dt.date, *, alle: bool = False) -> list[KontrollZeile]:
    """In Sitzung and agenda order: every Beschluss with a Beschlusskontrolle, and every Beschluss whose
    text asks the Verwaltung to act (the profile's words; federführendes Amt, Frist the profile's days
    after the Sitzung, Stand offen); with ``alle`` every other Beschluss too. From the public projection
    only Beschlüsse of TOPs discussed in public (the only ones it has), redacted."""
    public = project.public
    rows = []
    for srec in sorted(project.sitzungen, key=lambda s: (s.sitzung.datum, s.sitzung.gremium)):
        n = srec.niederschrift
        if n is None:
            continue
        by_top = {t.top: t for t in n.tops}
        gremium = project.ref.gremien[srec.sitzung.gremium]
        profil = project.ref.koerperschaften[gremium.koerperschaft].niederschrift
        w = woerter_of(project, srec)
        for e in srec.all_tops():
            top = by_top.get(e.nummer)
            if top is None or (public and not e.oeffentlich_beraten):
                continue
            k = _kontrolle(project.ref, top, today) or _kontrolle_ohne_angabe(project, srec, e, top, profil, today,
                                                                               alle, w)
            if k is None:
                continue
            ampel = w("ampel_gruen" if k.status == "erledigt" else ("ampel_rot" if k.ueberfaellig else "ampel_gelb"))
            rows.append(KontrollZeile(gremium.koerperschaft, gremium.name, srec.sitzung.gremium,
                                      datum(srec.sitzung.datum),
                                      srec.sitzung.nummer, e.nummer, e.oeffentlich_beraten,
                                      e.record.vorlage.nummer if e.record is not None else "", e.titel,
                                      top.ergebnis or "", k.amt, k.frist, k.status, ampel, k.bericht))
    return rows


def _kontrolle_ohne_angabe(project: ProjectData, srec: SitzungRecord, entry: TopEntry, top: TopErgebnis,
                           profil: NiederschriftProfil, today: dt.date, alle: bool, w: Woerter
                           ) -> KontrolleView | None:
    """A Beschluss without a ``kontrolle`` block: listed when its text asks the Verwaltung to act (with
    the profile's Frist), or when ``alle`` asks for every Beschluss (then without Frist)."""
    if top.ergebnis not in MIT_BESCHLUSS - {"abgelehnt"}:
        return None
    text = beschluss_text(top, entry).casefold()
    auftrag = any(w.casefold() in text for w in profil.kontrolle_auftrag)
    if not auftrag and not alle:
        return None
    v = entry.record.vorlage if entry.record is not None else None
    amt = project.ref.aemter.get(v.federfuehrend or "") if v is not None else None
    frist = srec.sitzung.datum + dt.timedelta(days=profil.kontrolle_frist_tage) if auftrag else None
    return KontrolleView(amt.name if amt else w("verwaltung"), datum(frist), "offen", "", "",
                         bool(frist and frist < today))
