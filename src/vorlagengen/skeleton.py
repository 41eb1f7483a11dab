"""``vorlagengen new``: a record skeleton with the next free Drucksachen-Nr. and every field of its Art."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vorlagengen.checks.common import PH_JANEIN, PH_SITZUNGSDATUM
from vorlagengen.documents.writing import write_atomic
from vorlagengen.errors import UserError, ValidationFailed
from vorlagengen.load.project import discover, load_refdata
from vorlagengen.load.yamlio import YamlProblem, load_mapping
from vorlagengen.messages import suggest
from vorlagengen.model.drucksache import ART_REGELN, ARTEN, PLATZHALTER, TEILE
from vorlagengen.model.records import RECORD_DIR, RefData, slug
from vorlagengen.nummern.formen import scheme_for, werte_for
from vorlagengen.nummern.schema import next_suffix

SCHEMA_RELPATH = Path("schema") / "vorlage.schema.json"

# Finanzielle Auswirkungen: must be answered for these Arts, may be for those, never for the rest
# (an Anfrage has none, and "nein" as a default would make a Haushaltsplan claim none).
_FINANZEN_PFLICHT = ("Beschlussvorlage", "Tischvorlage", "Ergänzungsvorlage")
_FINANZEN_MOEGLICH = ("Mitteilungsvorlage", "Informationsvorlage", "Drucksache", "Stellungnahme")


def _existing_numbers(root: Path, body: str, ref: RefData) -> dict[str, bool]:
    """Drucksachen-Nr. of the Körperschaft → whether that Drucksache is public (unreadable: not)."""
    numbers = {n: alt.status == "öffentlich" for n, alt in ref.altbestand.items() if alt.koerperschaft == body}
    for path in discover(root):
        try:
            raw = load_mapping(path, str(path))
        except YamlProblem:
            continue
        if raw.get("koerperschaft") == body and isinstance(raw.get("nummer"), str):
            numbers[raw["nummer"]] = raw.get("status") == "öffentlich"
    return numbers


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


@dataclass
class Vorgaenger:
    """What a new Drucksache takes over from the one it refers to (``new --bezug``)."""

    nummer: str
    betreff: str | None = None
    beratungsfolge: list[dict[str, Any]] = field(default_factory=list)  # the steps still open
    fragen: list[str] = field(default_factory=list)


def _wahl(ids: list[str]) -> str:
    return f"  # Auswahl: {', '.join(ids)}" if len(ids) > 1 else ""


def render_skeleton(art: str, body: str, nummer: str, datum: dt.date, ref: RefData, bezug: Vorgaenger | None,
                    schema_ref: str, oeffentlich: bool = True) -> str:
    aemter = [k for k, v in ref.aemter.items() if v.koerperschaft == body]
    gremien = [k for k, v in ref.gremien.items() if v.koerperschaft == body and v.typ not in ("Fraktion", "Verwaltung")]
    fraktionen = [k for k, v in ref.gremien.items() if v.koerperschaft == body and v.typ == "Fraktion"]
    personen = [k for k, v in ref.personen.items() if v.koerperschaft == body]
    required = ART_REGELN[art].pflicht
    betreff = bezug.betreff if bezug and bezug.betreff else PLATZHALTER["betreff"]
    lines = [
        f"# yaml-language-server: $schema={schema_ref}",
        f"# {art} – Gerüst von „vorlagengen new“. Ausfüllen, dann „vorlagengen validate“.",
        f"nummer: {_q(nummer)}",
        f"datum: {datum.isoformat()}",
        f"koerperschaft: {body}",
        f"art: {art}",
        "status: öffentlich  # oder: nichtöffentlich" if oeffentlich else
        f"status: nichtöffentlich  # wie der Bezug {bezug.nummer if bezug else ''}; öffentlich nur, "
        "wenn nichts Vertrauliches darin steht",
        "entwurf: ja  # auf „nein“ setzen, wenn die Drucksache endgültig ist",
        f"betreff: {_q(betreff)}",
    ]
    if aemter:
        lines.append(f"federfuehrend: {aemter[0]}{_wahl(aemter)}")
    lines += ["beteiligt: []", "verfasser: []"]
    if personen:
        lines.append(f"# bearbeiter: {personen[0]}{_wahl(personen)}")
    if "initiator" in required:
        if fraktionen:
            lines.append(f"initiator: {fraktionen[0]}{_wahl(fraktionen) or '  # Fraktion aus data/gremien.yaml'}")
        else:
            lines.append("# initiator:  # keine Fraktion in data/gremien.yaml: dort mit „typ: Fraktion“ eintragen, "
                         "dann hier ihre Kennung")
    if "bezug" in required or bezug:
        lines.append(f"bezug: {_q(bezug.nummer if bezug else PLATZHALTER['bezug'])}")
    lines.append("# aktenzeichen: \"\"")
    lines += _beratungsfolge(datum, gremien, bezug)
    for part in TEILE:  # the text parts, in the order of the record
        if part in required or part in ART_REGELN[art].angeboten:
            lines += _text_part(part, art, required, bezug)
    lines.append("abschnitte: []")
    if art in _FINANZEN_PFLICHT:
        lines += ["finanzen:", f"  auswirkungen: {_q(PH_JANEIN)}  # hat der Beschluss finanzielle Auswirkungen?"]
    elif art in _FINANZEN_MOEGLICH:
        lines += ["# finanzen:", "#   auswirkungen: nein"]
    lines.append("anlagen: []")
    return "\n".join(lines) + "\n"


def _beratungsfolge(datum: dt.date, gremien: list[str], bezug: Vorgaenger | None) -> list[str]:
    if bezug and bezug.beratungsfolge:
        lines = ["beratungsfolge:  # die noch offenen Schritte der Bezugsdrucksache"]
        for step in bezug.beratungsfolge:
            lines.append(f"  - gremium: {step.get('gremium')}")
            for key in ("datum", "zustaendigkeit", "oeffentlich", "top", "sitzung"):
                if step.get(key) is not None:
                    value = step[key]
                    shown = str(value) if key in ("datum", "oeffentlich", "zustaendigkeit") else _q(str(value))
                    lines.append(f"    {key}: {shown}")
        return lines
    if not gremien:
        return ["beratungsfolge: []"]
    return [
        "beratungsfolge:",
        f"  - gremium: {gremien[0]}{_wahl(gremien)}",
        f"    datum: {_q(PH_SITZUNGSDATUM)}  # JJJJ-MM-TT",
        "    zustaendigkeit: Entscheidung  # Vorberatung, Empfehlung, Kenntnisnahme, Entscheidung, Anhörung",
    ]


def _text_part(part: str, art: str, required: tuple[str, ...], bezug: Vorgaenger | None) -> list[str]:
    # a Beantwortung without an Anfrage that has Fragen needs its own
    own_fragen = part == "fragen" and art == "Beantwortung einer Anfrage" and not (bezug and bezug.fragen)
    prefix = "" if part in required or own_fragen else "# "
    if part != "fragen":
        return [f"{prefix}{part}: |", f"{prefix}  {TEILE[part].platzhalter}"]
    if bezug and bezug.fragen and art == "Beantwortung einer Anfrage":
        return [f"# fragen: die {len(bezug.fragen)} Fragen kommen aus {bezug.nummer}; eigene nur, wenn sie abweichen"]
    if bezug and bezug.fragen:
        return ["fragen:", *(f"  - {_q(f)}" for f in bezug.fragen)]
    return [f"{prefix}fragen:", f"{prefix}  - {TEILE['fragen'].platzhalter}"]


def _vorgaenger(root: Path, body: str, nummer: str, ref: RefData, datum: dt.date) -> Vorgaenger:
    """Betreff, the steps still open and the Fragen of the Drucksache ``nummer`` (record or Altbestand)."""
    alt = ref.altbestand.get(nummer)
    if alt is not None and alt.koerperschaft == body:
        return Vorgaenger(nummer, alt.betreff, [], list(alt.fragen))
    for path in discover(root):
        try:
            raw = load_mapping(path, str(path))
        except YamlProblem:
            continue
        if raw.get("koerperschaft") != body or raw.get("nummer") != nummer:
            continue
        steps = [s for s in raw.get("beratungsfolge") or [] if isinstance(s, dict)
                 and s.get("ergebnis") is None and not s.get("erledigt")]
        fragen = [f for f in raw.get("fragen") or [] if isinstance(f, str)]
        betreff = raw.get("betreff") if isinstance(raw.get("betreff"), str) else None
        return Vorgaenger(nummer, betreff, steps, fragen)
    return Vorgaenger(nummer)


def _werte(k: Any, body: str, art: str, datum: dt.date, amt: str | None, ref: RefData) -> Any:
    scheme = scheme_for(k, art, datum)
    assert scheme is not None
    werte = werte_for(k, art, datum)
    if scheme.uses("art") and not werte.art:
        raise UserError(f"Körperschaft {body} hat kein Kürzel für „{art}“ (art_kuerzel in data/koerperschaften.yaml)")
    if not scheme.uses("amt"):
        return werte
    mit_kuerzel = [a for a, e in ref.aemter.items() if e.koerperschaft == body and e.kuerzel]
    if amt is None or amt not in mit_kuerzel:
        raise UserError(f"die Nummer der Körperschaft {body} nennt das Amt ({{amt}}): --amt KENNUNG angeben, eine "
                        f"Stelle mit „kuerzel“ aus data/aemter.yaml{suggest(amt or '', mit_kuerzel)}; vorhanden: "
                        f"{', '.join(mit_kuerzel) or 'keine'}")
    return replace(werte, amt=ref.aemter[amt].kuerzel)


def new_record(root: Path, art: str, body: str, *, bezug: str | None = None, datum: dt.date | None = None,
               out: Path | None = None, amt: str | None = None) -> tuple[Path, bool]:
    """Write the skeleton; returns its path and whether it was proposed as public (a Bezug to a
    non-public Drucksache makes the new one nichtöffentlich)."""
    if art not in ARTEN:
        raise UserError(f"unbekannte Art „{art}“{suggest(art, ARTEN) or '.'} Erlaubt: {', '.join(ARTEN)}")
    ref, problems = load_refdata(root)
    if problems:
        raise ValidationFailed(problems)
    if body not in ref.koerperschaften:
        raise UserError(f"unbekannte Körperschaft „{body}“{suggest(body, ref.koerperschaften)}")
    k = ref.koerperschaften[body]
    datum = datum or dt.date.today()
    scheme = scheme_for(k, art, datum)
    assert scheme is not None  # checked with the reference data
    existing = _existing_numbers(root, body, ref)
    vorgaenger = None
    if bezug:
        if bezug not in existing:
            raise UserError(f"Bezug auf unbekannte Drucksache „{bezug}“ der Körperschaft {body}"
                            f"{suggest(bezug, existing)}")
        nummer = next_suffix(bezug, list(existing), scheme)
        vorgaenger = _vorgaenger(root, body, bezug, ref, datum)
    else:
        nummer = scheme.next_free(list(existing), werte=_werte(k, body, art, datum, amt, ref),
                                  jaehrlich=k.zaehlung == "jährlich")
    target = out or root / RECORD_DIR / body / f"{slug(nummer)}.yaml"
    if target.exists():
        raise UserError(f"{target}: Datei besteht schon, nichts geschrieben")
    schema_ref = os.path.relpath(root / SCHEMA_RELPATH, target.parent)
    oeffentlich = existing[bezug] if bezug else True
    text = render_skeleton(art, body, nummer, datum, ref, vorgaenger, schema_ref, oeffentlich)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text.encode("utf-8"))
    return target, oeffentlich
