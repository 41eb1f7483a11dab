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
_FENCE = re.compile(r"^(\s*)(:{3,})", re.MULTILINE)


def inline(value: object) -> str:
    """A single-line value, every Markdown sign escaped, line breaks folded."""
    text = " ".join(str(value).split())
    return _SPECIAL.sub(r"\\\1", text)


def zeilen(value: object) -> str:
    """A value whose line breaks matter (a Betreff „…\nhier: …“): each line escaped like ``inline``,
    joined by hard line breaks. Inside a table cell use ``inline``, which folds them."""
    lines = [inline(line) for line in str(value).replace("\r\n", "\n").split("\n") if line.strip()]
    return "\\\n".join(lines)


def eur(value: object, word: str = "EUR") -> str:
    """An amount with its currency word, joined by a no-break space so they never part."""
    return f"{betrag(value)}\u00a0{word}"  # type: ignore[arg-type]


def md(value: object) -> str:
    """An author's Markdown block, with fence lines defused; ends with a blank line."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _FENCE.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
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
    env.filters.update(inline=inline, md=md, attr=attr, datum=datum, betrag=betrag, zeilen=zeilen, eur=eur)
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
