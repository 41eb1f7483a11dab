"""What several checks share: the skeleton's fill-in texts, German dates, the numbering scheme of a
body."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from ..model import PLATZHALTER, TEILE
from ..numbering import Scheme, SchemeError
from ..records import RefData

# The fill-in texts "vorlagengen new" writes into a skeleton (model.PLATZHALTER, model.TEILE). A
# record that still carries one is not finished: validate names each, so the skeleton's own advice
# "Ausfüllen, dann vorlagengen validate" works as a checklist.
SKELETON_PLACEHOLDERS = frozenset([*PLATZHALTER.values(), *(teil.platzhalter for teil in TEILE.values())])


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.strip() in SKELETON_PLACEHOLDERS


def fmt_date(d: dt.date) -> str:
    return d.strftime("%d.%m.%Y")


def scheme_of(ref: RefData, body: str) -> Scheme | None:
    k = ref.koerperschaften.get(body)
    if k is None:
        return None
    return _valid_scheme(k.nummernschema)


@functools.lru_cache(maxsize=64)
def _valid_scheme(pattern: str) -> Scheme | None:
    """One Scheme per pattern: its regex is compiled once, not once per record."""
    scheme = Scheme(pattern)
    try:
        scheme.validate()
    except SchemeError:
        return None
    return scheme


