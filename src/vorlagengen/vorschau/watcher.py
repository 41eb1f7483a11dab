"""File changes in the project's sources, as sets of paths (watchfiles: inotify on Linux).

Watched: vorlagen/, sitzungen/, data/ and templates/ (not build/). Editors' temporary files
(targets.is_temporary) never count. watchfiles groups the events of one save (an atomic save is
a write to a temporary file and a rename) and yields once the folder has been quiet for ``STEP_MS``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import watchfiles

from vorlagengen.model.records import DATA_DIR, RECORD_DIR, SITZUNG_DIR, TEMPLATE_DIR
from vorlagengen.vorschau.targets import is_temporary

STEP_MS = 10  # quiet time that ends a group of events
MAX_GROUP_MS = 400  # a group never waits longer than this, even while files keep changing


_DEFAULT = watchfiles.DefaultFilter()


def _wanted(change: watchfiles.Change, path: str) -> bool:
    return not is_temporary(Path(path)) and _DEFAULT(change, path)


def watched_folders(root: Path) -> list[Path]:
    return [root / name for name in (RECORD_DIR, SITZUNG_DIR, DATA_DIR, TEMPLATE_DIR) if (root / name).is_dir()]


async def changes(root: Path, stop: asyncio.Event) -> AsyncIterator[set[Path]]:
    """Each group of changed paths until ``stop`` is set."""
    folders = watched_folders(root)
    if not folders:
        return
    async for group in watchfiles.awatch(*folders, watch_filter=_wanted, step=STEP_MS, debounce=MAX_GROUP_MS,
                                         stop_event=stop):
        yield {Path(path) for _, path in group}
