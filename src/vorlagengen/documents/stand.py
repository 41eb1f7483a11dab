"""„Stand“ of a Sitzung's documents: the date and the commit they were made from – and whether the
project's files differ from that commit, or why no commit could be read.

Only the project's own inputs count (``data/``, ``vorlagen/``, ``sitzungen/``, ``templates/``):
an output folder or an editor's swap file elsewhere does not make a Stand "local".
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from functools import lru_cache
from pathlib import Path

from vorlagengen.model.woerter import WortFn

INPUTS = ("data", "vorlagen", "sitzungen", "templates")


def stand(root: Path) -> tuple[str, int]:
    """„23.11.2026, Commit 1a2b3c4“ and its UNIX time (SOURCE_DATE_EPOCH, if set, fixes the time)."""
    return _stand(root, os.environ.get("SOURCE_DATE_EPOCH"))


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10, check=False,
                          env={**os.environ, "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"})


def _commit(root: Path) -> tuple[str, str, str]:
    """(commit, UNIX time, why there is none) of the repository that tracks the project."""
    inside = _git(root, "rev-parse", "--show-toplevel")
    if inside.returncode != 0:
        if "dubious ownership" in inside.stderr:
            return "", "0", ("ohne Commit: das Repository gehört einem anderen Benutzer, git liest es nicht "
                             "(freigeben mit „git config --global --add safe.directory PFAD“)")
        return "", "0", NO_GIT
    if not _git(root, "log", "-1", "--format=%h", "--", ".").stdout.strip():
        return "", "0", f"ohne Versionsverwaltung (Projekt ist im Repository {inside.stdout.strip()} nicht erfasst)"
    head = _git(root, "log", "-1", "--format=%h %ct")
    parts = head.stdout.split()
    if head.returncode != 0 or len(parts) != 2:
        return "", "0", "ohne Commit: git konnte ihn nicht lesen"
    return parts[0], parts[1], ""


def stand_in_words(root: Path, w: WortFn) -> str:
    """The Stand in the word table's words (stand_commit, stand_lokal, stand_ohne, ohne_datum); a
    reason git gave beyond „no repository“ stays as git's diagnosis."""
    commit, dirty, why, epoch = _parts(root, os.environ.get("SOURCE_DATE_EPOCH"))
    when = dt.datetime.fromtimestamp(epoch, tz=dt.UTC).strftime("%d.%m.%Y") if epoch else w("ohne_datum")
    if commit:
        return w("stand_lokal" if dirty else "stand_commit", datum=when, commit=commit)
    return w("stand_ohne", datum=when) if why == NO_GIT else f"{when}, {why}"


NO_GIT = "ohne Versionsverwaltung"


@lru_cache(maxsize=8)
def _parts(root: Path, epoch_env: str | None) -> tuple[str, bool, str, int]:
    """(commit, local changes, why there is no commit, epoch)."""
    try:
        commit, ts, why = _commit(root)
        dirty = _git(root, "status", "--porcelain", "--untracked-files=all", "--", *INPUTS).stdout.strip() \
            if commit else ""
    except (OSError, subprocess.SubprocessError):
        commit, ts, why, dirty = "", "0", f"{NO_GIT} (git nicht verfügbar)", ""
    return commit, bool(dirty), why, int(epoch_env) if epoch_env else int(ts)


def _stand(root: Path, epoch_env: str | None) -> tuple[str, int]:
    commit, dirty, why, epoch = _parts(root, epoch_env)
    when = dt.datetime.fromtimestamp(epoch, tz=dt.UTC).strftime("%d.%m.%Y") if epoch else "ohne Datum"
    if commit:
        return f"{when}, Commit {commit}{' mit lokalen Änderungen' if dirty else ''}", epoch
    return f"{when}, {why}", epoch
