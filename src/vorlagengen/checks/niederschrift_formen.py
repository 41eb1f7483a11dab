"""Checks of the forms a Niederschrift records beyond a plain vote: votes per Fraktion, Besetzung of
Gremien by list, Anlagen, and TOPs moved to the other part in the session. Each returns ``(loc,
message)`` pairs located in the Niederschrift file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from vorlagengen.checks.sitzverteilung import spannen
from vorlagengen.checks.votes import voters_at
from vorlagengen.model.niederschrift import FRAKTIONSLOS, Abstimmung, Niederschrift, TopErgebnis
from vorlagengen.model.records import TopEntry, anlage_path

Loc = tuple[Any, ...]
Finding = tuple[Loc, str]

__all__ = ["FRAKTIONSLOS", "check_anlagen", "check_besetzungen", "check_fraktionen", "check_moved", "votes_of"]


def votes_of(top: TopErgebnis) -> list[tuple[Loc, Abstimmung]]:
    """Every vote under a TOP with where it stands: the Beschluss's, the earlier ones, Wahlen, Dringlichkeit."""
    out: list[tuple[Loc, Abstimmung]] = [(("abstimmung",), top.abstimmung)] if top.abstimmung else []
    out += [(("abstimmungen", a, "abstimmung"), t.abstimmung) for a, t in enumerate(top.abstimmungen)]
    out += [(("wahlen", w, "abstimmung"), wahl.abstimmung) for w, wahl in enumerate(top.wahlen)]
    return out + ([(("dringlichkeit",), top.dringlichkeit)] if top.dringlichkeit is not None else [])


def check_fraktionen(n: Niederschrift, order: list[str], voting: set[str], fraktion_of: dict[str, str],
                     names: dict[str, str]) -> list[Finding]:
    """Votes per Fraktion: each Fraktion's Ja + Nein + Enthaltung is the number of its members present
    and entitled to vote at that TOP (a Stellvertretung counts for the member's Fraktion)."""
    out: list[Finding] = []
    for i, top in enumerate(n.tops):
        if top.top not in order:
            continue
        voters = voters_at(n, order, top, voting)
        expected = Counter(fraktion_of.get(p, FRAKTIONSLOS) for p in voters)
        for where, a in votes_of(top):
            if not a.fraktionen:
                continue
            got: Counter[str] = Counter()
            for j, row in enumerate(a.fraktionen):
                if row.fraktion not in expected and row.fraktion not in set(fraktion_of.values()) | {FRAKTIONSLOS}:
                    out.append((("tops", i, *where, "fraktionen", j, "fraktion"), f"„{row.fraktion}“ ist keine "
                                "Fraktion eines Mitglieds (data/gremien.yaml, mitglieder: fraktion) und nicht "
                                "„fraktionslos“"))
                got[row.fraktion] += row.ja + row.nein + row.enthaltung
            for fraktion in sorted(set(got) | set(expected)):
                if got[fraktion] != expected[fraktion]:
                    out.append((("tops", i, *where, "fraktionen"), f"{names.get(fraktion, fraktion)}: Stimmen "
                                f"ergeben {got[fraktion]}, aber bei TOP {top.top} sind {expected[fraktion]} ihrer "
                                "Mitglieder anwesend und stimmberechtigt"))
    return out


def check_besetzungen(n: Niederschrift) -> list[Finding]:
    """Each list's seats as the method gives them from its votes, all seats given, one person a seat."""
    out: list[Finding] = []
    for i, top in enumerate(n.tops):
        for b, bes in enumerate(top.besetzungen):
            loc = ("tops", i, "besetzungen", b)
            given = sum(x.sitze for x in bes.listen)
            if given != bes.sitze:
                out.append(((*loc, "listen"), f"die Listen haben zusammen {given} Sitze, zu besetzen sind {bes.sitze}"))
            for j, (liste, (lo, hi)) in enumerate(zip(bes.listen, spannen([x.stimmen for x in bes.listen], bes.sitze,
                                                                          bes.verfahren), strict=True)):
                if not lo <= liste.sitze <= hi:
                    soll = str(lo) if lo == hi else f"{lo} bis {hi} (Los)"
                    out.append(((*loc, "listen", j, "sitze"), f"Liste „{liste.liste}“: nach {bes.verfahren} "
                                f"{soll} Sitze, eingetragen {liste.sitze}"))
                if liste.personen and len(liste.personen) != liste.sitze:
                    out.append(((*loc, "listen", j, "personen"), f"Liste „{liste.liste}“ hat {liste.sitze} Sitze, "
                                f"aber {len(liste.personen)} Personen"))
    return out


def check_anlagen(n: Niederschrift, path: Path, entries: dict[str, TopEntry]) -> list[Finding]:
    """Every Anlage of the Niederschrift is a file beside it, names a TOP of the agenda, and is public
    only with a TOP discussed in public."""
    out: list[Finding] = []
    for i, a in enumerate(n.anlagen):
        if not anlage_path(a.datei, path).is_file():
            out.append((("anlagen", i, "datei"), f"Datei „{a.datei}“ nicht gefunden (relativ zur Niederschrift)"))
        e = entries.get(a.top) if a.top is not None else None
        if a.top is not None and e is None:
            out.append((("anlagen", i, "top"), f"TOP „{a.top}“ steht nicht auf der Tagesordnung"))
        elif a.oeffentlich and e is not None and not e.oeffentlich_beraten:
            out.append((("anlagen", i, "oeffentlich"), f"TOP {a.top} wurde nichtöffentlich beraten: seine Anlage "
                        "kann nicht öffentlich sein"))
    return out


def check_moved(n: Niederschrift, entries: dict[str, TopEntry]) -> list[Finding]:
    """A TOP moved in the session goes to the other part, and into public only with public Drucksachen."""
    out: list[Finding] = []
    for i, top in enumerate(n.tops):
        e = entries.get(top.top)
        if top.verlegt is None or e is None:
            continue
        if (top.verlegt == "oeffentlich") == e.oeffentlich:
            out.append((("tops", i, "verlegt"), f"TOP {top.top} steht schon im "
                        f"{'öffentlichen' if e.oeffentlich else 'nichtöffentlichen'} Teil"))
        hidden = [r.vorlage.nummer for r in e.records if not r.vorlage.oeffentlich]
        if top.verlegt == "oeffentlich" and hidden:
            out.append((("tops", i, "verlegt"), f"TOP {top.top} kann nicht öffentlich beraten werden: Drucksache "
                        f"{', '.join(hidden)} ist nichtöffentlich"))
    return out
