"""The attack fixture for Öffentlichkeit and the search that goes with it.

``make_leak_project(root)`` writes a complete small project (Hansestadt Lüneburg, the repository's
reference data plus entries of its own) with a distinct marker word in every place that must never
reach the public: every field of non-public Drucksachen and of their Anlagen (title, file name, text,
PDF Info and XMP), non-public TOPs and sub-TOPs with and without Drucksache, a public Drucksache's
non-public and personenbezogene Anlagen, Schwärzungen (marked spans and the ``schwaerzen`` list), an
Aktenzeichen, persons, an Amt and a Gremium used only non-publicly, and a public Drucksache whose Bezug
is non-public. ``MARKERS`` lists them all; ``PUBLIC_WORDS`` are words that must reach the public.

``find_markers(folder, markers)`` searches every file below a folder as an attacker would: the file
names, the raw bytes, for PDFs every decompressed stream and every string (pikepdf) and the text
layer (pypdfium2), for DOCX/ZIP every member decompressed. Extend the fixture and the search for new
outputs (website, OParl, Niederschrift) rather than writing another.
"""

from __future__ import annotations

import gzip
import io
import re
import shutil
import zipfile
from pathlib import Path

import typst

REPO = Path(__file__).resolve().parents[1]
PREFIX = "Zlk"

# name → the marker word; no marker is part of another, so finding one proves that one.
_NAMES = (
    "NoeBetreff", "NoeSachverhalt", "NoeBeschluss", "NoeAbschnittTitel", "NoeAbschnittText", "NoeFinanzen",
    "NoeTeilhaushalt", "NoeAktenzeichen", "NoeAnlageTitel", "NoeAnlageDatei", "NoeAnlageText", "NoeAnlageInfo",
    "NoeAnlageXmp", "NoeBildTitel", "NoeBildDatei", "NoeAmt", "NoePerson", "NoeDezernent", "NoeGremium",
    "NoeUnterschrift", "NoeTopTitel", "NoeTopOber", "NoeUnterTop", "NoeZweiBetreff", "NoeZweiSachverhalt",
    "NoeFragen", "OeNoeAnlageTitel", "OeNoeAnlageDatei", "OeNoeAnlageText", "OeNoeAnlageInfo",
    "PersAnlageTitel", "PersAnlageDatei", "PersAnlageText", "PersAnlageInfo", "SpanSachverhalt",
    "SpanBetreff", "SpanAbschnittTitel", "SpanAnlageTitel", "SpanTopTitel", "ListeName",
    "NoeSchrittTop", "NoeSchrittInhalt", "NoeSchrittWort", "NoeSchrittBeschlussNr", "NoeNsInhalt", "NoeNsBeschluss", "NoeNsBericht", "NsGast", "NsGrund",
)
MARKERS: dict[str, str] = {name: PREFIX + name for name in _NAMES}
assert not any(a != b and a.lower() in b.lower() for a in MARKERS.values() for b in MARKERS.values())

# Must appear in the public tree: the test cannot pass by publishing nothing.
PUBLIC_WORDS = ("Spielplatzsanierung", "Wegebeleuchtung", "Oeffentlichkeitsanlage")

NR_NOE = "VO/9001/19"
NR_NOE2 = "VO/9002/19"
NR_OEFF = "VO/9003/19"
NR_STELLUNGNAHME = "VO/9001/19-01"
SLUG_SITZUNG = "lueneburg-sga-2019-04-04"

M = MARKERS


def anlage_pdf(path: Path, text: str, title: str, keywords: str = "") -> None:
    """A one-page PDF whose text, Info title and XMP carry the given words."""
    kw = f', keywords: ("{keywords}",)' if keywords else ""
    source = (f'#set document(title: "{title}", author: ("{title}",){kw})\n'
              f'#set page(paper: "a4")\n#set text(lang: "de")\n= Anlage\n\n{text}\n')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(typst.compile(source.encode(), timestamp=0))


def _png(path: Path) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), (200, 30, 30)).save(path)


_DATA_EXTRA = {
    "aemter": f"""
lk-noe-amt:
  name: Stabsstelle {M['NoeAmt']}
  koerperschaft: lueneburg
""",
    "personen": f"""
lk-noe-person:
  vorname: Erika
  nachname: {M['NoePerson']}
  koerperschaft: lueneburg
lk-noe-dezernent:
  nachname: {M['NoeDezernent']}
  funktion: Stadträtin
  koerperschaft: lueneburg
lk-noe-unterschrift:
  nachname: {M['NoeUnterschrift']}
  koerperschaft: lueneburg
""",
    "gremien": f"""
lk-noe-gremium:
  name: Arbeitskreis {M['NoeGremium']}
  koerperschaft: lueneburg
""",
}


