"""``vorlagengen init``: a council's own project that depends on vorlagengen, builds right away and
runs its own CI script (GitLab's, whose steps GitHub's workflow repeats)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from vorlagengen import __version__
from vorlagengen.cli import cli

REPO = Path(__file__).resolve().parents[1]
# Targets of this repository's Makefile that speak to developers of vorlagengen, not to a council
ENTWICKLUNG = {"lint", "bench", "golden", "docs", "leck", "test-nightly"}


def _init(target: Path, *extra: str) -> object:
    return CliRunner().invoke(cli, ["init", str(target), "--koerperschaft", "Gemeinde Musterdorf",
                                    "--layout", "allris", *extra], prog_name="vorlagengen")


def _targets(makefile: Path) -> set[str]:
    return set(re.findall(r"^([a-z-]+):.*## ", makefile.read_text(encoding="utf-8"), re.MULTILINE))


def _yaml(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notiz.txt").write_text("schon da", encoding="utf-8")
    result = _init(tmp_path)
    assert result.exit_code == 1
    assert "Fehler:" in result.stderr and "nicht leer" in result.stderr and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notiz.txt"]


def test_init_names_an_unknown_layout_in_german(tmp_path: Path) -> None:
    result = _init(tmp_path / "neu", "--layout", "alris")
    assert result.exit_code != 0
    assert "unbekanntes Layout „alris“" in result.output and "allris" in result.output
    assert not (tmp_path / "neu").exists()


def test_init_help_is_german() -> None:
    result = CliRunner().invoke(cli, ["init", "--help"], prog_name="vorlagengen")
    assert result.exit_code == 0
    assert "Ein eigenes Projekt für eine Körperschaft" in result.output and "--koerperschaft" in result.output


def test_init_writes_a_project_that_depends_on_vorlagengen(tmp_path: Path) -> None:
    root = tmp_path / "musterdorf"
    result = _init(root)
    assert result.exit_code == 0, result.output
    data = _yaml(root / "data" / "koerperschaften.yaml")
    assert data == {"musterdorf": {"name": "Gemeinde Musterdorf", "briefkopf": ["Gemeinde Musterdorf"],
                                   "layout": "allris", "nummernschema": "{nr:4}/{jahr}", "ladungsfrist": 7}}
    for name in ("gremien", "aemter", "personen"):
        assert _yaml(root / "data" / f"{name}.yaml") == {}  # empty, with a commented example to fill
        assert "musterdorf" in (root / "data" / f"{name}.yaml").read_text(encoding="utf-8")
    assert sorted(p.name for p in (root / "templates").iterdir()) == ["README.md"]
    assert (root / "vorlagen").is_dir() and (root / "sitzungen").is_dir()
    assert "Gemeinde Musterdorf" in (root / "README.md").read_text(encoding="utf-8")
    assert "/build/" in (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    # a dependency, not a copy: no Python source of vorlagengen in the project
    assert not list(root.rglob("*.py"))
    pins = [ln for ln in (root / "requirements.txt").read_text(encoding="utf-8").splitlines()
            if ln and not ln.startswith("#")]
    assert pins == [f"vorlagengen=={__version__}"]
    # the same tasks as this repository, without the developers' own
    assert _targets(REPO / "Makefile") - ENTWICKLUNG <= _targets(root / "Makefile")
    # the templates/README of this repository is the one a council gets
    assert (root / "templates" / "README.md").read_bytes() == (REPO / "templates" / "README.md").read_bytes()


def test_init_ci_files_publish_only_the_public_tree(tmp_path: Path) -> None:
    root = tmp_path / "musterdorf"
    assert _init(root).exit_code == 0
    gitlab = _yaml(root / ".gitlab-ci.yml")
    for name, job in gitlab.items():
        if isinstance(job, dict) and "artifacts" in job and name != "pages":
            assert job["artifacts"].get("paths", []) in ([], ["build/oeffentlich/"]), name
    assert gitlab["setzen"]["script"] == ["make test"]
    assert gitlab["pages"]["script"] == ["rm -rf public && cp -r build/oeffentlich/site public"]
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    assert "validate --codequality gl-code-quality-report.json" in gitlab["pruefen"]["script"][0]
    assert gitlab["pruefen"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert "ghostscript" in " ".join(gitlab["default"]["before_script"])  # Anlagen that are not PDF/A
    github = _yaml(root / ".github" / "workflows" / "vorlagengen.yml")
    steps = github["jobs"]["setzen"]["steps"]
    assert any(s.get("run", "").startswith("make test") for s in steps)
    assert any("ghostscript" in s.get("run", "") for s in steps)
    uploads = [s["with"]["path"] for s in steps if s.get("uses", "").startswith("actions/upload-")]
    assert uploads == ["build/oeffentlich/", "build/oeffentlich/site/"]
    assert "intern" not in (root / ".gitlab-ci.yml").read_text(encoding="utf-8").replace("build/intern/ (", "")


def _sh(root: Path, command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=root, env=env, capture_output=True,
                          text=True, timeout=900, check=False)
    assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_init_project_builds_a_new_drucksache_and_passes_its_own_ci(tmp_path: Path) -> None:
    """init → make .venv/.installed (pip installs vorlagengen from this checkout, pinned by
    requirements.txt) → make vorlage and make test on the empty project → new → make vorlage → the
    GitLab jobs' scripts (validate, make test)."""
    root = tmp_path / "musterdorf"
    assert _init(root).exit_code == 0
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["VORLAGENGEN_QUELLE"] = str(REPO)  # the local checkout, as a council would name a git URL
    env["PYTHON"] = sys.executable
    # The council's venv sees this environment's packages (pydantic, typst, pandoc …) through a .pth
    # file, so pip need not fetch them again; vorlagengen itself is installed from the checkout.
    subprocess.run([sys.executable, "-m", "venv", str(root / ".venv")], check=True, timeout=300)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(root / ".venv")}))
    (site / "zz-vorlagengen-test.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")

    gitlab = _yaml(root / ".gitlab-ci.yml")
    before = [c for c in gitlab["default"]["before_script"] if not c.startswith("apt-get")]
    assert before == ["make .venv/.installed"]
    _sh(root, " && ".join(before), env)
    where = _sh(root, ".venv/bin/python -c 'import vorlagengen; print(vorlagengen.__file__)'", env).stdout
    assert Path(where.strip()).is_relative_to(root / ".venv"), where  # installed, not this checkout

    empty = _sh(root, "make vorlage && make test", env)  # right away, before there is anything
    assert "0 Drucksachen geprüft, 0 Fehler" in empty.stdout and "nichts Nichtöffentliches gefunden" in empty.stdout

    made = _sh(root, ".venv/bin/vorlagengen new Beschlussvorlage -k musterdorf --datum 2026-03-02", env)
    record = root / "vorlagen" / "musterdorf" / "0001-2026.yaml"
    assert str(record) in made.stdout
    text = record.read_text(encoding="utf-8")
    for placeholder, value in (('"(Betreff eintragen)"', "Sanierung des Spielplatzes Am Markt"),
                               ("(sachverhalt in Markdown)", "Der Spielplatz ist in die Jahre gekommen."),
                               ("(beschlussvorschlag in Markdown)", "Der Rat beschließt die Sanierung."),
                               ('"(ja oder nein)"', "nein"),
                               ("entwurf: ja", "entwurf: nein")):  # final: drafts never reach oeffentlich/
        assert placeholder in text
        text = text.replace(placeholder, value)
    record.write_text(text, encoding="utf-8")
    _sh(root, "make vorlage", env)
    assert (root / "build" / "oeffentlich" / "vorlagen" / "musterdorf" / "0001-2026.pdf").is_file()

    for job in ("pruefen", "setzen"):
        done = _sh(root, " && ".join(gitlab[job]["script"]), env)
    assert "nichts Nichtöffentliches gefunden" in done.stdout
    assert (root / "build" / "oeffentlich" / "site" / "index.html").is_file()
    assert (root / "gl-code-quality-report.json").read_text(encoding="utf-8").strip() == "[]"


