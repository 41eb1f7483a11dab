"""Every word of every Sitzung document is the council's own (issue 22): with every key of the word
table set to a marker in the Körperschaft's profile, the Einladung, Bekanntmachung, Nachtrag, both
Sitzungsmappen, the Niederschrift (public and internal, both parts), the Beschlussauszüge and the
Beschlusskontrolle (PDF and CSV), built in every layout, show no word that neither the records nor
data/ gave, no default word, and every marker of a Sitzung key appears."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from conftest import SMALL_PDF
from test_woerter import LAYOUTS, _defaults, _text, marker
from vorlagengen.documents.sitzung import build_sitzung
from vorlagengen.documents.sitzung.protokoll import build_beschluesse, build_niederschrift
from vorlagengen.load.project import load_project
from vorlagengen.model.woerter import KEYS, SITZUNG_KEYS

MARKERS = {key: marker(i, key) for i, key in enumerate(KEYS)}
TODAY = dt.date(2024, 6, 1)


def _data(layout: str) -> dict[str, str]:
    words = "".join(f'      {k}: "{m}"\n' for k, m in MARKERS.items())
    return {
        "koerperschaften.yaml": f"""wq:
  name: Kxa Yb
  briefkopf: [Kxa Yb, Zeile Vier]
  layout: {layout}
  nummernschema: "{{nr:3}}/{{jahr}}"
  ladungsfrist: 7
  niederschrift:
    kontrolle_auftrag: [Qoppa wird gebeten]
  profil:
    woerter:
{words}""",
        "gremien.yaml": """wq-rat:
  name: Kollegium Nord
  genitiv: Genitivkollegium Nord
  koerperschaft: wq
  mitglieder:
    - person: wq-anna
      rolle: Vorsitz
      fraktion: wq-blau
    - person: wq-bodo
      fraktion: wq-blau
    - person: wq-cora
      fraktion: wq-blau
    - person: wq-dirk
      rolle: beratendes Mitglied
      stimmberechtigt: nein
    - person: wq-emil
      rolle: sachkundige Bürger
      stimmberechtigt: nein
    - person: wq-fina
      rolle: sachkundige Einwohner
      stimmberechtigt: nein
      stellvertretung: [wq-gero]
    - person: wq-hugo
      stimmberechtigt: nein
    - person: wq-ida
      stimmberechtigt: nein
wq-bau:
  name: Kollegium Sued
  koerperschaft: wq
  mitglieder:
    - person: wq-anna
    - person: wq-bodo
    - person: wq-cora
wq-blau:
  name: Gruppe Blau
  koerperschaft: wq
  typ: Fraktion
""",
        "aemter.yaml": "wq-amt:\n  name: Referat Eins\n  koerperschaft: wq\n",
        "personen.yaml": "".join(f"wq-{v.lower()}:\n  vorname: {v}\n  nachname: Ott{i}\n  koerperschaft: wq\n"
                                 for i, v in enumerate(("Anna", "Bodo", "Cora", "Dirk", "Emil", "Fina", "Gero",
                                                        "Hugo", "Ida"))),
    }


def _vorlage(nr: int, status: str = "öffentlich", anlagen: str = "") -> str:
    return f"""nummer: "{nr:03d}/2024"
datum: 2024-01-10
koerperschaft: wq
art: Beschlussvorlage
status: {status}
betreff: Thema {['Null', 'Eins', 'Zwei', 'Drei', 'Vier'][nr]}
federfuehrend: wq-amt
beratungsfolge:
  - gremium: wq-rat
    datum: 2024-03-06
    zustaendigkeit: Entscheidung
    oeffentlich: {'ja' if status == 'öffentlich' else 'nein'}
sachverhalt: Text Eins.
beschlussvorschlag: Qoppa wird gebeten, Vorschlag Eins.
{anlagen}"""


ANLAGEN = """anlagen:
  - datei: anlagen/eins.pdf
    titel: Plan Eins
  - datei: anlagen/zwei.docx
    titel: Plan Zwei
  - datei: anlagen/drei.zip
    titel: Plan Drei
"""

SITZUNGEN = {
    # everything: both parts, the public part after the non-public one, a Nachtrag with a withdrawn item
    "wq-rat-1": """gremium: wq-rat
nummer: R1
bezeichnung: Runde Eins
datum: 2024-03-06
beginn: "17:30"
ende: "20:00"
beginn_nichtoeffentlich: "19:00"
ort: Saal Eins
raum: Raum Zwei
sitzungsleitung: wq-anna
einladungsdatum: 2024-02-20
nachtragsdatum: 2024-02-27
dringlichkeit: Eile Eins
tagesordnung:
  oeffentlich:
    - titel: Punkt Eins
    - drucksache: "001/2024"
      dazu: ["002/2024"]
    - titel: Punkt Zwei
      abgesetzt: ja
    - titel: Punkt Drei
      nummer: "Ö 3a"
      nachtrag: Nachtrag
  nichtoeffentlich:
    - drucksache: "003/2024"
  oeffentlich_danach:
    - titel: Punkt Vier
