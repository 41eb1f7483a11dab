"""Loading Sitzungen: read each file of ``sitzungen/``, number its TOPs by the Körperschaft's scheme
(``topnummern``), link each TOP to the Drucksachen it names, then check it (``checks.sitzung``)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from vorlagengen.checks import (
    check_beratungsfolge_against_sitzungen,
    check_schwaerzen_in_sitzung,
    check_sitzung,
)
from vorlagengen.checks.niederschrift import Findings, check_niederschrift
from vorlagengen.checks.text import text_problems
from vorlagengen.errors import Problem
from vorlagengen.load.modelerrors import model_problems
from vorlagengen.load.yamlio import YamlProblem, load_mapping_text, locate
from vorlagengen.messages import field_path
from vorlagengen.model.drucksache import Sitzung, Tagesordnung, Top
from vorlagengen.model.niederschrift import Niederschrift
from vorlagengen.model.records import (
    SITZUNG_DIR,
    Loc,
    Project,
    Record,
    RefData,
    SitzungRecord,
    TopEntry,
    display_path,
    is_niederschrift,
    niederschrift_path,
)
from vorlagengen.nummern.top import Nummer, Profil, Punkt, nummeriere


def profil_of(sitzung: Sitzung, ref: RefData) -> Profil:
    """The numbering scheme of the Sitzung's Körperschaft (the default when it is unknown)."""
    gremium = ref.gremien.get(sitzung.gremium)
    body = ref.koerperschaften.get(gremium.koerperschaft) if gremium is not None else None
    return body.tagesordnung if body is not None else Profil.model_validate({})


def _punkte(tops: list[Top]) -> list[Punkt]:
    return [Punkt(t.nummer, t.nachtrag is not None, _punkte(t.unterpunkte)) for t in tops]


def _entries(tops: list[Top], nummern: list[Nummer], loc: Loc, oeffentlich: bool, ebene: int = 1,
             danach: bool = False) -> list[TopEntry]:
    out = []
    for i, (top, nr) in enumerate(zip(tops, nummern, strict=True)):
        entry = TopEntry(nr.text, top.titel or "", oeffentlich, ebene, top.nachtrag or "", (*loc, i),
                         drucksache=top.drucksache or "", dazu_nummern=list(top.dazu), hinweis=top.hinweis or "",
                         abgesetzt=top.abgesetzt, quelle=top.quelle, danach=danach)
        entry.unterpunkte = _entries(top.unterpunkte, nr.unterpunkte, (*loc, i, "unterpunkte"), oeffentlich,
                                     ebene + 1, danach)
        out.append(entry)
    return out


def number_tops(sitzung: Sitzung, profil: Profil) -> tuple[list[TopEntry], list[tuple[Loc, str]]]:
    """Number all parts by the scheme; the problems of own numbers (duplicates, order) with their places."""
    to = sitzung.tagesordnung
    oe, noe, probleme = nummeriere(_punkte(to.oeffentlich), _punkte(to.nichtoeffentlich), profil,
                                   _punkte(to.oeffentlich_danach))
    vorne = len(to.oeffentlich)
    tops = (_entries(to.oeffentlich, oe[:vorne], ("tagesordnung", "oeffentlich"), True)
            + _entries(to.nichtoeffentlich, noe, ("tagesordnung", "nichtoeffentlich"), False)
            + _entries(to.oeffentlich_danach, oe[vorne:], ("tagesordnung", "oeffentlich_danach"), True, danach=True))
    if sitzung.quelle is not None:
        return tops, []  # an imported agenda is history: its numbers stay as the source wrote them
    return tops, [(("tagesordnung", *pfad), text) for pfad, text in probleme]


def versandt(sitzung: Sitzung, today: dt.date) -> bool:
    """Whether the Einladung has gone out: marked so, or its date is reached."""
    return sitzung.einladung_versandt or (sitzung.einladungsdatum is not None and sitzung.einladungsdatum <= today)


def _ohne_nachtraege(tops: list[Top]) -> list[Top]:
    return [t.model_copy(update={"unterpunkte": _ohne_nachtraege(t.unterpunkte)}) for t in tops if t.nachtrag is None]


