"""The attack fixture for Öffentlichkeit and the search that goes with it.

``make_leak_project(root)`` writes a complete small project (Hansestadt Lüneburg, the repository's
reference data plus entries of its own) with a distinct marker word in every place that must never
reach the public: every field of non-public Drucksachen and of their Anlagen (title, file name, text,
PDF Info and XMP), non-public TOPs and sub-TOPs with and without Drucksache, a public Drucksache's
non-public and personenbezogene Anlagen, Schwärzungen (marked spans and the ``schwaerzen`` list), an
Aktenzeichen, persons, an Amt and a Gremium (with a member) used only non-publicly, and a public
Drucksache whose Bezug is non-public. ``MARKERS`` lists them all; ``PUBLIC_WORDS`` are words that must reach the public.

``find_markers(folder, markers)`` searches every file below a folder as an attacker would: the file
names, the raw bytes, for PDFs every decompressed stream and every string (pikepdf) and the text
layer (pypdfium2), for DOCX/ZIP every member decompressed (``vorlagengen.public.leckpruefung.file_texts``,
which a council's ``vorlagengen leckpruefung`` uses too). Extend the fixture and the search for new
outputs (website, OParl, Niederschrift) rather than writing another.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import typst

from vorlagengen.public.leckpruefung import file_texts, norm  # the reading of vorlagengen leckpruefung

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
    "NoeMitglied",
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
lk-noe-mitglied:
  nachname: {M['NoeMitglied']}
  koerperschaft: lueneburg
""",
    "gremien": f"""
lk-noe-gremium:
  name: Arbeitskreis {M['NoeGremium']}
  koerperschaft: lueneburg
  mitglieder:
    - person: lk-noe-mitglied
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
def niederschrift_kopf(grund: str, gast: str) -> str:
    """The head of the fixtures' Niederschrift: times, Vorsitz, attendance (one excused with
    ``grund``), a guest; ``tops:`` follows."""
    return f"""stand: unterschrieben
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
    grund: {grund}
gaeste: [{gast}]
tops:
"""


NIEDERSCHRIFT = niederschrift_kopf(M["NsGrund"], f"Frau {M['NsGast']}") + f"""  - top: "Ö 1"
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


def find_markers(folder: Path, markers: dict[str, str] | None = None) -> dict[str, list[str]]:
    """marker name → the files (relative to ``folder``) in which it was found, in any form."""
    markers = MARKERS if markers is None else markers
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in folder.rglob("*")):
        rel = str(path.relative_to(folder))
        texts = [rel] if path.is_dir() else [rel, *file_texts(path)]
        hay = readable("\n".join(texts))
        hay_norm = norm(hay)
        lower = hay.lower()
        for name, word in markers.items():
            if word.lower() in lower or norm(word) in hay_norm:
                found.setdefault(name, []).append(rel)
    return found


_TAG = re.compile(r"<[^<>]{0,2000}>")


def readable(text: str) -> str:
    """``text`` and the forms a reader or a program gets from it: markup tags removed (a word split
    by ``<em>`` or DOCX runs joins again), entities and percent-escapes decoded."""
    if "<" not in text and "&" not in text and "%" not in text:
        return text
    stripped = _TAG.sub("", text)
    return "\n".join((text, stripped, html.unescape(stripped), unquote(text)))


def find_in_text(text: str, markers: dict[str, str] | None = None) -> list[str]:
    """The markers a log (stdout, stderr) names."""
    markers = MARKERS if markers is None else markers
    text = readable(text)
    return [name for name, word in markers.items() if word.lower() in text.lower() or norm(word) in norm(text)]


# --- the generative attack --------------------------------------------------------------------------
#
# ``make_generated_project(root, placements)`` writes a project like the fixture above, but each
# marker word sits where a ``Placement`` puts it: in one of the non-public places of ``SLOTS``, in a
# Markdown form (paragraph, table cell, footnote, heading, link text, link address) and written in a
# disguise a renderer resolves (entities, emphasis splits, line breaks, soft hyphens, percent-encoding
# in addresses). ``needles`` gives the words to search for: the marker and its disguised source form.

GEN_PREFIX = "Zlq"


@dataclass(frozen=True)
class Slot:
    """A non-public place: ``art`` is "md" (a Markdown block field), "zeile" (a one-line field:
    inline Markdown), "datei" (the text of an Anlage file, no Markdown) or "name" (a name in data/);
    ``span``: the marker is redacted inside a public text (``[…]{.geschwaerzt}``); ``intern``: the
    internal documents print it."""

    art: str
    span: bool = False
    intern: bool = True


