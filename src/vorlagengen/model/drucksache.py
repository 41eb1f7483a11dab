"""The typed record of a Drucksache and of the reference data in ``data/``.

Keys are the German words authors type in YAML (ASCII-transliterated: ``oeffentlich``,
``federfuehrend``). Every field carries a German description: it becomes the hover text of the JSON
Schema that editors use to complete and check records.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from vorlagengen.model.woerter import KEYS as WORT_KEYS
from vorlagengen.model.woerter import word_error
from vorlagengen.nummern.top import Profil as TopProfil

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
    "Beschluss",
]
ARTEN: tuple[str, ...] = get_args(ART)

STATUS = Literal["öffentlich", "nichtöffentlich"]
FORMAT = Literal["docx", "pdf"]
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



@dataclass(frozen=True)
class Teil:
    """A text part of a Drucksache (a field of :class:`Vorlage`)."""

    ueberschrift: str  # its usual heading in the documents
    stil: str  # the Word paragraph style of its text (defined in render/docx_reference.py)
    platzhalter: str  # the fill-in text "vorlagengen new" writes; validate refuses it


@dataclass(frozen=True)
class ArtRegel:
    """The rules of one Art, read by the skeleton (``new``), the checks, the JSON Schema and the
    templates (as ``arten[v.art]``)."""

    pflicht: tuple[str, ...]  # fields that must be filled (named in the message when empty)
    angeboten: tuple[str, ...] = ()  # further text parts the skeleton offers, commented out
    von_initiator: bool = False  # comes from a Fraktion or Gremium (initiator), not from the Verwaltung


TEILE: dict[str, Teil] = {
    "sachverhalt": Teil("Sachverhalt", "Textkoerper", "(sachverhalt in Markdown)"),
    "beschlussvorschlag": Teil("Beschlussvorschlag", "Beschlussvorschlag", "(beschlussvorschlag in Markdown)"),
    "fragen": Teil("Fragen", "Frage", "(erste Frage)"),
    "antwort": Teil("Antwort der Verwaltung", "Textkoerper", "(antwort in Markdown)"),
}
# Fill-in texts of the skeleton outside the text parts.
PLATZHALTER: dict[str, str] = {"betreff": "(Betreff eintragen)", "bezug": "(Drucksachen-Nr.)"}
ART_STIL = "Vorlagenart"  # Word character style of the Art's word in a page head

ART_REGELN: dict[str, ArtRegel] = {
    "Beschlussvorlage": ArtRegel(("sachverhalt", "beschlussvorschlag")),
    "Mitteilungsvorlage": ArtRegel(("sachverhalt",), ("beschlussvorschlag",)),
    "Informationsvorlage": ArtRegel(("sachverhalt",)),
    "Stellungnahme": ArtRegel(("sachverhalt", "bezug")),
    "Antrag": ArtRegel(("initiator", "beschlussvorschlag"), ("sachverhalt",), von_initiator=True),
    "Anfrage": ArtRegel(("initiator", "fragen"), ("sachverhalt", "antwort"), von_initiator=True),
    # the Fragen: its own, or those of the Anfrage it answers (checks/across.py)
    "Beantwortung einer Anfrage": ArtRegel(("bezug", "antwort"), ("fragen",)),
    "Tischvorlage": ArtRegel(("sachverhalt",), ("beschlussvorschlag",)),
    "Ergänzungsvorlage": ArtRegel(("sachverhalt", "bezug"), ("beschlussvorschlag",)),
    "Drucksache": ArtRegel(("sachverhalt",), ("beschlussvorschlag",)),
    "Beschluss": ArtRegel(("beschlussvorschlag",), ("sachverhalt",)),
}

# The parts of a Drucksache a Körperschaft's profile can order and name (profil.teile,
# profil.ueberschriften), and the labels of its property block (profil.bezeichnungen).
PROFIL_TEIL = Literal["beschlussvorschlag", "sachverhalt", "fragen", "antwort", "abschnitte", "dringlichkeit",
                      "finanzen", "unterschrift", "anlagen"]
BEZEICHNUNG = Literal["betreff", "status", "art", "datum", "initiator", "verfasser", "federfuehrend", "beteiligt",
                      "bearbeiter", "dezernent", "bezug", "aktenzeichen", "berichterstatter", "beratungsfolge",
                      "ursprung", "aktuell", "enthaelt_anlagen", "dazu"]
# every key of the word table (woerter.py)
if TYPE_CHECKING:
    WORT = str
else:
    WORT = Literal.__getitem__(WORT_KEYS)



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
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False, defer_build=True)


class Beratungsschritt(_Strict):
    """Ein Schritt der Beratungsfolge."""

    gremium: Id = Field(description="Gremium (Kennung aus data/gremien.yaml)")
    datum: Datum | None = Field(
        None, description="Sitzungsdatum (JJJJ-MM-TT oder TT.MM.JJJJ); leer, solange die Sitzung nicht feststeht")
    sitzung: Text | None = Field(
        None, description="Bezeichnung der Sitzung, wie das System sie zeigt, z. B. „33. öffentliche Sitzung des "
        "Ausschusses für Haushalt“; steht eine Sitzung dieses Gremiums an diesem Tag unter sitzungen/, "
        "wird sie verlinkt")
    top: str | None = Field(None, description="Tagesordnungspunkt, z. B. „12.7“ oder „Ö 3“")
    zustaendigkeit: ZUSTAENDIGKEIT | None = Field(
        None, description="Rolle des Gremiums in diesem Schritt; leer, wenn das System der Körperschaft keine nennt")
    oeffentlich: JaNein = Field(True, description="Beratung in öffentlicher Sitzung")
    ergebnis: ERGEBNIS | None = Field(None, description="Ergebnis der Beratung, sobald sie stattfand")
    ergebnis_text: Text | None = Field(
        None, description="Ergebnis in den Worten der Körperschaft, z. B. „ohne Änderungen in der BVV beschlossen "
        "(Beratungsfolge beendet)“; steht neben dem einheitlichen Wert aus „ergebnis“")
    abstimmung: str | None = Field(
        None, description="Abstimmungsergebnis im Wortlaut, z. B. „einstimmig, 0 Enthaltungen“")
    erledigt: JaNein = Field(False, description="Schritt abgeschlossen (auch ohne Beschluss)")
    beschluss_nr: Text | None = Field(
        None, description="Beschluss-Nr. der Körperschaft für diesen Schritt, z. B. „12/3/2020“")
    beratungsinhalt: Markdown | None = Field(
        None, description="Beratungsinhalt des Tagesordnungspunkts (Auszug aus der Niederschrift)")
    wortprotokoll: Markdown | None = Field(
        None, description="Wortprotokoll des Tagesordnungspunkts (Auszug), wenn die Körperschaft eines führt")


class Abschnitt(_Strict):
    """Ein weiterer Textabschnitt mit eigener Überschrift."""

    titel: Text = Field(description="Überschrift, z. B. „Bezug zum strategischen Management“")
    text: Markdown


class Anlage(_Strict):
    """Eine Datei im Repository, die der Drucksache beiliegt. Größe und Seitenzahl werden berechnet."""

    datei: Text = Field(description="Pfad relativ zur Datei der Drucksache, innerhalb des Projekts")
    titel: Text = Field(description="Bezeichnung der Anlage")
    oeffentlich: JaNein = Field(True, description="Anlage darf veröffentlicht werden")
    personenbezogen: JaNein = Field(
        False, description="enthält personenbezogene Daten: erscheint in keiner öffentlichen Ausgabe (nur ein Hinweis)")


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

    person: Id | None = Field(None, description="Unterzeichnende Person (Kennung aus data/personen.yaml)")
    personen: list[Id] = Field(
        default_factory=list, description="mehrere Unterzeichnende nebeneinander (statt „person“)")
    fuer: Id | None = Field(
        None, description="unterzeichnet für ein Gremium, z. B. eine Fraktion "
                          "(„Für die SPD-Fraktion“; data/gremien.yaml)")
    zusatz: ZUSATZ | None = Field(None, description="„In Vertretung“ oder „Im Auftrag“")
    ort_datum: Text | None = Field(
        None, description="Ort und Datum über der Unterschrift, z. B. „Berlin, den 09.05.2007“")

    @model_validator(mode="after")
    def _one_kind(self) -> Unterschrift:
        if (self.person is None) == (not self.personen):
            raise ValueError("genau eines von „person“ (eine Person) oder „personen“ (Liste) angeben")
        return self

    @property
    def alle(self) -> list[str]:
        return [self.person] if self.person else list(self.personen)


class Ursprung(_Strict):
    """Art und Initiator, mit denen die Drucksache eingebracht wurde, wenn sie sich im Verfahren
    geändert haben (ALLRIS: „Ursprung“ neben „aktuell“)."""

    art: ART | None = Field(None, description="ursprüngliche Art, z. B. Antrag (aktuell: Beschluss)")
    initiator: Id | None = Field(None, description="ursprünglicher Initiator, z. B. eine Fraktion")


class QuellDatei(_Strict):
    """Eine Datei im Quellsystem (OParl File): sie bleibt unter ihrer Adresse."""

    name: Text = Field(description="Bezeichnung der Datei")
    url: Text = Field(description="Adresse der Datei im Quellsystem (accessUrl)")
    mime: str | None = Field(None, description="Dateityp, z. B. „application/pdf“")
    groesse: int | None = Field(None, ge=0, description="Größe in Bytes, wenn die Quelle sie nennt")
    datum: Datum | None = Field(None, description="Datum der Datei")
    sha256: str | None = Field(
        None, pattern=r"^[0-9a-f]{64}$",
        description="Prüfsumme des Inhalts, wenn mit --dateien in den Dateispeicher geladen")


class Quelle(_Strict):
    """Herkunft eines übernommenen Datensatzes. Übernommene Drucksachen werden nicht neu gesetzt:
    ihr Text steht im Dokument der Quelle."""

    system: Literal["oparl"] = Field(description="Art der Quelle")
    url: Text = Field(description="Kennung (URL) des Objekts im Quellsystem")
    web: str | None = Field(None, description="Seite des Objekts im Ratsinformationssystem")
    art: str | None = Field(None, description="Art im Wortlaut der Quelle, wenn sie von „art“ abweicht")
    geaendert: str | None = Field(None, description="Zeitpunkt der letzten Änderung in der Quelle")
    dokument: QuellDatei | None = Field(None, description="Hauptdokument (bei einer Drucksache ihr Text)")
    einladung: QuellDatei | None = Field(None, description="Einladung bzw. Bekanntmachung einer Sitzung")
    niederschrift: QuellDatei | None = Field(None, description="Niederschrift einer Sitzung")
    anlagen: list[QuellDatei] = Field(default_factory=list, description="weitere Dateien (Anlagen)")


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
    verfasser: list[Id] = Field(
        default_factory=list, description="Verfasser/-innen: Personen (data/personen.yaml) oder Stellen wie "
        "„Bezirksamt“ (data/aemter.yaml)")
    initiator: Id | None = Field(
        None, description="Antragsteller/Initiator: eine Fraktion oder ein Gremium (data/gremien.yaml) oder eine "
        "Stelle der Verwaltung (data/aemter.yaml)")
    initiator_stelle: Id | None = Field(
        None, description="zweite Stelle unter dem Initiator, z. B. „Bezirksstadtrat für Wirtschaft“ unter dem "
        "Bezirksamt (data/aemter.yaml)")
    fragesteller: list[Id] = Field(
        default_factory=list, description="fragende Mitglieder, im Titel genannt („Große Anfrage der "
        "Abgeordneten A, B (Fraktion)“; data/personen.yaml)")
    antwort_datum: Datum | None = Field(
        None, description="Datum der Antwort, wenn die Drucksache Anfrage und Antwort trägt (Anfrage vom …, "
        "Antwort vom …)")
    wahlperiode: int | None = Field(
        None, ge=1, description="Wahlperiode, wie die Drucksache sie nennt (eigene Zeile im Kopf)")
    dezernent: Id | None = Field(
        None, description="zuständige Dezernentin / fed. Senator/-in (data/personen.yaml)"
    )
    aktenzeichen: str | None = Field(None, description="Aktenzeichen")
    bezug: Text | list[Text] | None = Field(
        None, description="Drucksachen-Nr., auf die sich diese bezieht (Stellungnahme, Ergänzung, Antwort), "
        "oder eine Liste davon"
    )
    ursprung: Ursprung | None = Field(None, description="ursprüngliche Art und Initiator, wenn sie sich geändert haben")
    fassung: int | None = Field(None, ge=2, le=99, description="Neufassung: 2 für die 2. Fassung usw.")
    dringlich: JaNein = Field(False, description="dringliche Drucksache (z. B. „Dringliche Vorlage zur Kenntnisnahme“)")
    dringlichkeit: Markdown | None = Field(
        None, description="Begründung der Dringlichkeit; macht die Drucksache zu einer dringlichen")
    berichterstatter: Id | None = Field(None, description="Berichterstatter/-in (data/personen.yaml)")
    beratungsfolge: list[Beratungsschritt] = Field(default_factory=list, description="Beratungsfolge")
    sachverhalt: Markdown | None = Field(None, description="Sachverhalt / Begründung")
    beschlussvorschlag: Markdown | None = Field(None, description="Beschlussvorschlag / Antragstext")
    fragen: list[Markdown] = Field(default_factory=list, description="Fragen einer Anfrage")
    antwort: Markdown | None = Field(None, description="Antwort der Verwaltung")
    abschnitte: list[Abschnitt] = Field(default_factory=list, description="weitere Abschnitte")
    finanzen: Finanzen | None = Field(None, description="Finanzielle Auswirkungen")
    anlagen: list[Anlage] = Field(default_factory=list, description="Anlagen")
    unterschrift: Unterschrift | None = Field(None, description="Zeichnungsblock")
    schwaerzen: list[Text] = Field(
        default_factory=list,
        description="Namen und Angaben, die in öffentlichen Ausgaben geschwärzt werden; jede Stelle im Text "
                    "muss als [Text]{.geschwaerzt} markiert sein (validate prüft das)")
    quelle: Quelle | None = Field(
        None, description="übernommen aus einem Ratsinformationssystem (vorlagengen import oparl)")

    @property
    def oeffentlich(self) -> bool:
        return self.status == "öffentlich"

    @property
    def bezuege(self) -> list[str]:
        if self.bezug is None:
            return []
        return [self.bezug] if isinstance(self.bezug, str) else list(self.bezug)

    @property
    def uebernommen(self) -> bool:
        """Imported: its text lives in the source's document; it is checked leniently, never typeset."""
        return self.quelle is not None


