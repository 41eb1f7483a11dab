"""``vorlagengen import oparl``: the real Hürtgenwald dump (tar.gz and over HTTP from a loopback
server), incremental runs, the HTTP client's retries, --dateien, and how imported records behave in
validate, build and as a Bezug."""

from __future__ import annotations

import copy
import datetime as dt
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pydantic import BaseModel

from oparl_import_support import (
    BASE,
    HUERTGENWALD,
    HUERTGENWALD_HOST,
    file_obj,
    page,
    sample,
    serving,
    unpack,
    write_dump,
)
from vorlagengen.cli import cli
from vorlagengen.load.project import load_project
from vorlagengen.load.yamlio import load_mapping
from vorlagengen.model.drucksache import Sitzung, Vorlage
from vorlagengen.oparl.fetch import ClientSettings
from vorlagengen.oparl.run import ImportSettings, run_import

HUERTGENWALD_PREFIX = "/rim4220/webservice/oparl/v1.0"
TODAY = dt.date(2026, 1, 1)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for folder in ("vorlagen", "sitzungen", "data") for p in sorted((root / folder).rglob("*.yaml"))}


def stamps(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns
            for folder in ("vorlagen", "sitzungen", "data") for p in (root / folder).rglob("*.yaml")}


@pytest.fixture(scope="module")
def huertgenwald(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result, Result]:
    """The acceptance case, once per run: import the real dump into a fresh project, validate it."""
    assert HUERTGENWALD.is_file(), (f"the acceptance dump is missing: {HUERTGENWALD} (it belongs to the repository, "
                                    "tests/daten/oparl/; VORLAGENGEN_OPARL_ABZUG names another tar.gz)")
    root = tmp_path_factory.mktemp("huertgenwald") / "projekt"
    imported = run("import", "oparl", str(HUERTGENWALD), "-C", str(root))
    return root, imported, run("-C", str(root), "validate")


def load(path: Path, model: type[BaseModel]) -> Any:
    return model.model_validate(load_mapping(path, str(path)))


def test_huertgenwald_dump_becomes_a_valid_project(huertgenwald: tuple[Path, Result, Result]) -> None:
    root, result, checked = huertgenwald
    assert result.exit_code == 0, result.output
    papers = list((root / "vorlagen" / "huertgenwald").glob("*.yaml"))
    sitzungen = list((root / "sitzungen" / "huertgenwald").glob("*.yaml"))
    assert len(papers) == 2092 and len(sitzungen) == 346
    assert "Drucksachen: 2092 neu, 23 übersprungen (18 gelöscht, 5 ohne gültiges Datum (date))" in result.output
    assert "Sitzungen: 346 neu, 21 übersprungen (21 gelöscht)" in result.output
    assert f"{HUERTGENWALD_HOST}{HUERTGENWALD_PREFIX}/body/1/paper/60: übersprungen: ohne gültiges Datum (date)" \
        in result.output
    assert checked.exit_code == 0, checked.output[-3000:]
    assert checked.output == "2092 Drucksachen, 346 Sitzungen geprüft, 0 Fehler\n"
    profile = (root / "data" / "koerperschaften.yaml").read_text(encoding="utf-8")
    assert 'nummernschema: "{nr:1}/{jahr}"' in profile and "name: Gemeinde Hürtgenwald" in profile


