"""MkDocs hook: field tables generated from vorlagengen's JSON Schemas, so the reference of every
field is the model itself (one source of truth). A page asks for one with a line
``<!-- felder: vorlage.schema.json -->``."""

from __future__ import annotations

import json
import re
from typing import Any

from vorlagengen.schema import SCHEMAS

MARKER = re.compile(r"^<!-- felder: (\S+) -->$", re.MULTILINE)
TYPES = {"string": "Text", "integer": "Zahl", "number": "Zahl", "boolean": "ja/nein", "array": "Liste",
         "object": "Zuordnung", "null": "leer"}


def _type(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        target = defs.get(name, {})
        if "properties" in target:
            return f"[{name}](#{name.lower()})"
        return _type(target, defs) if target else name
    if "enum" in prop:
        return " / ".join(f"`{v}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{prop['const']}`"
    if "anyOf" in prop:
        return " oder ".join(_type(p, defs) for p in prop["anyOf"] if p.get("type") != "null")
    if prop.get("type") == "array":
        return f"Liste von {_type(prop.get('items', {}), defs)}"
    if prop.get("type") == "object" and isinstance(prop.get("additionalProperties"), dict):
        return f"Zuordnung → {_type(prop['additionalProperties'], defs)}"
    return TYPES.get(str(prop.get("type")), "beliebig")


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _table(schema: dict[str, Any], defs: dict[str, Any]) -> list[str]:
    required = set(schema.get("required", []))
    rows = ["| Feld | Art | Pflicht | Bedeutung |", "|---|---|---|---|"]
    for name, prop in sorted(schema.get("properties", {}).items()):
        rows.append(f"| `{name}` | {_cell(_type(prop, defs))} | {'ja' if name in required else ''} | "
                    f"{_cell(prop.get('description', ''))} |")
    return rows


def tables(name: str) -> str:
    schema = json.loads(SCHEMAS[name]())
    defs = schema.get("$defs", {})
    out = _table(schema, defs)
    for sub, definition in sorted(defs.items()):
        if "properties" in definition:
            out += ["", f"### {sub}", "", _cell(definition.get("description", "")), "", *_table(definition, defs)]
    return "\n".join(out)


def arten() -> str:
    """The Arten with their required and offered parts (model.ART_REGELN)."""
    from vorlagengen.model.drucksache import ART_REGELN

    rows = ["| Art | Pflicht | angeboten von `new` | von einer Fraktion |", "|---|---|---|---|"]
    for art, regel in ART_REGELN.items():
        rows.append(f"| {art} | {', '.join(f'`{t}`' for t in regel.pflicht)} | "
                    f"{', '.join(f'`{t}`' for t in regel.angeboten)} | "
                    f"{'ja' if regel.von_initiator else ''} |")
    return "\n".join(rows)


def on_page_markdown(markdown: str, **_: Any) -> str:
    return MARKER.sub(lambda m: tables(m.group(1)), markdown).replace("<!-- arten -->", arten())
