"""Shared fixtures: a small valid project in a temporary folder, built from the real reference data
in ``data/`` and one or two records written by the test itself.

The tests run with the project folder as working directory, so paths in messages read
``vorlagen/wandsbek/19-0167.yaml:5:9: …`` exactly as an author sees them.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from ruamel.yaml import YAML

from vorlagengen.cli import cli

DATA = Path(__file__).resolve().parents[1] / "data"

# The check cache (pruefcache) writes to the user's cache folder; the tests keep theirs in a folder
# of their own, removed at the end. It stays on, so every test also runs through it.
_CACHE = tempfile.mkdtemp(prefix="vorlagengen-testcache-")
os.environ["VORLAGENGEN_CACHE"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

# A minimal PDF: enough to be a real, small Anlage file.
SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# The first eight lines of a public Lüneburg Beschlussvorlage; the tests add the Sachverhalt and
# what else they need ({nr} and {betreff} to fill in).
LUENEBURG_HEAD = """nummer: "{nr}"
datum: 2019-03-21
koerperschaft: lueneburg
art: Beschlussvorlage
status: öffentlich
betreff: {betreff}
federfuehrend: lueneburg-05
beschlussvorschlag: Der Ausschuss beschließt.
"""

# A Sitzung of the Lüneburg SGA with one public TOP: VO/0001/19.
SITZUNG_SGA = """gremium: lueneburg-sga
nummer: SGA/2019/02
datum: 2019-04-04
beginn: "16:00"
ort: Rathaus
einladungsdatum: 2019-03-22
tagesordnung:
  oeffentlich:
    - drucksache: "VO/0001/19"
"""

WANDSBEK_PATH = "vorlagen/wandsbek/19-0167.yaml"
LUENEBURG_PATH = "vorlagen/lueneburg/VO-8321-19.yaml"

# Line numbers matter: the validation tests point at them. Keep these texts stable.
WANDSBEK_TEXT = """\
nummer: "19/0167"
datum: 2011-05-03
koerperschaft: wandsbek
art: Beschlussvorlage
status: öffentlich
betreff: Sozialräumliche Hilfen und Angebote in Wandsbek
federfuehrend: wandsbek-dez-sjg
beratungsfolge:
  - gremium: wandsbek-jha
    datum: 2011-05-11
    zustaendigkeit: Vorberatung
  - gremium: wandsbek-bv
    datum: 2011-05-26
    zustaendigkeit: Entscheidung
sachverhalt: |
  Der Senat stellt dem Bezirksamt **2,4 Millionen Euro** im Jahr zur Verfügung.
beschlussvorschlag: |
  Die Bezirksversammlung stimmt dem Kontrakt zu.
finanzen:
  auswirkungen: ja
  kosten_umsetzung: "39,50"
anlagen:
  - datei: anlagen/kontrakt.pdf
    titel: Kontrakt Teil A
