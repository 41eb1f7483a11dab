"""The pipeline files a Kommune copies: they parse and run what the README says."""

from pathlib import Path

from ruamel.yaml import YAML

CI = Path(__file__).resolve().parents[1] / "ci"


def _load(name: str):
    return YAML(typ="safe").load((CI / name).read_text(encoding="utf-8"))


def test_gitlab_pipeline_builds_vorlagen_and_upcoming_sitzungen_and_keeps_artifacts():
    cfg = _load("gitlab-ci.yml")
    scripts = {job: "\n".join(cfg[job]["script"]) for job in ("pruefen", "drucksachen", "sitzungen")}
    assert "validate --codequality gl-code-quality-report.json" in scripts["pruefen"]
    assert cfg["pruefen"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert "make vorlage" in scripts["drucksachen"]
    assert "sitzung --kommende" in scripts["sitzungen"]
    # only the public tree leaves the runner
    for job in cfg.values():
        if isinstance(job, dict) and "artifacts" in job:
            assert job["artifacts"].get("paths", []) in ([], ["build/oeffentlich/"])
    assert cfg["drucksachen"]["artifacts"]["paths"] == ["build/oeffentlich/"]
    assert cfg["sitzungen"]["artifacts"]["paths"] == ["build/oeffentlich/"]
    assert "ghostscript" in " ".join(cfg["default"]["before_script"])


def test_github_workflow_builds_vorlagen_and_upcoming_sitzungen_and_keeps_artifacts():
    cfg = _load("github-actions.yml")
    steps = cfg["jobs"]["setzen"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "make vorlage" in runs and "sitzung --kommende" in runs and "ghostscript" in runs
    uploads = [s["with"]["path"] for s in steps if s.get("uses", "").startswith("actions/upload-artifact")]
    assert uploads == ["build/oeffentlich/"]  # only the public tree leaves the runner