def _noe_record() -> str:
    return f"""nummer: "{NR_NOE}"
datum: 2019-03-20
koerperschaft: lueneburg
art: Beschlussvorlage
status: nichtöffentlich
betreff: Grundstücksangelegenheit {M['NoeBetreff']}
federfuehrend: lk-noe-amt
bearbeiter: lk-noe-person
dezernent: lk-noe-dezernent
aktenzeichen: AZ-{M['NoeAktenzeichen']}
beratungsfolge:
  - gremium: lk-noe-gremium
    datum: 2019-03-28
    top: "{M['NoeSchrittTop']}"
    zustaendigkeit: Vorberatung
    oeffentlich: nein
  - gremium: lueneburg-sga
    datum: 2019-04-04
    zustaendigkeit: Entscheidung
    oeffentlich: nein
sachverhalt: |
  Der Kaufpreis ist vertraulich: {M['NoeSachverhalt']}.
beschlussvorschlag: |
  Der Ausschuss stimmt dem Verkauf zu ({M['NoeBeschluss']}).
abschnitte:
  - titel: Abwägung {M['NoeAbschnittTitel']}
    text: Text {M['NoeAbschnittText']}.
finanzen:
  auswirkungen: ja
  beschreibung: Erlös {M['NoeFinanzen']}.
  teilhaushalt: TH {M['NoeTeilhaushalt']}
anlagen:
  - datei: anlagen/{M['NoeAnlageDatei'].lower()}.pdf
    titel: Gutachten {M['NoeAnlageTitel']}
  - datei: anlagen/{M['NoeBildDatei'].lower()}.png
    titel: Lageplan {M['NoeBildTitel']}
unterschrift:
  person: lk-noe-unterschrift
"""


def _noe2_record() -> str:
    return f"""nummer: "{NR_NOE2}"
datum: 2019-03-20
koerperschaft: lueneburg
art: Anfrage
status: nichtöffentlich
betreff: Personalfrage {M['NoeZweiBetreff']}
initiator: lueneburg-sga
beratungsfolge:
  - gremium: lueneburg-sga
    datum: 2019-04-04
    zustaendigkeit: Kenntnisnahme
    oeffentlich: nein
sachverhalt: Hintergrund {M['NoeZweiSachverhalt']}.
fragen:
  - Wer ist {M['NoeFragen']}?
"""


def _oeff_record() -> str:
    return f"""nummer: "{NR_OEFF}"
datum: 2019-03-20
koerperschaft: lueneburg
art: Beschlussvorlage
status: öffentlich
betreff: Spielplatzsanierung auf Antrag von [{M['SpanBetreff']}]{{.geschwaerzt}}
federfuehrend: lueneburg-05
bearbeiter: lueneburg-hampe
beratungsfolge:
  - gremium: lueneburg-sga
    datum: 2019-03-28
    zustaendigkeit: Vorberatung
    oeffentlich: nein
    erledigt: ja
    beschluss_nr: "{M['NoeSchrittBeschlussNr']}"
    beratungsinhalt: Besprochen {M['NoeSchrittInhalt']}.
    wortprotokoll: Gesagt {M['NoeSchrittWort']}.
  - gremium: lueneburg-sga
    datum: 2019-04-04
    zustaendigkeit: Entscheidung
schwaerzen: ["{M['ListeName']}"]
sachverhalt: |
  Die Anwohnerin [Frau {M['SpanSachverhalt']}]{{.geschwaerzt}} hat die Spielplatzsanierung angeregt.
  Auch [{M['ListeName']}]{{.geschwaerzt}} unterstützt sie.
beschlussvorschlag: |
  Der Ausschuss beschließt die Spielplatzsanierung.
abschnitte:
  - titel: Stellungnahme von [{M['SpanAbschnittTitel']}]{{.geschwaerzt}}
    text: Die Wegebeleuchtung wird erneuert.
anlagen:
  - datei: anlagen/oeffentlichkeitsanlage.pdf
    titel: Oeffentlichkeitsanlage Plan
  - datei: anlagen/{M['OeNoeAnlageDatei'].lower()}.pdf
    titel: Angebot {M['OeNoeAnlageTitel']}
    oeffentlich: nein
  - datei: anlagen/{M['PersAnlageDatei'].lower()}.pdf
    titel: Schreiben {M['PersAnlageTitel']}
    personenbezogen: ja
  - datei: anlagen/brief.pdf
    titel: Brief von [{M['SpanAnlageTitel']}]{{.geschwaerzt}}
"""


