"""``vorlagengen build`` after an edit of a record's own texts only (Sachverhalt, Beschlussvorschlag,
Antwort, Abschnitte, Finanzen) loads and sets only the changed records (cli._only_changed); any
other change — a fact other records, Sitzungen or checks see, a record added or removed, anything
else the stamp watches — makes the whole run. Either way the build folder equals a clean build."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vorlagengen.checks.anlagen as anlagen
import vorlagengen.documents.recipe as recipe
import vorlagengen.load.project as loading
from render_support import REPO
from site_support import copy_demo
from test_incremental import (
    _rewrite,
    _start,
    add_drucksache,
    damage_output,
    delete_drucksache,
    edit_field,
    fake_convert,
    rename_gremium,
    switch_status,
    touch_anlage,
)
from test_run_stamps import STAMP, _build, _clean, _run, files
from vorlagengen.documents.drucksache import build

ANTRAG = "vorlagen/wandsbek/19-0171.yaml"  # 19/0178 refers to it: its Betreff shows there
OTHER = "vorlagen/saarbruecken/0329-2018.yaml"


@pytest.fixture(autouse=True)
def fake_recipe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recipe, "convert", fake_convert)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_demo(tmp_path / "projekt")


@pytest.fixture
def selections(monkeypatch: pytest.MonkeyPatch) -> list[list[str] | None]:
    """What each load of the commands selected: None for the whole project, else the files."""
    seen: list[list[str] | None] = []
    real = loading.load_project

    def spy(root: Path, paths: Any = None, *args: Any, **kwargs: Any) -> Any:
        seen.append(None if paths is None else sorted(Path(p).relative_to(root).as_posix() for p in paths))
        return real(root, paths, *args, **kwargs)

    monkeypatch.setattr(loading, "load_project", spy)
    return seen


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _own_text(root: Path) -> None:
    _replace(root / ANTRAG, "sachverhalt: |\n", "sachverhalt: |\n  Ein neuer erster Satz.\n\n")


def _own_texts_of_two(root: Path) -> None:
    _own_text(root)
    _replace(root / OTHER, "sachverhalt: |\n", "sachverhalt: |\n  Vorab: neu gefasst.\n\n")


ONLY_OWN: list[Callable[[Path], None]] = [_own_text, _own_texts_of_two]


@pytest.mark.parametrize("change", ONLY_OWN, ids=[c.__name__.strip("_") for c in ONLY_OWN])
def test_an_edit_of_own_texts_sets_only_that_record_and_equals_a_clean_build(
        project: Path, tmp_path: Path, selections: list[list[str] | None], change: Callable[[Path], None]) -> None:
    first = _build(project)
    change(project)
    done = _build(project)
    changed = sorted({ANTRAG, OTHER} if change is _own_texts_of_two else {ANTRAG})
    assert selections == [None, changed]
    assert files(project / "build") == _clean(project, tmp_path)
    # it says what the whole run says: every Drucksache counted, the files written and the others unchanged
    total = int(first.output.split(": ")[1].split()[0])
    written = 4 * len(changed)  # public and internal form, DOCX and PDF
    assert done.output.endswith(f"{written} Dateien geschrieben, {total - written} unverändert "
                                f"({project / 'build'})\n"), done.output
    assert _build(project).output.endswith(f"0 Dateien geschrieben, {total} unverändert ({project / 'build'})\n")
    assert len(selections) == 3  # the clean build; the run after the edit's has nothing to do


def test_edit_after_edit_each_sets_only_that_record_and_opens_no_anlage(
        project: Path, tmp_path: Path, selections: list[list[str] | None], monkeypatch: pytest.MonkeyPatch) -> None:
    """The stamp a run of changed records keeps (its outputs taken from the scan before where their
    folders are unchanged) lets the next such run through; the Anlagen of a changed record, unchanged
    as all else, keep their verdicts and the page counts the documents show: none is opened again."""
    import pikepdf

    import vorlagengen.documents.context as context

    opened: list[Path] = []
    real = anlagen._pdf_problem
    monkeypatch.setattr(anlagen, "_pdf_problem", lambda path, *a: opened.append(path) or real(path, *a))
    counted: list[str] = []
    real_open = pikepdf.open
    monkeypatch.setattr(pikepdf, "open", lambda path, *a, **k: counted.append(str(path)) or real_open(path, *a, **k))
    _build(project)
    assert opened and any(p.endswith("verfahrensregelungen-ambulante-hilfen.pdf") for p in counted)
    for n in range(3):
        opened.clear()
        counted.clear()
        anlagen._verdict.cache_clear()  # as in a new process
        context._PAGES.clear()
        _replace(project / OTHER, "sachverhalt: |\n", f"sachverhalt: |\n  Fassung {n}.\n\n")
        _build(project)
        assert selections[-1] == [OTHER] and opened == [] and counted == []
    assert selections == [None, [OTHER], [OTHER], [OTHER]]
    assert files(project / "build") == _clean(project, tmp_path)


def _betreff(root: Path) -> None:
    _replace(root / ANTRAG, "betreff: Neugestaltung", "betreff: Umgestaltung")


def _status(root: Path) -> None:
    _replace(root / OTHER, "status: öffentlich", "status: nichtöffentlich")


def _entwurf(root: Path) -> None:
    _replace(root / OTHER, "status: öffentlich\n", "status: öffentlich\nentwurf: ja\n")


def _schwaerzung(root: Path) -> None:
    _replace(root / ANTRAG, "status: öffentlich\n", "status: öffentlich\nschwaerzen: [Bauabschnitten]\n")
    _replace(root / ANTRAG, "zwei Bauabschnitten", "zwei [Bauabschnitten]{.geschwaerzt}")


def _own_text_and_data(root: Path) -> None:
    _own_text(root)
    path = root / "data/gremien.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# geprüft\n", encoding="utf-8")


def _own_text_and_added(root: Path) -> None:
    _own_text(root)
    text = (root / OTHER).read_text(encoding="utf-8").replace("0329/2018", "0330/2018")
    (root / OTHER).with_name("0330-2018.yaml").write_text(text, encoding="utf-8")


def _own_text_with_an_error(root: Path) -> None:
    _replace(root / ANTRAG, "sachverhalt: |\n", "sachverhalt: |\n  Siehe [Link](javascript:alert(1)).\n\n")


OTHER_CHANGES: list[Callable[[Path], None]] = [_betreff, _status, _entwurf, _schwaerzung, _own_text_and_data,
                                               _own_text_and_added]


@pytest.mark.parametrize("change", OTHER_CHANGES, ids=[c.__name__.strip("_") for c in OTHER_CHANGES])
def test_any_other_change_makes_the_whole_build_and_it_equals_a_clean_build(
        project: Path, tmp_path: Path, selections: list[list[str] | None], change: Callable[[Path], None]) -> None:
    _build(project)
    change(project)
    _build(project)
    assert selections == [None, None]  # the changed record was read, not loaded
    assert files(project / "build") == _clean(project, tmp_path)


def test_the_betreff_changed_shows_in_the_drucksache_that_refers_to_it(project: Path) -> None:
    _build(project)
    before = files(project / "build")
    _betreff(project)
    _build(project)
    after = files(project / "build")
    referring = "intern/vorlagen/wandsbek/19-0178.pdf"
    assert before[referring] != after[referring]


def test_an_error_in_an_own_text_is_reported_as_by_the_whole_run(project: Path, tmp_path: Path) -> None:
    _build(project)
    _own_text_with_an_error(project)
    done = _run(project, "build")
    alone = copy_demo(tmp_path / "zweites")
    _own_text_with_an_error(alone)
    whole = _run(alone, "build")
    assert done.exit_code == whole.exit_code != 0

    def shown(output: str, root: Path) -> str:  # messages name files relative to the working folder
        return output.replace(os.path.relpath(root), "P").replace(str(root), "P")

    assert shown(done.output, project) == shown(whole.output, alone)


def test_the_stamp_keeps_the_facts_of_every_record(project: Path) -> None:
    _build(project)
    kept = json.loads((project / STAMP).read_bytes().split(b"\n", 1)[1])
    records = sorted(str(p) for p in (project / "vorlagen").rglob("*.yaml"))
    assert sorted(kept["summary"]["facts"]) == records == sorted(kept["records"])
    assert all(kept["summary"]["facts"].values())


# --- random edits, each followed by the command ----------------------------------------------------


def edit_own_text(root: Path, n: int) -> None:
    record = sorted((root / "vorlagen").rglob("*.yaml"))[n % 5]
    text = record.read_text(encoding="utf-8")
    if "sachverhalt: |\n" in text:
        _rewrite(record, text.replace("sachverhalt: |\n", f"sachverhalt: |\n  Satz {n}.\n\n", 1).encode("utf-8"))


def edit_referred_betreff(root: Path, n: int) -> None:
    """The Betreff of 19/0171, which 19/0178 names: a fact of another record's document."""
    _rewrite(root / ANTRAG, (root / ANTRAG).read_text(encoding="utf-8").replace(
        "betreff: ", f"betreff: Fassung {n} ", 1).encode("utf-8"))