# --- reference data ---------------------------------------------------------------------------


class Oeffentlichkeit(_Strict):
    """Wie eine Körperschaft Nichtöffentliches kennzeichnet und was öffentliche Dokumente darüber sagen."""

    vermerk: Text | None = Field(
        None, description="Vertraulichkeitsvermerk (ältere Form von profil.woerter.vermerk; Vorgabe: das Wort des "
                          "Layouts)")
    nichtoeffentliche_anlagen: Literal["keine", "anzahl"] = Field(
        "keine", description="öffentliche Drucksache: nichtöffentliche Anlagen gar nicht erwähnen (keine) oder "
                             "als Anzahl nennen („und 1 nichtöffentliche Anlage“)")
    bezug_nichtoeffentlich: Text = Field(
        "nichtöffentliche Drucksache",
        description="steht in öffentlichen Dokumenten statt des Betreffs, wenn der Bezug nichtöffentlich ist")
    nichtoeffentlicher_teil: Text | None = Field(
        None, description="Satz der Bekanntmachung unter der Überschrift des nichtöffentlichen Teils (ältere Form "
                          "von profil.woerter.nichtoeffentlicher_teil; Vorgabe: das Wort des Layouts)")


class Wahlperiode(_Strict):
    """Eine Wahlperiode der Vertretung."""

    nr: int = Field(ge=1, description="Nummer der Wahlperiode (im Nummernschema {wp}, römisch mit {wp:roemisch})")
    von: Datum = Field(description="erster Tag")
    bis: Datum | None = Field(None, description="letzter Tag (leer: läuft noch)")
    nummernschema: Text | None = Field(
        None, description="Nummernschema dieser Wahlperiode, wenn es vom heutigen abweicht")


