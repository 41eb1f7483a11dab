"""Sitzungen as real councils hold them: a Mappe in every layout whose Drucksachen look exactly like
their own PDFs, numbering schemes from the Körperschaft's profile, notes, several Drucksachen on one
TOP, Nachtrag and abgesetzt, the Sitzung's own fields, and an Einladung whose DOCX matches its PDF."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops

from render_support import REPO, copy_project, pdf_pages
from test_sitzung import drucksache, outline_tree, record
from vorlagengen.cli import cli
from vorlagengen.documents.drucksache import render_record
from vorlagengen.documents.layouts import get_layout
from vorlagengen.documents.sitzung import build_sitzung
from vorlagengen.load.project import load_project

CM = 72 / 2.54


def build(root: Path) -> Path:
    """Build the Sitzung; returns one folder holding the documents of both trees (copies), so a
    test can look at all of them together."""
    project = load_project(root, None, sitzungen=[root / "sitzungen"])
    result = build_sitzung(project, project.sitzungen[0], root / "build")
    both = root / "beide"
    shutil.rmtree(both, ignore_errors=True)
    both.mkdir()
    for folder in (result.folder, result.internal_folder):
        for path in folder.glob("*.*") if folder.is_dir() else []:
            shutil.copy(path, both / path.name)
    return both


def write_sitzung(root: Path, text: str) -> None:
    (root / "sitzungen").mkdir(exist_ok=True)
    (root / "sitzungen" / "s.yaml").write_text(text, encoding="utf-8")


def copy_records(root: Path, body: str) -> None:
    shutil.copytree(REPO / "vorlagen" / body, root / "vorlagen" / body)


def page_image(pdf: bytes | Path, index: int) -> Image.Image:
    doc = pdfium.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    return doc[index].render(scale=60 / 72).to_pil().convert("L")


def drucksache_pages(mappe: Path, nummer: str) -> int:
    """Index of the first page of a Drucksache in a Mappe (from its bookmark)."""
    with pikepdf.open(mappe) as pdf, pdf.open_outline() as outline:
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            if item.title.startswith(f"Drucksache {nummer}:"):
                target = item.destination[0]
                return next(i for i, p in enumerate(pdf.pages) if p.obj.objgen == target.objgen)
            stack.extend(item.children)
    raise AssertionError(f"no bookmark for {nummer}")


def assert_same_pages(mappe: Path, nummer: str, own: bytes) -> None:
    """The Drucksache's pages in the Mappe are its own PDF's pages; only the Mappe's header line
    (the top 1.5 cm, empty on a Drucksache page) and the own page counter differ (bottom right: in the
    Mappe the header counts the pages, one counter, not two)."""
    first = drucksache_pages(mappe, nummer)
    count = len(pdfium.PdfDocument(own))
    for i in range(count):
        a, b = page_image(mappe, first + i), page_image(own, i)
        assert a.size == b.size
        strip = round(1.5 * 60 / 2.54)
        a.paste(255, (0, 0, a.width, strip))
        b.paste(255, (0, 0, b.width, strip))
        counter = (a.width - round(4 * 60 / 2.54), a.height - round(2.4 * 60 / 2.54), a.width, a.height)
        a.paste(255, counter)
        b.paste(255, counter)
        diff = ImageChops.difference(a, b).point(lambda v: 255 if v > 40 else 0)
        changed = diff.histogram()[255]
        assert changed < 0.0005 * a.width * a.height, (nummer, i, changed)
        assert a.getextrema() != (255, 255)  # not blank


def wandsbek_sitzung() -> str:
    return (REPO / "sitzungen" / "wandsbek-jha-2011-05-11.yaml").read_text(encoding="utf-8")


def test_drucksachen_in_the_hamburg_mappe_look_exactly_like_their_own_pdf(tmp_path):
    root = copy_project(tmp_path)
    copy_records(root, "wandsbek")
    write_sitzung(root, wandsbek_sitzung())
    folder = build(root)
    project = load_project(root, None)
    layout = get_layout("hamburg", root)
    for r in project.records:
        own = render_record(r, project, layout, ["pdf"])["pdf"]
        assert_same_pages(folder / "Sitzungsmappe-vollstaendig.pdf", r.vorlage.nummer, own)
    # one page counter on a Drucksache page: the Mappe's („Seite 5 von 9“), not also the own („Seite 1 von 1“)
    pages = pdf_pages(folder / "Sitzungsmappe-vollstaendig.pdf")
    first = drucksache_pages(folder / "Sitzungsmappe-vollstaendig.pdf", "19/0171")
    assert len(re.findall(r"Seite \d+ von \d+", pages[first])) == 1, pages[first]
    assert f"Seite {first + 1} von {len(pages)}" in pages[first]
    # the Hamburg Briefkopf is there (it was lost when base functions shadowed the layout's)
    text = pdf_pages(folder / "Sitzungsmappe-vollstaendig.pdf")
    first = drucksache_pages(folder / "Sitzungsmappe-vollstaendig.pdf", "19/0171")
    assert "Freie und Hansestadt Hamburg" in text[first] and "Drucksachen-Nr. 19/0171" in text[first]


SEGEBERG = """gremium: segeberg-jha
nummer: JHA/2011/05
datum: 2011-09-07
beginn: "17:00"
ort: Kreishaus Bad Segeberg
einladungsdatum: 2011-08-24
tagesordnung:
  oeffentlich:
    - titel: Eröffnung
    - drucksache: "DrS/2011/054"
