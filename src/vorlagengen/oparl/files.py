"""OParl File objects: references with name, type, size and URL; with ``--dateien`` also their
content, downloaded into a content-addressed store outside git (``.cache/dateien/sha256/ab/abcd…``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vorlagengen.oparl.quirks import one_line

# Streams the content of a URL into a sink, chunk by chunk (bounded by the client).
Download = Callable[[str, Callable[[bytes], None]], None]


class FileStore:
    """Files by the SHA-256 of their content; a second download of the same URL is skipped. A
    download streams into a temporary file while it is hashed, never into memory whole."""

    def __init__(self, root: Path, known: dict[str, str], download: Download) -> None:
        self.root = root
        self.by_url = known  # url → sha256, kept in the import state
        self._download = download
        self.fetched = 0

    def path(self, digest: str) -> Path:
        return self.root / "sha256" / digest[:2] / digest

    def put(self, url: str) -> str:
        digest = self.by_url.get(url)
        if digest and self.path(digest).exists():
            return digest
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".laden.", suffix=".tmp")
        try:
            sha = hashlib.sha256()
            with os.fdopen(fd, "wb") as handle:
                def sink(chunk: bytes) -> None:
                    sha.update(chunk)
                    handle.write(chunk)
                self._download(url, sink)
            digest = sha.hexdigest()
            target = self.path(digest)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(tmp, 0o644)
                os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)
        self.by_url[url] = digest
        self.fetched += 1
        return digest


def quell_datei(obj: dict[str, Any], store: FileStore | None) -> dict[str, Any] | None:
    """A File as the record keeps it, or None if it has no URL to keep."""
    url = obj.get("accessUrl") or obj.get("downloadUrl")
    if not isinstance(url, str) or not url:
        return None
    name = one_line(str(obj.get("name") or obj.get("fileName") or url.rsplit("/", 1)[-1]))
    out: dict[str, Any] = {"name": name, "url": url}
    if isinstance(obj.get("mimeType"), str):
        out["mime"] = obj["mimeType"]
    if isinstance(obj.get("size"), int) and obj["size"] >= 0:
        out["groesse"] = obj["size"]
    if isinstance(obj.get("date"), str) and len(obj["date"]) >= 10:
        out["datum"] = obj["date"][:10]
    if store is not None:
        out["sha256"] = store.put(str(obj.get("downloadUrl") or url))
    return out
