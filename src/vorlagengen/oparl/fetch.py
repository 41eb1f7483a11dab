"""Fetching from a live OParl endpoint: a polite, patient HTTP client and a resumable walk over the
lists of every Body (Organization, Person, Meeting, Paper) into the raw cache.

The first run fetches everything; later runs ask only for what changed (``modified_since`` = start
of the last complete run). An interrupted run continues at the page where it stopped.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from .. import __version__
from ..errors import UserError
from .cache import RawCache
from .ids import kind_of

BODY_LISTS = ("organization", "person", "meeting", "paper")
RETRY_STATUS = {429, 500, 502, 503, 504}


class FetchError(UserError):
    """The endpoint could not be read (after retries): a real failure of the run."""


@dataclass
class ClientSettings:
    pause: float = 0.25  # seconds between two requests (polite rate limit)
    timeout: float = 30.0
    attempts: int = 5
    backoff: float = 1.0  # first wait before a retry; doubles each time


class Client:
    """httpx with timeouts, a minimum pause between requests and retries with exponential back-off
    (network errors, timeouts, 429 and 5xx; ``Retry-After`` is honoured)."""

    def __init__(self, settings: ClientSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._sleep = sleep
        self._last = 0.0
        self.requests = 0
        self._http = httpx.Client(
            timeout=httpx.Timeout(settings.timeout, connect=min(10.0, settings.timeout)),
            headers={"User-Agent": f"vorlagengen/{__version__} (OParl-Import)", "Accept": "application/json"},
            follow_redirects=True)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def get(self, url: str) -> httpx.Response:
        problem = ""
        for attempt in range(self.settings.attempts):
            if attempt:
                self._sleep(self._retry_wait(attempt, problem))
            self._wait_turn()
            try:
                response = self._http.get(url)
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}"
                continue
            if response.status_code in RETRY_STATUS:
                problem = f"HTTP {response.status_code}|{response.headers.get('Retry-After', '')}"
                continue
            if response.status_code >= 400:
                raise FetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase}")
            return response
        raise FetchError(f"{url}: nach {self.settings.attempts} Versuchen nicht erreichbar "
                         f"({problem.split('|')[0]})")

    def json(self, url: str) -> dict[str, Any]:
        response = self.get(url)
        try:
            data = response.json()
        except ValueError:
            raise FetchError(f"{url}: Antwort ist kein JSON") from None
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
            page = client.json(next_url)
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
        page = client.json(next_url)
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
