"""TOP numbers: how a Körperschaft numbers the items of a Tagesordnung, and the checks of own numbers.

Pure: no files, no YAML. The input is a tree of items (own number or none, inserted or not,
sub-items) for the public and the non-public part; the output is the number of every item and
the problems found in own numbers (duplicates, order, a sub-item that does not belong to its
parent).

A number is read as an optional part mark (``Ö``, ``N``, ``A`` …), levels (``6.1``) and an optional
letter (``10a``, ``5 a)``): "Ö 4.2", "1.", "6.1.", "05 a", "B03 b", "TOP 5 a)". An own number is
printed as written (without a leading "TOP", which the documents add themselves); the next
automatic number follows it: after "10a" comes "11", under "1." come "1.1", "1.2" …
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Path = tuple[str | int, ...]


class Profil(BaseModel):
    """Wie die Körperschaft die Punkte ihrer Tagesordnungen nummeriert."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    zaehlung: Literal["je_teil", "fortlaufend"] = Field(
        "je_teil", description="je_teil: öffentlicher und nichtöffentlicher Teil beginnen bei 1 (Ö 1 … N 1); "
        "fortlaufend: der nichtöffentliche Teil zählt weiter")
    kennung_oeffentlich: str = Field("Ö", description="Kennung vor den Nummern des öffentlichen Teils, z. B. Ö, A "
                                     "oder leer")
    kennung_nichtoeffentlich: str = Field("N", description="Kennung vor den Nummern des nichtöffentlichen Teils, "
                                          "z. B. N, B oder leer")
    stellen: int = Field(1, ge=1, le=3, description="Mindeststellen der ersten Ebene (2: 01, 02 …)")
    schlusspunkt: Literal["keiner", "alle", "erste_ebene"] = Field(
        "keiner", description="Punkt hinter der Nummer: keiner (1, 1.1), alle (1., 1.1.), erste_ebene (1., 1.1)")
    nachtraege: Literal["fortlaufend", "buchstabe"] = Field(
        "fortlaufend", description="nachgetragene Punkte ohne eigene Nummer: fortlaufend (nächste Nummer) oder "
        "buchstabe (hinter dem vorigen Punkt: 5a, 5b)")
    praefix: str = Field("TOP", description="Wort vor der Nummer in Überschriften, Lesezeichen und Inhalt "
                         "(„TOP Ö 1“); leer für keins")


@dataclass
class Punkt:
    """One item as the numbering sees it."""

    eigene: str | None = None
    eingeschoben: bool = False
    unterpunkte: list[Punkt] = field(default_factory=list)


@dataclass
class Nummer:
    """An item's number: as printed, and as read (None when an own number cannot be read)."""

    text: str
    kennung: str = ""
    stufen: tuple[int, ...] = ()
    buchstabe: str = ""
    unterpunkte: list[Nummer] = field(default_factory=list)

    @property
    def lesbar(self) -> bool:
        return bool(self.stufen)

    def sortierung(self) -> tuple[tuple[int, ...], str]:
        return self.stufen, self.buchstabe


def ohne_praefix(text: str, praefix: str) -> str:
    """„TOP 5 a)“ → „5 a)“ when the documents print the prefix themselves."""
    text = " ".join(text.split())
    if praefix and text.lower().startswith(praefix.lower()):
        rest = text[len(praefix):]
        if rest[:1] in (" ", ":", "") or rest[:1].isdigit():
            return rest.lstrip(" :")
    return text


def _muster(profil: Profil) -> re.Pattern[str]:
    return _muster_mit(profil.kennung_oeffentlich, profil.kennung_nichtoeffentlich)


@functools.lru_cache(maxsize=64)
def _muster_mit(oeffentlich: str, nichtoeffentlich: str) -> re.Pattern[str]:
    """The pattern of an own number with these Kennungen (made once: a Sitzung reads one per TOP)."""
    marks = {m for m in ("Ö", "N", "A", "B", oeffentlich, nichtoeffentlich) if m}
    alt = "|".join(re.escape(m) for m in sorted(marks, key=len, reverse=True))
    return re.compile(rf"^(?:({alt})\s*)?(\d+(?:\.\d+)*)\.?(?:\s*([a-z])\)?)?$")


def lies(text: str, profil: Profil) -> Nummer:
    """An own number as printed and as read."""
    shown = ohne_praefix(text, profil.praefix)
    m = _muster(profil).match(shown)
    if not m:
        return Nummer(shown)
    return Nummer(shown, m.group(1) or "", tuple(int(s) for s in m.group(2).split(".")), m.group(3) or "")


