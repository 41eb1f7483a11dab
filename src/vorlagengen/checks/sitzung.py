"""Checks of a Sitzung and of its ties to the Drucksachen: Gremium and Vorsitz known, Ladungsfrist,
every TOP's Drucksache known, once on the agenda, in its Beratungsfolge, öffentlich only when it may
be; and every Beratungsfolge step that names a loaded Sitzung finds its Drucksache there.

The TOPs arrive linked to their Drucksachen (``sitzungen.link_tops``); the checks only read. A
Drucksache that is still an Entwurf is no error here: ``vorlagengen sitzung`` refuses the final
documents and builds them with ``--entwurf`` as drafts.
"""

from __future__ import annotations

from collections.abc import Callable

from vorlagengen.checks.common import fmt_date
from vorlagengen.checks.schwaerzung import UNERKANNT, ungeschwaerzt
from vorlagengen.errors import Problem
from vorlagengen.load.yamlio import locate
from vorlagengen.messages import field_path, suggest
from vorlagengen.model.drucksache import Gremium, Sitzung
from vorlagengen.model.records import Loc, Record, RefData, SitzungRecord, TopEntry, display_path
from vorlagengen.public.schwaerzung import texte, unerkannt

Finding = tuple[Loc, str]


def check_sitzung(rec: SitzungRecord, records: list[Record], ref: RefData) -> list[Finding]:
    s = rec.sitzung
    gremium = ref.gremien.get(s.gremium)
    if gremium is None:
        if ref.unsure("gremien", s.gremium):
            return []  # its entry in data/ is broken and reported there
        return [(("gremium",), f"unbekanntes Gremium „{s.gremium}“ (nicht in data/gremien.yaml)"
                 f"{suggest(s.gremium, ref.gremien)}")]
    out = _check_head(s, gremium, ref)
    body = gremium.koerperschaft
    seen: dict[str, str] = {}
    for entry in rec.all_tops():
        out += _check_top(entry, s, gremium, lambda: [r.vorlage.nummer for r in records
                                                      if r.vorlage.koerperschaft == body], seen, rec.praefix)
    return out


def _check_head(s: Sitzung, gremium: Gremium, ref: RefData) -> list[Finding]:
    out: list[Finding] = []
    if s.sitzungsleitung:
        person = ref.personen.get(s.sitzungsleitung)
        if person is None and not ref.unsure("personen", s.sitzungsleitung):
            out.append((("sitzungsleitung",), f"unbekannte Person „{s.sitzungsleitung}“ (nicht in "
                        f"data/personen.yaml){suggest(s.sitzungsleitung, ref.personen)}"))
    body = gremium.koerperschaft
    return out + _check_dates(s, ref.koerperschaften[body].ladungsfrist if body in ref.koerperschaften else 0)


def _check_dates(s: Sitzung, frist: int) -> list[Finding]:
    """Ort and Einladung are required of a Sitzung prepared here (an imported one has what its source
    had: OParl knows no Einladungsdatum); Ladungsfrist (unless a Dringlichkeit is given), Nachtrag,
    end and non-public start."""
    out: list[Finding] = []
    if s.quelle is None:
        out += [((name,), "Pflichtfeld fehlt") for name in ("ort", "einladungsdatum") if getattr(s, name) is None]
    if s.ende is not None and s.ende <= s.beginn:
        out.append((("ende",), f"Ende {s.ende} Uhr liegt nicht nach dem Beginn {s.beginn} Uhr"))
    if s.beginn_nichtoeffentlich is not None and s.beginn_nichtoeffentlich < s.beginn:
        out.append((("beginn_nichtoeffentlich",), f"nichtöffentlicher Teil beginnt ({s.beginn_nichtoeffentlich} "
                    f"Uhr) vor der Sitzung ({s.beginn} Uhr)"))
    if s.einladungsdatum is None:
        return out
    if s.dringlichkeit is None and (s.datum - s.einladungsdatum).days < frist:
        out.append((("einladungsdatum",), f"Ladungsfrist von {frist} Tagen nicht eingehalten: Einladung am "
                    f"{fmt_date(s.einladungsdatum)}, Sitzung am {fmt_date(s.datum)} (bei Dringlichkeit den Grund "
                    "unter „dringlichkeit“ angeben)"))
    if s.einladungsdatum > s.datum:
        out.append((("einladungsdatum",), "Einladung liegt nach der Sitzung"))
    if s.nachtragsdatum is not None and not s.einladungsdatum <= s.nachtragsdatum <= s.datum:
        out.append((("nachtragsdatum",), f"Nachtrag am {fmt_date(s.nachtragsdatum)} liegt nicht zwischen "
                    f"Einladung ({fmt_date(s.einladungsdatum)}) und Sitzung ({fmt_date(s.datum)})"))
    return out