"""


def test_mappe_in_the_allris4_layout_builds_and_matches_the_own_pdf(tmp_path):
    root = copy_project(tmp_path)
    copy_records(root, "segeberg")
    write_sitzung(root, SEGEBERG)
    folder = build(root)  # failed before: "typst: unexpected argument: art"
    project = load_project(root, None)
    own = render_record(project.records[0], project, get_layout("allris4", root), ["pdf"])["pdf"]
    for name in ("Sitzungsmappe-vollstaendig.pdf", "Sitzungsmappe-oeffentlich.pdf"):
        assert_same_pages(folder / name, "DrS/2011/054", own)


def test_every_layout_builds_a_sitzung(tmp_path):
    """Einladung and Bekanntmachung take the layout's own look (its functions win over the shared
    ones); every packaged layout builds all documents."""
    root = copy_project(tmp_path)
    for body in ("saarbruecken", "lueneburg"):
        copy_records(root, body)
    (root / "vorlagen" / "lueneburg" / "VO-8321-19.yaml").unlink()
    data = (root / "data" / "koerperschaften.yaml").read_text(encoding="utf-8")
    for layout in ("hamburg", "allris4", "saarbruecken", "allris"):
        (root / "data" / "koerperschaften.yaml").write_text(
            data.replace("layout: allris\n  nummernschema: \"VO", f"layout: {layout}\n  nummernschema: \"VO"),
            encoding="utf-8")
        record(root, "a.yaml", drucksache("VO/0001/19", 'Sache mit \\"Zitat\\"'))
        write_sitzung(root, SITZUNG.format(oeffentlich='    - drucksache: "VO/0001/19"',
                                           nichtoeffentlich="    - titel: Personalien", extra=""))
        folder = build(root)
        assert (folder / "Einladung.pdf").exists() and (folder / "Sitzungsmappe-oeffentlich.pdf").exists(), layout
        toc = " ".join(pdf_pages(folder / "Sitzungsmappe-oeffentlich.pdf")[1].split())
        assert "Sache mit „Zitat“" in toc, (layout, toc)


SITZUNG = """gremium: lueneburg-sga
nummer: SGA/2019/02
datum: 2019-04-04
beginn: "16:00"
ort: Rathaus Lüneburg
sitzungsleitung: lueneburg-hampe
einladungsdatum: 2019-03-22
{extra}tagesordnung:
  oeffentlich:
    - titel: Eröffnung
{oeffentlich}
  nichtoeffentlich:
{nichtoeffentlich}
"""


def lueneburg(tmp_path: Path, oeffentlich: str, nichtoeffentlich: str = "    - titel: Personalien", extra: str = "",
              profil: str = "") -> Path:
    root = copy_project(tmp_path)
    if profil:
        path = root / "data" / "koerperschaften.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(
            "  system: Bürgerinformationssystem\n", "  system: Bürgerinformationssystem\n" + profil), encoding="utf-8")
    write_sitzung(root, SITZUNG.format(oeffentlich=oeffentlich, nichtoeffentlich=nichtoeffentlich, extra=extra))
    return root


def table_rows(docx_path: Path) -> list[tuple[str, str]]:
    import docx

    rows = []
    for table in docx.Document(str(docx_path)).tables:
        for row in table.rows[1:]:
            cells = [c.text.strip(" \n") for c in row.cells]
            if len(cells) == 3:
                rows.append((cells[0], cells[1]))
    return rows


def assert_einladung_docx_matches_pdf(folder: Path, name: str = "Einladung") -> list[tuple[str, str]]:
    """Same items, same numbers, same order in the Word file and the PDF."""
    rows = table_rows(folder / f"{name}.docx")
    flat = " ".join(" ".join(pdf_pages(folder / f"{name}.pdf")).split())
    pos = 0
    for nummer, titel in rows:
        words = " ".join(titel.split()[:3])
        m = re.compile(re.escape(nummer) + r"\s+" + re.escape(words)).search(flat, pos)
        assert m, (nummer, titel, flat[pos:pos + 300])
        pos = m.end()
    return rows


def test_numbering_scheme_comes_from_the_koerperschaft_profile(tmp_path):
    root = lueneburg(tmp_path, """    - nummer: "2."
      titel: Regularien
      unterpunkte:
        - titel: Feststellung der Tagesordnung
        - titel: Genehmigung der Niederschrift
    - titel: Anfragen
    - nummer: "10a"
      titel: Eingeschobener Punkt
    - titel: Danach
    - nummer: "TOP 12 a)"
      titel: Mit Präfix""", profil="""  tagesordnung:
    zaehlung: fortlaufend
    kennung_oeffentlich: ""
    kennung_nichtoeffentlich: ""
    stellen: 2
