"""A command pays only for what it uses: loading the command line imports no model, engine, check,
YAML reader, template engine or site library (each command imports what it needs when it runs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def _help(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vorlagengen", *args], capture_output=True, text=True, check=True,
                          env={**os.environ, **env})


@pytest.mark.parametrize("columns", ["80", "132"])
def test_help_from_the_kept_copy_is_what_click_prints(tmp_path: Path, columns: str) -> None:
    clicks = _help({"VORLAGENGEN_CACHE": "aus", "COLUMNS": columns}, "--help").stdout
    env = {"VORLAGENGEN_CACHE": str(tmp_path), "COLUMNS": columns}
    assert "Befehle:" in clicks and "validate" in clicks
    assert _help(env, "--help").stdout == clicks  # made and kept
    assert [p.name.endswith(f"-{columns}.txt") for p in tmp_path.glob("hilfe-*")] == [True]
    assert _help(env, "--help").stdout == clicks  # from the copy
    assert _help(env, "-h").stdout == clicks


def test_help_from_the_kept_copy_loads_no_click(tmp_path: Path) -> None:
    env = {"VORLAGENGEN_CACHE": str(tmp_path)}
    _help(env, "--help")
    code = ("import sys\nsys.argv = ['vorlagengen', '--help']\nfrom vorlagengen.launch import main\nmain()\n"
            "import json; print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, **env})
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert "click" not in loaded and "vorlagengen.cli" not in loaded
    assert done.stdout.startswith("Aufruf: vorlagengen")


@pytest.mark.parametrize("damage", ["text", "checksum", "cut", "garbage", "empty"])
def test_a_damaged_help_copy_is_never_printed(tmp_path: Path, damage: str) -> None:
    clicks = _help({"VORLAGENGEN_CACHE": "aus", "COLUMNS": "80"}, "--help").stdout
    env = {"VORLAGENGEN_CACHE": str(tmp_path), "COLUMNS": "80"}
    _help(env, "--help")
    [kept] = tmp_path.glob("hilfe-*")
    content = kept.read_bytes()
    kept.write_bytes({"text": content.replace(b"Befehle:", b"Befehle!"),
                      "checksum": (b"0" if content[:1] != b"0" else b"1") + content[1:],
                      "cut": content[: len(content) // 2],
                      "garbage": b"\xff\xfe" + content,
                      "empty": b""}[damage])
    assert _help(env, "--help").stdout == clicks
    assert kept.read_bytes() == content  # made again


def test_a_copy_of_other_code_is_not_used(tmp_path: Path) -> None:
    env = {"VORLAGENGEN_CACHE": str(tmp_path), "COLUMNS": "80"}
    _help(env, "--help")
    [kept] = tmp_path.glob("hilfe-*")
    stale = tmp_path / "hilfe-0123456789abcdef0123456789abcdef-80.txt"
    stale.write_text(kept.read_text(encoding="utf-8").replace("Befehle:", "Alt:"), encoding="utf-8")
    kept.unlink()
    assert "Befehle:" in _help(env, "--help").stdout
    assert not stale.exists()  # copies of other code are removed when a new one is kept


# What a build of one Drucksache uses: the models, checks, Jinja, pandoc and typst. Not: the
# Markdown reader of the site and of the Schwärzung check (markdown-it with its plugins, loaded by
# lesetext on first use; a record without ``schwaerzen`` terms needs none), the website, OParl, the
# preview, the Sitzung documents, the PDF tools of the Mappe and the web and HTTP libraries.
NOT_FOR_ONE_DRUCKSACHE = ("markdown_it", "mdit_py_plugins", "mdurl", "vorlagengen.site", "vorlagengen.oparl",
                          "vorlagengen.vorschau", "vorlagengen.documents.sitzung", "pikepdf", "pypdfium2", "pagefind",
                          "starlette", "uvicorn", "httpx", "PIL")


def test_a_build_of_one_drucksache_imports_only_what_it_uses(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[1]
    code = ("import sys\nsys.argv = ['vorlagengen', '-q', '--projekt', sys.argv[1], 'build', '--neu', '-o', sys.argv[2],"
            " sys.argv[3]]\nfrom vorlagengen.launch import main\ntry:\n    main()\nexcept SystemExit as exc:\n"
            "    assert not exc.code, exc.code\nimport json; print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code, str(repo), str(tmp_path / "build"),
                           str(repo / "vorlagen/lueneburg/VO-8321-19.yaml")], capture_output=True, text=True,
                          check=True, env={**os.environ, "VORLAGENGEN_CACHE": str(tmp_path / "cache")})
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert {"typst", "jinja2", "pydantic", "vorlagengen.documents.drucksache"} <= loaded  # it did build
    assert sorted((tmp_path / "build").rglob("VO-8321-19.*")) != []
    assert sorted(m for m in loaded if any(m == h or m.startswith(h + ".") for h in NOT_FOR_ONE_DRUCKSACHE)) == []


def test_models_are_built_when_first_used_and_only_those() -> None:
    """Importing the models builds no validator (pydantic's ``defer_build``): a command pays for the
    models it validates with, once, when it first does."""
    code = """
import json
from pydantic import BaseModel
import vorlagengen.model.drucksache as d, vorlagengen.model.niederschrift as n, vorlagengen.site.config as s
def models():
    found, todo = [], [BaseModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub); todo.append(sub)
    return {m.__module__ + "." + m.__name__: bool(m.__pydantic_complete__) for m in found
            if m.__module__.startswith("vorlagengen.") and m.__pydantic_fields__}
before = models()
d.Beratungsschritt.model_validate({"gremium": "rat"})
print(json.dumps([before, models()]))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after = json.loads(done.stdout.splitlines()[-1])
    assert len(before) > 40 and not any(before.values()), [m for m, built in before.items() if built]
    assert after["vorlagengen.model.drucksache.Beratungsschritt"]
    assert not after["vorlagengen.model.niederschrift.Niederschrift"] and not after["vorlagengen.model.drucksache.Vorlage"]


def test_a_process_that_ends_with_its_command_freezes_what_it_loaded() -> None:
    """The command line's process keeps what it loaded to its end: frozen, the cycle collector does
    not walk it again and again. A process that did not say so (a test's runner, the live preview)
    freezes nothing."""
    repo = Path(__file__).resolve().parents[1]
    code = ("import gc, json\nfrom pathlib import Path\nfrom vorlagengen import gcpause\n"
            "from vorlagengen.load.project import load_project\n"
            f"load_project(Path({str(repo)!r}))\nbefore = gc.get_freeze_count()\n"
            f"gcpause.one_shot()\nload_project(Path({str(repo)!r}))\n"
            "print(json.dumps([before, gc.get_freeze_count(), gc.isenabled()]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "VORLAGENGEN_CACHE": "aus"})
    before, after, collecting = json.loads(done.stdout.splitlines()[-1])
    assert before == 0 and after > 10_000 and collecting


def test_the_live_preview_freezes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    import vorlagengen.vorschau.start as start
    from vorlagengen import gcpause
    from vorlagengen.cli import cli

    seen = []
    monkeypatch.setattr(start, "run", lambda *_args: seen.append(gcpause._ONE_SHOT[0]))
    gcpause.one_shot()
    try:
        result = CliRunner().invoke(cli, ["--projekt", str(Path(__file__).resolve().parents[1]), "vorschau",
                                          "--kein-browser"])
    finally:
        gcpause.one_shot(False)
    assert result.exit_code == 0, result.output
    assert seen == [False]
