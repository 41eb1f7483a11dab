"""Checks of one record beyond its types: references into data/, numbering, required parts per Art,
order of the Beratungsfolge, Anlagen paths.

Record checks return ``(loc, message)`` pairs; the caller turns ``loc`` into line and column.
"""

from __future__ import annotations

import functools
from pathlib import Path

from ..messages import suggest
from ..model import ART_REGELN, PLATZHALTER, TEILE, Vorlage
from ..records import Loc, RefData, anlage_path
from .anlagen import problem as content_problem
from .common import fmt_date, is_placeholder, scheme_of
from .schwaerzung import check_schwaerzung

# label, "unknown" with the label's grammatical gender, source file
_KIND = {
    "gremien": ("Gremium", "unbekanntes", "data/gremien.yaml"),
    "aemter": ("Stelle", "unbekannte", "data/aemter.yaml"),
    "personen": ("Person", "unbekannte", "data/personen.yaml"),
}


def _placeholders(v: Vorlage) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    for name in (*PLATZHALTER, *TEILE):
        value = getattr(v, name)
        places = [((name, i), item) for i, item in enumerate(value)] if isinstance(value, list) else [((name,), value)]
        for loc, text in places:
            if is_placeholder(text):
                out.append((loc, f"noch nicht ausgefüllt: „{text.strip()}“ ist ein Platzhalter von „vorlagengen new“"))
    return out


def _ref(ref: RefData, kind: str, ident: str, body: str, loc: Loc) -> list[tuple[Loc, str]]:
    table = getattr(ref, kind)
    label, unknown, source = _KIND[kind]
    entry = table.get(ident)
    if entry is None and ref.unsure(kind, ident):
        return []  # its entry in data/ is broken and reported there
    if entry is None:
        same_body = [k for k, v in table.items() if v.koerperschaft == body]
        hint = suggest(ident, same_body) or suggest(ident, table)
        return [(loc, f"{unknown} {label} „{ident}“ (nicht in {source}){hint}")]
    if entry.koerperschaft != body:
        return [(loc, f"{label} „{ident}“ gehört zu Körperschaft „{entry.koerperschaft}“, nicht zu „{body}“")]
    return []


def check_record(v: Vorlage, path: Path, root: Path, ref: RefData) -> list[tuple[Loc, str]]:
    out = _body_checks(v, ref)
    out += _placeholders(v)
    out += check_schwaerzung(v)
    out += _required_parts(v)
    if v.bezug is not None and v.bezug == v.nummer:
        out.append((("bezug",), "eine Drucksache kann sich nicht auf sich selbst beziehen"))
    out += _order(v)
    for i, anlage in enumerate(v.anlagen):
        problem = anlage_problem(anlage.datei, path, root)
        if problem:
            out.append((("anlagen", i, "datei"), problem))
    return out


def _body_checks(v: Vorlage, ref: RefData) -> list[tuple[Loc, str]]:
    """The Körperschaft is known, the number fits its scheme, every id belongs to it."""
    body = v.koerperschaft
    if body not in ref.koerperschaften:
        if ref.unsure("koerperschaften", body):
            return []  # its entry in data/ is broken and reported there
        hint = suggest(body, ref.koerperschaften)
        return [(("koerperschaft",), f"unbekannte Körperschaft „{body}“ (nicht in data/koerperschaften.yaml){hint}")]
    out: list[tuple[Loc, str]] = []
    scheme = scheme_of(ref, body)
    if scheme is not None and not scheme.matches(_base_number(v)):
        k = ref.koerperschaften[body]
        example = scheme.format(nr=1, year=v.datum.year, wp=k.wahlperiode,
                                art=k.art_kuerzel.get(v.art))
        out.append((("nummer",), f"Drucksachen-Nr. „{v.nummer}“ passt nicht zum Schema „{k.nummernschema}“ "
                    f"der Körperschaft {body} (Beispiel: {example})"))
    return out + _references(v, ref, body)


def _references(v: Vorlage, ref: RefData, body: str) -> list[tuple[Loc, str]]:
    wanted: list[tuple[str, str | None, Loc]] = [("aemter", v.federfuehrend, ("federfuehrend",))]
    wanted += [("aemter", amt, ("beteiligt", i)) for i, amt in enumerate(v.beteiligt)]
    wanted += [("personen", v.bearbeiter, ("bearbeiter",)), ("personen", v.dezernent, ("dezernent",))]
    wanted += [("personen", p, ("verfasser", i)) for i, p in enumerate(v.verfasser)]
    wanted.append(("gremien", v.initiator, ("initiator",)))
    if v.unterschrift:
        wanted.append(("personen", v.unterschrift.person, ("unterschrift", "person")))
    wanted += [("gremien", step.gremium, ("beratungsfolge", i, "gremium")) for i, step in enumerate(v.beratungsfolge)]
    out: list[tuple[Loc, str]] = []
    for kind, ident, loc in wanted:
        if ident:
            out += _ref(ref, kind, ident, body, loc)
    return out


def _order(v: Vorlage) -> list[tuple[Loc, str]]:
    """The Beratungsfolge runs forward in time."""
    out: list[tuple[Loc, str]] = []
    for i in range(1, len(v.beratungsfolge)):
        before, step = v.beratungsfolge[i - 1], v.beratungsfolge[i]
        if step.datum < before.datum:
            out.append(((("beratungsfolge", i, "datum")),
                        f"Beratungsfolge nicht in zeitlicher Reihenfolge: {fmt_date(step.datum)} liegt vor "
                        f"{fmt_date(before.datum)} (Schritt {i})"))
    return out


def _base_number(v: Vorlage) -> str:
    """The number the scheme must match. An imported record keeps its number as the source wrote
    it; a supplement such as „180/2018 1. Ergänzung“ is checked on „180/2018“."""
    return v.nummer.split(" ", 1)[0] if v.uebernommen else v.nummer


def _required_parts(v: Vorlage) -> list[tuple[Loc, str]]:
    """Parts each Art needs. An imported record has its text in the source's document, so none are
    required of it (and none are invented for it)."""
    if v.uebernommen:
        return []
    out: list[tuple[Loc, str]] = []
    for name in ART_REGELN[v.art].pflicht:
        if not getattr(v, name):
            out.append((("art",), f"eine {v.art} braucht das Feld „{name}“, es fehlt oder ist leer"))
    for i, step in enumerate(v.beratungsfolge):
        if step.zustaendigkeit is None:
            out.append((("beratungsfolge", i, "zustaendigkeit"), "Pflichtfeld fehlt"))
    return out


@functools.lru_cache(maxsize=16)
def _resolved(root: Path) -> Path:
    return root.resolve()


def anlage_problem(datei: str, record: Path, root: Path) -> str | None:
    """Why an Anlage path is not acceptable, or None."""
    if Path(datei).is_absolute() or datei.startswith(("/", "\\")) or (len(datei) > 1 and datei[1] == ":"):
        return f"absoluter Pfad „{datei}“ nicht erlaubt; Anlagen liegen im Projekt, Pfad relativ zur Drucksache"
    target = anlage_path(datei, record)
    try:
        target.relative_to(_resolved(root))
    except ValueError:
        how = "über einen symbolischen Link " if ".." not in Path(datei).parts else ""
        return f"Pfad „{datei}“ führt {how}aus dem Projektordner heraus"
    if not target.exists():
        return f"Anlage „{datei}“ nicht gefunden"
    if not target.is_file():
        return f"„{datei}“ ist keine Datei"
    return content_problem(target)

