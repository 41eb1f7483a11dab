"""What real OParl servers send beside the specification, and how the import tolerates it.

Every fix-up here has a minimal-sample test (tests/test_oparl_quirks.py). Generic ones apply to every
server because they cannot misread correct data; the ones that could are chosen by the System's
vendor (:func:`quirks_for`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from vorlagengen.oparl.ids import absolute

# ALLRIS: "2019-02-14T18:00:00+01::00"
_BROKEN_TZ = re.compile(r"^(\d{4}-\d\d-\d\dT[\d:.]+[+-]\d\d)::(\d\d)$")
# ALLRIS: mimeType "pdf" instead of "application/pdf"
MIME_BY_SHORT = {
    "pdf": "application/pdf", "doc": "application/msword", "rtf": "application/rtf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text", "txt": "text/plain", "html": "text/html",
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "tif": "image/tiff",
    "tiff": "image/tiff", "zip": "application/zip",
}
# Relative file addresses are resolved against the object; a relative "web" link (SessionNet
# "vo0050.asp?__kvonr=123", ALLRIS "N/Avo020.asp?…") names a page of the web front end, not of the
# API, and is resolved later against the Body's own "web" page (MapContext.web_link).
_URL_KEYS = ("accessUrl", "downloadUrl", "externalServiceUrl")
# Sternberg SD.NET RIM and others: names typed with hard line breaks and indentation
_NAME_KEYS = ("name", "shortName", "reference")


def clean(obj: Any, base: str = "") -> Any:
    """A copy of an OParl object (with its embedded objects) with the generic fix-ups applied."""
    if isinstance(obj, list):
        return [_clean_scalar(x) if isinstance(x, str) else clean(x, base)
                for x in obj if x is not None]  # ALLRIS: [null] inside arrays
    if not isinstance(obj, dict):
        return _clean_scalar(obj)
    own = str(obj.get("id") or base)
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if isinstance(value, str):  # most values: handled here, without a call per value
            if "::" in value:
                value = _clean_scalar(value)
            if _CONTROL.search(value):  # no document can show them, and a record may not hold them
                value = _CONTROL.sub(" ", value)
            if key in _URL_KEYS:
                value = absolute(value, own)
            elif key in _NAME_KEYS:
                value = one_line(value)
            elif key == "mimeType":
                value = MIME_BY_SHORT.get(value.strip().lower().lstrip("."), value.strip())
        elif isinstance(value, (dict, list)):
            value = clean(value, own)
        out[key] = value
    return out


# C0 and C1 control characters except tab and line feed (and carriage return, which one_line folds)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _clean_scalar(value: Any) -> Any:
    if isinstance(value, str) and _CONTROL.search(value):
        value = _CONTROL.sub(" ", value)
    if isinstance(value, str) and "::" in value:
        m = _BROKEN_TZ.match(value)
        if m:
            return f"{m.group(1)}:{m.group(2)}"
    return value


def one_line(text: str) -> str:
    """Hard line breaks and the indentation after them become single spaces."""
    return " ".join(text.split())


# --- agenda structure -------------------------------------------------------------------------

_SECTION = re.compile(
    r"^<?\s*(?:sitzungsteil\s+)?(nicht\s*-?\s*öffentlich|öffentlich)(?:e|er)?"
    r"(?:\s+(?:sitzung|teil|sitzungsteil))?\s*>?$", re.IGNORECASE)


def section_row(item: dict[str, Any]) -> bool | None:
    """Whether an AgendaItem is only a section heading such as „A Öffentliche Sitzung“, „B
    Nichtöffentliche Sitzung“ or „< Sitzungsteil nichtöffentlich >“: True for a public part, False
    for a non-public one, None for a real item."""
    if item.get("consultation"):
        return None
    name = str(item.get("name") or "").strip()
    number = str(item.get("number") or "").strip()
    m = _SECTION.match(name)
    if not m or (number and not re.fullmatch(r"[A-Za-z]\.?|[IVX]+\.?", number)):
        return None
    return not m.group(1).lower().startswith("nicht")


@dataclass(frozen=True)
class Quirks:
    """Fix-ups that depend on the vendor."""

    top_number_dot: bool = False  # Sternberg: TOP numbers "1.", "6.1" → "1", "6.1"


_VENDORS: tuple[tuple[str, Quirks], ...] = (
    ("sitzungsdienst.net", Quirks(top_number_dot=True)),
    ("sternberg", Quirks(top_number_dot=True)),
)


def quirks_for(system: dict[str, Any] | None) -> Quirks:
    """The vendor's fix-ups, chosen from System.vendor, .product, .name and .contactName."""
    if not system:
        return Quirks()
    text = " ".join(str(system.get(k) or "") for k in ("vendor", "product", "name", "contactName")).lower()
    for needle, quirks in _VENDORS:
        if needle in text:
            return quirks
    return Quirks()


def top_number(number: str, quirks: Quirks) -> str:
    number = number.strip()
    if quirks.top_number_dot:
        number = number.rstrip(".")
    return number
