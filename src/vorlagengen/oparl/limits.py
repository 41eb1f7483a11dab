"""Bounds of an import: what a hostile or broken source cannot make the import do.

A server cannot send the import to another host (redirects and the URLs it names stay on the
source's host unless ``--host`` allows more), cannot make it read an answer larger than a bound nor
more than a total, and a dump cannot nest its JSON deeper than any OParl object nests, unpack to
more than a bound, or slip in a link out of its folder or a file that is not a file (a FIFO blocks a
reader forever). Each refusal is a German message naming the address or file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from vorlagengen.errors import UserError

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    page_bytes: int = 64 * MB  # one list page or object (real pages: under 1 MB)
    file_bytes: int = 512 * MB  # one document downloaded with --dateien
    total_bytes: int = 20 * 1024 * MB  # everything one run downloads or unpacks
    depth: int = 32  # JSON nesting (an OParl list page nests 6 deep)
    members: int = 100_000  # entries of a tar.gz dump
    hosts: frozenset[str] = field(default_factory=frozenset)  # further hosts the import may read


class LimitError(UserError):
    """A source beyond a bound of :class:`Limits`."""


def size_text(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size} Byte"


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_PAIR = re.compile(rb"\[\]|\{\}")


def _depth(brackets: bytes, limit: int) -> int:
    """Depth of the balanced pairs of a bracket sequence, ``limit + 1`` once beyond the limit (what
    does not balance is left to the parser, which reports it)."""
    depth = 0
    while brackets and depth <= limit:
        brackets, removed = _PAIR.subn(b"", brackets)  # innermost pairs, one level per pass
        if not removed:
            break
        depth += 1
    return depth


def nesting(data: bytes, limit: int) -> int:
    """How deep the arrays and objects of a JSON text nest (``limit + 1`` for anything deeper).
    Brackets inside strings are counted first (fast, an upper bound); only a text beyond the limit
    that way is looked at again without its strings."""
    depth = _depth(data.translate(None, _NOT_BRACKET), limit)
    if depth > limit:
        depth = _depth(_STRING.sub(b"", data).translate(None, _NOT_BRACKET), limit)
    return depth


def check_nesting(data: bytes, where: str, limits: Limits) -> None:
    """Refuse JSON nested deeper than the bound before it is parsed (the parser and every reader
    after it would recurse that deep)."""
    if nesting(data, limits.depth) > limits.depth:
        raise LimitError(f"{where}: JSON ist tiefer als {limits.depth} Ebenen verschachtelt – keine OParl-Liste")


class Budget:
    """The total a run may download or unpack; each chunk is counted as it arrives."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.used = 0

    def take(self, size: int, where: str) -> None:
        self.used += size
        if self.used > self.total:
            raise LimitError(f"{where}: die Übernahme hat mehr als {size_text(self.total)} gelesen "
                             "(Höchstmenge, mit --hoechstmenge änderbar) – abgebrochen")
