"""Every word of every Drucksache layout is the council's own (issue 22): with every key of the word
table set to a marker in the Körperschaft's profile, every Art built in every layout shows no word
that neither the record nor data/ gave, and every marker appears. Also: the word files know only
documented keys, docs/it/profil.md lists them all, and the order of the overrides."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest

from conftest import SMALL_PDF
from render_support import pdf_pages
from vorlagengen.documents.drucksache import build
from vorlagengen.documents.layouts import PACKAGED, available, get_layout
from vorlagengen.documents.woerter import table
from vorlagengen.load.project import load_project
from vorlagengen.model.drucksache import ARTEN
from vorlagengen.model.woerter import DRUCKSACHE_KEYS, FILENAME, KEYS, SCHLUESSEL, placeholders, read_tafel, tabelle

REPO = Path(__file__).resolve().parents[1]
LAYOUTS = [name for name in available(REPO) if not name.startswith("_")]


def _two_pages() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def marker(i: int, key: str) -> str:
    """A marker keeps the placeholders its key's words use (WQ012 {n})."""
    if key == "wochentage":  # seven names, from Monday
        return " ".join([f"WQ{i:03d}"] * 7)
    names = set().union(*(placeholders(w) for w in _defaults().get(key, [])))
    return " ".join([f"WQ{i:03d}", *sorted("{" + n + "}" for n in names)])


def _defaults() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for folder in sorted(PACKAGED.iterdir()):
        if (folder / FILENAME).is_file():
            t = read_tafel(folder / FILENAME)
            for words in [t.alle, *t.arten.values()]:
                for key, word in words.items():
                    out.setdefault(key, []).append(word)
    return out


MARKERS = {key: marker(i, key) for i, key in enumerate(KEYS)}
DATA = {
    "koerperschaften.yaml": f"""wq:
  name: Kxa Yb
  briefkopf: [Kxa Yb, Zeile Vier]
  layout: allris
  nummernschema: "{{nr:3}}/{{jahr}}"
  ladungsfrist: 7
  oeffentlichkeit:
    nichtoeffentliche_anlagen: anzahl
    bezug_nichtoeffentlich: Verborgen
  art_bezeichnung:
{''.join(f'    {art}: AQ{j:02d}{chr(10)}' for j, art in enumerate(ARTEN))}  profil:
    woerter:
{''.join(f'      {k}: "{m}"{chr(10)}' for k, m in MARKERS.items())}""",
    "gremien.yaml": """wq-rat:
  name: Kollegium Nord
  koerperschaft: wq
  typ: Vertretung
wq-fraktion:
  name: Gruppe Blau
  koerperschaft: wq
  typ: Fraktion
  genitiv: Genitivgruppe Blau
""",
    "aemter.yaml": "wq-amt:\n  name: Referat Eins\n  koerperschaft: wq\nwq-stelle:\n  name: Stelle Zwei\n"
                   "  koerperschaft: wq\n",
    "personen.yaml": "wq-anna:\n  vorname: Anna\n  nachname: Ott\n  funktion: Leitung\n  koerperschaft: wq\n"
                     "wq-bodo:\n  vorname: Bodo\n  nachname: Uhl\n  koerperschaft: wq\n",
}
FINANZEN = """finanzen:
  auswirkungen: ja
  beschreibung: Geld.
  kosten_erarbeitung: "1,00"
  kosten_vorbereitung: "2,00"
  kosten_umsetzung: "3,00"
  folgekosten: "4,00"
  haushaltsrechtlich_gesichert: ja
  teilhaushalt: TH1
  produktkonto: PK1
  haushaltsjahr: 2024
  einnahmen: "5,00"
  rechnung: Ergebnisrechnung
  ausserplanmaessig: "6,00"
  deckung:
    minderaufwand_produktkonto: PK2
    mehrertrag_produktkonto: PK3
"""


