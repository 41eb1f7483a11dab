"""Jinja environment that writes Pandoc Markdown.

Text from a record is data: Jinja never evaluates what it inserts, ``inline`` escapes every Markdown
sign in single-line values (Betreff, names), and ``md`` lets an author's Markdown through but
defuses the one construct that could break out of the layout's structure: a fence line ``:::``.
Raw blocks, raw HTML/TeX, math and metadata blocks are switched off in the pandoc reader
(``READER``), so ``{=typst}``, ``<script>`` or ``$…$`` come out as the characters typed.

One span has a meaning in every text, single-line or block: a Schwärzung ``[Text]{.geschwaerzt}``
(see schwaerzung.py). ``inline`` keeps it (escaping its content), ``attr`` and metadata get its
one-line form „[Text]“; the filter (vorlage.lua) draws it and makes every other attribute an author
writes inert. The ``vg-`` classes belong to the templates, so ``md`` defuses them in an author's text.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from vorlagengen.cachedir import cache_folder
from vorlagengen.checks.text import NOTE_DEFINITION, outside_code
from vorlagengen.documents.context import betrag, datum
from vorlagengen.documents.layouts import PACKAGED, Layout
from vorlagengen.errors import UserError
from vorlagengen.model.drucksache import ART_REGELN, ART_STIL, TEILE
from vorlagengen.model.records import display_path, package_digest
from vorlagengen.public.schwaerzung import KLASSE, klartext, teile
from vorlagengen.text.typografie import setze, setze_markdown

PACKAGE_PREFIX = "paket"  # {% extends "paket/allris/vorlage.md.j2" %}: the packaged file

READER = "markdown" + "".join(
    f"-{ext}"
    for ext in (
        "raw_attribute", "raw_html", "raw_tex", "yaml_metadata_block", "pandoc_title_block",
        "tex_math_dollars", "tex_math_single_backslash", "tex_math_double_backslash",
        "implicit_figures", "auto_identifiers", "citations", "native_spans", "native_divs",
    )
)  # quotes are set before pandoc (typografie.py); its smart extension finds none left to change

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~^@&:;=%/])")
# A fence line ":::" opens a Div, the layout's own vocabulary – also behind the markers of a
# blockquote or a list item ("> :::", "- :::", "1. :::"), so those count as the line's start.
_FENCE = re.compile(r"^((?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)))*[ \t]*)(:{3,})", re.MULTILINE)
# "[text]{custom-style=…}" and "[text](url){…}": attributes would set any Word style or class.
_ATTRIBUTES = re.compile(r"(?<=[\])])\{(?!\." + re.escape(KLASSE) + r"\})")  # all but a Schwärzung
_SPACE = re.compile(r"\s+")
_TEMPLATE_CLASS = re.compile(r"(?<!\\)\{(?=[^}\n]*\.vg-)")  # not one _ATTRIBUTES defused already
_NOTE_REFERENCE = re.compile(r"(?<!\\)\[\^([^\s^\[\]]+)\]")
# Each Markdown value of a document gets its own footnote marks: „[^1]“ in two fields (two TOPs of a
# Niederschrift, Sachverhalt and Beschlussvorschlag) are two footnotes, not a duplicate (see md).
_FIELD_NUMBERS: ContextVar[Iterator[int] | None] = ContextVar("vorlagengen_md_fields", default=None)


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def inline(value: object) -> Markup:
    """A single-line value, every Markdown sign escaped, line breaks folded; a Schwärzung stays one."""
    text = setze(" ".join(str(value).split()))
    return Markup("".join(f"[{_escape(part)}]{{.{KLASSE}}}" if marked else _escape(part)
                          for marked, part in teile(text)))


def zeilen(value: object) -> Markup:
    """A value whose line breaks matter (a Betreff „…\nhier: …“): each line escaped like ``inline``,
    joined by hard line breaks. Inside a table cell use ``inline``, which folds them."""
    lines = [inline(line) for line in str(value).replace("\r\n", "\n").split("\n") if line.strip()]
    return Markup("\\\n".join(lines))


def zelle(value: object) -> Markup:
    """``zeilen`` for a table cell (a Betreff „…\nhier: …“): pipe tables allow no line break, so the
    lines are joined by a template span that the filter turns into one (vorlage.lua)."""
    lines = [inline(line) for line in str(value).replace("\r\n", "\n").split("\n") if line.strip()]
    return Markup("[]{.vg-umbruch}".join(lines))


def eur(value: object, word: str = "EUR") -> Markup:
    """An amount with its currency word, joined by a no-break space so they never part."""
    return Markup(f"{betrag(value)}\u00a0{word}")  # type: ignore[arg-type]


def own_notes(text: str) -> str:
    """The text with the marks of the footnotes it defines made its own within the document being
    rendered („[^1]“ → „[^3.1]“ in the third Markdown value); a mark it does not define stays as typed."""
    numbers = _FIELD_NUMBERS.get()
    if numbers is None or "[^" not in text:
        return text
    parts = list(outside_code(text))
    defined = {label for code, part in parts if not code for label in NOTE_DEFINITION.findall(part)}
    if not defined:
        return text
    n = next(numbers)
    return "".join(part if code else _NOTE_REFERENCE.sub(
        lambda m: f"[^{n}.{m.group(1)}]" if m.group(1) in defined else m.group(0), part) for code, part in parts)


def nach(word: object, suffix: str) -> Markup:
    """``word`` with the punctuation that belongs to it („Aktenzeichen: “); an empty word takes it along."""
    return Markup(f"{word}{suffix}") if str(word) else Markup("")


def fett(word: object) -> Markup:
    """``word`` in bold; an empty word leaves no empty emphasis („****“)."""
    return Markup(f"**{word}**") if str(word) else Markup("")


def md(value: object) -> Markup:
    """An author's Markdown block, with fence lines, attributes and template classes defused and its
    footnotes its own; ends with a blank line."""
    text = own_notes(str(value).replace("\r\n", "\n").replace("\r", "\n"))
    text = setze_markdown(text, list(outside_code(text)))
    text = _FENCE.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    text = _ATTRIBUTES.sub(r"\\{", text)
    text = _TEMPLATE_CLASS.sub(r"\\{", text)
    return Markup(text.rstrip() + "\n")


def attr(value: object) -> Markup:
    """A value inside a quoted pandoc attribute: ``key="…"``; a Schwärzung in its one-line form."""
    text = setze(" ".join(klartext(str(value)).split()))
    return Markup(text.replace("\\", "\\\\").replace('"', '\\"'))


def _finalize(value: object) -> Markup:
    """Every ``{{ … }}`` ends here: text marked as Markup (the filters above, macros, blocks,
    ``|safe``) stays as it is, anything else is escaped like ``|inline`` (a Schwärzung stays one).
    So a template author who forgets the filter gets the characters typed, never Markdown from a
    record."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    text = _SPACE.sub(" ", str(value))  # one line; a literal's edge spaces („ (Entwurf)“) stay
    return Markup("".join(f"[{_escape(part)}]{{.{KLASSE}}}" if marked else _escape(part)
                          for marked, part in teile(text)))


