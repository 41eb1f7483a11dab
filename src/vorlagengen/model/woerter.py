"""The word table: every word a Drucksache layout prints that is not the record's own text.

Each layout folder may hold a ``woerter.yaml`` (``woerter:`` for every Art, ``arten:`` per Art);
``_base/woerter.yaml`` gives the defaults every layout shares. A Körperschaft's profile in ``data/``
(``profil.woerter``, ``profil.woerter_je_art``) overrides them. The most specific word wins:

    _base → layout → _base per Art → layout per Art → profile → profile per Art

A word may name values in braces: ``{art}`` (the Art's word, ``art_bezeichnung`` or the Art),
``{nummer}``, ``{koerperschaft}``, ``{titel}`` (the title word), ``{initiator}`` (the initiator in
the genitive), and the values a key's description names (``{n}``, ``{funktion}``, …). An empty word
leaves its part out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vorlagengen.errors import UserError
from vorlagengen.load.yamlio import load_text
from vorlagengen.messages import suggest

# key → what it names (German, for the JSON Schema and the table in docs/it/profil.md)
SCHLUESSEL: dict[str, str] = {
    # page
    "system": "Name des Informationssystems im Seitenkopf, wenn die Körperschaft keinen nennt",
    "titel": "Titelwort, z. B. „Vorlage“ in „Vorlage - 0305/III“; {art}: das Wort der Art",
    "titel_zusatz": "Zusatz hinter der Nummer im Titel, z. B. „(SN)“ bei einer Stellungnahme",
    "fassung": "Vermerk einer Neufassung hinter dem Titel; {n}: Nummer der Fassung",
    "fusszeile": "Fußzeile links; {koerperschaft}, {titel}, {nummer}",
    "seite_von": "Seitenzahl in der Fußzeile; {seite} und {seiten}",
    "entwurf_stempel": "Stempel quer über jeder Seite eines Entwurfs",
    "herkunft": "Zeile unter der Art im Hamburger Kopf, z. B. „des Bezirksamtes“; {initiator}: Initiator im Genitiv",
    "dringlich_vermerk": "Vermerk einer dringlichen Drucksache unter der Art (leer: keiner)",
    "art_dringlich": "Art einer dringlichen Drucksache; {art}: das Wort der Art (leer: die Art wie sonst)",
    "grunddaten": "Überschrift des Eigenschaftenblocks (ALLRIS 4)",
    # property block
    "nummer": "Bezeichnung der Drucksachen-Nr.",
    "betreff": "Bezeichnung des Betreffs",
    "status": "Bezeichnung des Status",
    "oeffentlich": "Status öffentlich",
    "nichtoeffentlich": "Status nichtöffentlich (auch bei Beratungen und Anlagen)",
    "entwurf": "Vermerk eines Entwurfs neben dem Status",
    "abgeschlossen": "Vermerk einer abgeschlossenen Vorlage",
    "stand": "Bezeichnung des Stands (abgeschlossen)",
    "art": "Bezeichnung der Art",
    "datum": "Bezeichnung des Datums",
    "initiator": "Bezeichnung des Initiators (Antragsteller, Fragesteller …)",
    "verfasser": "Bezeichnung der Verfasser/-innen; {n}: laufende Nummer, wo das Layout zählt",
    "federfuehrend": "Bezeichnung der federführenden Stelle",
    "beteiligt": "Bezeichnung der beteiligten Stellen",
    "bearbeiter": "Bezeichnung der Bearbeiterin / des Bearbeiters",
    "dezernent": "Bezeichnung der zuständigen Dezernentin / des fed. Senators",
    "bezug": "Bezeichnung des Bezugs",
    "bezug_vor": "Wort vor der Nummer eines Bezugs, z. B. „Drucksache“ (leer: keines)",
    "aktenzeichen": "Bezeichnung des Aktenzeichens",
    "berichterstatter": "Bezeichnung der Berichterstattung",
    "ursprung": "Vermerk hinter der ursprünglichen Art bzw. dem ursprünglichen Initiator",
    "aktuell": "Vermerk hinter der aktuellen Art bzw. dem aktuellen Initiator",
    "spalte_bezeichnung": "Spaltenkopf „Bezeichnung“ (SessionNet: Eigenschaften, Dokumente)",
    "spalte_inhalt": "Spaltenkopf „Inhalt“ (SessionNet: Eigenschaften)",
    # Beratungsfolge
    "beratungsfolge": "Überschrift der Beratungsfolge",
    "spalte_gremium": "Spaltenkopf des Gremiums in der Beratungsfolge",
    "spalte_datum": "Spaltenkopf des Sitzungsdatums",
    "spalte_top": "Spaltenkopf des TOP",
    "spalte_zustaendigkeit": "Spaltenkopf der Zuständigkeit",
    "spalte_ergebnis": "Spaltenkopf des Ergebnisses",
    "spalte_status": "Spaltenkopf des Status (Beratungsfolge, Anlagen)",
    "top": "Wort vor der Nummer eines Tagesordnungspunkts",
    "sitzung": "Zeile eines Beratungsschritts ohne Sitzungsbezeichnung; {gremium}: Gremium im Genitiv aus data/",
    "beschluss_nr": "Bezeichnung der Beschluss-Nr. eines Beratungsschritts",
    "beratungsinhalt": "Überschrift des Beratungsinhalts eines Beratungsschritts; {gremium}, {datum}",
    "wortprotokoll": "Überschrift des Wortprotokolls eines Beratungsschritts; {gremium}, {datum}",
    "erledigt": "Status eines erledigten Beratungsschritts",
    "geplant": "Status eines geplanten Beratungsschritts",
    "ohne_ergebnis": "Status eines vergangenen Beratungsschritts ohne Ergebnis",
    # parts
    "sachverhalt": "Überschrift des Sachverhalts",
    "beschlussvorschlag": "Überschrift des Beschlussvorschlags",
    "fragen": "Überschrift der Fragen",
    "frage": "Überschrift einer einzelnen Frage (Hamburg) ",
    "frage_nr": "Bezeichnung jeder Frage; {n}: ihre Nummer",
    "antwort": "Überschrift der Antwort",
    "dringlichkeit": "Überschrift der Begründung der Dringlichkeit",
    "finanzen": "Überschrift der finanziellen Auswirkungen",
    "anlagen": "Überschrift der Anlagen",
    "anlage": "Bezeichnung einer Anlage; {nr}: ihre Nummer",
    "seiten": "Seitenzahl einer Anlage; {n}: Zahl der Seiten (Mehrzahl)",
    "seite": "Seitenzahl einer Anlage mit einer Seite",
    "anlage_personenbezogen": "Vermerk einer Anlage mit personenbezogenen Daten",
    "anlage_nichtoeffentlich": "Vermerk einer nichtöffentlichen Anlage",
    "hinweis_nichtoeffentlich": "öffentliche Ausgabe: eine nichtöffentliche Anlage ist weggelassen; {n}",
    "hinweis_nichtoeffentliche": "öffentliche Ausgabe: mehrere nichtöffentliche Anlagen; {n}: ihre Zahl",
    "hinweis_personenbezogen": "öffentliche Ausgabe: eine Anlage mit personenbezogenen Daten ist weggelassen; {n}",
    "hinweis_personenbezogene": "öffentliche Ausgabe: mehrere Anlagen mit personenbezogenen Daten; {n}: ihre Zahl",
    "spalte_nr": "Spaltenkopf der Nummer (Anlagen)",
    "spalte_name": "Spaltenkopf des Namens (Anlagen)",
    "spalte_original": "Spaltenkopf der Originaldatei (Anlagen)",
    "spalte_groesse": "Spaltenkopf der Dateigröße (Anlagen)",
    "spalte_dokumenttyp": "Spaltenkopf des Dokumenttyps (SessionNet: Dokumente)",
    "dokument_vorlage": "Dokumenttyp der Drucksache selbst (SessionNet: Dokumente)",
    "dieses_dokument": "statt der Größe der Drucksache selbst (SessionNet: Dokumente)",
    "unterschrift_fuer": "Zeile „Für …“ über den Unterschriften; {gremium}: das Gremium im Akkusativ aus data/",
    "unterschrift_funktion": "Funktion unter dem Namen; {funktion}: die Funktion aus data/personen.yaml",
    "antwort_datum": "Bezeichnung des Datums der Antwort",
    "wahlperiode": "Bezeichnung der Wahlperiode; mit {wp} die ganze Zeile (Hamburg: „{wp}. Wahlperiode“)",
    "initiator_stelle": "Zeichen oder Wort zwischen Initiator und zweiter Stelle",
    "fragesteller": "Zeile der fragenden Mitglieder unter dem Titel; {namen}, {fraktion} (Name des Initiators)",
    "und": "Wort vor dem letzten von mehreren Namen",
    "person": "eine Person in den Zeilen der Verfasser/-innen und der Fragesteller/-innen; {name}, {anrede} "
              "(Frau/Herr aus data/personen.yaml), {titel}, {vorname}, {nachname}; leer: der Name",
    # Finanzen
    "ja": "Ankreuzfeld „Ja“",
    "nein": "Ankreuzfeld „Nein“",
    "waehrung": "Währung hinter einem Betrag",
    "fin_auswirkungen": "Angabe, ob es finanzielle Auswirkungen gibt",
    "fin_kosten": "Zwischenüberschrift der Kosten",
    "fin_erarbeitung": "Kosten für die Erarbeitung der Vorlage",
    "fin_vorbereitung": "Vorbereitende Kosten",
    "fin_umsetzung": "Kosten für die Umsetzung",
    "fin_folgekosten": "Folgekosten",
    "fin_einnahmen": "Mögliche Einnahmen",
    "fin_gesichert": "Haushaltsrechtlich gesichert",
    "fin_teilhaushalt": "Teilhaushalt / Kostenstelle / Teilplan",
    "fin_produkt": "Produkt / Produktkonto",
    "fin_haushaltsjahr": "Haushaltsjahr",
    "fin_rechnung": "Mittelbereitstellung",
    "fin_ergebnisrechnung": "Ankreuzfeld Ergebnisrechnung",
    "fin_finanzrechnung": "Ankreuzfeld Finanzrechnung investiv",
    "fin_ausserplanmaessig": "Über- bzw. außerplanmäßige Aufwendung",
    "fin_hauptausschuss": "Hinweis auf die Beteiligung des Hauptausschusses",
    "fin_deckung": "Deckung der Haushaltsüberschreitung",
    "fin_minderaufwand": "Deckung durch Minderaufwendungen",
    "fin_mehrertrag": "Deckung durch Mehrerträge",
    "fin_darstellung": "Zwischenüberschrift der einmaligen Kosten und Folgekosten",
    "strategie_ja": "Ankreuzfeld „Ja“ beim Bezug zum strategischen Management",
}
KEYS: tuple[str, ...] = tuple(SCHLUESSEL)
FILENAME = "woerter.yaml"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Tafel:
    """One word file: words for every Art and per Art."""

    alle: Mapping[str, str]
    arten: Mapping[str, Mapping[str, str]]


def _words(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise UserError(f"{where}: erwartet Schlüssel mit Wörtern")
    out = {}
    for key, word in value.items():
        if key not in SCHLUESSEL:
            raise UserError(f"{where}: unbekannter Schlüssel „{key}“{suggest(str(key), list(KEYS))}")
        if word is None:
            word = ""
        if not isinstance(word, (str, int)):
            raise UserError(f"{where}.{key}: erwartet ein Wort")
        out[str(key)] = str(word)
    return out


def read_tafel(path: Path) -> Tafel:
    """A layout's ``woerter.yaml``; a wrong key is a German message naming the file."""
    data = load_text(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or set(data) - {"woerter", "arten"}:
        raise UserError(f"{path}: erwartet „woerter:“ und „arten:“")
    arten = data.get("arten") or {}
    if not isinstance(arten, dict):
        raise UserError(f"{path}: arten: erwartet je Art eine Liste von Wörtern")
    return Tafel(_words(data.get("woerter"), f"{path}: woerter"),
                 {str(art): _words(words, f"{path}: arten.{art}") for art, words in arten.items()})


def fill(word: str, values: Mapping[str, object]) -> str:
    """``word`` with each ``{name}`` it names replaced; a name without value stays as typed."""
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), word)


def placeholders(word: str) -> set[str]:
    return set(_PLACEHOLDER.findall(word))


def tabelle(packaged: Path | None = None) -> str:
    """The table of the keys in docs/it/profil.md: meaning, default, and where a layout says otherwise."""
    root = packaged or Path(__file__).resolve().parents[1] / "templates"
    files = {f.name: read_tafel(f / FILENAME) for f in sorted(root.iterdir()) if (f / FILENAME).is_file()}
    base = files.pop("_base")
    rows = ["| Schlüssel | Bedeutung | Vorgabe | abweichend im Layout |", "|---|---|---|---|"]
    for key, meaning in SCHLUESSEL.items():
        other = []
        for name, t in files.items():
            if key in t.alle:
                other.append(f"{name}: „{t.alle[key]}“")
            other += [f"{name}, {art}: „{words[key]}“" for art, words in t.arten.items() if key in words]
        default = base.alle.get(key, "")
        cells = [f"`{key}`", meaning.strip(), f"„{default}“" if default else "(leer)", "; ".join(other)]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(tabelle(), end="")
