"""``vorlagengen serve``: the site folder over HTTP, plus what a static host cannot do for OParl.

Built on Starlette (ASGI) and run by uvicorn. Every response carries
``Access-Control-Allow-Origin: *`` (OParl clients run in browsers). A list URL of the export with
filter parameters (``created_since``, ``created_until``, ``modified_since``, ``modified_until``,
``limit``, ``page``) is answered from the exported object files; with ``modified_since`` the deleted
objects are included, as OParl 1.1 asks. Without parameters the static list file is served as is.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vorlagengen.site.oparl import LISTS, ROOT

FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
FOLDERS = {name: kind.lower() for kind, name in LISTS.items()}
MAX_LIMIT = 1000
BODY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")  # a Körperschaft's id, nothing that climbs out of the folder


class Cors:
    """Adds ``Access-Control-Allow-Origin: *`` to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"access-control-allow-origin", b"*"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_header)


class BadParameter(ValueError):
    """A query parameter the list cannot answer; the text says why, in German."""


def _when(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _number(params: dict[str, str], key: str, default: int, high: int | None = None) -> int:
    raw = params.get(key)
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw) or int(raw) < 1:
        raise BadParameter(f"„{key}“ muss eine ganze Zahl ab 1 sein, nicht „{raw[:40]}“")
    value = int(raw)
    if high is not None and value > high:
        raise BadParameter(f"„{key}“ darf höchstens {high} sein, nicht {value}")
    return value


def checked(query: list[tuple[str, str]]) -> dict[str, str]:
    """The query parameters of a list request, each checked: only OParl's filters, ``limit`` and
    ``page``, each once, dates after ISO 8601, numbers from 1 (``limit`` up to MAX_LIMIT)."""
    params: dict[str, str] = {}
    known = (*FILTERS, "limit", "page")
    for key, value in query:
        if key not in known:
            raise BadParameter(f"unbekannter Parameter „{key[:40]}“ (erlaubt: {', '.join(known)})")
        if key in params:
            raise BadParameter(f"Parameter „{key}“ ist mehrfach angegeben")
        params[key] = value
        if key in FILTERS:
            try:
                _when(value)
            except ValueError:
                raise BadParameter(f"„{key}“ erwartet Datum und Uhrzeit nach ISO 8601 "
                                   f"(z. B. 2024-01-31T18:00:00+01:00), nicht „{value[:40]}“") from None
    _number(params, "limit", 100, MAX_LIMIT)
    _number(params, "page", 1)
    return params


@lru_cache(maxsize=64)
def _objects(folder: str, stamp: int) -> tuple[dict[str, Any], ...]:
    del stamp  # part of the cache key: the folder's mtime changes when files are replaced
    items = []
    for path in sorted(Path(folder).glob("*.json")):
        try:
            items.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return tuple(items)


def filtered(site: Path, body: str, name: str, params: dict[str, str], self_url: str) -> dict[str, Any]:
    """One page of the list ``name`` of ``body`` with OParl's filters applied."""
    folder = site / ROOT / "body" / body / FOLDERS[name]
    items = list(_objects(str(folder), folder.stat().st_mtime_ns)) if folder.is_dir() else []
    bounds = {k: _when(v) for k, v in params.items() if k in FILTERS}
    if "modified_since" not in bounds:
        items = [o for o in items if not o.get("deleted")]
    for key, limit in bounds.items():
        field_name, since = key.split("_")
        items = [o for o in items if field_name in o and
                 (_when(o[field_name]) >= limit if since == "since" else _when(o[field_name]) <= limit)]
    items.sort(key=lambda o: o["id"])
    size = _number(params, "limit", 100, MAX_LIMIT)
    total = max(1, math.ceil(len(items) / size))
    page = _number(params, "page", 1)
    if page > total:
        raise BadParameter(f"Seite {page} gibt es nicht (die Liste hat {total} Seite{'n' if total > 1 else ''})")
    keep = {k: v for k, v in params.items() if k in FILTERS or k == "limit"}

    def link(n: int) -> str:
        return f"{self_url}?{urlencode({**keep, 'page': n})}"

    links = {"first": link(1), "last": link(total), "self": link(page)}
    if page > 1:
        links["prev"] = link(page - 1)
    if page < total:
        links["next"] = link(page + 1)
    return {"data": items[(page - 1) * size: page * size],
            "pagination": {"totalElements": len(items), "elementsPerPage": size, "currentPage": page,
                           "totalPages": total},
            "links": links}


def create_app(site: Path, base: str) -> ASGIApp:
    """The ASGI application serving ``site``; ``base`` is the address the export's ids use."""
    static = StaticFiles(directory=str(site), html=True, check_dir=True)

    async def oparl_list(request: Request) -> Response:
        body, name = request.path_params["body"], request.path_params["name"]
        query = request.query_params.multi_items()
        if name not in FOLDERS or not BODY.match(body) or not query:
            return await static.get_response(f"{ROOT}/body/{body}/{name}.json", request.scope)
        try:
            page = filtered(site, body, name, checked(query), f"{base}{ROOT}/body/{body}/{name}.json")
        except BadParameter as exc:
            return JSONResponse({"error": f"Ungültige Anfrage: {exc}"}, status_code=400)
        return JSONResponse(page)

    app = Starlette(routes=[Route(f"/{ROOT}/body/{{body}}/{{name}}.json", oparl_list),
                            Mount("/", app=static)])
    return Cors(app)


def run(site: Path, base: str, host: str, port: int) -> None:  # pragma: no cover - blocks until stopped
    import uvicorn

    uvicorn.run(create_app(site, base), host=host, port=port, log_level="warning")
