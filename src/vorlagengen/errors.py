"""Error types.

Every mistake of a user ends in a :class:`UserError`; the CLI catches that one base class and prints
its German message. Anything else escaping to the CLI is a bug in vorlagengen.
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass
from pathlib import Path

# A value quoted in a message („…“) is cut to this many characters: a 5,000-character key or number
# must not flood the terminal.
MAX_QUOTED = 80
_QUOTED = re.compile(f"„([^„“]{{{MAX_QUOTED + 1},}})“")


def shorten_quoted(message: str) -> str:
    """Cut every over-long „…“ value of a message, keeping its start."""
    return _QUOTED.sub(lambda m: f"„{m.group(1)[: MAX_QUOTED - 1]}…“", message)


@dataclass(frozen=True, order=True)
class Problem:
    """One located finding: ``pfad:zeile:spalte: feld.pfad: Meldung``."""

    path: str
    line: int
    col: int
    field: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", shorten_quoted(self.message))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class UserError(Exception):
    """Base of every error caused by input, configuration or environment, never by a bug."""


class ValidationFailed(UserError):
    """One or more records or reference files are invalid."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None):
        self.problems = sorted(problems)
        self.warnings = sorted(warnings or [])
        super().__init__("\n".join(str(p) for p in self.problems))


class ToolError(UserError):
    """An external renderer (pandoc, typst) refused its input."""

    def __init__(self, tool: str, source: Path | str, message: str, text: str | None = None):
        """``text``: the whole message, when it is told otherwise than „source: tool: message“."""
        self.tool = tool
        super().__init__(text if text is not None else f"{source}: {tool}: {message}")


_OS_REASONS = {
    errno.ENOSPC: "kein Platz mehr auf dem Datenträger",
    errno.EDQUOT: "Speicherkontingent erschöpft",
    errno.EROFS: "Dateisystem ist schreibgeschützt",
    errno.EACCES: "keine Berechtigung",
    errno.EPERM: "keine Berechtigung",
    errno.ENOENT: "Datei oder Ordner nicht gefunden",
    errno.ENOTDIR: "ein Teil des Pfades ist kein Ordner",
    errno.EISDIR: "ist ein Ordner, keine Datei",
    errno.EEXIST: "existiert bereits",
    errno.EMFILE: "zu viele offene Dateien",
    errno.ENAMETOOLONG: "Dateiname zu lang",
    errno.EIO: "Ein-/Ausgabefehler des Datenträgers",
}


def os_reason(exc: OSError) -> str:
    """The German reason of an operating-system error."""
    return _OS_REASONS.get(exc.errno or 0) or (exc.strerror or "Betriebssystemfehler")


class ResourceError(UserError):
    """The machine refused: a full disk, a read-only folder, a missing permission. Names the path."""

    def __init__(self, action: str, path: Path | str, exc: OSError):
        self.path = str(path)
        super().__init__(f"{path}: {action} nicht möglich: {os_reason(exc)}")


def resource_error(exc: OSError, action: str = "Schreiben") -> ResourceError:
    """A ResourceError for an OSError, naming the file the system complained about."""
    return ResourceError(action, exc.filename or "?", exc)
