"""One pipeline: every document kind is rendered by the one recipe (render/recipe.py) and written by
the one output manager (render/output.py).

- a layout's own typst function wins over the shared one in every kind;
- every kind is incremental: a second run writes nothing, a deleted or overwritten output of any
  kind is made again, stray temporary files in its folders are removed;
- the commands share one lock.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from render_support import REPO, pdf_pages
from vorlagengen.documents.layouts import PACKAGED

MARKE = "LAYOUTMARKE"
COMMANDS = (["build"], ["sitzung"], ["niederschrift"], ["beschluesse"])


def _demo(dest: Path) -> Path:
    """The repository's demo project outside git (so its Stand does not move with every commit)."""
    for name in ("data", "vorlagen", "sitzungen"):
        shutil.copytree(REPO / name, dest / name)
    return dest


def _run(root: Path, *args: str, out: str = "build") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1304380800")
    return subprocess.run([sys.executable, "-m", "vorlagengen", "-q", "-C", str(root), *args, "-o", out],
                          capture_output=True, text=True, env=env, timeout=600, check=False)


def _build_all(root: Path, out: str = "build") -> None:
    for command in COMMANDS:
        result = _run(root, *command, out=out)
        assert result.returncode == 0, result.stderr


def _files(out: Path) -> dict[str, bytes]:
    """Every output file (not the manifest, the build's run stamp, the lock or the Anlagen cache: their
    bookkeeping follows the other commands' writes)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name not in (".vorlagen.json", ".vorlagen-stamp.json", ".vorlagen.lock")
            and ".cache" not in p.parts}


def test_a_layouts_own_function_wins_in_every_document_kind(tmp_path):
    """The project's Hamburg layout redefines vg-props (vg-kopf for the Drucksache, vg-deckblatt for
    the Mappe's cover, which show no vg-props): every
    PDF of the Wandsbek Körperschaft – Drucksache, Einladung, Bekanntmachung, Nachtrag, both Mappen,
    Niederschrift (public and both parts), Beschlussauszug, Beschlusskontrolle – shows the mark."""
    root = _demo(tmp_path / "p")
    own = root / "templates" / "hamburg"
    own.mkdir(parents=True)
    text = (PACKAGED / "hamburg" / "layout.typ").read_text(encoding="utf-8")
    (own / "layout.typ").write_text(text + f"""
#let vg-props-vorher = vg-props
#let vg-props(..args) = [{MARKE}] + vg-props-vorher(..args)
#let vg-deckblatt(..args) = {{ [{MARKE}]; pagebreak() }}
#let vg-kopf-vorher = vg-kopf
#let vg-kopf(..args) = [{MARKE}] + vg-kopf-vorher(..args)
""", encoding="utf-8")
    _build_all(root)
    pdfs = [p for p in (root / "build").rglob("*.pdf")
            if "wandsbek" in p.as_posix() and "site" not in p.parts and ".cache" not in p.parts]
    kinds = {p.stem.split("-")[0] if "19-0" not in p.stem else "Drucksache" for p in pdfs}
    assert {"Drucksache", "Einladung", "Bekanntmachung", "Nachtrag", "Sitzungsmappe", "Niederschrift",
            "Beschlussauszug", "Beschlusskontrolle"} <= kinds
    shown = {pdf: MARKE in "".join(pdf_pages(pdf)) for pdf in pdfs}
    assert [p for p, yes in shown.items() if not yes] == []


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = _demo(tmp_path_factory.mktemp("demo") / "p")
    _build_all(root)
    return root


def test_a_second_run_of_every_kind_writes_nothing(built):
    before = {k: (built / "build" / k).stat().st_mtime_ns for k in _files(built / "build")}
    _build_all(built)
    after = {k: (built / "build" / k).stat().st_mtime_ns for k in _files(built / "build")}
    assert after == before


@pytest.mark.parametrize("name", [
    "oeffentlich/sitzungen/wandsbek-jha-2011-05-11/Sitzungsmappe-oeffentlich.pdf",
    "intern/sitzungen/wandsbek-jha-2011-05-11/Einladung.docx",
    "intern/sitzungen/wandsbek-jha-2011-05-11/Beschlussauszuege/Beschlussauszug-TOP-Oe-3.pdf",
    "oeffentlich/sitzungen/wandsbek-jha-2011-05-11/Niederschrift.pdf",
    "oeffentlich/beschluesse/wandsbek/Beschlusskontrolle.csv",
    "oeffentlich/vorlagen/wandsbek/19-0167.pdf",
])
def test_a_deleted_or_overwritten_output_of_any_kind_is_made_again(built, name):
    target = built / "build" / name
    want = target.read_bytes()
    target.unlink()
    stray = target.with_name(f".{target.name}.abc123.tmp")
    stray.write_bytes(b"halb")
    _build_all(built)
    assert target.read_bytes() == want
    assert not stray.exists()
    target.write_bytes(b"kaputt")
    _build_all(built)
    assert target.read_bytes() == want


def test_a_sitzung_that_is_gone_leaves_no_documents(built, tmp_path):
    root = tmp_path / "p"
    shutil.copytree(built, root)
    for path in (root / "sitzungen").glob("lueneburg-sga-2019-04-04*"):
        path.unlink()
    _build_all(root)
    assert not list((root / "build").rglob("lueneburg-sga-2019-04-04*"))
    _build_all(root, out="sauber")
    assert _files(root / "build") == _files(root / "sauber")


def test_a_deleted_or_replaced_search_file_is_made_again(built):
    assert _run(built, "site").returncode == 0
    folder = built / "build" / "oeffentlich" / "site" / "pagefind"
    victims = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "pagefind-entry.json")[:2]
    want = [v.read_bytes() for v in victims]
    victims[0].unlink()
    victims[1].unlink()
    victims[1].write_bytes(b"kaputt")
    result = _run(built, "site")
    assert result.returncode == 0, result.stderr
    assert [v.read_bytes() for v in victims] == want


def test_two_runs_at_once_wait_for_each_other(built):
    """Every writing command takes the build folder's one lock: two site runs (and a Sitzung run, and
    ``dokumente --website``, which holds it for all its steps) started together all succeed, and leave
    no temporary file."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1304380800")
    runs = [subprocess.Popen([sys.executable, "-m", "vorlagengen", "-q", "-C", str(built), *cmd],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            for cmd in (["site"], ["site"], ["sitzung"], ["dokumente", "--website"], ["site"])]
    for proc in runs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    assert not list((built / "build").rglob("*.tmp"))
