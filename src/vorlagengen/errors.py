"""Error types.

Every mistake of a user ends in a :class:`UserError`; the CLI catches that one base class and prints
its German message. Anything else escaping to the CLI is a bug in vorlagengen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One located finding: ``pfad:zeile:spalte: feld.pfad: Meldung``."""

    path: str
    line: int
    col: int
    field: str
    message: str

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

    def __init__(self, tool: str, source: Path | str, message: str):
        self.tool = tool
        super().__init__(f"{source}: {tool}: {message}")
