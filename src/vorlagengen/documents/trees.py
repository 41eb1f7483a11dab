"""The two output trees below the build folder.

``oeffentlich/`` holds only what may be published and is made only from the public projection
(public.py): public Drucksachen, Bekanntmachungen, public Mappen (later website and OParl export).
``intern/`` holds everything else: every Drucksache in its internal form, Einladungen, full Mappen,
the cache of converted Anlagen and the build state. ``entwurf/`` holds the public forms of drafts
(a Drucksache with ``entwurf: ja``, the Bekanntmachung and public Mappe of ``sitzung --entwurf``),
stamped ENTWURF, for review: nothing unfinished is ever in ``oeffentlich/``. A council uploads
``oeffentlich/`` and nothing else.
"""

from __future__ import annotations

from pathlib import Path

PUBLIC = "oeffentlich"
INTERNAL = "intern"
DRAFT = "entwurf"


def public_dir(out: Path) -> Path:
    return out / PUBLIC


def internal_dir(out: Path) -> Path:
    return out / INTERNAL


def draft_dir(out: Path) -> Path:
    return out / DRAFT


def cache_dir(out: Path) -> Path:
    """Converted Anlagen (Ghostscript, LibreOffice), by content; internal because non-public ones are here."""
    return internal_dir(out) / ".cache"


def public_cache_dir(out: Path) -> Path:
    """What public documents are made from and kept between runs (a public Drucksache's form for the
    Mappe, converted public Anlagen): made from public things only, outside both trees, so that the
    public Mappe never reads from the internal tree and nothing of it is uploaded with the public one."""
    return out / ".cache" / PUBLIC


def state_file(out: Path) -> Path:
    """What each output was made from (incremental builds)."""
    return internal_dir(out) / ".vorlagen.json"
