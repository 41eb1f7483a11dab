"""OParl File objects: references with name, type, size and URL; with ``--dateien`` also their
content, downloaded into a content-addressed store outside git (``.cache/dateien/sha256/ab/abcd…``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..writing import write_atomic
from .quirks import one_line

Download = Callable[[str], bytes]


class FileStore:
    """Files by the SHA-256 of their content; a second download of the same URL is skipped."""

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
        data = self._download(url)
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if not target.exists():
            write_atomic(target, data)
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
