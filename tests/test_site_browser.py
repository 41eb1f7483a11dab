"""The website in a real browser: Debian's chromium driven by Playwright (no browser download), one
browser for all pages. axe-core (vendored, tests/vendor/) finds no WCAG 2.1 A/AA violation on any
page type; the search finds a known Drucksache; the skip link is the first stop and visibly focused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from conftest import programm
from site_support import build, serving, with_fraktionen

pytestmark = pytest.mark.braucht("chromium")  # Debian's chromium; skipped without it, except under CI=true
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PAGE_TYPES = {
    "Startseite": "index.html",
    "Drucksache": "drucksachen/wandsbek/19-0171.html",
    "Drucksache mit Fragen": "drucksachen/rostock/2017-an-2460-01.html",
    "Sitzung": "sitzungen/wandsbek-jha-2011-05-11.html",
    "Gremium": "gremien/wandsbek-jha.html",
    "Gremien": "gremien/index.html",
    "Fraktion": "gremien/lueneburg-spd.html",
    "Person": "personen/lueneburg-sga-schmidt.html",
    "Personen": "personen/index.html",
    "TOP": "sitzungen/lueneburg-sga-2019-04-04/top-oe-2.html",
    "Sitzungskalender": "kalender/index.html",
    "Monat": "kalender/2011-05.html",
    "Listen": "drucksachen/index.html",
    "Liste nach Jahr": "drucksachen/jahr/2011.html",
    "Liste nach Art": "drucksachen/art/beschlussvorlage.html",
    "Suche": "suche.html?q=Spielplatz",
    "Barrierefreiheit": "barrierefreiheit.html",
    "Impressum": "impressum.html",
    "Datenschutz": "datenschutz.html",
    "Feeds": "feeds/index.html",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("browser")
    root = with_fraktionen(base / "projekt")
    (root / "wappen.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 12">'
                                     '<path d="M0 0h10v7l-5 5-5-5z" fill="#b00"/></svg>', encoding="utf-8")
    kontrolle = base / "build/oeffentlich/beschluesse/wandsbek"
    kontrolle.mkdir(parents=True)
    (kontrolle / "Beschlusskontrolle.csv").write_text("Drucksache;Stand\n", encoding="utf-8")
    build(root, base / "build", wappen="wappen.svg", wappen_text="Wappen der Teststadt",
          impressum="**Anbieter:** Teststadt\n\n## Kontakt\n\nsitzungsdienst@example.org",
          datenschutz="Keine Cookies.\n\n## Verantwortlich\n\nTeststadt")
    with serving(base / "build" / "oeffentlich" / "site") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=programm("chromium"), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    tab = browser.new_page(locale="de-DE")
    yield tab
    tab.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    # page.evaluate waits without a limit: an axe run that never settles fails the test, not the CI run
    result = page.evaluate("""tags => Promise.race([
        axe.run(document, {runOnly: {type: 'tag', values: tags}}),
        new Promise((_, fail) => setTimeout(() => fail(new Error('axe: nach 120 s kein Ergebnis')), 120000))])""", WCAG)
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_no_axe_violations(served: str, page: Page, name: str) -> None:
    page.goto(served + PAGE_TYPES[name])
    if name == "Suche":
        page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    assert page.evaluate("document.documentElement.lang") == "de"
    assert axe_violations(page) == []


def test_the_result_column_is_on_screen_at_390_px(served: str, browser: Browser) -> None:
    phone = browser.new_page(locale="de-DE", viewport={"width": 390, "height": 844})
    try:
        phone.goto(served + "sitzungen/wandsbek-jha-2011-05-11.html")
        cells = phone.eval_on_selector_all("td[data-label=Ergebnis]", "els => els.map(e => {"
                                           "const r = e.getBoundingClientRect(); return [r.left, r.right, e.innerText]})")
        assert cells and all(left >= 0 and right <= 390 for left, right, _ in cells)
        assert any(text.startswith("Ergebnis:") or "beschlossen" in text for _, _, text in cells)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing widens the page
    finally:
        phone.close()


def test_search_finds_a_known_drucksache(served: str, page: Page) -> None:
    page.goto(served + "suche.html")
    page.fill(".pagefind-ui__search-input", "Spielplätze")  # German stemming: Spielplatz, Spielplatzes
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.getAttribute('href'))")
    assert "/drucksachen/wandsbek/19-0171.html" in links
    page.click("text=Gremium")
    assert page.locator(".pagefind-ui__filter-label", has_text="Jugendhilfeausschuss").count() == 1


def test_skip_link_first_and_visibly_focused(served: str, page: Page) -> None:
    page.goto(served + "drucksachen/wandsbek/19-0171.html")
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
        const r = e.getBoundingClientRect();
        return {text: e.textContent, outline: s.outlineStyle, width: s.outlineWidth, left: r.left}; }""")
    assert focused["text"] == "Zum Inhalt springen" and focused["outline"] == "solid" and focused["left"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhalt"


def test_search_ranks_by_what_matched(served: str, page: Page) -> None:
    """The search page's own order (assets/suche/pagefind.js): 0 the query as a whole in Betreff or
    number, 1 every word there, 2 every word in the text, 3 a related word form, 4 Pagefind's guess."""
    page.goto(served + "suche.html")
    ranks = page.evaluate("""async () => {
        const m = await import(new URL("assets/suche/pagefind.js", location.href).href);
        const r = (q, title, nummer, content) => m.rank(m.words(q), {meta: {title, nummer}, content});
        return [r("48/2018", "Mehrzweckhalle Gey", "48/2018", ""), r("mehrzweckhalle GEY", "Mehrzweckhalle Gey; hier", "", ""),
                r("Straße", "Strasse Nord", "", ""), r("Gey Mehrzweckhalle", "Mehrzweckhalle Gey", "", ""),
                r("Gebäude", "Sanierung", "1/2018", "Die Gebaudeteile"), r("Spielplätze", "Spielplatz Nord", "", ""),
                r("Mehrzweckhalle", "Bestellung i. V. m. § 58", "163/2020", "Mitglieder"),
                r("48/2018", "Haushalt", "148/2018", "Seite 2018")];
    }""")
    assert ranks == [0, 0, 0, 1, 2, 3, 4, 4]
