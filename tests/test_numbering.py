"""Drucksachen-Nr. schemes of real bodies (issue 10): Roman Wahlperiode, WP ranges, Amt segment,
letters, several forms in one body, earlier Wahlperioden, Ergänzungen that do not collide."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import Projekt
from vorlagengen.model.drucksache import Koerperschaft
from vorlagengen.nummern.formen import pattern_for, werte_for
from vorlagengen.nummern.schema import Scheme, SchemeError, Werte, next_suffix, roman


@pytest.mark.parametrize(
    ("pattern", "werte", "nr", "expected"),
    [
        ("{nr:4}/{wp:roemisch}", Werte(2019, wp=5), 1536, "1536/V"),
        ("{nr:4}/{wp:roemisch}", Werte(2007, wp=3), 305, "0305/III"),
        ("DS/{nr:4}/{wp:roemisch}", Werte(2005, wp=5), 1246, "DS/1246/V"),
        ("{wp:roemisch}-{nr:4}", Werte(2010, wp=6), 989, "VI-0989"),
        ("SV-{wp}-{nr:4}", Werte(2003, wp=6), 712, "SV-6-0712"),
        ("WP {wp_von}-{wp_bis} SV {jj}/{nr:3}", Werte(2020, wp_von=2004, wp_bis=2009), 7, "WP 04-09 SV 20/007"),
        ("VO/{jahr}/{nr:4}-{amt}", Werte(2014, amt="20"), 718, "VO/2014/0718-20"),
        ("{amt}/{nr:3}/{jahr}", Werte(2010, amt="40"), 11, "40/011/2010"),
        ("{amt}/{nr:3}/{jahr}", Werte(2014, amt="Käm"), 214, "Käm/214/2014"),
        ("{nr:4}/{jahr}/{art}", Werte(2022, art="AN"), 35, "0035/2022/AN"),
        ("{wp:2}/{nr:4}", Werte(2011, wp=9), 167, "09/0167"),
    ],
)
def test_format_and_parse_round_trip(pattern: str, werte: Werte, nr: int, expected: str) -> None:
    scheme = Scheme(pattern)
    assert scheme.format(nr=nr, werte=werte) == expected
    assert scheme.matches(expected)
    assert int((scheme.parse(expected) or {})["nr"]) == nr


def test_roman_numerals() -> None:
    assert [roman(n) for n in (1, 4, 9, 14, 19, 21)] == ["I", "IV", "IX", "XIV", "XIX", "XXI"]


def test_amt_suffix_and_ergaenzung_do_not_collide() -> None:
    scheme = Scheme("VO/{jahr}/{nr:4}-{amt}")
    assert next_suffix("VO/2014/0718-20", ["VO/2014/0718-20"], scheme) == "VO/2014/0718-20-01"
    parsed = scheme.parse("VO/2014/0718-20-01")
    assert parsed is not None and (parsed["amt"], parsed["suffix"], parsed["basis"]) == ("20", "-01", "VO/2014/0718-20")
    assert next_suffix("VO/2014/0718-20-01", ["VO/2014/0718-20-01"], scheme) == "VO/2014/0718-20-02"


@pytest.mark.parametrize(
    ("ergaenzung", "taken", "expected"),
    [("-{e:2}", ["05157-03-01"], "05157-03-02"), ("{e:A}", ["05157-03A"], "05157-03B"), ("E", [], "05157-03E")],
)
def test_ergaenzung_forms(ergaenzung: str, taken: list[str], expected: str) -> None:
    scheme = Scheme("{nr:5}-{jj}", ergaenzung)
    assert next_suffix("05157-03", taken, scheme) == expected
    assert scheme.matches(expected)


def test_single_ergaenzung_form_has_no_second() -> None:
    with pytest.raises(ValueError, match="keine freie Ergänzungsnummer"):
        next_suffix("05157-03", ["05157-03E"], Scheme("{nr:5}-{jj}", "E"))


@pytest.mark.parametrize(
    ("pattern", "message"),
    [("{nr:4}/{wp:lateinisch}", "„{wp:lateinisch}“ gibt es nicht"), ("{wp}/{wp}/{nr}", "nennt einen Platzhalter zweimal"),
     ("{wp}/{nummer}", "braucht genau einen Platzhalter {nr:N}")],
)
def test_malformed_schemes(pattern: str, message: str) -> None:
    with pytest.raises(SchemeError, match=message.replace("{", r"\{").replace("}", r"\}")):
        Scheme(pattern).validate()


BERLIN = Koerperschaft.model_validate({
    "name": "BVV", "briefkopf": ["Bezirksamt"], "layout": "allris", "ladungsfrist": 7,
    "nummernschema": "{nr:4}/{wp:roemisch}",
    "nummernschema_je_art": {"Anfrage": "KA-{nr:4}/{wp:roemisch}"},
    "wahlperioden": [
        {"nr": 2, "von": "1999-10-01", "bis": "2006-10-25", "nummernschema": "{nr:4}/{jj}"},
        {"nr": 3, "von": "2006-10-26", "bis": "2011-10-26"},
    ],
})


def test_the_form_follows_art_and_wahlperiode() -> None:
    day = dt.date(2007, 5, 9)
    assert pattern_for(BERLIN, "Antrag", day) == "{nr:4}/{wp:roemisch}"
    assert pattern_for(BERLIN, "Anfrage", day) == "KA-{nr:4}/{wp:roemisch}"
    assert pattern_for(BERLIN, "Antrag", dt.date(2004, 1, 1)) == "{nr:4}/{jj}"  # earlier WP keeps its form
    assert werte_for(BERLIN, "Antrag", day).wp == 3


BERLIN_DATA = """
sz:
  name: Bezirksverordnetenversammlung Steglitz-Zehlendorf von Berlin
  briefkopf: [Bezirksamt Steglitz-Zehlendorf von Berlin]
  layout: allris
  nummernschema: "{nr:4}/{wp:roemisch}"
  ladungsfrist: 7
  wahlperioden:
    - {nr: 2, von: 1999-10-01, bis: 2006-10-25, nummernschema: "{nr:4}/{jj}"}
    - {nr: 3, von: 2006-10-26, bis: 2011-10-26}
