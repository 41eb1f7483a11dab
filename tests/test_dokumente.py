"""``vorlagengen dokumente``: build, sitzung, niederschrift and beschluesse (with ``--website`` also
site) in one process, and the Mappe work it speeds up:

- the same files and messages as the separate commands, a failing step's German error, no step
  after it, nothing half-written;
- the full Mappe is drawn by a worker process while the public one is drawn here, to the same bytes;
- each Drucksache's form for the Mappen has its Markdown made once per run;
- a stopped or failed run does not go on to convert the Anlagen still queued.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import vorlagengen.documents.cancel as cancel
import vorlagengen.documents.recipe as recipe
import vorlagengen.documents.sitzung.anlagen as anlagen
from render_support import REPO
from vorlagengen.cli import cli
from vorlagengen.documents.drawing import DrawingWorker
from vorlagengen.documents.output import Output, run_parallel
from vorlagengen.errors import UserError

EPOCH = "1304380800"
STEPS = (["build"], ["sitzung"], ["niederschrift"], ["beschluesse"], ["site"])


def _demo(dest: Path) -> Path:
    """The repository's demo project outside git (so its Stand does not move with every commit)."""
    for name in ("data", "vorlagen", "sitzungen"):
        shutil.copytree(REPO / name, dest / name)
    return dest


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    return subprocess.run([sys.executable, "-m", "vorlagengen", *args], capture_output=True, text=True, env=env,
                          cwd=root, timeout=600, check=False)


def _files(out: Path) -> dict[str, bytes]:
    """Every output file (not the manifest, the lock, the build's run stamp, the caches or the site's own
    state, which name the folder they were made in)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name not in (".vorlagen.json", ".vorlagen.lock", ".vorlagen-stamp.json") and ".cache" not in p.parts
            and not p.relative_to(out).as_posix().startswith("intern/site-")}


def test_dokumente_makes_and_says_what_the_separate_commands_do(tmp_path: Path) -> None:
    apart, together = _demo(tmp_path / "einzeln"), _demo(tmp_path / "zusammen")
    said = ""
    for step in STEPS:
        done = _run(apart, *step)
        assert done.returncode == 0, done.stderr
        said += done.stdout
    done = _run(together, "dokumente", "--website")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert _files(together / "build") == _files(apart / "build")
    # the same lines (the Beschlusskontrolle names its files in the order they were finished)
    assert sorted(done.stdout.splitlines()) == sorted(said.splitlines())
    assert "Website: " in done.stdout.splitlines()[-1]
    # the site's stamp is the one ``site`` keeps: a following ``site`` (a no-op ``make site``) ends at once
    again = _run(together, "site")
    assert again.returncode == 0, again.stderr
    assert "0 Dateien geschrieben, 0 entfernt" in again.stdout
    # without --website no site is made
    alone = _demo(tmp_path / "ohne")
    assert _run(alone, "-q", "dokumente").returncode == 0
    assert not (alone / "build" / "oeffentlich" / "site").exists()
    assert (alone / "build" / "intern" / "beschluesse").is_dir()


def test_a_failing_step_stops_the_run_with_its_german_error(tmp_path: Path) -> None:
    """A Drucksache still a draft on an agenda: ``build`` succeeds, ``sitzung`` refuses. ``dokumente``
    writes what ``build`` writes, then ends with the same German error and status 1: no Sitzung
    document, no Niederschrift, no website, no temporary file."""
    roots = [_demo(tmp_path / "einzeln"), _demo(tmp_path / "zusammen")]
    for root in roots:
        record = root / "vorlagen" / "lueneburg" / "VO-8321-19.yaml"
        text = record.read_text(encoding="utf-8")
        record.write_text(text.replace('nummer: "VO/8321/19"\n', 'nummer: "VO/8321/19"\nentwurf: ja\n', 1),
                          encoding="utf-8")
    apart, together = roots
    assert _run(apart, "build").returncode == 0
    expected = _run(apart, "sitzung")
    assert expected.returncode == 1
    done = _run(together, "dokumente", "--website")
    assert done.returncode == 1
    assert done.stderr == expected.stderr
    assert done.stderr.startswith("Fehler: sitzungen/lueneburg-sga-2019-04-04.yaml: Entwürfe auf der Tagesordnung")
    assert "Traceback" not in done.stderr
    out = together / "build"
    assert _files(out) == _files(apart / "build")
    assert not list(out.rglob("*.tmp")) and not (out / "oeffentlich" / "site").exists()
    assert not [p for p in out.rglob("*") if "sitzungen" in p.parts or "beschluesse" in p.parts]


def _sitzung_in_process(root: Path, monkeypatch: pytest.MonkeyPatch, out: str) -> None:
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = CliRunner().invoke(cli, ["-q", "-C", str(root), "sitzung", "-o", out], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_the_full_mappe_drawn_by_the_worker_is_the_one_drawn_here(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = _demo(tmp_path / "p")
    drawn: list[bool] = []
    merge = DrawingWorker.merge

    def counted(self: DrawingWorker, *args: object) -> bytes | None:
        made = merge(self, *args)  # type: ignore[arg-type]
        drawn.append(made is not None)
        return made

    monkeypatch.setattr(DrawingWorker, "merge", counted)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    _sitzung_in_process(root, monkeypatch, "mit")
    assert drawn and all(drawn), drawn  # both Sitzungen' full Mappen came from the worker
    monkeypatch.setattr(DrawingWorker, "merge", lambda self, *args: None)  # drawn here instead
    _sitzung_in_process(root, monkeypatch, "ohne")
    mappen = sorted(p.relative_to(root / "mit") for p in (root / "mit").rglob("Sitzungsmappe-*.pdf"))
    assert len(mappen) == 4
    for name in mappen:
        assert (root / "mit" / name).read_bytes() == (root / "ohne" / name).read_bytes(), name


def test_each_forms_markdown_is_made_once_per_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The full Mappe compares a public Drucksache's internal form with its public twin, which the
    public Mappe sets too: the twin's Markdown is made once, not for each."""
    root = _demo(tmp_path / "p")
    made: Counter[tuple[str, bool]] = Counter()
    lock = threading.Lock()
    markdown_of = recipe.markdown_of

    def counted(doc: recipe.Document, prep: recipe.Prepared) -> str:
        if doc.kind == "Drucksache":
            with lock:
                made[(doc.display, doc.public)] += 1
        return markdown_of(doc, prep)

    monkeypatch.setattr(recipe, "markdown_of", counted)
    _sitzung_in_process(root, monkeypatch, "build")
    assert made and any(public for _, public in made)
    assert {k: n for k, n in made.items() if n > 1} == {}


