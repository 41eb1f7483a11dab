"""The typed record of a Niederschrift (minutes): what happened in a Sitzung.

A Niederschrift lives beside its Sitzung as ``sitzungen/<name>.niederschrift.yaml``: the Sitzung file
is what was sent out with the Einladung, the Niederschrift is written after the session. It is the one
source of truth for results: the Beratungsfolge of every Drucksache on the agenda takes its result for
this Sitzung from here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from vorlagengen.model.drucksache import ERGEBNIS, Datum, Id, JaNein, Markdown, Text, Uhrzeit
from vorlagengen.model.woerter import WortFn, vorgabe

ANWESENHEIT = Literal["anwesend", "entschuldigt", "abwesend"]
STAND = Literal["Entwurf", "unterschrieben", "genehmigt"]
KONTROLLE = Literal["offen", "in Arbeit", "erledigt"]
# Results that carry a Beschluss (a vote); the others record what happened instead.
MIT_BESCHLUSS = frozenset({"ungeändert beschlossen", "geändert beschlossen", "abgelehnt"})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Zeitraum(Strict):
    """Beginn und Ende eines Sitzungsteils."""

    beginn: Uhrzeit = Field(description="Beginn, z. B. „17:30“")
    ende: Uhrzeit | None = Field(None, description="Ende, z. B. „19:05“")


class Teilnahme(Strict):
    """Anwesenheit eines Mitglieds (oder einer Stellvertretung)."""

    person: Id = Field(description="Person (Kennung aus data/personen.yaml)")
    status: ANWESENHEIT = Field("anwesend", description="anwesend, entschuldigt oder abwesend")
    grund: Text | None = Field(None, description="Grund der Entschuldigung (steht nur in der internen Niederschrift)")
    vertreten_durch: Id | None = Field(None, description="Stellvertretung, die statt des Mitglieds teilnimmt")
    ab_top: Text | None = Field(None, description="erst ab diesem TOP anwesend (Nummer wie in der Tagesordnung)")
    bis_top: Text | None = Field(None, description="nur bis einschließlich zu diesem TOP anwesend")


class NamentlicheAbstimmung(Strict):
    """Namentliche Abstimmung: wer wie gestimmt hat (Kennungen aus data/personen.yaml)."""

    ja: list[Id] = Field(default_factory=list)
    nein: list[Id] = Field(default_factory=list)
    enthaltung: list[Id] = Field(default_factory=list)


FRAKTIONSLOS = "fraktionslos"


class FraktionsStimmen(Strict):
    """Wie eine Fraktion gestimmt hat."""

    fraktion: Id = Field(description="Fraktion (Kennung eines Gremiums vom typ Fraktion) oder „fraktionslos“ "
                         "für die Mitglieder ohne Fraktion")
    ja: int = Field(0, ge=0, description="Ja-Stimmen")
    nein: int = Field(0, ge=0, description="Nein-Stimmen")
    enthaltung: int = Field(0, ge=0, description="Enthaltungen")


class Abstimmung(Strict):
    """Das Stimmergebnis: einstimmig (auch „einstimmig bei 2 Enthaltungen“), als Zahlen, namentlich oder
    nach Fraktionen."""

    einstimmig: JaNein = Field(False, description="einstimmig beschlossen: alle anwesenden Stimmberechtigten ja; "
                               "mit „enthaltung“ die Form „einstimmig bei 2 Enthaltungen“")
    ja: int | None = Field(None, ge=0, description="Ja-Stimmen")
    nein: int | None = Field(None, ge=0, description="Nein-Stimmen")
    enthaltung: int | None = Field(None, ge=0, description="Enthaltungen")
    namentlich: NamentlicheAbstimmung | None = Field(None, description="namentliche Abstimmung")
    fraktionen: list[FraktionsStimmen] = Field(
        default_factory=list, description="Stimmen je Fraktion (Tabelle Fraktion × Ja/Nein/Enthaltung mit Summen); "
        "validate prüft sie gegen die anwesenden Mitglieder jeder Fraktion")

    @model_validator(mode="after")
    def _one_form(self) -> Abstimmung:
        counts = self.ja is not None or self.nein is not None or (self.enthaltung is not None and not self.einstimmig)
        forms = sum((self.einstimmig, counts, self.namentlich is not None, bool(self.fraktionen)))
        if forms != 1:
            raise ValueError("genau eine Form angeben: einstimmig (mit Enthaltungen: einstimmig und enthaltung), "
                             "Zahlen (ja/nein/enthaltung), namentlich oder fraktionen")
        return self


def abstimmung_text(a: Abstimmung | None, w: WortFn = vorgabe) -> str:
    """A vote in the words ``w`` gives (a layout's word table; the packaged defaults): „einstimmig“,
    „einstimmig bei 2 Enthaltungen“ or the counts."""
    if a is None:
        return ""
    if a.einstimmig:
        e = a.enthaltung or 0
        return w("einstimmig_enthaltungen", n=e) if e > 1 else w("einstimmig_enthaltung") if e else w("einstimmig")
    if a.namentlich is not None:
        nm = a.namentlich
        return w("stimmen_namentlich", stimmen=w("stimmen", ja=len(nm.ja), nein=len(nm.nein),
                                                  enthaltung=len(nm.enthaltung)))
    if a.fraktionen:
        f = a.fraktionen
        return w("stimmen_fraktionen", stimmen=w("stimmen", ja=sum(x.ja for x in f), nein=sum(x.nein for x in f),
                                                  enthaltung=sum(x.enthaltung for x in f)))
    return w("stimmen", ja=a.ja or 0, nein=a.nein or 0, enthaltung=a.enthaltung or 0)


def _namen(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class Wahl(Strict):
    """Eine Wahl unter einem TOP; in einem Wahlgang können mehrere Personen gewählt werden."""

    amt: Text = Field(description="wofür gewählt wurde, z. B. „stellvertretende Vorsitzende“")
    gewaehlt: Annotated[list[Text], BeforeValidator(_namen)] = Field(
        min_length=1, description="Name der gewählten Person, oder Liste der in einem Wahlgang Gewählten")
    abstimmung: Abstimmung


class Liste(Strict):
    """Eine Liste (Fraktion, Wahlvorschlag) bei der Besetzung eines Gremiums."""

    liste: Text = Field(description="Name der Liste, z. B. „SPD“ oder „Wahlvorschlag CDU/FDP“")
    stimmen: int = Field(ge=0, description="Stimmen der Liste (oder ihre Sitze in der Vertretung, wenn danach "
                         "verteilt wird)")
    sitze: int = Field(ge=0, description="Sitze, die die Liste bekommen hat")
    personen: list[Text] = Field(default_factory=list, description="die von der Liste entsandten Personen, so viele "
                                 "wie Sitze")


class Besetzung(Strict):
    """Besetzung eines Gremiums nach Listen (Verhältniswahl)."""

    gremium: Text = Field(description="welches Gremium besetzt wird, z. B. „Jugendhilfeausschuss“")
    sitze: int = Field(ge=1, description="Zahl der zu besetzenden Sitze")
    verfahren: Literal["Hare/Niemeyer", "d'Hondt", "Sainte-Laguë"] = Field(
        description="Verteilungsverfahren: Hare/Niemeyer, d'Hondt oder Sainte-Laguë; validate rechnet nach (bei "
        "Gleichstand entscheidet das Los, dann gilt jede der möglichen Verteilungen)")
    listen: list[Liste] = Field(min_length=1, description="die Listen mit Stimmen, Sitzen und Personen")


def besetzung_text(b: Besetzung, w: WortFn = vorgabe) -> str:
    """„Jugendhilfeausschuss (7 Sitze, d'Hondt): SPD 4 (A, B, C, D), CDU 3 (E, F, G)“."""
    listen = ", ".join(f"{x.liste} {x.sitze}" + (f" ({', '.join(x.personen)})" if x.personen else "")
                       for x in b.listen)
    return w("besetzung_wert", gremium=b.gremium, sitze=b.sitze, verfahren=b.verfahren, listen=listen)


class Teilabstimmung(Strict):
    """Eine Abstimmung vor dem Beschluss unter demselben TOP, z. B. über einen Änderungsantrag."""

    gegenstand: Text = Field(description="worüber abgestimmt wurde, z. B. „Änderungsantrag der SPD-Fraktion“")
    ergebnis: Literal["angenommen", "abgelehnt"] = Field(description="angenommen oder abgelehnt")
    abstimmung: Abstimmung = Field(description="Stimmergebnis")


def teilabstimmung_text(t: Teilabstimmung, w: WortFn = vorgabe) -> str:
    """„Änderungsantrag der SPD-Fraktion: angenommen (Ja 8, Nein 3, Enthaltung 0)“."""
    return f"{t.gegenstand}: {t.ergebnis} ({abstimmung_text(t.abstimmung, w)})"


class GoAntrag(Strict):
    """Ein Antrag zur Geschäftsordnung."""

    antrag: Text = Field(description="z. B. „Schluss der Debatte“")
    von: Text | None = Field(None, description="Antragsteller/-in")
    ergebnis: Text = Field(description="z. B. „angenommen“")


class Kontrolle(Strict):
    """Beschlusskontrolle: wer den Beschluss ausführt, bis wann, und wie weit es ist."""

    amt: Id = Field(description="ausführende Stelle (Kennung aus data/aemter.yaml)")
    frist: Datum | None = Field(None, description="Frist der Umsetzung")
    status: KONTROLLE = Field("offen", description="offen, in Arbeit oder erledigt")
    bericht: Markdown | None = Field(None, description="Sachstandsbericht")
    drucksache: Text | None = Field(None, description="Folge-Drucksache (Drucksachen-Nr.)")


class TopErgebnis(Strict):
    """Was unter einem TOP geschah."""

    top: Text = Field(description="TOP-Nummer wie in der Tagesordnung, z. B. „Ö 3“ oder „12.7“")
    drucksache: Text | None = Field(
        None, description="bei mehreren Drucksachen unter einem TOP: welche (Drucksachen-Nr.)")
    inhalt: Markdown | None = Field(None, description="wesentlicher Inhalt der Beratung")
    ergebnis: ERGEBNIS | None = Field(None, description="Ergebnis; leer bei einem TOP ohne Beschluss")
    beschluss: Markdown | None = Field(
        None, description="Beschlusstext; ohne Angabe der Beschlussvorschlag der Drucksache")
    aenderung: Markdown | None = Field(None, description="die beschlossene Änderung (bei „geändert beschlossen“)")
    verwiesen_an: Id | None = Field(None, description="Gremium, an das verwiesen wurde")
    abstimmung: Abstimmung | None = Field(None, description="Stimmergebnis des Beschlusses")
    befangen: list[Id] = Field(default_factory=list,
                               description="Mitglieder, die befangen waren und den Raum verließen")
    abstimmungen: list[Teilabstimmung] = Field(
        default_factory=list, description="Abstimmungen vor dem Beschluss, in ihrer Reihenfolge (z. B. erst der "
        "Änderungsantrag, dann der geänderte Hauptantrag unter „abstimmung“)")
    wahlen: list[Wahl] = Field(default_factory=list, description="Wahlen unter diesem TOP")
    besetzungen: list[Besetzung] = Field(
        default_factory=list, description="Besetzung von Gremien nach Listen (Hare/Niemeyer, d'Hondt, Sainte-Laguë)")
    verlegt: Literal["oeffentlich", "nichtoeffentlich"] | None = Field(
        None, description="in der Sitzung in den anderen Teil verlegt (Beschluss zur Tagesordnung): "
        "nichtoeffentlich – Ergebnis und Beratung werden nicht veröffentlicht; oeffentlich – nur für einen Punkt, "
        "dessen Drucksachen öffentlich sind")
    dringlichkeit: Abstimmung | None = Field(
        None, description="Beschluss über die Dringlichkeit eines erst in der Sitzung aufgenommenen Punkts "
        "(Pflicht bei „nachtrag: in der Sitzung“)")
    go_antraege: list[GoAntrag] = Field(default_factory=list, description="Anträge zur Geschäftsordnung")
    kontrolle: Kontrolle | None = Field(None, description="Beschlusskontrolle")


class NiederschriftAnlage(Strict):
    """Eine Anlage zur Niederschrift, z. B. ein in der Sitzung vorgetragener Bericht."""

    datei: Text = Field(description="Datei, relativ zur Niederschrift, z. B. „anlagen/bericht.pdf“")
    titel: Text = Field(description="Titel, z. B. „Bericht der Verwaltung zu den Stadtteilhäusern“")
    top: Text | None = Field(None, description="TOP, zu dem die Anlage gehört (Nummer wie in der Tagesordnung)")
    oeffentlich: JaNein = Field(False, description="wird mit der öffentlichen Niederschrift veröffentlicht (nur zu "
                                "einem öffentlich beratenen TOP oder ohne TOP)")


def anlage_oeffentlich(anlage: NiederschriftAnlage, oeffentliche_tops: set[str]) -> bool:
    """Whether an Anlage goes with the public Niederschrift: marked so, and of a TOP discussed in public."""
    return anlage.oeffentlich and (anlage.top is None or anlage.top in oeffentliche_tops)


class Niederschrift(Strict):
    """Die Niederschrift einer Sitzung."""

    stand: STAND = Field("Entwurf", description="Entwurf, unterschrieben oder genehmigt")
    genehmigt_am: Datum | None = Field(None, description="Tag der Sitzung, in der die Niederschrift genehmigt wurde")
    genehmigt_in: Text | None = Field(None, description="Nummer der Sitzung, in der sie genehmigt wurde")
    oeffentlich: Zeitraum = Field(description="Beginn und Ende des öffentlichen Teils")
    nichtoeffentlich: Zeitraum | None = Field(None, description="Beginn und Ende des nichtöffentlichen Teils")
    vorsitz: Id = Field(description="Vorsitz (Kennung aus data/personen.yaml)")
    schriftfuehrung: Id = Field(description="Schriftführung (Kennung aus data/personen.yaml)")
    anwesenheit: list[Teilnahme] = Field(description="Mitglieder: anwesend, entschuldigt, abwesend")
    verwaltung: list[Text] = Field(default_factory=list, description="anwesend von der Verwaltung")
    gaeste: list[Text] = Field(default_factory=list, description="Gäste (nur in der internen Niederschrift)")
    einwendungen: Markdown | None = Field(None, description="Einwendungen gegen die letzte Niederschrift")
    tops: list[TopErgebnis] = Field(description="Ergebnis je TOP der Tagesordnung")
    anlagen: list[NiederschriftAnlage] = Field(
        default_factory=list, description="Anlagen zur Niederschrift („Bericht … als Anlage 1“), in ihrer Reihenfolge")