def _paare(full: list[TopEntry], sent: list[TopEntry]) -> list[tuple[TopEntry, TopEntry]]:
    out = []
    for f, s in zip([e for e in full if not e.nachtrag], sent, strict=True):
        out += [(f, s), *_paare(f.unterpunkte, s.unterpunkte)]
    return out


def renumbered(sitzung: Sitzung, tops: list[TopEntry], profil: Profil) -> list[tuple[Loc, str]]:
    """The first TOP of the Einladung as sent whose number the items added since (Nachtrag, Tischvorlage,
    in der Sitzung) change: what was sent stays as sent."""
    to = sitzung.tagesordnung
    einladung = Tagesordnung(oeffentlich=_ohne_nachtraege(to.oeffentlich),
                             nichtoeffentlich=_ohne_nachtraege(to.nichtoeffentlich),
                             oeffentlich_danach=_ohne_nachtraege(to.oeffentlich_danach))
    sent, _ = number_tops(sitzung.model_copy(update={"tagesordnung": einladung}), profil)
    for now, then in _paare(tops, sent):
        if now.nummer != then.nummer:
            datum = sitzung.einladungsdatum.strftime("%d.%m.%Y") if sitzung.einladungsdatum else ""
            return [((*now.loc, "nummer"), f"TOP „{then.nummer}“ der versandten Einladung vom {datum} bekäme die "
                     f"Nummer „{now.nummer}“: Nachträge dürfen die Nummern der Einladung nicht verschieben "
                     "(dem nachgetragenen Punkt eine eigene Nummer geben, z. B. „3a“, ihn ans Ende seines Teils "
                     "setzen oder in data/koerperschaften.yaml „nachtraege: buchstabe“ wählen)")]
    return []


def link_tops(rec: SitzungRecord, records: list[Record], ref: RefData,
              index: dict[str, dict[str, Record]] | None = None) -> None:
    """Give each TOP the records of the Drucksachen it names (of the Gremium's body), and the first
    one's Betreff as title where the TOP has none. Unknown numbers stay unlinked (the checks name them).
    ``index`` (body → Nr. → record, from :func:`by_body`) saves a pass over all records per Sitzung."""
    gremium = ref.gremien.get(rec.sitzung.gremium)
    if gremium is None:
        return
    by_nr = (index if index is not None else by_body(records)).get(gremium.koerperschaft, {})
    for entry in rec.all_tops():
        found = by_nr.get(entry.drucksache)
        if found is not None:
            entry.record = found
            entry.titel = entry.titel or found.vorlage.betreff
        entry.dazu = [by_nr[nr] for nr in entry.dazu_nummern if nr in by_nr]


def by_body(records: list[Record]) -> dict[str, dict[str, Record]]:
    index: dict[str, dict[str, Record]] = {}
    for r in records:
        index.setdefault(r.vorlage.koerperschaft, {})[r.vorlage.nummer] = r
    return index


def discover_sitzungen(root: Path, folder: Path | None = None) -> list[Path]:
    """The Sitzung files below ``folder`` (default: the project's sitzungen/)."""
    folder = folder or root / SITZUNG_DIR
    if not folder.is_dir():
        return []
    # not only regular files: a FIFO, device or folder named *.yaml is refused when read, not skipped
    return sorted(p.absolute() for p in folder.rglob("*")
                  if p.suffix in (".yaml", ".yml") and not is_niederschrift(p))


def sitzung_file(path: Path) -> Path:
    """The Sitzung a path stands for: a Niederschrift file stands for the Sitzung beside it."""
    if is_niederschrift(path):
        stem = path.stem.removesuffix(".niederschrift")
        return path.with_name(stem + path.suffix)
    return path


def read_niederschrift(rec: SitzungRecord) -> list[Problem]:
    """The Niederschrift beside the Sitzung file, if there is one (typed, not yet checked)."""
    path = niederschrift_path(rec.path)
    if not os.path.lexists(path):
        return []  # a FIFO, folder or dangling link of that name is refused when read, not skipped
    display = display_path(path)
    try:
        raw, text = load_mapping_text(path, display)
        rec.niederschrift = Niederschrift.model_validate(raw)
    except YamlProblem as exc:
        return [exc.problem]
    except ValidationError as exc:
        return model_problems(exc, path, display, Niederschrift)
    rec.niederschrift_path = path
    return text_problems(raw, rec.niederschrift, path, display, text)


