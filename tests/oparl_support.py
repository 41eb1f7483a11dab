"""Checks of an OParl 1.1 export: the official schema (../shared/oparl/schema, adapted to JSON Schema)
and what a schema cannot say — every reference resolves and is listed, ids equal their URLs, no empty
strings, well-formed dates, pagination that reaches every object.

The official files (``tests/oparl_schema/``, from ../shared/oparl/schema) are "JSON-Schema-like": an embedded object names its schema as
``"schema": "File.json"`` and URLs have ``"format": "url"``. :func:`validators` turns ``schema`` into
``$ref`` and registers the formats ``url``, ``date`` and ``date-time``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "oparl_schema"  # the official files, vendored
KINDS = ("System", "Body", "Organization", "Person", "Meeting", "AgendaItem", "Paper", "Consultation", "File",
         "Location", "LegislativeTerm", "Membership")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def schema_dir() -> Path:
    return SCHEMA_DIR


def _adapt(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _adapt(v) for k, v in node.items() if k not in ("references", "backreference", "cardinality")}
        if "schema" in out:
            out["$ref"] = out.pop("schema")
        return out
    if isinstance(node, list):
        return [_adapt(v) for v in node]
    return node


def _checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("url")
    def url(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlparse(value)
        return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value

    @checker.checks("date", raises=ValueError)
    def date(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return bool(_DATE.match(value)) and bool(dt.date.fromisoformat(value))

    @checker.checks("date-time", raises=ValueError)
    def date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return bool(_DATETIME.match(value)) and dt.datetime.fromisoformat(value).tzinfo is not None

    return checker


def validators() -> dict[str, jsonschema.protocols.Validator]:
    folder = schema_dir()
    schemas = {p.name: _adapt(json.loads(p.read_text(encoding="utf-8"))) for p in folder.glob("*.json")}
    registry: Registry = Registry().with_resources(
        (name, Resource.from_contents(s, default_specification=DRAFT202012)) for name, s in schemas.items())
    checker = _checker()
    return {name.removesuffix(".json"): jsonschema.Draft202012Validator(s, registry=registry, format_checker=checker)
            for name, s in schemas.items()}


def kind_of(obj: dict[str, Any]) -> str:
    return str(obj["type"]).rsplit("/", 1)[-1]


def walk_strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk_strings(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk_strings(v, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


def embedded_objects(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "id" in node and "type" in node:
            yield node
        for v in node.values():
            yield from embedded_objects(v)
    elif isinstance(node, list):
        for v in node:
            yield from embedded_objects(v)


def check_export(site: Path, base: str) -> list[str]:
    """Every problem of the export below ``site/oparl`` whose ids start with ``base``."""
    root = site / "oparl"
    valid = validators()
    problems: list[str] = []
    files = {p.relative_to(root).as_posix(): json.loads(p.read_text(encoding="utf-8")) for p in root.rglob("*.json")}
    listed: set[str] = set()
    for rel, content in sorted(files.items()):
        url = f"{base}oparl/{rel}"
        items = content.get("data", [content])
        if "data" in content:
            listed.update(o["id"] for o in content["data"])
            problems += _check_page(rel, content, url, files, base)
        elif content.get("id") != url:
            problems.append(f"{rel}: id {content.get('id')} ist nicht die URL der Datei ({url})")
        for obj in items:
            for inner in embedded_objects(obj):
                for err in valid[kind_of(inner)].iter_errors(inner):
                    problems.append(f"{rel}: {inner['id']}: {'/'.join(map(str, err.absolute_path))}: {err.message}")
        for where, value in walk_strings(content):
            if value.strip() == "":
                problems.append(f"{rel}{where}: leere Zeichenkette")
            elif value.startswith(f"{base}oparl/") and value.split("?")[0][len(base) + 6:] not in files:
                problems.append(f"{rel}{where}: Verweis ins Leere: {value}")
            # a file of the site must exist; an imported Drucksache's documents stay at their source
            elif (where.endswith(("accessUrl", "downloadUrl")) and value.startswith(base)
                  and not (site / value[len(base):]).is_file()):
                problems.append(f"{rel}{where}: Datei fehlt: {value}")
    for rel, content in files.items():
        if ("data" not in content and kind_of(content) not in ("System", "Body") and not content.get("deleted")
                and content["id"] not in listed):
            problems.append(f"{rel}: in keiner Liste")
    return problems


def _check_page(rel: str, page: dict[str, Any], url: str, files: dict[str, Any], base: str) -> list[str]:
    out = []
    links = page.get("links", {})
    if links.get("self") != url:
        out.append(f"{rel}: links.self {links.get('self')} ist nicht die URL der Seite")
    info = page.get("pagination", {})
    if info.get("currentPage", 0) < info.get("totalPages", 0) and "next" not in links:
        out.append(f"{rel}: links.next fehlt vor der letzten Seite")
    if any(o.get("deleted") for o in page["data"]):
        out.append(f"{rel}: gelöschtes Objekt in einer statischen Liste")
    return out


def follow_pages(site: Path, base: str, first: str) -> list[dict[str, Any]]:
    """All objects of a list, reached by following links.next from its first page."""
    items: list[dict[str, Any]] = []
    url: str | None = first
    while url:
        page = json.loads((site / url[len(base):]).read_text(encoding="utf-8"))
        items += page["data"]
        url = page["links"].get("next")
    return items
