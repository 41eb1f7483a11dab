"""The ``vorlagengen`` command's entry: ``vorlagengen --help`` is printed from a kept copy of the text
the command line made for it before, without loading click and the commands (most of what the
help costs); every other call goes to the command line (cli.py).

The copy lives in the cache folder (cachedir.py), one file per terminal width, under a key of all
the text is made from: the code of the command line (cli.py, clickde.py, the version), click's
code and Python's version. Its checksum is verified before it is printed; a missing, stale or
damaged copy is made again by click itself. ``VORLAGENGEN_CACHE=aus`` turns the copy off.
"""

from __future__ import annotations

import hashlib
import os
import sys

from vorlagengen.cachedir import cache_folder_name

FORMAT = 1
_OWN = ("__init__.py", "clickde.py", "cli.py")  # all the top-level help is made from
_PREFIX = "hilfe-"


def main() -> None:
    if sys.argv[1:] in (["--help"], ["-h"]):
        kept = _kept_help()
        if kept is not None:
            sys.stdout.write(kept)
            sys.stdout.flush()
            return
    from vorlagengen.cli import main as run

    run()


def code_key() -> str:
    """vorlagengen's command line by content, click's files by size, time and inode (a new version
    is new files), and Python's version."""
    h = hashlib.sha256(f"{FORMAT}\0{sys.version}\0".encode())
    here = os.path.dirname(os.path.abspath(__file__))
    for name in _OWN:
        with open(os.path.join(here, name), "rb") as fh:
            h.update(name.encode() + b"\0" + hashlib.sha256(fh.read()).digest())
    import importlib.util

    spec = importlib.util.find_spec("click")  # where an import would find it, without importing it
    if spec is None or not spec.origin:
        raise OSError("click not found")
    with os.scandir(os.path.dirname(spec.origin)) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.endswith(".py"):
                st = entry.stat()
                h.update(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino};".encode())
    return h.hexdigest()


def _width() -> int:
    import shutil

    return shutil.get_terminal_size().columns  # what click's formatter asks


def _kept_help() -> str | None:
    """The help text from the cache, made and kept first if it is not there (None: no cache)."""
    folder = cache_folder_name()
    if folder is None:
        return None
    try:
        key, width = code_key(), _width()
    except OSError:
        return None
    file = os.path.join(folder, f"{_PREFIX}{key[:32]}-{width}.txt")
    try:
        with open(file, encoding="utf-8") as fh:
            checksum, text = fh.read().split("\n", 1)
        if checksum == _checksum(key, width, text):
            return text
    except (OSError, ValueError, UnicodeDecodeError):
        pass
    text = help_text()
    _keep(folder, file, f"{_checksum(key, width, text)}\n{text}")
    return text


def help_text() -> str:
    """``vorlagengen --help`` as click prints it (its help option echoes ``ctx.get_help()``)."""
    import click

    from vorlagengen.cli import cli

    with click.Context(cli, info_name="vorlagengen", **cli.context_settings) as ctx:
        return ctx.get_help() + "\n"


def _checksum(key: str, width: int, text: str) -> str:
    return hashlib.sha256(f"{key}\0{width}\0{text}".encode()).hexdigest()


def _keep(folder: str, file: str, content: str) -> None:
    """Write the copy atomically; copies of other code go (a cache that cannot be written is ignored)."""
    import tempfile

    tmp = None
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".hilfe-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(content.encode("utf-8"))
        os.replace(tmp, file)
        tmp = None
        same_code = os.path.basename(file).rsplit("-", 1)[0] + "-"
        for old in os.listdir(folder):
            if old.startswith(_PREFIX) and old.endswith(".txt") and not old.startswith(same_code):
                os.unlink(os.path.join(folder, old))
    except OSError:
        if tmp is not None:
            import contextlib

            with contextlib.suppress(OSError):
                os.unlink(tmp)
