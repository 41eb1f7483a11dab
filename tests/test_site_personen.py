"""The website's pages for Personen, Fraktionen and Gremien with their members: a page per member of a
public Gremium or Fraktion with her public roles only (Fraktion, memberships with Rolle and von/bis),
a page per Fraktion with its members, the Gremium pages linking to them; nobody else gets a page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_support import TODAY, broken_links, flat_text, fraktionen_site, with_fraktionen
from vorlagengen.load.project import load_project
from vorlagengen.public.projection import public_project


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fraktionen_site(tmp_path_factory.mktemp("personen"))


def test_the_projection_keeps_every_fraktion_with_its_members(tmp_path: Path) -> None:
    public = public_project(load_project(with_fraktionen(tmp_path)))
    assert {"lueneburg-spd", "lueneburg-gruene"} <= set(public.ref.gremien)
    assert "lueneburg-sga-schmidt" in public.ref.personen


def test_a_member_has_a_page_with_her_public_roles(site: Path) -> None:
    assert dt.date(2019, 4, 1) == TODAY  # the day the site is built: Schmidt has changed Fraktion
    html = flat_text(site, "personen/lueneburg-sga-meyer.html")
    assert "<h1>Heike Meyer</h1>" in html
    assert '<dt>Fraktion</dt><dd><a href="../gremien/lueneburg-spd.html">SPD-Fraktion</a></dd>' in html
    assert ('<td><a href="../gremien/lueneburg-sga.html">Sozial- und Gesundheitsausschuss</a></td>'
            '<td data-label="Rolle">Ratsfrau</td><td data-label="für"><a href="../gremien/lueneburg-spd.html">'
            'SPD-Fraktion</a></td><td data-label="von">01.11.2016</td><td data-label="bis">–</td>') in html
    assert ('<td><a href="../gremien/lueneburg-spd.html">SPD-Fraktion</a></td>'
            '<td data-label="Rolle">Fraktionsvorsitzende</td>') in html
    # a change of Fraktion: the current one is named, the former one stays in the list of memberships
    schmidt = flat_text(site, "personen/lueneburg-sga-schmidt.html")
    assert '<dt>Fraktion</dt><dd><a href="../gremien/lueneburg-gruene.html">Fraktion Bündnis 90/Die Grünen</a>' in schmidt
    assert '<tr class="ehemalig"><td><a href="../gremien/lueneburg-spd.html">SPD-Fraktion</a>' in schmidt


def test_only_members_get_a_page(site: Path) -> None:
    pages = {p.stem for p in (site / "personen").glob("*.html")} - {"index"}
    assert "lueneburg-sga-meyer" in pages and "wandsbek-vorsitz-jha" in pages
    members = {"lueneburg-vorsitz-sga", "lueneburg-sga-meyer", "lueneburg-sga-schmidt", "lueneburg-sga-neumann",
               "lueneburg-sga-fischer", "lueneburg-sga-weber"}
    assert members <= pages
    staff = {"lueneburg-hampe"}  # a Sitzungsleitung without membership: no page
    assert not staff & pages
    listing = flat_text(site, "personen/index.html")
    assert '<a href="../personen/lueneburg-sga-meyer.html">Meyer, Heike</a></td><td><a href="../gremien/lueneburg-spd.html">' in listing
    assert 'href="personen/index.html"' in flat_text(site, "index.html")  # in the main navigation


def test_fraktion_and_gremium_pages_list_their_members(site: Path) -> None:
    spd = flat_text(site, "gremien/lueneburg-spd.html")
    assert "<p class=\"art\">Fraktion · Hansestadt Lüneburg</p>" in spd
    assert ('<a href="../personen/lueneburg-sga-meyer.html">Heike Meyer</a></td>'
            '<td data-label="Rolle">Fraktionsvorsitzende</td>') in spd
    assert "kalender/lueneburg-spd.ics" not in spd  # no Sitzungen: no calendar or feed to link
    index = flat_text(site, "gremien/index.html")
    assert '<h3>Fraktionen</h3> <ul class="spalten"> <li><a href="../gremien/lueneburg-gruene.html">' in index
    sga = flat_text(site, "gremien/lueneburg-sga.html")
    assert ('<a href="../personen/lueneburg-sga-meyer.html">Heike Meyer</a></td><td data-label="Rolle">Ratsfrau</td>'
            '<td data-label="Fraktion"><a href="../gremien/lueneburg-spd.html">SPD-Fraktion</a></td>') in sga
    assert broken_links(site) == []


def test_a_numbered_sitzung_is_named_once_on_the_site(site: Path) -> None:
    page = flat_text(site, "sitzungen/lueneburg-sga-2019-04-04.html")
    assert '<p class="art">5. Sitzung</p>' in page
    for rel in ("feeds/sitzungen.atom", "kalender/sitzungen.ics"):
        text = " ".join((site / rel).read_text(encoding="utf-8").replace("\r\n ", "").split())
        assert "5. Sitzung" in text and "Sitzung 5. Sitzung" not in text, rel
