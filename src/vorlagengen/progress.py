"""A progress line for long runs: shown on a terminal only, and only once a run has taken longer
than two seconds (short runs and CI logs stay quiet)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

DELAY_S = 2.0


class Progress:
    def __init__(self, label: str, quiet: bool = False, stream: TextIO | None = None,
                 delay: float = DELAY_S) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = not quiet and self.stream.isatty()
        self.start = time.monotonic()
        self.delay = delay
        self.shown = False

    def update(self, done: int, total: int) -> None:
        elapsed = time.monotonic() - self.start
        if not self.enabled or elapsed < self.delay:
            return
        rate = done / elapsed if elapsed else 0.0
        width = 30
        filled = width * done // total if total else width
        line = (f"\r{self.label} [{'#' * filled}{'-' * (width - filled)}] {done}/{total}  "
                f"{rate:.1f}/s".replace(".", ","))
        self.stream.write(line)
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False
