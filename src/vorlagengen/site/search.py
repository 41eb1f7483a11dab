"""Full-text search with Pagefind: a static index the browser queries, no search server.

Only pages marked ``data-pagefind-body`` (Drucksachen and Sitzungen) are indexed, with the filters
Gremium, Art and Jahr; ``lang="de"`` gives German stemming. Schwärzungen and download lists are
``data-pagefind-ignore``.

Pagefind always indexes everything it is given, so the index is split into bundles of at most
:data:`LIMIT` pages (``pagefind/<teil>/``): a year, else its quarters (``2019-q3``), else its
months (``2019-07``). One changed Drucksache re-indexes only the pages of its bundle. The search
page loads the newest bundle and merges the others (Pagefind's ``mergeIndex``), then ranks the hits
itself (``templates/pagefind-rang.js``: Betreff and number matches first, Pagefind's guesses for words a
bundle lacks dropped). Pagefind writes
into a temporary folder; the caller copies what changed. The bundles that need it are indexed in
the background while the rest of the site is made.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import subprocess
import tempfile
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from vorlagengen.errors import ToolError
from vorlagengen.site.pagefind_order import normalise

FOLDER = "pagefind"
LIMIT = 40  # pages per bundle: Pagefind takes ~3 ms a page, the browser one request more per bundle


def bundles(items: Iterable[tuple[dt.date, str]], limit: int = LIMIT) -> dict[str, list[str]]:
    """Indexed pages ({"2019-q3": ["drucksachen/…html", …], …}, newest bundle first) from (date, page)."""
    years: dict[int, list[tuple[dt.date, str]]] = {}
    for day, url in items:
        years.setdefault(day.year, []).append((day, url))
    out: dict[str, list[str]] = {}
    for year, pages in years.items():
        if len(pages) <= limit:
            out[str(year)] = [u for _, u in pages]
            continue
        for q in range(1, 5):
            quarter = [(d, u) for d, u in pages if (d.month - 1) // 3 + 1 == q]
            if len(quarter) <= limit:
                out[f"{year}-q{q}"] = [u for _, u in quarter]
                continue
            for d, u in quarter:
                out.setdefault(f"{year}-{d.month:02d}", []).append(u)
    return {name: sorted(pages) for name, pages in sorted(out.items(), reverse=True) if pages}


class Indexer:
    """Pagefind runs for the bundles that changed, at most one per processor at a time."""

    def __init__(self, site: Path, wanted: dict[str, list[str]]) -> None:
        self.pool = ThreadPoolExecutor(max_workers=max(1, min(len(wanted), os.cpu_count() or 1)))
        self.jobs: dict[str, Future[dict[str, bytes]]] = {
            name: self.pool.submit(build_index, site, pages) for name, pages in sorted(wanted.items())}

    def result(self) -> dict[str, dict[str, bytes]]:
        try:
            return {name: job.result() for name, job in self.jobs.items()}
        finally:
            self.pool.shutdown(cancel_futures=True)


def pagefind_binary() -> str:
    for name in ("pagefind_bin_extended", "pagefind_bin"):  # the standard build works the same for German
        try:
            return str(importlib.import_module(name).get_executable())
        except ImportError:
            continue
    raise ToolError("pagefind", "pip", "Pagefind fehlt: pip install 'pagefind[extended]'")


def build_index(site: Path, pages: Iterable[str]) -> dict[str, bytes]:
    """Index the given HTML pages (paths relative to ``site``); Pagefind's bundle as {path: bytes}.

    The pages are hard-linked (or copied) into a temporary folder so that Pagefind sees exactly
    them, under their site paths."""
    with tempfile.TemporaryDirectory(prefix="vorlagengen-pagefind-") as tmp:
        source = Path(tmp) / "seiten"
        for rel in pages:
            target = source / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(site / rel, target)
            except OSError:
                target.write_bytes((site / rel).read_bytes())
        bundle = Path(tmp) / "bundle"
        cmd = [pagefind_binary(), "--site", str(source), "--output-path", str(bundle), "--silent"]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ToolError("pagefind", site, (done.stderr or done.stdout).strip()[:2000])
        files = {p.relative_to(bundle).as_posix(): p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file()}
        return normalise(files)