def read_sitzung(path: Path, ref: RefData, today: dt.date | None = None
                 ) -> tuple[SitzungRecord | None, list[Problem]]:
    """One Sitzung file, typed and with numbered TOPs (not yet linked). Once its Einladung has gone out
    (by ``today``, default: today), items added since must not renumber it."""
    display = display_path(path)
    try:
        raw, text = load_mapping_text(path, display)
        sitzung = Sitzung.model_validate(raw)
    except YamlProblem as exc:
        return None, [exc.problem]
    except ValidationError as exc:
        return None, model_problems(exc, path, display, Sitzung)
    profil = profil_of(sitzung, ref)
    rec = SitzungRecord(path, display, sitzung, praefix=profil.praefix)
    niederschrift_problems = read_niederschrift(rec)
    rec.tops, found = number_tops(sitzung, profil)
    mark_moved(rec)
    if sitzung.quelle is not None:
        found = []  # imported: its numbers are the source's, in the source's order
    elif not found and versandt(sitzung, today or dt.date.today()):
        found = renumbered(sitzung, rec.tops, profil)
    return rec, text_problems(raw, sitzung, path, display, text) + niederschrift_problems + [
        Problem(display, *locate(path, loc), field_path(loc), msg) for loc, msg in found]


def mark_moved(rec: SitzungRecord) -> None:
    """Each TOP (with its sub-items) the Niederschrift says was moved to the other part in the session."""
    if rec.niederschrift is None:
        return
    moved = {t.top: t.verlegt for t in rec.niederschrift.tops if t.verlegt}

    def walk(entries: list[TopEntry], inherited: str) -> None:
        for e in entries:
            e.verlegt = moved.get(e.nummer, inherited)
            walk(e.unterpunkte, e.verlegt)

    walk(rec.tops, "")


def load_sitzungen(root: Path, records: list[Record], ref: RefData, paths: list[Path] | None = None
                   ) -> tuple[list[SitzungRecord], list[Problem]]:
    """Load every Sitzung (or the given files), number and link the TOPs, check them against the records."""
    problems: list[Problem] = []
    loaded: list[SitzungRecord] = []
    index = by_body(records)
    chosen = paths if paths is not None else discover_sitzungen(root)
    for path in sorted({sitzung_file(p) for p in chosen}):
        rec, found = read_sitzung(path, ref)
        problems.extend(found)
        if rec is None:
            continue
        link_tops(rec, records, ref, index)
        problems.extend(Problem(rec.display, *locate(path, loc), field_path(loc), msg)
                        for loc, msg in check_sitzung(rec, records, ref))
        problems.extend(check_schwaerzen_in_sitzung(rec))
        loaded.append(rec)
    problems.extend(check_beratungsfolge_against_sitzungen(loaded, records))
    return loaded, problems


def check_niederschriften(project: Project, today: dt.date) -> list[Problem]:
    """Check every loaded Niederschrift; its warnings (overdue Beschlüsse) become the project's
    warnings. Returns the errors."""
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
    return errors


def results_of(sitzungen: list[SitzungRecord], ref: RefData) -> dict[tuple[str, str, str, dt.date], str]:
    """(body, Drucksachen-Nr., Gremium, Sitzungsdatum) → the result its Niederschrift records."""
    out: dict[tuple[str, str, str, dt.date], str] = {}
    for srec in sitzungen:
        gremium = ref.gremien.get(srec.sitzung.gremium)
        if srec.niederschrift is None or gremium is None:
            continue
        by_top = {t.top: t for t in srec.niederschrift.tops}
        for entry in srec.all_tops():
            result = by_top.get(entry.nummer)
            if entry.drucksache and result is not None and result.ergebnis is not None:
                key = (gremium.koerperschaft, entry.drucksache, srec.sitzung.gremium, srec.sitzung.datum)
                out[key] = result.ergebnis
    return out


def quiet_sitzungen(root: Path, ref: RefData, skip: set[Path]) -> list[SitzungRecord]:
    """Every readable Sitzung (with its Niederschrift) not in ``skip`` (those already loaded), for a run
    that did not select all Sitzungen: a build of single Drucksachen must show what a build of all
    shows, and hide what it hides. Faults are validate's to report."""
    loaded = []
    for path in discover_sitzungen(root):
        if path not in skip:
            rec, problems = read_sitzung(path, ref)
            if rec is not None and not problems:
                loaded.append(rec)
    return loaded


