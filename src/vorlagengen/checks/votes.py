"""Vote arithmetic of a Niederschrift: who was present and entitled to vote at each TOP, whether the
counts add up, and whether the Gremium had its quorum. Pure functions over the typed records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from vorlagengen.model.niederschrift import Abstimmung, Niederschrift, TopErgebnis


@dataclass(frozen=True)
class Stimmen:
    ja: int
    nein: int
    enthaltung: int

    @property
    def summe(self) -> int:
        return self.ja + self.nein + self.enthaltung


def present_at(n: Niederschrift, order: Sequence[str], top: str) -> set[str]:
    """Ids of the persons present at ``top``: members marked anwesend (or their Stellvertretung),
    within their ab_top … bis_top window. ``order`` lists the TOP numbers in agenda order."""
    pos = order.index(top)
    present = set()
    for t in n.anwesenheit:
        if t.status != "anwesend" and t.vertreten_durch is None:
            continue
        start = order.index(t.ab_top) if t.ab_top in order else 0
        end = order.index(t.bis_top) if t.bis_top in order else len(order) - 1
        if start <= pos <= end:
            present.add(t.vertreten_durch or t.person)
    return present


def voters_at(n: Niederschrift, order: Sequence[str], top: TopErgebnis, voting: set[str]) -> set[str]:
    """Present, entitled to vote (member or Stellvertretung of one), not befangen."""
    return (present_at(n, order, top.top) & voting) - set(top.befangen)


def stimmen(a: Abstimmung, voters: int) -> Stimmen:
    """The counts a vote stands for; einstimmig means every voter said yes."""
    if a.einstimmig:  # every voter said yes, but those who abstained
        return Stimmen(voters - (a.enthaltung or 0), 0, a.enthaltung or 0)
    if a.namentlich is not None:
        return Stimmen(len(a.namentlich.ja), len(a.namentlich.nein), len(a.namentlich.enthaltung))
    if a.fraktionen:
        f = a.fraktionen
        return Stimmen(sum(x.ja for x in f), sum(x.nein for x in f), sum(x.enthaltung for x in f))
    return Stimmen(a.ja or 0, a.nein or 0, a.enthaltung or 0)


def quorum_holds(present_voters: int, members: int, share: Fraction) -> bool:
    """Beschlussfähig: more than ``share`` of the voting members are present."""
    return members == 0 or Fraction(present_voters, members) > share


def parse_share(text: str) -> Fraction:
    """„1/2“ → 1/2, „2/3“ → 2/3; the profile states the share that must be exceeded."""
    return Fraction(text.replace(" ", ""))
