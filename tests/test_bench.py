"""The benchmark's generated project is valid and varied, and its figures merge into bench.json."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import benchmarks.bench as bench
from conftest import DATA
from vorlagengen.load.project import load_project


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench")
    bench.generate_project(root, DATA, 150)
    return root


def test_generated_records_are_valid_and_varied(generated: Path) -> None:
    project = load_project(generated, jobs=1)
    records = [r.vorlage for r in project.records]
    assert len(records) == 150
    assert set(Counter(v.koerperschaft for v in records)) == {"wandsbek", "segeberg", "rostock", "saarbruecken",
                                                               "lueneburg"}
    assert len({v.art for v in records}) >= 8
    assert {len(v.beratungsfolge) for v in records} == {1, 2, 3, 4}
    assert sum(1 for v in records if v.anlagen) > 20
    assert any(a.datei.startswith("../../gemeinsam/") for v in records for a in v.anlagen)
    assert any(v.bezug for v in records)
    sizes = [len(v.sachverhalt.encode()) for v in records]
    assert min(sizes) >= 900 and max(sizes) <= 3500


@pytest.mark.parametrize("cache", ["an", "aus"])
def test_generated_project_validates_in_parallel_too(generated: Path, cache: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # 150 records are below the pool's threshold; force the pool to check its path as well. A worker
    # sends a record's values, not its model (in its cache line, or alone without a cache): the
    # models built from them are the ones the checks made
    import vorlagengen.load.project as project_module

    monkeypatch.setenv("VORLAGENGEN_CACHE", "aus")
    serial = load_project(generated, jobs=1)  # each model made of the values read from its file
    monkeypatch.setenv("VORLAGENGEN_CACHE", str(tmp_path) if cache == "an" else "aus")  # an empty cache
    threshold = project_module.PARALLEL_THRESHOLD
    project_module.PARALLEL_THRESHOLD = 10
    try:
        parallel = load_project(generated, jobs=2)
    finally:
        project_module.PARALLEL_THRESHOLD = threshold
    assert [r.vorlage for r in parallel.records] == [r.vorlage for r in serial.records]
    assert len(parallel.records) == 150


def test_parallel_problems_equal_serial(generated: Path, tmp_path: Path) -> None:
    import shutil

    import vorlagengen.load.project as project_module
    from vorlagengen.errors import ValidationFailed

    root = tmp_path / "kaputt"
    shutil.copytree(generated, root)
    for i, path in enumerate(sorted((root / "vorlagen").rglob("*.yaml"))[:30]):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("status: ", "status: x") if i % 2 else text + "unbekannt: 1\n", encoding="utf-8")

    def problems(jobs: int) -> list[str]:
        with pytest.raises(ValidationFailed) as caught:
            load_project(root, jobs=jobs)
        return [str(p) for p in caught.value.problems]

    threshold = project_module.PARALLEL_THRESHOLD
    project_module.PARALLEL_THRESHOLD = 10
    try:
        parallel = problems(2)
    finally:
        project_module.PARALLEL_THRESHOLD = threshold
    assert parallel == problems(1)
    assert len(parallel) == 30


def test_parallel_warnings_equal_serial_and_are_located(generated: Path, tmp_path: Path) -> None:
    import shutil

    import vorlagengen.load.project as project_module

    root = tmp_path / "warnungen"
    shutil.copytree(generated, root)
    for i in range(12):  # a Beratung that took place without an Ergebnis before one that has it
        (root / "vorlagen" / "wandsbek" / f"w{i}.yaml").write_text(
            f'nummer: "19/9{i:03d}"\ndatum: 2011-05-01\nkoerperschaft: wandsbek\nart: Mitteilungsvorlage\n'
            "status: öffentlich\nbetreff: Test\nfederfuehrend: wandsbek-dez-sjg\nsachverhalt: Text.\n"
            "beratungsfolge:\n  - gremium: wandsbek-jha\n    datum: 2011-05-11\n    zustaendigkeit: Vorberatung\n"
            "  - gremium: wandsbek-bv\n    datum: 2011-05-26\n    zustaendigkeit: Entscheidung\n"
            "    ergebnis: abgelehnt\n", encoding="utf-8")
    threshold = project_module.PARALLEL_THRESHOLD
    project_module.PARALLEL_THRESHOLD = 10
    try:
        parallel = load_project(root, jobs=2).warnings
    finally:
        project_module.PARALLEL_THRESHOLD = threshold
    assert parallel == load_project(root, jobs=1).warnings
    assert len(parallel) == 12
    assert all((p.line, p.col, p.field) == (10, 5, "beratungsfolge[1].ergebnis") for p in parallel)


def test_merge_keeps_other_keys(tmp_path: Path) -> None:
    out = tmp_path / "build" / "bench.json"
    out.parent.mkdir()
    out.write_text(json.dumps({"render_s": 1.5, "validate_10k_s": 9.9}), encoding="utf-8")
    merged = bench.merge_results(out, {"validate_10k_s": 2.5})
    assert merged == {"render_s": 1.5, "validate_10k_s": 2.5}
    assert json.loads(out.read_text(encoding="utf-8")) == merged


def test_merge_replaces_a_broken_file(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    out.write_text("{kaputt", encoding="utf-8")
    assert bench.merge_results(out, {"a": 1}) == {"a": 1}


def test_bench_command_small_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "bench.json"
    out.write_text(json.dumps({"anderer_s": 3.0}), encoding="utf-8")
    monkeypatch.setattr(bench, "OPTIONS", dict(bench.OPTIONS))
    monkeypatch.setenv("VORLAGENGEN_CACHE", str(tmp_path / "cache"))  # main() replaces it with its own
    result = CliRunner().invoke(bench.main, ["--nur", "bench_validate", "--anzahl", "40", "--laeufe", "1",
                                             "--ausgabe", str(out)], prog_name="python -m benchmarks.bench")
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert set(figures) == {"anderer_s", "validate_40_s", "validate_40_cpu_s", "validate_40_warm_s"}
    assert 0 < figures["validate_40_s"] < 30
    assert 0 < figures["validate_40_cpu_s"] < 60
    assert 0 < figures["validate_40_warm_s"] < 30
    assert "Prüfung von 40 Drucksachen" in result.output


def test_bench_help_is_german() -> None:
    result = CliRunner().invoke(bench.main, ["--help"], prog_name="python -m benchmarks.bench")
    assert result.exit_code == 0
    assert result.output.startswith("Aufruf: python -m benchmarks.bench [OPTIONEN]")
    assert "Usage" not in result.output


def test_realistic_records_are_valid_long_and_hold_tables(tmp_path: Path) -> None:
    bench.generate_project(tmp_path, DATA, 100, realistic=True)
    records = [r.vorlage for r in load_project(tmp_path, jobs=1).records]
    assert len(records) == 100
    sizes = [len(v.sachverhalt) for v in records]
    assert sum(1 for s in sizes if s > 20000) >= 1  # some of about 10 pages
    assert sum(1 for s in sizes if s < 8000) >= 80  # most of 1–3 pages
    assert sum(1 for v in records if "|:---|" in v.sachverhalt) >= 20


def test_figures_are_printed_with_target_and_peer(capsys: pytest.CaptureFixture[str]) -> None:
    bench.PEER["vorlagen_per_s"] = 2.0
    try:
        bench.report("vorlagen_per_s", 50.0, "200 Vorlagen")
        bench.report("packet_30_s", 2.5, "Mappe")
    finally:
        bench.PEER.clear()
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["  200 Vorlagen: 50,00 /s (Ziel ≥ 40,00 /s: erreicht); 25,0-mal so schnell wie LibreOffice",
                     "  Mappe: 2,50 s (Ziel ≤ 2,00 s: verfehlt)"]


ISSUE_KEYS = ["one_changed_s", "noop_s", "vorlage_cold_s", "help_s", "validate_10k_s", "validate_10k_warm_s",
              "packet_30_s", "packet_one_changed_s", "realistic_per_s", "realistic_pdf_per_s", "overhead_ratio",
              "peak_rss_mb"]


def test_the_summary_names_every_key_with_its_target(capsys: pytest.CaptureFixture[str]) -> None:
    bench.summary({"noop_s": 0.15, "overhead_ratio": 1.4, "realistic_pdf_per_s": 30})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("== Ziele (Last ")
    shown = {line.split()[0]: line for line in lines[1:]}
    assert list(shown)[: len(ISSUE_KEYS)] == ISSUE_KEYS
    assert shown["noop_s"].endswith("Ziel ≤ 0,20 s: erreicht")
    assert shown["overhead_ratio"].endswith("Ziel ≤ 1,30: verfehlt")
    assert shown["realistic_pdf_per_s"].endswith("Ziel ≥ 25,00 /s: erreicht")
    assert shown["help_s"].endswith("nicht gemessen")


def test_overhead_counts_every_stage_and_the_bare_engines(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    import benchmarks.bench_stages as bench_stages

    monkeypatch.setattr(bench_stages, "BATCH", 3)
    monkeypatch.setenv("VORLAGENGEN_CACHE", str(tmp_path / "cache"))
    figures = bench_stages.bench_overhead()
    stages = {k: v for k, v in figures.items() if k.startswith("stage_")}
    assert set(stages) == {f"stage_{s}_cpu_s" for s in bench_stages.STAGES}
    assert all(v > 0 for k, v in stages.items() if k != "stage_rest_cpu_s")
    assert figures["overhead_ours_cpu_s"] >= sum(stages.values()) - 0.01
    assert figures["overhead_engines_cpu_s"] > 0
    # every record goes through pandoc (both formats from one call) and typst, the bare run likewise
    assert figures["overhead_pandoc_calls"] >= 3 and figures["overhead_typst_calls"] >= 3
    assert figures["engine_pandoc_docx_cpu_s"] > 0 and figures["engine_pandoc_typst_cpu_s"] > 0
    assert figures["overhead_ratio"] == pytest.approx(
        figures["overhead_ours_cpu_s"] / figures["overhead_engines_cpu_s"], rel=0.01)


def test_main_process_checks_beside_the_workers(generated: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # with two jobs, one worker process and this process check records; every record once, in order
    import os

    import vorlagengen.load.project as project_module

    log = tmp_path / "pids"
    check_one = project_module._check_one

    def logged(path: Path, *args: object, **kwargs: object) -> object:
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {path.name}\n")
        return check_one(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(project_module, "_check_one", logged)
    monkeypatch.setattr(project_module, "PARALLEL_THRESHOLD", 10)
    monkeypatch.setenv("VORLAGENGEN_CACHE", str(tmp_path / "cache"))
    parallel = load_project(generated, jobs=2)
    lines = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    pids = Counter(pid for pid, _ in lines)
    assert len(lines) == 150 and len({name for _, name in lines}) == 150
    assert str(os.getpid()) in pids and len(pids) == 2  # this process and one worker
    assert pids[str(os.getpid())] >= 10
    assert [r.vorlage for r in parallel.records] == [r.vorlage for r in load_project(generated, jobs=1).records]