def test_huertgenwald_records_keep_what_the_source_says(huertgenwald: tuple[Path, Result, Result]) -> None:
    root = huertgenwald[0]
    supplement = load(root / "vorlagen/huertgenwald/180-2018-1.-Ergaenzung.yaml", Vorlage)
    assert (supplement.nummer, supplement.art, supplement.bezug, supplement.betreff) == (
        "180/2018 1. Ergänzung", "Ergänzungsvorlage", "180/2018", "Förderschule Nordeifel hier:Fortbestand bis 2023")
    assert supplement.quelle is not None and supplement.quelle.art == "Beschlussvorlage"
    assert supplement.quelle.dokument is not None
    assert supplement.quelle.dokument.url.endswith("/Beschlussvorlage_180-2018_1._Ergaenzung.pdf")
    assert supplement.sachverhalt is None and supplement.beschlussvorschlag is None  # nothing invented
    sitzung = load(root / "sitzungen/huertgenwald/2017-03-16-ba.yaml", Sitzung)
    assert [t.drucksache or t.titel for t in sitzung.tagesordnung.oeffentlich] == [
        "23/2017", "22/2017", "24/2017", "Mitteilungen", "Fragen"]
    assert [t.nummer for t in sitzung.tagesordnung.nichtoeffentlich] == ["6", "6.1", "6.11", "6.2", "7"]
    assert (sitzung.beginn, sitzung.raum) == ("18:00", "Rathaus Gemeinde Hürtgenwald, großer Sitzungssaal des Rathauses")


def source_counts(archive: Path) -> dict[str, int]:
    """What the dump holds, counted straight from its JSON (independently of the import)."""
    counts: dict[str, int] = {"membership": 0, "end": 0, "resolutionFile": 0, "auxiliaryFile": 0, "result": 0}
    with tarfile.open(archive) as tar:
        for member in tar:
            handle = tar.extractfile(member) if member.isfile() and "/body/1/" in member.name else None
            if handle is None:
                continue
            for obj in json.loads(handle.read()).get("data", []):
                counts["membership"] += len(obj.get("membership") or []) if obj.get("type", "").endswith("Person") else 0
                if obj.get("deleted") or ("agendaItem" not in obj and "start" not in obj):
                    continue
                counts["end"] += obj.get("end", "") > obj.get("start", "")
                counts["auxiliaryFile"] += len(obj.get("auxiliaryFile") or [])
                for item in obj.get("agendaItem") or []:
                    counts["resolutionFile"] += "resolutionFile" in item
                    counts["auxiliaryFile"] += len(item.get("auxiliaryFile") or [])
                    counts["result"] += bool(item.get("result")) and item["result"] != "(kein Text vorhanden)"
    return counts


def test_huertgenwald_keeps_every_membership_end_result_and_file(huertgenwald: tuple[Path, Result, Result]) -> None:
    root, result, _ = huertgenwald
    source = source_counts(HUERTGENWALD)
    project = load_project(root)
    members = [m for g in project.ref.gremien.values() for m in g.mitglieder]
    tops = [t for s in project.sitzungen for part in (s.sitzung.tagesordnung.oeffentlich,
                                                       s.sitzung.tagesordnung.nichtoeffentlich) for t in part]
    kept = {
        "membership": len(members),
        "end": sum(s.sitzung.ende is not None for s in project.sitzungen),
        "resolutionFile": sum(t.quelle is not None and t.quelle.beschluss is not None for t in tops),
        "auxiliaryFile": sum(len(t.quelle.anlagen) for t in tops if t.quelle is not None)
        + sum(len(s.sitzung.quelle.anlagen) for s in project.sitzungen if s.sitzung.quelle),  # section rows' files
        "result": sum(t.quelle is not None and t.quelle.ergebnis is not None for t in tops)}
    assert kept == source
    # every result but the 21 "(kein Text vorhanden)" of 2,030; the files of section rows are the Sitzung's
    assert source == {"membership": 533, "end": 345, "resolutionFile": 1876, "auxiliaryFile": 404, "result": 2009}
    assert f"Mitgliedschaften: {source['membership']} übernommen" in result.output
    assert {m.rolle for m in members} == {"Vorsitz", "stellvertretender Vorsitz", "Mitglied"}
    assert sum(m.bezeichnung == "Sachkundiger Bürger" for m in members) == 58  # the source's words kept
    fraktionen = {k for k, g in project.ref.gremien.items() if g.typ == "Fraktion"}
    assert sum(1 for k in fraktionen for _ in project.ref.gremien[k].mitglieder) > 0  # (no onBehalfOf in the source)


