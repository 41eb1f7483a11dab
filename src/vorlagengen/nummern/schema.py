"""Drucksachen-Nr. schemes: each body writes its numbers its own way.

A scheme is a pattern with placeholders, for example ``{wp}/{nr:4}`` (Wandsbek: 19/0167),
``DrS/{jahr}/{nr:3}`` (Segeberg: DrS/2011/054), ``{jahr}/{art}/{nr:4}`` (Rostock: 2017/AN/2460),
``{nr:4}/{wp:roemisch}`` (Berlin-Steglitz-Zehlendorf: 1536/V), ``{amt}/{nr:3}/{jahr}`` (Erlangen:
40/011/2010), ``WP {wp_von}-{wp_bis} SV {jj}/{nr:3}`` (WP 04-09 SV 20/007).

An Ergänzung or Stellungnahme carries a suffix after the number of the Drucksache it supplements.
Its form is a scheme of its own (``-{e:2}`` → ``-01``, ``-02`` …; ``{e:A}`` → ``A``, ``B`` …; a
literal like ``E`` allows one). The suffix is parsed as a separate group, so an Amt segment at the
end of a number (``VO/2014/0718-20``) and its Ergänzung (``VO/2014/0718-20-01``) never collide.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol, TypeVar

TOKENS = "{jahr}, {jj}, {wp}, {wp:N}, {wp:roemisch}, {wp_von}, {wp_bis}, {art}, {amt}, {nr:N}"
_TOKEN = re.compile(r"\{(jahr|jj|wp_von|wp_bis|wp|art|amt|nr)(?::([^{}]+))?\}")
_SUFFIX_TOKEN = re.compile(r"\{e(?::([^{}]+))?\}")
DEFAULT_ERGAENZUNG = "-{e:2}"

_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


class SchemeError(ValueError):
    """The scheme itself is malformed (reported against data/koerperschaften.yaml)."""


@dataclass(frozen=True)
class Werte:
    """The values a number is made of, besides its running count."""

    year: int
    wp: int | None = None
    art: str | None = None
    amt: str | None = None
    wp_von: int | None = None  # first and last year of the Wahlperiode
    wp_bis: int | None = None


def _token_regex(name: str, option: str | None) -> str:
    if name == "jahr":
        return r"(?P<jahr>\d{4})"
    if name == "jj":
        return r"(?P<jj>\d{2})"
    if name == "wp":
        return r"(?P<wp>[IVXLCDM]+)" if option == "roemisch" else r"(?P<wp>\d{1,3})"
    if name in ("wp_von", "wp_bis"):
        return rf"(?P<{name}>\d{{2}})"
    if name == "art":
        return r"(?P<art>[A-Za-zÄÖÜäöü]{1,6})"
    if name == "amt":
        return r"(?P<amt>[A-Za-zÄÖÜäöü0-9]{1,8})"
    return rf"(?P<nr>\d{{{int(option or 1)},}})"


def _check_option(pattern: str, name: str, option: str | None) -> None:
    fine = (option is None or (name == "nr" and option.isdigit()) or
            (name == "wp" and (option == "roemisch" or option.isdigit())))
    if not fine:
        raise SchemeError(f"Nummernschema „{pattern}“: „{{{name}:{option}}}“ gibt es nicht; erlaubt: {TOKENS}")


@dataclass(frozen=True)
class Scheme:
    pattern: str
    ergaenzung: str = DEFAULT_ERGAENZUNG

    @cached_property
    def _parts(self) -> list[tuple[str, str | None]]:
        parts: list[tuple[str, str | None]] = []
        pos = 0
        for m in _TOKEN.finditer(self.pattern):
            if m.start() > pos:
                parts.append(("lit", self.pattern[pos : m.start()]))
            _check_option(self.pattern, m.group(1), m.group(2))
            parts.append((m.group(1), m.group(2)))
            pos = m.end()
        if pos < len(self.pattern):
            parts.append(("lit", self.pattern[pos:]))
        if sum(1 for kind, _ in parts if kind == "nr") != 1:
            raise SchemeError(f"Nummernschema „{self.pattern}“ braucht genau einen Platzhalter {{nr:N}}")
        names = [kind for kind, _ in parts if kind != "lit"]
        if len(names) != len(set(names)):
            raise SchemeError(f"Nummernschema „{self.pattern}“ nennt einen Platzhalter zweimal")
        if any(kind == "lit" and ("{" in str(v) or "}" in str(v)) for kind, v in parts):
            raise SchemeError(f"Nummernschema „{self.pattern}“ hat einen unbekannten Platzhalter; erlaubt: {TOKENS}")
        self._suffix_parts  # noqa: B018 - validates the Ergänzung form as well
        return parts

    @cached_property
    def _suffix_parts(self) -> list[tuple[str, str | None]]:
        parts: list[tuple[str, str | None]] = []
        pos = 0
        for m in _SUFFIX_TOKEN.finditer(self.ergaenzung):
            if m.start() > pos:
                parts.append(("lit", self.ergaenzung[pos : m.start()]))
            option = m.group(1) or "1"
            if not (option.isdigit() or option in ("A", "a")):
                raise SchemeError(f"Ergänzungsschema „{self.ergaenzung}“: „{{e:{option}}}“ gibt es nicht; "
                                  "erlaubt: {e:N} (Ziffern), {e:A} oder {e:a} (Buchstaben)")
            parts.append(("e", option))
            pos = m.end()
        if pos < len(self.ergaenzung):
            parts.append(("lit", self.ergaenzung[pos:]))
        if not self.ergaenzung or sum(1 for kind, _ in parts if kind == "e") > 1:
            raise SchemeError(f"Ergänzungsschema „{self.ergaenzung}“ braucht Text und höchstens einen Zähler {{e:N}}")
        if any(kind == "lit" and ("{" in str(v) or "}" in str(v)) for kind, v in parts):
            raise SchemeError(f"Ergänzungsschema „{self.ergaenzung}“ hat einen unbekannten Platzhalter; "
                              "erlaubt: {e:N}")
        return parts

    @cached_property
    def regex(self) -> re.Pattern[str]:
        rx = "".join(re.escape(str(v)) if kind == "lit" else _token_regex(kind, v) for kind, v in self._parts)
        suffix = ""
        for kind, option in self._suffix_parts:
            if kind == "lit":
                suffix += re.escape(str(option))
            elif option == "A":
                suffix += "[A-Z]"
            elif option == "a":
                suffix += "[a-z]"
            else:
                suffix += rf"\d{{{option}}}"
        return re.compile(rf"(?P<basis>{rx})(?P<suffix>{suffix})?")

    def validate(self) -> None:
        _ = self._parts

    def matches(self, nummer: str) -> bool:
        return self.regex.fullmatch(nummer) is not None

    def parse(self, nummer: str) -> dict[str, str] | None:
        m = self.regex.fullmatch(nummer)
        return {k: v for k, v in m.groupdict().items() if v is not None} if m else None

    def uses(self, token: str) -> bool:
        return any(kind == token for kind, _ in self._parts)

    def example(self) -> str:
        return self.format(nr=1, werte=Werte(2026, 1, "XX", "10", 26, 31))

    def format(self, *, nr: int, werte: Werte) -> str:
        out = ""
        for kind, option in self._parts:
            out += str(option) if kind == "lit" else self._value(kind, option, nr, werte)
        return out

    @staticmethod
    def _value(kind: str, option: str | None, nr: int, w: Werte) -> str:
        if kind == "jahr":
            return f"{w.year:04d}"
        if kind == "jj":
            return f"{w.year % 100:02d}"
        if kind == "wp":
            wp = w.wp if w.wp is not None else 1
            return roman(wp) if option == "roemisch" else f"{wp:0{int(option or 1)}d}"
        if kind in ("wp_von", "wp_bis"):
            year = getattr(w, kind)
            return f"{(year if year is not None else w.year) % 100:02d}"
        if kind == "art":
            return w.art or "XX"
        if kind == "amt":
            return w.amt or "XX"
        return f"{nr:0{int(option or 1)}d}"

    def next_free(self, existing: Iterable[str], *, werte: Werte, jaehrlich: bool = True) -> str:
        """The next number with the same year / Wahlperiode / Art / Amt as ``werte``; with
        ``jaehrlich`` false the count runs on across years (Lüneburg: VO/8321/19, VO/8322/20 …)."""
        fixed = self.parse(self.format(nr=0, werte=werte))
        assert fixed is not None
        ignore = {"nr", "suffix", "basis"} | (set() if jaehrlich else {"jahr", "jj"})
        wanted = {k: v for k, v in fixed.items() if k not in ignore}
        highest = 0
        for nummer in existing:
            got = self.parse(nummer)
            if got and all(got.get(k) == v for k, v in wanted.items()):
                highest = max(highest, int(got["nr"]))
        return self.format(nr=highest + 1, werte=werte)

    def basis(self, nummer: str) -> str:
        """The number without its Ergänzung suffix."""
        got = self.parse(nummer)
        return got["basis"] if got else nummer

    def suffix(self, i: int) -> str | None:
        """The i-th Ergänzung suffix (from 1), or None when the form has no more."""
        out = ""
        for kind, option in self._suffix_parts:
            if kind == "lit":
                out += str(option)
            elif option in ("A", "a"):
                if i > 26:
                    return None
                out += chr((65 if option == "A" else 97) + i - 1)
            else:
                if len(str(i)) > int(str(option)):
                    return None
                out += f"{i:0{option}d}"
        counted = any(kind == "e" for kind, _ in self._suffix_parts)
        return out if (counted or i == 1) else None


def next_suffix(bezug: str, existing: Iterable[str], scheme: Scheme | None = None) -> str:
    """``2017/AN/2460`` → ``2017/AN/2460-01`` (or the next free suffix in the body's form)."""
    scheme = scheme or Scheme("{nr}")
    base = scheme.basis(bezug)
    taken = set(existing)
    i = 1
    while (suffix := scheme.suffix(i)) is not None:
        if base + suffix not in taken:
            return base + suffix
        i += 1
    raise ValueError(f"keine freie Ergänzungsnummer zu {bezug}")


class _Periode(Protocol):
    @property
    def von(self) -> dt.date: ...
    @property
    def bis(self) -> dt.date | None: ...


P = TypeVar("P", bound=_Periode)


def wp_at(perioden: Iterable[P], day: dt.date) -> P | None:
    """The Wahlperiode that contains ``day``."""
    for p in perioden:
        if p.von <= day and (p.bis is None or day <= p.bis):
            return p
    return None