def _markup(func: Callable[..., str]) -> Callable[..., Markup]:
    """A filter whose result is safe text by construction (German dates, amounts)."""
    return lambda *args: Markup(func(*args))


class CheckedBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept between runs in the user's cache folder (a new process need not
    compile a layout again). Each file starts with the SHA-256 of the rest: a damaged one is never
    loaded, the template is compiled afresh and the file written again. Jinja itself drops a file
    whose template source changed; the folder's name holds vorlagengen's code and Jinja's version,
    which decide how a template compiles."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _file(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.folder / f"{bucket.key}.bin"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            data = self._file(bucket).read_bytes()
        except OSError:
            return
        if len(data) > 32 and hashlib.sha256(data[32:]).digest() == data[:32]:
            bucket.bytecode_from_string(data[32:])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        payload = bucket.bytecode_to_string()
        tmp = None
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".vorlage-", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, self._file(bucket))
        except OSError:  # a cache that cannot be written is no fault of the project
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)


def bytecode_cache() -> CheckedBytecodeCache | None:
    """The compiled templates' cache, or None when the user's cache is off (VORLAGENGEN_CACHE=aus)."""
    folder = cache_folder()
    if folder is None:
        return None
    return CheckedBytecodeCache(folder / f"vorlagen-jinja-{jinja2.__version__}-{package_digest().hex()[:16]}")


@lru_cache(maxsize=16)
def environment(layout: Layout) -> jinja2.Environment:
    """One environment per layout and process: templates are compiled once.

    The layout's folders come first; ``paket/<layout>/<datei>`` names a packaged file, so that a
    project's template can ``{% extends "paket/allris/vorlage.md.j2" %}`` and override blocks."""
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader([str(p) for p in layout.search_path if p.is_dir()]),
        jinja2.PrefixLoader({PACKAGE_PREFIX: jinja2.FileSystemLoader(str(PACKAGED))}),
    ])
    env = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=True,  # with _finalize: escaping is Markdown escaping, on by default
        finalize=_finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=bytecode_cache(),
    )
    env.filters.update(inline=inline, md=md, attr=attr, datum=_markup(datum), betrag=_markup(betrag),
                       klartext=klartext, zeilen=zeilen, zelle=zelle, eur=eur, nach=nach, fett=fett)
    # the rules of each Art and of the text parts (model.py), one source for code and templates
    env.globals.update(arten=ART_REGELN, teile=TEILE, art_stil=ART_STIL)
    return env


