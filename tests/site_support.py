"""Building the website in tests: the repository's demo project (or any project folder), made public
with ``public_project``, the documents of the public tree stood in by small PDFs, and a loopback
server running ``vorlagengen serve``'s application in a thread."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

from vorlagengen.load.project import Project, load_project
from vorlagengen.model.records import niederschrift_path
from vorlagengen.public.projection import public_project
from vorlagengen.site import SiteResult, build_site
from vorlagengen.site.config import Website

REPO = Path(__file__).resolve().parents[1]
SMALL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
             b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
TODAY = dt.date(2019, 4, 1)  # the start page's "next Sitzungen" depend on the day


def copy_demo(target: Path) -> Path:
    """The repository's demo project (data, vorlagen, sitzungen) in ``target``."""
    for name in ("data", "vorlagen", "sitzungen"):
        shutil.copytree(REPO / name, target / name)
    return target


FRAKTIONEN = """lueneburg-spd:
  name: SPD-Fraktion
  koerperschaft: lueneburg
  typ: Fraktion
  mitglieder:
    - person: lueneburg-sga-meyer
      rolle: Vorsitz
      bezeichnung: Fraktionsvorsitzende
      von: 2016-11-01
    - person: lueneburg-sga-schmidt
      von: 2016-11-01
      bis: 2018-12-31
lueneburg-gruene:
  name: Fraktion Bündnis 90/Die Grünen
  koerperschaft: lueneburg
  typ: Fraktion
  mitglieder:
    - person: lueneburg-sga-schmidt
      von: 2019-01-01
"""


def with_fraktionen(root: Path) -> Path:
    """The demo project in ``root`` with two Fraktionen of Lüneburg, members who changed Fraktion, and
    the SGA's Sitzung numbered as an imported one is („5. Sitzung“)."""
    copy_demo(root)
    gremien = root / "data/gremien.yaml"
    text = gremien.read_text(encoding="utf-8")
    for old, new in (("    - person: lueneburg-sga-meyer\n",
                      "    - person: lueneburg-sga-meyer\n      fraktion: lueneburg-spd\n"
                      "      bezeichnung: Ratsfrau\n      von: 2016-11-01\n"),
                     ("    - person: lueneburg-sga-schmidt\n",
                      "    - person: lueneburg-sga-schmidt\n      fraktion: lueneburg-gruene\n")):
        assert old in text
        text = text.replace(old, new, 1)
    gremien.write_text(text + FRAKTIONEN, encoding="utf-8")
    sitzung = root / "sitzungen/lueneburg-sga-2019-04-04.yaml"  # numbered as an imported Sitzung is
    sitzung.write_text(sitzung.read_text(encoding="utf-8").replace("nummer: SGA/2019/02", "nummer: 5. Sitzung"),
                       encoding="utf-8")
    minutes = root / "sitzungen/lueneburg-sga-2019-04-04.niederschrift.yaml"
    text = minutes.read_text(encoding="utf-8")
    assert VOTE_BEFORE in text
    minutes.write_text(text.replace(VOTE_BEFORE, VOTE_AFTER), encoding="utf-8")
    return root


VOTE_BEFORE = """  - top: "Ö 2"
    ergebnis: ungeändert beschlossen
    abstimmung:
      einstimmig: ja
"""
VOTE_AFTER = """  - top: "Ö 2"
    ergebnis: geändert beschlossen
    beschluss: Das Protokoll der Sitzung vom 07.02.2019 wird mit der Änderung genehmigt.
    aenderung: Auf Seite 2 wird „Herr Schmitt“ durch „Herr Schmidt“ ersetzt.
    abstimmungen:
      - gegenstand: Änderungsantrag der Fraktion Bündnis 90/Die Grünen
        ergebnis: angenommen
        abstimmung:
          ja: 4
          nein: 1
          enthaltung: 0
    abstimmung:
      fraktionen:
        - fraktion: lueneburg-spd
          ja: 1
        - fraktion: lueneburg-gruene
          enthaltung: 1
        - fraktion: fraktionslos
          ja: 3
    wahlen:
      - amt: Schriftführerin
        gewaehlt: [Petra Neumann]
        abstimmung:
          einstimmig: ja
"""


def fraktionen_site(base: Path) -> Path:
    """The site of ``with_fraktionen``'s project, built below ``base``."""
    root = with_fraktionen(base / "projekt")
    build(root, base / "build")
    return base / "build" / "oeffentlich" / "site"


def fake_documents(public: Project, documents: Path) -> None:
    """Stand-ins for the built PDF/DOCX of the public tree (the site only links and lists them)."""
    for rec in public.records:
        folder = documents / "vorlagen" / rec.vorlage.koerperschaft
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{rec.vorlage.nummer.replace('/', '-')}.pdf").write_bytes(SMALL_PDF)
    for srec in public.sitzungen:
        folder = documents / "sitzungen" / srec.slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "Bekanntmachung.pdf").write_bytes(SMALL_PDF)
        if niederschrift_path(srec.path).is_file():  # `vorlagengen niederschrift` writes the public one here
            (folder / "Niederschrift.pdf").write_bytes(SMALL_PDF)


def build(root: Path, out: Path, base: str = "https://ratsinfo.example.org/", **website: object) -> SiteResult:
    public = public_project(load_project(root))
    documents = out / "oeffentlich"
    if not (documents / "vorlagen").exists():
        fake_documents(public, documents)
    settings = Website.model_validate({"basis_url": base, **website})
    return build_site(public, documents / "site", documents=documents, website=settings,
                      state=out / "intern" / "site-cache.json", today=TODAY)


def flat_text(site: Path, rel: str) -> str:
    """A page of the site with its white space folded (assertions need not know the line breaks)."""
    return " ".join((site / rel).read_text(encoding="utf-8").split())


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


_HREF = re.compile(r'(?:href|src)="([^"]+)"')


def broken_links(site: Path) -> list[str]:
    """Every internal href/src of every HTML page that does not resolve to a file of the site."""
    out = []
    for page in sorted(site.rglob("*.html")):
        for target in _HREF.findall(page.read_text(encoding="utf-8")):
            parts = urlparse(target)
            if parts.scheme or target.startswith(("#", "mailto:")):
                continue
            resolved = (page.parent / unquote(parts.path)).resolve()
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.is_file() or site.resolve() not in resolved.parents:
                out.append(f"{page.relative_to(site)}: {target}")
    return out


@contextmanager
def serving(site: Path, base: str | None = None, port: int = 0) -> Iterator[str]:
    """``vorlagengen serve``'s application on 127.0.0.1 (``port``, or a free one) in a thread; yields
    its URL."""
    import uvicorn

    from vorlagengen.site.serve import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    server = uvicorn.Server(uvicorn.Config(create_app(site, base or url), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("Testserver startet nicht")
        time.sleep(0.02)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
