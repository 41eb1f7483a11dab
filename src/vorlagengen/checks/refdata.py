"""Checks of the reference data in data/: layouts, numbering schemes, every entry's Körperschaft."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from vorlagengen.errors import Problem
from vorlagengen.load.yamlio import locate
from vorlagengen.messages import suggest
from vorlagengen.model.drucksache import Koerperschaft
from vorlagengen.model.records import DATA_DIR, Loc, RefData, display_path, layout_hint
from vorlagengen.nummern.formen import matches_body
from vorlagengen.nummern.schema import Scheme, SchemeError


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
                f"unbekanntes Layout „{k.layout}“{layout_hint(k.layout, list(layouts)) or suggest(k.layout, layouts)}; "
                f"vorhanden: {', '.join(layouts)}")
        for loc, msg in _scheme_problems(ident, k):
            add("koerperschaften", loc, msg)
    for name in ("gremien", "aemter", "personen", "altbestand"):
        for ident, entry in getattr(ref, name).items():
            if entry.koerperschaft not in ref.koerperschaften:
                hint = suggest(entry.koerperschaft, ref.koerperschaften)
                add(name, (ident, "koerperschaft"), f"unbekannte Körperschaft „{entry.koerperschaft}“{hint}")
    for nummer, alt in ref.altbestand.items():
        body = ref.koerperschaften.get(alt.koerperschaft)
        if body is not None and not matches_body(body, nummer):
            add("altbestand", (nummer,), f"Drucksachen-Nr. „{nummer}“ passt zu keinem Nummernschema der Körperschaft "
                f"{alt.koerperschaft} (auch nicht dem einer früheren Wahlperiode)")
    return out


def _scheme_problems(ident: str, k: Koerperschaft) -> list[tuple[Loc, str]]:
    """Malformed schemes, and placeholders whose values the body does not give."""
    out: list[tuple[Loc, str]] = []
    places: list[tuple[Loc, str]] = [((ident, "nummernschema"), k.nummernschema)]
    places += [((ident, "nummernschema_je_art", art), p) for art, p in k.nummernschema_je_art.items()]
    places += [((ident, "wahlperioden", i, "nummernschema"), w.nummernschema)
               for i, w in enumerate(k.wahlperioden) if w.nummernschema]
    for loc, pattern in places:
        scheme = Scheme(pattern, k.ergaenzung)
        try:
            scheme.validate()
        except SchemeError as exc:
            out.append((loc if "Ergänzung" not in str(exc) else (ident, "ergaenzung"), str(exc)))
            continue
        if scheme.uses("wp") and k.wahlperiode is None and not k.wahlperioden:
            out.append(((ident,), f"„{pattern}“ nutzt {{wp}}, aber „wahlperiode“ (oder „wahlperioden“) fehlt"))
        if (scheme.uses("wp_von") or scheme.uses("wp_bis")) and not k.wahlperioden:
            out.append(((ident,), f"„{pattern}“ nutzt {{wp_von}}/{{wp_bis}}, aber „wahlperioden“ fehlt"))
        if scheme.uses("art") and not k.art_kuerzel:
            out.append(((ident,), f"„{pattern}“ nutzt {{art}}, aber „art_kuerzel“ fehlt"))
    return list(dict.fromkeys(out))

