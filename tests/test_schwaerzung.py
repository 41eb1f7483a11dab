"""Schwärzung and the rest of the Öffentlichkeit rules, one by one: validate, the span in every
output form, inert attributes, the Bezug proposal of ``new``, the confidentiality mark."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from conftest import Projekt
from leak_support import MARKERS, NR_NOE, make_leak_project
from render_support import pdf_pages
from vorlagengen.documents.drucksache import render_record
from vorlagengen.documents.layouts import get_layout
from vorlagengen.load.project import load_project
from vorlagengen.public.projection import public_project
from vorlagengen.public.schwaerzung import klartext, schwaerzen, unerkannt, unmarkiert

RECORD = """nummer: "VO/0001/19"
datum: 2019-03-20
koerperschaft: lueneburg
art: Mitteilungsvorlage
status: {status}
betreff: Bericht
federfuehrend: lueneburg-05
schwaerzen: ["Mustermann"]
sachverhalt: |
  {text}
"""


def _validate(projekt: Projekt, text: str, status: str = "öffentlich") -> str:
    projekt.write_text("vorlagen/lueneburg/a.yaml", RECORD.format(status=status, text=text))
    return projekt.validate().stderr


def test_schwaerzen_replaces_marked_spans_and_listed_terms_in_any_case() -> None:
    text = "Herr [Max Mustermann]{.geschwaerzt} und FRAU MEIER; [x\\]y]{ .geschwaerzt }"
    assert schwaerzen(text, ["Meier"]) == ("Herr [geschwärzt]{.geschwaerzt} und FRAU [geschwärzt]{.geschwaerzt}; "
                                           "[geschwärzt]{.geschwaerzt}")
    assert klartext("von [Max]{.geschwaerzt}") == "von [Max]"
    assert unerkannt("[Max]{.geschwaerzt #id}") and unerkannt("[Max]{class=geschwaerzt}")
    assert not unerkannt("[Max]{.geschwaerzt} und [Moritz]{.geschwaerzt}")
    assert unmarkiert("[Meier]{.geschwaerzt} sagt: meier", ["Meier"]) == ["Meier"]


def test_validate_refuses_a_mark_the_projection_would_not_recognise(leeres_projekt: Projekt) -> None:
    err = _validate(leeres_projekt, "Herr [Max Mustermann]{.geschwaerzt #person} kam.")
    assert "vorlagen/lueneburg/a.yaml:9:1: sachverhalt: Schwärzung nicht erkannt" in err


@pytest.mark.parametrize("betreff", ['"Herr [Max]{.\\x67eschwaerzt #p} kam"', '"Herr [Max]{.geschw\\\n  aerzt #p} kam"',
                                     "Herr [Max]{.GESCHWAERZT #p} kam"])
def test_a_mark_spelled_with_escapes_or_capitals_is_found_without_a_list_of_terms(leeres_projekt: Projekt,
                                                                                  betreff: str) -> None:
    # without "schwaerzen" validate takes a shortcut when the YAML text cannot spell the mark
    record = RECORD.format(status="öffentlich", text="Nichts.").replace('schwaerzen: ["Mustermann"]\n', "")
    leeres_projekt.write_text("vorlagen/lueneburg/a.yaml", record.replace("betreff: Bericht", f"betreff: {betreff}"))
    assert "vorlagen/lueneburg/a.yaml:6:1: betreff: Schwärzung nicht erkannt" in leeres_projekt.validate().stderr


def test_validate_wants_every_listed_term_marked_in_a_public_drucksache(leeres_projekt: Projekt) -> None:
    err = _validate(leeres_projekt, "Herr Mustermann kam.")
    assert ("vorlagen/lueneburg/a.yaml:9:1: sachverhalt: Eintrag 1 von „schwaerzen“ steht hier ungeschwärzt; "
            "bitte als [Text]{.geschwaerzt} markieren") in err
    assert "Mustermann" not in err.replace("a.yaml", "")  # the message never names the term itself
    assert _validate(leeres_projekt, "Herr Mustermann kam.", status="nichtöffentlich") == ""
    assert _validate(leeres_projekt, "Herr [Mustermann]{.geschwaerzt} kam.") == ""


def test_validate_wants_every_listed_term_to_occur(leeres_projekt: Projekt) -> None:
    err = _validate(leeres_projekt, "Niemand kam.")
    assert "vorlagen/lueneburg/a.yaml:8:14: schwaerzen[1]: Eintrag 1 der Liste kommt in keinem Text" in err


def test_validate_checks_the_titles_of_tops(tmp_path: Path) -> None:
    root = make_leak_project(tmp_path / "projekt")
    sitzung = root / "sitzungen" / "sga.yaml"
    sitzung.write_text(sitzung.read_text(encoding="utf-8").replace("]{.geschwaerzt}\n  nichtoeffentlich",
                                                                   "]{.geschwaerzt lang=de}\n  nichtoeffentlich"),
                       encoding="utf-8")
    from vorlagengen.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        load_project(root, jobs=1)
    assert [str(p).split(": ", 1)[1] for p in exc.value.problems] == [
        "tagesordnung.oeffentlich[4].titel: Schwärzung nicht erkannt: bitte genau [Text]{.geschwaerzt} schreiben, "
        "ohne weitere Angaben in den geschweiften Klammern"]


@pytest.fixture(scope="module")
def leak(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_leak_project(tmp_path_factory.mktemp("schwaerzung") / "projekt")


def _docx_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_internal_form_shows_the_text_on_grey_the_public_one_a_bar(leak: Path) -> None:
    project = load_project(leak, jobs=1)
    public = public_project(project)
    layout = get_layout("allris", leak)
    full = next(r for r in project.records if r.vorlage.nummer == "VO/9003/19")
    pub = next(r for r in public.records if r.vorlage.nummer == "VO/9003/19")
    internal = render_record(full, project, layout, ["docx"])["docx"]
    published = render_record(pub, public, layout, ["docx"])["docx"]
    xml = _docx_xml(internal)
    assert f'w:fill="D0D0D0"/></w:rPr><w:t xml:space="preserve">Frau {MARKERS["SpanSachverhalt"]}</w:t>' in xml
    xml = _docx_xml(published)
    assert xml.count('w:fill="000000"/><w:color w:val="FFFFFF"/></w:rPr><w:t xml:space="preserve"> geschwärzt ') == 5


def test_an_authors_other_attributes_do_nothing(leak: Path, tmp_path: Path) -> None:
    record = leak / "vorlagen/lueneburg/VO-9001-19-01.yaml"
    original = record.read_text(encoding="utf-8")
    try:
        record.write_text(original.replace(
            "Die Verwaltung nimmt Stellung zur Wegebeleuchtung.",
            "[Titel]{custom-style=\"Dokumenttitel\"} [unter]{.underline} [klein]{.smallcaps} "
            "[x]{.vg-kopf style=\"Kopf\"} [link](https://example.org){.gross}\n\n  # Kopf {.unlisted}"),
            encoding="utf-8")
        project = load_project(leak, jobs=1)
        rec = next(r for r in project.records if r.vorlage.nummer == "VO/9001/19-01")
        docs = render_record(rec, project, get_layout("allris", leak), ["docx", "pdf"])
    finally:
        record.write_text(original, encoding="utf-8")
    xml = _docx_xml(docs["docx"])
    rest = xml.split("Stellung")[-1]
    assert 'w:val="Dokumenttitel"' not in rest and "<w:u " not in xml and "<w:smallCaps" not in xml
    (tmp_path / "x.pdf").write_bytes(docs["pdf"])
    text = " ".join(" ".join(pdf_pages(tmp_path / "x.pdf")).split())
    # attributes and template classes come out as the characters typed, with no effect
    assert "[Titel]{custom-style=„Dokumenttitel“} [unter]{.underline}" in text and "{.vg-kopf style=„Kopf“}" in text


def test_new_with_a_non_public_bezug_proposes_nichtoeffentlich(leak: Path) -> None:
    from click.testing import CliRunner

    from vorlagengen.cli import cli

    result = CliRunner().invoke(cli, ["--projekt", str(leak), "new", "Stellungnahme", "-k", "lueneburg",
                                      "--bezug", NR_NOE])
    assert result.exit_code == 0, result.output
    target = leak / "vorlagen/lueneburg/VO-9001-19-02.yaml"
    try:
        assert "status: nichtöffentlich  # wie der Bezug VO/9001/19" in target.read_text(encoding="utf-8")
        assert "als „status: nichtöffentlich“ angelegt" in result.stderr
    finally:
        target.unlink()
