"""Which characters the shipped fonts can set: read once per process from their ``cmap`` tables.

``validate`` refuses a character that no shipped font has (typst would stop the PDF on it), so that
what validates also renders. The fonts are Liberation Sans and Liberation Mono (the body and code)
and DejaVu Sans, the fallback for symbols and scripts Liberation lacks.
"""

from __future__ import annotations

import functools
import re
import struct
import unicodedata
from pathlib import Path

FONTS = Path(__file__).resolve().parents[1] / "fonts"
COVERING = ("LiberationSans-Regular.ttf", "DejaVuSans.ttf")
# Characters that are layout, not glyphs: line breaks, spaces of every width, joiners, soft hyphen,
# bidi marks. Fonts need not map them; typst handles them itself.
INVISIBLE = frozenset("\n\r\t\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff")


def _cmap_tables(data: bytes) -> dict[tuple[int, int], int]:
    """Offsets of the subtables of a TrueType/OpenType font's ``cmap`` by (platform, encoding)."""
    num_tables = struct.unpack_from(">H", data, 4)[0]
    for i in range(num_tables):
        tag, _, offset, _ = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        if tag == b"cmap":
            count = struct.unpack_from(">H", data, offset + 2)[0]
            found = {}
            for j in range(count):
                platform, encoding, sub = struct.unpack_from(">HHI", data, offset + 4 + 8 * j)
                found[(platform, encoding)] = offset + sub
            return found
    return {}


def _format12(data: bytes, at: int) -> set[int]:
    groups = struct.unpack_from(">I", data, at + 12)[0]
    out: set[int] = set()
    for g in range(groups):
        start, end, _ = struct.unpack_from(">III", data, at + 16 + 12 * g)
        out.update(range(start, end + 1))
    return out


def _format4(data: bytes, at: int) -> set[int]:
    segments = struct.unpack_from(">H", data, at + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, at + 14)
    starts = struct.unpack_from(f">{segments}H", data, at + 16 + 2 * segments)
    out: set[int] = set()
    for start, end in zip(starts, ends, strict=False):
        if start != 0xFFFF:
            out.update(range(start, end + 1))
    return out


def font_characters(path: Path) -> frozenset[int]:
    """Code points a font maps to a glyph (Unicode subtables, formats 4 and 12)."""
    data = path.read_bytes()
    tables = _cmap_tables(data)
    for key in ((3, 10), (0, 4), (0, 6)):
        if key in tables and struct.unpack_from(">H", data, tables[key])[0] == 12:
            return frozenset(_format12(data, tables[key]))
    for key in ((3, 1), (0, 3), (0, 1), (0, 0)):
        if key in tables and struct.unpack_from(">H", data, tables[key])[0] == 4:
            return frozenset(_format4(data, tables[key]))
    return frozenset()


@functools.lru_cache(maxsize=1)
def covered() -> frozenset[str]:
    """Every character some shipped font can set, plus the invisible ones."""
    points: set[int] = set()
    for name in COVERING:
        points |= font_characters(FONTS / name)
    return frozenset(chr(p) for p in points) | INVISIBLE


@functools.lru_cache(maxsize=1)
def _first_uncovered() -> re.Pattern[str]:
    """A pattern that finds a character outside the fonts (one scan in C instead of a set per text)."""
    points = sorted(ord(ch) for ch in covered())
    ranges, start = [], points[0]
    for prev, cur in zip(points, [*points[1:], -1], strict=False):
        if cur != prev + 1:
            ranges.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
            start = cur
    return re.compile("[^" + "".join(ranges) + "]")


def uncovered(text: str) -> list[str]:
    """The characters of ``text`` no shipped font has, in order of first appearance."""
    if text.isascii() or _first_uncovered().search(text) is None:
        return []
    have = covered()
    seen: dict[str, None] = {}
    for ch in set(text):
        if ch not in have:
            seen[ch] = None
    return sorted(seen, key=text.index)


def describe(ch: str) -> str:
    """„😀“ (U+1F600 GRINNING FACE)"""
    name = unicodedata.name(ch, "ohne Namen")
    shown = ch if ch.isprintable() else ""
    return f"„{shown}“ (U+{ord(ch):04X} {name})" if shown else f"U+{ord(ch):04X} {name}"
