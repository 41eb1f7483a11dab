"""The leak test, built like an attack: the fixture of leak_support puts a marker word in every
non-public place; every file of the public tree (Drucksachen, Bekanntmachung, public Mappe, website,
search index, feeds, OParl export: its name, bytes, every decompressed PDF stream and string, the PDF
text layer, every DOCX part) and every log line of the run is searched for every marker. The internal
tree must hold each marker, so the test cannot pass by publishing nothing."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from leak_support import (
    MARKERS,
    NR_NOE,
    NR_OEFF,
    PUBLIC_WORDS,
    SLOTS,
    Placement,
    find_in_text,
    find_markers,
    make_generated_project,
    make_leak_project,
    norm,
    placements,
)
from render_support import pdf_pages
from vorlagengen.cli import cli

LAYOUTS = ("allris", "hamburg", "allris4", "saarbruecken")
# What the internal documents need not print: Anlage file names and metadata (the Mappe draws the
# pages, not the file) and the TOP of a Beratung step (the allris layout has no column for it). The
# search must find each of them in the project's own files instead.
NOT_SHOWN_INTERNALLY = {"NoeAnlageDatei", "NoeBildDatei", "OeNoeAnlageDatei", "PersAnlageDatei", "NoeAnlageInfo",
                        "NoeAnlageXmp", "OeNoeAnlageInfo", "PersAnlageInfo", "NoeSchrittTop",
                        "NoeMitglied"}  # a member of a Gremium only a non-public record names: on no page


def _run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--projekt", str(root), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def attack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], str]:
    """The fixture built every way a council could: validate, build in every layout, Sitzung (with
    and without Ghostscript, whose absence makes vorlagengen warn about Anlagen)."""
    root = make_leak_project(tmp_path_factory.mktemp("angriff") / "projekt")
    logs = [_run(root, "validate")]
    outs = []
    for layout in LAYOUTS:
        out = root / f"build-{layout}"
        logs.append(_run(root, "build", "-o", str(out), *(["--layout", layout] if layout != "allris" else [])))
        outs.append(out)
    logs.append(_run(root, "sitzung", "-o", str(outs[0])))
    logs.append(_run(root, "niederschrift", "-o", str(outs[0])))  # public and internal Niederschrift
    logs.append(_run(root, "beschluesse", "-o", str(outs[0])))  # Beschlusskontrolle, both trees
    logs.append(_run(root, "site", "-o", str(outs[0])))  # website, search index, feeds, OParl export
    import vorlagengen.documents.sitzung.anlagen as rs

    real_which = shutil.which
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(rs.shutil, "which", lambda name: None if name == "gs" else real_which(name))
        out = root / "build-ohne-gs"
        logs.append(_run(root, "sitzung", "-o", str(out)))
        outs.append(out)
    return root, outs, "\n".join(logs)


def test_no_marker_anywhere_in_the_public_tree(attack: tuple[Path, list[Path], str]) -> None:
    _, outs, _ = attack
    for out in outs:
        assert find_markers(out / "oeffentlich") == {}, out.name


def test_no_marker_in_the_logs_of_the_run(attack: tuple[Path, list[Path], str]) -> None:
    _, _, logs = attack
    assert "nicht PDF/A" in logs  # the warning that used to name non-public Anlagen was written
    assert find_in_text(logs) == []


def test_the_internal_tree_holds_every_marker(attack: tuple[Path, list[Path], str]) -> None:
    root, outs, _ = attack
    found: set[str] = set()
    for out in outs:
        found |= set(find_markers(out / "intern"))
    missing = set(MARKERS) - found
    assert missing <= NOT_SHOWN_INTERNALLY
    # the search would have found those: they are in the project's own files
    assert missing <= set(find_markers(root / "vorlagen")) | set(find_markers(root / "data"))


def test_the_public_tree_is_not_empty(attack: tuple[Path, list[Path], str]) -> None:
    _, outs, _ = attack
    public = outs[0] / "oeffentlich"
    names = sorted(str(p.relative_to(public)) for p in public.rglob("*") if p.is_file() and "site" not in p.parts)
    assert (public / "site" / "index.html").is_file()
    assert names == ["beschluesse/lueneburg/Beschlusskontrolle.csv", "beschluesse/lueneburg/Beschlusskontrolle.pdf",
                     "sitzungen/lueneburg-sga-2019-04-04/Bekanntmachung.pdf",
                     "sitzungen/lueneburg-sga-2019-04-04/Niederschrift.docx",
                     "sitzungen/lueneburg-sga-2019-04-04/Niederschrift.pdf",
                     "sitzungen/lueneburg-sga-2019-04-04/Sitzungsmappe-oeffentlich.pdf",
                     "vorlagen/lueneburg/VO-9001-19-01.docx", "vorlagen/lueneburg/VO-9001-19-01.pdf",
                     "vorlagen/lueneburg/VO-9003-19.docx", "vorlagen/lueneburg/VO-9003-19.pdf"]
    mappe = norm("".join(pdf_pages(public / "sitzungen/lueneburg-sga-2019-04-04/Sitzungsmappe-oeffentlich.pdf")))
    for word in PUBLIC_WORDS:
        assert norm(word) in mappe, word


def _joined(pages: list[str]) -> str:
    text = re.sub(r"(?<=[a-zäöüß])(?:[-\u00ad\x02]\s+|\ufffe\s*)(?=[a-zäöüß])", "", " ".join(pages))
    return " ".join(text.split())


@pytest.mark.parametrize("layout", LAYOUTS)
def test_public_bezug_shows_the_number_and_the_note_only(attack: tuple[Path, list[Path], str], layout: str) -> None:
    _, outs, _ = attack
    out = outs[LAYOUTS.index(layout)]
    # a word the layout hyphenated at a line end is joined again („nichtöffent-\nliche“)
    public = _joined(pdf_pages(out / "oeffentlich/vorlagen/lueneburg/VO-9001-19-01.pdf"))
    internal = _joined(pdf_pages(out / "intern/vorlagen/lueneburg/VO-9001-19-01.pdf"))
    assert f"{NR_NOE} – nichtöffentliche Drucksache" in public
    assert f"{NR_OEFF} – Spielplatzsanierung auf Antrag von" in public  # a public Bezug keeps its Betreff
    assert MARKERS["NoeBetreff"] in internal and "(nichtöffentliche Drucksache)" in internal


def test_website_shows_every_bezug_as_the_public_pdf_does(attack: tuple[Path, list[Path], str]) -> None:
    _, outs, _ = attack
    page = (outs[0] / "oeffentlich/site/drucksachen/lueneburg/vo-9001-19-01.html").read_text(encoding="utf-8")
    assert f"<dd>{NR_NOE} – nichtöffentliche Drucksache</dd>" in page  # number and note, no link, no Betreff
    assert f'<dd><a href="../../drucksachen/lueneburg/vo-9003-19.html">{NR_OEFF} – Spielplatzsanierung' in page


def test_public_drucksache_shows_bars_and_the_withheld_anlagen(attack: tuple[Path, list[Path], str]) -> None:
    _, outs, _ = attack
    text = " ".join(" ".join(pdf_pages(outs[0] / "oeffentlich/vorlagen/lueneburg/VO-9003-19.pdf")).split())
    assert text.count("geschwärzt") == 5  # Betreff, two in the Sachverhalt, a heading, an Anlage title
    assert "1. Oeffentlichkeitsanlage Plan" in text and "4. Brief von geschwärzt" in text
    assert ("und 1 nichtöffentliche Anlage und 1 Anlage mit personenbezogenen Daten (nicht veröffentlicht)"
            in text)


def test_a_drucksache_made_non_public_leaves_the_public_tree(tmp_path: Path) -> None:
    root = make_leak_project(tmp_path / "projekt")
    record = root / "vorlagen/lueneburg/VO-9001-19-01.yaml"
    _run(root, "build", "-f", "pdf", str(root / "vorlagen"))
    public = root / "build/oeffentlich/vorlagen/lueneburg/VO-9001-19-01.pdf"
    assert public.exists()
    record.write_text(record.read_text(encoding="utf-8").replace("status: öffentlich", "status: nichtöffentlich"),
                      encoding="utf-8")
    log = _run(root, "build", "-f", "pdf", str(root / "vorlagen"))
    assert not public.exists() and "1 entfernt (gelöscht oder nicht mehr öffentlich)" in log
    assert (root / "build/intern/vorlagen/lueneburg/VO-9001-19-01.pdf").exists()


def test_the_confidentiality_mark_of_the_koerperschaft(attack: tuple[Path, list[Path], str]) -> None:
    """Lüneburg's mark in the fixture is „Vertraulich – nur für Ratsmitglieder“: on the Einladung's
    non-public part, the full Mappe's cover, contents and every page showing something non-public."""
    _, outs, _ = attack
    mark = "Vertraulich – nur für Ratsmitglieder"
    folder = outs[0] / "intern/sitzungen/lueneburg-sga-2019-04-04"
    einladung = " ".join(" ".join(pdf_pages(folder / "Einladung.pdf")).split())
    assert einladung.index("Nichtöffentlicher Teil") < einladung.index(mark) < einladung.index("N 1")
    pages = [" ".join(p.split()) for p in pdf_pages(folder / "Sitzungsmappe-vollstaendig.pdf")]
    marked = [i for i, p in enumerate(pages) if mark in p]
    assert marked[:2] == [0, 1]  # cover and contents
    for i, page in enumerate(pages):
        secret = any(w in page for w in (MARKERS["NoeSachverhalt"], MARKERS["OeNoeAnlageText"], "TOP N ",
                                         MARKERS["SpanSachverhalt"]))
        assert not secret or i in marked, i
    unmarked = [p for p in pages if mark not in p]
    assert any("Anlage 1 zu VO/9003/19: Oeffentlichkeitsanlage" in p for p in unmarked)  # public pages stay plain
    public = outs[0] / "oeffentlich/sitzungen/lueneburg-sga-2019-04-04/Sitzungsmappe-oeffentlich.pdf"
    assert not any(mark in p for p in pdf_pages(public))


