"""A hostile or broken OParl source: the import stays on the source's host, reads no answer and no
dump beyond its bounds, follows no link out of a dump folder, reads no FIFO, and refuses JSON nested
thousands deep — each time with a located German message, never a traceback or a hang. Every server
here listens on 127.0.0.1 and sends a bounded amount."""

from __future__ import annotations

import contextlib
import io
import json
import os
import tarfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from oparl_import_support import BASE, sample, serving, write_dump
from vorlagengen.cli import cli
from vorlagengen.errors import UserError
from vorlagengen.oparl.fetch import Client, ClientSettings
from vorlagengen.oparl.limits import MB, Limits, nesting
from vorlagengen.oparl.run import ImportSettings, run_import
from vorlagengen.oparl.source import dump_pages


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


Route = Callable[[BaseHTTPRequestHandler, str], None]


class _Handler(BaseHTTPRequestHandler):
    server: HostileServer

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        route = self.server.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_error(404)
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client stopped reading
            route(self, self.server.url)

    def log_message(self, *_: Any) -> None:
        pass


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, routes: dict[str, Route]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = routes
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.other = f"http://localhost:{self.server_address[1]}"  # the same machine under another host name
        self.requests: list[str] = []


@contextmanager
def hostile(routes: dict[str, Route]) -> Iterator[HostileServer]:
    server = HostileServer(routes)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def send_json(handler: BaseHTTPRequestHandler, data: Any) -> None:
    body = json.dumps(data).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def redirect_away(handler: BaseHTTPRequestHandler, url: str) -> None:
    handler.send_response(302)
    handler.send_header("Location", url.replace("127.0.0.1", "localhost") + "/system")
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def names_other_host(handler: BaseHTTPRequestHandler, url: str) -> None:
    send_json(handler, {"id": f"{url}/fremd", "type": "https://schema.oparl.org/1.1/System",
                        "body": url.replace("127.0.0.1", "localhost") + "/body"})


