"""``vorlagengen build`` and ``vorlagengen validate`` with nothing changed end at their stamp, before
loading (runstamps.py); any change of a source, an Anlage, an output, an option or the code makes the
whole run, whose result then equals a clean build; a damaged or foreign stamp is never believed."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import vorlagengen.documents.recipe as recipe
import vorlagengen.documents.stamp as stamp_module
from site_support import copy_demo
from test_incremental import fake_convert  # the recipe's stand-in: fast, and every input shows
from vorlagengen.cli import FORMATS, cli
from vorlagengen.runstamps import BUILD_STAMP, VALIDATE_PREFIX

RECORD = "vorlagen/saarbruecken/0329-2018.yaml"
ANLAGE = "vorlagen/saarbruecken/anlagen/verfahrensregelungen-ambulante-hilfen.pdf"
STAMP = f"build/intern/{BUILD_STAMP}"


@pytest.fixture(autouse=True)
def fake_recipe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recipe, "convert", fake_convert)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_demo(tmp_path / "projekt")


def _run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--projekt", str(root), *args])


def _build(root: Path, *args: str) -> Result:
    done = _run(root, "build", *args)
    assert done.exit_code == 0, done.output
    return done


def files(out: Path) -> dict[str, bytes]:
    """The documents of a build folder (not the hidden manifest, lock and stamp)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.name.startswith(".") and ".cache" not in p.parts}


def _clean(root: Path, tmp: Path, *args: str) -> dict[str, bytes]:
    clean = tmp / "sauber"
    shutil.rmtree(clean, ignore_errors=True)
    _build(root, "--ausgabe", str(clean), *args)
    return files(clean)


# --- build ---------------------------------------------------------------------------------------


def test_a_second_build_with_nothing_changed_loads_nothing_and_says_what_a_full_run_says(
        project: Path, loads: list[Path]) -> None:
    first = _build(project)
    assert " geschrieben, 0 unverändert" in first.output and len(loads) == 1
    again = _build(project)
    assert len(loads) == 1
    assert again.output.endswith(f"0 Dateien geschrieben, {first.output.split(': ')[1].split()[0]} unverändert "
                                 f"({project / 'build'})\n")
    (project / STAMP).unlink()
    full = _build(project)  # the same run without its stamp
    assert len(loads) == 2 and full.output == again.output
    assert _build(project).output == again.output and len(loads) == 2
    assert _run(project, "-q", "build").output == "" and len(loads) == 2


def test_the_stamp_is_hidden_in_the_internal_tree_and_never_published(project: Path) -> None:
    _build(project)
    assert (project / STAMP).is_file()
    assert not [p for p in (project / "build").rglob("*") if "stamp" in p.name and p != project / STAMP]
    assert (project / STAMP).read_bytes().split(b"\n", 1)[0] == hashlib.sha256(
        (project / STAMP).read_bytes().split(b"\n", 1)[1]).hexdigest().encode()


def _edit_record(root: Path) -> None:
    """The same size, the time set back: only the change time and the bytes tell."""
    record = root / RECORD
    st = record.stat()
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("betreff: ", "betreff: X", 1).replace("\n\n", "\n", 1), encoding="utf-8")
    assert record.stat().st_size == st.st_size
    os.utime(record, ns=(st.st_atime_ns, st.st_mtime_ns))


def _add_record(root: Path) -> None:
    shutil.copy(root / RECORD, root / "vorlagen/saarbruecken/0330-2018.yaml")
    path = root / "vorlagen/saarbruecken/0330-2018.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("0329/2018", "0330/2018"), encoding="utf-8")


def _delete_record(root: Path) -> None:
    (root / "vorlagen/segeberg/DrS-2011-054.yaml").unlink()


def _replace_anlage(root: Path) -> None:
    anlage = root / ANLAGE
    data = anlage.read_bytes()
    anlage.unlink()
    anlage.write_bytes(data.replace(b"%%EOF", b"%%EOF\n%Nachtrag", 1))


def _change_data(root: Path) -> None:
    path = root / "data/gremien.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# geprüft\n", encoding="utf-8")


