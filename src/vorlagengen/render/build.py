"""Build Vorlagen: for each record, context → Markdown → DOCX and PDF, written atomically.

A build is incremental: each output remembers a fingerprint of everything it was made from (the
record, its Anlagen, data/, the layout's files, the vorlagengen version) in ``build/.vorlagen.json``;
an output whose fingerprint did not change is not made again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..checks import fragen_of
from ..errors import UserError
from ..records import DATA_DIR, Project, Record, anlage_path, slug
from ..writing import write_atomic
from . import engines
from .context import Context, Verweise, build_context
from .docx_reference import reference_for
from .layouts import Layout, get_layout
from .markdown import render_markdown

FORMATS = ("docx", "pdf")
MANIFEST = ".vorlagen.json"


@dataclass
class Job:
    record: Record
    layout: Layout
    targets: dict[str, Path]
    fingerprint: str


@dataclass
class BuildResult:
    built: list[Path]
    skipped: list[Path]


def output_dir(out: Path, record: Record) -> Path:
    return out / "vorlagen" / record.vorlage.koerperschaft


def epoch_of(record: Record) -> int:
    """The document date as UNIX time: fixed by the record, so builds are reproducible."""
    d = record.vorlage.datum
    return int(dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.timezone.utc).timestamp())


def _data_fingerprint(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted((root / DATA_DIR).glob("*.yaml")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _record_fingerprint(record: Record, layout: Layout, data_fp: str, fmt: str, bezug_betreff: str) -> str:
    h = hashlib.sha256()
    for part in (__version__, fmt, layout.fingerprint, data_fp, str(record.path), bezug_betreff):
        h.update(part.encode())
    h.update(record.path.read_bytes())
    for anlage in record.vorlage.anlagen:
        p = anlage_path(anlage.datei, record.path)
        st = p.stat()
        h.update(f"{p}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def inputs_for_typst(ctx: Context) -> dict[str, str]:
    return {
        "betreff": ctx.betreff,
        "nummer": ctx.nummer,
        "art": ctx.art,
        "autor": ctx.autor,
        "koerperschaft": ctx.koerperschaft.name,
        "datum": ctx.datum,
        "status": ctx.status,
        "entwurf": "ja" if ctx.entwurf else "nein",
    }


def verweise_of(project: Project) -> Verweise:
    """What records show of each other and of the Sitzungen."""
    sitzungen = {(s.sitzung.gremium, s.sitzung.datum): f"Sitzung {s.sitzung.nummer}" for s in project.sitzungen}
    return Verweise(project.betreffs, fragen_of(project.records, project.ref), sitzungen)


def _depends(record: Record, verweise: Verweise) -> str:
    """What the record's output takes from other records: Betreff and Fragen of its Bezüge, Sitzungen."""
    v = record.vorlage
    parts = [(nr, verweise.betreffs.get((v.koerperschaft, nr), ""), verweise.fragen.get((v.koerperschaft, nr), []))
             for nr in v.bezuege]
    steps = [verweise.sitzungen.get((s.gremium, s.datum), "") for s in v.beratungsfolge if s.datum]
    return json.dumps([parts, steps], ensure_ascii=False)


TYPST_MAIN = '#import "/layout.typ": *\n#show: vorlage\n'


def render_record(record: Record, project: Project, layout: Layout, formats: Iterable[str],
                  verweise: Verweise | None = None) -> dict[str, bytes]:
    """Render one record into the requested formats (bytes, nothing written)."""
    ctx = build_context(record, project.ref, project.betreffs, verweise or verweise_of(project))
    markdown = render_markdown(layout, ctx.as_dict())
    epoch = epoch_of(record)
    formats = list(formats)
    out: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="vorlagengen-md-") as tmp:
        source = Path(tmp) / "vorlage.md"
        source.write_text(markdown, encoding="utf-8")
        procs = {}
        if "docx" in formats:
            procs["docx"] = engines.pandoc_start(source, "docx", epoch, reference_doc(layout, ctx.entwurf))
        if "pdf" in formats:
            procs["typst"] = engines.pandoc_start(source, "typst", epoch)
        try:
            if "pdf" in formats:
                body = engines.pandoc_finish(procs.pop("typst"), record.display).decode("utf-8")
                out["pdf"] = engines.typst_pdf(TYPST_MAIN + body, layout, inputs_for_typst(ctx), epoch,
                                               record.display)
            if "docx" in formats:
                out["docx"] = engines.pandoc_finish(procs.pop("docx"), record.display)
        finally:
            for proc in procs.values():
                proc.kill()
                proc.wait()
    return out


def reference_doc(layout: Layout, entwurf: bool) -> Path:
    return reference_for(layout, entwurf)


def _load_manifest(out: Path) -> dict[str, str]:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def build(project: Project, out: Path, formats: Iterable[str] = FORMATS, layout_name: str | None = None,
          jobs: int = 2, force: bool = False, progress: Callable[[Record], None] | None = None) -> BuildResult:
    formats = [f for f in FORMATS if f in set(formats)]
    if not formats:
        raise UserError("kein Ausgabeformat gewählt (docx, pdf)")
    manifest = _load_manifest(out)
    data_fp = _data_fingerprint(project.root)
    work: list[Job] = []
    skipped: list[Path] = []
    layouts: dict[str, Layout] = {}
    verweise = verweise_of(project)
    for record in project.records:
        if record.vorlage.uebernommen:
            continue  # imported: its text lives in the source's PDF and is never re-typeset
        name = layout_name or project.ref.koerperschaften[record.vorlage.koerperschaft].layout
        if name not in layouts:
            layouts[name] = get_layout(name, project.root)
        layout = layouts[name]
        base = output_dir(out, record) / slug(record.vorlage.nummer)
        targets = {f: base.with_suffix(f".{f}") for f in formats}
        fp = {f: _record_fingerprint(record, layout, data_fp, f, _depends(record, verweise)) for f in formats}
        todo = {f: p for f, p in targets.items()
                if force or not p.exists() or manifest.get(str(p.relative_to(out))) != fp[f]}
        skipped.extend(p for f, p in targets.items() if f not in todo)
        if todo:
            work.append(Job(record, layout, todo, json.dumps({f: fp[f] for f in todo})))

    def run(job: Job) -> list[Path]:
        rendered = render_record(job.record, project, job.layout, job.targets, verweise)
        for fmt, path in job.targets.items():
            write_atomic(path, rendered[fmt])
        if progress:
            progress(job.record)
        return list(job.targets.values())

    built: list[Path] = []
    errors: list[UserError] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [(job, pool.submit(run, job)) for job in work]
        for job, fut in futures:
            try:
                built.extend(fut.result())
                fps = json.loads(job.fingerprint)
                for fmt, path in job.targets.items():
                    manifest[str(path.relative_to(out))] = fps[fmt]
            except UserError as exc:
                errors.append(exc)
    if work:
        write_atomic(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
    if errors:
        raise UserError("\n".join(str(e) for e in errors))
    return BuildResult(built, skipped)
