"""The words of one Drucksache in one layout: the layout's word files (``woerter.yaml`` in ``_base``
and the layout's folder, the project's before the packaged) merged with the Körperschaft's profile
(see vorlagengen/woerter.py for the order)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from vorlagengen.documents.layouts import Layout
from vorlagengen.model.drucksache import Koerperschaft
from vorlagengen.model.woerter import FILENAME, SCHLUESSEL, Tafel, fill, read_tafel


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
    if p is None:
        return {}, {}
    general: dict[str, str] = {str(key): word for key, word in p.bezeichnungen.items()}
    general.update((str(key), word) for key, word in p.ueberschriften.items())
    if p.titelwort:
        general["titel"] = p.titelwort
    general.update(p.woerter)
    per_art: dict[str, str] = {}
    if art in p.titel:
        per_art["titel"] = p.titel[art]
    per_art.update(p.woerter_je_art.get(art, {}))  # type: ignore[call-overload]
    return general, per_art


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
