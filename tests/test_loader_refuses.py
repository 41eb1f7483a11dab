"""The loader refuses what cannot be built: every refusal a German message naming the file (and,
inside a YAML file, the line and field), at validate or before anything is written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import LUENEBURG_HEAD, SITZUNG_SGA, WANDSBEK_PATH
from vorlagengen.documents.layouts import PACKAGED


@pytest.mark.parametrize("escape", ["\\0", "\\x07", "\\e", "\\x9b"])
def test_a_control_character_written_as_an_escape_is_a_located_error(projekt, escape):
    projekt.write_text("vorlagen/lueneburg/VO-0001-19.yaml",
                       LUENEBURG_HEAD.format(nr="VO/0001/19", betreff=f'"Zwei{escape}Teile"'))
    result = projekt.validate()
    assert result.exit_code == 1
    assert "vorlagen/lueneburg/VO-0001-19.yaml:6:1: betreff: Steuerzeichen U+" in result.stderr
    assert "nicht erlaubt" in result.stderr


def test_a_control_character_in_a_top_title_or_a_gremium_name_is_a_located_error(projekt):
    projekt.write_text("vorlagen/lueneburg/VO-0001-19.yaml", LUENEBURG_HEAD.format(nr="VO/0001/19", betreff="Gut"))
    projekt.write_text("sitzungen/sga.yaml", SITZUNG_SGA + '    - titel: "Pause\\0"\n')
    result = projekt.validate()
    assert result.exit_code == 1 and "sitzungen/sga.yaml:10:7: tagesordnung.oeffentlich[2].titel: Steuerzeichen U+0000" \
        in result.stderr
    gremien = projekt.root / "data" / "gremien.yaml"
    gremien.write_text(gremien.read_text(encoding="utf-8").replace("  name: Jugendhilfeausschuss",
                                                                    '  name: "Jugend\\0hilfeausschuss"', 1),
                       encoding="utf-8")
    result = projekt.validate()
    assert result.exit_code == 1 and "data/gremien.yaml:4:3: wandsbek-jha.name: Steuerzeichen U+0000" in result.stderr


def test_an_anlage_over_the_page_bound_is_a_located_error(projekt, monkeypatch):
    monkeypatch.setenv("VORLAGENGEN_ANLAGE_MAX_SEITEN", "1")
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    pdf.save(projekt.root / "vorlagen/wandsbek/anlagen/kontrakt.pdf")
    result = projekt.validate()
    assert result.exit_code == 1
    assert f"{WANDSBEK_PATH}:" in result.stderr and "PDF hat 2 Seiten, erlaubt sind höchstens 1" in result.stderr


def test_an_anlage_over_the_size_bound_is_refused_unread(projekt, monkeypatch):
    monkeypatch.setenv("VORLAGENGEN_ANLAGE_MAX_MB", "1")
    with open(projekt.root / "vorlagen/wandsbek/anlagen/kontrakt.pdf", "r+b") as fh:
        fh.truncate(3_000_000_000)  # sparse: 3 GB that take no room
    result = projekt.validate()
    assert result.exit_code == 1
    assert "Anlage ist 3.000 MB groß, erlaubt sind höchstens 1 MB" in result.stderr
    assert "hier aus VORLAGENGEN_ANLAGE_MAX_MB" in result.stderr


def _bounds(projekt, body: str, text: str) -> None:
    path = projekt.root / "data" / "koerperschaften.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index(f"{body}:\n") + 1
    path.write_text("".join([*lines[:at], text, *lines[at:]]), encoding="utf-8")


def test_the_anlage_bounds_come_from_the_koerperschaft_profile(projekt, monkeypatch):
    """anlagen.max_seiten / max_mb in data/koerperschaften.yaml; the environment overrides them."""
    import pikepdf

    monkeypatch.delenv("VORLAGENGEN_ANLAGE_MAX_SEITEN", raising=False)
    monkeypatch.delenv("VORLAGENGEN_ANLAGE_MAX_MB", raising=False)
    pdf = pikepdf.new()
    for _ in range(3):
        pdf.add_blank_page()
    pdf.save(projekt.root / "vorlagen/wandsbek/anlagen/kontrakt.pdf")
    assert projekt.validate().exit_code == 0  # within the defaults
    _bounds(projekt, "wandsbek", "  anlagen:\n    max_seiten: 2\n")
    result = projekt.validate()
    assert result.exit_code == 1
    assert f"{WANDSBEK_PATH}:" in result.stderr and "anlagen[" in result.stderr
    assert "PDF hat 3 Seiten, erlaubt sind höchstens 2 (Grenze: max_seiten in anlagen der Körperschaft" \
        in result.stderr
    monkeypatch.setenv("VORLAGENGEN_ANLAGE_MAX_SEITEN", "5")
    assert projekt.validate().exit_code == 0  # the environment goes first
    monkeypatch.delenv("VORLAGENGEN_ANLAGE_MAX_SEITEN")
    with open(projekt.root / "vorlagen/wandsbek/anlagen/kontrakt.pdf", "r+b") as fh:
        fh.truncate(5_000_000)  # 5 MB (sparse), under the default
    _bounds(projekt, "wandsbek", "  anlagen:\n    max_mb: 4\n    max_seiten: 20\n")
    path = projekt.root / "data" / "koerperschaften.yaml"  # the earlier entry goes
    text = path.read_text(encoding="utf-8").replace("  anlagen:\n    max_seiten: 2\n", "", 1)
    path.write_text(text, encoding="utf-8")
    result = projekt.validate()
    assert result.exit_code == 1 and "Anlage ist 5 MB groß, erlaubt sind höchstens 4 MB" in result.stderr


def test_an_anlage_bound_in_the_profile_is_checked(projekt):
    _bounds(projekt, "wandsbek", "  anlagen:\n    max_seiten: 0\n")
    result = projekt.validate()
    assert result.exit_code == 1 and "data/koerperschaften.yaml:" in result.stderr and "max_seiten" in result.stderr


def test_a_folder_named_like_a_record_is_refused(projekt):
    (projekt.root / "vorlagen/wandsbek/x.yaml").mkdir()
    result = projekt.validate()
    assert result.exit_code == 1 and "vorlagen/wandsbek/x.yaml: ist ein Ordner" in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "ordner", "leer"])
def test_a_layout_file_that_is_no_file_is_named(projekt, kind):
    own = projekt.root / "templates" / "hamburg"
    own.mkdir(parents=True)
    target = own / "vorlage.md.j2"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "ordner":
        target.mkdir()
    else:
        target.symlink_to(own / "fehlt")
    result = projekt.run("build", WANDSBEK_PATH)
    assert result.exit_code == 1
    assert "templates/hamburg/vorlage.md.j2: " in result.stderr
    assert {"fifo": "FIFO", "ordner": "ist ein Ordner", "leer": "Verknüpfung ins Leere"}[kind] in result.stderr
    assert not (projekt.root / "build" / "intern" / "vorlagen").exists()
    assert (PACKAGED / "hamburg" / "vorlage.md.j2").is_file()


def _no_file(target, kind):
    """A FIFO, a folder or a dangling link where a file is expected."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "ordner":
        target.mkdir()
    else:
        target.symlink_to(target.parent / "fehlt")


