"""The preview's web server: Starlette, run by uvicorn on 127.0.0.1.

Routes (nothing else is served; no URL part ever names a file, a target id is only looked up):

- ``/``: the previewed files; ``/ansicht/<ziel>``: one of them, its pages and errors;
- ``/teil/<ziel>?fassung=intern|oeffentlich``: the part of that page that changes (the page's few
  lines of JavaScript fetch it when told to);
- ``/bild/<fassung>/<stand>/<dokument>/<seite>/<ziel>``: one page as JPEG, from memory;
- ``/ereignisse``: Server-Sent Events: the id of each target whose state changed, with its first page's image;
- ``/static/vorschau.js``, ``/static/vorschau.css``.

Rendering runs on one thread (session.Session), PDFium on another (pages.Pages); the event loop only
answers requests and passes changes on. Only requests for 127.0.0.1/localhost (or the host asked
for) are answered, so that no web site can reach the preview through DNS rebinding.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
import traceback
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

import vorlagengen.documents.engines as engines
from vorlagengen.vorschau import watcher
from vorlagengen.vorschau.documents import FACES, INTERNAL, PUBLIC
from vorlagengen.vorschau.pages import Pages
from vorlagengen.vorschau.session import Session, Update

T = TypeVar("T")
HERE = Path(__file__).resolve().parent
STATIC = {"vorschau.js": "text/javascript; charset=utf-8", "vorschau.css": "text/css; charset=utf-8"}
HEARTBEAT_S = 15.0
HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Content-Security-Policy": "default-src 'self'; img-src 'self'; object-src 'none'; frame-ancestors 'none'"}
FACE_NAMES = {INTERNAL: "interne Fassung", PUBLIC: "öffentliche Fassung"}


@dataclass
class Shown:
    """What a face shows: the last good documents (name, pages), a note, and the current build error."""

    rev: int = 0
    documents: list[tuple[str, Pages]] = field(default_factory=list)
    note: str = ""
    error: list[str] = field(default_factory=list)
    made: bool = False


class Preview:
    """The running preview: the session, the two worker threads, what each face shows, the listeners."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.render_pool = ThreadPoolExecutor(1, thread_name_prefix="vorschau-setzen")
        self.raster_pool = ThreadPoolExecutor(1, thread_name_prefix="vorschau-seiten")
        self.shown: dict[tuple[str, str], Shown] = {}
        self.listeners: set[asyncio.Queue[str]] = set()
        self.lock = asyncio.Lock()
        self.stop = asyncio.Event()
        self.exiting: Callable[[], bool] = lambda: False  # the server is stopping (uvicorn's should_exit)
        self.rev = 0
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                                      undefined=jinja2.StrictUndefined)

    async def on_render(self, func: Callable[..., T], *args: Any) -> T:
        """Run ``func`` on the render thread (pandoc, typst, loading)."""
        return await asyncio.get_running_loop().run_in_executor(self.render_pool, func, *args)

    async def on_raster(self, func: Callable[..., T], *args: Any) -> T:
        """Run ``func`` on the raster thread (every use of PDFium)."""
        return await asyncio.get_running_loop().run_in_executor(self.raster_pool, func, *args)

    def face(self, tid: str, face: str) -> Shown:
        return self.shown.setdefault((tid, face), Shown())

    # --- changes -------------------------------------------------------------------------------

    def _notify(self, tid: str) -> None:
        """Tell every open page: the target ``tid`` changed; here is the first page of each face, so
        that the browser can fetch it while it asks for the rest."""
        first = {face: self.image_url(tid, face, 0, 1) for face in FACES
                 if tid and self.face(tid, face).documents}
        message = json.dumps({"ziel": tid, "bilder": first}, ensure_ascii=False)
        for queue in self.listeners:
            queue.put_nowait(message)

    def image_url(self, tid: str, face: str, doc: int, page: int) -> str:
        return f"/bild/{face}/{self.face(tid, face).rev}/{doc}/{page}/{quote(tid)}"

    async def open(self, tid: str, face: str) -> None:
        """Someone looks at ``face`` of a target: from now on it is kept up to date; set it if it is not."""
        view = self.session.views[tid]
        view.opened, view.preferred = True, face
        await self.refresh([tid])

    async def refresh(self, tids: Iterable[str]) -> None:
        async with self.lock:
            updates = await self.on_render(self.session.refresh, list(tids))
            while (item := await self.on_render(next, updates, None)) is not None:
                if isinstance(item, Update):
                    await self._apply(item)
                self.rev += 1
                self._notify(item.tid if isinstance(item, Update) else item)
                self._first_page(item)

    def _first_page(self, item: Update | str) -> None:
        """Start on the first page's image at once: while the page asks for the new state, it is made."""
        if isinstance(item, Update) and item.made:
            documents = self.face(item.tid, item.face).documents
            if documents:
                self.raster_pool.submit(documents[0][1].image, 0)

    async def _apply(self, update: Update) -> None:
        shown = self.face(update.tid, update.face)
        shown.error = update.error
        if update.made is None:
            return
        old = shown.documents
        shown.documents = await self.on_raster(lambda: [(n, Pages(pdf)) for n, pdf in update.made or []])
        shown.note, shown.made = update.note, True
        shown.rev += 1
        for _, pages in old:
            self.raster_pool.submit(pages.close)

    async def changed(self, paths: set[Path]) -> None:
        """Files changed: load the project again, then bring every opened target up to date, the
        changed ones first."""
        async with self.lock:
            known = len(self.session.views)
            touched = self.session.notice(paths)
            await self.on_render(self.session.load)
            if len(self.session.views) != known:
                self._notify("")  # the list of files has grown
        opened = [tid for tid, v in self.session.views.items() if v.opened]
        await self.refresh(sorted(opened, key=lambda t: t not in touched))

    async def watch(self) -> None:
        async for paths in watcher.changes(self.session.root, self.stop):
            try:
                await self.changed(paths)
            except Exception:  # a bug: told in the terminal; the preview keeps following the files
                traceback.print_exc(file=sys.stderr)

    # --- pages ---------------------------------------------------------------------------------

    def fragment(self, tid: str, face: str) -> str:
        view = self.session.views[tid]
        shown = self.face(tid, face)
        problems = view.problems or shown.error
        docs = [{"name": name, "index": i, "texts": pages.texts, "sizes": pages.sizes,
                 "images": [self.image_url(tid, face, i, n) for n in range(1, len(pages.texts) + 1)]}
                for i, (name, pages) in enumerate(shown.documents)]
        if problems:
            summary = f"{len(problems)} Fehler" if len(problems) != 1 else "1 Fehler"
        else:
            summary = f"{FACE_NAMES[face]}, fehlerfrei" if shown.made else "wird gesetzt …"
        return self.env.get_template("teil.html.j2").render(
            tid=tid, face=face, rev=shown.rev, problems=problems, docs=docs, note=shown.note, made=shown.made,
            summary=summary, validation=bool(view.problems))


