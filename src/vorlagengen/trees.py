"""The two output trees below the build folder.

``oeffentlich/`` holds only what may be published and is made only from the public projection
(public.py): public Drucksachen, Bekanntmachungen, public Mappen (later website and OParl export).
``intern/`` holds everything else: every Drucksache in its internal form, Einladungen, full Mappen,
the cache of converted Anlagen and the build state. A council uploads ``oeffentlich/`` and nothing
else.
"""

from __future__ import annotations

from pathlib import Path

PUBLIC = "oeffentlich"
INTERNAL = "intern"


def public_dir(out: Path) -> Path:
    return out / PUBLIC


def internal_dir(out: Path) -> Path:
    return out / INTERNAL


def cache_dir(out: Path) -> Path:
    """Converted Anlagen (Ghostscript, LibreOffice), by content; internal because non-public ones are here."""
    return internal_dir(out) / ".cache"


def state_file(out: Path) -> Path:
    """What each output was made from (incremental builds)."""
    return internal_dir(out) / ".vorlagen.json"
