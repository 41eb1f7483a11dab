"""Atomic writes: a temporary file in the target folder, then a rename. An interrupted build leaves
the previous file intact and never a truncated one."""

from __future__ import annotations

import csv
import io
import os
import secrets
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from vorlagengen.errors import ResourceError


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` or leave the old file as it was. A full disk, a read-only
    folder or a missing permission becomes a ResourceError naming ``target``.

    The temporary file's name is chosen before it is made, so that Ctrl-C at any moment (even
    between its making and the next line) finds a name to remove and leaves no ``.tmp`` behind."""
    tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
    except FileExistsError as exc:  # another's file of that name: not ours to remove
        raise ResourceError("Schreiben", target, exc) from None
    except OSError as exc:
        raise ResourceError("Schreiben", target, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ResourceError("Schreiben", target, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# --- CSV ---------------------------------------------------------------------------------------

# A cell starting with one of these is a formula to Excel and LibreOffice („=HYPERLINK(…)“, „@SUM“,
# „+cmd|…“); a leading apostrophe makes it text, as both programs show it.
_FORMEL = ("=", "+", "-", "@", "\t", "\r")


def csv_zelle(value: object) -> str:
    """One cell as text that no spreadsheet evaluates."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMEL) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file as every CSV of the project is written: semicolons (German Excel), CRLF, UTF-8 with
    BOM (Excel opens it correctly), every cell neutralised against formulas (``csv_zelle``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_zelle(h) for h in header])
    writer.writerows([csv_zelle(c) for c in row] for row in rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# --- private temporary folders ------------------------------------------------------------------

_TEMP_PREFIX = "vorlagengen-"
_swept = False


def private_tempdir(kind: str) -> Path:
    """A new folder in $TMPDIR for this process: ``vorlagengen-<kind>-p<pid>-<random>``. The first
    call of a process removes the folders of vorlagengen processes that no longer run (killed with
    SIGKILL or by a power cut, which no clean-up at exit survives)."""
    global _swept
    if not _swept:
        _swept = True
        sweep_tempdirs()
    return Path(tempfile.mkdtemp(prefix=f"{_TEMP_PREFIX}{kind}-p{os.getpid()}-"))


def sweep_tempdirs(folder: Path | None = None) -> list[Path]:
    """Remove this user's vorlagengen temporary folders whose process is gone; return them."""
    import shutil

    removed = []
    base = Path(folder or tempfile.gettempdir())
    try:
        entries = list(os.scandir(base))
    except OSError:
        return []
    for entry in entries:
        pid = _owner_pid(entry.name)
        if pid is None or _alive(pid):
            continue
        try:
            if entry.is_dir(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_uid == os.getuid():
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _owner_pid(name: str) -> int | None:
    """The pid in ``vorlagengen-<kind>-p<pid>-<random>`` (mkdtemp's random part has no "-")."""
    parts = name.split("-")
    if not name.startswith(_TEMP_PREFIX) or len(parts) < 4:
        return None
    pid = parts[-2]
    return int(pid[1:]) if pid.startswith("p") and pid[1:].isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, but belongs to someone else
    return True