def _face(request: Request) -> str:
    face = request.query_params.get("fassung", INTERNAL)
    return face if face in FACES else INTERNAL


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status, headers={**HEADERS, "Cache-Control": "no-store"})


def _preview(request: Request) -> Preview:
    preview: Preview = request.app.state.preview
    return preview


def _known(request: Request) -> str | None:
    """The target a URL names, if it is one of the preview's (only ever looked up)."""
    tid = str(request.path_params["ziel"])
    return tid if tid in _preview(request).session.views else None


async def index(request: Request) -> Response:
    preview = _preview(request)
    views = sorted(preview.session.views.values(), key=lambda v: v.target.tid)
    return _html(preview.env.get_template("index.html.j2").render(views=views))


async def ansicht(request: Request) -> Response:
    preview, tid = _preview(request), _known(request)
    if tid is None:
        return _html(preview.env.get_template("fehlt.html.j2").render(), 404)
    face = _face(request)
    view = preview.session.views[tid]
    await preview.open(tid, face)
    return _html(preview.env.get_template("seite.html.j2").render(
        view=view, tid=tid, face=face, teil=Markup(preview.fragment(tid, face))))


async def teil(request: Request) -> Response:
    preview, tid = _preview(request), _known(request)
    if tid is None:
        return Response(status_code=404, headers=HEADERS)
    face = _face(request)
    await preview.open(tid, face)
    return _html(preview.fragment(tid, face))


async def bild(request: Request) -> Response:
    preview, tid, face = _preview(request), _known(request), str(request.path_params["fassung"])
    shown = preview.shown.get((tid, face)) if tid is not None else None
    doc, page = int(request.path_params["dokument"]), int(request.path_params["seite"])
    if shown is None or shown.rev != int(request.path_params["stand"]) or not 0 <= doc < len(shown.documents):
        return Response(status_code=404, headers=HEADERS)
    pages = shown.documents[doc][1]
    if not 1 <= page <= len(pages.texts):
        return Response(status_code=404, headers=HEADERS)
    jpeg = await preview.on_raster(pages.image, page - 1)
    return Response(jpeg, media_type="image/jpeg",
                    headers={**HEADERS, "Cache-Control": "private, max-age=86400, immutable"})


async def ereignisse(request: Request) -> Response:
    preview = _preview(request)
    queue: asyncio.Queue[str] = asyncio.Queue()

    async def stream() -> AsyncIterator[str]:
        preview.listeners.add(queue)
        try:
            yield "retry: 500\n\n"
            last = time.monotonic()
            while not preview.stop.is_set() and not preview.exiting():  # Ctrl-C ends the stream at once
                try:
                    message = await asyncio.wait_for(queue.get(), 0.25)
                except TimeoutError:
                    if time.monotonic() - last > HEARTBEAT_S:
                        last = time.monotonic()
                        yield ": still\n\n"
                    continue
                yield f"data: {message}\n\n"
        finally:
            preview.listeners.discard(queue)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={**HEADERS, "Cache-Control": "no-store"})


async def static(request: Request) -> Response:
    name = request.url.path.rsplit("/", 1)[-1]
    return Response((HERE / "static" / name).read_bytes(), media_type=STATIC[name],
                    headers={**HEADERS, "Cache-Control": "no-cache"})


def create_app(preview: Preview, hosts: list[str]) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await preview.on_render(preview.session.load)
        task = asyncio.create_task(preview.watch())
        try:
            yield
        finally:
            preview.stop.set()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    routes = [Route("/", index), Route("/ansicht/{ziel:path}", ansicht), Route("/teil/{ziel:path}", teil),
              Route("/bild/{fassung}/{stand:int}/{dokument:int}/{seite:int}/{ziel:path}", bild),
              Route("/ereignisse", ereignisse)]
    routes += [Route(f"/static/{name}", static) for name in STATIC]
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts)])
    app.state.preview = preview
    return app


def close(preview: Preview) -> None:
    """Stop the worker threads and pandoc; release the PDFs."""
    preview.stop.set()
    preview.render_pool.shutdown(wait=True, cancel_futures=True)
    engines.close_workers()
    for shown in preview.shown.values():
        for _, pages in shown.documents:
            preview.raster_pool.submit(pages.close)
    preview.raster_pool.shutdown(wait=True)
