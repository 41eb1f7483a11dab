"""The corpus of real Drucksachen of other councils (beispiele/korpus/) and the typesetting test over
every record of the project and the corpus in every layout: no two words overlap, none leaves the
page (issue 10). Stress records (a 60-character Gremium, 40 Beratungen, a 200-character Betreff,
one 80-character word) are generated here, not committed."""

from __future__ import annotations

import re
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from pdfwords import problems
from vorlagengen.documents.drucksache import build
from vorlagengen.documents.layouts import available
from vorlagengen.load.project import load_project
from vorlagengen.model.records import Project

REPO = Path(__file__).resolve().parents[1]
KORPUS = REPO / "beispiele" / "korpus"
LAYOUTS = [name for name in available(REPO) if not name.startswith("_")]

LONG_GREMIUM = "Ausschuss für Stadtentwicklung, Wohnungsbau, Verkehr und Umwelt"  # 63 characters
WORD_GREMIUM = "Bezirksverordnetenversammlungsgrundstücksverkehrsausschuss"  # one word, 58 characters
LONG_WORD = "Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnungsänderungsentwurf"  # 84
LONG_BETREFF = ("Bebauungsplan Nr. 12/34 „Rahlstedter Höhe“ – Aufstellungsbeschluss, frühzeitige Beteiligung der "
                "Öffentlichkeit und der Behörden, Abwägung der Stellungnahmen und Beschluss über die öffentliche "
                "Auslegung des Entwurfs")


def _stress_project(root: Path) -> Path:
    shutil.copytree(REPO / "data", root / "data")
    with (root / "data/gremien.yaml").open("a", encoding="utf-8") as f:
        f.write(f"wandsbek-lang:\n  name: {LONG_GREMIUM}\n  koerperschaft: wandsbek\n"
                "wandsbek-fraktion:\n  name: Freie Wähler-Fraktion\n  koerperschaft: wandsbek\n  typ: Fraktion\n"
                f"wandsbek-wort:\n  name: {WORD_GREMIUM}\n  koerperschaft: wandsbek\n")
    steps = "".join(
        f"  - gremium: {('wandsbek-lang', 'wandsbek-bv', 'wandsbek-wort')[i % 3]}\n    datum: 2030-{1 + i // 4:02d}-{1 + i % 4 * 7:02d}\n"
        f"    zustaendigkeit: {'Vorberatung' if i < 39 else 'Entscheidung'}\n    top: \"{i + 1}.{i % 7}\"\n"
        f"    sitzung: {i + 1}. öffentliche Sitzung des {LONG_GREMIUM}\n"
        + ("    oeffentlich: nein\n" if i % 5 == 0 else "")
        + ("    ergebnis: vertagt\n    ergebnis_text: mit Zwischenbericht zur Kenntnis genommen und vertagt\n"
           if i < 20 else "")
        for i in range(40))
    head = "nummer: \"{nr}\"\ndatum: 2030-01-01\nkoerperschaft: wandsbek\nart: {art}\nstatus: öffentlich\n"
    records = {
        "40-schritte": head.format(nr="19/0901", art="Beschlussvorlage") + f"betreff: {LONG_BETREFF}\n"
        + "beratungsfolge:\n" + steps + "sachverhalt: Text.\nbeschlussvorschlag: Beschluss.\n"
        + "finanzen:\n  auswirkungen: ja\n  kosten_umsetzung: \"12.345.678,90\"\n  folgekosten: \"1.234.567\"\n",
        "langes-wort": head.format(nr="19/0902", art="Antrag") + f"betreff: {LONG_WORD}\n"
        # text parts: validate refuses a word wider than the line (checks/text.py), so the longest word
        # it lets through (hyphenation points up to 40 letters); the Betreff keeps the 84 letters
        + f"initiator: wandsbek-fraktion\nbeschlussvorschlag: {LONG_WORD[:40]} {LONG_WORD[:40]}\n"
        + "beratungsfolge:\n  - gremium: wandsbek-lang\n    datum: 2030-02-01\n    zustaendigkeit: Entscheidung\n",
        "langer-betreff": head.format(nr="19/0903", art="Anfrage") + f"betreff: \"{LONG_BETREFF}\"\n"
        + f"initiator: wandsbek-fraktion\nfragen:\n  - {LONG_WORD[:40]}?\n  - Wie viele?\n",
    }
    for name, text in records.items():
        path = root / "vorlagen" / "wandsbek" / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def flat(pages: list[str]) -> str:
    """A PDF's text on one line: line breaks are spaces, words hyphenated at a line end joined."""
    text = re.sub(r"(?<=[a-zäöüß])(?:[-\u00ad\x02]\s+|\ufffe\s*)(?=[a-zäöüß])", "", "".join(pages))
    return re.sub(r"\s+", " ", text)


def _check(pdf: Path) -> list[str]:
    return [f"{pdf.parent.parent.parent.name}/{pdf.name}: {p}" for p in problems(pdf.read_bytes())]


@pytest.fixture(scope="module")
def korpus() -> Project:
    return load_project(KORPUS)


@pytest.fixture(scope="module")
def every_pdf(tmp_path_factory: pytest.TempPathFactory, korpus: Project) -> list[Path]:
    """Every record of the project, the corpus and the stress project, each in every layout (PDF)."""
    out = tmp_path_factory.mktemp("alle-layouts")
    stress = _stress_project(tmp_path_factory.mktemp("stress"))
    pdfs: list[Path] = []
    for name, project in (("projekt", load_project(REPO)), ("korpus", korpus), ("stress", load_project(stress))):
        for layout in LAYOUTS:
            result = build(project, out / name / layout, ["pdf"], layout, jobs=2, force=True)
            pdfs.extend(result.built)
    return pdfs


