"""Starting and stopping the preview: the socket on 127.0.0.1, uvicorn, the browser, the clean-up.

The socket is bound here, before uvicorn starts, so that a taken port is a German message (and,
when no port was asked for, the next free one is taken). Ctrl-C (or SIGTERM) stops the server,
the worker threads and pandoc, and removes the preview's private folder."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import socket
import sys
import threading
import webbrowser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import uvicorn

from vorlagengen.documents.writing import private_tempdir
from vorlagengen.errors import UserError
from vorlagengen.vorschau.server import Preview, close, create_app
from vorlagengen.vorschau.session import Session
from vorlagengen.vorschau.targets import find_targets

PORT = 8001  # beside „vorlagengen serve“ on 8000
PORT_TRIES = 20
LOCAL_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]


def bind(host: str, port: int, tries: int) -> socket.socket:
    """A listening socket on ``host`` at ``port`` or, with ``tries`` > 1, the next free port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for candidate in range(port, port + tries):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, candidate))
        except OSError as exc:
            sock.close()
            if exc.errno == errno.EADDRINUSE and candidate + 1 < port + tries:
                continue
            if exc.errno == errno.EADDRINUSE:
                raise UserError(f"Port {candidate} ist belegt – mit --port einen anderen wählen") from None
            raise UserError(f"{host}:{candidate}: Server kann hier nicht lauschen ({exc.strerror})") from None
        sock.listen(64)
        sock.set_inheritable(True)
        return sock
    raise UserError(f"kein freier Port zwischen {port} und {port + tries - 1}")


def can_open_browser() -> bool:
    """A browser window can appear: not on a Linux machine without a display (there webbrowser
    would start a text browser in this terminal)."""
    if os.environ.get("BROWSER"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _open(url: str) -> None:
    with contextlib.suppress(Exception):  # no browser is no reason to stop the preview
        webbrowser.open(url)


@dataclass
class Started:
    """A preview ready to serve: ``server.run(sockets=[sock])`` serves until it is told to stop."""

    server: uvicorn.Server
    sock: socket.socket
    url: str
    preview: Preview


@contextmanager
def started(root: Path, given: Path | None, host: str, port: int | None) -> Iterator[Started]:
    """Bind, set up the session and the app; afterwards stop the threads and pandoc and remove the
    preview's private folder. ``port`` None: 8001 or the next free one; 0: any free one."""
    targets, folder = find_targets(root, given)
    if not targets:
        raise UserError(f"{given or root}: keine Drucksache, Sitzung oder Niederschrift gefunden")
    sock = bind(host, PORT if port is None else port, PORT_TRIES if port is None else 1)
    workdir = private_tempdir("vorschau")
    preview = Preview(Session(root, targets, folder, workdir))
    try:
        shown_host = f"[{host}]" if ":" in host else host
        url = f"http://{shown_host}:{sock.getsockname()[1]}/"
        if len(targets) == 1:
            url += "ansicht/" + quote(targets[0].tid)
        config = uvicorn.Config(create_app(preview, sorted({*LOCAL_NAMES, host, shown_host})), log_level="warning",
                                timeout_graceful_shutdown=2, lifespan="on")
        server = uvicorn.Server(config)
        preview.exiting = lambda: server.should_exit
        yield Started(server, sock, url, preview)
    finally:
        close(preview)
        sock.close()
        shutil.rmtree(workdir, ignore_errors=True)


def run(root: Path, given: Path | None, host: str, port: int | None, browser: bool, say: Callable[[str], None]) -> None:
    """Serve the preview of ``given`` (a file or folder; None: the whole project) until Ctrl-C."""
    with started(root, given, host, port) as run:
        say(f"Vorschau unter {run.url} (Ende mit Strg+C)")
        if browser and can_open_browser():
            threading.Thread(target=_open, args=(run.url,), daemon=True).start()
        with contextlib.suppress(KeyboardInterrupt):  # uvicorn stops, then hands the signal on
            run.server.run(sockets=[run.sock])
    say("Vorschau beendet.")