SLOTS: dict[str, Slot] = {
    "NoeBetreff": Slot("zeile"), "NoeSachverhalt": Slot("md"), "NoeBeschluss": Slot("md"),
    "NoeAbschnittTitel": Slot("zeile"), "NoeAbschnittText": Slot("md"), "NoeAnlageTitel": Slot("zeile"),
    "NoeAnlageText": Slot("datei"), "NoePerson": Slot("name"), "NoeAmt": Slot("name"), "NoeGremium": Slot("name"),
    "SpanBetreff": Slot("zeile", span=True), "SpanSachverhalt": Slot("md", span=True),
    "SpanBeschluss": Slot("md", span=True), "SpanAbschnitt": Slot("md", span=True),
    "SpanAnlageTitel": Slot("zeile", span=True), "OeNoeAnlageTitel": Slot("zeile"), "OeNoeAnlageText": Slot("datei"),
    "PersAnlageTitel": Slot("zeile"), "PersAnlageText": Slot("datei"),
    "NoeTopTitel": Slot("zeile"), "NoeTopHinweis": Slot("zeile"), "NoeUnterTop": Slot("zeile"),
    "SpanTopTitel": Slot("zeile", span=True), "SpanTopHinweis": Slot("zeile", span=True),
    "NoeSchrittTop": Slot("zeile", intern=False),  # the allris layout has no column for a step's TOP
    "NsNoeInhalt": Slot("md"), "NsNoeBeschluss": Slot("md"), "NsNoeBericht": Slot("md"),
    "NsOeNoeBeschluss": Slot("md"),  # the Beschluss of a public Drucksache on the non-public part
    "NsSpanInhalt": Slot("md", span=True), "NsSpanBericht": Slot("md", span=True),
    "NsGast": Slot("zeile"), "NsGrund": Slot("zeile"),
}
FORMEN = ("absatz", "tabelle", "fussnote", "ueberschrift", "linktext", "linkziel")
TARNUNGEN = ("klar", "entity", "hexentity", "betonung", "fett", "weichestrennen", "umbruch")
assert not any(a != b and (GEN_PREFIX + a).lower() in (GEN_PREFIX + b).lower() for a in SLOTS for b in SLOTS)


@dataclass(frozen=True)
class Placement:
    slot: str
    form: str = "absatz"
    tarnung: str = "klar"
    at: int = 2  # where the disguise cuts the word (1 … len-2)

    @property
    def marker(self) -> str:
        return GEN_PREFIX + self.slot

    def getarnt(self) -> str:
        """The marker in its disguise, as it is written in the source."""
        w, k = self.marker, max(1, min(self.at, len(self.marker) - 2))
        art = SLOTS[self.slot].art
        tarnung = self.tarnung if art != "datei" else "klar"
        if tarnung == "umbruch" and art != "md":
            tarnung = "betonung"
        return {
            "klar": w,
            "entity": f"{w[:k]}&#{ord(w[k])};{w[k + 1:]}",
            "hexentity": f"{w[:k]}&#x{ord(w[k]):x};{w[k + 1:]}",
            "betonung": f"{w[:k]}*{w[k:k + 2]}*{w[k + 2:]}",
            "fett": f"{w[:k]}**{w[k:k + 2]}**{w[k + 2:]}",
            "weichestrennen": f"{w[:k]}&shy;{w[k:]}",
            "umbruch": f"{w[:k]}\n{w[k:]}",
        }[tarnung]

    def text(self) -> str:
        """The field's text with the marker in its form (a Markdown block for "md" slots)."""
        slot, d = SLOTS[self.slot], self.getarnt()
        inner = f"[Frau {d}]{{.geschwaerzt}}" if slot.span else d
        if slot.art == "datei":
            return f"Inhalt {d}"
        if slot.art == "name":
            return d.replace("\n", "")
        if slot.art == "zeile":  # one-line fields take inline Markdown only
            return f"Bericht zu {inner} und mehr"
        adresse = f"https://example.org/{self.marker[:2]}%{ord(self.marker[2]):X}{self.marker[3:]}"
        return {
            "absatz": f"Vorweg.\n\nBericht zu {inner} und mehr.\n",
            "tabelle": f"Vorweg.\n\n| Spalte | Wert |\n|---|---|\n| a | {inner} |\n",
            "fussnote": f"Text mit Anmerkung.[^1]\n\n[^1]: Anmerkung zu {inner}.\n",
            "ueberschrift": f"### Punkt {inner}\n\nText.\n",
            "linktext": f"Siehe [Verweis {inner}](https://example.org/seite) bitte.\n",
            # the address is the secret; in a public text it goes with the redacted link text
            "linkziel": f"Siehe [[Frau X]{{.geschwaerzt}}]({adresse}) bitte.\n" if slot.span
            else f"Siehe [Verweis]({adresse}) bitte.\n",
        }[self.form]

    def needles(self) -> dict[str, str]:
        """What the search looks for: the marker, and the disguised source form (a leak of the raw
        text); keys are ``slot`` and ``slot~``."""
        raw = self.getarnt().replace("\n", "")
        return {self.slot: self.marker, **({self.slot + "~": raw} if raw != self.marker else {})}


