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

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import __version__, trees
from ..checks import fragen_of
from ..errors import UserError, os_reason
from ..pruefcache import anlagen_stamp
from ..public import public_project as public_projection
from ..records import DATA_DIR, Project, ProjectData, PublicProject, Record, hash_files, package_digest, slug
from ..schwaerzung import KLASSE, klartext
from ..writing import write_atomic
from . import engines
from .context import Context, Verweise, anlagen_hinweis, build_context
from .docx_reference import reference_for, with_footer_text
from .layouts import Layout, get_layout
from .markdown import render_markdown
from .origins import Origin, origins_of
from .woerter import Woerter, woerter_for

FORMATS = ("docx", "pdf")
MANIFEST = ".vorlagen.json"
LOCK = ".vorlagen.lock"
SAVE_EVERY_S = 2.0  # how often a long build saves what it finished (a kill loses at most this)


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
class Prepared:
    """A Drucksache ready for pandoc and typst: everything that decides the output bytes."""

    markdown: str
    inputs: dict[str, str]
    epoch: int
    entwurf: bool
    public: bool
    display: str
    origins: list[Origin] = field(default_factory=list)  # the record's Markdown fields (for pandoc's warnings)


@dataclass
class BuildResult:
    built: list[Path]
    skipped: list[Path]
    removed: list[Path] = field(default_factory=list)


def output_dir(out: Path, record: Record, tree: str) -> Path:
    """Folder of a Drucksache's files in one tree (trees.PUBLIC or trees.INTERNAL)."""
    return out / tree / "vorlagen" / record.vorlage.koerperschaft


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
    h.update(_file_digest(record.path))
    # results, TOPs and Sitzung names derived from Sitzungen and Niederschriften live in other files
    h.update(repr([(step.ergebnis, step.top, step.sitzung) for step in record.vorlage.beratungsfolge]).encode())
    h.update(json.dumps(anlagen_stamp([a.datei for a in v.anlagen], record.path)).encode())
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
    sitzungen = {(s.sitzung.gremium, s.sitzung.datum): f"Sitzung {s.sitzung.nummer}" for s in project.sitzungen}
    verweise = Verweise(project.betreffs, fragen_of(project.records, project.ref), sitzungen)
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
    return json.dumps([parts, steps], ensure_ascii=False)


def inputs_for_typst(ctx: Context, w: Woerter) -> dict[str, str]:
    """PDF metadata and running texts; a Schwärzung in its one-line form („[geschwärzt]“ when public).
    The page number's words come in three parts around the two numbers."""
    seite = [*w("seite_von", seite="\x00", seiten="\x00").split("\x00"), "", "", ""]
    return {key: klartext(value) for key, value in {
        "fusszeile": w("fusszeile"),
        "seite_a": seite[0],
        "seite_b": seite[1],
        "seite_c": seite[2],
        "entwurf_stempel": w("entwurf_stempel"),
        "betreff": ctx.betreff,
        "nummer": ctx.nummer,
        "art": ctx.art,
        "autor": ctx.autor,
        "koerperschaft": ctx.koerperschaft.name,
        "datum": ctx.datum,
        "status": ctx.status,
        "entwurf": "ja" if ctx.entwurf else "nein",
    }.items()}


TYPST_MAIN = '#import "/layout.typ": *\n#show: vorlage\n'


def prepare(record: Record, project: ProjectData, layout: Layout) -> Prepared:
    """Context and Markdown of one record of ``project`` (public if ``project`` is the projection)."""
    ctx = build_context(record, project.ref, project.betreffs, project.oeffentlich, public=project.public,
                        verweise=verweise_of(project))
    w = woerter_for(layout, ctx)
    values = ctx.as_dict()
    values.update(w=w, art=w("art_dringlich") if ctx.dringlich else ctx.art)
    if project.public:
        values["anlagen_hinweis"] = anlagen_hinweis(record, ctx.koerperschaft, w)
    markdown = render_markdown(layout, values)
    return Prepared(markdown, inputs_for_typst(ctx, w), epoch_of(record), ctx.entwurf, project.public, record.display,
                    origins_of(record.vorlage, record.path, record.display))


