"""The one writer below the build folder: every document kind's files go through :class:`Output`.

- one lock (``build/.vorlagen.lock``) for every command that writes: a second run waits;
- one manifest (``intern/.vorlagen.json``): output → fingerprint of everything it was made from,
  the planner that made it, and the file's size, time and inode when written, so a deleted or
  replaced output is made again and an unchanged one is left alone;
- atomic writes (a temporary file, then a rename);
- pruning: a planner names every output it wants; what it made before and no longer wants (its
  source deleted, made non-public) is removed;
- temporary files of a killed run in the folders written to, and temporary folders of killed
  processes, are removed by the next run.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import vorlagengen.documents.cancel as cancel
import vorlagengen.documents.trees as trees
from vorlagengen.documents.engines import close_workers
from vorlagengen.documents.lock import locked
from vorlagengen.documents.recipe import Document
from vorlagengen.documents.writing import sweep_tempdirs, write_atomic
from vorlagengen.errors import UserError
from vorlagengen.gcpause import no_cycle_collection

MANIFEST = ".vorlagen.json"
SAVE_EVERY_S = 2.0  # how often a long run saves what it finished (a kill loses at most this)
DRUCKSACHE = "vorlage"  # the planner of entries written before planners were named


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _entry_sum(key: str, entry: dict[str, Any]) -> str:
    """The checksum of a manifest entry, so that a damaged entry is dropped, never believed."""
    # repr, not JSON: thousands of entries are summed on each run (a str and a list of ints say all)
    body = f'{key!r}\0{entry.get("fp")!r}\0{entry.get("stat")!r}\0{entry.get("by", DRUCKSACHE)!r}'
    return hashlib.sha256(body.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _sound(key: str, entry: Any) -> bool:
    """An entry with its checksum, for a file below the build folder."""
    return (isinstance(entry, dict) and entry.get("sum") == _entry_sum(key, entry)
            and not key.startswith("/") and ".." not in key.split("/"))


@dataclass
class Made:
    """What a run wrote, left as it was, and removed."""

    built: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Output:
    """The manifest of one build folder, held under its lock (see :func:`open_output`)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.path = trees.state_file(out)
        self.entries: dict[str, dict[str, Any]] = {}
        with no_cycle_collection():  # thousands of entries, no cycle among them
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                loaded = {}
            if isinstance(loaded, dict):  # a damaged entry is dropped: its output is made again, never pruned by it
                self.entries = {k: v for k, v in loaded.items() if _sound(k, v)}
        self.dirty = False
        self.last_save = time.monotonic()

    def key(self, path: Path) -> str:
        text, prefix = str(path), str(self.out) + os.sep
        if os.sep == "/" and text.startswith(prefix):
            return text[len(prefix):]  # what relative_to gives, without its work (thousands per build)
        return path.relative_to(self.out).as_posix()

    def current(self, path: Path, fingerprint: str) -> bool:
        """Whether ``path`` is on disk as it was written for ``fingerprint``."""
        entry = self.entries.get(self.key(path))
        if not entry or entry.get("fp") != fingerprint:
            return False
        try:
            return bool(entry.get("stat") == _stamp(path))
        except OSError:
            return False

    def record(self, path: Path, fingerprint: str, by: str = DRUCKSACHE) -> None:
        entry: dict[str, Any] = {"fp": fingerprint, "stat": _stamp(path)}
        if by != DRUCKSACHE:
            entry["by"] = by
        key = self.key(path)
        entry["sum"] = _entry_sum(key, entry)
        self.entries[key] = entry
        self.dirty = True

    def write(self, path: Path, data: bytes, fingerprint: str, by: str) -> None:
        write_atomic(path, data)
        self.record(path, fingerprint, by)

    def forget(self, key: str) -> None:
        self.entries.pop(key, None)
        self.dirty = True

    def save(self, every: float = 0.0) -> None:
        if self.dirty and time.monotonic() - self.last_save >= every:
            # one line: JSON's fast encoder (indentation takes its slow one, ten times the time)
            write_atomic(self.path, json.dumps(self.entries, sort_keys=True, separators=(",", ":")).encode("utf-8"))
            self.dirty = False
            self.last_save = time.monotonic()

    def prune(self, by: str, keep: set[str], within: Callable[[str], bool] = lambda _key: True) -> list[Path]:
        """Remove the outputs ``by`` made before (within its scope) that are not in ``keep`` (keys),
        and folders left empty."""
        removed = []
        for key in sorted(self.entries):
            if self.entries[key].get("by", DRUCKSACHE) != by or key in keep or not within(key):
                continue
            path = self.out / key
            try:
                path.unlink()
                removed.append(path)
            except FileNotFoundError:
                pass
            except IsADirectoryError:
                continue
            self.forget(key)
            _remove_empty(path.parent, self.out)
        return removed


