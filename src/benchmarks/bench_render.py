"""Benchmarks of rendering and of the Sitzungsmappe; part of ``make bench`` (see bench.py).

Every figure is a whole command as a user runs it (a new process), timed from outside."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench import (
    OPTIONS,
    PEER,
    _children_cpu,
    _de,
    forget_cache,
    forget_checks,
    generate_project,
    report,
    runs,
)

REPO = Path(__file__).resolve().parents[2]

SACHVERHALT = """Die Verwaltung berichtet über den Stand der Maßnahme {i}. Die Planung ist abgeschlossen, die
Ausschreibung beginnt im nächsten Quartal. Die Kosten bewegen sich im Rahmen der Haushaltsansätze.

## Stand der Umsetzung

- Bauabschnitt 1: abgeschlossen
- Bauabschnitt 2: in Planung
  - Ausführungsplanung bis Ende des Jahres
  - Vergabe im Frühjahr

| Posten | Betrag |
|---|---|
| Planung | 12.000 EUR |
| Bau | 148.000 EUR |

Die Beteiligung der Öffentlichkeit fand im Stadtteilhaus statt; die Anregungen sind in die Planung
eingeflossen. **Der Ausschuss wird gebeten, den Bericht zur Kenntnis zu nehmen.**
"""


def _run(args: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} scheiterte:\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(ln.split()[1] for ln in status.splitlines() if ln.startswith("VmRSS:")))
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def _run_measured(args: list[str]) -> tuple[float, float]:
    """Wall time and peak memory (MB, the process tree) of a command."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} scheiterte:\n{out}\n{err}")
    return elapsed, peak / 1024


def _cold_run(args: list[str]) -> float:
    forget_cache()
    return _run(args)


def _cold_run_measured(args: list[str]) -> tuple[float, float]:
    forget_cache()
    return _run_measured(args)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "vorlagengen", *args]


def _record(i: int, anlagen: str = "", datum_sitzung: str = "2019-05-09") -> str:
    text = SACHVERHALT.format(i=i).replace("\n", "\n  ")
    return f"""nummer: "VO/{i:04d}/19"
datum: 2019-04-01
koerperschaft: lueneburg
art: Beschlussvorlage
status: öffentlich
betreff: "Maßnahme {i}: Bericht über den Stand"
federfuehrend: lueneburg-05
beteiligt: [lueneburg-dez-v, lueneburg-51]
beratungsfolge:
  - gremium: lueneburg-sga
    datum: {datum_sitzung}
    zustaendigkeit: Entscheidung
sachverhalt: |
  {text}
beschlussvorschlag: Der Ausschuss nimmt den Bericht zur Kenntnis.
finanzen:
  auswirkungen: ja
  kosten_umsetzung: "160.000"
  haushaltsjahr: 2019
{anlagen}"""


def _project(folder: Path) -> Path:
    shutil.copytree(REPO / "data", folder / "data")
    (folder / "vorlagen").mkdir()
    return folder


