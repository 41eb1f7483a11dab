"""The ``vorlagengen`` command's entry: ``vorlagengen --help`` is printed from a kept copy of the text
the command line made for it before, without loading click and the commands (most of what the
help costs); so is what a plain ``vorlagengen build`` or ``vorlagengen validate`` prints when nothing
changed since its last run (its stamp, runstamps.py); every other call goes to the command line
(cli.py).

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
    elif _replayed(sys.argv[1:]):
        return
    from vorlagengen.cli import main as run

    run()


# --- a plain build or validate with nothing changed -------------------------------------------------


def _plain(args: list[str]) -> tuple[str, str, bool, bool] | None:
    """Command, project folder, ``-q`` and ``--intern`` of ``vorlagengen [-q] [--intern] [-C DIR] build``
    or ``… validate`` with nothing else (None for any other call: the command line takes it)."""
    root, quiet, intern = ".", False, False
    rest = list(args)
    while rest and rest[0] not in ("build", "validate"):
        arg = rest.pop(0)
        if arg in ("-q", "--quiet"):
            quiet = True
        elif arg == "--intern":
            intern = True
        elif arg in ("-C", "--projekt") and rest:
            root = rest.pop(0)
        elif arg.startswith("--projekt="):
            root = arg.split("=", 1)[1]
        else:
            return None
    return (rest[0], root, quiet, intern) if len(rest) == 1 else None


def _replayed(args: list[str]) -> bool:
    """Print what a plain build or validate prints when nothing changed since its last run without
    error (its stamp, runstamps.py), without loading click and the commands; False: the command line
    runs (as for any change, any doubt and any other call)."""
    plain = _plain(args)
    if plain is None or (sys.stdout.encoding or "").lower().replace("-", "") != "utf8":
        return False
    command, folder, quiet, intern = plain
    try:
        lines = _kept_lines(command, folder, intern)
    except Exception:  # any doubt: the command line runs and reports it
        return False
    if lines is None:
        return False
    for kind, line in lines:
        if kind != "say" or not quiet:
            stream = sys.stderr if kind == "err" else sys.stdout
            stream.write(line + "\n")
            stream.flush()
    return True


def _kept_lines(command: str, folder: str, intern: bool) -> list[tuple[str, str]] | None:
    from pathlib import Path

    import vorlagengen.runstamps as runstamps

    root = Path(folder)
    if command == "build":
        out = root / "build"
        stamp = runstamps.build_stamp(root, out, (), runstamps.build_options(None, None))

        def waiting() -> None:
            sys.stderr.write(f"Warte auf einen anderen Lauf in {out} …\n")
            sys.stderr.flush()

        kept = runstamps.kept_build(stamp, out, waiting, remember=True)[0] if stamp is not None else None
        lines: object = [["say", kept.get("text")]] if kept is not None else None
    else:
        stamp = runstamps.validate_stamp(root, (), runstamps.validate_options(False, None, False, intern))
        kept = stamp.unchanged() if stamp is not None else None
        lines = kept.get("lines") if kept is not None and kept.get("exit") == 0 else None
    if not isinstance(lines, list):
        return None
    found = []
    for entry in lines:  # as the command line echoes them (click strips terminal codes off a pipe: none here)
        if not (isinstance(entry, list) and len(entry) == 2 and entry[0] in ("out", "err", "say")
                and isinstance(entry[1], str) and "\x1b" not in entry[1]):
            return None
        found.append((entry[0], entry[1]))
    return found


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
