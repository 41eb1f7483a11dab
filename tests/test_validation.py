"""``vorlagengen validate``: one test per kind of bad input, each with the exact German message at
the exact place (``pfad:zeile:spalte: feld.pfad: Meldung``), the summary line, status 1 and no
traceback. Positions refer to WANDSBEK_TEXT in conftest.py (its line numbers are listed there)."""

from __future__ import annotations

import os

import pytest
from click.testing import Result

from conftest import (
    LUENEBURG_PATH,
    SMALL_PDF,
    WANDSBEK_PATH,
    WANDSBEK_TEXT,
    Projekt,
)
from vorlagengen.model.drucksache import Vorlage

W = WANDSBEK_PATH


def replaced(old: str, new: str, text: str = WANDSBEK_TEXT) -> str:
    assert text.count(old) == 1, f"{old!r} must occur exactly once"
    return text.replace(old, new)


def assert_clean_run(result: Result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


def assert_fails(result: Result, expected: list[str], checked: int, files: int | None = None) -> None:
    """Exactly these problem lines on stderr, then the summary; nothing on stdout; status 1."""
    assert_clean_run(result)
    files = files if files is not None else len({line.split(":", 1)[0] for line in expected})
    summary = f"{checked} Drucksachen geprüft, {len(expected)} Fehler in {files} {'Datei' if files == 1 else 'Dateien'}"
    assert result.stderr.splitlines() == [*expected, summary]
    assert result.stdout == ""
    assert result.exit_code == 1


def fails_with(projekt: Projekt, text: str, *expected: str) -> None:
    """Replace the Wandsbek record by ``text``; validate must report exactly ``expected``."""
    projekt.write_text(W, text)
    assert_fails(projekt.validate(), list(expected), checked=2)


# --- a valid project ----------------------------------------------------------------------------


def test_valid_project_passes(projekt: Projekt) -> None:
    result = projekt.validate()
    assert_clean_run(result)
    assert result.exit_code == 0
    assert result.stdout == "2 Drucksachen geprüft, 0 Fehler\n"
    assert result.stderr == ""


def test_quiet_valid_project_prints_nothing(projekt: Projekt) -> None:
    result = projekt.run("-q", "validate")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_german_date_and_amounts_are_accepted(projekt: Projekt) -> None:
    text = replaced("datum: 2011-05-03", "datum: 03.05.2011")
    text = replaced('kosten_umsetzung: "39,50"', 'kosten_umsetzung: "1.234,50"\n  folgekosten: "39,50"\n'
                    "  einnahmen: 39", text)
    projekt.write_text(W, text)
    result = projekt.validate()
    assert_clean_run(result)
    assert (result.exit_code, result.stdout) == (0, "2 Drucksachen geprüft, 0 Fehler\n")

    from vorlagengen.load.project import load_project

    record = next(r for r in load_project(projekt.root).records if r.vorlage.koerperschaft == "wandsbek")
    assert str(record.vorlage.datum) == "2011-05-03"
    assert str(record.vorlage.finanzen.kosten_umsetzung) == "1234.50"
    assert str(record.vorlage.finanzen.folgekosten) == "39.50"


# --- YAML itself --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # a colon inside unquoted text
        ("betreff: Sozialräumliche Hilfen", "betreff: Sozialräumliche: Hilfen",
         f"{W}:6:25: hier ist kein „:“ erlaubt (Einrückung prüfen; Text mit „: “ in Anführungszeichen setzen)"),
        # an unclosed bracket: the place where it opens
        ("status: öffentlich", "status: [öffentlich", f"{W}:5:9: „[“ wird nicht mit „]“ geschlossen"),
        # a tab used for indentation
        ("  - gremium: wandsbek-bv", "\t- gremium: wandsbek-bv",
         f"{W}:12:1: Tabulator ist in YAML nicht erlaubt (nur mit Leerzeichen einrücken)"),
        # a key without its colon: the line of the key, not the following one
        ("betreff: Sozialräumliche", "betreff Sozialräumliche", f"{W}:6:1: erwartetes „:“ nach dem Schlüssel fehlt"),
    ],
    ids=["doppelpunkt-im-text", "offene-klammer", "tabulator", "doppelpunkt-fehlt"],
)
def test_yaml_syntax_error(projekt: Projekt, old: str, new: str, expected: str) -> None:
    fails_with(projekt, replaced(old, new), expected)


