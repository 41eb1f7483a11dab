"""A pause of Python's cycle collector while many objects are made and few freed (a project loaded,
a large manifest read): the collector would walk them again and again to find nothing. It runs
again afterwards, as it was."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
