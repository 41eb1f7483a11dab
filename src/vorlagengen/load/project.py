"""Load and validate a project: the reference data in ``data/`` and the records in ``vorlagen/``.

One pass, all problems: every file is read and checked, every problem is collected with its
place, and only then does :func:`load_project` either return the typed project or raise
:class:`ValidationFailed` with all of them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import stat
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from vorlagengen import checks
from vorlagengen.checks import text as textchecks
from vorlagengen.checks.anlagen import verdicts_stand
from vorlagengen.errors import Problem, UserError, ValidationFailed
from vorlagengen.gcpause import no_cycle_collection
from vorlagengen.load.modelerrors import model_problems, without_misspelt_missing
from vorlagengen.load.pruefcache import (
    CheckCache,
    Entry,
    anlagen_stamp,
    cache_line,
    digest,
    file_stamp,
    values_of_line,
)
from vorlagengen.load.sitzungen import (
    check_niederschriften,
    derive_agenda,
    derive_results,
    discover_sitzungen,
    load_sitzungen,
    nichtoeffentliche_beratungen,
    quiet_sitzungen,
    results_of,
)
from vorlagengen.load.yamlio import (
    MAX_BYTES,
    YamlProblem,
    load_mapping,
    load_mapping_fast,
    load_mapping_text,
    locate,
)
from vorlagengen.messages import field_path, translate
from vorlagengen.model.drucksache import REFERENCE_FILES, JaNein, Vorlage
from vorlagengen.model.records import (
    DATA_DIR,
    RECORD_DIR,
    SITZUNG_DIR,
    Fremde,
    Project,
    Record,
    RefData,
    SitzungRecord,
    display_path,
    facts_of,
    forget_anlage_folders,
    layout_names,
)

if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext

Known = dict[str, list[Any]]  # record file → known_entry

PARALLEL_THRESHOLD = 400  # below this many records a process pool costs more than it saves


# --- reference data ---------------------------------------------------------------------------


def load_refdata(root: Path) -> tuple[RefData, list[Problem]]:
    ref = RefData()
    problems: list[Problem] = []
    data_dir = root / DATA_DIR
    for name, model in REFERENCE_FILES.items():
        path = data_dir / f"{name}.yaml"
        display = display_path(path)
        if not path.exists():
            if name == "koerperschaften":
                problems.append(Problem(display, 0, 0, "", "Datei fehlt: ohne Körperschaften ist nichts zu prüfen"))
                ref.unreadable.add(name)
            continue
        try:
            raw = load_mapping(path, display)
        except YamlProblem as exc:
            problems.append(exc.problem)
            ref.unreadable.add(name)
            continue
        problems.extend(textchecks.glyph_problems(raw, path, display))
        adapter = TypeAdapter(dict[str, model])  # type: ignore[valid-type]
        try:
            setattr(ref, name, adapter.validate_python(raw))
        except ValidationError as exc:
            problems.extend(_ref_problems(exc, path, display, model))
            valid = {}
            for key, value in raw.items():
                with contextlib.suppress(ValidationError):
                    valid[key] = model.model_validate(value)
            setattr(ref, name, valid)
            ref.invalid[name] = {str(key) for key in raw if key not in valid}
        problems.extend(textchecks.markdown_problems(getattr(ref, name), path, display))
    problems.extend(checks.check_refdata(ref, root, layout_names(root)))
    return ref, problems


def _ref_problems(exc: ValidationError, path: Path, display: str, model: type[BaseModel]) -> list[Problem]:
    problems = []
    for err in without_misspelt_missing(exc, model):
        loc = tuple(err["loc"])
        line, col = locate(path, loc)
        allowed = list(model.model_fields) if err["type"] == "extra_forbidden" else []
        problems.append(Problem(display, line, col, field_path(loc, err["type"] == "invalid_key"),
                                translate(err, allowed)))
    return problems


# --- records ----------------------------------------------------------------------------------


def discover(root: Path, paths: Iterable[Path] | None = None) -> list[Path]:
    """Record files: the given files, the YAML files below given folders, or all of vorlagen/."""
    targets = list(paths) if paths else [root / RECORD_DIR]
    found: set[str] = set()
    for target in targets:
        if target.is_dir():
            # not only regular files: a FIFO or device named *.yaml is refused when read, not skipped
            # and a folder named *.yaml is refused too (a record is expected there)
            for folder, dirs, files in os.walk(target.absolute()):
                found.update(os.path.join(folder, f) for f in [*files, *dirs]
                             if f.endswith((".yaml", ".yml")) and f not in (".yaml", ".yml"))
        elif target.exists():
            found.add(str(target.absolute()))
        else:
            raise UserError(f"{display_path(target)}: Datei oder Ordner nicht gefunden")
    return [Path(p) for p in sorted(found, key=lambda p: p.split(os.sep))]


Checked = tuple[str, Vorlage | None, list[Problem], list[Problem], tuple[str, str, str]]
"""display path, the record if valid, its problems, its warnings, and the digest of its text (empty
for an unreadable file) with, for a record without problems when the cache is on, its values as
JSON to be kept (else empty), and for a record without problems its facts (model.records.facts_of)"""


def _check_one(path: Path, root: Path, ref: RefData, keep: bool = False) -> Checked:
    """One record's own checks. It is read by yaml-rs where that gives the same values (without
    places); a record with any problem or warning is then read again by libyaml with places and
    checked again, so that every message is exactly the one of the positioned way."""
    display = display_path(path)
    try:
        raw, text, quick = load_mapping_fast(path, display)
        if quick:
            checked = _check_quietly(path, root, ref, keep, display, raw, text)
            if checked is not None:
                return checked
            raw, text = load_mapping_text(path, display)
    except YamlProblem as exc:
        return display, None, [exc.problem], [], ("", "", "")
    return _check_values(path, root, ref, keep, display, raw, text)


def _check_quietly(path: Path, root: Path, ref: RefData, keep: bool, display: str, raw: Any,
                   text: str) -> Checked | None:
    """The result of a record without any problem or warning, else None (values without places)."""
    raw, lifted = checks.lift_typed_placeholders(raw)
    if lifted:
        return None
    try:
        vorlage = Vorlage.model_validate(raw)
    except ValidationError:
        return None
    if checks.check_record(vorlage, path, root, ref, text) or checks.record_warnings(vorlage):
        return None
    if textchecks.record_problems(raw, vorlage, path, display, text):
        return None
    return display, vorlage, [], [], (digest(text.encode("utf-8")), json.dumps(raw) if keep else "", facts_of(raw))


def _check_values(path: Path, root: Path, ref: RefData, keep: bool, display: str, raw: Any,
                  text: str) -> Checked:
    def located(found: list[tuple[tuple[Any, ...], str]]) -> list[Problem]:
        return [Problem(display, *locate(path, loc, text), field_path(loc), msg) for loc, msg in found]

    sha = digest(text.encode("utf-8"))
    raw, lifted = checks.lift_typed_placeholders(raw)
    try:
        vorlage = Vorlage.model_validate(raw)
    except ValidationError as exc:
        return display, None, located(lifted) + model_problems(exc, path, display, Vorlage), [], (sha, "", "")
    problems = located(lifted + checks.check_record(vorlage, path, root, ref, text))
    problems += textchecks.record_problems(raw, vorlage, path, display, text)
    kept = (sha, json.dumps(raw) if keep and not problems else "", "" if problems else facts_of(raw))
    return display, vorlage, problems, located(checks.record_warnings(vorlage)), kept


def facts_of_file(path: Path) -> str:
    """The facts (model.records.facts_of) of a record file as its check finds them; "" for a file
    that cannot be read or holds a placeholder of ``vorlagengen new`` in a typed field."""
    try:
        raw, _, _ = load_mapping_fast(path, display_path(path))
    except (YamlProblem, UserError):
        return ""
    raw, lifted = checks.lift_typed_placeholders(raw)
    return "" if lifted else facts_of(raw)


def _check_to_keep(path: Path, root: Path, ref: RefData, context: str | None, values: bool = False) -> Checked:
    """One record's own checks; with the ``context`` of a check cache, a record without problems
    comes with its whole cache line in place of its values (made here, in the worker that checked
    it, with the stamp its file had before it was read, if it still has it). ``values``: without a
    cache, such a record comes with its values as JSON all the same (a worker sends them, not the model)."""
    if context is None:
        return _check_one(path, root, ref, values)
    begin = time.time_ns()
    before = _stat(path)
    checked = _check_one(path, root, ref, True)
    display, vorlage, problems, warnings, (sha, raw_json, facts) = checked
    if not raw_json or vorlage is None:
        return display, vorlage, problems, warnings, (sha, "", facts)
    stamp = file_stamp(before, begin)
    stamp = stamp if file_stamp(_stat(path), begin) == stamp else "-"  # unchanged while read
    line = cache_line(context, path, sha, raw_json, [a.datei for a in vorlage.anlagen],
                      [(w.line, w.col, w.field, w.message) for w in warnings], stamp, facts)
    return display, vorlage, problems, warnings, (sha, line or "", facts)


_WORKER: dict[str, Any] = {}

Sent = tuple[str, Vorlage | str | None, list[Problem], list[Problem], tuple[str, str, str]]
"""A worker's Checked: a record without problems comes as the JSON of its values in place of its
model, which is built again from them where the results are collected (:func:`_received`). A
pickled model costs three times that: pydantic pickles each nested model and value on its own."""


def _worker_init(root: Path, ref: RefData, context: str | None) -> None:
    _WORKER.update(root=root, ref=ref, context=context)


def _worker_check(paths: list[Path]) -> list[Sent]:
    context = _WORKER["context"]
    out: list[Sent] = []
    for p in paths:
        display, vorlage, problems, warnings, (sha, kept, facts) = _check_to_keep(
            p, _WORKER["root"], _WORKER["ref"], context, values=True)
        if vorlage is not None and kept and not problems:
            # the cache line ends with the values (pruefcache.cache_line); without a cache, kept is them
            out.append((display, "" if context is not None else kept, problems, warnings,
                        (sha, kept if context is not None else "", facts)))
        else:
            out.append((display, vorlage, problems, warnings, (sha, kept, facts)))
    return out


def _received(sent: list[Sent]) -> list[Checked]:
    """A worker's results with each model built again from its values (as from the check cache)."""
    return [(d, values_model(v or values_of_line(k[1])) if isinstance(v, str) else v, p, w, k)
            for d, v, p, w, k in sent]