def _remove_empty(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_relative_to(stop):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


@contextmanager
def open_output(out: Path, waiting: Callable[[], None] | None = None) -> Iterator[Output]:
    """The build folder's lock and manifest; the manifest is saved however the run ends."""
    with locked(out, waiting):
        sweep_tempdirs()  # what killed runs left in $TMPDIR, even when this run makes nothing
        output = Output(out)
        try:
            yield output
        finally:
            output.save()


def remove_leftovers(folders: Iterable[Path], names: set[str] | None = None) -> None:
    """Temporary files of :func:`write_atomic` left by a killed run (all of them in ``folders`` when
    ``names`` is None, else those for the outputs named)."""
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                target = entry.name[1:].rsplit(".", 2)[0]
                if names is None or target in names:
                    Path(entry.path).unlink(missing_ok=True)


def make(output: Output, docs: Sequence[Document], by: str, *, render: Callable[[Document, tuple[str, ...]],
         dict[str, bytes]], force: bool = False, jobs: int = 1, scope: Callable[[str], bool] | None = None,
         progress: Callable[[int, int], None] | None = None) -> Made:
    """Bring ``docs`` (all the outputs of planner ``by`` within ``scope``) up to date: render each
    document's formats that are not current, write them, remove what the planner made before and no
    longer plans, and temporary files in the folders it writes to."""
    made = Made()
    todo: list[tuple[Document, tuple[str, ...]]] = []
    keep: set[str] = set()
    for doc in docs:
        missing = []
        for fmt in doc.formats:
            path = doc.path(fmt)
            keep.add(output.key(path))
            if force or not output.current(path, doc.fingerprint):
                missing.append(fmt)
            else:
                made.skipped.append(path)
        if missing:
            todo.append((doc, tuple(missing)))
    remove_leftovers({doc.target.parent for doc in docs})
    if scope is not None:
        made.removed = output.prune(by, keep, scope)
    made.built = _run(output, todo, by, render, jobs, progress)
    return made


def _run(output: Output, todo: list[tuple[Document, tuple[str, ...]]], by: str,
         render: Callable[[Document, tuple[str, ...]], dict[str, bytes]], jobs: int,
         progress: Callable[[int, int], None] | None) -> list[Path]:
    def task(doc: Document, fmts: tuple[str, ...]) -> dict[Path, tuple[bytes, str]]:
        return {doc.path(fmt): (data, doc.fingerprint) for fmt, data in render(doc, fmts).items()}

    return run_parallel(output, [partial(task, doc, fmts) for doc, fmts in todo], by, jobs, progress)


def _write_result(output: Output, fut: Future[dict[Path, tuple[bytes, str]]], by: str, built: list[Path],
                  errors: list[UserError]) -> None:
    try:
        for path, (data, fingerprint) in fut.result().items():
            output.write(path, data, fingerprint, by)
            built.append(path)
    except UserError as exc:
        errors.append(exc)


def run_parallel(output: Output, tasks: Sequence[Callable[[], dict[Path, tuple[bytes, str]]]], by: str,
                 jobs: int, progress: Callable[[int, int], None] | None, name: str = "dokument") -> list[Path]:
    """Run ``tasks`` (each renders files: path → bytes and fingerprint) on ``jobs`` threads (each
    with its own pandoc) and write each file as its task finishes; errors are collected. On Ctrl-C
    the queued tasks are dropped and pandoc stopped; what finished is kept in the manifest."""
    built: list[Path] = []
    errors: list[UserError] = []
    if not tasks:
        return built
    cancel.reset()
    pool = ThreadPoolExecutor(max_workers=max(1, min(jobs, len(tasks))), thread_name_prefix=name)
    try:
        pending: set[Future[dict[Path, tuple[bytes, str]]]] = {pool.submit(t) for t in tasks}
        done_count = 0
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                _write_result(output, fut, by, built, errors)
                done_count += 1
            if progress:
                progress(done_count, len(tasks))
            output.save(every=SAVE_EVERY_S)
    except BaseException:
        cancel.cancel()  # what a begun document still has queued (a Mappe's Anlagen) is dropped too
        pool.shutdown(wait=False, cancel_futures=True)
        close_workers()
        raise
    finally:
        pool.shutdown(wait=True)
        close_workers()
    if errors:
        raise UserError("\n".join(str(e) for e in errors))
    return built
