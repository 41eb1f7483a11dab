"""Atomic writes: a temporary file in the target folder, then a rename. An interrupted build leaves
the previous file intact and never a truncated one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import ResourceError


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` or leave the old file as it was. A full disk, a read-only
    folder or a missing permission becomes a ResourceError naming ``target``."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise ResourceError("Schreiben", target, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ResourceError("Schreiben", target, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