class Profil(_Strict):
    """Wie eine Körperschaft ihre Drucksachen gliedert und benennt – ohne eine Layout-Vorlage zu ändern."""

    teile: list[PROFIL_TEIL] | None = Field(
        None, description="Reihenfolge der Teile, z. B. [beschlussvorschlag, sachverhalt, finanzen, anlagen]; "
        "nicht genannte Teile folgen in der Reihenfolge des Layouts")
    ueberschriften: dict[PROFIL_TEIL, Text] = Field(
        default_factory=dict, description="Überschrift je Teil, z. B. sachverhalt: Begründung")
    bezeichnungen: dict[BEZEICHNUNG, Text] = Field(
        default_factory=dict,
        description="Bezeichnung je Angabe im Kopf, z. B. initiator: Initiator, art: Drucksache-Art")
    titelwort: Text | None = Field(
        None, description="Titelwort für alle Arten, z. B. „Drucksache“ (Titel: „Drucksache - 0305/III“)")
    titel: dict[ART, Text] = Field(
        default_factory=dict, description="Titelwort je Art (geht „titelwort“ vor), z. B. Antrag: Antrag")
    woerter: dict[WORT, str] = Field(
        default_factory=dict, description="Wörter der Layouts für alle Arten (README: Wörter); geht "
        "„bezeichnungen“, „ueberschriften“ und „titelwort“ vor; ein leeres Wort lässt die Stelle weg")
    woerter_je_art: dict[ART, dict[WORT, str]] = Field(
        default_factory=dict, description="Wörter je Art, z. B. Anfrage: {initiator: Fragesteller}; gehen "
        "„woerter“ vor")

    @field_validator("woerter")
    @classmethod
    def _words_fit(cls, value: dict[str, str]) -> dict[str, str]:
        for key, word in value.items():
            if error := word_error(key, word):
                raise ValueError(f"{key}: {error}")
        return value


