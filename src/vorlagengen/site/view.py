"""The site's own view of a public project: plain values, resolved names, site paths.

This is the only module of ``publish`` that looks at the project's types. It is handed a *public*
project (only public records, public TOPs and Anlagen, Schwärzungen applied) and copies out what
the website and the OParl export show; everything after it works on these dataclasses alone.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vorlagengen.documents.context import bezug_text, sitzung_name
from vorlagengen.documents.sitzung.niederschrift import ergebnis_view, woerter_of
from vorlagengen.documents.woerter import Woerter, vorgabe_woerter
from vorlagengen.model.niederschrift import TopErgebnis, abstimmung_text, besetzung_text, teilabstimmung_text
from vorlagengen.model.records import PublicProject, Record, RefData, anlage_path
from vorlagengen.public.schwaerzung import klartext

MIME = {".pdf": "application/pdf", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".odt": "application/vnd.oasis.opendocument.text", ".txt": "text/plain"}


def slugify(text: str) -> str:
    """File-name form of a number or name: „19/0167“ → „19-0167“, „Beantwortung einer Anfrage“ →
    „beantwortung-einer-anfrage“."""
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.lower().replace(umlaut, plain)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"


@dataclass
class SiteFile:
    """A file the site publishes: its source (public tree or public Anlage) and its place on the site."""

    label: str
    source: Path
    href: str  # site-relative path, e.g. "dokumente/wandsbek/19-0171.pdf"
    date: dt.date

    @functools.cached_property
    def stat(self) -> os.stat_result:
        """The source's stat, taken once per build (size, checksum and copy all need it)."""
        return self.source.stat()

    @property
    def size(self) -> int:
        return self.stat.st_size

    @property
    def mime(self) -> str:
        return MIME.get(self.source.suffix.lower(), "application/octet-stream")

    @property
    def kind(self) -> str:
        return self.source.suffix.lower().lstrip(".").upper() or "Datei"


@dataclass
class Step:
    """A step of a Beratungsfolge."""

    gremium: str
    gremium_name: str
    datum: dt.date | None  # None: the date is still open
    zustaendigkeit: str
    ergebnis: str
    top: str
    sitzung: str | None  # slug of the public Sitzung, when the site has it
    top_url: str = ""  # the page of the public TOP, when the site has it


@dataclass
class Text:
    titel: str
    markdown: str


@dataclass(frozen=True)
class SourceFile:
    """A document of an imported Drucksache: it stays in the former council system and is linked, not
    copied (its text was never typeset here)."""

    label: str
    url: str
    mime: str
    size: int | None
    date: dt.date


@dataclass
class Bezug:
    """A Drucksache this one refers to: its number, and its key when it is public (else it is shown
    by number only; the public project does not know its Betreff)."""

    nummer: str
    text: str = ""  # what follows the number: a Betreff, or the note „nichtöffentliche Drucksache“
    key: str | None = None


@dataclass
class Drucksache:
    key: str  # "<koerperschaft>/<slug>"
    koerperschaft: str
    nummer: str
    slug: str
    datum: dt.date
    art: str
    art_label: str
    betreff: str
    initiator: str
    federfuehrend: str
    federfuehrend_id: str | None
    initiator_id: str | None
    bezuege: list[Bezug]
    steps: list[Step]
    texts: list[Text]
    files: list[SiteFile]
    anlagen: list[SiteFile]
    source: Path
    quelle: list[SourceFile] = field(default_factory=list)  # imported: documents at the source

    @property
    def url(self) -> str:
        return f"drucksachen/{self.key}.html"

    @functools.cached_property
    def gremien(self) -> list[str]:
        return sorted({s.gremium for s in self.steps})


