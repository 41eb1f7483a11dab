"""The template context: everything a layout shows, resolved from the record and data/.

Templates get names, not ids, and dates and amounts already in German form; no template looks
anything up itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from vorlagengen.checks import past_without_result
from vorlagengen.model.drucksache import Gremium, Koerperschaft, Person, Profil, Vorlage
from vorlagengen.model.records import Record, RefData, anlage_path


def datum(d: dt.date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else ""


def betrag(value: Decimal | None) -> str:
    """German amount without currency: 39 → „39“, 1234.5 → „1.234,50“."""
    if value is None:
        return ""
    text = f"{int(value):,}" if value == value.to_integral_value() else f"{value:,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def groesse(size: int) -> str:
    """File size as council systems print it: „32,2 kB“."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} kB".replace(".", ",")
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


# Page counts of PDF Anlagen by path, with the size and time of the file counted: those this process
# counted, and those an earlier run counted of files its stamp shows unchanged (known_pages)
_PAGES: dict[str, tuple[int, int, int | None]] = {}


def _pdf_pages(path: Path, size: int, mtime_ns: int) -> int | None:
    known = _PAGES.get(str(path))
    if known is not None and known[:2] == (size, mtime_ns):
        return known[2]
    import pikepdf  # not before it is needed: its import alone costs a one-record build ~50 ms

    try:
        with pikepdf.open(path) as pdf:
            pages: int | None = len(pdf.pages)
    except pikepdf.PdfError:
        pages = None
    _PAGES[str(path)] = (size, mtime_ns, pages)
    return pages


def known_pages(kept: object) -> None:
    """Take the page counts an earlier run counted (:func:`counted_pages`) for PDF Anlagen that are
    unchanged since: a build of only the records whose own texts changed, whose stamp shows every
    other file as that run found it (cli._only_changed), opens none of them again. Anything not in
    that form is ignored (the files are counted again)."""
    if not isinstance(kept, dict):
        return
    for path, entry in kept.items():
        if (isinstance(path, str) and isinstance(entry, list) and len(entry) == 3
                and all(isinstance(n, int) and not isinstance(n, bool) for n in entry)):
            _PAGES.setdefault(path, (entry[0], entry[1], entry[2]))


def counted_pages() -> dict[str, list[int]]:
    """The page count of every readable PDF Anlage this process knows, with its file's size and time."""
    return {path: [size, mtime, pages] for path, (size, mtime, pages) in _PAGES.items() if pages is not None}


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
    oeffentlich: bool  # False also for a personenbezogene Anlage: neither may be published
    path: Path
    personenbezogen: bool = False


@dataclass
class Schritt:
    gremium: str
    datum: str
    top: str
    zustaendigkeit: str
    oeffentlich: bool
    ergebnis: str  # the council's own words when given, else the normalised value
    status: str  # Erledigt, Geplant, ohne Ergebnis
    sitzung: str = ""  # "33. öffentliche Sitzung des …", or the Sitzung record's number
    ergebnis_wert: str = ""  # the normalised value (ergebnis)
    gremium_genitiv: str = ""  # from data/gremien.yaml only („des Finanzausschusses“), never guessed
    beschluss_nr: str = ""
    beratungsinhalt: str = ""  # Markdown
    wortprotokoll: str = ""  # Markdown


@dataclass
class Gruppe:
    """Consecutive steps of one Gremium in one role, as ALLRIS classic groups them."""

    gremium: str
    zustaendigkeit: str
    schritte: list[Schritt]


@dataclass
class BezugInfo:
    nummer: str
    betreff: str  # for a non-public Bezug in a public document: the Körperschaft's note, never the Betreff
    oeffentlich: bool = True


class ProfilView:
    """A Körperschaft's profile for the templates: each call names the layout's own default."""

    def __init__(self, profil: Profil | None):
        self._p = profil

    def __repr__(self) -> str:  # what it shows, not where it lives: part of a document's fingerprint
        return f"ProfilView({self._p.model_dump_json() if self._p else ''})"

    def teile(self, default: list[str]) -> list[str]:
        """The order of the parts: the profile's, then the layout's parts it does not name."""
        chosen = list(self._p.teile) if self._p and self._p.teile else []
        return chosen + [t for t in default if t not in chosen]

    def ueberschrift(self, teil: str, default: str) -> str:
        return self._p.ueberschriften.get(teil, default) if self._p else default  # type: ignore[call-overload]

    def bezeichnung(self, key: str, default: str) -> str:
        return self._p.bezeichnungen.get(key, default) if self._p else default  # type: ignore[call-overload]

    def titel(self, art: str, default: str) -> str:
        if not self._p:
            return default
        return self._p.titel.get(art, self._p.titelwort or default)  # type: ignore[call-overload,no-any-return]


