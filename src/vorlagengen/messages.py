"""German messages for validation errors, with "meinten Sie …?" suggestions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only a type: the CLI's help stays free of pydantic
    from pydantic_core import ErrorDetails


def anzahl(n: int, einzahl: str, mehrzahl: str) -> str:
    """``1 Datei``, ``2 Dateien``."""
    return f"{n} {einzahl if n == 1 else mehrzahl}"


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate an author most likely meant by ``word``, or None."""
    pool = list(candidates)
    match = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not match and len(word) >= 3:  # a cut-off value: „Kenntnis“ for „Kenntnisnahme“
        starting = [c for c in pool if c.lower().startswith(word.lower())]
        match = starting if len(starting) == 1 else []
    if not match:
        lowered = {c.lower(): c for c in pool}
        match = [lowered[word.lower()]] if word.lower() in lowered else []
    return match[0] if match else None


def suggest(word: str, candidates: Iterable[str]) -> str:
    """`` – meinten Sie „x“?`` for the closest candidate, or an empty string."""
    match = closest(word, candidates)
    return f" – meinten Sie „{match}“?" if match else ""


def _with_stop(hint: str) -> str:
    return hint if hint else "."


def field_path(loc: Iterable[Any], last_is_key: bool = False) -> str:
    """``('beratungsfolge', 0, 'datum')`` → ``beratungsfolge[1].datum`` (positions count from 1).

    An int followed by pydantic's ``[key]`` marker, or the last part when ``last_is_key``, is a
    mapping key (e.g. ``1:`` written as a key), not a list position.
    """
    parts = list(loc)
    out = ""
    for i, part in enumerate(parts):
        if part == "[key]":
            continue
        is_key = (i + 1 < len(parts) and parts[i + 1] == "[key]") or (last_is_key and i == len(parts) - 1)
        if isinstance(part, int) and not is_key:
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _type_name(value: Any) -> str:
    if value is None:
        return "nichts (leer)"
    if isinstance(value, bool):
        return f"Wahrheitswert {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"Zahl {value}"
    if isinstance(value, str):
        return f"Text „{value}“"
    if isinstance(value, (list, tuple)):
        return "eine Liste"
    if isinstance(value, dict):
        return "eine Zuordnung"
    return type(value).__name__


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


# pydantic error type → German message; {typ} is the type found, {short} the value (shortened),
# {ge}, {le}, {decimal_places} come from the error's context
_MESSAGES = {
    "missing": "Pflichtfeld fehlt",
    "invalid_key": "Schlüssel muss Text sein, gefunden: {typ}",
    "bool_parsing": "ja oder nein erwartet, gefunden: {typ}",
    "bool_type": "ja oder nein erwartet, gefunden: {typ}",
    "int_parsing": "ganze Zahl erwartet, gefunden: {typ}",
    "int_type": "ganze Zahl erwartet, gefunden: {typ}",
    "int_from_float": "ganze Zahl erwartet, gefunden: {typ}",
    "decimal_parsing": "Betrag erwartet (z. B. 39 oder \"39,50\"), gefunden: {typ}",
    "decimal_type": "Betrag erwartet (z. B. 39 oder \"39,50\"), gefunden: {typ}",
    "decimal_max_places": "Betrag mit höchstens {decimal_places} Nachkommastellen erwartet",
    "decimal_max_digits": "Betrag ist zu groß",
    "decimal_whole_digits": "Betrag ist zu groß",
    "string_type": "Text erwartet, gefunden: {typ}",
    "string_too_short": "darf nicht leer sein",
    "string_pattern_mismatch": "ungültige Kennung „{short}“ (nur Kleinbuchstaben, Ziffern, „-“ und „_“)",
    "greater_than_equal": "Wert muss mindestens {ge} sein, ist {short}",
    "less_than_equal": "Wert darf höchstens {le} sein, ist {short}",
    "list_type": "Liste erwartet (Einträge mit „- “), gefunden: {typ}",
    "model_type": "Zuordnung (Schlüssel: Wert) erwartet, gefunden: {typ}",
    "model_attributes_type": "Zuordnung (Schlüssel: Wert) erwartet, gefunden: {typ}",
    "dict_type": "Zuordnung (Schlüssel: Wert) erwartet, gefunden: {typ}",
}


def translate(err: ErrorDetails, allowed_keys: Iterable[str] = ()) -> str:
    """A German message for one pydantic error."""
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "greater_than_equal" and str(ctx.get("ge")) == "0" and not isinstance(value, bool):
        return f"Betrag darf nicht negativ sein, ist {_short(value)}"
    if kind == "finite_number":
        return f"„{_short(value)}“ ist kein Betrag (keine endliche Zahl)"
    if kind in _MESSAGES:
        return _MESSAGES[kind].format(typ=_type_name(value), short=_short(value), ge=ctx.get("ge"),
                                      le=ctx.get("le"), decimal_places=ctx.get("decimal_places"))
    if kind == "extra_forbidden":
        key = str(err["loc"][-1])
        hint = suggest(key, allowed_keys)
        if not hint and allowed_keys:
            hint = f"; erlaubt: {', '.join(allowed_keys)}"
        return f"unbekanntes Feld „{key}“{hint}"
    if kind == "literal_error":
        return _literal_message(value, ctx)
    if kind.startswith("date"):
        if isinstance(value, str):
            return f"ungültiges Datum „{_short(value)}“ (erwartet JJJJ-MM-TT oder TT.MM.JJJJ, ein Tag, den es gibt)"
        return f"Datum erwartet (JJJJ-MM-TT oder TT.MM.JJJJ), gefunden: {_type_name(value)}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return f"ungültiger Wert {_type_name(value)} ({err['msg']})"


def _literal_message(value: Any, ctx: dict[str, Any]) -> str:
    expected = [e.strip().strip("'") for e in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
    expected = [e for e in expected if e]
    hint = suggest(str(value), expected) if isinstance(value, str) else ""
    shown = f"„{_short(value)}“" if isinstance(value, str) else _type_name(value)
    return f"ungültiger Wert {shown}{_with_stop(hint)} Erlaubt: {', '.join(expected)}"
