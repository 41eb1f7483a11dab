"""JSON Schemas of the records, for editors (yaml-language-server) and for documentation."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from vorlagengen.model.drucksache import ART_REGELN, REFERENCE_FILES, Sitzung, Vorlage
from vorlagengen.model.niederschrift import Niederschrift


def _schema(model: type[BaseModel], title: str) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return schema


def _text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def vorlage_schema() -> dict[str, Any]:
    """The record's schema, plus for each Art the fields it must have (model.ART_REGELN), so that
    an editor names a missing Beschlussvorschlag as soon as the Art is chosen."""
    schema = _schema(Vorlage, "Drucksache (vorlagengen)")
    schema["allOf"] = [
        {"if": {"properties": {"art": {"const": art}}, "required": ["art"]},
         "then": {"required": list(regel.pflicht)}}
        for art, regel in ART_REGELN.items()
    ]
    return schema


def vorlage_schema_text() -> str:
    return _text(vorlage_schema())


def sitzung_schema_text() -> str:
    return _text(_schema(Sitzung, "Sitzung (vorlagengen)"))


_DATA_TITLES = {
    "koerperschaften": ("Körperschaften (data/koerperschaften.yaml): je Kennung Name, Briefkopf, Layout, "
                        "Nummernschema, Profil"),
    "gremien": "Gremien (data/gremien.yaml): Ausschüsse, Vertretungen, Beiräte, Fraktionen, Verwaltung",
    "aemter": "Ämter und Stellen (data/aemter.yaml)",
    "personen": "Personen (data/personen.yaml)",
    "altbestand": "Ältere Drucksachen (data/altbestand.yaml): je Drucksachen-Nr. Körperschaft und Betreff",
}


def data_schema(name: str) -> dict[str, Any]:
    """A file of data/: a mapping from Kennung (or Drucksachen-Nr.) to one entry."""
    entry = REFERENCE_FILES[name].model_json_schema(mode="validation", ref_template="#/$defs/{model}")
    defs = entry.pop("$defs", {})
    defs[REFERENCE_FILES[name].__name__] = entry
    key = {"type": "string"} if name == "altbestand" else {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": _DATA_TITLES[name],
        "type": "object",
        "propertyNames": key,
        "additionalProperties": {"$ref": f"#/$defs/{REFERENCE_FILES[name].__name__}"},
        "$defs": defs,
    }


def _data_text(name: str) -> Callable[[], str]:
    return lambda: _text(data_schema(name))


# file name in schema/ → text
def niederschrift_schema_text() -> str:
    return _text(_schema(Niederschrift, "Niederschrift einer Sitzung (vorlagengen)"))


SCHEMAS: dict[str, Callable[[], str]] = {
    "vorlage.schema.json": vorlage_schema_text,
    "sitzung.schema.json": sitzung_schema_text,
    "niederschrift.schema.json": niederschrift_schema_text,
    **{f"data-{name}.schema.json": _data_text(name) for name in _DATA_TITLES},
}
