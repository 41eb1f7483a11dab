"""Build Vorlagen: for each record, context → Markdown → DOCX and PDF, written atomically.

Two trees (trees.py): every public Drucksache is rendered from the public projection
(public.public_project, a ``PublicProject``) into ``oeffentlich/vorlagen/<k>/``, or while it is a
draft (``entwurf: ja``) into ``entwurf/vorlagen/<k>/``; every Drucksache, in its internal form
(non-public Anlagen listed, Schwärzungen visible on grey), into ``intern/vorlagen/<k>/``. Files of
Drucksachen that are no longer public (or are drafts again) are removed from the public tree, files
of drafts that are finished from the draft tree.

A build is incremental and always equals a clean build:

- each output is remembered in ``intern/.vorlagen.json`` with a fingerprint of everything it was
  made from (the record, its Anlagen, the Betreff it refers to, data/, the layout's files and the
  project's fonts, vorlagengen's own code, filter, fonts and templates, the versions of pandoc
  and typst) and with the output's size and time, so a deleted or replaced output is made again;
- the outputs of a record that no longer exists are removed (when the whole project is built);
- the state is saved as outputs are finished and on Ctrl-C; an output written without its entry
  is simply made again, an entry never vouches for a file it did not see;
- a lock (``build/.vorlagen.lock``) makes a second build on the same folder wait for the first;
- temporary files left in the output folders by a killed build are removed by the next one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path

import vorlagengen.documents.engines as engines
import vorlagengen.documents.recipe as recipe
import vorlagengen.documents.trees as trees
from vorlagengen import __version__
from vorlagengen.checks import fragen_of
from vorlagengen.documents.context import Context, Verweise, anlagen_hinweis, build_context, sitzung_name
from vorlagengen.documents.layouts import Layout, get_layout
from vorlagengen.documents.lock import LOCK
from vorlagengen.documents.origins import origins_of
from vorlagengen.documents.output import (
    DRUCKSACHE,
    MANIFEST,
    Output,
    open_output,
    remove_leftovers,
    run_parallel,
)
from vorlagengen.documents.recipe import FORMATS, Document, Prepared
from vorlagengen.documents.woerter import Woerter, page_words, woerter_for
from vorlagengen.errors import UserError
from vorlagengen.load.pruefcache import anlagen_stamp
from vorlagengen.model.records import (
    DATA_DIR,
    Project,
    ProjectData,
    PublicProject,
    Record,
    hash_files,
    package_digest,
    slug,
)
from vorlagengen.public.projection import public_project as public_projection
from vorlagengen.public.schwaerzung import KLASSE, klartext

__all__ = ["FORMATS", "LOCK", "MANIFEST", "BuildResult", "build", "render_record"]

PACKAGE = Path(__file__).resolve().parents[1]


@dataclass
class Job:
    """One Drucksache: its public form (None if it is not public) and its internal form, and the
    outputs of either that need making, with their fingerprints."""

    public: Document | None = None
    internal: Document | None = None
    wanted: dict[Path, str] = field(default_factory=dict)  # output → fingerprint

    def add(self, doc: Document, fmt: str, fingerprint: str) -> None:
        self.wanted[doc.path(fmt)] = fingerprint

    def formats(self, doc: Document) -> tuple[str, ...]:
        return tuple(f for f in doc.formats if doc.path(f) in self.wanted)


@dataclass
class BuildResult:
    built: list[Path]
    skipped: list[Path]
    removed: list[Path] = field(default_factory=list)


def output_dir(out: Path, record: Record, tree: str) -> Path:
    """Folder of a Drucksache's files in one tree (trees.PUBLIC or trees.INTERNAL)."""
    return _folder(os.fspath(out), tree, record.vorlage.koerperschaft)


@lru_cache(maxsize=64)
def _folder(out: str, tree: str, koerperschaft: str) -> Path:
    return Path(out, tree, "vorlagen", koerperschaft)  # thousands of records share a few folders


def epoch_of(record: Record) -> int:
    """The document date as UNIX time: fixed by the record, so builds are reproducible."""
    d = record.vorlage.datum
    return int(dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.UTC).timestamp())


