"""Machine-readable forms of validation results: plain JSON, and GitLab's Code Quality report so
that a merge request shows each error at its line."""

from __future__ import annotations

import hashlib
import json

from .errors import Problem


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