def _change_template(root: Path) -> None:
    path = root / "templates/saarbruecken/vorlage.md.j2"
    path.write_text(path.read_text(encoding="utf-8") + "\nNachsatz.\n", encoding="utf-8")


def _change_sitzung(root: Path) -> None:
    path = next((root / "sitzungen").glob("*.yaml"))
    path.write_text(path.read_text(encoding="utf-8") + "\n# geprüft\n", encoding="utf-8")


def _delete_output(root: Path) -> None:
    next((root / "build/intern/vorlagen/saarbruecken").glob("*.pdf")).unlink()


def _overwrite_output(root: Path) -> None:
    path = next((root / "build/oeffentlich/vorlagen/saarbruecken").glob("*.docx"))
    path.write_bytes(b"x" * path.stat().st_size)  # in place, the same size


def _replace_output(root: Path) -> None:
    path = next((root / "build/oeffentlich/vorlagen/saarbruecken").glob("*.pdf"))
    path.unlink()
    path.write_bytes(b"%PDF-1.4\n% von Hand\n%%EOF\n")


def _add_output(root: Path) -> None:
    (root / "build/oeffentlich/vorlagen/saarbruecken/fremd.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")


def _damage_manifest(root: Path) -> None:
    (root / "build/intern/.vorlagen.json").write_text("{}", encoding="utf-8")


CHANGES: list[Callable[[Path], None]] = [_edit_record, _add_record, _delete_record, _replace_anlage, _change_data,
                                         _change_template, _change_sitzung, _delete_output, _overwrite_output,
                                         _replace_output, _add_output, _damage_manifest]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_any_change_makes_the_whole_build_and_it_equals_a_clean_build(project: Path, tmp_path: Path, loads: list[Path],
                                                                      change: Callable[[Path], None]) -> None:
    assert _run(project, "layout", "kopieren", "saarbruecken").exit_code == 0
    _build(project)
    _build(project)
    assert len(loads) == 1
    change(project)
    _build(project)
    assert len(loads) == 2
    assert files(project / "build") == _clean(project, tmp_path)
    _build(project)
    assert len(loads) == 3  # the clean build loaded; the run after it has nothing to do


@pytest.mark.parametrize("command", ["build", "validate"])
def test_a_record_edited_long_ago_with_its_old_time_makes_the_whole_run(project: Path, loads: list[Path],
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        command: str) -> None:
    """Without the bytes of young files (as if the edit were older than the clock step) the change
    time tells, as it tells the check cache."""
    monkeypatch.setattr(stamp_module, "RACY_NS", 0)
    assert _run(project, command).exit_code == 0
    assert _run(project, command).exit_code == 0 and len(loads) == 1
    _edit_record(project)
    assert _run(project, command).exit_code == 0
    assert len(loads) == 2


def test_an_output_overwritten_with_its_old_time_makes_the_whole_build(project: Path, loads: list[Path]) -> None:
    """The stamp sees the change time and lets the build decide (whose manifest keeps size, time and inode)."""
    _build(project)
    path = next((project / "build/oeffentlich/vorlagen/saarbruecken").glob("*.docx"))
    st = path.stat()
    path.write_bytes(b"x" * st.st_size)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    _build(project)
    assert len(loads) == 2


@pytest.mark.parametrize("options", [["--format", "pdf"], ["--layout", "allris"], ["vorlagen/wandsbek"], ["--neu"]])
def test_other_options_make_the_whole_build(project: Path, tmp_path: Path, loads: list[Path],
                                            options: list[str]) -> None:
    _build(project)
    cwd = os.getcwd()
    os.chdir(project)  # a selection names paths from the working folder
    try:
        _build(project, *options)
        assert len(loads) == 2
        if options != ["--neu"]:
            _build(project, *options)
            assert len(loads) == 2  # stamped with its options
        _build(project)
    finally:
        os.chdir(cwd)
    assert len(loads) == (2 if options == ["--neu"] else 3)  # a run with --neu left what a plain one leaves
    assert files(project / "build") == _clean(project, tmp_path)