@dataclass
class Top:
    nummer: str
    titel: str
    ebene: int
    nachtrag: str
    drucksache: str | None  # key
    ergebnis: str
    unterpunkte: list[Top] = field(default_factory=list)
    abstimmung: str = ""  # the vote as the public Niederschrift records it, e.g. "Ja 12, Nein 3, Enthaltung 1"
    hinweis: str = ""
    abgesetzt: bool = False
    dazu: list[str] = field(default_factory=list)  # keys of the further (public) Drucksachen of the TOP
    quelle: list[SourceFile] = field(default_factory=list)  # imported: Beschlusstext and files at the source
    quelle_ergebnis: str = ""  # imported: the result in the source's words
    einzelheiten: list[str] = field(default_factory=list)  # earlier votes, Wahlen, Besetzungen
    url: str = ""  # its own page
    protokoll: Protokoll | None = None  # what the published Niederschrift says of it


@dataclass(frozen=True)
class Protokoll:
    """A public TOP as its published (public, minimal) Niederschrift records it: the Beschluss text and
    the votes; none while the Niederschrift is an „Entwurf“ (it is not published then)."""

    ergebnis: str
    beschluss: str  # Markdown
    aenderung: str  # Markdown
    verwiesen_an: str
    abstimmung: str
    fraktionen: list[tuple[str, int, int, int]]  # (Fraktion, Ja, Nein, Enthaltung) …, the totals last
    abstimmungen: list[str]
    wahlen: list[str]
    besetzungen: list[str]
    befangen: list[str]


@dataclass
class Sitzung:
    slug: str
    gremium: str
    gremium_name: str
    koerperschaft: str
    nummer: str
    datum: dt.date
    beginn: str
    ort: str
    raum: str
    leitung: str | None  # person id
    tops: list[Top]
    files: list[SiteFile]
    source: Path
    quelle: list[SourceFile] = field(default_factory=list)  # imported: Einladung, Niederschrift … at the source
    ende: str = ""
    name: str = ""  # as a text names it, the word „Sitzung“ once: „Sitzung JHA/19/7“, „11. Sitzung“

    @property
    def url(self) -> str:
        return f"sitzungen/{self.slug}.html"

    @property
    def start(self) -> dt.datetime:
        hour, minute = (int(p) for p in self.beginn.split(":"))
        return dt.datetime.combine(self.datum, dt.time(hour, minute))

    @property
    def titel(self) -> str:
        return f"{self.gremium_name} am {self.datum.strftime('%d.%m.%Y')}"

    def all_tops(self) -> list[Top]:
        out: list[Top] = []
        stack = list(reversed(self.tops))
        while stack:
            top = stack.pop()
            out.append(top)
            stack.extend(reversed(top.unterpunkte))
        return out


@dataclass
class Mitglied:
    person: str
    rolle: str
    stimmberechtigt: bool
    fraktion: str | None
    von: dt.date | None
    bis: dt.date | None
    bezeichnung: str = ""  # the role in the council's words (imported), shown instead of ``rolle``

    def aktiv(self, today: dt.date) -> bool:
        return (self.von is None or self.von <= today) and (self.bis is None or self.bis >= today)


@dataclass
class Gremium:
    id: str
    name: str
    kurzname: str
    typ: str
    koerperschaft: str
    mitglieder: list[Mitglied] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"gremien/{self.id}.html"


@dataclass
class Amt:
    id: str
    name: str
    koerperschaft: str


@dataclass
class Person:
    id: str
    name: str
    vorname: str
    nachname: str
    anrede: str
    titel: str
    koerperschaft: str

    @property
    def url(self) -> str:
        return f"personen/{self.id}.html"

    @property
    def name_umgekehrt(self) -> str:
        return f"{self.nachname}, {' '.join(p for p in (self.titel, self.vorname) if p)}" if self.vorname else self.name


@dataclass
class Koerperschaft:
    id: str
    name: str
    briefkopf: list[str]
    wahlperiode: int | None


