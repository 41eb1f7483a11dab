"""Checks across records: unique Drucksachen-Nr. per body, every Bezug pointing at a known one."""

from __future__ import annotations

from collections.abc import Iterable

from vorlagengen.checks.common import is_placeholder
from vorlagengen.errors import Problem
from vorlagengen.load.yamlio import locate
from vorlagengen.messages import field_path, suggest
from vorlagengen.model.records import Loc, Record, RefData


def check_across(records: Iterable[Record], others: Iterable[tuple[str, str, str]], ref: RefData,
                 fragen_anderer: Iterable[tuple[str, str]] = ()) -> list[Problem]:
    """Unique Drucksachen-Nr. per body, and every Bezug pointing at a known Drucksache.
    ``others`` and ``fragen_anderer``: (body, Nr., file) of the records not loaded in this run and
    (body, Nr.) of those among them that have Fragen."""
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
        for i, bezug in enumerate(rec.vorlage.bezuege):
            if bezug == rec.vorlage.nummer or is_placeholder(bezug):
                continue
            body = rec.vorlage.koerperschaft
            if (body, bezug) in seen or (bezug in ref.altbestand and ref.altbestand[bezug].koerperschaft == body):
                continue
            loc: Loc = ("bezug",) if isinstance(rec.vorlage.bezug, str) else ("bezug", i)
            line, col = locate(rec.path, loc)
            candidates = [n for (b, n) in seen if b == body and n != rec.vorlage.nummer] + list(ref.altbestand)
            hint = suggest(bezug, candidates) if known else ""
            out.append(Problem(rec.display, line, col, field_path(loc),
                               f"Bezug auf unbekannte Drucksache „{bezug}“ (weder in vorlagen/ noch in "
                               f"data/altbestand.yaml){hint}"))
    out += _fragen_aus_anfrage(records, ref, set(fragen_anderer))
    return out


def fragen_of(records: Iterable[Record], ref: RefData) -> dict[tuple[str, str], list[str]]:
    """(body, Nr.) → the Fragen of every Drucksache that has some (records and data/altbestand.yaml)."""
    found = {(a.koerperschaft, n): list(a.fragen) for n, a in ref.altbestand.items() if a.fragen}
    found.update({(r.vorlage.koerperschaft, r.vorlage.nummer): list(r.vorlage.fragen) for r in records
                  if r.vorlage.fragen})
    return found


def _fragen_aus_anfrage(records: list[Record], ref: RefData, fragen_anderer: set[tuple[str, str]]) -> list[Problem]:
    """A Beantwortung without its own Fragen takes them from the Anfrage it answers, which must have some."""
    fragen = fragen_anderer | set(fragen_of(records, ref))
    out = []
    for rec in records:
        v = rec.vorlage
        if v.art != "Beantwortung einer Anfrage" or v.fragen or not v.bezuege:
            continue
        if not any((v.koerperschaft, b) in fragen for b in v.bezuege):
            line, col = locate(rec.path, ("bezug",))
            out.append(Problem(rec.display, line, col, "bezug",
                               f"die Beantwortung hat keine eigenen „fragen“, und die Anfrage „{v.bezuege[0]}“ hat "
                               "auch keine; Fragen hier eintragen oder in der Anfrage (bzw. data/altbestand.yaml)"))
    return out
