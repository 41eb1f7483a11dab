"""Sitzungen: checks against the Drucksachen, numbering, and the documents of a Sitzung – above all
that the public ones carry nothing non-public."""

from __future__ import annotations

import contextlib
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
import typst
from click.testing import CliRunner

from render_support import (
    DEMO_SITZUNG,
    GOLDEN,
    REPO,
    build_demo_sitzung,
    copy_project,
    docx_structure,
    docx_text,
    golden_mismatch,
    pdf_pages,
    sitzung_goldens,
    structure_text,
)
from vorlagengen.cli import cli
from vorlagengen.documents.sitzung import build_sitzung
from vorlagengen.load.project import load_project

MARKER = "Geheimwort"


def make_pdf(path: Path, title: str, text: str, pages: int = 1, pdfa: bool = False) -> None:
    body = '#set page(paper: "a4")\n#set text(lang: "de")\n#set document(title: "' + title + '")\n'
    body += "\n#pagebreak()\n".join(f"= {title} {i + 1}\n\n{text}" for i in range(pages))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(typst.compile(body.encode(), timestamp=0, pdf_standards=["a-2b"] if pdfa else []))


def record(root: Path, name: str, text: str) -> None:
    path = root / "vorlagen" / "lueneburg" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def drucksache(nr: str, betreff: str, status: str = "öffentlich", anlagen: str = "", text: str = "Sachverhalt.",
               step: str = "", entwurf: bool = False) -> str:
    return f"""nummer: "{nr}"
datum: 2019-03-20
koerperschaft: lueneburg
art: Beschlussvorlage
status: {status}
entwurf: {"ja" if entwurf else "nein"}
betreff: "{betreff}"
federfuehrend: lueneburg-05
beratungsfolge:
  - gremium: lueneburg-sga
    datum: 2019-04-04
    zustaendigkeit: Entscheidung
{step}sachverhalt: |
  {text}
beschlussvorschlag: Der Ausschuss beschließt.
{anlagen}"""


SITZUNG = """gremium: lueneburg-sga
nummer: SGA/2019/02
datum: 2019-04-04
beginn: "16:00"
ort: Rathaus Lüneburg
raum: Huldigungssaal
sitzungsleitung: lueneburg-hampe
einladungsdatum: {einladung}
tagesordnung:
  oeffentlich:
    - titel: Eröffnung
{oeffentlich}
  nichtoeffentlich:
{nichtoeffentlich}
"""


def sitzung(root: Path, oeffentlich: str, nichtoeffentlich: str = "    - titel: Nichts", einladung: str = "2019-03-22"
            ) -> Path:
    path = root / "sitzungen" / "sga.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SITZUNG.format(oeffentlich=oeffentlich, nichtoeffentlich=nichtoeffentlich, einladung=einladung),
                    encoding="utf-8")
    return path


@pytest.fixture
def leak_project(tmp_path: Path) -> Path:
    """A Sitzung in which everything non-public carries the marker word."""
    root = copy_project(tmp_path)
    an = root / "vorlagen" / "lueneburg" / "anlagen"
    make_pdf(an / "plan.pdf", "Oeffentlicher Plan", "Allgemeine Darstellung.", pages=2, pdfa=True)
    make_pdf(an / f"{MARKER.lower()}-angebote.pdf", f"{MARKER} Angebote", f"Preise {MARKER} vertraulich.")
    make_pdf(an / f"{MARKER.lower()}-akte.pdf", f"{MARKER} Akte", f"Akteninhalt {MARKER}.", pages=3)
    shutil.copyfile(REPO / "vorlagen/wandsbek/anlagen/spielplatz-lageplan.png", an / "lageplan.png")
    shutil.copyfile(REPO / "vorlagen/wandsbek/anlagen/spielplatz-lageplan.png", an / f"{MARKER.lower()}-foto.png")
    record(root, "a.yaml", drucksache("VO/0001/19", "Öffentliche Sache", anlagen=f"""anlagen:
  - datei: anlagen/plan.pdf
    titel: Plan
  - datei: anlagen/lageplan.png
    titel: Lageplan
  - datei: anlagen/{MARKER.lower()}-angebote.pdf
    titel: {MARKER} Angebote
    oeffentlich: nein
  - datei: anlagen/{MARKER.lower()}-foto.png
    titel: {MARKER} Foto
    oeffentlich: nein
"""))
    record(root, "b.yaml", drucksache("VO/0002/19", f"{MARKER} Betreff", status="nichtöffentlich",
                                      text=f"Vertraulicher Sachverhalt {MARKER}.",
                                      step="    oeffentlich: nein\n", anlagen=f"""anlagen:
  - datei: anlagen/{MARKER.lower()}-akte.pdf
    titel: {MARKER} Akte
"""))
    sitzung(root, '    - drucksache: "VO/0001/19"\n    - titel: Verschiedenes',
            f'    - drucksache: "VO/0002/19"\n    - titel: {MARKER} Personalsache')
    return root


