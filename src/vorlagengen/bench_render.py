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
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} scheiterte:\n{proc.stdout}\n{proc.stderr}")
    return elapsed


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
    """One Vorlage, DOCX and PDF, as a new process from the command line."""
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(5):
            runs.append(_run(_cli("-q", "--projekt", str(REPO), "build", "--neu", "-o", tmp,
                                  str(REPO / "vorlagen/lueneburg/VO-8321-19.yaml"))))
    print(f"  eine Vorlage, DOCX + PDF, neuer Prozess: {', '.join(f'{r:.2f}' for r in runs)} s")
    return {"vorlage_cold_s": round(statistics.median(runs), 3)}


def bench_vorlagen_per_s() -> dict[str, float]:
    """200 generated Vorlagen, DOCX and PDF, both cores; and LibreOffice on the same DOCX if present."""
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = _project(Path(tmp))
        for i in range(1, 201):
            (root / "vorlagen" / f"vo-{i:04d}.yaml").write_text(_record(i), encoding="utf-8")
        elapsed = _run(_cli("-q", "--projekt", str(root), "build", "--neu", "-j", str(os.cpu_count() or 2)))
        out["vorlagen_per_s"] = round(200 / elapsed, 2)
        print(f"  200 Vorlagen, DOCX + PDF, {os.cpu_count()} Kerne: {elapsed:.2f} s")
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice:
            docs = sorted((root / "build/intern/vorlagen/lueneburg").glob("*.docx"))[:50]
            lo_out = Path(tmp) / "lo"
            lo_out.mkdir()
            elapsed = _run([soffice, f"-env:UserInstallation=file://{tmp}/profil", "--headless", "--convert-to",
                            "pdf", "--outdir", str(lo_out), *map(str, docs)])
            out["libreoffice_docx_pdf_per_s"] = round(len(docs) / elapsed, 2)
            # ours makes DOCX and PDF, LibreOffice only the PDF from our DOCX
            out["vorlagen_vs_libreoffice"] = round(out["vorlagen_per_s"] / out["libreoffice_docx_pdf_per_s"], 2)
            print(f"  vorlagengen (DOCX + PDF): {out['vorlagen_per_s']} Vorlagen/s, LibreOffice (nur DOCX→PDF): "
                  f"{out['libreoffice_docx_pdf_per_s']} Vorlagen/s – Verhältnis {out['vorlagen_vs_libreoffice']}:1")
        else:
            print("  LibreOffice nicht installiert: kein Vergleich")
    return out


def bench_noop_make() -> dict[str, float]:
    """`make vorlage` with nothing changed."""
    _run(["make", "-s", "vorlage"], cwd=REPO)
    runs = [_run(["make", "-s", "vorlage"], cwd=REPO) for _ in range(5)]
    print(f"  make vorlage ohne Änderung: {', '.join(f'{r:.3f}' for r in runs)} s")
    return {"noop_make_s": round(statistics.median(runs), 3)}


def bench_packet_30() -> dict[str, float]:
    """A generated Sitzung: 30 TOPs, 30 Drucksachen, 60 PDF Anlagen, built cold into both Mappen."""
    import typst

    with tempfile.TemporaryDirectory() as tmp:
        root = _project(Path(tmp))
        anlagen = root / "vorlagen" / "anlagen"
        anlagen.mkdir()
        page = "#set page(paper: \"a4\")\n#set text(lang: \"de\")\n= Anlage {n}\n\n" + "Inhalt der Anlage. " * 120
        for n in range(60):
            src = "\n#pagebreak()\n".join(page.format(n=n) for _ in range(4))
            (anlagen / f"anlage-{n:02d}.pdf").write_bytes(typst.compile(src.encode(), pdf_standards=["a-2b"],
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
        elapsed = _run(_cli("-q", "--projekt", str(root), "sitzung"))
        import pikepdf

        with pikepdf.open(root / "build/intern/sitzungen/lueneburg-sga-2019-05-09/Sitzungsmappe-vollstaendig.pdf") as pdf:
            pages = len(pdf.pages)
    print(f"  Sitzung mit 30 TOPs, 30 Drucksachen, 60 PDF-Anlagen: {elapsed:.2f} s für alle Unterlagen, "
          f"vollständige Mappe {pages} Seiten")
    return {"packet_30_s": round(elapsed, 3), "packet_30_pages": pages}


BENCHMARKS = [bench_vorlage_cold, bench_vorlagen_per_s, bench_noop_make, bench_packet_30]
