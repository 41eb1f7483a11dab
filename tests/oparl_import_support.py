"""Helpers for the OParl import tests: a small OParl 1.1 body built in code, written as a dump
folder, and a loopback HTTP server that serves a dump as its endpoint would."""

from __future__ import annotations

import json
import os
import tarfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

# The real dump of a Gemeinde (source: tests/daten/oparl/QUELLE.md); VORLAGENGEN_OPARL_ABZUG names another.
HUERTGENWALD = Path(os.environ.get("VORLAGENGEN_OPARL_ABZUG")
                    or Path(__file__).resolve().parent / "daten" / "oparl" / "huertgenwald-oparl-1.0.tar.gz")
HUERTGENWALD_HOST = "https://sdnetrim.kdvz-frechen.de"
BASE = "https://ris.example.org/oparl/v1.1"
T = "https://schema.oparl.org/1.1/"


def file_obj(n: int, name: str, **extra: Any) -> dict[str, Any]:
    return {"id": f"{BASE}/file/{n}", "type": T + "File", "name": name, "mimeType": "application/pdf",
            "accessUrl": f"{BASE}/files/{n}.pdf", "size": 1000 + n, **extra}


def sample() -> dict[str, list[dict[str, Any]]]:
    """Lists of a small OParl 1.1 body: a council, a committee, a Fraktion, an office, two people,
    three Papers (one a supplement of another), two Meetings with public and non-public items."""
    body = f"{BASE}/body/1"
    def org(n, name, typ, short=None):
        return {
            "id": f"{BASE}/organization/{n}", "type": T + "Organization", "body": body, "name": name,
            "organizationType": typ, **({"shortName": short} if short else {})}
    def cons(n, paper, meeting, item, orgn, role):
        return {
            "id": f"{BASE}/consultation/{n}", "type": T + "Consultation", "paper": f"{BASE}/paper/{paper}",
            "meeting": f"{BASE}/meeting/{meeting}", "agendaItem": f"{BASE}/agendaitem/{item}",
            "organization": [f"{BASE}/organization/{orgn}"], "role": role}
    papers = [
        {"id": f"{BASE}/paper/1", "type": T + "Paper", "body": body, "name": "Neubau der Kita Am Bach",
         "reference": "BV/2024/0007", "date": "2024-02-01", "paperType": "Beschlussvorlage",
         "underDirectionOf": [f"{BASE}/organization/4"], "mainFile": file_obj(1, "Vorlage BV/2024/0007"),
         "auxiliaryFile": [file_obj(2, "Lageplan")],
         "consultation": [cons(1, 1, 2, 21, 2, "Entscheidung"), cons(2, 1, 1, 11, 3, "Vorberatung")],
         "web": "../../vo020?VOLFDNR=7", "modified": "2024-03-01T10:00:00+01:00"},
        {"id": f"{BASE}/paper/2", "type": T + "Paper", "body": body, "name": "Antrag: Tempo 30 vor Schulen",
         "reference": "BV/2024/0008", "date": "2024-02-02", "paperType": "Antrag der Fraktion",
         "originatorOrganization": [f"{BASE}/organization/5"], "relatedPaper": [f"{BASE}/paper/1"],
         "consultation": [cons(3, 2, 1, 12, 3, "Kenntnisnahme")], "modified": "2024-02-02T10:00:00+01:00"},
        {"id": f"{BASE}/paper/3", "type": T + "Paper", "body": body, "name": "Neubau der Kita Am Bach",
         "reference": "BV/2024/0007 1. Ergänzung", "date": "2024-02-20", "paperType": "Beschlussvorlage",
         "modified": "2024-02-20T10:00:00+01:00"},
    ]
    def item(n, meeting, number, name, public=None, consultation=None, result=None):
        return {
            "id": f"{BASE}/agendaitem/{n}", "type": T + "AgendaItem", "meeting": f"{BASE}/meeting/{meeting}",
            "number": number, "order": n, "name": name,
            **({"public": public} if public is not None else {}),
            **({"consultation": f"{BASE}/consultation/{consultation}"} if consultation else {}),
            **({"result": result} if result else {})}
    meetings = [
        {"id": f"{BASE}/meeting/1", "type": T + "Meeting", "name": "Bauausschuss", "start": "2024-02-15T17:00:00+01:00",
         "organization": [f"{BASE}/organization/3"],
         "location": {"id": f"{BASE}/location/1", "type": T + "Location", "streetAddress": "Markt 1",
                      "postalCode": "12345", "locality": "Musterdorf", "room": "Ratssaal"},
         "agendaItem": [item(10, 1, "1", "Eröffnung", True), item(11, 1, "2", "Neubau der Kita Am Bach", True, 2,
                                                                  "einstimmig zur Kenntnis genommen"),
                        item(12, 1, "3", "Antrag: Tempo 30 vor Schulen", False, 3), item(13, 1, "4", "Grundstücke", False)],
         "invitation": file_obj(9, "Einladung"), "modified": "2024-02-16T08:00:00+01:00"},
        {"id": f"{BASE}/meeting/2", "type": T + "Meeting", "name": "Gemeinderat", "start": "2024-03-07T18:30:00+01:00",
         "organization": [f"{BASE}/organization/2"],
         "agendaItem": [item(21, 2, "1", "Neubau der Kita Am Bach", True, 1)], "modified": "2024-03-08T08:00:00+01:00"},
    ]
    return {
        "system": [{"id": f"{BASE}/system", "type": T + "System", "oparlVersion": "https://schema.oparl.org/1.1/",
                    "body": f"{BASE}/body", "vendor": "https://example.org", "name": "Beispiel-RIS"}],
        "body": [{"id": body, "type": T + "Body", "name": "Gemeinde Musterdorf", "organization": f"{body}/organization",
                  "person": f"{body}/person", "meeting": f"{body}/meeting", "paper": f"{body}/paper",
                  "legislativeTerm": []}],
        "organization": [org(2, "Gemeinderat", "Gremium", "GR"), org(3, "Bauausschuss", "Gremium", "BA"),
                         org(4, "Fachbereich Bauen", "Verwaltungsbereich"), org(5, "Fraktion Grüne", "Fraktion")],
        "person": [{"id": f"{BASE}/person/1", "type": T + "Person", "body": body, "name": "Frau Dr. Eva Muster",
                    "familyName": "Muster", "givenName": "Eva", "formOfAddress": "Frau", "title": ["Dr."]}],
        "meeting": meetings,
        "paper": papers,
    }


