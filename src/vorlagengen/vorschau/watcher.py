"""File changes in the project's sources, as sets of paths (watchfiles: inotify on Linux).

Watched: vorlagen/, sitzungen/, data/ and templates/ (not build/). Editors' temporary files
(targets.is_temporary) never count. watchfiles groups the events of one save (an atomic save is
a write to a temporary file and a rename) and yields once the folder has been quiet for ``STEP_MS``.

The watching never ends by itself while the preview runs: when the operating system's watcher
fails (inotify's limits reached, a watch on a new folder refused), the failure is told in the
terminal, the watching starts again (after a second failure in a row by polling) and, once it runs,
the folders count as changed, since changes may have been missed meanwhile. A watched folder that
appears later (``templates/`` made by ``vorlagengen layout kopieren``) is noticed within ``CHECK_MS``
and watched from then on. What a new watcher tells with its first group it tells again with its
next (at most ``CHECK_MS`` later): a file written while it set itself up may have left no event.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import watchfiles

from vorlagengen.model.records import DATA_DIR, RECORD_DIR, SITZUNG_DIR, TEMPLATE_DIR
from vorlagengen.vorschau.targets import is_temporary

STEP_MS = 10  # quiet time that ends a group of events
MAX_GROUP_MS = 400  # a group never waits longer than this, even while files keep changing
CHECK_MS = 1000  # how often a quiet watcher looks whether a watched folder appeared or went
POLL_MS = 300  # the polling watcher's interval, used only after the system's watcher failed twice
RETRY_S = 0.5  # pause before watching again after a failure

_DEFAULT = watchfiles.DefaultFilter()


def _wanted(change: watchfiles.Change, path: str) -> bool:
    return not is_temporary(Path(path)) and _DEFAULT(change, path)


def watched_folders(root: Path) -> list[Path]:
    return [root / name for name in (RECORD_DIR, SITZUNG_DIR, DATA_DIR, TEMPLATE_DIR) if (root / name).is_dir()]


def _tell(text: str) -> None:
    print(f"vorlagengen vorschau: {text}", file=sys.stderr, flush=True)


async def changes(root: Path, stop: asyncio.Event,
                  tell: Callable[[str], None] = _tell) -> AsyncIterator[set[Path]]:
    """Each group of changed paths until ``stop`` is set (an empty set never comes).

    What has to be told after a new start (the folders, changes made before it) is held back until the
    new watcher runs and comes with its first group: a change made while the caller is busy with a group
    is kept by the running watcher, never lost between two."""
    polling = False
    failures = 0
    pending: set[Path] = set()
    # what a new watcher tells with its first group is told once more with the next: a file written
    # while that watcher set itself up (into a folder made just before) may have left no event
    again: set[Path] = set()
    while not stop.is_set():
        folders = watched_folders(root)
        try:
            groups = watchfiles.awatch(*folders or [root], watch_filter=_wanted, step=STEP_MS,
                                       debounce=MAX_GROUP_MS, stop_event=stop, rust_timeout=CHECK_MS,
                                       yield_on_timeout=True, recursive=bool(folders), force_polling=polling,
                                       poll_delay_ms=POLL_MS)
            async with contextlib.aclosing(groups):
                async for group in groups:
                    failures = 0
                    paths = pending | {Path(path) for _, path in group}
                    now = watched_folders(root)
                    if now != folders:  # watch the folders as they are now, then tell
                        pending = paths | set(folders) | set(now)
                        break
                    paths, again = paths | again, set(pending)
                    pending = set()
                    if paths:
                        yield paths
        except (OSError, RuntimeError) as exc:  # watchfiles' internal error is a RuntimeError
            failures += 1
            polling = polling or failures >= 2
            tell(f"die Beobachtung der Dateien ist ausgefallen ({exc}); sie beginnt neu"
                 f"{' (jetzt durch regelmäßiges Nachsehen)' if polling else ''}, alle Ansichten werden neu geprüft")
            pending |= set(folders) or {root}  # changes may have been missed meanwhile
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RETRY_S)
