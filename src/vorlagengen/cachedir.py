"""Where vorlagengen keeps what it may forget: the user's cache folder (``$XDG_CACHE_HOME/vorlagengen``
or ``~/.cache/vorlagengen``); ``VORLAGENGEN_CACHE`` names another folder, ``VORLAGENGEN_CACHE=aus``
turns every cache off. A leaf that imports next to nothing: the command's start uses it."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing itself costs the command's start more than all of this module
if TYPE_CHECKING:
    from pathlib import Path


def cache_folder_name() -> str | None:
    setting = os.environ.get("VORLAGENGEN_CACHE", "")
    if setting.lower() in ("aus", "0", "nein", "off"):
        return None
    if setting:
        return setting
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "vorlagengen")


def cache_folder() -> Path | None:
    from pathlib import Path

    name = cache_folder_name()
    return None if name is None else Path(name)
