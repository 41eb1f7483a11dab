"""Hostile and careless inputs, generated: each is either refused by ``validate`` (and ``build``)
with a located German message and ``build/`` left exactly as it was, or it renders – and then the
text comes out literally in PDF and DOCX. Nothing in between: validate ⇒ build.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pytest
import typst
from click.testing import CliRunner

from conftest import LUENEBURG_HEAD, SITZUNG_SGA
from render_support import REPO, build_project, docx_text, pdf_pages
from vorlagengen.cli import cli

# The record every case starts from. Line 10 is the first line of the Sachverhalt (column 3).
HEAD = LUENEBURG_HEAD.replace("{nr}", "VO/{nr:04d}/19") + "sachverhalt: |\n"
SACHVERHALT_LINE = 10


def record(nr: int, sachverhalt: str, betreff: str = "Prüfung", tail: str = "") -> str:
    body = "".join(f"  {line}\n" if line else "\n" for line in sachverhalt.split("\n"))
    return HEAD.format(nr=nr, betreff=betreff) + body + tail


@dataclass
class Case:
    name: str
    files: dict[str, bytes | str]
    expected: str  # a located message line (refused) …
    literal: list[str] = field(default_factory=list)  # … or texts the PDF and DOCX must show (renders)
    fifo: str = ""  # a path made a FIFO (run in a subprocess with a time limit: it hung before)


def _pdf(text: str, pages: int = 1) -> bytes:
    return typst.compile("\n#pagebreak()\n".join(f"= {text} {i}" for i in range(pages)).encode())


PATH = "vorlagen/r.yaml"


# --- refused ------------------------------------------------------------------------------------


def glyph_cases() -> Iterator[Case]:
    for ch in "中テ한กᚠ𝄞🀄ሀअ":
        name = f"U+{ord(ch):04X} {unicodedata.name(ch)}"
        yield Case(f"glyph-text-{ord(ch):x}", {PATH: record(1, f"Text mit {ch} darin.")},
                   f"{PATH}:{SACHVERHALT_LINE}:12: sachverhalt: Zeichen „{ch}“ ({name}) ist in keiner Schrift")
        yield Case(f"glyph-betreff-{ord(ch):x}", {PATH: record(1, "Text.", betreff=f"Betreff {ch}")},
                   f"{PATH}:6:18: betreff: Zeichen „{ch}“ ({name})")
        # the same character written as an escape of YAML: not in the file's text, in the value
        escape = f"\\U{ord(ch):08X}" if ord(ch) > 0xFFFF else f"\\u{ord(ch):04X}"
        yield Case(f"glyph-escape-{ord(ch):x}", {PATH: record(1, "Text.", betreff=f'"Betreff {escape}"')},
                   f"{PATH}:6:1: betreff: Zeichen „{ch}“ ({name}) ist in keiner Schrift")


def link_cases() -> Iterator[Case]:
    for dest, scheme in (("javascript:alert(1)", "javascript"), ("JaVaScRiPt:alert(1)", "JaVaScRiPt"),
                         ("file:///etc/passwd", "file"), ("data:text/html,x", "data"), ("vbscript:x", "vbscript"),
                         ("javascript&#58;alert(1)", "javascript"), ("java\\script:x", "javascript")):
        for form, text, col in (("inline", f"Ein [Verweis]({dest}).", 17), ("reference", f"[v]: {dest}", 8),
                                ("autolink", f"Siehe <{dest}>", 10)):
            if form == "autolink" and ("\\" in dest or "&" in dest):
                continue
            yield Case(f"link-{form}-{dest[:12]}", {PATH: record(1, f"Text.\n\n{text}")},
                       f"{PATH}:{SACHVERHALT_LINE + 2}:{col}: sachverhalt: Link auf „{scheme}:“ ist nicht erlaubt")


def markdown_cases() -> Iterator[Case]:
    """Markdown pandoc would warn about (and the build fail on), in every field typed Markdown."""
    twice = "sachverhalt: Fußnote „[^1]“ ist zweimal erklärt; jede Fußnote braucht ihre eigene Marke"
    yield Case("footnote-twice", {PATH: record(1, "Text[^1].\n\n[^1]: Eins.\n\n[^1]: Zwei.")},
               f"{PATH}:{SACHVERHALT_LINE + 4}:3: {twice}")
    yield Case("footnote-twice-in-quote", {PATH: record(1, "Text[^1].\n\n[^1]: Eins.\n\n> [^1]: Zwei.")},
               f"{PATH}:{SACHVERHALT_LINE + 4}:5: {twice}")
    yield Case("link-dringlichkeit", {PATH: record(1, "Text.", tail='dringlichkeit: "[x](javascript:alert(1))"\n')},
               f"{PATH}:11:21: dringlichkeit: Link auf „javascript:“ ist nicht erlaubt")
    altbestand = (REPO / "data/altbestand.yaml").read_text(encoding="utf-8")
    yield Case("link-data-altbestand", {PATH: record(1, "Text."), "data/altbestand.yaml": altbestand + (
        "VO/0500/18:\n  koerperschaft: lueneburg\n  betreff: Alt\n  fragen:\n    - \"Siehe [hier](file:///etc/passwd).\"\n")},
        f"data/altbestand.yaml:{altbestand.count(chr(10)) + 5}:21: VO/0500/18.fragen[1]: Link auf „file:“ ist nicht erlaubt")


def separator_cases() -> Iterator[Case]:
    for ch, name in (("\u2028", "LINE SEPARATOR"), ("\u2029", "PARAGRAPH SEPARATOR"), ("\u0085", "NEXT LINE")):
        yield Case(f"sep-block-{ord(ch):x}", {PATH: record(1, f"Erste Zeile.\nzweite{ch}Hälfte")},
                   f"{PATH}:{SACHVERHALT_LINE + 1}:9: Zeichen U+{ord(ch):04X} ({name}) ist nicht erlaubt")
        yield Case(f"sep-betreff-{ord(ch):x}", {PATH: record(1, "Text.", betreff=f'"Be{ch}treff"')},
                   f"{PATH}:6:13: Zeichen U+{ord(ch):04X} ({name}) ist nicht erlaubt")


def limit_cases() -> Iterator[Case]:
    for n in (100, 30_000):
        yield Case(f"depth-flow-{n}", {PATH: record(1, "Text.", tail="beteiligt: " + "[" * n + "]" * n + "\n")},
                   f"{PATH}:11:76: YAML zu tief verschachtelt (mehr als 64 Ebenen)")
        yield Case(f"depth-block-{n}", {PATH: record(1, "Text.", tail="beteiligt:\n" + "- " * n + "x\n")},
                   f"{PATH}:12:1: YAML zu tief verschachtelt (mehr als 64 Ebenen)")
    yield Case("size", {PATH: record(1, "Text. " * 200_000)},
               "Byte groß, erlaubt sind höchstens 1.000.000 Byte")
    for n in (1001, 5000):
        yield Case(f"betreff-{n}", {PATH: record(1, "Text.", betreff="B" * n)},
                   f"{PATH}:6:1: betreff: Betreff ist {n} Zeichen lang, höchstens 1000")
    for depth in (14, 40):
        yield Case(f"quotes-{depth}", {PATH: record(1, ">" * depth + " tief")},
                   f"{PATH}:{SACHVERHALT_LINE}:3: sachverhalt: Zitate und Listen sind tiefer als 12 Ebenen")
    for cols in (20, 40):
        table = "|" + "|".join(f"Spalte {i}" for i in range(cols)) + "|\n|" + "---|" * cols
        yield Case(f"table-{cols}", {PATH: record(1, "Vorher.\n\n" + table)},
                   f"{PATH}:{SACHVERHALT_LINE + 2}:3: sachverhalt: Tabelle zu breit für die Seite: {cols} Spalten")
    for n in (120, 3000):
        yield Case(f"word-{n}", {PATH: record(1, "Ein " + "x" * n + " Wort.")},
                   f"{PATH}:{SACHVERHALT_LINE}:7: sachverhalt: Wort ohne Trennstelle ({n} Zeichen)")
    yield Case("long-value", {PATH: record(1, "Text.", tail=f"bearbeiter: {'a' * 5000}\n")},
               f"{PATH}:11:1: bearbeiter: unbekannte Person „{'a' * 79}…“ (nicht in data/personen.yaml)")


def number_cases() -> Iterator[Case]:
    for value, message in ((".nan", "kein Betrag (keine Zahl)"), (".inf", "kein Betrag (unendlich)"),
                           ("-.inf", "kein Betrag (unendlich)"), ('"NaN"', "„NaN“ ist kein Betrag (keine Zahl)"),
                           ('"Infinity"', "„Infinity“ ist kein Betrag (unendlich)"),
                           ("-1", "Betrag darf nicht negativ sein, ist -1"),
                           ('"-0,01"', "Betrag darf nicht negativ sein, ist -0,01"),
                           ('"1e5"', "„1e5“: Beträge bitte ohne Exponent schreiben")):
        tail = f"finanzen:\n  auswirkungen: ja\n  folgekosten: {value}\n"
        yield Case(f"betrag-{value}", {PATH: record(1, "Text.", tail=tail)},
                   f"{PATH}:13:3: finanzen.folgekosten: {message}")


def anlage_cases() -> Iterator[Case]:
    good = _pdf("Gut", 2)
    buf = io.BytesIO()
    with pikepdf.open(io.BytesIO(good)) as pdf:
        pdf.save(buf, encryption=pikepdf.Encryption(user="geheim", owner="geheim"))
    png = (REPO / "vorlagen/wandsbek/anlagen/spielplatz-lageplan.png").read_bytes()
    faults: list[tuple[str, bytes, str]] = [
        ("enc.pdf", buf.getvalue(), "PDF ist mit einem Passwort verschlüsselt"),
        ("leer.pdf", b"", "Anlage ist leer (0 Byte)"),
        ("kaputt.pdf", good[: len(good) // 2], "PDF ist beschädigt"),
        ("muell.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8, "PDF ist beschädigt"),
        ("bild.pdf", png, "Inhalt passt nicht zur Endung „.pdf“: die Datei ist ein PNG"),
        ("text.docx", b"nur Text", "Inhalt passt nicht zur Endung „.docx“: die Datei ist kein erkennbares Format"),
        ("halb.png", png[: len(png) // 2], "PNG-Bild ist unvollständig"),
        ("fern.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
         "SVG verweist auf eine andere Datei oder Adresse („file:///etc/passwd“)"),
        ("netz.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.org/x.png"/></svg>',
         "SVG verweist auf eine andere Datei oder Adresse"),
        ("bombe.svg", b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><svg>&b;</svg>',
         "SVG mit DOCTYPE oder Entitäten ist nicht erlaubt"),
    ]
    for name, data, message in faults:
        tail = f"anlagen:\n  - datei: anlagen/{name}\n    titel: Anlage\n"
        yield Case(f"anlage-{name}", {PATH: record(1, "Text.", tail=tail), f"vorlagen/anlagen/{name}": data},
                   f"{PATH}:12:5: anlagen[1].datei: {message}")
    yield Case("anlage-ordner", {PATH: record(1, "Text.", tail="anlagen:\n  - datei: anlagen\n    titel: A\n"),
                                 "vorlagen/anlagen/x.txt": "x"},
               f"{PATH}:12:5: anlagen[1].datei: „anlagen“ ist keine Datei")


SITZUNG = SITZUNG_SGA
BERATUNG = "beratungsfolge:\n  - gremium: lueneburg-sga\n    datum: 2019-04-04\n    zustaendigkeit: Entscheidung\n"
NIEDERSCHRIFT = """oeffentlich:
  beginn: "16:00"