def nichtoeffentliche_beratungen(sitzungen: list[SitzungRecord], ref: RefData
                                 ) -> set[tuple[str, str, str, dt.date]]:
    """(body, Nr., Gremium, Sitzungsdatum) of each Drucksache on a TOP discussed in non-public session:
    one of the non-public part, unless the session moved it into the public part, or a public one the
    session moved into the non-public part (its Niederschrift's ``verlegt``)."""
    out: set[tuple[str, str, str, dt.date]] = set()
    for srec in sitzungen:
        gremium = ref.gremien.get(srec.sitzung.gremium)
        if gremium is None:
            continue
        n = srec.niederschrift
        moved = {t.top: t.verlegt for t in n.tops if t.verlegt} if n is not None else {}
        for e in srec.all_tops():
            verlegt = moved.get(e.nummer, e.verlegt)
            if (verlegt == "oeffentlich") if verlegt else e.oeffentlich:
                continue
            out.update((gremium.koerperschaft, nr, srec.sitzung.gremium, srec.sitzung.datum)
                       for nr in (e.drucksache, *e.dazu_nummern) if nr)
    return out


def derive_results(project: Project) -> None:
    """Give each Beratungsfolge step of a Sitzung with a Niederschrift the result recorded there (the
    one source of truth), so every document, page and export shows the same result."""
    for rec in project.records:
        v = rec.vorlage
        steps = []
        for step in v.beratungsfolge:
            decided = (project.ergebnisse.get((v.koerperschaft, v.nummer, step.gremium, step.datum))
                       if step.datum is not None else None)
            if decided is not None and step.ergebnis is None:
                step = step.model_copy(update={"ergebnis": decided, "erledigt": True})
            steps.append(step)
        if steps != list(v.beratungsfolge):
            rec.vorlage = v.model_copy(update={"beratungsfolge": steps})


def derive_agenda(project: Project, others: Iterable[SitzungRecord] = ()) -> None:
    """Give each Beratungsfolge step of a Sitzung the Sitzung's Bezeichnung and the TOP it has on that
    agenda, where the Drucksache does not state them (the agenda is the one source). A public step
    takes its TOP only from the public part (a number of the non-public part says too much).
    ``others`` are the Sitzungen a run did not select (:func:`quiet_sitzungen`): a build of single
    Drucksachen shows what a build of all shows."""
    where: dict[tuple[str, str, str, dt.date], tuple[TopEntry, Sitzung]] = {}
    for srec in [*project.sitzungen, *others]:
        gremium = project.ref.gremien.get(srec.sitzung.gremium)
        if gremium is None:
            continue
        for entry in srec.all_tops():  # by the numbers the agenda names (linked or not, as link_tops does)
            for nr in (entry.drucksache, *entry.dazu_nummern):
                if nr:
                    key = (gremium.koerperschaft, nr, srec.sitzung.gremium, srec.sitzung.datum)
                    where.setdefault(key, (entry, srec.sitzung))
    for rec in project.records:
        v = rec.vorlage
        steps = []
        for step in v.beratungsfolge:
            found = where.get((v.koerperschaft, v.nummer, step.gremium, step.datum)) if step.datum else None
            if found is not None:
                entry, sitzung = found
                update: dict[str, object] = {}
                if step.top is None and (entry.oeffentlich_beraten or not step.oeffentlich):
                    update["top"] = entry.nummer
                if entry.verlegt == "nichtoeffentlich" and step.oeffentlich:
                    update["oeffentlich"] = False  # moved in the session: its result is not published
                if entry.verlegt == "oeffentlich" and not step.oeffentlich:
                    update["oeffentlich"] = True  # moved into the public part: discussed in public
                if step.sitzung is None and sitzung.bezeichnung:
                    update["sitzung"] = sitzung.bezeichnung
                step = step.model_copy(update=update) if update else step
            steps.append(step)
        if steps != list(v.beratungsfolge):
            rec.vorlage = v.model_copy(update={"beratungsfolge": steps})
