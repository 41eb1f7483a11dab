"""The incremental build is always right: ``build/`` equals what a clean build would give, whatever
was deleted, replaced, changed, interrupted or killed, and two runs at once do not lose each
other's work. Also the persistent pandoc's lifecycle and the progress line."""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import vorlagengen.documents.drucksache as build_mod
import vorlagengen.documents.engines as engines
import vorlagengen.documents.trees as trees
from benchmarks.bench import generate_project
from conftest import LUENEBURG_HEAD
from render_support import REPO, copy_project
from vorlagengen.documents.drucksache import MANIFEST, build
from vorlagengen.errors import ToolError
from vorlagengen.load.project import load_project
from vorlagengen.progress import Progress

RECORD = LUENEBURG_HEAD + "sachverhalt: Text von {nr}.\n"


def write(root: Path, name: str, nr: str, betreff: str = "Ein Betreff", extra: str = "") -> Path:
    path = root / "vorlagen" / name
    path.write_text(RECORD.format(nr=nr, betreff=betreff) + extra, encoding="utf-8")
    return path


def run_build(root: Path, *paths: Path, **kw):
    return build(load_project(root, list(paths) or None, jobs=1), root / "build", complete=not paths, **kw)


def cli(root: Path, *args: str, **kw) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "vorlagengen", "-q", "--projekt", str(root), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def outputs(out: Path) -> dict[str, bytes]:
    """Every file a reader sees (not the hidden state, lock and cache)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)}


def names(paths) -> list[str]:
    return sorted(p.name for p in paths)


@pytest.fixture
def project(tmp_path) -> Path:
    root = copy_project(tmp_path / "p")
    write(root, "a.yaml", "VO/0001/19")
    write(root, "b.yaml", "VO/0002/19")
    return root


def test_deleted_or_replaced_output_is_made_again(project):
    run_build(project)
    pdf = project / "build/intern/vorlagen/lueneburg/VO-0001-19.pdf"
    docx = pdf.with_suffix(".docx")
    good = pdf.read_bytes()
    pdf.unlink()
    docx.write_bytes(b"kaputt")
    again = run_build(project)
    assert names(again.built) == ["VO-0001-19.docx", "VO-0001-19.pdf"]  # only the internal ones were touched
    assert pdf.read_bytes() == good
    assert zipfile.is_zipfile(docx)
    assert not run_build(project).built


def test_outputs_of_a_deleted_record_are_removed(project):
    run_build(project)
    (project / "vorlagen/b.yaml").unlink()
    result = run_build(project)
    assert names(result.removed) == ["VO-0002-19.docx", "VO-0002-19.docx", "VO-0002-19.pdf", "VO-0002-19.pdf"]
    kept = ["intern/vorlagen/lueneburg/VO-0001-19.docx", "intern/vorlagen/lueneburg/VO-0001-19.pdf",
            "oeffentlich/vorlagen/lueneburg/VO-0001-19.docx", "oeffentlich/vorlagen/lueneburg/VO-0001-19.pdf"]
    assert sorted(outputs(project / "build")) == kept
    state = json.loads(trees.state_file(project / "build").read_text())
    assert sorted(state) == kept


def test_building_some_records_keeps_the_others(project):
    run_build(project)
    write(project, "a.yaml", "VO/0001/19", "Geändert")
    result = run_build(project, project / "vorlagen/a.yaml")
    assert names(result.built) == ["VO-0001-19.docx", "VO-0001-19.docx", "VO-0001-19.pdf", "VO-0001-19.pdf"]
    assert not result.removed
    assert len(outputs(project / "build")) == 8  # both trees


ONE_PAGE_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
                b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.mark.parametrize("change", ["data", "layout", "fonts", "code", "anlage"])
def test_fingerprint_covers_what_an_output_depends_on(project, change, monkeypatch):
    (project / "vorlagen/anlage.pdf").write_bytes(ONE_PAGE_PDF)  # validate refuses a PDF without pages
    write(project, "a.yaml", "VO/0001/19", extra="anlagen:\n  - datei: anlage.pdf\n    titel: Plan\n")
    run_build(project)
    if change == "data":
        with open(project / "data/personen.yaml", "a", encoding="utf-8") as fh:
            fh.write("\n# ein Kommentar ändert nichts am Inhalt, aber die Datei\n")
    elif change == "layout":
        own = project / "templates/allris"
        own.mkdir(parents=True)
        (own / "notiz.txt").write_text("neu")
    elif change == "fonts":
        (project / "templates/fonts").mkdir(parents=True)
        (project / "templates/fonts/Hausschrift.ttf").write_bytes(b"\0")
    elif change == "code":
        monkeypatch.setattr(build_mod, "code_fingerprint", lambda: "eine andere Version")
    else:
        (project / "vorlagen/anlage.pdf").write_bytes(ONE_PAGE_PDF.replace(b"%%EOF", b"% anders\n%%EOF"))
    result = run_build(project)
    expected = 8 if change != "anlage" else 4  # public records: both trees
    assert len(result.built) == expected, change


def test_code_fingerprint_covers_filter_templates_and_fonts():
    package = Path(build_mod.__file__).resolve().parents[1]
    hashed = set()

    class Recorder:
        def update(self, data: bytes) -> None:
            if data.endswith(b"\0"):  # a path; a file's digest may end in a zero byte too
                with contextlib.suppress(UnicodeDecodeError):
                    hashed.add(data[:-1].decode())

    build_mod.hash_files(Recorder(), package.rglob("*"), package)
    for part in ("documents/vorlage.lua", "documents/worker.lua", "documents/engines.py",
                 "fonts/LiberationSans-Regular.ttf", "templates/allris/layout.typ"):
        assert part in hashed, part


def test_leftovers_of_a_killed_run_are_removed(project):
    run_build(project)
    folder = project / "build/intern/vorlagen/lueneburg"
    ours = folder / ".VO-0001-19.pdf.k3j_x9q.tmp"
    foreign = folder / ".Einladung.pdf.abcdef.tmp"
    state = trees.internal_dir(project / "build") / f".{MANIFEST}.x81_k2.tmp"
    ours.write_bytes(b"halb")
    state.write_bytes(b"{")
    foreign.write_bytes(b"gehoert einem anderen Lauf")
    run_build(project)
    assert not ours.exists() and not state.exists() and foreign.exists()


def test_two_builds_at_once_keep_each_others_state(project):
    for i in range(3, 9):
        write(project, f"r{i}.yaml", f"VO/{i:04d}/19")
    first = cli(project, "build", "vorlagen/a.yaml", "vorlagen/r3.yaml", "vorlagen/r4.yaml", cwd=project)
    second = cli(project, "build", "vorlagen/b.yaml", "vorlagen/r5.yaml", "vorlagen/r6.yaml", cwd=project)
    for proc in (first, second):
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    state = json.loads(trees.state_file(project / "build").read_text())
    assert len(state) == 24  # both trees
    again = cli(project, "build", *(f"vorlagen/{n}.yaml" for n in ("a", "b", "r3", "r4", "r5", "r6")),
                cwd=project)
    _out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    result = run_build(project, *(project / f"vorlagen/{n}.yaml" for n in ("a", "b", "r3", "r4", "r5", "r6")))
    assert not result.built and len(result.skipped) == 24


def test_entwurf_docx_is_identical_across_runs_and_time_zones(tmp_path):
    root = copy_project(tmp_path / "p")
    write(root, "a.yaml", "VO/0001/19", extra="entwurf: ja\n")
    made = []
    for n, tz in enumerate(("UTC", "Pacific/Kiritimati", "America/Los_Angeles")):
        proc = cli(root, "build", "--neu", "-o", str(tmp_path / f"out{n}"), env=dict(os.environ, TZ=tz))
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        made.append((tmp_path / f"out{n}/intern/vorlagen/lueneburg/VO-0001-19.docx").read_bytes())
    assert made[0] == made[1] == made[2]
    with zipfile.ZipFile(io.BytesIO(made[0])) as z:
        core = z.read("docProps/core.xml").decode()
        assert "ENTWURF" in z.read("word/header1.xml").decode() or any(
            "ENTWURF" in z.read(n).decode() for n in z.namelist() if n.startswith("word/header"))
    assert "2019-03-21T12:00:00Z" in core  # dated by the record, not 1970-01-01


def test_sigterm_stops_keeping_finished_work_and_removes_temporary_folders(tmp_path):
    root = tmp_path / "p"
    generate_project(root, REPO / "data", 60, seed=7)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    proc = cli(root, "build", env=dict(os.environ, TMPDIR=str(tmpdir)))
    state = trees.state_file(root / "build")
    deadline = time.monotonic() + 120
    while not state.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode in (0, 130), err
    assert "Traceback" not in err
    assert list(tmpdir.iterdir()) == []
    assert not list((root / "build").rglob("*.tmp"))
    entries = json.loads(state.read_text())
    assert entries, "nothing finished was kept"
    for key, entry in entries.items():  # each entry vouches for the file as it is
        st = (root / "build" / key).stat()
        assert entry["stat"][:2] == [st.st_size, st.st_mtime_ns]


@pytest.mark.parametrize("command, sig", [("sitzung", signal.SIGINT), ("niederschrift", signal.SIGTERM)])
def test_ctrl_c_in_sitzung_and_niederschrift_keeps_no_temporary_folder(tmp_path, command, sig):
    """Ctrl-C (or SIGTERM) once the first document is written: exit 130 (or 0 if it finished first),
    no traceback, nothing half-written, no folder of ours left in $TMPDIR (typst's staging copies,
    pandoc's, the Mappe's)."""
    import shutil

    root = tmp_path / "p"
    for part in ("data", "vorlagen", "sitzungen"):
        shutil.copytree(REPO / part, root / part)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    proc = cli(root, command, env=dict(os.environ, TMPDIR=str(tmpdir)))
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline and not any(
            p.suffix in (".pdf", ".docx") for p in (root / "build").rglob("*")):
        time.sleep(0.05)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode in (0, 130), err
    assert "Traceback" not in err
    assert list(tmpdir.iterdir()) == []
    assert not list((root / "build").rglob("*.tmp"))


def test_killed_builds_end_in_the_same_build_folder_as_a_clean_build(tmp_path):
    """A build over 100 records is killed (SIGKILL) at random moments, a record is deleted and one
    changed in between; the next build makes ``build/`` byte-identical to a clean one."""
    root = tmp_path / "p"
    generate_project(root, REPO / "data", 100, seed=11)
    rng = random.Random(15)
    for kill in range(4):
        proc = cli(root, "build")
        time.sleep(rng.uniform(0.5, 3.0))
        proc.kill()
        proc.communicate()
        if kill == 1:
            (max((root / "vorlagen/wandsbek").glob("*.yaml"))).unlink()
            rec = min((root / "vorlagen/rostock").glob("*.yaml"))
            rec.write_text(rec.read_text(encoding="utf-8").replace('betreff: "', 'betreff: "Neu: ', 1),
                           encoding="utf-8")
    for out in ("build", str(tmp_path / "sauber")):
        proc = cli(root, "build", "-o", out)
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    got, want = outputs(root / "build"), outputs(tmp_path / "sauber")
    assert sorted(got) == sorted(want)
    assert [k for k in want if got[k] != want[k]] == []
    assert not list((root / "build").rglob("*.tmp"))


def test_a_pandoc_that_dies_fails_its_document_by_name_and_is_started_again(tmp_path, monkeypatch):
    crashing = tmp_path / "pandoc"
    crashing.write_text("#!/bin/sh\nread line\necho 'pandoc: Speicher erschöpft' >&2\nexit 251\n")
    crashing.chmod(0o755)
    real = engines.pandoc_binary()
    worker = engines.PandocWorker()
    try:
        monkeypatch.setattr(engines, "pandoc_binary", lambda: str(crashing))
        with pytest.raises(ToolError) as err:
            worker.convert("Welt", ["typst"], 0, "vorlagen/b.yaml", public=False)
        assert str(err.value) == ("vorlagen/b.yaml: pandoc: pandoc ist unerwartet beendet worden: "
                                  "pandoc: Speicher erschöpft")
        monkeypatch.setattr(engines, "pandoc_binary", lambda: real)
        assert b"Welt" in worker.convert("Welt", ["typst"], 0, "c.yaml", public=False)["typst"]
        worker.proc.kill()  # dead between two documents: the next one does not notice
        worker.proc.wait()
        assert b"Hallo" in worker.convert("Hallo", ["typst"], 0, "d.yaml", public=False)["typst"]
    finally:
        worker.close()


def test_pandoc_warnings_fail_the_document():
    """A real warning fails; the harmless ones (a second link reference, an unused footnote) do not,
    because validate accepts them and what validates must render."""
    worker = engines.PandocWorker()
    try:
        with pytest.raises(ToolError, match=r"a\.yaml: Warnung: Block „:::“ wird nicht geschlossen"):
            worker.convert("::: {.vg-titel}\nText\n", ["typst"], 0, "a.yaml", public=False)
        assert worker.convert("[x]\n\n[x]: a\n\n[x]: b\n\nText[^1]\n\n[^1]: a\n\n[^2]: b\n", ["typst"], 0, "a.yaml", public=False)
    finally:
        worker.close()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_count_and_rate_only_on_a_terminal_after_a_delay():
    shown = Terminal()
    bar = Progress("Setze Drucksachen", stream=shown, delay=0)
    bar.update(3, 10)
    bar.close()
    assert "3/10" in shown.getvalue() and "/s" in shown.getvalue()
    for stream, quiet, delay in ((Terminal(), True, 0), (io.StringIO(), False, 0), (Terminal(), False, 60)):
        bar = Progress("Setze Drucksachen", quiet=quiet, stream=stream, delay=delay)
        bar.update(3, 10)
        bar.close()
        assert stream.getvalue() == ""


def test_two_sitzung_runs_at_once_with_a_cold_cache_both_succeed(tmp_path):
    """The wandsbek Anlagen are not PDF/A: both runs convert them into the same cache at once."""
    import shutil

    root = tmp_path / "p"
    for part in ("data", "vorlagen"):
        shutil.copytree(REPO / part, root / part)
    (root / "sitzungen").mkdir()
    shutil.copy(REPO / "sitzungen/wandsbek-jha-2011-05-11.yaml", root / "sitzungen")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1300000000")
    runs = [cli(root, "sitzung", env=env) for _ in range(2)]
    for proc in runs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    shared = outputs(root / "build")
    single = cli(root, "sitzung", "-o", str(tmp_path / "allein"), env=env)
    _, err = single.communicate(timeout=600)
    assert single.returncode == 0, err
    assert shared == outputs(tmp_path / "allein")
    names = {Path(name).name for name in shared}
    assert {"Einladung.pdf", "Einladung.docx", "Bekanntmachung.pdf", "Sitzungsmappe-oeffentlich.pdf",
            "Sitzungsmappe-vollstaendig.pdf"} <= names


def test_an_output_folder_that_cannot_be_made_is_a_german_error(project):
    (project / "build").write_text("eine Datei, kein Ordner")
    proc = cli(project, "build")
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1
    assert "Traceback" not in err
    assert err.startswith("Fehler: ") and "Ausgabeordner nicht beschreibbar" in err


def test_temporary_folders_of_killed_runs_are_swept_by_the_next(tmp_path, monkeypatch):
    """SIGKILL leaves no chance to clean up: the next run removes the folders of dead processes and
    keeps those of running ones and of other programs."""
    import vorlagengen.documents.writing as writing

    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f"vorlagengen-pandoc-p{dead.pid}-abc123"
    running = tmp_path / f"vorlagengen-layout-allris-p{os.getpid()}-def456"
    foreign = tmp_path / "vorlagengen-irgendwas"
    other = tmp_path / f"anderes-p{dead.pid}-xyz"
    for folder in (stale, running, foreign, other):
        folder.mkdir()
        (folder / "datei").write_text("x")
    assert writing.sweep_tempdirs(tmp_path) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (running, foreign, other))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(writing.tempfile, "tempdir", None)  # tempfile reads TMPDIR again
    monkeypatch.setattr(writing, "_swept", False)
    stale.mkdir()
    made = writing.private_tempdir("ref")
    assert made.parent == tmp_path and made.name.startswith(f"vorlagengen-ref-p{os.getpid()}-")
    assert not stale.exists()


def test_pandoc_answers_each_format_as_it_is_written(tmp_path):
    """The typst source comes before pandoc writes the DOCX (typst sets the PDF meanwhile): here the
    DOCX writer fails on a missing reference after the typst source has been handed over; the
    worker then serves the next document."""
    worker = engines.PandocWorker()
    try:
        answers = worker.convert_each("Hallo", ["typst", "docx"], 0, "a.yaml", tmp_path / "fehlt.docx",
                                      public=False)
        fmt, data = next(answers)
        assert fmt == "typst" and b"Hallo" in data
        with pytest.raises(ToolError, match=r"a\.yaml: pandoc: .*fehlt\.docx"):
            next(answers)
        assert b"Welt" in worker.convert("Welt", ["typst"], 0, "b.yaml", public=False)["typst"]
        left = worker.convert_each("Eins", ["typst", "docx"], 0, "c.yaml", public=False)
        assert next(left)[0] == "typst"
        left.close()  # the rest of that answer is never read: the next document gets a fresh pandoc
        assert dict(worker.convert_each("Zwei", ["docx", "typst"], 0, "d.yaml", public=False)).keys() == {"docx", "typst"}
        assert b"Zwei" in worker.convert("Zwei", ["typst"], 0, "d.yaml", public=False)["typst"]
    finally:
        worker.close()


def test_a_pandoc_warning_comes_before_a_typst_failure_of_the_same_document(tmp_path, monkeypatch):
    """typst sets the PDF while pandoc still writes the DOCX; when both fail, pandoc's warning is
    what the document fails with, as when pandoc had finished first."""
    import vorlagengen.documents.recipe as recipe

    root = copy_project(tmp_path / "projekt")
    (root / "vorlagen" / "lueneburg").mkdir()
    (root / "vorlagen" / "lueneburg" / "VO-8321-19.yaml").write_bytes(
        (REPO / "vorlagen" / "lueneburg" / "VO-8321-19.yaml").read_bytes())
    project = load_project(root)
    documents: list[recipe.Document] = []
    monkeypatch.setattr(build_mod, "run_jobs", lambda work, *args: documents.extend(
        d for job in work for d in (job.public, job.internal) if d is not None) or [])
    build(project, root / "build", force=True)

    def typst_fails(*args, **kwargs):
        raise ToolError("typst", "x.yaml", "kaputt")

    monkeypatch.setattr(recipe, "_pdf", typst_fails)
    doc = documents[0]
    prep = doc.prepare()
    with pytest.raises(ToolError, match="kaputt"):
        recipe.convert(doc, prep, "Text\n", ("docx", "pdf"))
    with pytest.raises(ToolError, match=r"Warnung: Block „:::“ wird nicht geschlossen"):
        recipe.convert(doc, prep, "::: {.vg-titel}\nText\n", ("docx", "pdf"))
    monkeypatch.undo()
    made = recipe.convert(doc, prep, "Text\n", ("docx", "pdf"))  # the worker is ready for the next
    assert list(made) == ["pdf", "docx"] and made["pdf"].startswith(b"%PDF")
    engines.close_workers()


def test_a_pandoc_started_ahead_serves_the_first_thread_and_converts_alike(tmp_path):
    """``pandoc_ahead`` starts a pandoc that first sets a small document of its own; the first thread
    to convert takes it, and what it writes equals what a pandoc started for that document writes."""
    import threading

    engines.close_workers()
    engines.pandoc_ahead()
    ahead = engines._ahead[0]
    text = "# Titel\n\nText *mit* [Verweis](https://example.org), z. B. hier.[^1]\n\n[^1]: Fußnote\n"
    got: dict[str, object] = {}

    def first() -> None:
        got["worker"] = engines.pandoc_worker()
        got["out"] = engines.pandoc_worker().convert(text, ["typst", "docx"], 1234567890, "a.yaml", public=True)

    thread = threading.Thread(target=first)
    thread.start()
    thread.join()
    assert got["worker"] is ahead and engines._ahead == []
    fresh = engines.PandocWorker()
    try:
        assert got["out"] == fresh.convert(text, ["typst", "docx"], 1234567890, "a.yaml", public=True)
    finally:
        fresh.close()
        engines.close_workers()


# Every part of the filter: identifiers (twice, a link to one that is not there), a Schwärzung, an
# author's span, quotes, an apostrophe and a hyphen before a digit, an image, a table without header
# starting with a number, an author's headings below the layout's.
FILTERED = """# Ziel {#ziel}

