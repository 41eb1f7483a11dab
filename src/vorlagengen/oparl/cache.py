"""The raw cache of an endpoint: list pages as fetched, appended line by line, and the fetch state.

Lives outside git (``.cache/oparl/<quelle>/`` in the project). Appending one page at a time makes an
interrupted fetch resumable: the state names the next page of every list that is not done yet.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vorlagengen.documents.writing import write_atomic
from vorlagengen.oparl.ids import slugify
from vorlagengen.oparl.source import Objects, Page


def cache_dir(project: Path, source: str) -> Path:
    """One folder per source, named readably and uniquely."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:10]
    return project / ".cache" / "oparl" / f"{slugify(source.split('://')[-1], 40)}-{digest}"


class RawCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pages_file = folder / "seiten.jsonl"
        self.state_file = folder / "abruf.json"

    def state(self) -> dict[str, Any]:
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def save_state(self, state: dict[str, Any]) -> None:
        write_atomic(self.state_file, json.dumps(state, ensure_ascii=False, indent=1).encode("utf-8"))

    def append(self, list_name: str, page: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"liste": list_name, "seite": page}, ensure_ascii=False, separators=(",", ":"))
        with self.pages_file.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def pages(self) -> Iterator[Page]:
        """Every page in the order fetched (later copies of an object replace earlier ones). A last
        line cut off by an interruption is ignored: its page is fetched again."""
        if not self.pages_file.exists():
            return
        with self.pages_file.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                yield entry["liste"], entry["seite"]

    def compact(self, objects: Objects) -> None:
        """Replace the log of pages by one page per list type with the newest copy of each object."""
        lines = []
        for kind in ("System", "Body", "Organization", "Person", "Meeting", "Paper"):
            data = list(objects.of(kind).values())
            if data:
                lines.append(json.dumps({"liste": kind.lower(), "seite": {"data": data}}, ensure_ascii=False,
                                        separators=(",", ":")))
        write_atomic(self.pages_file, ("\n".join(lines) + "\n").encode("utf-8"))
