"""The build folder's lock (``build/.vorlagen.lock``): every command that writes below the build
folder holds it, so a second run waits until the first has finished. A module of its own, light to
import, so that a run that finds nothing to do can take the lock before loading anything.

The lock is reentrant within a thread: ``vorlagengen dokumente`` holds it for its whole run, and
the steps it runs (each of which takes it on its own as a command) go on under it."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from vorlagengen.errors import UserError, os_reason

LOCK = ".vorlagen.lock"
_held = threading.local()  # the build folders (real paths) this thread holds the lock of


@contextmanager
def locked(out: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the build folder's lock; a second run waits until the first has finished."""
    import fcntl

    try:
        out.mkdir(parents=True, exist_ok=True)
        key = os.path.realpath(out)
    except OSError as exc:
        raise UserError(f"{out}: Ausgabeordner nicht beschreibbar ({os_reason(exc)})") from None
    held: set[str] = _held.__dict__.setdefault("folders", set())
    if key in held:  # taken further up in this thread: a second flock would wait for itself
        yield
        return
    try:
        fh = open(out / LOCK, "a+b")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise UserError(f"{out}: Ausgabeordner nicht beschreibbar ({os_reason(exc)})") from None
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                waiting()
            fcntl.flock(fh, fcntl.LOCK_EX)
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)
            fcntl.flock(fh, fcntl.LOCK_UN)
