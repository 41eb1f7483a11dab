"""What ``validate`` must know about the renderer, so that what validates also renders.

- Characters: every character of every value must be in a shipped font (:mod:`fontcover`).
- Markdown an author types: links only to http(s), mailto and tel; no nesting of quotes and lists
  deeper than the typesetter can take; no table wider and no word longer than the page.
- The Betreff: at most MAX_BETREFF characters (it is the title, a header line, a contents entry).

Problems are located exactly: the field, and inside a text the line and column of the culprit.
"""

from __future__ import annotations

import html
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from vorlagengen.errors import Problem
from vorlagengen.load.yamlio import locate
from vorlagengen.messages import field_path
from vorlagengen.model.drucksache import Markdown
from vorlagengen.text.fontcover import describe, uncovered

Loc = tuple[Any, ...]

MAX_BETREFF = 1000  # real Betreffs run to 500 characters (Hürtgenwald); a page shows twice that
MAX_GLYPH_REPORTS = 5  # per file; a paragraph in another script would otherwise give hundreds
MAX_NESTING = 12  # typst stops near 16 nested quotes
SCHEMES = ("http", "https", "mailto", "tel")
TEXT_WIDTH_PT = 467.0  # A4 less the widest margins of the shipped layouts (2.5 cm + 2 cm)
FONT_PT = 10.5
CELL_INSET_PT = 10.0
BREAKABLE_WORD = 40  # a word of letters up to this length has hyphenation points

_LINK = re.compile(r"\]\(\s*<?([^\s)>]+)|^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*<?(\S+?)>?(?:\s|$)"
                   r"|<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*)>", re.MULTILINE)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_CONTAINER = re.compile(r"[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))")
_PIPE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{1,}:?[ \t]*(\|[ \t]*:?-{1,}:?[ \t]*)+\|?[ \t]*$")
_GRID_RULE = re.compile(r"^[ \t]*\+(?:[-=:]+\+){2,}[ \t]*$")
_SIMPLE_RULE = re.compile(r"^[ \t]*-{3,}(?:[ \t]+-{3,})+[ \t]*$")
_BREAKS = re.compile(r"[\s\-/\u00ad\u200b]+")
_WIDE = frozenset("MWmw@%ÄÖÜŒÆ—")
# A footnote's definition "[^marke]: …" at a line's start (also in a quote or a list item), its
# references "[^marke]" anywhere; code (fenced blocks, `spans`) shows such text literally.
NOTE_DEFINITION = re.compile(r"^(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t])))*[ \t]*\[\^([^\s^\[\]]+)\]:",
                             re.MULTILINE)
_CODE = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?(?:^[ \t]*\1[`~]*[ \t]*$|\Z)|(`+).+?(?<!`)\2(?!`)",
                   re.MULTILINE | re.DOTALL)


def outside_code(text: str) -> Iterator[tuple[bool, str]]:
    """(is code, part) of a Markdown text, in order: fenced code blocks and code spans are code."""
    pos = 0
    for m in _CODE.finditer(text):
        yield False, text[pos:m.start()]
        yield True, m.group(0)
        pos = m.end()
    yield False, text[pos:]


def _holds_markdown(annotation: Any) -> bool:
    return bool(annotation == Markdown or any(_holds_markdown(a) for a in typing.get_args(annotation)))


def _holds_model(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for a in typing.get_args(annotation) for m in _holds_model(a)]


_PLANS: dict[type[BaseModel], tuple[tuple[str, bool], ...] | None] = {}


def _markdown_plan(model: type[BaseModel]) -> tuple[tuple[str, bool], ...] | None:
    """(field, is Markdown) of the fields of ``model`` that are or may hold Markdown (in a sub-model);
    None while ``model`` is being planned (a model holding itself may hold Markdown)."""
    if model not in _PLANS:
        _PLANS[model] = None
        plan = []
        hints = typing.get_type_hints(model, include_extras=True)  # keeps Annotated (model.Markdown)
        for name in model.model_fields:
            if _holds_markdown(hints[name]):
                plan.append((name, True))
            elif any(_markdown_plan(m) != () for m in _holds_model(hints[name])):
                plan.append((name, False))
        _PLANS[model] = tuple(plan)
    return _PLANS[model]


