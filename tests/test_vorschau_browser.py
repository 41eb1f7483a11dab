"""The preview in a real browser (Debian's chromium driven by Playwright, as the website's browser
test does): the page follows the file as it is saved, shows located errors above the dimmed last good
pages, returns when they are fixed, shows the public face with the Schwärzung as a bar, and has no
axe violation. Also a Sitzung and a Niederschrift, two tabs, a renamed file and a broken layout."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from test_site_browser import axe_violations, browser  # noqa: F401 - its browser fixture
from vorlagengen.vorschau.start import Started
from vorschau_support import NAME, RECORD, base_url, demo_project, fetch, preview

WAIT_MS = 30_000  # generous on a loaded machine; this is no timing test
FIRST_PAGE = ".dokument:first-of-type .seite:first-of-type .seitentext"
expect.set_options(timeout=WAIT_MS)
pytestmark = pytest.mark.braucht("chromium")  # skipped without it, except under CI=true


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_project(tmp_path_factory.mktemp("vorschau") / "projekt")


@pytest.fixture(scope="module")
def running(project: Path) -> Iterator[Started]:
    with preview(project) as run:
        yield run


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:  # noqa: F811 - the fixture imported above
    context = browser.new_context(locale="de-DE", bypass_csp=True)  # axe is injected inline
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    yield tab
    context.close()


def save(path: Path, text: str) -> None:
    """As an editor with atomic saves writes: a temporary file beside it, then a rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def first_image_loaded(page: Page) -> bool:
    return bool(page.evaluate("() => { const i = document.querySelector('.seite img');"
                              " return !!i && i.complete && i.naturalWidth > 0; }"))


def test_follows_the_file_errors_in_place_and_both_faces(running: Started, project: Path, page: Page) -> None:
    record = project / RECORD
    good = record.read_text(encoding="utf-8")
    page.goto(base_url(running) + "ansicht/" + RECORD)
    expect(page.locator(FIRST_PAGE)).to_contain_text("Sozialräumliche Hilfen")
    expect(page.locator(FIRST_PAGE)).to_contain_text(NAME)  # the internal face shows the redacted name
    assert page.evaluate("document.documentElement.lang") == "de"
    assert axe_violations(page) == []
    old_src = page.locator(".seite img").first.get_attribute("src")

    changed = good.replace("betreff: Sozialräumliche Hilfen", "betreff: Spielplatz am Lindenweg und Hilfen")
    save(record, changed)
    expect(page.locator(FIRST_PAGE)).to_contain_text("Spielplatz am Lindenweg und Hilfen")
    assert page.locator(".seite img").first.get_attribute("src") != old_src
    page.wait_for_function("() => { const i = document.querySelector('.seite img');"
                           " return i.complete && i.naturalWidth > 0; }")

    # an unknown field: the located message, the last good pages dimmed beneath
    save(record, changed.replace("betreff:", "betref:"))
    error = page.locator(".fehler")
    expect(error).to_contain_text("betref: unbekanntes Feld „betref“ – meinten Sie „betreff“?")
    assert re.search(r"19-0167\.yaml:\d+:\d+: betref: ", error.inner_text())
    expect(page.locator(".dokumente.veraltet")).to_have_count(1)
    expect(page.locator(FIRST_PAGE)).to_contain_text("Spielplatz am Lindenweg und Hilfen")
    assert first_image_loaded(page)
    assert axe_violations(page) == []

    # saved half: a YAML syntax error mid-edit, told at its place
    save(record, changed.replace("betreff: Spielplatz", "betreff: [Spielplatz"))
    expect(error).to_contain_text("wird nicht mit „]“ geschlossen")
    assert re.search(r"19-0167\.yaml:8:\d+: ", error.inner_text())

    # fixed: the document again, not dimmed
    save(record, changed)
    expect(page.locator(".fehler")).to_have_count(0)
    expect(page.locator(".dokumente.veraltet")).to_have_count(0)
    expect(page.locator(FIRST_PAGE)).to_contain_text("Spielplatz am Lindenweg und Hilfen")

    # the public face: the name is gone, the bar says „geschwärzt“; the switch works by keyboard
    switch = page.get_by_role("switch", name="Öffentliche Fassung")
    switch.focus()
    page.keyboard.press("Space")
    expect(page.locator("#meldung")).to_contain_text("öffentliche Fassung")
    expect(page.locator(FIRST_PAGE)).to_contain_text("geschwärzt")
    assert NAME not in page.locator(".dokumente").inner_text()
    assert "fassung=oeffentlich" in page.url
    assert axe_violations(page) == []
    switch.click()
    expect(page.locator(FIRST_PAGE)).to_contain_text(NAME)


def test_build_error_is_shown_and_goes(running: Started, project: Path, page: Page) -> None:
    page.goto(base_url(running) + "ansicht/vorlagen/wandsbek/19-0178.yaml")
    expect(page.locator(".seite img")).not_to_have_count(0)
    # the project has no templates/ yet: the folder is made with the layout in it, as a copy would be
    layout = project / "templates" / "hamburg" / "layout.typ"
    assert not layout.parent.parent.exists()
    layout.parent.mkdir(parents=True)
    try:
        layout.write_text("#let vorlage(doc) = gibt-es-nicht(doc)\n", encoding="utf-8")
        error = page.locator(".fehler")
        expect(error).to_contain_text("Fehler beim Setzen")
        expect(error).to_contain_text("typst")
        expect(page.locator(".dokumente.veraltet")).to_have_count(1)
    finally:  # the later tests need the packaged layout, whatever happened here
        shutil.rmtree(layout.parent)
    expect(page.locator(".fehler")).to_have_count(0)


