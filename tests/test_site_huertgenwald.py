"""The website of an imported project (the real Hürtgenwald dump, spring 2018): search ranks a Betreff or
number match first, the pages of Personen, Fraktionen and TOPs hold, and axe finds nothing on them."""

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


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("huertgenwald-site")
    root = base / "projekt"
    result = CliRunner().invoke(cli, ["-q", "import", "oparl", str(HUERTGENWALD), "-C", str(root), "--seit", "2018-04-01",
                                      "--bis", "2018-07-31"])
    assert result.exit_code == 0, result.output
    build(root, base / "build")
    return base / "build" / "oeffentlich" / "site"


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
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


def test_a_betreff_match_ranks_first(page: Page, served: str) -> None:
    hits = _hits(page, served, "Mehrzweckhalle")
    titled = [i for i, (_, title) in enumerate(hits) if "Mehrzweckhalle" in title]
    assert len(titled) == 2, hits  # 48/2018 and its Ergänzung
    assert titled == [0, 1], hits  # before every page that only mentions the word


def test_a_number_match_ranks_first(page: Page, served: str) -> None:
    hits = _hits(page, served, "48/2018")
    assert hits[0][0].endswith("/drucksachen/huertgenwald/48-2018.html"), hits


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
