"""What the checks found out about a record, kept between runs so that an unchanged record is not
read and checked again (``validate``, and every ``build``, ``sitzung`` and ``site`` that validates
first).

Only records that passed every check of their own are kept: their values as read from YAML, and
their warnings. Such a record is taken from the cache when

- its file has the same bytes (SHA-256; a file whose size, times and inode are those kept is not
  read again, as git trusts its index – but only if it was last changed well before it was read),
- each of its Anlagen has the same size, time and inode, and
- the context is the same: vorlagengen's own code and version, the versions of pydantic and the
  YAML reader, every file of ``data/`` and of ``templates/`` (fonts, layouts), by content.

Its model is then built from the kept values, exactly as from the file, and the checks across
records run on every record as always. Everything else is checked afresh.

The cache lives in the user's cache folder (``$XDG_CACHE_HOME/vorlagengen`` or
``~/.cache/vorlagengen``), one JSON file per project folder, never inside the project: a cache
file checked into a repository could otherwise make a record look different from its file.
``VORLAGENGEN_CACHE`` names another folder; ``VORLAGENGEN_CACHE=aus`` turns the cache off. A cache
that cannot be read or written is ignored.

A cache never lies: each kept line carries a checksum of its text (SHA-256, bound to the context of
the file), checked before the line is used. A line changed by hand, by a flipped bit, cut short or
mixed with garbage is dropped, and its record is read and checked afresh.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from vorlagengen import __version__
from vorlagengen.cachedir import cache_folder
from vorlagengen.checks.anlagen import ENV_MB, ENV_SEITEN
from vorlagengen.model.records import DATA_DIR, TEMPLATE_DIR, hash_files, package_digest

FORMAT = 4
Warning_ = tuple[int, int, str, str]  # line, column, field, message


@lru_cache(maxsize=1)
def _code_key() -> str:
    """vorlagengen's code and the libraries that read and check a record."""
    from importlib.metadata import PackageNotFoundError, version  # a run that opens no cache: not loaded

    h = hashlib.sha256(f"{FORMAT}:{__version__}:{sys.version}".encode())
    for dist in ("pydantic", "pydantic-core", "ruamel.yaml", "ruamel.yaml.clib", "yaml-rs"):
        try:
            h.update(f"{dist}={version(dist)};".encode())
        except PackageNotFoundError:
            h.update(f"{dist}=?;".encode())
    h.update(package_digest())
    return h.hexdigest()


def context_key(root: Path) -> str:
    """The code, the project folder, data/ and templates/ (layouts and fonts), all by content, and
    the Anlagen's bounds set in the environment."""
    h = hashlib.sha256(_code_key().encode())
    h.update(str(root).encode())
    h.update(repr([os.environ.get(name, "") for name in (ENV_MB, ENV_SEITEN)]).encode())  # bounds of an Anlage
    hash_files(h, (root / DATA_DIR).rglob("*"), root)
    hash_files(h, (root / TEMPLATE_DIR).rglob("*"), root)
    return h.hexdigest()


# A file changed twice within the file system's clock step keeps its time: an Anlage younger than
# this is not trusted to its size and time, and its record is not kept (as git does with its index).
_RACY_NS = 2_000_000_000


def anlagen_stamp(dateien: Iterable[str], record: Path) -> list[Any]:
    """Size, time and inode of each Anlage of a record (None where there is no file)."""
    out: list[Any] = []
    folder = os.path.dirname(record)
    for datei in dateien:
        try:
            st = os.stat(os.path.join(folder, datei))  # follows links as the check does
            out.append([datei, st.st_size, st.st_mtime_ns, st.st_ino])
        except (OSError, ValueError):
            out.append([datei, None])
    return out


@dataclass
class Entry:
    """A kept record: its values as JSON text, its Anlagen's stamp and its warnings."""

    raw_json: str
    anlagen: list[Any]
    warnings: list[Warning_]
    facts: str = ""  # model/records.facts_of


def file_stamp(st: os.stat_result | None, since_ns: int) -> str:
    """Size, times and inode of a record file, when they can vouch for its bytes: the file was
    last changed well before ``since_ns`` (the time its bytes were read), else "-"."""
    if st is None or max(st.st_mtime_ns, st.st_ctime_ns) > since_ns - _RACY_NS:
        return "-"
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