class NiederschriftProfil(_Strict):
    """Wie eine Körperschaft ihre Niederschriften führt und veröffentlicht."""

    beschlussfaehigkeit: str = Field(
        "1/2", pattern=r"^\s*\d+\s*/\s*\d+\s*$",
        description="beschlussfähig, wenn mehr als dieser Anteil der stimmberechtigten Mitglieder anwesend ist")
    oeffentliche_fassung: Literal["minimal", "vollständig"] = Field(
        "minimal", description="öffentliche Niederschrift: nur der Mindestinhalt (Datum, Ort, Anwesende, "
        "Beschlüsse, Stimmen; keine Aussprache, keine Gäste) oder der ganze öffentliche Teil")
    kontrolle_auftrag: list[Text] = Field(
        default_factory=lambda: ["Verwaltung wird beauftragt", "beauftragt die Verwaltung", "Verwaltung wird gebeten",
                                 "bittet die Verwaltung", "Verwaltung wird aufgefordert", "fordert die Verwaltung auf",
                                 "Bezirksamt wird gebeten", "bittet das Bezirksamt", "beauftragt das Bezirksamt",
                                 "Bürgermeister wird beauftragt", "beauftragt den Bürgermeister"],
        description="Wendungen, an denen die Beschlusskontrolle einen Beschluss erkennt, der die Verwaltung zum "
        "Handeln auffordert (auch ohne „kontrolle:“ in der Niederschrift); Groß-/Kleinschreibung egal")
    kontrolle_frist_tage: int = Field(
        90, ge=1, le=3650, description="Frist eines solchen Beschlusses ohne eigene Angabe: Tage nach der Sitzung")
    feststellung: Text | None = Field(
        None, description="Satz der Niederschrift zu ordnungsgemäßer Ladung und Beschlussfähigkeit zu Beginn, mit "
        "{einladungsdatum}, {anwesend} und {mitglieder} (ältere Form von profil.woerter.feststellung; Vorgabe: das "
        "Wort des Layouts)")
    feststellung_nicht_beschlussfaehig: Text | None = Field(
        None, description="derselbe Satz, wenn zu Beginn nicht genug Stimmberechtigte anwesend sind (ältere Form von "
        "profil.woerter.feststellung_nicht_beschlussfaehig)")


