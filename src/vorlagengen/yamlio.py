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


_TRANSLATIONS = (
    ("found duplicate key", "doppelter Schlüssel"),
    ("could not find expected ':'", "erwartetes „:“ fehlt"),
    ("did not find expected key", "erwarteter Schlüssel fehlt (Einrückung prüfen)"),
    ("did not find expected ',' or ']'", "erwartetes „,“ oder „]“ fehlt"),
    ("did not find expected ',' or '}'", "erwartetes „,“ oder „}“ fehlt"),
    ("did not find expected '-' indicator", "erwartetes „-“ fehlt (Einrückung prüfen)"),
    ("mapping values are not allowed here", "hier ist kein „:“ erlaubt (Text mit „:“ in Anführungszeichen setzen)"),
    ("found character '\\t' that cannot start any token", "Tabulator ist in YAML nicht erlaubt"),
    ("found undefined alias", "unbekannter Anker (Alias)"),
    ("could not determine a constructor for the tag", "unbekanntes YAML-Tag"),
    ("found unexpected end of stream", "unerwartetes Dateiende"),
    ("found unknown escape character", "unbekannte Escape-Sequenz"),
    ("expected a single document in the stream", "nur ein YAML-Dokument je Datei erlaubt"),
    ("but found another document", "nur ein YAML-Dokument je Datei erlaubt"),
)


def _german_yaml_message(exc: MarkedYAMLError) -> str:
    problem = (exc.problem or exc.context or "").strip()
    for english, german in _TRANSLATIONS:
        if problem.startswith(english) or english in problem:
            if english == "found duplicate key":
                key = problem.split('"')[1] if '"' in problem else ""
                return f"doppelter Schlüssel „{key}“"
            return german
    return f"YAML-Syntaxfehler ({problem})"


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
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise YamlProblem(Problem(display, line, col, "", _german_yaml_message(exc))) from None
    except (YAMLError, ValueError, RecursionError) as exc:
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
