"""Load and validate a project: the reference data in ``data/`` and the records in ``vorlagen/``.

One pass, all problems: every file is read and checked, every problem is collected with its
place, and only then does :func:`load_project` either return the typed project or raise
:class:`ValidationFailed` with all of them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from . import checks
from .errors import Problem, UserError, ValidationFailed
from .messages import closest, field_path, translate
from .model import REFERENCE_FILES, Altdrucksache, Amt, Gremium, Koerperschaft, Person, Vorlage
from .yamlio import YamlProblem, load_mapping, locate

RECORD_DIR = "vorlagen"
DATA_DIR = "data"
PARALLEL_THRESHOLD = 400  # below this many records a process pool costs more than it saves


@dataclass
class RefData:
    koerperschaften: dict[str, Koerperschaft] = field(default_factory=dict)
    gremien: dict[str, Gremium] = field(default_factory=dict)
    aemter: dict[str, Amt] = field(default_factory=dict)
    personen: dict[str, Person] = field(default_factory=dict)
    altbestand: dict[str, Altdrucksache] = field(default_factory=dict)
    # Files of data/ that could not be read, and ids whose entry is invalid. Both are reported
    # where they are defined; records that refer to them get no second, misleading "unknown id".
    unreadable: set[str] = field(default_factory=set)
    invalid: dict[str, set[str]] = field(default_factory=dict)

    def unsure(self, kind: str, ident: str) -> bool:
        """Whether ``ident`` of ``kind`` may exist but could not be loaded."""
        return kind in self.unreadable or ident in self.invalid.get(kind, ())


@dataclass
class Record:
    path: Path
    display: str
    vorlage: Vorlage


@dataclass
class Project:
    root: Path
    ref: RefData
    records: list[Record]
    sitzungen: list[Any] = field(default_factory=list)  # sitzung.SitzungRecord
    betreffs: dict[tuple[str, str], str] = field(default_factory=dict)  # (body, Nr.) → Betreff, all known
    warnings: list[Problem] = field(default_factory=list)  # findings that do not stop a build

    def betreff_of(self, koerperschaft: str, nummer: str) -> str:
        return self.betreffs.get((koerperschaft, nummer), "")

    def by_nummer(self, koerperschaft: str, nummer: str) -> Record | None:
        for rec in self.records:
            if rec.vorlage.koerperschaft == koerperschaft and rec.vorlage.nummer == nummer:
                return rec
        return None


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def model_problems(exc: ValidationError, path: Path, display: str, model: type[BaseModel],
                   prefix: tuple[Any, ...] = ()) -> list[Problem]:
    """Turn pydantic's errors into located German problems."""
    problems = []
    for err in _without_misspelt_missing(exc, model):
        loc = tuple(prefix) + tuple(err["loc"])
        line, col = locate(path, loc)
        allowed = _allowed_keys(model, err["loc"][len(prefix) :] if prefix else err["loc"])
        message = translate(err, allowed)
        if model is Vorlage and tuple(err["loc"]) == ("art",) and err["type"] == "literal_error":
            message += (". Nennt die Körperschaft eine Art anders (z. B. „Vorlage zur Beschlussfassung“), "
                        "bleibt hier die Art und das Wort steht in data/koerperschaften.yaml unter art_bezeichnung")
        problems.append(Problem(display, line, col, field_path(loc, err["type"] == "invalid_key"), message))
    return problems


def _without_misspelt_missing(exc: ValidationError, model: type[BaseModel]) -> list[Any]:
    """pydantic's errors, except "x missing" where an unknown key next to it is a misspelt x.

    A misspelt required key gives two errors, "unknown key betref" and "betreff missing"; only the
    first is kept, as it names the place and the fix ("meinten Sie „betreff“?").
    """
    errors = exc.errors(include_url=False)
    misspelt = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            meant = closest(str(err["loc"][-1]), _allowed_keys(model, err["loc"]))
            if meant is not None:
                misspelt.add((*err["loc"][:-1], meant))
    return [err for err in errors if not (err["type"] == "missing" and tuple(err["loc"]) in misspelt)]