def test_unclosed_quote_points_at_the_quote(projekt: Projekt) -> None:
    text = replaced('kosten_umsetzung: "39,50"', 'kosten_umsetzung: "39,50')
    fails_with(projekt, text, f"{W}:21:21: Anführungszeichen nicht geschlossen")


def test_duplicate_key(projekt: Projekt) -> None:
    fails_with(projekt, replaced("status: öffentlich\n", "status: öffentlich\nstatus: nichtöffentlich\n"),
               f"{W}:6:1: doppelter Schlüssel „status“")


def test_duplicate_key_in_list_item(projekt: Projekt) -> None:
    text = replaced("    zustaendigkeit: Vorberatung\n", "    zustaendigkeit: Vorberatung\n    datum: 2011-05-12\n")
    fails_with(projekt, text, f"{W}:12:5: doppelter Schlüssel „datum“")


def test_file_not_utf8(projekt: Projekt) -> None:
    projekt.write_bytes(W, WANDSBEK_TEXT.encode("cp1252"))
    # the first byte that is not UTF-8: the „ö“ of „öffentlich“ in line 5
    assert_fails(projekt.validate(), [f"{W}:5:9: Datei ist nicht UTF-8-kodiert (bitte als UTF-8 speichern)"],
                 checked=2)


def test_utf8_with_bom_is_accepted(projekt: Projekt) -> None:
    projekt.write_bytes(W, b"\xef\xbb\xbf" + WANDSBEK_TEXT.encode())
    assert projekt.validate().exit_code == 0


def test_control_character(projekt: Projekt) -> None:
    fails_with(projekt, replaced("Kontrakt zu.", "Kontrakt\x07 zu."),
               f"{W}:18:45: Steuerzeichen U+0007 ist in YAML nicht erlaubt")


@pytest.mark.parametrize("text", ["", "\n\n", "# nur ein Kommentar\n"])
def test_empty_file(projekt: Projekt, text: str) -> None:
    fails_with(projekt, text, f"{W}:1:1: Datei ist leer")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("- nummer: 19/0167\n- datum: 2011-05-03\n", "eine Liste"),
        ("Beschlussvorlage\n", "ein einzelner Wert"),
        ("42\n", "ein einzelner Wert"),
    ],
)
def test_top_level_not_a_mapping(projekt: Projekt, text: str, kind: str) -> None:
    fails_with(projekt, text, f"{W}:1:1: oberste Ebene muss eine Zuordnung (Schlüssel: Wert) sein, ist aber {kind}")


def test_second_document(projekt: Projekt) -> None:
    fails_with(projekt, WANDSBEK_TEXT + "---\nnummer: 19/0168\n", f"{W}:25:1: nur ein YAML-Dokument je Datei erlaubt")


def test_number_key(projekt: Projekt) -> None:
    fails_with(projekt, WANDSBEK_TEXT + "1: eins\n", f"{W}:25:1: 1: Schlüssel muss Text sein, gefunden: Zahl 1")


# --- fields -------------------------------------------------------------------------------------


def test_unknown_key_with_suggestion(projekt: Projekt) -> None:
    # Only the misspelt key is reported, not also "betreff missing": one mistake, one message.
    fails_with(projekt, replaced("betreff:", "betref:"),
               f"{W}:6:1: betref: unbekanntes Feld „betref“ – meinten Sie „betreff“?")


def test_unknown_key_nested(projekt: Projekt) -> None:
    text = replaced("    zustaendigkeit: Vorberatung\n", "    zustaendigkeit: Vorberatung\n    ergebniss: vertagt\n")
    fails_with(projekt, text,
               f"{W}:12:5: beratungsfolge[1].ergebniss: unbekanntes Feld „ergebniss“ – meinten Sie „ergebnis“?")


def test_unknown_key_without_likeness(projekt: Projekt) -> None:
    fails_with(projekt, WANDSBEK_TEXT + "xyzzy: 1\n", f"{W}:25:1: xyzzy: unbekanntes Feld „xyzzy“; erlaubt: "
               + ", ".join(Vorlage.model_fields))


