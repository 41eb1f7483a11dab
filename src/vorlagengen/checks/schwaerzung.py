"""Schwärzungen in a record: only the one recognised mark, and the terms of ``schwaerzen`` occur and,
in a public Drucksache, are marked wherever they occur. Messages name a term by its place in the
list, never by itself: a validation log may be public (CI)."""

from __future__ import annotations

from ..model import Vorlage
from ..records import Loc
from ..schwaerzung import KLASSE, texte, unerkannt, unmarkiert

UNERKANNT = ("Schwärzung nicht erkannt: bitte genau [Text]{.geschwaerzt} schreiben, ohne weitere Angaben in "
             "den geschweiften Klammern")


def check_schwaerzung(v: Vorlage, source: str | None = None) -> list[tuple[Loc, str]]:
    """``source`` is the YAML text the record was read from, when known: a record without terms
    whose text cannot spell the mark has nothing to check."""
    if source is not None and not v.schwaerzen and _cannot_spell_mark(source):
        return []
    out: list[tuple[Loc, str]] = []
    found = list(texte(v.model_dump()))
    out += [(loc, UNERKANNT) for loc, text in found if unerkannt(text)]
    everything = "\n".join(text for _, text in found).lower()
    for i, term in enumerate(v.schwaerzen):
        if term.lower() not in everything:
            out.append((("schwaerzen", i), f"Eintrag {i + 1} der Liste kommt in keinem Text der Drucksache vor"))
    if v.oeffentlich:
        for loc, text in found:
            for term in unmarkiert(text, v.schwaerzen):
                n = v.schwaerzen.index(term) + 1
                out.append((loc, f"Eintrag {n} von „schwaerzen“ steht hier ungeschwärzt; bitte als "
                                 + "[Text]{.geschwaerzt} markieren"))
    return out


def _cannot_spell_mark(source: str) -> bool:
    """No value read from this YAML text can contain the mark's class: the word is not in the text,
    and without a backslash no escape can spell it (folding only ever joins lines with a space)."""
    return "\\" not in source and KLASSE not in source.lower()
