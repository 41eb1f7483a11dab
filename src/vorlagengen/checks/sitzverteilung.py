"""Seats by list: Hare/Niemeyer (largest remainder), d'Hondt and Sainte-Laguë (highest averages).

Pure: for the votes of each list and the number of seats, the fewest and the most seats each list
can get. They differ only where a tie decides the last seats (then the lot decides, which the
record states); a recorded distribution is right when every list lies within its span and the
seats add up.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Literal

VERFAHREN = Literal["Hare/Niemeyer", "d'Hondt", "Sainte-Laguë"]


def spannen(stimmen: Sequence[int], sitze: int, verfahren: VERFAHREN) -> list[tuple[int, int]]:
    """(fewest, most) seats of each list."""
    if sitze <= 0 or not stimmen or sum(stimmen) == 0:
        return [(0, 0) for _ in stimmen]
    if verfahren == "Hare/Niemeyer":
        return _hare_niemeyer(stimmen, sitze)
    divisor = _dhondt if verfahren == "d'Hondt" else _sainte_lague
    quotients = sorted((Fraction(v) / divisor(k) for v in stimmen for k in range(sitze)), reverse=True)
    last = quotients[sitze - 1]  # the quotient that wins the last seat
    out = []
    for v in stimmen:
        mine = [Fraction(v) / divisor(k) for k in range(sitze)]
        out.append((sum(q > last for q in mine), sum(q == last for q in mine)))
    return _fit(out, sitze)


def _dhondt(k: int) -> Fraction:
    return Fraction(k + 1)  # 1, 2, 3 …


def _sainte_lague(k: int) -> Fraction:
    return Fraction(2 * k + 1, 2)  # 0.5, 1.5, 2.5 …


def _hare_niemeyer(stimmen: Sequence[int], sitze: int) -> list[tuple[int, int]]:
    total = sum(stimmen)
    quotas = [Fraction(v * sitze, total) for v in stimmen]
    sure = [int(q) for q in quotas]
    rest = sitze - sum(sure)
    if rest == 0:
        return [(s, s) for s in sure]
    remainders = sorted((q - int(q) for q in quotas), reverse=True)
    last = remainders[rest - 1]
    return _fit([(s + (q - int(q) > last), int(q - int(q) == last)) for s, q in zip(sure, quotas, strict=True)],
                sitze)


def _fit(counts: list[tuple[int, int]], sitze: int) -> list[tuple[int, int]]:
    """From (seats won outright, candidates on the deciding value) of each list to its span: when the
    candidates are as many as the seats left, each gets its own; else the lot decides among them."""
    left = sitze - sum(won for won, _ in counts)
    if sum(tied for _, tied in counts) == left:
        return [(won + tied, won + tied) for won, tied in counts]
    return [(won, won + min(tied, left)) for won, tied in counts]