def test_missing_required_field(projekt: Projekt) -> None:
    fails_with(projekt, replaced("status: öffentlich\n", ""), f"{W}:1:1: status: Pflichtfeld fehlt")


def test_missing_required_field_points_at_its_mapping(projekt: Projekt) -> None:
    # After leading comments the record begins in line 3; nested: the list item that lacks it.
    text = "# Kopf\n# Kommentar\n" + replaced("status: öffentlich\n", "")
    fails_with(projekt, text, f"{W}:3:1: status: Pflichtfeld fehlt")
    # zustaendigkeit may be left empty, as many systems leave the Beratungstyp (issue 22)
    projekt.write_text(W, replaced("    zustaendigkeit: Entscheidung\n", ""))
    assert projekt.validate().exit_code == 0


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("betreff: Sozialräumliche Hilfen und Angebote in Wandsbek", "betreff:\n  - Hilfen\n  - Angebote",
         f"{W}:6:1: betreff: Text erwartet, gefunden: eine Liste"),
        ("betreff: Sozialräumliche Hilfen und Angebote in Wandsbek", "betreff: 42",
         f"{W}:6:1: betreff: Text erwartet, gefunden: Zahl 42"),
        ("betreff: Sozialräumliche Hilfen und Angebote in Wandsbek", "betreff:",
         f"{W}:6:1: betreff: Text erwartet, gefunden: nichts (leer)"),
        ("auswirkungen: ja", "auswirkungen: vielleicht",
         f"{W}:20:3: finanzen.auswirkungen: ja oder nein erwartet, gefunden: Text „vielleicht“"),
        ("status: öffentlich", "status: offen",
         f"{W}:5:1: status: ungültiger Wert „offen“. Erlaubt: öffentlich, nichtöffentlich"),
        ("art: Beschlussvorlage", "art: Beschlusvorlage",
         f"{W}:4:1: art: ungültiger Wert „Beschlusvorlage“ – meinten Sie „Beschlussvorlage“? Erlaubt: "
         "Beschlussvorlage, Mitteilungsvorlage, Informationsvorlage, Stellungnahme, Antrag, Anfrage, "
         "Beantwortung einer Anfrage, Tischvorlage, Ergänzungsvorlage, Drucksache, Beschluss. Nennt die "
         "Körperschaft eine Art anders (z. B. „Vorlage zur Beschlussfassung“), bleibt hier die Art und das Wort "
         "steht in data/koerperschaften.yaml unter art_bezeichnung"),
    ],
    ids=["liste-statt-text", "zahl-statt-text", "leer-statt-text", "text-statt-janein", "status", "art"],
)
def test_wrong_type(projekt: Projekt, old: str, new: str, expected: str) -> None:
    fails_with(projekt, replaced(old, new), expected)


def test_wrong_type_list(projekt: Projekt) -> None:
    fails_with(projekt, replaced("anlagen:\n  - datei: anlagen/kontrakt.pdf\n    titel: Kontrakt Teil A\n",
                                 "anlagen: anlagen/kontrakt.pdf\n"),
               f"{W}:22:1: anlagen: Liste erwartet (Einträge mit „- “), gefunden: Text „anlagen/kontrakt.pdf“")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("datum: 2011-05-03", "datum: 2011-02-31",
         f"{W}:2:1: datum: ungültiges Datum „2011-02-31“ (erwartet JJJJ-MM-TT oder TT.MM.JJJJ, ein Tag, den es gibt)"),
        ("datum: 2011-05-03", "datum: 31.02.2011",
         f"{W}:2:1: datum: ungültiges Datum „31.02.2011“ (erwartet JJJJ-MM-TT oder TT.MM.JJJJ, ein Tag, den es gibt)"),
        ("datum: 2011-05-11", "datum: 2011-02-31",
         f"{W}:10:5: beratungsfolge[1].datum: ungültiges Datum „2011-02-31“ (erwartet JJJJ-MM-TT oder TT.MM.JJJJ, "
         "ein Tag, den es gibt)"),
    ],
    ids=["iso", "deutsch", "beratungsfolge"],
)
def test_impossible_date(projekt: Projekt, old: str, new: str, expected: str) -> None:
    fails_with(projekt, replaced(old, new), expected)