def convert(prep: Prepared, layout: Layout, formats: Iterable[str]) -> dict[str, bytes]:
    """Markdown → the requested formats (bytes, nothing written), parsed once by this thread's pandoc."""
    wanted = [("typst" if f == "pdf" else f) for f in FORMATS if f in set(formats)]
    converted = engines.pandoc_worker().convert(prep.markdown, wanted, prep.epoch, prep.display,
                                                reference_doc(layout, prep.entwurf, prep.inputs["entwurf_stempel"])
                                                if "docx" in wanted else None,
                                                public=prep.public, origins=prep.origins)
    out: dict[str, bytes] = {}
    if "typst" in converted:
        out["pdf"] = engines.typst_pdf(TYPST_MAIN + converted["typst"].decode("utf-8"), layout, prep.inputs,
                                       prep.epoch, prep.display)
    if "docx" in converted:  # the footer names what the PDF's names
        out["docx"] = with_footer_text(converted["docx"], prep.inputs["fusszeile"],
                                       (prep.inputs["seite_a"], prep.inputs["seite_b"], prep.inputs["seite_c"]))
    return out


def render_record(record: Record, project: ProjectData, layout: Layout, formats: Iterable[str]) -> dict[str, bytes]:
    """Render one record of ``project`` into the requested formats (bytes, nothing written)."""
    return convert(prepare(record, project, layout), layout, formats)


def _same_document(a: Prepared | None, b: Prepared) -> bool:
    """Whether the internal form would come out byte for byte as the public one (then it is copied)."""
    return (a is not None and a.markdown == b.markdown and a.inputs == b.inputs and a.entwurf == b.entwurf
            and KLASSE not in b.markdown)


def reference_doc(layout: Layout, entwurf: bool, stempel: str = "ENTWURF") -> Path:
    return reference_for(layout, entwurf, stempel)


# --- state -------------------------------------------------------------------------------------


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _entry_sum(key: str, fingerprint: Any, stamp: Any) -> str:
    """The checksum of a manifest entry, so that a damaged entry is dropped, never believed."""
    return hashlib.sha256(json.dumps([key, fingerprint, stamp]).encode()).hexdigest()[:32]


def _sound(key: str, entry: Any) -> bool:
    """An entry with its checksum, for a file below the build folder."""
    return (isinstance(entry, dict) and entry.get("sum") == _entry_sum(key, entry.get("fp"), entry.get("stat"))
            and not key.startswith("/") and ".." not in key.split("/"))


class State:
    """``.vorlagen.json``: output (relative to the build folder) → fingerprint and the output's
    size, time and inode when it was written, with a checksum per entry (a damaged entry is
    dropped: its output is made again, and pruning never follows it)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.path = trees.state_file(out)
        self.entries: dict[str, dict[str, Any]] = {}
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            loaded = {}
        if isinstance(loaded, dict):
            self.entries = {k: v for k, v in loaded.items() if _sound(k, v)}
        self.dirty = False

    def key(self, path: Path) -> str:
        text, prefix = str(path), str(self.out) + os.sep
        if os.sep == "/" and text.startswith(prefix):
            return text[len(prefix):]  # what relative_to gives, without its work (thousands per build)
        return path.relative_to(self.out).as_posix()

    def current(self, path: Path, fingerprint: str) -> bool:
        entry = self.entries.get(self.key(path))
        if not entry or entry.get("fp") != fingerprint:
            return False
        try:
            return bool(entry.get("stat") == _stamp(path))
        except OSError:
            return False

    def record(self, path: Path, fingerprint: str) -> None:
        key, stamp = self.key(path), _stamp(path)
        self.entries[key] = {"fp": fingerprint, "stat": stamp, "sum": _entry_sum(key, fingerprint, stamp)}
        self.dirty = True

    def forget(self, key: str) -> None:
        self.entries.pop(key, None)
        self.dirty = True

    def save(self) -> None:
        if self.dirty:
            write_atomic(self.path, json.dumps(self.entries, indent=0, sort_keys=True).encode("utf-8"))
            self.dirty = False


@contextmanager
def locked(out: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the build folder's lock; a second build waits until the first has finished."""
    import fcntl

    try:
        out.mkdir(parents=True, exist_ok=True)
        fh = open(out / LOCK, "a+b")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise UserError(f"{out}: Ausgabeordner nicht beschreibbar ({os_reason(exc)})") from None
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                waiting()
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def remove_leftovers(folders: Iterable[Path], names: set[str]) -> None:
    """Temporary files of :func:`write_atomic` for our outputs, left by a killed build."""
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                target = entry.name[1:].rsplit(".", 2)[0]
                if target in names:
                    Path(entry.path).unlink(missing_ok=True)


