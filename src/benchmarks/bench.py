"""Benchmarks: ``python -m benchmarks.bench`` (or ``make bench``).

A benchmark is a function without arguments that returns a dict of figures, e.g.
``{"validate_10k_s": 2.9}``. They are listed in :data:`BENCHMARKS` here or in ``BENCHMARKS`` of any
module ``vorlagengen.bench_*`` (found automatically). The figures are merged into
``build/bench.json``: keys written by other benchmarks stay.
"""

from __future__ import annotations

import compileall
import datetime as dt
import importlib
import json
import os
import pkgutil
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from vorlagengen import clickde
from vorlagengen.nummern.schema import Scheme, Werte

clickde.install()

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = Path("build") / "bench.json"

Benchmark = Callable[[], dict[str, Any]]

# Settings of the benchmarks in this module; main() sets them from the command line.
OPTIONS: dict[str, Any] = {"records": 10_000, "runs": 3, "data": REPO / "data"}


# --- a generated project ----------------------------------------------------------------------

_SENTENCES = [
    "Die Verwaltung legt hiermit den Bericht über die Entwicklung der Hilfen zur Erziehung vor.",
    "Die Fallzahlen sind im Vergleich zum Vorjahr um **4,2 Prozent** gestiegen.",
    "Der Ausschuss hat die Verwaltung in seiner letzten Sitzung um eine Stellungnahme gebeten.",
    "Die Mittel stehen im Teilhaushalt 51 zur Verfügung und sind haushaltsrechtlich gesichert.",
    "Mit den Trägern der freien Jugendhilfe wurden Gespräche über eine Rahmenvereinbarung geführt.",
    "Die Sozialraumorientierung knüpft am Willen der Menschen an und stärkt ihre Selbsthilfe.",
    "Für das Jahr 2019 ist eine Evaluation der Angebote in den Stadtteilhäusern vorgesehen.",
    "Die Beteiligung von Kindern und Jugendlichen erfolgt über die Kinder- und Jugendkonferenz.",
    "Eine Übersicht der Standorte ist als Anlage beigefügt.",
    "Die Personalkosten werden zu *50 Prozent* durch Landesmittel refinanziert.",
    "Im Anschluss an die Beratung wird die Verwaltung das Ergebnis in die Planung einarbeiten.",
    "Die Ergebnisse der Befragung zeigen einen hohen Bedarf an wohnortnaher Beratung.",
]
_HEADINGS = ["Ausgangslage", "Sachstand", "Finanzielle Auswirkungen", "Weiteres Vorgehen", "Bewertung"]
_ANLAGEN = ["lageplan.pdf", "kostenschaetzung.pdf", "konzept.pdf", "stellungnahme-traeger.pdf"]
# smallest file a PDF reader opens; the content does not matter to validation
_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
        b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

_BODIES = {
    # body: (gremien, aemter, personen)
    "wandsbek": (["wandsbek-jha", "wandsbek-bv"], ["wandsbek-dez-sjg"], ["wandsbek-vorsitz-jha"]),
    "segeberg": (["segeberg-jha", "segeberg-kt"], ["segeberg-fb-sjbg"], ["segeberg-zierke", "segeberg-hoffmann"]),
    "rostock": (["rostock-jha", "rostock-bs"], ["rostock-amt-jsa"], ["rostock-bockhahn", "rostock-matthaeus"]),
    "saarbruecken": (["saarbruecken-jha", "saarbruecken-rvv"], ["saarbruecken-jugendamt"], []),
    "lueneburg": (["lueneburg-sga", "lueneburg-rat"], ["lueneburg-05", "lueneburg-51", "lueneburg-54"],
                  ["lueneburg-hampe"]),
}
_SCHEMES = {
    "wandsbek": ("{wp}/{nr:4}", 19),
    "segeberg": ("DrS/{jahr}/{nr:3}", None),
    "rostock": ("{jahr}/{art}/{nr:4}", None),
    "saarbruecken": ("{nr:4}/{jahr}", None),
    "lueneburg": ("VO/{nr:4}/{jj}", None),
}
_RK = {"Antrag": "AN", "Anfrage": "AF", "Beschlussvorlage": "BV", "Informationsvorlage": "IV", "Stellungnahme": "SN",
       "Beantwortung einer Anfrage": "AF", "Mitteilungsvorlage": "MV", "Tischvorlage": "TV",
       "Ergänzungsvorlage": "EV", "Drucksache": "DS"}
