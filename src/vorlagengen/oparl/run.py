"""``vorlagengen import oparl``: the phases in order — fetch (endpoint → raw cache) or read the dump,
map in dependency order, write what changed, report."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vorlagengen.documents.writing import write_atomic
from vorlagengen.errors import UserError
from vorlagengen.oparl.cache import RawCache, cache_dir
from vorlagengen.oparl.context import MapContext
from vorlagengen.oparl.fetch import Client, ClientSettings, fetch
from vorlagengen.oparl.files import FileStore
from vorlagengen.oparl.ids import IdMap
from vorlagengen.oparl.limits import Limits
from vorlagengen.oparl.mapping import DEFAULT_LAYOUT, map_all
from vorlagengen.oparl.quirks import quirks_for
from vorlagengen.oparl.report import Report
from vorlagengen.oparl.source import Objects, collect, dump_pages
from vorlagengen.oparl.write import own_keys, write_data, write_records

GITIGNORE = ".cache/\nbuild/\n"


@dataclass
class ImportSettings:
    source: str
    root: Path
    kennung: str | None = None
    layout: str = DEFAULT_LAYOUT
    seit: dt.date | None = None
    bis: dt.date | None = None
    dateien: bool = False
    client: ClientSettings = field(default_factory=ClientSettings)
    limits: Limits = field(default_factory=Limits)
    today: dt.date = field(default_factory=dt.date.today)
    overwrite: bool = False  # replace hand edits of imported records by the source's version


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def run_import(settings: ImportSettings, say: Callable[[str], None] = lambda _: None) -> Report:
    root = settings.root.absolute()
    source = settings.source if is_url(settings.source) else str(Path(settings.source).absolute())
    if not is_url(source) and not Path(source).exists():
        raise UserError(f"{settings.source}: Datei oder Ordner nicht gefunden")
    folder = cache_dir(root, source)
    state_file = folder / "uebernahme.json"
    state = _load(state_file)
    report = Report()
    with Client(settings.client, limits=settings.limits) as client:
        if is_url(source):
            client.allow(source)
        objects = _objects(source, folder, client, say, settings.limits)
        store = FileStore(root / ".cache" / "dateien", state.setdefault("downloads", {}),
                          lambda url, sink: _download(client, url, sink)) if settings.dateien else None
        ids = IdMap(state.get("ids"))
        ids.reserve(own_keys(root))
        system = next(iter(objects.of("System").values()), None)
        ctx = MapContext(objects, quirks_for(system), report, ids, settings.today, settings.kennung,
                         settings.seit, settings.bis, store)
        say("Ordne zu …")
        mapped = map_all(ctx, settings.layout)
    if not mapped.koerperschaften:
        raise UserError(f"{settings.source}: keine Körperschaft (Body) in der Quelle gefunden")
    say("Schreibe …")
    _prepare_project(root)
    changed = write_data(root, mapped)
    if _website(root, objects, mapped):
        changed.append("data/website.yaml")
    state["dateien"] = write_records(root, mapped, state.get("dateien") or {}, report,
                                     state.setdefault("geschrieben", {}), settings.overwrite)
    state["ids"] = ids.by_oparl
    write_atomic(state_file, json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
    if changed:
        report.notes.append(f"Stammdaten geändert: {', '.join(changed)}")
    return report


def _download(client: Client, url: str, sink: Callable[[bytes], None]) -> None:
    client.check_host(url, "Datei")
    client.get(url, client.limits.file_bytes, sink)


def _objects(source: str, folder: Path, client: Client, say: Callable[[str], None], limits: Limits) -> Objects:
    if not is_url(source):
        say(f"Lese {source} …")
        return collect(dump_pages(Path(source), limits))
    cache = RawCache(folder)
    say(f"Rufe {source} ab …")
    pages = fetch(source, cache, client)
    say(f"{pages} Listenseiten abgerufen ({client.requests} Anfragen)")
    objects = collect(cache.pages())
    cache.compact(objects)
    return objects


def _website(root: Path, objects: Objects, mapped: Any) -> bool:
    """A new project's data/website.yaml with the contact the source names (Body.contactEmail), for
    the accessibility statement; an existing one is the clerk's and stays as it is."""
    path = root / "data" / "website.yaml"
    bodies = [b for b in objects.of("Body").values() if not b.get("deleted")]
    email = next((str(b["contactEmail"]) for b in bodies if isinstance(b.get("contactEmail"), str)
                  and "@" in b["contactEmail"]), None)
    if path.exists() or email is None:
        return False
    lines = ["# Einstellungen der Bürgerinfo-Website (vorlagengen site); übernommen aus OParl, bitte prüfen.",
             f"kontakt_email: {json.dumps(email)}"]
    if len(mapped.koerperschaften) == 1:
        key = next(iter(mapped.koerperschaften))
        titel = json.dumps("Bürgerinformation " + mapped.koerperschaften[key]["name"], ensure_ascii=False)
        lines += [f"koerperschaft: {key}", f"titel: {titel}"]
    write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))
    return True


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _prepare_project(root: Path) -> None:
    """A fresh project gets its folders and a .gitignore for the caches (the CLI adds the schemas)."""
    for name in ("data", "vorlagen", "sitzungen"):
        (root / name).mkdir(parents=True, exist_ok=True)
    ignore = root / ".gitignore"
    current = ignore.read_text(encoding="utf-8") if ignore.exists() else ""
    if ".cache/" not in current.split():
        write_atomic(ignore, (current + ("" if not current or current.endswith("\n") else "\n")
                              + (GITIGNORE if not current else ".cache/\n")).encode("utf-8"))
