"""A command pays only for what it uses: loading the command line imports no model, engine, check,
YAML reader, template engine or site library (each command imports what it needs when it runs)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("pydantic", "pydantic_core", "pypandoc", "typst", "pikepdf", "jinja2", "ruamel", "starlette", "uvicorn",
         "pagefind", "vorlagengen.model", "vorlagengen.load.project", "vorlagengen.checks", "vorlagengen.documents",
         "vorlagengen.site", "vorlagengen.oparl")
# the package documents/ itself (a docstring) and its trees module (the names of the output trees,
# stdlib only) are what the command line needs before any work; the rest of documents/ is heavy
LIGHT = {"vorlagengen.documents", "vorlagengen.documents.trees"}


def _imported(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                          capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_loading_the_command_line_imports_nothing_heavy() -> None:
    loaded = _imported("import vorlagengen.cli")
    assert "vorlagengen.cli" in loaded
    assert sorted(m for m in loaded - LIGHT if m.split(".")[0] in HEAVY or m in HEAVY
                  or any(m.startswith(h + ".") for h in HEAVY)) == []


def test_help_imports_nothing_heavy() -> None:
    loaded = _imported("import sys\nfrom vorlagengen.cli import cli\ntry:\n    cli(['--help'])\n"
                       "except SystemExit:\n    pass")
    assert not [m for m in loaded - LIGHT if m in HEAVY or any(m.startswith(h + ".") for h in HEAVY)]
    assert "difflib" not in loaded  # the messages' suggestions wait for a message
