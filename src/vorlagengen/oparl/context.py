"""What the mapping steps share: the objects, the ids given so far, the entries of data/ and the
indexes each step leaves for the next (Meetings before Papers before AgendaItems)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from vorlagengen.oparl.files import FileStore, quell_datei
from vorlagengen.oparl.ids import IdMap
from vorlagengen.oparl.quirks import Quirks
from vorlagengen.oparl.report import Report
from vorlagengen.oparl.source import Objects


@dataclass(frozen=True)
class MeetingInfo:
    datum: dt.date
    beginn: str
    gremium: str | None
    held: bool


@dataclass(frozen=True)
class ItemInfo:
    meeting: str
    number: str
    public: bool
    result: str


def parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


@dataclass
class MapContext:
    objects: Objects
    quirks: Quirks
    report: Report
    ids: IdMap
    today: dt.date
    kennung: str | None = None
    seit: dt.date | None = None
    bis: dt.date | None = None
    store: FileStore | None = None
    body_of: dict[str, str] = field(default_factory=dict)
    koerperschaften: dict[str, dict[str, Any]] = field(default_factory=dict)
    gremien: dict[str, dict[str, Any]] = field(default_factory=dict)
    aemter: dict[str, dict[str, Any]] = field(default_factory=dict)
    personen: dict[str, dict[str, Any]] = field(default_factory=dict)
    meetings: dict[str, MeetingInfo] = field(default_factory=dict)
    agenda: dict[str, ItemInfo] = field(default_factory=dict)
    paper_nummer: dict[str, tuple[str, str]] = field(default_factory=dict)
    consultation_paper: dict[str, str] = field(default_factory=dict)
    files_linked: int = 0

    @property
    def numbers(self) -> set[tuple[str, str]]:
        return set(self.paper_nummer.values())

    def body_for(self, obj: dict[str, Any]) -> str | None:
        body = self.body_of.get(str(obj.get("body") or ""))
        if body is None and len(self.body_of) == 1:
            return next(iter(self.body_of.values()))
        return body

    def local(self, table: str, oparl_id: Any) -> str | None:
        """The local id of an Organization/Person if it was imported into ``table``."""
        local = self.ids.by_oparl.get(str(oparl_id))
        return local if local is not None and local in getattr(self, table) else None

    def web_link(self, obj: dict[str, Any]) -> str | None:
        """The object's page in the web front end: an absolute ``web`` as it is, a relative one
        resolved against the ``web`` page of its Body (else of the System, else against the object)."""
        link = obj.get("web")
        if not isinstance(link, str) or not link.strip():
            return None
        if urlsplit(link).scheme:
            return link
        body = self.objects.get("Body", str(obj.get("body") or "")) or next(iter(self.objects.of("Body").values()), {})
        system = next(iter(self.objects.of("System").values()), {})
        for base in (body.get("web"), system.get("website")):
            if isinstance(base, str) and urlsplit(base).scheme in ("http", "https"):
                return urljoin(base, link)
        return urljoin(str(obj.get("id") or ""), link)

    def date_of(self, value: Any) -> dt.date | None:
        return parse_date(value)

    def in_window(self, day: dt.date) -> bool:
        return (self.seit is None or day >= self.seit) and (self.bis is None or day <= self.bis)

    def datei(self, obj: dict[str, Any]) -> dict[str, Any] | None:
        if obj.get("deleted"):
            return None
        out = quell_datei(obj, self.store)
        if out is None:
            self.report.skip("File", str(obj.get("id") or "?"), "ohne Adresse (accessUrl)")
        else:
            self.files_linked += 1
        return out