def test_float_amount_refused(projekt: Projekt) -> None:
    fails_with(projekt, replaced('kosten_umsetzung: "39,50"', "kosten_umsetzung: 39.50"),
               f'{W}:21:3: finanzen.kosten_umsetzung: Betrag als Gleitkommazahl; bitte als Text angeben, z. B. "39,50"')


# --- references into data/ ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("gremium: wandsbek-jha", "gremium: wandsbek-jhaa",
         f"{W}:9:5: beratungsfolge[1].gremium: unbekanntes Gremium „wandsbek-jhaa“ (nicht in data/gremien.yaml) "
         "– meinten Sie „wandsbek-jha“?"),
        ("federfuehrend: wandsbek-dez-sjg", "federfuehrend: wandsbek-dez-sgj",
         f"{W}:7:1: federfuehrend: unbekannte Stelle „wandsbek-dez-sgj“ (nicht in data/aemter.yaml) "
         "– meinten Sie „wandsbek-dez-sjg“?"),
        ("federfuehrend: wandsbek-dez-sjg", "federfuehrend: wandsbek-dez-sjg\nbearbeiter: wandsbek-vorsitz",
         f"{W}:8:1: bearbeiter: unbekannte Person „wandsbek-vorsitz“ (nicht in data/personen.yaml) "
         "– meinten Sie „wandsbek-vorsitz-jha“?"),
        ("koerperschaft: wandsbek", "koerperschaft: wandsbeck",
         f"{W}:3:1: koerperschaft: unbekannte Körperschaft „wandsbeck“ (nicht in data/koerperschaften.yaml) "
         "– meinten Sie „wandsbek“?"),
    ],
    ids=["gremium", "amt", "person", "koerperschaft"],
)
def test_unknown_id_with_suggestion(projekt: Projekt, old: str, new: str, expected: str) -> None:
    fails_with(projekt, replaced(old, new), expected)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("gremium: wandsbek-bv", "gremium: segeberg-kt",
         f"{W}:12:5: beratungsfolge[2].gremium: Gremium „segeberg-kt“ gehört zu Körperschaft „segeberg“, "
         "nicht zu „wandsbek“"),
        ("federfuehrend: wandsbek-dez-sjg", "federfuehrend: rostock-amt-jsa",
         f"{W}:7:1: federfuehrend: Stelle „rostock-amt-jsa“ gehört zu Körperschaft „rostock“, nicht zu „wandsbek“"),
        ("federfuehrend: wandsbek-dez-sjg", "federfuehrend: wandsbek-dez-sjg\nunterschrift:\n  person: lueneburg-hampe",
         f"{W}:9:3: unterschrift.person: Person „lueneburg-hampe“ gehört zu Körperschaft „lueneburg“, "
         "nicht zu „wandsbek“"),
    ],
    ids=["gremium", "amt", "person"],
)
def test_id_of_another_koerperschaft(projekt: Projekt, old: str, new: str, expected: str) -> None:
    fails_with(projekt, replaced(old, new), expected)


def test_bezug_to_unknown_drucksache(projekt: Projekt) -> None:
    text = replaced("federfuehrend: wandsbek-dez-sjg", 'federfuehrend: wandsbek-dez-sjg\nbezug: "19/0166"')
    fails_with(projekt, text,
               f"{W}:8:1: bezug: Bezug auf unbekannte Drucksache „19/0166“ (weder in vorlagen/ noch in "
               "data/altbestand.yaml)")


def test_bezug_to_known_drucksache_passes(projekt: Projekt) -> None:
    projekt.write_text("vorlagen/wandsbek/19-0168.yaml", replaced('"19/0167"', '"19/0168"').replace(
        "federfuehrend: wandsbek-dez-sjg", 'federfuehrend: wandsbek-dez-sjg\nbezug: "19/0167"'))
    assert projekt.validate().exit_code == 0


# --- Drucksachen-Nr. ----------------------------------------------------------------------------


def test_nummer_not_matching_scheme(projekt: Projekt) -> None:
    fails_with(projekt, replaced('nummer: "19/0167"', 'nummer: "VO/0167/19"'),
               f"{W}:1:1: nummer: Drucksachen-Nr. „VO/0167/19“ passt nicht zum Schema „{{wp}}/{{nr:4}}“ der "
               "Körperschaft wandsbek (Beispiel: 19/0001)")


