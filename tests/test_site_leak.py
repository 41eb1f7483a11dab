"""Nothing non-public reaches the website or the OParl export: marker words in every non-public place
of the demo project (a non-public Drucksache, a public one's non-public Anlage with its file name, a
non-public TOP, a Schwärzung), then every file of the site — HTML, JSON, feeds, calendars and the
gzip-compressed search index, decompressed — and the command's output are searched for them. The
public words must be there, in the pages and in the index, so the test cannot pass by publishing
nothing. (The attack fixture of the Öffentlichkeit issue, tests/test_leak.py, covers the site too.)"""

from __future__ import annotations

import gzip
from pathlib import Path

from click.testing import CliRunner

from leak_support import anlage_pdf
from site_support import copy_demo, fake_documents
from vorlagengen.cli import cli
from vorlagengen.load.project import load_project
from vorlagengen.public.projection import public_project

MARKERS = ("QzxNoeBetreff", "QzxNoeSachverhalt", "QzxNoeAnlageTitel", "qzxnoeanlagedatei", "QzxNoeTop",
           "QzxGeschwaerzt")
PUBLIC = ("Rahlstedter", "Sozialraumorientierung")


def _attack(root: Path) -> None:
    noe = root / "vorlagen/wandsbek/19-0175.yaml"
    text = noe.read_text(encoding="utf-8")
    text = text.replace("betreff: ", "betreff: QzxNoeBetreff ", 1)
    text = text.replace("sachverhalt: |", "sachverhalt: |\n  QzxNoeSachverhalt.\n", 1)
    noe.write_text(text, encoding="utf-8")
    oe = root / "vorlagen/wandsbek/19-0171.yaml"
    anlage_pdf(root / "vorlagen/wandsbek/anlagen/qzxnoeanlagedatei.pdf", "Wert QzxNoeAnlageText", "Anlage")
    text = oe.read_text(encoding="utf-8").replace(
        "Sicherheitsgründen gesperrt werden.",
        "Sicherheitsgründen gesperrt werden. Gemeldet von [QzxGeschwaerzt]{.geschwaerzt}.")
    text += ("  - datei: anlagen/qzxnoeanlagedatei.pdf\n    titel: QzxNoeAnlageTitel\n    oeffentlich: nein\n")
    oe.write_text(text, encoding="utf-8")
    ergaenzung = root / "vorlagen/wandsbek/19-0178.yaml"  # several Bezüge, one of them non-public
    ergaenzung.write_text(ergaenzung.read_text(encoding="utf-8").replace('bezug: "19/0171"',
                                                                         'bezug: ["19/0171", "19/0175"]'),
                          encoding="utf-8")
    sitzung = root / "sitzungen/wandsbek-jha-2011-05-11.yaml"
    sitzung.write_text(sitzung.read_text(encoding="utf-8").replace("Verschiedenes (nichtöffentlich)", "QzxNoeTop"),
                       encoding="utf-8")


def _texts(path: Path) -> str:
    data = path.read_bytes()
    texts = [path.as_posix(), data.decode("utf-8", "replace"), data.decode("latin-1")]
    if data.startswith(b"\x1f\x8b"):  # Pagefind's index, fragments and filters
        inner = gzip.decompress(data)
        texts += [inner.decode("utf-8", "replace"), inner.decode("latin-1")]
    # iCalendar folds long lines ("\r\n "): join them before searching
    return "\n".join(texts).replace("\r\n ", "").lower()


def test_no_marker_in_the_website_and_the_public_words_are_there(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "projekt")
    _attack(root)
    full = load_project(root)
    assert any("QzxNoeBetreff" in r.vorlage.betreff for r in full.records)  # the markers are in the project
    fake_documents(public_project(full), root / "build/oeffentlich")
    result = CliRunner().invoke(cli, ["--projekt", str(root), "site"])
    assert result.exit_code == 0, result.output
    log = (result.stdout + result.stderr).lower()
    site = root / "build/oeffentlich/site"
    found = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        hay = _texts(path)
        for marker in MARKERS:
            if marker.lower() in hay:
                found.setdefault(marker, []).append(str(path.relative_to(site)))
    assert found == {}
    assert not any(m.lower() in log for m in MARKERS)
    kinds = {"html": site.glob("**/*.html"), "json": site.glob("oparl/**/*.json"), "atom": site.glob("feeds/*.atom"),
             "index": site.glob("pagefind/*/fragment/*")}
    for kind, paths in kinds.items():
        everything = "".join(_texts(p) for p in paths)
        assert all(word.lower() in everything for word in PUBLIC), kind
    assert "jugendhilfeausschuss am 11.05.2011" in _texts(site / "kalender/wandsbek-jha.ics")
    page = (site / "drucksachen/wandsbek/19-0178.html").read_text(encoding="utf-8")
    assert ('<dt>Bezüge</dt>\n  <dd><a href="../../drucksachen/wandsbek/19-0171.html">19/0171 – Neugestaltung des '
            'Spielplatzes Rahlstedter Höhe</a></dd>') in page  # the public Bezug: linked, with its Betreff
    assert "<dd>19/0175 – nichtöffentliche Drucksache</dd>" in page and "19-0175" not in page  # number and note only