""")
    folder = build(root)
    rows = assert_einladung_docx_matches_pdf(folder)
    assert [n for n, _ in rows] == ["01", "2.", "2.1", "2.2", "03", "10a", "11", "12 a)", "13"]
    assert rows[2][1].startswith("\u2003")  # sub-items indented under their parent
    assert_word_styles(folder / "Einladung.docx")


def assert_word_styles(path: Path) -> None:
    """The Einladung is editable in Word with the reference document's styles, not direct formatting."""
    import docx

    d = docx.Document(str(path))
    used = {p.style.name for p in d.paragraphs} | {t.style.name for t in d.tables}
    assert {"Kopf", "Dokumenttitel", "Zwischentitel", "Eigenschaften", "Beratungsfolge"} <= used
    defined = {s.name for s in d.styles}
    assert used <= defined


@pytest.mark.parametrize("oeffentlich, expected", [
    ('    - nummer: "5"\n      titel: A\n    - nummer: "5"\n      titel: B',
     "sitzungen/s.yaml:{line}:7: tagesordnung.oeffentlich[3].nummer: TOP-Nummer „5“ kommt doppelt vor (auch bei "
     "tagesordnung.oeffentlich[2])"),
    ('    - nummer: "7"\n      titel: A\n    - nummer: "3"\n      titel: B',
     "sitzungen/s.yaml:{line}:7: tagesordnung.oeffentlich[3].nummer: TOP-Nummer „3“ steht nach „7“: die Nummern "
     "der Tagesordnung müssen aufsteigen"),
])
def test_own_numbers_are_checked_at_validate(tmp_path, monkeypatch, oeffentlich, expected):
    root = lueneburg(tmp_path, oeffentlich)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["--projekt", str(root), "validate"])
    assert result.exit_code == 1
    lines = (root / "sitzungen" / "s.yaml").read_text(encoding="utf-8").splitlines()
    line = max(i for i, text in enumerate(lines, 1) if text.strip().startswith("- nummer:"))
    assert expected.format(line=line) in result.output, result.output
    assert "Traceback" not in result.output


