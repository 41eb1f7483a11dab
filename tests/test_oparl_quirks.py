"""Each real-world OParl quirk with a minimal sample: what the server sends, what the record holds."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from oparl_import_support import BASE, T, sample, write_dump
from vorlagengen.load.project import load_project
from vorlagengen.oparl.context import MapContext
from vorlagengen.oparl.fetch import ClientSettings
from vorlagengen.oparl.ids import IdMap, absolute
from vorlagengen.oparl.papers import map_art
from vorlagengen.oparl.quirks import Quirks, clean, quirks_for, section_row, top_number
from vorlagengen.oparl.report import Report
from vorlagengen.oparl.run import ImportSettings, run_import
from vorlagengen.oparl.scheme import Sample, infer
from vorlagengen.oparl.source import collect
from vorlagengen.oparl.write import scalar

TODAY = dt.date(2026, 1, 1)


def imported(tmp_path: Path, lists: dict[str, list[dict[str, Any]]]) -> Path:
    """Import the lists as a dump into a fresh project, check that it validates, return the project."""
    dump = write_dump(tmp_path / "dump", lists)
    root = tmp_path / "projekt"
    run_import(ImportSettings(str(dump), root, client=ClientSettings(pause=0), today=TODAY))
    load_project(root)  # raises ValidationFailed on any problem
    return root


def record(root: Path, rel: str) -> dict[str, Any]:
    return YAML(typ="safe").load((root / rel).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_broken_time_zone_is_repaired() -> None:
    # ALLRIS: "+01::00"
    assert clean({"start": "2019-02-14T18:00:00+01::00"}) == {"start": "2019-02-14T18:00:00+01:00"}


def test_short_mime_type_becomes_a_media_type() -> None:
    # ALLRIS: mimeType "pdf"
    assert clean({"mimeType": "pdf"})["mimeType"] == "application/pdf"
    assert clean({"mimeType": "application/pdf"})["mimeType"] == "application/pdf"


def test_null_inside_arrays_is_dropped() -> None:
    # ALLRIS: "auxiliaryFile": [null], "organization": [null, "…"]
    assert clean({"auxiliaryFile": [None], "organization": [None, "x"]}) == {"auxiliaryFile": [], "organization": ["x"]}


def test_relative_file_url_is_made_absolute_against_the_object_and_web_against_the_front_end() -> None:
    # SessionNet: "web": "vo0050.asp?__kvonr=123" names a page of the web front end, not of the API
    obj = {"id": "https://ris.example.org/oparl/paper/5", "web": "../vo0050.asp?__kvonr=123",
           "mainFile": {"id": "https://ris.example.org/oparl/file/9", "accessUrl": "getfile.asp?id=9"}}
    out = clean(obj)
    assert out["web"] == "../vo0050.asp?__kvonr=123"  # resolved when mapped (MapContext.web_link)
    assert out["mainFile"]["accessUrl"] == "https://ris.example.org/oparl/file/getfile.asp?id=9"
    objects = collect([("body", {"data": [{"id": "https://ris.example.org/oparl/body/1", "type": T + "Body",
                                           "web": "https://ris.example.org/bi/info.asp"}]})])
    ctx = MapContext(objects, Quirks(), Report(), IdMap(None), TODAY)
    assert ctx.web_link(out) == "https://ris.example.org/vo0050.asp?__kvonr=123"
    assert ctx.web_link({"web": "N/Avo020.asp?VOLFDNR=8"}) == "https://ris.example.org/bi/N/Avo020.asp?VOLFDNR=8"
    assert ctx.web_link({"web": "https://other.example.org/x"}) == "https://other.example.org/x"
    bare = MapContext(collect([]), Quirks(), Report(), IdMap(None), TODAY)  # no Body page: against the object
    assert bare.web_link(obj) == "https://ris.example.org/oparl/vo0050.asp?__kvonr=123"


# absolute() skips urljoin for URLs it gives back unchanged; these would be changed or resolved by it
_URLS = ["https://ris.example.org/oparl/file/9", "http://ris.example.org", "https://ris.example.org:8443/a/b",
         "https://ris.example.org//a//b/../c", "https://ris.example.org/a?x=1&y=%20", "https://RIS.example.org/ä?ö",
         "https://ris.example.org/a?", "https://ris.example.org/a#", "https://ris.example.org/a#frag",
         "https://ris.example.org/a;", "https://ris.example.org/a;p=1?q", "HTTPS://ris.example.org/a",
         "Https://ris.example.org/a", " https://ris.example.org/a", "https://ris.example.org/a b",
         "https://ris.example.org/a\tb", "https://ris.example.org/a\nb", "https://ris.example.org/a\x01",
         "https://[::1]/a", "https://user:pw@ris.example.org/a", "https://ris.example.org:/a",
         "https:ris.example.org/a", "https:/a", "https://", "http://ris.example.org/a", "ftp://ris.example.org/a",
         "//ris.example.org/a", "/a/b", "getfile.asp?id=9", "../x", "?id=1", "#f", "https://ris.example.org/a?b?c"]


@pytest.mark.parametrize("base", ["https://ris.example.org/oparl/file/9", "http://ris.example.org/x", ""])
def test_absolute_gives_what_urljoin_gives(base: str) -> None:
    from urllib.parse import urljoin

    for url in _URLS:
        assert absolute(url, base) == (urljoin(base, url) if url else url), url


def test_record_values_are_written_as_yaml_reads_them_back() -> None:
    texts = ["Bauausschuss", "ja", "Nein", "BV/2024/0007", "12", "a: b", "\"zitiert\" \\ x",
             "Zeile\nzwei\tTab", "\x00\x1f", "\u2028\u2029\ufeff", "Straße – „Öffentlich“", " ", ""]
    for text in texts:
        written = scalar(text)
        assert YAML(typ="safe").load(f"k: {written}")["k"] == text, text
        assert written in (text, json.dumps(text, ensure_ascii=False)), text
    assert (scalar(True), scalar(False), scalar(0)) == ("ja", "nein", "0")
    assert scalar("2024-01-31") == scalar(dt.date(2024, 1, 31)) == "2024-01-31"  # a date, bare


def test_hard_line_breaks_in_names_become_spaces(tmp_path: Path) -> None:
    # SD.NET: "Förderschule Nordeifel\nhier:Fortbestand …" with indentation after the break
    lists = sample()
    lists["paper"][1]["name"] = "Antrag:\n         Tempo 30\nvor Schulen"
    root = imported(tmp_path, lists)
    assert record(root, "vorlagen/musterdorf/BV-2024-0008.yaml")["betreff"] == "Antrag: Tempo 30 vor Schulen"


def test_section_rows_split_the_agenda_when_public_is_missing(tmp_path: Path) -> None:
    # SD.NET (OParl 1.0): no AgendaItem.public; rows "A Öffentliche Sitzung" / "B Nichtöffentliche Sitzung"
    lists = sample()
    items = lists["meeting"][0]["agendaItem"]
    for item in items:
        del item["public"]
    a = {"id": f"{BASE}/agendaitem/90", "type": T + "AgendaItem", "number": "A", "name": "Öffentliche Sitzung"}
    b = {"id": f"{BASE}/agendaitem/91", "type": T + "AgendaItem", "number": "B", "name": "Nichtöffentliche Sitzung"}
    for item in items:
        del item["order"]
    lists["meeting"][0]["agendaItem"] = [a, items[0], items[1], b, items[2], items[3]]
    root = imported(tmp_path, lists)
    agenda = record(root, "sitzungen/musterdorf/2024-02-15-ba.yaml")["tagesordnung"]
    assert [t.get("titel", t.get("drucksache")) for t in agenda["oeffentlich"]] == ["Eröffnung", "BV/2024/0007"]
    assert [t.get("titel", t.get("drucksache")) for t in agenda["nichtoeffentlich"]] == ["BV/2024/0008", "Grundstücke"]
    step = record(root, "vorlagen/musterdorf/BV-2024-0008.yaml")["beratungsfolge"][0]
    assert step["oeffentlich"] == "nein"  # the Beratung follows the part its item stands in


@pytest.mark.parametrize(("name", "number", "public"), [
    ("Öffentliche Sitzung", "A", True), ("Nichtöffentliche Sitzung", "B", False),
    ("< Sitzungsteil öffentlich >", "", True), ("< Sitzungsteil nichtöffentlich >", "", False),
    ("Nicht öffentlicher Teil", "", False), ("Öffentliche Sitzung", "3", None), ("Mitteilungen", "A", None)])
def test_section_row_recognition(name: str, number: str, public: bool | None) -> None:
    assert section_row({"name": name, "number": number}) is public


def test_missing_consultation_role_leaves_zustaendigkeit_open(tmp_path: Path) -> None:
    # SD.NET: no Consultation.role. Nothing is invented; validate accepts it for imported records only.
    lists = sample()
    for paper in lists["paper"]:
        for cons in paper.get("consultation", []):
            del cons["role"]
    root = imported(tmp_path, lists)
    steps = record(root, "vorlagen/musterdorf/BV-2024-0007.yaml")["beratungsfolge"]
    assert [s.get("zustaendigkeit") for s in steps] == [None, None]
    assert [s["gremium"] for s in steps] == ["musterdorf-ba", "musterdorf-gr"]  # in order of the dates


def test_oparl_1_0_and_1_1_types_are_both_read(tmp_path: Path) -> None:
    lists = sample()
    for paper in lists["paper"]:
        paper["type"] = paper["type"].replace("/1.1/", "/1.0/")
    root = imported(tmp_path, lists)
    assert (root / "vorlagen/musterdorf/BV-2024-0007.yaml").exists()
    assert record(root, "vorlagen/musterdorf/BV-2024-0008.yaml")["quelle"]["url"] == f"{BASE}/paper/2"


def test_vendor_fix_up_top_numbers_with_a_dot() -> None:
    # Sternberg SD.NET numbers TOPs "1.", "6.1"; other vendors' numbers stay as they are
    sternberg = quirks_for({"vendor": "https://www.sitzungsdienst.net/", "name": "SD.NET RIM"})
    assert sternberg == Quirks(top_number_dot=True)
    assert top_number("1.", sternberg) == "1"
    assert top_number("1.", quirks_for({"vendor": "https://www.cc-egov.de/"})) == "1."


def test_supplement_in_the_reference_is_an_ergaenzungsvorlage_with_the_original_kept(tmp_path: Path) -> None:
    # SD.NET: "180/2018 1. Ergänzung" with paperType Beschlussvorlage
    assert map_art("Beschlussvorlage", "180/2018 1. Ergänzung") == ("Ergänzungsvorlage", "Beschlussvorlage")
    assert map_art("Antrag der Fraktion", "1/2020") == ("Antrag", "Antrag der Fraktion")
    assert map_art("Mitteilungsvorlage", "1/2020") == ("Mitteilungsvorlage", None)
    assert map_art("Sonstiges", "1/2020") == ("Drucksache", "Sonstiges")
    root = imported(tmp_path, sample())
    rec = record(root, "vorlagen/musterdorf/BV-2024-0007-1.-Ergaenzung.yaml")
    assert (rec["nummer"], rec["art"], rec["bezug"], rec["quelle"]["art"]) == (
        "BV/2024/0007 1. Ergänzung", "Ergänzungsvorlage", "BV/2024/0007", "Beschlussvorlage")


def test_number_scheme_is_inferred_from_the_references() -> None:
    def scheme(*refs: tuple[str, int, str]) -> tuple[str, dict[str, str]] | None:
        found = infer([Sample(r, dt.date(y, 1, 1), a) for r, y, a in refs])
        return (found.pattern, found.art_kuerzel) if found else None

    assert scheme(("102/2002", 2002, "B"), ("4/2019", 2019, "B"), ("180/2018 1. Ergänzung", 2019, "B")) == (
        "{nr:1}/{jahr}", {})
    assert scheme(("2017/AN/2460", 2017, "Antrag"), ("2017/BV/0012", 2017, "Beschlussvorlage")) == (
        "{jahr}/{art}/{nr:4}", {"Antrag": "AN", "Beschlussvorlage": "BV"})
    assert scheme(("VO/8321/19", 2019, "B"), ("VO/8322/20", 2020, "B")) == ("VO/{nr:1}/{jj}", {})
    assert scheme(("DrS/2011/054", 2011, "B"), ("DrS/2011/101", 2011, "B")) == ("DrS/{jahr}/{nr:3}", {})


def test_deleted_objects_are_skipped_without_a_problem(tmp_path: Path) -> None:
    lists = sample()
    lists["paper"].append({"id": f"{BASE}/paper/9", "deleted": True, "modified": "2024-04-01T00:00:00+01:00"})
    dump = write_dump(tmp_path / "dump", lists)
    report = run_import(ImportSettings(str(dump), tmp_path / "p", client=ClientSettings(pause=0), today=TODAY))
    assert report.skipped["Paper"]["gelöscht"] == 1
    assert report.problems == []


def test_paper_without_date_is_skipped_and_named(tmp_path: Path) -> None:
    lists = copy.deepcopy(sample())
    del lists["paper"][1]["date"]
    dump = write_dump(tmp_path / "dump", lists)
    report = run_import(ImportSettings(str(dump), tmp_path / "p", client=ClientSettings(pause=0), today=TODAY))
    assert report.problems == [(f"{BASE}/paper/2", "übersprungen: ohne gültiges Datum (date)")]
    # the TOP of that Paper keeps its title instead of pointing at a Drucksache that is not there
    load_project(tmp_path / "p")


def test_control_characters_of_a_source_become_spaces() -> None:
    # a real server's text may hold DEL or a C0/C1 control: written as it is, the record could not be read
    cleaned = clean({"id": "https://x.example/p/1", "name": "Haus\x7fhalt", "keyword": ["a\x07b"],
                     "text": "Zeile\x1beins\tmit Tab\nzwei\x85drei"})
    assert cleaned["name"] == "Haus halt"
    assert cleaned["keyword"] == ["a b"]
    assert cleaned["text"] == "Zeile eins\tmit Tab\nzwei drei"