def _allowed_keys(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """Field names of the (sub)model that holds the last element of ``loc``."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or part == "[key]":
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            # a dict of models (reference data): the part is an id, stay on the same model
            continue
        current = _inner_model(fields[part].annotation)
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _inner_model(annotation: Any) -> Any:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


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
        adapter = TypeAdapter(dict[str, model])  # type: ignore[valid-type]
        try:
            setattr(ref, name, adapter.validate_python(raw))
        except ValidationError as exc:
            problems.extend(_ref_problems(exc, path, display, model))
            valid = {}
            for key, value in raw.items():
                try:
                    valid[key] = model.model_validate(value)
                except ValidationError:
                    pass
            setattr(ref, name, valid)
            ref.invalid[name] = {str(key) for key in raw if key not in valid}
    problems.extend(checks.check_refdata(ref, root))
    return ref, problems


def _ref_problems(exc: ValidationError, path: Path, display: str, model: type[BaseModel]) -> list[Problem]:
    problems = []
    for err in _without_misspelt_missing(exc, model):
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
    found: list[Path] = []
    for target in targets:
        if target.is_dir():
            found.extend(p for p in target.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        elif target.exists():
            found.append(target)
        else:
            raise UserError(f"{display_path(target)}: Datei oder Ordner nicht gefunden")
    return sorted({p.absolute() for p in found})


def _check_one(path: Path, root: Path, ref: RefData) -> tuple[str, Vorlage | None, list[Problem]]:
    display = display_path(path)
    try:
        raw = load_mapping(path, display)
    except YamlProblem as exc:
        return display, None, [exc.problem]
    raw, lifted = checks.lift_typed_placeholders(raw)
    lifted_problems = [Problem(display, *locate(path, loc), field_path(loc), msg) for loc, msg in lifted]
    try:
        vorlage = Vorlage.model_validate(raw)
    except ValidationError as exc:
        return display, None, lifted_problems + model_problems(exc, path, display, Vorlage)
    found = lifted + checks.check_record(vorlage, path, root, ref)
    problems = [Problem(display, *locate(path, loc), field_path(loc), msg) for loc, msg in found]
    return display, vorlage, problems


_WORKER: dict[str, Any] = {}


def _worker_init(root: Path, ref: RefData) -> None:
    _WORKER["root"] = root
    _WORKER["ref"] = ref


def _worker_check(paths: list[Path]) -> list[tuple[str, Vorlage | None, list[Problem]]]:
    return [_check_one(p, _WORKER["root"], _WORKER["ref"]) for p in paths]


def _pool_context() -> Any:
    """fork where it is safe and cheap (Linux, no other threads): workers start at once, with
    everything imported and the reference data in memory; else the platform's default."""
    import multiprocessing
    import sys
    import threading

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return None


def _check_all(paths: list[Path], root: Path, ref: RefData, jobs: int) -> list[tuple[str, Vorlage | None, list[Problem]]]:
    if jobs <= 1 or len(paths) < PARALLEL_THRESHOLD:
        return [_check_one(p, root, ref) for p in paths]
    # Small chunks let the results stream back while the workers still read; the pool gets one
    # worker per core, and this process unpickles the results in between.
    size = max(50, len(paths) // (jobs * 8))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    with ProcessPoolExecutor(jobs, mp_context=_pool_context(), initializer=_worker_init,
                             initargs=(root, ref)) as pool:
        return [item for chunk in pool.map(_worker_check, chunks) for item in chunk]


def load_project(root: Path, paths: Iterable[Path] | None = None, jobs: int | None = None,
                 sitzungen: Iterable[Path] | None = None) -> Project:
    """Load reference data, records and Sitzungen, check everything, raise ValidationFailed on any
    problem.

    ``paths`` selects Drucksachen and/or Sitzungen (files or folders; files below sitzungen/ are
    Sitzungen). ``sitzungen`` names Sitzung files wherever they are. Sitzungen are checked against
    all Drucksachen of the project; selecting only Drucksachen skips the Sitzungen.
    """
    from .sitzung import SITZUNG_DIR, discover_sitzungen, load_sitzungen

    root = root.absolute()
    if not (root / DATA_DIR).is_dir():
        raise UserError(f"{root}: kein vorlagengen-Projekt (Ordner „{DATA_DIR}/“ fehlt)")
    ref, problems = load_refdata(root)
    sitzung_dir = root / SITZUNG_DIR
    sitzung_paths: list[Path] | None = None
    if sitzungen is not None:
        sitzung_paths = sorted({q.absolute() for p in sitzungen
                                for q in ([p] if p.is_file() else discover_sitzungen(root))})
        missing = [p for p in sitzungen if not p.exists()]
        if missing:
            raise UserError(f"{missing[0]}: Datei oder Ordner nicht gefunden")
    elif paths:
        paths = [p.absolute() for p in paths]
        in_sitzungen = [p for p in paths if p == sitzung_dir or sitzung_dir in p.parents]
        paths = [p for p in paths if p not in in_sitzungen]
        if in_sitzungen:
            sitzung_paths = sorted({q for p in in_sitzungen
                                    for q in ([p] if p.is_file() else discover_sitzungen(root))})
            if not paths:
                paths = None  # Sitzungen need every Drucksache
        else:
            sitzung_paths = []
    selected = discover(root, paths)
    jobs = jobs or os.cpu_count() or 1
    results = _check_all(selected, root, ref, jobs)

    records = [Record(p, d, v) for p, (d, v, _) in zip(selected, results) if v is not None]
    for _, _, found in results:
        problems.extend(found)

    # Cross-record checks see every record of the project, even when only some were selected.
    betreffs: dict[tuple[str, str], str] = {(n_alt.koerperschaft, nr): n_alt.betreff
                                            for nr, n_alt in ref.altbestand.items()}
    others = _other_numbers(root, set(selected), betreffs) if paths else []
    betreffs.update({(r.vorlage.koerperschaft, r.vorlage.nummer): r.vorlage.betreff for r in records})
    problems.extend(checks.check_across(records, others, ref))
    sitzungen, found = load_sitzungen(root, records, ref, sitzung_paths)
    problems.extend(found)
    if problems:
        raise ValidationFailed(problems)
    warnings = [Problem(r.display, *locate(r.path, loc), field_path(loc), msg)
                for r in records for loc, msg in checks.record_warnings(r.vorlage)]
    return Project(root, ref, records, sitzungen, betreffs, sorted(warnings))


def _other_numbers(root: Path, selected: set[Path], betreffs: dict[tuple[str, str], str] | None = None
                   ) -> list[tuple[str, str, str]]:
    """(koerperschaft, nummer, display) of the records that were not selected, read leniently;
    their Betreff goes into ``betreffs`` when given."""
    out = []
    for path in discover(root):
        if path in selected:
            continue
        try:
            raw = load_mapping(path, display_path(path))
        except YamlProblem:
            continue
        if isinstance(raw.get("nummer"), str) and isinstance(raw.get("koerperschaft"), str):
            out.append((raw["koerperschaft"], raw["nummer"], display_path(path)))
            if betreffs is not None and isinstance(raw.get("betreff"), str):
                betreffs[(raw["koerperschaft"], raw["nummer"])] = raw["betreff"]
    return out