@dataclass
class PersonInfo:
    name: str
    name_mit_anrede: str
    name_umgekehrt: str
    funktion: str
    kuerzel: str
    # the parts the word „person“ may name (a Stelle as Verfasser has only its name)
    anrede: str = ""
    titel: str = ""
    vorname: str = ""
    nachname: str = ""

    @classmethod
    def of(cls, p: Person | None) -> PersonInfo | None:
        if p is None:
            return None
        return cls(p.name, p.name_mit_anrede, p.name_umgekehrt, p.funktion or "", p.kuerzel or "",
                   p.anrede or "", p.titel or "", p.vorname or "", p.nachname)


@dataclass
class Context:
    v: Vorlage
    koerperschaft: Any
    art: str  # the Art's word: art_bezeichnung, else the Art
    dringlich: bool
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
    bezug_betreff: str  # for a non-public Bezug in a public document: the Körperschaft's note, never the Betreff
    bezug_oeffentlich: bool
    beratungsfolge: list[Schritt]
    anlagen: list[AnlageInfo]
    anlagen_hinweis: str  # public document: the Anlagen left out („und 1 nichtöffentliche Anlage“ …)
    unterschrift_zusatz: str
    unterschrift: PersonInfo | None
    entwurf: bool
    profil: ProfilView
    art_roh: str  # the Art of the model (the profile's title words are keyed by it)
    initiator_genitiv: str  # "der SPD-Fraktion", "des Bezirksamtes"
    initiator_ist_verwaltung: bool
    bezuege: list[BezugInfo]
    beratungsgruppen: list[Gruppe]
    ursprung_art: str
    ursprung_initiator: str
    fragen: list[str]  # own, or taken from the Anfrage it answers
    dringlichkeit: str
    fassung: int | None
    berichterstatter: PersonInfo | None
    unterschriften: list[PersonInfo]
    unterschrift_fuer: str  # "die SPD-Fraktion" (the word table puts „Für“ before it)
    ort_datum: str
    autor: str  # PDF author: the Fraktion of an Antrag, else the federführende Stelle or the body
    initiator_stelle: str = ""  # a second Stelle under the initiator („Bezirksstadtrat für Wirtschaft“)
    fragesteller: list[PersonInfo] = field(default_factory=list)  # the asking members
    antwort_datum: str = ""
    wahlperiode: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The template's variables; ``self_ctx`` hands the whole context to shared macros."""
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        out["self_ctx"] = self
        return out


def anlagen_info(record: Record) -> list[AnlageInfo]:
    """The Anlagen with their original numbers (the public projection keeps them, see public.py)."""
    out = []
    numbers = record.anlagen_nummern or range(1, len(record.vorlage.anlagen) + 1)
    for i, a in zip(numbers, record.vorlage.anlagen, strict=False):
        path = anlage_path(a.datei, record.path)
        stat = path.stat()
        typ = path.suffix.lower().lstrip(".") or "datei"
        pages = _pdf_pages(path, stat.st_size, stat.st_mtime_ns) if typ == "pdf" else None
        out.append(AnlageInfo(i, a.titel, a.datei, path.name, typ, stat.st_size, groesse(stat.st_size), pages,
                              a.oeffentlich and not a.personenbezogen, path, a.personenbezogen))
    return out


def anlagen_hinweis(record: Record, koerperschaft: Koerperschaft, w: Callable[..., str]) -> str:
    """What a public document says about the Anlagen the projection left out (docs/oeffentlich.md: Anlagen), in
    the words of the word table ``w``: „und 1 nichtöffentliche Anlage und 1 Anlage mit
    personenbezogenen Daten (nicht veröffentlicht)“."""
    noe = record.vorenthalten.get("nichtöffentlich", 0)
    pers = record.vorenthalten.get("personenbezogen", 0)
    parts = []
    if noe and koerperschaft.oeffentlichkeit.nichtoeffentliche_anlagen == "anzahl":
        parts.append(w("hinweis_nichtoeffentlich" if noe == 1 else "hinweis_nichtoeffentliche", n=noe))
    if pers:
        parts.append(w("hinweis_personenbezogen" if pers == 1 else "hinweis_personenbezogene", n=pers))
    parts = [p for p in parts if p]
    if not parts:
        return ""
    und = f" {w('und')} "
    return (und.lstrip() if record.vorlage.anlagen else "") + und.join(parts)


