"""Checks of the reference data in data/: layouts, numbering schemes, every entry's Körperschaft."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import Problem
from ..messages import suggest
from ..numbering import Scheme, SchemeError
from ..records import DATA_DIR, Loc, RefData, display_path
from ..yamlio import locate
from .common import scheme_of


def check_refdata(ref: RefData, root: Path, layouts: Sequence[str]) -> list[Problem]:
    """``layouts`` are the names of the layouts the project can use."""
    out: list[Problem] = []
    data = root / DATA_DIR

    def add(name: str, loc: Loc, msg: str) -> None:
        path = data / f"{name}.yaml"
        out.append(Problem(display_path(path), *locate(path, loc), ".".join(map(str, loc)), msg))

    for ident, k in ref.koerperschaften.items():
        if k.layout not in layouts:
            add("koerperschaften", (ident, "layout"),
                f"unbekanntes Layout „{k.layout}“{suggest(k.layout, layouts)}; vorhanden: {', '.join(layouts)}")
        try:
            Scheme(k.nummernschema).validate()
        except SchemeError as exc:
            add("koerperschaften", (ident, "nummernschema"), str(exc))
            continue
        if Scheme(k.nummernschema).uses("wp") and k.wahlperiode is None:
            add("koerperschaften", (ident,), "Nummernschema nutzt {wp}, aber „wahlperiode“ fehlt")
        if Scheme(k.nummernschema).uses("art") and not k.art_kuerzel:
            add("koerperschaften", (ident,), "Nummernschema nutzt {art}, aber „art_kuerzel“ fehlt")
    for name in ("gremien", "aemter", "personen", "altbestand"):
        for ident, entry in getattr(ref, name).items():
            if entry.koerperschaft not in ref.koerperschaften:
                hint = suggest(entry.koerperschaft, ref.koerperschaften)
                add(name, (ident, "koerperschaft"), f"unbekannte Körperschaft „{entry.koerperschaft}“{hint}")
    for nummer, alt in ref.altbestand.items():
        scheme = scheme_of(ref, alt.koerperschaft)
        if scheme is not None and not scheme.matches(nummer):
            add("altbestand", (nummer,), f"Drucksachen-Nr. „{nummer}“ passt nicht zum Schema der Körperschaft {alt.koerperschaft}")
    return out

