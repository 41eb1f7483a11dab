"""The static Bürgerinfo website of the demo project: pages of every kind, lists without JavaScript,
feeds and calendars, search index, escaping and Schwärzung, incremental and reproducible output."""

from __future__ import annotations

import gzip
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
import pytest

from site_support import broken_links, build, copy_demo, site_files

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC_DS = {"wandsbek/19-0167", "wandsbek/19-0171", "wandsbek/19-0178", "segeberg/drs-2011-054",
             "rostock/2017-an-2460-01", "saarbruecken/0329-2018", "lueneburg/vo-8321-19"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("site")
    root = copy_demo(base / "projekt")
    build(root, base / "build")
    return root, base / "build" / "oeffentlich" / "site"


def text(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_every_public_drucksache_has_a_page_and_no_other(demo: tuple[Path, Path]) -> None:
    _, site = demo
    pages = {p.relative_to(site / "drucksachen").as_posix().removesuffix(".html")
             for p in (site / "drucksachen").glob("*/*.html") if p.parent.name not in ("jahr", "art")}
    assert pages == PUBLIC_DS
    assert not list(site.rglob("*0175*"))  # 19/0175 is nichtöffentlich


def test_drucksache_page_shows_its_parts(demo: tuple[Path, Path]) -> None:
    _, site = demo
    html = text(site, "drucksachen/wandsbek/19-0171.html")
    assert '<html lang="de">' in html and 'class="skip" href="#inhalt"' in html
    # Betreff and number weigh most in the search (a match there ranks first)
    assert ("<h1 data-pagefind-meta=\"title\" data-pagefind-weight=\"10\">Neugestaltung des Spielplatzes Rahlstedter "
            "Höhe</h1>") in html
    assert "<dt>Drucksachen-Nr.</dt>\n<dd data-pagefind-weight=\"10\" data-pagefind-meta=\"nummer\">19/0171</dd>" in html
    assert '<a href="../../sitzungen/wandsbek-jha-2011-05-11.html">11.05.2011</a>' in html  # Beratungsfolge
    assert "<h2>Sachverhalt</h2>" in html and "<p>Der Spielplatz Rahlstedter Höhe ist über dreißig Jahre alt." in html
    assert '<a href="../../dokumente/wandsbek/19-0171.pdf">Drucksache 19/0171 (PDF)</a>' in html
    assert '<a href="../../dokumente/wandsbek/19-0171/anlage-1.png">Anlage 1: Lageplan' in html
    assert "Kostenschätzung (Angebotspreise" not in html  # its non-public Anlage
    assert not (site / "dokumente/wandsbek/19-0171/anlage-2.pdf").exists()
    stellungnahme = text(site, "drucksachen/rostock/2017-an-2460-01.html")  # its Bezug is in the public Altbestand
    assert "<dt>Bezug</dt>\n  <dd>2017/AN/2460 – Fachkonzept Sozialraumorientierung</dd>" in stellungnahme


def test_sitzung_page_has_public_agenda_with_links_and_results(demo: tuple[Path, Path]) -> None:
    _, site = demo
    html = text(site, "sitzungen/wandsbek-jha-2011-05-11.html")
    assert '<a href="../drucksachen/wandsbek/19-0171.html">Neugestaltung des Spielplatzes' in html
    assert ('<th scope="row"><a href="../sitzungen/wandsbek-jha-2011-05-11/top-12-7.html">12.7</a></th>' in html
            and "ungeändert beschlossen" in html)
    assert "Bekanntmachung" in html
    assert "19/0175" not in html and "Verschiedenes (nichtöffentlich)" not in html


def test_sitzung_page_shows_result_and_vote_of_each_public_top(demo: tuple[Path, Path]) -> None:
    _, site = demo
    html = text(site, "sitzungen/wandsbek-jha-2011-05-11.html")
    rows = {m.group(1): m.group(2).rstrip() for m in re.finditer(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>(.*?)</tr>',
                                                        html, re.S)}
    assert list(rows) == ["Ö 1", "Ö 2", "Ö 3", "Ö 4", "12", "12.7", "Ö 13"]
    assert rows["Ö 2"].endswith("<td data-label=\"Ergebnis\">ungeändert beschlossen<br><span class=\"info\">Abstimmung: Ja 4, Nein 0, "
                                "Enthaltung 1</span></td>")  # no Drucksache: the result is the Niederschrift's
    assert "geändert beschlossen<br><span class=\"info\">Abstimmung: Ja 4, Nein 1, Enthaltung 1" in rows["Ö 3"]
    assert "Abstimmung: einstimmig" in rows["12.7"]
    assert rows["Ö 1"].endswith('<td data-label="Ergebnis">–</td>')
    assert rows["Ö 4"].endswith('<td data-label="Ergebnis">zur Kenntnis genommen</td>')
    assert html.count("Abstimmung:") == 3  # N 1's result stays in the non-public part
    assert '<a href="../dokumente/sitzungen/wandsbek-jha-2011-05-11/Niederschrift.pdf">Niederschrift</a>' in html


def test_lists_calendar_gremien_and_statement_exist(demo: tuple[Path, Path]) -> None:
    _, site = demo
    for rel in ("index.html", "kalender/index.html", "kalender/2011-05.html", "kalender/2019-04.html",
                "gremien/index.html", "gremien/wandsbek-jha.html", "drucksachen/index.html",
                "drucksachen/jahr/2011.html", "drucksachen/art/beschlussvorlage.html", "suche.html",
                "barrierefreiheit.html", "feeds/index.html"):
        assert (site / rel).is_file(), rel
    lists = text(site, "drucksachen/jahr/2011.html")
    assert "<script" not in lists and lists.count("<tr><td><a href=") == 4  # 19/0167, 0171, 0178, DrS/2011/054
    gremium = text(site, "gremien/wandsbek-jha.html")
    assert ('<td><a href="../personen/wandsbek-vorsitz-jha.html">Brigitte Beispiel</a></td><td data-label="Rolle">Vorsitz</td>'
            in gremium
            and "../sitzungen/wandsbek-jha-2011-05-11.html" in gremium)
    start = text(site, "index.html")
    assert "../" not in start and 'href="sitzungen/lueneburg-sga-2019-04-04.html"' in start  # next Sitzung
    assert "Erklärung zur Barrierefreiheit" in text(site, "barrierefreiheit.html")


def test_every_internal_link_resolves(demo: tuple[Path, Path]) -> None:
    _, site = demo
    assert broken_links(site) == []


def test_feeds_and_calendars(demo: tuple[Path, Path]) -> None:
    _, site = demo
    feed = ET.fromstring((site / "feeds/drucksachen.atom").read_bytes())
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(PUBLIC_DS)
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == "VO/8321/19: Weiterentwicklung der stadtteilorientierten sozialen Arbeit"
    assert first.find(f"{ATOM}link").get("href") == "https://ratsinfo.example.org/drucksachen/lueneburg/vo-8321-19.html"
    sitzungen = ET.fromstring((site / "feeds/gremium-wandsbek-jha.atom").read_bytes())
    titles = [e.findtext(f"{ATOM}title") for e in sitzungen.findall(f"{ATOM}entry")]
    assert "Jugendhilfeausschuss am 11.05.2011" in titles
    cal = icalendar.Calendar.from_ical((site / "kalender/sitzungen.ics").read_bytes())
    events = cal.walk("VEVENT")
    assert sorted(str(e["summary"]) for e in events) == ["Jugendhilfeausschuss am 11.05.2011",
                                                         "Sozial- und Gesundheitsausschuss am 04.04.2019"]
    jha = icalendar.Calendar.from_ical((site / "kalender/wandsbek-jha.ics").read_bytes()).walk("VEVENT")
    assert len(jha) == 1 and jha[0]["dtstart"].dt.isoformat() == "2011-05-11T17:30:00+02:00"


def test_search_index_by_year_german_with_filters(demo: tuple[Path, Path]) -> None:
    _, site = demo
    years = sorted(p.name for p in (site / "pagefind").iterdir())
    assert years == ["2011", "2017", "2018", "2019"]
    counts = {y: json.loads(text(site, f"pagefind/{y}/pagefind-entry.json"))["languages"]["de"]["page_count"]
              for y in years}
    assert counts == {"2011": 5, "2017": 1, "2018": 1, "2019": 2}  # Drucksachen and Sitzungen of each year
    assert 'data-teile="2019 2018 2017 2011"' in text(site, "suche.html")
    filters = b"".join(gzip.decompress(p.read_bytes()) for p in (site / "pagefind").glob("*/filter/*"))
    for word in (b"Gremium", b"Jugendhilfeausschuss", b"Art", b"Beschlussvorlage", b"Jahr", b"2011"):
        assert word in filters


def test_search_index_keeps_words_of_neighbouring_cells_apart(demo: tuple[Path, Path]) -> None:
    """Pagefind joins the text of neighbouring elements: "<dt>Art</dt><dd>Antrag</dd>" must not become
    the one word "ArtAntrag", or neither word is found by that page's search."""
    _, site = demo
    words: set[str] = set()
    for fragment in (site / "pagefind").glob("*/fragment/*"):
        data = gzip.decompress(fragment.read_bytes())
        words.update(re.findall(r"\w+", json.loads(data[data.index(b"{"):])["content"]))
    for label, value in (("Art", "Beschlussvorlage"), ("Ort", "Rathaus"), ("Federführend", "Amt")):
        assert label in words and value in words
        assert label + value not in words
    joined = sorted(w for w in words if re.search(r"[a-zäöüß][A-ZÄÖÜ][a-zäöüß]", w))
    assert joined == [], joined
    html = text(site, "drucksachen/wandsbek/19-0171.html")
    assert "<dt>Drucksachen-Nr.</dt>\n<dd" in html


def test_results_on_the_site_are_in_the_koerperschafts_words(tmp_path: Path) -> None:
    """The site words a vote as the Niederschrift does: with the Körperschaft's profile and layout
    words, not the packaged defaults (on the Sitzung's page and on the TOP's own page)."""
    root = copy_demo(tmp_path / "projekt")
    data = root / "data/koerperschaften.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace(
        "      antwort: Antwort des Bezirksamtes\n",
        "      antwort: Antwort des Bezirksamtes\n      einstimmig: ohne Gegenstimme\n", 1), encoding="utf-8")
    build(root, tmp_path / "build")
    site = tmp_path / "build/oeffentlich/site"
    sitzung = text(site, "sitzungen/wandsbek-jha-2011-05-11.html")
    assert "Abstimmung: ohne Gegenstimme" in sitzung and "Abstimmung: einstimmig" not in sitzung
    top = next(p for p in (site / "sitzungen/wandsbek-jha-2011-05-11").glob("top-12*7*.html"))
    assert "ohne Gegenstimme" in top.read_text(encoding="utf-8")
    assert "einstimmig" not in top.read_text(encoding="utf-8")