@pytest.mark.parametrize("kind", ["fifo", "ordner", "leer"])
def test_a_website_settings_file_that_is_no_file_is_named(projekt, kind):
    _no_file(projekt.root / "data" / "website.yaml", kind)
    result = projekt.run("site")
    assert result.exit_code == 1
    assert "data/website.yaml: " in result.stderr and "Traceback" not in result.stderr


def test_make_with_a_dangling_link_under_vorlagen_says_it_in_german(projekt, tmp_path):
    """make's own dependency scan leaves the link to the loader, whose message names it."""
    from render_support import REPO

    (projekt.root / "vorlagen/wandsbek/weg.yaml").symlink_to(projekt.root / "nirgends.yaml")
    shutil.copy(REPO / "build.py", projekt.root / "build.py")
    done = subprocess.run(["make", "-f", str(REPO / "Makefile"), "-C", str(projekt.root), "--no-print-directory",
                           f"PY={sys.executable}", "STAMP=", "vorlage"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode != 0
    assert "vorlagen/wandsbek/weg.yaml: Datei nicht lesbar" in done.stderr
    assert "No rule" not in done.stderr


@pytest.mark.parametrize("kind", ["fifo", "ordner", "leer"])
@pytest.mark.parametrize("where", ["templates/hamburg/vorlage.md.j2", "templates/hamburg/layout.typ",
                                   "templates/site/seite.html.j2", "data/website.yaml"])
def test_validate_names_a_layout_or_website_file_that_is_no_file(projekt, kind, where):
    """Not only the build or the site that would read it: validate names it, with nothing written."""
    _no_file(projekt.root / where, kind)
    result = projekt.validate()
    assert result.exit_code == 1
    reason = {"fifo": "ist keine normale Datei (FIFO", "ordner": "ist ein Ordner",
              "leer": "Verknüpfung ins Leere"}[kind]
    assert f"{where}: {reason}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (projekt.root / "build").exists()