def test_nummer_scheme_example_uses_year_and_kuerzel(projekt: Projekt) -> None:
    projekt.write_record("vorlagen/rostock/x.yaml", {
        "nummer": "2017/2461", "datum": "2017-02-07", "koerperschaft": "rostock", "art": "Antrag",
        "status": "öffentlich", "betreff": "Fachkonzept", "initiator": "rostock-jha",
        "beschlussvorschlag": "Die Bürgerschaft beschließt.",
    })
    assert_fails(projekt.validate(), [
        "vorlagen/rostock/x.yaml:1:1: nummer: Drucksachen-Nr. „2017/2461“ passt nicht zum Schema "
        "„{jahr}/{art}/{nr:4}“ der Körperschaft rostock (Beispiel: 2017/AN/0001)"], checked=3)


def test_nummer_used_twice(projekt: Projekt) -> None:
    projekt.write_text("vorlagen/wandsbek/19-0167-kopie.yaml", WANDSBEK_TEXT)
    assert_fails(projekt.validate(), [
        f"{W}:1:1: nummer: Drucksachen-Nr. „19/0167“ ist doppelt vergeben (auch in "
        "vorlagen/wandsbek/19-0167-kopie.yaml)"], checked=3)


def test_nummer_used_twice_when_one_file_is_validated(projekt: Projekt) -> None:
    kopie = "vorlagen/wandsbek/19-0167-kopie.yaml"
    projekt.write_text(kopie, WANDSBEK_TEXT)
    assert_fails(projekt.validate(kopie), [
        f"{kopie}:1:1: nummer: Drucksachen-Nr. „19/0167“ ist doppelt vergeben (auch in {W})"], checked=1)


def test_nummer_in_altbestand(projekt: Projekt) -> None:
    projekt.write_record("vorlagen/rostock/2017-AN-2460.yaml", {
        "nummer": "2017/AN/2460", "datum": "2017-01-10", "koerperschaft": "rostock", "art": "Antrag",
        "status": "öffentlich", "betreff": "Fachkonzept", "initiator": "rostock-jha",
        "beschlussvorschlag": "Die Bürgerschaft beschließt.",
    })
    assert_fails(projekt.validate(), [
        "vorlagen/rostock/2017-AN-2460.yaml:1:1: nummer: Drucksachen-Nr. „2017/AN/2460“ steht schon in "
        "data/altbestand.yaml"], checked=3)


# --- Anlagen ------------------------------------------------------------------------------------

ANLAGE = "datei: anlagen/kontrakt.pdf"


def test_anlage_absolute_path(projekt: Projekt) -> None:
    fails_with(projekt, replaced(ANLAGE, "datei: /etc/passwd"),
               f"{W}:23:5: anlagen[1].datei: absoluter Pfad „/etc/passwd“ nicht erlaubt; Anlagen liegen im "
               "Projekt, Pfad relativ zur Drucksache")


def test_anlage_leaving_project_with_dotdot(projekt: Projekt) -> None:
    (projekt.root.parent / "geheim.pdf").write_bytes(SMALL_PDF)
    fails_with(projekt, replaced(ANLAGE, "datei: ../../../geheim.pdf"),
               f"{W}:23:5: anlagen[1].datei: Pfad „../../../geheim.pdf“ führt aus dem Projektordner heraus")


def test_anlage_dotdot_inside_project_passes(projekt: Projekt) -> None:
    projekt.write_bytes("gemeinsam/plan.pdf", SMALL_PDF)
    projekt.write_text(W, replaced(ANLAGE, "datei: ../../gemeinsam/plan.pdf"))
    assert projekt.validate().exit_code == 0


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolische Links nötig")
def test_anlage_through_symlink_outside(projekt: Projekt) -> None:
    outside = projekt.root.parent / "draussen.pdf"
    outside.write_bytes(SMALL_PDF)
    (projekt.root / "vorlagen/wandsbek/anlagen/link.pdf").symlink_to(outside)
    fails_with(projekt, replaced(ANLAGE, "datei: anlagen/link.pdf"),
               f"{W}:23:5: anlagen[1].datei: Pfad „anlagen/link.pdf“ führt über einen symbolischen Link aus "
               "dem Projektordner heraus")


