"""Where an Anlage lies: its folder is resolved once per folder and run, the file itself only when it
is a symbolic link; the answer equals ``Path.resolve`` in every case, and a symbolic-link loop is an
Anlage that is not found (a located German message, no traceback)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import SMALL_PDF, WANDSBEK_PATH, WANDSBEK_TEXT, Projekt
from vorlagengen.model import records
from vorlagengen.model.records import anlage_path, forget_anlage_folders

W = WANDSBEK_PATH
ANLAGE = "datei: anlagen/kontrakt.pdf"

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolische Links nötig")


def _with_anlage(datei: str) -> str:
    assert WANDSBEK_TEXT.count(ANLAGE) == 1
    return WANDSBEK_TEXT.replace(ANLAGE, f"datei: {datei}")


def _problems(projekt: Projekt) -> list[str]:
    result = projekt.validate()
    assert "Traceback" not in result.output
    return result.stderr.splitlines()[:-1]


def test_loop_of_the_file_is_not_found(projekt: Projekt) -> None:
    link = projekt.root / "vorlagen/wandsbek/anlagen/kreis.pdf"
    link.symlink_to(link)
    projekt.write_text(W, _with_anlage("anlagen/kreis.pdf"))
    assert _problems(projekt) == [f"{W}:23:5: anlagen[1].datei: Anlage „anlagen/kreis.pdf“ nicht gefunden"]


def test_loop_of_folders_is_not_found(projekt: Projekt) -> None:
    base = projekt.root / "vorlagen/wandsbek/anlagen"
    (base / "a").symlink_to(base / "b", target_is_directory=True)
    (base / "b").symlink_to(base / "a", target_is_directory=True)
    projekt.write_text(W, _with_anlage("anlagen/a/kontrakt.pdf"))
    assert _problems(projekt) == [f"{W}:23:5: anlagen[1].datei: Anlage „anlagen/a/kontrakt.pdf“ nicht gefunden"]


def test_linked_folder_inside_the_project_passes(projekt: Projekt) -> None:
    projekt.write_bytes("gemeinsam/plan.pdf", SMALL_PDF)
    (projekt.root / "vorlagen/wandsbek/geteilt").symlink_to(projekt.root / "gemeinsam", target_is_directory=True)
    projekt.write_text(W, _with_anlage("geteilt/plan.pdf"))
    assert _problems(projekt) == []


def test_linked_folder_leading_out_is_refused(projekt: Projekt) -> None:
    outside = projekt.root.parent / "draussen"
    outside.mkdir()
    (outside / "plan.pdf").write_bytes(SMALL_PDF)
    (projekt.root / "vorlagen/wandsbek/weg").symlink_to(outside, target_is_directory=True)
    projekt.write_text(W, _with_anlage("weg/plan.pdf"))
    assert _problems(projekt) == [f"{W}:23:5: anlagen[1].datei: Pfad „weg/plan.pdf“ führt über einen symbolischen "
                                  "Link aus dem Projektordner heraus"]


@pytest.mark.parametrize("datei", ["anlagen/kontrakt.pdf", "anlagen/./kontrakt.pdf", "anlagen//kontrakt.pdf",
                                   "anlagen/../anlagen/kontrakt.pdf", "anlagen/x/..", "anlagen/", ".", "..",
                                   "anlagen/link.pdf", "anlagen/kreis.pdf", "anlagen/a/kontrakt.pdf",
                                   "anlagen/tief/../kontrakt.pdf", "anlagen/fehlt/x.pdf", "anlagen/kontrakt.pdf/x"])
def test_same_place_as_resolve(tmp_path: Path, datei: str) -> None:
    base = tmp_path / "vorlagen" / "anlagen"
    (base / "tief").mkdir(parents=True)
    (base / "kontrakt.pdf").write_bytes(SMALL_PDF)
    (base / "link.pdf").symlink_to(base / "tief" / ".." / "kontrakt.pdf")
    (base / "kreis.pdf").symlink_to(base / "kreis.pdf")
    (base / "a").symlink_to(base / "b", target_is_directory=True)
    (base / "b").symlink_to(base / "a", target_is_directory=True)
    record = tmp_path / "vorlagen" / "x.yaml"
    forget_anlage_folders()
    try:
        expected = (record.parent / datei).resolve()
    except RuntimeError:  # a loop: Path.resolve gives up, the place is the path as written
        expected = Path(os.path.abspath(record.parent / datei))
    assert anlage_path(datei, record) == expected
    assert anlage_path(datei, record) == expected  # again, from the folder kept


def test_each_folder_is_resolved_once_per_run(projekt: Projekt, monkeypatch: pytest.MonkeyPatch) -> None:
    projekt.write_bytes("gemeinsam/plan.pdf", SMALL_PDF)
    text = WANDSBEK_TEXT.replace(ANLAGE, "datei: ../../gemeinsam/plan.pdf")
    for i in range(1, 6):
        projekt.write_text(f"vorlagen/wandsbek/kopie-{i}.yaml", text)  # same Nummer: other problems, same folder
    resolved: list[str] = []
    real = os.path.realpath

    def counting(path: str | os.PathLike[str], **kwargs: bool) -> str:
        resolved.append(os.fspath(path))
        return real(path, **kwargs)

    monkeypatch.setattr(records.os.path, "realpath", counting)
    projekt.validate()
    gemeinsam = [p for p in resolved if "gemeinsam" in p]
    assert len(gemeinsam) == 1, gemeinsam
    resolved.clear()
    projekt.validate()  # a new run looks again: a link may have changed in between
    assert len([p for p in resolved if "gemeinsam" in p]) == 1