def test_notes_several_drucksachen_nachtrag_and_abgesetzt(tmp_path):
    root = lueneburg(tmp_path, """    - drucksache: "VO/0001/19"
      dazu: ["VO/0002/19"]
      hinweis: Genehmigung einer Dringlichkeitsentscheidung
    - drucksache: "VO/0003/19"
      abgesetzt: ja
    - drucksache: "VO/0004/19"
      nachtrag: Nachtrag""", extra="nachtragsdatum: 2019-03-29\n")
    for nr, betreff in (("VO/0001/19", "Vorlage"), ("VO/0002/19", "Auszüge aus den Ortsräten"),
                        ("VO/0003/19", "Zurückgezogene Sache"), ("VO/0004/19", "Nachgereichte Sache")):
        record(root, f"{nr.split('/')[1]}.yaml", drucksache(nr, betreff))
    folder = build(root)
    einladung = " ".join(" ".join(pdf_pages(folder / "Einladung.pdf")).split())
    flat = einladung.replace("\ufffe", "").replace("\u00ad", "")  # a word hyphenated in the narrow column
    assert ("Ö 2 Vorlage – Genehmigung einer Dringlichkeitsentscheidung; dazu VO/0002/19: Auszüge aus den Ortsräten "
            "VO/0001/19 (Beschlussvorlage), VO/0002/19 (Beschlussvorlage)") in flat, einladung
    # the Einladung as sent: the later withdrawal and the added item are the Nachtrag's
    assert "Ö 3 Zurückgezogene Sache VO/0003/19" in einladung and "abgesetzt" not in einladung
    assert "Nachgereichte Sache" not in einladung
    assert_einladung_docx_matches_pdf(folder)
    # the Nachtrag lists the withdrawn and the added item, with their numbers in the whole Tagesordnung
    rows = assert_einladung_docx_matches_pdf(folder, "Nachtrag")
    assert rows == [("Ö 3", "Zurückgezogene Sache (abgesetzt)"), ("Ö 4", "Nachgereichte Sache (Nachtrag)")]
    assert "Nachtrag vom 29.03.2019" in " ".join(pdf_pages(folder / "Nachtrag.pdf"))
    mappe = folder / "Sitzungsmappe-vollstaendig.pdf"
    tree = outline_tree(mappe)
    assert tree[:3] == [(1, "TOP Ö 2 Vorlage"), (2, "Drucksache VO/0001/19: Vorlage"),
                        (2, "Drucksache VO/0002/19: Auszüge aus den Ortsräten")]
    assert (1, "TOP Ö 4 Nachgereichte Sache (Nachtrag)") in tree
    text = pdf_pages(mappe)
    assert not any("Zurückgezogene Sache" in t for t in text[2:])  # withdrawn: not in the Mappe …
    toc = " ".join(text[1].split())
    assert "Zurückgezogene Sache – abgesetzt" in toc  # … but in its Tagesordnung
    assert "Nachgereichte Sache – Nachtrag" in toc


def test_sitzung_fields_appear_in_the_einladung(tmp_path):
    root = lueneburg(tmp_path, "    - titel: Bericht", extra="""bezeichnung: 25. öffentliche Sitzung
anlass: außerordentliche Sitzung
status: geplant
ende: "18:30"
beginn_nichtoeffentlich: "18:00"
""")
    folder = build(root)
    text = " ".join(" ".join(pdf_pages(folder / "Einladung.pdf")).split())
    for expected in ("zur außerordentlichen Sitzung", "25. öffentliche Sitzung (SGA/2019/02)",
                     "Anlass: außerordentliche Sitzung", "16:00 Uhr bis 18:30 Uhr",
                     "Nichtöffentlicher Teil (Beginn 18:00 Uhr)"):
        assert expected in text, expected
    cover = " ".join(pdf_pages(folder / "Sitzungsmappe-vollstaendig.pdf")[0].split())
    assert "25. öffentliche Sitzung (SGA/2019/02)" in cover


