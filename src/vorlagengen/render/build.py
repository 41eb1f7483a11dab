"""Build Vorlagen: for each record, context → Markdown → DOCX and PDF, written atomically.

Two trees (trees.py): every public Drucksache is rendered from the public projection
(public.public_project) into ``oeffentlich/vorlagen/<k>/``; every Drucksache, in its internal form
(non-public Anlagen listed, Schwärzungen visible on grey), into ``intern/vorlagen/<k>/``. Files of
Drucksachen that are no longer public are removed from the public tree.

A build is incremental: each output remembers a fingerprint of everything it was made from (the
record, its Anlagen, data/, the layout's files, the vorlagengen version) in
``intern/.vorlagen.json``; an output whose fingerprint did not change is not made again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__, trees
from ..errors import UserError
from ..public import public_project as public_projection
from ..records import DATA_DIR, Project, Record, anlage_path, slug
from ..schwaerzung import KLASSE, klartext
from ..writing import write_atomic
from . import engines
from .context import Context, build_context
from .docx_reference import reference_for
from .layouts import Layout, get_layout
from .markdown import render_markdown

FORMATS = ("docx", "pdf")


@dataclass
class Job:
    """One Drucksache: its public form (None if it is not public) and its internal form, and the
    outputs of either that need making: (tree, format) → file."""

    layout: Layout
    public: Record | None
    internal: Record
    targets: dict[tuple[str, str], Path]
    fingerprints: dict[tuple[str, str], str]


@dataclass
class BuildResult:
    built: list[Path]
    skipped: list[Path]
    removed: list[Path] = field(default_factory=list)


@dataclass
class Prepared:
    """A Drucksache ready for pandoc and typst: everything that decides the output bytes."""

    markdown: str
    inputs: dict[str, str]
    epoch: int
    entwurf: bool
    public: bool
    display: str


def output_dir(out: Path, record: Record, tree: str) -> Path:
    """Folder of a Drucksache's files in one tree (trees.PUBLIC or trees.INTERNAL)."""
    return out / tree / "vorlagen" / record.vorlage.koerperschaft


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


def _record_fingerprint(record: Record, project: Project, layout: Layout, data_fp: str, fmt: str) -> str:
    v = record.vorlage
    bezug = f"{project.betreff_of(v.koerperschaft, v.bezug or '')}|{project.ist_oeffentlich(v.koerperschaft, v.bezug or '')}"
    h = hashlib.sha256()
    for part in (__version__, fmt, layout.fingerprint, data_fp, str(record.path), bezug, str(project.public)):
        h.update(part.encode())
    h.update(record.path.read_bytes())
    for anlage in record.vorlage.anlagen:
        p = anlage_path(anlage.datei, record.path)
        st = p.stat()
        h.update(f"{p}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def inputs_for_typst(ctx: Context) -> dict[str, str]:
    """PDF metadata and running texts; a Schwärzung in its one-line form („[geschwärzt]“ when public)."""
    return {key: klartext(value) for key, value in {
        "betreff": ctx.betreff,
        "nummer": ctx.nummer,
        "art": ctx.art,
        "autor": ctx.federfuehrend or ctx.koerperschaft.name,
        "koerperschaft": ctx.koerperschaft.name,
        "datum": ctx.datum,
        "status": ctx.status,
        "entwurf": "ja" if ctx.entwurf else "nein",
    }.items()}


TYPST_MAIN = '#import "/layout.typ": *\n#show: vorlage\n'


def prepare(record: Record, project: Project, layout: Layout) -> Prepared:
    """Context and Markdown of one record of ``project`` (public if ``project`` is the projection)."""
    ctx = build_context(record, project.ref, project.betreffs, project.oeffentlich, public=project.public)
    markdown = render_markdown(layout, ctx.as_dict())
    return Prepared(markdown, inputs_for_typst(ctx), epoch_of(record), ctx.entwurf, project.public, record.display)


def convert(prep: Prepared, layout: Layout, formats: Iterable[str]) -> dict[str, bytes]:
    """Markdown → the requested formats (bytes, nothing written)."""
    formats = list(formats)
    out: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="vorlagengen-md-") as tmp:
        source = Path(tmp) / "vorlage.md"
        source.write_text(prep.markdown, encoding="utf-8")
        procs = {}
        if "docx" in formats:
            procs["docx"] = engines.pandoc_start(source, "docx", prep.epoch, reference_doc(layout, prep.entwurf),
                                                 public=prep.public)
        if "pdf" in formats:
            procs["typst"] = engines.pandoc_start(source, "typst", prep.epoch, public=prep.public)
        try:
            if "pdf" in formats:
                body = engines.pandoc_finish(procs.pop("typst"), prep.display).decode("utf-8")
                out["pdf"] = engines.typst_pdf(TYPST_MAIN + body, layout, prep.inputs, prep.epoch, prep.display)
            if "docx" in formats:
                out["docx"] = engines.pandoc_finish(procs.pop("docx"), prep.display)
        finally:
            for proc in procs.values():
                proc.kill()
                proc.wait()
    return out


def render_record(record: Record, project: Project, layout: Layout, formats: Iterable[str]) -> dict[str, bytes]:
    """Render one record of ``project`` into the requested formats (bytes, nothing written)."""
    return convert(prepare(record, project, layout), layout, formats)


def _same_document(a: Prepared | None, b: Prepared) -> bool:
    """Whether the internal form would come out byte for byte as the public one (then it is copied)."""
    return (a is not None and a.markdown == b.markdown and a.inputs == b.inputs and a.entwurf == b.entwurf
            and KLASSE not in b.markdown)