@dataclass
class Site:
    koerperschaften: dict[str, Koerperschaft]
    gremien: dict[str, Gremium]
    aemter: dict[str, Amt]
    personen: dict[str, Person]
    drucksachen: dict[str, Drucksache]
    sitzungen: dict[str, Sitzung]
    beschluesse: list[SiteFile] = field(default_factory=list)  # public Beschlusskontrolle per Körperschaft

    def sitzungen_of(self, gremium: str) -> list[Sitzung]:
        return [s for s in self.sitzungen.values() if s.gremium == gremium]

    def drucksachen_of(self, gremium: str) -> list[Drucksache]:
        return [d for d in self.drucksachen.values() if gremium in d.gremien]

    @functools.cached_property
    def mitgliedschaften(self) -> dict[str, list[tuple[Gremium, Mitglied]]]:
        """Person id → her memberships in the (public) Gremien, Fraktionen included, oldest first."""
        out: dict[str, list[tuple[Gremium, Mitglied]]] = defaultdict(list)
        for g in sorted(self.gremien.values(), key=lambda g: g.name):
            for m in g.mitglieder:
                out[m.person].append((g, m))
        return {p: sorted(ms, key=lambda x: (x[1].von or dt.date.min, x[0].name)) for p, ms in out.items()}


# --- building the view --------------------------------------------------------------------------


def site_view(public: PublicProject, documents: Path) -> Site:
    """The site's view of ``public``; ``documents`` is the public tree holding the built PDF/DOCX."""
    ref = public.ref
    site = Site(
        {k: Koerperschaft(k, b.name, list(b.briefkopf), b.wahlperiode) for k, b in ref.koerperschaften.items()},
        {g: _gremium(g, x, ref.personen) for g, x in ref.gremien.items()},
        {a: Amt(a, x.name, x.koerperschaft) for a, x in ref.aemter.items()},
        {p: Person(p, x.name, x.vorname or "", x.nachname, x.anrede or "", x.titel or "", x.koerperschaft)
         for p, x in ref.personen.items()},
        {}, {},
    )
    sitzung_slugs = {(s.sitzung.gremium, s.sitzung.datum): s.slug for s in public.sitzungen}
    results: Results = dict(getattr(public, "ergebnisse", {}))
    listing = _Listing()
    finished = [r for r in public.records if not r.vorlage.entwurf]  # a draft is not published (trees.DRAFT)
    for rec in sorted(finished, key=lambda r: (r.vorlage.koerperschaft, r.vorlage.datum, r.vorlage.nummer)):
        ds = _drucksache(rec, site, sitzung_slugs, documents, public, results, listing)
        site.drucksachen[ds.key] = ds
    keys = {(d.koerperschaft, d.nummer): d.key for d in site.drucksachen.values()}
    for ds in site.drucksachen.values():
        for bezug in ds.bezuege:
            bezug.key = keys.get((ds.koerperschaft, bezug.nummer))
    words: dict[str, Woerter] = {}  # per Gremium: its Körperschaft's words, the same for all its Sitzungen
    for srec in sorted(public.sitzungen, key=lambda s: (s.sitzung.datum, s.sitzung.beginn, s.slug)):
        if srec.sitzung.gremium not in words:
            words[srec.sitzung.gremium] = _words(public, srec)
        sz = _sitzung(srec, site, keys, documents, results, public, words[srec.sitzung.gremium])
        site.sitzungen[sz.slug] = sz
    _link_tops(site)
    site.beschluesse = _beschluesse(documents, site)
    return site


def _beschluesse(documents: Path, site: Site) -> list[SiteFile]:
    """The public Beschlusskontrolle (PDF, CSV) of each Körperschaft, when it was made."""
    out = []
    for body in site.koerperschaften.values():
        folder = documents / "beschluesse" / body.id
        for name, kind in (("Beschlusskontrolle.pdf", "PDF"), ("Beschlusskontrolle.csv", "CSV")):
            if (folder / name).is_file():
                day = dt.date.fromtimestamp((folder / name).stat().st_mtime)
                out.append(SiteFile(f"Beschlusskontrolle {body.name} ({kind})", folder / name,
                                    f"dokumente/beschluesse/{body.id}/{name}", day))
    return out


def _gremium(ident: str, g: Any, personen: dict[str, Any]) -> Gremium:
    """A Gremium with its members (Mandatsträger), as far as the public reference data has them."""
    members = [Mitglied(m.person, m.rolle, m.stimmberechtigt, m.fraktion, m.von, m.bis, m.bezeichnung or "")
               for m in getattr(g, "mitglieder", []) if m.person in personen]
    return Gremium(ident, g.name, g.kurzname or "", g.typ, g.koerperschaft, members)