def test_huertgenwald_over_http_gives_the_same_project(huertgenwald: tuple[Path, Result, Result],
                                                       tmp_path: Path) -> None:
    root = huertgenwald[0]
    folder = unpack(HUERTGENWALD, tmp_path / "dump")
    target = tmp_path / "http"
    with serving(folder, HUERTGENWALD_PREFIX, HUERTGENWALD_HOST) as server:
        result = run("import", "oparl", f"{server.url}{HUERTGENWALD_PREFIX}/system", "-C", str(target), "--pause", "0")
        assert result.exit_code == 0, result.output
        assert len(server.requests) == 105  # the system, the body list and 103 list pages
    ours = {k: v.replace(server.url.encode(), HUERTGENWALD_HOST.encode()) for k, v in files_of(target).items()}
    assert ours == files_of(root)


def test_second_run_writes_nothing_and_a_change_touches_only_its_file(tmp_path: Path) -> None:
    lists = sample()
    dump = write_dump(tmp_path / "dump", lists)
    root = tmp_path / "projekt"
    first = run_import(ImportSettings(str(dump), root, client=ClientSettings(pause=0), today=TODAY))
    assert first.counts["Paper"]["neu"] == 3 and first.counts["Meeting"]["neu"] == 2
    before = stamps(root)
    second = run_import(ImportSettings(str(dump), root, client=ClientSettings(pause=0), today=TODAY))
    assert second.counts["Paper"] == {"unverändert": 3} and second.counts["Meeting"] == {"unverändert": 2}
    assert stamps(root) == before

    lists["paper"][1]["date"] = "2024-02-03"
    lists["paper"] = [p for p in lists["paper"] if p["id"] != f"{BASE}/paper/3"]
    write_dump(tmp_path / "dump", lists)
    third = run_import(ImportSettings(str(dump), root, client=ClientSettings(pause=0), today=TODAY))
    assert third.counts["Paper"] == {"geändert": 1, "unverändert": 1, "entfernt": 1}
    after = stamps(root)
    assert {k for k in before if before[k] != after.get(k)} == {
        "vorlagen/musterdorf/BV-2024-0008.yaml", "vorlagen/musterdorf/BV-2024-0007-1.-Ergaenzung.yaml"}
    assert not (root / "vorlagen/musterdorf/BV-2024-0007-1.-Ergaenzung.yaml").exists()
    load_project(root)


def test_a_hand_edit_is_never_overwritten_silently(tmp_path: Path) -> None:
    lists = sample()
    dump = write_dump(tmp_path / "dump", lists)
    root = tmp_path / "projekt"
    run_import(ImportSettings(str(dump), root, client=ClientSettings(pause=0), today=TODAY))
    edited = root / "vorlagen/musterdorf/BV-2024-0008.yaml"
    mine = edited.read_text(encoding="utf-8").replace("Tempo 30 vor Schulen", "Tempo 30 vor allen Schulen")
    edited.write_text(mine, encoding="utf-8")
    lists["paper"][1]["date"] = "2024-02-03"  # the source changes the same Drucksache
    write_dump(tmp_path / "dump", lists)
    again = run_import(ImportSettings(str(dump), root, client=ClientSettings(pause=0), today=TODAY))
    assert again.counts["Paper"] == {"von Hand geändert, behalten": 1, "unverändert": 2}
    assert again.problems == [("vorlagen/musterdorf/BV-2024-0008.yaml", "von Hand geändert – die lokale Fassung "
                               "bleibt, die der Quelle wird nicht geschrieben (ersetzen mit --ueberschreiben)")]
    assert edited.read_text(encoding="utf-8") == mine
    lists["paper"] = lists["paper"][:1]  # gone at the source: the edited file stays
    write_dump(tmp_path / "dump", lists)
    gone = run_import(ImportSettings(str(dump), root, client=ClientSettings(pause=0), today=TODAY))
    assert ("vorlagen/musterdorf/BV-2024-0008.yaml", "in der Quelle gelöscht, aber von Hand geändert – bleibt "
            "(entfernen von Hand oder mit --ueberschreiben)") in gone.problems
    assert edited.read_text(encoding="utf-8") == mine
    assert not (root / "vorlagen/musterdorf/BV-2024-0007-1.-Ergaenzung.yaml").exists()  # untouched: removed
    lists = sample()
    lists["paper"][1]["date"] = "2024-02-03"
    write_dump(tmp_path / "dump", lists)
    forced = run(*["import", "oparl", str(dump), "-C", str(root), "--ueberschreiben"])
    assert "BV-2024-0008.yaml: von Hand geändert – durch die Fassung der Quelle ersetzt (--ueberschreiben)" \
        in forced.output
    assert "vor allen Schulen" not in edited.read_text(encoding="utf-8") and "2024-02-03" in edited.read_text("utf-8")