INTERNAL_DOCS = ("Einladung.pdf", "Einladung.docx", "Nachtrag.pdf", "Nachtrag.docx", "Sitzungsmappe-vollstaendig.pdf")


@dataclass
class Docs:
    """The documents of one Sitzung: ``docs / name`` finds a file in its tree."""

    public: Path
    internal: Path

    def __truediv__(self, name: str) -> Path:
        return (self.internal if name in INTERNAL_DOCS else self.public) / name

    def iterdir(self) -> list[Path]:
        return [*self.public.iterdir(), *self.internal.iterdir()]


def build_leak(root: Path) -> Docs:
    project = load_project(root, None, sitzungen=[root / "sitzungen"])
    result = build_sitzung(project, project.sitzungen[0], root / "build")
    return Docs(result.folder, result.internal_folder)


def bookmarks(pdf: pikepdf.Pdf) -> list[str]:
    """The titles of every bookmark of an open PDF."""
    titles = []
    with pdf.open_outline() as outline:
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            titles.append(item.title)
            stack.extend(item.children)
    return titles


def everything_in(pdf_path: Path) -> str:
    """Text of every page, bookmarks, metadata, and every string and stream of the file."""
    parts = pdf_pages(pdf_path)
    with pikepdf.open(pdf_path) as pdf:
        parts += bookmarks(pdf)
        parts += [str(v) for v in pdf.docinfo.values()]
        parts.append(str(pdf.open_metadata()))
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                with contextlib.suppress(pikepdf.PdfError):
                    parts.append(obj.read_bytes().decode("latin-1"))
            elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Array)):
                parts.append(repr(obj))
    return "\n".join(parts)


def test_public_documents_carry_no_trace_of_non_public_items(leak_project):
    folder = build_leak(leak_project)
    for name in ("Sitzungsmappe-oeffentlich.pdf", "Bekanntmachung.pdf"):
        found = everything_in(folder / name)
        assert MARKER.lower() not in found.lower(), name
    assert sorted(p.name for p in folder.public.iterdir()) == ["Bekanntmachung.pdf", "Sitzungsmappe-oeffentlich.pdf"]
    full = "\n".join(pdf_pages(folder / "Sitzungsmappe-vollstaendig.pdf"))
    for expected in (f"{MARKER} Betreff", f"Vertraulicher Sachverhalt {MARKER}", f"{MARKER} Personalsache",
                     f"{MARKER} Angebote", f"Preise {MARKER} vertraulich", f"{MARKER} Akte",
                     f"Akteninhalt {MARKER}", f"{MARKER} Foto"):
        assert expected in full, expected
    assert f"{MARKER} Personalsache" in docx_text(folder / "Einladung.docx")
    bekanntmachung = "\n".join(pdf_pages(folder / "Bekanntmachung.pdf"))
    assert "Nichtöffentlicher Teil" in bekanntmachung and "Öffentliche Sache" in bekanntmachung


def outline_tree(path: Path) -> list[tuple[int, str]]:
    out = []
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        def walk(items, level):
            for item in items:
                out.append((level, item.title))
                walk(item.children, level + 1)
        walk(outline.root, 1)
    return out