def test_shortened_ladungsfrist_needs_a_reason_which_the_einladung_prints(tmp_path, monkeypatch):
    root = lueneburg(tmp_path, "    - titel: Eilsache", extra="")
    path = root / "sitzungen" / "s.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("einladungsdatum: 2019-03-22",
                                                             "einladungsdatum: 2019-04-02"), encoding="utf-8")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["--projekt", str(root), "validate"])
    assert result.exit_code == 1 and "Ladungsfrist von 7 Tagen nicht eingehalten" in result.output
    path.write_text(path.read_text(encoding="utf-8").replace(
        "einladungsdatum: 2019-04-02", "einladungsdatum: 2019-04-02\ndringlichkeit: Fristablauf der Förderung am "
        "05.04.2019"), encoding="utf-8")
    folder = build(root)
    text = " ".join(" ".join(pdf_pages(folder / "Einladung.pdf")).split())
    assert "Verkürzte Ladungsfrist wegen Dringlichkeit: Fristablauf der Förderung am 05.04.2019" in text


def test_cancelled_sitzung_gets_letters_but_no_mappe(tmp_path):
    root = lueneburg(tmp_path, "    - titel: Bericht", extra="status: abgesagt\n")
    folder = build(root)
    assert sorted(p.name for p in folder.iterdir()) == ["Bekanntmachung.pdf", "Einladung.docx", "Einladung.pdf"]
    assert "ist abgesagt" in " ".join(" ".join(pdf_pages(folder / "Einladung.pdf")).split())
    assert "ist abgesagt" in " ".join(" ".join(pdf_pages(folder / "Bekanntmachung.pdf")).split())


def test_public_mappe_keeps_the_anlagen_numbers_of_the_list(tmp_path):
    import typst

    root = lueneburg(tmp_path, '    - drucksache: "VO/0001/19"')
    an = root / "vorlagen" / "lueneburg" / "anlagen"
    an.mkdir(parents=True)
    for name in ("eins", "zwei", "drei"):
        (an / f"{name}.pdf").write_bytes(typst.compile(f"= Anlage {name}".encode(), pdf_standards=["a-2b"]))
    record(root, "a.yaml", drucksache("VO/0001/19", "Mit Anlagen", anlagen="""anlagen:
  - datei: anlagen/eins.pdf
    titel: Erste Anlage
  - datei: anlagen/zwei.pdf
    titel: Vertrauliche Anlage
    oeffentlich: nein
  - datei: anlagen/drei.pdf
    titel: Dritte Anlage
"""))
    folder = build(root)
    mappe = folder / "Sitzungsmappe-oeffentlich.pdf"
    tree = [t for _, t in outline_tree(mappe)]
    assert "Anlage 1 zu VO/0001/19: Erste Anlage" in tree and "Anlage 3 zu VO/0001/19: Dritte Anlage" in tree
    first = drucksache_pages(mappe, "VO/0001/19")
    page = " ".join(pdf_pages(mappe)[first].split())
    assert "1. Erste Anlage" in page and "3. Dritte Anlage" in page and "Vertrauliche" not in page


def test_contents_links_cover_the_whole_line(tmp_path):
    root = lueneburg(tmp_path, '    - drucksache: "VO/0001/19"')
    record(root, "a.yaml", drucksache("VO/0001/19", "Eine Sache"))
    mappe = build(root) / "Sitzungsmappe-vollstaendig.pdf"
    with pikepdf.open(mappe) as pdf:
        links = [a for a in pdf.pages[1].get("/Annots", []) if a.get("/Subtype") == "/Link"]
        heights = [float(a.Rect[3]) - float(a.Rect[1]) for a in links]
        widths = [float(a.Rect[2]) - float(a.Rect[0]) for a in links]
    assert links and min(heights) >= 14 and min(widths) > 12 * CM
    toc = pdf_pages(mappe)[1]
    assert "– enthält nichtöffentliche Punkte –" in toc


