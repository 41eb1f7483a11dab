"""What several checks share: the skeleton's fill-in texts, German dates, the numbering scheme of a
body."""

from __future__ import annotations

import datetime as dt
from typing import Any

from vorlagengen.model.drucksache import PLATZHALTER, TEILE
from vorlagengen.model.records import Loc, RefData
from vorlagengen.nummern.formen import scheme_for
from vorlagengen.nummern.schema import Scheme

# The fill-in texts "vorlagengen new" writes into a skeleton (model.PLATZHALTER, model.TEILE). A
# record that still carries one is not finished: validate names each, so the skeleton's own advice
# "Ausfüllen, dann vorlagengen validate" works as a checklist.
PH_JANEIN = "(ja oder nein)"  # finanzen.auswirkungen of a skeleton
PH_SITZUNGSDATUM = "(Sitzungsdatum)"  # the date of its first Beratung
SKELETON_PLACEHOLDERS = frozenset([*PLATZHALTER.values(), *(teil.platzhalter for teil in TEILE.values()),
                                   PH_JANEIN, PH_SITZUNGSDATUM])


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.strip() in SKELETON_PLACEHOLDERS


def fmt_date(d: dt.date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else "(ohne Datum)"


def scheme_of(ref: RefData, body: str, art: str | None = None, day: dt.date | None = None) -> Scheme | None:
    """The scheme of a body's numbers (for this Art on this day, when given); None if malformed."""
    k = ref.koerperschaften.get(body)
    if k is None:
        return None
    return scheme_for(k, art or "", day or dt.date.today())


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