def endless(handler: BaseHTTPRequestHandler, _: str) -> None:
    """An answer without length that would go on for 64 MB (the client must stop long before)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.end_headers()
    handler.wfile.write(b'{"data": ["')
    for _ in range(1024):
        handler.wfile.write(b"x" * 65536)


def announced_large(handler: BaseHTTPRequestHandler, _: str) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(5 * MB))
    handler.end_headers()


def deep(handler: BaseHTTPRequestHandler, _: str) -> None:
    body = b"[" * 3000 + b"]" * 3000
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


ROUTES: dict[str, Route] = {"/weiter": redirect_away, "/fremd": names_other_host, "/endlos": endless,
                            "/gross": announced_large, "/tief": deep}


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with hostile(ROUTES) as running:
        yield running


def test_import_stays_on_the_host_of_the_source(server: HostileServer, tmp_path: Path) -> None:
    redirected = run("import", "oparl", f"{server.url}/weiter", "-C", str(tmp_path / "a"), "--pause", "0")
    assert redirected.exit_code == 1
    assert redirected.output.endswith(
        f"Fehler: {server.url}/weiter: „{server.other}/system“ liegt auf dem Host „localhost“, nicht auf dem "
        "der Quelle (127.0.0.1) – nicht abgerufen (erlauben mit --host localhost)\n")
    named = run("import", "oparl", f"{server.url}/fremd", "-C", str(tmp_path / "b"), "--pause", "0")
    assert named.exit_code == 1 and named.output.splitlines()[-1].startswith(
        f"Fehler: {server.url}/fremd: body: „{server.other}/body“ liegt auf dem Host „localhost“")
    assert not any(r.startswith("/system") or r.startswith("/body") for r in server.requests)  # never asked
    assert not (tmp_path / "a" / "vorlagen").exists() and not (tmp_path / "b" / "vorlagen").exists()


def test_an_allowed_host_is_followed(server: HostileServer, tmp_path: Path) -> None:
    server.requests.clear()
    allowed = run("import", "oparl", f"{server.url}/weiter", "-C", str(tmp_path / "a"), "--pause", "0",
                  "--host", "LOCALHOST", "--versuche", "1")
    assert allowed.output.endswith(
        f"Fehler: {server.url}/weiter (weitergeleitet nach {server.other}/system): HTTP 404 Not Found\n")  # asked, after all
    assert server.requests == ["/weiter", "/system"]


def test_answers_are_read_only_up_to_their_bound(server: HostileServer) -> None:
    limits = Limits(page_bytes=MB)
    with Client(ClientSettings(pause=0, attempts=1), limits=limits) as client:
        client.allow(server.url)
        with pytest.raises(UserError, match=r"/endlos: Antwort ist größer als 1 MB – abgebrochen$"):
            client.json(f"{server.url}/endlos")
        assert client.budget.used <= MB + 65536  # stopped at the bound, not at the end of 64 MB
        with pytest.raises(UserError, match=r"/gross: Antwort ist 5 MB groß, erlaubt sind 1 MB$"):
            client.json(f"{server.url}/gross")
        with pytest.raises(UserError, match=r"/tief: JSON ist tiefer als 32 Ebenen verschachtelt"):
            client.json(f"{server.url}/tief")
        with pytest.raises(UserError, match=r"„file:///etc/passwd“ ist keine http\(s\)-Adresse"):
            client.json("file:///etc/passwd")


def test_the_whole_run_reads_no_more_than_its_total(tmp_path: Path) -> None:
    folder = write_dump(tmp_path / "dump", sample())
    for each in folder.rglob("*.json"):
        each.write_text(each.read_text(encoding="utf-8").replace(BASE, "http://HOST/oparl/v1.1"), encoding="utf-8")
    with (serving(folder, "/oparl/v1.1", "http://HOST") as dump_server,
          pytest.raises(UserError, match=r"die Übernahme hat mehr als 4000 Byte gelesen")):
        run_import(ImportSettings(f"{dump_server.url}/oparl/v1.1/system", tmp_path / "p",
                                  client=ClientSettings(pause=0), limits=Limits(total_bytes=4000)))
    assert not (tmp_path / "p" / "vorlagen").exists()


def tar_with(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def info(name: str, size: int = 0, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    entry = tarfile.TarInfo(name)
    entry.size, entry.type, entry.linkname = size, kind, link
    return entry


def test_a_tar_gz_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    zeros = bytes(3 * MB)  # compresses to a few kB
    bomb = tar_with(tmp_path / "bombe.tar.gz", [(info(f"teil{n}.bin", len(zeros)), zeros) for n in range(3)])
    assert bomb.stat().st_size < 64 * 1024
    result = run("import", "oparl", str(bomb), "-C", str(tmp_path / "p"), "--hoechstmenge", "5")
    assert result.exit_code == 1
    assert result.output.endswith(f"Fehler: {bomb}: teil1.bin: die Übernahme hat mehr als 5 MB gelesen "
                                  "(Höchstmenge, mit --hoechstmenge änderbar) – abgebrochen\n")
    page = tar_with(tmp_path / "seite.tar.gz", [(info("body/1/paper.json", len(zeros)), zeros)])
    with pytest.raises(UserError, match=r"^body/1/paper.json: 3 MB groß, eine Listenseite darf höchstens 1 MB haben$"):
        list(dump_pages(page, Limits(page_bytes=MB)))
    linked = tar_with(tmp_path / "verweis.tar.gz", [(info("body.json", kind=tarfile.SYMTYPE, link="/etc/passwd"), None)])
    with pytest.raises(UserError, match=r"verweis.tar.gz: body.json: keine gewöhnliche Datei"):
        list(dump_pages(linked))
    assert not (tmp_path / "p").exists()


def test_a_dump_folder_is_read_without_leaving_it(tmp_path: Path) -> None:
    folder = write_dump(tmp_path / "dump", sample())
    outside = tmp_path / "geheim.json"
    outside.write_text(json.dumps({"type": "https://schema.oparl.org/1.1/System", "id": "x"}), encoding="utf-8")
    (folder / "inside.json").symlink_to(folder / "body.json")  # a link within the folder is fine
    assert len(list(dump_pages(folder))) == 7
    (folder / "body" / "1" / "mehr.json").symlink_to(outside)
    result = run("import", "oparl", str(folder), "-C", str(tmp_path / "p"))
    assert result.exit_code == 1
    assert result.output.endswith(f"Fehler: {folder}/body/1/mehr.json: Verweis aus dem Ordner hinaus "
                                  "– wird nicht gelesen\n")
    (folder / "body" / "1" / "mehr.json").unlink()
    (folder / "body" / "2").symlink_to(tmp_path, target_is_directory=True)
    result = run("import", "oparl", str(folder), "-C", str(tmp_path / "p"))
    assert result.output.endswith(f"Fehler: {folder}/body/2: Verweis aus dem Ordner hinaus – wird nicht gelesen\n")
    (folder / "body" / "2").unlink()
    os.mkfifo(folder / "body" / "1" / "pipe.json")  # reading it would block forever
    result = run("import", "oparl", str(folder), "-C", str(tmp_path / "p"))
    assert result.exit_code == 1
    assert result.output.endswith(f"Fehler: {folder}/body/1/pipe.json: keine gewöhnliche Datei (z. B. eine benannte "
                                  "Pipe) – wird nicht gelesen\n")
    assert not (tmp_path / "p").exists()


def test_json_nested_thousands_deep_is_refused(tmp_path: Path) -> None:
    folder = write_dump(tmp_path / "dump", sample())
    (folder / "body" / "1" / "tief.json").write_text('{"data": ' + "[" * 3000 + "]" * 3000 + "}", encoding="utf-8")
    result = run("import", "oparl", str(folder), "-C", str(tmp_path / "p"))
    assert result.exit_code == 1
    assert result.output.endswith("Fehler: body/1/tief.json: JSON ist tiefer als 32 Ebenen verschachtelt "
                                  "– keine OParl-Liste\n")


def test_nesting_counts_brackets_outside_strings_only() -> None:
    assert nesting(b'{"a": [1, {"b": []}]}', 32) == 4
    assert nesting(b'{"name": "[[[[ ]]] \\" [[[["}', 2) == 1  # brackets in a string, unbalanced: not nesting
    assert nesting(b"[" * 40 + b"]" * 40, 32) == 33
    assert nesting(b"[[]", 32) == 1  # does not balance: left to the parser


def test_unclosed_json_thousands_deep_is_refused(tmp_path: Path) -> None:
    folder = write_dump(tmp_path / "dump", sample())
    (folder / "body" / "1" / "tief.json").write_text('{"data": ' + "[" * 3000, encoding="utf-8")
    result = run("import", "oparl", str(folder), "-C", str(tmp_path / "p"))
    assert result.exit_code == 1
    assert result.output.endswith("Fehler: body/1/tief.json: JSON zu tief verschachtelt – keine OParl-Liste\n")
