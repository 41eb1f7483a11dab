"""Publishing: the static Bürgerinfo website and the OParl 1.1 export, made from a public project only.

:func:`build_site` is the single entry. It is handed a *public* project (see
``vorlagengen.public.projection.public_project``) and the public tree that holds the built PDF/DOCX, and writes
the site folder: pages, search index, feeds, calendars, OParl export and the published documents.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

import vorlagengen.site.feeds as feeds
import vorlagengen.site.oparl as oparl
import vorlagengen.site.search as search
import vorlagengen.site.view as view_module
from vorlagengen.documents.writing import write_atomic
from vorlagengen.model.records import PublicProject
from vorlagengen.site.config import Website
from vorlagengen.site.gitdates import fallback, git_dates, head_time
from vorlagengen.site.markdown import Renderer
from vorlagengen.site.output import SiteOutput
from vorlagengen.site.pages import Pages, environment
from vorlagengen.site.view import Drucksache, Site, SiteFile, Sitzung, site_view

__all__ = ["SiteResult", "Website", "build_site"]
ASSETS = Path(__file__).parent / "templates"
STATE_VERSION = 3


@dataclass
class SiteResult:
    folder: Path
    pages: int
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _State:
    path: Path | None
    markdown: dict[str, str] = field(default_factory=dict)
    sha512: dict[str, list[Any]] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)
    bundles: dict[str, list[str]] = field(default_factory=dict)  # search bundle → its pages
    stamps: dict[str, str] = field(default_factory=dict)  # site file → what SiteOutput wrote
    oparl: dict[str, Any] = field(default_factory=dict)  # {"key": inputs' digest, "files": [paths]}
    listings: dict[str, dict[str, str]] = field(default_factory=dict)  # search bundle → its files' size:time

    @classmethod
    def load(cls, path: Path | None) -> _State:
        """The kept state, or an empty one when the file is missing or damaged: its first line is
        the SHA-256 of the rest, so a changed value, a flipped bit or a cut is never believed."""
        if path is None or not path.is_file():
            return cls(path)
        try:
            checksum, _, body = path.read_bytes().partition(b"\n")
            if checksum.decode("ascii") != hashlib.sha256(body).hexdigest():
                return cls(path)
            raw = json.loads(body.decode("utf-8"))
        except (OSError, ValueError):
            return cls(path)
        if not isinstance(raw, dict) or raw.get("version") != STATE_VERSION:
            return cls(path)
        parts = [raw.get(k, {}) for k in ("markdown", "sha512", "pages", "bundles", "stamps", "oparl", "listings")]
        return cls(path, *(p if isinstance(p, dict) else {} for p in parts))

    def save(self, markdown: dict[str, str], used_sha: set[str], pages: dict[str, str],
             bundles: dict[str, list[str]], output: SiteOutput) -> None:
        if self.path is None:
            return
        names = output.names()
        data = {"version": STATE_VERSION, "markdown": markdown, "pages": dict(sorted(pages.items())),
                "sha512": {k: v for k, v in sorted(self.sha512.items()) if k in used_sha}, "bundles": bundles,
                "stamps": {k: v for k, v in sorted(output.stamps.items()) if k in names}, "oparl": self.oparl,
                "listings": {name: listing(output.root / search.FOLDER / name) for name in bundles}}
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        write_atomic(self.path, hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body)

    def checksum(self, f: SiteFile, used: set[str]) -> str:
        st = f.stat
        key = str(f.source)
        used.add(key)
        cached = self.sha512.get(key)
        if cached and cached[0] == st.st_size and cached[1] == st.st_mtime_ns:
            return str(cached[2])
        h = hashlib.sha512(f.source.read_bytes()).hexdigest()
        self.sha512[key] = [st.st_size, st.st_mtime_ns, h]
        return h


def _file_dates(path: Path, created: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Without git: created from the record's own date, modified when its file was last written (so
    an edit moves ``modified``; an unchanged file keeps it, in a clean build as in an incremental one)."""
    try:
        written = dt.datetime.fromtimestamp(path.stat().st_mtime_ns // 1_000_000_000, dt.UTC)
    except OSError:
        return created, created
    return created, max(created, written)


class _Dates:
    """created/modified of each object: git for records and Sitzungen, data/ for reference data."""

    def __init__(self, public: PublicProject, site: Site) -> None:
        sources = [d.source for d in site.drucksachen.values()] + [s.source for s in site.sitzungen.values()]
        data = sorted((public.root / "data").glob("*.yaml"))
        self.git = git_dates(public.root, sources + data)
        ref = [self.git[p.resolve()] for p in data if p.resolve() in self.git]
        days = [d.datum for d in site.drucksachen.values()] + [s.datum for s in site.sitzungen.values()]
        last = fallback(max(days)) if days else fallback(dt.date(2000, 1, 1))
        if not ref:  # without git: reference data changes when a file of data/ does
            ref = [_file_dates(p, last) for p in data]
        self.ref = (min(r[0] for r in ref), max(r[1] for r in ref)) if ref else (last, last)
        self.items: dict[int, tuple[dt.datetime, dt.datetime]] = {}
        items: list[Drucksache | Sitzung] = [*site.drucksachen.values(), *site.sitzungen.values()]
        for item in items:
            found = self.git.get(item.source.resolve()) if self.git else None
            self.items[id(item)] = found if found else _file_dates(item.source, fallback(item.datum))

    def __call__(self, item: object) -> tuple[dt.datetime, dt.datetime]:
        return self.items.get(id(item), self.ref)

    def modified(self, item: object) -> dt.datetime:
        return self(item)[1]


def oparl_export(public: PublicProject, documents: Path, website: Website) -> dict[str, oparl.Obj]:
    """The OParl export of ``public`` alone, without the pages: {path below oparl/: object or list
    page}, as ``build_site`` writes it (for a round trip and its measurement)."""
    site = site_view(public, documents)
    export = oparl.Export(site, website.base, _Dates(public, site),
                          lambda f: hashlib.sha512(f.source.read_bytes()).hexdigest(), website.seitengroesse,
                          website.lizenz, website.titel, website.kontakt_email)
    export.run()
    return export.files()


def build_site(public: PublicProject, out: Path, *, documents: Path, website: Website | None = None,
               state: Path | None = None, today: dt.date | None = None) -> SiteResult:
    """Write the website and OParl export of ``public`` into ``out`` (a folder the builder owns).

    ``documents`` is the public tree with the built Drucksachen and Sitzung documents; ``state`` a
    file outside the public tree for caches between runs."""
    website = website or Website.model_validate({})
    site = site_view(public, documents)
    cache = _State.load(state)
    dates = _Dates(public, site)
    result = SiteResult(out, 0)
    output = SiteOutput(out, stamps=cache.stamps)
    _documents(site, output)
    env = environment(public.root / "templates" / "site", state.parent / "site-templates" if state else None)
    wappen = _assets(public, website, output, env)
    md = Renderer(cache.markdown)
    shards = search.bundles([(d.datum, d.url) for d in site.drucksachen.values()]
                            + [(s.datum, s.url) for s in site.sitzungen.values()])
    pages = Pages(site, website, env, md, output, today or dt.date.today(), dates.modified, wappen)
    pages.previous = cache.pages
    pages.all(list(shards))
    output.write()  # the pages Pagefind reads; it indexes while feeds and the export are made
    indexer = search.Indexer(out, _stale_bundles(out, shards, cache, set(output.written)))
    result.pages = sum(1 for k in output.names() if k.endswith(".html"))
    feeds.write_feeds(site, output, website.base, website.titel, dates.modified)
    feeds.write_calendars(site, output, website.base, website.titel, dates.modified, pages.unchanged)
    used_sha: set[str] = set()
    _oparl(site, website, dates, output, out, lambda f: cache.checksum(f, used_sha), public.root, cache, pages)
    output.commit(keep=(search.FOLDER,))
    _search(out, output, shards, indexer.result())
    result.written, result.removed = output.written, output.removed
    cache.save(md.kept(), used_sha, pages.keys, shards, output)
    return result


def _documents(site: Site, output: SiteOutput) -> None:
    for d in site.drucksachen.values():
        for f in d.files + d.anlagen:
            output.copy(f.href, f.source, f.stat)
    for s in site.sitzungen.values():
        for f in s.files:
            output.copy(f.href, f.source, f.stat)
    for f in site.beschluesse:
        output.copy(f.href, f.source, f.stat)


def _assets(public: PublicProject, website: Website, output: SiteOutput, env: jinja2.Environment) -> str | None:
    root = public.root
    output.put("assets/site.css", env.get_template("site.css.j2").render(farbe=website.farbe))
    own = root / "templates" / "site" / "suche.js"
    output.put("assets/suche.js", (own if own.is_file() else ASSETS / "suche.js").read_bytes())
    output.put("assets/suche/pagefind.js", (ASSETS / "pagefind-rang.js").read_bytes())  # ranks for PagefindUI
    source = _wappen(public, website)
    if source is None:
        return None
    rel = f"assets/wappen{source.suffix.lower()}"
    output.copy(rel, source)
    return rel


def _wappen(public: PublicProject, website: Website) -> Path | None:
    """The Wappen named in website.yaml, else the logo of the Körperschaft's layout in the project's
    templates/ (the one its documents show), if the site is about one Körperschaft."""
    if website.wappen:
        source = (public.root / website.wappen).resolve()
        return source if source.is_file() else None
    bodies = public.ref.koerperschaften
    body = bodies.get(website.koerperschaft or "") or (next(iter(bodies.values())) if len(bodies) == 1 else None)
    if body is None:
        return None
    for name in ("logo.svg", "logo.png", "wappen.svg", "wappen.png"):
        source = public.root / "templates" / body.layout / name
        if source.is_file():
            return source
    return None


def _oparl(site: Site, website: Website, dates: _Dates, output: SiteOutput, out: Path, checksum: Any,
           root: Path, cache: _State, pages: Pages) -> None:
    """The export; left as it is when none of its inputs changed (a changed Sachverhalt is not one)."""
    when = head_time(root) or dates.ref[1]
    key = _oparl_key(site, website, dates, when, pages)
    kept = cache.oparl.get("files", [])
    if cache.oparl.get("key") == key and all(os.path.isfile(os.path.join(out, oparl.ROOT, rel)) for rel in kept):
        for rel in kept:
            output.keep(f"{oparl.ROOT}/{rel}")
        for f in _site_files(site):  # the checksums stay in the cache
            checksum(f)
        return
    export = oparl.Export(site, website.base, dates, checksum, website.seitengroesse, website.lizenz, website.titel,
                          website.kontakt_email)
    export.run()
    files = export.files()
    files.update(oparl.tombstones(out / oparl.ROOT, files, when))
    for rel, obj in sorted(files.items()):
        output.put(f"{oparl.ROOT}/{rel}", oparl.dump(obj))
    cache.oparl = {"key": key, "files": sorted(files)}


def _code() -> str:
    """The export's own code: a new version of it makes the export again."""
    h = hashlib.blake2b(digest_size=16)
    for module in (oparl, view_module):
        h.update(Path(str(module.__file__)).read_bytes())
    return h.hexdigest()


def _site_files(site: Site) -> list[SiteFile]:
    out = [f for d in site.drucksachen.values() for f in d.files + d.anlagen]
    return out + [f for s in site.sitzungen.values() for f in s.files]


def _oparl_key(site: Site, website: Website, dates: _Dates, when: dt.datetime, pages: Pages) -> str:
    """A digest of everything the export is made of: the site's view (the Drucksachen without their
    texts, which no OParl field holds), dates, the files' stat (their checksums) and the settings."""
    h = hashlib.blake2b(repr((_code(), website, when, dates.ref, site.koerperschaften, site.gremien,
                              site.aemter, site.personen, site.beschluesse)).encode("utf-8"), digest_size=16)
    for d in site.drucksachen.values():
        h.update(repr((pages.meta(d), dates(d))).encode("utf-8"))
    for s in site.sitzungen.values():
        h.update(repr((pages.shared(s), dates(s))).encode("utf-8"))
    for f in _site_files(site):
        h.update(f"{f.source}\0{f.stat.st_size}\0{f.stat.st_mtime_ns}\0".encode())
    return h.hexdigest()


def listing(folder: Path) -> dict[str, str]:
    """Every file of a search bundle with its size and time: a deleted or replaced file shows."""
    out = {}
    top = str(folder)
    for base, _dirs, files in os.walk(top):  # plain strings: thousands of files per bundle
        rel = os.path.relpath(base, top).replace(os.sep, "/")
        for name in files:
            try:
                st = os.stat(os.path.join(base, name))
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                out[name if rel == "." else f"{rel}/{name}"] = f"{st.st_size}:{st.st_mtime_ns}"
    return dict(sorted(out.items()))


def _stale_bundles(out: Path, shards: dict[str, list[str]], before: _State,
                   written: set[str]) -> dict[str, list[str]]:
    """The search bundles to index again: new, with other pages than last time, with a page written,
    or with a file deleted, replaced or added since it was written."""
    folder = out / search.FOLDER
    return {name: pages for name, pages in shards.items()
            if before.bundles.get(name) != pages or written.intersection(pages)
            or not (folder / name / "pagefind-entry.json").is_file()
            or before.listings.get(name) != listing(folder / name)}


def _search(out: Path, output: SiteOutput, shards: dict[str, list[str]], built: dict[str, dict[str, bytes]]) -> None:
    """Place the bundles indexed again; drop bundles no longer made."""
    folder = out / search.FOLDER
    for name, files in built.items():
        bundle = SiteOutput(folder / name)
        for rel, data in files.items():
            bundle.put(rel, data)
        bundle.commit()
        output.written += [f"{search.FOLDER}/{name}/{w}" for w in bundle.written]
        output.removed += [f"{search.FOLDER}/{name}/{w}" for w in bundle.removed]
    if folder.is_dir():
        for stale in sorted(p for p in folder.iterdir() if p.name not in shards):
            if stale.is_dir():
                shutil.rmtree(stale)
            else:
                stale.unlink()
            output.removed.append(f"{search.FOLDER}/{stale.name}")
