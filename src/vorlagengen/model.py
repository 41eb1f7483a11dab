"""The typed record of a Drucksache and of the reference data in ``data/``.

Keys are the German words authors type in YAML (ASCII-transliterated: ``oeffentlich``,
``federfuehrend``). Every field carries a German description: it becomes the hover text of the JSON
Schema that editors use to complete and check records.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

ART = Literal[
    "Beschlussvorlage",
    "Mitteilungsvorlage",
    "Informationsvorlage",
    "Stellungnahme",
    "Antrag",
    "Anfrage",
    "Beantwortung einer Anfrage",
    "Tischvorlage",
    "Ergänzungsvorlage",
    "Drucksache",
]
ARTEN: tuple[str, ...] = get_args(ART)

STATUS = Literal["öffentlich", "nichtöffentlich"]
ZUSTAENDIGKEIT = Literal["Vorberatung", "Empfehlung", "Kenntnisnahme", "Entscheidung", "Anhörung"]
ERGEBNIS = Literal[
    "ungeändert beschlossen",
    "geändert beschlossen",
    "zur Kenntnis genommen",
    "abgelehnt",
    "vertagt",
    "zurückgestellt",
    "zurückgezogen",
    "verwiesen",
    "abgesetzt",
    "ohne Votum",
]
ZUSATZ = Literal["In Vertretung", "Im Auftrag"]
RECHNUNG = Literal["Ergebnisrechnung", "Finanzrechnung investiv"]

# Which text parts each Art must have (field names of Vorlage). Checked in validate.py so that the
# message can name the missing field and the Art together.
PFLICHT_NACH_ART: dict[str, tuple[str, ...]] = {
    "Beschlussvorlage": ("sachverhalt", "beschlussvorschlag"),
    "Mitteilungsvorlage": ("sachverhalt",),
    "Informationsvorlage": ("sachverhalt",),
    "Stellungnahme": ("sachverhalt", "bezug"),
    "Antrag": ("initiator", "beschlussvorschlag"),
    "Anfrage": ("initiator", "fragen"),
    "Beantwortung einer Anfrage": ("bezug", "fragen", "antwort"),
    "Tischvorlage": ("sachverhalt",),
    "Ergänzungsvorlage": ("sachverhalt", "bezug"),
    "Drucksache": ("sachverhalt",),
}

_GERMAN_DATE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")


def _german_date(value: Any) -> Any:
    """Accept ``03.05.2011`` beside ISO ``2011-05-03``; YAML dates arrive as text (see yamlio)."""
    if isinstance(value, str):
        m = _GERMAN_DATE.match(value)
        if m:
            day, month, year = map(int, m.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                return value  # impossible day: the message shows the date as the author wrote it
    return value


def _german_bool(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in ("ja", "nein"):
        return value.strip().lower() == "ja"
    return value


def _german_decimal(value: Any) -> Any:
    """Accept German amounts ``39,50``, ``3.000`` and ``1.234,50`` (YAML floats are refused: amounts
    are exact, and ``3.000`` as a YAML float would silently be three)."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            word = "keine Zahl" if math.isnan(value) else "unendlich"
            raise ValueError(f"kein Betrag ({word}); bitte einen Betrag angeben, z. B. \"39,50\"")
        raise ValueError("Betrag als Gleitkommazahl; bitte als Text angeben, z. B. \"39,50\"")
    if isinstance(value, str):
        text = value.strip()
        special = text.lower().lstrip("+-")
        if special in ("nan", "snan", "inf", "infinity"):
            word = "keine Zahl" if "nan" in special else "unendlich"
            raise ValueError(f"„{text}“ ist kein Betrag ({word}); bitte einen Betrag angeben, z. B. \"39,50\"")
        if re.fullmatch(r"[+-]?[\d.,]*\d[eE][+-]?\d+", text):
            raise ValueError(f"„{text}“: Beträge bitte ohne Exponent schreiben, z. B. \"100.000\"")
        if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", text):  # 1.234 or 1.234.567,50
            return text.replace(".", "").replace(",", ".")
        if re.fullmatch(r"-?\d+,\d+", text):  # 39,50
            return text.replace(",", ".")
    return value


Datum = Annotated[dt.date, BeforeValidator(_german_date)]
JaNein = Annotated[bool, BeforeValidator(_german_bool)]
# Every amount of Finanzen is a cost, an income or a sum that cannot be negative.
Betrag = Annotated[Decimal, BeforeValidator(_german_decimal), Field(max_digits=14, decimal_places=2, ge=0)]
Text = Annotated[str, Field(min_length=1)]
Markdown = Annotated[str, Field(min_length=1, description="Text in Markdown")]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Kurzkennung aus data/")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Beratungsschritt(_Strict):
    """Ein Schritt der Beratungsfolge."""

    gremium: Id = Field(description="Gremium (Kennung aus data/gremien.yaml)")
    datum: Datum = Field(description="Sitzungsdatum (JJJJ-MM-TT oder TT.MM.JJJJ)")
    top: str | None = Field(None, description="Tagesordnungspunkt, z. B. „12.7“ oder „Ö 3“")
    zustaendigkeit: ZUSTAENDIGKEIT = Field(description="Rolle des Gremiums in diesem Schritt")
    oeffentlich: JaNein = Field(True, description="Beratung in öffentlicher Sitzung")
    ergebnis: ERGEBNIS | None = Field(None, description="Ergebnis der Beratung, sobald sie stattfand")
    erledigt: JaNein = Field(False, description="Schritt abgeschlossen (auch ohne Beschluss)")