@pytest.mark.parametrize("name", ["Makefile", "README.md", "requirements.txt"])
def test_init_files_name_no_demo_data(tmp_path: Path, name: str) -> None:
    """Built for every council: nothing of the demo Kommunen in what a council gets."""
    root = tmp_path / "p"
    assert CliRunner().invoke(cli, ["init", str(root), "-k", "Kreis Nordfriesland", "--layout", "hamburg"]).exit_code == 0
    text = (root / name).read_text(encoding="utf-8")
    assert not re.search(r"wandsbek|lueneburg|rostock|segeberg|saarbruecken|@@", text, re.IGNORECASE)
    assert _yaml(root / "data" / "koerperschaften.yaml")["nordfriesland"]["layout"] == "hamburg"


@pytest.mark.parametrize("makefile", ["projekt", "repository"])
def test_sitzungen_niederschrift_and_site_pass_without_any_sitzung(tmp_path: Path, makefile: str) -> None:
    """A new project has no Sitzung yet: make sitzungen, niederschrift and site say so and succeed
    (the project's own Makefile and this repository's)."""
    root = tmp_path / "musterdorf"
    assert _init(root).exit_code == 0
    if makefile == "projekt":
        args = ["-C", str(root), f"VG={Path(sys.executable).parent / 'vorlagengen'}"]
    else:
        (root / "build.py").write_bytes((REPO / "build.py").read_bytes())
        args = ["-f", str(REPO / "Makefile"), "-C", str(root), f"PY={sys.executable}"]
    done = subprocess.run(["make", "--no-print-directory", *args, "STAMP=", "sitzungen", "niederschrift", "site"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "keine Sitzung unter" in done.stdout and "keine Niederschrift unter" in done.stdout
    assert "Fehler" not in done.stderr and "Traceback" not in done.stderr
    assert (root / "build" / "oeffentlich" / "site" / "index.html").is_file()
    # nothing changed: make skips the documents, and the site ends at once
    again = subprocess.run(["make", "--no-print-directory", *args, "STAMP=", "site"], capture_output=True,
                           text=True, timeout=600, check=False)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("\n") == 2, again.stdout  # the command and what it says
    assert " site" in again.stdout and "0 Dateien geschrieben, 0 entfernt" in again.stdout