_ARTEN = ["Beschlussvorlage"] * 4 + ["Mitteilungsvorlage"] * 3 + [
    "Informationsvorlage", "Stellungnahme", "Antrag", "Anfrage", "Beantwortung einer Anfrage", "Tischvorlage",
    "Ergänzungsvorlage", "Drucksache"]
_NEEDS_BEZUG = {"Stellungnahme", "Beantwortung einer Anfrage", "Ergänzungsvorlage"}


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _block(key: str, text: str, indent: str = "") -> list[str]:
    lines = [f"{indent}{key}: |"]
    lines += [f"{indent}  {ln}" if ln else "" for ln in text.splitlines()]
    return lines


_POSTEN = ["Personalkosten", "Sachkosten", "Mieten und Pachten", "Zuwendungen an Träger", "Fortbildung",
           "Fahrtkosten", "Honorare", "Investitionen", "Landesmittel", "Bundesmittel"]


def _table(rng: random.Random) -> str:
    rows = ["| Posten | Ansatz | Ergebnis | Veränderung |", "|:---|---:|---:|---:|"]
    for _ in range(rng.randint(3, 12)):
        a, b = rng.randint(1000, 999999), rng.randint(1000, 999999)
        rows.append(f"| {rng.choice(_POSTEN)} | {a:,} € | {b:,} € | {(b - a) / a:+.1%} |".replace(",", "."))
    return "\n".join(rows)


def _markdown(rng: random.Random, size: int, tables: bool = False) -> str:
    parts: list[str] = []
    length = 0
    while length < size:
        kind = rng.random()
        if tables and kind < 0.06:
            chunk = _table(rng)
        elif kind < 0.15:
            chunk = f"## {rng.choice(_HEADINGS)}"
        elif kind < 0.3:
            chunk = "\n".join(f"- {rng.choice(_SENTENCES)}" for _ in range(rng.randint(2, 4)))
        else:
            chunk = " ".join(rng.choice(_SENTENCES) for _ in range(rng.randint(2, 5)))
        parts.append(chunk)
        length += len(chunk) + 2
    return "\n\n".join(parts)


def _beratungsfolge(rng: random.Random, gremien: list[str], datum: dt.date) -> list[str]:
    lines = ["beratungsfolge:"]
    day = datum
    decided = True  # results only on a first run of steps, as a real Beratungsfolge has them
    for _ in range(rng.randint(1, 4)):
        day += dt.timedelta(days=rng.randint(0, 21))
        lines += [f"  - gremium: {rng.choice(gremien)}", f"    datum: {day.isoformat()}",
                  f"    zustaendigkeit: {rng.choice(['Vorberatung', 'Kenntnisnahme', 'Entscheidung'])}"]
        if rng.random() < 0.3:
            lines += [f"    top: {_q(f'{rng.randint(1, 15)}.{rng.randint(1, 9)}')}", "    oeffentlich: ja"]
        decided = decided and rng.random() < 0.3
        if decided:
            lines += ["    ergebnis: ungeändert beschlossen", "    erledigt: ja"]
    return lines


def _sachverhalt_size(rng: random.Random, realistic: bool) -> int:
    """Characters of the Sachverhalt: realistic records are mostly 1–3 pages, some 10 pages."""
    if not realistic:
        return rng.randint(1000, 3000)
    return rng.randint(25000, 30000) if rng.random() < 0.04 else rng.randint(1500, 7000)