def test_validate_messages_of_a_non_public_record_quote_no_value(tmp_path: Path) -> None:
    """A CI log is often public: a mistake in a non-public Drucksache is named by file, line and field,
    never by the value; ``--intern`` shows it for the clerk at her desk."""
    root = make_leak_project(tmp_path / "projekt")
    record = next(p for p in (root / "vorlagen").rglob("*.yaml") if "status: nichtöffentlich" in p.read_text("utf-8"))
    text = record.read_text(encoding="utf-8").replace("art: ", "art: ZlkGeheimeArt ", 1)
    record.write_text(text, encoding="utf-8")
    public = CliRunner().invoke(cli, ["--projekt", str(root), "validate"])
    assert public.exit_code == 1
    assert "ZlkGeheimeArt" not in public.output and "art: ungültiger Wert „…“" in public.output
    assert "nichtöffentlichen Drucksache ausgelassen" in public.output
    built = CliRunner().invoke(cli, ["--projekt", str(root), "build"])  # every command's messages
    assert built.exit_code == 1 and "ZlkGeheimeArt" not in built.output
    internal = CliRunner().invoke(cli, ["--projekt", str(root), "validate", "--intern"])
    assert "ZlkGeheimeArt" in internal.output


def test_a_renderer_error_about_a_non_public_record_quotes_nothing(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """pandoc and typst may quote any part of a text in their messages: a failed build of a
    non-public Drucksache names only the place in the log; ``--intern`` shows the whole message."""
    import vorlagengen.documents.engines as engines
    from vorlagengen.errors import ToolError

    root = make_leak_project(tmp_path / "projekt")
    real = engines.PandocWorker.convert_each

    def failing(self, markdown, formats, epoch, display, *args, **kwargs):  # type: ignore[no-untyped-def]
        if MARKERS["NoeSachverhalt"] in markdown:
            raise ToolError("pandoc", display, "x",
                            text=f"{display}:12:3: sachverhalt: Warnung: unbekannt „{MARKERS['NoeSachverhalt']}“ "
                                 f"'{MARKERS['NoeBetreff']}'\n{display}: typst: {MARKERS['NoeBeschluss']} geht nicht")
        return real(self, markdown, formats, epoch, display, *args, **kwargs)

    monkeypatch.setattr(engines.PandocWorker, "convert_each", failing)
    logged = CliRunner().invoke(cli, ["--projekt", str(root), "build", "-f", "pdf"])
    assert logged.exit_code == 1 and isinstance(logged.exception, SystemExit | None)
    assert ":12:3: sachverhalt: Fehler beim Setzen (Einzelheiten aus einer nichtöffentlichen Drucksache" in logged.output
    second = logged.output.split("\n")[1]  # "datei: typst: …" keeps only the file
    assert second.endswith(".yaml: Fehler beim Setzen (Einzelheiten aus einer nichtöffentlichen Drucksache ausgelassen; "
                           "„vorlagengen --intern …“ zeigt sie)"), second
    assert not [m for m in MARKERS.values() if m in logged.output]
    intern = CliRunner().invoke(cli, ["--projekt", str(root), "--intern", "build", "-f", "pdf", "--neu"])
    assert intern.exit_code == 1 and MARKERS["NoeSachverhalt"] in intern.output and MARKERS["NoeBeschluss"] in intern.output


# --- the generative attack ----------------------------------------------------------------------------
# hypothesis places marker words in random non-public places, Markdown forms and disguises
# (leak_support.SLOTS, FORMEN, TARNUNGEN); each example is one project holding a batch of them, built
# every way; the public tree and the logs must hold none, the internal tree every one it prints.
# `make test` runs a few examples; LECK_BEISPIELE=<n> (make leck) runs more.

LECK_BEISPIELE = int(os.environ.get("LECK_BEISPIELE", "2"))


def _build_everything(root: Path) -> tuple[Path, str]:
    out = root / "build"
    logs = [_run(root, "validate"), _run(root, "build"), _run(root, "sitzung"), _run(root, "niederschrift"),
            _run(root, "beschluesse"), _run(root, "site")]
    return out, "\n".join(logs)


@settings(max_examples=LECK_BEISPIELE, deadline=None, derandomize=False, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batch=placements())
def test_generated_markers_never_reach_the_public_tree(batch: list[Placement]) -> None:
    with tempfile.TemporaryDirectory(prefix="leck-") as tmp:
        root = make_generated_project(Path(tmp) / "projekt", batch)
        out, logs = _build_everything(root)
        needles = {k: v for p in batch for k, v in p.needles().items()}
        public = {k.rstrip("~") for k in find_markers(out / "oeffentlich", needles)}
        assert public == set(), [p for p in batch if p.slot in public]
        assert {k.rstrip("~") for k in find_in_text(logs, needles)} == set()
        assert (out / "oeffentlich/site/index.html").is_file()
        assert (out / "oeffentlich/sitzungen/lueneburg-sga-2019-04-04/Sitzungsmappe-oeffentlich.pdf").is_file()
        internal = {k.rstrip("~") for k in find_markers(out / "intern", needles)}
        printed = {p.slot for p in batch if SLOTS[p.slot].intern}
        assert printed <= internal, [p for p in batch if p.slot in printed - internal]
def test_leckpruefung_finds_nothing_in_the_public_tree_and_the_markers_in_the_internal(
        attack: tuple[Path, list[Path], str]) -> None:
    """``vorlagengen leckpruefung`` (a council's own ``make test``) on the attack fixture: no finding
    in any public tree, and in the internal tree it finds the markers of every kind of secret it knows
    (Anlage contents are not among them: it reads the project's texts, not the Anlage files)."""
    from vorlagengen.load.project import load_project
    from vorlagengen.public.leckpruefung import durchsuchen, geheimnisse
    from vorlagengen.public.projection import public_project

    root, outs, _ = attack
    project = load_project(root, None, sitzungen=[root / "sitzungen"])
    secrets = geheimnisse(project, public_project(project))
    for out in outs:
        assert durchsuchen(out / "oeffentlich", secrets) == [], out
    known = {name for name, word in MARKERS.items() if any(norm(word) in phrase for phrase in secrets)}
    unknown_kinds = {"NoeAnlageText", "NoeAnlageInfo", "NoeAnlageXmp", "OeNoeAnlageText", "OeNoeAnlageInfo",
                     "PersAnlageText", "PersAnlageInfo"}
    assert set(MARKERS) - known == unknown_kinds
    found = {f.herkunft for f in durchsuchen(outs[0] / "intern", secrets)}
    assert {g.feld for g in found} >= {"betreff", "sachverhalt", "beschlussvorschlag"}
    result = CliRunner().invoke(cli, ["--projekt", str(root), "leckpruefung", "-o", str(outs[0])])
    assert result.exit_code == 0, result.output
    assert "nichts Nichtöffentliches gefunden" in result.stdout
    shutil.copytree(outs[0] / "intern" / "vorlagen", outs[0] / "oeffentlich" / "kopiert")
    try:
        result = CliRunner().invoke(cli, ["--projekt", str(root), "leckpruefung", "-o", str(outs[0])])
    finally:
        shutil.rmtree(outs[0] / "oeffentlich" / "kopiert")
    assert result.exit_code == 1
    assert "kopiert/" in result.stderr and "nicht veröffentlichen" in result.stderr
    assert find_in_text(result.stdout + result.stderr) == []  # names origins, never the secret itself