@dataclass
class CheckCache:
    """The kept results of one project (empty when there is no usable cache).

    The file is text: a first line of JSON with the context, then one line per record, tab-separated:
    its checksum (:func:`line_sum` of the rest of the line), its path as JSON, the digest of its
    text, the stamp of its file (:func:`file_stamp`), a JSON list (Anlagen, warnings, facts) and the
    record's values as JSON. Lines are verified and values parsed only for the records that are
    looked up."""

    file: Path | None
    context: str
    lines: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # path → (digest, stamp, the line)
    changed: bool = False

    @classmethod
    def open(cls, root: Path) -> CheckCache:
        folder = cache_folder()
        try:
            context = context_key(root)
        except OSError:
            return cls(None, "")
        if folder is None:
            return cls(None, context)
        file = folder / f"pruefungen-{hashlib.sha256(str(root).encode()).hexdigest()[:16]}.txt"
        cache = cls(file, context)
        try:
            head, *lines = file.read_text(encoding="utf-8").splitlines()
            if json.loads(head) == {"format": FORMAT, "context": context}:
                for line in lines:
                    with contextlib.suppress(ValueError, TypeError):
                        end = line.index("\t", line.index("\t", line.index("\t", line.index("\t") + 1) + 1) + 1)
                        _, path, sha, stamp = line[:end].split("\t")  # the long rest is not copied
                        cache.lines[str(json.loads(path))] = (sha, stamp, line)
        except (OSError, ValueError, TypeError, IndexError, UnicodeDecodeError):
            cache.lines = {}
        return cache

    def known(self, path: Path) -> tuple[str, str] | None:
        """The digest and file stamp kept for ``path`` (unverified: :meth:`lookup` verifies)."""
        kept = self.lines.get(str(path))
        return None if kept is None else (kept[0], kept[1])

    def lookup(self, path: Path, digest: str) -> Entry | None:
        kept = self.lines.get(str(path))
        if kept is None or kept[0] != digest:
            return None
        try:
            checksum, body = kept[2].split("\t", 1)
            if checksum != line_sum(self.context, body):
                return None  # damaged: checked afresh, and the fresh result replaces the line
            name, sha, _, head, raw_json = body.split("\t", 4)
            if json.loads(name) != str(path) or sha != digest:
                return None
            anlagen, warnings, facts = json.loads(head)
            if not isinstance(anlagen, list) or not isinstance(facts, str):
                return None
            return Entry(raw_json, anlagen, [(int(a), int(b), str(c), str(d)) for a, b, c, d in warnings], facts)
        except (ValueError, TypeError):
            return None

    def store(self, path: Path, digest: str, raw_json: str, dateien: list[str], warnings: Iterable[Warning_],
              stamp: str = "-", facts: str = "") -> None:
        line = cache_line(self.context, path, digest, raw_json, dateien, warnings, stamp, facts)
        if line is not None:
            self.keep_line(path, digest, line)

    def keep_line(self, path: Path, digest: str, line: str) -> None:
        """Keep a line made by :func:`cache_line` (in a worker process, beside the check) for ``path``."""
        self.lines[str(path)] = (digest, line.split("\t", 4)[3], line)
        self.changed = True

    def keep_only(self, paths: Iterable[Path]) -> None:
        """Forget records that are gone (only when the whole project was read)."""
        wanted = {str(p) for p in paths}
        gone = [k for k in self.lines if k not in wanted]
        for key in gone:
            del self.lines[key]
        self.changed = self.changed or bool(gone)

    def save(self) -> None:
        if self.file is None or not self.changed:
            return
        head = json.dumps({"format": FORMAT, "context": self.context})
        data = "\n".join([head, *(line for _, _, line in self.lines.values())]) + "\n"
        tmp = None
        try:  # readable by the user alone: it holds the values of non-public records
            self.file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, prefix=".pruefungen-", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data.encode("utf-8"))
            os.replace(tmp, self.file)
        except (OSError, ValueError):  # a cache that cannot be written is no fault of the project
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)


def cache_line(context: str, path: Path, digest: str, raw_json: str, dateien: list[str],
               warnings: Iterable[Warning_], stamp: str = "-", facts: str = "") -> str | None:
    """The line that keeps a record in a cache file of ``context`` (see :class:`CheckCache`), or None
    when it is not to be kept."""
    anlagen = anlagen_stamp(dateien, path)
    if any(len(s) > 2 and s[2] > time.time_ns() - _RACY_NS for s in anlagen):
        return None  # an Anlage just written could change again unseen
    head = json.dumps([anlagen, [list(w) for w in warnings], facts])  # ASCII: any path, any text
    body = f"{json.dumps(str(path))}\t{digest}\t{stamp}\t{head}\t{raw_json}"
    return f"{line_sum(context, body)}\t{body}"


def values_of_line(line: str) -> str:
    """The record's values as JSON in a line made by :func:`cache_line` (its last field)."""
    return line.split("\t", 5)[5]


def line_sum(context: str, body: str) -> str:
    """The checksum of a kept line (all after the checksum), in the context the file was written for."""
    return hashlib.sha256(f"{context}\0{body}".encode()).hexdigest()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