def sitzung_name(nummer: str, bezeichnung: str | None = None, ohne: str | None = None) -> str:
    """A Sitzung as a running text names it, the word „Sitzung“ once: its Bezeichnung („25. öffentliche
    Sitzung (SGA/2019/02)“, without the number when the Bezeichnung names it: „21. Sitzung des Rates“),
    else „Sitzung JHA/19/7“ (``ohne``: the layout's word for it) – but a number that is a name already
    (imported: „11. Sitzung“) as it is."""
    if bezeichnung:
        if re.search(rf"(?<![\w/]){re.escape(nummer)}(?![\w/])", bezeichnung):
            return bezeichnung
        return f"{bezeichnung} ({nummer})"
    if re.search(r"sitzung", nummer, re.IGNORECASE):
        return nummer
    return ohne if ohne is not None else f"Sitzung {nummer}"


def bezug_text(v: Vorlage, nr: str, ref: RefData, betreffs: dict[tuple[str, str], str],
               oeffentlich: dict[tuple[str, str], bool], public: bool) -> tuple[str, bool]:
    """(what follows the number of the Bezug ``nr``, whether it is public). A public document never
    shows the Betreff of a non-public Drucksache: only the Körperschaft's note."""
    key = (v.koerperschaft, nr)
    alt = ref.altbestand.get(nr)
    known = oeffentlich.get(key, alt.status == "öffentlich" if alt else False)
    note = ref.koerperschaften[v.koerperschaft].oeffentlichkeit.bezug_nichtoeffentlich
    if not known and public:
        return note, False
    betreff = betreffs.get(key, alt.betreff if alt else "")
    return (betreff if known else f"{betreff} ({note})".strip()), known


def genitiv(g: Gremium | None, name: str) -> str:
    """„der SPD-Fraktion“, „des Jugendhilfeausschusses“ as data/gremien.yaml gives it (``genitiv``);
    without it the name as it stands – no grammar is guessed."""
    return g.genitiv if g is not None and g.genitiv else name


def _wer(ref: RefData, ident: str | None) -> tuple[str, Gremium | None, bool]:
    """Name of an initiator (Gremium or Amt), its Gremium entry, whether it is the Verwaltung."""
    if not ident:
        return "", None, False
    if ident in ref.aemter:
        return ref.aemter[ident].name, None, True
    g = ref.gremien[ident]
    return g.name, g, g.typ == "Verwaltung"


def _schritte(v: Vorlage, ref: RefData, sitzungen: dict[tuple[str, dt.date], str]) -> list[Schritt]:
    past = past_without_result(v)
    steps = []
    for i, s in enumerate(v.beratungsfolge):
        erledigt = s.erledigt or s.ergebnis is not None or s.ergebnis_text is not None
        status = "Erledigt" if erledigt else ("ohne Ergebnis" if i in past else "Geplant")
        sitzung = s.sitzung or (sitzungen.get((s.gremium, s.datum), "") if s.datum else "")
        g = ref.gremien[s.gremium]
        steps.append(Schritt(g.name, datum(s.datum), s.top or "", s.zustaendigkeit or "",
                             s.oeffentlich, s.ergebnis_text or s.ergebnis or "", status, sitzung, s.ergebnis or "",
                             g.genitiv or "", s.beschluss_nr or "", s.beratungsinhalt or "", s.wortprotokoll or ""))
    return steps


def _gruppen(steps: list[Schritt]) -> list[Gruppe]:
    out: list[Gruppe] = []
    for step in steps:
        if out and (out[-1].gremium, out[-1].zustaendigkeit) == (step.gremium, step.zustaendigkeit):
            out[-1].schritte.append(step)
        else:
            out.append(Gruppe(step.gremium, step.zustaendigkeit, [step]))
    return out


@dataclass
class Verweise:
    """What a record's context needs from the rest of the project."""

    betreffs: dict[tuple[str, str], str] = field(default_factory=dict)  # (body, Nr.) → Betreff
    fragen: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (body, Nr.) → Fragen
    sitzungen: dict[tuple[str, dt.date], str] = field(default_factory=dict)  # (Gremium, Tag) → Sitzung


