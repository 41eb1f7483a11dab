"""Sitzungen: the record of a meeting with its Tagesordnung, TOP numbering, and the checks that tie
Sitzungen and Drucksachen together (Beratungsfolge, öffentlich/nichtöffentlich, Ladungsfrist,
Entwürfe)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .errors import Problem
from .messages import field_path, suggest
from .model import Datum, Id, JaNein, Text
from .topnummern import Nummer, Punkt, nummeriere
from .topnummern import Profil as TopProfil
from .yamlio import YamlProblem, load_mapping, locate

if TYPE_CHECKING:
    from .project import Record, RefData

SITZUNG_DIR = "sitzungen"
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _time(value: Any) -> Any:
    """``17:30`` or ``17.30``; YAML 1.2 leaves 17:30 as text."""
    if isinstance(value, int):  # YAML 1.1 sexagesimal would make 17:30 → 1050
        raise ValueError("Uhrzeit bitte in Anführungszeichen, z. B. \"17:30\"")
    if isinstance(value, str):
        m = _TIME.match(value.strip())
        if not m:
            raise ValueError(f"ungültige Uhrzeit „{value}“ (erwartet HH:MM, z. B. 17:30)")
        return f"{int(m.group(1)):02d}:{m.group(2)}"
    return value


Uhrzeit = Annotated[str, BeforeValidator(_time)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Top(_Strict):
    """Ein Tagesordnungspunkt: eine Drucksache oder ein eigener Punkt (Eröffnung, Mitteilungen …)."""

    titel: Text | None = Field(None, description="Titel; bei einer Drucksache ihr Betreff, wenn leer")
    drucksache: Text | None = Field(None, description="Drucksachen-Nr., die unter diesem TOP beraten wird")
    dazu: list[Text] = Field(default_factory=list, description="weitere Drucksachen zu diesem TOP („dazu: "
                             "Ergänzungsvorlage, Auszüge …“), in dieser Reihenfolge in der Mappe")
    nummer: Text | None = Field(None, description="eigene TOP-Nummer, z. B. „12.7“, „10a“, „1.“ (sonst automatisch "
                                "nach dem Schema der Körperschaft)")
    hinweis: Text | None = Field(None, description="Hinweis zum Punkt, z. B. „Genehmigung einer "
                                 "Dringlichkeitsentscheidung“; steht in Tagesordnung und Mappe")
    nachtrag: Literal["Nachtrag", "Tischvorlage"] | None = Field(
        None, description="nach der Einladung hinzugekommen: Nachtrag oder Tischvorlage")
    abgesetzt: JaNein = Field(False, description="abgesetzt: bleibt als abgesetzt in der Tagesordnung, fehlt in "
                            "der Mappe")
    unterpunkte: list[Top] = Field(default_factory=list, description="Unterpunkte (12.1, 12.2 …)")


class Tagesordnung(_Strict):
    oeffentlich: list[Top] = Field(default_factory=list, description="öffentlicher Teil")
    nichtoeffentlich: list[Top] = Field(default_factory=list, description="nichtöffentlicher Teil")


ANLASS = Literal["ordentliche Sitzung", "außerordentliche Sitzung", "Sondersitzung", "konstituierende Sitzung"]
SITZUNGSSTATUS = Literal["geplant", "einberufen", "abgeschlossen", "abgesagt"]


class Sitzung(_Strict):
    """Eine Sitzung eines Gremiums mit ihrer Tagesordnung."""

    gremium: Id = Field(description="Gremium (Kennung aus data/gremien.yaml)")
    nummer: Text = Field(description="Sitzungsnummer, z. B. „JHA/19/7“")
    bezeichnung: Text | None = Field(None, description="Bezeichnung, z. B. „25. öffentliche Sitzung“")
    anlass: ANLASS = Field("ordentliche Sitzung", description="ordentliche, außerordentliche, Sonder- oder "
                           "konstituierende Sitzung")
    status: SITZUNGSSTATUS = Field("einberufen", description="geplant, einberufen, abgeschlossen oder abgesagt")
    datum: Datum = Field(description="Sitzungstag")
    beginn: Uhrzeit = Field(description="Beginn, z. B. „17:30“")
    beginn_nichtoeffentlich: Uhrzeit | None = Field(None, description="Beginn des nichtöffentlichen Teils, "
                                                    "wenn er eigens angesetzt ist")
    ende: Uhrzeit | None = Field(None, description="Ende (voraussichtlich oder tatsächlich)")
    ort: Text = Field(description="Ort mit Anschrift")
    raum: str | None = Field(None, description="Sitzungsraum")
    sitzungsleitung: Id | None = Field(None, description="Vorsitz (Kennung aus data/personen.yaml)")
    einladungsdatum: Datum = Field(description="Tag der Einladung (für die Ladungsfrist)")
    dringlichkeit: Text | None = Field(None, description="Grund für eine verkürzte Ladungsfrist (Dringlichkeit); "
                                       "steht in der Einladung, die Ladungsfrist wird dann nicht geprüft")
    nachtragsdatum: Datum | None = Field(None, description="Tag des Nachtrags zur Tagesordnung")
    tagesordnung: Tagesordnung


@dataclass
class TopEntry:
    """A TOP with its number and place, as a tree for templates and checks."""

    nummer: str
    titel: str
    oeffentlich: bool
    ebene: int
    nachtrag: str
    loc: tuple[Any, ...]
    hinweis: str = ""
    abgesetzt: bool = False
    record: Record | None = None
    dazu: list[Record] = field(default_factory=list)
    unterpunkte: list[TopEntry] = field(default_factory=list)

    @property
    def records(self) -> list[Record]:
        """The Drucksachen of this TOP: its own first, then those „dazu“."""
        return ([self.record] if self.record is not None else []) + self.dazu


@dataclass
class SitzungRecord:
    path: Path
    display: str
    sitzung: Sitzung
    tops: list[TopEntry] = field(default_factory=list)
    praefix: str = "TOP"

    @property
    def slug(self) -> str:
        return f"{self.sitzung.gremium}-{self.sitzung.datum.isoformat()}"

    def all_tops(self) -> list[TopEntry]:
        out: list[TopEntry] = []

        def walk(entries: list[TopEntry]) -> None:
            for e in entries:
                out.append(e)
                walk(e.unterpunkte)

        walk(self.tops)
        return out


def _punkte(tops: list[Top]) -> list[Punkt]:
    return [Punkt(t.nummer, t.nachtrag is not None, _punkte(t.unterpunkte)) for t in tops]


def _entries(tops: list[Top], nummern: list[Nummer], loc: tuple[Any, ...], oeffentlich: bool,
             ebene: int = 1) -> list[TopEntry]:
    out = []
    for i, (top, nr) in enumerate(zip(tops, nummern, strict=True)):
        entry = TopEntry(nr.text, top.titel or "", oeffentlich, ebene, top.nachtrag or "", (*loc, i),
                         hinweis=top.hinweis or "", abgesetzt=top.abgesetzt)
        entry.unterpunkte = _entries(top.unterpunkte, nr.unterpunkte, (*loc, i, "unterpunkte"), oeffentlich,
                                     ebene + 1)
        out.append(entry)
    return out


def number_tops(sitzung: Sitzung, profil: TopProfil) -> tuple[list[TopEntry], list[tuple[tuple[Any, ...], str]]]:
    """Number both parts by the Körperschaft's scheme; problems of own numbers with their places."""
    to = sitzung.tagesordnung
    oe, noe, probleme = nummeriere(_punkte(to.oeffentlich), _punkte(to.nichtoeffentlich), profil)
    tops = (_entries(to.oeffentlich, oe, ("tagesordnung", "oeffentlich"), True)
            + _entries(to.nichtoeffentlich, noe, ("tagesordnung", "nichtoeffentlich"), False))
    return tops, [(("tagesordnung", *pfad), text) for pfad, text in probleme]