def reference_doc(layout: Layout, entwurf: bool) -> Path:
    return reference_for(layout, entwurf)


def _load_manifest(out: Path) -> dict[str, str]:
    try:
        data = json.loads(trees.state_file(out).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _plan(record: Record, public: Record | None, project: Project, public_project: Project, layout: Layout,
          out: Path, formats: list[str], manifest: dict[str, str], force: bool, data_fp: str
          ) -> tuple[Job | None, list[Path]]:
    """What of one Drucksache needs making (its public form first), and what is up to date."""
    sources = [(trees.PUBLIC, public, public_project)] if public is not None else []
    sources.append((trees.INTERNAL, record, project))
    targets: dict[tuple[str, str], Path] = {}
    fingerprints: dict[tuple[str, str], str] = {}
    skipped: list[Path] = []
    for tree, rec, proj in sources:
        assert rec is not None
        base = output_dir(out, rec, tree) / slug(rec.vorlage.nummer)
        for fmt in formats:
            path = base.with_suffix(f".{fmt}")
            fp = _record_fingerprint(rec, proj, layout, data_fp, fmt)
            if force or not path.exists() or manifest.get(str(path.relative_to(out))) != fp:
                targets[(tree, fmt)], fingerprints[(tree, fmt)] = path, fp
            else:
                skipped.append(path)
    job = Job(layout, public, record, targets, fingerprints) if targets else None
    return job, skipped


def _run(job: Job, project: Project, public_project: Project) -> dict[tuple[str, str], bytes]:
    """Render a job: the public form from the projection, the internal one from the full project
    (copied from the public bytes when both documents are the same)."""
    wanted = {tree: [f for t, f in job.targets if t == tree] for tree in (trees.PUBLIC, trees.INTERNAL)}
    made: dict[tuple[str, str], bytes] = {}
    pub = prepare(job.public, public_project, job.layout) if job.public is not None else None
    if pub is not None and wanted[trees.PUBLIC]:
        made.update({(trees.PUBLIC, f): b for f, b in convert(pub, job.layout, wanted[trees.PUBLIC]).items()})
    if wanted[trees.INTERNAL]:
        internal = prepare(job.internal, project, job.layout)
        same = _same_document(pub, internal)
        reuse = {f: made[(trees.PUBLIC, f)] for f in wanted[trees.INTERNAL] if same and (trees.PUBLIC, f) in made}
        rest = [f for f in wanted[trees.INTERNAL] if f not in reuse]
        docs = {**reuse, **(convert(internal, job.layout, rest) if rest else {})}
        made.update({(trees.INTERNAL, f): b for f, b in docs.items()})
    return made


def prune_public(public_project: Project, out: Path, manifest: dict[str, str]) -> list[Path]:
    """Remove from the public tree every Drucksache file that is not a public Drucksache (any more):
    one made non-public, renamed or deleted since the last build."""
    folder = trees.public_dir(out) / "vorlagen"
    keep = {(k, slug(nr)) for (k, nr), public in public_project.oeffentlich.items() if public}
    removed = []
    for path in sorted(folder.glob("*/*")) if folder.is_dir() else []:
        if path.is_file() and (path.parent.name, path.stem) not in keep:
            path.unlink()
            manifest.pop(str(path.relative_to(out)), None)
            removed.append(path)
    return removed


def build(project: Project, out: Path, formats: Iterable[str] = FORMATS, layout_name: str | None = None,
          jobs: int = 2, force: bool = False, progress: Callable[[Record], None] | None = None) -> BuildResult:
    """Every Drucksache into the internal tree, every public one (from the public projection) into
    the public tree; a job per Drucksache."""
    formats = [f for f in FORMATS if f in set(formats)]
    if not formats:
        raise UserError("kein Ausgabeformat gewählt (docx, pdf)")
    public_project = public_projection(project)
    public_forms = {r.path: r for r in public_project.records}
    manifest = _load_manifest(out)
    data_fp = _data_fingerprint(project.root)
    work: list[Job] = []
    skipped: list[Path] = []
    layouts: dict[str, Layout] = {}
    for record in project.records:
        if record.vorlage.uebernommen:
            continue  # imported: its text lives in the source's PDF and is never re-typeset
        name = layout_name or project.ref.koerperschaften[record.vorlage.koerperschaft].layout
        if name not in layouts:
            layouts[name] = get_layout(name, project.root)
        job, up_to_date = _plan(record, public_forms.get(record.path), project, public_project, layouts[name], out,
                                formats, manifest, force, data_fp)
        skipped.extend(up_to_date)
        if job is not None:
            work.append(job)
    removed = prune_public(public_project, out, manifest)

    def run(job: Job) -> list[Path]:
        made = _run(job, project, public_project)
        for key, path in job.targets.items():
            write_atomic(path, made[key])
        if progress:
            progress(job.internal)
        return list(job.targets.values())

    built: list[Path] = []
    errors: list[UserError] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [(job, pool.submit(run, job)) for job in work]
        for job, fut in futures:
            try:
                built.extend(fut.result())
                for key, path in job.targets.items():
                    manifest[str(path.relative_to(out))] = job.fingerprints[key]
            except UserError as exc:
                errors.append(exc)
    if work or removed:
        write_atomic(trees.state_file(out), json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
    if errors:
        raise UserError("\n".join(str(e) for e in errors))
    return BuildResult(built, skipped, removed)
