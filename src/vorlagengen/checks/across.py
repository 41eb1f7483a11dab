"""Checks across records: unique Drucksachen-Nr. per body, every Bezug pointing at a known one."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import Problem
from ..messages import suggest
from ..records import Record, RefData
from ..yamlio import locate
from .common import is_placeholder


def check_across(records: Iterable[Record], others: Iterable[tuple[str, str, str]], ref: RefData) -> list[Problem]:
    """Unique Drucksachen-Nr. per body, and every Bezug pointing at a known Drucksache."""
    out: list[Problem] = []
    records = list(records)
    seen: dict[tuple[str, str], str] = {}
    for body, nummer, display in others:
        seen.setdefault((body, nummer), display)
    for rec in records:
        key = (rec.vorlage.koerperschaft, rec.vorlage.nummer)
        if key in seen:
            line, col = locate(rec.path, ("nummer",))
            out.append(Problem(rec.display, line, col, "nummer",
                               f"Drucksachen-Nr. „{rec.vorlage.nummer}“ ist doppelt vergeben (auch in {seen[key]})"))
        else:
            seen[key] = rec.display
        if key[1] in ref.altbestand and ref.altbestand[key[1]].koerperschaft == key[0]:
            line, col = locate(rec.path, ("nummer",))
            out.append(Problem(rec.display, line, col, "nummer",
                               f"Drucksachen-Nr. „{rec.vorlage.nummer}“ steht schon in data/altbestand.yaml"))
    known = {n for (_, n) in seen} | set(ref.altbestand)
    for rec in records:
        bezug = rec.vorlage.bezug
        if bezug is None or bezug == rec.vorlage.nummer or is_placeholder(bezug):
            continue
        body = rec.vorlage.koerperschaft
        if (body, bezug) in seen or (bezug in ref.altbestand and ref.altbestand[bezug].koerperschaft == body):
            continue
        line, col = locate(rec.path, ("bezug",))
        candidates = [n for (b, n) in seen if b == body and n != rec.vorlage.nummer] + list(ref.altbestand)
        hint = suggest(bezug, candidates) if known else ""
        out.append(Problem(rec.display, line, col, "bezug",
                           f"Bezug auf unbekannte Drucksache „{bezug}“ (weder in vorlagen/ noch in "
                           f"data/altbestand.yaml){hint}"))
    return out