# --- fingerprints --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """vorlagengen's own code, Lua filter, templates and fonts, and the engines' versions."""
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256(__version__.encode())
    for dist in ("typst", "pypandoc-binary"):
        try:
            h.update(f"{dist}={version(dist)}".encode())
        except PackageNotFoundError:
            h.update(dist.encode())
    h.update(engines.pandoc_binary().encode())
    h.update(package_digest())
    return h.hexdigest()


def project_fingerprint(root: Path, layout: Layout) -> str:
    """data/, the layout's files and the project's own fonts."""
    h = hashlib.sha256(layout.fingerprint.encode())
    hash_files(h, (root / DATA_DIR).glob("*.yaml"), root)
    for fonts in engines.project_fonts(layout):
        hash_files(h, Path(fonts).rglob("*"), root)
    return h.hexdigest()


def record_digest(record: Record, project: ProjectData) -> bytes:
    """Everything of one record an output depends on, in the tree ``project`` stands for: its file,
    its Anlagen (size, time, inode), what it shows of other records, its results."""
    v = record.vorlage
    status = [project.ist_oeffentlich(v.koerperschaft, nr) for nr in v.bezuege]
    bezug = f"{_depends(record, verweise_of(project))}|{status}"
    h = hashlib.sha256()
    for part in (str(record.path), bezug, str(project.public)):
        h.update(part.encode() + b"\0")
    h.update(bytes.fromhex(record.digest) if record.digest else _file_digest(record.path))
    # results, TOPs and Sitzung names derived from Sitzungen and Niederschriften live in other files
    h.update(repr([(step.ergebnis, step.top, step.sitzung) for step in record.vorlage.beratungsfolge]).encode())
    h.update(repr(anlagen_stamp([a.datei for a in v.anlagen], record.path)).encode("utf-8", "surrogateescape"))
    return h.digest()


_DIGESTS: dict[tuple[str, int, int, int, int], bytes] = {}


def _file_digest(path: Path) -> bytes:
    """SHA-256 of a record file, read once per process for both trees (while it stays unchanged)."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    known = _DIGESTS.get(key)
    if known is None:
        known = _DIGESTS[key] = hashlib.sha256(path.read_bytes()).digest()
    return known


def record_fingerprint(digest: bytes, base: str, fmt: str) -> str:
    """The fingerprint of one output: the code, data and layout (``base``), the format, the record."""
    return hashlib.sha256(f"{base}\0{fmt}\0".encode() + digest).hexdigest()


_VERWEISE: dict[int, tuple[ProjectData, Verweise]] = {}


def verweise_of(project: ProjectData) -> Verweise:
    """What records show of each other and of the Sitzungen (computed once per project object)."""
    cached = _VERWEISE.get(id(project))
    if cached is not None and cached[0] is project:
        return cached[1]
    nummern = {**project.sitzungsnummern,  # every Sitzung, also those a run of single records did not load
               **{(s.sitzung.gremium, s.sitzung.datum): s.sitzung.nummer for s in project.sitzungen}}
    sitzungen = {key: sitzung_name(nummer) for key, nummer in nummern.items()}
    fragen = {key: list(texte) for key, (texte, _) in project.fremde_fragen.items()}
    verweise = Verweise(project.betreffs, {**fragen, **fragen_of(project.records, project.ref)}, sitzungen)
    if len(_VERWEISE) >= 4:  # the full project and its public projection alternate
        _VERWEISE.clear()
    _VERWEISE[id(project)] = (project, verweise)
    return verweise


def _depends(record: Record, verweise: Verweise) -> str:
    """What the record's output takes from other records: Betreff and Fragen of its Bezüge, Sitzungen."""
    v = record.vorlage
    parts = [(nr, verweise.betreffs.get((v.koerperschaft, nr), ""), verweise.fragen.get((v.koerperschaft, nr), []))
             for nr in v.bezuege]
    steps = [verweise.sitzungen.get((s.gremium, s.datum), "") for s in v.beratungsfolge if s.datum]
    return repr([parts, steps])  # texts and lists of them: repr says all, at a fraction of JSON's cost


