"""Rendering: the seeds come out whole in PDF and DOCX, in their system's look, archival,
accessible, reproducible; author text stays text."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from conftest import LUENEBURG_HEAD
from render_support import (
    GOLDEN,
    REPO,
    SEEDS,
    body_text,
    build_project,
    compare_images,
    copy_project,
    docx_structure,
    docx_text,
    golden_mismatch,
    markdown_sentences,
    norm,
    pdf_pages,
    structure_text,
)
from vorlagengen.documents.drucksache import build
from vorlagengen.documents.layouts import get_layout
from vorlagengen.documents.woerter import table
from vorlagengen.errors import UserError
from vorlagengen.load.project import load_project
from vorlagengen.model.records import slug
from vorlagengen.model.woerter import fill


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    build_project(REPO, out)
    return out


@pytest.fixture(scope="module")
def demo():
    return load_project(REPO, jobs=1)


def footer_of(project, record) -> str:
    """The running footer of a Drucksache in its own layout (the word table's „fusszeile“)."""
    k = project.ref.koerperschaften[record.vorlage.koerperschaft]
    words = table(get_layout(k.layout, project.root), k, record.vorlage.art)
    titel = fill(words["titel"], {"art": k.art_bezeichnung.get(record.vorlage.art, record.vorlage.art)})
    return fill(words["fusszeile"], {"koerperschaft": k.name, "titel": titel, "nummer": record.vorlage.nummer})


def outputs(out: Path, record) -> tuple[Path, Path]:
    base = out / "intern" / "vorlagen" / record.vorlage.koerperschaft / slug(record.vorlage.nummer)
    return base.with_suffix(".pdf"), base.with_suffix(".docx")


def expected_texts(record, project) -> list[str]:
    v = record.vorlage
    want = [v.nummer, v.betreff]
    for step in v.beratungsfolge:
        want += [project.ref.gremien[step.gremium].name, step.datum.strftime("%d.%m.%Y"), step.zustaendigkeit]
        if step.ergebnis:
            want.append(step.ergebnis)
    for a in v.anlagen:
        want.append(a.titel)
    for field in ("sachverhalt", "beschlussvorschlag", "antwort"):
        if getattr(v, field):
            want += markdown_sentences(getattr(v, field))
    for frage in v.fragen:
        want += markdown_sentences(frage)
    for a in v.abschnitte:
        want += [a.titel, *markdown_sentences(a.text)]
    if v.finanzen and v.finanzen.beschreibung:
        want += markdown_sentences(v.finanzen.beschreibung)
    if v.unterschrift:
        want.append(project.ref.personen[v.unterschrift.person].nachname)
        if v.unterschrift.zusatz:
            want.append(v.unterschrift.zusatz)
    if v.federfuehrend:
        want.append(project.ref.aemter[v.federfuehrend].name)
    for amt in v.beteiligt:
        want.append(project.ref.aemter[amt].name)
    if v.bezug:
        want.append(v.bezug)
    return want


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_content_complete_in_pdf_and_docx(seed, seeds_out, demo):
    record = next(r for r in demo.records if r.path == seed)
    pdf, doc = outputs(seeds_out, record)
    pdf_text = norm(body_text(pdf, (footer_of(demo, record), "ENTWURF")))
    doc_text = norm(docx_text(doc))
    missing_pdf = [t for t in expected_texts(record, demo) if norm(t) not in pdf_text]
    missing_docx = [t for t in expected_texts(record, demo) if norm(t) not in doc_text]
    assert not missing_pdf, f"im PDF fehlt: {missing_pdf[:5]}"
    assert not missing_docx, f"im DOCX fehlt: {missing_docx[:5]}"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_first_page_matches_golden_image(seed, seeds_out, demo, tmp_path):
    record = next(r for r in demo.records if r.path == seed)
    pdf, _ = outputs(seeds_out, record)
    golden = GOLDEN / f"{record.vorlage.koerperschaft}-{slug(record.vorlage.nummer)}.png"
    mismatch = golden_mismatch(pdf, 0, golden, keep=tmp_path / golden.name)
    assert mismatch is None, mismatch


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_docx_matches_golden_structure(seed, seeds_out, demo):
    """Paragraph styles and texts, table styles and cells, header and footer: exactly as stored."""
    record = next(r for r in demo.records if r.path == seed)
    _, doc = outputs(seeds_out, record)
    golden = GOLDEN / f"{record.vorlage.koerperschaft}-{slug(record.vorlage.nummer)}.docx.json"
    assert golden.exists(), f"{golden} fehlt: „make golden“ ausführen und die Datei lesen"
    assert structure_text(docx_structure(doc)) == golden.read_text(encoding="utf-8")


def test_tile_comparison_names_the_place_of_a_small_change():
    page = Image.new("RGB", (446, 631), "white")
    changed = page.copy()
    changed.paste((200, 200, 200), (100, 300, 108, 306))  # 8 × 6 pixels, 0.02 % of the page
    found = compare_images(changed, page)
    assert found is not None and (found.row, found.col) == (19, 7)
    assert found.box == (96, 288, 112, 304) and found.tiles == 1
    assert "Zeile 19, Spalte 7 (Pixel x 96–111, y 288–303)" in str(found)
    assert compare_images(page.copy(), page) is None
    assert compare_images(page.resize((446, 630)), page) is not None


@pytest.mark.parametrize("change", ["label", "titlebar"])
def test_golden_comparison_sees_a_renamed_label_and_a_lighter_title_bar(tmp_path, change):
    """A copy of the allris layout with one visible change must fail against the Lüneburg golden."""
    from vorlagengen.documents.layouts import get_layout

    own = tmp_path / "templates" / "allris"
    own.mkdir(parents=True)
    layout = get_layout("allris", REPO)
    if change == "label":
        name, old, new = "woerter.yaml", "  art: Vorlage-Art\n", "  art: Vorlagenart\n"
    else:
        name, old, new = "layout.typ", "fill: luma(225)", "fill: luma(238)"
    text = layout.find(name).read_text(encoding="utf-8")
    assert old in text
    (own / name).write_text(text.replace(old, new), encoding="utf-8")
    shutil.copytree(REPO / "data", tmp_path / "data")
    seed = tmp_path / "vorlagen" / "lueneburg" / "VO-8321-19.yaml"
    seed.parent.mkdir(parents=True)
    shutil.copyfile(REPO / "vorlagen" / "lueneburg" / "VO-8321-19.yaml", seed)
    build_project(tmp_path, tmp_path / "build", formats=["pdf"])
    mismatch = golden_mismatch(tmp_path / "build/intern/vorlagen/lueneburg/VO-8321-19.pdf", 0,
                               GOLDEN / "lueneburg-VO-8321-19.png")
    assert mismatch is not None and "Kachel Zeile" in mismatch, mismatch


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_pdf_is_pdfa2a_and_pdfua1_with_metadata(seed, seeds_out, demo):
    record = next(r for r in demo.records if r.path == seed)
    pdf_path, _ = outputs(seeds_out, record)
    with pikepdf.open(pdf_path) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "A"
        assert meta["pdfuaid:part"] == "1"
        assert meta["dc:title"] == record.vorlage.betreff
        assert record.vorlage.nummer in meta["dc:description"]
        assert str(pdf.Root.Lang) == "de-DE"
        assert pdf.Root.MarkInfo.Marked is True
        assert "/StructTreeRoot" in pdf.Root
        expected_author = (demo.ref.aemter[record.vorlage.federfuehrend].name if record.vorlage.federfuehrend
                           else demo.ref.koerperschaften[record.vorlage.koerperschaft].name)
        assert meta["dc:creator"] == [expected_author]
        fonts = {str(f.get("/BaseFont")) for page in pdf.pages for f in page.Resources.Font.values()}
        assert fonts and all("Liberation" in f for f in fonts), fonts


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_pdf_numbers_pages_seite_x_von_y(seed, seeds_out, demo):
    record = next(r for r in demo.records if r.path == seed)
    pages = pdf_pages(outputs(seeds_out, record)[0])
    for i, text in enumerate(pages, start=1):
        assert f"Seite {i} von {len(pages)}" in text


def test_docx_has_german_quotes_styles_and_page_fields(seeds_out, demo):
    record = next(r for r in demo.records if r.vorlage.nummer == "19/0167")
    _, doc = outputs(seeds_out, record)
    with zipfile.ZipFile(doc) as z:
        body = z.read("word/document.xml").decode()
        styles = z.read("word/styles.xml").decode()
        footers = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
    assert "„Neue Hilfen“" in body and "“Neue Hilfen”" not in body
    for style in ("Beschlussvorschlag", "Beratungsfolge", "Textkoerper"):
        assert f'w:styleId="{style}"' in styles
    assert 'w:val="Beratungsfolge"' in body
    assert "PAGE" in footers and "NUMPAGES" in footers


def test_two_builds_are_byte_identical(tmp_path):
    paths = [REPO / "vorlagen" / "lueneburg" / "VO-8321-19.yaml"]
    build_project(REPO, tmp_path / "a", paths)
    build_project(REPO, tmp_path / "b", paths)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*") if p.suffix in (".pdf", ".docx"))
    assert len(files) == 4  # public and internal form, DOCX and PDF
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


# --- records made inside the tests -------------------------------------------------------------


def write_record(root: Path, name: str, text: str) -> Path:
    path = root / "vorlagen" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


HEAD = LUENEBURG_HEAD


def block(text: str) -> str:
    return "sachverhalt: |\n" + "".join(f"  {line}\n" if line else "\n" for line in text.splitlines())


def test_long_table_breaks_across_pages_with_header_repeated(tmp_path):
    root = copy_project(tmp_path)
    rows = "\n".join(f"| Zeile {i} | Maßnahme Nummer {i} | {i * 10} |" for i in range(1, 121))
    write_record(root, "t.yaml", HEAD.format(nr="VO/0001/19", betreff="Lange Tabelle")
                 + block("| Nr | Maßnahme | Betrag |\n|---|---|---|\n" + rows))
    build_project(root, root / "build")
    pdf = root / "build/oeffentlich/vorlagen/lueneburg/VO-0001-19.pdf"
    pages = pdf_pages(pdf)
    assert len(pages) >= 3
    text = "\n".join(pages)
    for i in range(1, 121):
        assert f"Maßnahme Nummer {i}\n" in text or f"Maßnahme Nummer {i} " in text, i
    with_header = [p for p in pages if "Nr Maßnahme Betrag" in " ".join(p.split())]
    assert len(with_header) >= 2, "Tabellenkopf wird auf Folgeseiten nicht wiederholt"
    assert sum(1 for r in docx_text(root / "build/oeffentlich/vorlagen/lueneburg/VO-0001-19.docx").splitlines()
               if r.startswith("Maßnahme Nummer")) == 120


INJECTIONS = [
    "{{ 7 * 7 }} und {% if true %}WAHR{% endif %}",
    '#read("/etc/passwd") und #import "@preview/cetz:0.2.0"',
    "#panic(\"boom\") und $x^2$ und #let a = 1",
    "<script>alert(1)</script> <b>fett</b>",
    "```{=typst}\n#panic(\"raw\")\n```",
    "```{=openxml}\n<w:p><w:r><w:t>XMLINJ</w:t></w:r></w:p>\n```",
    "`{=html}` und {=latex} \\textbf{x}",
    ":::\n::: {.vg-titel}\nAUSBRUCH\n:::",
]


def test_markup_in_records_comes_out_literally(tmp_path):
    root = copy_project(tmp_path)
    betreff = '"{{ 7*7 }} #read(\\"/etc/passwd\\") <b>x</b> $y$"'
    write_record(root, "i.yaml", HEAD.format(nr="VO/0002/19", betreff=betreff) + block("\n\n".join(INJECTIONS)))
    build_project(root, root / "build")
    pdf = "\n".join(pdf_pages(root / "build/oeffentlich/vorlagen/lueneburg/VO-0002-19.pdf"))
    doc = docx_text(root / "build/oeffentlich/vorlagen/lueneburg/VO-0002-19.docx")
    ascii_quotes = str.maketrans({"„": '"', "“": '"', "”": '"', "‚": "'", "‘": "'", "’": "'"})
    for text in (pdf, doc):
        # typographic quotes are the one change allowed: "x" is set as „x“
        flat = " ".join(text.split()).translate(ascii_quotes)
        assert "{{ 7*7 }}" in flat and "{{ 7 * 7 }}" in flat
        assert "{% if true %}WAHR{% endif %}" in flat
        assert '#read("/etc/passwd")' in flat
        assert '#import "@preview/cetz:0.2.0"' in flat
        assert '#panic("boom")' in flat and "$x^2$" in flat
        assert "<script>alert(1)</script>" in flat and "<b>fett</b>" in flat
        assert '#panic("raw")' in flat
        assert "<w:t>XMLINJ</w:t>" in flat
        assert "root:x:0:0" not in flat
        assert "49" not in flat.replace("VO/0002/19", "")


def test_entwurf_is_stamped_on_every_page(tmp_path):
    root = copy_project(tmp_path)
    long = "\n\n".join(f"Absatz {i}: " + "Text der Vorlage. " * 40 for i in range(12))
    write_record(root, "e.yaml", HEAD.format(nr="VO/0003/19", betreff="Entwurf") + "entwurf: ja\n" + block(long))
    build_project(root, root / "build")
    assert not (root / "build/oeffentlich/vorlagen/lueneburg/VO-0003-19.pdf").exists()  # a draft is not published
    pages = pdf_pages(root / "build/entwurf/vorlagen/lueneburg/VO-0003-19.pdf")
    assert len(pages) >= 2
    assert all("ENTWURF" in p for p in pages)
    import docx

    d = docx.Document(str(root / "build/entwurf/vorlagen/lueneburg/VO-0003-19.docx"))
    assert all("ENTWURF" in " ".join(p.text for p in s.header.paragraphs) for s in d.sections)


def test_markdown_structures_reach_both_formats(tmp_path):
    root = copy_project(tmp_path)
    md = """## Zwischenüberschrift Eins

Ein Absatz mit **fettem Wort** und *kursivem Wort* und einem [Verweis](https://example.org/info).

- Punkt A
  - Unterpunkt A1
  - Unterpunkt A2
- Punkt B

1. Erstens
2. Zweitens
   1. Zweitens eins

| Spalte 1 | Spalte 2 |
|---|---|
| Wert a | Wert b |
"""
    write_record(root, "m.yaml", HEAD.format(nr="VO/0004/19", betreff="Markdown") + block(md))
    build_project(root, root / "build")
    base = root / "build/oeffentlich/vorlagen/lueneburg/VO-0004-19"
    pdf = "\n".join(pdf_pages(base.with_suffix(".pdf")))
    for snippet in ("Zwischenüberschrift Eins", "fettem Wort", "Unterpunkt A2", "Zweitens eins", "Wert b"):
        assert snippet in pdf
    with zipfile.ZipFile(base.with_suffix(".docx")) as z:
        body = z.read("word/document.xml").decode()
    assert "<w:b />" in body or "<w:b/>" in body
    assert "<w:i />" in body or "<w:i/>" in body
    assert "w:hyperlink" in body
    assert 'w:ilvl w:val="1"' in body  # nested list level
    assert 'w:pStyle w:val="Heading2"' in body
    with pikepdf.open(base.with_suffix(".pdf")) as p:
        uris = [str(a.A.URI) for page in p.pages for a in page.get("/Annots", []) if "/A" in a]
    assert "https://example.org/info" in uris


def test_project_templates_override_packaged_layout(tmp_path):
    root = copy_project(tmp_path)
    own = root / "templates" / "allris"
    own.mkdir(parents=True)
    packaged = REPO / "src/vorlagengen/templates/allris/vorlage.md.j2"
    (own / "vorlage.md.j2").write_text(
        packaged.read_text(encoding="utf-8").replace('# {{ w("sachverhalt")|inline }}',
                                                    '# Sachdarstellung der Musterstadt'),
        encoding="utf-8")
    write_record(root, "o.yaml", HEAD.format(nr="VO/0005/19", betreff="Eigenes Layout") + block("Text."))
    build_project(root, root / "build")
    base = root / "build/oeffentlich/vorlagen/lueneburg/VO-0005-19"
    assert "Sachdarstellung der Musterstadt" in "".join(pdf_pages(base.with_suffix(".pdf")))
    assert "Sachdarstellung der Musterstadt" in docx_text(base.with_suffix(".docx"))


def test_failed_build_leaves_previous_output_untouched(tmp_path):
    root = copy_project(tmp_path)
    write_record(root, "a.yaml", HEAD.format(nr="VO/0006/19", betreff="Erster Stand") + block("Text."))
    build_project(root, root / "build")
    pdf = root / "build/oeffentlich/vorlagen/lueneburg/VO-0006-19.pdf"
    before = pdf.read_bytes()
    own = root / "templates" / "allris"
    own.mkdir(parents=True)
    (own / "layout.typ").write_text('#import "/base.typ": *\n#let vorlage(body) = { undefined-function() }\n')
    write_record(root, "a.yaml", HEAD.format(nr="VO/0006/19", betreff="Zweiter Stand") + block("Text."))
    with pytest.raises(UserError) as err:
        build_project(root, root / "build")
    assert "typst" in str(err.value) and "a.yaml" in str(err.value)
    assert pdf.read_bytes() == before
    assert not [p for p in pdf.parent.iterdir() if p.name.startswith(".")]


def test_unchanged_records_are_not_rebuilt(tmp_path):
    root = copy_project(tmp_path)
    write_record(root, "a.yaml", HEAD.format(nr="VO/0007/19", betreff="A") + block("Text."))
    write_record(root, "b.yaml", HEAD.format(nr="VO/0008/19", betreff="B") + block("Text."))
    out = root / "build"
    first = build(load_project(root, jobs=1), out)
    assert len(first.built) == 8 and not first.skipped  # public and internal form of each
    second = build(load_project(root, jobs=1), out)
    assert not second.built and len(second.skipped) == 8
    write_record(root, "b.yaml", HEAD.format(nr="VO/0008/19", betreff="B geändert") + block("Text."))
    third = build(load_project(root, jobs=1), out)
    assert sorted(str(p.relative_to(out)) for p in third.built) == [
        "intern/vorlagen/lueneburg/VO-0008-19.docx", "intern/vorlagen/lueneburg/VO-0008-19.pdf",
        "oeffentlich/vorlagen/lueneburg/VO-0008-19.docx", "oeffentlich/vorlagen/lueneburg/VO-0008-19.pdf"]


def test_any_record_renders_in_any_layout(tmp_path, demo):
    from vorlagengen.documents.layouts import available

    for layout in available(REPO):
        out = tmp_path / layout
        build(demo, out, layout_name=layout)
        assert len(list((out / "intern").rglob("*.pdf"))) == len(demo.records)
        assert len(list((out / "oeffentlich").rglob("*.pdf"))) == sum(r.vorlage.oeffentlich for r in demo.records)


def test_worked_example_of_a_kommune_design_builds(tmp_path):
    """The worked example of docs/it/layouts.md: beispiele/musterstadt overrides layout.typ, logo and Word styles."""
    example = REPO / "beispiele" / "musterstadt"
    project = load_project(example, jobs=1)
    build(project, tmp_path)
    pdf = tmp_path / "oeffentlich/vorlagen/musterstadt/BV-2026-001.pdf"
    assert "Ratsinformationssystem Musterstadt" in pdf_pages(pdf)[0]
    with pikepdf.open(pdf) as p:
        alts = [str(o.Alt) for o in p.objects if isinstance(o, pikepdf.Dictionary) and "/Alt" in o]
    assert "Wappen der Stadt Musterstadt" in alts, "Wappen (mit Alternativtext) fehlt"
    with zipfile.ZipFile(tmp_path / "oeffentlich/vorlagen/musterstadt/BV-2026-001.docx") as z:
        assert "1D5F3A" in z.read("word/styles.xml").decode()


def test_docx_footer_names_koerperschaft_and_drucksache_like_the_pdf(tmp_path):
    import zipfile

    project = load_project(REPO, [REPO / "vorlagen" / "wandsbek" / "19-0167.yaml"])
    from vorlagengen.documents.drucksache import build as run_build

    run_build(project, tmp_path, ["docx"], jobs=1)
    docx = tmp_path / "intern" / "vorlagen" / "wandsbek" / "19-0167.docx"
    with zipfile.ZipFile(docx) as z:
        footers = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
    assert "Bezirksversammlung Wandsbek · Drucksache 19/0167 · " in footers
    assert "PAGE" in footers and "NUMPAGES" in footers  # Seite X von Y stays


def test_typst_warning_of_an_own_layout_names_the_layout_file_and_line(tmp_path, monkeypatch):
    """A project's layout asks for a font nobody has: typst warns, the build fails naming the
    project's file and line (not typst's private copy in a temporary folder) and the Drucksache."""
    root = copy_project(tmp_path)
    monkeypatch.chdir(root)
    own = root / "templates" / "allris"
    own.mkdir(parents=True)
    base = (REPO / "src/vorlagengen/templates/_base/base.typ").read_text(encoding="utf-8")
    assert base.splitlines()[8] == '#let vg-font = ("Liberation Sans", "DejaVu Sans")'
    (own / "base.typ").write_text(base.replace('("Liberation Sans", "DejaVu Sans")', '("Nix Sans",)'),
                                  encoding="utf-8")
    write_record(root, "o.yaml", HEAD.format(nr="VO/0005/19", betreff="Eigenes Layout") + block("Text."))
    with pytest.raises(UserError) as err:
        build_project(root, root / "build")
    lines = str(err.value).splitlines()
    line = next(i for i, text in enumerate(base.splitlines(), 1) if "set text(font: vg-font" in text)
    assert f"templates/allris/base.typ:{line}:17: Warnung: unknown font family: nix sans (typst, beim Setzen von " \
           "vorlagen/o.yaml)" in lines, lines
    assert "/tmp" not in str(err.value)


@pytest.mark.parametrize("layout", ["allris", "hamburg", "allris4", "saarbruecken"])
def test_headings_in_the_beschlussvorschlag_go_below_the_layouts_own(tmp_path, layout):
    """validate ⇒ build: an author's heading in the Beschlussvorschlag („### Punkt“, found by the
    generative leak test) once skipped heading levels, which PDF/UA refuses; it is renumbered below
    the layout's own headings as in the Sachverhalt."""
    root = copy_project(tmp_path)
    head = HEAD.format(nr="VO/0006/19", betreff="Überschrift im Beschluss").replace(
        "beschlussvorschlag: Der Ausschuss beschließt.\n",
        "beschlussvorschlag: |\n  ### Punkt eins\n\n  Der Ausschuss beschließt.\n\n  #### Einzelheit\n\n  Text.\n")
    assert "### Punkt eins" in head
    write_record(root, "h.yaml", head + block("Text."))
    build_project(root, root / "build", layout_name=layout)
    pdf = root / "build" / "oeffentlich" / "vorlagen" / "lueneburg" / "VO-0006-19.pdf"
    assert "Punkt eins" in "".join(pdf_pages(pdf))