""",
    # außerordentlich, a Gremium without genitive, a Nachtrag that only adds, only a non-public part
    "wq-bau-1": """gremium: wq-bau
nummer: S1
anlass: außerordentliche Sitzung
datum: 2024-03-07
beginn: "10:00"
ort: Saal Eins
sitzungsleitung: wq-anna
einladungsdatum: 2024-02-28
tagesordnung:
  nichtoeffentlich:
    - titel: Punkt Fuenf
    - titel: Punkt Sechs
      nachtrag: Tischvorlage
""",
    "wq-rat-2": """gremium: wq-rat
nummer: R2
anlass: Sondersitzung
datum: 2024-04-03
beginn: "17:30"
ort: Saal Eins
status: abgesagt
einladungsdatum: 2024-03-20
tagesordnung:
  oeffentlich:
    - titel: Punkt Eins
""",
    # nothing non-public: the full Mappe is only „vollständig“; a public Nachtrag without its own date
    "wq-bau-2": """gremium: wq-bau
nummer: S2
anlass: konstituierende Sitzung
datum: 2024-04-04
beginn: "10:00"
ort: Saal Eins
einladungsdatum: 2024-03-21
tagesordnung:
  oeffentlich:
    - titel: Punkt Eins
    - titel: Punkt Sieben
      nachtrag: Nachtrag
""",
}

NIEDERSCHRIFTEN = {
    "wq-rat-1": """stand: unterschrieben
oeffentlich:
  beginn: "17:30"
  ende: "18:55"
nichtoeffentlich:
  beginn: "19:00"
vorsitz: wq-anna
schriftfuehrung: wq-bodo
einwendungen: Keine Einwendungen Eins.
anwesenheit:
  - person: wq-anna
  - person: wq-bodo
    ab_top: "Ö 2"
    bis_top: "Ö 4"
  - person: wq-cora
  - person: wq-dirk
  - person: wq-emil
  - person: wq-fina
  - person: wq-ida
    status: entschuldigt
    grund: Grund Eins
    vertreten_durch: wq-gero
  - person: wq-hugo
    status: abwesend
verwaltung: [Frau Ott]
gaeste: [Gast Eins]
anlagen:
  - datei: anlagen/eins.pdf
    titel: Liste Eins
    top: "Ö 2"
tops:
  - top: "Ö 1"
    inhalt: Rede Eins.
    ergebnis: ungeändert beschlossen
    beschluss: Qoppa wird gebeten, Eins zu tun.
    abstimmung:
      einstimmig: ja
      enthaltung: 1
    kontrolle:
      amt: wq-amt
      frist: 2024-03-30
      status: offen
  - top: "Ö 2"
    ergebnis: geändert beschlossen
    aenderung: Neu Eins.
    befangen: [wq-cora]
    go_antraege:
      - antrag: Schluss Eins
        von: Herr Ott
        ergebnis: angenommen
    abstimmungen:
      - gegenstand: Antrag Eins
        ergebnis: angenommen
        abstimmung:
          einstimmig: ja
    abstimmung:
      fraktionen:
        - fraktion: wq-blau
          ja: 2
          nein: 0
          enthaltung: 0
    wahlen:
      - amt: Amt Eins
        gewaehlt: [Anna Ott0]
        abstimmung:
          einstimmig: ja
          enthaltung: 2
    besetzungen:
      - gremium: Beirat Eins
        sitze: 1
        verfahren: "d'Hondt"
        listen:
          - liste: Liste Eins
            stimmen: 5
            sitze: 1
            personen: [Anna Ott0]
    kontrolle:
      amt: wq-amt
      frist: 2099-01-01
      status: erledigt
  - top: "Ö 3"
    ergebnis: abgesetzt
  - top: "Ö 3a"
    ergebnis: ungeändert beschlossen
    beschluss: Qoppa wird gebeten, Drei zu tun.
    abstimmung:
      namentlich:
        ja: [wq-anna]
        nein: [wq-bodo]
        enthaltung: [wq-cora]
  - top: "N 1"
    ergebnis: ungeändert beschlossen
    abstimmung:
      ja: 2
      nein: 1
      enthaltung: 0
  - top: "Ö 4"
    ergebnis: verwiesen
    verwiesen_an: wq-bau
""",
    "wq-bau-1": """stand: genehmigt
genehmigt_am: 2024-04-01
genehmigt_in: S2
oeffentlich:
  beginn: "10:00"
  ende: "10:30"
vorsitz: wq-anna
schriftfuehrung: wq-bodo
anwesenheit:
  - person: wq-anna
  - person: wq-bodo
    status: entschuldigt
  - person: wq-cora
    status: entschuldigt