def test_anlage_missing(projekt: Projekt) -> None:
    fails_with(projekt, replaced(ANLAGE, "datei: anlagen/kontrakt-2.pdf"),
               f"{W}:23:5: anlagen[1].datei: Anlage „anlagen/kontrakt-2.pdf“ nicht gefunden")


def test_anlage_is_a_folder(projekt: Projekt) -> None:
    fails_with(projekt, replaced(ANLAGE, "datei: anlagen"), f"{W}:23:5: anlagen[1].datei: „anlagen“ ist keine Datei")


# --- order and Art ------------------------------------------------------------------------------


def test_beratungsfolge_out_of_date_order(projekt: Projekt) -> None:
    fails_with(projekt, replaced("datum: 2011-05-26", "datum: 2011-05-01"),
               f"{W}:13:5: beratungsfolge[2].datum: Beratungsfolge nicht in zeitlicher Reihenfolge: 01.05.2011 "
               "liegt vor 11.05.2011 (Schritt 1)")


def test_beschlussvorlage_without_beschlussvorschlag(projekt: Projekt) -> None:
    fails_with(projekt, replaced("beschlussvorschlag: |\n  Die Bezirksversammlung stimmt dem Kontrakt zu.\n", ""),
               f"{W}:4:1: art: eine Beschlussvorlage braucht das Feld „beschlussvorschlag“, es fehlt oder ist leer")


def test_stellungnahme_without_bezug(projekt: Projekt) -> None:
    fails_with(projekt, replaced("art: Beschlussvorlage", "art: Stellungnahme"),
               f"{W}:4:1: art: eine Stellungnahme braucht das Feld „bezug“, es fehlt oder ist leer")


def test_anfrage_without_fragen(projekt: Projekt) -> None:
    text = replaced("art: Beschlussvorlage", "art: Anfrage").replace(
        "federfuehrend: wandsbek-dez-sjg", "federfuehrend: wandsbek-dez-sjg\ninitiator: wandsbek-bv")
    fails_with(projekt, text, f"{W}:4:1: art: eine Anfrage braucht das Feld „fragen“, es fehlt oder ist leer")


def test_anfrage_with_fragen_passes(projekt: Projekt) -> None:
    text = replaced("art: Beschlussvorlage", "art: Anfrage").replace(
        "federfuehrend: wandsbek-dez-sjg", "federfuehrend: wandsbek-dez-sjg\ninitiator: wandsbek-bv\n"
        "fragen:\n  - Wie viele Fälle gab es 2010?")
    projekt.write_text(W, text)
    assert projekt.validate().exit_code == 0


# --- reference data -----------------------------------------------------------------------------


def test_bad_nummernschema_in_data(projekt: Projekt) -> None:
    path = projekt.root / "data/koerperschaften.yaml"
    path.write_text(replaced('nummernschema: "{wp}/{nr:4}"', 'nummernschema: "{wp}/{nummer:4}"', path.read_text()))
    assert_fails(projekt.validate(), [
        "data/koerperschaften.yaml:10:3: wandsbek.nummernschema: Nummernschema „{wp}/{nummer:4}“ braucht genau "
        "einen Platzhalter {nr:N}"], checked=2)


def test_unknown_koerperschaft_in_gremien(projekt: Projekt) -> None:
    path = projekt.root / "data/gremien.yaml"
    text = path.read_text()
    start = text.index("segeberg-jha:")
    path.write_text(text[:start] + text[start:].replace("koerperschaft: segeberg", "koerperschaft: segberg", 1))
    line = text[:start].count("\n") + 3  # name, then koerperschaft
    assert_fails(projekt.validate(), [
        f"data/gremien.yaml:{line}:3: segeberg-jha.koerperschaft: unbekannte Körperschaft „segberg“ "
        "– meinten Sie „segeberg“?"], checked=2)


def test_unknown_key_in_data(projekt: Projekt) -> None:
    path = projekt.root / "data/personen.yaml"
    text = path.read_text()
    path.write_text(text.replace("  nachname: Hampe\n", "  nachnahme: Hampe\n"))
    line = text[: text.index("  nachname: Hampe")].count("\n") + 1
    assert_fails(projekt.validate(), [
        f"data/personen.yaml:{line}:3: lueneburg-hampe.nachnahme: unbekanntes Feld „nachnahme“ – meinten Sie "
        "„nachname“?"], checked=2)


