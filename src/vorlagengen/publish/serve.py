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

from .oparl import LISTS, ROOT

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


def _when(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


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
    size = min(int(params.get("limit", 100)), MAX_LIMIT)
    total = max(1, math.ceil(len(items) / size))
    page = min(max(int(params.get("page", 1)), 1), total)
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
        params = dict(request.query_params)
        if name not in FOLDERS or not BODY.match(body) or not (set(params) & {*FILTERS, "limit", "page"}):
            return await static.get_response(f"{ROOT}/body/{body}/{name}.json", request.scope)
        try:
            page = filtered(site, body, name, params, f"{base}{ROOT}/body/{body}/{name}.json")
        except ValueError:
            return JSONResponse({"error": "Ungültiger Filterwert (erwartet: Datum und Uhrzeit nach ISO 8601, "
                                          "limit und page als Zahl)"}, status_code=400)
        return JSONResponse(page)

    app = Starlette(routes=[Route(f"/{ROOT}/body/{{body}}/{{name}}.json", oparl_list),
                            Mount("/", app=static)])
    return Cors(app)


def run(site: Path, base: str, host: str, port: int) -> None:  # pragma: no cover - blocks until stopped
    import uvicorn

    uvicorn.run(create_app(site, base), host=host, port=port, log_level="warning")