class AnlagenGrenzen(_Strict):
    """Wie groß eine Anlage sein darf: eine Sitzungsmappe nimmt jede Seite jeder Anlage auf, eine Datei
    von 5.000 Seiten oder 2 GB hielte jede Sitzung auf, auf der sie steht."""

    max_mb: int = Field(200, ge=1, le=100_000, description="höchstens so viele Megabyte je Anlage (Vorgabe 200); "
                        "die Umgebungsvariable VORLAGENGEN_ANLAGE_MAX_MB geht vor")
    max_seiten: int = Field(2000, ge=1, le=1_000_000, description="höchstens so viele Seiten je PDF-Anlage (Vorgabe "
                            "2000); die Umgebungsvariable VORLAGENGEN_ANLAGE_MAX_SEITEN geht vor")


class Koerperschaft(_Strict):
    """Eine Körperschaft (Kreis, Stadt, Bezirk, Verband) mit ihrem Erscheinungsbild."""

    name: Text = Field(description="Name, z. B. „Bezirksversammlung Wandsbek“")
    briefkopf: list[Text] = Field(description="Zeilen des Briefkopfs, von oben nach unten")
    layout: Text = Field(description="Layout-Ordner unter templates/")
    nummernschema: Text = Field(
        description="Schema der Drucksachen-Nr. mit {jahr}, {jj}, {wp}, {wp:roemisch}, {wp_von}, {wp_bis}, {art}, "
        "{amt}, {nr:N}, z. B. „VO/{nr:4}/{jj}“ oder „{nr:4}/{wp:roemisch}“"
    )
    art_kuerzel: dict[ART, Text] = Field(
        default_factory=dict, description="Kürzel je Art für {art} im Nummernschema"
    )
    art_bezeichnung: dict[ART, Text] = Field(
        default_factory=dict, description="abweichende Bezeichnung einer Art im Dokument"
    )
    wahlperiode: int | None = Field(None, ge=1, description="laufende Wahlperiode für {wp}")
    wahlperioden: list[Wahlperiode] = Field(
        default_factory=list, description="Wahlperioden mit Beginn und Ende; bestimmen {wp}, {wp_von}, {wp_bis} "
        "nach dem Datum der Drucksache und können ein älteres Nummernschema behalten")
    nummernschema_je_art: dict[ART, Text] = Field(
        default_factory=dict, description="eigenes Nummernschema für einzelne Arten, z. B. Anträge „{nr:3}/{jahr}“")
    ergaenzung: Text = Field(
        "-{e:2}", description="Form der Nummer einer Ergänzung hinter der Nummer, auf die sie sich bezieht: "
        "„-{e:2}“ → -01, „{e:A}“ → A, „E“ → nur eine")
    profil: Profil | None = Field(
        None, description="Reihenfolge und Wörter der Teile, Bezeichnungen und Titelwort je Art")
    zaehlung: Literal["jährlich", "fortlaufend"] = Field(
        "jährlich", description="{nr} beginnt jedes Jahr neu oder läuft über die Jahre fort")
    ladungsfrist: int = Field(ge=0, le=60, description="Ladungsfrist in Tagen")
    system: str | None = Field(None, description="Name des Ratsinformationssystems, z. B. „Bürgerinformationssystem“")
    oeffentlichkeit: Oeffentlichkeit = Field(
        default_factory=Oeffentlichkeit,
        description="Vertraulichkeitsvermerk und Hinweise in öffentlichen Dokumenten (Vorgaben gelten ohne Eintrag)")
    niederschrift: NiederschriftProfil = Field(
        default_factory=lambda: NiederschriftProfil(), description="Regeln für Niederschriften")
    tagesordnung: TopProfil = Field(default_factory=TopProfil,
                                    description="Nummerierung der Tagesordnungspunkte (TOP) in Sitzungen")
    formate: list[FORMAT] = Field(
        default_factory=lambda: list(get_args(FORMAT)), min_length=1,
        description="Ausgabeformate der Drucksachen: [pdf] setzt nur PDF, [docx] nur DOCX (Vorgabe: beide); "
        "„vorlagengen build --format“ wählt für einen Lauf anders")
    anlagen: AnlagenGrenzen = Field(
        default_factory=AnlagenGrenzen, description="Grenzen einer Anlage (Megabyte, Seiten), geprüft bei validate")


