"""Loading Sitzungen: read each file of ``sitzungen/``, number its TOPs, link each TOP to the
Drucksache it names, then check it (``checks.sitzung``)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pydantic import ValidationError

from .checks import check_beratungsfolge_against_sitzungen, check_sitzung
from .checks.niederschrift import Findings, check_niederschrift, results_by_top
from .errors import Problem
from .messages import field_path
from .model import Sitzung, Top
from .model_niederschrift import Niederschrift
from .modelerrors import model_problems
from .records import (SITZUNG_DIR, Loc, Project, Record, RefData, SitzungRecord, TopEntry, display_path,
                      is_niederschrift, niederschrift_path)
from .yamlio import YamlProblem, load_mapping, locate

_NUM_END = re.compile(r"(\d+)\s*$")


def number_tops(tops: list[Top], prefix: str, parent: str, loc: Loc, oeffentlich: bool,
                ebene: int = 1) -> list[TopEntry]:
    """Automatic numbers Ö 1, Ö 2 … (sub-TOPs Ö 12.1 …); a TOP's own number sets the count."""
    out = []
    counter = 0
    for i, top in enumerate(tops):
        if top.nummer:
            nummer = top.nummer
            m = _NUM_END.search(nummer)
            counter = int(m.group(1)) if m else counter + 1
        else:
            counter += 1
            nummer = f"{parent}.{counter}" if parent else f"{prefix} {counter}"
        entry = TopEntry(nummer, top.titel or "", oeffentlich, ebene, top.nachtrag or "", (*loc, i),
                         drucksache=top.drucksache or "")
        entry.unterpunkte = number_tops(top.unterpunkte, prefix, nummer, (*loc, i, "unterpunkte"), oeffentlich,
                                        ebene + 1)
        out.append(entry)
    return out


def link_tops(rec: SitzungRecord, records: list[Record], ref: RefData) -> None:
    """Give each TOP that names a Drucksache of the Gremium's body its record, and the record's
    Betreff as title where the TOP has none. Unknown numbers stay unlinked (the checks name them)."""
    gremium = ref.gremien.get(rec.sitzung.gremium)
    if gremium is None:
        return
    by_nr = {r.vorlage.nummer: r for r in records if r.vorlage.koerperschaft == gremium.koerperschaft}
    for entry in rec.all_tops():
        found = by_nr.get(entry.drucksache)
        if found is not None:
            entry.record = found
            entry.titel = entry.titel or found.vorlage.betreff


def discover_sitzungen(root: Path) -> list[Path]:
    folder = root / SITZUNG_DIR
    if not folder.is_dir():
        return []
    return sorted(p.absolute() for p in folder.rglob("*")
                  if p.suffix in (".yaml", ".yml") and p.is_file() and not is_niederschrift(p))


def sitzung_file(path: Path) -> Path:
    """The Sitzung a path stands for: a Niederschrift file stands for the Sitzung beside it."""
    if is_niederschrift(path):
        stem = path.stem.removesuffix(".niederschrift")
        return path.with_name(stem + path.suffix)
    return path


def read_niederschrift(rec: SitzungRecord) -> list[Problem]:
    """The Niederschrift beside the Sitzung file, if there is one (typed, not yet checked)."""
    path = niederschrift_path(rec.path)
    if not path.is_file():
        return []
    display = display_path(path)
    try:
        rec.niederschrift = Niederschrift.model_validate(load_mapping(path, display))
    except YamlProblem as exc:
        return [exc.problem]
    except ValidationError as exc:
        return model_problems(exc, path, display, Niederschrift)
    rec.niederschrift_path = path
    return []


def read_sitzung(path: Path) -> tuple[SitzungRecord | None, list[Problem]]:
    """One Sitzung file, typed and with numbered TOPs (not yet linked)."""
    display = display_path(path)
    try:
        sitzung = Sitzung.model_validate(load_mapping(path, display))
    except YamlProblem as exc:
        return None, [exc.problem]
    except ValidationError as exc:
        return None, model_problems(exc, path, display, Sitzung)
    rec = SitzungRecord(path, display, sitzung)
    niederschrift_problems = read_niederschrift(rec)
    rec.tops = (number_tops(sitzung.tagesordnung.oeffentlich, "Ö", "", ("tagesordnung", "oeffentlich"), True)
                + number_tops(sitzung.tagesordnung.nichtoeffentlich, "N", "",
                              ("tagesordnung", "nichtoeffentlich"), False))
    return rec, niederschrift_problems


def load_sitzungen(root: Path, records: list[Record], ref: RefData, paths: list[Path] | None = None
                   ) -> tuple[list[SitzungRecord], list[Problem]]:
    """Load every Sitzung (or the given files), number and link the TOPs, check them against the records."""
    problems: list[Problem] = []
    loaded: list[SitzungRecord] = []
    chosen = paths if paths is not None else discover_sitzungen(root)
    for path in sorted({sitzung_file(p) for p in chosen}):
        rec, found = read_sitzung(path)
        problems.extend(found)
        if rec is None:
            continue
        link_tops(rec, records, ref)
        problems.extend(Problem(rec.display, *locate(path, loc), field_path(loc), msg)
                        for loc, msg in check_sitzung(rec, records, ref))
        loaded.append(rec)
    problems.extend(check_beratungsfolge_against_sitzungen(loaded, records))
    return loaded, problems


def check_niederschriften(project: Project, today: dt.date) -> list[Problem]:
    """Check every loaded Niederschrift; record its results as the project's Beratungsfolge results and
    its warnings (overdue Beschlüsse) as the project's warnings. Returns the errors."""
    errors: list[Problem] = []
    for srec in project.sitzungen:
        if srec.niederschrift is None or srec.niederschrift_path is None:
            continue
        found: Findings = check_niederschrift(srec, project.ref, today)
        path, display = srec.niederschrift_path, display_path(srec.niederschrift_path)
        errors += [Problem(display, *locate(path, loc), field_path(loc), msg) for loc, msg in found.errors]
        project.warnings += [Problem(display, *locate(path, loc), field_path(loc), msg)
                             for loc, msg in found.warnings]
        errors += found.in_records
        body = project.ref.gremien[srec.sitzung.gremium].koerperschaft
        for nummer, result in results_by_top(srec).items():
            if result.ergebnis is not None:
                project.ergebnisse[(body, nummer, srec.sitzung.gremium, srec.sitzung.datum)] = result.ergebnis
    return errors
