"""Niederschrift records: loading beside their Sitzung, the checks of validate (exact messages and
lines), the vote arithmetic, and the Niederschrift as the one source of a Drucksache's result."""

from __future__ import annotations

import datetime as dt
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from vorlagengen.checks.votes import parse_share, quorum_holds, stimmen
from vorlagengen.cli import cli
from vorlagengen.model_niederschrift import Abstimmung
from vorlagengen.project import load_project

REPO = Path(__file__).resolve().parents[1]
WANDSBEK = "sitzungen/wandsbek-jha-2011-05-11.niederschrift.yaml"
LUENEBURG = "sitzungen/lueneburg-sga-2019-04-04.niederschrift.yaml"


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The repository's demo project (data, Drucksachen, Sitzungen with their Niederschriften)."""
    root = tmp_path / "demo"
    for folder in ("data", "vorlagen", "sitzungen"):
        shutil.copytree(REPO / folder, root / folder)
    monkeypatch.chdir(root)
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def validate(root: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["--projekt", str(root), "validate"])
    return result.exit_code, [line for line in result.output.splitlines() if line.strip()]


def test_demo_niederschriften_load_and_derive_results(demo: Path) -> None:
    project = load_project(demo)
    with_minutes = [s for s in project.sitzungen if s.niederschrift is not None]
    assert len(with_minutes) == 2
    assert project.ergebnisse[("wandsbek", "19/0171", "wandsbek-jha", dt.date(2011, 5, 11))] == "geändert beschlossen"
    assert project.ergebnisse[("lueneburg", "VO/8321/19", "lueneburg-sga", dt.date(2019, 4, 4))] == \
        "zur Kenntnis genommen"


def test_overdue_beschluss_is_a_warning_not_an_error(demo: Path) -> None:
    code, lines = validate(demo)
    assert code == 0
    assert (f"{WANDSBEK}:74:7: tops[6].kontrolle.frist: Warnung: Beschluss zu TOP 12.7 ist überfällig: "
            "Frist 31.12.2011, Stand „in Arbeit“") in lines


CASES = [
    pytest.param(WANDSBEK, "      ja: 4\n      nein: 0\n      enthaltung: 1", "      ja: 5\n      nein: 0\n      enthaltung: 1",
                 f"{WANDSBEK}:40:5: tops[2].abstimmung: Stimmen ergeben 6, aber bei TOP Ö 2 sind 5 Stimmberechtigte "
                 "anwesend (Ja + Nein + Enthaltung muss die Zahl der Anwesenden ergeben)", id="counts"),
    pytest.param(WANDSBEK, '  - top: "Ö 13"\n    inhalt: Keine Wortmeldungen.\n', "",
                 f"{WANDSBEK}:34:1: tops: TOP Ö 13 der Tagesordnung hat kein Ergebnis in der Niederschrift",
                 id="missing-top"),
    pytest.param(WANDSBEK, '  - top: "Ö 4"', '  - top: "Ö 14"',
                 f"{WANDSBEK}:63:5: tops[4].top: TOP „Ö 14“ steht nicht auf der Tagesordnung (vorhanden: Ö 1, Ö 2, "
                 "Ö 3, Ö 4, 12, 12.7, Ö 13, N 1, N 2)", id="unknown-top"),
    pytest.param(LUENEBURG, "        nein: [lueneburg-sga-schmidt]",
                 "        nein: [lueneburg-sga-schmidt, lueneburg-sga-neumann]",
                 f"{LUENEBURG}:50:7: tops[4].abstimmung.namentlich: „lueneburg-sga-neumann“ ist bei TOP Ö 4 befangen "
                 "und stimmt nicht mit ab", id="befangen-votes"),
    pytest.param(LUENEBURG, "  - person: lueneburg-sga-meyer\n", "  - person: lueneburg-sga-meyer\n    status: abwesend\n",
                 f"{LUENEBURG}:51:7: tops[4].abstimmung.namentlich: „lueneburg-sga-meyer“ ist bei TOP Ö 4 nicht "
                 "stimmberechtigt anwesend", id="absent-votes"),
    pytest.param(LUENEBURG, "  - person: lueneburg-sga-weber\n", "  - person: lueneburg-sga-weber\n    status: abwesend\n",
                 f"{LUENEBURG}:50:5: tops[4].abstimmung: bei TOP Ö 4 nicht beschlussfähig: 3 von 6 Mitgliedern anwesend "
                 "und stimmberechtigt (nötig: mehr als 1/2 der Mitglieder)", id="quorum"),
    pytest.param(LUENEBURG, "  - person: lueneburg-sga-weber\n", "",
                 f"{LUENEBURG}:15:1: anwesenheit: Mitglied „lueneburg-sga-weber“ fehlt in der Anwesenheitsliste "
                 "(anwesend, entschuldigt oder abwesend angeben)", id="member-missing"),
    pytest.param(LUENEBURG, "vorsitz: lueneburg-vorsitz-sga", "vorsitz: lueneburg-vorsitz-sgb",
                 f"{LUENEBURG}:13:1: vorsitz: unbekannte Person „lueneburg-vorsitz-sgb“ (nicht in data/personen.yaml)",
                 id="unknown-person"),
    pytest.param(WANDSBEK, "    ergebnis: geändert beschlossen\n    aenderung:", "    ergebnis: geändert beschlossen\n    x_aenderung:",
                 f"{WANDSBEK}:49:5: tops[3].x_aenderung: unbekanntes Feld „x_aenderung“ – meinten Sie „aenderung“?", id="unknown-field"),
]


@pytest.mark.parametrize(("rel", "old", "new", "expected"), CASES)
def test_niederschrift_checks_are_located_german_errors(demo: Path, rel: str, old: str, new: str,
                                                         expected: str) -> None:
    edit(demo, rel, old, new)
    code, lines = validate(demo)
    assert code == 1
    assert any(line.startswith(expected) for line in lines), "\n".join(lines)


def test_result_in_drucksache_must_agree_with_niederschrift(demo: Path) -> None:
    edit(demo, "vorlagen/wandsbek/19-0171.yaml", "    zustaendigkeit: Empfehlung\n",
         "    zustaendigkeit: Empfehlung\n    ergebnis: abgelehnt\n")
    code, lines = validate(demo)
    assert code == 1
    assert any(line.startswith("vorlagen/wandsbek/19-0171.yaml:") and "beratungsfolge[1].ergebnis: Ergebnis "
               "„abgelehnt“ widerspricht der Niederschrift" in line for line in lines), lines


def test_niederschrift_file_given_alone_validates_its_sitzung(demo: Path) -> None:
    result = CliRunner().invoke(cli, ["--projekt", str(demo), "validate", LUENEBURG])
    assert result.exit_code == 0, result.output
    assert "1 Sitzungen" in result.output or "Sitzungen geprüft" in result.output


def test_vote_arithmetic() -> None:
    assert stimmen(Abstimmung(einstimmig=True), 7).summe == 7
    assert stimmen(Abstimmung(ja=3, nein=2), 7).summe == 5
    assert parse_share(" 2 / 3 ") == Fraction(2, 3)
    assert quorum_holds(4, 7, Fraction(1, 2))
    assert not quorum_holds(3, 6, Fraction(1, 2))
    with pytest.raises(ValueError, match="genau eine Form"):
        Abstimmung(einstimmig=True, ja=3)
