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

from benchmarks.bench import REPO, Benchmark, _cold_validate, _de, runs

# the dump the tests use (tests/daten/oparl/QUELLE.md); VORLAGENGEN_OPARL_ABZUG names another
DUMP = Path(os.environ.get("VORLAGENGEN_OPARL_ABZUG")
            or REPO / "tests" / "daten" / "oparl" / "huertgenwald-oparl-1.0.tar.gz")


def _timed(cmd: list[str], what: str) -> float:
    """Wall time of one command in a new process; a failure ends the benchmark with its message."""
    begin = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - begin
    if done.returncode != 0:
        raise SystemExit(f"{what} fehlgeschlagen (Status {done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def _cold_import(root: Path) -> float:
    return _timed([sys.executable, "-m", "vorlagengen", "-q", "import", "oparl", str(DUMP), "-C", str(root)],
                  "Übernahme")


def _cold_site(root: Path) -> float:
    """The whole website of the imported project (with TOP and person pages and the OParl export), cold."""
    return _timed([sys.executable, "-m", "vorlagengen", "-q", "-C", str(root), "site", "-o", str(root / "build")],
                  "Website")


def bench_import_huertgenwald() -> dict[str, Any]:
    """``import oparl`` of the whole dump into a new project each run, then ``validate`` (medians);
    the website of the imported project once (the first run: it takes longest and varies least)."""
    if not DUMP.is_file():
        raise SystemExit(f"OParl-Abzug fehlt: {DUMP}")
    imports, validations, sites = [], [], []
    for run in range(1, runs() + 1):
        with tempfile.TemporaryDirectory(prefix="vorlagengen-bench-oparl-") as tmp:
            imports.append(_cold_import(Path(tmp) / "projekt"))
            validations.append(_cold_validate(Path(tmp) / "projekt")[0])
            if run == 1:
                sites.append(_cold_site(Path(tmp) / "projekt"))
        print(f"  Lauf {run}: Übernahme {_de(imports[-1])} s, Prüfung {_de(validations[-1])} s"
              + (f", Website {_de(sites[-1])} s" if run == 1 else ""))
    result = {"import_huertgenwald_s": round(statistics.median(imports), 3),
              "validate_huertgenwald_s": round(statistics.median(validations), 3),
              "site_huertgenwald_s": round(sites[0], 3)}
    print(f"Übernahme Hürtgenwald (kalt, Median): {_de(result['import_huertgenwald_s'])} s, "
          f"Prüfung danach: {_de(result['validate_huertgenwald_s'])} s, "
          f"Website davon (kalt, ein Lauf): {_de(result['site_huertgenwald_s'])} s")
    return result


BENCHMARKS: list[Benchmark] = [bench_import_huertgenwald]
