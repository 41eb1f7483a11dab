"""``vorlagengen init``: a council's own project, which depends on vorlagengen instead of copying it.

The files come from ``projektvorlage/`` in the package; ``@@NAME@@``-style tokens are filled in
(no template engine: the Makefile and the CI files use ``$(…)`` and ``${{ … }}`` themselves). Names
that start with a dot are stored without it (package data skips dot files) and mapped here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from vorlagengen import __version__
from vorlagengen.documents.writing import write_atomic
from vorlagengen.errors import UserError
from vorlagengen.messages import suggest
from vorlagengen.model.records import packaged_layout_names
from vorlagengen.oparl.ids import body_slug
from vorlagengen.schema import SCHEMAS

VORLAGE = Path(__file__).resolve().parent / "projektvorlage"
# stored name → name in the new project
UMBENANNT = {"gitignore": ".gitignore", "gitlab-ci.yml": ".gitlab-ci.yml", "github": ".github"}
LEERE_ORDNER = ("vorlagen", "sitzungen")


@dataclass(frozen=True)
class Anlage:
    """What ``init`` is asked for."""

    ordner: Path
    name: str
    layout: str
    kennung: str | None = None
    nummernschema: str = "{nr:4}/{jahr}"


def quelle() -> str:
    """Where this vorlagengen was installed from, as pip takes it (PEP 610 ``direct_url.json``):
    a git URL with its commit, a folder, or "" (an index such as PyPI)."""
    try:
        raw = metadata.distribution("vorlagengen").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return ""
    if not raw:
        return ""
    info = json.loads(raw)
    url = str(info.get("url", ""))
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict):
        return f"{vcs.get('vcs', 'git')}+{url}@{vcs.get('commit_id', '')}".rstrip("@")
    if url.startswith("file://") and "archive_info" not in info:
        return url.removeprefix("file://")
    return url


def _yaml_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string


def _check(anlage: Anlage) -> str:
    if anlage.ordner.exists() and (not anlage.ordner.is_dir() or any(anlage.ordner.iterdir())):
        raise UserError(f"{anlage.ordner}: der Ordner ist nicht leer – ein neues Projekt braucht einen "
                        "neuen oder leeren Ordner")
    if not anlage.name.strip():
        raise UserError("--koerperschaft: der Name der Körperschaft fehlt")
    layouts = packaged_layout_names()
    if anlage.layout not in layouts:
        raise UserError(f"--layout: unbekanntes Layout „{anlage.layout}“{suggest(anlage.layout, layouts)}; "
                        f"möglich: {', '.join(layouts)}")
    kennung = anlage.kennung or body_slug(anlage.name)
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", kennung):
        raise UserError(f"--kennung: „{kennung}“ ist keine gültige Kennung (Kleinbuchstaben, Ziffern, - und _)")
    if "{nr" not in anlage.nummernschema:
        raise UserError(f"--nummernschema: „{anlage.nummernschema}“ enthält keine laufende Nummer {{nr:N}}")
    return kennung


def create_project(anlage: Anlage) -> list[Path]:
    """Write the new project; refuse a folder that is not empty. Returns the files written."""
    kennung = _check(anlage)
    tokens = {"@@NAME_YAML@@": _yaml_text(anlage.name.strip()), "@@NAME@@": anlage.name.strip(),
              "@@KENNUNG@@": kennung, "@@LAYOUT@@": anlage.layout,
              "@@SCHEMA_YAML@@": _yaml_text(anlage.nummernschema), "@@VERSION@@": __version__,
              "@@QUELLE@@": quelle()}
    written: list[Path] = []
    for source in sorted(p for p in VORLAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        rel = source.relative_to(VORLAGE)
        target = anlage.ordner.joinpath(*(UMBENANNT.get(part, part) for part in rel.parts))
        text = source.read_text(encoding="utf-8")
        for token, value in tokens.items():
            text = text.replace(token, value)
        write_atomic(target, text.encode("utf-8"))
        written.append(target)
    for name in LEERE_ORDNER:
        keep = anlage.ordner / name / ".gitkeep"
        write_atomic(keep, b"")
        written.append(keep)
    for name, schema_text in SCHEMAS.items():
        target = anlage.ordner / "schema" / name
        write_atomic(target, schema_text().encode("utf-8"))
        written.append(target)
    return written
