"""Benchmark of the OParl import: the real Hürtgenwald dump (about 2,100 Papers, 350 Meetings) from
the tar.gz into a fresh project, cold, as a new process; then a cold ``validate`` of that project."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .bench import REPO, Benchmark, _cold_validate, _de, runs

# the dump the tests use (tests/daten/oparl/QUELLE.md); VORLAGENGEN_OPARL_ABZUG names another
DUMP = Path(os.environ.get("VORLAGENGEN_OPARL_ABZUG")
            or REPO / "tests" / "daten" / "oparl" / "huertgenwald-oparl-1.0.tar.gz")


def _cold_import(root: Path) -> float:
    cmd = [sys.executable, "-m", "vorlagengen", "-q", "import", "oparl", str(DUMP), "-C", str(root)]
    begin = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - begin
    if done.returncode != 0:
        raise SystemExit(f"Übernahme fehlgeschlagen (Status {done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def bench_import_huertgenwald() -> dict[str, Any]:
    """``import oparl`` of the whole dump into a new project each run, then ``validate`` (medians)."""
    if not DUMP.is_file():
        raise SystemExit(f"OParl-Abzug fehlt: {DUMP}")
    imports, validations = [], []
    for run in range(1, runs() + 1):
        with tempfile.TemporaryDirectory(prefix="vorlagengen-bench-oparl-") as tmp:
            imports.append(_cold_import(Path(tmp) / "projekt"))
            validations.append(_cold_validate(Path(tmp) / "projekt")[0])
        print(f"  Lauf {run}: Übernahme {_de(imports[-1])} s, Prüfung {_de(validations[-1])} s")
    result = {"import_huertgenwald_s": round(statistics.median(imports), 3),
              "validate_huertgenwald_s": round(statistics.median(validations), 3)}
    print(f"Übernahme Hürtgenwald (kalt, Median): {_de(result['import_huertgenwald_s'])} s, "
          f"Prüfung danach: {_de(result['validate_huertgenwald_s'])} s")
    return result


BENCHMARKS: list[Benchmark] = [bench_import_huertgenwald]