def build_context(record: Record, ref: RefData, betreffs: dict[tuple[str, str], str] | None = None,
                  oeffentlich: dict[tuple[str, str], bool] | None = None, public: bool = False,
                  verweise: Verweise | None = None) -> Context:
    """The context of one Drucksache. ``public``: the record comes from the public projection."""
    v = record.vorlage
    k = ref.koerperschaften[v.koerperschaft]
    links = verweise or Verweise(betreffs or {})
    known = links.betreffs or betreffs or {}
    bezuege = []
    for nr in v.bezuege:
        text, offen = bezug_text(v, nr, ref, known, oeffentlich or {}, public)
        bezuege.append(BezugInfo(nr, text, offen))
    fragen = list(v.fragen) or next((links.fragen[(v.koerperschaft, nr)] for nr in v.bezuege
                                     if (v.koerperschaft, nr) in links.fragen), [])
    steps = _schritte(v, ref, links.sitzungen)
    initiator, gremium, verwaltung = _wer(ref, v.initiator)
    ursprung_initiator = _wer(ref, v.ursprung.initiator if v.ursprung else None)[0]
    u = v.unterschrift
    unterzeichnende = [PersonInfo.of(ref.personen[p]) for p in u.alle] if u else []
    fuer = ref.gremien[u.fuer] if u and u.fuer else None
    federfuehrend = ref.aemter[v.federfuehrend].name if v.federfuehrend else ""
    fraktion = gremium is not None and (gremium.typ == "Fraktion" or v.art in ("Antrag", "Anfrage"))
    return Context(
        v=v,
        koerperschaft=k,
        art=k.art_bezeichnung.get(v.art, v.art),
        dringlich=v.dringlich or bool(v.dringlichkeit),
        status=v.status,
        nummer=v.nummer,
        datum=datum(v.datum),
        betreff=v.betreff,
        federfuehrend=federfuehrend,
        beteiligt=[ref.aemter[a].name for a in v.beteiligt],
        bearbeiter=PersonInfo.of(ref.personen.get(v.bearbeiter or "")),
        verfasser=[_verfasser(ref, p) for p in v.verfasser],
        dezernent=PersonInfo.of(ref.personen.get(v.dezernent or "")),
        initiator=initiator,
        bezug=bezuege[0].nummer if bezuege else "",
        bezug_betreff=bezuege[0].betreff if bezuege else "",
        bezug_oeffentlich=all(b.oeffentlich for b in bezuege),
        beratungsfolge=steps,
        anlagen=anlagen_info(record),
        anlagen_hinweis="",  # worded by the layout's word table (render/build.py)
        unterschrift_zusatz=(u.zusatz or "") if u else "",
        unterschrift=unterzeichnende[0] if len(unterzeichnende) == 1 and not (u and u.fuer) else None,
        entwurf=v.entwurf,
        profil=ProfilView(k.profil),
        art_roh=v.art,
        initiator_genitiv=genitiv(gremium, initiator),
        initiator_ist_verwaltung=verwaltung,
        bezuege=bezuege,
        beratungsgruppen=_gruppen(steps),
        ursprung_art=k.art_bezeichnung.get(v.ursprung.art, v.ursprung.art) if v.ursprung and v.ursprung.art else "",
        ursprung_initiator=ursprung_initiator,
        fragen=fragen,
        dringlichkeit=v.dringlichkeit or "",
        fassung=v.fassung,
        berichterstatter=PersonInfo.of(ref.personen.get(v.berichterstatter or "")),
        unterschriften=[p for p in unterzeichnende if p is not None],
        unterschrift_fuer=_fuer(fuer) if fuer else "",
        ort_datum=(u.ort_datum or "") if u else "",
        autor=initiator if fraktion else (federfuehrend or initiator or k.name),
        initiator_stelle=ref.aemter[v.initiator_stelle].name if v.initiator_stelle else "",
        fragesteller=[PersonInfo.of(ref.personen[p]) for p in v.fragesteller],  # type: ignore[misc]
        antwort_datum=datum(v.antwort_datum),
        wahlperiode=v.wahlperiode,
    )


def _verfasser(ref: RefData, ident: str) -> PersonInfo:
    """A Verfasser: a person, or a Stelle („Bezirksamt“) under its name."""
    if ident in ref.personen:
        return PersonInfo.of(ref.personen[ident])  # type: ignore[return-value]
    name = ref.aemter[ident].name
    return PersonInfo(name, name, name, "", "")



def _fuer(g: Gremium) -> str:
    """„die SPD-Fraktion“, „den Ausschuss …“: the accusative after „Für“, from the Gremium's genitive
    in data/ (der → die, des → den); without it the name."""
    gen = g.genitiv or ""
    if gen.startswith("der "):
        return "die " + gen[4:]
    if gen.startswith("des "):
        return "den " + g.name
    return g.name