def test_corpus_is_large_and_names_its_sources(korpus: Project) -> None:
    bodies = {r.vorlage.koerperschaft for r in korpus.records}
    assert len(korpus.records) >= 30 and len(bodies) >= 20
    assert not bodies & {"wandsbek", "segeberg", "rostock", "saarbruecken", "lueneburg"}
    for record in korpus.records:
        head = record.path.read_text(encoding="utf-8").split("\nnummer:")[0]
        assert re.search(r"# Quelle: .+\n# .*https?://", head) or re.search(r"# Quelle: .*https?://", head), \
            record.display


def test_corpus_covers_the_systems_layouts_and_kinds_of_bodies(korpus: Project) -> None:
    """Issue 22: ALLRIS classic and 4, SessionNet, SD.NET; every layout; a Kreistag, an Ortsbeirat (or
    Ortschaftsrat / Bezirksvertretung), a Magistrat and a city-state parliament, each with a record."""
    ref = korpus.ref
    bodies = {r.vorlage.koerperschaft for r in korpus.records}
    systems = [ref.koerperschaften[k].system or "" for k in bodies]
    for system in ("ALLRIS net", "ALLRIS 4", "SessionNet", "SD.NET"):
        assert any(system in s for s in systems), system
    assert {ref.koerperschaften[k].layout for k in bodies} == set(LAYOUTS)
    kinds = [ref.koerperschaften[k].name for k in bodies]
    assert len([n for n in kinds if n.startswith(("Kreis ", "Landkreis "))]) >= 2
    assert len([n for n in kinds if "Bürgerschaft" in n]) >= 2  # Hamburg and Bremen
    gremien = {ref.gremien[s.gremium].name for r in korpus.records for s in r.vorlage.beratungsfolge}
    assert any(n.startswith(("Ortsbeirat", "Ortschaftsrat", "Bezirksvertretung")) for n in gremien)
    magistrat = [r for r in korpus.records
                 if "Magistrat" in ref.koerperschaften[r.vorlage.koerperschaft].art_bezeichnung.get(r.vorlage.art, "")]
    assert len(magistrat) >= 2


def test_corpus_uses_the_new_features(korpus: Project) -> None:
    ref = korpus.ref
    profiles = [k for k in ref.koerperschaften.values() if k.profil and k.profil.teile]
    roman = [r for r in korpus.records if "roemisch" in ref.koerperschaften[r.vorlage.koerperschaft].nummernschema]
    grouped = [r for r in korpus.records if len(r.vorlage.beratungsfolge) >= 6]
    several = [r for r in korpus.records if len(r.vorlage.bezuege) >= 2]
    assert len(profiles) >= 3 and len(roman) >= 3 and grouped and several


def test_corpus_builds_in_its_own_layouts(tmp_path: Path, korpus: Project) -> None:
    result = build(korpus, tmp_path, ["docx", "pdf"], jobs=2)
    public = [r for r in korpus.records if r.vorlage.oeffentlich]
    assert len(result.built) == 2 * (len(korpus.records) + len(public))  # intern/ holds all, oeffentlich/ the public
    from render_support import pdf_pages

    text = flat(pdf_pages(tmp_path / "intern/vorlagen/steglitz-zehlendorf/1536-V.pdf"))
    assert "Drucksache - 1536/V" in text
    assert "Vorlage zur Beschlussfassung (Ursprung) · Beschluss (aktuell)" in text
    # profile: the Beschlussvorschlag under the council's own words comes before the Begründung
    assert text.index("Die Bezirksverordnetenversammlung möge beschließen:") < text.index("Begründung:")
    # grouped Beratungsfolge: one group row per Gremium with its Zuständigkeit, the Sitzung by name
    assert text.count("Empfehlung") == 1 and text.count("vertagt") == 4
    assert "ohne Änderungen in der BVV beschlossen (Beratungsfolge beendet)" in text
    signed = flat(pdf_pages(tmp_path / "intern/vorlagen/steglitz-zehlendorf/0305-III.pdf"))
    assert "Berlin Steglitz-Zehlendorf, den 09.05.2007 Für die SPD-Fraktion Karnetzki Müller" in signed
    assert "7. nichtöffentliche Sitzung des Geschäftsordnungsausschusses (nichtöffentlich)" in signed


def test_no_word_overlaps_or_leaves_the_page_in_any_layout(every_pdf: list[Path]) -> None:
    assert len(every_pdf) >= 4 * 20
    with ProcessPoolExecutor(2) as pool:
        found = [p for found in pool.map(_check, every_pdf, chunksize=8) for p in found]
    assert found == []


def test_the_overlap_check_finds_overlap_and_clipping() -> None:
    import typst

    source = (b'#set page(width: 200pt, height: 100pt)\n#set text(font: "Liberation Sans")\n'
              b'#place(dx: 10pt, dy: 10pt)[Gremium]\n#place(dx: 20pt, dy: 12pt)[Ausschuss]\n'
              b'#place(dx: 180pt, dy: 50pt)[Randwort]\n')
    fonts = str(REPO / "src/vorlagengen/fonts")
    pdf = typst.compile(source, font_paths=[fonts])
    found = problems(pdf)
    assert any("„Gremium“ überdeckt „Ausschuss“" in p for p in found)
    assert any("„Randwort“ ragt über den Seitenrand" in p for p in found)