def test_a_change_made_before_the_page_listens_is_shown(running: Started, project: Path, page: Page) -> None:
    """The page is loaded, but its connection for changes does not stand yet when the file is saved
    (a slow browser, a lost connection): once it stands, the page shows the new state."""
    held: list[Route] = []
    page.route("**/ereignisse", lambda route: held.append(route))  # the connection waits until let through
    path = project / "vorlagen/wandsbek/19-0178.yaml"
    text = path.read_text(encoding="utf-8")
    page.goto(base_url(running) + "ansicht/vorlagen/wandsbek/19-0178.yaml")
    expect(page.locator(FIRST_PAGE)).to_contain_text("Zeitplan")
    try:
        save(path, text.replace("– Zeitplan", "– Zeitplan und Kosten"))
        deadline = time.monotonic() + WAIT_MS / 1000
        while b"Zeitplan und Kosten" not in fetch(base_url(running) + "teil/vorlagen/wandsbek/19-0178.yaml")[1]:
            assert time.monotonic() < deadline, "the preview did not set the change"
            time.sleep(0.2)
        page.wait_for_timeout(300)  # the server has told the change to those who listened: nobody
        assert "Zeitplan und Kosten" not in page.locator(FIRST_PAGE).inner_text()
        assert held, "the page asked for no connection"
        for route in held:
            route.continue_()
        expect(page.locator(FIRST_PAGE)).to_contain_text("Zeitplan und Kosten")
    finally:
        save(path, text)
    expect(page.locator(FIRST_PAGE)).not_to_contain_text("Zeitplan und Kosten")


def test_tabs_rename_and_temporary_files(running: Started, project: Path, browser: Browser) -> None:  # noqa: F811
    context = browser.new_context(locale="de-DE", bypass_csp=True)  # axe is injected inline
    context.set_default_timeout(WAIT_MS)
    first, second = context.new_page(), context.new_page()
    first.goto(base_url(running) + "ansicht/vorlagen/wandsbek/19-0171.yaml")
    second.goto(base_url(running) + "ansicht/vorlagen/wandsbek/19-0175.yaml")
    expect(first.locator(".seite img")).not_to_have_count(0)
    expect(second.locator(".seite img")).not_to_have_count(0)
    path = project / "vorlagen/wandsbek/19-0175.yaml"
    text = path.read_text(encoding="utf-8")
    # editors' leftovers change nothing (an Emacs lock „.#19-0175.yaml“ would: the loader reads every *.yaml)
    leftovers = [path.parent / name for name in (".19-0175.yaml.swp", "19-0175.yaml~", "4913", "#19-0175.yaml#")]
    for leftover in leftovers:
        leftover.write_text("kaputt: [", encoding="utf-8")
    save(path, re.sub(r"(?m)^betreff: .*$", "betreff: Neuer Betreff im zweiten Tab", text))
    second.bring_to_front()
    expect(second.locator(FIRST_PAGE)).to_contain_text("Neuer Betreff im zweiten Tab")
    expect(first.locator(".fehler")).to_have_count(0)

    renamed = path.with_name("19-0175-neu.yaml")
    path.rename(renamed)
    expect(second.locator(".fehler")).to_contain_text("Datei nicht mehr vorhanden")
    first.bring_to_front()
    first.goto(base_url(running))
    expect(first.get_by_role("link", name="vorlagen/wandsbek/19-0175-neu.yaml")).to_have_count(1)
    assert axe_violations(first) == []  # the list of files
    renamed.rename(path)
    second.bring_to_front()
    expect(second.locator(".fehler")).to_have_count(0)
    expect(second.locator(FIRST_PAGE)).to_contain_text("Neuer Betreff im zweiten Tab")
    for leftover in leftovers:
        leftover.unlink()
    context.close()


def test_sitzung_and_niederschrift(running: Started, page: Page) -> None:
    page.goto(base_url(running) + "ansicht/sitzungen/wandsbek-jha-2011-05-11.yaml")
    names = page.locator(".dokument h2")
    expect(names.first).to_contain_text("Einladung", timeout=120_000)
    expect(names).to_contain_text(["Einladung", "Sitzungsmappe (vollständig)"])
    expect(page.locator(FIRST_PAGE)).to_contain_text("Tagesordnung")
    page.get_by_role("switch", name="Öffentliche Fassung").click()
    expect(names).to_contain_text(["Bekanntmachung", "Sitzungsmappe (öffentlich)"], timeout=120_000)
    assert axe_violations(page) == []
    page.goto(base_url(running) + "ansicht/sitzungen/wandsbek-jha-2011-05-11.niederschrift.yaml")
    expect(names.first).to_contain_text("Niederschrift", timeout=120_000)
    expect(page.locator(FIRST_PAGE)).to_contain_text("Niederschrift")