"""
#  line  1 nummer            line  9 beratungsfolge[1].gremium   line 20 finanzen.auswirkungen
#  line  2 datum             line 10 beratungsfolge[1].datum     line 21 finanzen.kosten_umsetzung
#  line  3 koerperschaft     line 12 beratungsfolge[2].gremium   line 22 anlagen
#  line  4 art               line 13 beratungsfolge[2].datum     line 23 anlagen[1].datei
#  line  5 status            line 15 sachverhalt                 line 24 anlagen[1].titel
#  line  6 betreff           line 17 beschlussvorschlag
#  line  7 federfuehrend     line 19 finanzen
#  line  8 beratungsfolge

LUENEBURG_RECORD: dict[str, Any] = {
    "nummer": "VO/8321/19",
    "datum": "2019-03-21",
    "koerperschaft": "lueneburg",
    "art": "Beschlussvorlage",
    "status": "öffentlich",
    "betreff": "Weiterentwicklung der stadtteilorientierten sozialen Arbeit",
    "federfuehrend": "lueneburg-05",
    "beteiligt": ["lueneburg-dez-v", "lueneburg-51"],
    "bearbeiter": "lueneburg-hampe",
    "beratungsfolge": [
        {"gremium": "lueneburg-sga", "datum": "2019-04-04", "zustaendigkeit": "Entscheidung"},
    ],
    "sachverhalt": "Die stadtteilorientierte Arbeit soll evaluiert werden.\n",
    "beschlussvorschlag": "Der Ausschuss befürwortet die Schwerpunktsetzung.\n",
}


# Optional system programs. A test that needs one carries ``@pytest.mark.braucht("name")``. Without it
# the test is skipped and the run ends with one line naming what is missing and how to add it; under CI
# (CI=true, as .ci/run runs) nothing is optional and a missing program fails the test.
SYSTEMPROGRAMME: dict[str, tuple[tuple[str, ...], str]] = {
    "chromium": (("chromium",), "apt-get install chromium"),
    "ghostscript": (("gs",), "apt-get install ghostscript"),
    "libreoffice": (("soffice", "libreoffice"), "apt-get install libreoffice-writer-nogui"),
}
_FEHLEND: dict[str, int] = {}


def programm(name: str) -> str | None:
    """The path of an optional system program on PATH, or None."""
    return next((found for cmd in SYSTEMPROGRAMME[name][0] if (found := shutil.which(cmd))), None)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "braucht(programm): the test needs an optional system program "
                            f"({', '.join(SYSTEMPROGRAMME)}); skipped without it, except under CI=true")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("braucht"):
        for name in mark.args:
            if programm(name):
                continue
            hint = SYSTEMPROGRAMME[name][1]
            if in_ci():
                pytest.fail(f"{name} fehlt; unter CI=true ist es Pflicht ({hint})", pytrace=False)
            _FEHLEND[name] = _FEHLEND.get(name, 0) + 1
            pytest.skip(f"{name} fehlt ({hint})")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Under CI nothing is skipped, whatever the reason: a skip counts as a failure."""
    outcome = yield
    report = outcome.get_result()
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"unter CI=true wird nichts übersprungen: {report.longrepr}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _FEHLEND:
        parts = [f"{name} ({n} Test{'s' if n > 1 else ''}; {SYSTEMPROGRAMME[name][1]})" for name, n in _FEHLEND.items()]
        terminalreporter.write_line("Übersprungen, weil Systemprogramme fehlen: " + ", ".join(parts)
                                    + " – in CI (CI=true) sind sie Pflicht.", yellow=True)


def dump_yaml(data: Any) -> str:
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    buf = StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


@dataclass
class Projekt:
    """A project folder with helpers to write records and run the CLI on it."""

    root: Path

    def write_text(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def write_bytes(self, rel: str, data: bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def write_record(self, rel: str, record: dict[str, Any]) -> Path:
        return self.write_text(rel, dump_yaml(record))

    def run(self, *args: str) -> Result:
        """``vorlagengen --projekt ROOT ARGS…`` through click's test runner (stdout and stderr apart)."""
        return CliRunner().invoke(cli, ["--projekt", str(self.root), *args], catch_exceptions=True,
                                  prog_name="vorlagengen")

    def validate(self, *paths: str) -> Result:
        return self.run("validate", *paths)


def make_project(root: Path) -> Projekt:
    shutil.copytree(DATA, root / "data")
    (root / "vorlagen").mkdir()
    return Projekt(root)


@pytest.fixture
def leeres_projekt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Projekt:
    """The reference data of the repository and no records at all."""
    root = tmp_path / "projekt"
    root.mkdir()
    monkeypatch.chdir(root)
    return make_project(root)


@pytest.fixture
def projekt(leeres_projekt: Projekt) -> Projekt:
    """Two valid records (Wandsbek with a real Anlage, Lüneburg) on the real reference data."""
    leeres_projekt.write_bytes("vorlagen/wandsbek/anlagen/kontrakt.pdf", SMALL_PDF)
    leeres_projekt.write_text(WANDSBEK_PATH, WANDSBEK_TEXT)
    leeres_projekt.write_record(LUENEBURG_PATH, LUENEBURG_RECORD)
    return leeres_projekt


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The projects the commands of a test loaded, in order (a run that ends at its stamp loads none)."""
    import vorlagengen.load.project as loading

    seen: list[Path] = []
    real = loading.load_project

    def spy(root: Path, *args: object, **kwargs: object) -> object:
        seen.append(root)
        return real(root, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loading, "load_project", spy)
    return seen
