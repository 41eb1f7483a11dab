"""Where the Markdown of a document came from, so that a pandoc warning about the document is told as
the place in the YAML file that caused it: ``datei:zeile:spalte: feld: Warnung: …``.

A document's Markdown is a layout template with the authors' Markdown fields set in by ``md``, line
for line. A warning names a line of the document; the field whose text holds that line is found by
comparing lines, and the line's place in the file by searching its text from the field on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vorlagengen.checks.text import Loc, markdown_values, pinpoint
from vorlagengen.errors import Problem, ToolError
from vorlagengen.messages import field_path

_POSITION = re.compile(r" (?:at|in) (\S*?)\s*line (\d+) column (\d+)")
_OWN_NOTE = re.compile(r"\[\^\d+\.")  # a footnote mark made a field's own by markdown.own_notes
_OWN_KEY = re.compile(r"(?<=note reference ')\d+\.|(?<=Note with key ')\d+\.")
# pandoc's warnings about an author's Markdown in German; others are quoted as pandoc says them
_GERMAN = [
    (re.compile(r"^Duplicate note reference '(.*)'$"), "Fußnote „[^{0}]“ ist zweimal erklärt"),
    (re.compile(r"^Note with key '(.*)' defined but not used\.$"), "Fußnote „[^{0}]“ wird nirgends benutzt"),
    (re.compile(r"^Duplicate link reference '(.*)'$"), "Verweis „{0}“ ist zweimal erklärt"),
    (re.compile(r"^Duplicate identifier '(.*)'$"), "Kennung „#{0}“ ist zweimal vergeben"),
    (re.compile(r"^Div unclosed, closing implicitly\.$"), "Block „:::“ wird nicht geschlossen"),
]


@dataclass(frozen=True)
class Origin:
    """One Markdown field of a YAML file."""

    path: Path
    display: str
    loc: Loc
    text: str


def origins_of(loaded: Any, path: Path, display: str) -> list[Origin]:
    """The Markdown fields of a loaded file (a Vorlage, a Niederschrift …)."""
    return [Origin(path, display, loc, text) for loc, text in markdown_values(loaded)]


def _same(a: str, b: str) -> bool:
    """A line of the document and a line of a field: the same apart from what ``md`` escapes."""
    return _OWN_NOTE.sub("[^", a).replace("\\", "").strip() == b.replace("\\", "").strip()


def _field_line(lines: list[str], index: int, origin: Origin) -> int | None:
    """The line of ``origin``'s text that is line ``index`` of the document, if the text is set there."""
    own = origin.text.replace("\r\n", "\n").rstrip().split("\n")
    for first in range(max(0, index - len(own) + 1), index + 1):
        if first + len(own) <= len(lines) and all(_same(lines[first + i], own[i]) for i in range(len(own))):
            return index - first
    return None


def locate_line(markdown: str, line: int, col: int, origins: list[Origin]) -> tuple[Origin, int, int] | None:
    """The field, file line and column of line ``line``, column ``col`` of the document."""
    lines = markdown.split("\n")
    if not 1 <= line <= len(lines):
        return None
    for origin in origins:
        found = _field_line(lines, line - 1, origin)
        if found is None:
            continue
        own = origin.text.replace("\r\n", "\n").split("\n")[found]
        yline, ycol = pinpoint(origin.path, origin.loc, own.strip())
        text = lines[line - 1]
        return origin, yline, ycol + max(0, col - 1 - (len(text) - len(text.lstrip())))
    return None


def german(text: str) -> str:
    """A warning of pandoc in German, marked as pandoc's."""
    for pattern, words in _GERMAN:
        m = pattern.match(text)
        if m:
            return f"{words.format(*m.groups())} (pandoc)"
    return f"pandoc meldet „{text}“"


def located(warning: str, markdown: str, origins: list[Origin]) -> tuple[str, Problem | None]:
    """A pandoc warning without its places in the document, and where in a file it belongs (None when
    the line is the layout's own or pandoc gave none that counts)."""
    m = _POSITION.search(warning)
    text = german(_OWN_KEY.sub("", _POSITION.sub("", warning).removeprefix("[WARNING] ").strip()))
    if m is None or m.group(1):  # "at _chunk line 1": a line of a part pandoc parsed on its own
        return text, None
    place = locate_line(markdown, int(m.group(2)), int(m.group(3)), origins)
    if place is None:
        return text, None
    origin, line, col = place
    return text, Problem(origin.display, line, col, field_path(origin.loc), f"Warnung: {text}")


def warnings_error(display: str, warnings: list[str], markdown: str, origins: list[Origin]) -> ToolError:
    """pandoc's warnings about a document as one error: each at its place in a file where one is found,
    else naming the document (``display``)."""
    lines = []
    for warning in warnings:
        text, problem = located(warning, markdown, origins)
        lines.append(str(problem) if problem is not None else f"{display}: Warnung: {text}")
    return ToolError("pandoc", display, "Warnung", "\n".join(lines))