def page(data: list[dict[str, Any]], next_url: str | None = None) -> dict[str, Any]:
    return {"data": data, "pagination": {"totalElements": len(data)}, "links": {"next": next_url} if next_url else {}}


def write_dump(folder: Path, lists: dict[str, list[dict[str, Any]]]) -> Path:
    """Write lists as a dump folder the way the real one is named (system.json, body.json,
    body/1/paper.json …)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "system.json").write_text(json.dumps(lists["system"][0]), encoding="utf-8")
    (folder / "body.json").write_text(json.dumps(page(lists["body"])), encoding="utf-8")
    (folder / "body" / "1").mkdir(parents=True, exist_ok=True)
    for name in ("organization", "person", "meeting", "paper"):
        (folder / "body" / "1" / f"{name}.json").write_text(json.dumps(page(lists[name])), encoding="utf-8")
    return folder


def unpack(archive: Path, folder: Path) -> Path:
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(folder, filter="data")
        else:  # Python 3.11 before 3.11.4 (Debian 12 ships 3.11.2) has no filters; the dump is the repository's own
            tar.extractall(folder)
    return folder


class _Handler(BaseHTTPRequestHandler):
    server: DumpServer

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        status = self.server.failures.pop(self.path, None)
        if status is not None:
            self.send_error(status)
            return
        body = self.server.body_for(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if body[:1] == b"{" else "application/pdf")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        pass


class DumpServer(ThreadingHTTPServer):
    """Serves a dump folder on 127.0.0.1 with its URLs rewritten to this server; list pages honour
    ``modified_since``; any other path below ``files`` returns a small PDF-like body."""

    def __init__(self, folder: Path, prefix: str, original_host: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.folder, self.prefix, self.original_host = folder, prefix, original_host
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.requests: list[str] = []
        self.failures: dict[str, int] = {}

    def body_for(self, raw: str) -> bytes | None:
        parts = urlsplit(raw)
        rel = parts.path.removeprefix(self.prefix).strip("/")
        query = parse_qs(parts.query)
        if "/files/" in f"/{rel}/":
            return b"%PDF-1.4 " + rel.encode()
        number = query.get("page", ["1"])[0]
        name = rel + (f"?page={number}" if number != "1" else "") + ".json"
        path = self.folder / name
        if not path.is_file():
            return None
        text = path.read_text(encoding="utf-8").replace(self.original_host, self.url)
        since = query.get("modified_since", [""])[0]
        if since:
            data = json.loads(text)
            data["data"] = [o for o in data.get("data", []) if o.get("modified", "") >= since]
            text = json.dumps(data)
        return text.encode("utf-8")


@contextmanager
def serving(folder: Path, prefix: str, original_host: str) -> Iterator[DumpServer]:
    server = DumpServer(folder, prefix, original_host)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
