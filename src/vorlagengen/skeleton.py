"""``vorlagengen new``: a record skeleton with the next free Drucksachen-Nr. and every field of its Art."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from .checks import scheme_of
from .errors import UserError, ValidationFailed
from .messages import suggest
from .model import ART_REGELN, ARTEN, PLATZHALTER, TEILE
from .numbering import next_suffix
from .project import discover, load_refdata
from .records import RECORD_DIR, RefData, slug
from .writing import write_atomic
from .yamlio import YamlProblem, load_mapping

SCHEMA_RELPATH = Path("schema") / "vorlage.schema.json"


def _existing_numbers(root: Path, body: str, ref: RefData) -> list[str]:
    numbers = [n for n, alt in ref.altbestand.items() if alt.koerperschaft == body]
    for path in discover(root):
        try:
            raw = load_mapping(path, str(path))
        except YamlProblem:
            continue
        if raw.get("koerperschaft") == body and isinstance(raw.get("nummer"), str):
            numbers.append(raw["nummer"])
    return numbers


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def render_skeleton(art: str, body: str, nummer: str, datum: dt.date, ref: RefData, bezug: str | None,
                    schema_ref: str) -> str:
    aemter = [k for k, v in ref.aemter.items() if v.koerperschaft == body]
    gremien = [k for k, v in ref.gremien.items() if v.koerperschaft == body and v.typ != "Fraktion"]
    fraktionen = [k for k, v in ref.gremien.items() if v.koerperschaft == body and v.typ == "Fraktion"]
    personen = [k for k, v in ref.personen.items() if v.koerperschaft == body]
    required = ART_REGELN[art].pflicht
    lines = [
        f"# yaml-language-server: $schema={schema_ref}",
        f"# {art} – Gerüst von „vorlagengen new“. Ausfüllen, dann „vorlagengen validate“.",
        f"nummer: {_q(nummer)}",
        f"datum: {datum.isoformat()}",
        f"koerperschaft: {body}",
        f"art: {art}",
        "status: öffentlich  # oder: nichtöffentlich",
        "entwurf: ja  # auf „nein“ setzen, wenn die Drucksache endgültig ist",
        f"betreff: {_q(PLATZHALTER['betreff'])}",
    ]
    if aemter:
        lines.append(f"federfuehrend: {aemter[0]}  # Auswahl: {', '.join(aemter)}")
    lines += ["beteiligt: []", "verfasser: []"]
    if personen:
        lines.append(f"# bearbeiter: {personen[0]}  # Auswahl: {', '.join(personen)}")
    if "initiator" in required:
        choice = fraktionen[0] if fraktionen else (gremien[0] if gremien else "fraktion")
        lines.append(f"initiator: {choice}  # Fraktion aus data/gremien.yaml")
    if "bezug" in required or bezug:
        lines.append(f"bezug: {_q(bezug or PLATZHALTER['bezug'])}")
    lines.append("# aktenzeichen: \"\"")
    lines.append("beratungsfolge:")
    if gremien:
        lines += [
            f"  - gremium: {gremien[0]}  # Auswahl: {', '.join(gremien)}",
            f"    datum: {(datum + dt.timedelta(days=14)).isoformat()}",
            "    zustaendigkeit: Entscheidung  # Vorberatung, Empfehlung, Kenntnisnahme, Entscheidung, Anhörung",
        ]
    else:
        lines[-1] = "beratungsfolge: []"
    for part, teil in TEILE.items():  # the text parts, in the order of the record
        if part in required or part in ART_REGELN[art].angeboten:
            prefix = "" if part in required else "# "
            if part == "fragen":
                lines += [f"{prefix}fragen:", f"{prefix}  - {teil.platzhalter}"]
            else:
                lines += [f"{prefix}{part}: |", f"{prefix}  {teil.platzhalter}"]
    lines += [
        "abschnitte: []",
        "finanzen:",
        "  auswirkungen: nein",
        "anlagen: []",
    ]
    return "\n".join(lines) + "\n"


def new_record(root: Path, art: str, body: str, *, bezug: str | None = None, datum: dt.date | None = None,
               out: Path | None = None) -> Path:
    if art not in ARTEN:
        raise UserError(f"unbekannte Art „{art}“{suggest(art, ARTEN) or '.'} Erlaubt: {', '.join(ARTEN)}")
    ref, problems = load_refdata(root)
    if problems:
        raise ValidationFailed(problems)
    if body not in ref.koerperschaften:
        raise UserError(f"unbekannte Körperschaft „{body}“{suggest(body, ref.koerperschaften)}")
    k = ref.koerperschaften[body]
    scheme = scheme_of(ref, body)
    assert scheme is not None  # checked with the reference data
    datum = datum or dt.date.today()
    existing = _existing_numbers(root, body, ref)
    if bezug:
        if bezug not in existing:
            raise UserError(f"Bezug auf unbekannte Drucksache „{bezug}“ der Körperschaft {body}"
                            f"{suggest(bezug, existing)}")
        nummer = next_suffix(bezug, existing)
    else:
        kuerzel = k.art_kuerzel.get(art)  # type: ignore[call-overload]
        if scheme.uses("art") and not kuerzel:
            raise UserError(f"Körperschaft {body} hat kein Kürzel für „{art}“ (art_kuerzel in data/koerperschaften.yaml)")
        nummer = scheme.next_free(existing, date=datum, wp=k.wahlperiode, art=kuerzel,
                                  jaehrlich=k.zaehlung == "jährlich")
    target = out or root / RECORD_DIR / body / f"{slug(nummer)}.yaml"
    if target.exists():
        raise UserError(f"{target}: Datei besteht schon, nichts geschrieben")
    schema_ref = os.path.relpath(root / SCHEMA_RELPATH, target.parent)
    text = render_skeleton(art, body, nummer, datum, ref, bezug, schema_ref)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text.encode("utf-8"))
    return target