def test_bookmarks_follow_the_tagesordnung_and_pages_run_through(leak_project):
    folder = build_leak(leak_project)
    full = folder / "Sitzungsmappe-vollstaendig.pdf"
    tree = outline_tree(full)
    # TOPs without documents are in the Tagesordnung only: no bookmark, no page of their own
    assert [t for lvl, t in tree if lvl == 1] == ["TOP Ö 2 Öffentliche Sache", f"TOP N 1 {MARKER} Betreff"]
    assert (2, "Drucksache VO/0001/19: Öffentliche Sache") in tree
    assert (3, "Anlage 1 zu VO/0001/19: Plan") in tree and (3, f"Anlage 1 zu VO/0002/19: {MARKER} Akte") in tree
    pages = pdf_pages(full)
    n = len(pages)
    assert f"Seite {n} von {n}" in pages[-1]
    for i, text in enumerate(pages, start=1):
        assert f"Seite {i} von {n}" in text
    # the Anlage pages are inside the Mappe: 2 + 1 + 3 PDF pages, 2 image pages
    assert sum("Allgemeine Darstellung" in p for p in pages) == 2
    assert sum(f"Akteninhalt {MARKER}" in p for p in pages) == 3
    # the contents page links to the TOPs
    with pikepdf.open(full) as pdf:
        links = [a for a in pdf.pages[1].get("/Annots", []) if a.get("/Subtype") == "/Link"]
    assert len(links) >= 5
    # pages showing something non-public carry the confidentiality mark, the contents page too
    marked = [i for i, p in enumerate(pages) if "nichtöffentlich – vertraulich" in p]
    assert 1 in marked
    secret = [i for i, p in enumerate(pages) if i > 1 and any(
        s in p for s in (f"Akteninhalt {MARKER}", f"Preise {MARKER}", f"Vertraulicher Sachverhalt {MARKER}",
                         f"TOP N 2 {MARKER} Personalsache", f"Anlage 4 zu VO/0001/19: {MARKER} Foto"))]
    assert secret and set(secret) <= set(marked)
    assert not [i for i in marked if "Öffentliche Sache" in pages[i] and MARKER not in pages[i]]


def assert_no_bare_pages(path: Path) -> None:
    """Every page but the cover holds more than a heading: two lines of text besides header and
    footer, or a drawn page or picture."""
    texts = pdf_pages(path)
    with pikepdf.open(path) as pdf:
        for i, page in enumerate(pdf.pages[1:], start=1):
            lines = [ln for ln in texts[i].splitlines() if ln.strip() and "Seite " not in ln
                     and "Sitzung am" not in ln and "Sitzung " not in ln[:60]]
            drawn = bool(page.Resources.get("/XObject", {}))
            assert drawn or len(lines) >= 2, (path.name, i + 1, texts[i][:200])


@pytest.mark.braucht("ghostscript")
def test_mappen_are_pdfa_2b_and_non_pdfa_anlagen_are_converted(leak_project):
    """Ghostscript converts the non-PDF/A Anlagen, and both Mappen are PDF/A-2b with every font embedded
    (without Ghostscript: test_without_ghostscript_a_mappe_with_non_pdfa_anlagen_is_not_labelled_pdfa)."""
    folder = build_leak(leak_project)
    for name in ("Sitzungsmappe-oeffentlich.pdf", "Sitzungsmappe-vollstaendig.pdf"):
        with pikepdf.open(folder / name) as pdf:
            meta = pdf.open_metadata()
            assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "B")
            assert "/OutputIntents" in pdf.Root
            for page in pdf.pages:
                for xobj in page.Resources.get("/XObject", {}).values():
                    fonts = xobj.get("/Resources", {}).get("/Font", {})
                    for font in fonts.values():
                        descendants = font.get("/DescendantFonts", [font])
                        desc = descendants[0].get("/FontDescriptor")
                        assert desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_without_ghostscript_a_mappe_with_non_pdfa_anlagen_is_not_labelled_pdfa(leak_project, monkeypatch):
    import vorlagengen.documents.sitzung.anlagen as rs

    real_which = shutil.which
    monkeypatch.setattr(rs.shutil, "which", lambda name: None if name == "gs" else real_which(name))
    project = load_project(leak_project, None, sitzungen=[leak_project / "sitzungen"])
    result = build_sitzung(project, project.sitzungen[0], leak_project / "build2")
    with pikepdf.open(result.internal_folder / "Sitzungsmappe-vollstaendig.pdf") as pdf:
        assert pdf.open_metadata().get("pdfaid:part") is None
    assert any("nicht PDF/A" in w for w in result.warnings)


