"""Checks of a Sitzung and of its ties to the Drucksachen: Gremium and Vorsitz known, Ladungsfrist,
every TOP's Drucksache known, once on the agenda, in its Beratungsfolge, öffentlich only when it may
be, no Entwurf; and every Beratungsfolge step that names a loaded Sitzung finds its Drucksache there.

The TOPs arrive linked to their Drucksachen (``sitzungen.link_tops``); the checks only read.
"""

from __future__ import annotations

from ..errors import Problem
from ..messages import field_path, suggest
from ..model import Gremium, Sitzung
from ..records import Loc, Record, RefData, SitzungRecord, TopEntry
from ..yamlio import locate
from .common import fmt_date

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
    known = [r.vorlage.nummer for r in records if r.vorlage.koerperschaft == body]
    seen: dict[str, str] = {}
    for entry in rec.all_tops():
        out += _check_top(entry, s, gremium, known, seen)
    return out


def _check_head(s: Sitzung, gremium: Gremium, ref: RefData) -> list[Finding]:
    out: list[Finding] = []
    if s.sitzungsleitung:
        person = ref.personen.get(s.sitzungsleitung)
        if person is None and not ref.unsure("personen", s.sitzungsleitung):
            out.append((("sitzungsleitung",), f"unbekannte Person „{s.sitzungsleitung}“ (nicht in "
                        f"data/personen.yaml){suggest(s.sitzungsleitung, ref.personen)}"))
    body = gremium.koerperschaft
    return out + _frist(s, ref.koerperschaften[body].ladungsfrist if body in ref.koerperschaften else 0)


def _frist(s: Sitzung, frist: int) -> list[Finding]:
    """Ort and Einladung are required of a Sitzung prepared here; an imported one has what its source
    had (OParl knows no Einladungsdatum)."""
    out: list[Finding] = []
    if s.quelle is None:
        out += [((name,), "Pflichtfeld fehlt") for name in ("ort", "einladungsdatum") if getattr(s, name) is None]
    if s.einladungsdatum is None:
        return out
    if (s.datum - s.einladungsdatum).days < frist:
        out.append((("einladungsdatum",), f"Ladungsfrist von {frist} Tagen nicht eingehalten: Einladung am "
                    f"{fmt_date(s.einladungsdatum)}, Sitzung am {fmt_date(s.datum)}"))
    if s.einladungsdatum > s.datum:
        out.append((("einladungsdatum",), "Einladung liegt nach der Sitzung"))
    return out


def _check_top(entry: TopEntry, s: Sitzung, gremium: Gremium, known: list[str], seen: dict[str, str]
               ) -> list[Finding]:
    if not entry.drucksache:
        return [] if entry.titel else [(entry.loc, "TOP braucht einen Titel oder eine Drucksache")]
    where = (*entry.loc, "drucksache")
    r = entry.record
    if r is None:
        return [(where, f"unbekannte Drucksache „{entry.drucksache}“ der Körperschaft "
                 f"{gremium.koerperschaft}{suggest(entry.drucksache, known)}")]
    out: list[Finding] = []
    if entry.drucksache in seen:
        out.append((where, f"Drucksache {entry.drucksache} steht zweimal auf der "
                    f"Tagesordnung (auch unter TOP {seen[entry.drucksache]})"))
    seen[entry.drucksache] = entry.nummer
    v = r.vorlage
    steps = [st for st in v.beratungsfolge if st.gremium == s.gremium and st.datum == s.datum]
    if not steps:
        out.append((where, f"Drucksache {v.nummer} hat in ihrer Beratungsfolge keinen "
                    f"Schritt „{gremium.name}“ am {fmt_date(s.datum)}"))
    if entry.oeffentlich and not v.oeffentlich:
        out.append((where, f"nichtöffentliche Drucksache {v.nummer} im öffentlichen Teil "
                    "der Tagesordnung"))
    elif entry.oeffentlich and steps and not steps[0].oeffentlich:
        out.append((where, f"Drucksache {v.nummer} soll laut Beratungsfolge "
                    "nichtöffentlich beraten werden, steht aber im öffentlichen Teil"))
    if v.entwurf:
        out.append((where, f"Drucksache {v.nummer} ist noch ein Entwurf: die "
                    "Sitzungsmappe kann so nicht endgültig erstellt werden"))
    return out


def check_beratungsfolge_against_sitzungen(sitzungen: list[SitzungRecord], records: list[Record]
                                           ) -> list[Problem]:
    """A Beratungsfolge step that names a Sitzung we have must find the Drucksache on its agenda."""
    by_key = {(s.sitzung.gremium, s.sitzung.datum): s for s in sitzungen}
    out = []
    for r in records:
        for i, step in enumerate(r.vorlage.beratungsfolge):
            s = by_key.get((step.gremium, step.datum))
            if s is None or (s.sitzung.quelle is not None and r.vorlage.uebernommen):
                continue  # imported both: the source's agenda is as it was (an item may be missing)
            on_agenda = any(e.record is r for e in s.all_tops())
            if not on_agenda:
                loc = ("beratungsfolge", i, "datum")
                out.append(Problem(r.display, *locate(r.path, loc), field_path(loc),
                                   f"Sitzung am {fmt_date(step.datum)} ({s.display}) hat Drucksache "
                                   f"{r.vorlage.nummer} nicht auf der Tagesordnung"))
    return out
