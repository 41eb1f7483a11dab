"""The OParl 1.1 export: valid against the official schema, references resolve and are listed, ids are
their URLs, lists paginate, files carry size and checksum, deleted objects stay as tombstones; and
``vorlagengen serve`` over loopback: CORS, filters, deleted objects for modified_since."""

from __future__ import annotations

import hashlib
import json
import socket
import urllib.request
from pathlib import Path

import pytest

from oparl_support import check_export, follow_pages
from site_support import build, copy_demo, serving

BASE = "https://ratsinfo.example.org/"


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("oparl")
    root = copy_demo(base / "projekt")
    build(root, base / "build", BASE, seitengroesse=10, kontakt_email="ratsbuero@example.org",
          lizenz="https://creativecommons.org/licenses/by/4.0/")
    return base / "build" / "oeffentlich" / "site"


def load(site: Path, rel: str) -> dict:
    return json.loads((site / "oparl" / rel).read_text(encoding="utf-8"))


def test_export_is_valid_and_consistent(export: Path) -> None:
    assert check_export(export, BASE) == []
    for path in sorted((export / "oparl").rglob("*.json")):  # compact UTF-8 JSON, one line each
        data = path.read_bytes()
        assert data == (json.dumps(json.loads(data), ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def test_system_body_and_paper(export: Path) -> None:
    system = load(export, "system.json")
    assert system["oparlVersion"] == "https://schema.oparl.org/1.1/" and system["contactEmail"] == "ratsbuero@example.org"
    bodies = load(export, "bodies.json")["data"]
    assert [b["shortName"] for b in bodies] == ["lueneburg", "rostock", "saarbruecken", "segeberg", "wandsbek"]
    paper = load(export, "body/wandsbek/paper/19-0171.json")
    assert paper["reference"] == "19/0171" and paper["paperType"] == "Beschlussvorlage"
    assert paper["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert paper["mainFile"]["accessUrl"] == BASE + "dokumente/wandsbek/19-0171.pdf"
    assert [f["name"] for f in paper["auxiliaryFile"]] == ["Anlage 1: Lageplan Spielplatz Rahlstedter Höhe"]
    consultation = paper["consultation"][0]
    assert consultation["meeting"] == BASE + "oparl/body/wandsbek/meeting/wandsbek-jha-2011-05-11.json"
    assert consultation["role"] == "Empfehlung" and "authoritative" not in consultation  # not claimed
    stellungnahme = load(export, "body/rostock/paper/2017-an-2460-01.json")
    assert "relatedPaper" not in stellungnahme  # its Bezug is in the Altbestand, not an exported Paper


def test_members_are_persons_with_memberships(export: Path) -> None:
    org = load(export, "body/wandsbek/organization/wandsbek-jha.json")
    assert len(org["membership"]) == 8
    person = load(export, "body/wandsbek/person/wandsbek-jha-krause.json")
    [membership] = person["membership"]
    assert membership["organization"] == org["id"] and membership["role"] == "beratendes Mitglied"
    assert membership["votingRight"] is False
    listed = load(export, "body/wandsbek/persons.json")["data"]
    assert {p["id"].rsplit("/", 1)[-1] for p in listed} >= {"wandsbek-vorsitz-jha.json", "wandsbek-jha-krause.json"}


def test_file_objects_have_size_type_and_checksum(export: Path) -> None:
    item = load(export, "body/wandsbek/file/19-0171-anlage-1.json")
    data = (export / "dokumente/wandsbek/19-0171/anlage-1.png").read_bytes()
    assert item["size"] == len(data) and item["mimeType"] == "image/png"
    assert item["sha512Checksum"] == hashlib.sha512(data).hexdigest()
    assert item["paper"] == [BASE + "oparl/body/wandsbek/paper/19-0171.json"]


def test_meeting_has_public_agenda_only(export: Path) -> None:
    meeting = load(export, "body/wandsbek/meeting/wandsbek-jha-2011-05-11.json")
    numbers = [a["number"] for a in meeting["agendaItem"]]
    assert numbers == ["Ö 1", "Ö 2", "Ö 3", "Ö 4", "12", "12.7", "Ö 13"]
    assert [a["order"] for a in meeting["agendaItem"]] == list(range(7))  # the spec counts from 0
    assert all(a["public"] for a in meeting["agendaItem"])
    assert meeting["invitation"]["name"] == "Bekanntmachung"
    assert meeting["start"] == "2011-05-11T17:30:00+02:00"


def test_meeting_results_protocol_is_the_public_niederschrift(export: Path) -> None:
    meeting = load(export, "body/wandsbek/meeting/wandsbek-jha-2011-05-11.json")
    protocol = meeting["resultsProtocol"]
    assert protocol["accessUrl"] == BASE + "dokumente/sitzungen/wandsbek-jha-2011-05-11/Niederschrift.pdf"
    assert protocol["mimeType"] == "application/pdf" and protocol["meeting"] == [meeting["id"]]
    data = (export / "dokumente/sitzungen/wandsbek-jha-2011-05-11/Niederschrift.pdf").read_bytes()
    assert protocol["size"] == len(data) and protocol["sha512Checksum"] == hashlib.sha512(data).hexdigest()
    assert protocol["id"] in {f["id"] for f in follow_pages(export, BASE, BASE + "oparl/body/wandsbek/files.json")}
    assert "auxiliaryFile" not in meeting  # the Niederschrift is not listed twice
    results = {a["number"]: a.get("result") for a in meeting["agendaItem"]}
    assert results["Ö 2"] == "ungeändert beschlossen"  # a TOP without Drucksache: from the Niederschrift
    assert results["12.7"] == "ungeändert beschlossen"
    everything = [m for body in ("lueneburg", "rostock", "saarbruecken", "segeberg", "wandsbek")
                  for m in follow_pages(export, BASE, BASE + f"oparl/body/{body}/meetings.json")]
    assert len(everything) == 2 and all("verbatimProtocol" not in m for m in everything)  # no Wortprotokoll kept


def test_meeting_without_niederschrift_has_no_results_protocol(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "projekt")
    (root / "sitzungen/lueneburg-sga-2019-04-04.niederschrift.yaml").unlink()
    build(root, tmp_path / "build", BASE)
    site = tmp_path / "build/oeffentlich/site"
    meeting = load(site, "body/lueneburg/meeting/lueneburg-sga-2019-04-04.json")
    assert "resultsProtocol" not in meeting and "verbatimProtocol" not in meeting
    assert meeting["invitation"]["name"] == "Bekanntmachung"
    assert "resultsProtocol" in load(site, "body/wandsbek/meeting/wandsbek-jha-2011-05-11.json")


def test_lists_paginate(export: Path) -> None:
    first = load(export, "body/wandsbek/agenda-items.json")
    assert first["pagination"]["totalPages"] == 1
    files = load(export, "body/wandsbek/consultations.json")
    items = follow_pages(export, BASE, BASE + "oparl/body/wandsbek/agenda-items.json")
    assert len(items) == first["pagination"]["totalElements"] == 7
    assert files["links"]["self"] == BASE + "oparl/body/wandsbek/consultations.json"
    big = load(export, "body/lueneburg/agenda-items.json")  # 5 TOPs; the page size is 10 here
    assert "next" not in big["links"]


def test_pagination_follows_next(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "projekt")
    build(root, tmp_path / "build", BASE, seitengroesse=10)
    site = tmp_path / "build/oeffentlich/site"
    for n in range(2, 14):  # more Drucksachen in Wandsbek than one page holds
        text = (root / "vorlagen/wandsbek/19-0167.yaml").read_text(encoding="utf-8")
        text = text.replace('nummer: "19/0167"', f'nummer: "19/09{n:02d}"').replace(
            "- gremium: wandsbek-jha\n    datum: 2011-05-11", "- gremium: wandsbek-jha\n    datum: 2011-06-30")
        (root / f"vorlagen/wandsbek/19-09{n:02d}.yaml").write_text(text, encoding="utf-8")
    build(root, tmp_path / "build", BASE, seitengroesse=10)
    first = load(site, "body/wandsbek/papers.json")
    assert first["pagination"]["totalPages"] == 2 and first["links"]["next"] == BASE + "oparl/body/wandsbek/papers-2.json"
    assert len(follow_pages(site, BASE, first["links"]["first"])) == first["pagination"]["totalElements"] == 15
    assert check_export(site, BASE) == []


def _get(url: str, origin: bool = True) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Origin": "https://example.com"} if origin else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_serve_cors_filters_and_deleted(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "projekt")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    sock.close()
    build(root, tmp_path / "build", base)
    (root / "vorlagen/saarbruecken/0329-2018.yaml").unlink()  # withdrawn: a tombstone from now on
    build(root, tmp_path / "build", base)
    site = tmp_path / "build/oeffentlich/site"
    with serving(site, base, port=int(base.rsplit(":", 1)[1].strip("/"))) as url:
        assert url == base
        status, headers, body = _get(url + "index.html", origin=False)
        assert status == 200 and headers["access-control-allow-origin"] == "*" and b'lang="de"' in body
        status, headers, body = _get(url + "oparl/body/saarbruecken/papers.json")
        assert headers["access-control-allow-origin"] == "*" and json.loads(body)["data"] == []
        status, _, body = _get(url + "oparl/body/saarbruecken/papers.json?modified_since=2000-01-01T00:00:00Z")
        page = json.loads(body)
        assert [(p["id"], p.get("deleted")) for p in page["data"]] == [
            (base + "oparl/body/saarbruecken/paper/0329-2018.json", True)]
        status, _, body = _get(url + "oparl/body/wandsbek/papers.json?created_until=2011-05-01T00:00:00%2B00:00")
        assert [p["reference"] for p in json.loads(body)["data"]] == ["19/0171"]  # dated 28.04.2011, no git
        status, _, body = _get(url + "oparl/body/wandsbek/papers.json?limit=1&page=2")
        page = json.loads(body)
        assert page["pagination"] == {"totalElements": 3, "elementsPerPage": 1, "currentPage": 2, "totalPages": 3}
        assert page["links"]["next"] == base + "oparl/body/wandsbek/papers.json?limit=1&page=3"
        status, _, _ = _get(url + "oparl/body/..%2F..%2F/papers.json?limit=1")
        assert status == 404
        for query, reason in [
                ("modified_since=gestern", "„modified_since“ erwartet Datum und Uhrzeit nach ISO 8601"),
                ("limit=0", "„limit“ muss eine ganze Zahl ab 1 sein, nicht „0“"),
                ("limit=-1", "„limit“ muss eine ganze Zahl ab 1 sein, nicht „-1“"),
                ("limit=1e3", "„limit“ muss eine ganze Zahl ab 1 sein"),
                ("limit=1001", "„limit“ darf höchstens 1000 sein, nicht 1001"),
                ("page=0", "„page“ muss eine ganze Zahl ab 1 sein"),
                ("limit=1&page=4", "Seite 4 gibt es nicht (die Liste hat 3 Seiten)"),
                ("limit=1&limit=2", "Parameter „limit“ ist mehrfach angegeben"),
                ("seite=2", "unbekannter Parameter „seite“")]:
            status, headers, body = _get(url + "oparl/body/wandsbek/papers.json?" + query)
            assert status == 400, query
            assert json.loads(body)["error"].startswith("Ungültige Anfrage: " + reason), query
            assert headers["access-control-allow-origin"] == "*"
