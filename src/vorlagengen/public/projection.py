"""The public projection: a ``PublicProject`` that holds only what may be published.

Every public artifact (public Drucksachen, Bekanntmachung, public Mappe, public Niederschrift,
Beschlusskontrolle PDF and CSV, website, search index, feeds, calendars, OParl export) is made from
``public_project(project)`` by code that never receives the full project: its planners take a
``PublicProject``, a type of its own, so ``mypy --strict`` refuses the full project there. What is
not in the projection cannot leak into a page, a bookmark, metadata, a file name, a CSV cell or a
log line.

Rules (docs/oeffentlich.md, „Öffentlich und intern“):

- Drucksachen: only public ones. In them
  - Anlagen: only public ones that are not ``personenbezogen``; the others are counted
    (``Record.vorenthalten``), the kept ones keep their original numbers (``Record.anlagen_nummern``).
  - Beratungsfolge: every step; a step in non-public session keeps Gremium, Datum and
    Zuständigkeit but loses its TOP, its Ergebnis (``ergebnis`` and ``ergebnis_text``) and its
    ``abstimmung``, Beschluss-Nr., Beratungsinhalt and Wortprotokoll. The agenda decides, not the
    record: a step whose Sitzung has the Drucksache in its non-public part is non-public whatever
    the step says (validate warns about the record).
  - Schwärzungen: each marked span and each term of ``schwaerzen`` becomes the placeholder
    ``[geschwärzt]{.geschwaerzt}``, in every free-text field (Anlagen titles, link texts, image
    alt texts included); a link or image holding a marked span loses its address; the
    ``schwaerzen`` list itself is dropped.
  - Bezug (each of them): the number stays; a non-public target is known by number only (no Betreff).
- ``betreffs``: only of public Drucksachen (redacted); ``oeffentlich``: the public numbers and the
  non-public numbers a public Bezug names.
- Sitzungen: every Sitzung, with its public TOPs only (their ``hinweis``, ``abgesetzt`` and public
  Drucksachen ``dazu`` kept, titles and notes redacted), and whether it has a non-public part. A TOP
  of the non-public part that the session moved into the public part (Niederschrift ``verlegt:
  oeffentlich``) is kept too, still marked as of the non-public part (so the Bekanntmachung and the
  public Mappe, published before the session, never show it), with only those of its sub-items that
  were discussed in public. Its
  Niederschrift in public form: the TOPs discussed in public only, texts redacted (with the terms of the TOP's
  Drucksachen), no guests, no reasons of absence; for each public TOP the Ergebnis and Abstimmung
  (``oeffentliche_ergebnisse``); ``ergebnisse`` only of public Drucksachen in public Beratung; no
  ``warnings`` (they may name anything).
- Reference data: Körperschaften; Gremien, Ämter and Personen only where a public record or a
  Sitzung uses them, every Fraktion, and the members of those Gremien (membership is public; the
  website shows a page per member); a Gremium, Amt or Person that only a non-public record names
  stays out; Altbestand only where public and named by a public Bezug.

Everything is copied: the result shares no mutable object with the input.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from vorlagengen.model.drucksache import Sitzung, Tagesordnung, Top, Vorlage
from vorlagengen.model.niederschrift import Niederschrift, TopErgebnis, anlage_oeffentlich
from vorlagengen.model.records import Project, PublicProject, Record, RefData, SitzungRecord, TopEntry
from vorlagengen.public.schwaerzung import KLASSE, ersetze_texte, schwaerzen

# (Körperschaft, Drucksachen-Nr., Gremium, Sitzungsdatum)
Beratung = tuple[str, str, str, Any]

NICHTOEFFENTLICH = "nichtöffentlich"
PERSONENBEZOGEN = "personenbezogen"


def public_project(project: Project) -> PublicProject:
    """A new PublicProject holding only what may be published (see the module's rules)."""
    geheim = nichtoeffentlich_beraten(project) | project.nichtoeffentlich_beraten
    records = {id(r): public_record(r, geheim) for r in project.records if r.vorlage.oeffentlich}
    sitzungen = [public_sitzung(s, records) for s in project.sitzungen]
    kept = list(records.values())
    oeffentlich = _public_status(project, kept)
    betreffs = {key: schwaerzen(text) for key, text in project.betreffs.items() if oeffentlich.get(key)}
    betreffs.update({(r.vorlage.koerperschaft, r.vorlage.nummer): r.vorlage.betreff for r in kept})
    ref = public_refdata(project.ref, kept, sitzungen, oeffentlich)
    ergebnisse = {key: value for key, value in project.ergebnisse.items() if _public_result(key, kept)}
    public = PublicProject(project.root, ref, kept, sitzungen, betreffs, ergebnisse, [], oeffentlich)
    public.sitzungsnummern = dict(project.sitzungsnummern)  # a Sitzung and its number are public
    # the Fragen of public Drucksachen this run did not load, redacted as their public form is
    public.fremde_fragen = {key: (tuple(schwaerzen(f, begriffe) for f in fragen), ())
                            for key, (fragen, begriffe) in project.fremde_fragen.items() if oeffentlich.get(key)}
    public.fremde_entwuerfe = {key for key in project.fremde_entwuerfe if oeffentlich.get(key)}
    return public


def nichtoeffentlich_beraten(project: Project) -> set[Beratung]:
    """Each Beratung that a Sitzung of the project holds in its non-public part."""
    out: set[Beratung] = set()
    for srec in project.sitzungen:
        s = srec.sitzung
        out.update((r.vorlage.koerperschaft, r.vorlage.nummer, s.gremium, s.datum)
                   for e in srec.all_tops() if not e.oeffentlich_beraten for r in e.records)
    return out


def _public_result(key: tuple[str, str, str, Any], kept: list[Record]) -> bool:
    body, nummer, gremium, datum = key
    return any(r.vorlage.koerperschaft == body and r.vorlage.nummer == nummer and
               any(s.gremium == gremium and s.datum == datum and s.oeffentlich for s in r.vorlage.beratungsfolge)
               for r in kept)


# --- Drucksachen ----------------------------------------------------------------------------------


def public_record(record: Record, geheim: set[Beratung] | frozenset[Beratung] = frozenset()) -> Record:
    """A public Drucksache as it may be published (raises nothing; call only for public ones).
    ``geheim``: the Beratungen held in a non-public part (``nichtoeffentlich_beraten``)."""
    v = record.vorlage
    assert v.oeffentlich, "only public Drucksachen have a public form"
    data = v.model_dump()
    nummern: list[int] = []
    anlagen: list[dict[str, Any]] = []
    vorenthalten = {NICHTOEFFENTLICH: 0, PERSONENBEZOGEN: 0}
    for nr, (anlage, raw) in enumerate(zip(v.anlagen, data["anlagen"], strict=False), start=1):
        if anlage.personenbezogen:
            vorenthalten[PERSONENBEZOGEN] += 1
        elif not anlage.oeffentlich:
            vorenthalten[NICHTOEFFENTLICH] += 1
        else:
            nummern.append(nr)
            anlagen.append(raw)
    data["anlagen"] = anlagen
    data["beratungsfolge"] = [_public_step(step, (v.koerperschaft, v.nummer, step["gremium"], step["datum"]) in geheim)
                              for step in data["beratungsfolge"]]
    data["schwaerzen"] = []
    if v.schwaerzen or KLASSE in v.model_dump_json():  # else no text has anything to replace
        data = ersetze_texte(data, lambda text: schwaerzen(text, v.schwaerzen))
    return Record(record.path, record.display, Vorlage.model_validate(data), nummern,
                  {k: n for k, n in vorenthalten.items() if n}, record.digest)


def _public_step(step: dict[str, Any], geheim: bool) -> dict[str, Any]:
    if step["oeffentlich"] and not geheim:
        return step
    return {**step, "oeffentlich": False, "top": None, "ergebnis": None, "ergebnis_text": None, "abstimmung": None,
            "beschluss_nr": None, "beratungsinhalt": None, "wortprotokoll": None}


def _public_status(project: Project, kept: list[Record]) -> dict[tuple[str, str], bool]:
    status = {key: True for key, public in project.oeffentlich.items() if public}
    for r in kept:
        status[(r.vorlage.koerperschaft, r.vorlage.nummer)] = True
        for nr in r.vorlage.bezuege:
            key = (r.vorlage.koerperschaft, nr)
            status[key] = project.oeffentlich.get(key, False)
    return status


# --- Sitzungen ------------------------------------------------------------------------------------


def public_sitzung(srec: SitzungRecord, records: dict[int, Record]) -> SitzungRecord:
    """A Sitzung with its public TOPs only; ``records`` maps id(full record) → public record."""
    s = srec.sitzung
    public_tops = [_public_top(t) for t in s.tagesordnung.oeffentlich]
    danach = [_public_top(t) for t in s.tagesordnung.oeffentlich_danach]
    sitzung = Sitzung.model_validate({**_copy_fields(s), "tagesordnung": Tagesordnung(
        oeffentlich=public_tops, oeffentlich_danach=danach)})
    tops = [kept for e in srec.tops for kept in _public_entries(e, records)]
    return SitzungRecord(srec.path, srec.display, sitzung, tops, praefix=srec.praefix,
                         niederschrift=_public_niederschrift(srec),
                         niederschrift_path=srec.niederschrift_path,
                         nichtoeffentlicher_teil=srec.hat_nichtoeffentlichen_teil(),
                         oeffentliche_ergebnisse=_public_results(srec))


def _public_niederschrift(srec: SitzungRecord) -> Niederschrift | None:
    """The Niederschrift of the public TOPs only, redacted, without guests and reasons of absence."""
    n = srec.niederschrift
    if n is None:
        return None
    # a TOP moved into the non-public part in the session (Niederschrift „verlegt“) has no public text;
    # one moved into the public part has
    terms = {e.nummer: [b for r in e.records for b in r.vorlage.schwaerzen] for e in srec.all_tops()
             if e.oeffentlich_beraten}
    tops = [ersetze_texte(t.model_dump(), _redactor(terms[t.top])) for t in n.tops if t.top in terms]
    data = n.model_dump()
    # Anlagen keep their place (their numbers), but a non-public one leaves nothing of itself behind
    anlagen = [ersetze_texte(a.model_dump(), schwaerzen) if anlage_oeffentlich(a, set(terms))
               else {"datei": "-", "titel": "-", "top": None, "oeffentlich": False} for a in n.anlagen]
    data.update(tops=tops, gaeste=[], einwendungen=schwaerzen(n.einwendungen) if n.einwendungen else None,
                anlagen=anlagen,
                anwesenheit=[{**a, "grund": None} for a in data["anwesenheit"]],
                verwaltung=[schwaerzen(x) for x in n.verwaltung])
    return Niederschrift.model_validate(data)


def _redactor(terms: list[str]) -> Callable[[str], str]:
    return lambda text: schwaerzen(text, terms)


def _public_results(srec: SitzungRecord) -> dict[str, TopErgebnis]:
    """Ergebnis and votes (Abstimmung, earlier votes, Wahlen, Besetzungen) of each TOP discussed in public
    as its Niederschrift records them; nothing else of it (no Beratung, Beschluss text, Kontrolle)."""
    if srec.niederschrift is None:
        return {}
    # a TOP moved to the non-public part in the session has no public result; one moved into the public part has
    public = {e.nummer for e in srec.all_tops() if e.oeffentlich_beraten}
    # deliberately public of a public TOP: the votes before the Beschluss, Wahlen and Besetzungen
    return {t.top: TopErgebnis(top=t.top, ergebnis=t.ergebnis,
                               abstimmung=t.abstimmung.model_copy(deep=True) if t.abstimmung else None,
                               abstimmungen=[a.model_copy(deep=True) for a in t.abstimmungen],
                               wahlen=[w.model_copy(deep=True) for w in t.wahlen],
                               besetzungen=[b.model_copy(deep=True) for b in t.besetzungen])
            for t in srec.niederschrift.tops
            if t.top in public and (t.ergebnis or t.abstimmung or t.wahlen or t.besetzungen)}


def _copy_fields(model: Sitzung) -> dict[str, Any]:
    data = model.model_dump()
    del data["tagesordnung"]
    return dict(ersetze_texte(data, schwaerzen))


def _public_top(top: Top) -> Top:
    data = ersetze_texte(top.model_dump(), schwaerzen)
    return Top.model_validate(data)


def _public_entries(entry: TopEntry, records: dict[int, Record]) -> list[TopEntry]:
    """A TOP of the public part as it may be published; of the non-public part only what the session
    moved into the public part (the TOP with the sub-items discussed in public, or those sub-items alone)."""
    if entry.oeffentlich:
        return [_public_entry(entry, records)]
    if entry.oeffentlich_beraten:
        moved = TopEntry(entry.nummer, entry.titel, False, entry.ebene, entry.nachtrag, entry.loc, entry.record,
                         [u for u in entry.unterpunkte if u.oeffentlich_beraten], entry.drucksache,
                         entry.dazu_nummern, entry.dazu, entry.hinweis, entry.abgesetzt, entry.quelle, entry.danach,
                         entry.verlegt)
        return [_public_entry(moved, records)]
    return [kept for u in entry.unterpunkte for kept in _public_entries(u, records)]


def _public_entry(entry: TopEntry, records: dict[int, Record]) -> TopEntry:
    own = [entry.record] if entry.record is not None else []
    public = [records.get(id(r)) for r in [*own, *entry.dazu]]
    if any(r is None for r in public):
        # a non-public Drucksache under a public TOP is refused by validate; never carry it along
        raise AssertionError(f"TOP {entry.nummer}: nichtöffentliche Drucksache im öffentlichen Teil")
    terms = [b for r in entry.records for b in r.vorlage.schwaerzen]
    out = TopEntry(entry.nummer, schwaerzen(entry.titel, terms), entry.oeffentlich, entry.ebene, entry.nachtrag,
                   tuple(entry.loc), public[0] if own else None,
                   [_public_entry(e, records) for e in entry.unterpunkte], entry.drucksache,
                   quelle=entry.quelle.model_copy(deep=True) if entry.quelle else None, danach=entry.danach,
                   verlegt=entry.verlegt)
    out.dazu = [r for r in public[len(own):] if r is not None]
    out.dazu_nummern = [r.vorlage.nummer for r in out.dazu]
    out.hinweis = schwaerzen(entry.hinweis, terms)
    out.abgesetzt = entry.abgesetzt
    return out


# --- reference data -------------------------------------------------------------------------------


def public_refdata(ref: RefData, records: list[Record], sitzungen: list[SitzungRecord],
                   oeffentlich: dict[tuple[str, str], bool]) -> RefData:
    """The reference data the public records and the Sitzungen use, copied."""
    personen: set[str] = set()
    gremien: set[str] = set()
    aemter: set[str] = set()
    bezuege: set[str] = set()
    for r in records:
        v = r.vorlage
        personen.update(p for p in (v.bearbeiter, v.dezernent, v.berichterstatter) if p)
        personen.update(v.unterschrift.alle if v.unterschrift else [])
        personen.update(v.verfasser)
        personen.update(v.fragesteller)
        aemter.update(v.verfasser)  # a Verfasser is a person or a Stelle: only the one that exists is copied
        aemter.update([v.initiator_stelle] if v.initiator_stelle else [])
        gremien.update(step.gremium for step in v.beratungsfolge)
        gremien.update([v.unterschrift.fuer] if v.unterschrift and v.unterschrift.fuer else [])
        # an initiator is a Gremium or an Amt: the one it is not is not in that table and is not copied
        initiatoren = [i for i in (v.initiator, v.ursprung.initiator if v.ursprung else None) if i]
        gremien.update(initiatoren)
        aemter.update(initiatoren)
        aemter.update([v.federfuehrend] if v.federfuehrend else [])
        aemter.update(v.beteiligt)
        bezuege.update(nr for nr in v.bezuege if oeffentlich.get((v.koerperschaft, nr)))
    for s in sitzungen:
        gremien.add(s.sitzung.gremium)
        personen.update([s.sitzung.sitzungsleitung] if s.sitzung.sitzungsleitung else [])
        n = s.niederschrift  # its public form: the people and bodies its public part names
        if n is not None:
            personen.update([n.vorsitz, n.schriftfuehrung])
            personen.update(p for a in n.anwesenheit for p in (a.person, a.vertreten_durch) if p)
            for t in n.tops:
                personen.update(t.befangen)
                nm = t.abstimmung.namentlich if t.abstimmung else None
                personen.update([*nm.ja, *nm.nein, *nm.enthaltung] if nm else [])
                gremien.update([t.verwiesen_an] if t.verwiesen_an else [])
                aemter.update([t.kontrolle.amt] if t.kontrolle else [])
    # deliberately public: every Fraktion (a part of the Vertretung, named in votes and memberships) with its members
    gremien.update(k for k, g in ref.gremien.items() if g.typ == "Fraktion")
    for key in list(gremien):
        for m in ref.gremien[key].mitglieder if key in ref.gremien else []:
            personen.update([m.person, *m.stellvertretung])
            gremien.update([m.fraktion] if m.fraktion else [])

    def pick(table: dict[str, Any], keep: set[str] | None) -> dict[str, Any]:
        return {k: m.model_copy(deep=True) for k, m in table.items() if keep is None or k in keep}

    return RefData(
        koerperschaften=pick(ref.koerperschaften, None),
        gremien=pick(ref.gremien, gremien),
        aemter=pick(ref.aemter, aemter),
        personen=pick(ref.personen, personen),
        altbestand={k: a.model_copy(update={"betreff": schwaerzen(a.betreff)}, deep=True)
                    for k, a in ref.altbestand.items() if k in bezuege and a.status == "öffentlich"},
        unreadable=set(ref.unreadable),
        invalid=copy.deepcopy(ref.invalid),
    )
