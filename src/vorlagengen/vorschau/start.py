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
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import uvicorn

from ..errors import UserError
from ..writing import private_tempdir
from .server import Preview, close, create_app
from .session import Session
from .targets import find_targets

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


def run(root: Path, given: Path | None, host: str, port: int | None, browser: bool, say: Callable[[str], None]) -> None:
    """Serve the preview of ``given`` (a file or folder; None: the whole project) until Ctrl-C."""
    targets, folder = find_targets(root, given)
    if not targets:
        raise UserError(f"{given or root}: keine Drucksache, Sitzung oder Niederschrift gefunden")
    sock = bind(host, port or PORT, 1 if port else PORT_TRIES)
    workdir = private_tempdir("vorschau")
    preview = Preview(Session(root, targets, folder, workdir))
    try:
        bound = sock.getsockname()[1]
        shown_host = f"[{host}]" if ":" in host else host
        url = f"http://{shown_host}:{bound}/"
        if len(targets) == 1:
            url += "ansicht/" + quote(targets[0].tid)
        hosts = sorted({*LOCAL_NAMES, host, shown_host})
        config = uvicorn.Config(create_app(preview, hosts), log_level="warning", timeout_graceful_shutdown=2,
                                lifespan="on")
        server = uvicorn.Server(config)
        say(f"Vorschau unter {url} (Ende mit Strg+C)")
        if browser and can_open_browser():
            threading.Thread(target=_open, args=(url,), daemon=True).start()
        with contextlib.suppress(KeyboardInterrupt):  # uvicorn stops, then hands the signal on
            server.run(sockets=[sock])
    finally:
        close(preview)
        sock.close()
        shutil.rmtree(workdir, ignore_errors=True)
    say("Vorschau beendet.")
