"""Checks of a Niederschrift against its Sitzung, the Gremium's members and the Drucksachen.

Each check returns ``(loc, message)`` pairs located in the Niederschrift file (``loc`` is a field path
there); checks that concern a Drucksache return located Problems of that Drucksache's file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from vorlagengen.checks.niederschrift_formen import (
    FRAKTIONSLOS,
    check_anlagen,
    check_besetzungen,
    check_fraktionen,
    check_moved,
    votes_of,
)
from vorlagengen.checks.votes import parse_share, quorum_holds, stimmen, voters_at
from vorlagengen.errors import Problem
from vorlagengen.load.yamlio import locate
from vorlagengen.messages import field_path
from vorlagengen.model.drucksache import Gremium, Mitgliedschaft
from vorlagengen.model.niederschrift import MIT_BESCHLUSS, Niederschrift, TopErgebnis
from vorlagengen.model.records import RefData, SitzungRecord, display_path

Loc = tuple[Any, ...]
Finding = tuple[Loc, str]


def _persons(n: Niederschrift) -> Iterator[tuple[Loc, str]]:
    yield ("vorsitz",), n.vorsitz
    yield ("schriftfuehrung",), n.schriftfuehrung
    for i, t in enumerate(n.anwesenheit):
        yield ("anwesenheit", i, "person"), t.person
        if t.vertreten_durch:
            yield ("anwesenheit", i, "vertreten_durch"), t.vertreten_durch
    for i, top in enumerate(n.tops):
        for j, p in enumerate(top.befangen):
            yield ("tops", i, "befangen", j), p
        if top.abstimmung and top.abstimmung.namentlich:
            for kind in ("ja", "nein", "enthaltung"):
                for j, p in enumerate(getattr(top.abstimmung.namentlich, kind)):
                    yield ("tops", i, "abstimmung", "namentlich", kind, j), p


def check_people(n: Niederschrift, persons: set[str], members: set[str]) -> list[Finding]:
    """Every person id is known; attendance names members only, each once."""
    out: list[Finding] = []
    for loc, pid in _persons(n):
        if pid not in persons:
            out.append((loc, f"unbekannte Person „{pid}“ (nicht in data/personen.yaml)"))
    seen: set[str] = set()
    for i, t in enumerate(n.anwesenheit):
        if members and t.person not in members:
            out.append((("anwesenheit", i, "person"),
                        f"„{t.person}“ ist kein Mitglied des Gremiums (data/gremien.yaml)"))
        if t.person in seen:
            out.append((("anwesenheit", i, "person"), f"„{t.person}“ steht zweimal in der Anwesenheitsliste"))
        seen.add(t.person)
        if t.status == "entschuldigt" and t.grund is None and t.vertreten_durch is None:
            pass  # a reason is customary, not required
    listed = {t.person for t in n.anwesenheit}
    for missing in sorted(members - listed):
        out.append((("anwesenheit",), f"Mitglied „{missing}“ fehlt in der Anwesenheitsliste "
                    "(anwesend, entschuldigt oder abwesend angeben)"))
    return out


def check_tops(n: Niederschrift, order: list[str], with_drucksache: dict[str, list[str]],
               leaves: set[str], in_sitzung: frozenset[str] = frozenset()) -> list[Finding]:
    """Every TOP of the agenda has a result; no result names a TOP that is not on it; a TOP taken up
    in the session itself (``in_sitzung``) has the decision on its Dringlichkeit."""
    out: list[Finding] = []
    with_decision = {t.top for t in n.tops if t.dringlichkeit is not None}
    for nummer in sorted(in_sitzung - with_decision, key=order.index):
        out.append((("tops",), f"TOP {nummer} wurde erst in der Sitzung aufgenommen: die Niederschrift braucht "
                    "den Beschluss über die Dringlichkeit (dringlichkeit: Stimmergebnis)"))
    for i, top in enumerate(n.tops):
        if top.dringlichkeit is not None and top.top in order and top.top not in in_sitzung:
            out.append((("tops", i, "dringlichkeit"), f"TOP {top.top} stand schon auf der Tagesordnung; ein "
                        "Dringlichkeitsbeschluss gehört nur zu einem in der Sitzung aufgenommenen Punkt "
                        "(nachtrag: in der Sitzung)"))
    seen: dict[tuple[str, str | None], int] = {}
    for i, top in enumerate(n.tops):
        if top.top not in order:
            out.append(((("tops", i, "top")), f"TOP „{top.top}“ steht nicht auf der Tagesordnung "
                        f"(vorhanden: {', '.join(order)})"))
            continue
        key = (top.top, top.drucksache)
        if key in seen:
            out.append(((("tops", i, "top")), f"TOP „{top.top}“ hat zwei Ergebnisse"))
        seen[key] = i
        nummern = with_drucksache.get(top.top, [])
        if top.drucksache is not None and top.drucksache not in nummern:
            out.append(((("tops", i, "drucksache")), f"Drucksache „{top.drucksache}“ steht nicht unter TOP {top.top}"))
        if top.ergebnis in MIT_BESCHLUSS and top.abstimmung is None:
            out.append(((("tops", i, "abstimmung")), f"„{top.ergebnis}“ braucht ein Stimmergebnis (abstimmung)"))
        if top.ergebnis == "geändert beschlossen" and top.aenderung is None:
            out.append(((("tops", i, "aenderung")), "„geändert beschlossen“ braucht die Änderung (aenderung)"))
        if top.ergebnis == "verwiesen" and top.verwiesen_an is None:
            out.append(((("tops", i, "verwiesen_an")), "„verwiesen“ braucht das Gremium (verwiesen_an)"))
        if top.abstimmung is not None and top.ergebnis not in MIT_BESCHLUSS:
            out.append(((("tops", i, "abstimmung")),
                        f"Stimmergebnis ohne Beschluss (Ergebnis „{top.ergebnis or 'leer'}“)"))
    covered = {t for t, _ in seen}
    for nummer in order:
        if nummer in covered or (nummer not in leaves and nummer not in with_drucksache):
            continue
        out.append((("tops",), f"TOP {nummer} der Tagesordnung hat kein Ergebnis in der Niederschrift"))
    return out


def check_votes(n: Niederschrift, order: list[str], voting: set[str], members_voting: int,
                share: str) -> list[Finding]:
    """Counts add up to the voters present; befangen members do not vote; the quorum holds."""
    out: list[Finding] = []
    quorum = parse_share(share)
    for i, top in enumerate(n.tops):
        if top.top not in order:
            continue
        voters = voters_at(n, order, top, voting)
        for j, p in enumerate(top.befangen):
            if p not in voting:
                out.append(((("tops", i, "befangen", j)),
                            f"„{p}“ ist bei TOP {top.top} nicht stimmberechtigt anwesend"))
        out += _vote_findings(top, i, voters, members_voting, quorum)
        for where, abstimmung in votes_of(top)[1 if top.abstimmung else 0:]:
            got = stimmen(abstimmung, len(voters))
            if got.summe != len(voters) or got.ja < 0:
                out.append((("tops", i, *where), _sum_message(got.summe, len(voters), top)))
    return out


def _vote_findings(top: TopErgebnis, i: int, voters: set[str], members: int, quorum: Fraction) -> list[Finding]:
    out: list[Finding] = []
    a = top.abstimmung
    if a is None:
        return out
    loc = ("tops", i, "abstimmung")
    if a.namentlich is not None:
        named = [*a.namentlich.ja, *a.namentlich.nein, *a.namentlich.enthaltung]
        for p in sorted(set(named) & set(top.befangen)):
            out.append(((*loc, "namentlich"), f"„{p}“ ist bei TOP {top.top} befangen und stimmt nicht mit ab"))
        for p in sorted({p for p in named if named.count(p) > 1}):
            out.append(((*loc, "namentlich"), f"„{p}“ hat mehr als eine Stimme abgegeben"))
        for p in sorted(set(named) - voters - set(top.befangen)):
            out.append(((*loc, "namentlich"), f"„{p}“ ist bei TOP {top.top} nicht stimmberechtigt anwesend"))
    got = stimmen(a, len(voters))
    if (got.summe != len(voters) or got.ja < 0) and not out:
        out.append((loc, _sum_message(got.summe, len(voters), top)))
    if not quorum_holds(len(voters), members, quorum):
        out.append((loc, f"bei TOP {top.top} nicht beschlussfähig: {len(voters)} von {members} Mitgliedern "
                    f"anwesend und stimmberechtigt (nötig: mehr als {quorum} der Mitglieder)"))
    return out


def _sum_message(got: int, voters: int, top: TopErgebnis) -> str:
    befangen = f", ohne {len(top.befangen)} befangene" if top.befangen else ""
    if got == voters:  # „einstimmig bei N Enthaltungen“ with more abstentions than voters
        return f"mehr Enthaltungen als Stimmberechtigte: bei TOP {top.top} sind {voters} anwesend"
    return (f"Stimmen ergeben {got}, aber bei TOP {top.top} sind {voters} Stimmberechtigte anwesend"
            f"{befangen} (Ja + Nein + Enthaltung muss die Zahl der Anwesenden ergeben)")


def overdue(n: Niederschrift, today: dt.date) -> list[Finding]:
    """Beschlüsse whose deadline passed and that are not erledigt (warnings, not errors)."""
    out: list[Finding] = []
    for i, top in enumerate(n.tops):
        k = top.kontrolle
        if k and k.frist and k.frist < today and k.status != "erledigt":
            out.append(((("tops", i, "kontrolle", "frist")),
                         f"Beschluss zu TOP {top.top} ist überfällig: Frist {k.frist.strftime('%d.%m.%Y')}, "
                         f"Stand „{k.status}“"))
    return out


# --- the whole Niederschrift ------------------------------------------------------------------------


@dataclass
class Findings:
    errors: list[Finding] = field(default_factory=list)  # located in the Niederschrift file
    warnings: list[Finding] = field(default_factory=list)
    in_records: list[Problem] = field(default_factory=list)  # located in a Drucksache file


def members_at(gremium: Gremium, day: dt.date) -> list[Mitgliedschaft]:
    return [m for m in gremium.mitglieder if (m.von is None or m.von <= day) and (m.bis is None or day <= m.bis)]


def check_niederschrift(srec: SitzungRecord, ref: RefData, today: dt.date) -> Findings:
    """Everything validate checks in a Niederschrift; ``srec`` has numbered, linked TOPs."""
    n = srec.niederschrift
    found = Findings()
    gremium = ref.gremien.get(srec.sitzung.gremium)
    if n is None or gremium is None:
        return found
    body = ref.koerperschaften.get(gremium.koerperschaft)
    members = members_at(gremium, srec.sitzung.datum)
    if not members:
        found.errors.append(((), f"Gremium „{srec.sitzung.gremium}“ hat in data/gremien.yaml keine Mitglieder "
                             f"am {srec.sitzung.datum.strftime('%d.%m.%Y')}: ohne sie lässt sich die "
                             "Niederschrift nicht prüfen (mitglieder: …)"))
        return found
    entries = srec.all_tops()
    order = [e.nummer for e in entries]
    with_drucksache = {e.nummer: [e.drucksache] for e in entries if e.drucksache}
    leaves = {e.nummer for e in entries if not e.unterpunkte}
    voting = {m.person for m in members if m.stimmberechtigt}
    voting |= {t.vertreten_durch for t in n.anwesenheit if t.vertreten_durch and t.person in voting}
    share = body.niederschrift.beschlussfaehigkeit if body else "1/2"
    found.errors += check_people(n, set(ref.personen), {m.person for m in members})
    in_sitzung = frozenset(e.nummer for e in entries if e.nachtrag == "in der Sitzung")
    found.errors += check_tops(n, order, with_drucksache, leaves, in_sitzung)
    found.errors += check_votes(n, order, voting, sum(m.stimmberechtigt for m in members), share)
    fraktion_of = {m.person: m.fraktion or FRAKTIONSLOS for m in members}
    fraktion_of |= {t.vertreten_durch: fraktion_of.get(t.person, FRAKTIONSLOS) for t in n.anwesenheit
                    if t.vertreten_durch}
    names = {f: ref.gremien[f].name for f in fraktion_of.values() if f in ref.gremien}
    found.errors += check_fraktionen(n, order, voting, fraktion_of, names)
    found.errors += _check_kontrolle(n, ref, gremium.koerperschaft)
    found.errors += check_moved(n, {e.nummer: e for e in entries})
    found.errors += check_besetzungen(n)
    if srec.niederschrift_path is not None:
        found.errors += check_anlagen(n, srec.niederschrift_path, {e.nummer: e for e in entries})
    found.warnings += overdue(n, today)
    found.in_records += check_results_in_records(srec)
    return found


def _check_kontrolle(n: Niederschrift, ref: RefData, body: str) -> list[Finding]:
    out: list[Finding] = []
    for i, top in enumerate(n.tops):
        k = top.kontrolle
        if k is None:
            continue
        amt = ref.aemter.get(k.amt)
        if amt is None or amt.koerperschaft != body:
            out.append(((("tops", i, "kontrolle", "amt")), f"unbekannte Stelle „{k.amt}“ der Körperschaft {body} "
                         "(nicht in data/aemter.yaml)"))
        if top.ergebnis not in MIT_BESCHLUSS - {"abgelehnt"}:
            out.append(((("tops", i, "kontrolle")), "Beschlusskontrolle nur für einen gefassten Beschluss"))
    return out


def results_by_top(srec: SitzungRecord) -> dict[str, TopErgebnis]:
    """The result of each TOP with a Drucksache, by Drucksachen-Nr."""
    n = srec.niederschrift
    if n is None:
        return {}
    by_top = {t.top: t for t in n.tops}
    out = {}
    for e in srec.all_tops():
        if e.record is not None and e.nummer in by_top:
            out[e.record.vorlage.nummer] = by_top[e.nummer]
    return out


def check_results_in_records(srec: SitzungRecord) -> list[Problem]:
    """A Drucksache's own Beratungsfolge step for this Sitzung may state a result only if it agrees
    with the Niederschrift (which is the source of truth)."""
    out: list[Problem] = []
    results = results_by_top(srec)
    s = srec.sitzung
    for e in srec.all_tops():
        r = e.record
        if r is None or r.vorlage.nummer not in results:
            continue
        decided = results[r.vorlage.nummer].ergebnis
        for i, step in enumerate(r.vorlage.beratungsfolge):
            if step.gremium == s.gremium and step.datum == s.datum and step.ergebnis not in (None, decided):
                loc = ("beratungsfolge", i, "ergebnis")
                out.append(Problem(r.display, *locate(r.path, loc), field_path(loc),
                                   f"Ergebnis „{step.ergebnis}“ widerspricht der Niederschrift "
                                   f"({display_path(srec.niederschrift_path or srec.path)}: "
                                   f"„{decided or 'kein Beschluss'}“); das Ergebnis steht in der Niederschrift, "
                                   "hier kann es entfallen"))
    return out
