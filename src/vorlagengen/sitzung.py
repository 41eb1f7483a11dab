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
from .model import Datum, Id, Text
from .textchecks import glyph_problems
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
    nummer: Text | None = Field(None, description="eigene TOP-Nummer, z. B. „12.7“ (sonst automatisch)")
    nachtrag: Literal["Nachtrag", "Tischvorlage"] | None = Field(
        None, description="nach der Einladung hinzugekommen: Nachtrag oder Tischvorlage")
    unterpunkte: list[Top] = Field(default_factory=list, description="Unterpunkte (12.1, 12.2 …)")


class Tagesordnung(_Strict):
    oeffentlich: list[Top] = Field(default_factory=list, description="öffentlicher Teil")
    nichtoeffentlich: list[Top] = Field(default_factory=list, description="nichtöffentlicher Teil")


class Sitzung(_Strict):
    """Eine Sitzung eines Gremiums mit ihrer Tagesordnung."""

    gremium: Id = Field(description="Gremium (Kennung aus data/gremien.yaml)")
    nummer: Text = Field(description="Sitzungsnummer, z. B. „JHA/19/7“")
    datum: Datum = Field(description="Sitzungstag")
    beginn: Uhrzeit = Field(description="Beginn, z. B. „17:30“")
    ort: Text = Field(description="Ort mit Anschrift")
    raum: str | None = Field(None, description="Sitzungsraum")
    sitzungsleitung: Id | None = Field(None, description="Vorsitz (Kennung aus data/personen.yaml)")
    einladungsdatum: Datum = Field(description="Tag der Einladung (für die Ladungsfrist)")
    tagesordnung: Tagesordnung


@dataclass
class TopEntry:
    """A TOP with its number and place, flattened for templates and checks."""

    nummer: str
    titel: str
    oeffentlich: bool
    ebene: int
    nachtrag: str
    loc: tuple[Any, ...]
    record: Record | None = None
    unterpunkte: list[TopEntry] = field(default_factory=list)


@dataclass
class SitzungRecord:
    path: Path
    display: str
    sitzung: Sitzung
    tops: list[TopEntry] = field(default_factory=list)

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


_NUM_END = re.compile(r"(\d+)\s*$")


def number_tops(tops: list[Top], prefix: str, parent: str, loc: tuple[Any, ...], oeffentlich: bool,
                ebene: int = 1) -> list[TopEntry]:
    """Automatic numbers Ö 1, Ö 2 … (sub-TOPs Ö 12.1 …); a TOP's own number sets the count."""
    out = []
    counter = 0
    for i, top in enumerate(tops):
        if top.nummer:
            nummer = top.nummer
            m = _NUM_END.search(nummer)
            counter = int(m.group(1)) if m else counter + 1
        else:
            counter += 1
            nummer = f"{parent}.{counter}" if parent else f"{prefix} {counter}"
        entry = TopEntry(nummer, top.titel or "", oeffentlich, ebene, top.nachtrag or "", (*loc, i))
        entry.unterpunkte = number_tops(top.unterpunkte, prefix, nummer, (*loc, i, "unterpunkte"), oeffentlich,
                                        ebene + 1)
        out.append(entry)
    return out


def discover_sitzungen(root: Path) -> list[Path]:
    folder = root / SITZUNG_DIR
    if not folder.is_dir():
        return []
    return sorted(p.absolute() for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and not p.is_dir())


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
        problems.extend(glyph_problems(raw, path, display))
        rec = SitzungRecord(path, display, sitzung)
        rec.tops = (number_tops(sitzung.tagesordnung.oeffentlich, "Ö", "", ("tagesordnung", "oeffentlich"), True)
                    + number_tops(sitzung.tagesordnung.nichtoeffentlich, "N", "",
                                  ("tagesordnung", "nichtoeffentlich"), False))
        found = check_sitzung(rec, records, ref)
        problems.extend(Problem(display, *locate(path, loc), field_path(loc), msg) for loc, msg in found)
        loaded.append(rec)
    problems.extend(check_beratungsfolge_against_sitzungen(loaded, records, ref))
    return loaded, problems


