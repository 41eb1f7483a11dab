"""A stamp of everything a run was made from and of what it left, so that a run in which nothing
changed ends at once, before the project is loaded (``vorlagengen site`` with nothing new: no
loading, no checking, no page made in memory).

The stamp (``intern/<name>-stamp.json``) holds digests of

- the *sources*, taken before loading: every file and folder below the project's ``vorlagen/``,
  ``sitzungen/``, ``data/`` and ``templates/`` by name, kind, size, modification time and inode
  (not the change time: linking an Anlage into a site changes it), vorlagengen's
  own code and the installed libraries (the same for their folders), the git commit (dates of the
  site come from it), today's date, the command's options and the ``VORLAGENGEN_*`` settings;
- what the run *read and left*, taken after it under the build folder's lock: every file of the
  given output folders (the documents it copies, the files it wrote; a deleted, added or replaced
  file shows by name, size, times or inode) and the files outside the project folders it read
  (Anlagen at other places, a Wappen), recorded by the run itself.

A file changed less than two seconds before it was read could change again within its clock step
unseen (as git knows from its index): its bytes are kept as a SHA-256 too and compared each time.
The stamp's first line is the SHA-256 of the rest; a damaged stamp is not believed, and neither is
one of another format. Any difference: the run does its whole work, and only a run that ended
without error writes a new stamp.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from vorlagengen.documents.trees import internal_dir

FORMAT = 2
RACY_NS = 2_000_000_000
SOURCE_DIRS = ("vorlagen", "sitzungen", "data", "templates")
PACKAGE = Path(__file__).resolve().parents[1]


class _Scan:
    """A digest over files and folders, with the files that were changed just before. (A plain
    class, like the module's imports light: a run that ends at its stamp loads little else.)"""

    def __init__(self, since_ns: int, hash_young: bool = True, ctime: bool = False, ctime_linked: bool = False,
                 records_in: str | None = None, reuse: _Scan | None = None):
        self.since_ns = since_ns
        # each folder's stat and what was hashed of it, so that a later scan takes a folder unchanged
        # since from here (``reuse``) without listing it or reading its files' stat again
        self.folders: dict[str, tuple[tuple[int, ...], list[str | tuple[str]]]] = {}
        self.reuse = reuse
        # the record files below this folder are kept each by itself (``records``: path → digest of its
        # line), not in the whole digest: a run can tell which records changed
        self.records_in = records_in + os.sep if records_in else None
        self.records: dict[str, str] = {}
        self.h: Any = hashlib.blake2b(digest_size=20)
        self.young: dict[str, str] = {}  # path → SHA-256 of its bytes
        self.hash_young = hash_young
        self.ctime = ctime
        self.ctime_linked = ctime_linked  # the change time also of a file with more than one name

    def add(self, *parts: object) -> None:
        self.h.update("\0".join(map(str, parts)).encode("utf-8", "surrogateescape") + b"\n")

    def line(self, path: str, st: os.stat_result | None) -> str:
        """The line of one entry (what :meth:`add` would hash), its bytes kept when it is young."""
        if st is None:
            return f"{path}\0fehlt\n"
        kind = stat.S_IFMT(st.st_mode)
        if kind != stat.S_IFREG:
            return f"{path}\0{kind}\0{st.st_ino}\n"
        # the change time only of a file with one name (unless ``ctime_linked``): the site links Anlagen
        # and documents into its folder (and another build folder's site may link them too), which changes theirs
        ctime = st.st_ctime_ns if self.ctime and (self.ctime_linked or st.st_nlink == 1) else 0
        if self.hash_young and max(st.st_mtime_ns, st.st_ctime_ns) > self.since_ns - RACY_NS:
            self.young[path] = _sha256(path)
        return f"{path}\0{kind}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\0{ctime}\n"

    def entry(self, path: str, st: os.stat_result | None) -> None:
        self.h.update(self.line(path, st).encode("utf-8", "surrogateescape"))

    def file(self, path: str) -> None:
        try:
            st: os.stat_result | None = os.stat(path)
        except (OSError, ValueError):
            st = None
        self.entry(path, st)

    def tree(self, top: str, skip: tuple[str, ...] = ()) -> None:
        """Every entry below ``top`` (links followed for their stat, not into folders); the lines of a
        folder's files are hashed at once (thousands of records in a few folders)."""
        key = self._folder_key(top)
        if key is not None and self._replay(top, key, skip):
            return
        try:
            entries = sorted(os.scandir(top), key=_name)
        except NotADirectoryError:  # an output that is one file (a manifest)
            self.file(top)
            return
        except OSError:
            self.add(top, "kein Ordner")
            return
        lines: list[str] = []
        hashed: list[str | tuple[str]] = []  # what was hashed: lines, and (subfolder,)
        for entry in entries:
            if entry.name in skip:
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                self._hash_lines(lines, hashed)
                lines = []
                hashed.append((entry.path,))
                self.add(entry.path, "ordner")
                self.tree(entry.path, skip)
                continue
            try:
                st: os.stat_result | None = entry.stat(follow_symlinks=True)
            except OSError:  # a dangling link
                st = None
            line = self.line(entry.path, st)
            if (self.records_in and entry.path.startswith(self.records_in) and st is not None
                    and stat.S_ISREG(st.st_mode) and entry.name.endswith((".yaml", ".yml"))):
                self.records[entry.path] = hashlib.blake2b(line.encode("utf-8", "surrogateescape"),
                                                           digest_size=12).hexdigest()
                continue
            lines.append(line)
        self._hash_lines(lines, hashed)
        if key is not None:
            self.folders[top] = (key, hashed)

    def _hash_lines(self, lines: list[str], hashed: list[str | tuple[str]]) -> None:
        text = "".join(lines)
        self.h.update(text.encode("utf-8", "surrogateescape"))
        hashed.append(text)

    def _folder_key(self, top: str) -> tuple[int, ...] | None:
        """A folder's identity and times, when it can stand for its listing and its files: in a scan
        of outputs only (no records kept by themselves, no bytes of young files), and for a folder
        not changed within the clock step before the scan began (None: listed and read anew)."""
        if self.records_in is not None or self.hash_young:
            return None
        try:
            st = os.stat(top)
        except OSError:
            return None
        if not stat.S_ISDIR(st.st_mode) or max(st.st_mtime_ns, st.st_ctime_ns) > self.since_ns - RACY_NS:
            return None
        return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)

    def _replay(self, top: str, key: tuple[int, ...], skip: tuple[str, ...]) -> bool:
        """Hash a folder as the earlier scan ``reuse`` found it, when it is unchanged since: nothing
        was added, removed or renamed in it (every write below the build folder is a rename), and
        no file of it was changed in place by this run. Its subfolders are each looked at again."""
        before = self.reuse.folders.get(top) if self.reuse is not None else None
        if before is None or before[0] != key:  # (kept only for a folder not changed just before that scan)
            return False
        for item in before[1]:
            if isinstance(item, tuple):
                self.add(item[0], "ordner")
                self.tree(item[0], skip)
            else:
                self.h.update(item.encode("utf-8", "surrogateescape"))
        self.folders[top] = before
        return True

    def digest(self) -> str:
        return str(self.h.hexdigest())