kreis:
  name: Kreis
  briefkopf: [Kreis]
  layout: allris
  nummernschema: "VO/{jahr}/{nr:4}-{amt}"
  ladungsfrist: 7
"""

RECORD = """nummer: "{nr}"
datum: {datum}
koerperschaft: {body}
art: Mitteilungsvorlage
status: öffentlich
betreff: Test
sachverhalt: Text.
"""


def _project(projekt: Projekt) -> Projekt:
    (projekt.root / "data/koerperschaften.yaml").write_text(BERLIN_DATA, encoding="utf-8")
    (projekt.root / "data/aemter.yaml").write_text(
        "kreis-20:\n  name: Amt 20\n  koerperschaft: kreis\n  kuerzel: \"20\"\n", encoding="utf-8")
    for name in ("gremien", "personen", "altbestand"):
        (projekt.root / f"data/{name}.yaml").write_text("{}\n", encoding="utf-8")
    return projekt


@pytest.mark.parametrize(
    ("nr", "datum", "message"),
    [
        ("0305/III", "2007-05-09", None),
        ("0305/04", "2004-05-09", None),  # an earlier Wahlperiode keeps its old form
        ("0305/3", "2007-05-09", "passt nicht zum Schema „{nr:4}/{wp:roemisch}“ der Körperschaft sz "
         "(Beispiel: 0001/III)"),
        ("0305/IV", "2007-05-09", "nennt Wahlperiode IV, das Datum 09.05.2007 liegt aber in Wahlperiode III"),
    ],
)
def test_validate_roman_and_earlier_forms(leeres_projekt: Projekt, nr: str, datum: str, message: str | None) -> None:
    projekt = _project(leeres_projekt)
    projekt.write_text("vorlagen/sz/a.yaml", RECORD.format(nr=nr, datum=datum, body="sz"))
    result = projekt.validate()
    if message is None:
        assert (result.exit_code, result.stderr) == (0, "")
    else:
        assert result.exit_code == 1 and message in result.stderr


def test_new_with_amt_and_bezug_gives_numbers_validate_accepts(leeres_projekt: Projekt) -> None:
    projekt = _project(leeres_projekt)
    projekt.write_text("vorlagen/kreis/a.yaml", RECORD.format(nr="VO/2014/0718-20", datum="2014-03-01", body="kreis"))
    first = projekt.run("new", "Mitteilungsvorlage", "-k", "kreis", "--amt", "kreis-20", "--datum", "2014-04-01")
    assert first.exit_code == 0, first.output
    assert "VO-2014-0719-20.yaml" in first.stdout
    result = projekt.run("new", "Ergänzungsvorlage", "-k", "kreis", "--bezug", "VO/2014/0718-20", "--datum", "2014-04-02")
    assert result.exit_code == 0, result.output
    path = projekt.root / "vorlagen/kreis/VO-2014-0718-20-01.yaml"
    text = path.read_text(encoding="utf-8").replace('"(Betreff eintragen)"', "Test")
    text = text.replace("(sachverhalt in Markdown)", "Text.").replace('"(ja oder nein)"', "nein")
    path.write_text(text.replace("beratungsfolge: []", "beratungsfolge: []"), encoding="utf-8")
    (projekt.root / "vorlagen/kreis/VO-2014-0719-20.yaml").unlink()
    validated = projekt.validate()
    assert (validated.exit_code, validated.stderr) == (0, "")


def test_new_without_amt_says_how(leeres_projekt: Projekt) -> None:
    projekt = _project(leeres_projekt)
    result = projekt.run("new", "Mitteilungsvorlage", "-k", "kreis", "--datum", "2014-04-01")
    assert result.exit_code == 1
    assert "--amt KENNUNG angeben" in result.stderr and "vorhanden: kreis-20" in result.stderr


def test_unknown_layout_named_after_its_system_points_to_the_layout(leeres_projekt: Projekt) -> None:
    path = leeres_projekt.root / "data/koerperschaften.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("layout: saarbruecken", "layout: sessionnet"),
                    encoding="utf-8")
    result = leeres_projekt.validate()
    assert "unbekanntes Layout „sessionnet“ – die Seiten von „sessionnet“ bildet das Layout „saarbruecken“ nach" \
        in result.stderr


def test_past_step_without_result_is_warned_and_not_planned(leeres_projekt: Projekt) -> None:
    leeres_projekt.write_text("vorlagen/wandsbek/a.yaml", RECORD.format(nr="19/0001", datum="2011-05-01",
                                                                        body="wandsbek")
                              + "beratungsfolge:\n  - gremium: wandsbek-jha\n    datum: 2011-05-11\n"
                              "    zustaendigkeit: Vorberatung\n  - gremium: wandsbek-bv\n    datum: 2011-05-26\n"
                              "    zustaendigkeit: Entscheidung\n    ergebnis: abgelehnt\n")
    result = leeres_projekt.validate()
    assert result.exit_code == 0
    assert "a.yaml:9:5: beratungsfolge[1].ergebnis: Warnung: die Sitzung am 11.05.2011 liegt vor einem späteren Schritt" \
        in result.stderr
