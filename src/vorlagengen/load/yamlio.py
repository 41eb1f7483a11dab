"""Reading YAML: fast where the file is fine, precise where it is not.

Records are parsed and composed into nodes by ruamel's C parser (libyaml); the nodes become Python
values here, in a few lines that know only what records use: mappings with text keys, lists and
scalars resolved as in YAML 1.2. That is several times faster than ruamel's own constructor, which
resolves every scalar through a chain of Python calls. Anything unusual (explicit tags, anchors of
collections, merge keys, duplicate or complex keys, any error) goes to ruamel's safe loader, which
then decides exactly as before. The same nodes carry line and column, so an invalid record is
composed once more to point each error at its place.

Records themselves take a faster way where it is safe (load_fast, load_mapping_fast): yaml-rs
builds their values without nodes, for a text that provably means the same to both loaders; a
record with any problem or warning is read again the positioned way, so every message is the same.

Dates stay text so that an impossible date like 2011-02-31 reaches validation (and gets a located
message) instead of crashing the YAML loader.
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
import stat
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.main import CParser  # type: ignore[attr-defined]  # libyaml, None without it
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import implicit_resolvers
from ruamel.yaml.tag import Tag

from vorlagengen.errors import Problem, os_reason
from vorlagengen.messages import field_path


class _TextDateConstructor(SafeConstructor):
    pass


_TextDateConstructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)
# A lone "=" (YAML 1.1's "value" type) is text, as an author means it.
_TextDateConstructor.add_constructor("tag:yaml.org,2002:value", SafeConstructor.construct_yaml_str)


def _safe_yaml() -> YAML:
    yaml = YAML(typ="safe", pure=False)
    yaml.Constructor = _TextDateConstructor
    return yaml


_SAFE = _safe_yaml()

# --- the fast path: libyaml composes nodes, _value turns them into Python values ----------------

_PLAIN = Tag(suffix="tag:vorlagengen,plain")  # a plain scalar: its type follows from its text
_STR = Tag(suffix="tag:yaml.org,2002:str")
_SEQ = Tag(suffix="tag:yaml.org,2002:seq")
_MAP = Tag(suffix="tag:yaml.org,2002:map")

# YAML 1.2 types of plain scalars, from ruamel's own table and in its order: first character →
# [(type, regexp)]. ruamel loads with YAML 1.2 whatever a %YAML directive says; so do we.
_IMPLICIT: dict[str, list[tuple[str, Any]]] = {}
for _versions, _tag, _regexp, _first in implicit_resolvers:
    if (1, 2) in _versions:
        for _ch in _first:
            _IMPLICIT.setdefault(_ch, []).append((_tag.rsplit(":", 1)[1], _regexp))


class _Unusual(Exception):
    """The document needs ruamel's full loader (tags, merge keys, aliases of collections, …)."""


class _BadNumber(Exception):
    def __init__(self, node: Node):
        self.node = node


