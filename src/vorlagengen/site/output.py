"""Writing the site folder incrementally and completely.

Every run produces the full list of the site's files in memory (pages are cheap); a file is written
only when its bytes differ from what is on disk, so a rebuild after one changed Drucksache touches
only the pages that show it. The site folder belongs to the builder: a file no longer produced
(a Drucksache withdrawn or made nichtöffentlich) is deleted, never left behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Copy:
    source: Path
    size: int
    mtime_ns: int
    inode: tuple[int, int] = (0, 0)  # st_dev, st_ino of the source


@dataclass
class SiteOutput:
    root: Path
    pages: dict[str, bytes] = field(default_factory=dict)
    copies: dict[str, Copy] = field(default_factory=dict)
    kept: set[str] = field(default_factory=set)  # unchanged files not rendered again
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    stamps: dict[str, str] = field(default_factory=dict)  # page → "size:mtime:digest" when last written or read

    def put(self, rel: str, data: bytes | str) -> None:
        self.pages[rel] = data.encode("utf-8") if isinstance(data, str) else data

    def copy(self, rel: str, source: Path, st: os.stat_result | None = None) -> None:
        st = st or source.stat()
        self.copies[rel] = Copy(source, st.st_size, st.st_mtime_ns, (st.st_dev, st.st_ino))

    def keep(self, rel: str) -> None:
        self.kept.add(rel)

    def names(self) -> set[str]:
        return set(self.pages) | set(self.copies) | self.kept

    def commit(self, keep: tuple[str, ...] = ()) -> None:
        """Write what changed, remove what is no longer produced (except below ``keep`` folders)."""
        self.write()
        self._remove_stale(keep)

    def write(self) -> None:
        """Write the files put so far whose bytes differ from the disk; they stay part of the site."""
        self.root.mkdir(parents=True, exist_ok=True)
        root = str(self.root)  # plain strings: pathlib costs more than the stat for thousands of files
        for rel, data in sorted(self.pages.items()):
            target = os.path.join(root, rel)
            digest = hashlib.blake2b(data, digest_size=12).hexdigest()
            if self._stamped(rel, target, digest):
                continue
            if not _same_bytes(target, data):
                _write(Path(target), data)
                self.written.append(rel)
            st = os.stat(target)
            self.stamps[rel] = f"{st.st_size}:{st.st_mtime_ns}:{digest}"
        for rel, item in sorted(self.copies.items()):
            target = os.path.join(root, rel)
            if not _same_file(target, item):
                _place(item.source, Path(target))
                self.written.append(rel)
        self.kept.update(self.pages, self.copies)
        self.pages, self.copies = {}, {}

    def _stamped(self, rel: str, target: str, digest: str) -> bool:
        """Whether the file on disk is the one this builder wrote with these bytes (no need to read it)."""
        known = self.stamps.get(rel)
        if known is None or not known.endswith(digest):
            return False
        try:
            st = os.stat(target)
        except OSError:
            return False
        return known == f"{st.st_size}:{st.st_mtime_ns}:{digest}"

    def _remove_stale(self, keep: tuple[str, ...]) -> None:
        wanted = self.names()
        for folder, _dirs, files in os.walk(self.root, topdown=False):
            rel_dir = os.path.relpath(folder, self.root).replace(os.sep, "/")
            prefix = "" if rel_dir == "." else rel_dir + "/"
            if any(prefix.startswith(k + "/") for k in keep):
                continue
            for name in files:
                if prefix + name not in wanted:
                    os.unlink(os.path.join(folder, name))
                    self.removed.append(prefix + name)
            if prefix and not os.listdir(folder):
                os.rmdir(folder)


def _write(target: Path, data: bytes) -> None:
    """Atomic like writing.write_atomic, with a fixed temporary name: the site folder belongs to one
    builder at a time, and mkstemp's random names cost more than the write for small pages."""
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_bytes(data)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
    os.replace(tmp, target)


def _same_bytes(target: str, data: bytes) -> bool:
    try:
        if os.stat(target).st_size != len(data):
            return False
        with open(target, "rb") as fh:
            return fh.read() == data
    except OSError:
        return False


def _same_file(target: str, item: Copy) -> bool:
    try:
        st = os.stat(target)
    except OSError:
        return False
    if st.st_size != item.size:
        return False
    if (st.st_dev, st.st_ino) == item.inode or st.st_mtime_ns == item.mtime_ns:
        return True
    return sha256_of(Path(target)) == sha256_of(item.source)


def _place(source: Path, target: Path) -> None:
    """A hard link when source and site share a file system, else a copy; both keep mtime."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copy2(source, tmp)
    os.replace(tmp, target)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
