"""Where the objects come from: a dump of list pages (folder or tar.gz) or an endpoint (``fetch``).

Both yield list pages ``(list name, page)``; :func:`collect` turns them into one table of objects per
type, with embedded objects (Consultations in Papers, AgendaItems in Meetings, Files) lifted out and
their back references filled in.
"""

from __future__ import annotations

import json
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError
from .ids import kind_of, kind_of_list
from .quirks import clean

Page = tuple[str, dict[str, Any]]


@dataclass
class Objects:
    """Every object of the source by type and id, cleaned of the generic quirks."""

    by_kind: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def of(self, kind: str) -> dict[str, dict[str, Any]]:
        return self.by_kind.setdefault(kind, {})

    def get(self, kind: str, oid: str | None) -> dict[str, Any] | None:
        return self.by_kind.get(kind, {}).get(oid or "")

    def add(self, kind: str, obj: dict[str, Any]) -> None:
        if isinstance(obj.get("id"), str) and kind:
            self.of(kind)[obj["id"]] = obj


def collect(pages: Iterable[Page]) -> Objects:
    objects = Objects()
    for list_name, page in pages:
        default = kind_of_list(list_name)
        data = page.get("data")
        for raw in data if isinstance(data, list) else [page]:
            if isinstance(raw, dict):
                _add_with_embedded(objects, clean(raw), default)
    return objects


def _add_with_embedded(objects: Objects, obj: dict[str, Any], default: str) -> None:
    kind = kind_of(obj, default)
    objects.add(kind, obj)
    oid = obj.get("id")
    if kind == "Paper":
        for cons in obj.get("consultation") or []:
            if isinstance(cons, dict):
                objects.add("Consultation", {"paper": oid, **cons})
    elif kind == "Meeting":
        for item in obj.get("agendaItem") or []:
            if isinstance(item, dict):
                objects.add("AgendaItem", {"meeting": oid, **item})


# --- dumps ------------------------------------------------------------------------------------


def dump_pages(path: Path) -> Iterator[Page]:
    """List pages of a dump: a folder of ``*.json`` files or a ``.tar.gz`` of one, named by their
    list URL (``body/1/paper?page=3.json``)."""
    if path.is_dir():
        for file in sorted(path.rglob("*.json")):
            yield from _page(file.relative_to(path).as_posix(), file.read_bytes())
    elif path.is_file() and tarfile.is_tarfile(path):
        with tarfile.open(path) as tar:
            for member in tar:
                if member.isfile() and member.name.endswith(".json"):
                    handle = tar.extractfile(member)
                    if handle is not None:
                        yield from _page(member.name, handle.read())
    else:
        raise UserError(f"{path}: weder Ordner noch tar.gz-Archiv mit OParl-Listen")


def _page(name: str, data: bytes) -> Iterator[Page]:
    try:
        page = json.loads(data)
    except json.JSONDecodeError as exc:
        raise UserError(f"{name}: kein gültiges JSON (Zeile {exc.lineno}, Spalte {exc.colno})") from None
    except ValueError:
        raise UserError(f"{name}: kein gültiges JSON (Zeichenkodierung)") from None
    if isinstance(page, dict) and (isinstance(page.get("data"), list) or "type" in page):
        yield name.rsplit("/", 1)[-1], page