def values_model(raw_json: str) -> Vorlage:
    """The model of a record's values as JSON, made by its check (the check cache keeps them so):
    the same model the check made of the values read from its file."""
    return Vorlage.model_validate(json.loads(raw_json))


def _pool_context() -> BaseContext | None:
    """fork where it is safe and cheap (Linux, no other threads): workers start at once, with
    everything imported and the reference data in memory; else the platform's default."""
    import multiprocessing

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return None


def _check_fresh(paths: list[Path], root: Path, ref: RefData, jobs: int, context: str | None) -> list[Checked]:
    """The records' own checks (see _check_to_keep), on ``jobs`` processes for many records."""
    if jobs <= 1 or len(paths) < PARALLEL_THRESHOLD:
        return [_check_to_keep(p, root, ref, context) for p in paths]
    # This process checks records itself beside jobs - 1 workers instead of only waiting for them.
    # Small chunks keep everyone busy to the end: the workers take them from the front, this process
    # from the back, and collects (unpickles) the workers' results between its own chunks.
    from concurrent.futures import ProcessPoolExecutor  # the process pool's modules only for a pool

    Vorlage.model_rebuild()  # built here if not yet (models build when first used): each forked worker has it
    size = max(50, len(paths) // (jobs * 8))
    pending = deque(enumerate(paths[i : i + size] for i in range(0, len(paths), size)))
    done: dict[int, list[Checked]] = {}
    with ProcessPoolExecutor(jobs - 1, mp_context=_pool_context(), initializer=_worker_init,
                             initargs=(root, ref, context)) as pool:
        running: dict[Future[list[Sent]], int] = {}

        def feed() -> None:
            for future in [f for f in running if f.done()]:
                done[running.pop(future)] = _received(future.result())
            while pending and len(running) < 2 * (jobs - 1):  # one at work, one waiting, per worker
                index, chunk = pending.popleft()
                running[pool.submit(_worker_check, chunk)] = index

        feed()
        while pending:
            index, chunk = pending.pop()
            done[index] = [_check_to_keep(p, root, ref, context) for p in chunk]
            feed()
        for future, index in running.items():
            done[index] = _received(future.result())
    return [item for index in sorted(done) for item in done[index]]


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def _kept(path: Path, cache: CheckCache) -> tuple[Entry, str, str, int] | None:
    """The kept entry of an unchanged record with its digest, the file's stamp now and the time it
    was taken, or None. A file whose stamp is the kept one is not read again; any other is read and
    its digest compared."""
    known = cache.known(path)
    if known is None:
        return None  # nothing kept: read once, by the fresh check
    begin = time.time_ns()
    st = _stat(path)
    if st is None or not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
        return None  # a FIFO, device or huge file is refused by the fresh check, never read here
    stamp = file_stamp(st, begin)
    if stamp != "-" and stamp == known[1]:
        sha = known[0]
    else:
        try:
            sha = digest(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
        except OSError:
            return None
    entry = cache.lookup(path, sha)
    return None if entry is None else (entry, sha, stamp, begin)


def _from_cache(path: Path, cache: CheckCache) -> Checked | None:
    """The kept result of an unchanged record, or None (then it is read and checked afresh)."""
    kept = _kept(path, cache)
    if kept is None:
        return None
    entry, sha, stamp, begin = kept
    known = cache.known(path) or ("", "")
    try:
        vorlage = values_model(entry.raw_json)  # as from the file: same values
    except ValueError:  # pydantic's ValidationError among them
        return None
    if anlagen_stamp([a.datei for a in vorlage.anlagen], path) != entry.anlagen:
        return None
    if stamp != known[1]:  # same bytes, new stamp (touched, checked out again): keep the new one
        cache.store(path, sha, entry.raw_json, [a.datei for a in vorlage.anlagen], entry.warnings,
                    stamp if file_stamp(_stat(path), begin) == stamp else "-", entry.facts)
    display = display_path(path)
    return display, vorlage, [], [Problem(display, *w) for w in entry.warnings], (sha, "", entry.facts)


def _check_all(paths: list[Path], root: Path, ref: RefData, jobs: int, cache: CheckCache) -> list[Checked]:
    """Every record's own checks: from the cache where nothing changed, else afresh (and kept, by the
    line its check made)."""
    kept = {i: c for i, p in enumerate(paths) if (c := _from_cache(p, cache)) is not None} if cache.file else {}
    todo = [i for i in range(len(paths)) if i not in kept]
    fresh = _check_fresh([paths[i] for i in todo], root, ref, jobs, cache.context if cache.file else None)
    for i, checked in zip(todo, fresh, strict=True):
        sha, line, facts = checked[4]
        if line:
            cache.keep_line(paths[i], sha, line)
            checked = (*checked[:4], (sha, "", facts))
        kept[i] = checked
    return [kept[i] for i in range(len(paths))]


def load_project(root: Path, paths: Iterable[Path] | None = None, jobs: int | None = None,
                 sitzungen: Iterable[Path] | None = None, known: Known | None = None) -> Project:
    """Load reference data, records and Sitzungen, check everything, raise ValidationFailed on any
    problem.

    ``paths`` selects Drucksachen and/or Sitzungen (files or folders; files below sitzungen/ are
    Sitzungen). ``sitzungen`` names Sitzung files wherever they are. Sitzungen are checked against
    all Drucksachen of the project; selecting only Drucksachen skips the Sitzungen. ``known``: what
    the checks across records need of every record file (:func:`known_entry`), as a run without
    error kept it that has seen every file not selected, and every other file it read (``data/``,
    Anlagen, …), as it is now, and the selected records with the same facts (model.records.facts_of);
    then those files are not read at all, the check cache is neither read nor written, and no
    Anlage is opened again (its verdict stands: checks/anlagen.py).
    """
    # loading makes many objects and frees few (the collector took a sixth of a large project's time)
    with no_cycle_collection(), (verdicts_stand() if known is not None else contextlib.nullcontext()):
        return _load_project(_project_root(root), paths, jobs, sitzungen, known)


def _load_project(root: Path, paths: Iterable[Path] | None, jobs: int | None,
                  sitzungen: Iterable[Path] | None, known: Known | None = None) -> Project:
    forget_anlage_folders()  # links may have changed since the last run of this process
    ref, problems = load_refdata(root)  # 1. reference data (data/)
    record_paths, sitzung_paths = _selection(root, paths, sitzungen)  # 2. selection
    selected = discover(root, record_paths)
    cache = _check_cache(root) if known is None else CheckCache(None, "")  # 3. check cache
    results = _check_records(selected, root, ref, jobs, cache, whole=record_paths is None)  # 4. per record
    records, warnings = _valid_records(selected, results, problems)
    betreffs, status, fragen, drafts = _check_across(root, ref, records, selected, record_paths, problems, cache,
                                                     known)
    loaded = _load_sitzungen(root, records, ref, sitzung_paths, problems)  # 6. Sitzungen
    project = Project(root, ref, records, loaded, betreffs, oeffentlich=status, fremde_fragen=fragen,
                      fremde_entwuerfe=drafts)
    project.warnings.extend(warnings)
    project.warnings.extend(checks.check_public_part(loaded, records))
    _check_niederschriften(project, problems)  # 7. Niederschriften
    if problems:
        raise ValidationFailed(problems, project.warnings)
    _derive_results(project)  # 8. derived results
    return project


def _project_root(root: Path) -> Path:
    root = root.absolute()
    if not (root / DATA_DIR).is_dir():
        raise UserError(f"{root}: kein vorlagengen-Projekt (Ordner „{DATA_DIR}/“ fehlt)")
    return root


def _check_cache(root: Path) -> CheckCache:
    """The verdicts of earlier runs, by file content (pruefcache.py)."""
    return CheckCache.open(root)


def _check_records(selected: list[Path], root: Path, ref: RefData, jobs: int | None, cache: CheckCache, *,
                   whole: bool) -> list[Checked]:
    """Every selected record checked on its own (through the cache); the cache keeps only the
    project's records after a run over all of them."""
    results = _check_all(selected, root, ref, jobs or os.cpu_count() or 1, cache)
    if whole:
        cache.keep_only(selected)
    cache.save()
    return results


def _valid_records(selected: list[Path], results: list[Checked], problems: list[Problem]
                   ) -> tuple[list[Record], list[Problem]]:
    """The records without problems; the problems and warnings of all."""
    records = [Record(p, d, v, digest=k[0], facts=k[2]) for p, (d, v, _, _, k) in zip(selected, results, strict=False)
               if v is not None]
    warnings = []
    for _, _, found, warned, _ in results:
        problems.extend(found)
        warnings.extend(warned)
    return records, warnings


def _check_across(root: Path, ref: RefData, records: list[Record], selected: list[Path],
                  record_paths: list[Path] | None, problems: list[Problem], cache: CheckCache,
                  known: Known | None = None
                  ) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], bool], dict[tuple[str, str], Fremde],
                             set[tuple[str, str]]]:
    """Checks between records; they see every record of the project, even when only some were
    selected. Returns each Drucksache's Betreff and whether it is public (Altbestand included), and
    the Fragen and drafts among the records not selected."""
    betreffs = {(alt.koerperschaft, nr): alt.betreff for nr, alt in ref.altbestand.items()}
    status = {(alt.koerperschaft, nr): alt.status == "öffentlich" for nr, alt in ref.altbestand.items()}
    fragen: dict[tuple[str, str], Fremde] = {}
    entwuerfe: set[tuple[str, str]] = set()
    if not record_paths:
        others = []
    elif known is not None:
        others = _known_numbers(known, {str(p) for p in selected}, betreffs, status, fragen, entwuerfe)
    else:
        others = _other_numbers(root, set(selected), betreffs, status, cache, fragen, entwuerfe)
    betreffs.update({(r.vorlage.koerperschaft, r.vorlage.nummer): r.vorlage.betreff for r in records})
    status.update({(r.vorlage.koerperschaft, r.vorlage.nummer): r.vorlage.oeffentlich for r in records})
    for r in records:  # a number given twice: the loaded record counts
        fragen.pop((r.vorlage.koerperschaft, r.vorlage.nummer), None)
        entwuerfe.discard((r.vorlage.koerperschaft, r.vorlage.nummer))
    problems.extend(checks.check_across(records, others, ref, fragen))
    return betreffs, status, fragen, entwuerfe


