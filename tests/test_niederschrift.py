"""Niederschrift records: loading beside their Sitzung, the checks of validate (exact messages and
lines), the vote arithmetic, and the Niederschrift as the one source of a Drucksache's result."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from vorlagengen.checks.votes import parse_share, quorum_holds, stimmen
from vorlagengen.cli import cli
from vorlagengen.load.project import load_project
from vorlagengen.model.niederschrift import Abstimmung

REPO = Path(__file__).resolve().parents[1]
WANDSBEK = "sitzungen/wandsbek-jha-2011-05-11.niederschrift.yaml"
LUENEBURG = "sitzungen/lueneburg-sga-2019-04-04.niederschrift.yaml"


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The repository's demo project (data, Drucksachen, Sitzungen with their Niederschriften)."""
    root = tmp_path / "demo"
    for folder in ("data", "vorlagen", "sitzungen"):
        shutil.copytree(REPO / folder, root / folder)
    monkeypatch.chdir(root)
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def validate(root: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["--projekt", str(root), "validate"])
    return result.exit_code, [line for line in result.output.splitlines() if line.strip()]


def test_demo_niederschriften_load_and_derive_results(demo: Path) -> None:
    project = load_project(demo)
    with_minutes = [s for s in project.sitzungen if s.niederschrift is not None]
    assert len(with_minutes) == 2
    assert project.ergebnisse[("wandsbek", "19/0171", "wandsbek-jha", dt.date(2011, 5, 11))] == "geändert beschlossen"
    assert project.ergebnisse[("lueneburg", "VO/8321/19", "lueneburg-sga", dt.date(2019, 4, 4))] == \
        "zur Kenntnis genommen"


def test_overdue_beschluss_is_a_warning_not_an_error(demo: Path) -> None:
    code, lines = validate(demo)
    assert code == 0
    assert (f"{WANDSBEK}:74:7: tops[6].kontrolle.frist: Warnung: Beschluss zu TOP 12.7 ist überfällig: "
            "Frist 31.12.2011, Stand „in Arbeit“") in lines


CASES = [
    pytest.param(WANDSBEK, "      ja: 4\n      nein: 0\n      enthaltung: 1", "      ja: 5\n      nein: 0\n      enthaltung: 1",
                 f"{WANDSBEK}:40:5: tops[2].abstimmung: Stimmen ergeben 6, aber bei TOP Ö 2 sind 5 Stimmberechtigte "
                 "anwesend (Ja + Nein + Enthaltung muss die Zahl der Anwesenden ergeben)", id="counts"),
    pytest.param(WANDSBEK, '  - top: "Ö 13"\n    inhalt: Keine Wortmeldungen.\n', "",
                 f"{WANDSBEK}:34:1: tops: TOP Ö 13 der Tagesordnung hat kein Ergebnis in der Niederschrift",
                 id="missing-top"),
    pytest.param(WANDSBEK, '  - top: "Ö 4"', '  - top: "Ö 14"',
                 f"{WANDSBEK}:63:5: tops[4].top: TOP „Ö 14“ steht nicht auf der Tagesordnung (vorhanden: Ö 1, Ö 2, "
                 "Ö 3, Ö 4, 12, 12.7, Ö 13, N 1, N 2)", id="unknown-top"),
    pytest.param(LUENEBURG, "        nein: [lueneburg-sga-schmidt]",
                 "        nein: [lueneburg-sga-schmidt, lueneburg-sga-neumann]",
                 f"{LUENEBURG}:50:7: tops[4].abstimmung.namentlich: „lueneburg-sga-neumann“ ist bei TOP Ö 3a befangen "
                 "und stimmt nicht mit ab", id="befangen-votes"),
    pytest.param(LUENEBURG, "  - person: lueneburg-sga-meyer\n", "  - person: lueneburg-sga-meyer\n    status: abwesend\n",
                 f"{LUENEBURG}:51:7: tops[4].abstimmung.namentlich: „lueneburg-sga-meyer“ ist bei TOP Ö 3a nicht "
                 "stimmberechtigt anwesend", id="absent-votes"),
    pytest.param(LUENEBURG, "  - person: lueneburg-sga-weber\n", "  - person: lueneburg-sga-weber\n    status: abwesend\n",
                 f"{LUENEBURG}:50:5: tops[4].abstimmung: bei TOP Ö 3a nicht beschlussfähig: 3 von 6 Mitgliedern anwesend "
                 "und stimmberechtigt (nötig: mehr als 1/2 der Mitglieder)", id="quorum"),
    pytest.param(LUENEBURG, "  - person: lueneburg-sga-weber\n", "",
                 f"{LUENEBURG}:15:1: anwesenheit: Mitglied „lueneburg-sga-weber“ fehlt in der Anwesenheitsliste "
                 "(anwesend, entschuldigt oder abwesend angeben)", id="member-missing"),
    pytest.param(LUENEBURG, "vorsitz: lueneburg-vorsitz-sga", "vorsitz: lueneburg-vorsitz-sgb",
                 f"{LUENEBURG}:13:1: vorsitz: unbekannte Person „lueneburg-vorsitz-sgb“ (nicht in data/personen.yaml)",
                 id="unknown-person"),
    pytest.param(WANDSBEK, "    ergebnis: geändert beschlossen\n    aenderung:", "    ergebnis: geändert beschlossen\n    x_aenderung:",
                 f"{WANDSBEK}:49:5: tops[3].x_aenderung: unbekanntes Feld „x_aenderung“ – meinten Sie „aenderung“?", id="unknown-field"),
]


