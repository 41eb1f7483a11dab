"""Where the objects come from: a dump of list pages (folder or tar.gz) or an endpoint (``fetch``).

Both yield list pages ``(list name, page)``; :func:`collect` turns them into one table of objects per
type, with embedded objects (Consultations in Papers, AgendaItems in Meetings, Files) lifted out and
their back references filled in.
"""

from __future__ import annotations

import json
import os
import stat
import tarfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vorlagengen.errors import UserError
from vorlagengen.oparl.ids import kind_of, kind_of_list
from vorlagengen.oparl.limits import Budget, LimitError, Limits, check_nesting, size_text
from vorlagengen.oparl.quirks import clean

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


def dump_pages(path: Path, limits: Limits | None = None) -> Iterator[Page]:
    """List pages of a dump: a folder of ``*.json`` files or a ``.tar.gz`` of one, named by their
    list URL (``body/1/paper?page=3.json``). Within the bounds of ``limits``: no link is followed out
    of the folder, only regular files are read, nothing beyond the sizes is unpacked."""
    limits = limits or Limits()
    budget = Budget(limits.total_bytes)
    if path.is_dir():
        yield from _folder_pages(path, limits, budget)
    elif path.is_file() and tarfile.is_tarfile(path):
        yield from _tar_pages(path, limits, budget)
    else:
        raise UserError(f"{path}: weder Ordner noch tar.gz-Archiv mit OParl-Listen")


def _folder_pages(folder: Path, limits: Limits, budget: Budget) -> Iterator[Page]:
    inside = folder.resolve()
    files: list[Path] = []
    for top, dirs, names in os.walk(folder):  # does not descend into linked folders
        for name in dirs:
            if (Path(top) / name).is_symlink() and not _within(Path(top) / name, inside):
                raise LimitError(f"{Path(top) / name}: Verweis aus dem Ordner hinaus – wird nicht gelesen")
        files += [Path(top) / name for name in names if name.endswith(".json")]
    for file in sorted(files):
        if file.is_symlink() and not _within(file, inside):
            raise LimitError(f"{file}: Verweis aus dem Ordner hinaus – wird nicht gelesen")
        try:
            info = file.stat()
        except OSError as exc:
            raise UserError(f"{file}: nicht lesbar ({exc.strerror})") from None
        if not stat.S_ISREG(info.st_mode):
            raise LimitError(f"{file}: keine gewöhnliche Datei (z. B. eine benannte Pipe) – wird nicht gelesen")
        name = file.relative_to(folder).as_posix()
        _check_size(name, info.st_size, limits, budget)
        with file.open("rb") as handle:
            data = handle.read(limits.page_bytes + 1)
        yield from _page(name, data, limits)


def _within(link: Path, inside: Path) -> bool:
    try:
        link.resolve().relative_to(inside)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _tar_pages(path: Path, limits: Limits, budget: Budget) -> Iterator[Page]:
    try:
        with tarfile.open(path) as tar:
            for count, member in enumerate(tar, 1):
                if count > limits.members:
                    raise LimitError(f"{path}: mehr als {limits.members} Einträge – kein OParl-Abzug")
                budget.take(max(member.size, 0), f"{path}: {member.name}")  # skipping unpacks, too
                if not member.name.endswith(".json"):
                    continue
                if not member.isfile():
                    raise LimitError(f"{path}: {member.name}: keine gewöhnliche Datei (Verweis, Pipe …) "
                                     "– wird nicht gelesen")
                _check_size(member.name, member.size, limits, None)
                handle = tar.extractfile(member)
                if handle is not None:
                    yield from _page(member.name, handle.read(limits.page_bytes + 1), limits)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise UserError(f"{path}: tar.gz-Archiv beschädigt ({exc})") from None


def _check_size(name: str, size: int, limits: Limits, budget: Budget | None) -> None:
    if size > limits.page_bytes:
        raise LimitError(f"{name}: {size_text(size)} groß, eine Listenseite darf höchstens "
                         f"{size_text(limits.page_bytes)} haben")
    if budget is not None:
        budget.take(size, name)


def _page(name: str, data: bytes, limits: Limits) -> Iterator[Page]:
    check_nesting(data, name, limits)
    try:
        page = json.loads(data)
    except json.JSONDecodeError as exc:
        raise UserError(f"{name}: kein gültiges JSON (Zeile {exc.lineno}, Spalte {exc.colno})") from None
    except ValueError:
        raise UserError(f"{name}: kein gültiges JSON (Zeichenkodierung)") from None
    except RecursionError:  # unbalanced, so not counted by check_nesting
        raise LimitError(f"{name}: JSON zu tief verschachtelt – keine OParl-Liste") from None
    if isinstance(page, dict) and (isinstance(page.get("data"), list) or "type" in page):
        yield name.rsplit("/", 1)[-1], page
