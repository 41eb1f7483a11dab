"""Formats are a choice: a Körperschaft says in data/ which formats its Drucksachen are set in
(``formate``, both by default), ``build --format`` chooses for one run, and the files of a format no
longer chosen are removed, so that build/ equals a clean build with the same choice."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

import vorlagengen.documents.trees as trees
from render_support import copy_project
from test_build_state import outputs, run_build, write
from vorlagengen.cli import cli


def _only(root: Path, formate: str) -> None:
    path = root / "data/koerperschaften.yaml"
    text = re.sub(r"  formate: .*\n", "", path.read_text(encoding="utf-8"))
    path.write_text(text.replace("  layout: allris\n  nummernschema: \"VO/{nr:4}/{jj}\"\n",
                                 f"  layout: allris\n  nummernschema: \"VO/{{nr:4}}/{{jj}}\"\n  formate: {formate}\n"),
                    encoding="utf-8")
    assert f"formate: {formate}" in path.read_text(encoding="utf-8")


def _project(root: Path) -> Path:
    copy_project(root)
    write(root, "a.yaml", "VO/0001/19")
    return root


def _suffixes(out: Path) -> set[str]:
    return {Path(name).suffix for name in outputs(out)}


def test_a_koerperschaft_that_publishes_only_pdf_gets_only_pdf(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    _only(root, "[pdf]")
    result = run_build(root)
    assert sorted(p.name for p in result.built) == ["VO-0001-19.pdf", "VO-0001-19.pdf"]  # both trees
    assert _suffixes(root / "build") == {".pdf"}


def test_outputs_of_a_format_no_longer_chosen_are_removed(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    run_build(root)
    assert _suffixes(root / "build") == {".pdf", ".docx"}
    _only(root, "[pdf]")
    result = run_build(root)
    assert sorted(p.name for p in result.removed) == ["VO-0001-19.docx", "VO-0001-19.docx"]
    assert sorted(p.name for p in result.built) == ["VO-0001-19.pdf", "VO-0001-19.pdf"]  # data/ changed
    clean = _project(tmp_path / "sauber")
    _only(clean, "[pdf]")
    run_build(clean)
    assert outputs(root / "build") == outputs(clean / "build")
    state = json.loads(trees.state_file(root / "build").read_text(encoding="utf-8"))
    assert all(key.endswith(".pdf") for key in state)
    _only(root, "[pdf, docx]")
    assert _suffixes(root / "build") == {".pdf"}
    run_build(root)
    assert _suffixes(root / "build") == {".pdf", ".docx"}


def test_format_option_chooses_for_one_run(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    _only(root, "[pdf]")

    def build(*args: str) -> set[str]:
        result = CliRunner().invoke(cli, ["--projekt", str(root), "-q", "build", *args])
        assert result.exit_code == 0, result.output
        return _suffixes(root / "build")

    assert build("--format", "docx") == {".docx"}
    assert build("--format", "beide") == {".docx", ".pdf"}
    assert build("-f", "pdf") == {".pdf"}
    assert build("--format", "docx,pdf") == {".docx", ".pdf"}
    assert build() == {".pdf"}  # the Körperschaft's choice again
    wrong = CliRunner().invoke(cli, ["--projekt", str(root), "build", "--format", "odt"])
    assert wrong.exit_code == 1
    assert "unbekanntes Format „odt“; möglich: pdf, docx, beide" in wrong.output
    assert "Traceback" not in wrong.output


def test_an_unknown_format_in_data_is_a_located_error(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    _only(root, "[odt]")
    result = CliRunner().invoke(cli, ["--projekt", str(root), "validate"])
    assert result.exit_code == 1
    line = next(ln for ln in result.output.splitlines() if "formate" in ln)
    assert line.startswith("data/koerperschaften.yaml:") or "koerperschaften.yaml:" in line
    assert "lueneburg.formate" in line, line