# Noch ein Ziel {#ziel}

[Zum Ziel](#ziel) und [ins Leere](#nirgends). Es ist’s -12 °C, "Zitat" und 'halb', `Code`{#c}.

Ein [geheimer Text]{.geschwaerzt} und [anderes]{.klasse style="X"}. ![Bild](x.png)

|   |   |
|---|---|
| 33. Sitzung | b |

::: {.vg-text ebene="2"}
### Tief {#tief}
:::
"""


@pytest.mark.parametrize("public", ["ja", "nein"])
def test_the_worker_writes_what_pandocs_command_line_writes_with_the_filter(public):
    """The worker reads a document once and applies the filter's first part ("gemeinsam") once for
    every format: each format is still what pandoc's command line makes with the whole filter."""
    from vorlagengen.documents.markdown import READER

    worker = engines.PandocWorker()
    try:
        got = worker.convert(FILTERED, ["typst", "docx"], 0, "a.yaml", public=public == "ja")
    finally:
        worker.close()
    for fmt in ("typst", "docx"):
        cli = subprocess.run([engines.pandoc_binary(), "-f", READER, "-t", fmt, "--wrap=none", "--lua-filter",
                              str(engines.FILTER), "-M", f"vg-oeffentlich={public}", "-o", "-"],
                             input=FILTERED.encode(), capture_output=True, check=True,
                             env=dict(os.environ, SOURCE_DATE_EPOCH="0"))
        want, have = cli.stdout, got[fmt]
        if fmt == "docx":
            want, have = (zipfile.ZipFile(io.BytesIO(d)).read("word/document.xml") for d in (want, have))
        assert have == want, fmt
    assert b"nirgends" not in got["typst"] and got["typst"].count(b"\n<ziel>\n") == 1  # the filter did its work