def _record(rng: random.Random, body: str, nummer: str, art: str, datum: dt.date, bezug: str | None,
            realistic: bool = False) -> str:
    gremien, aemter, personen = _BODIES[body]
    lines = [
        "# yaml-language-server: $schema=../../schema/vorlage.schema.json",
        f"nummer: {_q(nummer)}",
        f"datum: {datum.isoformat() if rng.random() < 0.8 else datum.strftime('%d.%m.%Y')}",
        f"koerperschaft: {body}",
        f"art: {art}",
        f"status: {'öffentlich' if rng.random() < 0.85 else 'nichtöffentlich'}",
        f"betreff: {_q(rng.choice(_SENTENCES).rstrip('.'))}",
        f"federfuehrend: {rng.choice(aemter)}",
    ]
    if len(aemter) > 1:
        lines += ["beteiligt:"] + [f"  - {a}" for a in rng.sample(aemter, rng.randint(1, len(aemter)))]
    if personen:
        lines.append(f"bearbeiter: {rng.choice(personen)}")
    if art in ("Antrag", "Anfrage"):
        lines.append(f"initiator: {gremien[-1]}")
    if bezug:
        lines.append(f"bezug: {_q(bezug)}")
    lines.append(f"aktenzeichen: {_q(f'{rng.randint(10, 99)}.{rng.randint(100, 999)}')}")
    lines += _beratungsfolge(rng, gremien, datum)
    lines += _block("sachverhalt", _markdown(rng, _sachverhalt_size(rng, realistic), tables=realistic))
    if art in ("Beschlussvorlage", "Antrag") or rng.random() < 0.2:
        lines += _block("beschlussvorschlag", _markdown(rng, rng.randint(150, 400)))
    if art in ("Anfrage", "Beantwortung einer Anfrage"):
        lines += ["fragen:"] + [f"  - {_q(rng.choice(_SENTENCES))}" for _ in range(rng.randint(1, 4))]
    if art == "Beantwortung einer Anfrage":
        lines += _block("antwort", _markdown(rng, 500))
    if rng.random() < 0.3:
        lines += ["abschnitte:", "  - titel: Bezug zum strategischen Management"]
        lines += _block("text", _markdown(rng, 300), "    ")
    if rng.random() < 0.5:
        lines += ["finanzen:", f"  auswirkungen: {'ja' if rng.random() < 0.6 else 'nein'}",
                  f"  kosten_umsetzung: {_q(f'{rng.randint(1, 99999)},{rng.randint(0, 99):02d}')}",
                  f"  haushaltsjahr: {datum.year}"]
    if rng.random() < 0.35:
        lines.append("anlagen:")
        for name in rng.sample(_ANLAGEN, rng.randint(1, 3)):
            where = f"anlagen/{name}" if rng.random() < 0.7 else f"../../gemeinsam/{name}"
            lines += [f"  - datei: {where}", f"    titel: {_q(name.removesuffix('.pdf').capitalize())}"]
    if personen and rng.random() < 0.5:
        lines += ["unterschrift:", f"  person: {rng.choice(personen)}"]
    return "\n".join(lines) + "\n"


