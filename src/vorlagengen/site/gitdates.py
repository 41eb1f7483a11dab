"""When a source file was first and last committed: ``created`` and ``modified`` of OParl objects and
``updated`` of feed entries. One ``git log`` for the whole project; files git does not know (or a
project outside git) fall back to a date the record itself fixes, so output stays reproducible."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterable
from pathlib import Path

Dates = dict[Path, tuple[dt.datetime, dt.datetime]]


def git_dates(root: Path, paths: Iterable[Path]) -> Dates:
    """(created, modified) per path, for the paths git has a commit of."""
    top = _toplevel(root)
    wanted = {p.resolve() for p in paths} if top is not None else set()
    if top is None or not wanted:
        return {}
    try:
        log = subprocess.run(["git", "-C", str(top), "log", "--format=%x00%cI", "--name-only", "--no-renames",
                              "--", *sorted({str(p.parent) for p in wanted})],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    out: Dates = {}
    stamp: dt.datetime | None = None
    for line in log.splitlines():
        if line.startswith("\0"):
            stamp = dt.datetime.fromisoformat(line[1:]).astimezone(dt.UTC)
        elif line and stamp is not None:
            path = (top / line).resolve()
            if path in wanted:
                created, modified = out.get(path, (stamp, stamp))
                out[path] = (min(created, stamp), max(modified, stamp))
    return out


def _toplevel(root: Path) -> Path | None:
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True,
                              text=True, check=False)
    except OSError:
        return None
    return Path(done.stdout.strip()).resolve() if done.returncode == 0 and done.stdout.strip() else None


def head_time(root: Path) -> dt.datetime | None:
    try:
        done = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%cI"], capture_output=True,
                              text=True, check=False)
    except OSError:
        return None
    text = done.stdout.strip()
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC) if done.returncode == 0 and text else None


def fallback(day: dt.date) -> dt.datetime:
    """Noon UTC of the record's own date: what the documents use as their timestamp too."""
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
