"""Full-text search with Pagefind: a static index the browser queries, no search server.

Only pages marked ``data-pagefind-body`` (Drucksachen and Sitzungen) are indexed, with the filters
Gremium, Art and Jahr; ``lang="de"`` gives German stemming. Schwärzungen and download lists are
``data-pagefind-ignore``.

The index is split by year (``pagefind/<jahr>/``): Pagefind always indexes everything it is given,
so one changed Drucksache re-indexes only the pages of its year. The search page loads the newest
year's bundle and merges the others (Pagefind's ``mergeIndex``). Pagefind writes into a temporary
folder; the caller copies what changed.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import ToolError
from . import pagefind_order

FOLDER = "pagefind"


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
        return pagefind_order.normalise(files)