@pytest.mark.parametrize(("rel", "old", "new", "expected"), CASES)
def test_niederschrift_checks_are_located_german_errors(demo: Path, rel: str, old: str, new: str,
                                                         expected: str) -> None:
    edit(demo, rel, old, new)
    code, lines = validate(demo)
    assert code == 1
    assert any(line.startswith(expected) for line in lines), "\n".join(lines)


def test_result_in_drucksache_must_agree_with_niederschrift(demo: Path) -> None:
    edit(demo, "vorlagen/wandsbek/19-0171.yaml", "    zustaendigkeit: Empfehlung\n",
         "    zustaendigkeit: Empfehlung\n    ergebnis: abgelehnt\n")
    code, lines = validate(demo)
    assert code == 1
    assert any(line.startswith("vorlagen/wandsbek/19-0171.yaml:") and "beratungsfolge[1].ergebnis: Ergebnis "
               "„abgelehnt“ widerspricht der Niederschrift" in line for line in lines), lines


def test_niederschrift_file_given_alone_validates_its_sitzung(demo: Path) -> None:
    result = CliRunner().invoke(cli, ["--projekt", str(demo), "validate", LUENEBURG])
    assert result.exit_code == 0, result.output
    assert "1 Sitzungen" in result.output or "Sitzungen geprüft" in result.output


def test_vote_arithmetic() -> None:
    assert stimmen(Abstimmung(einstimmig=True), 7).summe == 7
    assert stimmen(Abstimmung(ja=3, nein=2), 7).summe == 5
    assert parse_share(" 2 / 3 ") == Fraction(2, 3)
    assert quorum_holds(4, 7, Fraction(1, 2))
    assert not quorum_holds(3, 6, Fraction(1, 2))
    with pytest.raises(ValueError, match="genau eine Form"):
        Abstimmung(einstimmig=True, ja=3)


def pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()
    return " ".join(re.sub(r"(\w)(?:-\s*[\r\n]+|[\u00ad\ufffe\u0002]\s*)(\w)", r"\1\2", text).split())  # undo hyphenation