def _name(table: dict[str, Any], ident: str | None) -> str:
    item = table.get(ident) if ident else None
    return str(item.name) if item is not None else ""


Results = dict[tuple[str, str, str, dt.date], str]


def _result(step: Any, v: Any, results: Results) -> str:
    """The step's Ergebnis, or the one its (public) Niederschrift records; none for a non-public step."""
    if not step.oeffentlich:
        return ""
    if step.datum is None:
        return str(step.ergebnis or "")
    return str(step.ergebnis or results.get((v.koerperschaft, v.nummer, step.gremium, step.datum), ""))


def _drucksache(rec: Record, site: Site, sitzungen: dict[tuple[str, dt.date], str], documents: Path,
                public: PublicProject, results: Results, listing: _Listing) -> Drucksache:
    v = rec.vorlage
    slug = slugify(v.nummer)
    steps = [Step(s.gremium, _name(site.gremien, s.gremium), s.datum, s.zustaendigkeit or "",
                  _result(s, v, results), s.top or "", sitzungen.get((s.gremium, s.datum)) if s.datum else None)
             for s in v.beratungsfolge]
    public_ref = public.ref
    profile = public_ref.koerperschaften.get(v.koerperschaft) if public_ref else None
    art_label = profile.art_bezeichnung.get(v.art, v.art) if profile else v.art
    key = f"{v.koerperschaft}/{slug}"
    files = _document_files(documents, v.koerperschaft, v.nummer, key, v.datum, listing)
    numbers = rec.anlagen_nummern or range(1, len(v.anlagen) + 1)  # an Anlage keeps its number (public.py)
    anlagen = [_anlage(f"Anlage {i}: {klartext(a.titel)}", anlage_path(a.datei, rec.path),
                       f"dokumente/{key}/anlage-{i}", v.datum)
               for i, a in zip(numbers, v.anlagen, strict=True) if a.oeffentlich and not a.personenbezogen]
    return Drucksache(key, v.koerperschaft, v.nummer, slug, v.datum, v.art, art_label, klartext(v.betreff),
                      _name(site.gremien, v.initiator), _name(site.aemter, v.federfuehrend), v.federfuehrend,
                      v.initiator, [_bezug(v, nr, public) for nr in v.bezuege], steps, _texts(v), files, anlagen,
                      rec.path, _source_files(v))


def _bezug(v: Any, nr: str, public: PublicProject) -> Bezug:
    """A Bezug as the public documents word it (``bezug_text``): the Betreff of a public one, the
    Körperschaft's note for a non-public one; the link to a public one is set later."""
    text, _known = bezug_text(v, nr, public.ref, public.betreffs, public.oeffentlich, True)
    return Bezug(nr, klartext(text))


def _anlage(label: str, source: Path, href: str, datum: dt.date) -> SiteFile:
    return SiteFile(label, source, href + source.suffix.lower(), datum)


def _source_files(v: Any) -> list[SourceFile]:
    if v.quelle is None:
        return []
    main = [v.quelle.dokument] if v.quelle.dokument is not None else []
    return [SourceFile(f.name, f.url, f.mime or "", f.groesse, f.datum or v.datum) for f in main + v.quelle.anlagen]


def _texts(v: Any) -> list[Text]:
    out = []
    if v.sachverhalt:
        out.append(Text("Sachverhalt", v.sachverhalt))
    if v.fragen:
        out.append(Text("Fragen", "\n".join(f"{i}. {_one_item(q)}" for i, q in enumerate(v.fragen, start=1))))
    if v.antwort:
        out.append(Text("Antwort", v.antwort))
    if v.beschlussvorschlag:
        out.append(Text("Beschlussvorschlag", v.beschlussvorschlag))
    out.extend(Text(klartext(a.titel), a.text) for a in v.abschnitte)
    if v.finanzen is not None and v.finanzen.beschreibung:
        out.append(Text("Finanzielle Auswirkungen", v.finanzen.beschreibung))
    return out