def inputs_for_typst(ctx: Context, w: Woerter) -> dict[str, str]:
    """PDF metadata and running texts; a Schwärzung in its one-line form („[geschwärzt]“ when public).
    The page number's words come in three parts around the two numbers."""
    return {key: klartext(value) for key, value in {
        "fusszeile": w("fusszeile"),
        **page_words(w),
        "betreff": ctx.betreff,
        "nummer": ctx.nummer,
        "art": ctx.art,
        "autor": ctx.autor,
        "koerperschaft": ctx.koerperschaft.name,
        "datum": ctx.datum,
        "status": ctx.status,
        "entwurf": "ja" if ctx.entwurf else "nein",
    }.items()}


def drucksache(record: Record, project: ProjectData, layout: Layout, out: Path, formats: tuple[str, ...],
               fingerprint: str = "") -> Document:
    """The Document of one record of ``project``: its public form if ``project`` is the projection
    (into the draft tree while the Drucksache is a draft)."""
    tree = (trees.DRAFT if record.vorlage.entwurf else trees.PUBLIC) if project.public else trees.INTERNAL
    return Document("Drucksache", "vorlage.md.j2", "vorlage", layout, epoch_of(record), project.public,
                    output_dir(out, record, tree) / slug(record.vorlage.nummer), formats, record.display,
                    fingerprint, lambda: prepare(record, project, layout))



def prepare(record: Record, project: ProjectData, layout: Layout) -> Prepared:
    """The typed context of one record of ``project`` (public if ``project`` is the projection), with
    the words of the layout's word table and the Körperschaft's profile."""
    ctx = build_context(record, project.ref, project.betreffs, project.oeffentlich, public=project.public,
                        verweise=verweise_of(project))
    w = woerter_for(layout, ctx)
    values = ctx.as_dict()
    # an empty art_dringlich takes only its own words away, never the Art
    values.update(w=w, art=(w("art_dringlich") or ctx.art) if ctx.dringlich else ctx.art)
    if project.public:
        values["anlagen_hinweis"] = anlagen_hinweis(record, ctx.koerperschaft, w)
    inputs = inputs_for_typst(ctx, w)
    # the DOCX footer names what the PDF's names, with the same words around the page numbers
    return Prepared(values, inputs, ctx.entwurf, tuple(origins_of(record.vorlage, record.path, record.display)),
                    footer=inputs["fusszeile"], seite=(inputs["seite_a"], inputs["seite_b"], inputs["seite_c"]),
                    stempel=inputs["entwurf_stempel"])


def markdown_of(record: Record, project: ProjectData, layout: Layout) -> str:
    """The Markdown the record's document in ``project``'s tree is set from."""
    doc = drucksache(record, project, layout, Path("."), FORMATS)
    return recipe.markdown_of(doc, doc.prepare())


def render_record(record: Record, project: ProjectData, layout: Layout, formats: Iterable[str]) -> dict[str, bytes]:
    """Render one record of ``project`` into the requested formats (bytes, nothing written)."""
    chosen = tuple(f for f in FORMATS if f in set(formats))
    return recipe.render(drucksache(record, project, layout, Path("."), chosen))


def _same_document(a: tuple[str, Prepared] | None, b: tuple[str, Prepared]) -> bool:
    """Whether the internal form would come out byte for byte as the public one (then it is copied)."""
    return (a is not None and a[0] == b[0] and a[1].inputs == b[1].inputs and a[1].entwurf == b[1].entwurf
            and KLASSE not in b[0])


# --- the build -----------------------------------------------------------------------------------


def prune_public(public: PublicProject, out: Path, output: Output) -> list[Path]:
    """Remove from the public tree every Drucksache file that is not a finished public Drucksache
    (any more): one made non-public or a draft, renamed or deleted since the last build, also when
    only some are built; and from the draft tree every file that is not a public draft."""
    finished = {(k, slug(nr)) for (k, nr), is_public in public.oeffentlich.items() if is_public}
    drafts = {(r.vorlage.koerperschaft, slug(r.vorlage.nummer)) for r in public.records if r.vorlage.entwurf}
    drafts |= {(body, slug(nr)) for body, nr in public.fremde_entwuerfe}  # of records this run did not load
    removed = []
    for tree, keep in ((trees.PUBLIC, finished - drafts), (trees.DRAFT, drafts)):
        folder = out / tree / "vorlagen"
        for body, name in _files_below(folder):
            if not name.startswith(".") and (body, os.path.splitext(name)[0]) not in keep:
                path = folder / body / name
                path.unlink()
                output.forget(output.key(path))
                removed.append(path)
    return removed