def _record(i: int, art: str) -> str:
    nr = f"{i + 1:03d}/2024"
    status = "öffentlich" if i < 3 else "nichtöffentlich"
    von_initiator = art in ("Antrag", "Anfrage")
    text = f"""nummer: "{nr}{'-01' if art == 'Ergänzungsvorlage' else ''}"
datum: 2024-01-10
koerperschaft: wq
art: {art}
status: {status}
entwurf: {'ja' if i % 2 else 'nein'}
abgeschlossen: {'ja' if i % 3 == 0 else 'nein'}
betreff: Thema Eins
federfuehrend: wq-amt
beteiligt: [wq-stelle]
bearbeiter: wq-bodo
verfasser: [wq-anna, wq-amt]
initiator: {'wq-fraktion' if von_initiator else 'wq-amt'}
initiator_stelle: wq-stelle
fragesteller: [wq-anna, wq-bodo]
antwort_datum: 2024-01-20
wahlperiode: 9
dezernent: wq-anna
berichterstatter: wq-anna
aktenzeichen: AZ1
dringlich: ja
fassung: 2
ursprung:
  art: Antrag
  initiator: wq-fraktion
beratungsfolge:
  - gremium: wq-rat
    datum: 2024-02-01
    oeffentlich: nein
    zustaendigkeit: Vorberatung
  - gremium: wq-rat
    datum: 2024-03-01
    sitzung: Runde Eins
    top: "4"
    zustaendigkeit: Entscheidung
    ergebnis: vertagt
    ergebnis_text: Runde vorbei
    beschluss_nr: "12/3"
    beratungsinhalt: Inhalt Eins.
    wortprotokoll: Rede Eins.
  - gremium: wq-rat
    datum: 2099-01-01
    zustaendigkeit: Entscheidung
sachverhalt: Text Eins.
beschlussvorschlag: Vorschlag Eins.
fragen:
  - Quiz Eins?
{'' if art == 'Beantwortung einer Anfrage' else '  - Quiz Zwei?' + chr(10)}
antwort: Antwort Eins.
dringlichkeit: Eilig Eins.
abschnitte:
  - titel: Bezug zum strategischen Management
    text: Ziel Eins.
{FINANZEN}anlagen:
  - datei: anlagen/eins.pdf
    titel: Plan Eins
  - datei: anlagen/zwei.pdf
    titel: Plan Zwei
  - datei: anlagen/eins.pdf
    titel: Plan Drei
    oeffentlich: nein
  - datei: anlagen/eins.pdf
    titel: Plan Vier
    personenbezogen: ja
{'''  - datei: anlagen/eins.pdf
    titel: Plan Fuenf
    oeffentlich: nein
  - datei: anlagen/eins.pdf
    titel: Plan Sechs
    personenbezogen: ja
''' if i == 1 else ''}unterschrift:
  personen: [wq-anna, wq-bodo]
  fuer: wq-fraktion
  ort_datum: Ort Eins
"""
    if art in ("Stellungnahme", "Ergänzungsvorlage", "Beantwortung einer Anfrage"):
        text += f'bezug: "{ARTEN.index("Antrag" if art == "Stellungnahme" else "Anfrage" if art.startswith("Beant") else "Beschlussvorlage") + 1:03d}/2024"\n'
    return text


def _build_every_art(root: Path, data: dict[str, str]) -> list[Path]:
    """Every Art in every layout, PDF and DOCX, from the data files ``data``."""
    for name, text in data.items():
        (root / "data").mkdir(exist_ok=True)
        (root / "data" / name).write_text(text, encoding="utf-8")
    folder = root / "vorlagen" / "wq"
    (folder / "anlagen").mkdir(parents=True)
    (folder / "anlagen" / "eins.pdf").write_bytes(SMALL_PDF)
    (folder / "anlagen" / "zwei.pdf").write_bytes(_two_pages())
    for i, art in enumerate(ARTEN):
        (folder / f"{i:02d}.yaml").write_text(_record(i, art), encoding="utf-8")
    project = load_project(root)
    assert len(project.records) == len(ARTEN), project
    outputs: list[Path] = []
    for layout in LAYOUTS:
        outputs += build(project, root / "build" / layout, ["pdf", "docx"], layout, jobs=2, force=True).built
    return outputs


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """Every Art in every layout, PDF and DOCX, all words set to markers."""
    root = tmp_path_factory.mktemp("woerter")
    return root, _build_every_art(root, DATA)


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """Every Art in every layout, PDF and DOCX, every word empty (the council prints none of them)."""
    root = tmp_path_factory.mktemp("leer")
    body = DATA["koerperschaften.yaml"].split("    woerter:\n")[0]
    data = {**DATA, "koerperschaften.yaml": body + "    woerter:\n" + "".join(f'      {k}: ""\n' for k in KEYS)}
    return root, _build_every_art(root, data)


