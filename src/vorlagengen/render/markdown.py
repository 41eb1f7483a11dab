"""Jinja environment that writes Pandoc Markdown.

Text from a record is data: Jinja never evaluates what it inserts, ``inline`` escapes every Markdown
sign in single-line values (Betreff, names), and ``md`` lets an author's Markdown through but
defuses the one construct that could break out of the layout's structure: a fence line ``:::``.
Raw blocks, raw HTML/TeX, math and metadata blocks are switched off in the pandoc reader
(``READER``), so ``{=typst}``, ``<script>`` or ``$…$`` come out as the characters typed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2

from ..errors import UserError
from ..model import ART_REGELN, ART_STIL, TEILE
from .context import betrag, datum
from .layouts import Layout

READER = "markdown" + "".join(
    f"-{ext}"
    for ext in (
        "raw_attribute", "raw_html", "raw_tex", "yaml_metadata_block", "pandoc_title_block",
        "tex_math_dollars", "tex_math_single_backslash", "tex_math_double_backslash",
        "implicit_figures", "auto_identifiers", "citations", "native_spans",
    )
)

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~^@&:;=%/])")
# A fence line ":::" opens a Div, the layout's own vocabulary – also behind the markers of a
# blockquote or a list item ("> :::", "- :::", "1. :::"), so those count as the line's start.
_FENCE = re.compile(r"^((?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)))*[ \t]*)(:{3,})", re.MULTILINE)
# "[text]{custom-style=…}" and "[text](url){…}": attributes would set any Word style or class.
_ATTRIBUTES = re.compile(r"(?<=[\])])\{")


def inline(value: object) -> str:
    """A single-line value, every Markdown sign escaped, line breaks folded."""
    text = " ".join(str(value).split())
    return _SPECIAL.sub(r"\\\1", text)


def md(value: object) -> str:
    """An author's Markdown block, with fence lines and attributes defused; ends with a blank line."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _FENCE.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    text = _ATTRIBUTES.sub(r"\\{", text)
    return text.rstrip() + "\n"


def attr(value: object) -> str:
    """A value inside a quoted pandoc attribute: ``key="…"``."""
    text = " ".join(str(value).split())
    return text.replace("\\", "\\\\").replace('"', '\\"')


@lru_cache(maxsize=16)
def environment(layout: Layout) -> jinja2.Environment:
    """One environment per layout and process: templates are compiled once."""
    loader = jinja2.FileSystemLoader([str(p) for p in layout.search_path if p.is_dir()])
    env = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(inline=inline, md=md, attr=attr, datum=datum, betrag=betrag)
    # the rules of each Art and of the text parts (model.py), one source for code and templates
    env.globals.update(arten=ART_REGELN, teile=TEILE, art_stil=ART_STIL)
    return env


def render_markdown(layout: Layout, context: dict, template: str = "vorlage.md.j2") -> str:
    try:
        return environment(layout).get_template(template).render(context)
    except jinja2.TemplateNotFound as exc:
        raise UserError(f"Layout „{layout.name}“: Vorlage „{exc.name}“ fehlt") from None
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or template
        line = getattr(exc, "lineno", None)
        raise UserError(f"{Path(where)}:{line or 0}: Fehler in der Layout-Vorlage: {exc.message}") from None


# pandoc warnings that are no fault: an unused footnote, a second definition of a link reference
# (the first one counts, as in CommonMark). Any other warning stops the build.
_HARMLESS = re.compile(r"^\[WARNING\] (Note with key .* but not used\.|Duplicate link reference .*)$")
_TEMP_PLACE = re.compile(r" (?:at|in) \S*vorlagengen-md-[^\s/]+/\S+ line \d+ column \d+"
                         r"|\S*vorlagengen-md-[^\s/]+/\S+")


def pandoc_messages(stderr: str) -> str:
    """pandoc's complaints without the harmless ones and without the temporary file's place."""
    lines = [line for line in stderr.strip().splitlines() if line.strip() and not _HARMLESS.match(line.strip())]
    return "\n".join(_TEMP_PLACE.sub("", line) for line in lines)