def discover_sitzungen(root: Path) -> list[Path]:
    folder = root / SITZUNG_DIR
    if not folder.is_dir():
        return []
    return sorted(p.absolute() for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def _top_at(sitzung: Sitzung, loc: tuple[Any, ...]) -> Top:
    node: Any = sitzung.tagesordnung
    for part in loc[1:]:
        node = node[part] if isinstance(part, int) else getattr(node, part)
    return node


def load_sitzungen(root: Path, records: list[Record], ref: RefData, paths: list[Path] | None = None
                   ) -> tuple[list[SitzungRecord], list[Problem]]:
    """Load every Sitzung (or the given files), number the TOPs and check them against the records."""
    from .project import display_path

    problems: list[Problem] = []
    loaded: list[SitzungRecord] = []
    for path in paths if paths is not None else discover_sitzungen(root):
        display = display_path(path)
        try:
            raw = load_mapping(path, display)
            sitzung = Sitzung.model_validate(raw)
        except YamlProblem as exc:
            problems.append(exc.problem)
            continue
        except ValidationError as exc:
            from .project import model_problems

            problems.extend(model_problems(exc, path, display, Sitzung))
            continue
        profil = _profil(sitzung, ref)
        rec = SitzungRecord(path, display, sitzung, praefix=profil.praefix)
        rec.tops, found = number_tops(sitzung, profil)
        found += check_sitzung(rec, records, ref)
        problems.extend(Problem(display, *locate(path, loc), field_path(loc), msg) for loc, msg in found)
        loaded.append(rec)
    problems.extend(check_beratungsfolge_against_sitzungen(loaded, records, ref))
    return loaded, problems


def _profil(sitzung: Sitzung, ref: RefData) -> TopProfil:
    gremium = ref.gremien.get(sitzung.gremium)
    body = ref.koerperschaften.get(gremium.koerperschaft) if gremium is not None else None
    return body.tagesordnung if body is not None else TopProfil()


def _fmt(d: dt.date) -> str:
    return d.strftime("%d.%m.%Y")


Found = list[tuple[tuple[Any, ...], str]]


def check_sitzung(rec: SitzungRecord, records: list[Record], ref: RefData) -> Found:
    s = rec.sitzung
    gremium = ref.gremien.get(s.gremium)
    if gremium is None:
        if ref.unsure("gremien", s.gremium):
            return []  # its entry in data/ is broken and reported there
        return [(("gremium",), f"unbekanntes Gremium „{s.gremium}“ (nicht in data/gremien.yaml)"
                 f"{suggest(s.gremium, ref.gremien)}")]
    out: Found = []
    if s.sitzungsleitung:
        person = ref.personen.get(s.sitzungsleitung)
        if person is None and not ref.unsure("personen", s.sitzungsleitung):
            out.append((("sitzungsleitung",), f"unbekannte Person „{s.sitzungsleitung}“ (nicht in "
                        f"data/personen.yaml){suggest(s.sitzungsleitung, ref.personen)}"))
    body = gremium.koerperschaft
    out += _check_dates(s, ref.koerperschaften[body].ladungsfrist if body in ref.koerperschaften else 0)
    by_nr = {r.vorlage.nummer: r for r in records if r.vorlage.koerperschaft == body}
    seen: dict[str, str] = {}
    for entry in rec.all_tops():
        top = _top_at(s, entry.loc)
        if top.drucksache is None and not top.titel:
            out.append((entry.loc, "TOP braucht einen Titel oder eine Drucksache"))
        numbers = [((*entry.loc, "drucksache"), top.drucksache)] if top.drucksache else []
        numbers += [((*entry.loc, "dazu", j), nr) for j, nr in enumerate(top.dazu)]
        for loc, nr in numbers:
            r = by_nr.get(nr)
            if r is None:
                out.append((loc, f"unbekannte Drucksache „{nr}“ der Körperschaft {body}{suggest(nr, by_nr)}"))
                continue
            if loc[-1] == "drucksache":
                entry.record = r
                entry.titel = top.titel or r.vorlage.betreff
            else:
                entry.dazu.append(r)
            if nr in seen:
                out.append((loc, f"Drucksache {nr} steht zweimal auf der Tagesordnung (auch unter "
                                 f"{rec.praefix + ' ' if rec.praefix else ''}{seen[nr]})"))
            seen[nr] = entry.nummer
            out += [(loc, msg) for msg in _check_drucksache(r, entry, s, gremium.name)]
    return out


def _check_dates(s: Sitzung, frist: int) -> Found:
    out: Found = []
    if s.dringlichkeit is None and (s.datum - s.einladungsdatum).days < frist:
        out.append((("einladungsdatum",), f"Ladungsfrist von {frist} Tagen nicht eingehalten: Einladung am "
                    f"{_fmt(s.einladungsdatum)}, Sitzung am {_fmt(s.datum)} (bei Dringlichkeit den Grund unter "
                    "„dringlichkeit“ angeben)"))
    if s.einladungsdatum > s.datum:
        out.append((("einladungsdatum",), "Einladung liegt nach der Sitzung"))
    if s.nachtragsdatum is not None and not s.einladungsdatum <= s.nachtragsdatum <= s.datum:
        out.append((("nachtragsdatum",), f"Nachtrag am {_fmt(s.nachtragsdatum)} liegt nicht zwischen Einladung "
                    f"({_fmt(s.einladungsdatum)}) und Sitzung ({_fmt(s.datum)})"))
    if s.ende is not None and s.ende <= s.beginn:
        out.append((("ende",), f"Ende {s.ende} Uhr liegt nicht nach dem Beginn {s.beginn} Uhr"))
    if s.beginn_nichtoeffentlich is not None and s.beginn_nichtoeffentlich < s.beginn:
        out.append((("beginn_nichtoeffentlich",), f"nichtöffentlicher Teil beginnt ({s.beginn_nichtoeffentlich} "
                    f"Uhr) vor der Sitzung ({s.beginn} Uhr)"))
    return out


def _check_drucksache(r: Record, entry: TopEntry, s: Sitzung, gremium_name: str) -> list[str]:
    v = r.vorlage
    out = []
    steps = [st for st in v.beratungsfolge if st.gremium == s.gremium and st.datum == s.datum]
    if not steps:
        out.append(f"Drucksache {v.nummer} hat in ihrer Beratungsfolge keinen Schritt „{gremium_name}“ am "
                   f"{_fmt(s.datum)}")
    if entry.oeffentlich and not v.oeffentlich:
        out.append(f"nichtöffentliche Drucksache {v.nummer} im öffentlichen Teil der Tagesordnung")
    elif entry.oeffentlich and steps and not steps[0].oeffentlich:
        out.append(f"Drucksache {v.nummer} soll laut Beratungsfolge nichtöffentlich beraten werden, steht aber im "
                   "öffentlichen Teil")
    if v.entwurf:
        out.append(f"Drucksache {v.nummer} ist noch ein Entwurf: die Sitzungsmappe kann so nicht endgültig "
                   "erstellt werden")
    return out


def check_beratungsfolge_against_sitzungen(sitzungen: list[SitzungRecord], records: list[Record], ref: RefData
                                           ) -> list[Problem]:
    """A Beratungsfolge step that names a Sitzung we have must find the Drucksache on its agenda."""
    by_key = {(s.sitzung.gremium, s.sitzung.datum): s for s in sitzungen}
    out = []
    for r in records:
        for i, step in enumerate(r.vorlage.beratungsfolge):
            s = by_key.get((step.gremium, step.datum))
            if s is None:
                continue
            on_agenda = any(any(x is r for x in e.records) for e in s.all_tops())
            if not on_agenda:
                loc = ("beratungsfolge", i, "datum")
                out.append(Problem(r.display, *locate(r.path, loc), field_path(loc),
                                   f"Sitzung am {_fmt(step.datum)} ({s.display}) hat Drucksache "
                                   f"{r.vorlage.nummer} nicht auf der Tagesordnung"))
    return out