class Mitgliedschaft(_Strict):
    """Ein Mitglied eines Gremiums (für Anwesenheit, Abstimmungen und Beschlussfähigkeit)."""

    person: Id = Field(description="Person (Kennung aus data/personen.yaml)")
    fraktion: Id | None = Field(None, description="Fraktion (Kennung eines Gremiums vom typ Fraktion)")
    rolle: Literal["Vorsitz", "stellvertretender Vorsitz", "Mitglied", "beratendes Mitglied", "sachkundige Bürger",
                   "sachkundige Einwohner"] = Field(
        "Mitglied", description="Rolle im Gremium; sachkundige Bürger und Einwohner sind Mitglieder, die nicht der "
        "Vertretung angehören (ob sie stimmen, sagt „stimmberechtigt“); die Niederschrift nennt die Art bei der "
        "Anwesenheit")
    stimmberechtigt: JaNein = Field(True, description="hat Stimmrecht (beratende Mitglieder nicht)")
    bezeichnung: Text | None = Field(
        None, description="Rolle in den Worten der Körperschaft, z. B. „Sachkundiger Bürger“ (übernommen)")
    stellvertretung: list[Id] = Field(default_factory=list, description="persönliche Stellvertretung (Personen)")
    von: Datum | None = Field(None, description="Mitglied seit")
    bis: Datum | None = Field(None, description="Mitglied bis")


