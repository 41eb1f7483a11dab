"""The template context: everything a layout shows, resolved from the record and data/.

Templates get names, not ids, and dates and amounts already in German form; no template looks
anything up itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..model import Person, Vorlage
from ..records import Record, RefData, anlage_path


def datum(d: dt.date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else ""


def betrag(value: Decimal | None) -> str:
    """German amount without currency: 39 → „39“, 1234.5 → „1.234,50“."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def groesse(size: int) -> str:
    """File size as council systems print it: „32,2 kB“."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} kB".replace(".", ",")
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


@lru_cache(maxsize=1024)
def _pdf_pages(path: Path, mtime_ns: int) -> int | None:
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    except pikepdf.PdfError:
        return None


@dataclass
class AnlageInfo:
    nr: int
    titel: str
    datei: str
    name: str
    typ: str
    groesse: int
    groesse_text: str
    seiten: int | None
    oeffentlich: bool
    path: Path


@dataclass
class Schritt:
    gremium: str
    datum: str
    top: str
    zustaendigkeit: str
    oeffentlich: bool
    ergebnis: str
    status: str


@dataclass
class PersonInfo:
    name: str
    name_mit_anrede: str
    name_umgekehrt: str
    funktion: str
    kuerzel: str

    @classmethod
    def of(cls, p: Person | None) -> PersonInfo | None:
        if p is None:
            return None
        return cls(p.name, p.name_mit_anrede, p.name_umgekehrt, p.funktion or "", p.kuerzel or "")


@dataclass
class Context:
    v: Vorlage
    koerperschaft: Any
    art: str
    status: str
    nummer: str
    datum: str
    betreff: str
    federfuehrend: str
    beteiligt: list[str]
    bearbeiter: PersonInfo | None
    verfasser: list[PersonInfo]
    dezernent: PersonInfo | None
    initiator: str
    bezug: str
    bezug_betreff: str
    beratungsfolge: list[Schritt]
    anlagen: list[AnlageInfo]
    unterschrift_zusatz: str
    unterschrift: PersonInfo | None
    entwurf: bool
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def anlagen_info(record: Record) -> list[AnlageInfo]:
    out = []
    for i, a in enumerate(record.vorlage.anlagen, start=1):
        path = anlage_path(a.datei, record.path)
        stat = path.stat()
        typ = path.suffix.lower().lstrip(".") or "datei"
        pages = _pdf_pages(path, stat.st_mtime_ns) if typ == "pdf" else None
        out.append(AnlageInfo(i, a.titel, a.datei, path.name, typ, stat.st_size, groesse(stat.st_size), pages,
                              a.oeffentlich, path))
    return out


def build_context(record: Record, ref: RefData, betreffs: dict[tuple[str, str], str] | None = None) -> Context:
    v = record.vorlage
    k = ref.koerperschaften[v.koerperschaft]
    alt = ref.altbestand.get(v.bezug or "")
    bezug_betreff = (betreffs or {}).get((v.koerperschaft, v.bezug or ""), alt.betreff if alt else "")
    steps = []
    for s in v.beratungsfolge:
        erledigt = s.erledigt or s.ergebnis is not None
        steps.append(Schritt(ref.gremien[s.gremium].name, datum(s.datum), s.top or "", s.zustaendigkeit,
                             s.oeffentlich, s.ergebnis or "", "Erledigt" if erledigt else "Geplant"))
    u = v.unterschrift
    return Context(
        v=v,
        koerperschaft=k,
        art=k.art_bezeichnung.get(v.art, v.art),
        status=v.status,
        nummer=v.nummer,
        datum=datum(v.datum),
        betreff=v.betreff,
        federfuehrend=ref.aemter[v.federfuehrend].name if v.federfuehrend else "",
        beteiligt=[ref.aemter[a].name for a in v.beteiligt],
        bearbeiter=PersonInfo.of(ref.personen.get(v.bearbeiter or "")),
        verfasser=[PersonInfo.of(ref.personen[p]) for p in v.verfasser],  # type: ignore[misc]
        dezernent=PersonInfo.of(ref.personen.get(v.dezernent or "")),
        initiator=ref.gremien[v.initiator].name if v.initiator else "",
        bezug=v.bezug or "",
        bezug_betreff=bezug_betreff,
        beratungsfolge=steps,
        anlagen=anlagen_info(record),
        unterschrift_zusatz=(u.zusatz or "") if u else "",
        unterschrift=PersonInfo.of(ref.personen[u.person]) if u else None,
        entwurf=v.entwurf,
    )
