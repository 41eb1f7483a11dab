"""Full-text search with Pagefind: a static index the browser queries, no search server.

Only pages marked ``data-pagefind-body`` (Drucksachen and Sitzungen) are indexed, with the filters
Gremium, Art and Jahr; ``lang="de"`` gives German stemming. Schwärzungen and download lists are
``data-pagefind-ignore``. Pagefind writes into a temporary folder; the caller copies what changed
(its file names carry content hashes, so unchanged fragments keep their names).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from ..errors import ToolError

GLOB = "{drucksachen,sitzungen}/**/*.html"


def pagefind_binary() -> str:
    import importlib

    for name in ("pagefind_bin_extended", "pagefind_bin"):  # the standard build works the same for German
        try:
            return str(importlib.import_module(name).get_executable())
        except ImportError:
            continue
    raise ToolError("pagefind", "pip", "Pagefind fehlt: pip install 'pagefind[extended]'")


def build_index(site: Path) -> dict[str, bytes]:
    """Index the HTML pages under ``site``; return Pagefind's bundle as {relative path: bytes}."""
    with tempfile.TemporaryDirectory(prefix="vorlagengen-pagefind-") as tmp:
        bundle = Path(tmp) / "pagefind"
        cmd = [pagefind_binary(), "--site", str(site), "--output-path", str(bundle), "--glob", GLOB, "--silent"]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ToolError("pagefind", site, (done.stderr or done.stdout).strip()[:2000])
        return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file()}