def docx_text(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return " ".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in xml.split("</w:p>"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project's Niederschriften and Beschlusskontrolle, built once."""
    root = tmp_path_factory.mktemp("nb") / "demo"
    for folder in ("data", "vorlagen", "sitzungen"):
        shutil.copytree(REPO / folder, root / folder)
    for command in (["niederschrift"], ["beschluesse"]):
        result = CliRunner().invoke(cli, ["--projekt", str(root), *command])
        assert result.exit_code == 0, result.output
    return root / "build"


def test_niederschrift_goes_to_the_two_trees(built: Path) -> None:
    pub = built / "oeffentlich" / "sitzungen" / "wandsbek-jha-2011-05-11"
    intern = built / "intern" / "sitzungen" / "wandsbek-jha-2011-05-11"
    assert sorted(p.name for p in pub.iterdir()) == ["Niederschrift.docx", "Niederschrift.pdf"]
    assert {p.name for p in intern.iterdir()} == {
        "Niederschrift-oeffentlicher-Teil.pdf", "Niederschrift-oeffentlicher-Teil.docx",
        "Niederschrift-nichtoeffentlicher-Teil.pdf", "Niederschrift-nichtoeffentlicher-Teil.docx",
        "Beschlussauszuege"}
    auszuege = sorted(p.name for p in (intern / "Beschlussauszuege").iterdir() if p.suffix == ".pdf")
    assert auszuege == ["Beschlussauszug-TOP-12.7.pdf", "Beschlussauszug-TOP-N-1.pdf", "Beschlussauszug-TOP-Oe-2.pdf",
                        "Beschlussauszug-TOP-Oe-3.pdf", "Beschlussauszug-TOP-Oe-4.pdf"]


def test_public_niederschrift_is_the_minimal_variant(built: Path) -> None:
    pub = built / "oeffentlich" / "sitzungen" / "wandsbek-jha-2011-05-11"
    for text in (pdf_text(pub / "Niederschrift.pdf"), docx_text(pub / "Niederschrift.docx")):
        assert "Mindestinhalt" in text
        assert "Ja 4, Nein 1, Enthaltung 1" in text  # vote results stay
        assert "Tobias Wagner (in Vertretung für Jens Petersen)" in text
        for absent in ("bittet darum", "Elternvereins", "Krankheit", "Urlaub", "Herr Brandt", "Frau Lorenz",  # discussion, reasons, staff
                       "Einzelfallbezogene", "Hilfefällen", "N 1"):  # the non-public part
            assert absent not in text, absent


def test_internal_niederschrift_holds_discussion_reasons_and_non_public_part(built: Path) -> None:
    intern = built / "intern" / "sitzungen" / "wandsbek-jha-2011-05-11"
    full = pdf_text(intern / "Niederschrift-oeffentlicher-Teil.pdf")
    assert "Der Ausschuss bittet darum, den Elternverein" in " ".join(full.split())
    assert "Jens Petersen (Krankheit)" in full
    assert "Elternvereins Rahlstedt" in full  # Gäste: internal documents only
    geheim = pdf_text(intern / "Niederschrift-nichtoeffentlicher-Teil.pdf")
    assert "TOP N 1 Einzelfallbezogene Kosten" in " ".join(geheim.split())
    assert "Elternvereins Rahlstedt" in geheim  # Gäste
    assert "Neugestaltung des Spielplatzes" not in geheim  # no public TOP in the non-public part


def test_beschlussauszug_takes_the_amended_text_and_the_default_beschlussvorschlag(built: Path) -> None:
    folder = built / "intern" / "sitzungen" / "wandsbek-jha-2011-05-11" / "Beschlussauszuege"
    amended = " ".join(pdf_text(folder / "Beschlussauszug-TOP-Oe-3.pdf").split())
    assert "Der Elternverein Rahlstedt wird an der Auswahl der Spielgeräte beteiligt." in amended
    assert "geändert beschlossen" in amended and "Ja 4, Nein 1, Enthaltung 1" in amended
    default = " ".join(pdf_text(folder / "Beschlussauszug-TOP-12.7.pdf").split())
    assert "Der JHA wird um Kenntnisnahme gebeten." in default  # 19/0167's Beschlussvorschlag


def test_beschlusskontrolle_lists_public_beschluesse_publicly_and_all_internally(built: Path) -> None:
    pub = (built / "oeffentlich" / "beschluesse" / "lueneburg" / "Beschlusskontrolle.csv").read_text("utf-8-sig")
    rows = pub.splitlines()
    assert rows[0] == "gremium;datum;sitzung;top;drucksache;gegenstand;ergebnis;amt;frist;status;ampel;bericht"
    assert rows[1].startswith("Sozial- und Gesundheitsausschuss;04.04.2019;SGA/2019/02;Ö 3a;;Bericht der Verwaltung")
    assert ";erledigt;grün;" in rows[1]
    wandsbek = (built / "intern" / "beschluesse" / "wandsbek" / "Beschlusskontrolle.csv").read_text("utf-8-sig")
    assert ";in Arbeit;rot;" in wandsbek  # 12.7: Frist 31.12.2011 passed
    assert "Beschlusskontrolle" in pdf_text(built / "oeffentlich" / "beschluesse" / "wandsbek" / "Beschlusskontrolle.pdf")


def test_niederschrift_pdf_is_pdfa_and_ua(built: Path) -> None:
    import pikepdf

    with pikepdf.open(built / "oeffentlich" / "sitzungen" / "wandsbek-jha-2011-05-11" / "Niederschrift.pdf") as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "2" and meta.get("pdfaid:conformance") == "A"
        assert meta.get("pdfuaid:part") == "1"


def test_drucksache_shows_the_result_of_the_niederschrift_and_is_rebuilt_when_it_changes(demo: Path) -> None:
    def build(*paths: str) -> str:
        result = CliRunner().invoke(cli, ["--projekt", str(demo), "build", "--format", "pdf", *paths])
        assert result.exit_code == 0, result.output
        pdfs = list((demo / "build" / "oeffentlich").rglob("19-0171.pdf"))
        assert len(pdfs) == 1
        return pdf_text(pdfs[0])

    assert "geändert beschlossen" in build()  # 19/0171's own record names no result
    edit(demo, WANDSBEK, "    ergebnis: geändert beschlossen\n    aenderung: Angefügt",
         "    ergebnis: abgelehnt\n    x: 1\n    aenderung: Angefügt")
    edit(demo, WANDSBEK, "    x: 1\n", "")
    edit(demo, WANDSBEK, "    aenderung: Angefügt wird der Satz „Der Elternverein Rahlstedt wird an der Auswahl der "
                         "Spielgeräte beteiligt.“\n", "")
    assert "abgelehnt" in build("vorlagen/wandsbek/19-0171.yaml")  # also when only this record is built


def test_niederschrift_documents_match_golden_pages(tmp_path: Path) -> None:
    from render_support import GOLDEN, build_demo_niederschrift, golden_mismatch, niederschrift_goldens

    (tmp_path / "p").mkdir()
    goldens = niederschrift_goldens(build_demo_niederschrift(tmp_path / "p"))
    problems = [golden_mismatch(pdf, page, GOLDEN / name, keep=tmp_path / name) for pdf, page, name in goldens]
    assert not [p for p in problems if p], problems


MORE_CASES = [
    pytest.param(WANDSBEK, '  - top: "Ö 4"\n    ergebnis: zur Kenntnis genommen',
                 '  - top: "Ö 4"\n    ergebnis: zur Kenntnis genommen\n    abstimmung: {einstimmig: ja}',
                 "tops[4].abstimmung: Stimmergebnis ohne Beschluss (Ergebnis „zur Kenntnis genommen“)", id="vote-no-beschluss"),
    pytest.param(WANDSBEK, "    ergebnis: geändert beschlossen\n    aenderung: Angefügt wird der Satz „Der Elternverein "
                 "Rahlstedt wird an der Auswahl der Spielgeräte beteiligt.“\n", "    ergebnis: geändert beschlossen\n",
                 "tops[3].aenderung: „geändert beschlossen“ braucht die Änderung (aenderung)", id="aenderung-missing"),
    pytest.param(WANDSBEK, '  - top: "Ö 4"\n    ergebnis: zur Kenntnis genommen',
                 '  - top: "Ö 4"\n    ergebnis: verwiesen', "tops[4].verwiesen_an: „verwiesen“ braucht das Gremium",
                 id="verwiesen-ohne-gremium"),
    pytest.param(WANDSBEK, "      amt: wandsbek-dez-sjg\n      frist: 2011-09-30",
                 "      amt: wandsbek-dez-xyz\n      frist: 2011-09-30",
                 "tops[3].kontrolle.amt: unbekannte Stelle „wandsbek-dez-xyz“ der Körperschaft wandsbek", id="amt"),
    pytest.param(WANDSBEK, '  - top: "Ö 4"\n', '  - top: "Ö 3"\n', "tops[4].top: TOP „Ö 3“ hat zwei Ergebnisse",
                 id="twice"),
]


@pytest.mark.parametrize(("rel", "old", "new", "expected"), MORE_CASES)
def test_more_niederschrift_checks(demo: Path, rel: str, old: str, new: str, expected: str) -> None:
    edit(demo, rel, old, new)
    code, lines = validate(demo)
    assert code == 1
    assert any(line.startswith(rel) and expected in line for line in lines), "\n".join(lines)


GLYPHS = [  # (old, new, expected line) in the Lüneburg Niederschrift
    pytest.param("    inhalt: Keine Anfragen.", "    inhalt: Keine Anfragen 🦀.",
                 f"{LUENEBURG}:63:28: tops[5].inhalt: Zeichen „🦀“ (U+1F980 CRAB) ist in keiner Schrift "
                 "enthalten, mit der gesetzt wird (Liberation Sans, DejaVu Sans); bitte ersetzen oder umschreiben",
                 id="emoji-inhalt"),
    pytest.param("      der Stadtteilhäuser ab 2020 vorzulegen.", "      der Stadtteilhäuser (中心) ab 2020 vorzulegen.",
                 f"{LUENEBURG}:47:28: tops[4].beschluss: Zeichen „中“ (U+4E2D CJK UNIFIED IDEOGRAPH-4E2D) ist in "
                 "keiner Schrift enthalten", id="cjk-beschluss"),
    pytest.param("        von: Herr Schmidt", "        von: Herr ᚠ Schmidt",
                 f"{LUENEBURG}:55:19: tops[4].go_antraege[1].von: Zeichen „ᚠ“ (U+16A0 RUNIC LETTER FEHU FEOH FE F)",
                 id="rune-go-antrag"),
    pytest.param("      bericht: Der Bericht wurde", "      bericht: Der [Bericht](javascript:alert(1)) wurde",
                 f"{LUENEBURG}:61:30: tops[4].kontrolle.bericht: Link auf „javascript:“ ist nicht erlaubt",
                 id="link-bericht"),
    pytest.param("    inhalt: Keine Anfragen.", "    inhalt: |\n      Keine[^1] Anfragen.\n\n      [^1]: A\n\n"
                 "      [^1]: B",
                 f"{LUENEBURG}:68:7: tops[5].inhalt: Fußnote „[^1]“ ist zweimal erklärt; jede Fußnote braucht ihre "
                 "eigene Marke", id="footnote-twice"),
]


@pytest.mark.parametrize("old, new, expected", GLYPHS)
def test_niederschrift_text_the_fonts_or_pandoc_cannot_take_is_refused_at_validate(
        demo: Path, old: str, new: str, expected: str) -> None:
    """Every text of a Niederschrift ends up in a PDF: a character no shipped font has, or Markdown the
    renderer cannot take, is a located error at validate (and niederschrift refuses to start)."""
    edit(demo, LUENEBURG, old, new)
    code, lines = validate(demo)
    assert code == 1
    assert any(line.startswith(expected) for line in lines), lines
    result = CliRunner().invoke(cli, ["--projekt", str(demo), "niederschrift"])
    assert result.exit_code == 1 and expected.split(": Zeichen")[0] in result.output + result.stderr
    assert not (demo / "build").exists() or not any((demo / "build").rglob("*.pdf"))


def test_what_validates_in_a_niederschrift_renders(demo: Path) -> None:
    """Symbols of the fallback font, the same footnote mark in two TOPs of one part (two footnotes, not
    a pandoc warning), a <div> and an anchor to nowhere: validate says yes, so niederschrift and
    beschluesse succeed."""
    edit(demo, LUENEBURG, "    inhalt: Der Vorsitzende eröffnet die Sitzung",
         "    inhalt: |\n      Eröffnung[^1].\n\n      [^1]: Erste Notiz.\n\n      Der Vorsitzende eröffnet die Sitzung")
    edit(demo, LUENEBURG, "    inhalt: Keine Anfragen.",
         "    inhalt: |\n      Keine Anfragen ✓[^1], siehe [oben](#nirgends).\n\n      [^1]: Andere Notiz.\n")
    edit(demo, LUENEBURG, "    inhalt: Der Ausschuss wird über",
         "    inhalt: |\n      <div>Der Ausschuss[^1] wird über")
    edit(demo, LUENEBURG, "im Fachbereich 5a unterrichtet.", "im Fachbereich 5a unterrichtet.\n\n      [^1]: Zweite Notiz.")
    edit(demo, LUENEBURG, "      bericht: Der Bericht", "      bericht: Der [Bericht](#nirgends)[^1]")
    assert validate(demo)[0] == 0
    for command in ("niederschrift", "beschluesse"):
        result = CliRunner().invoke(cli, ["--projekt", str(demo), command])
        assert result.exit_code == 0, result.output
    folder = demo / "build/intern/sitzungen/lueneburg-sga-2019-04-04"
    public_part = "".join(pdf_text(folder / "Niederschrift-oeffentlicher-Teil.pdf").split())  # no spaces
    assert "Eröffnung1." in public_part and "1ErsteNotiz." in public_part
    assert "KeineAnfragen✓2,sieheoben." in public_part and "2AndereNotiz." in public_part
    other = "".join(pdf_text(folder / "Niederschrift-nichtoeffentlicher-Teil.pdf").split())
    assert "<div>DerAusschuss1wirdüber" in other and "1ZweiteNotiz." in other