class Gremium(_Strict):
    """Ein Gremium: Ausschuss, Vertretung, Beirat, Fraktion oder die Verwaltung als Ganzes."""

    name: Text = Field(description="Name des Gremiums")
    koerperschaft: Id = Field(description="Körperschaft (Kennung aus data/koerperschaften.yaml)")
    typ: Literal["Ausschuss", "Vertretung", "Beirat", "Fraktion", "Verwaltung"] = Field(
        "Ausschuss", description="Ausschuss, Vertretung (Rat, Kreistag, BVV), Beirat, Fraktion oder Verwaltung "
        "(z. B. „Bezirksamt“ als Initiator)")
    kurzname: str | None = Field(None, description="Kurzname, z. B. „JHA“")
    genitiv: Text | None = Field(
        None, description="Name mit Artikel im Genitiv, z. B. „der Fraktion Freie Wähler“; ohne ihn steht der Name, "
        "wie er ist (nichts wird abgeleitet)")
    mitglieder: list[Mitgliedschaft] = Field(default_factory=list, description="Mitglieder mit Fraktion und Amtszeit")


class Amt(_Strict):
    """Ein Amt, Fachbereich, Dezernat oder eine andere Stelle der Verwaltung."""

    name: Text = Field(description="Bezeichnung, wie sie im Dokument erscheint")
    koerperschaft: Id = Field(description="Körperschaft (Kennung aus data/koerperschaften.yaml)")
    kuerzel: str | None = Field(None, description="Kürzel für {amt} im Nummernschema, z. B. „40“ oder „Käm“")


class Person(_Strict):
    """Eine Person: Bearbeiter/-in, Verfasser/-in, Unterzeichnende, Dezernent/-in."""

    nachname: Text = Field(description="Nachname")
    vorname: str | None = Field(None, description="Vorname")
    anrede: Literal["Herr", "Frau"] | None = Field(None, description="Herr oder Frau")
    titel: str | None = Field(None, description="akademischer Titel, z. B. „Dr.“")
    funktion: str | None = Field(None, description="Funktion, z. B. „Senator für Bau und Umwelt“")
    kuerzel: str | None = Field(None, description="Dezernatskürzel, z. B. „S 3“")
    koerperschaft: Id = Field(description="Körperschaft (Kennung aus data/koerperschaften.yaml)")

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

    koerperschaft: Id = Field(description="Körperschaft (Kennung aus data/koerperschaften.yaml)")
    betreff: Text = Field(description="Betreff")
    datum: Datum | None = Field(None, description="Datum")
    art: ART | None = Field(None, description="Art")
    status: STATUS = Field("öffentlich", description="nichtöffentlich: öffentliche Dokumente zeigen nur die Nummer")
    fragen: list[Markdown] = Field(default_factory=list, description="Fragen (einer Anfrage, für ihre Beantwortung)")


REFERENCE_FILES: dict[str, type[BaseModel]] = {
    "koerperschaften": Koerperschaft,
    "gremien": Gremium,
    "aemter": Amt,
    "personen": Person,
    "altbestand": Altdrucksache,
}


# --- Sitzungen --------------------------------------------------------------------------------

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


