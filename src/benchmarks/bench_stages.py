"""Cost next to the engines, in one run; part of ``make bench`` (see bench.py).

A batch of generated realistic Drucksachen is built once in this process, one job at a time, with
every stage's CPU time counted (load, checks, context, pandoc, typst, write, the rest). The same
documents then go through the bare engines as a hand-written script would call them: pandoc's
command line from the same Markdown to DOCX (with the same Word reference) and to typst, and typst
on the same typst source. ``overhead_ratio`` is vorlagengen's whole CPU time over the engines'.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import vorlagengen.documents.drucksache as build_mod
import vorlagengen.documents.engines as engines
import vorlagengen.documents.output as output_mod
import vorlagengen.documents.recipe as recipe_mod
import vorlagengen.load.project as project_mod
import vorlagengen.load.yamlio as yamlio
from benchmarks.bench import OPTIONS, _children_cpu, _de, forget_cache, generate_project, report
from vorlagengen.documents.engines import pandoc_binary
from vorlagengen.documents.markdown import READER

BATCH = 60  # realistic records: enough for a stable ratio, short enough for every bench run
STAGES = ("load", "checks", "context", "pandoc", "typst", "write", "rest")
_LABEL = {"load": "YAML lesen", "checks": "Prüfungen", "context": "Kontext und Markdown",
          "pandoc": "pandoc (eigener Prozess)", "typst": "typst", "write": "Schreiben", "rest": "Übriges"}


class _Clock:
    """CPU time per stage, counted in the thread that does the work (nested stages are not counted
    twice: the inner one's time is taken off the outer one)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.local = threading.local()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        stack: list[list[Any]] = getattr(self.local, "stack", None) or []
        self.local.stack = stack
        frame: list[Any] = [name, time.thread_time(), 0.0]
        stack.append(frame)
        try:
            yield
        finally:
            stack.pop()
            used = time.thread_time() - frame[1]
            self.spent[name] += used - frame[2]
            if stack:
                stack[-1][2] += used

    def wrap(self, owner: Any, attr: str, name: str, undo: list[Callable[[], None]]) -> None:
        original = getattr(owner, attr)

        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                return original(*args, **kwargs)

        setattr(owner, attr, timed)
        undo.append(lambda: setattr(owner, attr, original))


def _ours(root: Path, out: Path) -> tuple[float, dict[str, float], list[Any], list[Any]]:
    """Build the project in this process, one job at a time: whole CPU time, CPU per stage, and
    what went to pandoc and typst (for the bare run)."""
    clock = _Clock()
    undo: list[Callable[[], None]] = []
    pandoc_calls: list[Any] = []
    typst_calls: list[Any] = []
    convert_each = engines.PandocWorker.convert_each  # what the recipe asks pandoc by
    typst_pdf = engines.typst_pdf

    def recorded_convert(self: Any, markdown: str, formats: list[str], epoch: int, display: str,
                         reference_doc: Path | None = None, **kw: Any) -> Iterator[tuple[str, bytes]]:
        pandoc_calls.append((markdown, list(formats), reference_doc))
        return convert_each(self, markdown, formats, epoch, display, reference_doc, **kw)

    def recorded_typst(source: str, layout: Any, inputs: dict[str, str], epoch: int, display: str,
                       standards: list[str] | None = None) -> bytes:
        typst_calls.append((source, str(engines.staging_root(layout)),
                            engines.typst_fonts(engines.project_fonts(layout)), inputs, epoch,
                            engines.PDF_STANDARDS if standards is None else standards))
        return typst_pdf(source, layout, inputs, epoch, display, standards)

    engines.PandocWorker.convert_each = recorded_convert  # type: ignore[method-assign]
    undo.append(lambda: setattr(engines.PandocWorker, "convert_each", convert_each))
    recipe_mod.typst_pdf = recorded_typst  # type: ignore[attr-defined]  # the recipe calls it by this name
    undo.append(lambda: setattr(recipe_mod, "typst_pdf", typst_pdf))
    clock.wrap(yamlio, "load_mapping_text", "load", undo)
    clock.wrap(project_mod, "load_mapping_text", "load", undo)
    clock.wrap(project_mod, "load_project", "checks", undo)
    clock.wrap(build_mod, "prepare", "context", undo)
    clock.wrap(recipe_mod, "markdown_of", "context", undo)
    clock.wrap(recipe_mod, "typst_pdf", "typst", undo)
    clock.wrap(output_mod, "write_atomic", "write", undo)
    forget_cache()
    try:
        cpu, children = time.process_time(), _children_cpu()
        project = project_mod.load_project(root, jobs=1)
        build_mod.build(project, out, jobs=1, force=True, complete=True)
        engines.close_workers()  # pandoc's CPU time is counted once it has ended
        cpu, children = time.process_time() - cpu, _children_cpu() - children
    finally:
        for step in reversed(undo):
            step()
    stages = {name: clock.spent.get(name, 0.0) for name in STAGES}
    stages["pandoc"] = children
    stages["rest"] = max(0.0, cpu + children - sum(stages.values()))
    return cpu + children, stages, pandoc_calls, typst_calls


def _bare(pandoc_calls: list[Any], typst_calls: list[Any], tmp: Path) -> dict[str, float]:
    """The same documents through pandoc's command line and typst, CPU time by engine."""
    import typst

    out = {"pandoc_docx": 0.0, "pandoc_typst": 0.0, "typst": 0.0}
    for markdown, formats, reference_doc in pandoc_calls:
        for fmt in formats:
            args = [pandoc_binary(), "-f", READER, "-t", fmt, "-o", str(tmp / f"bare.{fmt}")]
            if fmt == "docx" and reference_doc is not None:
                args.append(f"--reference-doc={reference_doc}")
            before = _children_cpu()
            subprocess.run(args, input=markdown.encode("utf-8"), capture_output=True, check=False)
            out[f"pandoc_{fmt}"] += _children_cpu() - before
    compile_: Any = typst.compile
    for source, root, fonts, inputs, epoch, standards in typst_calls:
        before = time.process_time()
        compile_(source.encode("utf-8"), root=root, font_paths=fonts, sys_inputs=inputs, pdf_standards=standards,
                 timestamp=epoch)
        out["typst"] += time.process_time() - before
    return out


def bench_overhead() -> dict[str, float]:
    """vorlagengen's whole CPU time next to the bare engines' on the same realistic documents, and
    where the time goes, stage by stage."""
    with tempfile.TemporaryDirectory(prefix="vorlagengen-bench-") as tmp:
        root = Path(tmp) / "projekt"
        root.mkdir()
        generate_project(root, OPTIONS["data"], BATCH, realistic=True)
        ours, stages, pandoc_calls, typst_calls = _ours(root, Path(tmp) / "build")
        bare = _bare(pandoc_calls, typst_calls, Path(tmp))
    engines_cpu = sum(bare.values())
    ratio = ours / engines_cpu if engines_cpu else 0.0
    print(f"  {BATCH} realistische Drucksachen, ein Auftrag nach dem anderen; Rechenzeit (CPU):")
    print(f"  {'Stufe':28} {'Sekunden':>9} {'Anteil':>7} {'ms je Drucksache':>17}")
    for name in STAGES:
        share = stages[name] / ours if ours else 0.0
        print(f"  {_LABEL[name]:28} {_de(stages[name]):>9} {share:>7.0%} {_de(1000 * stages[name] / BATCH, 1):>17}")
    print(f"  {'vorlagengen gesamt':28} {_de(ours):>9}")
    print(f"  bloße Engines: pandoc→DOCX {_de(bare['pandoc_docx'])} s, pandoc→typst {_de(bare['pandoc_typst'])} s, "
          f"typst→PDF {_de(bare['typst'])} s; zusammen {_de(engines_cpu)} s "
          f"({len(pandoc_calls)} pandoc-, {len(typst_calls)} typst-Aufträge)")
    report("overhead_ratio", ratio, "Rechenzeit vorlagengen / bloße Engines, dieselben Dokumente")
    result = {"overhead_ratio": round(ratio, 3), "overhead_ours_cpu_s": round(ours, 3),
              "overhead_engines_cpu_s": round(engines_cpu, 3), "overhead_pandoc_calls": len(pandoc_calls),
              "overhead_typst_calls": len(typst_calls)}
    result.update({f"engine_{name}_cpu_s": round(spent, 3) for name, spent in bare.items()})
    result.update({f"stage_{name}_cpu_s": round(stages[name], 3) for name in STAGES})
    return result


BENCHMARKS = [bench_overhead]