if CParser is not None:

    class _Composer(CParser):  # type: ignore[misc]
        """libyaml's composer; every node is tagged plain, text, list or mapping."""

        def descend_resolver(self, parent: Any, index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Tag:
            if kind is ScalarNode:
                return _PLAIN if implicit[0] else _STR
            return _SEQ if kind is SequenceNode else _MAP


@functools.lru_cache(maxsize=4096)  # keys and short values repeat across records
def _plain(text: str) -> Any:
    """The value of a plain scalar, as ruamel's safe loader would make it (timestamps stay text)."""
    for kind, regexp in _IMPLICIT.get(text[:1], ()):
        if regexp.match(text):
            if kind == "null":
                return None
            if kind == "bool":
                return text.lower() == "true"
            if kind == "int":
                digits = text.replace("_", "")
                sign = -1 if digits[0] == "-" else 1
                digits = digits.lstrip("+-")
                for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
                    if digits.startswith(prefix):
                        return sign * int(digits[2:], base)
                return sign * int(digits)
            if kind == "float":
                digits = text.replace("_", "").lower()
                sign = -1 if digits[0] == "-" else 1
                digits = digits.lstrip("+-")
                if digits == ".inf":
                    return sign * math.inf
                if digits == ".nan":
                    return math.nan
                return sign * float(digits)
            if kind in ("timestamp", "value"):
                return text  # dates stay text (see above); a lone "=" is text too
            raise _Unusual(kind)  # "<<" (merge)
    return text


def _value(node: Node, seen: set[int]) -> Any:
    tag = node.ctag
    if tag is _PLAIN:
        try:
            return _plain(node.value)
        except ValueError:
            raise _BadNumber(node) from None
    if tag is _STR:
        return node.value
    if tag is not _SEQ and tag is not _MAP:
        raise _Unusual(str(tag))  # explicit tag
    if id(node) in seen:
        raise _Unusual("alias")  # the same list or mapping twice, perhaps inside itself
    seen.add(id(node))
    if tag is _SEQ:
        return [_value(item, seen) for item in node.value]
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if key_node.ctag is not _PLAIN and key_node.ctag is not _STR:
            raise _Unusual("complex key")
        key = _value(key_node, seen)
        if key in out:
            raise _Unusual("duplicate key")  # ruamel's loader names it, with its place
        out[key] = _value(value_node, seen)
    return out


def compose(text: str) -> Node | None:
    """The node tree of a YAML text (libyaml), with line and column on every node."""
    parser = _Composer(text)
    try:
        node: Node | None = parser.get_single_node()
        return node
    finally:
        parser.dispose()


def load_text(text: str) -> Any:
    """Load one YAML document like ruamel's safe loader would (dates as text), only faster."""
    if CParser is None:
        return _SAFE.load(text)
    try:
        node = _tree(text)  # kept: the problems of this text ask for positions in the same nodes
        return None if node is None else _value(node, set())
    except _BadNumber:
        raise
    except Exception:
        return _SAFE.load(text)


class YamlProblem(Exception):
    """A file could not be read as YAML; carries the located German problem."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


# (English text in the problem, German message, point at the context mark instead of the problem mark).
# The C loader (libyaml) and the pure-Python one word some problems differently; both are listed.
_TRANSLATIONS = (
    ("could not find expected ':'", "erwartetes „:“ nach dem Schlüssel fehlt", True),
    ("did not find expected key", "erwarteter Schlüssel fehlt (Einrückung prüfen)", False),
    ("did not find expected ',' or ']'", "erwartetes „,“ oder „]“ fehlt", False),
    ("did not find expected ',' or '}'", "erwartetes „,“ oder „}“ fehlt", False),
    ("did not find expected '-' indicator", "erwartetes „-“ fehlt (Einrückung prüfen)", False),
    ("mapping values are not allowed",
     "hier ist kein „:“ erlaubt (Einrückung prüfen; Text mit „: “ in Anführungszeichen setzen)", False),
    ("sequence entries are not allowed", "hier ist kein Listeneintrag „- “ erlaubt (Einrückung prüfen)", False),
    ("mapping keys are not allowed", "hier ist kein „?“ erlaubt (Text mit „?“ in Anführungszeichen setzen)", False),
    ("tab character", "Tabulator ist in YAML nicht erlaubt (nur mit Leerzeichen einrücken)", False),
    ("found undefined alias", "unbekannter Anker (Alias); Text mit „*“ am Anfang in Anführungszeichen setzen", False),
    ("found duplicate anchor", "doppelter Anker („&“)", False),
    ("did not find expected alphabetic or numeric character",
     "Name eines Ankers fehlt; Text mit „&“ oder „*“ am Anfang in Anführungszeichen setzen", False),
    ("could not determine a constructor for the tag", "unbekanntes YAML-Tag („!…“)", False),
    ("undefined tag handle", "unbekanntes YAML-Tag („!…“)", False),
    ("found unexpected ':'", "„:“ in Text innerhalb von [ ] oder { }: Text bitte in Anführungszeichen", False),
    ("a tag", "ungültiges YAML-Tag; Text, der mit „!“ beginnt, bitte in Anführungszeichen", False),
    ("found unhashable key", "eine Liste oder Zuordnung kann kein Schlüssel sein", False),
    ("for merging", "„<<“ braucht eine Zuordnung", False),
    ("found unknown escape character",
     "unbekannte Escape-Sequenz mit „\\“ (Text in einfache Anführungszeichen '…' setzen)", False),
    ("hexdecimal number", "unvollständige Escape-Sequenz mit „\\“", False),
    ("expected a single document in the stream", "nur ein YAML-Dokument je Datei erlaubt", False),
    ("but found another document", "nur ein YAML-Dokument je Datei erlaubt", False),
    ("did not find expected <document start>", "nur ein YAML-Dokument je Datei erlaubt", False),
    ("did not find expected node content", "Wert fehlt oder beginnt mit einem unerlaubten Zeichen", False),
    ("did not find expected comment or line break", "nach dem Wert darf nur noch ein Kommentar folgen", False),
    ("indentation indicator", "ungültige Einrückungsangabe nach „|“ oder „>“", False),
    ("directive", "ungültige YAML-Direktive („%…“)", False),
)


def _german_yaml_message(exc: MarkedYAMLError, text: str) -> tuple[str, bool]:
    """German message for a YAML error, and whether to point at its context mark."""
    problem = (exc.problem or exc.context or "").strip()
    context = (exc.context or "").strip()
    if problem.startswith("found duplicate key"):
        key = problem.split('"')[1] if '"' in problem else ""
        return f"doppelter Schlüssel „{key}“", False
    if "quoted scalar" in context and ("end of stream" in problem or "document" in problem):
        return "Anführungszeichen nicht geschlossen", True
    if "cannot start any token" in problem:
        mark = exc.problem_mark
        ch = _char_at(text, mark.line, mark.column) if mark else ""
        if ch == "\t":
            return "Tabulator ist in YAML nicht erlaubt (nur mit Leerzeichen einrücken)", False
        return f"Zeichen „{ch}“ kann keinen Wert beginnen (Text in Anführungszeichen setzen)", False
    opened = exc.context_mark
    in_flow = context.startswith(("while parsing a flow sequence", "while parsing a flow mapping"))
    if in_flow and opened is not None and exc.problem_mark is not None and opened.line != exc.problem_mark.line:
        bracket = "[" if "sequence" in context else "{"
        closing = "]" if bracket == "[" else "}"
        return f"„{bracket}“ wird nicht mit „{closing}“ geschlossen", True  # point at the opening bracket
    for where in (problem, context):
        for english, german, at_context in _TRANSLATIONS:
            if english in where:
                return german, at_context
    return "YAML-Syntaxfehler (Einrückung, Anführungszeichen und Klammern prüfen)", False


def _char_at(text: str, line: int, col: int) -> str:
    lines = text.split("\n")
    if 0 <= line < len(lines) and 0 <= col < len(lines[line]):
        return lines[line][col]
    return ""


def _line_col(text: str, position: int) -> tuple[int, int]:
    """Line and column of a reader error; libyaml counts its position in bytes of UTF-8."""
    if CParser is None:
        line = text.count("\n", 0, position) + 1
        return line, position - (text.rfind("\n", 0, position) + 1) + 1
    raw = text.encode("utf-8")
    start = raw.rfind(b"\n", 0, position) + 1
    return raw.count(b"\n", 0, position) + 1, len(raw[start:position].decode("utf-8", "replace")) + 1


# Limits: a record is a few kilobytes of text; its Anlagen are files of their own. Deeper nesting
# than MAX_DEPTH is no record (libyaml itself crashes near 30,000 levels).
MAX_BYTES = 1_000_000
MAX_DEPTH = 64
# YAML 1.1 (libyaml) counts these as line breaks, editors do not: every line number after one
# would be off. They are refused with their place, counted as editors count.
_LINE_SEPARATORS = {"\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR", "\u0085": "NEXT LINE"}


def _position(text: str, index: int) -> tuple[int, int]:
    """Line and column (1-based) of a character, counting only \\n as a line break."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _open_regular(path: Path, display: str) -> bytes:
    """The bytes of a regular file; a FIFO, device or folder is refused before it is opened."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            kind = "ein Ordner" if stat.S_ISDIR(st.st_mode) else "keine normale Datei (FIFO, Gerät oder Socket)"
            raise YamlProblem(Problem(display, 0, 0, "", f"ist {kind}; erwartet wird eine YAML-Datei"))
        if st.st_size > MAX_BYTES:
            size, limit = (f"{n:,}".replace(",", ".") for n in (st.st_size, MAX_BYTES))
            raise YamlProblem(Problem(display, 0, 0, "", f"Datei ist {size} Byte groß, erlaubt sind höchstens "
                                      f"{limit} Byte (Anlagen gehören als eigene Dateien unter „anlagen“)"))
        return path.read_bytes()
    except OSError as exc:
        raise YamlProblem(Problem(display, 0, 0, "", f"Datei nicht lesbar ({os_reason(exc)})")) from None


def read_text(path: Path, display: str) -> str:
    """Read a file as UTF-8 text, or raise YamlProblem with a German message."""
    raw = _open_regular(path, display)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlProblem(
            Problem(display, line, col, "", "Datei ist nicht UTF-8-kodiert (bitte als UTF-8 speichern)")
        ) from None
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise YamlProblem(Problem(display, 1, 1, "", "Datei ist leer"))
    if not text.isascii():
        for ch, name in _LINE_SEPARATORS.items():
            if ch in text:
                line, col = _position(text, text.index(ch))
                raise YamlProblem(Problem(display, line, col, "",
                                          f"Zeichen U+{ord(ch):04X} ({name}) ist nicht erlaubt: "
                                          "YAML zählt es als Zeilenumbruch, Editoren nicht; bitte durch einen normalen "
                                          "Zeilenumbruch oder ein Leerzeichen ersetzen"))
    _check_depth(text, display)
    return text


_BRACKETS = re.compile(r"[\[\]{}\n]")
_DEEP_BLOCK = re.compile(rf"^(?:[ ]{{{MAX_DEPTH * 8},}}|[ ]*(?:-[ ]+){{{MAX_DEPTH + 1},}})", re.MULTILINE)
_DEEP_SPACES = " " * (MAX_DEPTH * 8)


def _check_depth(text: str, display: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH: brackets of flow style, "- " or indentation of block style."""
    if text.count("[") + text.count("{") > MAX_DEPTH:
        depth = 0
        for m in _BRACKETS.finditer(text):
            ch = m.group()
            if ch in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlProblem(Problem(display, *_position(text, m.start()), "",
                                              f"YAML zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen)"))
            elif ch in "]}":
                depth = max(0, depth - 1)
            elif not _in_flow(text, m.start()):
                depth = 0
    # _DEEP_BLOCK is anchored at line starts, yet the search tries every character: it runs only
    # where it could match (MAX_DEPTH * 8 spaces in a row, or more than MAX_DEPTH "- ")
    deep = None
    if _DEEP_SPACES in text or text.count("- ") > MAX_DEPTH:
        deep = _DEEP_BLOCK.search(text)
    if deep is not None:
        raise YamlProblem(Problem(display, *_position(text, deep.start()), "",
                                  f"YAML zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen)"))


def _in_flow(text: str, newline: int) -> bool:
    """Whether the line after ``newline`` may continue a flow collection (it is indented)."""
    return newline + 1 < len(text) and text[newline + 1] in " \t]}"


# --- the faster path without positions: yaml-rs, only where it gives what load_text gives ---------
#
# Most records are plain: keys, text, lists, dates. For them yaml-rs (a YAML 1.2 parser in Rust)
# builds the values without nodes and places, about four times faster than libyaml's nodes. It is
# used only for a text that provably means the same to both loaders; anything else goes the way
# above. And a record with any problem or warning is read again that way, so that every message
# gets its place from libyaml's nodes, exactly as before (see load_mapping_fast).

FAST = True  # False: every file is read the positioned way (the tests compare the two)

FAST_MAX_ITEMS = 1_000  # "- " items; yaml-rs recurses per level and crashes near 20,000 of them
FAST_MAX_BRACKETS = 64
# One search finds every character that may matter: escapes, tabs, CR, C0/C1 controls (NEL among
# them), surrogates, BOM and non-characters (the two loaders differ on them, or only libyaml
# refuses them), and indicators, which count only where a node may start (_node_start): tags,
# anchors, aliases, directives, flow collections, complex keys, reserved characters and the
# headers of "|" and ">" blocks.
_FAST_SPECIAL = re.compile("[\x00-\x09\x0b-\x1f\\\\\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff!&*%\\[{?@`|>]")
_FAST_INDICATORS = frozenset("!&*%[{?@`")
# a backslash followed by one of these is read alike: an escaped quote or backslash in double quotes
# (what an import writes for a quote in a title), the characters as they are anywhere else
_FAST_ESCAPED = ('"', "\\")
# A plain value or key that may be read as something else than text: after ": " or "- ", or at the
# start of a line (a key, or a value below its key), beginning with a digit, sign, dot, "_", "<", "~"
# or being one of the words that YAML 1.1 or 1.2 give a meaning (two searches: one is slower).
_FAST_AFTER = re.compile(r"[:\-] +(?=([-+.\d_<~nNtTfFyYoOiI]\S*))")  # looking ahead: "- a: 1" is two
_FAST_LINE = re.compile(r"\n *(?=([-+.\d_<~nNtTfFyYoOiI]\S*))")
_FAST_WORDS = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf", "infinity"})
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DEEP = "\n" + " " * (2 * MAX_DEPTH)


_SIMPLE_WORD = re.compile(r"[0-9A-Za-z_.+~:-]+")


@functools.lru_cache(maxsize=8192)
def _same_scalar(word: str) -> bool:
    """Whether yaml-rs and load_text read ``word`` alike as a plain value (or both refuse it). Not a
    NaN: as a key, two of them are two keys to yaml-rs (NaN is unequal to itself) and a duplicate
    key to load_text."""
    import yaml_rs

    if word.lower().lstrip("+-") == ".nan":
        return False
    doc = f"k: {word}\n"
    if _SIMPLE_WORD.fullmatch(word):  # libyaml scans it as it is: its value is _plain's
        try:
            ours: Any = ("ok", {"k": _plain(word)})
        except Exception:
            ours = None
        if ours is not None:
            with contextlib.suppress(Exception):
                return repr(ours) == repr(("ok", yaml_rs.loads(doc, parse_datetime=False)))
    try:
        ours = ("ok", load_text(doc))
    except Exception:
        ours = ("error",)
    try:
        theirs: Any = ("ok", yaml_rs.loads(doc, parse_datetime=False))
    except Exception:
        theirs = ("error",)
    return repr(ours) == repr(theirs)


def _node_start(text: str, index: int) -> bool:
    """Whether a node may start at ``index``: after indentation and "- ", or after ": " / "? "."""
    j = index - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    if j < 0 or text[j] == "\n":
        return True
    if j == index - 1:
        return False  # not after a space
    if text[j] in ":?":
        return True
    return text[j] == "-" and not text[text.rfind("\n", 0, j) + 1 : j].strip(" -")


def _plain_block(text: str, index: int) -> bool:
    """The "|" or ">" at ``index`` has the plain header and a line of text right below it,
    indented deeper than its key (the two loaders differ on an empty block, for one)."""
    end = text.find("\n", index)
    if end < 0 or text[index + 1 : end].rstrip(" ") not in ("", "-"):
        return False
    line = text[text.rfind("\n", 0, index) + 1 : index]
    key = len(line) - len(line.lstrip(" -"))
    first = text[end + 1 : text.find("\n", end + 1) % (len(text) + 1)]
    return bool(first.strip()) and len(first) - len(first.lstrip(" ")) > key


def fast_allowed(text: str) -> bool:
    """Whether yaml-rs may read this text: nothing in it that the two loaders read differently
    (the values yaml-rs makes of it are checked by fast_values)."""
    if not FAST or not text.endswith("\n") or _DEEP in text:  # a block at the very end: yaml-rs adds "\n"
        return False
    if text.startswith(("---", "...")) or "\n---" in text or "\n..." in text:
        return False
    if text.count("- ") > FAST_MAX_ITEMS or text.count("[") + text.count("{") > FAST_MAX_BRACKETS:
        return False
    paired = -1  # the end of the last pair \" or \\: its second character is no character of its own
    for m in _FAST_SPECIAL.finditer(text):
        ch = m.group()
        if m.start() < paired:
            continue
        if ch == "\\" and text[m.end():m.end() + 1] in _FAST_ESCAPED:
            paired = m.end() + 1  # \" and \\ mean the same to both loaders, wherever they stand
            continue
        if ch in "|>":
            if _node_start(text, m.start()) and not _plain_block(text, m.start()):
                return False
        elif ch not in _FAST_INDICATORS or _node_start(text, m.start()):
            return False
    return True


def fast_values(text: str) -> bool:
    """Whether every plain value of an allowed text that could be read as something else than text
    (a number, a date, null, true …) is read alike by yaml-rs and load_text, or refused by both."""
    for found in (_FAST_AFTER.findall(text), _FAST_LINE.findall("\n" + text)):
        for word in found:
            word = word.removesuffix(":")
            if (word[:1].isalpha() and word.lower() not in _FAST_WORDS) or _ISO_DATE.fullmatch(word):
                continue  # text to both (a date is text: timestamps stay text, see _plain)
            if not _same_scalar(word):
                return False
    return True


def load_fast(text: str) -> dict[str, Any] | None:
    """The mapping of a record's text by yaml-rs, or None where it might differ from load_text
    (then the text is read the positioned way)."""
    if not fast_allowed(text):
        return None
    import yaml_rs  # not at start-up: only reading records needs it

    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except Exception:
        return None
    return data if isinstance(data, dict) and data and fast_values(text) else None


def load_mapping_fast(path: Path, display: str) -> tuple[dict[str, Any], str, bool]:
    """Like load_mapping_text, by yaml-rs where load_fast may; the flag says whether it did. A
    caller that finds any problem in such values reads the file again with load_mapping_text."""
    text = read_text(path, display)
    data = load_fast(text)
    if data is not None:
        return data, text, True
    return _mapping_of_text(text, path, display), text, False


def load_mapping(path: Path, display: str) -> dict[str, Any]:
    """Load a YAML file whose top level must be a mapping."""
    return load_mapping_text(path, display)[0]


def load_mapping_text(path: Path, display: str) -> tuple[dict[str, Any], str]:
    """Load a YAML file whose top level must be a mapping; also return its text."""
    text = read_text(path, display)
    return _mapping_of_text(text, path, display), text


def _mapping_of_text(text: str, path: Path, display: str) -> dict[str, Any]:
    try:
        data = load_text(text)
    except _BadNumber as exc:
        mark = exc.node.start_mark
        raise YamlProblem(Problem(display, mark.line + 1, mark.column + 1, "",
                                  f"ungültige Zahl „{exc.node.value}“ (Text bitte in Anführungszeichen)")) from None
    except MarkedYAMLError as exc:
        message, at_context = _german_yaml_message(exc, text)
        mark = (exc.context_mark if at_context else None) or exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        lines = text.splitlines() or [""]
        if line > len(lines):  # libyaml's "end of file" is the line after the last one
            line, col = len(lines), len(lines[-1]) + 1
        raise YamlProblem(Problem(display, line, col, "", message)) from None
    except ReaderError as exc:
        line, col = _line_col(text, exc.position) if isinstance(exc.position, int) else (1, 1)
        code = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "unbekannt"
        raise YamlProblem(Problem(display, line, col, "", f"Steuerzeichen {code} ist in YAML nicht erlaubt")) from None
    except RecursionError:
        raise YamlProblem(Problem(display, 1, 1, "", "YAML zu tief verschachtelt")) from None
    except ValueError:
        raise YamlProblem(Problem(display, 1, 1, "", "ungültige Zahl (Text bitte in Anführungszeichen)")) from None
    except YAMLError:
        raise YamlProblem(Problem(display, 1, 1, "", "YAML nicht lesbar")) from None
    if "\\" in text:  # only an escape in double quotes ("\0", "\x07", "\e") makes a control character
        _refuse_control(data, path, display, text)
    if not isinstance(data, dict):
        kind = "eine Liste" if isinstance(data, list) else "ein einzelner Wert"
        raise YamlProblem(
            Problem(display, 1, 1, "", f"oberste Ebene muss eine Zuordnung (Schlüssel: Wert) sein, ist aber {kind}")
        )
    return data


# C0 and C1 control characters except tab and line feed: no document can show them, typst refuses some
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _refuse_control(value: Any, path: Path, display: str, text: str, loc: tuple[Any, ...] = ()) -> None:
    """A control character written as an escape in any value (or key) is a located error."""
    if isinstance(value, str):
        m = _CONTROL.search(value)
        if m is not None:
            line, col = locate(path, loc, text)
            raise YamlProblem(Problem(display, line, col, field_path(loc),
                                      f"Steuerzeichen U+{ord(m.group()):04X} ist nicht erlaubt (als Escape-Sequenz "
                                      "mit „\\“ geschrieben); bitte entfernen"))
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_control(key, path, display, text, (*loc, key))
            _refuse_control(item, path, display, text, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _refuse_control(item, path, display, text, (*loc, i))


_TREES: dict[str, Node | None] = {}
_TREES_KEPT = 4


def _tree(text: str) -> Node | None:
    """Nodes of a text; the last few are kept because every problem of a file asks for a position.
    Raises what libyaml raises for a broken text (then nothing is kept)."""
    if text in _TREES:
        return _TREES[text]
    node = compose(text) if CParser is not None else None
    if len(_TREES) >= _TREES_KEPT:
        del _TREES[next(iter(_TREES))]
    _TREES[text] = node
    return node


def _key(node: Node) -> Any:
    try:
        return _plain(node.value) if node.ctag is _PLAIN else node.value
    except (ValueError, _Unusual):
        return node.value


def locate(path: Path, loc: tuple[Any, ...], text: str | None = None) -> tuple[int, int]:
    """Line and column (1-based) of the node at ``loc`` in a YAML file; the deepest that exists.

    For a key that is present the position of the key is returned; for a list item the position of
    the item; for a missing key, the position of the mapping that lacks it. ``text`` is the file's
    text when the caller has already read it.
    """
    try:
        node = _tree(path.read_text(encoding="utf-8-sig") if text is None else text)
    except Exception:
        return (1, 1)
    if node is None:
        return (1, 1)
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    for step in loc:
        if isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        elif isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and _key(key_node) == step:
                    line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                    node = value_node
                    break
            else:
                break
        else:
            break
    return line, col