def _one_item(text: str) -> str:
    """A question as one list item: continuation lines indented under it."""
    return "\n   ".join(str(text).strip().splitlines())


class _Listing:
    """The files of the public tree's folders, each folder listed once (a thousand Drucksachen need
    two thousand look-ups), with their stat for :attr:`SiteFile.stat`."""

    def __init__(self) -> None:
        self.folders: dict[str, dict[str, os.stat_result]] = {}

    def files(self, folder: str) -> dict[str, os.stat_result]:
        found = self.folders.get(folder)
        if found is None:
            found = self.folders[folder] = {}
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        if entry.is_file():
                            found[entry.name] = entry.stat()
            except OSError:
                pass
        return found


def _document_files(documents: Path, body: str, nummer: str, key: str, datum: dt.date,
                    listing: _Listing) -> list[SiteFile]:
    name = nummer.replace("/", "-")
    folder = os.path.join(documents, "vorlagen", body)
    present = listing.files(folder)
    out = []
    for ext, label in ((".pdf", "PDF"), (".docx", "Word (DOCX)")):
        st = present.get(f"{name}{ext}")
        if st is not None:
            item = SiteFile(f"Drucksache {nummer} ({label})", Path(folder, f"{name}{ext}"), f"dokumente/{key}{ext}",
                            datum)
            item.__dict__["stat"] = st  # the listing's stat: SiteFile.stat is not taken again
            out.append(item)
    return out


_SITZUNG_FILES = (("Bekanntmachung.pdf", "Bekanntmachung"),
                  ("Bekanntmachung-Nachtrag.pdf", "Nachtrag zur Bekanntmachung"),
                  ("Sitzungsmappe-oeffentlich.pdf", "Sitzungsmappe"),
                  ("Niederschrift-oeffentlich.pdf", "Niederschrift"), ("Niederschrift.pdf", "Niederschrift"))


def _words(public: PublicProject, srec: Any) -> Woerter:
    """The words of a Sitzung's results, as its Niederschrift has them: its Körperschaft's layout and
    profile (the packaged words where the Gremium is not known)."""
    gremium = public.ref.gremien.get(srec.sitzung.gremium)
    if gremium is None or gremium.koerperschaft not in public.ref.koerperschaften:
        return vorgabe_woerter()
    return woerter_of(public, srec)


def _sitzung(srec: Any, site: Site, keys: dict[tuple[str, str], str], documents: Path, results: Results,
             public: PublicProject, w: Woerter) -> Sitzung:
    s = srec.sitzung
    gremium = site.gremien.get(s.gremium)
    body = gremium.koerperschaft if gremium else ""
    folder = documents / "sitzungen" / srec.slug
    files = [SiteFile(label, folder / name, f"dokumente/sitzungen/{srec.slug}/{name}", s.datum)
             for name, label in _SITZUNG_FILES if (folder / name).is_file()]
    tops = [_top(e, s, keys, results, srec.oeffentliche_ergebnisse, w) for e in srec.tops if e.oeffentlich_beraten
            or e.oeffentlich]  # the projection's TOPs: public ones, and those moved into the public part
    _top_pages(srec, tops, public.ref, w)
    return Sitzung(srec.slug, s.gremium, gremium.name if gremium else s.gremium, body, s.nummer, s.datum, s.beginn,
                   s.ort or "", s.raum or "", s.sitzungsleitung, tops, files, srec.path, _sitzung_sources(s),
                   s.ende or "", sitzung_name(s.nummer, s.bezeichnung))


def _source_file(label: str, f: Any, day: dt.date) -> SourceFile:
    return SourceFile(label, f.url, f.mime or "", f.groesse, f.datum or day)


def _sitzung_sources(s: Any) -> list[SourceFile]:
    """The documents of an imported Sitzung, at their address in the former system."""
    q = s.quelle
    if q is None:
        return []
    out = [_source_file(label, f, s.datum) for label, f in (("Einladung", q.einladung), ("Niederschrift",
                                                                                         q.niederschrift)) if f]
    return out + [_source_file(f.name, f, s.datum) for f in q.anlagen]