def test_a_source_without_organizations_and_persons_gives_a_valid_project(tmp_path: Path) -> None:
    lists = {**sample(), "organization": [], "person": []}
    root = tmp_path / "projekt"
    report = run_import(ImportSettings(str(write_dump(tmp_path / "dump", lists)), root,
                                       client=ClientSettings(pause=0), today=TODAY))
    assert report.counts["Organization"] == {"aus Sitzungen gebildet": 2}  # named as the Meetings name them
    assert report.counts["Meeting"]["neu"] == 2 and report.counts["Consultation"]["übernommen"] == 3
    assert (root / "data" / "personen.yaml").read_text(encoding="utf-8").endswith("\n{}\n")
    assert run("-C", str(root), "validate").exit_code == 0
    built = run("-C", str(root), "site", "-o", str(tmp_path / "out"))
    assert built.exit_code == 0, built.output
    again = run_import(ImportSettings(str(write_dump(tmp_path / "dump", sample())), root,
                                      client=ClientSettings(pause=0), today=TODAY))  # later with people
    assert again.counts["Person"]["übernommen"] == 1
    assert run("-C", str(root), "validate").exit_code == 0


def test_sample_maps_every_part(tmp_path: Path) -> None:
    root = tmp_path / "projekt"
    run_import(ImportSettings(str(write_dump(tmp_path / "dump", sample())), root,
                              client=ClientSettings(pause=0), today=TODAY))
    project = load_project(root)
    v = next(r.vorlage for r in project.records if r.vorlage.nummer == "BV/2024/0007")
    assert (v.art, v.federfuehrend, v.status) == ("Beschlussvorlage", "musterdorf-fachbereich-bauen", "öffentlich")
    assert [(s.gremium, s.datum.isoformat(), s.top, s.zustaendigkeit, s.oeffentlich, s.ergebnis, s.abstimmung)
            for s in v.beratungsfolge] == [
        ("musterdorf-ba", "2024-02-15", "2", "Vorberatung", True, "zur Kenntnis genommen",
         "einstimmig zur Kenntnis genommen"),
        ("musterdorf-gr", "2024-03-07", "1", "Entscheidung", True, None, None)]
    assert v.quelle is not None and [(a.name, a.groesse, a.mime) for a in v.quelle.anlagen] == [
        ("Lageplan", 1002, "application/pdf")]
    assert v.quelle.web == "https://ris.example.org/oparl/vo020?VOLFDNR=7"
    antrag = next(r.vorlage for r in project.records if r.vorlage.nummer == "BV/2024/0008")
    assert (antrag.art, antrag.initiator, antrag.bezug) == ("Antrag", "musterdorf-fraktion-gruene", "BV/2024/0007")
    assert project.ref.gremien["musterdorf-gr"].typ == "Vertretung"
    assert project.ref.gremien["musterdorf-fraktion-gruene"].typ == "Fraktion"
    assert project.ref.personen["musterdorf-muster-eva"].name_mit_anrede == "Frau Dr. Eva Muster"
    sitzung = next(s.sitzung for s in project.sitzungen if s.sitzung.gremium == "musterdorf-ba")
    assert (sitzung.ort, sitzung.raum, sitzung.einladungsdatum) == ("Markt 1, 12345 Musterdorf", "Ratssaal", None)
    assert [t.titel for t in sitzung.tagesordnung.nichtoeffentlich] == [None, "Grundstücke"]


