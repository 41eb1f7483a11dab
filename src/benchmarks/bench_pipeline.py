"""Benchmarks of the document pipeline; part of ``make bench`` (see bench.py).

A Sitzung with 30 TOPs, each a Drucksache. After a cold build of everything, one Drucksache on the
agenda changes:

- ``packet_one_changed_with_build_s``: ``build`` and ``sitzung`` (that Drucksache set again, both
  Mappen rebuilt, the other Drucksachen's PDFs read from the build folder); bench_render's
  ``packet_one_changed_s`` is ``sitzung`` alone;
- ``site_one_changed_mappen_s``: ``dokumente --website``, what ``make site`` runs after a change:
  the same, Niederschriften and Beschlusskontrolle, and the site, in one process;
- ``site_noop_s``: ``site`` once more with nothing changed (what a no-op ``make site`` runs after
  make's own check).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench import _BODIES, OPTIONS, _de, generate_project

TOPS = 30
BODY = "lueneburg"


def generate_packet_project(root: Path, tops: int = TOPS) -> Path:
    """``tops`` Drucksachen of one Körperschaft, all on the agenda of one Sitzung; returns its file."""
    generate_project(root, OPTIONS["data"], tops * len(_BODIES))
    for folder in (root / "vorlagen").iterdir():
        if folder.name != BODY:
            shutil.rmtree(folder)
    records = sorted((root / "vorlagen" / BODY).glob("*.yaml"))[:tops]
    for extra in sorted((root / "vorlagen" / BODY).glob("*.yaml"))[tops:]:
        extra.unlink()
    gremium = _BODIES[BODY][0][0]
    day = dt.date(2020, 6, 15)
    numbers: list[tuple[str, bool]] = []
    for path in records:
        text = path.read_text(encoding="utf-8")
        step = (f"beratungsfolge:\n  - gremium: {gremium}\n    datum: {day.isoformat()}\n"
                "    zustaendigkeit: Entscheidung\n")
        text = re.sub(r"^beratungsfolge:\n(?:  .*\n)*", step, text, count=1, flags=re.M)
        path.write_text(text, encoding="utf-8")
        nummer = re.search(r'^nummer: "(.*)"', text, re.M).group(1)  # type: ignore[union-attr]
        numbers.append((nummer, "status: öffentlich" in text))
    sitzung = root / "sitzungen" / f"{gremium}-{day.isoformat()}.yaml"
    sitzung.parent.mkdir()
    lines = [f"gremium: {gremium}", 'nummer: "S/1"', f"datum: {day.isoformat()}", 'beginn: "17:00"',
             "ort: Rathaus", f"einladungsdatum: {(day - dt.timedelta(days=14)).isoformat()}", "tagesordnung:",
             "  oeffentlich:"] + [f'    - drucksache: "{nr}"' for nr, public in numbers if public]
    lines += ["  nichtoeffentlich:"] + [f'    - drucksache: "{nr}"' for nr, public in numbers if not public]
    sitzung.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return next(p for p in records[len(records) // 2:] if "status: öffentlich" in p.read_text(encoding="utf-8"))


def _run(root: Path, *args: str) -> float:
    begin = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "vorlagengen", "--projekt", str(root), "-q", *args],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"vorlagengen {' '.join(args)} scheiterte (Status {done.returncode}):\n{done.stderr[-3000:]}")
    return time.perf_counter() - begin


def _change(record: Path, run: int) -> None:
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("sachverhalt: |", f"sachverhalt: |\n  Änderung {run}.\n", 1), encoding="utf-8")


def bench_pipeline() -> dict[str, Any]:
    """One Drucksache of a 30-TOP Sitzung changed: its packet, and the site after it."""
    packet: list[float] = []
    with_site: list[float] = []
    noop: list[float] = []
    with tempfile.TemporaryDirectory(prefix="vorlagengen-bench-paket-") as tmp:
        root = Path(tmp) / "projekt"
        root.mkdir()
        record = generate_packet_project(root)
        for step in (("build",), ("sitzung",), ("site",)):
            _run(root, *step)
        for run in range(1, OPTIONS["runs"] + 1):
            _change(record, 2 * run)
            packet.append(_run(root, "build") + _run(root, "sitzung"))
            _change(record, 2 * run + 1)
            with_site.append(_run(root, "dokumente", "--website"))
            noop.append(_run(root, "site"))
            print(f"  Lauf {run}: Paket {_de(packet[-1])} s, mit Website {_de(with_site[-1])} s, "
                  f"Website unverändert {_de(noop[-1])} s")
    result = {"packet_one_changed_with_build_s": round(statistics.median(packet), 3),
              "site_one_changed_mappen_s": round(statistics.median(with_site), 3),
              "site_noop_s": round(statistics.median(noop), 3)}
    print(f"Sitzung mit {TOPS} TOPs, eine Drucksache geändert: Paket mit build "
          f"{_de(result['packet_one_changed_with_build_s'])} s, "
          f"mit Website {_de(result['site_one_changed_mappen_s'])} s; Website ohne Änderung "
          f"{_de(result['site_noop_s'])} s (Median)")
    return result


BENCHMARKS = [bench_pipeline]
