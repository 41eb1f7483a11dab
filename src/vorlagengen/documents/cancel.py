"""A run stopped (Ctrl-C, SIGTERM): work that other threads still have queued is dropped, not done.

The runner of the documents (output.run_parallel) stops on Ctrl-C by dropping its queued documents,
but a document already begun goes on in its thread; a Mappe may have many Anlagen queued for
Ghostscript. :func:`cancel` marks the run stopped; such queues ask :func:`check` before each piece of
work and give up. Each runner begins with :func:`reset` (tests run many commands in one process)."""

from __future__ import annotations

import threading

_stopped = threading.Event()


class Cancelled(Exception):
    """Raised in a worker thread for work not begun because the run was stopped."""


def cancel() -> None:
    _stopped.set()


def reset() -> None:
    _stopped.clear()


def check() -> None:
    """Raise :class:`Cancelled` when the run was stopped."""
    if _stopped.is_set():
        raise Cancelled
