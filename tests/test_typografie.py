"""Quotes and spaces are never changed against the author (issue 22): German quotes, nested and
mixed, apostrophes and measurements come out the same in PDF and DOCX with no character or space
lost; amounts and units, „Nr.“ and „§“ with their numbers and dates never break apart; a two-line
Betreff keeps its break inside a table; a table without header is the same in both formats."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest

from conftest import LUENEBURG_HEAD
from render_support import pdf_pages
from vorlagengen.documents.drucksache import build
from vorlagengen.load.project import load_project
from vorlagengen.text.typografie import joins, quotes

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("typed", "set_"), [
    ('der Haltestelle "Am Markt" bis', "der Haltestelle „Am Markt“ bis"),
    ("Er sagte: \"Die 'alte' Brücke\" und ging.", "Er sagte: „Die ‚alte‘ Brücke“ und ging."),
    ('Gemischt: „Der "neue" Weg“ und "Die ‚kleine‘ Straße".', "Gemischt: „Der ‚neue‘ Weg“ und „Die ‚kleine‘ Straße“."),
    ('"Haus“ mit geradem Anfang', "„Haus“ mit geradem Anfang"),
    ("It's Peter's Haus, Hans' Hut", "It’s Peter’s Haus, Hans’ Hut"),
    ("5'3\" groß, Rohr 12\" lang", "5′3″ groß, Rohr 12″ lang"),
    ('"Linie 12" fährt', "„Linie 12“ fährt"),
    ('ein \\"gerades\\" Zeichen', 'ein \\"gerades\\" Zeichen'),
    ("„schon richtig“ und ‚auch‘", "„schon richtig“ und ‚auch‘"),
])
def test_quotes_german_and_nothing_lost(typed: str, set_: str) -> None:
    out = quotes(typed)
    assert out == set_
    assert len(out) == len(typed) and [i for i, c in enumerate(out) if c == " "] == \
        [i for i, c in enumerate(typed) if c == " "]


def test_joins_keep_numbers_with_their_words() -> None:
    nb = "\u00a0"
    assert joins("12.345,67 € bei 20 % und 3 Jahre") == f"12.345,67{nb}€ bei 20{nb}% und 3{nb}Jahre"
    assert joins("Nr. 5 nach § 44 und Art. 3 Abs. 2") == f"Nr.{nb}5 nach §{nb}44 und Art.{nb}3 Abs.{nb}2"
    assert joins("am 1. Februar 2020") == f"am 1.{nb}Februar{nb}2020"
    assert joins("1. Februar als Listenpunkt") == "1. Februar als Listenpunkt"  # a list item stays one
    assert joins("EUR 500") == f"EUR{nb}500"
    assert joins("Gebäude 3 Meter") == "Gebäude 3 Meter"  # only the listed units


TEXT = """Von der Haltestelle "Am Markt" bis zur Ecke. Er sagte: "Die 'alte' Brücke" und ging.
Gemischt: „Der "neue" Weg“ und "Die ‚kleine‘ Straße". It's Peter's Haus; 5'3" groß, Rohr 12" lang.
Ein Betrag von 12.345,67 € bei Nr. 5 nach § 44 am 1. Februar 2020, verteilt auf 3 Jahre, kostet
viel; dann folgen Wörter um Wörter, bis die Zeile bricht: 98.765,43 € und Nr. 77 und § 123 sowie
der 28. Dezember 2021 und noch einmal 1.000 € für die Nr. 12 nach § 9.
Der Bereich -12- und der Wert (-3) bleiben, wie sie geschrieben sind.

