"""Checks beyond types: references into data/, numbering, required parts per Art, order of the
Beratungsfolge, Anlagen paths, and checks across records (unique numbers, Bezug).

Record checks return ``(loc, message)`` pairs; the caller turns ``loc`` into line and column.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Problem
from .messages import field_path, suggest
from .model import PFLICHT_NACH_ART, Vorlage
from .numbering import (
    Scheme,
    SchemeError,
    matches_body,
    pattern_for,
    scheme_for,
    werte_for,
)
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
PH_JANEIN = "(ja oder nein)"
PH_SITZUNGSDATUM = "(Sitzungsdatum)"
# Placeholders in typed fields: validate reports them and reads the field as empty meanwhile.
TYPED_PLACEHOLDERS: dict[tuple[str, ...], str] = {
    ("finanzen", "auswirkungen"): PH_JANEIN,
    ("beratungsfolge", "*", "datum"): PH_SITZUNGSDATUM,
}


def ph_text(part: str) -> str:
    return f"({part} in Markdown)"


SKELETON_PLACEHOLDERS = frozenset(
    {PH_BETREFF, PH_BEZUG, PH_FRAGE, PH_JANEIN, PH_SITZUNGSDATUM} | {ph_text(part) for part in ("sachverhalt", "beschlussvorschlag", "antwort")}
)


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.strip() in SKELETON_PLACEHOLDERS


def lift_typed_placeholders(raw: Any) -> tuple[Any, list[tuple[Loc, str]]]:
    """The raw record with the skeleton's placeholders in typed fields taken out (``auswirkungen:
    (ja oder nein)``, ``datum: (Sitzungsdatum)``), and one "not filled in" finding for each."""
    found: list[tuple[Loc, str]] = []
    if not isinstance(raw, dict):
        return raw, found
    finanzen = raw.get("finanzen")
    if isinstance(finanzen, dict) and is_placeholder(finanzen.get("auswirkungen")):
        found.append((("finanzen", "auswirkungen"), _not_filled(finanzen["auswirkungen"])))
        raw = {**raw, "finanzen": {k: v for k, v in finanzen.items() if k != "auswirkungen"} | {"auswirkungen": False}}
    steps = raw.get("beratungsfolge")
    if isinstance(steps, list):
        new_steps = []
        for i, step in enumerate(steps):
            if isinstance(step, dict) and is_placeholder(step.get("datum")):
                found.append((("beratungsfolge", i, "datum"), _not_filled(step["datum"])))
                step = {k: v for k, v in step.items() if k != "datum"}
            new_steps.append(step)
        raw = {**raw, "beratungsfolge": new_steps}
    return raw, found


def _not_filled(value: str) -> str:
    return f"noch nicht ausgefüllt: „{value.strip()}“ ist ein Platzhalter von „vorlagengen new“"


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


def _fmt_date(d: dt.date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else "(ohne Datum)"


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


def scheme_of(ref: RefData, body: str, art: str | None = None, day: dt.date | None = None) -> Scheme | None:
    """The scheme of a body's numbers (for this Art on this day, when given)."""
    k = ref.koerperschaften.get(body)
    if k is None:
        return None
    return scheme_for(k, art or "", day or dt.date.today())


@functools.lru_cache(maxsize=16)
def _resolved(root: Path) -> Path:
    return root.resolve()


def _nummer(v: Vorlage, ref: RefData) -> list[tuple[Loc, str]]:
    k = ref.koerperschaften[v.koerperschaft]
    scheme = scheme_for(k, v.art, v.datum)
    if scheme is None:
        return []  # the scheme is malformed and reported in data/koerperschaften.yaml
    pattern = pattern_for(k, v.art, v.datum)
    werte = werte_for(k, v.art, v.datum)
    if not scheme.matches(v.nummer):
        example = scheme.format(nr=1, werte=werte)
        hint = ""
        if any(c in v.nummer for c in "IVX") and not scheme.uses("wp"):
            hint = ("; eine römische Wahlperiode schreibt das Schema in data/koerperschaften.yaml als "
                    "{wp:roemisch}, frühere Formen stehen unter „wahlperioden“")
        elif matches_body(k, v.nummer):
            hint = " (die Nummer passt zu einer anderen Form der Körperschaft – stimmen Art und Datum?)"
        return [(("nummer",), f"Drucksachen-Nr. „{v.nummer}“ passt nicht zum Schema „{pattern}“ der Körperschaft "
                 f"{v.koerperschaft} (Beispiel: {example}){hint}")]
    got = scheme.parse(v.nummer) or {}
    expected = scheme.parse(scheme.format(nr=1, werte=werte)) or {}
    if k.wahlperioden and scheme.uses("wp") and got.get("wp") != expected.get("wp"):
        return [(("nummer",), f"Drucksachen-Nr. „{v.nummer}“ nennt Wahlperiode {got.get('wp')}, das Datum "
                 f"{_fmt_date(v.datum)} liegt aber in Wahlperiode {expected.get('wp')}")]
    return []


