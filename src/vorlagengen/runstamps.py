"""Whole-run stamps of ``vorlagengen build`` and ``vorlagengen validate``: a run in which nothing
changed ends before the project is loaded, with what a run that found nothing to do says.

Both use the site's stamp (documents/stamp.py): the digest of every source taken before loading
(each file and folder below ``vorlagen/``, ``sitzungen/``, ``data/`` and ``templates/`` by size,
times – the change time too, as the check cache trusts a record's stat only with it – and inode,
vorlagengen's code and libraries, today's date, the ``VORLAGENGEN_*`` settings, the project and
build folder, the working folder and the command's options; not the git commit, which neither
command reads), the digest of what the run left and read elsewhere, taken after it (the Anlagen of
records and Niederschriften wherever they lie; for ``build`` every file of its output folders and
the manifest), and a checksum over all of it. A damaged stamp, one of another project, path, format
or set of options is not believed; anything different makes the whole run. ``build --neu`` always
makes it. A plain ``vorlagengen [-q] [-C DIR] build`` or ``… validate`` is answered from the stamp
by the entry (launch.py) without loading click and the commands.

- ``build`` keeps its stamp as ``intern/.vorlagen-stamp.json`` (hidden like the manifest: never
  published, never an output) and keeps it only after a run without error, with the line a second
  run would print: every file unchanged.
- ``validate`` keeps its stamp in the user's cache folder (``VORLAGENGEN_CACHE=aus`` turns it off),
  readable by the user alone, with every line the run printed, in order, and the code-quality
  report it wrote – only of a run without errors; warnings are replayed as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import vorlagengen.documents.trees as trees
from vorlagengen.cachedir import cache_folder
from vorlagengen.documents.stamp import SOURCE_DIRS, RunStamp

LOCK = ".vorlagen.lock"  # documents/lock.py's, taken here without its error types (a no-op run loads little)
BUILD_STAMP = ".vorlagen-stamp.json"  # beside the manifest (.vorlagen.json), hidden as it is
VALIDATE_PREFIX = "lauf-validate-"


def watched(root: Path, paths: Iterable[Path]) -> bool:
    """Whether every selected path lies in a folder the stamp watches (a record elsewhere is not)."""
    folders = [os.path.join(os.path.abspath(root), name) for name in SOURCE_DIRS]
    for path in paths:
        full = os.path.abspath(path)
        if not any(full == f or full.startswith(f + os.sep) for f in folders):
            return False
    return True


def build_stamp(root: Path, out: Path, paths: Iterable[Path], options: Iterable[object]) -> RunStamp | None:
    """The stamp of ``vorlagengen build`` into ``out`` (None: a selection the stamp cannot watch)."""
    selected = [str(p) for p in paths]
    if not watched(root, map(Path, selected)):
        return None
    out = out.absolute()
    outputs = [out / tree / "vorlagen" for tree in (trees.PUBLIC, trees.INTERNAL, trees.DRAFT)]
    return RunStamp("build", root, out, [*outputs, trees.state_file(out)],
                    ["build", os.getcwd(), json.dumps(selected), *map(str, options)],
                    path=trees.internal_dir(out) / BUILD_STAMP, source_ctime=True, git=False, records=True,
                    renamed_only=True)


def build_options(formats: list[str] | None, layout: str | None) -> list[object]:
    """What else a build's outputs depend on (the command line's ``--format`` and ``--layout``)."""
    return [formats, layout]


Changed = tuple[list[str], list[str], dict[str, Any]]  # RunStamp.changed_records


_LOOKED: dict[tuple[str, ...], tuple[RunStamp, dict[str, Any] | None, Changed | None]] = {}


def _key(stamp: RunStamp) -> tuple[str, ...]:
    return (str(stamp.root), str(stamp.out), str(stamp.path), *stamp.options)


def looked_at(stamp: RunStamp) -> tuple[RunStamp, dict[str, Any] | None, Changed | None] | None:
    """What :func:`kept_build` found for the same stamp earlier in this process (the entry looks
    before the command line runs, and its answer stands for the command), taken once."""
    return _LOOKED.pop(_key(stamp), None)


def kept_build(stamp: RunStamp, out: Path, waiting: Callable[[], None], remember: bool = False
               ) -> tuple[dict[str, Any] | None, Changed | None]:
    """What the last build kept, when nothing changed since, else the records changed since when only
    records changed (RunStamp.changed_records), looked at under the build folder's lock; no build
    folder is made for a run without a stamp; ``remember``: keep the answer for :func:`looked_at`."""
    import fcntl

    if not stamp.path.exists():
        return None, None
    try:
        fh = open(out / LOCK, "a+b")  # noqa: SIM115 - closed below
    except OSError:  # the whole run reports it
        return None, None
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            changed = stamp.changed_records()
            found = (changed[2], None) if changed is not None and not changed[0] else (None, changed)
            if remember:  # for looked_at
                _LOOKED[_key(stamp)] = (stamp, *found)
            return found
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def validate_options(als_json: bool, codequality: Path | None, intern: bool, intern_all: bool) -> list[object]:
    """What else validate's lines depend on: ``--json``, ``--codequality``, both ``--intern``."""
    return [als_json, codequality, intern, intern_all]


def validate_stamp(root: Path, paths: Iterable[Path], options: Iterable[object]) -> RunStamp | None:
    """The stamp of ``vorlagengen validate`` in the cache folder (None: no cache, or a selection the
    stamp cannot watch); one file per project, working folder and set of options."""
    folder = cache_folder()
    selected = [str(p) for p in paths]
    if folder is None or not watched(root, map(Path, selected)):
        return None
    root = root.absolute()
    given = ["validate", os.getcwd(), json.dumps(selected), *map(str, options)]
    key = hashlib.sha256(json.dumps([str(root), *given]).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return RunStamp("validate", root, root, [], given, path=folder / f"{VALIDATE_PREFIX}{key}.json", private=True,
                    source_ctime=True, git=False)


def files_read(project: Any) -> list[Path]:
    """The Anlagen of records and Niederschriften, as the checks find them (links followed): they may
    lie outside the watched folders, and a missing one is an error. ``project`` is a loaded Project
    (not imported here: a run that ends at its stamp loads no model)."""
    found = [os.path.join(os.path.dirname(r.path), a.datei) for r in project.records for a in r.vorlage.anlagen]
    for s in project.sitzungen:
        if s.niederschrift is not None and s.niederschrift_path is not None:
            found += [os.path.join(os.path.dirname(s.niederschrift_path), a.datei) for a in s.niederschrift.anlagen]
    return [Path(p) for p in found]
