"""JSON Schemas of the records, for editors (yaml-language-server) and for documentation."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from .model import ART_REGELN, Sitzung, Vorlage
from .model_niederschrift import Niederschrift


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


# file name in schema/ → text
def niederschrift_schema_text() -> str:
    return _text(_schema(Niederschrift, "Niederschrift einer Sitzung (vorlagengen)"))


SCHEMAS = {"vorlage.schema.json": vorlage_schema_text, "sitzung.schema.json": sitzung_schema_text,
           "niederschrift.schema.json": niederschrift_schema_text}
