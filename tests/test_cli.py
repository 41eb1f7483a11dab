"""The command line: ``new`` numbers and writes skeletons, ``schema`` writes the JSON Schemas, and
every word the user reads is German (help, usage errors)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import LUENEBURG_PATH, LUENEBURG_RECORD, WANDSBEK_PATH, WANDSBEK_TEXT, Projekt
from vorlagengen.cli import cli
from vorlagengen.model.drucksache import ARTEN, Vorlage
from vorlagengen.schema import SCHEMAS, vorlage_schema_text

REPO = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"^(\s*(?:- )?(?:(\w+): )?)\"?(\((?:Betreff eintragen|Drucksachen-Nr\.|erste Frage|"
                         r"ja oder nein|Sitzungsdatum|\w+ in Markdown)\))\"?(?:  #.*)?$")
NESTED = {"auswirkungen": "finanzen.auswirkungen", "datum": "beratungsfolge[1].datum"}


def new(projekt: Projekt, *args: str) -> Path:
    """Run ``new``; return the written file (status 0, its path on stdout)."""
    result = projekt.run("new", *args)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    match = re.fullmatch(r"angelegt: (.+)\n", result.stdout)
    assert match, result.stdout
    path = Path(match.group(1))
    assert path.is_file()
    return path


def nummer_of(path: Path) -> str:
    match = re.search(r'^nummer: "([^"]+)"$', path.read_text(encoding="utf-8"), re.M)
    assert match
    return match.group(1)


# --- new: the next free number in each body's scheme ----------------------------------------------


def test_new_lueneburg_after_existing_record(leeres_projekt: Projekt) -> None:
    leeres_projekt.write_record(LUENEBURG_PATH, LUENEBURG_RECORD)
    path = new(leeres_projekt, "Beschlussvorlage", "-k", "lueneburg", "--datum", "2019-03-01")
    assert path == leeres_projekt.root / "vorlagen/lueneburg/VO-8322-19.yaml"
    assert nummer_of(path) == "VO/8322/19"
    # and the next one after that
    assert nummer_of(new(leeres_projekt, "Mitteilungsvorlage", "-k", "lueneburg", "--datum", "01.04.2019")) \
        == "VO/8323/19"


def test_new_with_bezug_gets_suffix(leeres_projekt: Projekt) -> None:
    first = new(leeres_projekt, "Stellungnahme", "-k", "rostock", "--bezug", "2017/AN/2460")
    assert nummer_of(first) == "2017/AN/2460-01"
    assert first.name == "2017-AN-2460-01.yaml"
    assert 'bezug: "2017/AN/2460"' in first.read_text(encoding="utf-8")
    assert nummer_of(new(leeres_projekt, "Ergänzungsvorlage", "-k", "rostock", "--bezug", "2017/AN/2460")) \
        == "2017/AN/2460-02"


def test_new_wandsbek_in_empty_project(leeres_projekt: Projekt) -> None:
    path = new(leeres_projekt, "Beschlussvorlage", "-k", "wandsbek", "--datum", "2011-05-03")
    assert nummer_of(path) == "19/0001"
    assert path == leeres_projekt.root / "vorlagen/wandsbek/19-0001.yaml"


@pytest.mark.parametrize(
    ("art", "body", "datum", "expected"),
    [
        ("Beschlussvorlage", "wandsbek", "2011-05-03", "19/0168"),  # after 19/0167 of the fixture
        ("Beschlussvorlage", "segeberg", "2011-03-01", "DrS/2011/001"),
        ("Antrag", "rostock", "2017-03-01", "2017/AN/2461"),  # after 2017/AN/2460 in data/altbestand.yaml
        ("Anfrage", "rostock", "2017-03-01", "2017/AF/0001"),  # {art}: counted per Kürzel
        ("Antrag", "rostock", "2018-01-05", "2018/AN/0001"),  # {jahr}: counted per year
        ("Beschlussvorlage", "saarbruecken", "2018-03-01", "0001/2018"),
        ("Beschlussvorlage", "lueneburg", "2019-05-01", "VO/8322/19"),
    ],
)
def test_new_next_free_number_per_scheme(projekt: Projekt, art: str, body: str, datum: str, expected: str) -> None:
    assert nummer_of(new(projekt, art, "-k", body, "--datum", datum)) == expected


def test_new_refuses_to_overwrite(projekt: Projekt) -> None:
    target = projekt.root / "vorlagen/wandsbek/eigene.yaml"
    target.write_text("# schon da\n", encoding="utf-8")
    result = projekt.run("new", "Beschlussvorlage", "-k", "wandsbek", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr == f"Fehler: {target}: Datei besteht schon, nichts geschrieben\n"
    assert target.read_text(encoding="utf-8") == "# schon da\n"


# --- new: the skeleton fails on its placeholders and on nothing else -----------------------------


def placeholders(path: Path) -> list[tuple[int, int, str, str]]:
    """(line, column, field, placeholder) of every fill-in text the skeleton carries, in order."""
    found = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        match = PLACEHOLDER.match(line)
        if match and not line.lstrip().startswith("#"):
            key = match.group(2)
            if key is None and line.lstrip().startswith("- "):  # a list item: the list's key is above
                key = next(ln.split(":")[0] for ln in reversed(lines[: number - 1]) if not ln.startswith(" "))
                found.append((number, line.index("-") + 3, f"{key}[1]", match.group(3)))
            elif key is None:  # text of a block scalar: the key is on the line before
                key = lines[number - 2].split(":")[0]
                found.append((number - 1, 1, key, match.group(3)))
            else:
                column = len(line) - len(line.lstrip()) + 1
                found.append((number, column, NESTED.get(key, key) if column > 1 else key, match.group(3)))
    return found


def fill_in(path: Path, bezug: str) -> None:
    text = path.read_text(encoding="utf-8")
    text = text.replace('"(Drucksachen-Nr.)"', f'"{bezug}"').replace('"(Betreff eintragen)"', "Spielplatz Rahlstedt")
    text = text.replace("(erste Frage)", "Wie viele Spielplätze gibt es?")
    text = text.replace('"(ja oder nein)"', "nein").replace('"(Sitzungsdatum)"', "2030-01-15")
    text = re.sub(r"\((\w+) in Markdown\)", r"Text des Feldes \1.", text)
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("art", ARTEN)
def test_skeleton_fails_only_on_its_placeholders(leeres_projekt: Projekt, art: str) -> None:
    with (leeres_projekt.root / "data/gremien.yaml").open("a", encoding="utf-8") as f:
        f.write("rostock-spd:\n  name: SPD-Fraktion\n  koerperschaft: rostock\n  typ: Fraktion\n")
    path = new(leeres_projekt, art, "-k", "rostock", "--datum", "2017-03-01")
    rel = path.relative_to(leeres_projekt.root).as_posix()
    found = placeholders(path)
    assert [f for _, _, f, _ in found][:1] == ["betreff"]  # every skeleton has at least the Betreff
    result = leeres_projekt.validate()
    assert result.exit_code == 1
    expected = [f"{rel}:{line}:{col}: {field}: noch nicht ausgefüllt: „{text}“ ist ein Platzhalter von "
                "„vorlagengen new“" for line, col, field, text in found]
    assert result.stderr.splitlines() == [*expected, f"1 Drucksachen geprüft, {len(found)} Fehler in 1 Datei"]

    fill_in(path, bezug="2017/AN/2460")
    result = leeres_projekt.validate()
    assert (result.exit_code, result.stdout, result.stderr) == (0, "1 Drucksachen geprüft, 0 Fehler\n", "")


@pytest.mark.parametrize("body", ["wandsbek", "segeberg", "saarbruecken", "lueneburg"])
def test_skeleton_of_every_body_validates_once_filled_in(leeres_projekt: Projekt, body: str) -> None:
    path = new(leeres_projekt, "Beschlussvorlage", "-k", body, "--datum", "2019-03-01")
    fill_in(path, bezug="")
    result = leeres_projekt.validate()
    assert (result.exit_code, result.stderr) == (0, "")


def test_antrag_skeleton_without_fraktion_takes_no_committee(leeres_projekt: Projekt) -> None:
    path = new(leeres_projekt, "Antrag", "-k", "rostock", "--datum", "2017-03-01")
    text = path.read_text(encoding="utf-8")
    assert "\ninitiator:" not in text
    assert "# initiator:  # keine Fraktion in data/gremien.yaml: dort mit „typ: Fraktion“ eintragen" in text
    fill_in(path, bezug="")
    result = leeres_projekt.validate()
    assert result.stderr.splitlines()[0].endswith("art: eine Antrag braucht das Feld „initiator“, es fehlt oder ist leer")


def test_anfrage_skeleton_has_no_finanzen_and_beschlussvorlage_must_answer(leeres_projekt: Projekt) -> None:
    anfrage = new(leeres_projekt, "Anfrage", "-k", "rostock", "--datum", "2017-03-01").read_text(encoding="utf-8")
    assert "finanzen" not in anfrage
    vorlage = new(leeres_projekt, "Beschlussvorlage", "-k", "rostock", "--datum", "2017-03-01")
    assert '  auswirkungen: "(ja oder nein)"' in vorlage.read_text(encoding="utf-8")


def test_new_bezug_copies_betreff_open_steps_and_fragen(projekt: Projekt) -> None:
    projekt.write_text(
        "vorlagen/rostock/2017-AF-0001.yaml",
        "nummer: 2017/AF/0001\ndatum: 2017-03-01\nkoerperschaft: rostock\nart: Anfrage\nstatus: öffentlich\n"
        "betreff: Spielplätze in Evershagen\ninitiator: rostock-spd\nfragen:\n  - Wie viele?\n  - Wo?\n"
        "beratungsfolge:\n  - gremium: rostock-jha\n    datum: 2017-03-10\n    zustaendigkeit: Vorberatung\n"
        "    ergebnis: vertagt\n  - gremium: rostock-bs\n    datum: 2017-04-05\n    zustaendigkeit: Kenntnisnahme\n")
    with (projekt.root / "data/gremien.yaml").open("a", encoding="utf-8") as f:
        f.write("rostock-spd:\n  name: SPD-Fraktion\n  koerperschaft: rostock\n  typ: Fraktion\n")
    path = new(projekt, "Beantwortung einer Anfrage", "-k", "rostock", "--bezug", "2017/AF/0001")
    text = path.read_text(encoding="utf-8")
    assert nummer_of(path) == "2017/AF/0001-01"
    assert 'betreff: "Spielplätze in Evershagen"' in text
    assert "  - gremium: rostock-bs\n    datum: 2017-04-05\n" in text and "rostock-jha" not in text
    assert "# fragen: die 2 Fragen kommen aus 2017/AF/0001" in text
    fill_in(path, bezug="2017/AF/0001")
    result = projekt.validate()
    assert result.exit_code == 0, result.stderr


def test_skeleton_points_editors_at_the_schema(leeres_projekt: Projekt) -> None:
    path = new(leeres_projekt, "Antrag", "-k", "rostock", "--datum", "2017-03-01")
    assert path.read_text(encoding="utf-8").splitlines()[0] == \
        "# yaml-language-server: $schema=../../schema/vorlage.schema.json"


# --- new: German errors -------------------------------------------------------------------------


def test_new_unknown_art(leeres_projekt: Projekt) -> None:
    result = leeres_projekt.run("new", "Beschlusvorlage", "-k", "wandsbek")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Fehler: unbekannte Art „Beschlusvorlage“ – meinten Sie „Beschlussvorlage“? Erlaubt: Beschlussvorlage, "
        "Mitteilungsvorlage, Informationsvorlage, Stellungnahme, Antrag, Anfrage, Beantwortung einer Anfrage, "
        "Tischvorlage, Ergänzungsvorlage, Drucksache, Beschluss\n")
    assert not list((leeres_projekt.root / "vorlagen").rglob("*.yaml"))


def test_new_unknown_koerperschaft(leeres_projekt: Projekt) -> None:
    result = leeres_projekt.run("new", "Beschlussvorlage", "-k", "saarbrücken")
    assert result.exit_code == 1
    assert result.stderr == "Fehler: unbekannte Körperschaft „saarbrücken“ – meinten Sie „saarbruecken“?\n"
    assert not list((leeres_projekt.root / "vorlagen").rglob("*.yaml"))


def test_new_impossible_datum(leeres_projekt: Projekt) -> None:
    result = leeres_projekt.run("new", "Beschlussvorlage", "-k", "wandsbek", "--datum", "31.02.2011")
    assert result.exit_code == 2
    assert "Fehler: Ungültiger Wert für '--datum': „31.02.2011“ passt zu keinem der Formate" in result.stderr
    assert "does not match" not in result.stderr


def test_new_without_koerperschaft(leeres_projekt: Projekt) -> None:
    result = leeres_projekt.run("new", "Beschlussvorlage")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Fehler: Option fehlt '--koerperschaft' / '-k'."


def test_new_without_art(leeres_projekt: Projekt) -> None:
    result = leeres_projekt.run("new")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Fehler: Argument fehlt 'ART'."


# --- schema -------------------------------------------------------------------------------------


def test_schema_writes_valid_json_with_german_descriptions(leeres_projekt: Projekt, tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    result = leeres_projekt.run("schema", "-o", str(out))
    assert result.exit_code == 0, result.output
    schema = json.loads((out / "vorlage.schema.json").read_text(encoding="utf-8"))
    json.loads((out / "sitzung.schema.json").read_text(encoding="utf-8"))
    assert schema["title"] == "Drucksache (vorlagengen)"
    assert schema["additionalProperties"] is False
    props = schema["properties"]
    assert set(props) == set(Vorlage.model_fields)
    for name, field in Vorlage.model_fields.items():
        assert field.description, name
        assert props[name]["description"] == field.description
    assert set(schema["required"]) == {n for n, f in Vorlage.model_fields.items() if f.is_required()}
    # nested records document their fields too
    for definition in schema["$defs"].values():
        for name, prop in definition.get("properties", {}).items():
            assert prop.get("description"), name


def test_schema_default_target_is_schema_folder(leeres_projekt: Projekt) -> None:
    result = leeres_projekt.run("schema")
    assert result.exit_code == 0
    written = leeres_projekt.root / "schema" / "vorlage.schema.json"
    assert written.read_text(encoding="utf-8") == vorlage_schema_text()
    assert f"geschrieben: {written}" in result.stdout


def test_committed_schema_matches_model() -> None:
    """schema/vorlage.schema.json is what editors load: it must not drift from the model.
    After changing model.py run ``make schema`` (or ``python build.py schema``)."""
    committed = (REPO / "schema" / "vorlage.schema.json").read_text(encoding="utf-8")
    assert committed == vorlage_schema_text()


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_committed_schema_matches_and_describes_each_field(name: str) -> None:
    """The schemas of data/ too (editors complete data/*.yaml through the first comment line)."""
    import json

    assert (REPO / "schema" / name).read_text(encoding="utf-8") == SCHEMAS[name]()
    if not name.startswith("data-"):
        return  # the record schemas' descriptions are checked above
    for model, definition in json.loads(SCHEMAS[name]()).get("$defs", {}).items():
        for field, prop in definition.get("properties", {}).items():
            assert prop.get("description"), f"{model}.{field}"


def test_data_files_point_editors_at_their_schema() -> None:
    from vorlagengen.model.drucksache import REFERENCE_FILES

    for path in sorted(REPO / "data" / f"{name}.yaml" for name in REFERENCE_FILES):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schema/data-{path.stem}.schema.json"


# --- everything a user reads is German ----------------------------------------------------------

COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("command", [[], *[[c] for c in COMMANDS]], ids=["vorlagengen", *COMMANDS])
def test_help_is_german(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"], prog_name="vorlagengen")
    assert result.exit_code == 0
    text = result.output
    assert text.startswith(f"Aufruf: vorlagengen {' '.join(command)}".rstrip() + " ")
    assert "Optionen:" in text
    assert "Diese Hilfe anzeigen und beenden." in text
    for english in ("Usage:", "Options:", "Show this message", "Commands:", "[default:", "[required]"):
        assert english not in text, english


def test_command_list_is_german() -> None:
    result = CliRunner().invoke(cli, ["--help"], prog_name="vorlagengen")
    assert "Befehle:" in result.output
    assert {"validate", "new", "schema"} <= set(COMMANDS)


def test_unknown_option_is_german(projekt: Projekt) -> None:
    result = projekt.run("validate", "--gibts-nicht")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Fehler: Unbekannte Option „--gibts-nicht“."
    assert "Hilfe mit „vorlagengen validate --help“." in result.stderr
    assert "No such option" not in result.stderr


def test_unknown_command_is_german(projekt: Projekt) -> None:
    result = projekt.run("valdate")
    assert result.exit_code == 2
    assert "Fehler: Unbekannter Befehl „valdate“." in result.stderr
    assert "Meinten Sie" in result.stderr
    several = projekt.run("sitzungen")  # two commands come close
    assert "Meinten Sie einen von: 'site', 'sitzung'?" in several.stderr and "Did you" not in several.stderr


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"], prog_name="vorlagengen")
    assert result.exit_code == 0
    assert re.fullmatch(r"vorlagengen \d+\.\d+\.\d+\S*\n", result.output)


def test_validate_json_and_gitlab_codequality_report(projekt):
    import json

    projekt.write_text(WANDSBEK_PATH, WANDSBEK_TEXT.replace("status: öffentlich", "status: offen"))
    result = projekt.run("validate", "--json", "--codequality", "cq.json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["drucksachen"] == 2
    assert report["fehler"] == [{
        "datei": WANDSBEK_PATH, "zeile": 5, "spalte": 1, "feld": "status",
        "meldung": "ungültiger Wert „offen“. Erlaubt: öffentlich, nichtöffentlich"}]
    issues = json.loads((projekt.root / "cq.json").read_text(encoding="utf-8"))
    assert [(i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"]) for i in issues] == [
        (WANDSBEK_PATH, 5, "vorlagengen")]
    assert issues[0]["description"].startswith("status: ungültiger Wert „offen“")


def test_validate_json_of_a_valid_project(projekt):
    import json

    result = projekt.run("validate", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"drucksachen": 2, "sitzungen": 0, "fehler": []}


def test_validate_data_checks_the_project_instead_of_reading_data_as_records(tmp_path, monkeypatch):
    import shutil as _shutil

    root = tmp_path / "p"
    for name in ("data", "vorlagen", "sitzungen"):
        _shutil.copytree(REPO / name, root / name)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["validate", "data/"])
    assert result.exit_code == 0, result.output
    assert "0 Fehler" in result.output and "Drucksachen" in result.output
    (root / "data/gremien.yaml").write_text("kaputt: [", encoding="utf-8")
    broken = CliRunner().invoke(cli, ["validate", "data/gremien.yaml"])
    assert broken.exit_code == 1 and "data/gremien.yaml:" in broken.output