def _fmt(d: dt.date) -> str:
    return d.strftime("%d.%m.%Y")


def check_sitzung(rec: SitzungRecord, records: list[Record], ref: RefData) -> list[tuple[tuple[Any, ...], str]]:
    s = rec.sitzung
    out: list[tuple[tuple[Any, ...], str]] = []
    gremium = ref.gremien.get(s.gremium)
    if gremium is None:
        if ref.unsure("gremien", s.gremium):
            return []  # its entry in data/ is broken and reported there
        return [(("gremium",), f"unbekanntes Gremium „{s.gremium}“ (nicht in data/gremien.yaml)"
                 f"{suggest(s.gremium, ref.gremien)}")]
    body = gremium.koerperschaft
    if s.sitzungsleitung:
        person = ref.personen.get(s.sitzungsleitung)
        if person is None and not ref.unsure("personen", s.sitzungsleitung):
            out.append((("sitzungsleitung",), f"unbekannte Person „{s.sitzungsleitung}“ (nicht in "
                        f"data/personen.yaml){suggest(s.sitzungsleitung, ref.personen)}"))
    frist = ref.koerperschaften[body].ladungsfrist if body in ref.koerperschaften else 0
    if (s.datum - s.einladungsdatum).days < frist:
        out.append((("einladungsdatum",), f"Ladungsfrist von {frist} Tagen nicht eingehalten: Einladung am "
                    f"{_fmt(s.einladungsdatum)}, Sitzung am {_fmt(s.datum)}"))
    if s.einladungsdatum > s.datum:
        out.append((("einladungsdatum",), "Einladung liegt nach der Sitzung"))
    by_nr = {r.vorlage.nummer: r for r in records if r.vorlage.koerperschaft == body}
    seen: dict[str, str] = {}
    for entry in rec.all_tops():
        top = _top_at(s, entry.loc)
        if top.drucksache is None:
            if not top.titel:
                out.append((entry.loc, "TOP braucht einen Titel oder eine Drucksache"))
            continue
        r = by_nr.get(top.drucksache)
        if r is None:
            out.append(((*entry.loc, "drucksache"), f"unbekannte Drucksache „{top.drucksache}“ der Körperschaft "
                        f"{body}{suggest(top.drucksache, by_nr)}"))
            continue
        entry.record = r
        entry.titel = top.titel or r.vorlage.betreff
        if top.drucksache in seen:
            out.append(((*entry.loc, "drucksache"), f"Drucksache {top.drucksache} steht zweimal auf der "
                        f"Tagesordnung (auch unter TOP {seen[top.drucksache]})"))
        seen[top.drucksache] = entry.nummer
        v = r.vorlage
        steps = [st for st in v.beratungsfolge if st.gremium == s.gremium and st.datum == s.datum]
        if not steps:
            out.append(((*entry.loc, "drucksache"), f"Drucksache {v.nummer} hat in ihrer Beratungsfolge keinen "
                        f"Schritt „{gremium.name}“ am {_fmt(s.datum)}"))
        if entry.oeffentlich and not v.oeffentlich:
            out.append(((*entry.loc, "drucksache"), f"nichtöffentliche Drucksache {v.nummer} im öffentlichen Teil "
                        "der Tagesordnung"))
        elif entry.oeffentlich and steps and not steps[0].oeffentlich:
            out.append(((*entry.loc, "drucksache"), f"Drucksache {v.nummer} soll laut Beratungsfolge "
                        "nichtöffentlich beraten werden, steht aber im öffentlichen Teil"))
        if v.entwurf:
            out.append(((*entry.loc, "drucksache"), f"Drucksache {v.nummer} ist noch ein Entwurf: die "
                        "Sitzungsmappe kann so nicht endgültig erstellt werden"))
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
            on_agenda = any(e.record is r for e in s.all_tops())
            if not on_agenda:
                loc = ("beratungsfolge", i, "datum")
                out.append(Problem(r.display, *locate(r.path, loc), field_path(loc),
                                   f"Sitzung am {_fmt(step.datum)} ({s.display}) hat Drucksache "
                                   f"{r.vorlage.nummer} nicht auf der Tagesordnung"))
    return out