tops:
  - top: "N 1"
    ergebnis: zur Kenntnis genommen
  - top: "N 2"
    ergebnis: zur Kenntnis genommen
""",
}


def _project(root: Path, layout: str) -> None:
    (root / "data").mkdir(parents=True)
    for name, text in _data(layout).items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    folder = root / "vorlagen" / "wq"
    (folder / "anlagen").mkdir(parents=True)
    (folder / "anlagen" / "eins.pdf").write_bytes(SMALL_PDF)
    (folder / "anlagen" / "zwei.docx").write_bytes(b"PK\x03\x04 kein Word")
    (folder / "anlagen" / "drei.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    for nr, status, anlagen in ((1, "öffentlich", ANLAGEN), (2, "öffentlich", ""), (3, "nichtöffentlich", "")):
        (folder / f"{nr:02d}.yaml").write_text(_vorlage(nr, status, anlagen), encoding="utf-8")
    sitzungen = root / "sitzungen"
    (sitzungen / "anlagen").mkdir(parents=True)
    (sitzungen / "anlagen" / "eins.pdf").write_bytes(SMALL_PDF)
    for name, text in SITZUNGEN.items():
        (sitzungen / f"{name}.yaml").write_text(text, encoding="utf-8")
    for name, text in NIEDERSCHRIFTEN.items():
        (sitzungen / f"{name}.niederschrift.yaml").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """Every Sitzung document kind in every layout, all words set to markers; an Office Anlage as on a
    machine without LibreOffice (its note is a word too)."""
    import vorlagengen.documents.sitzung.anlagen as anlagen

    base = tmp_path_factory.mktemp("woerter-sitzung")
    outputs: list[Path] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(anlagen, "convert_office", lambda *_args: None)
        for layout in LAYOUTS:
            root = base / layout
            _project(root, layout)
            project = load_project(root, jobs=1)
            out = root / "build"
            for srec in project.sitzungen:
                result = build_sitzung(project, srec, out)
                outputs += result.files
                if srec.niederschrift is not None:
                    outputs += build_niederschrift(project, srec, out, TODAY)
            outputs += build_beschluesse(project, out, TODAY)
            outputs += build_beschluesse(project, root / "build-alle", TODAY, gremium="wq-rat", status="offen",
                                         alle=True)
            outputs += build_beschluesse(project, root / "build-leer", TODAY, gremium="wq-bau", status="erledigt")
    return base, [p for p in outputs if p.suffix in (".pdf", ".docx", ".csv")]


def _words_of(path: Path) -> str:
    """The text; a marker set flush against a word (a word that brings its own space) stands apart."""
    text = path.read_text(encoding="utf-8-sig") if path.suffix == ".csv" else _text(path)
    return re.sub(r"WQ\d{3}", lambda m: f" {m.group(0)} ", text)


_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{3,}")


def test_every_sitzung_word_is_a_marker_or_from_the_records(marked: tuple[Path, list[Path]]) -> None:
    base, outputs = marked
    kinds = {re.sub(r"-(TOP|Anlage)-.*", "", p.stem) + p.suffix for p in outputs}
    assert {"Einladung.pdf", "Einladung.docx", "Bekanntmachung.pdf", "Bekanntmachung-Nachtrag.pdf", "Nachtrag.pdf", "Nachtrag.docx",
            "Sitzungsmappe-oeffentlich.pdf", "Sitzungsmappe-vollstaendig.pdf", "Niederschrift.pdf",
            "Niederschrift-oeffentlicher-Teil.docx", "Niederschrift-nichtoeffentlicher-Teil.pdf",
            "Beschlussauszug.pdf", "Beschlussauszug.docx", "Beschlusskontrolle.pdf",
            "Beschlusskontrolle.csv"} <= kinds, kinds
    root = base / LAYOUTS[0]
    given = " ".join(p.read_text(encoding="utf-8") for p in [*root.glob("data/*.yaml"), *root.glob("vorlagen/wq/*.yaml"),
                                                            *root.glob("sitzungen/*.yaml")])
    allowed = set(_WORD.findall(given)) | {"PDF", "DOCX", "ZIP"}
    defaults = {w for words in _defaults().values() for word in words for w in _WORD.findall(word)}
    seen: set[str] = set()
    for path in outputs:
        text = _words_of(path)
        where = path.relative_to(base)
        foreign = sorted(set(_WORD.findall(text)) - allowed)
        assert not foreign, f"{where}: Wörter weder aus den Daten noch aus der Wortliste: {foreign}"
        left = sorted(w for w in defaults - allowed if re.search(rf"(?<![\wäöüß]){w}(?![\wäöüß])", text))
        assert not left, f"{where}: Vorgabewörter übrig: {left}"
        seen.update(re.findall(r"WQ\d{3}", text))
    missing = [key for key in SITZUNG_KEYS if MARKERS[key].split()[0] not in seen]
    # the PDF properties are no page text: the title words (dokumenttitel …) are checked below
    metadata = {"sitzung_beschreibung", "dokumenttitel", "mappe_titel_oeffentlich", "mappe_titel_vollstaendig",
                "niederschrift_kurz", "beschlussauszug_kurz"}
    git = {"stand_commit", "stand_lokal"}  # the project is in no repository: test_stand_in_words
    assert not [k for k in missing if k not in metadata | git], f"nie gezeigt: {missing}"


def test_the_pdf_properties_carry_the_words(marked: tuple[Path, list[Path]]) -> None:
    import pikepdf

    _, outputs = marked
    seen: set[str] = set()
    for path in (p for p in outputs if p.suffix == ".pdf"):
        with pikepdf.open(path) as pdf:
            meta = pdf.open_metadata()
            seen.update(re.findall(r"WQ\d{3}", " ".join(str(meta.get(k, "")) for k in ("dc:title", "dc:description"))))
    for key in ("sitzung_beschreibung", "dokumenttitel", "mappe_titel_oeffentlich", "mappe_titel_vollstaendig",
                "niederschrift_kurz", "beschlussauszug_kurz"):
        assert MARKERS[key].split()[0] in seen, key


def test_stand_in_words(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The Stand of a project in git, with and without local changes, in the word table's words."""
    import vorlagengen.documents.stand as stand
    from vorlagengen.documents.woerter import Woerter

    w = Woerter({"stand_commit": "A {datum} {commit}", "stand_lokal": "B {datum} {commit}", "stand_ohne": "C {datum}",
                 "ohne_datum": "D"}, {})
    for parts, expected in ((("1a2b", False, "", 0), "A D 1a2b"), (("1a2b", True, "", 86400), "B 02.01.1970 1a2b"),
                            (("", False, stand.NO_GIT, 0), "C D")):
        monkeypatch.setattr(stand, "_parts", lambda *_args, p=parts: p)
        assert stand.stand_in_words(tmp_path, w) == expected