def unchanged_digest(top: Path, skip: tuple[str, ...] = ()) -> str | None:
    """The digest of every entry below ``top`` by name, kind, size, times and inode, as a stamp
    takes its sources; None when a file of it changed within the clock step (its stat cannot yet
    stand for its bytes)."""
    scan = _Scan(time.time_ns(), ctime=True, ctime_linked=True)
    scan.tree(str(top), skip)
    return None if scan.young else scan.digest()


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return "-"
    return h.hexdigest()


def _git_head(root: Path) -> str:
    import subprocess

    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=False, env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
    except OSError:
        return "-"
    return done.stdout.strip() if done.returncode == 0 else "-"


class RunStamp:
    """The stamp of one command (``name``) for the project ``root`` and build folder ``out``;
    ``outputs`` are the folders below ``out`` whose every file counts, ``options`` what else the
    command's output depends on."""

    def __init__(self, name: str, root: Path, out: Path, outputs: Iterable[Path], options: Iterable[object] = (),
                 path: Path | None = None, private: bool = False, source_ctime: bool = False, git: bool = True,
                 records: bool = False, renamed_only: bool = False):
        self.root = root.absolute()
        self.out = out
        self.outputs = [str(p) for p in outputs]
        self.path = path or internal_dir(out) / f"{name}-stamp.json"
        self.private = private  # readable by the user alone (a stamp in the cache folder)
        # the change time of every source file, also of one with several names (Anlagen the site linked):
        # what loads records trusts a file's size and time only together with it
        self.source_ctime = source_ctime
        self.git = git  # whether the git commit counts (the site's dates come from it)
        self.records = records  # whether each record file is kept by itself (changed_records)
        # whether every write below the outputs is a rename (the output manager's: a new inode, and its
        # folder's time changes), so that a folder unchanged since the look before the run stands for
        # its files after it; a command that writes a file in place (the site) must not say so
        self.renamed_only = renamed_only
        self.options = [str(o) for o in options]
        self.began_ns = time.time_ns()
        self._sources: _Scan | None = None
        self._outputs_seen: _Scan | None = None  # the outputs as this run found them (changed_records)

    def sources(self) -> _Scan:
        """The digest of the sources, taken once per run (before loading)."""
        if self._sources is None:
            scan = _Scan(self.began_ns, ctime=self.source_ctime, ctime_linked=self.source_ctime,
                         records_in=str(self.root / SOURCE_DIRS[0]) if self.records else None)
            env = sorted((k, v) for k, v in os.environ.items() if k.startswith("VORLAGENGEN_")
                         or k in ("TZ", "SOURCE_DATE_EPOCH"))
            scan.add(FORMAT, sys.version, sys.executable, self.root, self.out, time.strftime("%Y-%m-%d"),
                     _git_head(self.root) if self.git else "", *self.options, *env)
            for folder in SOURCE_DIRS:
                scan.tree(str(self.root / folder), skip=("__pycache__",))
            scan.hash_young = scan.ctime = False  # code and libraries change by installing, never within a clock step
            scan.tree(str(PACKAGE), skip=("__pycache__",))
            for entry in sys.path:  # a library installed, upgraded or removed changes its folder
                if entry.endswith(("site-packages", "dist-packages")):
                    scan.file(entry)
            self._sources = scan
        return self._sources

    def _after(self, extras: Iterable[str], keep_young: bool, reuse: _Scan | None = None) -> _Scan:
        """The output folders (written under the lock: each write a new inode) and the extra files
        (their young ones kept by their bytes when ``keep_young``); folders unchanged since the scan
        ``reuse`` are taken from it."""
        scan = _Scan(time.time_ns(), hash_young=False, ctime=True, reuse=reuse)
        for folder in self.outputs:
            scan.tree(folder)
        scan.hash_young, scan.ctime = keep_young, False  # sources as the others (linked elsewhere too)
        for path in sorted(set(extras)):
            scan.file(path)
        return scan

    def load(self) -> dict[str, Any] | None:
        try:
            checksum, _, body = self.path.read_bytes().partition(b"\n")
            if checksum.decode("ascii") != hashlib.sha256(body).hexdigest():
                return None
            kept = json.loads(body.decode("utf-8"))
        except (OSError, ValueError):
            return None
        return kept if isinstance(kept, dict) and kept.get("format") == FORMAT else None

    def unchanged(self) -> dict[str, Any] | None:
        """The kept summary of the last run when nothing it was made from or left has changed since."""
        found = self.changed_records()
        return found[2] if found is not None and not found[0] else None

    def changed_records(self) -> tuple[list[str], list[str], dict[str, Any]] | None:
        """The record files whose bytes may have changed since the last run, when nothing else it was
        made from or left has changed (nor a record been added or removed), with the files it read
        elsewhere and its summary; else None."""
        kept = self.load()
        if kept is None or kept.get("sources") != self.sources().digest():
            return None
        before, now = kept.get("records"), self.sources().records
        extras, young, summary = kept.get("extras"), kept.get("young"), kept.get("summary")
        if (not isinstance(before, dict) or before.keys() != now.keys() or not isinstance(extras, list)
                or not isinstance(young, dict) or not isinstance(summary, dict)):
            return None
        self._outputs_seen = self._after(map(str, extras), keep_young=False)
        if kept.get("after") != self._outputs_seen.digest():
            return None
        changed = {path for path, line in now.items() if before[path] != line}
        for path, digest in young.items():
            if _sha256(str(path)) != digest:
                if path not in now:
                    return None
                changed.add(path)
        return sorted(changed), [str(e) for e in extras], summary

    def save(self, extras: Iterable[Path], summary: dict[str, Any]) -> None:
        """Keep the stamp of a run that ended without error (under the build folder's lock)."""
        sources = self.sources()
        extra = [str(p) for p in extras]
        after = self._after(extra, keep_young=True, reuse=self._outputs_seen if self.renamed_only else None)
        data = {"format": FORMAT, "sources": sources.digest(), "after": after.digest(), "extras": sorted(set(extra)),
                "young": {**sources.young, **after.young}, "summary": summary, "records": sources.records}
        body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
        content = hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body
        _write(self.path, content, self.private)


def _write(path: Path, content: bytes, private: bool) -> None:
    """Write the stamp atomically (``private``: only its user may read it, mode 0600 in a folder of
    mode 0700); a stamp that cannot be written is simply missing, and the next run does its whole work."""
    import tempfile

    tmp = None
    try:
        path.parent.mkdir(mode=0o700 if private else 0o777, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mode 0600
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        if not private:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