def _stellungnahme_record() -> str:
    return f"""nummer: "{NR_STELLUNGNAHME}"
datum: 2019-03-21
koerperschaft: lueneburg
art: Stellungnahme
status: öffentlich
betreff: Stellungnahme zur Wegebeleuchtung
federfuehrend: lueneburg-05
bezug: ["{NR_NOE}", "{NR_OEFF}"]  # several Bezüge: the rule holds for each
beratungsfolge:
  - gremium: lueneburg-sga
    datum: 2019-04-04
    zustaendigkeit: Kenntnisnahme
sachverhalt: |
  Die Verwaltung nimmt Stellung zur Wegebeleuchtung.
"""


SITZUNG = f"""gremium: lueneburg-sga
nummer: SGA/2019/02
datum: 2019-04-04
beginn: "16:00"
ort: Rathaus Lüneburg
raum: Huldigungssaal
sitzungsleitung: lueneburg-vorsitz-sga
einladungsdatum: 2019-03-22
tagesordnung:
  oeffentlich:
    - titel: Eröffnung
    - drucksache: "{NR_OEFF}"
    - drucksache: "{NR_STELLUNGNAHME}"
    - titel: Bericht zu [{M['SpanTopTitel']}]{{.geschwaerzt}}
  nichtoeffentlich:
    - titel: Vertrauliches {M['NoeTopTitel']}
    - drucksache: "{NR_NOE}"
    - titel: Personal {M['NoeTopOber']}
      unterpunkte:
        - titel: Einzelfall {M['NoeUnterTop']}
        - drucksache: "{NR_NOE2}"
"""


# The Niederschrift of the fixture's Sitzung: markers in the non-public part, in the guests and in a
# reason of absence (neither may be published), and in the Beschlusskontrolle of a non-public TOP.
NIEDERSCHRIFT = f"""stand: unterschrieben
oeffentlich: {{beginn: "16:00", ende: "17:00"}}
nichtoeffentlich: {{beginn: "17:10", ende: "17:40"}}
vorsitz: lueneburg-vorsitz-sga
schriftfuehrung: lueneburg-schriftfuehrung
anwesenheit:
  - person: lueneburg-vorsitz-sga
  - person: lueneburg-sga-meyer
  - person: lueneburg-sga-schmidt
  - person: lueneburg-sga-neumann
  - person: lueneburg-sga-fischer
  - person: lueneburg-sga-weber
    status: entschuldigt
    grund: {M['NsGrund']}
gaeste: [Frau {M['NsGast']}]
tops:
  - top: "Ö 1"
  - top: "Ö 2"
    ergebnis: zur Kenntnis genommen
  - top: "Ö 3"
    ergebnis: zur Kenntnis genommen
  - top: "Ö 4"
    ergebnis: zur Kenntnis genommen
  - top: "N 1"
    inhalt: Beraten wurde {M['NoeNsInhalt']}.
  - top: "N 2"
    ergebnis: geändert beschlossen
    aenderung: Geändert.
    beschluss: Beschlossen wird {M['NoeNsBeschluss']}.
    abstimmung: {{einstimmig: ja}}
    kontrolle: {{amt: lueneburg-05, frist: 2019-06-30, status: erledigt, bericht: "Erledigt: {M['NoeNsBericht']}"}}
  - top: "N 3"
  - top: "N 3.1"
  - top: "N 3.2"
    ergebnis: zur Kenntnis genommen
"""


def make_leak_project(root: Path) -> Path:
    """Write the attack fixture into ``root`` (created) and return it."""
    shutil.copytree(REPO / "data", root / "data")
    bodies = root / "data" / "koerperschaften.yaml"
    text = bodies.read_text(encoding="utf-8")
    assert "\nlueneburg:\n" in text
    bodies.write_text(text.replace("\nlueneburg:\n", "\nlueneburg:\n  oeffentlichkeit:\n"
                                   "    nichtoeffentliche_anlagen: anzahl\n"
                                   "    vermerk: Vertraulich – nur für Ratsmitglieder\n"), encoding="utf-8")
    for name, extra in _DATA_EXTRA.items():
        with (root / "data" / f"{name}.yaml").open("a", encoding="utf-8") as f:
            f.write(extra)
    folder = root / "vorlagen" / "lueneburg"
    folder.mkdir(parents=True)
    (folder / "VO-9001-19.yaml").write_text(_noe_record(), encoding="utf-8")
    (folder / "VO-9002-19.yaml").write_text(_noe2_record(), encoding="utf-8")
    (folder / "VO-9003-19.yaml").write_text(_oeff_record(), encoding="utf-8")
    (folder / "VO-9001-19-01.yaml").write_text(_stellungnahme_record(), encoding="utf-8")
    anlagen = folder / "anlagen"
    anlage_pdf(anlagen / f"{M['NoeAnlageDatei'].lower()}.pdf", f"Wert {M['NoeAnlageText']}", M["NoeAnlageInfo"],
               M["NoeAnlageXmp"])
    _png(anlagen / f"{M['NoeBildDatei'].lower()}.png")
    anlage_pdf(anlagen / "oeffentlichkeitsanlage.pdf", "Plan Oeffentlichkeitsanlage", "Oeffentlichkeitsanlage")
    anlage_pdf(anlagen / f"{M['OeNoeAnlageDatei'].lower()}.pdf", f"Preis {M['OeNoeAnlageText']}",
               M["OeNoeAnlageInfo"])
    anlage_pdf(anlagen / f"{M['PersAnlageDatei'].lower()}.pdf", f"Adresse {M['PersAnlageText']}",
               M["PersAnlageInfo"])
    anlage_pdf(anlagen / "brief.pdf", "Ein Brief ohne Namen.", "Brief")
    (root / "sitzungen").mkdir()
    (root / "sitzungen" / "sga.yaml").write_text(SITZUNG, encoding="utf-8")
    (root / "sitzungen" / "sga.niederschrift.yaml").write_text(NIEDERSCHRIFT, encoding="utf-8")
    return root


