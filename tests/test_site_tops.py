"""A page per public TOP: its Beschluss as the published Niederschrift states it, the vote (per Fraktion,
and the votes before it), Wahlen and the result; linked from the Sitzung and the Drucksache. A
non-public TOP gets no page and leaves nothing of itself; a Niederschrift in „Entwurf“ gives no
Beschluss text (it is not published)."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_support import broken_links, build, flat_text, fraktionen_site, with_fraktionen

SLUG = "lueneburg-sga-2019-04-04"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fraktionen_site(tmp_path_factory.mktemp("tops"))


def test_every_public_top_has_a_page_and_no_other(site: Path) -> None:
    pages = sorted(p.name for p in (site / "sitzungen" / SLUG).glob("*.html"))
    assert pages == ["top-oe-1.html", "top-oe-2.html", "top-oe-3.html", "top-oe-3a.html", "top-oe-4.html"]
    jha = sorted(p.name for p in (site / "sitzungen/wandsbek-jha-2011-05-11").glob("*.html"))
    assert "top-12-7.html" in jha and not [p for p in jha if p.startswith("top-n")]
    everything = " ".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*.html"))
    for secret in ("Personalangelegenheiten", "Stellenbesetzung", "Fachbereich 5a"):  # N 1 and its minutes
        assert secret not in everything
    assert broken_links(site) == []


def test_top_page_shows_beschluss_votes_per_fraktion_and_wahlen(site: Path) -> None:
    html = flat_text(site, f"sitzungen/{SLUG}/top-oe-2.html")
    assert "<h1>Genehmigung des Protokolls der Sitzung vom 07.02.2019</h1>" in html
    assert "<dt>Ergebnis</dt><dd>geändert beschlossen</dd>" in html
    assert "<h2>Beschluss</h2> <p>Das Protokoll der Sitzung vom 07.02.2019 wird mit der Änderung genehmigt.</p>" in html
    assert "<h2>Beschlossene Änderung</h2> <p>Auf Seite 2 wird „Herr Schmitt“ durch „Herr Schmidt“ ersetzt.</p>" in html
    assert ("<li>Änderungsantrag der Fraktion Bündnis 90/Die Grünen: angenommen (Ja 4, Nein 1, Enthaltung 0)</li>"
            in html)
    assert "<p>Ja 4, Nein 0, Enthaltung 1 (nach Fraktionen)</p>" in html
    assert "<tr><th scope=\"row\">SPD-Fraktion</th><td>1</td><td>0</td><td>0</td></tr>" in html
    assert "<tr><th scope=\"row\">Fraktion Bündnis 90/Die Grünen</th><td>0</td><td>0</td><td>1</td></tr>" in html
    assert "<tr><th scope=\"row\">fraktionslos</th><td>3</td><td>0</td><td>0</td></tr>" in html
    assert "<tr><th scope=\"row\">Summe</th><td>4</td><td>0</td><td>1</td></tr>" in html
    assert "<h2>Wahlen</h2> <ul><li>Schriftführerin: Petra Neumann (einstimmig)</li></ul>" in html
    # the Drucksache's TOP: the Beschluss is its Beschlussvorschlag, the minutes' discussion is not shown
    ds = flat_text(site, f"sitzungen/{SLUG}/top-oe-3.html")
    assert '<dt>Drucksache</dt><dd><a href="../../drucksachen/lueneburg/vo-8321-19.html">VO/8321/19</a>' in ds
    assert "Herr Hampe stellt das Konzept vor" not in ds


def test_top_pages_are_linked_from_the_sitzung_and_the_drucksache(site: Path) -> None:
    sitzung = flat_text(site, f"sitzungen/{SLUG}.html")
    assert f'<th scope="row"><a href="../sitzungen/{SLUG}/top-oe-2.html">Ö 2</a></th>' in sitzung
    drucksache = flat_text(site, "drucksachen/lueneburg/vo-8321-19.html")
    assert f'<a href="../../sitzungen/{SLUG}/top-oe-3.html">TOP Ö 3</a>' in drucksache


def test_a_draft_niederschrift_gives_no_beschluss_text(tmp_path: Path) -> None:
    root = with_fraktionen(tmp_path / "projekt")
    minutes = root / f"sitzungen/{SLUG}.niederschrift.yaml"
    text = minutes.read_text(encoding="utf-8").replace("stand: genehmigt\ngenehmigt_am: 2019-05-16\n"
                                                       "genehmigt_in: SGA/2019/03\n", "stand: Entwurf\n")
    minutes.write_text(text, encoding="utf-8")
    build(root, tmp_path / "build")
    html = flat_text(tmp_path / "build/oeffentlich/site", f"sitzungen/{SLUG}/top-oe-2.html")
    assert "<dt>Ergebnis</dt><dd>geändert beschlossen</dd>" in html  # the result, as the Sitzung page shows it
    assert "mit der Änderung genehmigt" not in html and "Herr Schmitt" not in html
