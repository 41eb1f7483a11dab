"""Checks beyond types: references into data/, numbering, required parts per Art, order of the
Beratungsfolge, Anlagen paths, and checks across records (unique numbers, Bezug).

Record checks return ``(loc, message)`` pairs; the caller turns ``loc`` into line and column.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import anlagecheck
from .errors import Problem
from .messages import suggest
from .model import PFLICHT_NACH_ART, Vorlage
from .numbering import Scheme, SchemeError
from .yamlio import locate

if TYPE_CHECKING:
    from .project import Record, RefData

Loc = tuple[Any, ...]

# label, "unknown" with the label's grammatical gender, source file
_KIND = {
    "gremien": ("Gremium", "unbekanntes", "data/gremien.yaml"),
    "aemter": ("Stelle", "unbekannte", "data/aemter.yaml"),
    "personen": ("Person", "unbekannte", "data/personen.yaml"),
}


# The fill-in texts "vorlagengen new" writes into a skeleton (skeleton.render_skeleton). A record
# that still carries one is not finished: validate names each, so the skeleton's own advice
# "Ausfüllen, dann vorlagengen validate" works as a checklist.
PH_BETREFF = "(Betreff eintragen)"
PH_BEZUG = "(Drucksachen-Nr.)"
PH_FRAGE = "(erste Frage)"


def ph_text(part: str) -> str:
    return f"({part} in Markdown)"


SKELETON_PLACEHOLDERS = frozenset(
    {PH_BETREFF, PH_BEZUG, PH_FRAGE} | {ph_text(part) for part in ("sachverhalt", "beschlussvorschlag", "antwort")}
)


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.strip() in SKELETON_PLACEHOLDERS


def _placeholders(v: Vorlage) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    for name in ("betreff", "bezug", "sachverhalt", "beschlussvorschlag", "antwort"):
        if is_placeholder(getattr(v, name)):
            out.append(((name,), f"noch nicht ausgefüllt: „{getattr(v, name).strip()}“ ist ein Platzhalter "
                        "von „vorlagengen new“"))
    for i, frage in enumerate(v.fragen):
        if is_placeholder(frage):
            out.append((("fragen", i), f"noch nicht ausgefüllt: „{frage.strip()}“ ist ein Platzhalter "
                        "von „vorlagengen new“"))
    return out


def _fmt_date(d: Any) -> str:
    return d.strftime("%d.%m.%Y")


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


def scheme_of(ref: RefData, body: str) -> Scheme | None:
    k = ref.koerperschaften.get(body)
    if k is None:
        return None
    return _valid_scheme(k.nummernschema)


@functools.lru_cache(maxsize=64)
def _valid_scheme(pattern: str) -> Scheme | None:
    """One Scheme per pattern: its regex is compiled once, not once per record."""
    scheme = Scheme(pattern)
    try:
        scheme.validate()
    except SchemeError:
        return None
    return scheme


@functools.lru_cache(maxsize=16)
def _resolved(root: Path) -> Path:
    return root.resolve()


def check_record(v: Vorlage, path: Path, root: Path, ref: RefData) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    body = v.koerperschaft
    if body not in ref.koerperschaften and ref.unsure("koerperschaften", body):
        pass  # its entry in data/ is broken and reported there
    elif body not in ref.koerperschaften:
        hint = suggest(body, ref.koerperschaften)
        out.append((("koerperschaft",), f"unbekannte Körperschaft „{body}“ (nicht in data/koerperschaften.yaml){hint}"))
    else:
        scheme = scheme_of(ref, body)
        if scheme is not None and not scheme.matches(v.nummer):
            k = ref.koerperschaften[body]
            example = scheme.format(nr=1, year=v.datum.year, wp=k.wahlperiode,
                                    art=k.art_kuerzel.get(v.art))  # type: ignore[call-overload]
            out.append((("nummer",), f"Drucksachen-Nr. „{v.nummer}“ passt nicht zum Schema „{k.nummernschema}“ "
                        f"der Körperschaft {body} (Beispiel: {example})"))
        if v.federfuehrend:
            out += _ref(ref, "aemter", v.federfuehrend, body, ("federfuehrend",))
        for i, amt in enumerate(v.beteiligt):
            out += _ref(ref, "aemter", amt, body, ("beteiligt", i))
        for key in ("bearbeiter", "dezernent"):
            if getattr(v, key):
                out += _ref(ref, "personen", getattr(v, key), body, (key,))
        for i, person in enumerate(v.verfasser):
            out += _ref(ref, "personen", person, body, ("verfasser", i))
        if v.initiator:
            out += _ref(ref, "gremien", v.initiator, body, ("initiator",))
        if v.unterschrift:
            out += _ref(ref, "personen", v.unterschrift.person, body, ("unterschrift", "person"))
        for i, step in enumerate(v.beratungsfolge):
            out += _ref(ref, "gremien", step.gremium, body, ("beratungsfolge", i, "gremium"))

    out += _placeholders(v)
    for name in PFLICHT_NACH_ART[v.art]:
        if not getattr(v, name):
            out.append((("art",), f"eine {v.art} braucht das Feld „{name}“, es fehlt oder ist leer"))
    if v.bezug is not None and v.bezug == v.nummer:
        out.append((("bezug",), "eine Drucksache kann sich nicht auf sich selbst beziehen"))

    for i in range(1, len(v.beratungsfolge)):
        before, step = v.beratungsfolge[i - 1], v.beratungsfolge[i]
        if step.datum < before.datum:
            out.append(((("beratungsfolge", i, "datum")),
                        f"Beratungsfolge nicht in zeitlicher Reihenfolge: {_fmt_date(step.datum)} liegt vor "
                        f"{_fmt_date(before.datum)} (Schritt {i})"))

    for i, anlage in enumerate(v.anlagen):
        problem = anlage_problem(anlage.datei, path, root)
        if problem:
            out.append((("anlagen", i, "datei"), problem))
    return out


def anlage_path(datei: str, record: Path) -> Path:
    return (record.parent / datei).resolve()


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
    return anlagecheck.problem(target)


def check_refdata(ref: RefData, root: Path) -> list[Problem]:
    out: list[Problem] = []
    data = root / "data"

    def add(name: str, loc: Loc, msg: str) -> None:
        from .project import display_path

        path = data / f"{name}.yaml"
        out.append(Problem(display_path(path), *locate(path, loc), ".".join(map(str, loc)), msg))

    from .render.layouts import available

    layouts = available(root)
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
