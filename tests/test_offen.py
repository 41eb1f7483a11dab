"""Open-source hygiene: the licence, publiccode.yml, CHANGELOG, CONTRIBUTING and the licences of what
the repository bundles.

No validator of publiccode.yml is installable here (the official one, publiccode-parser-go, is a Go
program; PyPI and npm carry none): the test checks the mandatory keys and allowed values of the
standard's core schema 0.x (publiccodeyml/publiccode.yml, docs/standard/schema.core.rst, release
v0.5.0) instead."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ruamel.yaml import YAML

from vorlagengen import __version__

REPO = Path(__file__).resolve().parents[1]
EUPL_ARTICLES = ("Definitions", "Scope of the rights granted by the Licence", "Communication of the Source Code",
                 "Limitations on copyright", "Obligations of the Licensee", "Chain of Authorship",
                 "Disclaimer of Warranty", "Disclaimer of Liability", "Additional agreements",
                 "Acceptance of the Licence", "Information to the public", "Termination of the Licence",
                 "Miscellaneous", "Jurisdiction", "Applicable Law")
# schema.core.rst (v0.5.0): allowed values of the enumerated mandatory keys
DEVELOPMENT_STATUS = {"concept", "development", "beta", "stable", "obsolete"}
SOFTWARE_TYPE = {"standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web",
                 "standalone/backend", "standalone/other", "addon", "library", "configurationFiles"}
MAINTENANCE = {"internal", "contract", "community", "none"}
# categories-list.rst (v0.5.0), the ones that could describe this software
CATEGORIES = {"document-management", "content-management", "collaboration", "project-collaboration",
              "web-collaboration", "knowledge-management", "office", "word-processor"}


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_licence_is_the_whole_eupl_1_2_and_pyproject_names_it() -> None:
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2\nEUPL © the European Union 2007, 2016")
    for number, title in enumerate(EUPL_ARTICLES, 1):
        assert re.search(rf"^{number}\.\s*{re.escape(title)}", text, re.MULTILINE), title
    assert "Appendix" in text and "Compatible Licences" in text
    assert len(text) > 13_000
    project = _pyproject()["project"]
    assert project["license"] == "EUPL-1.2" and project["license-files"] == ["LICENSE"]


def test_publiccode_yml_has_every_mandatory_key_of_the_standard() -> None:
    pc = YAML(typ="safe").load((REPO / "publiccode.yml").read_text(encoding="utf-8"))
    assert re.fullmatch(r"0(\.\d+)?", pc["publiccodeYmlVersion"])
    assert pc["name"] == "vorlagengen"
    assert re.match(r"https://", pc["url"])
    assert pc["platforms"] and all(isinstance(p, str) for p in pc["platforms"])
    assert pc["developmentStatus"] in DEVELOPMENT_STATUS
    assert pc["softwareType"] in SOFTWARE_TYPE
    assert set(pc.get("categories", [])) <= CATEGORIES
    assert pc["softwareVersion"] == __version__ == _pyproject()["project"]["version"]
    assert pc["legal"]["license"] == _pyproject()["project"]["license"]
    for lang, desc in pc["description"].items():
        assert re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", lang)
        assert len(desc["shortDescription"]) <= 150 and "\n" not in desc["shortDescription"]
        assert 150 <= len(desc["longDescription"]) <= 10_000
        assert desc["features"]
        assert "genericName" not in desc  # deprecated since 0.4
    maintenance = pc["maintenance"]
    assert maintenance["type"] in MAINTENANCE
    if maintenance["type"] in ("internal", "community"):
        assert maintenance["contacts"] and all(c.get("name") for c in maintenance["contacts"])
    assert ("contractors" in maintenance) == (maintenance["type"] == "contract")
    assert isinstance(pc["localisation"]["localisationReady"], bool)
    assert "de" in pc["localisation"]["availableLanguages"]
    for dep in pc.get("dependsOn", {}).get("open", []):
        assert dep["name"] and set(dep) <= {"name", "versionMin", "versionMax", "version", "optional"}


def test_changelog_has_the_current_version_and_contributing_the_commands() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[?{re.escape(__version__)}\]?", changelog, re.MULTILINE)
    contributing = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for command in ("make test", "make lint", "make golden", "make docs", "make bench"):
        assert command in contributing, command


def test_every_bundled_font_and_data_file_has_its_licence_listed() -> None:
    lizenzen = (REPO / "docs" / "lizenzen.md").read_text(encoding="utf-8")
    fonts = REPO / "src" / "vorlagengen" / "fonts"
    for font in fonts.glob("*.ttf"):
        family = font.stem.split("-")[0]  # LiberationSans, LiberationMono, DejaVuSans
        assert family in lizenzen, font.name
    for licence in fonts.glob("LICENSE-*"):
        assert f"src/vorlagengen/fonts/{licence.name}" in lizenzen
    for data in ("tests/daten/oparl/huertgenwald-oparl-1.0.tar.gz", "tests/oparl_schema/", "tests/vendor/axe.min.js"):
        assert f"`{data}`" in lizenzen, data
        assert (REPO / data).exists(), data


def test_readme_is_a_short_start_page_that_points_into_the_docs() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    assert "make vorlage" in readme and "make test" in readme
    for target in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (REPO / target).is_file(), target


def test_the_anfrage_and_beantwortung_example_of_the_docs_is_valid(leeres_projekt) -> None:
    text = (REPO / "docs" / "autoren" / "arten.md").read_text(encoding="utf-8")
    section = text.split("## Anfrage und Beantwortung", 1)[1].split("\n## ", 1)[0]
    gremium, anfrage, antwort = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    gremien = leeres_projekt.root / "data" / "gremien.yaml"
    gremien.write_text(gremien.read_text(encoding="utf-8") + gremium, encoding="utf-8")
    leeres_projekt.write_text("vorlagen/rostock/2026-AF-0001.yaml", anfrage)
    leeres_projekt.write_text("vorlagen/rostock/2026-AF-0001-01.yaml", antwort)
    result = leeres_projekt.validate()
    assert result.exit_code == 0, result.output
    assert "2 Drucksachen geprüft, 0 Fehler" in result.output