def test_the_import_keeps_memberships_terms_end_results_files_and_open_steps(tmp_path: Path) -> None:
    lists = copy.deepcopy(sample())
    lists["body"][0]["web"] = "https://ris.example.org/bi/"
    lists["body"][0]["legislativeTerm"] = [
        {"id": f"{BASE}/term/2", "name": "Wahlperiode 2020-2025", "startDate": "2020-11-01", "endDate": "2025-10-31"},
        {"id": f"{BASE}/term/1", "name": "Wahlperiode 2014-2020", "startDate": "2014-06-01", "endDate": "2020-10-31"}]
    lists["paper"][1]["web"] = "N/Avo020.asp?VOLFDNR=8"
    lists["person"][0]["membership"] = [
        {"id": f"{BASE}/membership/1", "organization": f"{BASE}/organization/3", "role": "Ausschussvorsitzende",
         "votingRight": True, "onBehalfOf": f"{BASE}/organization/5", "startDate": "2020-11-01"},
        {"id": f"{BASE}/membership/2", "organization": f"{BASE}/organization/2", "role": "Sachkundige Bürgerin",
         "votingRight": False, "startDate": "2014-06-01", "endDate": "2020-10-31"},
        {"id": f"{BASE}/membership/3", "organization": f"{BASE}/organization/4", "role": "Leitung"}]
    meeting = lists["meeting"][0]
    meeting["end"] = "2024-02-15T19:45:00+01:00"
    meeting["agendaItem"][0]["result"] = "zur Kenntnis genommen"  # Eröffnung: a TOP without Drucksache
    meeting["agendaItem"][1]["resolutionFile"] = file_obj(20, "Beschlusstext")
    meeting["agendaItem"][1]["auxiliaryFile"] = [file_obj(21, "Präsentation")]
    lists["paper"][1]["consultation"].append(  # planned in a committee, no Meeting yet
        {"id": f"{BASE}/consultation/9", "paper": f"{BASE}/paper/2", "organization": [f"{BASE}/organization/2"],
         "role": "Entscheidung"})
    root = tmp_path / "projekt"
    report = run_import(ImportSettings(str(write_dump(tmp_path / "dump", lists)), root,
                                       client=ClientSettings(pause=0), today=TODAY))
    assert report.counts["Membership"] == {"übernommen": 2} and report.skipped["Membership"] == {
        "Organisation ist kein Gremium (oder fehlt)": 1}
    assert report.counts["Ergebnis"]["übernommen"] == 2 and report.counts["Datei am TOP"]["übernommen"] == 2
    project = load_project(root)
    assert [(w.nr, w.von.isoformat(), w.bis.isoformat() if w.bis else None)
            for w in project.ref.koerperschaften["musterdorf"].wahlperioden] == [
        (1, "2014-06-01", "2020-10-31"), (2, "2020-11-01", "2025-10-31")]
    assert [m.model_dump(exclude_defaults=True) for m in project.ref.gremien["musterdorf-ba"].mitglieder] == [
        {"person": "musterdorf-muster-eva", "fraktion": "musterdorf-fraktion-gruene", "rolle": "Vorsitz",
         "bezeichnung": "Ausschussvorsitzende", "von": dt.date(2020, 11, 1)}]
    assert [m.model_dump(exclude_defaults=True) for m in project.ref.gremien["musterdorf-gr"].mitglieder] == [
        {"person": "musterdorf-muster-eva", "stimmberechtigt": False, "bezeichnung": "Sachkundige Bürgerin",
         "von": dt.date(2014, 6, 1), "bis": dt.date(2020, 10, 31)}]
    ba = next(s.sitzung for s in project.sitzungen if s.sitzung.gremium == "musterdorf-ba")
    assert ba.ende == "19:45"
    eroeffnung, kita = ba.tagesordnung.oeffentlich
    assert eroeffnung.quelle is not None and eroeffnung.quelle.ergebnis == "zur Kenntnis genommen"
    assert kita.quelle is not None and kita.quelle.ergebnis == "einstimmig zur Kenntnis genommen"
    assert kita.quelle.beschluss is not None and kita.quelle.beschluss.name == "Beschlusstext"
    assert [a.url for a in kita.quelle.anlagen] == [f"{BASE}/files/21.pdf"]
    antrag = next(r.vorlage for r in project.records if r.vorlage.nummer == "BV/2024/0008")
    assert [(s.gremium, s.datum, s.erledigt) for s in antrag.beratungsfolge] == [
        ("musterdorf-ba", dt.date(2024, 2, 15), True), ("musterdorf-gr", None, False)]
    assert antrag.quelle is not None and antrag.quelle.web == "https://ris.example.org/bi/N/Avo020.asp?VOLFDNR=8"
    kita_vorlage = next(r.vorlage for r in project.records if r.vorlage.nummer == "BV/2024/0007")
    assert kita_vorlage.quelle is not None and kita_vorlage.quelle.web == "https://ris.example.org/vo020?VOLFDNR=7"
    assert run("-C", str(root), "validate").exit_code == 0