def test_every_sitzung_of_the_corpus_builds(tmp_path):
    """The agendas under beispiele/ (real agendas of other councils) build to all documents, and no
    Mappe page is empty but for a heading."""
    from test_sitzung import assert_no_bare_pages

    projects = sorted(p.parent for p in (REPO / "beispiele").glob("*/sitzungen"))
    assert len(projects) >= 1
    built = 0
    for project in projects:
        out = tmp_path / project.name
        result = CliRunner().invoke(cli, ["--projekt", str(project), "-q", "sitzung", "-o", str(out)])
        assert result.exit_code == 0, (project.name, result.output)
        for folder in (out / "intern" / "sitzungen").iterdir():
            built += 1
            public = out / "oeffentlich" / "sitzungen" / folder.name
            assert (folder / "Einladung.docx").exists() and (public / "Bekanntmachung.pdf").exists()
            assert_einladung_docx_matches_pdf(folder)
            for mappe in [*folder.glob("Sitzungsmappe-*.pdf"), *public.glob("Sitzungsmappe-*.pdf")]:
                assert_no_bare_pages(mappe)
    assert built >= 15


def test_the_corpus_of_sessions_has_its_sources_and_every_niederschrift_builds(tmp_path):
    """beispiele/tagesordnungen: at least 15 real agendas of at least 10 bodies and 5 real
    Niederschriften (public parts) of at least 4 bodies, each file naming its source at the top; every
    Niederschrift validates and builds its public form, which shows what the record transcribes."""
    project = REPO / "beispiele" / "tagesordnungen"
    sitzungen = sorted(project.glob("sitzungen/*.yaml"))
    agendas = [p for p in sitzungen if not p.name.endswith(".niederschrift.yaml")]
    minutes = [p for p in sitzungen if p.name.endswith(".niederschrift.yaml")]
    for path in sitzungen:
        head = path.read_text(encoding="utf-8").split("\n", 3)[1]
        assert head.startswith("# Quelle: ") and ("http" in head or "OParl" in head), path.name
    loaded = load_project(project)
    bodies = {s.sitzung.gremium for s in loaded.sitzungen}
    with_minutes = [s for s in loaded.sitzungen if s.niederschrift is not None]
    assert len(agendas) >= 15 and len(bodies) >= 10, (len(agendas), bodies)
    assert len(minutes) >= 5 and len({s.sitzung.gremium for s in with_minutes}) >= 4
    result = CliRunner().invoke(cli, ["--projekt", str(project), "-q", "niederschrift", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for srec in with_minutes:
        pdf = tmp_path / "oeffentlich" / "sitzungen" / srec.slug / "Niederschrift.pdf"
        text = " ".join(" ".join(pdf_pages(pdf)).split())
        n = srec.niederschrift
        assert n is not None
        for t in n.anwesenheit:  # every member named in the source stands in the published minutes
            person = loaded.ref.personen[t.person]
            assert person.nachname in text, (srec.slug, person.nachname)
        for top in n.tops:  # and every text transcribed
            assert " ".join((top.inhalt or "").split())[:60] in text, (srec.slug, top.top)
    fuhlenhagen = " ".join(" ".join(pdf_pages(
        tmp_path / "oeffentlich/sitzungen/fuhlenhagen-gv-2009-08-20/Niederschrift.pdf")).split())
    assert "TOP 7. Haushaltsüberschreitungen Die in der Anlage aufgeführten Haushaltsüberschreitungen wurden " \
           "genehmigt. Ergebnis: ungeändert beschlossen Abstimmung: Ja 5, Nein 0, Enthaltung 0" in fuhlenhagen
    assert "TOP 15. Anfragen und Mitteilungen" in fuhlenhagen and "nichtöffentlich, Titel" not in fuhlenhagen