def prune(state: State, keep: set[str]) -> list[Path]:
    """Remove outputs (and their entries) of records that no longer exist: those the state knows
    and, should its entry have been lost or damaged, any Drucksache file of the internal tree."""
    removed = []
    folder = trees.internal_dir(state.out) / "vorlagen"
    found = {state.key(p) for p in folder.glob("*/*") if p.suffix[1:] in FORMATS} if folder.is_dir() else set()
    for key in sorted(set(state.entries) | found):
        if key.rsplit(".", 1)[0] not in keep:
            path = state.out / key
            try:
                path.unlink()
                removed.append(path)
            except FileNotFoundError:
                pass
            state.forget(key)
    return removed


def prune_public(public: PublicProject, out: Path, state: State) -> list[Path]:
    """Remove from the public tree every Drucksache file that is not a finished public Drucksache
    (any more): one made non-public or a draft, renamed or deleted since the last build, also when
    only some are built; and from the draft tree every file that is not a public draft."""
    finished = {(k, slug(nr)) for (k, nr), is_public in public.oeffentlich.items() if is_public}
    drafts = {(r.vorlage.koerperschaft, slug(r.vorlage.nummer)) for r in public.records if r.vorlage.entwurf}
    removed = []
    for tree, keep in ((trees.PUBLIC, finished - drafts), (trees.DRAFT, drafts)):
        folder = out / tree / "vorlagen"
        for path in sorted(folder.glob("*/*")) if folder.is_dir() else []:
            if path.is_file() and not path.name.startswith(".") and (path.parent.name, path.stem) not in keep:
                path.unlink()
                state.forget(state.key(path))
                removed.append(path)
    return removed


# --- the build -----------------------------------------------------------------------------------


def formats_of(project: Project, record: Record, chosen: list[str] | None) -> list[str]:
    """The formats a Drucksache is set in: those chosen for the run, else its Körperschaft's."""
    if chosen is not None:
        return chosen
    body = project.ref.koerperschaften[record.vorlage.koerperschaft]
    return [f for f in FORMATS if f in body.formate]


def plan(project: Project, public: PublicProject, out: Path, formats: list[str] | None, layout_name: str | None,
         force: bool, state: State) -> tuple[list[Job], list[Path], set[str], list[Path]]:
    """What to make: jobs, outputs that are current, the outputs' bases (for pruning), and outputs of
    formats no longer chosen (to be removed). A public Drucksache has outputs in both trees, its
    public form made from the projection ``public`` (into the draft tree while it is a draft)."""
    base_fp = code_fingerprint()
    layouts: dict[str, tuple[Layout, str]] = {}
    public_forms = {r.path: r for r in public.records}
    work: list[Job] = []
    skipped: list[Path] = []
    bases: set[str] = set()
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
        public_tree = trees.DRAFT if record.vorlage.entwurf else trees.PUBLIC
        sources: list[tuple[str, Record | None, ProjectData]] = [(public_tree, pub, public)] if pub is not None else []
        sources.append((trees.INTERNAL, record, project))
        targets: dict[tuple[str, str], Path] = {}
        fps: dict[tuple[str, str], str] = {}
        for tree, rec, proj in sources:
            assert rec is not None
            base = output_dir(out, rec, tree) / slug(rec.vorlage.nummer)
            bases.add(state.key(base))
            digest = record_digest(rec, proj)
            wanted = formats_of(project, record, formats)
            unwanted += [base.parent / f"{base.name}.{f}" for f in FORMATS if f not in wanted]
            for f in wanted:
                path = base.parent / f"{base.name}.{f}"  # a Nr. may hold dots
                fp = record_fingerprint(digest, fp_base, f)
                if force or not state.current(path, fp):
                    targets[(tree, f)], fps[(tree, f)] = path, fp
                else:
                    skipped.append(path)
        if targets:
            work.append(Job(layout, pub, record, targets, fps))
    return work, skipped, bases, unwanted


def prune_formats(state: State, unwanted: list[Path]) -> list[Path]:
    """Remove the outputs of formats a Drucksache is no longer set in (a clean build has none)."""
    removed = []
    for path in unwanted:
        if path.is_file():
            path.unlink()
            removed.append(path)
        if state.key(path) in state.entries:
            state.forget(state.key(path))
    return removed