def _text(path: Path) -> str:
    if path.suffix == ".pdf":
        text = "".join(pdf_pages(path))
        return re.sub(r"[\ufffe\u00ad\x02]\s*", "", text)
    with zipfile.ZipFile(path) as z:
        parts = [z.read(n).decode() for n in z.namelist()
                 if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
    texts = ["".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", re.sub(r"</w:p>|<w:br\s*/>|<w:tab\s*/>|<w:cr\s*/>", "<w:t> </w:t>", xml)))
             for xml in parts]
    return html.unescape(" ".join(texts))


def _lines(path: Path) -> str:
    """The text as a reader sees its lines: PDF lines, DOCX paragraphs and line breaks."""
    if path.suffix == ".pdf":
        return "\n".join(pdf_pages(path)).replace("\r", "")
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode()
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml)
    return "\n".join(html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", re.sub(r"<w:br\s*/>", "<w:t>\n</w:t>", p))))
                     for p in paragraphs)


# what an empty word must not leave behind: a decoration without its word („- -“, „()“, empty bold),
# punctuation alone on a line or opening one („: AZ1“, „· Name“)
ORPHAN = re.compile(r"(?<![\w])-\s+-(?![\w])|\(\s*\)|,\s*\)|\(\s*,|\*\*|^[ \t]*[:;,/·][ \t]*$|^[ \t]*[:;,/·][ \t]+\S|[ \t]·[ \t]*$", re.M)


def test_an_empty_word_leaves_no_punctuation_behind(empty: tuple[Path, list[Path]]) -> None:
    """Issue 22: a council that prints none of the words gets every Art built in every layout, and
    no word's decoration stays without it."""
    root, outputs = empty
    assert len(outputs) == 2 * len(LAYOUTS) * (len(ARTEN) + 3)  # public and internal forms
    found = []
    for path in outputs:
        text = _lines(path)
        found += [f"{path.relative_to(root)}: „{m.group(0)}“ in „{text[max(0, m.start() - 20):m.end() + 20]}“"
                  for m in ORPHAN.finditer(text)]
    assert not found, "\n".join(found)


def test_the_orphan_check_sees_what_it_looks_for() -> None:
    for text in ("Beschlussvorlage\n- -\n", "Gremium ()", "Ort\n: AZ1", "x\n:\ny", "****", "· Stadt", "(PDF, 1 B, )", "Antrag · \n"):
        assert ORPHAN.search(text), text
    for text in ("- öffentlich -", "Aktenzeichen: AZ1", "Bezug zum Management:\nZiel", "01.01.2099 –"):
        assert not ORPHAN.search(text), text


_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{3,}")


def test_every_word_is_a_marker_or_from_the_record(marked: tuple[Path, list[Path]]) -> None:
    root, outputs = marked
    given = " ".join(p.read_text(encoding="utf-8") for p in [*root.glob("data/*.yaml"), *root.glob("vorlagen/wq/*.yaml")])
    allowed = set(_WORD.findall(given)) | {"PDF"}
    defaults = {w for words in _defaults().values() for word in words for w in _WORD.findall(word)}
    seen_pdf: set[str] = set()
    seen_docx: set[str] = set()
    for path in outputs:
        text = _text(path)
        foreign = sorted(set(_WORD.findall(text)) - allowed)
        assert not foreign, f"{path.relative_to(root)}: Wörter weder aus dem Datensatz noch aus der Wortliste: {foreign}"
        left = sorted(w for w in defaults - allowed if re.search(rf"(?<![\wäöüß]){w}(?![\wäöüß])", text))
        assert not left, f"{path.relative_to(root)}: Vorgabewörter übrig: {left}"
        (seen_pdf if path.suffix == ".pdf" else seen_docx).update(re.findall(r"WQ\d{3}", text))
    for seen, fmt in ((seen_pdf, "PDF"), (seen_docx, "DOCX")):
        missing = [key for key, m in MARKERS.items() if key in DRUCKSACHE_KEYS and m.split()[0] not in seen]
        assert not missing, f"{fmt}: nie gezeigt: {missing}"