class Abschnitt(_Strict):
    """Ein weiterer Textabschnitt mit eigener Überschrift."""

    titel: Text = Field(description="Überschrift, z. B. „Bezug zum strategischen Management“")
    text: Markdown


class Anlage(_Strict):
    """Eine Datei im Repository, die der Drucksache beiliegt. Größe und Seitenzahl werden berechnet."""

    datei: Text = Field(description="Pfad relativ zur Datei der Drucksache, innerhalb des Projekts")
    titel: Text = Field(description="Bezeichnung der Anlage")
    oeffentlich: JaNein = Field(True, description="Anlage darf veröffentlicht werden")


class Deckung(_Strict):
    """Deckung einer über- oder außerplanmäßigen Aufwendung (Segeberger Formular)."""

    minderaufwand_produktkonto: str | None = Field(
        None, description="Minderaufwendungen bzw. -auszahlungen beim Produktkonto"
    )
    mehrertrag_produktkonto: str | None = Field(
        None, description="Mehrerträge bzw. -einzahlungen beim Produktkonto"
    )


class Finanzen(_Strict):
    """Finanzielle Auswirkungen. Füllt sowohl das Schema a)–e) (ALLRIS Office Integration) als auch
    das Ankreuzformular (ALLRIS 4, Kreis Segeberg)."""

    auswirkungen: JaNein = Field(description="Hat der Beschluss finanzielle Auswirkungen? (ja/nein)")
    beschreibung: Markdown | None = Field(None, description="Darstellung der Auswirkungen")
    kosten_erarbeitung: Betrag | None = Field(None, description="a) Kosten für die Erarbeitung der Vorlage (EUR)")
    kosten_vorbereitung: Betrag | None = Field(
        None, description="aa) Vorbereitende Kosten, z. B. Ausschreibungen, Ortstermine (EUR)"
    )
    kosten_umsetzung: Betrag | None = Field(
        None, description="b) einmalige Kosten für die Umsetzung der Maßnahmen (EUR)"
    )
    folgekosten: Betrag | None = Field(None, description="c) Folgekosten (EUR)")
    haushaltsrechtlich_gesichert: JaNein | None = Field(None, description="d) haushaltsrechtlich gesichert")
    teilhaushalt: str | None = Field(None, description="Teilhaushalt / Kostenstelle bzw. Teilplan")
    produktkonto: str | None = Field(None, description="Produkt / Kostenträger bzw. Produktkonto")
    haushaltsjahr: int | None = Field(None, ge=1900, le=2200, description="Haushaltsjahr")
    einnahmen: Betrag | None = Field(None, description="e) mögliche Einnahmen (EUR)")
    rechnung: RECHNUNG | None = Field(None, description="Mittelbereitstellung in Ergebnis- oder Finanzrechnung")
    ausserplanmaessig: Betrag | None = Field(
        None, description="Betrag einer über-/außerplanmäßigen Aufwendung bzw. Auszahlung (EUR)"
    )
    deckung: Deckung | None = Field(None, description="Deckung der Haushaltsüberschreitung")


class Unterschrift(_Strict):
    """Zeichnungsblock."""

    person: Id = Field(description="Unterzeichnende Person (Kennung aus data/personen.yaml)")
    zusatz: ZUSATZ | None = Field(None, description="„In Vertretung“ oder „Im Auftrag“")


