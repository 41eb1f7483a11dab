"""Fetching from a live OParl endpoint: a polite, patient HTTP client and a resumable walk over the
lists of every Body (Organization, Person, Meeting, Paper) into the raw cache.

The first run fetches everything; later runs ask only for what changed (``modified_since`` = start
of the last complete run). An interrupted run continues at the page where it stopped.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from vorlagengen import __version__
from vorlagengen.errors import UserError
from vorlagengen.oparl.cache import RawCache
from vorlagengen.oparl.ids import kind_of
from vorlagengen.oparl.limits import Budget, Limits, check_nesting, size_text

if TYPE_CHECKING:  # httpx is imported on the first request: an import from a dump never needs it
    import httpx

BODY_LISTS = ("organization", "person", "meeting", "paper")
RETRY_STATUS = {429, 500, 502, 503, 504}


MAX_REDIRECTS = 5


class FetchError(UserError):
    """The endpoint could not be read (after retries): a real failure of the run."""


class _Retry(Exception):
    """An answer worth asking again for (429, 5xx)."""


@dataclass
class ClientSettings:
    pause: float = 0.25  # seconds between two requests (polite rate limit)
    timeout: float = 30.0
    attempts: int = 5
    backoff: float = 1.0  # first wait before a retry; doubles each time


class Client:
    """httpx with timeouts, a minimum pause between requests and retries with exponential back-off
    (network errors, timeouts, 429 and 5xx; ``Retry-After`` is honoured). Every answer is streamed
    and cut off at its bound; redirects are followed by hand, and only to an allowed host."""

    def __init__(self, settings: ClientSettings, sleep: Callable[[float], None] = time.sleep,
                 limits: Limits | None = None) -> None:
        self.settings = settings
        self.limits = limits or Limits()
        self.budget = Budget(self.limits.total_bytes)
        self.hosts: set[str] = set(self.limits.hosts)
        self._sleep = sleep
        self._last = 0.0
        self.requests = 0
        self._client: httpx.Client | None = None

    @property
    def _http(self) -> httpx.Client:
        """The HTTP client, made on the first request (its TLS set-up costs a tenth of a second)."""
        if self._client is None:
            import httpx

            self._client = httpx.Client(
                timeout=httpx.Timeout(self.settings.timeout, connect=min(10.0, self.settings.timeout)),
                headers={"User-Agent": f"vorlagengen/{__version__} (OParl-Import)", "Accept": "application/json"},
                follow_redirects=False)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def allow(self, url: str) -> None:
        """Allow the host of ``url`` (the source's own address)."""
        host = urlsplit(url).hostname
        if host:
            self.hosts.add(host.lower())

    def check_host(self, url: str, named_by: str = "") -> None:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            raise FetchError(f"{named_by or url}: „{url}“ ist keine http(s)-Adresse – wird nicht abgerufen")
        if host not in self.hosts:
            raise FetchError(f"{named_by or url}: „{url}“ liegt auf dem Host „{host}“, nicht auf dem der Quelle "
                             f"({', '.join(sorted(self.hosts))}) – nicht abgerufen (erlauben mit --host {host})")

    def get(self, url: str, bound: int | None = None, sink: Callable[[bytes], None] | None = None) -> bytes:
        """The body of ``url`` (at most ``bound`` bytes, else a FetchError); with ``sink`` each chunk
        goes there instead and the result is empty."""
        import httpx

        problem = ""
        for attempt in range(self.settings.attempts):
            if attempt:
                self._sleep(self._retry_wait(attempt, problem))
            self._wait_turn()
            try:
                return self._get_once(url, bound or self.limits.page_bytes, sink)
            except _Retry as exc:
                problem = str(exc)
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}"
        raise FetchError(f"{url}: nach {self.settings.attempts} Versuchen nicht erreichbar "
                         f"({problem.split('|')[0]})")

    def _get_once(self, url: str, bound: int, sink: Callable[[bytes], None] | None) -> bytes:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            self.check_host(current, url if current != url else "")
            with self._http.stream("GET", current) as response:
                if response.is_redirect:
                    current = str(response.url.join(response.headers.get("Location", "")))
                    continue
                if response.status_code in RETRY_STATUS:
                    raise _Retry(f"HTTP {response.status_code}|{response.headers.get('Retry-After', '')}")
                if response.status_code >= 400:
                    where = url if current == url else f"{url} (weitergeleitet nach {current})"
                    raise FetchError(f"{where}: HTTP {response.status_code} {response.reason_phrase}")
                return self._read(url, response, bound, sink)
        raise FetchError(f"{url}: mehr als {MAX_REDIRECTS} Weiterleitungen – abgebrochen")

    def _read(self, url: str, response: httpx.Response, bound: int, sink: Callable[[bytes], None] | None) -> bytes:
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > bound:
            raise FetchError(f"{url}: Antwort ist {size_text(int(length))} groß, erlaubt sind {size_text(bound)}")
        deadline = time.monotonic() + self.settings.timeout * 10
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > bound:
                raise FetchError(f"{url}: Antwort ist größer als {size_text(bound)} – abgebrochen")
            if time.monotonic() > deadline:
                raise FetchError(f"{url}: Antwort nach {self.settings.timeout * 10:.0f} s nicht vollständig "
                                 "– abgebrochen")
            self.budget.take(len(chunk), url)
            if sink is None:
                chunks.append(chunk)
            else:
                sink(chunk)
        return b"".join(chunks)

    def json(self, url: str, named_by: str = "") -> dict[str, Any]:
        self.check_host(url, named_by)
        body = self.get(url)
        check_nesting(body, url, self.limits)
        try:
            data = json.loads(body)
        except ValueError:
            raise FetchError(f"{url}: Antwort ist kein JSON") from None
        except RecursionError:  # unbalanced, so not counted by check_nesting
            raise FetchError(f"{url}: JSON zu tief verschachtelt – keine OParl-Liste") from None
        if not isinstance(data, dict):
            raise FetchError(f"{url}: Antwort ist kein JSON-Objekt")
        return data

    def _wait_turn(self) -> None:
        now = time.monotonic()
        wait = self._last + self.settings.pause - now
        if wait > 0:
            self._sleep(wait)
        self._last = time.monotonic()
        self.requests += 1

    def _retry_wait(self, attempt: int, problem: str) -> float:
        after = problem.split("|")[1] if "|" in problem else ""
        if after.isdigit():
            return min(float(after), 120.0)
        return float(self.settings.backoff * 2 ** (attempt - 1))


