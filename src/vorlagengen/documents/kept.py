"""Files kept in a cache folder by the digest of what they were made from (their key). Each file is
named ``<key>.<digest of its own bytes><suffix>``; the digest is checked on every read, so a damaged
file is removed and made again, never used. Whole or not at all: written to a temporary file, then
renamed. Cache folders are never compared with a clean build: what is kept here equals what would
be made now."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]


def read_kept(folder: Path, key: str, suffix: str) -> bytes | None:
    """The bytes kept under ``key`` in ``folder``, if a sound file is there."""
    try:
        names = sorted(n for n in os.listdir(folder) if n.startswith(key + ".") and n.endswith(suffix))
    except OSError:
        return None
    for name in names:
        candidate = folder / name
        try:
            data = candidate.read_bytes()
            if digest(data) == name[len(key) + 1:].removesuffix(suffix):
                return data
            candidate.unlink()
        except OSError:
            continue
    return None


def keep(folder: Path, key: str, data: bytes, suffix: str, *, alone: bool = False) -> None:
    """Keep ``data`` under ``key``; with ``alone`` every other file of the folder goes (what was kept
    for an earlier state of the same thing). A folder that cannot be written is left as it is: a
    cache that cannot keep a file only makes the next run slower."""
    target = folder / f"{key}.{digest(data)}{suffix}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{key}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        if alone:
            for other in folder.iterdir():
                if other != target and not other.is_dir():
                    other.unlink(missing_ok=True)
    except OSError:
        return
