"""Templates at the top: a packaged layout is copied into the project's templates/ for editing, a
project template may extend the packaged one and override single blocks, every ``{{ … }}`` is
escaped unless it is marked safe, and a mistake in a template names its real file and line."""

from __future__ import annotations

import zipfile
from pathlib import Path

from conftest import LUENEBURG_PATH, LUENEBURG_RECORD, Projekt
from vorlagengen.documents.layouts import PACKAGED, available

ALLRIS = "templates/allris/vorlage.md.j2"


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def _build_docx(projekt: Projekt) -> str:
    result = projekt.run("build", "--format", "docx", "--neu")
    assert result.exit_code == 0, result.output
    return _docx_text(projekt.root / "build" / "intern" / "vorlagen" / "lueneburg" / "VO-8321-19.docx")


def test_layout_kopieren_copies_the_editable_files_once(leeres_projekt: Projekt) -> None:
    result = leeres_projekt.run("layout", "kopieren", "allris")
    assert result.exit_code == 0, result.output
    target = leeres_projekt.root / "templates" / "allris"
    assert sorted(p.name for p in target.iterdir()) == ["layout.typ", "reference.docx", "vorlage.md.j2", "woerter.yaml"]
    assert (target / "vorlage.md.j2").read_bytes() == (PACKAGED / "allris" / "vorlage.md.j2").read_bytes()
    assert (target / "reference.docx").read_bytes() == (PACKAGED / "_base" / "reference.docx").read_bytes()

    again = leeres_projekt.run("layout", "kopieren", "allris")
    assert again.exit_code == 1
    assert again.stderr == "Fehler: templates/allris: besteht schon, nichts kopiert\n"
    typo = leeres_projekt.run("layout", "kopieren", "hambrug")
    assert typo.exit_code == 1 and "meinten Sie „hamburg“?" in typo.stderr


def test_a_copy_under_a_new_name_is_a_layout_and_fonts_is_not(leeres_projekt: Projekt) -> None:
    assert leeres_projekt.run("layout", "kopieren", "hamburg", "--als", "musterstadt").exit_code == 0
    (leeres_projekt.root / "templates" / "fonts").mkdir()
    assert "musterstadt" in available(leeres_projekt.root)
    assert "fonts" not in available(leeres_projekt.root)
    listing = leeres_projekt.run("layout", "liste").stdout
    assert "musterstadt    templates/musterstadt (eigenes)" in listing and "fonts" not in listing
    data = leeres_projekt.root / "data" / "koerperschaften.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("layout: allris\n", "layout: fonts\n", 1), encoding="utf-8")
    result = leeres_projekt.validate()
    assert result.exit_code == 1 and "unbekanntes Layout „fonts“" in result.stderr


def test_a_project_template_extends_the_packaged_one_and_overrides_a_block(leeres_projekt: Projekt) -> None:
    leeres_projekt.write_record(LUENEBURG_PATH, LUENEBURG_RECORD)
    leeres_projekt.write_text(ALLRIS, '{% extends "paket/allris/vorlage.md.j2" %}\n'
                                      "{% block beschlussvorschlag %}\n"
                                      "# Empfehlung der Verwaltung\n\n{{ super() }}\n{% endblock %}\n")
    text = _build_docx(leeres_projekt)
    assert "Empfehlung der Verwaltung" in text  # the overriding block
    assert "Der Ausschuss befürwortet die Schwerpunktsetzung." in text  # super(): the packaged block
    assert "Weiterentwicklung der stadtteilorientierten sozialen Arbeit" in text  # the rest, packaged


def test_a_value_without_filter_is_escaped(leeres_projekt: Projekt) -> None:
    record = dict(LUENEBURG_RECORD, betreff="*wichtig* und [Link](http://x) ::: {=openxml}")
    leeres_projekt.write_record(LUENEBURG_PATH, record)
    leeres_projekt.write_text(ALLRIS, '{% extends "paket/allris/vorlage.md.j2" %}\n'
                                      "{% block titel %}\nTitel: {{ betreff }} – {{ v.sachverhalt }}\n{% endblock %}\n")
    text = _build_docx(leeres_projekt)
    assert "Titel: *wichtig* und [Link](http://x) ::: {=openxml} – Die stadtteilorientierte" in text


def test_a_template_mistake_names_the_real_file_and_line_in_german(leeres_projekt: Projekt) -> None:
    leeres_projekt.write_record(LUENEBURG_PATH, LUENEBURG_RECORD)
    leeres_projekt.write_text(ALLRIS, '{% extends "paket/allris/vorlage.md.j2" %}\n'
                                      "{% block titel %}\n\nTitel: {{ betref }}\n{% endblock %}\n")
    result = leeres_projekt.run("build", "--format", "docx")
    assert result.exit_code == 1
    assert result.stderr == ("Fehler: templates/allris/vorlage.md.j2:4: Fehler in der Layout-Vorlage: "
                             "„betref“ ist nicht definiert\n")

    leeres_projekt.write_text(ALLRIS, "{% if betreff %}\nTitel\n")
    result = leeres_projekt.run("build", "--format", "docx")
    assert result.exit_code == 1
    assert result.stderr.startswith("Fehler: templates/allris/vorlage.md.j2:2: Fehler in der Layout-Vorlage: ")
    assert "Traceback" not in result.output