def with_param(url: str, key: str, value: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != key] + [(key, value)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def fetch(url: str, cache: RawCache, client: Client, progress: Callable[[str], None] = lambda _: None) -> int:
    """Fetch the endpoint into the cache; returns the number of pages fetched in this run."""
    state = cache.state()
    run = state.get("lauf")
    if not isinstance(run, dict):  # a new run (not resuming an interrupted one)
        run = {"beginn": now_utc(), "seit": state.get("stand"), "listen": {}}
        state["lauf"] = run
        cache.save_state(state)
    pages = 0
    client.allow(url)
    system = client.json(url)
    cache.append("system", system)
    for body_list in _body_lists(system, client, cache):
        for list_url in body_list:
            pages += _walk(list_url, run, state, cache, client, progress)
    state["stand"] = run["beginn"]
    del state["lauf"]
    cache.save_state(state)
    return pages


def _body_lists(system: dict[str, Any], client: Client, cache: RawCache) -> list[list[str]]:
    """The lists of every Body (a System's body list may itself be paged)."""
    bodies: list[dict[str, Any]] = []
    if kind_of(system) == "Body":
        bodies = [system]
    else:
        next_url = system.get("body") if kind_of(system) == "System" else None
        if not isinstance(next_url, str):
            raise FetchError("die Adresse liefert kein OParl-System (Feld „body“ fehlt)")
        seen: set[str] = set()
        while isinstance(next_url, str) and next_url not in seen:
            seen.add(next_url)
            page = client.json(next_url, f"{system.get('id')}: body")
            cache.append("body", page)
            bodies += [b for b in page.get("data") or [] if isinstance(b, dict)]
            next_url = (page.get("links") or {}).get("next")
    return [[b[k] for k in BODY_LISTS if isinstance(b.get(k), str)] for b in bodies]


def _walk(list_url: str, run: dict[str, Any], state: dict[str, Any], cache: RawCache, client: Client,
          progress: Callable[[str], None]) -> int:
    entry = run["listen"].setdefault(list_url, {"naechste": None, "fertig": False})
    if entry["fertig"]:
        return 0
    next_url = entry["naechste"] or (with_param(list_url, "modified_since", run["seit"]) if run["seit"] else list_url)
    seen: set[str] = set()
    pages = 0
    while isinstance(next_url, str) and next_url not in seen:
        seen.add(next_url)
        progress(next_url)
        page = client.json(next_url, f"{list_url}")
        cache.append(list_url.rstrip("/").rsplit("/", 1)[-1], page)
        pages += 1
        next_url = (page.get("links") or {}).get("next")
        if isinstance(next_url, str) and run["seit"] and "modified_since=" not in next_url:
            next_url = with_param(next_url, "modified_since", run["seit"])  # some servers drop the filter
        entry["naechste"] = next_url
        cache.save_state(state)
    entry["fertig"] = True
    cache.save_state(state)
    return pages