def build(project: Project, out: Path, formats: Iterable[str] | None = None, layout_name: str | None = None,
          jobs: int | None = None, force: bool = False, progress: Callable[[int, int], None] | None = None,
          complete: bool = False, waiting: Callable[[], None] | None = None) -> BuildResult:
    """Make the outputs of ``project.records`` that are not current.

    ``formats`` chooses the formats of this run; without it each Drucksache is set in the formats
    of its Körperschaft (``formate`` in data/koerperschaften.yaml). Outputs of formats not chosen
    are removed, so the build folder equals a clean build with the same choice.
    ``complete`` says the records are the whole project: outputs of other records are removed.
    ``progress(done, total)`` is called from this thread as jobs finish.
    """
    chosen = None if formats is None else [f for f in FORMATS if f in set(formats)]
    if chosen is not None and not chosen:
        raise UserError("kein Ausgabeformat gewählt (docx, pdf)")
    public = public_projection(project)
    with locked(out, waiting):
        state = State(out)
        work, skipped, bases, unwanted = plan(project, public, out, chosen, layout_name, force, state)
        folders = {(out / b).parent for b in bases} | {out, trees.internal_dir(out)}
        remove_leftovers(folders, {Path(b).name + f".{f}" for b in bases for f in FORMATS} | {MANIFEST})
        removed = prune(state, bases) if complete else []
        removed += prune_public(public, out, state)
        removed += prune_formats(state, unwanted)
        try:
            built = run_jobs(project, public, work, state, jobs or os.cpu_count() or 1, progress)
        finally:
            state.save()
    return BuildResult(built, skipped, removed)


def _make(project: Project, public: PublicProject, job: Job) -> list[Path]:
    """Render a job: the public form from the projection, the internal one from the full project
    (copied from the public bytes when both documents are the same), and write them."""
    pt = trees.DRAFT if job.internal.vorlage.entwurf else trees.PUBLIC  # where the public form goes
    wanted = {tree: [f for t, f in job.targets if t == tree] for tree in (pt, trees.INTERNAL)}
    made: dict[tuple[str, str], bytes] = {}
    pub = prepare(job.public, public, job.layout) if job.public is not None else None
    if pub is not None and wanted[pt]:
        made.update({(pt, f): b for f, b in convert(pub, job.layout, wanted[pt]).items()})
    if wanted[trees.INTERNAL]:
        internal = prepare(job.internal, project, job.layout)
        if pub is not None and _same_document(pub, internal):
            # the public bytes, as a clean build copies them, also when only the internal file is due
            missing = [f for f in wanted[trees.INTERNAL] if (pt, f) not in made]
            if missing:
                made.update({(pt, f): b for f, b in convert(pub, job.layout, missing).items()})
            docs = {f: made[(pt, f)] for f in wanted[trees.INTERNAL]}
        else:
            docs = convert(internal, job.layout, wanted[trees.INTERNAL])
        made.update({(trees.INTERNAL, f): b for f, b in docs.items()})
    for key, path in job.targets.items():
        write_atomic(path, made[key])
    return list(job.targets.values())


def run_jobs(project: Project, public: PublicProject, work: list[Job], state: State, jobs: int,
             progress: Callable[[int, int], None] | None) -> list[Path]:
    """Render the jobs on ``jobs`` threads (each with its own pandoc); errors are collected.

    On Ctrl-C (or any exception here) the queued jobs are dropped and the pandoc processes
    stopped, so the running ones end at once; what finished is kept in the state."""
    built: list[Path] = []
    errors: list[UserError] = []
    last_save = time.monotonic()
    pool = ThreadPoolExecutor(max_workers=max(1, min(jobs, len(work) or 1)), thread_name_prefix="vorlage")
    try:
        pending: dict[Future[list[Path]], Job] = {pool.submit(_make, project, public, job): job for job in work}
        done_count = 0
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                job = pending.pop(fut)
                try:
                    built.extend(fut.result())
                    for key, path in job.targets.items():
                        state.record(path, job.fingerprints[key])
                except UserError as exc:
                    errors.append(exc)
                done_count += 1
            if progress:
                progress(done_count, len(work))
            if time.monotonic() - last_save > SAVE_EVERY_S:
                state.save()
                last_save = time.monotonic()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        engines.close_workers()
        raise
    finally:
        pool.shutdown(wait=True)
        engines.close_workers()
    if errors:
        raise UserError("\n".join(str(e) for e in errors))
    return built