EDITS: list[Callable[[Path, int], None]] = [edit_own_text, edit_own_text, edit_own_text, edit_referred_betreff,
                                            edit_field, switch_status, add_drucksache, delete_drucksache,
                                            touch_anlage, damage_output, rename_gremium]


def _drucksachen(out: Path) -> dict[str, bytes]:
    return {k: v for k, v in files(out).items() if k.split("/")[1:2] == ["vorlagen"]}


@pytest.fixture(scope="module")
def vorlage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project of two Körperschaften, outside git; each sequence starts from hard links to it."""
    base = tmp_path_factory.mktemp("vorlage")
    for name in ("data", "sitzungen", "vorlagen/wandsbek", "vorlagen/lueneburg"):
        shutil.copytree(REPO / name, base / name)
    return base


def test_random_edits_built_by_the_command_end_as_a_clean_build(
        vorlage: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
        selections: list[list[str] | None]) -> None:
    """Sequences of edits, ``vorlagengen build`` after each: whether it set only the changed records
    or ran whole, its Drucksachen equal a clean build of the same state."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1304380800")
    work = tmp_path_factory.mktemp("befehl") / "p"

    @settings(max_examples=12, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 50)), min_size=1, max_size=5))
    def run(edits: list[tuple[Callable[[Path, int], None], int]]) -> None:
        _start(vorlage, work, Path("/nonexistent"))
        assert _run(work, "-q", "build").exit_code == 0
        for edit, n in edits:
            edit(work, n)
            if _run(work, "-q", "build").exit_code != 0:
                continue  # a state that does not validate is not built; the next one is
            clean = work.parent / "sauber"
            shutil.rmtree(clean, ignore_errors=True)
            build(loading.load_project(work, jobs=1), clean, complete=True, jobs=1)
            assert _drucksachen(work / "build") == _drucksachen(clean), (edit.__name__, n)

    run()
    assert any(s is not None for s in selections), "no run set only the changed records"
