"""One table of Art rules (model.ART_REGELN, model.TEILE): the checks, the skeleton of
``vorlagengen new``, the JSON Schema and the templates all read it, so a change there is seen
everywhere."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import jsonschema
import pytest

from vorlagengen.documents.docx_reference import CHARACTER_STYLES, PARAGRAPH_STYLES
from vorlagengen.documents.drucksache import markdown_of
from vorlagengen.documents.layouts import get_layout
from vorlagengen.errors import ValidationFailed
from vorlagengen.load.project import load_project
from vorlagengen.model.drucksache import ART_REGELN, ART_STIL, ARTEN, PLATZHALTER, TEILE, Vorlage
from vorlagengen.model.records import Record
from vorlagengen.schema import vorlage_schema
from vorlagengen.skeleton import render_skeleton

REPO = Path(__file__).resolve().parents[1]


def test_every_art_has_rules_naming_real_fields_and_styles() -> None:
    assert set(ART_REGELN) == set(ARTEN)
    fields = set(Vorlage.model_fields)
    for regel in ART_REGELN.values():
        assert set(regel.pflicht) <= fields and set(regel.angeboten) <= set(TEILE)
    assert set(TEILE) <= fields and set(PLATZHALTER) <= fields
    assert {teil.stil for teil in TEILE.values()} <= set(PARAGRAPH_STYLES)
    assert ART_STIL in CHARACTER_STYLES


def test_schema_requires_the_parts_of_each_art() -> None:
    rules = {rule["if"]["properties"]["art"]["const"]: rule["then"]["required"]
             for rule in vorlage_schema()["allOf"]}
    assert rules == {art: list(regel.pflicht) for art, regel in ART_REGELN.items()}
    # what an editor sees: a Beschlussvorlage without Beschlussvorschlag is marked, a Mitteilung not
    validator = jsonschema.Draft202012Validator(vorlage_schema())
    record = {"nummer": "VO/0001/19", "datum": "2019-03-21", "koerperschaft": "lueneburg", "status": "öffentlich",
              "betreff": "Test", "sachverhalt": "Text"}
    missing = [e.message for e in validator.iter_errors({**record, "art": "Beschlussvorlage"})]
    assert missing == ["'beschlussvorschlag' is a required property"]
    assert list(validator.iter_errors({**record, "art": "Mitteilungsvorlage"})) == []


@pytest.fixture
def project():  # type: ignore[no-untyped-def]
    return load_project(REPO, [REPO / "vorlagen" / "wandsbek" / "19-0175.yaml"])


def test_a_changed_rule_reaches_check_skeleton_and_template(project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    record: Record = project.records[0]
    assert record.vorlage.art == "Mitteilungsvorlage"
    layout = get_layout("hamburg", REPO)
    assert "\nFederführend\n:   " not in markdown_of(record, project, layout)  # in the head, as the Verwaltung's
    regel = dataclasses.replace(ART_REGELN["Mitteilungsvorlage"], von_initiator=True,
                                pflicht=("sachverhalt", "aktenzeichen"))
    monkeypatch.setitem(ART_REGELN, "Mitteilungsvorlage", regel)
    monkeypatch.setenv("VORLAGENGEN_CACHE", "aus")  # the rule changed in memory, not in the code the cache knows

    # from an initiator now: the federführende Stelle moves from the head into the property block
    assert "\nFederführend\n:   " in markdown_of(record, project, layout)

    with pytest.raises(ValidationFailed) as caught:
        load_project(REPO, [record.path])
    assert any("braucht das Feld „aktenzeichen“" in str(p) for p in caught.value.problems)

    skeleton = render_skeleton("Mitteilungsvorlage", "wandsbek", "21/0001", record.vorlage.datum, project.ref,
                               None, "schema.json")
    assert f"sachverhalt: |\n  {TEILE['sachverhalt'].platzhalter}" in skeleton
    assert "# beschlussvorschlag: |" in skeleton  # offered, commented out