def markdown_values(value: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """(location, text) of every field typed Markdown (model.Markdown) in a loaded model, in lists and
    dicts of them: what the templates let through as an author's Markdown."""
    if isinstance(value, BaseModel):
        for name, is_markdown in _markdown_plan(type(value)) or ():
            item = getattr(value, name)
            yield from (strings(item, (*loc, name)) if is_markdown else markdown_values(item, (*loc, name)))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from markdown_values(item, (*loc, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from markdown_values(item, (*loc, key))


def markdown_fields(v: Any) -> Iterator[tuple[Loc, str]]:
    """(location, text) of every Markdown field of a Vorlage."""
    return markdown_values(v)


def strings(value: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every text value of loaded YAML with its location."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from strings(item, (*loc, i))


# --- what to find ---------------------------------------------------------------------------


def _width(token: str) -> float:
    """Estimated width in points of a word that cannot be broken (generous: bold, wide letters)."""
    if token.isalpha() and len(token) <= BREAKABLE_WORD:
        token = token[:6]  # hyphenation breaks a real word into pieces this short
    return sum(0.9 if ch in _WIDE or ch.isupper() else 0.6 for ch in token) * FONT_PT * 1.08


_MAX_CHAR_PT = 0.9 * FONT_PT * 1.08  # the widest a character is estimated
_LONG_TOKEN = int(TEXT_WIDTH_PT / _MAX_CHAR_PT)  # shorter words fit a line whatever their letters


def _has_long_word(text: str) -> bool:
    chunks = [c for c in text.split() if len(c) >= _LONG_TOKEN]  # str.split first: fast, and usually empty
    return any(len(t) >= _LONG_TOKEN for c in chunks for t in _BREAKS.split(c))


def _effective(token: str) -> int:
    return 6 if token.isalpha() and len(token) <= BREAKABLE_WORD else len(token)


def _longest(text: str) -> tuple[str, float]:
    """The widest unbreakable word of a text and its estimated width."""
    best, best_width = "", 0.0
    for token in sorted(_BREAKS.split(text), key=_effective, reverse=True):
        if _effective(token) * _MAX_CHAR_PT <= best_width:
            break  # no shorter word can be wider
        width = _width(token)
        if width > best_width:
            best, best_width = token, width
    return best, best_width


def _table_width(rows: list[list[str]], cols: int) -> float:
    """Estimated width the table needs: per column its longest unbreakable word and the insets."""
    rough = sum(max((len(r[c]) for r in rows if c < len(r)), default=0) * _MAX_CHAR_PT + CELL_INSET_PT
                for c in range(cols))
    if rough <= TEXT_WIDTH_PT:
        return rough  # even if every cell were one word of the widest letters
    return sum(max((_longest(r[c])[1] for r in rows if c < len(r)), default=0) + CELL_INSET_PT
               for c in range(cols))


def _cm(points: float) -> str:
    return f"{points / 28.35:.1f}".replace(".", ",")


def link_issues(md: str) -> list[tuple[str, str]]:
    """(snippet, message) for every link to something else than the web, mail or a phone."""
    if "](" not in md and "]:" not in md and "<" not in md:
        return []
    out = []
    for m in _LINK.finditer(md):
        raw = next(g for g in m.groups() if g)
        dest = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(raw.replace("\\", "")))
        scheme = _SCHEME.match(dest)
        if scheme and scheme.group(1).lower() not in SCHEMES:
            message = (f"Link auf „{scheme.group(1)}:“ ist nicht erlaubt; Links führen nur zu "
                       "http:, https:, mailto: oder tel:")
            out.append((raw, message))
    return out


# A line can be nested too deep only if it has many markers or much indentation (see below).
_MAYBE_DEEP = re.compile(r"^(?:[ \t]{21,}|(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]))){6,})", re.MULTILINE)


def nesting_issues(md: str) -> list[tuple[str, str]]:
    if _MAYBE_DEEP.search(md) is None:
        return []
    for line in md.splitlines():
        if not line.startswith((" ", "\t", ">")) and not _CONTAINER.match(line):
            continue
        depth, rest = 0, line
        while (m := _CONTAINER.match(rest)) is not None:
            depth += 1
            rest = rest[m.end():]
        indent = len(line) - len(line.lstrip(" \t"))
        if depth + indent // 3 > MAX_NESTING:  # a nested list is indented by 2 to 4 spaces
            message = f"Zitate und Listen sind tiefer als {MAX_NESTING} Ebenen verschachtelt; so tief kann kein " \
                "Dokument sie setzen"
            return [(line.strip()[:40] or line[:40], message)]
    return []


_ANY_RULE = re.compile(r"^[ \t]*(?:\|?[ \t]*:?-|\+[-=:])", re.MULTILINE)


def _table_blocks(md: str, lines: list[str]) -> Iterator[tuple[int, list[list[str]]]]:
    """(first line, rows of cells) of every pipe, grid and simple table."""
    candidates = sorted({md.count("\n", 0, m.start()) for m in _ANY_RULE.finditer(md)})
    i = 0
    for i_candidate in candidates:
        if i_candidate < i:
            continue
        i = i_candidate
        line = lines[i]
        if _PIPE_RULE.match(line) and i > 0 and "|" in lines[i - 1]:
            start, j = i - 1, i + 1
            while j < len(lines) and "|" in lines[j]:
                j += 1
            rows = [list(re.split(r"(?<!\\)\|", row.strip().strip("|"))) for k, row in
                    enumerate(lines[start:j]) if k != 1]
            yield start, rows
            i = j
        elif _GRID_RULE.match(line) or _SIMPLE_RULE.match(line):
            start, j = i, i + 1
            while j < len(lines) and lines[j].strip():
                j += 1
            rule = line.strip()
            cols = rule.count("+") - 1 if rule.startswith("+") else len(rule.split())
            bounds = [m.span() for m in re.finditer(r"[-=:]+", line)]
            rows = [[row[a:b] for a, b in bounds] for row in lines[start:j] if not _GRID_RULE.match(row)]
            yield start, [r[:cols] for r in rows] or [[""] * cols]
            i = j


def width_issues(md: str) -> list[tuple[str, str]]:
    """Tables and words wider than the page."""
    out: list[tuple[str, str]] = []
    lines = md.split("\n")
    in_table: set[int] = set()
    if "|" in md or "---" in md or "+-" in md:
        for start, rows in _table_blocks(md, lines):
            in_table.update(range(start, start + len(rows) + 2))
            cols = max(len(r) for r in rows)
            need = _table_width(rows, cols)
            if need > TEXT_WIDTH_PT:
                message = (f"Tabelle zu breit für die Seite: {cols} Spalten brauchen etwa {_cm(need)} cm, "
                           f"die Seite bietet {_cm(TEXT_WIDTH_PT)} cm (weniger Spalten oder kürzere Einträge)")
                out.append((lines[start].strip()[:40], message))
    for n, line in enumerate(lines if _has_long_word(md) else ()):
        if n in in_table or not _has_long_word(line):
            continue
        word, width = _longest(line)
        if width > TEXT_WIDTH_PT:
            message = (f"Wort ohne Trennstelle ({len(word)} Zeichen) ist breiter als die Zeile; "
                       "bitte mit Leerzeichen oder Bindestrichen teilen")
            out.append((word[:40], message))
    return out


def note_issues(md: str) -> list[tuple[str, str]]:
    """A footnote mark explained twice: pandoc would keep one of the two texts (and warn)."""
    if "[^" not in md:
        return []
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for code, part in outside_code(md):
        for m in NOTE_DEFINITION.finditer("" if code else part):
            label = m.group(1)
            if label in seen:
                line_end = part.find("\n", m.end())
                snippet = part[m.start(1) - 2:line_end if line_end >= 0 else len(part)].strip()
                out.append((snippet, f"Fußnote „[^{label}]“ ist zweimal erklärt; jede Fußnote braucht ihre "
                                     "eigene Marke"))
            seen.add(label)
    return out


def markdown_issues(md: str) -> list[tuple[str, str]]:
    return link_issues(md) + nesting_issues(md) + width_issues(md) + note_issues(md)


# --- where it is ----------------------------------------------------------------------------


def pinpoint(path: Path, loc: Loc, snippet: str) -> tuple[int, int]:
    """Line and column of ``snippet`` in the file, searched from the field at ``loc`` on."""
    line, col = locate(path, loc)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return line, col
    start = sum(len(x) + 1 for x in text.split("\n")[: line - 1])
    found = text.find(snippet, start) if snippet else -1
    if found < 0:
        return line, col
    return text.count("\n", 0, found) + 1, found - (text.rfind("\n", 0, found) + 1) + 1


def glyph_problems(raw: Any, path: Path, display: str, text: str | None = None) -> list[Problem]:
    """Characters that no shipped font has, each once per file with its place and Unicode name.
    With the file's ``text`` a file without any such character costs one search; not so a text with
    a backslash: an escape in double quotes ("\u4e2d") makes a character its text does not hold."""
    if text is not None and "\\" not in text and not uncovered(text):
        return []
    out: list[Problem] = []
    seen: set[str] = set()
    for loc, value in strings(raw):
        for ch in uncovered(value):
            if ch in seen:
                continue
            seen.add(ch)
            if len(seen) > MAX_GLYPH_REPORTS:
                continue
            out.append(Problem(display, *pinpoint(path, loc, ch), field_path(loc),
                               f"Zeichen {describe(ch)} ist in keiner Schrift enthalten, mit der gesetzt wird "
                               "(Liberation Sans, DejaVu Sans); bitte ersetzen oder umschreiben"))
    if len(seen) > MAX_GLYPH_REPORTS:
        last = out[-1]
        out.append(Problem(display, last.line, last.col, last.field, f"… und {len(seen) - MAX_GLYPH_REPORTS} "
                           "weitere Zeichen, die keine Schrift enthält"))
    return out


def markdown_problems(loaded: Any, path: Path, display: str) -> list[Problem]:
    """What the renderer cannot take in the Markdown fields of a loaded file (a model, or a dict or
    list of models), each with its place."""
    return [Problem(display, *pinpoint(path, loc, snippet), field_path(loc), message)
            for loc, md in markdown_values(loaded) for snippet, message in markdown_issues(md)]


def text_problems(raw: Any, loaded: Any, path: Path, display: str, text: str | None = None) -> list[Problem]:
    """Characters and Markdown of any file whose texts end up in a document."""
    return glyph_problems(raw, path, display, text) + markdown_problems(loaded, path, display)


def record_problems(raw: Any, vorlage: Any, path: Path, display: str, text: str | None = None) -> list[Problem]:
    """Everything of this module for one Drucksache."""
    out = text_problems(raw, vorlage, path, display, text)
    if len(vorlage.betreff) > MAX_BETREFF:
        out.append(Problem(display, *locate(path, ("betreff",)), "betreff",
                           f"Betreff ist {len(vorlage.betreff)} Zeichen lang, höchstens {MAX_BETREFF} passen in "
                           "Titel, Kopfzeilen und Inhaltsverzeichnisse; Einzelheiten gehören in den Sachverhalt"))
    return out