def test_a_consultation_is_done_only_as_far_as_the_source_says(tmp_path: Path) -> None:
    lists = copy.deepcopy(sample())
    paper = lists["paper"][0]
    for cons in paper["consultation"]:
        del cons["agendaItem"]  # the Meetings happened, but the Paper was on no agenda item
    root = tmp_path / "projekt"
    run_import(ImportSettings(str(write_dump(tmp_path / "dump", lists)), root, client=ClientSettings(pause=0),
                              today=TODAY))
    v = next(r.vorlage for r in load_project(root).records if r.vorlage.nummer == "BV/2024/0007")
    # not erledigt: the Consultation names no agenda item (the TOP a step shows comes from the imported
    # agenda itself, where the Meeting still lists the Paper)
    assert [(s.datum.isoformat() if s.datum else None, s.erledigt) for s in v.beratungsfolge] == [
        ("2024-02-15", False), ("2024-03-07", False)]


def test_imported_records_are_not_typeset_and_can_be_a_bezug(tmp_path: Path) -> None:
    root = tmp_path / "projekt"
    report = run_import(ImportSettings(str(write_dump(tmp_path / "dump", sample())), root,
                                       client=ClientSettings(pause=0), today=TODAY))
    # three Papers are too few to read the council's number scheme off: the clerk is asked to write it
    assert ("Nummernschema von „musterdorf“: aus 3 Drucksachen nicht sicher ablesbar (nötig: mindestens 10, die zu "
            "60% einer Form folgen) – vorläufig „{nr:1}/{jahr}“; bitte in data/koerperschaften.yaml eintragen"
            ) in report.notes
    profile = root / "data" / "koerperschaften.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace('"{nr:1}/{jahr}"', '"BV/{jahr}/{nr:4}"'),
                       encoding="utf-8")
    (root / "vorlagen" / "musterdorf" / "neu.yaml").write_text(
        'nummer: "BV/2026/0001"\ndatum: 2026-01-10\nkoerperschaft: musterdorf\nart: Stellungnahme\n'
        "status: öffentlich\nbetreff: Stellungnahme zum Antrag\nbezug: BV/2024/0008\nsachverhalt: Text.\n",
        encoding="utf-8")
    assert run("-C", str(root), "validate").exit_code == 0
    (root / "vorlagen" / "musterdorf" / "neu.yaml").unlink()
    built = run("-C", str(root), "build", "-o", str(tmp_path / "out"))
    assert built.exit_code == 0, built.output
    assert "3 Drucksachen: 0 Dateien geschrieben, 0 unverändert, 3 übernommene nicht neu gesetzt" in built.output
    sitzungen = run("-C", str(root), "sitzung", "-o", str(tmp_path / "out"))
    assert sitzungen.exit_code == 0, sitzungen.output
    assert "2 übernommene Sitzungen: Unterlagen stehen im Quellsystem, nichts erstellt" in sitzungen.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.pdf"))