def render_markdown(layout: Layout, context: dict[str, Any], template: str = "vorlage.md.j2") -> str:
    numbers = _FIELD_NUMBERS.set(itertools.count(1))
    try:
        return unlabelled_out(str(environment(layout).get_template(template).render(context)))
    except jinja2.TemplateNotFound as exc:
        raise UserError(f"Layout „{layout.name}“: Vorlage „{exc.name}“ fehlt") from None
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or template
        raise UserError(f"{display_path(Path(where))}:{exc.lineno}: Fehler in der Layout-Vorlage: "
                        f"{german(exc.message or str(exc))}") from None
    except UserError:
        raise
    except Exception as exc:  # anything a template's code raises is a mistake in that template
        where, line = _template_frame(exc, template)
        message = exc.message if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
        raise UserError(f"{where}:{line}: Fehler in der Layout-Vorlage: {german(message or str(exc))}") from None
    finally:
        _FIELD_NUMBERS.reset(numbers)


_PROPS = re.compile(r"^::: \{\.vg-props[ }]")


def unlabelled_out(markdown: str) -> str:
    """A row of a property block (``::: {.vg-props}``, a definition list) whose label word is empty
    goes as a whole: an empty word leaves its line out, and a definition without term is no
    definition list for pandoc. A property block left without rows goes too."""
    out: list[str] = []
    opened = -1  # index in ``out`` of the open property block's first line
    dropping = False
    for line in markdown.split("\n"):
        if opened < 0:
            if _PROPS.match(line):
                opened = len(out)
            out.append(line)
            continue
        if line.strip() == ":::":
            opened_at, opened = opened, -1
            dropping = False
            if not any(x.strip() for x in out[opened_at + 1:]):
                del out[opened_at:]
                continue
            out.append(line)
            continue
        if line.startswith(":   ") and (len(out) == opened + 1 or not out[-1].strip()):
            dropping = True
            continue
        if dropping and line.strip():  # the value's further lines, up to the blank line ending the row
            continue
        dropping = False
        out.append(line)
    return "\n".join(out)


def _template_frame(exc: BaseException, template: str) -> tuple[str, int]:
    """The template file and line where ``exc`` happened: Jinja puts the templates' own file names
    and lines into the traceback."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".j2") and frame.lineno:
            return display_path(Path(frame.filename)), frame.lineno
    return template, 0


_OPEN = re.compile(r"The innermost block that needs to be closed is '([^']+)'")
_GERMAN = [
    (re.compile(r"^'([^']+)' is undefined$"), "„{0}“ ist nicht definiert"),
    (re.compile(r"^'(?:[\w.]+\.)?([^'.]+?)(?: object)?' has no attribute '([^']+)'$"), "„{0}“ hat kein Feld „{1}“"),
    (re.compile(r"^Unexpected end of template\..*", re.S), "Vorlage endet, obwohl ein Block noch offen ist"),
    (re.compile(r"^Encountered unknown tag '([^']+)'\..*", re.S), "unbekannter oder unerwarteter Befehl „{0}“"),
    (re.compile(r"^unexpected '(.+)'$"), "unerwartetes „{0}“"),
    (re.compile(r"^[Nn]o filter named '([^']+)'\.?$"), "unbekannter Filter „{0}“"),
    (re.compile(r"^[Nn]o test named '([^']+)'\.?$"), "unbekannter Test „{0}“"),
]


def german(message: str) -> str:
    """Jinja's most common messages in German; others as Jinja says them."""
    text = message.strip()
    for pattern, german_text in _GERMAN:
        m = pattern.match(text)
        if m:
            still_open = _OPEN.search(text)
            suffix = f" (offen ist noch „{still_open.group(1)}“)" if still_open else ""
            return german_text.format(*m.groups()) + suffix
    return message


# pandoc warnings that are no fault: an unused footnote, a second definition of a link reference
# (the first one counts, as in CommonMark), a second identifier of the same name (the filter drops
# it). Any other warning stops the build.
_HARMLESS = re.compile(r"^(?:\[WARNING\] )?(Note with key .* but not used\.|Duplicate link reference .*"
                       r"|Duplicate identifier .*)$")
_TEMP_PLACE = re.compile(r" (?:at|in) \S*vorlagengen-md-[^\s/]+/\S+ line \d+ column \d+"
                         r"|\S*vorlagengen-md-[^\s/]+/\S+")


def pandoc_messages(stderr: str) -> str:
    """pandoc's complaints without the harmless ones and without the temporary file's place."""
    lines = [line for line in stderr.strip().splitlines() if line.strip() and not _HARMLESS.match(line.strip())]
    return "\n".join(_TEMP_PLACE.sub("", line) for line in lines)