def test_every_anlass_has_its_word() -> None:
    from typing import get_args

    from vorlagengen.documents.sitzung.context import ANLASS
    from vorlagengen.model.drucksache import Sitzung

    assert set(ANLASS) == set(get_args(Sitzung.model_fields["anlass"].annotation))
    assert set(ANLASS.values()) <= set(SITZUNG_KEYS)


def test_older_profile_sentences_are_words_and_woerter_wins(tmp_path: Path) -> None:
    """oeffentlichkeit.vermerk, …nichtoeffentlicher_teil, niederschrift.feststellung(_nicht_beschlussfaehig)
    named before the word table count as its words; profil.woerter goes before them."""
    from vorlagengen.documents.layouts import get_layout
    from vorlagengen.documents.woerter import table
    from vorlagengen.model.drucksache import Koerperschaft

    older = {"name": "K", "briefkopf": ["K"], "layout": "allris", "nummernschema": "{nr}", "ladungsfrist": 7,
             "oeffentlichkeit": {"vermerk": "Geheim Eins", "nichtoeffentlicher_teil": "Satz Eins"},
             "niederschrift": {"feststellung": "Fest Eins", "feststellung_nicht_beschlussfaehig": "Fest Zwei"}}
    layout = get_layout("allris", tmp_path)
    words = table(layout, Koerperschaft.model_validate(older), "")
    assert [words[k] for k in ("vermerk", "nichtoeffentlicher_teil", "feststellung",
                               "feststellung_nicht_beschlussfaehig")] == ["Geheim Eins", "Satz Eins", "Fest Eins",
                                                                          "Fest Zwei"]
    newer = Koerperschaft.model_validate({**older, "profil": {"woerter": {"vermerk": "Geheim Zwei"}}})
    assert table(layout, newer, "")["vermerk"] == "Geheim Zwei"
    assert table(layout, Koerperschaft.model_validate({k: v for k, v in older.items() if k != "oeffentlichkeit"}),
                 "")["vermerk"] == "nichtöffentlich – vertraulich"  # the packaged default


def test_wochentage_must_name_seven_days(tmp_path: Path) -> None:
    from vorlagengen.errors import ValidationFailed

    _project(tmp_path, "allris")
    path = tmp_path / "data" / "koerperschaften.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(f'wochentage: "{MARKERS["wochentage"]}"',
                                                             'wochentage: "Mo Di Mi"'), encoding="utf-8")
    with pytest.raises(ValidationFailed, match=r"koerperschaften\.yaml:\d+:\d+: .*woerter.*wochentage: erwartet "
                                               r"sieben Wochentage ab Montag"):
        load_project(tmp_path, jobs=1)