def test_word_files_and_readme_name_every_key() -> None:
    base = read_tafel(PACKAGED / "_base" / FILENAME)
    assert set(base.alle) == set(SCHLUESSEL), set(base.alle) ^ set(SCHLUESSEL)
    for folder in PACKAGED.iterdir():
        if (folder / FILENAME).is_file():
            t = read_tafel(folder / FILENAME)  # unknown keys are refused while reading
            assert set(t.arten) <= set(ARTEN), folder
    readme = (REPO / "docs" / "it" / "profil.md").read_text(encoding="utf-8")
    assert tabelle() in readme, "docs/it/profil.md: Wörtertabelle veraltet (python -m vorlagengen.model.woerter > Tabelle)"


def test_profile_words_override_in_order(tmp_path: Path) -> None:
    """layout → layout per Art → profile → profile per Art; a title showing the Art keeps the
    Körperschaft's art_bezeichnung against a titelwort for every Art."""
    project = load_project(REPO)
    k = project.ref.koerperschaften["wandsbek"]
    hamburg = get_layout("hamburg", REPO)
    assert table(hamburg, k, "Mitteilungsvorlage")["titel"] == "Mitteilung"  # layout per Art
    assert table(hamburg, k, "Beschlussvorlage")["herkunft"] == "des Bezirksamtes"  # profile
    assert table(hamburg, k, "Antrag")["herkunft"] == "des Bezirksamtes"  # profile beats layout per Art
    changed = k.model_copy(update={"profil": k.profil.model_copy(update={  # type: ignore[union-attr]
        "titelwort": "Drucksache", "woerter_je_art": {"Antrag": {"herkunft": ""}}}),
        "art_bezeichnung": {"Stellungnahme": "Stellungnahme des Magistrats"}})
    assert table(hamburg, changed, "Antrag")["herkunft"] == ""
    assert table(hamburg, changed, "Stellungnahme")["titel"] == "{art}"  # art_bezeichnung is shown
    assert table(hamburg, changed, "Beschlussvorlage")["titel"] == "Drucksache"
    assert table(get_layout("allris", REPO), changed, "Stellungnahme")["titel"] == "Drucksache"


