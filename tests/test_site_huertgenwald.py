"""The website of an imported project (the real Hürtgenwald dump): search ranks a Betreff or number match
first, the pages of Personen, Fraktionen and TOPs hold (spring 2018), and axe finds nothing on them.

The search runs on winter 2020/21, whose index has several parts (2020-11, 2020-12, 2021-01, 2021-03)
and a query word missing from some: there Pagefind matches the longest word start it knows (for
„Mobilität“ just „m“), and without the search page's own ranking such a guess came first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, sync_playwright

from conftest import programm
from oparl_import_support import HUERTGENWALD
from site_support import broken_links, build, serving
from test_site_browser import ARGS, axe_violations
from vorlagengen.cli import cli

pytestmark = pytest.mark.braucht("chromium")


def imported(base: Path, seit: str, bis: str) -> Path:
    root = base / "projekt"
    result = CliRunner().invoke(cli, ["-q", "import", "oparl", str(HUERTGENWALD), "-C", str(root), "--seit", seit,
                                      "--bis", bis])
    assert result.exit_code == 0, result.output
    build(root, base / "build")
    return base / "build" / "oeffentlich" / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return imported(tmp_path_factory.mktemp("huertgenwald-site"), "2018-04-01", "2018-07-31")


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    with serving(site) as url:
        yield url


@pytest.fixture(scope="module")
def searched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Winter 2020/21: four index parts, the query words missing from some."""
    site = imported(tmp_path_factory.mktemp("huertgenwald-suche"), "2020-10-01", "2021-03-31")
    assert sorted(p.name for p in (site / "pagefind").iterdir()) == ["2020-11", "2020-12", "2021-01", "2021-03"]
    with serving(site) as url:
        yield url


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with sync_playwright() as p:
        browser: Browser = p.chromium.launch(executable_path=programm("chromium"), args=ARGS)
        tab = browser.new_page(locale="de-DE")
        yield tab
        browser.close()


def _hits(page: Page, served: str, query: str) -> list[tuple[str, str]]:
    page.goto(served + "suche.html")
    page.fill(".pagefind-ui__search-input", query)
    page.wait_for_selector(".pagefind-ui__result-link", timeout=20000)
    return [tuple(x) for x in page.eval_on_selector_all(  # type: ignore[misc]
        ".pagefind-ui__result-link", "els => els.map(e => [e.getAttribute('href'), e.textContent])")]


def page_text(page: Page, served: str, href: str) -> str:
    return str(page.evaluate("async url => (await (await fetch(url)).text())", served.rstrip("/") + href))


@pytest.mark.parametrize(("query", "nummer"), [("Mobilität", "10-2021"), ("Mitgliedschaftsrechten", "114-2020"),
                                               ("Vergabestelle", "1-2021")])
def test_a_betreff_match_ranks_first(page: Page, searched: str, query: str, nummer: str) -> None:
    hits = _hits(page, searched, query)
    assert hits[0][0].endswith(f"/drucksachen/huertgenwald/{nummer}.html"), hits
    stem = query.lower()[:len(query) - 3]  # German forms share the start: no hit is Pagefind's guess
    assert all(stem in (title + page_text(page, searched, href)).lower() for href, title in hits), hits


def test_a_number_match_ranks_first(page: Page, searched: str) -> None:
    hits = _hits(page, searched, "10/2021")
    assert hits[0][0].endswith("/drucksachen/huertgenwald/10-2021.html"), hits


def test_pages_of_members_fraktionen_and_tops(site: Path, page: Page, served: str) -> None:
    people = sorted(p.relative_to(site).as_posix() for p in (site / "personen").glob("*.html"))
    fraktionen = [p.relative_to(site).as_posix() for p in sorted((site / "gremien").glob("*.html"))
                  if '<p class="art">Fraktion ·' in p.read_text(encoding="utf-8")]
    tops = sorted(p.relative_to(site).as_posix() for p in (site / "sitzungen").glob("*/top-*.html"))
    assert len(people) > 20 and fraktionen and len(tops) > 50, (len(people), fraktionen, len(tops))
    assert broken_links(site) == []
    for url in ("personen/index.html", people[0], fraktionen[0], tops[0]):
        page.goto(served + url)
        assert axe_violations(page) == [], url


def test_imported_top_pages_show_the_vote_once_and_link_the_beschluss(site: Path) -> None:
    voted = [p for p in sorted((site / "sitzungen").glob("*/top-*.html"))
             if "<h2>Abstimmung</h2>" in p.read_text(encoding="utf-8")]
    assert voted
    for path in voted:
        html = path.read_text(encoding="utf-8")
        vote = html.split("<h2>Abstimmung</h2>", 1)[1].split("<p>", 1)[1].split("</p>", 1)[0]
        assert html.count(vote) == 1, path  # not again as „Im Wortlaut“
    linked = [p for p in (site / "sitzungen").glob("*/top-*.html") if ">Beschluss: " in p.read_text(encoding="utf-8")]
    assert linked and all('href="https://sdnetrim.kdvz-frechen.de/' in p.read_text(encoding="utf-8") for p in linked)
