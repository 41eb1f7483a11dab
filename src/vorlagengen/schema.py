"""JSON Schema of the record, for editors (yaml-language-server) and for documentation."""

from __future__ import annotations

import json

from .model import Vorlage


def vorlage_schema() -> dict:
    schema = Vorlage.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Drucksache (vorlagengen)"
    return schema


def vorlage_schema_text() -> str:
    return json.dumps(vorlage_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
