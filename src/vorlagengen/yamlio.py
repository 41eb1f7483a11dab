"""Reading YAML: fast where the file is fine, precise where it is not.

Records are read with ruamel's C-backed safe loader, which keeps no positions. Only when a record
turns out to be invalid is it read again with the round-trip loader, whose nodes know their line
and column, to point the error at the right place. Dates stay text so that an impossible date like
2011-02-31 reaches validation (and gets a located message) instead of crashing the YAML loader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from .errors import Problem


class _TextDateConstructor(SafeConstructor):
    pass


_TextDateConstructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


class _TextDateRoundTrip(RoundTripConstructor):
    pass


_TextDateRoundTrip.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def _fast_yaml() -> YAML:
    yaml = YAML(typ="safe", pure=False)
    yaml.Constructor = _TextDateConstructor
    return yaml


_FAST = _fast_yaml()


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
    ("found undefined tag handle", "unbekanntes YAML-Tag („!…“)", False),
    ("expected '>'", "unvollständiges YAML-Tag („!<…>“)", False),
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
    for where in (problem, context):
        for english, german, at_context in _TRANSLATIONS:
            if english in where:
                return german, at_context
    return f"YAML-Syntaxfehler ({problem})", False


def _char_at(text: str, line: int, col: int) -> str:
    lines = text.split("\n")
    if 0 <= line < len(lines) and 0 <= col < len(lines[line]):
        return lines[line][col]
    return ""


def _line_col(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def read_text(path: Path, display: str) -> str:
    """Read a file as UTF-8 text, or raise YamlProblem with a German message."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem(Problem(display, 0, 0, "", f"Datei nicht lesbar ({exc.strerror})")) from None
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
    return text


def load_mapping(path: Path, display: str) -> dict[str, Any]:
    """Load a YAML file whose top level must be a mapping."""
    text = read_text(path, display)
    try:
        data = _FAST.load(text)
    except MarkedYAMLError as exc:
        message, at_context = _german_yaml_message(exc, text)
        mark = (exc.context_mark if at_context else None) or exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem(Problem(display, line, col, "", message)) from None
    except ReaderError as exc:
        line, col = _line_col(text, exc.position) if isinstance(exc.position, int) else (1, 1)
        code = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "unbekannt"
        raise YamlProblem(Problem(display, line, col, "", f"Steuerzeichen {code} ist in YAML nicht erlaubt")) from None
    except RecursionError:
        raise YamlProblem(Problem(display, 1, 1, "", "YAML zu tief verschachtelt")) from None
    except (YAMLError, ValueError) as exc:
        raise YamlProblem(Problem(display, 1, 1, "", f"YAML nicht lesbar ({exc})")) from None
    if not isinstance(data, dict):
        kind = "eine Liste" if isinstance(data, list) else "ein einzelner Wert"
        raise YamlProblem(
            Problem(display, 1, 1, "", f"oberste Ebene muss eine Zuordnung (Schlüssel: Wert) sein, ist aber {kind}")
        )
    return data


def locate(path: Path, loc: tuple[Any, ...]) -> tuple[int, int]:
    """Line and column (1-based) of the node at ``loc`` in a YAML file; the deepest that exists.

    For a key that is present the position of the key is returned; for a missing key, the position
    of the mapping that lacks it.
    """
    yaml = YAML()  # round-trip: nodes carry .lc
    yaml.Constructor = _TextDateRoundTrip
    try:
        node = yaml.load(path.read_text(encoding="utf-8-sig"))
    except Exception:  # noqa: BLE001 - any failure here just means "no position known"
        return (1, 1)
    line, col = 1, 1
    if hasattr(node, "lc"):
        line, col = node.lc.line + 1, node.lc.col + 1
    for step in loc:
        lc = getattr(node, "lc", None)
        try:
            if isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node):
                if lc is not None:
                    ln, cl = lc.item(step)
                    line, col = ln + 1, cl + 1
                node = node[step]
            elif isinstance(node, dict) and step in node:
                if lc is not None:
                    ln, cl = lc.key(step)
                    line, col = ln + 1, cl + 1
                node = node[step]
            else:
                break
        except (KeyError, IndexError, TypeError):
            break
    return line, col