def test_text_is_data_and_schwaerzung_is_never_shown(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "projekt")
    record = root / "vorlagen/wandsbek/19-0171.yaml"
    source = record.read_text(encoding="utf-8").replace(
        "Sicherheitsgründen gesperrt werden.",
        "Sicherheitsgründen gesperrt werden. <script>alert(1)</script> {{ 7*7 }} "
        "[Erika Musterfrau]{.geschwaerzt} [Link](http://example.org/<b>)")
    record.write_text(source, encoding="utf-8")
    build(root, tmp_path / "build")
    site = tmp_path / "build/oeffentlich/site"
    html = text(site, "drucksachen/wandsbek/19-0171.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in html and "<script>alert" not in html
    assert '<span class="geschwaerzt" data-pagefind-ignore="all">[geschwärzt]</span>' in html
    assert "<b>" not in html  # a link's address is escaped too (javascript: links are refused at validate)
    everything = b"".join(site_files(site).values())
    assert b"Musterfrau" not in everything
    fragments = b"".join(gzip.decompress(p.read_bytes()) for p in (site / "pagefind").glob("*/fragment/*"))
    assert "geschwärzt".encode() not in fragments  # the placeholder is not indexed either


def test_rebuild_is_reproducible_and_incremental(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "projekt")
    build(root, tmp_path / "a")
    build(root, tmp_path / "b")
    site_a, site_b = tmp_path / "a/oeffentlich/site", tmp_path / "b/oeffentlich/site"
    files_a, files_b = site_files(site_a), site_files(site_b)
    assert files_a == files_b  # every file, Pagefind's filter lists and the names that hash them too
    again = build(root, tmp_path / "a")
    assert again.written == [] and again.removed == []
    record = root / "vorlagen/segeberg/DrS-2011-054.yaml"
    before = json.loads(text(site_a, "oparl/body/segeberg/paper/drs-2011-054.json"))["modified"]
    copied = record.stat().st_mtime
    record.write_text(record.read_text(encoding="utf-8").replace("sachverhalt: |", "sachverhalt: |\n  Neu: Vorwort.\n",
                                                                 1), encoding="utf-8")
    os.utime(record, (copied + 10, copied + 10))  # the edit is seconds later than the copy, however fast this runs
    changed = build(root, tmp_path / "a")
    pages = [w for w in changed.written if not w.startswith(("pagefind/", "oparl/"))]
    # the record changed, so its feed entries and OParl objects say so (no git here: its file's time)
    assert pages == ["drucksachen/segeberg/drs-2011-054.html", "feeds/drucksachen.atom", "feeds/gremium-segeberg-jha.atom"]
    assert [w for w in changed.written if w.startswith("oparl/")] == [
        "oparl/body/segeberg/consultation/drs-2011-054-1.json", "oparl/body/segeberg/consultations.json",
        "oparl/body/segeberg/file/drs-2011-054-anlage-1.json", "oparl/body/segeberg/file/drs-2011-054-pdf.json",
        "oparl/body/segeberg/files.json", "oparl/body/segeberg/paper/drs-2011-054.json",
        "oparl/body/segeberg/papers.json"]
    paper = json.loads(text(site_a, "oparl/body/segeberg/paper/drs-2011-054.json"))
    assert paper["modified"] > before  # modified moved with the edit
    assert any(w.startswith("pagefind/2011/fragment/") for w in changed.written)  # its year is re-indexed …
    assert not any(w.startswith(("pagefind/2017/", "pagefind/2018/", "pagefind/2019/")) for w in changed.written)
    gremien = root / "data/gremien.yaml"  # a name every page of its Drucksachen shows
    gremien.write_text(gremien.read_text(encoding="utf-8").replace(
        "name: Jugendhilfeausschuss\n  koerperschaft: segeberg", "name: JHA Segeberg\n  koerperschaft: segeberg"),
        encoding="utf-8")
    renamed = build(root, tmp_path / "a")
    assert "drucksachen/segeberg/drs-2011-054.html" in renamed.written
    assert "JHA Segeberg" in (site_a / "drucksachen/segeberg/drs-2011-054.html").read_text(encoding="utf-8")
    assert "drucksachen/wandsbek/19-0171.html" not in renamed.written
    organization = json.loads(text(site_a, "oparl/body/segeberg/organization/segeberg-jha.json"))
    assert organization["name"] == "JHA Segeberg"  # the export, left alone for a Sachverhalt, follows this
    record.write_text(record.read_text(encoding="utf-8").replace("betreff: ", "betreff: Neu – ", 1), encoding="utf-8")
    retitled = build(root, tmp_path / "a")
    assert "oparl/body/segeberg/paper/drs-2011-054.json" in retitled.written
    assert json.loads(text(site_a, "oparl/body/segeberg/paper/drs-2011-054.json"))["name"].startswith("Neu – ")
    assert site_files(site_a) == site_files(_clean(root, tmp_path / "c"))  # as a build from scratch makes it


def _clean(root: Path, out: Path) -> Path:
    build(root, out)
    return out / "oeffentlich/site"


def test_withdrawn_drucksache_leaves_no_page_behind(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "projekt")
    build(root, tmp_path / "build")
    record = root / "vorlagen/saarbruecken/0329-2018.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("status: öffentlich", "status: nichtöffentlich"),
                      encoding="utf-8")
    result = build(root, tmp_path / "build")
    site = tmp_path / "build/oeffentlich/site"
    assert "drucksachen/saarbruecken/0329-2018.html" in result.removed
    assert not (site / "dokumente/saarbruecken").exists()
    tomb = json.loads(text(site, "oparl/body/saarbruecken/paper/0329-2018.json"))
    assert tomb["deleted"] is True and set(tomb) == {"id", "type", "created", "modified", "deleted"}
    assert b"Verfahrensregelungen" not in b"".join(site_files(site).values())


