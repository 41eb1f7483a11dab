"""``vorlagengen site`` with nothing changed ends before loading (documents/stamp.py); any change of
a source, an option, a document of the public tree, a file the site read elsewhere or a file of the
site itself makes the whole run, and the site then equals a clean build."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from site_support import copy_demo, fake_documents, site_files
from vorlagengen.cli import cli
from vorlagengen.load.project import load_project
from vorlagengen.public.projection import public_project

RECORD = "vorlagen/saarbruecken/0329-2018.yaml"
EXTERN = "extern/verfahrensregelungen.pdf"  # an Anlage outside vorlagen/


def _site(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--projekt", str(root), "site", *args])


def _noop(result: Result) -> bool:
    return result.exit_code == 0 and "0 Dateien geschrieben, 0 entfernt" in result.output


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_demo(tmp_path / "projekt")
    (root / "extern").mkdir()
    shutil.move(root / "vorlagen/saarbruecken/anlagen/verfahrensregelungen-ambulante-hilfen.pdf", root / EXTERN)
    record = root / RECORD
    record.write_text(record.read_text(encoding="utf-8").replace(
        "anlagen/verfahrensregelungen-ambulante-hilfen.pdf", f"../../{EXTERN}"), encoding="utf-8")
    fake_documents(public_project(load_project(root)), root / "build/oeffentlich")
    return root


def _clean_site(root: Path, tmp: Path, *args: str) -> dict[str, bytes]:
    clean = tmp / "sauber"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.copytree(root / "build/oeffentlich", clean / "oeffentlich", ignore=shutil.ignore_patterns("site"))
    done = _site(root, "--ausgabe", str(clean), *args)
    assert done.exit_code == 0, done.output
    return site_files(clean / "oeffentlich/site")


def test_a_second_run_with_nothing_changed_loads_nothing(project: Path, loads: list[Path]) -> None:
    first = _site(project)
    assert first.exit_code == 0 and not _noop(first), first.output
    again = _site(project)
    assert _noop(again), again.output
    assert again.output.startswith("Website: ") and "Seiten" in again.output
    assert len(loads) == 1


def _delete_page(root: Path) -> None:
    (root / "build/oeffentlich/site/index.html").unlink()


def _overwrite_page(root: Path) -> None:
    page = root / "build/oeffentlich/site/index.html"
    data = page.read_bytes()
    page.write_bytes(b"x" * len(data))  # the same size


def _leftover(root: Path) -> None:
    (root / "build/oeffentlich/site/.index.html.tmp").write_bytes(b"halb")


def _edit_record(root: Path) -> None:
    record = root / RECORD
    record.write_text(record.read_text(encoding="utf-8").replace("betreff: ", "betreff: Neu – ", 1), encoding="utf-8")


def _website(root: Path) -> None:
    (root / "data/website.yaml").write_text("titel: Ratsinfo Musterstadt\n", encoding="utf-8")


def _extern_anlage(root: Path) -> None:
    anlage = root / EXTERN
    anlage.write_bytes(anlage.read_bytes() + b"\n%Nachtrag\n")


def _document(root: Path) -> None:
    pdf = next((root / "build/oeffentlich/vorlagen/saarbruecken").glob("*.pdf"))
    pdf.unlink()
    pdf.write_bytes(b"%PDF-1.4\n% neu gesetzt\n%%EOF\n")


def _site_template(root: Path) -> None:
    (root / "templates/site").mkdir(parents=True, exist_ok=True)
    (root / "templates/site/suche.js").write_text("// eigene Suche\n", encoding="utf-8")


CHANGES: list[Callable[[Path], None]] = [_delete_page, _overwrite_page, _leftover, _edit_record, _website,
                                         _extern_anlage, _document, _site_template]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_any_change_makes_the_whole_run_and_the_site_equals_a_clean_build(project: Path, tmp_path: Path,
                                                                         change: Callable[[Path], None],
                                                                         loads: list[Path]) -> None:
    assert _site(project).exit_code == 0
    assert _noop(_site(project)) and len(loads) == 1
    change(project)
    done = _site(project)
    assert done.exit_code == 0 and not _noop(done), done.output
    assert len(loads) == 2
    assert site_files(project / "build/oeffentlich/site") == _clean_site(project, tmp_path)
    assert _noop(_site(project)) and len(loads) == 3  # the clean build loaded; the run after it has nothing to do


def test_another_basis_url_makes_the_whole_run(project: Path, tmp_path: Path, loads: list[Path]) -> None:
    assert _site(project).exit_code == 0
    done = _site(project, "--basis-url", "https://ratsinfo.example.org/")
    assert done.exit_code == 0 and not _noop(done) and len(loads) == 2, done.output
    assert site_files(project / "build/oeffentlich/site") == _clean_site(
        project, tmp_path, "--basis-url", "https://ratsinfo.example.org/")


def test_a_damaged_stamp_is_not_believed(project: Path, loads: list[Path]) -> None:
    assert _site(project).exit_code == 0
    stamp = project / "build/intern/site-stamp.json"
    data = bytearray(stamp.read_bytes())
    data[-5] ^= 1  # a flipped bit in the summary the stamp would print
    stamp.write_bytes(bytes(data))
    assert _site(project).exit_code == 0 and len(loads) == 2
    assert _site(project).exit_code == 0 and len(loads) == 2