def test_a_record_outside_the_project_folders_is_built_without_a_stamp(project: Path, tmp_path: Path,
                                                                       loads: list[Path]) -> None:
    elsewhere = tmp_path / "anderswo.yaml"
    shutil.copy(project / "vorlagen/wandsbek/19-0178.yaml", elsewhere)
    for _ in range(2):
        assert _run(project, "build", str(elsewhere)).exit_code in (0, 1)
    assert len(loads) == 2


def test_other_code_settings_or_an_outside_anlage_make_the_whole_build(project: Path, tmp_path: Path,
                                                                       loads: list[Path],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    code = tmp_path / "code"
    code.mkdir()
    (code / "modul.py").write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(stamp_module, "PACKAGE", code)
    (project / "extern").mkdir()
    shutil.move(project / ANLAGE, project / "extern/anlage.pdf")
    record = project / RECORD
    record.write_text(record.read_text(encoding="utf-8").replace(
        "anlagen/verfahrensregelungen-ambulante-hilfen.pdf", "../../extern/anlage.pdf"), encoding="utf-8")
    _build(project)
    _build(project)
    assert len(loads) == 1
    (code / "modul.py").write_text("A = 2\n", encoding="utf-8")
    _build(project)
    assert len(loads) == 2
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1304380800")
    _build(project)
    assert len(loads) == 3
    anlage = project / "extern/anlage.pdf"
    anlage.write_bytes(anlage.read_bytes() + b"\n%Nachtrag\n")
    _build(project)
    assert len(loads) == 4
    _build(project)
    assert len(loads) == 4
    assert files(project / "build") == _clean(project, tmp_path)


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-5] ^= 1
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:100])


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00\xff" * 50)


def _rehashed(path: Path) -> None:
    """A changed summary with a fitting checksum but another format: still not believed."""
    body = json.loads(path.read_bytes().split(b"\n", 1)[1])
    body["format"] = 0
    data = json.dumps(body).encode()
    path.write_bytes(hashlib.sha256(data).hexdigest().encode() + b"\n" + data)


@pytest.mark.parametrize("damage", [_flip, _truncate, _garbage, _rehashed], ids=["bit", "kurz", "müll", "format"])
def test_a_damaged_build_stamp_is_not_believed(project: Path, loads: list[Path],
                                               damage: Callable[[Path], None]) -> None:
    _build(project)
    damage(project / STAMP)
    _build(project)
    assert len(loads) == 2
    _build(project)  # the whole run wrote a sound stamp again
    assert len(loads) == 2


def test_a_copy_at_another_path_does_not_trust_the_stamp_and_equals_a_clean_build(project: Path, tmp_path: Path,
                                                                                   loads: list[Path]) -> None:
    _build(project)
    copy = tmp_path / "kopie"
    shutil.copytree(project, copy, copy_function=os.link)  # the same inodes and times: only the path differs
    (project / RECORD).unlink()  # the original changes, its copy not (a new file, not the linked one)
    shutil.copy(copy / RECORD, project / RECORD)
    _build(copy)
    assert len(loads) == 2
    assert files(copy / "build") == _clean(copy, tmp_path)


def test_a_build_with_an_error_keeps_no_stamp(project: Path, loads: list[Path]) -> None:
    record = project / RECORD
    good = record.read_text(encoding="utf-8")
    record.write_text(good.replace("betreff: ", "betreff:\n  - ", 1), encoding="utf-8")
    for _ in range(2):
        assert _run(project, "build").exit_code == 1
    assert len(loads) == 2 and not (project / STAMP).exists()


def test_the_command_line_names_the_recipes_formats_and_the_stamp_the_builds_lock() -> None:
    from vorlagengen.documents.lock import LOCK
    from vorlagengen.runstamps import LOCK as STAMPS_LOCK

    assert FORMATS == recipe.FORMATS
    assert STAMPS_LOCK == LOCK


# --- validate ------------------------------------------------------------------------------------


def _validate_stamps() -> list[Path]:
    return sorted(Path(os.environ["VORLAGENGEN_CACHE"]).glob(f"{VALIDATE_PREFIX}*.json"))


