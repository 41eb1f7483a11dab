"""Drucksachen-Nr. schemes: each body writes its numbers its own way.

A scheme is a pattern with placeholders, for example ``{wp}/{nr:4}`` (Wandsbek: 19/0167),
``DrS/{jahr}/{nr:3}`` (Segeberg: DrS/2011/054), ``{jahr}/{art}/{nr:4}`` (Rostock: 2017/AN/2460),
``{nr:4}/{jahr}`` (Saarbrücken: 0329/2018) and ``VO/{nr:4}/{jj}`` (Lüneburg: VO/8321/19).
Any number may carry a two-digit suffix ``-01``, ``-02`` … for Ergänzungen and Stellungnahmen.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

_TOKEN = re.compile(r"\{(jahr|jj|wp|art|nr(?::(\d+))?)\}")


class SchemeError(ValueError):
    """The scheme itself is malformed (reported against data/koerperschaften.yaml)."""


@dataclass(frozen=True)
class Scheme:
    pattern: str

    @cached_property
    def _parts(self) -> list[tuple[str, str | int]]:
        parts: list[tuple[str, str | int]] = []
        pos = 0
        for m in _TOKEN.finditer(self.pattern):
            if m.start() > pos:
                parts.append(("lit", self.pattern[pos : m.start()]))
            name = m.group(1).split(":")[0]
            parts.append((name, int(m.group(2) or 1)))
            pos = m.end()
        if pos < len(self.pattern):
            parts.append(("lit", self.pattern[pos:]))
        if sum(1 for kind, _ in parts if kind == "nr") != 1:
            raise SchemeError(f"Nummernschema „{self.pattern}“ braucht genau einen Platzhalter {{nr:N}}")
        if any(kind == "lit" and ("{" in str(v) or "}" in str(v)) for kind, v in parts):
            raise SchemeError(
                f"Nummernschema „{self.pattern}“ hat einen unbekannten Platzhalter; "
                "erlaubt: {jahr}, {jj}, {wp}, {art}, {nr:N}"
            )
        return parts

    @cached_property
    def regex(self) -> re.Pattern[str]:
        rx = ""
        for kind, value in self._parts:
            if kind == "lit":
                rx += re.escape(str(value))
            elif kind == "jahr":
                rx += r"(?P<jahr>\d{4})"
            elif kind == "jj":
                rx += r"(?P<jj>\d{2})"
            elif kind == "wp":
                rx += r"(?P<wp>\d{1,3})"
            elif kind == "art":
                rx += r"(?P<art>[A-Za-zÄÖÜäöü]{1,6})"
            else:
                rx += rf"(?P<nr>\d{{{value},}})"
        return re.compile(rx + r"(?:-(?P<suffix>\d{2}))?")

    def example(self) -> str:
        return self.format(nr=1, year=2026, wp=1, art="XX")

    def validate(self) -> None:
        _ = self._parts

    def matches(self, nummer: str) -> bool:
        return self.regex.fullmatch(nummer) is not None

    def format(self, *, nr: int, year: int, wp: int | None, art: str | None) -> str:
        out = ""
        for kind, value in self._parts:
            if kind == "lit":
                out += str(value)
            elif kind == "jahr":
                out += f"{year:04d}"
            elif kind == "jj":
                out += f"{year % 100:02d}"
            elif kind == "wp":
                out += str(wp if wp is not None else 1)
            elif kind == "art":
                out += art or "XX"
            else:
                out += f"{nr:0{value}d}"
        return out

    def uses(self, token: str) -> bool:
        return any(kind == token for kind, _ in self._parts)

    def next_free(
        self, existing: Iterable[str], *, date: dt.date, wp: int | None, art: str | None, jaehrlich: bool = True
    ) -> str:
        """The next number in the same year / Wahlperiode / Art as ``date``, ``wp`` and ``art``; with
        ``jaehrlich`` false the count runs on across years (Lüneburg: VO/8321/19, VO/8322/20 …)."""
        template = self.format(nr=0, year=date.year, wp=wp, art=art)
        fixed = self.regex.fullmatch(template)
        assert fixed is not None
        ignore = {"nr", "suffix"} | (set() if jaehrlich else {"jahr", "jj"})
        wanted = {k: v for k, v in fixed.groupdict().items() if k not in ignore and v is not None}
        highest = 0
        for nummer in existing:
            m = self.regex.fullmatch(nummer)
            if m and all(m.group(k) == v for k, v in wanted.items()):
                highest = max(highest, int(m.group("nr")))
        return self.format(nr=highest + 1, year=date.year, wp=wp, art=art)


def next_suffix(bezug: str, existing: Iterable[str]) -> str:
    """``2017/AN/2460`` → ``2017/AN/2460-01`` (or the next free suffix)."""
    taken = {n for n in existing if n.startswith(bezug + "-")}
    for i in range(1, 100):
        candidate = f"{bezug}-{i:02d}"
        if candidate not in taken:
            return candidate
    raise ValueError(f"keine freie Ergänzungsnummer zu {bezug}")
