"""The preview without a browser: which files it shows and which it ignores, that it re-renders only
what a change touches, that it answers only for itself (no path from a URL, no foreign Host, loopback
only), and that Ctrl-C and SIGTERM stop it cleanly."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from vorlagengen.documents.drucksache import build
from vorlagengen.errors import UserError
from vorlagengen.load.project import load_project
from vorlagengen.model.records import display_path
from vorlagengen.vorschau.session import Session, Update
from vorlagengen.vorschau.start import bind, can_open_browser
from vorlagengen.vorschau.targets import DRUCKSACHE, NIEDERSCHRIFT, SITZUNG, find_targets, is_temporary
from vorschau_support import NAME, RECORD, base_url, demo_project, fetch, preview


@pytest.mark.parametrize("name", [".19-0167.yaml.swp", ".19-0167.yaml.swx", "19-0167.yaml~", ".#19-0167.yaml",
                                  "#19-0167.yaml#", "4913", ".19-0167.yaml.abc123.tmp", ".DS_Store",
                                  ".goutputstream-XYZ12"])
def test_editors_leftovers_are_temporary(name: str) -> None:
    assert is_temporary(Path("vorlagen/wandsbek") / name)


def test_records_are_not_temporary() -> None:
    assert not is_temporary(Path("vorlagen/wandsbek/19-0167.yaml"))
    assert not is_temporary(Path("sitzungen/wandsbek-jha-2011-05-11.niederschrift.yaml"))


def test_targets_of_a_file_a_folder_and_the_project(tmp_path: Path) -> None:
    root = demo_project(tmp_path / "p")
    targets, folder = find_targets(root, root / RECORD)
    assert [(t.tid, t.kind) for t in targets] == [(RECORD, DRUCKSACHE)] and folder is None
    targets, folder = find_targets(root, root / "sitzungen")
    kinds = {t.tid: t.kind for t in targets}
    assert kinds["sitzungen/wandsbek-jha-2011-05-11.yaml"] == SITZUNG
    assert kinds["sitzungen/wandsbek-jha-2011-05-11.niederschrift.yaml"] == NIEDERSCHRIFT
    assert folder == root / "sitzungen"
    targets, _ = find_targets(root, None)
    assert {t.kind for t in targets} == {DRUCKSACHE, SITZUNG, NIEDERSCHRIFT}
    with pytest.raises(UserError, match="Datei oder Ordner nicht gefunden"):
        find_targets(root, root / "vorlagen/gibt-es-nicht.yaml")
    with pytest.raises(UserError, match=r"keine Drucksache .* dieses Projekts"):
        find_targets(root, root / "data/gremien.yaml")


def _updates(session: Session, tids: list[str]) -> list[tuple[str, str]]:
    session.load()
    return [(u.tid, u.face) if isinstance(u, Update) else (u, "") for u in session.refresh(tids)]


def test_only_what_a_change_touches_is_set_again(tmp_path: Path) -> None:
    root = demo_project(tmp_path / "p")
    targets, _ = find_targets(root, root / "vorlagen/wandsbek")
    session = Session(root, targets, None, tmp_path / "arbeit")
    tids = ["vorlagen/wandsbek/19-0178.yaml", RECORD]
    assert sorted(_updates(session, tids)) == sorted((t, "intern") for t in tids)  # the face looked at only
    for tid in tids:
        session.views[tid].preferred = "oeffentlich"  # the switch: now the public face is set
    assert sorted(_updates(session, tids)) == sorted((t, "oeffentlich") for t in tids)
    assert _updates(session, tids) == []  # nothing changed, nothing set
    other = root / "vorlagen/wandsbek/19-0175.yaml"  # no Bezug between it and the two
    other.write_text(other.read_text(encoding="utf-8").replace("betreff: ", "betreff: Anders – "), encoding="utf-8")
    assert _updates(session, tids) == []
    bezug = root / "vorlagen/wandsbek/19-0171.yaml"  # 19/0178 shows the Betreff of its Bezug 19/0171
    bezug.write_text(bezug.read_text(encoding="utf-8").replace("betreff: ", "betreff: Neu – "), encoding="utf-8")
    assert _updates(session, tids) == [("vorlagen/wandsbek/19-0178.yaml", "oeffentlich")]
    # another redacted name: the public face (made from the projection) stays the same, the internal one not
    record = root / RECORD
    record.write_text(record.read_text(encoding="utf-8").replace(NAME, "Max Muster"), encoding="utf-8")
    assert _updates(session, tids) == []
    session.views[RECORD].preferred = "intern"
    assert _updates(session, [RECORD]) == [(RECORD, "intern")]


def test_a_face_that_cannot_be_set_is_not_set_again_until_its_inputs_change(tmp_path: Path) -> None:
    """A layout error: the face is set once and shows the error; each further look (every page asks
    again when it is told of a change) sets nothing and tells nothing, until the layout changes."""
    root = demo_project(tmp_path / "p")
    tid = "vorlagen/wandsbek/19-0178.yaml"
    targets, _ = find_targets(root, root / tid)
    session = Session(root, targets, None, tmp_path / "arbeit")
    assert _updates(session, [tid]) == [(tid, "intern")]
    layout = root / "templates" / "hamburg" / "layout.typ"
    layout.parent.mkdir(parents=True)
    layout.write_text("#let vorlage(doc) = gibt-es-nicht(doc)\n", encoding="utf-8")
    session.load()
    [update] = list(session.refresh([tid]))
    assert isinstance(update, Update) and update.made is None and "typst" in "\n".join(update.error or [])
    assert [list(session.refresh([tid])) for _ in range(3)] == [[], [], []]
    layout.unlink()  # the packaged layout again: set again, without the error
    session.load()
    [update] = list(session.refresh([tid]))
    assert isinstance(update, Update) and update.made and not update.error


def test_both_faces_are_the_builds_files_byte_for_byte(tmp_path: Path) -> None:
    root = demo_project(tmp_path / "p")
    project = load_project(root)
    build(project, tmp_path / "build", ["pdf"])
    targets, _ = find_targets(root, root / RECORD)
    session = Session(root, targets, None, tmp_path / "arbeit")
    for face in ("intern", "oeffentlich"):
        session.views[RECORD].preferred = face
        session.load()
        [update] = [u for u in session.refresh([RECORD]) if isinstance(u, Update)]
        assert update.made == [("Drucksache", (tmp_path / "build" / face / "vorlagen/wandsbek/19-0167.pdf").read_bytes())]


@pytest.mark.parametrize("half", ["", "nummer: \"19/01", "\ufeff", "nummer: \"19/0167\"\ndatum: 2011-05-03\nkoerpersch"])
def test_a_file_saved_half_is_an_error_until_saved_whole(tmp_path: Path, half: str) -> None:
    root = demo_project(tmp_path / "p")
    record = root / RECORD
    whole = record.read_text(encoding="utf-8")
    targets, _ = find_targets(root, record)
    session = Session(root, targets, None, tmp_path / "arbeit")
    assert _updates(session, [RECORD]) == [(RECORD, "intern")]
    record.write_text(half, encoding="utf-8")
    assert _updates(session, [RECORD]) == [(RECORD, "")]
    problems = session.views[RECORD].problems
    assert problems and all(p.startswith(f"{display_path(record)}:") for p in problems), problems
    record.write_text(whole, encoding="utf-8")
    assert _updates(session, [RECORD]) == [(RECORD, "")]  # errors gone; the document is the same as before
    assert session.views[RECORD].problems == []


def test_a_non_public_drucksache_has_no_public_face(tmp_path: Path) -> None:
    root = demo_project(tmp_path / "p")
    tid = "vorlagen/wandsbek/19-0175.yaml"  # status: nichtöffentlich
    targets, _ = find_targets(root, root / tid)
    session = Session(root, targets, None, tmp_path / "arbeit")
    session.views[tid].preferred = "oeffentlich"
    session.load()
    [update] = [u for u in session.refresh([tid]) if isinstance(u, Update)]
    assert update.made == [] and "nichtöffentlich" in update.note


def test_answers_only_for_its_own_files_and_host(tmp_path: Path) -> None:
    root = demo_project(tmp_path / "p")
    with preview(root, root / RECORD) as run:
        url = base_url(run)
        assert run.sock.getsockname()[0] == "127.0.0.1"
        assert run.url == url + "ansicht/" + RECORD
        status, body = fetch(run.url)
        assert status == 200 and b'lang="de"' in body
        src = re.search(rb'src="(/bild/[^"]+)"', body)
        assert src is not None
        status, jpeg = fetch(url + src.group(1).decode()[1:])
        assert status == 200 and jpeg.startswith(b"\xff\xd8\xff")
        for path in ("ansicht/data/personen.yaml", "ansicht/../data/personen.yaml", "ansicht/%2e%2e/data/personen.yaml",
                     "teil/vorlagen/wandsbek/19-0171.yaml", "bild/intern/1/0/1/../../../../../etc/passwd",
                     "bild/intern/999/0/1/" + RECORD, "bild/intern/1/5/1/" + RECORD, "bild/intern/1/0/99/" + RECORD,
                     "bild/geheim/1/0/1/" + RECORD, "static/../cli.py", "static/vorschau.py", "build/intern"):
            status, body = fetch(url + path)
            assert status == 404, path
            assert b"root:" not in body and b"personen" not in body
        status, _ = fetch(url, host="angreifer.example")  # DNS rebinding: a foreign name is refused
        assert status == 400


def test_no_browser_without_a_display(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    assert can_open_browser() is (not sys.platform.startswith("linux"))
    monkeypatch.setenv("DISPLAY", ":0")
    assert can_open_browser()


def test_a_taken_port() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(UserError, match=f"Port {port} ist belegt – mit --port einen anderen wählen"):
            bind("127.0.0.1", port, 1)
        other = bind("127.0.0.1", port, 5)  # without --port: the next free one
        assert other.getsockname()[1] != port
        other.close()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_stops_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    root = demo_project(tmp_path / "p")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "TMPDIR": str(tmp), "DISPLAY": ""}
    proc = subprocess.Popen([sys.executable, "-m", "vorlagengen", "-C", str(root), "vorschau", RECORD, "--port",
                             str(port), "--kein-browser"], cwd=root, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith(f"Vorschau unter http://127.0.0.1:{port}/ansicht/{RECORD}"), line
    status, _ = fetch(f"http://127.0.0.1:{port}/ansicht/{RECORD}")  # something set: pandoc and typst warm
    assert status == 200
    assert any(tmp.iterdir())
    events = urllib.request.urlopen(f"http://127.0.0.1:{port}/ereignisse", timeout=60)  # an open page's stream
    assert events.readline() == b"retry: 500\n"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    events.close()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and err.strip() == ""
    assert out.strip() == "Vorschau beendet."
    assert list(tmp.iterdir()) == []  # the preview's folder, pandoc's and typst's staging: all gone