def test_a_second_validate_loads_nothing_and_prints_the_same(project: Path, tmp_path: Path,
                                                             loads: list[Path]) -> None:
    report = tmp_path / "codequality.json"
    before = set(_validate_stamps())
    first = _run(project, "validate", "--codequality", str(report))
    assert first.exit_code == 0 and "Warnung" in first.stderr and "0 Fehler" in first.stdout, first.output
    written = report.read_bytes()
    report.unlink()
    again = _run(project, "validate", "--codequality", str(report))
    assert len(loads) == 1
    assert (again.exit_code, again.stdout, again.stderr) == (0, first.stdout, first.stderr)
    assert report.read_bytes() == written  # the report is written again
    new = sorted(set(_validate_stamps()) - before)
    assert len(new) == 1 and stat.S_IMODE(new[0].stat().st_mode) == 0o600
    quiet = _run(project, "-q", "validate", "--codequality", str(report))
    assert quiet.stdout == "" and quiet.stderr == first.stderr and len(loads) == 1
    as_json = _run(project, "validate", "--json")  # other options: its own run
    assert as_json.exit_code == 0 and json.loads(as_json.stdout) and len(loads) == 2


@pytest.mark.parametrize("change", [_edit_record, _add_record, _delete_record, _replace_anlage, _change_data,
                                    _change_sitzung], ids=lambda c: c.__name__.strip("_"))
def test_any_change_makes_the_whole_validate(project: Path, loads: list[Path], change: Callable[[Path], None]) -> None:
    assert _run(project, "validate").exit_code == 0
    assert _run(project, "validate").exit_code == 0 and len(loads) == 1
    change(project)
    done = _run(project, "validate")
    assert len(loads) == 2
    assert _run(project, "validate").output == done.output and len(loads) == 2


def test_a_validate_with_errors_is_not_stamped(project: Path, loads: list[Path]) -> None:
    assert _run(project, "validate").exit_code == 0
    (project / ANLAGE).unlink()
    for n in range(2):
        done = _run(project, "validate")
        assert done.exit_code == 1 and "nicht gefunden" in done.stderr and len(loads) == 2 + n


@pytest.mark.parametrize("damage", [_flip, _truncate, _garbage, _rehashed], ids=["bit", "kurz", "müll", "format"])
def test_a_damaged_validate_stamp_is_not_believed(project: Path, loads: list[Path],
                                                  damage: Callable[[Path], None]) -> None:
    before = set(_validate_stamps())
    first = _run(project, "validate")
    (path,) = set(_validate_stamps()) - before
    damage(path)
    again = _run(project, "validate")
    assert len(loads) == 2 and again.output == first.output