def _check_top(entry: TopEntry, s: Sitzung, gremium: Gremium, known: Callable[[], list[str]],
               seen: dict[str, str], praefix: str) -> list[Finding]:
    """``known`` gives the body's numbers, only asked for when a TOP names an unknown one."""
    own_title = entry.record is None or entry.titel != entry.record.vorlage.betreff
    if own_title and unerkannt(entry.titel):
        return [((*entry.loc, "titel"), UNERKANNT)]
    if not entry.drucksache and not entry.titel:
        return [(entry.loc, "TOP braucht einen Titel oder eine Drucksache")]
    named = [((*entry.loc, "drucksache"), entry.drucksache)] if entry.drucksache else []
    named += [((*entry.loc, "dazu", j), nr) for j, nr in enumerate(entry.dazu_nummern)]
    by_nr = {r.vorlage.nummer: r for r in entry.records}
    out: list[Finding] = []
    for where, nr in named:
        r = by_nr.get(nr)
        if r is None:
            out.append((where, f"unbekannte Drucksache „{nr}“ der Körperschaft {gremium.koerperschaft}"
                        f"{suggest(nr, known())}"))
            continue
        if nr in seen:
            out.append((where, f"Drucksache {nr} steht zweimal auf der Tagesordnung (auch unter "
                        f"{praefix + ' ' if praefix else ''}{seen[nr]})"))
        seen[nr] = entry.nummer
        out += [(where, msg) for msg in _check_drucksache(r, entry, s, gremium)]
    return out


def _check_drucksache(r: Record, entry: TopEntry, s: Sitzung, gremium: Gremium) -> list[str]:
    v = r.vorlage
    out = []
    steps = [st for st in v.beratungsfolge if st.gremium == s.gremium and st.datum == s.datum]
    if not steps:
        out.append(f"Drucksache {v.nummer} hat in ihrer Beratungsfolge keinen Schritt „{gremium.name}“ am "
                   f"{fmt_date(s.datum)}")
    if entry.oeffentlich and not v.oeffentlich:
        out.append(f"nichtöffentliche Drucksache {v.nummer} im öffentlichen Teil der Tagesordnung")
    elif entry.oeffentlich and steps and not steps[0].oeffentlich:
        out.append(f"Drucksache {v.nummer} soll laut Beratungsfolge nichtöffentlich beraten werden, steht aber im "
                   "öffentlichen Teil")
    return out


def check_beratungsfolge_against_sitzungen(sitzungen: list[SitzungRecord], records: list[Record]
                                           ) -> list[Problem]:
    """A Beratungsfolge step that names a Sitzung we have must find the Drucksache on its agenda."""
    by_key = {(s.sitzung.gremium, s.sitzung.datum): s for s in sitzungen}
    out = []
    for r in records:
        for i, step in enumerate(r.vorlage.beratungsfolge):
            s = by_key.get((step.gremium, step.datum)) if step.datum is not None else None
            if s is None or (s.sitzung.quelle is not None and r.vorlage.uebernommen):
                continue  # imported both: the source's agenda is as it was (an item may be missing)
            on_agenda = any(any(x is r for x in e.records) for e in s.all_tops())
            if not on_agenda:
                loc = ("beratungsfolge", i, "datum")
                out.append(Problem(r.display, *locate(r.path, loc), field_path(loc),
                                   f"Sitzung am {fmt_date(step.datum)} ({s.display}) hat Drucksache "
                                   f"{r.vorlage.nummer} nicht auf der Tagesordnung"))
    return out


