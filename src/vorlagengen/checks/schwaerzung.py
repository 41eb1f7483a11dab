"""Schwärzungen in a record: only the one recognised mark, and the terms of ``schwaerzen`` occur and,
in a public Drucksache, are marked wherever a reader would see them: in the text as it reads once
Markdown, entities, escapes and emphasis are resolved (``lesetext.sichtbar``), and in every link and
image address. Messages name a term by its place in the list, never by itself: a validation log may
be public (CI)."""

from __future__ import annotations

from vorlagengen.model.drucksache import Vorlage
from vorlagengen.model.records import Loc
from vorlagengen.public.schwaerzung import KLASSE, schwaerzen, texte, unerkannt
from vorlagengen.text.lesetext import norm, sichtbar

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
    if not v.schwaerzen:
        return out
    everything = "\n".join(text for _, text in found).lower()
    gesehen = [(loc, sichtbar(text)) for loc, text in found]
    alles = norm("\n".join(s.text + "\n" + "\n".join(s.adressen) for _, s in gesehen))
    for i, term in enumerate(v.schwaerzen):
        if term.lower() not in everything and norm(term) not in alles:
            out.append((("schwaerzen", i), f"Eintrag {i + 1} der Liste kommt in keinem Text der Drucksache vor"))
    if v.oeffentlich:
        for loc, text in found:
            out += [(loc, message) for message in ungeschwaerzt(text, v.schwaerzen)]
    return out


def ungeschwaerzt(text: str, begriffe: list[str]) -> list[str]:
    """A message for each term a reader of the public form could still read in ``text``: in its
    visible text or in a link address, after the marked spans (and links holding one) are gone."""
    if not any(b.strip() for b in begriffe):
        return []
    gesehen = sichtbar(schwaerzen(text))
    lesbar, adressen = norm(gesehen.text), norm("\n".join(gesehen.adressen))
    out = []
    for n, term in enumerate(begriffe, start=1):
        t = norm(term)
        if not t:
            continue
        if t in lesbar:
            out.append(f"Eintrag {n} von „schwaerzen“ steht hier ungeschwärzt; bitte als [Text]{{.geschwaerzt}} "
                       "markieren")
        elif t in adressen:
            out.append(f"Eintrag {n} von „schwaerzen“ steht hier in einer Link- oder Bildadresse; bitte die "
                       "Adresse entfernen (eine Schwärzung im Linktext entfernt auch die Adresse)")
    return out


def _cannot_spell_mark(source: str) -> bool:
    """No value read from this YAML text can contain the mark's class: the word is not in the text,
    and without a backslash no escape can spell it (folding only ever joins lines with a space)."""
    return "\\" not in source and KLASSE not in source.lower()