def _initiator(ref: RefData, ident: str, body: str, loc: Loc) -> list[tuple[Loc, str]]:
    """An initiator is a Gremium (Fraktion, Ausschuss, the Verwaltung as typ Verwaltung) or an Amt."""
    if ident in ref.aemter or ref.unsure("aemter", ident):
        return _ref(ref, "aemter", ident, body, loc)
    if ident in ref.gremien or ref.unsure("gremien", ident):
        return _ref(ref, "gremien", ident, body, loc)
    wer = [k for k, g in ref.gremien.items() if g.koerperschaft == body and g.typ in ("Fraktion", "Verwaltung")]
    wer += [k for k, a in ref.aemter.items() if a.koerperschaft == body]
    return [(loc, f"unbekannter Initiator „{ident}“ (weder in data/gremien.yaml noch in data/aemter.yaml)"
             f"{suggest(ident, wer)}. Eine Fraktion steht in data/gremien.yaml mit „typ: Fraktion“, die Verwaltung "
             "als Ganzes (z. B. „Bezirksamt“) mit „typ: Verwaltung“, ein Amt in data/aemter.yaml")]


def _unterschrift(v: Vorlage, ref: RefData, body: str) -> list[tuple[Loc, str]]:
    u = v.unterschrift
    if u is None:
        return []
    out: list[tuple[Loc, str]] = []
    if u.person:
        out += _ref(ref, "personen", u.person, body, ("unterschrift", "person"))
    for i, person in enumerate(u.personen):
        out += _ref(ref, "personen", person, body, ("unterschrift", "personen", i))
    if u.fuer:
        out += _ref(ref, "gremien", u.fuer, body, ("unterschrift", "fuer"))
    return out


def past_without_result(v: Vorlage) -> set[int]:
    """Steps that certainly took place but have no Ergebnis: dated before the Drucksache itself or
    before a later step that has one. Decided from the record alone, so output stays reproducible."""
    done = [s.datum for s in v.beratungsfolge if s.datum is not None and (s.ergebnis or s.ergebnis_text or s.erledigt)]
    latest = max(done, default=None)
    out = set()
    for i, step in enumerate(v.beratungsfolge):
        if step.datum is None or step.ergebnis or step.ergebnis_text or step.erledigt:
            continue
        if step.datum < v.datum or (latest is not None and step.datum < latest):
            out.add(i)
    return out


def record_warnings(v: Vorlage) -> list[tuple[Loc, str]]:
    """Findings that do not stop a build: a Beratung that took place without an Ergebnis."""
    return [(("beratungsfolge", i, "ergebnis"),
             f"die Sitzung am {_fmt_date(v.beratungsfolge[i].datum)} liegt vor einem späteren Schritt mit "
             "Ergebnis (oder vor der Drucksache), hat aber kein Ergebnis: „ergebnis“ eintragen oder „erledigt: ja“")
            for i in sorted(past_without_result(v))]


def check_record(v: Vorlage, path: Path, root: Path, ref: RefData) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    body = v.koerperschaft
    if body not in ref.koerperschaften and ref.unsure("koerperschaften", body):
        pass  # its entry in data/ is broken and reported there
    elif body not in ref.koerperschaften:
        hint = suggest(body, ref.koerperschaften)
        out.append((("koerperschaft",), f"unbekannte Körperschaft „{body}“ (nicht in data/koerperschaften.yaml){hint}"))
    else:
        out += _nummer(v, ref)
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
            out += _initiator(ref, v.initiator, body, ("initiator",))
        if v.ursprung and v.ursprung.initiator:
            out += _initiator(ref, v.ursprung.initiator, body, ("ursprung", "initiator"))
        if v.berichterstatter:
            out += _ref(ref, "personen", v.berichterstatter, body, ("berichterstatter",))
        out += _unterschrift(v, ref, body)
        for i, step in enumerate(v.beratungsfolge):
            out += _ref(ref, "gremien", step.gremium, body, ("beratungsfolge", i, "gremium"))

    out += _placeholders(v)
    for name in PFLICHT_NACH_ART[v.art]:
        if name == "fragen" and v.art == "Beantwortung einer Anfrage" and v.bezuege:
            continue  # the Fragen may come from the Anfrage it answers (checked across records)
        if not getattr(v, name):
            out.append((("art",), f"eine {v.art} braucht das Feld „{name}“, es fehlt oder ist leer"))
    if v.nummer in v.bezuege:
        out.append((("bezug",), "eine Drucksache kann sich nicht auf sich selbst beziehen"))

    dated = [(i, s) for i, s in enumerate(v.beratungsfolge) if s.datum is not None]
    for (_, before), (i, step) in zip(dated, dated[1:]):
        assert before.datum is not None and step.datum is not None
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
    return None


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


def _scheme_problems(ident: str, k: Any) -> list[tuple[Loc, str]]:
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
    out += _fragen_aus_anfrage(records, ref)
    return out


def fragen_of(records: Iterable[Record], ref: RefData) -> dict[tuple[str, str], list[str]]:
    """(body, Nr.) → the Fragen of every Drucksache that has some (records and data/altbestand.yaml)."""
    found = {(a.koerperschaft, n): list(a.fragen) for n, a in ref.altbestand.items() if a.fragen}
    found.update({(r.vorlage.koerperschaft, r.vorlage.nummer): list(r.vorlage.fragen) for r in records
                  if r.vorlage.fragen})
    return found


def _fragen_aus_anfrage(records: list[Record], ref: RefData) -> list[Problem]:
    """A Beantwortung without its own Fragen takes them from the Anfrage it answers, which must have some."""
    fragen = fragen_of(records, ref)
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