def check_public_part(sitzungen: list[SitzungRecord], records: list[Record]) -> list[Problem]:
    """Warnings where the agenda and a public Drucksache disagree about publicness: a public
    Drucksache on the non-public part (its result there is not published: the agenda decides), and
    the Beratungsfolge step of that Sitzung when it says (or lets default) „oeffentlich: ja“."""
    out = []
    by_id = {id(r): r for r in records}
    for s in sitzungen:
        for e in s.all_tops():
            if e.oeffentlich:
                continue
            named = [((*e.loc, "drucksache"), e.record)] if e.record is not None else []
            named += [((*e.loc, "dazu", j), r) for j, r in enumerate(e.dazu)]
            for loc, r in named:
                if not r.vorlage.oeffentlich or id(r) not in by_id:
                    continue
                v = r.vorlage
                out.append(Problem(s.display, *locate(s.path, loc), field_path(loc),
                                   f"öffentliche Drucksache {v.nummer} im nichtöffentlichen Teil: ihre Beratung "
                                   "und ihr Ergebnis in dieser Sitzung werden nicht veröffentlicht"))
                for i, step in enumerate(v.beratungsfolge):
                    if step.gremium == s.sitzung.gremium and step.datum == s.sitzung.datum and step.oeffentlich:
                        where: Loc = ("beratungsfolge", i, "oeffentlich")  # its step when the key is left out
                        out.append(Problem(r.display, *locate(r.path, where), field_path(where),
                                           f"Sitzung am {fmt_date(step.datum)} ({s.display}) berät die Drucksache "
                                           f"im nichtöffentlichen Teil ({s.praefix + ' ' if s.praefix else ''}"
                                           f"{e.nummer}); der Schritt gilt dort als nichtöffentlich – bitte "
                                           "„oeffentlich: nein“ eintragen"))
    return out


def check_schwaerzen_in_sitzung(s: SitzungRecord) -> list[Problem]:
    """The terms of ``schwaerzen`` of the Drucksachen under a public TOP, in what the Sitzung and its
    Niederschrift say of that TOP (its own title, its hinweis, the Niederschrift's texts), as a
    reader would see them: each is an error at its place (the projection replaces only the
    terms as written)."""
    out: list[Problem] = []
    by_top = {e.nummer: e for e in s.all_tops() if e.oeffentlich}
    for e in by_top.values():
        terms = [b for r in e.records for b in r.vorlage.schwaerzen]
        own = [] if e.record is not None and e.titel == e.record.vorlage.betreff else [("titel", e.titel)]
        for key, text in [*own, ("hinweis", e.hinweis)] if terms else []:
            loc: Loc = (*e.loc, key)
            out += [Problem(s.display, *locate(s.path, loc), field_path(loc), m) for m in ungeschwaerzt(text, terms)]
    n, path = s.niederschrift, s.niederschrift_path
    if n is None or path is None:
        return out
    display = display_path(path)
    for i, t in enumerate(n.tops):
        entry = by_top.get(t.top)
        terms = [b for r in entry.records for b in r.vorlage.schwaerzen] if entry is not None else []
        for place, text in texte(t.model_dump()) if terms else []:
            loc = ("tops", i, *place)
            out += [Problem(display, *locate(path, loc), field_path(loc), m) for m in ungeschwaerzt(text, terms)]
    return out
