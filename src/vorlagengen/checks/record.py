"""Checks of one record beyond its types: references into data/, numbering, required parts per Art,
order of the Beratungsfolge, Anlagen paths.

Record checks return ``(loc, message)`` pairs; the caller turns ``loc`` into line and column.
"""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

from vorlagengen.checks.anlagen import problem as content_problem
from vorlagengen.checks.common import fmt_date, is_placeholder
from vorlagengen.checks.schwaerzung import check_schwaerzung
from vorlagengen.messages import suggest
from vorlagengen.model.drucksache import ART_REGELN, PLATZHALTER, TEILE, AnlagenGrenzen, Vorlage
from vorlagengen.model.records import Loc, RefData, anlage_path
from vorlagengen.nummern.formen import matches_body, pattern_for, scheme_for, werte_for

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


def _nummer(v: Vorlage, ref: RefData) -> list[tuple[Loc, str]]:
    k = ref.koerperschaften[v.koerperschaft]
    scheme = scheme_for(k, v.art, v.datum)
    nummer = _base_number(v)
    if scheme is None or v.quelle is not None:  # an imported Drucksache keeps the number its source gave
        return []  # the scheme is malformed and reported in data/koerperschaften.yaml
    pattern = pattern_for(k, v.art, v.datum)
    werte = werte_for(k, v.art, v.datum)
    if not scheme.matches(nummer):
        example = scheme.format(nr=1, werte=werte)
        hint = ""
        if any(c in v.nummer for c in "IVX") and not scheme.uses("wp"):
            hint = ("; eine römische Wahlperiode schreibt das Schema in data/koerperschaften.yaml als "
                    "{wp:roemisch}, frühere Formen stehen unter „wahlperioden“")
        elif matches_body(k, nummer):
            hint = " (die Nummer passt zu einer anderen Form der Körperschaft – stimmen Art und Datum?)"
        return [(("nummer",), f"Drucksachen-Nr. „{v.nummer}“ passt nicht zum Schema „{pattern}“ der Körperschaft "
                 f"{v.koerperschaft} (Beispiel: {example}){hint}")]
    got = scheme.parse(nummer) or {}
    expected = scheme.parse(scheme.format(nr=1, werte=werte)) or {}
    if k.wahlperioden and scheme.uses("wp") and got.get("wp") != expected.get("wp"):
        return [(("nummer",), f"Drucksachen-Nr. „{v.nummer}“ nennt Wahlperiode {got.get('wp')}, das Datum "
                 f"{fmt_date(v.datum)} liegt aber in Wahlperiode {expected.get('wp')}")]
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
    """Steps that certainly took place but have no Ergebnis: dated before a step that has one.
    Decided from the record alone (not from today's date), so output stays reproducible."""
    done = [s.datum for s in v.beratungsfolge if s.datum is not None and (s.ergebnis or s.ergebnis_text or s.erledigt)]
    latest = max(done, default=None)
    out = set()
    for i, step in enumerate(v.beratungsfolge):
        if step.datum is None or step.ergebnis or step.ergebnis_text or step.erledigt:
            continue
        if latest is not None and step.datum < latest:
            out.add(i)
    return out

def record_warnings(v: Vorlage) -> list[tuple[Loc, str]]:
    """Findings that do not stop a build: a Beratung that took place without an Ergebnis. An imported
    Drucksache says what its source says (no Ergebnis the source did not give is asked for)."""
    if v.quelle is not None:
        return []
    return [(("beratungsfolge", i, "ergebnis"),
             f"die Sitzung am {fmt_date(v.beratungsfolge[i].datum)} liegt vor einem späteren Schritt mit "
             "Ergebnis, hat aber kein Ergebnis: „ergebnis“ eintragen oder „erledigt: ja“")
            for i in sorted(past_without_result(v))]


def check_record(v: Vorlage, path: Path, root: Path, ref: RefData, source: str | None = None
                 ) -> list[tuple[Loc, str]]:
    """Problems of one record on its own; ``source`` is its YAML text when known (saves work)."""
    out = _body_checks(v, ref)
    out += _placeholders(v)
    out += check_schwaerzung(v, source)
    out += _required_parts(v)
    if v.nummer in v.bezuege:
        out.append((("bezug",), "eine Drucksache kann sich nicht auf sich selbst beziehen"))
    out += _order(v)
    body = ref.koerperschaften.get(v.koerperschaft)
    grenzen = body.anlagen if body is not None else AnlagenGrenzen()
    for i, anlage in enumerate(v.anlagen):
        problem = anlage_problem(anlage.datei, path, root, grenzen)
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
    return _nummer(v, ref) + _references(v, ref, body)


def _references(v: Vorlage, ref: RefData, body: str) -> list[tuple[Loc, str]]:
    wanted: list[tuple[str, str | None, Loc]] = [("aemter", v.federfuehrend, ("federfuehrend",))]
    wanted += [("aemter", amt, ("beteiligt", i)) for i, amt in enumerate(v.beteiligt)]
    wanted += [("personen", v.bearbeiter, ("bearbeiter",)), ("personen", v.dezernent, ("dezernent",))]
    wanted += [("aemter" if p in ref.aemter and p not in ref.personen else "personen", p, ("verfasser", i))
               for i, p in enumerate(v.verfasser)]
    wanted += [("personen", p, ("fragesteller", i)) for i, p in enumerate(v.fragesteller)]
    wanted.append(("aemter", v.initiator_stelle, ("initiator_stelle",)))
    wanted.append(("personen", v.berichterstatter, ("berichterstatter",)))
    wanted += [("gremien", step.gremium, ("beratungsfolge", i, "gremium")) for i, step in enumerate(v.beratungsfolge)]
    out: list[tuple[Loc, str]] = []
    for kind, ident, loc in wanted:
        if ident:
            out += _ref(ref, kind, ident, body, loc)
    if v.initiator:
        out += _initiator(ref, v.initiator, body, ("initiator",))
    if v.ursprung and v.ursprung.initiator:
        out += _initiator(ref, v.ursprung.initiator, body, ("ursprung", "initiator"))
    return out + _unterschrift(v, ref, body)


def _order(v: Vorlage) -> list[tuple[Loc, str]]:
    """The dated steps of the Beratungsfolge run forward in time (an open date is left out)."""
    out: list[tuple[Loc, str]] = []
    dated = [(i, s) for i, s in enumerate(v.beratungsfolge) if s.datum is not None]
    for (_, before), (i, step) in itertools.pairwise(dated):
        assert before.datum is not None and step.datum is not None
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
    return out


@functools.lru_cache(maxsize=16)
def _resolved(root: Path) -> Path:
    return root.resolve()


def anlage_problem(datei: str, record: Path, root: Path, grenzen: AnlagenGrenzen | None = None) -> str | None:
    """Why an Anlage path is not acceptable, or None; ``grenzen`` are the Körperschaft's bounds."""
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
    grenzen = grenzen or AnlagenGrenzen()
    return content_problem(target, grenzen.max_mb, grenzen.max_seiten)