def _load_sitzungen(root: Path, records: list[Record], ref: RefData, sitzung_paths: list[Path] | None,
                    problems: list[Problem]) -> list[SitzungRecord]:
    loaded, found = load_sitzungen(root, records, ref, sitzung_paths)
    problems.extend(found)
    return loaded


def _check_niederschriften(project: Project, problems: list[Problem]) -> None:
    """The Niederschriften, once everything they refer to is valid."""
    if not problems:
        problems.extend(check_niederschriften(project, dt.date.today()))


def _derive_results(project: Project) -> None:
    """Each Drucksache's results from the Niederschriften: every Niederschrift of the project counts,
    also for a run that selected only some files."""
    others = quiet_sitzungen(project.root, project.ref, {s.path for s in project.sitzungen})
    project.ergebnisse = {**results_of(others, project.ref), **results_of(project.sitzungen, project.ref)}
    project.nichtoeffentlich_beraten = nichtoeffentliche_beratungen([*project.sitzungen, *others], project.ref)
    project.sitzungsnummern = {(s.sitzung.gremium, s.sitzung.datum): s.sitzung.nummer
                               for s in [*others, *project.sitzungen]}
    derive_results(project)
    derive_agenda(project, others)


def _selection(root: Path, paths: Iterable[Path] | None, sitzungen: Iterable[Path] | None
               ) -> tuple[list[Path] | None, list[Path] | None]:
    """Which record paths to load (None: all) and which Sitzung files (None: all, [] none)."""
    if sitzungen is not None:
        sitzungen = list(sitzungen)
        sitzung_paths = sorted({q.absolute() for p in sitzungen
                                for q in ([p] if p.is_file() else discover_sitzungen(root, p))})
        missing = [p for p in sitzungen if not p.exists()]
        if missing:
            raise UserError(f"{missing[0]}: Datei oder Ordner nicht gefunden")
        return (list(paths) or None) if paths else None, sitzung_paths
    data_dir = root / DATA_DIR
    given = [p.absolute() for p in paths or []]
    # data/ is no record: it is checked with every run, so "validate data/" checks the whole project
    chosen = [p for p in given if p != data_dir and data_dir not in p.parents]
    if not chosen:
        return None, None
    sitzung_dir = root / SITZUNG_DIR
    in_sitzungen = [p for p in chosen if p == sitzung_dir or sitzung_dir in p.parents]
    records = [p for p in chosen if p not in in_sitzungen]
    if not in_sitzungen:
        return records, []
    found = sorted({q for p in in_sitzungen for q in ([p] if p.is_file() else discover_sitzungen(root, p))})
    return records or None, found  # Sitzungen alone need every Drucksache


