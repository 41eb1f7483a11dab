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


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """Every Art in every layout, PDF and DOCX, all words set to markers."""
    root = tmp_path_factory.mktemp("woerter")
    for name, text in DATA.items():
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
    return root, outputs


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