def test_a_failed_anlage_drops_the_queued_ones(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    begun: list[str] = []

    def failing(path: Path, cache: Path, display: str) -> tuple[Path, int, bool]:
        begun.append(display)
        raise UserError(f"{display}: Anlage ist kein lesbares PDF")

    monkeypatch.setattr(anlagen, "prepare_pdf", failing)
    queued = [(tmp_path / f"a{n}.pdf", f"Anlage {n}", tmp_path) for n in range(20)]
    with pytest.raises(UserError, match="Anlage 0"):
        anlagen.prepare_all(queued, 1)
    assert begun == ["Anlage 0"]


def test_a_stopped_run_drops_the_queued_anlagen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Ctrl-C stops the runner in the main thread; the Mappe's thread, still converting its Anlagen,
    begins no further one."""
    begun: list[str] = []

    def converting(path: Path, cache: Path, display: str) -> tuple[Path, int, bool]:
        begun.append(display)
        if len(begun) == 2:
            cancel.cancel()  # what run_parallel does on Ctrl-C, here while the Anlagen convert
        return path, 1, True

    monkeypatch.setattr(anlagen, "prepare_pdf", converting)
    queued = [(tmp_path / f"a{n}.pdf", f"Anlage {n}", tmp_path) for n in range(20)]
    try:
        with pytest.raises(cancel.Cancelled):
            anlagen.prepare_all(queued, 1)
    finally:
        cancel.reset()
    assert begun == ["Anlage 0", "Anlage 1"]


def test_ctrl_c_in_the_runner_stops_what_its_threads_have_queued(tmp_path: Path) -> None:
    def interrupted() -> dict[Path, tuple[bytes, str]]:
        raise KeyboardInterrupt

    try:
        with pytest.raises(KeyboardInterrupt):
            run_parallel(Output(tmp_path), [interrupted], "test", 1, None)
        with pytest.raises(cancel.Cancelled):
            cancel.check()
        run_parallel(Output(tmp_path), [dict], "test", 1, None)  # the next run begins anew
        cancel.check()
    finally:
        cancel.reset()
