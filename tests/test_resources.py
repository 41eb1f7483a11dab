"""When the machine refuses – a full disk, a read-only or forbidden folder – every command says so in
German, names the path, exits with 1 without a traceback and leaves the old outputs as they were.
And the „Stand“ of a Sitzung tells the truth about the git state it was made from."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import vorlagengen.documents.writing
from conftest import LUENEBURG_HEAD, SITZUNG_SGA
from render_support import REPO
from vorlagengen.cli import cli
from vorlagengen.documents.stand import _parts, _stand

RECORD = LUENEBURG_HEAD.replace("{nr}", "VO/0001/19") + """sachverhalt: Text.
beratungsfolge:
  - gremium: lueneburg-sga
    datum: 2019-04-04
    zustaendigkeit: Entscheidung
"""
SITZUNG = SITZUNG_SGA
# Where even root may not write (a real refusal, no simulation): EPERM or EROFS.
FORBIDDEN = Path("/sys/vorlagengen-test")
REFUSALS = ("keine Berechtigung", "Dateisystem ist schreibgeschützt")


def project(tmp_path: Path, betreff: str = "Erster Stand") -> Path:
    root = tmp_path / "p"
    shutil.copytree(REPO / "data", root / "data")
    (root / "vorlagen").mkdir()
    (root / "vorlagen/a.yaml").write_text(RECORD.format(betreff=betreff), encoding="utf-8")
    (root / "sitzungen").mkdir()
    (root / "sitzungen/s.yaml").write_text(SITZUNG, encoding="utf-8")
    return root


def run(root: Path, *args: str):
    result = CliRunner().invoke(cli, ["--projekt", str(root), "-q", *args], catch_exceptions=True)
    out = result.output + (result.stderr or "")
    assert "Traceback" not in out
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, out


def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(vorlagengen.documents.writing.os, "replace", no_space)


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("command", [["build"], ["sitzung"]])
def test_full_disk_keeps_old_outputs_and_says_where(tmp_path, monkeypatch, command):
    root = project(tmp_path)
    assert run(root, *command)[0] == 0
    before = files(root / "build")
    (root / "vorlagen/a.yaml").write_text(RECORD.format(betreff="Zweiter Stand"), encoding="utf-8")
    full_disk(monkeypatch)
    code, out = run(root, *command)
    assert code == 1
    assert "Schreiben nicht möglich: kein Platz mehr auf dem Datenträger" in out, out
    assert str(root / "build") in out
    assert files(root / "build") == before, "alte Ausgaben verändert oder Reste hinterlassen"


@pytest.mark.parametrize("command", [
    ["build", "-o", str(FORBIDDEN)],
    ["sitzung", "-o", str(FORBIDDEN)],
    ["schema", "-o", str(FORBIDDEN)],
    ["validate", "--codequality", str(FORBIDDEN / "bericht.json")],
    ["new", "Beschlussvorlage", "-k", "lueneburg", "-o", str(FORBIDDEN / "neu.yaml")],
])
def test_forbidden_output_folder_is_a_german_error_naming_it(tmp_path, command):
    root = project(tmp_path)
    code, out = run(root, *command)
    assert code == 1
    assert str(FORBIDDEN) in out and any(r in out for r in REFUSALS), out
    assert not FORBIDDEN.exists()


@pytest.mark.parametrize("command", [["schema"], ["validate", "--codequality", "bericht.json"],
                                     ["new", "Beschlussvorlage", "-k", "lueneburg", "-o", "neu.yaml"]])
def test_full_disk_in_the_small_commands(tmp_path, monkeypatch, command):
    root = project(tmp_path)
    monkeypatch.chdir(root)
    full_disk(monkeypatch)
    code, out = run(root, *command)
    assert code == 1 and "kein Platz mehr auf dem Datenträger" in out, out


def test_temporary_folder_refused_is_a_german_error(tmp_path, monkeypatch):
    root = project(tmp_path)
    import vorlagengen.documents.engines as engines

    def refuse(*args: object, **kwargs: object) -> str:
        raise OSError(errno.ENOSPC, "No space left on device", "/tmp/vorlagengen-x")

    monkeypatch.setattr(engines.tempfile, "mkdtemp", refuse)
    code, out = run(root, "sitzung")
    assert code == 1 and "/tmp/vorlagengen-x: Zugriff nicht möglich: kein Platz mehr" in out, out


# --- Stand ----------------------------------------------------------------------------------------


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org",
                        "GIT_AUTHOR_DATE": "2019-03-22T12:00:00Z", "GIT_COMMITTER_DATE": "2019-03-22T12:00:00Z"})


def committed(tmp_path: Path) -> Path:
    root = project(tmp_path)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "Stand")
    return root


def test_stand_of_a_clean_checkout_names_its_commit(tmp_path):
    root = committed(tmp_path)
    text, epoch = _stand(root, None)
    assert text.startswith("22.03.2019, Commit ") and "Änderungen" not in text, text
    (root / "build").mkdir()
    (root / "build/x.pdf").write_bytes(b"x")  # outputs are no change of the inputs
    _parts.cache_clear()
    assert _stand(root, None) == (text, epoch) and epoch == 1553256000


@pytest.mark.parametrize("change", ["untracked record", "modified record", "untracked Sitzung"])
def test_local_changes_are_named(tmp_path, change):
    root = committed(tmp_path)
    if change == "untracked record":
        (root / "vorlagen/b.yaml").write_text(RECORD.format(betreff="Neu"), encoding="utf-8")
    elif change == "modified record":
        (root / "vorlagen/a.yaml").write_text(RECORD.format(betreff="Geändert"), encoding="utf-8")
    else:
        (root / "sitzungen/t.yaml").write_text(SITZUNG, encoding="utf-8")
    text, _ = _stand(root, None)
    assert text.endswith("mit lokalen Änderungen"), text


def test_project_inside_another_repository_is_not_given_its_commit(tmp_path):
    outer = tmp_path / "aussen"
    outer.mkdir()
    git(outer, "init", "-q")
    (outer / "README").write_text("x")
    git(outer, "add", ".")
    git(outer, "commit", "-qm", "fremd")
    root = project(outer)  # outer/p, never added to the outer repository
    text, _ = _stand(root, "1553256000")
    assert text.startswith("22.03.2019, ohne Versionsverwaltung (Projekt ist im Repository"), text
    assert "Commit" not in text


def test_repository_of_another_user_says_why_there_is_no_commit(tmp_path, monkeypatch):
    root = committed(tmp_path)
    if os.geteuid() == 0:
        shutil.chown(root, user="nobody")
        for path in root.rglob("*"):
            os.lchown(path, 65534, -1)
    else:  # not root: a git that answers as git does for a repository of another user
        fake = tmp_path / "bin"
        fake.mkdir()
        (fake / "git").write_text("#!/bin/sh\necho \"fatal: detected dubious ownership in repository at '$2'\" >&2\n"
                                  "exit 128\n")
        (fake / "git").chmod(0o755)
        monkeypatch.setenv("PATH", f"{fake}:{os.environ['PATH']}")
    text, _ = _stand(root, "1553256000")
    assert text == ("22.03.2019, ohne Commit: das Repository gehört einem anderen Benutzer, git liest es nicht "
                    "(freigeben mit „git config --global --add safe.directory PFAD“)"), text


@pytest.mark.parametrize("command", ["niederschrift", "beschluesse", "site"])
def test_forbidden_output_folder_after_the_session_is_a_german_error(tmp_path, command):
    """The commands after the session (Niederschriften, Beschlusskontrolle, website) refuse a folder
    they may not write like build does: German, naming the path, exit 1, nothing made."""
    root = tmp_path / "demo"
    for folder in ("data", "vorlagen", "sitzungen"):
        shutil.copytree(REPO / folder, root / folder)
    code, out = run(root, command, "-o", str(FORBIDDEN))
    assert code == 1
    assert str(FORBIDDEN) in out and any(r in out for r in REFUSALS), out
    assert not FORBIDDEN.exists()
