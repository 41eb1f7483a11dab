#!/usr/bin/env python3
"""Thin entry point the Makefile calls; all logic lives in src/vorlagengen/."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from vorlagengen.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
