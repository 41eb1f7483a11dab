"""The number forms of one Körperschaft: which scheme a Drucksache of a given Art and day has
(current form, a form per Art, an earlier Wahlperiode's own form) and the values it is made of."""

from __future__ import annotations

import datetime as dt
import functools

from vorlagengen.model.drucksache import Koerperschaft
from vorlagengen.nummern.schema import Scheme, SchemeError, Werte, wp_at


@functools.lru_cache(maxsize=256)
def _scheme(pattern: str, ergaenzung: str) -> Scheme | None:
    """One Scheme per pattern: its regex is compiled once, not once per record; None if malformed."""
    scheme = Scheme(pattern, ergaenzung)
    try:
        scheme.validate()
    except SchemeError:
        return None
    return scheme


def all_patterns(k: Koerperschaft) -> list[str]:
    """Every number form the body uses or used: current, per Art, per earlier Wahlperiode."""
    patterns = [k.nummernschema, *k.nummernschema_je_art.values(),
                *(p.nummernschema for p in k.wahlperioden if p.nummernschema)]
    return list(dict.fromkeys(patterns))


def all_schemes(k: Koerperschaft) -> list[Scheme]:
    return [s for p in all_patterns(k) if (s := _scheme(p, k.ergaenzung)) is not None]


def pattern_for(k: Koerperschaft, art: str, day: dt.date) -> str:
    """The form a number of this Art has on this day: an earlier Wahlperiode's own form first, then
    the form for the Art, then the body's form."""
    periode = wp_at(k.wahlperioden, day)
    if periode is not None and getattr(periode, "nummernschema", None):
        return str(periode.nummernschema)
    return k.nummernschema_je_art.get(art, k.nummernschema)  # type: ignore[call-overload,no-any-return]


def scheme_for(k: Koerperschaft, art: str, day: dt.date) -> Scheme | None:
    return _scheme(pattern_for(k, art, day), k.ergaenzung)


def werte_for(k: Koerperschaft, art: str, day: dt.date, amt: str | None = None) -> Werte:
    periode = wp_at(k.wahlperioden, day)
    wp = periode.nr if periode is not None else k.wahlperiode
    von = periode.von.year if periode is not None else None
    bis_day = getattr(periode, "bis", None) if periode is not None else None
    return Werte(day.year, wp, k.art_kuerzel.get(art), amt,  # type: ignore[call-overload]
                 von, bis_day.year if bis_day else None)


def matches_body(k: Koerperschaft, nummer: str) -> bool:
    return any(s.matches(nummer) for s in all_schemes(k))