def test_imported_record_without_quelle_is_checked_in_full(tmp_path: Path) -> None:
    root = tmp_path / "projekt"
    run_import(ImportSettings(str(write_dump(tmp_path / "dump", sample())), root,
                              client=ClientSettings(pause=0), today=TODAY))
    path = root / "vorlagen/musterdorf/BV-2024-0008.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("quelle:")], encoding="utf-8")
    result = run("-C", str(root), "validate")
    assert result.exit_code == 1
    assert "BV-2024-0008.yaml:6:1: art: eine Antrag braucht das Feld „beschlussvorschlag“, es fehlt oder ist leer\n" \
        in result.output
    assert "beratungsfolge[0].zustaendigkeit: Pflichtfeld fehlt" not in result.output  # the sample has roles


def test_http_client_retries_and_fails_in_german(tmp_path: Path) -> None:
    folder = write_dump(tmp_path / "dump", sample())
    for each in folder.rglob("*.json"):
        each.write_text(each.read_text(encoding="utf-8").replace(BASE, "http://HOST/oparl/v1.1"), encoding="utf-8")
    with serving(folder, "/oparl/v1.1", "http://HOST") as server:
        server.failures = {"/oparl/v1.1/body/1/paper": 503}
        settings = ClientSettings(pause=0, backoff=0.01)
        report = run_import(ImportSettings(f"{server.url}/oparl/v1.1/system", tmp_path / "p", client=settings,
                                           today=TODAY))
        assert report.counts["Paper"]["neu"] == 3
        assert server.requests.count("/oparl/v1.1/body/1/paper") == 2  # failed once, then fetched
        server.requests.clear()
        before = stamps(tmp_path / "p")
        again = run_import(ImportSettings(f"{server.url}/oparl/v1.1/system", tmp_path / "p", client=settings,
                                          today=TODAY))
        assert again.counts["Paper"] == {"unverändert": 3} and stamps(tmp_path / "p") == before
        lists = [r for r in server.requests if "/body/1/" in r]
        assert len(lists) == 4 and all("modified_since=" in r for r in lists)  # only what changed is asked for
        missing = run("import", "oparl", f"{server.url}/oparl/v1.1/nichts", "-C", str(tmp_path / "q"))
        assert missing.exit_code == 1
        assert missing.output.endswith(f"Fehler: {server.url}/oparl/v1.1/nichts: HTTP 404 Not Found\n")
    gone = run("import", "oparl", server.url + "/oparl/v1.1/system", "-C", str(tmp_path / "r"), "--versuche", "2",
               "--timeout", "1")
    assert gone.exit_code == 1 and "nach 2 Versuchen nicht erreichbar (ConnectError" in gone.output


def test_interrupted_fetch_resumes_at_the_page_where_it_stopped(tmp_path: Path) -> None:
    lists = sample()
    folder = write_dump(tmp_path / "dump", {**lists, "paper": lists["paper"][:2]})
    paper = folder / "body" / "1" / "paper.json"
    first = json.loads(paper.read_text(encoding="utf-8"))
    first["links"] = {"next": f"{BASE}/body/1/paper?page=2"}
    paper.write_text(json.dumps(first), encoding="utf-8")
    (folder / "body" / "1" / "paper?page=2.json").write_text(json.dumps(page(lists["paper"][2:])), encoding="utf-8")
    for each in folder.rglob("*.json"):
        each.write_text(each.read_text(encoding="utf-8").replace(BASE, "http://HOST/oparl/v1.1"), encoding="utf-8")
    root = tmp_path / "projekt"
    with serving(folder, "/oparl/v1.1", "http://HOST") as server:
        url = f"{server.url}/oparl/v1.1/system"
        server.failures = {"/oparl/v1.1/body/1/paper?page=2": 404}
        broken = run("import", "oparl", url, "-C", str(root), "--pause", "0")
        assert broken.exit_code == 1 and "paper?page=2: HTTP 404" in broken.output
        assert not (root / "vorlagen").exists()  # nothing half-written: mapping waits for a complete fetch
        server.requests.clear()
        resumed = run("import", "oparl", url, "-C", str(root), "--pause", "0")
        assert resumed.exit_code == 0, resumed.output
        lists_asked = [r for r in server.requests if "/body/1/" in r]
        assert lists_asked == ["/oparl/v1.1/body/1/paper?page=2"]  # the finished lists are not fetched again
        assert "Drucksachen: 3 neu" in resumed.output