def test_office_anlage_without_libreoffice_gets_a_clear_note(tmp_path, monkeypatch):
    import vorlagengen.documents.sitzung.anlagen as rs

    root = copy_project(tmp_path)
    shutil.copyfile(REPO / "src/vorlagengen/templates/_base/reference.docx", root / "vorlagen" / "tabelle.docx")
    record(root, "a.yaml", drucksache("VO/0001/19", "Mit Word-Anlage",
                                      anlagen="anlagen:\n  - datei: ../tabelle.docx\n    titel: Tabelle\n"))
    sitzung(root, '    - drucksache: "VO/0001/19"')
    real_which = shutil.which
    monkeypatch.setattr(rs.shutil, "which", lambda n: None if n in ("soffice", "libreoffice") else real_which(n))
    folder = build_leak(root)
    text = " ".join(" ".join(pdf_pages(folder / "Sitzungsmappe-vollstaendig.pdf")).split())
    assert "Die Anlage „tabelle.docx“ (DOCX" in text and "LibreOffice" in text


def test_einladung_lists_the_agenda_as_sent_and_the_nachtrag_the_items_added_since(tmp_path):
    root = copy_project(tmp_path)
    record(root, "a.yaml", drucksache("VO/0001/19", "Erste Sache"))
    record(root, "b.yaml", drucksache("VO/0002/19", "Zweite Sache"))
    sitzung(root, """    - titel: Mitteilungen
      unterpunkte:
        - drucksache: "VO/0001/19"
        - titel: Bericht
          nachtrag: Tischvorlage
    - nummer: "Ö 7"
      titel: Siebter Punkt
    - drucksache: "VO/0002/19"
      nachtrag: Nachtrag""")
    folder = build_leak(root)
    for text in (docx_text(folder / "Einladung.docx"), "\n".join(pdf_pages(folder / "Einladung.pdf"))):
        flat = " ".join(text.split())
        for expected in ("Ö 1 Eröffnung", "Ö 2 Mitteilungen", "Ö 2.1 Erste Sache", "Ö 7 Siebter Punkt", "N 1 Nichts",
                         "Donnerstag, 04.04.2019, 16:00 Uhr"):
            assert expected in flat, (expected, flat[:400])
        assert "Bericht" not in flat and "Zweite Sache" not in flat  # added after the Einladung went out
    for text in (docx_text(folder / "Nachtrag.docx"), "\n".join(pdf_pages(folder / "Nachtrag.pdf"))):
        flat = " ".join(text.split())
        assert "Ö 2.2 Bericht (Tischvorlage)" in flat and "Ö 8 Zweite Sache (Nachtrag)" in flat, flat


