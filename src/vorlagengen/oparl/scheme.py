"""The Körperschaft's number scheme, inferred from the references of its Papers.

``102/2002``, ``4/2019`` → ``{nr:1}/{jahr}``; ``VO/2019/0123`` → ``VO/{jahr}/{nr:4}``;
``2017/AN/2460``, ``2017/BV/0012`` → ``{jahr}/{art}/{nr:4}`` with the Kürzel per Art. A supplement's
text after the number (``180/2018 1. Ergänzung``) is not part of the scheme.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from vorlagengen.nummern.schema import Scheme, SchemeError

_TOKENS = re.compile(r"\d+|[A-Za-zÄÖÜäöü]+|[^\dA-Za-zÄÖÜäöü]+")


@dataclass(frozen=True)
class Sample:
    reference: str
    datum: dt.date | None
    art: str


@dataclass
class Inferred:
    pattern: str
    art_kuerzel: dict[str, str] = field(default_factory=dict)
    wahlperiode: int | None = None


def base_number(reference: str) -> str:
    return reference.strip().split(" ", 1)[0]


def _shape(tokens: list[str]) -> tuple[str, ...]:
    return tuple("9" if t.isdigit() else "A" if t.isalpha() else t for t in tokens)


def infer(samples: Sequence[Sample], minimum: int = 1, share: float = 0.0) -> Inferred | None:
    """The scheme most references follow, or None if there are fewer than ``minimum`` or the most
    common form is followed by less than ``share`` of them (then no clerk's rule can be read off)."""
    parsed = [(_TOKENS.findall(base_number(s.reference)), s) for s in samples if s.reference.strip()]
    if not parsed or len(parsed) < minimum:
        return None
    shape, count = Counter(_shape(t) for t, _ in parsed).most_common(1)[0]
    if count < share * len(parsed):
        return None
    rows = [(t, s) for t, s in parsed if _shape(t) == shape]
    parts = [_position(i, kind, rows) for i, kind in enumerate(shape)]
    varying = [i for i, part in enumerate(parts) if part == "{num}"] or [
        i for i, kind in enumerate(shape) if kind == "9" and parts[i] not in ("{jahr}", "{jj}")][:1]
    if not varying:
        return None
    nr = max(varying, key=lambda j: len({t[j] for t, _ in rows}))  # the running number varies most
    parts = ["{nr}" if i == nr else "{wp}" if part == "{num}" else part for i, part in enumerate(parts)]
    nr_at = parts.index("{nr}")
    pattern = "".join(f"{{nr:{_width(nr_at, rows)}}}" if p == "{nr}" else p for p in parts)
    kuerzel = _art_kuerzel(parts, rows)
    try:
        Scheme(pattern).validate()
    except SchemeError:
        return None
    wp = None
    if "{wp}" in parts:  # the Wahlperiode of the newest Paper
        newest = max(rows, key=lambda r: r[1].datum or dt.date.min)
        wp = int(newest[0][parts.index("{wp}")])
    return Inferred(pattern, kuerzel, wp)


def _position(i: int, kind: str, rows: list[tuple[list[str], Sample]]) -> str:
    values = [t[i] for t, _ in rows]
    if kind not in ("9", "A"):
        return kind.replace("{", "").replace("}", "")
    if kind == "A":
        return values[0] if len(set(values)) == 1 else "{art}"
    dated = [(int(v), s.datum) for v, s in zip(values, (s for _, s in rows), strict=False) if s.datum]
    # a year part is (nearly) the Paper's year; a supplement may be dated early the next year
    if dated and all(len(v) == 4 for v in values) and _mostly(abs(v - d.year) <= 1 for v, d in dated):
        return "{jahr}"
    if dated and all(len(v) == 2 for v in values) and _mostly((v - d.year) % 100 in (0, 1, 99) for v, d in dated):
        return "{jj}"
    return values[0] if len(set(values)) == 1 else "{num}"


def _mostly(hits: Iterable[bool]) -> bool:
    flags = list(hits)
    return sum(flags) >= 0.8 * len(flags)


def _width(i: int, rows: list[tuple[list[str], Sample]]) -> int:
    values = [t[i] for t, _ in rows]
    padded = any(v.startswith("0") and len(v) > 1 for v in values)
    return min(len(v) for v in values) if padded else 1


def _art_kuerzel(parts: list[str], rows: list[tuple[list[str], Sample]]) -> dict[str, str]:
    if "{art}" not in parts:
        return {}
    i = parts.index("{art}")
    by_art: dict[str, Counter[str]] = {}
    for tokens, sample in rows:
        by_art.setdefault(sample.art, Counter())[tokens[i]] += 1
    return {art: counts.most_common(1)[0][0] for art, counts in sorted(by_art.items())}
