"""Benchmark of the live preview; part of ``make bench`` (see bench.py).

``vorschau_update_s``: from saving a 3-page Drucksache (Lüneburg's VO/8321/19 of the demo project,
a new Betreff) to the new first page visible in the browser (the image of the new rendering loaded
and its text in the page), with the preview warm: ``vorlagengen vorschau`` running as its own process,
the page open in Debian's chromium (Playwright), two saves before the measured ones, a second between
two saves. The median of
the runs; the bound is 0.5 s, the aim 0.25 s. ``vorschau_update_cpu_s``: the CPU time the preview
(with its pandoc) spends on one change, which a loaded machine distorts less than the wall time."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench import REPO, TARGETS, _de, report, runs

RECORD = "vorlagen/lueneburg/VO-8321-19.yaml"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
WARM_UP = 2
SETTLE_MS = 1000
AIM_S = 0.25
TARGETS.setdefault("vorschau_update_s", (0.5, "max", "s"))
_SHOWN = """betreff => { const page = document.querySelector('.dokument .seite');
  if (!page || !page.querySelector('.seitentext').textContent.includes(betreff)) return false;
  const img = page.querySelector('img'); return img.complete && img.naturalWidth > 0; }"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cpu(pid: int) -> float:
    """CPU seconds used so far by process ``pid`` and its running children (the preview's pandoc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _save(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.bench.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def bench_vorschau() -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        print("  übersprungen: Debians chromium fehlt (apt-get install chromium)")
        return {}
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="vorlagengen-bench-vorschau-") as folder:
        root = Path(folder)
        for name in ("data", "vorlagen", "sitzungen"):
            shutil.copytree(REPO / name, root / name)
        record = root / RECORD
        original = record.read_text(encoding="utf-8")
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-m", "vorlagengen", "-C", str(root), "vorschau", RECORD,
                                   "--port", str(port), "--kein-browser"], cwd=root, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)
        try:
            assert server.stdout is not None
            url = server.stdout.readline().split()[2]
            times: list[float] = []
            cpu = 0.0
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page(locale="de-DE")
                page.set_default_timeout(60_000)
                page.goto(url)
                for i in range(WARM_UP + runs()):
                    betreff = f"Neuer Betreff der Messung {i + 1}"
                    text = original.replace("betreff: ", f"betreff: {betreff} – ", 1)
                    page.wait_for_timeout(SETTLE_MS)  # the last change has settled, as between two saves
                    begin, used = time.perf_counter(), _cpu(server.pid)
                    _save(record, text)
                    page.wait_for_function(_SHOWN, arg=betreff, polling="raf")
                    if i >= WARM_UP:
                        times.append(time.perf_counter() - begin)
                        cpu += _cpu(server.pid) - used
                pages = page.locator(".dokument .seite").count()
                browser.close()
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(60)
    median = statistics.median(times)
    report("vorschau_update_s", median, f"Vorschau: Speichern → neue Seite sichtbar ({pages} Seiten, warm)")
    print(f"  (Ziel {_de(AIM_S)} s; schnellster Lauf {_de(min(times))} s, langsamster {_de(max(times))} s; "
          f"Rechenzeit der Vorschau je Änderung {_de(cpu / len(times))} s, Last {_de(os.getloadavg()[0], 1)})")
    return {"vorschau_update_s": round(median, 3), "vorschau_update_cpu_s": round(cpu / len(times), 3)}


BENCHMARKS = [bench_vorschau]