def run_validate(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--projekt", str(root), "validate"])
    return result.exit_code, result.output + (result.stderr if hasattr(result, "stderr") else "")


@pytest.mark.parametrize("case, expected", [
    ("noe_public", "sitzungen/sga.yaml:{line}:7: tagesordnung.oeffentlich[3].drucksache: nichtöffentliche "
                   "Drucksache VO/0002/19 im öffentlichen Teil der Tagesordnung"),
    ("no_step", "sitzungen/sga.yaml:{line}:7: tagesordnung.oeffentlich[3].drucksache: Drucksache VO/0003/19 hat "
                "in ihrer Beratungsfolge keinen Schritt „Sozial- und Gesundheitsausschuss“ am 04.04.2019"),
    ("frist", "sitzungen/sga.yaml:8:1: einladungsdatum: Ladungsfrist von 7 Tagen nicht eingehalten: Einladung am "
              "01.04.2019, Sitzung am 04.04.2019"),
    ("unknown", "sitzungen/sga.yaml:{line}:7: tagesordnung.oeffentlich[3].drucksache: unbekannte Drucksache "
                "„VO/001/19“ der Körperschaft lueneburg – meinten Sie „VO/0001/19“?"),
    ("missing_on_agenda", "vorlagen/lueneburg/a.yaml:11:5: beratungsfolge[1].datum: Sitzung am 04.04.2019 "
                          "(sitzungen/sga.yaml) hat Drucksache VO/0001/19 nicht auf der Tagesordnung"),
])
def test_sitzung_checks_report_located_german_errors(tmp_path, monkeypatch, case, expected):
    root = copy_project(tmp_path)
    monkeypatch.chdir(root)
    record(root, "a.yaml", drucksache("VO/0001/19", "Eins"))
    record(root, "b.yaml", drucksache("VO/0002/19", "Zwei", status="nichtöffentlich"))
    record(root, "c.yaml", drucksache("VO/0003/19", "Drei").replace("datum: 2019-04-04", "datum: 2019-05-02"))
    record(root, "d.yaml", drucksache("VO/0004/19", "Vier", entwurf=True))
    first = '    - drucksache: "VO/0001/19"\n'
    second = {"noe_public": "VO/0002/19", "no_step": "VO/0003/19", "unknown": "VO/001/19",
              "frist": None, "missing_on_agenda": None}[case]
    body = ("" if case == "missing_on_agenda" else first) + (f'    - drucksache: "{second}"' if second else "")
    noe = '    - drucksache: "VO/0002/19"' if case != "noe_public" else "    - titel: Nichts"
    sitzung(root, body.rstrip("\n"), noe, einladung="2019-04-01" if case == "frist" else "2019-03-22")
    code, out = run_validate(root)
    assert code == 1
    line = next(i for i, text in enumerate((root / "sitzungen/sga.yaml").read_text().splitlines(), 1)
                if second and second in text) if second else 0
    assert expected.format(line=line) in out, out
    assert "Traceback" not in out


def test_a_draft_on_the_agenda_validates_and_builds_only_as_entwurf(tmp_path):
    root = copy_project(tmp_path)
    record(root, "d.yaml", drucksache("VO/0004/19", "Vier", entwurf=True))
    sitzung(root, '    - drucksache: "VO/0004/19"')
    out = tmp_path / "out"

    def run(*args: str):
        return CliRunner().invoke(cli, ["--projekt", str(root), *args])

    assert run("validate").exit_code == 0
    final = run("sitzung", "-o", str(out))
    assert final.exit_code == 1
    assert ("Entwürfe auf der Tagesordnung (VO/0004/19); die endgültige Mappe wird erst gebaut, wenn sie fertig "
            "sind (oder mit --entwurf als Entwurf)") in final.output
    assert not (out / "intern" / "sitzungen").exists() and not (out / "oeffentlich" / "sitzungen").exists()
    draft = run("sitzung", "--entwurf", "-o", str(out))
    assert draft.exit_code == 0, draft.output
    first_page = pdf_pages(out / "intern" / "sitzungen" / "lueneburg-sga-2019-04-04" /
                           "Sitzungsmappe-vollstaendig.pdf")[0]
    assert "ENTWURF" in first_page


def test_a_folder_given_to_sitzung_builds_only_the_sitzungen_in_it(tmp_path):
    root = copy_project(tmp_path)
    record(root, "a.yaml", drucksache("VO/0001/19", "Eins"))
    sitzung(root, '    - drucksache: "VO/0001/19"')
    may = root / "sitzungen" / "2019-05" / "sga.yaml"
    may.parent.mkdir()
    may.write_text(SITZUNG.format(oeffentlich="    - titel: Bericht", nichtoeffentlich="    - titel: Nichts",
                                  einladung="2019-04-20").replace("2019-04-04", "2019-05-02"), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["--projekt", str(root), "sitzung", str(may.parent), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "intern" / "sitzungen").iterdir()) == ["lueneburg-sga-2019-05-02"]


def test_demo_sitzungen_build_all_files(tmp_path):
    result = CliRunner().invoke(cli, ["--projekt", str(REPO), "-q", "sitzung", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for slug in ("wandsbek-jha-2011-05-11", "lueneburg-sga-2019-04-04"):
        # both have public items added after the Einladung: the Bekanntmachung has its Nachtrag
        assert sorted(p.name for p in (tmp_path / "oeffentlich/sitzungen" / slug).iterdir()) == [
            "Bekanntmachung-Nachtrag.pdf", "Bekanntmachung.pdf", "Sitzungsmappe-oeffentlich.pdf"]
        folder = tmp_path / "intern/sitzungen" / slug
        assert sorted(p.name for p in folder.iterdir()) == [
            "Einladung.docx", "Einladung.pdf", "Nachtrag.docx", "Nachtrag.pdf", "Sitzungsmappe-vollstaendig.pdf"]
        for mappe in (folder / "Sitzungsmappe-vollstaendig.pdf",
                      tmp_path / "oeffentlich/sitzungen" / slug / "Sitzungsmappe-oeffentlich.pdf"):
            assert_no_bare_pages(mappe)
    full = tmp_path / "intern/sitzungen/wandsbek-jha-2011-05-11/Sitzungsmappe-vollstaendig.pdf"
    tree = outline_tree(full)
    # the sub-item is nested under its parent, with German quotes
    i = tree.index((1, "TOP 12 Mitteilungen des Bezirksamtes"))
    assert tree[i + 1] == (2, "TOP 12.7 Sozialräumliche Hilfen und Angebote (vormals „Neue Hilfen“) in Wandsbek")
    assert tree[i + 2] == (3, "Drucksache 19/0167: Sozialräumliche Hilfen und Angebote (vormals „Neue Hilfen“) "
                              "in Wandsbek")
    public = everything_in(tmp_path / "oeffentlich/sitzungen/wandsbek-jha-2011-05-11/Sitzungsmappe-oeffentlich.pdf")
    assert "19/0175" not in public and "Fallkosten" not in public


def test_mappe_is_reproducible(leak_project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1554000000")
    a = build_leak(leak_project)
    first = {p.name: p.read_bytes() for p in a.iterdir()}
    shutil.rmtree(leak_project / "build")
    b = build_leak(leak_project)
    for p in b.iterdir():
        assert p.read_bytes() == first[p.name], p.name


_WATCHED: list[list[str]] = []


def _watch(event: str, args: tuple) -> None:
    """Every file and folder opened or listed, and every program started, while a list is watching."""
    if _WATCHED and event in ("open", "os.scandir", "os.listdir", "subprocess.Popen") and args:
        _WATCHED[-1].append(repr(args[:2]))


def test_public_mappe_reads_nothing_of_the_internal_tree(leak_project):
    """The public Mappe is made from public things only: its Drucksachen's forms and converted Anlagen
    come from the public cache, never from build/intern (where the full Mappe keeps its own), also when
    the internal tree holds everything a clean run would need."""
    from vorlagengen.documents import recipe
    from vorlagengen.documents.sitzung.unterlagen import plan_sitzung
    from vorlagengen.public.projection import public_project

    build_leak(leak_project)  # both Mappen: the internal cache is full
    assert list((leak_project / "build/intern/.cache").rglob("*.pdf"))
    shutil.rmtree(leak_project / "build/.cache", ignore_errors=True)
    project = load_project(leak_project, None, sitzungen=[leak_project / "sitzungen"])
    _, docs = plan_sitzung(project, public_project(project), project.sitzungen[0], leak_project / "build")
    mappe = next(d for d in docs if d.kind == "Sitzungsmappe" and d.public)
    sys.addaudithook(_watch)
    _WATCHED.append([])
    try:
        pdf = recipe.render(mappe)["pdf"]
    finally:
        seen = _WATCHED.pop()
    internal = str(leak_project / "build" / "intern")
    assert seen and not [s for s in seen if internal in s]
    assert any(str(leak_project / "build" / ".cache" / "oeffentlich") in s for s in seen)
    assert pdf == (leak_project / "build/oeffentlich/sitzungen/lueneburg-sga-2019-04-04/"
                   "Sitzungsmappe-oeffentlich.pdf").read_bytes()


def test_a_changed_drucksache_is_set_again_for_the_mappe_the_others_are_read(leak_project, monkeypatch):
    """Each Drucksache's form for the Mappe is set once and kept (both Mappen, later runs); after one
    changed only that one is set again, pandoc does not read the Mappen again (their Markdown is the
    same: the typst source it wrote is kept), and both Mappen equal those of a clean build."""
    import vorlagengen.documents.engines as engines
    import vorlagengen.documents.sitzung.mappenform as mappenform

    set_for: list[str] = []
    real = mappenform._set
    monkeypatch.setattr(mappenform, "_set", lambda doc, prep, md: set_for.append(doc.target.name) or real(doc, prep, md))
    mappen: list[str] = []
    convert = engines.PandocWorker.convert

    def counted(self, markdown, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "vg-deckblatt" in markdown:
            mappen.append(markdown)
        return convert(self, markdown, *args, **kwargs)

    monkeypatch.setattr(engines.PandocWorker, "convert", counted)
    build_leak(leak_project)
    # VO/0001/19 has non-public Anlagen (its internal form differs), VO/0002/19 is non-public
    assert sorted(set_for) == ["VO-0001-19", "VO-0001-19", "VO-0002-19"], set_for
    assert len(mappen) == 2
    set_for.clear()
    mappen.clear()
    path = leak_project / "vorlagen/lueneburg/a.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Sachverhalt.", "Neuer Sachverhalt."), encoding="utf-8")
    docs = build_leak(leak_project)
    assert sorted(set_for) == ["VO-0001-19", "VO-0001-19"], set_for
    assert mappen == []
    assert any("Neuer Sachverhalt" in p for p in pdf_pages(docs / "Sitzungsmappe-oeffentlich.pdf"))
    incremental = {p.name: p.read_bytes() for p in docs.iterdir()}
    shutil.rmtree(leak_project / "build")
    clean = build_leak(leak_project)
    assert {p.name: p.read_bytes() for p in clean.iterdir()} == incremental


@pytest.mark.braucht("libreoffice")
def test_office_anlage_is_converted_when_libreoffice_is_there(tmp_path):
    """With LibreOffice the Word Anlage's pages are in the Mappe (without it a note: see
    test_office_anlage_without_libreoffice_gets_a_clear_note)."""
    root = copy_project(tmp_path)
    import docx

    d = docx.Document()
    d.add_paragraph("Inhalt der Word-Anlage Zeile eins")
    d.save(str(root / "vorlagen" / "tabelle.docx"))
    record(root, "a.yaml", drucksache("VO/0001/19", "Mit Word-Anlage",
                                      anlagen="anlagen:\n  - datei: ../tabelle.docx\n    titel: Tabelle\n"))
    sitzung(root, '    - drucksache: "VO/0001/19"')
    folder = build_leak(root)
    text = " ".join(" ".join(pdf_pages(folder / "Sitzungsmappe-vollstaendig.pdf")).split())
    assert "Inhalt der Word-Anlage Zeile eins" in text
    assert "Die Anlage „tabelle.docx“" not in text


@pytest.fixture(scope="module")
def demo_sitzung(tmp_path_factory) -> Path:
    return build_demo_sitzung(tmp_path_factory.mktemp("sitzung"))


def test_sitzung_pages_match_golden_images(demo_sitzung, tmp_path):
    """Cover, Tagesordnung and a non-public Anlage page of the full Mappe, first page of the Einladung."""
    goldens = sitzung_goldens(demo_sitzung)
    assert len(goldens) == 4
    problems = [golden_mismatch(pdf, page, GOLDEN / name, keep=tmp_path / name) for pdf, page, name in goldens]
    assert not [p for p in problems if p], problems


def test_einladung_docx_matches_golden_structure(demo_sitzung):
    golden = GOLDEN / f"sitzung-{DEMO_SITZUNG}-Einladung.docx.json"
    assert structure_text(docx_structure(demo_sitzung / "Einladung.docx")) == golden.read_text(encoding="utf-8")


def test_a_numbered_sitzung_is_named_once_in_its_documents(tmp_path):
    """An imported Sitzung's number is a name already („5. Sitzung“): no document says „Sitzung 5. Sitzung“."""
    root = copy_project(tmp_path)
    record(root, "a.yaml", drucksache("VO/0001/19", "Erste Sache"))
    path = sitzung(root, '    - drucksache: "VO/0001/19"')
    path.write_text(path.read_text(encoding="utf-8").replace("nummer: SGA/2019/02", "nummer: 5. Sitzung"),
                    encoding="utf-8")
    folder = build_leak(root)
    names = ("Einladung.pdf", "Bekanntmachung.pdf", "Sitzungsmappe-oeffentlich.pdf", "Sitzungsmappe-vollstaendig.pdf")
    for name in names:
        flat = " ".join(everything_in(folder / name).split())
        assert "Sitzung 5. Sitzung" not in flat, name
        assert "5. Sitzung am 04.04.2019" in flat, name  # footer and metadata


def test_the_mappe_header_can_name_the_sitzungs_number(tmp_path):
    """The word mappe_kopf of a profile may name the Sitzung's number and name, as the footer's may."""
    root = copy_project(tmp_path)
    record(root, "a.yaml", drucksache("VO/0001/19", "Erste Sache"))
    sitzung(root, '    - drucksache: "VO/0001/19"')
    data = root / "data/koerperschaften.yaml"
    text = data.read_text(encoding="utf-8")
    assert "lueneburg:\n  name: Hansestadt Lüneburg\n" in text and "lueneburg:\n  name: Hansestadt Lüneburg\n  profil" not in text
    data.write_text(text.replace("lueneburg:\n  name: Hansestadt Lüneburg\n",
                                 "lueneburg:\n  name: Hansestadt Lüneburg\n  profil:\n    woerter:\n"
                                 "      mappe_kopf: \"Kopf {nummer} / {sitzung} / {datum}\"\n", 1), encoding="utf-8")
    folder = build_leak(root)
    for name in ("Sitzungsmappe-oeffentlich.pdf", "Sitzungsmappe-vollstaendig.pdf"):
        flat = " ".join(everything_in(folder / name).split())
        assert "Kopf SGA/2019/02 / Sitzung SGA/2019/02 / 04.04.2019" in flat, name


IMPORTED = """nummer: "VO/7001/18"
datum: 2018-11-20
koerperschaft: lueneburg
art: Beschlussvorlage
status: öffentlich
betreff: Bestandssache aus dem alten System
federfuehrend: lueneburg-05
beratungsfolge:
  - gremium: lueneburg-sga
    datum: 2019-04-04
    zustaendigkeit: Entscheidung
quelle:
  system: oparl
  url: https://ris.example.org/oparl/paper/7001
  web: https://ris.example.org/vo020.asp?VOLFDNR=7001
  dokument:
    name: Vorlage
    url: https://ris.example.org/files/7001.pdf
"""


def test_an_imported_drucksache_gets_a_trennblatt_linking_its_document(tmp_path):
    """An imported Drucksache is not set again: the Mappe lists it with its page and gives it a
    Trennblatt with the address of its document in the former system."""
    root = copy_project(tmp_path)
    record(root, "a.yaml", drucksache("VO/0001/19", "Erste Sache"))
    record(root, "alt.yaml", IMPORTED)
    sitzung(root, '    - drucksache: "VO/7001/18"\n    - drucksache: "VO/0001/19"')
    folder = build_leak(root)
    for name in ("Sitzungsmappe-oeffentlich.pdf", "Sitzungsmappe-vollstaendig.pdf"):
        pages = [" ".join(p.split()) for p in pdf_pages(folder / name)]
        sheet = next(i for i, p in enumerate(pages) if "stammt aus dem bisherigen Ratsinformationssystem" in p)
        assert "Drucksache VO/7001/18: Bestandssache aus dem alten System" in pages[sheet], name
        assert "https://ris.example.org/files/7001.pdf" in pages[sheet], name
        assert "Erste Sache" not in pages[sheet] and any("Erste Sache" in p for p in pages[sheet + 1:]), name
        contents = next(p for p in pages if "Drucksache VO/7001/18" in p)
        # the TOP bears the Betreff, the Drucksache its number and the page of its Trennblatt
        assert f"Ö 2 Bestandssache aus dem alten System {sheet + 1} Drucksache VO/7001/18 {sheet + 1}" in contents, (
            name, contents)
        with pikepdf.open(folder / name) as pdf:
            uris = [str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", [])
                    if a.get("/A") is not None and "/URI" in a.A]
            titles = bookmarks(pdf)
        assert "https://ris.example.org/files/7001.pdf" in uris, name
        assert "Drucksache VO/7001/18: Bestandssache aus dem alten System" in titles, name