def _top(entry: Any, s: Any, keys: dict[tuple[str, str], str], results: Results,
         minutes: dict[str, TopErgebnis], w: Woerter) -> Top:
    """A public TOP with its result: the Beratungsfolge's (which the Niederschrift decides), else what
    the public Niederschrift records for it; the vote from the Niederschrift."""
    key = None
    ergebnis = ""
    if entry.record is not None:
        v = entry.record.vorlage
        key = keys.get((v.koerperschaft, v.nummer))
        step = next((st for st in v.beratungsfolge if st.gremium == s.gremium and st.datum == s.datum), None)
        ergebnis = _result(step, v, results) if step else ""
    minute = minutes.get(entry.nummer)
    if minute is not None:
        ergebnis = ergebnis or (minute.ergebnis or "")
    subs = [_top(u, s, keys, results, minutes, w) for u in entry.unterpunkte if u.oeffentlich or u.oeffentlich_beraten]
    abstimmung = abstimmung_text(minute.abstimmung, w) if minute is not None else ""
    quelle: list[SourceFile] = []
    said = ""
    if entry.quelle is not None:  # imported: the source's own words for the result, its Beschlusstext
        said = entry.quelle.ergebnis or ""
        ergebnis = ergebnis or said
        if said and said != ergebnis:
            abstimmung = abstimmung or said
        if entry.quelle.beschluss is not None:
            quelle.append(_source_file(f"Beschluss: {entry.quelle.beschluss.name}", entry.quelle.beschluss, s.datum))
        quelle += [_source_file(f.name, f, s.datum) for f in entry.quelle.anlagen]
    dazu = [k for k in (keys.get((r.vorlage.koerperschaft, r.vorlage.nummer)) for r in entry.dazu) if k]
    return Top(entry.nummer, klartext(entry.titel), entry.ebene, entry.nachtrag, key, ergebnis, subs, abstimmung,
               klartext(entry.hinweis), entry.abgesetzt, dazu, quelle, said, _einzelheiten(minute, w))


def _einzelheiten(minute: TopErgebnis | None, w: Woerter) -> list[str]:
    if minute is None:
        return []
    return ([teilabstimmung_text(a, w) for a in minute.abstimmungen]
            + [f"Wahl – {x.amt}: {', '.join(x.gewaehlt)} ({abstimmung_text(x.abstimmung, w)})" for x in minute.wahlen]
            + [f"Besetzung – {besetzung_text(b, w)}" for b in minute.besetzungen])


def _top_pages(srec: Any, tops: list[Top], ref: RefData, w: Woerter) -> None:
    """Give each public TOP its page and what the published Niederschrift records of it."""
    n = srec.niederschrift  # the public form: public TOPs only, redacted
    minutes = {t.top: t for t in n.tops} if n is not None and n.stand != "Entwurf" else {}
    entries = {e.nummer: e for e in srec.all_tops() if e.oeffentlich}
    seen: set[str] = set()
    stack = list(tops)
    while stack:
        top = stack.pop(0)
        stack[:0] = top.unterpunkte
        name = slugify(top.nummer) if top.nummer else "x"
        while name in seen:  # two TOPs of one number (a corpus quirk) get two pages
            name += "-2"
        seen.add(name)
        top.url = f"sitzungen/{srec.slug}/top-{name}.html"
        minute, entry = minutes.get(top.nummer), entries.get(top.nummer)
        if minute is not None and entry is not None:
            v = ergebnis_view(ref, entry, minute, True, dt.date.min, w)
            top.protokoll = Protokoll(v.ergebnis, v.beschluss, v.aenderung, v.verwiesen_an,
                                      v.abstimmung, v.fraktionen, v.abstimmungen, v.wahlen, v.besetzungen,
                                      v.befangen)


def _link_tops(site: Site) -> None:
    """A Beratungsfolge step links the page of its TOP when the site has one."""
    pages = {(s.slug, t.nummer): t.url for s in site.sitzungen.values() for t in s.all_tops()}
    for d in site.drucksachen.values():
        for step in d.steps:
            if step.sitzung and step.top:
                step.top_url = pages.get((step.sitzung, step.top), "")