vorsitz: lueneburg-vorsitz-sga
schriftfuehrung: lueneburg-vorsitz-sga
anwesenheit:
  - person: lueneburg-vorsitz-sga
tops:
  - top: "Ö 1"
    inhalt: |
"""


def niederschrift_cases() -> Iterator[Case]:
    """A Niederschrift file has the limits of a record (it is read by the same loader)."""
    files = {"sitzungen/s.yaml": SITZUNG, PATH: record(1, "Text.", tail=BERATUNG)}
    where = "sitzungen/s.niederschrift.yaml"
    yield Case("niederschrift-size", {**files, where: NIEDERSCHRIFT + "      Text.\n" * 100_000},
               f"{where}: Datei ist {len(NIEDERSCHRIFT.encode()) + 1_200_000:,} Byte".replace(",", ".")
               + " groß, erlaubt sind höchstens 1.000.000 Byte")
    yield Case("niederschrift-depth", {**files, where: NIEDERSCHRIFT + "      Text.\ngaeste: " + "[" * 30_000 + "]" * 30_000},
               f"{where}:11:73: YAML zu tief verschachtelt (mehr als 64 Ebenen)")
    yield Case("niederschrift-glyph", {**files, where: NIEDERSCHRIFT + "      Ein Zeichen 中.\n"},
               f"{where}:10:19: tops[1].inhalt: Zeichen „中“ (U+4E2D CJK UNIFIED IDEOGRAPH-4E2D) ist in keiner Schrift")


def fifo_cases() -> Iterator[Case]:
    yield Case("fifo-record", {}, "vorlagen/fifo.yaml: ist keine normale Datei (FIFO, Gerät oder Socket)",
               fifo="vorlagen/fifo.yaml")
    yield Case("fifo-data", {}, "data/personen.yaml: ist keine normale Datei", fifo="data/personen.yaml")
    yield Case("fifo-sitzung", {}, "sitzungen/s.yaml: ist keine normale Datei", fifo="sitzungen/s.yaml")
    yield Case("fifo-niederschrift", {"sitzungen/s.yaml": SITZUNG, PATH: record(1, "Text.", tail=BERATUNG)},
               "sitzungen/s.niederschrift.yaml: ist keine normale Datei", fifo="sitzungen/s.niederschrift.yaml")
    yield Case("fifo-anlage", {PATH: record(1, "Text.", tail="anlagen:\n  - datei: anlagen/p.pdf\n    titel: A\n")},
               f"{PATH}:12:5: anlagen[1].datei: „anlagen/p.pdf“ ist keine Datei", fifo="vorlagen/anlagen/p.pdf")


REFUSED = [*glyph_cases(), *link_cases(), *markdown_cases(), *separator_cases(), *limit_cases(), *number_cases(), *anlage_cases(),
           *niederschrift_cases()]


def make(root: Path, case: Case) -> Path:
    import shutil

    shutil.copytree(REPO / "data", root / "data")
    (root / "vorlagen").mkdir()
    for rel, content in case.files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    if case.fifo:
        (root / case.fifo).parent.mkdir(parents=True, exist_ok=True)
        (root / case.fifo).unlink(missing_ok=True)
        os.mkfifo(root / case.fifo)
    # a previous build that a refused run must leave exactly as it is
    old = root / "build" / "intern" / "vorlagen" / "lueneburg"
    old.mkdir(parents=True)
    (old / "VO-0001-19.pdf").write_bytes(b"%PDF alter Stand")
    (root / "build" / ".vorlagen.json").write_text('{"alt": "1"}')
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--projekt", str(root), *args], catch_exceptions=True, prog_name="vorlagengen")


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.name)
def test_refused_with_located_german_message_and_build_untouched(tmp_path, monkeypatch, case):
    root = make(tmp_path, case)
    monkeypatch.chdir(root)
    before = snapshot(root / "build")
    for command in (["validate"], ["build"]):
        result = run(root, *command)
        out = result.output + result.stderr
        assert result.exit_code == 1, (command, out)
        assert "Traceback" not in out and (result.exception is None or isinstance(result.exception, SystemExit))
        assert case.expected in out, (command, out[:2000])
        assert all(len(line) < 600 for line in out.splitlines()), "Meldung nicht gekürzt"
    assert snapshot(root / "build") == before


@pytest.mark.parametrize("case", list(fifo_cases()), ids=lambda c: c.name)
def test_fifo_is_refused_at_once(tmp_path, case):
    root = make(tmp_path, case)
    for command in ("validate", "build"):
        proc = subprocess.run([sys.executable, "-m", "vorlagengen", "--projekt", str(root), command],
                              capture_output=True, text=True, timeout=60, cwd=root, check=False)
        assert proc.returncode == 1, proc.stderr
        assert case.expected in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_anlage_faults_are_located_in_sitzung_too(tmp_path, monkeypatch):
    case = next(c for c in REFUSED if c.name == "anlage-enc.pdf")
    root = make(tmp_path, case)
    monkeypatch.chdir(root)
    (root / "sitzungen").mkdir()
    (root / "sitzungen/s.yaml").write_text(SITZUNG_SGA, encoding="utf-8")
    (root / PATH).write_text(record(1, "Text.", tail="""beratungsfolge:
  - gremium: lueneburg-sga
    datum: 2019-04-04
    zustaendigkeit: Entscheidung
