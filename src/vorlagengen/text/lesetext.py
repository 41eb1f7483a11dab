"""What a reader sees of a Markdown text: the project's markdown-it parser and the visible text and
link addresses of a field, with entities, escapes, emphasis and line breaks resolved.

The website renders Markdown with this parser (publish/markdown.py adds its own rules on top);
``validate`` checks the terms of a record's ``schwaerzen`` list against ``sichtbar`` rather than
the source, so ``Mei&#101;r``, ``Me*ie*r`` or ``mailto:mei%65r@…`` cannot hide a listed name.
Text inside a Schwärzung span is not visible (the public projection replaces it).

markdown-it and its plugins are loaded when a text is first read: most records have no
``schwaerzen`` terms, and a build of one Drucksache need not pay for them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import unquote

from vorlagengen.public.schwaerzung import KLASSE

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# Characters a reader does not see: soft hyphen, zero-width space/joiners, word joiner, BOM; and the
# marks of pandoc's superscript and subscript (``Me^ie^r``, ``Me~ie~r``), which markdown-it keeps.
_UNSICHTBAR = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff^~]")
_LEER = re.compile(r"\s+")


def parser() -> MarkdownIt:
    """CommonMark with tables, strikethrough and bracketed spans: how the project reads Markdown."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.attrs import attrs_plugin

    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable(["table", "strikethrough"])
    md.use(attrs_plugin, spans=True)
    return md


@lru_cache(maxsize=1)
def _leser() -> MarkdownIt:
    from mdit_py_plugins.footnote import footnote_plugin

    return parser().use(footnote_plugin)  # pandoc prints footnotes: their text is visible too


@dataclass
class Sichtbar:
    """The text a reader sees (block by block, joined by newlines) and every link and image address."""

    text: str = ""
    adressen: list[str] = field(default_factory=list)


def sichtbar(markdown: str) -> Sichtbar:
    out = Sichtbar()
    blocks: list[str] = []
    for token in _leser().parse(markdown):
        if token.type in ("fence", "code_block"):
            blocks.append(token.content)
        elif token.children is not None:
            blocks.append(_inline(token.children, out.adressen))
    out.text = "\n".join(blocks)
    return out


def _inline(children: list[Token], adressen: list[str]) -> str:
    parts: list[str] = []
    redacted = 0
    for child in children:
        if child.type == "span_open":
            redacted += 1 if (redacted or KLASSE in str(child.attrs.get("class", "")).split()) else 0
            continue
        if child.type == "span_close":
            redacted = max(0, redacted - 1)
            continue
        if redacted:
            continue
        for name in ("href", "src"):
            if name in child.attrs:
                adressen.append(unquote(str(child.attrs[name])))
        if child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image" and child.children is not None:
            parts.append(_inline(child.children, adressen))
        elif child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
    return "".join(parts)


def norm(text: str) -> str:
    """For comparing what a reader sees: Unicode composed, case folded, invisible characters out,
    runs of white space one blank."""
    text = _UNSICHTBAR.sub("", unicodedata.normalize("NFC", text)).casefold()
    return _LEER.sub(" ", text).strip()