# --- all at once --------------------------------------------------------------------------------


def test_all_errors_of_several_records_in_one_run(projekt: Projekt) -> None:
    projekt.write_text(W, replaced("datum: 2011-05-03", "datum: 2011-02-31"))
    projekt.write_text("vorlagen/wandsbek/19-0168.yaml",
                       replaced('"19/0167"', '"19/0168"').replace("status: öffentlich", "status: offen")
                       .replace("gremium: wandsbek-bv", "gremium: wandsbek-bw"))
    projekt.write_text("vorlagen/wandsbek/19-0169.yaml", "- kaputt\n")
    projekt.write_text(LUENEBURG_PATH, "nummer: [VO/8321/19\n")
    assert_fails(projekt.validate(), [
        f"{LUENEBURG_PATH}:1:9: „[“ wird nicht mit „]“ geschlossen",
        f"{W}:2:1: datum: ungültiges Datum „2011-02-31“ (erwartet JJJJ-MM-TT oder TT.MM.JJJJ, ein Tag, den es gibt)",
        "vorlagen/wandsbek/19-0168.yaml:5:1: status: ungültiger Wert „offen“. Erlaubt: öffentlich, nichtöffentlich",
        "vorlagen/wandsbek/19-0169.yaml:1:1: oberste Ebene muss eine Zuordnung (Schlüssel: Wert) sein, ist aber "
        "eine Liste",
    ], checked=4)


def test_several_problems_in_one_record_are_all_reported(projekt: Projekt) -> None:
    text = replaced("gremium: wandsbek-jha", "gremium: wandsbek-jhaa")
    text = replaced("datum: 2011-05-26", "datum: 2011-05-01", text)
    text = replaced(ANLAGE, "datei: /etc/passwd", text)
    fails_with(projekt, text,
               f"{W}:9:5: beratungsfolge[1].gremium: unbekanntes Gremium „wandsbek-jhaa“ (nicht in data/gremien.yaml) "
               "– meinten Sie „wandsbek-jha“?",
               f"{W}:13:5: beratungsfolge[2].datum: Beratungsfolge nicht in zeitlicher Reihenfolge: 01.05.2011 "
               "liegt vor 11.05.2011 (Schritt 1)",
               f"{W}:23:5: anlagen[1].datei: absoluter Pfad „/etc/passwd“ nicht erlaubt; Anlagen liegen im "
               "Projekt, Pfad relativ zur Drucksache")


def test_path_that_does_not_exist(projekt: Projekt) -> None:
    result = projekt.validate("vorlagen/gibtsnicht.yaml")
    assert_clean_run(result)
    assert result.exit_code == 1
    assert result.stderr == "Fehler: vorlagen/gibtsnicht.yaml: Datei oder Ordner nicht gefunden\n"


def test_not_a_project(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = Projekt(tmp_path).validate()
    assert_clean_run(result)
    assert result.exit_code == 1
    assert result.stderr == f"Fehler: {tmp_path}: kein vorlagengen-Projekt (Ordner „data/“ fehlt)\n"


def test_unreadable_data_file_is_one_error_not_one_per_record(projekt: Projekt) -> None:
    # gremien.yaml cannot be read: records that name a Gremium are not also "unknown Gremium"
    path = projekt.root / "data/gremien.yaml"
    path.write_text("wandsbek-jha:\n  name: [Jugendhilfeausschuss\n", encoding="utf-8")
    assert_fails(projekt.validate(), ["data/gremien.yaml:2:9: „[“ wird nicht mit „]“ geschlossen"], checked=2)


def test_record_naming_an_invalid_data_entry_is_not_reported_twice(projekt: Projekt) -> None:
    path = projekt.root / "data/aemter.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  name: Dezernat Soziales, Jugend und Gesundheit\n", ""), encoding="utf-8")
    line = text[: text.index("wandsbek-dez-sjg:")].count("\n") + 1
    # the Wandsbek record's federfuehrend names it: one error, where the entry is
    assert_fails(projekt.validate(), [f"data/aemter.yaml:{line}:1: wandsbek-dez-sjg.name: Pflichtfeld fehlt"],
                 checked=2)