anlagen:
  - datei: anlagen/enc.pdf
    titel: Anlage
"""), encoding="utf-8")
    before = snapshot(root / "build")
    result = run(root, "sitzung")
    out = result.output + result.stderr
    assert result.exit_code == 1 and "Traceback" not in out
    assert f"{PATH}:16:5: anlagen[1].datei: PDF ist mit einem Passwort verschlüsselt" in out, out
    assert snapshot(root / "build") == before


# --- rendered -----------------------------------------------------------------------------------

RENDERED: list[tuple[str, str, list[str]]] = [
    ("linie", "Erster Teil.\n\n---\n\nZweiter Teil.\n\n***\n\nDritter Teil.", ["Erster Teil", "Dritter Teil"]),
    ("aufgaben", "- [ ] offene Aufgabe\n- [x] erledigte Aufgabe", ["offene Aufgabe", "erledigte Aufgabe"]),
    ("fussnoten", "Text mit Fußnote[^1].\n\n[^1]: Die Fußnote.\n\n[^2]: Nie benutzt.", ["Die Fußnote"]),
    ("doppelte-verweise", "[Eins][x] und [Zwei][x]\n\n[x]: https://example.org/a\n[x]: https://example.org/b",
     ["Eins und Zwei"]),
    ("tiefe-liste", "\n".join("  " * i + f"- Ebene {i}" for i in range(10)), ["Ebene 9"]),
    ("symbole", "Erledigt ✓ offen ☐ Achtung ⚠ Durchmesser ⌀ Rupie ₹ Smiley 😀", ["✓", "☐", "⚠", "⌀", "₹"]),
    ("schriften", "Griechisch αβγ, Kyrillisch Жизнь, Arabisch مرحبا", ["αβγ", "Жизнь"]),
    ("div-im-zitat", "> ::: {.vg-titel}\n> AUSBRUCH IM ZITAT\n> :::", ["::: {.vg-titel}", "AUSBRUCH IM ZITAT"]),
    ("div-in-liste", "- ::: {.vg-titel}\n  AUSBRUCH IN LISTE\n  :::", ["::: {.vg-titel}", "AUSBRUCH IN LISTE"]),
    ("custom-style", '[Stiltext]{custom-style="Heading 1"} und [Link](https://example.org){.vg-titel}',
     ['[Stiltext]{custom-style=', "Heading 1", "{.vg-titel}"]),
    ("leere-ueberschrift", "#\n\nText nach leerer Überschrift.", ["Text nach leerer Überschrift"]),
    ("fussnoten-je-feld", "Erster Teil[^1].\n\n[^1]: Die erste Fußnote.", ["Die erste Fußnote", "Die zweite Fußnote"]),
    ("anker", "# Ziel {#ziel}\n\n# Noch ein Ziel {#ziel}\n\n[Zum Ziel](#ziel) und [ins Leere](#nirgends).",
     ["Noch ein Ziel", "Zum Ziel und ins Leere."]),
    ("html-div", "<div>\nIm HTML-Block\n</div>\n\n<div class=x>Noch einer", ["<div>", "Im HTML-Block", "</div>",
                                                                        "<div class=x>Noch einer"]),
    ("breite-tabelle", "|" + "|".join(f"S{i}" for i in range(8)) + "|\n|" + "---|" * 8 + "\n|"
     + "|".join(f"W{i}" for i in range(8)) + "|", ["S7", "W7"]),
]


# More fields of a case: the same footnote mark in a second Markdown field is a footnote of its own.
TAILS = {"fussnoten-je-feld": "abschnitte:\n  - titel: Zweiter Teil\n    text: |\n      Zweiter Teil[^1].\n\n"
                              "      [^1]: Die zweite Fußnote.\n"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    import shutil

    root = tmp_path_factory.mktemp("rendered")
    shutil.copytree(REPO / "data", root / "data")
    for i, (name, md, _) in enumerate(RENDERED, start=1):
        path = root / "vorlagen" / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(record(100 + i, md, betreff=f"Fall {name}", tail=TAILS.get(name, "")), encoding="utf-8")
    result = run(root, "validate")
    assert result.exit_code == 0, result.output + result.stderr
    build_project(root, root / "build")
    return root


def docx_footnotes(path: Path) -> str:
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        if "word/footnotes.xml" not in z.namelist():
            return ""
        return " " + re.sub(r"<[^>]+>", "", z.read("word/footnotes.xml").decode())


@pytest.mark.parametrize("i, case", list(enumerate(RENDERED, start=1)), ids=[c[0] for c in RENDERED])
def test_what_validates_renders_literally(rendered, i, case):
    _, _, literal = case
    base = rendered / "build/intern/vorlagen/lueneburg" / f"VO-{100 + i:04d}-19"
    pdf = " ".join(" ".join(pdf_pages(base.with_suffix(".pdf"))).split())
    doc = " ".join((docx_text(base.with_suffix(".docx")) + docx_footnotes(base.with_suffix(".docx"))).split())
    for text in literal:
        assert text in pdf, (text, pdf[-600:])
        assert text in doc, (text, doc[-600:])
    assert "AUSBRUCH" not in "".join(pdf_pages(base.with_suffix(".pdf"))[:1]).split("Sachverhalt")[0]


def test_fences_in_quotes_and_lists_call_no_layout_part(rendered):
    import zipfile

    for name in ("div-im-zitat", "div-in-liste", "custom-style"):
        i = next(n for n, c in enumerate(RENDERED, start=1) if c[0] == name)
        with zipfile.ZipFile(rendered / "build/intern/vorlagen/lueneburg" / f"VO-{100 + i:04d}-19.docx") as z:
            body = z.read("word/document.xml").decode()
        assert body.count('w:pStyle w:val="Dokumenttitel"') == 1, name  # only the layout's own title
        assert 'w:rStyle w:val="Heading1' not in body and 'w:val="Heading 1"' not in body


def test_fallback_font_keeps_pdfa_and_pdfua(rendered):
    """Symbols set in DejaVu Sans, embedded, and the PDF still claims (and typst checked) PDF/A-2a, PDF/UA-1."""
    i = next(n for n, c in enumerate(RENDERED, start=1) if c[0] == "symbole")
    with pikepdf.open(rendered / "build/intern/vorlagen/lueneburg" / f"VO-{100 + i:04d}-19.pdf") as pdf:
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"], meta["pdfuaid:part"]) == ("2", "A", "1")
        fonts = {str(f.get("/BaseFont")) for page in pdf.pages for f in page.Resources.Font.values()}
    assert any("DejaVuSans" in f for f in fonts) and any("Liberation" in f for f in fonts), fonts


def test_pandoc_messages_drop_harmless_warnings_and_temporary_paths():
    from vorlagengen.documents.markdown import pandoc_messages

    err = ("[WARNING] Duplicate link reference '[x]' at /tmp/vorlagengen-md-abc/vorlage.md line 33 column 1\n"
           "[WARNING] Note with key '2' defined at /tmp/vorlagengen-md-abc/vorlage.md line 34 column 1 but not used.\n"
           "[WARNING] Div at /tmp/vorlagengen-md-q1/vorlage.md_chunk line 1 column 1 unclosed at "
           "/tmp/vorlagengen-md-q1/vorlage.md_chunk line 5 column 1, closing implicitly.\n")
    assert pandoc_messages(err) == "[WARNING] Div unclosed, closing implicitly."


def test_pandoc_warning_validate_does_not_know_names_file_line_and_field(tmp_path, monkeypatch):
    """Should pandoc warn about something validate lets through, the build fails naming the place
    in the record the Markdown came from – never a temporary file or <stdin>. (Here validate is made
    to forget one check, so that a real pandoc warning reaches the build.)"""
    from vorlagengen.checks import text as textchecks

    monkeypatch.setattr(textchecks, "note_issues", lambda md: [])
    tail = ("abschnitte:\n  - titel: Zweiter Teil\n    text: |\n      Teil[^1].\n\n      [^1]: Eins.\n\n"
            "      [^1]: Zwei.\n")
    root = make(tmp_path, Case("warnung", {PATH: record(1, "Text.", tail=tail)}, ""))
    monkeypatch.chdir(root)
    assert run(root, "validate").exit_code == 0
    before = snapshot(root / "build")
    result = run(root, "build")
    out = result.output + result.stderr
    assert result.exit_code == 1 and "Traceback" not in out
    assert f"{PATH}:18:7: abschnitte[1].text: Warnung: Fußnote „[^1]“ ist zweimal erklärt (pandoc)\n" in out, out
    assert "line" not in out and "stdin" not in out and "/tmp" not in out
    after = snapshot(root / "build")
    assert after.pop(".vorlagen.lock") == b"" and after == before  # the outputs as they were


def test_pandoc_warning_in_a_niederschrift_names_its_file_line_and_field(tmp_path, monkeypatch):
    import shutil

    from vorlagengen.checks import text as textchecks

    monkeypatch.setattr(textchecks, "note_issues", lambda md: [])
    for folder in ("data", "vorlagen", "sitzungen"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    rel = "sitzungen/lueneburg-sga-2019-04-04.niederschrift.yaml"
    path = tmp_path / rel
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    inhalt: Keine Anfragen.", "    inhalt: |\n      Keine[^1] Anfragen.\n\n      [^1]: A\n\n      [^1]: B"),
        encoding="utf-8")
    result = run(tmp_path, "niederschrift")
    out = result.output + result.stderr
    assert result.exit_code == 1 and "Traceback" not in out
    assert f"{rel}:68:7: tops[5].inhalt: Warnung: Fußnote „[^1]“ ist zweimal erklärt (pandoc)\n" in out, out


def test_what_validates_also_makes_the_website(rendered):
    """validate ⇒ site: the same hostile-but-valid texts make the Bürgerinfo pages, literally."""
    result = run(rendered, "site")
    assert result.exit_code == 0, result.output + result.stderr
    pages = {p: p.read_text(encoding="utf-8") for p in (rendered / "build/oeffentlich/site").rglob("*.html")}
    html = next(text for text in pages.values() if "Im HTML-Block" in text)
    assert "<p>&lt;div&gt;\nIm HTML-Block\n&lt;/div&gt;</p>" in html