def test_cli_site_and_serve_without_site(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from vorlagengen.cli import cli

    root = copy_demo(tmp_path / "projekt")
    runner = CliRunner()
    missing = runner.invoke(cli, ["--projekt", str(root), "serve"])
    assert missing.exit_code == 1 and "keine Website gefunden" in missing.output
    done = runner.invoke(cli, ["--projekt", str(root), "site", "--basis-url", "https://ratsinfo.example.org/rat"])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("Website: ") and "Seiten" in done.output
    site = root / "build/oeffentlich/site"
    system = json.loads((site / "oparl/system.json").read_text(encoding="utf-8"))
    assert system["id"] == "https://ratsinfo.example.org/rat/oparl/system.json"
    bad = runner.invoke(cli, ["--projekt", str(root), "site", "--basis-url", "ratsinfo.example.org"])
    assert bad.exit_code == 1 and "muss mit http:// oder https:// beginnen" in bad.output


def test_website_settings_are_checked(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from vorlagengen.cli import cli

    root = copy_demo(tmp_path / "projekt")
    (root / "data/website.yaml").write_text("titel: Ratsinfo\nfarbe: blau\nfarbn: x\n", encoding="utf-8")
    done = CliRunner().invoke(cli, ["--projekt", str(root), "site"])
    assert done.exit_code == 1
    assert "data/website.yaml:2:1: farbe:" in done.output and "data/website.yaml:3:1: farbn:" in done.output
    assert not (root / "build/oeffentlich/site").exists()


def test_public_beschlusskontrolle_is_linked_from_the_start_page(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "projekt")
    kontrolle = tmp_path / "build/oeffentlich/beschluesse/wandsbek"
    kontrolle.mkdir(parents=True)
    (kontrolle / "Beschlusskontrolle.csv").write_text("Drucksache;Stand\n19/0167;erledigt\n", encoding="utf-8")
    fake = tmp_path / "build/oeffentlich/vorlagen/wandsbek"
    fake.mkdir(parents=True)  # the other documents are not needed here
    build(root, tmp_path / "build")
    site = tmp_path / "build/oeffentlich/site"
    start = text(site, "index.html")
    assert '<a href="dokumente/beschluesse/wandsbek/Beschlusskontrolle.csv">Beschlusskontrolle Bezirksversammlung' in start
    assert (site / "dokumente/beschluesse/wandsbek/Beschlusskontrolle.csv").read_bytes() == (
        kontrolle / "Beschlusskontrolle.csv").read_bytes()
    assert broken_links(site) == []


def test_impressum_and_datenschutz_come_from_website_yaml(demo: tuple[Path, Path], tmp_path: Path) -> None:
    _, site = demo
    assert not (site / "impressum.html").exists() and "impressum.html" not in text(site, "index.html")
    root = copy_demo(tmp_path / "projekt")
    build(root, tmp_path / "out", impressum="**Anbieter:** Stadt Muster\n\n# Kontakt\n\npost@example.org",
          datenschutz="Keine Cookies.")
    out = tmp_path / "out/oeffentlich/site"
    impressum = text(out, "impressum.html")
    assert "<strong>Anbieter:</strong> Stadt Muster" in impressum and "<h2>Kontakt</h2>" in impressum
    assert "<p>Keine Cookies.</p>" in text(out, "datenschutz.html")
    assert '<a href="../../impressum.html">Impressum</a>' in text(out, "drucksachen/wandsbek/19-0171.html")
    assert '<a href="datenschutz.html">Datenschutz</a>' in text(out, "index.html")


def test_a_long_gremium_history_gets_one_page_per_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import vorlagengen.site.pages as pages
    from benchmarks.bench_site import generate_site_project

    monkeypatch.setattr(pages, "GREMIUM_PAGE_LIMIT", 10)
    root = tmp_path / "projekt"
    generate_site_project(root, 120, 12)  # Drucksachen over several years
    build(root, tmp_path / "out")
    site = tmp_path / "out/oeffentlich/site"
    years = sorted(p.name for p in (site / "gremien").glob("*-20[0-9][0-9].html"))
    assert years, "no Gremium with more than one year split"
    first = years[0]
    gremium = first.rsplit("-", 1)[0]
    main = text(site, f"gremien/{gremium}.html")
    assert f'<a href="../gremien/{first}">{first.rsplit("-", 1)[1][:4]}</a>' in main and 'aria-current="page"' in main
    older = text(site, f"gremien/{first}")
    assert f'<a href="../gremien/{gremium}.html">' in older  # back to the newest year
    assert main.count('<tr><th scope="row">') + main.count("<tr><td>") < 150  # no longer everything on one page
    assert broken_links(site) == []


def test_pages_are_made_again_when_the_site_code_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new vorlagengen that draws pages otherwise must not leave the old pages standing: the site's
    code belongs to every page's inputs (as a template override does)."""
    from vorlagengen.site import pages

    root = copy_demo(tmp_path / "projekt")
    build(root, tmp_path / "b")
    assert build(root, tmp_path / "b").written == []
    monkeypatch.setattr(pages, "_code", lambda: "eine neue Fassung")
    monkeypatch.setattr(pages, "separate_blocks", lambda html: html.replace("<main", "<main data-neu"))
    again = build(root, tmp_path / "b")
    assert "drucksachen/wandsbek/19-0171.html" in again.written and "index.html" in again.written
    assert "data-neu" in text(tmp_path / "b/oeffentlich/site", "drucksachen/wandsbek/19-0171.html")