# --- the search -----------------------------------------------------------------------------------


def _variants(word: str) -> list[bytes]:
    """How a word can sit in a file: UTF-8, UTF-16 (PDF strings, both byte orders), Latin-1."""
    return [word.encode("utf-8"), word.encode("utf-16-be"), word.encode("utf-16-le")]


def norm(text: str) -> str:
    """Letters and digits only, lower case: hyphenation and line breaks do not hide a word."""
    return re.sub(r"[^0-9a-zäöüß]", "", text.lower())


def _pdf_texts(data: bytes) -> list[str]:
    """Every decompressed stream and every string object of a PDF, and its text layer."""
    import pikepdf
    import pypdfium2 as pdfium

    out: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            out.extend(_pdf_object_texts(obj, pikepdf))
        out.append(str(pdf.trailer))
    doc = pdfium.PdfDocument(data)
    try:
        out.extend(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    return out


def _pdf_object_texts(obj: object, pikepdf: object) -> list[str]:
    pk = pikepdf
    out: list[str] = []
    if isinstance(obj, pk.Stream):  # type: ignore[attr-defined]
        try:
            raw = obj.read_bytes()
        except pk.PdfError:  # type: ignore[attr-defined]
            raw = obj.read_raw_bytes()
        out.append(raw.decode("latin-1"))
        out.append(raw.decode("utf-8", "replace"))
        out.append(raw.decode("utf-16-be", "replace"))
        out.append(repr(dict(obj.stream_dict.items())))
    elif isinstance(obj, pk.Dictionary | pk.Array | pk.String):  # type: ignore[attr-defined]
        out.append(repr(obj))
        if isinstance(obj, pk.String):  # type: ignore[attr-defined]
            out.append(str(obj))
    return out


def file_texts(path: Path) -> list[str]:
    """Everything a reader or a program could get out of one file, as text."""
    data = path.read_bytes()
    texts = [path.name, data.decode("latin-1"), data.decode("utf-8", "replace")]
    texts += [data.decode(enc, "replace") for enc in ("utf-16-be", "utf-16-le")]
    if data.startswith(b"%PDF"):
        texts += _pdf_texts(data)
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for info in z.infolist():
                member = z.read(info)
                texts += [info.filename, member.decode("utf-8", "replace")]
    if data.startswith(b"\x1f\x8b"):  # gzip: the website's search index (Pagefind fragments, index, filters)
        inner = gzip.decompress(data)
        texts += [inner.decode("utf-8", "replace"), inner.decode("latin-1")]
    return texts


def find_markers(folder: Path, markers: dict[str, str] | None = None) -> dict[str, list[str]]:
    """marker name → the files (relative to ``folder``) in which it was found, in any form."""
    markers = MARKERS if markers is None else markers
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in folder.rglob("*")):
        rel = str(path.relative_to(folder))
        texts = [rel] if path.is_dir() else [rel, *file_texts(path)]
        hay = "\n".join(texts)
        hay_norm = norm(hay)
        lower = hay.lower()
        for name, word in markers.items():
            if word.lower() in lower or norm(word) in hay_norm:
                found.setdefault(name, []).append(rel)
    return found


def find_in_text(text: str, markers: dict[str, str] | None = None) -> list[str]:
    """The markers a log (stdout, stderr) names."""
    markers = MARKERS if markers is None else markers
    return [name for name, word in markers.items() if word.lower() in text.lower() or norm(word) in norm(text)]