def generate_project(root: Path, data: Path, count: int, seed: int = 20190321, realistic: bool = False) -> None:
    """A project of ``count`` valid, varied Drucksachen on a copy of ``data``; ``realistic`` ones
    are longer (most 1–3 pages, some 10) and hold tables."""
    rng = random.Random(seed)
    shutil.copytree(data, root / "data")
    (root / "gemeinsam").mkdir()
    for name in _ANLAGEN:
        (root / "gemeinsam" / name).write_bytes(_PDF)
    counters = dict.fromkeys(_BODIES, 0)
    numbers: dict[str, list[str]] = {b: [] for b in _BODIES}
    start = dt.date(2011, 1, 3)
    bodies = list(_BODIES)
    for i in range(count):
        body = bodies[i % len(bodies)]
        folder = root / "vorlagen" / body
        if counters[body] == 0:
            (folder / "anlagen").mkdir(parents=True)
            for name in _ANLAGEN:
                (folder / "anlagen" / name).write_bytes(_PDF)
        counters[body] += 1
        art = rng.choice(_ARTEN)
        if art in _NEEDS_BEZUG and not numbers[body]:
            art = "Beschlussvorlage"
        datum = start + dt.timedelta(days=i * 3000 // max(count, 1))
        pattern, wp = _SCHEMES[body]
        nummer = Scheme(pattern).format(nr=counters[body], werte=Werte(datum.year, wp, _RK[art]))
        bezug = rng.choice(numbers[body][-50:]) if art in _NEEDS_BEZUG else None
        numbers[body].append(nummer)
        name = nummer.replace("/", "-") + ".yaml"
        (folder / name).write_text(_record(rng, body, nummer, art, datum, bezug, realistic), encoding="utf-8")


# --- benchmarks -------------------------------------------------------------------------------


def forget_cache() -> None:
    """Empty the check cache of the benchmarks (main() gives them a folder of their own): the next
    command runs cold, as on a new machine."""
    folder = os.environ.get("VORLAGENGEN_CACHE", "")
    if folder and Path(folder).is_dir():
        shutil.rmtree(folder)


def forget_checks() -> None:
    """Empty only the check cache: the next command checks its records anew, with the templates it
    compiled before kept (Jinja's bytecode, as Python's own is kept)."""
    folder = os.environ.get("VORLAGENGEN_CACHE", "")
    if folder:
        for kept in Path(folder).glob("pruefungen-*"):
            kept.unlink()


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _cold_validate(root: Path) -> tuple[float, float]:
    """Wall time and CPU time (all processes) of one cold validate."""
    cmd = [sys.executable, "-m", "vorlagengen", "--projekt", str(root), "-q", "validate"]
    begin, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed, cpu = time.perf_counter() - begin, _children_cpu() - cpu
    if done.returncode != 0:
        shown = "\n".join(done.stderr.splitlines()[:20])
        raise SystemExit(f"Prüfung der erzeugten Drucksachen fehlgeschlagen (Status {done.returncode}):\n{shown}")
    return elapsed, cpu


def bench_validate() -> dict[str, Any]:
    """Cold ``vorlagengen validate`` of generated records, as a new process each run (median)."""
    records, runs = OPTIONS["records"], OPTIONS["runs"]
    with tempfile.TemporaryDirectory(prefix="vorlagengen-bench-") as tmp:
        root = Path(tmp)
        begin = time.perf_counter()
        generate_project(root, OPTIONS["data"], records)
        print(f"{records} Drucksachen erzeugt in {_de(time.perf_counter() - begin, 1)} s")
        times, cpus, warm = [], [], []
        for run in range(1, runs + 1):
            forget_cache()
            elapsed, cpu = _cold_validate(root)
            times.append(elapsed)
            cpus.append(cpu)
            print(f"  Prüflauf {run}: {_de(elapsed)} s (Rechenzeit aller Prozesse {_de(cpu)} s)")
        for run in range(1, runs + 1):
            warm.append(_cold_validate(root)[0])
            print(f"  Prüflauf {run} mit Zwischenspeicher und Stempel (nichts geändert): {_de(warm[-1])} s")
    median = statistics.median(times)
    key = "validate_10k_s" if records == 10_000 else f"validate_{records}_s"
    report(key, median,
           f"Prüfung von {records} Drucksachen (kalt, neuer Prozess, Median aus {len(times)})")
    report(key.removesuffix("_s") + "_warm_s", statistics.median(warm),
           f"dasselbe mit Prüf-Zwischenspeicher und Stempel des Laufs, nichts geändert (Median aus {len(warm)})")
    # CPU time is what a shared, noisy machine distorts least
    return {key: round(median, 3), key.removesuffix("_s") + "_cpu_s": round(statistics.median(cpus), 3),
            key.removesuffix("_s") + "_warm_s": round(statistics.median(warm), 3)}


TARGETS = {
    # key: (target, "min" = at least / "max" = at most, unit); the keys of the speed issue first
    "one_changed_s": (0.5, "max", "s"),
    "noop_s": (0.2, "max", "s"),
    "vorlage_cold_s": (0.3, "max", "s"),
    "help_s": (0.1, "max", "s"),
    "validate_10k_s": (2.0, "max", "s"),
    "validate_10k_warm_s": (0.5, "max", "s"),
    "packet_30_s": (2.0, "max", "s"),
    "packet_one_changed_s": (1.0, "max", "s"),
    "realistic_per_s": (15, "min", "/s"),
    "realistic_pdf_per_s": (25, "min", "/s"),
    "overhead_ratio": (1.3, "max", ""),
    "peak_rss_mb": (1024, "max", "MB"),
    "vorlagen_per_s": (40, "min", "/s"),
    "noop_make_s": (0.1, "max", "s"),
    "site_one_changed_mappen_s": (2.0, "max", "s"),
    "site_noop_s": (0.5, "max", "s"),
}
ISSUE_KEYS = list(TARGETS)[:12]  # printed at the end of every full run, measured or not
PEER: dict[str, float] = {}  # LibreOffice's figures of this run, by our key


def runs() -> int:
    return int(OPTIONS["runs"])


def report(key: str, value: float, what: str) -> None:
    """One figure as it is printed: value, target, ratio to LibreOffice where measured."""
    target, kind, unit = TARGETS.get(key, (None, "", "/s" if key.endswith("_per_s") else "s"))
    line = f"  {what}: {_de(value)} {unit}".rstrip()
    if target is not None:
        ok = value >= target if kind == "min" else value <= target
        line += f" (Ziel {'≥' if kind == 'min' else '≤'} {_de(target)} {unit}: {'erreicht' if ok else 'verfehlt'})"
    if key in PEER and PEER[key] and value:
        ratio = value / PEER[key] if kind == "min" else PEER[key] / value
        line += f"; {_de(ratio, 1)}-mal so schnell wie LibreOffice"
    print(line)


def _de(seconds: float, places: int = 2) -> str:
    return f"{seconds:.{places}f}".replace(".", ",")


BENCHMARKS: list[Benchmark] = [bench_validate]


def all_benchmarks() -> list[Benchmark]:
    """This module's benchmarks and those of every module ``vorlagengen.bench_*``."""
    found = list(BENCHMARKS)
    package = importlib.import_module(__package__ or "vorlagengen")
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("bench_"):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            found += list(getattr(module, "BENCHMARKS", []))
    return found


def merge_results(path: Path, results: dict[str, Any]) -> dict[str, Any]:
    """Write ``results`` into the JSON file at ``path``, keeping keys other benchmarks wrote."""
    merged: dict[str, Any] = {}
    if path.exists():
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = None
        if isinstance(old, dict):
            merged.update(old)
    merged.update(results)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return merged


@click.command(context_settings={"help_option_names": ["-h", "--help"]}, options_metavar="[OPTIONEN]")
@click.option("--nur", multiple=True, metavar="NAME",
              help="Nur Benchmarks, deren Name NAME enthält (mehrfach möglich).")
@click.option("--daten", type=click.Path(file_okay=False, exists=True, path_type=Path), default=OPTIONS["data"],
              help="Ordner mit den Stammdaten (Vorgabe: data/ des Repositorys).")
@click.option("--anzahl", type=click.IntRange(1), metavar="N", default=OPTIONS["records"], show_default=True,
              help="Zahl der erzeugten Drucksachen.")
@click.option("--laeufe", type=click.IntRange(1), metavar="N", default=OPTIONS["runs"], show_default=True,
              help="Messläufe je Benchmark.")
@click.option("--ausgabe", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="JSON-Datei der Ergebnisse (andere Schlüssel darin bleiben erhalten).")
def main(nur: tuple[str, ...], daten: Path, anzahl: int, laeufe: int, ausgabe: Path) -> None:
    """Leistungsmessungen von vorlagengen; die Zahlen landen in build/bench.json."""
    OPTIONS.update(records=anzahl, runs=laeufe, data=daten)
    # The check cache of the runs goes to a folder of their own; cold figures empty it first.
    os.environ["VORLAGENGEN_CACHE"] = tempfile.mkdtemp(prefix="vorlagengen-bench-cache-")
    # Measured as an installed package runs: with its bytecode written (pip does that at install;
    # a checkout with PYTHONDONTWRITEBYTECODE set would compile every module in every new process).
    compileall.compile_dir(Path(__file__).parents[1] / "vorlagengen", quiet=1)
    chosen = [b for b in all_benchmarks() if not nur or any(n in b.__name__ for n in nur)]
    if not chosen:
        raise click.UsageError(f"kein Benchmark passt zu {', '.join(nur)}")
    results: dict[str, Any] = {}
    for bench in chosen:
        click.echo(f"== {bench.__name__}")
        results.update(bench())
        merge_results(ausgabe, results)  # keep what is measured even if a later one fails
    click.echo(f"Ergebnisse in {ausgabe}: " + ", ".join(f"{k} = {v}" for k, v in results.items()))
    summary(results)
    forget_cache()


def summary(results: dict[str, Any]) -> None:
    """Every key with a target, its value of this run and whether the target holds."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    click.echo(f"== Ziele (Last {_de(load)} bei {os.cpu_count()} Kernen)")
    for key in ISSUE_KEYS + [k for k in TARGETS if k not in ISSUE_KEYS and k in results]:
        target, kind, unit = TARGETS[key]
        wanted = f"{'≥' if kind == 'min' else '≤'} {_de(target)} {unit}".rstrip()
        if key not in results:
            click.echo(f"  {key:24} {'–':>10}  Ziel {wanted}: nicht gemessen")
            continue
        value = float(results[key])
        ok = value >= target if kind == "min" else value <= target
        click.echo(f"  {key:24} {_de(value):>10}  Ziel {wanted}: {'erreicht' if ok else 'verfehlt'}")


if __name__ == "__main__":
    # The bench_* modules import benchmarks.bench; run that module's main, not this __main__ copy,
    # so that they see the options given here (one OPTIONS, not two).
    from benchmarks.bench import main as _main

    _main(prog_name="python -m benchmarks.bench")
