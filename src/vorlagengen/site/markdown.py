"""Markdown of a record's text fields as HTML for the website.

markdown-it-py (CommonMark with tables) rather than pandoc: pandoc needs about 10 ms per field and
a site has thousands of them; markdown-it renders a thousand Drucksachen in about a second.
Text is data, as in the documents: raw HTML comes out as the characters typed (``html=False``),
links only to http(s)/mailto, and of the bracketed-span syntax only the Schwärzung class survives —
its placeholder is marked ``data-pagefind-ignore`` so that no search index holds it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from vorlagengen.text.lesetext import parser

REDACTED_CLASS = "geschwaerzt"
PLACEHOLDER = "[geschwärzt]"
HEADING_SHIFT = 2  # an author's "#" sits below the page's h1 and the part's h2
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _shifter(shift: int) -> Any:
    def shift_headings(state: Any) -> None:
        """The text's highest heading becomes h(1 + shift) (h3 below the page's h1 and the part's h2),
        the others keep their distance to it: „##“ as an author's top level does not leave out h3."""
        levels = [int(t.tag[1]) for t in state.tokens if t.type == "heading_open"]
        top = min(levels, default=1)
        for token in state.tokens:
            if token.type in ("heading_open", "heading_close"):
                level = min(int(token.tag[1]) - top + 1 + shift, 6)
                token.tag = f"h{level}"
    return shift_headings


def _clean_attrs(state: Any) -> None:
    """Keep only the Schwärzung class from {…} attributes; drop unsafe link targets; whatever a
    Schwärzung span still holds is replaced by the placeholder (defence in depth: the public
    project has already replaced it)."""
    for token in state.tokens:
        for child in token.children or ():
            _clean_token(child)
        _clean_token(token)
        if token.children:
            token.children = _blank_redacted(token.children)


def _blank_redacted(children: list[Token]) -> list[Token]:
    out: list[Token] = []
    depth = 0
    for child in children:
        if depth:
            depth += {"span_open": 1, "span_close": -1}.get(child.type, 0)
            if depth == 0:
                out.append(child)
            continue
        out.append(child)
        if child.type == "span_open" and child.attrs.get("class") == REDACTED_CLASS:
            depth = 1
            out.append(Token("text", "", 0, content=PLACEHOLDER))
    return out


def _clean_token(token: Token) -> None:
    href = token.attrs.get("href") if token.type == "link_open" else None
    classes = str(token.attrs.get("class", "")).split()
    token.attrs = {}
    if href is not None:
        token.attrs["href"] = href if str(href).startswith(_SAFE_SCHEMES) else "#"
    if token.type == "span_open" and REDACTED_CLASS in classes:
        token.attrs = {"class": REDACTED_CLASS, "data-pagefind-ignore": "all"}


def _parser(shift: int = HEADING_SHIFT) -> MarkdownIt:
    md = parser()  # the project's reading of Markdown, as validate's Schwärzung check uses it
    md.core.ruler.push("vg_headings", _shifter(shift))
    md.core.ruler.push("vg_attrs", _clean_attrs)
    return md


_MD = _parser()
_PAGE_MD = _parser(1)


def to_html(text: str) -> str:
    return str(_MD.render(text))


def page_html(text: str) -> str:
    """A text that is a page of its own (Impressum, Datenschutz): its headings start at h2."""
    return str(_PAGE_MD.render(text))


class Renderer:
    """HTML of Markdown texts with a cache (text hash → HTML) kept between runs."""

    def __init__(self, cache: dict[str, str] | None = None) -> None:
        self.cache: dict[str, str] = dict(cache or {})
        self.used: set[str] = set()

    def __call__(self, text: str) -> str:
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
        self.used.add(key)
        html = self.cache.get(key)
        if html is None:
            html = self.cache[key] = to_html(text)
        return html

    def kept(self) -> dict[str, str]:
        """The cache without entries this run did not use."""
        return {k: v for k, v in sorted(self.cache.items()) if k in self.used}