def test_dateien_go_into_a_content_addressed_store_once(tmp_path: Path) -> None:
    folder = write_dump(tmp_path / "dump", sample())
    for each in folder.rglob("*.json"):
        each.write_text(each.read_text(encoding="utf-8").replace(BASE, "http://HOST/oparl/v1.1"), encoding="utf-8")
    root = tmp_path / "projekt"
    with serving(folder, "/oparl/v1.1", "http://HOST") as server:
        url = f"{server.url}/oparl/v1.1/system"
        result = run("import", "oparl", url, "-C", str(root), "--dateien", "--pause", "0")
        assert result.exit_code == 0, result.output
        assert "Dateien: 3 verknüpft (bleiben unter ihrer Adresse), 3 neu heruntergeladen" in result.output
        v = next(r.vorlage for r in load_project(root).records if r.vorlage.nummer == "BV/2024/0007")
        assert v.quelle is not None and v.quelle.dokument is not None and v.quelle.dokument.sha256
        digest = v.quelle.dokument.sha256
        stored = root / ".cache" / "dateien" / "sha256" / digest[:2] / digest
        assert stored.read_bytes() == b"%PDF-1.4 files/1.pdf"
        server.requests.clear()
        again = run("import", "oparl", url, "-C", str(root), "--dateien", "--pause", "0")
        assert "0 neu heruntergeladen" in again.output
        assert not [r for r in server.requests if "/files/" in r]
    assert ".cache/" in (root / ".gitignore").read_text(encoding="utf-8").split()


def test_window_seit_bis(tmp_path: Path) -> None:
    root = tmp_path / "projekt"
    report = run_import(ImportSettings(str(write_dump(tmp_path / "dump", sample())), root, seit=dt.date(2024, 2, 2),
                                       bis=dt.date(2024, 2, 28), client=ClientSettings(pause=0), today=TODAY))
    assert report.counts["Paper"]["neu"] == 2 and report.skipped["Paper"]["außerhalb des Zeitraums"] == 1
    assert report.counts["Meeting"]["neu"] == 1
    load_project(root)


def test_unknown_source_is_a_german_error(tmp_path: Path) -> None:
    result = run("import", "oparl", str(tmp_path / "fehlt.tar.gz"), "-C", str(tmp_path / "p"))
    assert result.exit_code == 1
    assert result.output == f"Fehler: {tmp_path / 'fehlt.tar.gz'}: Datei oder Ordner nicht gefunden\n"
    (tmp_path / "kaputt").mkdir()
    (tmp_path / "kaputt" / "body.json").write_text("{kein json", encoding="utf-8")
    result = run("import", "oparl", str(tmp_path / "kaputt"), "-C", str(tmp_path / "p"))
    assert result.exit_code == 1 and result.output.endswith("\nFehler: body.json: kein gültiges JSON (Zeile 1, Spalte 2)\n")
    assert not (tmp_path / "p").exists()  # nothing half-written


def test_huertgenwald_contact_reaches_the_accessibility_statement(huertgenwald: tuple[Path, Result, Result]) -> None:
    root = huertgenwald[0]
    website = load_mapping(root / "data" / "website.yaml", "website.yaml")
    assert (website["kontakt_email"], website["koerperschaft"], website["titel"]) == (
        "sdnetrim@kdvz-frechen.de", "huertgenwald", "Bürgerinformation Gemeinde Hürtgenwald")