def bench_vorlage_cold() -> dict[str, float]:
    """One Vorlage, DOCX and PDF, as a new process from the command line: read, checked (the check
    cache emptied before each run) and set anew, as after an edit; the first run, which also compiles
    the layout's templates, is reported beside it."""
    times = []
    record = str(REPO / "vorlagen/lueneburg/VO-8321-19.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        forget_cache()
        first = _run(_cli("-q", "--projekt", str(REPO), "build", "--neu", "-o", tmp, record))
        for _ in range(max(5, runs())):
            forget_checks()
            times.append(_run(_cli("-q", "--projekt", str(REPO), "build", "--neu", "-o", tmp, record)))
    value = statistics.median(times)
    report("vorlage_cold_s", value, f"eine Vorlage, DOCX + PDF, neuer Prozess, neu geprüft (Median; der erste "
                                    f"Lauf mit leerem Cache, der auch die Vorlagen übersetzt: {_de(first)} s)")
    return {"vorlage_cold_s": round(value, 3), "vorlage_first_s": round(first, 3)}


def bench_help() -> dict[str, float]:
    """``vorlagengen --help`` as a new process (median of 10; its CPU time beside it)."""
    script = Path(sys.executable).with_name("vorlagengen")
    args = [str(script), "--help"] if script.exists() else _cli("--help")
    times, cpus = [], []
    for _ in range(10):
        before = _children_cpu()
        times.append(_run(args))
        cpus.append(_children_cpu() - before)
    value = statistics.median(times)
    cpu = _de(statistics.median(cpus))
    report("help_s", value, f"vorlagengen --help, neuer Prozess (Median aus 10; Rechenzeit {cpu} s)")
    return {"help_s": round(value, 3), "help_cpu_s": round(statistics.median(cpus), 3)}


def _libreoffice(docs: list[Path], tmp: Path) -> float | None:
    """LibreOffice's DOCX→PDF rate on our DOCX (documents per second), if it is installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    lo_out = tmp / "lo"
    lo_out.mkdir(exist_ok=True)
    elapsed = _run([soffice, f"-env:UserInstallation=file://{tmp}/profil", "--headless", "--convert-to",
                    "pdf", "--outdir", str(lo_out), *map(str, docs)])
    return len(docs) / elapsed


def bench_vorlagen_per_s() -> dict[str, float]:
    """200 generated Vorlagen, DOCX and PDF, both cores (median of the runs); LibreOffice's
    DOCX→PDF on the same DOCX in the same run, if it is installed."""
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = _project(Path(tmp))
        for i in range(1, 201):
            (root / "vorlagen" / f"vo-{i:04d}.yaml").write_text(_record(i), encoding="utf-8")
        times = [_cold_run(_cli("-q", "--projekt", str(root), "build", "--neu")) for _ in range(runs())]
        rate = 200 / statistics.median(times)
        lo = _libreoffice(sorted((root / "build/intern/vorlagen/lueneburg").glob("*.docx"))[:50], Path(tmp))
    if lo:
        PEER.update(vorlagen_per_s=lo, realistic_per_s=lo, vorlage_cold_s=1 / lo)
        out.update(libreoffice_per_s=round(lo, 2), libreoffice_docx_pdf_per_s=round(lo, 2),
                   vorlagen_vs_libreoffice=round(rate / lo, 2))
        print(f"  LibreOffice (nur DOCX→PDF, 50 Dokumente in einem Aufruf): {_de(lo)} /s")
    else:
        print("  LibreOffice nicht installiert: kein Vergleich")
    report("vorlagen_per_s", rate, f"200 Vorlagen, DOCX + PDF, {os.cpu_count()} Kerne (Median aus {len(times)})")
    out["vorlagen_per_s"] = round(rate, 2)
    return out


def bench_realistic() -> dict[str, float]:
    """Generated realistic projects (all layouts, most 1–3 pages, some 10 with tables): a cold build
    of 200 and of 2,000 records, peak memory, one changed record and a build with nothing changed."""
    out: dict[str, float] = {}
    for count in (200, 2000):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            generate_project(root, OPTIONS["data"], count, realistic=True)
            cold = [_cold_run_measured(_cli("-q", "--projekt", str(root), "build", "--neu")) for _ in range(runs())]
            rate = count / statistics.median(t for t, _ in cold)
            if count == 200:
                out["realistic_200_per_s"] = round(rate, 2)
                report("realistic_200_per_s", rate, "200 realistische Drucksachen, kalt")
                pdf = [_cold_run(_cli("-q", "--projekt", str(root), "build", "--neu", "--format", "pdf"))
                       for _ in range(runs())]
                out["realistic_pdf_per_s"] = round(count / statistics.median(pdf), 2)
                report("realistic_pdf_per_s", out["realistic_pdf_per_s"],
                       f"dieselben 200, nur PDF, {os.cpu_count()} Kerne (Median aus {len(pdf)})")
                continue
            out["realistic_per_s"] = round(rate, 2)
            out["peak_rss_mb"] = round(max(m for _, m in cold), 1)
            report("realistic_per_s", rate, f"{count} realistische Drucksachen, kalt (Median aus {len(cold)})")
            report("peak_rss_mb", out["peak_rss_mb"], "Speicher höchstens (alle Prozesse)")
            print(f"  Zeit je Drucksache 2.000 gegenüber 200: {_de(out['realistic_200_per_s'] / rate)}:1 "
                  "(1 = wächst linear)")
            record = min((root / "vorlagen" / "lueneburg").glob("*.yaml"))
            text = record.read_text(encoding="utf-8")
            changed = []
            for n in range(runs()):
                record.write_text(text.replace("sachverhalt: |\n", f"sachverhalt: |\n  Änderung {n}.\n\n", 1),
                                  encoding="utf-8")
                changed.append(_run(_cli("-q", "--projekt", str(root), "build")))
            noop = [_run(_cli("-q", "--projekt", str(root), "build")) for _ in range(runs())]
            out["one_changed_s"] = round(statistics.median(changed), 3)
            out["noop_s"] = round(statistics.median(noop), 3)
            report("one_changed_s", out["one_changed_s"], "eine Drucksache geändert, neuer Prozess")
            report("noop_s", out["noop_s"], "nichts geändert, vorlagengen build (neuer Prozess)")
    return out


def bench_noop_make() -> dict[str, float]:
    """`make vorlage` with nothing changed."""
    _run(["make", "-s", "vorlage"], cwd=REPO)
    times = [_run(["make", "-s", "vorlage"], cwd=REPO) for _ in range(5)]
    report("noop_make_s", statistics.median(times), "make vorlage ohne Änderung")
    return {"noop_make_s": round(statistics.median(times), 3)}


def bench_packet_30() -> dict[str, float]:
    """A generated Sitzung: 30 TOPs, 30 Drucksachen, 60 PDF/A Anlagen, built cold into both Mappen
    (median of the runs)."""
    return _packet(pdfa=True, key="packet_30_s")


def bench_packet_30_gs() -> dict[str, float]:
    """The same with Anlagen that are not PDF/A: Ghostscript converts them (where installed)."""
    return _packet(pdfa=False, key="packet_30_gs_s")


def _packet(pdfa: bool, key: str) -> dict[str, float]:
    import typst

    with tempfile.TemporaryDirectory() as tmp:
        root = _project(Path(tmp))
        anlagen = root / "vorlagen" / "anlagen"
        anlagen.mkdir()
        page = "#set page(paper: \"a4\")\n#set text(lang: \"de\")\n= Anlage {n}\n\n" + "Inhalt der Anlage. " * 120
        for n in range(60):
            src = "\n#pagebreak()\n".join(page.format(n=n) for _ in range(4))
            standards: Any = ["a-2b"] if pdfa else []
            (anlagen / f"anlage-{n:02d}.pdf").write_bytes(typst.compile(src.encode(), pdf_standards=standards,
                                                                         timestamp=0))
        tops = []
        for i in range(1, 31):
            a = (f"anlagen:\n  - datei: anlagen/anlage-{2 * i - 2:02d}.pdf\n    titel: Anlage A zu {i}\n"
                 f"  - datei: anlagen/anlage-{2 * i - 1:02d}.pdf\n    titel: Anlage B zu {i}\n"
                 f"    oeffentlich: {'nein' if i % 3 == 0 else 'ja'}\n")
            (root / "vorlagen" / f"vo-{i:04d}.yaml").write_text(_record(i, a), encoding="utf-8")
            tops.append(f'    - drucksache: "VO/{i:04d}/19"')
        (root / "sitzungen").mkdir()
        (root / "sitzungen" / "sga.yaml").write_text(
            "gremium: lueneburg-sga\nnummer: SGA/2019/03\ndatum: 2019-05-09\nbeginn: \"16:00\"\n"
            "ort: Rathaus\neinladungsdatum: 2019-04-25\ntagesordnung:\n  oeffentlich:\n" + "\n".join(tops) + "\n",
            encoding="utf-8")
        times = []
        for _ in range(runs()):
            shutil.rmtree(root / "build", ignore_errors=True)
            forget_cache()
            times.append(_run(_cli("-q", "--projekt", str(root), "sitzung")))
        import pikepdf

        mappe = next((root / "build").rglob("Sitzungsmappe-vollstaendig.pdf"))
        with pikepdf.open(mappe) as pdf:
            pages = len(pdf.pages)
            archival = bool(pdf.open_metadata().get("pdfaid:part"))
        changed = []
        if pdfa:  # one Drucksache changed: the packets again, with everything else as it was
            record = root / "vorlagen" / "vo-0007.yaml"
            text = record.read_text(encoding="utf-8")
            for n in range(runs()):
                record.write_text(text.replace("sachverhalt: |\n", f"sachverhalt: |\n  Änderung {n}.\n\n", 1),
                                  encoding="utf-8")
                changed.append(_run(_cli("-q", "--projekt", str(root), "sitzung")))
    value = statistics.median(times)
    kind = "PDF/A" if pdfa else f"kein PDF/A, {'mit' if shutil.which('gs') else 'ohne'} Ghostscript"
    report(key, value, f"Sitzung mit 30 TOPs, 60 PDF-Anlagen ({kind}), kalt, alle Unterlagen; "
                       f"vollständige Mappe {pages} Seiten{', PDF/A' if archival else ''}")
    result = {key: round(value, 3), "packet_30_pages": pages}
    if changed:
        result["packet_one_changed_s"] = round(statistics.median(changed), 3)
        report("packet_one_changed_s", result["packet_one_changed_s"],
               "dieselbe Sitzung, eine Drucksache geändert (Median)")
    return result


BENCHMARKS = [bench_help, bench_vorlage_cold, bench_vorlagen_per_s, bench_realistic, bench_noop_make, bench_packet_30,
              bench_packet_30_gs]