class TopQuelle(_Strict):
    """Was ein Ratsinformationssystem zu einem übernommenen Tagesordnungspunkt führt (OParl AgendaItem)."""

    url: Text = Field(description="Kennung (URL) des Tagesordnungspunkts im Quellsystem")
    ergebnis: Text | None = Field(None, description="Ergebnis im Wortlaut der Quelle, z. B. „einstimmig beschlossen“")
    beschluss: QuellDatei | None = Field(None, description="Beschlusstext (resolutionFile)")
    anlagen: list[QuellDatei] = Field(default_factory=list, description="weitere Dateien des Punkts (auxiliaryFile)")


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
    nachtrag: Literal["Nachtrag", "Tischvorlage", "in der Sitzung"] | None = Field(
        None, description="nach der Einladung hinzugekommen: Nachtrag, Tischvorlage oder erst in der Sitzung "
        "aufgenommen („in der Sitzung“: braucht den Dringlichkeitsbeschluss in der Niederschrift). Solche Punkte "
        "stehen nicht in der Einladung, sondern im Nachtrag zur Tagesordnung")
    abgesetzt: JaNein = Field(False, description="abgesetzt: bleibt als abgesetzt in der Tagesordnung, fehlt in "
                            "der Mappe")
    unterpunkte: list[Top] = Field(default_factory=list, description="Unterpunkte (12.1, 12.2 …)")
    quelle: TopQuelle | None = Field(
        None, description="übernommen aus einem Ratsinformationssystem: Ergebnis und Dateien der Quelle")


class Tagesordnung(_Strict):
    oeffentlich: list[Top] = Field(default_factory=list, description="öffentlicher Teil")
    nichtoeffentlich: list[Top] = Field(default_factory=list, description="nichtöffentlicher Teil")
    oeffentlich_danach: list[Top] = Field(
        default_factory=list, description="öffentlicher Teil nach dem nichtöffentlichen (z. B. Bekanntgabe der "
        "nichtöffentlich gefassten Beschlüsse); die Nummern zählen weiter")


ANLASS = Literal["ordentliche Sitzung", "außerordentliche Sitzung", "Sondersitzung", "konstituierende Sitzung"]
SITZUNGSSTATUS = Literal["geplant", "einberufen", "abgeschlossen", "abgesagt"]


class Sitzung(_Strict):
    """Eine Sitzung eines Gremiums mit ihrer Tagesordnung."""

    gremium: Id = Field(description="Gremium (Kennung aus data/gremien.yaml)")
    nummer: Text = Field(description="Sitzungsnummer, z. B. „JHA/19/7“")
    bezeichnung: Text | None = Field(None, description="Bezeichnung, z. B. „25. öffentliche Sitzung“")
    anlass: ANLASS = Field("ordentliche Sitzung", description="ordentliche, außerordentliche, Sonder- oder "
                           "konstituierende Sitzung")
    anlass_bezeichnung: Text | None = Field(
        None, description="Anlass in den Worten der Körperschaft, z. B. „Öffentliche Sitzung“ oder „Sitzung mit "
        "Einwohnerfragestunde“; steht in der Einladung statt des Anlasses")
    status: SITZUNGSSTATUS = Field("einberufen", description="geplant, einberufen, abgeschlossen oder abgesagt")
    datum: Datum = Field(description="Sitzungstag")
    beginn: Uhrzeit = Field(description="Beginn, z. B. „17:30“")
    beginn_nichtoeffentlich: Uhrzeit | None = Field(None, description="Beginn des nichtöffentlichen Teils, "
                                                    "wenn er eigens angesetzt ist")
    ende: Uhrzeit | None = Field(None, description="Ende (voraussichtlich oder tatsächlich)")
    ort: Text | None = Field(None, description="Ort mit Anschrift (Pflicht außer bei übernommenen Sitzungen)")
    raum: str | None = Field(None, description="Sitzungsraum")
    sitzungsleitung: Id | None = Field(None, description="Vorsitz (Kennung aus data/personen.yaml)")
    einladungsdatum: Datum | None = Field(
        None, description="Tag der Einladung (für die Ladungsfrist; Pflicht außer bei übernommenen Sitzungen)")
    dringlichkeit: Text | None = Field(None, description="Grund für eine verkürzte Ladungsfrist (Dringlichkeit); "
                                       "steht in der Einladung, die Ladungsfrist wird dann nicht geprüft")
    nachtragsdatum: Datum | None = Field(None, description="Tag des Nachtrags zur Tagesordnung")
    einladung_versandt: JaNein = Field(
        False, description="die Einladung ist verschickt (gilt auch, sobald das Einladungsdatum erreicht ist): "
        "ihre TOP-Nummern stehen fest, Nachträge dürfen sie nicht verschieben")
    tagesordnung: Tagesordnung
    quelle: Quelle | None = Field(
        None, description="übernommen aus einem Ratsinformationssystem (vorlagengen import oparl)")