class Vorlage(_Strict):
    """Eine Drucksache (Vorlage, Antrag, Anfrage, Stellungnahme …)."""

    nummer: Text = Field(description="Drucksachen-Nr. nach dem Schema der Körperschaft, z. B. „19/0167“")
    datum: Datum = Field(description="Datum der Drucksache")
    koerperschaft: Id = Field(description="Körperschaft (Kennung aus data/koerperschaften.yaml)")
    art: ART = Field(description="Art der Drucksache")
    status: STATUS = Field(description="öffentlich oder nichtöffentlich")
    entwurf: JaNein = Field(False, description="Entwurf: wird auf jeder Seite als ENTWURF gestempelt")
    abgeschlossen: JaNein = Field(False, description="Vorlage abgeschlossen (alle Beratungen erledigt)")
    betreff: Text = Field(description="Betreff / Titel")
    federfuehrend: Id | None = Field(None, description="federführende Stelle (Kennung aus data/aemter.yaml)")
    beteiligt: list[Id] = Field(default_factory=list, description="beteiligte Stellen (data/aemter.yaml)")
    bearbeiter: Id | None = Field(None, description="Bearbeiter/-in (data/personen.yaml)")
    verfasser: list[Id] = Field(default_factory=list, description="Verfasser/-innen (data/personen.yaml)")
    initiator: Id | None = Field(None, description="Antragsteller, z. B. eine Fraktion (data/gremien.yaml)")
    dezernent: Id | None = Field(
        None, description="zuständige Dezernentin / fed. Senator/-in (data/personen.yaml)"
    )
    aktenzeichen: str | None = Field(None, description="Aktenzeichen")
    bezug: str | None = Field(
        None, description="Drucksachen-Nr., auf die sich diese bezieht (Stellungnahme, Ergänzung, Antwort)"
    )
    beratungsfolge: list[Beratungsschritt] = Field(default_factory=list, description="Beratungsfolge")
    sachverhalt: Markdown | None = Field(None, description="Sachverhalt / Begründung")
    beschlussvorschlag: Markdown | None = Field(None, description="Beschlussvorschlag / Antragstext")
    fragen: list[Markdown] = Field(default_factory=list, description="Fragen einer Anfrage")
    antwort: Markdown | None = Field(None, description="Antwort der Verwaltung")
    abschnitte: list[Abschnitt] = Field(default_factory=list, description="weitere Abschnitte")
    finanzen: Finanzen | None = Field(None, description="Finanzielle Auswirkungen")
    anlagen: list[Anlage] = Field(default_factory=list, description="Anlagen")
    unterschrift: Unterschrift | None = Field(None, description="Zeichnungsblock")

    @property
    def oeffentlich(self) -> bool:
        return self.status == "öffentlich"


# --- reference data ---------------------------------------------------------------------------


class Koerperschaft(_Strict):
    """Eine Körperschaft (Kreis, Stadt, Bezirk, Verband) mit ihrem Erscheinungsbild."""

    name: Text = Field(description="Name, z. B. „Bezirksversammlung Wandsbek“")
    briefkopf: list[Text] = Field(description="Zeilen des Briefkopfs, von oben nach unten")
    layout: Text = Field(description="Layout-Ordner unter templates/")
    nummernschema: Text = Field(
        description="Schema der Drucksachen-Nr. mit {jahr}, {jj}, {wp}, {art}, {nr:N}, z. B. „VO/{nr:4}/{jj}“"
    )
    art_kuerzel: dict[ART, Text] = Field(
        default_factory=dict, description="Kürzel je Art für {art} im Nummernschema"
    )
    art_bezeichnung: dict[ART, Text] = Field(
        default_factory=dict, description="abweichende Bezeichnung einer Art im Dokument"
    )
    wahlperiode: int | None = Field(None, ge=1, description="laufende Wahlperiode für {wp}")
    zaehlung: Literal["jährlich", "fortlaufend"] = Field(
        "jährlich", description="{nr} beginnt jedes Jahr neu oder läuft über die Jahre fort")
    ladungsfrist: int = Field(ge=0, le=60, description="Ladungsfrist in Tagen")
    system: str | None = Field(None, description="Name des Ratsinformationssystems, z. B. „Bürgerinformationssystem“")


class Gremium(_Strict):
    name: Text = Field(description="Name des Gremiums")
    koerperschaft: Id
    typ: Literal["Ausschuss", "Vertretung", "Beirat", "Fraktion", "Verwaltung"] = "Ausschuss"
    kurzname: str | None = None


class Amt(_Strict):
    name: Text = Field(description="Bezeichnung, wie sie im Dokument erscheint")
    koerperschaft: Id


class Person(_Strict):
    nachname: Text
    vorname: str | None = None
    anrede: Literal["Herr", "Frau"] | None = None
    titel: str | None = Field(None, description="akademischer Titel, z. B. „Dr.“")
    funktion: str | None = Field(None, description="Funktion, z. B. „Senator für Bau und Umwelt“")
    kuerzel: str | None = Field(None, description="Dezernatskürzel, z. B. „S 3“")
    koerperschaft: Id

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.titel, self.vorname, self.nachname) if p)

    @property
    def name_mit_anrede(self) -> str:
        return " ".join(p for p in (self.anrede, self.titel, self.vorname, self.nachname) if p)

    @property
    def name_umgekehrt(self) -> str:
        return f"{self.nachname}, {self.vorname}" if self.vorname else self.nachname


class Altdrucksache(_Strict):
    """Eine Drucksache, die vor vorlagengen entstand und nur als Bezug vorkommt."""

    koerperschaft: Id
    betreff: Text
    datum: Datum | None = None
    art: ART | None = None


REFERENCE_FILES: dict[str, type[BaseModel]] = {
    "koerperschaften": Koerperschaft,
    "gremien": Gremium,
    "aemter": Amt,
    "personen": Person,
    "altbestand": Altdrucksache,
}
