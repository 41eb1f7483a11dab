"""The preview in tests: a copy of the demo project (with a Schwärzung in 19/0167) and the preview's
server running in a thread on a free loopback port, stopped as Ctrl-C would stop it."""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from site_support import copy_demo
from vorlagengen.vorschau.start import Started, started

NAME = "Erika Mustermann"  # a redacted name: in the internal face only
RECORD = "vorlagen/wandsbek/19-0167.yaml"


def demo_project(target: Path) -> Path:
    """The demo project, its 19/0167 with a redacted name in the Sachverhalt."""
    root = copy_demo(target)
    record = root / RECORD
    text = record.read_text(encoding="utf-8")
    text = text.replace("sachverhalt: |\n", f"sachverhalt: |\n  Angeregt von Frau [{NAME}]{{.geschwaerzt}}.\n\n", 1)
    record.write_text(text, encoding="utf-8")
    return root


@contextmanager
def preview(root: Path, given: Path | None = None) -> Iterator[Started]:
    """The preview of ``given`` (None: the whole project) served in a thread until the block ends."""
    with started(root, given, "127.0.0.1", 0) as run:
        thread = threading.Thread(target=run.server.run, kwargs={"sockets": [run.sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while not run.server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the preview did not start")
            time.sleep(0.05)
        try:
            yield run
        finally:
            run.server.should_exit = True
            thread.join(30)


def base_url(run: Started) -> str:
    return f"http://127.0.0.1:{run.sock.getsockname()[1]}/"


def fetch(url: str, host: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