def test_a_wrong_key_in_a_word_file_is_named(tmp_path: Path) -> None:
    from vorlagengen.errors import UserError

    path = tmp_path / FILENAME
    path.write_text("woerter:\n  betref: Gegenstand\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"unbekannter Schlüssel „betref“.*meinten Sie „betreff“"):
        read_tafel(path)


def test_the_line_under_the_art_comes_from_the_record_or_the_profile(tmp_path: Path) -> None:
    """Issue 22: the Hamburg head printed „der Verwaltung“ under every Art of a council that never
    named it (the corpus record of Stadt Forst) and again under „Stellungnahme des Magistrats“. The
    line is the record's initiator in the genitive from data/, or the profile's word; nothing else."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "koerperschaften.yaml").write_text(
        "ff:\n  name: Stadt Ff\n  briefkopf: [Stadt Ff]\n  layout: hamburg\n  nummernschema: \"{nr:3}/{jahr}\"\n"
        "  ladungsfrist: 7\n  art_bezeichnung:\n    Stellungnahme: Stellungnahme des Magistrats\n", encoding="utf-8")
    (data / "gremien.yaml").write_text(
        "ff-rat:\n  name: Rat\n  koerperschaft: ff\n  typ: Vertretung\n"
        "ff-magistrat:\n  name: Magistrat\n  genitiv: des Magistrats\n  koerperschaft: ff\n  typ: Verwaltung\n"
        "ff-gruppe:\n  name: Gruppe Blau\n  koerperschaft: ff\n  typ: Fraktion\n",
        encoding="utf-8")
    (data / "aemter.yaml").write_text("ff-amt:\n  name: Hauptamt\n  koerperschaft: ff\n", encoding="utf-8")
    (data / "personen.yaml").write_text(
        "ff-ott:\n  vorname: Anna\n  nachname: Ott\n  anrede: Frau\n  koerperschaft: ff\n"
        "ff-uhl:\n  vorname: Bodo\n  nachname: Uhl\n  anrede: Herr\n  titel: Dr.\n  koerperschaft: ff\n"
        "ff-kern:\n  nachname: Kern\n  koerperschaft: ff\n", encoding="utf-8")
    folder = tmp_path / "vorlagen"
    folder.mkdir()
    head = "datum: 2024-01-10\nkoerperschaft: ff\nstatus: öffentlich\nbetreff: Thema\nsachverhalt: Text.\n"
    (folder / "a.yaml").write_text(f"nummer: \"001/2024\"\nart: Beschlussvorlage\nfederfuehrend: ff-amt\nbeschlussvorschlag: Ja.\n{head}",
                                   encoding="utf-8")
    (folder / "b.yaml").write_text(f"nummer: \"002/2024\"\nart: Mitteilungsvorlage\ninitiator: ff-magistrat\n{head}",
                                   encoding="utf-8")
    (folder / "c.yaml").write_text(f"nummer: \"003/2024\"\nart: Stellungnahme\ninitiator: ff-magistrat\nbezug: \"002/2024\"\n{head}",
                                   encoding="utf-8")
    build(load_project(tmp_path), tmp_path / "out", ["pdf", "docx"], jobs=1)
    texts = {name: [_lines(tmp_path / "out/intern/vorlagen/ff" / f"{name}.{fmt}") for fmt in ("pdf", "docx")]
             for name in ("001-2024", "002-2024", "003-2024")}
    for text in texts["001-2024"]:  # no initiator, no word in the profile: no line
        assert "Beschlussvorlage\n- öffentlich -" in text and "Verwaltung" not in text, text
    for text in texts["002-2024"]:  # the initiator in the genitive as data/ gives it
        assert "Mitteilung\ndes Magistrats\n- öffentlich -" in text, text
    for text in texts["003-2024"]:  # the Art's own word names it already
        assert "Stellungnahme des Magistrats\n- öffentlich -" in text and text.count("des Magistrats") == 1, text


def test_asking_members_in_german_list_form_with_the_councils_anrede(tmp_path: Path) -> None:
    """Issue 22: the asking members read „A, B und C“; whether a council prints Frau/Herr is the word
    „person“ of its profile (default: the name alone, as before)."""
    test_the_line_under_the_art_comes_from_the_record_or_the_profile(tmp_path)  # writes the project
    anfrage = ("nummer: \"004/2024\"\nart: Anfrage\ndatum: 2024-01-10\nkoerperschaft: ff\nstatus: öffentlich\n"
               "betreff: Frage\ninitiator: ff-gruppe\nfragesteller: [ff-ott, ff-uhl, ff-kern]\nverfasser: [ff-ott]\n"
               "fragen:\n  - Wann kommt es?\n")
    (tmp_path / "vorlagen" / "d.yaml").write_text(anfrage, encoding="utf-8")
    out = tmp_path / "out" / "intern/vorlagen/ff/004-2024"
    build(load_project(tmp_path), tmp_path / "out", ["pdf", "docx"], jobs=1)
    for fmt in ("pdf", "docx"):
        text = " ".join(_lines(out.with_suffix(f".{fmt}")).split())
        assert "der Abgeordneten Anna Ott, Dr. Bodo Uhl und Kern (Gruppe Blau)" in text and "Frau" not in text, text
    k = tmp_path / "data" / "koerperschaften.yaml"
    k.write_text(k.read_text(encoding="utf-8") + "  profil:\n    woerter:\n      person: \"{anrede} {nachname}\"\n",
                 encoding="utf-8")
    build(load_project(tmp_path), tmp_path / "out", ["pdf", "docx"], jobs=1)
    for fmt in ("pdf", "docx"):
        text = " ".join(_lines(out.with_suffix(f".{fmt}")).split())
        assert "der Abgeordneten Frau Ott, Herr Uhl und Kern (Gruppe Blau)" in text, text
        assert "Verfasser/-in: Frau Ott" in text or "Verfasser/-in Frau Ott" in text, text


def test_a_property_row_without_label_goes_with_its_value() -> None:
    from vorlagengen.documents.markdown import unlabelled_out

    md = ('::: {.vg-props style="Eigenschaften"}\n\n:   erster Wert\n\nBetreff\n:   Thema\n\n\n:   Anna\\\n'
          'Referat Eins\n\nStatus\n:   öffentlich\n:::\n\nText\n\n:   eines Autors\n\n'
          '::: {.vg-props style="Finanzen"}\n\n:   nur ohne Bezeichnung\n:::\n')
    assert re.sub(r"\n{3,}", "\n\n", unlabelled_out(md)) == (
        '::: {.vg-props style="Eigenschaften"}\n\nBetreff\n:   Thema\n\n'
        'Status\n:   öffentlich\n:::\n\nText\n\n:   eines Autors\n\n')  # blank lines count as one
