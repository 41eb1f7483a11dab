"""Typography of an author's text, done once before pandoc so that PDF and DOCX show the same
characters (README: Anführungszeichen und Leerzeichen).

Quotes follow German rules: a straight ``"`` becomes „ or “, a straight ``'`` inside double quotes
(or around a word) ‚ or ‘; a quote inside a quote takes the other kind, whichever way the outer one
was typed („Der "neue" Weg“ → „Der ‚neue‘ Weg“). An apostrophe between letters becomes ’, a straight
mark after a digit that closes no quote a prime (5'3" → 5′3″). Curly quotes stay as typed.
Nothing else changes: no character and no space is added or lost, only the quote characters are
replaced, and a space that must not break is made a no-break space: between an amount and its
unit (12.345,67 €), after „Nr.“, „§“ and the like before a number, inside a date
(1. Februar 2020).
"""

from __future__ import annotations

import re

_OPEN_BEFORE = set(" \t\n\u00a0([{/–—-\u2002\u2003\u2009") | {"„", "‚", "«", "»"}
_DIGITS = set("0123456789")


def _is_open_position(text: str, i: int) -> bool:
    """A quote at ``i`` opens when it stands at the start or after a space, bracket or dash and
    is followed by something that is not a space."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before in _OPEN_BEFORE and not after.isspace()


def quotes(text: str) -> str:
    """``text`` with straight quotes set German (see module doc); same length, same spaces."""
    if '"' not in text and "'" not in text and "„" not in text and "‚" not in text:
        return text
    out = list(text)
    stack: list[str] = []  # open quotes, innermost last: "d" double, "s" single
    for i, ch in enumerate(text):
        if ch in "„":
            stack.append("d")
        elif ch == "‚":
            stack.append("s")
        elif ch == "“" and "d" in stack:
            _close(stack, "d")
        elif ch == "‘" and "s" in stack:
            _close(stack, "s")
        elif ch == '"':
            out[i] = _double(text, i, stack)
        elif ch == "'":
            out[i] = _single(text, i, stack)
    return "".join(out)


def _close(stack: list[str], kind: str) -> None:
    while stack:
        if stack.pop() == kind:
            return


def _double(text: str, i: int, stack: list[str]) -> str:
    before = text[i - 1] if i > 0 else " "
    if before == "\\":
        return '"'  # escaped in Markdown: the author wants the straight mark
    inner = "s" if stack and stack[-1] == "d" else "d"  # a quote inside a double quote is single
    if _is_open_position(text, i):
        stack.append(inner)
        return "„" if inner == "d" else "‚"
    if stack:
        kind = stack.pop()
        return "“" if kind == "d" else "‘"
    return "″" if before in _DIGITS else '"'


def _single(text: str, i: int, stack: list[str]) -> str:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before == "\\":
        return "'"
    if before.isalpha() and after.isalpha():
        return "’"  # It's, Peter's
    if _is_open_position(text, i):
        stack.append("s")
        return "‚"
    if stack and stack[-1] == "s":
        stack.pop()
        return "‘"
    if before in _DIGITS:
        return "′"  # 5'3
    return "’"  # Hans' Haus, ’s


_UNITS = (r"€|EUR|Euro|T€|TEUR|Mio\.|Mrd\.|%|‰|m²|m³|qm|km²|km|cm|mm|ha|kg|t|m|h|Std\.|Min\.|Tsd\.|Prozent|Stück|"
          r"Jahre|Jahren|Monate|Monaten|Tage|Tagen|Wochen|Plätze|Stellen|Personen|Einwohner")
_MONTHS = r"Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
_NB = "\u00a0"
_JOINS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(\d) (" + _UNITS + r")(?![\wäöüÄÖÜß])"), r"\1" + _NB + r"\2"),  # 12.345,67 €, 3 Jahre
    (re.compile(r"(€|EUR) (\d)"), r"\1" + _NB + r"\2"),  # € 12
    (re.compile(r"(?<![\wäöüÄÖÜß])(Nr\.|Nrn\.|Art\.|Abs\.|Ziff\.|Bd\.|S\.|Drs\.|Az\.|§|§§) (\d)"),
     r"\1" + _NB + r"\2"),
    (re.compile(r"(\S )(\d{1,2}\.) (" + _MONTHS + r")\b"), r"\1\2" + _NB + r"\3"),  # 1. Februar, not at a line's start
    (re.compile(r"\b(" + _MONTHS + r") (\d{4})\b"), r"\1" + _NB + r"\2"),  # Februar 2020
]


def joins(text: str) -> str:
    """Spaces that must not break made no-break spaces (same length, nothing else changes)."""
    for pattern, repl in _JOINS:
        text = pattern.sub(repl, text)
    return text


def setze(text: str) -> str:
    """One line or a plain text: quotes and no-break joins."""
    return joins(quotes(text))


# the target (and title) of a Markdown link or image: syntax, not text
_LINK_TARGET = re.compile(r"\]\([^)\n]*\)")


def setze_markdown(text: str, code: list[tuple[bool, str]]) -> str:
    """An author's Markdown, given as (is code, part): text parts set, code and link targets as typed."""
    out = []
    for is_code, part in code:
        if is_code:
            out.append(part)
            continue
        pos = 0
        for m in _LINK_TARGET.finditer(part):
            out.append(setze(part[pos:m.start()]))
            out.append(m.group(0))
            pos = m.end()
        out.append(setze(part[pos:]))
    return "".join(out)
