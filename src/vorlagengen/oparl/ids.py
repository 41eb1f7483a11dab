"""OParl object ids, types and URLs, and the local ids (``data/`` keys) made from them."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urljoin, urlsplit

# The object types this project reads, by the last part of their ``type`` URL.
KINDS = ("System", "Body", "Organization", "Person", "Meeting", "AgendaItem", "Paper", "Consultation",
         "File", "Location", "Membership", "LegislativeTerm")

_TYPE = re.compile(r"^https?://schema\.oparl\.org/(\d+\.\d+)/([A-Za-z]+)$")
_LIST_NAMES = {"organization": "Organization", "person": "Person", "meeting": "Meeting", "paper": "Paper",
               "body": "Body", "system": "System", "agendaitem": "AgendaItem", "consultation": "Consultation",
               "file": "File", "location": "Location", "membership": "Membership",
               "legislativeterm": "LegislativeTerm"}


def kind_of(obj: dict[str, object], default: str = "") -> str:
    """``Paper`` for ``https://schema.oparl.org/1.1/Paper`` (and 1.0); ``default`` when the type is
    missing, as it is for deleted objects."""
    m = _TYPE.match(str(obj.get("type", "")))
    return m.group(2) if m else default


def version_of(obj: dict[str, object]) -> str:
    """``1.0`` or ``1.1`` from the ``type`` URL, ``""`` if it has none."""
    m = _TYPE.match(str(obj.get("type", "")))
    return m.group(1) if m else ""


def type_url(kind: str, version: str = "1.1") -> str:
    return f"https://schema.oparl.org/{version}/{kind}"


def kind_of_list(name: str) -> str:
    """The object type a list holds, from its name or URL path (``body/1/paper`` → ``Paper``)."""
    last = urlsplit(name).path.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    last = last.removesuffix(".json").lower()
    return _LIST_NAMES.get(last, "")


# An absolute http(s) URL that urljoin gives back unchanged: lower-case scheme, a plain host, no
# parameters (";"), no fragment, no empty query, no white space or control characters. Most URLs of
# a source are such; they skip urljoin, which is the import's largest single cost otherwise.
_PLAIN_ABSOLUTE = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[^?#;\x00-\x20\x7f]*)?(?:\?[^#\x00-\x20\x7f]+)?")


def absolute(url: str, base: str) -> str:
    """A URL made absolute against ``base`` (real servers send relative ``web`` links)."""
    if not url or _PLAIN_ABSOLUTE.fullmatch(url):
        return url
    return urljoin(base, url)


_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def slugify(text: str, limit: int = 48) -> str:
    """``Bau- und Umweltausschuss`` → ``bau-und-umweltausschuss``: a valid id part (``[a-z0-9_-]``)."""
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:limit].rstrip("-") or "x"


_BODY_PREFIX = re.compile(r"^(Gemeinde|Stadt|Hansestadt|Kreisstadt|Landkreis|Kreis|Markt|Samtgemeinde|"
                          r"Verbandsgemeinde|Amt|Bezirksamt|Bezirk|Regionalverband|Städteregion)\s+", re.IGNORECASE)


def body_slug(name: str) -> str:
    """``Gemeinde Hürtgenwald`` → ``huertgenwald``."""
    return slugify(_BODY_PREFIX.sub("", name.strip()), 32)


class IdMap:
    """Stable local ids: once an OParl id has a local id it keeps it, even if the name changes."""

    def __init__(self, known: dict[str, str] | None = None) -> None:
        self.by_oparl: dict[str, str] = dict(known or {})
        self._taken = set(self.by_oparl.values())

    def reserve(self, taken: set[str]) -> None:
        """Ids that exist already (written by hand) and must not be given out."""
        self._taken |= taken

    def get(self, oparl_id: str, wanted: str) -> str:
        if oparl_id in self.by_oparl:
            return self.by_oparl[oparl_id]
        local, n = wanted, 2
        while local in self._taken:
            local, n = f"{wanted}-{n}", n + 1
        self.by_oparl[oparl_id] = local
        self._taken.add(local)
        return local
