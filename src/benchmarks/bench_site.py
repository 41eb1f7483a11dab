"""Benchmarks of the website; part of ``make bench`` (see bench.py).

A generated project of 1,000 Drucksachen and 100 Sitzungen (their Tagesordnungen follow the
Beratungsfolgen), stand-in documents in the public tree, then ``vorlagengen site`` as a new process:
cold (``site_1000_s``) and again after one changed Drucksache (``site_one_changed_s``)."""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks.bench import OPTIONS, _children_cpu, _de, forget_cache, generate_project
from vorlagengen.load.project import load_project

DRUCKSACHEN = 1000
SITZUNGEN = 100
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
       b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _sitzung_yaml(gremium: str, datum: dt.date, nummer: int, public: list[str], private: list[str]) -> str:
    lines = [f"gremium: {gremium}", f'nummer: "S/{nummer}"', f"datum: {datum.isoformat()}", 'beginn: "17:00"',
             "ort: Rathaus, Sitzungssaal", f"einladungsdatum: {(datum - dt.timedelta(days=14)).isoformat()}",
             "tagesordnung:", "  oeffentlich:", "    - titel: Eröffnung und Feststellung der Tagesordnung"]
    lines += [f'    - drucksache: "{nr}"' for nr in public]
    lines += ["    - titel: Mitteilungen und Anfragen"]
    if private:
        lines += ["  nichtoeffentlich:"] + [f'    - drucksache: "{nr}"' for nr in private]
    return "\n".join(lines) + "\n"


def generate_site_project(root: Path, count: int = DRUCKSACHEN, sitzungen: int = SITZUNGEN) -> None:
    """``count`` Drucksachen and ``sitzungen`` Sitzungen whose agendas match the Beratungsfolgen; the
    other Beratungsfolge dates name no Sitzung (allowed: not every step has one on file)."""
    generate_project(root, OPTIONS["data"], count)
    project = load_project(root)
    steps: dict[tuple[str, dt.date], list[Any]] = defaultdict(list)
    for rec in project.records:
        for step in {(s.gremium, s.datum) for s in rec.vorlage.beratungsfolge if s.datum is not None}:
            steps[step].append(rec.vorlage)
    chosen = sorted(steps, key=lambda k: (-len(steps[k]), k))[:sitzungen]
    folder = root / "sitzungen"
    folder.mkdir()
    for i, (gremium, datum) in enumerate(sorted(chosen), start=1):
        items = sorted(steps[(gremium, datum)], key=lambda v: v.nummer)
        yaml = _sitzung_yaml(gremium, datum, i, [v.nummer for v in items if v.oeffentlich],
                             [v.nummer for v in items if not v.oeffentlich])
        (folder / f"{gremium}-{datum.isoformat()}.yaml").write_text(yaml, encoding="utf-8")
    documents = root / "build" / "oeffentlich"
    for rec in project.records:
        if rec.vorlage.oeffentlich:
            target = documents / "vorlagen" / rec.vorlage.koerperschaft / f"{rec.vorlage.nummer.replace('/', '-')}.pdf"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(PDF)


def _site(root: Path) -> float:
    cmd = [sys.executable, "-m", "vorlagengen", "--projekt", str(root), "-q", "site"]
    cpu_before = _children_cpu()
    begin = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - begin
    cpu = _children_cpu() - cpu_before
    print(f"    vorlagengen site: {_de(elapsed)} s, davon Rechenzeit (alle Prozesse) {_de(cpu)} s")
    if done.returncode != 0:
        raise SystemExit(f"vorlagengen site scheiterte (Status {done.returncode}):\n{done.stderr[-3000:]}")
    return elapsed


def _change_one(root: Path, run: int) -> None:
    record = sorted((root / "vorlagen").rglob("*.yaml"))[17]
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("sachverhalt: |", f"sachverhalt: |\n  Änderung {run}.\n", 1), encoding="utf-8")


def bench_site() -> dict[str, Any]:
    """``vorlagengen site`` for 1,000 Drucksachen and 100 Sitzungen, cold and after one change."""
    cold: list[float] = []
    changed: list[float] = []
    with tempfile.TemporaryDirectory(prefix="vorlagengen-bench-site-") as tmp:
        root = Path(tmp) / "projekt"
        root.mkdir()
        generate_site_project(root)
        for run in range(1, OPTIONS["runs"] + 1):
            site = root / "build" / "oeffentlich" / "site"
            subprocess.run(["rm", "-rf", str(site), str(root / "build" / "intern")], check=True)
            forget_cache()
            cold.append(_site(root))
            _change_one(root, run)
            changed.append(_site(root))
            print(f"  Lauf {run}: kalt {_de(cold[-1])} s, nach einer Änderung {_de(changed[-1])} s")
    result = {"site_1000_s": round(statistics.median(cold), 3),
              "site_one_changed_s": round(statistics.median(changed), 3)}
    print(f"Website für {DRUCKSACHEN} Drucksachen und {SITZUNGEN} Sitzungen: kalt {_de(result['site_1000_s'])} s, "
          f"nach einer Änderung {_de(result['site_one_changed_s'])} s (Median)")
    return result


BENCHMARKS = [bench_site]
