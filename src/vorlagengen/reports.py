"""Machine-readable forms of validation results: plain JSON, and GitLab's Code Quality report so
that a merge request shows each error at its line."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path

from vorlagengen.errors import Problem

_QUOTED = re.compile(r"„[^“]*“")
_STATUS = re.compile(r"^status:[ \t]*[\"']?(\S*)", re.MULTILINE)
REDACTED_NOTE = ("(Angaben aus einer nichtöffentlichen Drucksache ausgelassen; "
                 "„vorlagengen validate --intern“ zeigt sie)")


def _nonpublic(path: str) -> bool:
    """Whether the file a message points at is a non-public record (read as text: the record may be
    too broken to load)."""
    file = Path(path)
    try:
        if not file.is_file():  # never open a FIFO or device: reading it could block
            return False
        text = file.read_text(encoding="utf-8", errors="replace")[:1_000_000]
    except OSError:
        return False
    first = _STATUS.search(text)
    return first is not None and first.group(1).startswith(("nichtöffentlich", "nichtoeffentlich"))


def redact(problems: list[Problem]) -> list[Problem]:
    """Messages about a non-public Drucksache without the values they quote: CI logs are often public,
    so a log names non-public items only by file, line and field (issue: Öffentlichkeit)."""
    known: dict[str, bool] = {}
    out = []
    for p in problems:
        if p.path not in known:
            known[p.path] = _nonpublic(p.path)
        if known[p.path] and _QUOTED.search(p.message):
            p = dataclasses.replace(p, message=f"{_QUOTED.sub('„…“', p.message)} {REDACTED_NOTE}")
        out.append(p)
    return out


_LOCATION = re.compile(r"^([^:\n]+):(?:(\d+):(\d+): ([^:\n]*): )?")
TOOL_NOTE = ("Fehler beim Setzen (Einzelheiten aus einer nichtöffentlichen Drucksache ausgelassen; "
             "„vorlagengen --intern …“ zeigt sie)")


def redact_text(text: str) -> str:
    """An error text of a run (one message per line) with every line about a non-public Drucksache
    cut to its place (file, line, column, field): a renderer may quote any part of the text."""
    known: dict[str, bool] = {}
    out = []
    for line in text.split("\n"):
        m = _LOCATION.match(line)
        if m is not None:
            path = m.group(1).strip()
            if path not in known:
                known[path] = _nonpublic(path)
            if known[path]:
                line = f"{m.group(0)}{'' if m.group(4) is not None else ' '}{TOOL_NOTE}"
        out.append(line)
    return "\n".join(out)


def json_report(counts: dict[str, int], problems: list[Problem]) -> str:
    return json.dumps({
        **counts,
        "fehler": [{"datei": p.path, "zeile": p.line, "spalte": p.col, "feld": p.field, "meldung": p.message}
                   for p in problems],
    }, ensure_ascii=False, indent=2)


def codequality_report(problems: list[Problem]) -> str:
    """https://docs.gitlab.com/ee/ci/testing/code_quality.html – a list of issues."""
    issues = []
    for p in problems:
        fingerprint = hashlib.sha256(f"{p.path}:{p.field}:{p.message}".encode()).hexdigest()
        issues.append({
            "description": f"{p.field}: {p.message}" if p.field else p.message,
            "check_name": "vorlagengen",
            "fingerprint": fingerprint,
            "severity": "major",
            "location": {"path": p.path, "lines": {"begin": max(p.line, 1)}},
        })
    return json.dumps(issues, ensure_ascii=False, indent=2)
