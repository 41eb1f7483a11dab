"""The words of one Drucksache in one layout: the layout's word files (``woerter.yaml`` in ``_base``
and the layout's folder, the project's before the packaged) merged with the Körperschaft's profile
(see vorlagengen/woerter.py for the order)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from vorlagengen.documents.layouts import Layout
from vorlagengen.documents.markdown import inline
from vorlagengen.model.drucksache import Gremium, Koerperschaft
from vorlagengen.model.woerter import FILENAME, SCHLUESSEL, Tafel, fill, read_tafel, split


@lru_cache(maxsize=64)
def _tafel(path: Path, mtime_ns: int) -> Tafel:
    return read_tafel(path)


def tafeln(layout: Layout) -> list[Tafel]:
    """The layout's word files, least specific first."""
    out = []
    for folder in reversed(layout.search_path):
        path = folder / FILENAME
        if path.is_file():
            out.append(_tafel(path, path.stat().st_mtime_ns))
    return out


def profile_words(k: Koerperschaft, art: str) -> tuple[dict[str, str], dict[str, str]]:
    """(words for every Art, words for ``art``) of a Körperschaft's profile; the older keys
    (bezeichnungen, ueberschriften, titelwort, titel) count as words."""
    p = k.profil
    # the sentences the profile named before the word table (oeffentlichkeit, niederschrift)
    general: dict[str, str] = {key: getattr(part, key) for part in (k.oeffentlichkeit, k.niederschrift)
                               for key in sorted(part.model_fields_set & set(OLDER_WORDS))
                               if getattr(part, key) is not None}
    if p is None:
        return general, {}
    general.update((str(key), word) for key, word in p.bezeichnungen.items())
    general.update((str(key), word) for key, word in p.ueberschriften.items())
    if p.titelwort:
        general["titel"] = p.titelwort
    general.update(p.woerter)
    per_art: dict[str, str] = {}
    if art in p.titel:
        per_art["titel"] = p.titel[art]
    per_art.update(p.woerter_je_art.get(art, {}))  # type: ignore[call-overload]
    return general, per_art


OLDER_WORDS = ("vermerk", "nichtoeffentlicher_teil", "feststellung", "feststellung_nicht_beschlussfaehig")


def table(layout: Layout, k: Koerperschaft, art: str) -> dict[str, str]:
    """Every key's word for a Drucksache of ``art`` of ``k`` in ``layout``."""
    files = tafeln(layout)
    out: dict[str, str] = {}
    for t in files:
        out.update(t.alle)
    for t in files:
        out.update(t.arten.get(art, {}))
    general, per_art = profile_words(k, art)
    # a title that shows the Art keeps the Körperschaft's own word for this Art (art_bezeichnung)
    # against a title word for every Art (titelwort)
    if "{art}" in out.get("titel", "") and art in k.art_bezeichnung:
        general.pop("titel", None)
    out.update(general)
    out.update(per_art)
    return out


class Woerter:
    """``w("key", n=2)`` in a template: the word, with its values filled in."""

    def __init__(self, words: dict[str, str], values: dict[str, Any]):
        self._words = words
        self._values = values

    def __call__(self, key: str, **values: Any) -> str:
        if key not in SCHLUESSEL:
            raise KeyError(f"unbekannter Wortschlüssel „{key}“")
        return fill(self._words.get(key, ""), {**self._values, **values})

    def __contains__(self, key: str) -> bool:
        return bool(self._words.get(key))

    def __repr__(self) -> str:  # what it shows: part of a document's fingerprint
        return f"Woerter({sorted(self._words.items())!r}, {sorted(self._values.items())!r})"

    def md(self, key: str, **values: Any) -> Markup:
        """The word as Markdown for a sentence: every sign escaped as ``|inline`` does, the values
        too, but a word's own „**…**“ sets bold."""
        if key not in SCHLUESSEL:
            raise KeyError(f"unbekannter Wortschlüssel „{key}“")
        values = {**self._values, **values}
        out = []
        for i, part in enumerate(split(self._words.get(key, ""))):
            if i % 2:  # a value: escaped, never markup
                out.append(str(inline(values.get(part, "{" + part + "}"))))
            elif part.strip():
                lead = " " if part[0].isspace() else ""
                trail = " " if part[-1].isspace() else ""
                out.append(lead + str(inline(part)).replace(r"\*\*", "**") + trail)
            else:
                out.append(" " if part else "")
        return Markup("".join(out))

    def liste(self, key: str) -> list[str]:
        """A word that names several, separated by spaces (the Wochentage)."""
        return self(key).split()

    def person(self, p: Any) -> str:
        """A person (documents/context.py's PersonInfo) as the word „person“ names them
        („{anrede} {name}“ → „Frau Anna Ott“); a part the person lacks leaves no gap; an empty
        word: the name."""
        word = self("person", name=p.name, anrede=p.anrede, titel=p.titel, vorname=p.vorname, nachname=p.nachname)
        return " ".join(word.split()) or str(p.name)

    def namen(self, people: list[Any]) -> str:
        """People in German list form: „A“, „A und B“, „A, B und C“ (the word „und“)."""
        names = [self.person(p) for p in people]
        if len(names) < 2:
            return "".join(names)
        und = self("und")
        return ", ".join(names[:-1]) + (f" {und} " if und else ", ") + names[-1]


def woerter_for(layout: Layout, ctx: Any) -> Woerter:
    """The word function of a Drucksache's context (render/context.py's Context)."""
    words = table(layout, ctx.koerperschaft, ctx.art_roh)
    values: dict[str, Any] = {"art": ctx.art, "nummer": ctx.nummer, "koerperschaft": ctx.koerperschaft.name,
                              "initiator": ctx.initiator_genitiv}
    values["titel"] = fill(words.get("titel", ""), values)
    return Woerter(words, values)


def gremium_genitiv(w: Woerter, g: Gremium) -> str:
    """„des Jugendhilfeausschusses“ as data/gremien.yaml gives it, else the word ``gremium_genitiv``."""
    return g.genitiv or w("gremium_genitiv", name=g.name)


def sitzung_woerter(layout: Layout, k: Koerperschaft, g: Gremium | None = None) -> Woerter:
    """The word function of a Sitzung's documents (no Art): the layout's words and the profile's;
    with ``g`` its sentences' {gremium} is that Gremium in the genitive and {name} its name."""
    words = table(layout, k, "")
    w = Woerter(words, {"koerperschaft": k.name})
    if g is not None:
        w = Woerter(words, {"koerperschaft": k.name, "name": g.name, "gremium": gremium_genitiv(w, g)})
    return w


def page_words(w: Woerter) -> dict[str, str]:
    """typst's inputs for the words around the two page numbers (``seite_von`` in three parts) and
    the draft stamp."""
    seite = [*w("seite_von", seite="\x00", seiten="\x00").split("\x00"), "", "", ""]
    return {"seite_a": seite[0], "seite_b": seite[1], "seite_c": seite[2], "entwurf_stempel": w("entwurf_stempel")}


def vorgabe_woerter() -> Woerter:
    """The packaged default words as a word function: for the website, which has no layout."""
    return Woerter(dict(read_tafel(Path(__file__).resolve().parents[1] / "templates" / "_base" / FILENAME).alle), {})