def prune_internal(out: Path, output: Output, keys: set[str]) -> list[Path]:
    """Remove Drucksache files of the internal tree that no planned output is: should a manifest
    entry have been lost or damaged, its file does not stay behind."""
    folder = trees.internal_dir(out) / "vorlagen"
    prefix = output.key(folder) + "/"
    removed = []
    for body, name in _files_below(folder):
        if os.path.splitext(name)[1][1:] in FORMATS and f"{prefix}{body}/{name}" not in keys:
            path = folder / body / name
            path.unlink()
            output.forget(output.key(path))
            removed.append(path)
    return removed


def _files_below(folder: Path) -> list[tuple[str, str]]:
    """(subfolder, name) of each file (or link to one) in the subfolders of ``folder``, sorted – what
    ``sorted(folder.glob("*/*"))`` finds of files, without a Path for each of thousands."""
    found = []
    try:
        subfolders = [e for e in os.scandir(folder) if e.is_dir()]
    except OSError:  # no folder (yet)
        return []
    for sub in subfolders:
        with contextlib.suppress(OSError):
            found += [(sub.name, e.name) for e in os.scandir(sub.path) if e.is_file()]
    return sorted(found)


def formats_of(project: Project, record: Record, chosen: tuple[str, ...] | None) -> tuple[str, ...]:
    """The formats a Drucksache is set in: those chosen for the run, else its Körperschaft's."""
    if chosen is not None:
        return chosen
    body = project.ref.koerperschaften[record.vorlage.koerperschaft]
    return tuple(f for f in FORMATS if f in body.formate)


def plan(project: Project, public: PublicProject, out: Path, formats: tuple[str, ...] | None,
         layout_name: str | None, force: bool, output: Output) -> tuple[list[Job], list[Path], set[str], list[Path]]:
    """What to make: jobs, outputs that are current, all outputs' keys (for pruning), and outputs of
    formats no longer chosen (to be removed). A public Drucksache has outputs in both trees, its
    public form made from the projection ``public`` (into the draft tree while it is a draft)."""
    base_fp = code_fingerprint()
    layouts: dict[str, tuple[Layout, str]] = {}
    public_forms = {r.path: r for r in public.records}
    work: list[Job] = []
    skipped: list[Path] = []
    keys: set[str] = set()
    unwanted: list[Path] = []
    for record in project.records:
        if record.vorlage.uebernommen:
            continue  # imported: its text lives in the source's PDF and is never re-typeset
        name = layout_name or project.ref.koerperschaften[record.vorlage.koerperschaft].layout
        if name not in layouts:
            layout = get_layout(name, project.root)
            layouts[name] = (layout, base_fp + project_fingerprint(project.root, layout))
        layout, fp_base = layouts[name]
        pub = public_forms.get(record.path)
        forms: list[tuple[Record, ProjectData]] = ([(pub, public)] if pub is not None else []) + [(record, project)]
        wanted = formats_of(project, record, formats)
        job = Job()
        for rec, proj in forms:
            digest = record_digest(rec, proj)
            doc = drucksache(rec, proj, layout, out, wanted)
            unwanted += [doc.path(f) for f in FORMATS if f not in wanted]
            for f in wanted:
                path = doc.path(f)
                fp = record_fingerprint(digest, fp_base, f)  # the format is part of what an output is made from
                keys.add(output.key(path))
                if force or not output.current(path, fp):
                    job.add(doc, f, fp)
                else:
                    skipped.append(path)
            if proj.public:
                job.public = doc
            else:
                job.internal = doc
        if job.wanted:
            work.append(job)
    return work, skipped, keys, unwanted