def schreibe(kennung: str, stufen: tuple[int, ...], buchstabe: str, profil: Profil) -> str:
    """An automatic number in the Körperschaft's form: „Ö 4.2“, „01“, „6.1.“, „10a“."""
    teile = [f"{stufen[0]:0{profil.stellen}d}", *(str(s) for s in stufen[1:])]
    nr = ".".join(teile) + buchstabe
    if profil.schlusspunkt == "alle" or (profil.schlusspunkt == "erste_ebene" and len(stufen) == 1):
        nr += "."
    return f"{kennung} {nr}" if kennung else nr


def _naechster_buchstabe(b: str) -> str:
    return "a" if not b else chr(min(ord(b) + 1, ord("z")))


@dataclass
class _Lauf:
    """State while numbering: what was seen where (for duplicates) and the problems found."""

    profil: Profil
    gesehen: dict[tuple[object, ...], Path] = field(default_factory=dict)
    probleme: list[tuple[Path, str]] = field(default_factory=list)

    def melde(self, pfad: Path, text: str) -> None:
        self.probleme.append(((*pfad, "nummer"), text))


def _pfad_text(pfad: Path) -> str:
    """Where an item is, as the messages name fields (positions count from 1)."""
    out = "tagesordnung"
    for p in pfad:
        out += f"[{p + 1}]" if isinstance(p, int) else f".{p}"
    return out


def _ebene(lauf: _Lauf, punkte: Sequence[Punkt], pfad: Path, raum: str, kennung: str,
           eltern: Nummer | None, start: int) -> list[Nummer]:
    """Number one list of siblings; ``eltern`` is the parent's number (None at the top)."""
    out: list[Nummer] = []
    vorher: Nummer | None = None
    basis = eltern.stufen if eltern is not None and eltern.lesbar else ()
    for i, punkt in enumerate(punkte):
        hier = (*pfad, i)
        if punkt.eigene is not None:
            nr = lies(punkt.eigene, lauf.profil)
            if nr.lesbar and basis and _kurzform(nr.stufen, basis):
                nr.stufen = (*basis, nr.stufen[-1])  # "7" under "12" means 12.7, "4.11" under "16.1.4" 16.1.4.11
            _pruefe_eigene(lauf, nr, vorher, eltern, hier, raum)
        else:
            nr = _automatisch(lauf.profil, punkt, vorher, eltern, basis, kennung, start, i + 1)
        if nr.lesbar or punkt.eigene is not None:
            schluessel = (raum, nr.stufen, nr.buchstabe) if nr.lesbar else (raum, nr.text)
            if schluessel in lauf.gesehen and punkt.eigene is not None:
                lauf.melde(hier, f"TOP-Nummer „{nr.text}“ kommt doppelt vor (auch bei "
                                 f"{_pfad_text(lauf.gesehen[schluessel])})")
            lauf.gesehen.setdefault(schluessel, hier)
        unter_kennung = nr.kennung if nr.lesbar else kennung  # sub-items carry their parent's mark
        nr.unterpunkte = _ebene(lauf, punkt.unterpunkte, (*hier, "unterpunkte"), raum, unter_kennung, nr, 1)
        out.append(nr)
        if nr.lesbar:
            vorher = nr
    return out


def _automatisch(profil: Profil, punkt: Punkt, vorher: Nummer | None, eltern: Nummer | None,
                 basis: tuple[int, ...], kennung: str, start: int, position: int) -> Nummer:
    """The next number: after the previous sibling (a letter for an inserted item when the body
    says so), below the parent as the parent is printed („2.“ → „2.1“, „Ö 4“ → „Ö 4.1“)."""
    punkt_dahinter = profil.schlusspunkt == "alle" or (profil.schlusspunkt == "erste_ebene" and eltern is None)
    if punkt.eingeschoben and profil.nachtraege == "buchstabe" and vorher is not None:
        buchstabe = _naechster_buchstabe(vorher.buchstabe)
        text = _STAMM.sub("", vorher.text) + buchstabe + ("." if punkt_dahinter else "")
        return Nummer(text, kennung, vorher.stufen, buchstabe)
    if eltern is None:
        stufen = ((vorher.stufen[-1] + 1) if vorher is not None else start,)
        return Nummer(schreibe(kennung, stufen, "", profil), kennung, stufen, "")
    n = (vorher.stufen[-1] + 1) if vorher is not None else 1
    if not eltern.lesbar:  # under an unreadable own number: „II.1“, „II.2“
        n = position
    # after an own number that skips a level (16.1.4.11 under 16.1) count on at its level: 16.1.4.12
    zwischen: tuple[int, ...] = vorher.stufen[len(basis):-1] if vorher is not None and eltern.lesbar else ()
    unter = (*basis, *zwischen, n)
    text = ".".join([eltern.text.rstrip("."), *map(str, zwischen), str(n)]) + ("." if punkt_dahinter else "")
    return Nummer(text, kennung, unter if eltern.lesbar else (), "")