|   |   |
|---|---|
| links | rechts |
| unten | auch |
"""
SET = ("Von der Haltestelle „Am Markt“ bis zur Ecke. Er sagte: „Die ‚alte‘ Brücke“ und ging. "
       "Gemischt: „Der ‚neue‘ Weg“ und „Die ‚kleine‘ Straße“. It’s Peter’s Haus; 5′3″ groß, Rohr 12″ lang.")
JOINED = ["12.345,67 €", "Nr. 5", "§ 44", "1. Februar 2020", "3 Jahre", "98.765,43 €", "Nr. 77", "§ 123",
          "28. Dezember 2021", "1.000 €", "Nr. 12", "§ 9"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """One record, in every layout with a narrow and a wide line, PDF and DOCX."""
    root = tmp_path_factory.mktemp("typo")
    shutil.copytree(REPO / "data", root / "data")
    record = root / "vorlagen" / "lueneburg" / "q.yaml"
    record.parent.mkdir(parents=True)
    head = LUENEBURG_HEAD.format(nr="VO/0007/19", betreff='"Umbau \\"Am Markt\\"\\nhier: 2. Abschnitt"')
    body = "sachverhalt: |\n" + "".join(f"  {line}\n" if line else "\n" for line in TEXT.splitlines())
    record.write_text(head + body, encoding="utf-8")
    project = load_project(root)
    out: dict[str, dict[str, Path]] = {}
    for layout in ("allris", "saarbruecken", "hamburg", "allris4"):
        build(project, root / layout, ["pdf", "docx"], layout, jobs=2, force=True)
        base = root / layout / "intern" / "vorlagen" / "lueneburg" / "VO-0007-19"
        out[layout] = {"pdf": base.with_suffix(".pdf"), "docx": base.with_suffix(".docx")}
    return out


def _pdf_lines(path: Path) -> list[str]:
    return [line for page in pdf_pages(path) for line in re.split(r"\r?\n", page)]


def _docx_text(path: Path) -> str:
    d = docx.Document(str(path))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


@pytest.mark.parametrize("layout", ["allris", "saarbruecken", "hamburg", "allris4"])
def test_quotes_and_spaces_the_same_in_pdf_and_docx(built: dict[str, dict[str, Path]], layout: str) -> None:
    lines = _pdf_lines(built[layout]["pdf"])
    pdf = " ".join(lines).replace("\u00a0", " ")
    pdf = re.sub(r"\s+", " ", re.sub(r"[\ufffe\u00ad\x02] ?", "", pdf))
    doc = _docx_text(built[layout]["docx"]).replace("\u00a0", " ")
    assert SET in pdf, pdf
    assert SET in re.sub(r"\s+", " ", doc)
    for text in (pdf, doc):
        assert '"' not in text.replace('\\"', "") and "'" not in text
        assert "„Am Markt“" in text
        assert "Der Bereich -12- und der Wert (-3) bleiben" in text  # typst made the hyphens minus signs
    # no join breaks at a line's end: every joined pair stands on one line of the PDF
    flat = [re.sub(r"\s+", " ", line.replace("\u00a0", " ")) for line in lines]  # justified: pdfium may
    # report a stretched no-break space as two
    for pair in JOINED:
        assert any(pair in line for line in flat), (pair, flat)
    # the DOCX carries the no-break spaces (Word breaks lines itself)
    raw = _docx_text(built[layout]["docx"])
    for pair in JOINED:
        assert pair.replace(" ", "\u00a0") in raw, pair


def test_two_line_betreff_and_table_without_header(built: dict[str, dict[str, Path]]) -> None:
    # SessionNet shows the Betreff in its property table: the line break stays there
    lines = _pdf_lines(built["saarbruecken"]["pdf"])
    i = next(i for i, line in enumerate(lines) if "Umbau „Am Markt“" in line)
    assert lines[i].rstrip().endswith("„Am Markt“") and lines[i + 1].startswith("hier: 2.")
    d = docx.Document(str(built["saarbruecken"]["docx"]))
    cell = next(c for t in d.tables for row in t.rows for c in row.cells if "Am Markt" in c.text)
    assert "„Am Markt“\nhier: 2. Abschnitt" in cell.text
    # a table without header: the same two rows in both formats, and no row set as header in typst
    table = next(t for t in d.tables if t.rows[0].cells[0].text == "links")
    assert [[c.text for c in row.cells] for row in table.rows] == [["links", "rechts"], ["unten", "auch"]]
    for layout in built:
        assert _weight(built[layout]["pdf"], "links") == _weight(built[layout]["pdf"], "unten"), layout


def _weight(path: Path, word: str) -> int:
    """The font weight of the first character of ``word`` in the PDF (400 regular, 700 bold)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(str(path))
    try:
        for page in pdf:
            tp = page.get_textpage()
            at = tp.get_text_range().find(word)
            if at >= 0:
                return int(raw.FPDFText_GetFontWeight(tp, at))
    finally:
        pdf.close()
    raise AssertionError(f"{word} nicht im PDF")
