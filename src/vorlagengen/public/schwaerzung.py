"""Schwärzung: personal data an author marks in a text field, ``[Max Mustermann]{.geschwaerzt}``.

The mark is a pandoc bracketed span with exactly one class. This module knows its one written form
(``SPAN``) and nothing else of the project: the public projection replaces every marked text with
the fixed placeholder ``[geschwärzt]{.geschwaerzt}`` (the text is gone, not hidden), ``validate``
refuses any other spelling of the class (so no mark can slip past the projection) and terms of a
record's ``schwaerzen:`` list that remain unmarked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

KLASSE = "geschwaerzt"
PLATZHALTER = "geschwärzt"
SPAN = re.compile(r"\[((?:[^\[\]\\]|\\.)*)\]\{[ \t]*\.geschwaerzt[ \t]*\}")
ERSATZ = "[" + PLATZHALTER + "]{." + KLASSE + "}"
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)

# Fields of a Drucksache that hold ids, numbers, dates or choices, never free text: Schwärzung does
# not apply there. Every other string field (including any added later) is free text.
STRUKTUR = frozenset({
    "nummer", "datum", "koerperschaft", "art", "status", "federfuehrend", "beteiligt", "bearbeiter",
    "verfasser", "initiator", "dezernent", "bezug", "gremium", "datei", "person", "zusatz",
    "zustaendigkeit", "ergebnis", "rechnung", "schwaerzen",
})


_SPAN_SRC = r"\[(?:[^\[\]\\]|\\.)*\]\{[ \t]*\.geschwaerzt[ \t]*\}"
# A link or image whose text holds a marked span, with its address: ``[text](ziel)``, ``[text][ref]``,
# ``[text]`` followed by nothing is no link. The address goes with the marked text.
LINK_MIT_SPAN = re.compile(
    r"(!?)\[((?:[^\[\]\\]|\\.|" + _SPAN_SRC + r")*" + _SPAN_SRC + r"(?:[^\[\]\\]|\\.|" + _SPAN_SRC + r")*)\]"
    r"(\((?:[^()\\]|\\.|\([^()]*\))*\)|\[(?:[^\[\]\\]|\\.)*\])")


def _ohne_adresse(m: re.Match[str]) -> str:
    """A link holding a Schwärzung becomes its text without an address; such an image becomes the
    placeholder (its picture may show what was redacted)."""
    return ERSATZ if m.group(1) else m.group(2)


def schwaerzen(text: str, begriffe: Sequence[str] = ()) -> str:
    """``text`` with every marked span and every occurrence of ``begriffe`` (any case) replaced by
    the placeholder span; a link or image holding a marked span loses its address."""
    if KLASSE in text:  # both patterns need the class spelled out: most texts have no mark at all
        text = LINK_MIT_SPAN.sub(_ohne_adresse, text)
        text = SPAN.sub(lambda _m: ERSATZ, text)
    for begriff in sorted((b for b in begriffe if b.strip()), key=len, reverse=True):
        text = re.sub(re.escape(begriff), lambda _m: ERSATZ, text, flags=re.IGNORECASE)
    return text


def klartext(text: str) -> str:
    """A one-line form for metadata, bookmarks and attributes: ``[Max]{.geschwaerzt}`` → ``[Max]``.

    In the public projection the content is already the placeholder, so this gives „[geschwärzt]“."""
    return SPAN.sub(lambda m: "[" + _ESCAPE.sub(r"\1", m.group(1)) + "]", text)


def teile(text: str) -> Iterator[tuple[bool, str]]:
    """Split into (is_marked, text) pieces; marked pieces carry the unescaped content."""
    pos = 0
    for m in SPAN.finditer(text):
        if m.start() > pos:
            yield False, text[pos:m.start()]
        yield True, _ESCAPE.sub(r"\1", m.group(1))
        pos = m.end()
    if pos < len(text):
        yield False, text[pos:]


def unerkannt(text: str) -> bool:
    """Whether the text names the class outside the one recognised form (``{.geschwaerzt #id}``,
    ``{class="geschwaerzt"}`` …): such a mark would look right in pandoc but escape the projection."""
    return KLASSE in SPAN.sub("", text).lower()


def unmarkiert(text: str, begriffe: Sequence[str]) -> list[str]:
    """The terms that occur in ``text`` outside a marked span."""
    rest = SPAN.sub("", text).lower()
    return [b for b in begriffe if b.strip() and b.lower() in rest]


def texte(data: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(place, text) of every free-text string in a dumped record (``model_dump()``)."""
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in STRUKTUR:
                yield from texte(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from texte(value, (*loc, i))


def ersetze_texte(data: Any, fn: Callable[[str], str]) -> Any:
    """A copy of a dumped record with ``fn`` applied to every free-text string."""
    if isinstance(data, str):
        return fn(data)
    if isinstance(data, dict):
        return {k: (v if k in STRUKTUR else ersetze_texte(v, fn)) for k, v in data.items()}
    if isinstance(data, list):
        return [ersetze_texte(v, fn) for v in data]
    return data