def _kurzform(stufen: tuple[int, ...], basis: tuple[int, ...]) -> bool:
    """Whether an own number under a parent is written short, leaving out the parent's leading levels:
    „7“ under „12“, „4.11“ under „16.1.4“. The levels given must be the parent's last ones, so „16.21“
    under „16.2“ is no short form (it would silently become 16.2.21): it is checked as written."""
    vorne = stufen[:-1]
    return len(stufen) <= len(basis) and basis[len(basis) - len(vorne):] == vorne


_STAMM = re.compile(r"\s*[a-z]?\)?\.?$")


def _pruefe_eigene(lauf: _Lauf, nr: Nummer, vorher: Nummer | None, eltern: Nummer | None, hier: Path,
                   raum: str) -> None:
    if not nr.lesbar:
        return
    unter_eltern = eltern is not None and eltern.lesbar and len(nr.stufen) > len(eltern.stufen) \
        and nr.stufen[:len(eltern.stufen)] == eltern.stufen  # a level may be skipped: 16.1.4.11 under 16.1
    if eltern is not None and eltern.lesbar and not unter_eltern:
        lauf.melde(hier, f"Unterpunkt „{nr.text}“ passt nicht zu TOP „{eltern.text}“ (erwartet "
                         f"{'.'.join(map(str, eltern.stufen))}.…)")
    elif vorher is not None and nr.sortierung() < vorher.sortierung():  # equal: a duplicate
        lauf.melde(hier, f"TOP-Nummer „{nr.text}“ steht nach „{vorher.text}“: die Nummern der Tagesordnung "
                         "müssen aufsteigen")


def nummeriere(oeffentlich: Sequence[Punkt], nichtoeffentlich: Sequence[Punkt], profil: Profil,
               danach: Sequence[Punkt] = ()) -> tuple[list[Nummer], list[Nummer], list[tuple[Path, str]]]:
    """Numbers for both parts and the problems of own numbers (paths relative to ``tagesordnung``).
    ``danach`` is a public part that resumes after the non-public one (public 1–8, non-public 9–14,
    public 15); its numbers follow the list of public numbers. It counts on after the non-public part
    when both parts count on (fortlaufend), else after the first public part (Ö 9 after Ö 8)."""
    lauf = _Lauf(profil)
    je_teil = profil.zaehlung == "je_teil"
    oe = _ebene(lauf, oeffentlich, ("oeffentlich",), "oe" if je_teil else "", profil.kennung_oeffentlich, None, 1)
    noe = _ebene(lauf, nichtoeffentlich, ("nichtoeffentlich",), "noe" if je_teil else "",
                 profil.kennung_nichtoeffentlich, None, 1 if je_teil else _weiter(oe))
    if not je_teil:
        _pruefe_uebergang(lauf, oe, noe, nichtoeffentlich, "nichtoeffentlich")
    if danach:
        vorne = oe if je_teil else [*oe, *noe]
        wieder = _ebene(lauf, danach, ("oeffentlich_danach",), "oe" if je_teil else "", profil.kennung_oeffentlich,
                        None, _weiter(vorne))
        _pruefe_uebergang(lauf, vorne, wieder, danach, "oeffentlich_danach")
        oe = [*oe, *wieder]
    return oe, noe, lauf.probleme


def _weiter(vorne: list[Nummer]) -> int:
    letzte = [n for n in vorne if n.lesbar]
    return letzte[-1].stufen[0] + 1 if letzte else 1


def _pruefe_uebergang(lauf: _Lauf, vorne: list[Nummer], hinten: list[Nummer], punkte: Sequence[Punkt],
                      teil: str) -> None:
    """Counting on into a later part: its first own number must follow the numbers before it."""
    letzte = [n for n in vorne if n.lesbar]
    if not letzte or not hinten or punkte[0].eigene is None or not hinten[0].lesbar:
        return
    if hinten[0].sortierung() <= letzte[-1].sortierung():
        lauf.melde((teil, 0), f"TOP-Nummer „{hinten[0].text}“ steht nach „{letzte[-1].text}“: die "
                              "Nummern zählen über die Teile fort und müssen aufsteigen")