def _other_numbers(root: Path, selected: set[Path], betreffs: dict[tuple[str, str], str],
                   status: dict[tuple[str, str], bool], cache: CheckCache, fragen: dict[tuple[str, str], Fremde],
                   entwuerfe: set[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(koerperschaft, nummer, display) of the records that were not selected, read leniently (an
    unchanged one from the check cache, without parsing its YAML); their Betreff goes into
    ``betreffs``, whether they are public into ``status``, their Fragen (with the terms their
    public form blacks out) into ``fragen`` and those that are drafts into ``entwuerfe``."""
    out = []
    for path in discover(root):
        if path in selected:
            continue
        kept = _kept(path, cache) if cache.file is not None else None
        try:
            raw = json.loads(kept[0].raw_json) if kept else load_mapping(path, display_path(path))
        except (YamlProblem, ValueError):
            continue
        if not isinstance(raw, dict):
            continue
        if isinstance(raw.get("nummer"), str) and isinstance(raw.get("koerperschaft"), str):
            out.append((raw["koerperschaft"], raw["nummer"], display_path(path)))
            betreff = raw.get("betreff")
            entry = [raw["koerperschaft"], raw["nummer"], betreff if isinstance(betreff, str) else None,
                     raw.get("status") == "öffentlich", _texts(raw.get("fragen")), _texts(raw.get("schwaerzen")),
                     _ja(raw.get("entwurf", False))]
            _note(entry, betreffs, status, fragen, entwuerfe)
    return out


def _note(entry: list[Any], betreffs: dict[tuple[str, str], str], status: dict[tuple[str, str], bool],
          fragen: dict[tuple[str, str], Fremde], entwuerfe: set[tuple[str, str]]) -> None:
    """What the checks across records take of one record not loaded (a known_entry; its Betreff None
    when it has none that is text), into the project's maps."""
    body, nummer, betreff, public, texte, begriffe, entwurf = entry
    if betreff is not None:
        betreffs[(body, nummer)] = betreff
    status[(body, nummer)] = public
    if texte:
        fragen[(body, nummer)] = (tuple(texte), tuple(begriffe))
    if entwurf:
        entwuerfe.add((body, nummer))


def _texts(value: Any) -> tuple[str, ...]:
    """A list of texts as read leniently (anything else: none)."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        return ()
    return tuple(value)


@functools.cache
def _ja_nein() -> TypeAdapter[bool]:
    return TypeAdapter(JaNein)


def _ja(value: Any) -> bool:
    """A yes/no value as read leniently, as the model reads it (anything else: no)."""
    try:
        return _ja_nein().validate_python(value)
    except ValidationError:
        return False


def known_entry(record: Record) -> list[Any]:
    """What the checks across records take of a record not selected (see _other_numbers), kept by a
    run for the next: Körperschaft, Nr., Betreff, public or not, Fragen, Schwärzungsbegriffe, draft."""
    v = record.vorlage
    return [v.koerperschaft, v.nummer, v.betreff, v.oeffentlich, list(v.fragen), list(v.schwaerzen), v.entwurf]


def _known_numbers(known: Known, selected: set[str], betreffs: dict[tuple[str, str], str],
                   status: dict[tuple[str, str], bool], fragen: dict[tuple[str, str], Fremde],
                   entwuerfe: set[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """What _other_numbers reads from the files not selected, from what a run kept of them."""
    out = []
    for path in sorted(known, key=lambda p: p.split(os.sep)):  # as discover() orders them
        if path in selected:
            continue
        out.append((known[path][0], known[path][1], display_path(Path(path))))
        _note(known[path], betreffs, status, fragen, entwuerfe)
    return out