def prune_formats(output: Output, unwanted: list[Path]) -> list[Path]:
    """Remove the outputs of formats a Drucksache is no longer set in (a clean build has none)."""
    removed = []
    for path in unwanted:
        if path.is_file():
            path.unlink()
            removed.append(path)
        output.forget(output.key(path))
    return removed


def build(project: Project, out: Path, formats: Iterable[str] | None = None, layout_name: str | None = None,
          jobs: int | None = None, force: bool = False, progress: Callable[[int, int], None] | None = None,
          complete: bool = False, waiting: Callable[[], None] | None = None,
          finish: Callable[[BuildResult], None] | None = None) -> BuildResult:
    """Make the outputs of ``project.records`` that are not current.

    ``formats`` chooses the formats of this run; without it each Drucksache is set in the formats
    of its Körperschaft (``formate`` in data/koerperschaften.yaml). Outputs of formats not chosen
    are removed, so the build folder equals a clean build with the same choice.
    ``complete`` says the records are the whole project: outputs of other records are removed.
    ``progress(done, total)`` is called from this thread as jobs finish; ``finish(result)`` after a
    run without error, with the manifest saved, still under the build folder's lock (the run's stamp).
    """
    chosen = None if formats is None else tuple(f for f in FORMATS if f in set(formats))
    if chosen is not None and not chosen:
        raise UserError("kein Ausgabeformat gewählt (docx, pdf)")
    public = public_projection(project)
    with open_output(out, waiting) as output:
        work, skipped, keys, unwanted = plan(project, public, out, chosen, layout_name, force, output)
        if work:  # pandoc starts while the first document's Markdown is made
            engines.pandoc_ahead()
        folders = {out / d for d in {os.path.dirname(k) for k in keys}} | {out, trees.internal_dir(out)}
        remove_leftovers(folders, {os.path.basename(k) for k in keys} | {MANIFEST})
        removed = output.prune(DRUCKSACHE, keys) + prune_internal(out, output, keys) if complete else []
        removed += prune_public(public, out, output)
        removed += prune_formats(output, unwanted)
        built = run_jobs(work, output, jobs or os.cpu_count() or 1, progress)
        result = BuildResult(built, skipped, removed)
        if finish is not None:
            output.save()
            finish(result)
    return result


def render_job(job: Job) -> dict[Path, tuple[bytes, str]]:
    """Render a job: the public form from the projection, the internal one from the full project
    (copied from the public bytes when both documents are the same, as a clean build copies them,
    also when only the internal file is due)."""
    made: dict[Path, tuple[bytes, str]] = {}
    pub: tuple[str, Prepared] | None = None
    pub_bytes: dict[str, bytes] = {}
    if job.public is not None:
        prep = job.public.prepare()
        pub = (recipe.markdown_of(job.public, prep), prep)
        wanted = job.formats(job.public)
        if wanted:
            pub_bytes = recipe.convert(job.public, prep, pub[0], wanted)
            made.update({job.public.path(f): (b, job.wanted[job.public.path(f)]) for f, b in pub_bytes.items()})
    assert job.internal is not None
    wanted = job.formats(job.internal)
    if wanted:
        prep = job.internal.prepare()
        internal = (recipe.markdown_of(job.internal, prep), prep)
        if pub is not None and job.public is not None and _same_document(pub, internal):
            missing = tuple(f for f in wanted if f not in pub_bytes)
            if missing:
                pub_bytes.update(recipe.convert(job.public, pub[1], pub[0], missing))
            docs = {f: pub_bytes[f] for f in wanted}
        else:
            docs = recipe.convert(job.internal, prep, internal[0], wanted)
        made.update({job.internal.path(f): (b, job.wanted[job.internal.path(f)]) for f, b in docs.items()})
    return made


def run_jobs(work: list[Job], output: Output, jobs: int, progress: Callable[[int, int], None] | None) -> list[Path]:
    """Render the jobs on ``jobs`` threads and write each as it finishes (the output manager's
    runner: errors collected; on Ctrl-C the queued jobs are dropped, what finished is kept)."""
    return run_parallel(output, [partial(render_job, job) for job in work], DRUCKSACHE, jobs, progress, "vorlage")