def _q(text: str) -> str:
    """A YAML scalar for any text: JSON's double-quoted strings are YAML."""
    return json.dumps(text, ensure_ascii=False)


def make_generated_project(root: Path, placements: list[Placement]) -> Path:
    """A project like ``make_leak_project``'s with the given markers in their places; every place
    without one gets a plain word."""
    by_slot = {p.slot: p for p in placements}

    def t(slot: str, filler: str) -> str:
        p = by_slot.get(slot)
        if p is None:
            return f"[Frau Muster]{{.geschwaerzt}} {filler}" if SLOTS[slot].span else filler
        return p.text()

    shutil.copytree(REPO / "data", root / "data")
    extra = {
        "aemter": f"\nlk-gen-amt:\n  name: {_q('Stabsstelle ' + t('NoeAmt', 'Sonder'))}\n  koerperschaft: lueneburg\n",
        "personen": f"\nlk-gen-person:\n  vorname: Erika\n  nachname: {_q(t('NoePerson', 'Beispiel'))}\n"
                    "  koerperschaft: lueneburg\n",
        "gremien": f"\nlk-gen-gremium:\n  name: {_q('Arbeitskreis ' + t('NoeGremium', 'Sonder'))}\n"
                   "  koerperschaft: lueneburg\n",
    }
    for name, text in extra.items():
        with (root / "data" / f"{name}.yaml").open("a", encoding="utf-8") as f:
            f.write(text)
    folder = root / "vorlagen" / "lueneburg"
    anlagen = folder / "anlagen"
    anlage_pdf(anlagen / "noe.pdf", t("NoeAnlageText", "Inhalt Gutachten"), "Gutachten")
    anlage_pdf(anlagen / "oeffentlich.pdf", "Plan Oeffentlichkeitsanlage", "Plan")
    anlage_pdf(anlagen / "oenoe.pdf", t("OeNoeAnlageText", "Inhalt Angebot"), "Angebot")
    anlage_pdf(anlagen / "pers.pdf", t("PersAnlageText", "Inhalt Schreiben"), "Schreiben")
    (folder / "VO-9101-19.yaml").write_text(f"""nummer: "VO/9101/19"
datum: 2019-03-20
koerperschaft: lueneburg
art: Beschlussvorlage
status: nichtöffentlich
betreff: {_q('Grundstück ' + t('NoeBetreff', 'Verkauf'))}
federfuehrend: lk-gen-amt
bearbeiter: lk-gen-person
beratungsfolge:
  - gremium: lk-gen-gremium
    datum: 2019-03-28
    zustaendigkeit: Vorberatung
    oeffentlich: nein
  - gremium: lueneburg-sga
    datum: 2019-04-04
    zustaendigkeit: Entscheidung
    oeffentlich: nein
sachverhalt: {_q(t('NoeSachverhalt', 'Der Kaufpreis ist vertraulich.'))}
beschlussvorschlag: {_q(t('NoeBeschluss', 'Der Ausschuss stimmt zu.'))}
abschnitte:
  - titel: {_q('Abwägung ' + t('NoeAbschnittTitel', 'Lage'))}
    text: {_q(t('NoeAbschnittText', 'Text.'))}
anlagen:
  - datei: anlagen/noe.pdf
    titel: {_q('Gutachten ' + t('NoeAnlageTitel', 'Wert'))}
""", encoding="utf-8")
    (folder / "VO-9103-19.yaml").write_text(f"""nummer: "VO/9103/19"
datum: 2019-03-20
koerperschaft: lueneburg
art: Beschlussvorlage
status: öffentlich
betreff: {_q('Spielplatzsanierung ' + t('SpanBetreff', 'Nord'))}
federfuehrend: lueneburg-05
bearbeiter: lueneburg-hampe
beratungsfolge:
  - gremium: lueneburg-sga
    datum: 2019-04-04
    zustaendigkeit: Entscheidung
sachverhalt: {_q('Die Spielplatzsanierung ist nötig. ' + t('SpanSachverhalt', 'Angeregt.'))}
beschlussvorschlag: {_q(t('SpanBeschluss', 'Der Ausschuss beschließt die Sanierung.'))}
abschnitte:
  - titel: Stellungnahme
    text: {_q(t('SpanAbschnitt', 'Die Wegebeleuchtung wird erneuert.'))}
anlagen:
  - datei: anlagen/oeffentlich.pdf
    titel: Oeffentlichkeitsanlage Plan
  - datei: anlagen/oenoe.pdf
    titel: {_q('Angebot ' + t('OeNoeAnlageTitel', 'Preis'))}
    oeffentlich: nein
  - datei: anlagen/pers.pdf
    titel: {_q('Schreiben ' + t('PersAnlageTitel', 'Anwohner'))}
    personenbezogen: ja
  - datei: anlagen/oeffentlich.pdf
    titel: {_q('Brief ' + t('SpanAnlageTitel', 'Nachbar'))}
""", encoding="utf-8")
    (folder / "VO-9104-19.yaml").write_text(f"""nummer: "VO/9104/19"
datum: 2019-03-20
koerperschaft: lueneburg
art: Beschlussvorlage
status: öffentlich
betreff: Radwegebau Ortsmitte
federfuehrend: lueneburg-05
beratungsfolge:
  - gremium: lueneburg-sga
    datum: 2019-04-04
    top: {_q(t('NoeSchrittTop', 'N 3'))}
    zustaendigkeit: Entscheidung
sachverhalt: Der Radweg wird gebaut.
beschlussvorschlag: Der Ausschuss beschließt den Radweg.
""", encoding="utf-8")
    (root / "sitzungen").mkdir()
    (root / "sitzungen" / "sga.yaml").write_text(f"""gremium: lueneburg-sga
nummer: SGA/2019/02
datum: 2019-04-04
beginn: "16:00"
ort: Rathaus Lüneburg
sitzungsleitung: lueneburg-vorsitz-sga
einladungsdatum: 2019-03-22
tagesordnung:
  oeffentlich:
    - titel: Eröffnung
    - drucksache: "VO/9103/19"
    - titel: {_q('Bericht ' + t('SpanTopTitel', 'Markt'))}
      hinweis: {_q(t('SpanTopHinweis', 'mit Gast'))}
  nichtoeffentlich:
    - titel: {_q('Vertrauliches ' + t('NoeTopTitel', 'Grundstück'))}
      hinweis: {_q(t('NoeTopHinweis', 'Vorlage folgt'))}
    - drucksache: "VO/9101/19"
    - drucksache: "VO/9104/19"
    - titel: Personal
      unterpunkte:
        - titel: {_q('Einzelfall ' + t('NoeUnterTop', 'Stelle'))}
""", encoding="utf-8")
    kopf = niederschrift_kopf(_q(t("NsGrund", "krank")), _q("Frau " + t("NsGast", "Gast")))
    (root / "sitzungen" / "sga.niederschrift.yaml").write_text(kopf + f"""  - top: "Ö 1"
  - top: "Ö 2"
    ergebnis: ungeändert beschlossen
    inhalt: {_q(t('NsSpanInhalt', 'Aussprache.'))}
    abstimmung: {{einstimmig: ja}}
    kontrolle: {{amt: lueneburg-05, frist: 2019-06-30, status: offen, bericht: {_q(t('NsSpanBericht', 'Läuft.'))}}}
  - top: "Ö 3"
  - top: "N 1"
    inhalt: {_q(t('NsNoeInhalt', 'Beraten.'))}
  - top: "N 2"
    ergebnis: geändert beschlossen
    aenderung: Geändert.
    beschluss: {_q(t('NsNoeBeschluss', 'Beschlossen.'))}
    abstimmung: {{einstimmig: ja}}
    kontrolle: {{amt: lueneburg-05, frist: 2019-06-30, status: erledigt, bericht: {_q(t('NsNoeBericht', 'Erledigt.'))}}}
  - top: "N 3"
    ergebnis: abgelehnt
    beschluss: {_q(t('NsOeNoeBeschluss', 'Abgelehnt wird der Radweg.'))}
    abstimmung: {{ja: 1, nein: 4, enthaltung: 0}}
  - top: "N 4"
  - top: "N 4.1"
""", encoding="utf-8")
    return root


def placements() -> Any:
    """A hypothesis strategy: a batch of placements, each slot at most once (many markers share one
    build, which is what makes the test affordable)."""
    from hypothesis import strategies as st

    one = st.builds(Placement, slot=st.sampled_from(sorted(SLOTS)), form=st.sampled_from(FORMEN),
                    tarnung=st.sampled_from(TARNUNGEN), at=st.integers(1, 12))
    return st.lists(one, min_size=8, max_size=len(SLOTS), unique_by=lambda p: p.slot)
