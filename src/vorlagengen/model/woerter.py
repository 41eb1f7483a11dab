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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
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

# The words of a Sitzung's documents: Einladung, Bekanntmachung, Nachtrag, Sitzungsmappe,
# Niederschrift, Beschlussauszug, Beschlusskontrolle (same files, same profile keys; no Art).
# In their sentences „**…**“ sets bold. {gremium}: the Gremium in the genitive from data/ (else the
# word „gremium_genitiv“), {name}: its name.
SITZUNG_SCHLUESSEL: dict[str, str] = {
    # every Sitzung document
    "gremium_genitiv": "Gremium im Genitiv, wenn data/gremien.yaml keinen „genitiv“ nennt; {name}: sein Name",
    "sitzung_fusszeile": "Fußzeile der Einladung, Bekanntmachung und Mappe; {gremium}: Name, {sitzung}: die "
                         "Bezeichnung der Sitzung (sonst sitzung_name), {nummer}, {datum}",
    "sitzung_beschreibung": "Beschreibung in den PDF-Eigenschaften; {gremium}: Name, {sitzung}, {nummer}, {datum}",
    "sitzung_name": "Eine Sitzung ohne Bezeichnung im laufenden Text (nicht, wenn ihre Nummer schon „Sitzung“ "
                    "enthält); {nummer}",
    "dokumenttitel": "Titel in den PDF-Eigenschaften; {dokument}: Wort des Dokuments, {gremium}: Name, {datum}",
    "wochentage": "die sieben Wochentage ab Montag, durch Leerzeichen getrennt (leer: kein Wochentag)",
    "uhrzeit": "eine Uhrzeit; {zeit}",
    "zeitraum": "Beginn und Ende; {beginn} und {ende} (je als „uhrzeit“)",
    "gremium": "Bezeichnung des Gremiums",
    "sitzung_nr": "Bezeichnung der Sitzung (Nummer, Bezeichnung)",
    "sitzung_am": "Sitzung mit Datum (Beschlussauszug); {nummer}, {datum}",
    "anlass": "Bezeichnung des Anlasses",
    "anlass_ordentlich": "Anlass: ordentliche Sitzung (ohne „anlass_bezeichnung“ der Sitzung)",
    "anlass_ausserordentlich": "Anlass: außerordentliche Sitzung",
    "anlass_sonder": "Anlass: Sondersitzung",
    "anlass_konstituierend": "Anlass: konstituierende Sitzung",
    "termin": "Bezeichnung des Termins",
    "termin_wert": "Termin; {wochentag}, {datum}, {zeit}",
    "ort": "Bezeichnung des Orts",
    "stand_commit": "Stand der Unterlagen aus der Versionsverwaltung; {datum}, {commit}",
    "stand_lokal": "derselbe Stand mit lokalen Änderungen; {datum}, {commit}",
    "stand_ohne": "Stand ohne Versionsverwaltung; {datum}",
    "ohne_datum": "statt des Datums eines Stands ohne Datum",
    "sitzung_stand": "Bezeichnung des Stands (Niederschrift, Mappe, Beschlusskontrolle)",
    "anrede": "Anrede der Einladung und des Nachtrags",
    "gruss": "Gruß über der Unterschrift",
    "vermerk": "Vertraulichkeitsvermerk auf dem nichtöffentlichen Teil der Einladung und auf jeder Seite der "
               "vollständigen Mappe, die Nichtöffentliches zeigt",
    "vermerk_inhalt": "Vermerk über der Tagesordnung der vollständigen Mappe; {vermerk}",
    # Tagesordnung
    "tagesordnung": "Überschrift der Tagesordnung",
    "teil_oeffentlich": "Überschrift des öffentlichen Teils",
    "teil_nichtoeffentlich": "Überschrift des nichtöffentlichen Teils (auch: Bezeichnung seines Beginns)",
    "teil_fortsetzung": "Überschrift des öffentlichen Teils nach dem nichtöffentlichen",
    "teil_beginn": "Beginn hinter der Überschrift des nichtöffentlichen Teils; {zeit}",
    "ab_zeit": "Beginn des nichtöffentlichen Teils in der Einladung; {zeit}",
    "nichtoeffentlicher_teil": "Satz der Bekanntmachung unter der Überschrift des nichtöffentlichen Teils",
    "to_top": "Spaltenkopf des TOP in der Tagesordnung",
    "to_gegenstand": "Spaltenkopf des Gegenstands in der Tagesordnung",
    "to_drucksache": "Spaltenkopf der Drucksache in der Tagesordnung",
    "abgesetzt": "Vermerk eines abgesetzten TOP",
    "dazu": "Wort vor jeder weiteren Drucksache eines TOP",
    "enthaelt_anlagen": "Vermerk eines TOP, dessen Drucksache Anlagen hat",
    # Einladung, Bekanntmachung, Nachtrag
    "einladung": "Titel der Einladung",
    "einladung_abgesagt": "Titel der Einladung einer abgesagten Sitzung",
    "einladung_text": "Satz der Einladung; {gremium}",
    "einladung_text_ausserordentlich": "Satz der Einladung zu einer außerordentlichen Sitzung; {gremium}",
    "einladung_abgesagt_text": "Satz der Einladung einer abgesagten Sitzung; {gremium}, {termin}",
    "einladung_vom": "Vermerk am Ende der Einladung; {datum}: Datum der Einladung",
    "ladungsfrist": "Vermerk der verkürzten Ladungsfrist vor ihrer Begründung",
    "bekanntmachung": "Titel der Bekanntmachung",
    "bekanntmachung_text": "Satz der Bekanntmachung vor dem Termin; {gremium}",
    "bekanntmachung_text_ausserordentlich": "Satz der Bekanntmachung einer außerordentlichen Sitzung; {gremium}",
    "bekanntmachung_abgesagt_text": "Satz der Bekanntmachung einer abgesagten Sitzung; {gremium}",
    "nachtrag": "Titel des Nachtrags zur Tagesordnung",
    "nachtrag_text": "Satz des Nachtrags, der nur Punkte ergänzt",
    "nachtrag_text_geaendert": "Satz des Nachtrags, der auch Punkte absetzt",
    "nachtrag_ergaenzt": "Überschrift der ergänzten Punkte",
    "nachtrag_geaendert": "Überschrift der Änderungen (auch abgesetzte Punkte)",
    "nachtrag_vom": "Vermerk am Ende des Nachtrags; {datum} (leer ohne Nachtragsdatum), {einladungsdatum}, {stand}",
    "nachtrag_ohne_datum": "Vermerk am Ende eines Nachtrags ohne eigenes Datum; {einladungsdatum}, {stand}",
    "bekanntmachung_nachtrag": "Titel des Nachtrags zur Bekanntmachung",
    "bekanntmachung_nachtrag_text": "Satz des Nachtrags zur Bekanntmachung, der nur Punkte ergänzt; "
                                    "{gremium}, {termin}",
    "bekanntmachung_nachtrag_text_geaendert": "Satz des Nachtrags zur Bekanntmachung, der auch Punkte absetzt; "
                                              "{gremium}, {termin}",
    "bekanntmachung_nachtrag_vom": "Vermerk am Ende des Nachtrags zur Bekanntmachung; {datum}, {einladungsdatum}",
    "bekanntmachung_nachtrag_ohne_datum": "Vermerk am Ende eines Nachtrags zur Bekanntmachung ohne eigenes Datum; "
                                          "{einladungsdatum}",
    # Sitzungsmappe
    "mappe": "Titel auf dem Deckblatt der Mappe",
    "mappe_oeffentlich": "Art der öffentlichen Mappe auf dem Deckblatt",
    "mappe_vollstaendig": "Art der vollständigen Mappe ohne nichtöffentlichen Teil",
    "mappe_vollstaendig_noe": "Art der vollständigen Mappe mit nichtöffentlichem Teil",
    "mappe_titel_oeffentlich": "Titel der öffentlichen Mappe in den PDF-Eigenschaften; {gremium}, {datum}",
    "mappe_titel_vollstaendig": "Titel der vollständigen Mappe in den PDF-Eigenschaften; {gremium}, {datum}",
    "mappe_datum": "Bezeichnung des Datums auf dem Deckblatt",
    "mappe_kopf": "Kopfzeile jeder Seite der Mappe; {gremium}, {datum}, {nummer}: Sitzungsnummer, {sitzung}",
    "drucksache_nr": "Drucksache in Inhalt, Lesezeichen und Niederschrift; {nummer}",
    "mappe_anlage": "Anlage in Inhalt und Lesezeichen der Mappe; {nr}, {nummer}: Drucksache, {titel}",
    "mappe_office": "Hinweis statt einer Office-Anlage ohne LibreOffice; {name}, {typ}, {groesse}",
    "mappe_format": "Hinweis statt einer Anlage, die nicht eingebunden werden kann; {name}, {groesse}",
    # Niederschrift
    "niederschrift": "Titel der Niederschrift; {teil}",
    "niederschrift_oeffentlich": "Teil der Niederschrift: öffentlich",
    "niederschrift_nichtoeffentlich": "Teil der Niederschrift: nichtöffentlich",
    "niederschrift_ueber": "Zeile unter dem Titel; {gremium}",
    "niederschrift_minimal": "Zusatz der veröffentlichten Fassung mit dem Mindestinhalt",
    "niederschrift_kurz": "Titel in den PDF-Eigenschaften und in der Fußzeile; {nummer}, {teil}",
    "niederschrift_zeit": "Beginn und Ende eines Teils der Niederschrift; {beginn}, {ende}",
    "vorsitz": "Bezeichnung des Vorsitzes (auch unter der Unterschrift)",
    "schriftfuehrung": "Bezeichnung der Schriftführung (auch unter der Unterschrift)",
    "feststellung": "Satz zu Ladung und Beschlussfähigkeit; {einladungsdatum}, {anwesend}, {mitglieder}",
    "feststellung_nicht_beschlussfaehig": "derselbe Satz, wenn das Gremium nicht beschlussfähig ist",
    "anwesenheit": "Überschrift der Anwesenheit",
    "anwesend": "Bezeichnung der Anwesenden",
    "entschuldigt": "Bezeichnung der Entschuldigten",
    "abwesend": "Bezeichnung der Abwesenden",
    "verwaltung": "Bezeichnung der Verwaltung (Anwesende; ausführende Stelle ohne Angabe)",
    "gaeste": "Bezeichnung der Gäste",
    "ab_top": "Anwesenheit ab einem TOP; {top}",
    "bis_top": "Anwesenheit bis zu einem TOP; {top}",
    "vertretung": "Vertreter/-in; {name}, {vertreten}",
    "fraktionslos": "Gruppe der Anwesenden ohne Fraktion",
    "mitglied_beratend": "Art eines beratenden Mitglieds",
    "mitglied_buerger": "Art eines sachkundigen Bürgers",
    "mitglied_einwohner": "Art eines sachkundigen Einwohners",
    "einwendungen": "Überschrift der Einwendungen gegen die letzte Niederschrift",
    "ergebnisse": "Überschrift der Tagesordnung mit Ergebnissen",
    "top_ueberschrift": "Überschrift eines TOP; {nummer}, {titel}",
    "befangen": "Vermerk der Befangenen; {namen}",
    "go_antrag": "Antrag zur Geschäftsordnung; {antrag}",
    "aenderung": "Überschrift einer Änderung",
    "beschluss": "Überschrift des Beschlusses",
    "ergebnis": "Bezeichnung des Ergebnisses",
    "verwiesen_an": "Verweisung hinter dem Ergebnis; {gremium}: Name",
    "abstimmung": "Bezeichnung der Abstimmung",
    "teilabstimmung": "Abstimmung vor dem Beschluss; {abstimmung}",
    "wahl": "Wahl; {wahl}",
    "besetzung": "Besetzung; {besetzung}",
    "keine_punkte": "Satz eines Teils ohne TOP",
    "niederschrift_anlagen": "Überschrift der Anlagen der Niederschrift",
    "niederschrift_anlage": "Anlage der Niederschrift; {nr}, {titel}",
    "zu_top": "Zusatz einer Anlage zu einem TOP; {top}",
    "genehmigt": "Stand einer genehmigten Niederschrift",
    "genehmigt_in": "Sitzung der Genehmigung; {sitzung}: ihre Nummer, mit sitzung_name",
    "genehmigt_am": "Tag der Genehmigung; {datum}",
    "einstimmig": "Abstimmung: einstimmig",
    "einstimmig_enthaltung": "einstimmig mit einer Enthaltung",
    "einstimmig_enthaltungen": "einstimmig mit Enthaltungen; {n}: ihre Zahl",
    "stimmen": "Stimmen; {ja}, {nein}, {enthaltung}: Zahlen",
    "stimmen_namentlich": "Stimmen einer namentlichen Abstimmung; {stimmen}",
    "stimmen_fraktionen": "Stimmen einer Abstimmung nach Fraktionen; {stimmen}",
    "besetzung_wert": "Besetzung eines Gremiums nach Listen; {gremium}, {sitze}, {verfahren}, {listen}",
    "stimme_ja": "Ja-Stimmen (Spaltenkopf, namentliche Abstimmung)",
    "stimme_nein": "Nein-Stimmen",
    "stimme_enthaltung": "Enthaltungen",
    "spalte_fraktion": "Spaltenkopf der Fraktion",
    "summe": "Zeile der Summe",
    # Beschlussauszug
    "beschlussauszug": "Titel des Beschlussauszugs",
    "beschlussauszug_kurz": "Titel in den PDF-Eigenschaften; {top}, {nummer}",
    "drucksache": "Bezeichnung der Drucksache",
    "vorher_abgestimmt": "Bezeichnung einer Abstimmung vor dem Beschluss",
    "ausfuehrung": "Bezeichnung (Spaltenkopf) der ausführenden Stelle",
    "ausfuehrung_frist": "Frist hinter der ausführenden Stelle; {frist}",
    "auszug_vermerk": "Vermerk am Ende; {stand}, {name}: Schriftführung (sonst das Wort „schriftfuehrung“)",
    # Beschlusskontrolle
    "beschlusskontrolle": "Titel der Beschlusskontrolle",
    "auswahl": "Bezeichnung der Auswahl",
    "bk_sitzung": "Spaltenkopf der Sitzung und des TOP",
    "bk_sitzung_wert": "Sitzung und TOP; {gremium}, {datum}, {top}",
    "bk_gegenstand": "Spaltenkopf des Gegenstands",
    "bk_frist": "Spaltenkopf der Frist",
    "bk_keine": "Satz einer leeren Auswahl",
    "bk_alle_gremien": "Auswahl: alle Gremien",
    "bk_stand": "Auswahl: ein Stand; {status}",
    "bk_jeder_stand": "Auswahl: jeder Stand",
    "bk_oeffentlich": "Auswahl: nur öffentliche Beschlüsse",
    "bk_nichtoeffentlich": "Auswahl: mit nichtöffentlichen",
    "bk_alle": "Auswahl: alle Beschlüsse",
    "bk_auftrag": "Auswahl: Beschlüsse mit Auftrag an die Verwaltung",
    **{f"csv_{name}": f"Spaltenkopf „{name}“ der Beschlusskontrolle als CSV" for name in (
        "gremium", "datum", "sitzung", "top", "drucksache", "gegenstand", "ergebnis", "amt", "frist", "status",
        "ampel", "bericht")},
    "ampel_gruen": "Ampel: erledigt",
    "ampel_gelb": "Ampel: offen in der Frist",
    "ampel_rot": "Ampel: überfällig",
}
SITZUNG_KEYS: tuple[str, ...] = tuple(SITZUNG_SCHLUESSEL)
SCHLUESSEL.update(SITZUNG_SCHLUESSEL)
KEYS: tuple[str, ...] = tuple(SCHLUESSEL)
WortFn = Callable[..., str]  # ``w("key", name=value)``: a word with its values
DRUCKSACHE_KEYS: tuple[str, ...] = tuple(k for k in KEYS if k not in SITZUNG_SCHLUESSEL)
FILENAME = "woerter.yaml"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Tafel:
    """One word file: words for every Art and per Art."""

    alle: Mapping[str, str]
    arten: Mapping[str, Mapping[str, str]]


def word_error(key: str, word: str) -> str | None:
    """What is wrong with ``word`` for ``key`` (German), or None."""
    if key == "wochentage" and word.split() and len(word.split()) != 7:  # empty: no day's name is printed
        return "erwartet sieben Wochentage ab Montag, durch Leerzeichen getrennt (oder leer: kein Wochentag)"
    return None


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
        error = word_error(str(key), str(word))
        if error:
            raise UserError(f"{where}.{key}: {error}")
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


def split(word: str) -> list[str]:
    """The word's text and the names of its values, alternating: „Für {gremium}“ → ["Für ", "gremium", ""]."""
    return _PLACEHOLDER.split(word)


@lru_cache(maxsize=1)
def _vorgaben() -> Tafel:
    return read_tafel(Path(__file__).resolve().parents[1] / "templates" / "_base" / FILENAME)


def vorgabe(key: str, **values: object) -> str:
    """The packaged default word of ``key`` with its values (where no layout is chosen: the website)."""
    return fill(_vorgaben().alle.get(key, ""), values)


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