def test_without_a_cache_validate_keeps_no_stamp(project: Path, loads: list[Path],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VORLAGENGEN_CACHE", "aus")
    for _ in range(2):
        assert _run(project, "validate").exit_code == 0
    assert len(loads) == 2


# --- the entry: a plain build or validate answered without click ---------------------------------


def _entry(root: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """``vorlagengen ARGS`` through its entry (launch.py) in a new process, and the modules it loaded."""
    code = ("import sys, json\nfrom vorlagengen.launch import main\nsys.argv = ['vorlagengen', *json.loads(sys.argv[1])]\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\nelse:\n    code = 0\n"
            "sys.stdout.flush()\nsys.stderr.write('\\nMODULE ' + json.dumps(sorted(sys.modules)))\nsys.exit(code)")
    done = subprocess.run([sys.executable, "-c", code, json.dumps(list(args))], capture_output=True, text=True,
                          check=False, cwd=root, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    stderr, _, modules = done.stderr.rpartition("\nMODULE ")
    done.stderr = stderr
    return done, json.loads(modules)


@pytest.mark.parametrize("args", [["-q", "build"], ["--projekt", ".", "build"], ["validate"],
                                  ["-C", ".", "-q", "validate"], ["--intern", "validate"]])
def test_the_entry_answers_a_plain_run_from_its_stamp_as_the_command_line_does(project: Path, args: list[str],
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)  # the same working folder as the new processes
    first, modules = _entry(project, *args)
    assert first.returncode == 0, first.stderr
    assert "click" in modules  # something to do: the command line ran (with the real recipe)
    again, modules = _entry(project, *args)
    assert "click" not in modules and "vorlagengen.load.project" not in modules
    command_line = CliRunner().invoke(cli, args)  # the same stamp, answered by the command line
    assert (again.returncode, again.stdout, again.stderr) == (0, command_line.stdout, command_line.stderr)
    _edit_record(project)
    changed, modules = _entry(project, *args)
    assert changed.returncode == 0 and "click" in modules


@pytest.mark.parametrize("args", [["build", "vorlagen/segeberg"], ["-qC", ".", "validate"], ["validate", "--json"]])
def test_the_entry_leaves_any_other_call_to_the_command_line(project: Path, args: list[str]) -> None:
    for _ in range(2):
        done, modules = _entry(project, *args)
        assert done.returncode == 0, done.stderr
        assert "click" in modules


def test_the_entry_leaves_a_damaged_stamp_to_the_command_line(project: Path) -> None:
    _entry(project, "build")
    _flip(project / STAMP)
    done, modules = _entry(project, "build")
    assert done.returncode == 0 and "click" in modules


# --- a scan of the outputs that takes unchanged folders from the scan before ----------------------------


def _full_and_reused(top: Path, before: stamp_module._Scan) -> tuple[str, str, int]:
    """The digest of ``top`` scanned in full and taken from ``before`` where unchanged, and how many
    folders were taken."""
    full = stamp_module._Scan(time.time_ns(), hash_young=False, ctime=True)
    full.tree(str(top))
    reused = stamp_module._Scan(time.time_ns(), hash_young=False, ctime=True, reuse=before)
    taken = []
    replay = reused._replay

    def counted(folder: str, key: tuple[int, ...], skip: tuple[str, ...]) -> bool:
        done = replay(folder, key, skip)
        taken.extend([folder] if done else [])
        return done

    reused._replay = counted  # type: ignore[method-assign]
    reused.tree(str(top))
    return full.digest(), reused.digest(), len(taken)


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # as every write below the build folder: a rename


@pytest.mark.parametrize("change", ["nothing", "replaced", "added", "removed", "nested_added", "folder_removed",
                                    "folder_added", "in_place_young"])
def test_a_scan_taking_unchanged_folders_from_the_last_equals_a_full_scan(tmp_path: Path, change: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # a folder counts as unchanged when its times are older than the clock step before the scan: the
    # test's folders are made just now, so the step is taken as 0.1 s (their changes come 0.3 s later)
    monkeypatch.setattr(stamp_module, "RACY_NS", 100_000_000)
    top = tmp_path / "out"
    for kz in ("a", "b"):
        for n in range(3):
            (top / kz / "sub").mkdir(parents=True, exist_ok=True)
            (top / kz / f"{n}.pdf").write_bytes(b"x" * n)
            (top / kz / "sub" / f"{n}.docx").write_bytes(b"y" * n)
    time.sleep(0.3)
    before = stamp_module._Scan(time.time_ns(), hash_young=False, ctime=True)
    before.tree(str(top))
    time.sleep(0.3)
    changes: dict[str, Callable[[], object]] = {
        "nothing": lambda: None,
        "replaced": lambda: _replace(top / "a" / "1.pdf", b"neu"),
        "added": lambda: _replace(top / "b" / "9.pdf", b"neu"),
        "removed": lambda: (top / "a" / "2.pdf").unlink(),
        "nested_added": lambda: _replace(top / "b" / "sub" / "9.docx", b"neu"),
        "folder_removed": lambda: shutil.rmtree(top / "a" / "sub"),
        "folder_added": lambda: (top / "b" / "neu").mkdir(),
        "in_place_young": lambda: (top / "a" / "0.pdf").write_bytes(b"anders"),  # with a young folder
    }
    if change == "in_place_young":
        (top / "a" / "dazu.pdf").write_bytes(b"")  # the folder changed just now: listed and read anew
    changes[change]()
    time.sleep(0.15)
    full, reused, taken = _full_and_reused(top, before)
    assert reused == full
    # folders with nothing added, removed or renamed are taken from the last scan, the others read
    assert taken == {"nothing": 5, "replaced": 4, "added": 4, "removed": 4, "nested_added": 4,
                     "folder_removed": 3, "folder_added": 4, "in_place_young": 4}[change]
