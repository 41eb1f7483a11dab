"""The ``vorlagengen`` command line: thin commands that parse options, call the library, print."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

import vorlagengen.documents.trees as trees
from vorlagengen import __version__, clickde
from vorlagengen.errors import Problem, UserError, ValidationFailed, resource_error

clickde.install()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
FORMATS = ("docx", "pdf")  # documents.recipe.FORMATS, named here: a build that ends at its stamp loads no recipe


class _Group(click.Group):
    """Catches every user error and prints it in German, without a traceback, exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationFailed as exc:
            from vorlagengen.reports import redact

            for problem in redact(exc.problems):
                click.echo(str(problem), err=True)
            n = len(exc.problems)
            click.echo(f"{n} Fehler gefunden, nichts geschrieben." if n != 1
                       else "1 Fehler gefunden, nichts geschrieben.", err=True)
            ctx.exit(1)
        except UserError as exc:
            from vorlagengen.reports import redact_text

            shown = str(exc) if isinstance(ctx.obj, Settings) and ctx.obj.intern else redact_text(str(exc))
            click.echo(f"Fehler: {shown}", err=True)
            ctx.exit(1)
        except OSError as exc:  # the machine refused (disk full, read-only, permission): no traceback
            click.echo(f"Fehler: {resource_error(exc, 'Zugriff')}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("\nAbgebrochen; was fertig war, ist gespeichert.", err=True)
            ctx.exit(130)


@click.group(cls=_Group, context_settings=CONTEXT, options_metavar="[OPTIONEN]",
             subcommand_metavar="BEFEHL [ARGUMENTE]...")
@click.version_option(__version__, "--version", message="vorlagengen %(version)s")
@click.option("--projekt", "-C", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Projektordner mit data/, vorlagen/ und templates/.")
@click.option("--quiet", "-q", is_flag=True, help="Nur Fehler ausgeben (für CI).")
@click.option("--intern", is_flag=True,
              help="Fehler zu nichtöffentlichen Drucksachen mit allen Einzelheiten zeigen "
                   "(nicht für öffentliche CI-Logs).")
@click.pass_context
def cli(ctx: click.Context, projekt: Path, quiet: bool, intern: bool) -> None:
    """Drucksachen als YAML-Datensätze prüfen, anlegen und setzen.

    Jede Drucksache ist eine YAML-Datei unter vorlagen/; Körperschaften, Gremien, Ämter und
    Personen stehen in data/.
    """
    ctx.obj = Settings(projekt, quiet, intern)


@dataclass(frozen=True)
class Settings:
    """The options every command shares (``vorlagengen -C PROJEKT -q --intern BEFEHL``)."""

    root: Path
    quiet: bool = False
    intern: bool = False


def _settings(ctx: click.Context) -> Settings:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings(Path("."))


def _out(root: Path, ausgabe: Path) -> Path:
    return ausgabe if ausgabe.is_absolute() else root / ausgabe


def _waiting(out: Path) -> Callable[[], None]:
    return lambda: click.echo(f"Warte auf einen anderen Lauf in {out} …", err=True)


def _say(ctx: click.Context, text: str) -> None:
    if not _settings(ctx).quiet:
        click.echo(text)


@cli.command(options_metavar="[OPTIONEN]")
@click.argument("pfade", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "als_json", is_flag=True, help="Ergebnis als JSON auf die Standardausgabe (für Programme).")
@click.option("--codequality", type=click.Path(dir_okay=False, path_type=Path), metavar="DATEI",
              help="Fehler zusätzlich als GitLab-Code-Quality-Bericht schreiben (Anzeige im Merge Request).")
@click.option("--intern", is_flag=True,
              help="Meldungen zu nichtöffentlichen Drucksachen mit allen Werten (nicht für öffentliche CI-Protokolle).")
@click.pass_context
def validate(ctx: click.Context, pfade: tuple[Path, ...], als_json: bool, codequality: Path | None,
             intern: bool) -> None:
    """Drucksachen prüfen (ohne PFADE: alle unter vorlagen/ und sitzungen/).

    Meldet jeden Fehler als „datei:zeile:spalte: feld: Meldung“ und endet mit Status 1,
    wenn es Fehler gibt. Bei nichtöffentlichen Drucksachen nennt die Meldung keine Werte
    („…“), außer mit --intern.
    """
    from vorlagengen.runstamps import validate_options, validate_stamp

    root: Path = _settings(ctx).root
    stamp = validate_stamp(root, pfade, validate_options(als_json, codequality, intern, _settings(ctx).intern))
    kept = stamp.unchanged() if stamp is not None else None
    if kept is None:  # something changed since the last run without errors (or there was none)
        if stamp is not None:
            stamp.sources()  # before loading: a change while this run loads is seen by the next
        kept = _validate(root, pfade, als_json, codequality, intern, stamp)
    elif codequality is not None:
        from vorlagengen.documents.writing import write_atomic

        write_atomic(codequality, str(kept.get("codequality", "")).encode("utf-8"))
    for kind, line in kept.get("lines") or []:
        if kind != "say" or not _settings(ctx).quiet:
            click.echo(line, err=kind == "err")
    if kept.get("exit"):
        ctx.exit(1)


def _validate(root: Path, pfade: tuple[Path, ...], als_json: bool, codequality: Path | None, intern: bool,
              stamp: Any) -> dict[str, Any]:
    """Load and check; the lines to print (``out``, ``err``, or ``say``: stdout unless quiet) and the exit
    status. A run without errors is kept in its stamp."""
    from vorlagengen.load.project import discover, load_project
    from vorlagengen.model.records import Project
    from vorlagengen.reports import codequality_report, json_report, redact
    from vorlagengen.runstamps import files_read

    problems: list[Problem] = []
    warnings: list[Problem] = []
    counts = {"drucksachen": 0, "sitzungen": 0}
    project: Project | None = None
    try:
        project = load_project(root, pfade or None)
        counts = {"drucksachen": len(project.records), "sitzungen": len(project.sitzungen)}
        warnings = project.warnings
    except ValidationFailed as exc:
        problems, warnings = exc.problems, exc.warnings
        counts["drucksachen"] = len(discover(root.absolute(), [p for p in pfade if "sitzungen" not in p.parts] or None))
    if not intern:  # values of non-public Drucksachen stay out of logs, which CI often publishes
        problems, warnings = redact(problems), redact(warnings)
    report = ""
    if codequality is not None:
        from vorlagengen.documents.writing import write_atomic

        report = codequality_report(problems)
        write_atomic(codequality, report.encode("utf-8"))
    lines: list[tuple[str, str]] = []
    if not als_json:
        lines += [("err", f"{w.path}:{w.line}:{w.col}: {w.field}: Warnung: {w.message}") for w in warnings]
    if als_json:
        lines.append(("out", json_report(counts, problems)))
    elif problems:
        files = {p.path for p in problems}
        lines += [("err", str(problem)) for problem in problems]
        lines.append(("err", f"{counts['drucksachen']} Drucksachen geprüft, {len(problems)} Fehler in {len(files)} "
                             f"{'Datei' if len(files) == 1 else 'Dateien'}"))
    else:
        sitzungen = f", {counts['sitzungen']} Sitzungen" if counts["sitzungen"] else ""
        lines.append(("say", f"{counts['drucksachen']} Drucksachen{sitzungen} geprüft, 0 Fehler"))
    kept = {"lines": lines, "exit": 1 if problems else 0, "codequality": report}
    if stamp is not None and project is not None and not problems:
        stamp.save(files_read(project), kept)
    return kept


@cli.command(options_metavar="[OPTIONEN]")
@click.argument("art")
@click.option("--koerperschaft", "-k", required=True, metavar="KENNUNG",
              help="Kennung der Körperschaft aus data/koerperschaften.yaml.")
@click.option("--bezug", metavar="NR",
              help="Drucksachen-Nr., auf die sich die neue bezieht (ergibt Nr. mit -01, -02 …).")
@click.option("--datum", type=click.DateTime(["%Y-%m-%d", "%d.%m.%Y"]), metavar="DATUM", help="Datum (Vorgabe: heute).")
@click.option("--amt", metavar="KENNUNG", help="Stelle aus data/aemter.yaml, deren Kürzel die Nummer nennt ({amt}).")
@click.option("--ausgabe", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Zieldatei (Vorgabe: vorlagen/<körperschaft>/<nr>.yaml).")
@click.pass_context
def new(ctx: click.Context, art: str, koerperschaft: str, bezug: str | None, datum: dt.datetime | None,
        amt: str | None, ausgabe: Path | None) -> None:
    """Neue Drucksache der Art ART anlegen, mit der nächsten freien Nummer.

    ART ist z. B. Beschlussvorlage, Mitteilungsvorlage, Antrag, Anfrage, Stellungnahme.
    """
    from vorlagengen.skeleton import new_record

    target, oeffentlich = new_record(_settings(ctx).root.absolute(), art, koerperschaft, bezug=bezug,
                                     datum=datum.date() if datum else None, out=ausgabe, amt=amt)
    _say(ctx, f"angelegt: {target}")
    if not oeffentlich:
        click.echo(f"Hinweis: der Bezug {bezug} ist nichtöffentlich, darum ist die neue Drucksache als "
                   "„status: nichtöffentlich“ angelegt.", err=True)


@cli.command(options_metavar="[OPTIONEN]")
@click.option("--ausgabe", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="Zielordner (Vorgabe: schema/ im Projekt).")
@click.pass_context
def schema(ctx: click.Context, ausgabe: Path | None) -> None:
    """JSON-Schemas für Drucksachen und Sitzungen schreiben (für Editoren mit YAML-Unterstützung)."""
    from vorlagengen.documents.writing import write_atomic
    from vorlagengen.schema import SCHEMAS

    folder = ausgabe or _settings(ctx).root / "schema"
    for name, text in SCHEMAS.items():
        write_atomic(folder / name, text().encode("utf-8"))
        _say(ctx, f"geschrieben: {folder / name}")


@cli.group(options_metavar="[OPTIONEN]", subcommand_metavar="BEFEHL [ARGUMENTE]...")
def layout() -> None:
    """Layouts ansehen und zum Bearbeiten nach templates/ kopieren."""


@layout.command("liste", options_metavar="[OPTIONEN]")
@click.pass_context
def layout_liste(ctx: click.Context) -> None:
    """Alle Layouts, die das Projekt nutzen kann, und woher sie kommen."""
    from vorlagengen.documents.layouts import available, origin

    root: Path = _settings(ctx).root
    for name in available(root):
        click.echo(f"{name:14} {origin(name, root)}")


@layout.command("kopieren", options_metavar="[OPTIONEN]")
@click.argument("name")
@click.option("--als", "neuer_name", metavar="NAME", help="Unter diesem Namen ablegen (Vorgabe: NAME).")
@click.pass_context
def layout_kopieren(ctx: click.Context, name: str, neuer_name: str | None) -> None:
    """Layout NAME zum Bearbeiten nach templates/NAME/ kopieren.

    Kopiert vorlage.md.j2, layout.typ und reference.docx. Was im Projektordner liegt, ersetzt das
    Mitgelieferte Datei für Datei; was man nicht ändert, kann man wieder löschen.
    """
    from vorlagengen.documents.layouts import copy_layout

    for path in copy_layout(name, _settings(ctx).root, neuer_name):
        _say(ctx, f"kopiert: {path}")


@cli.command(options_metavar="[OPTIONEN]")
@click.argument("pfade", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "-f", "formate", default=None, metavar="pdf|docx|beide",
              help="Ausgabeformate dieses Laufs: pdf, docx oder beide (auch „docx,pdf“). Vorgabe: „formate“ "
                   "der Körperschaft in data/koerperschaften.yaml, sonst beide. Dateien eines nicht "
                   "gewählten Formats werden entfernt.")
@click.option("--ausgabe", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Ausgabeordner.")
@click.option("--layout", "-l", metavar="NAME",
              help="Layout für alle Drucksachen (statt des Layouts der Körperschaft).")
@click.option("--neu", is_flag=True, help="Alles neu setzen, auch Unverändertes.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, metavar="ANZAHL",
              help="Parallele Aufträge (Vorgabe: Kerne).")
@click.pass_context
def build(ctx: click.Context, pfade: tuple[Path, ...], formate: str | None, ausgabe: Path, layout: str | None,
          neu: bool, jobs: int | None) -> None:
    """Drucksachen als DOCX und/oder PDF setzen (ohne PFADE: alle unter vorlagen/).

    Öffentliche Drucksachen, wie sie veröffentlicht werden dürfen (ohne nichtöffentliche Anlagen,
    mit Schwärzungen), landen in AUSGABE/oeffentlich/vorlagen/<körperschaft>/; alle Drucksachen
    in ihrer internen Fassung in AUSGABE/intern/vorlagen/<körperschaft>/. Nur AUSGABE/oeffentlich/
    darf veröffentlicht werden. Unveränderte Drucksachen werden nicht neu gesetzt; hat sich seit
    dem letzten fehlerfreien Lauf nichts geändert, endet der Lauf, ohne etwas zu laden.
    """

    wanted = None
    if formate is not None:
        wanted = [f.strip().lower() for f in formate.split(",") if f.strip()]
        wanted = list(FORMATS) if wanted == ["beide"] else wanted
        unknown = [f for f in wanted if f not in FORMATS]
        if unknown or not wanted:
            shown = f"„{unknown[0]}“" if unknown else "(leer)"
            raise UserError(f"unbekanntes Format {shown}; möglich: pdf, docx, beide")
    root: Path = _settings(ctx).root
    out = _out(root, ausgabe)
    stamp = _build_stamp(root, out, pfade, wanted, layout, neu)
    if stamp is not None and stamp.kept is not None:  # nothing changed since the last run: nothing loaded
        _say(ctx, str(stamp.kept.get("text", "")))
        return
    if stamp is not None and not pfade and _only_changed(ctx, root, out, stamp, wanted, layout, jobs):
        return
    from vorlagengen.load.project import load_project

    if pfade:  # a few Drucksachen, to be set at once: pandoc starts while they are loaded and checked
        _pandoc_ahead()
    project = load_project(root, pfade or None)
    _drucksachen(ctx, project, out, wanted, layout, neu=neu, jobs=jobs, complete=not pfade, stamp=stamp)


@dataclass
class _Stamped:
    """A run's stamp (documents/stamp.py) and what it kept when nothing changed since (else None),
    or the records changed since when nothing else did (RunStamp.changed_records)."""

    stamp: Any
    kept: dict[str, Any] | None
    changed: Any = None


ONLY_CHANGED_MAX = 50  # more changed records than this: the whole run (it checks them in parallel)


def _only_changed(ctx: click.Context, root: Path, out: Path, stamp: _Stamped, wanted: list[str] | None,
                  layout: str | None, jobs: int | None) -> bool:
    """Set only the changed records, when nothing but their own texts changed since the last run
    without error; False: the whole run decides (any other change, any doubt, any error).

    Everything else the whole run reads is as it was then (the stamp), and so is all that other
    records, Sitzungen and checks see of the changed records (their facts, model.records.facts_of):
    the checks across records and every other output stand as the last run left them, and a build
    of the changed records sets them as a build of all does (tests/test_single_build.py)."""
    if stamp.changed is None:
        return False
    changed, extras, summary = stamp.changed
    facts, known, totals = summary.get("facts"), summary.get("known"), summary.get("totals")
    if (not changed or len(changed) > ONLY_CHANGED_MAX or not isinstance(facts, dict) or not isinstance(known, dict)
            or known.keys() != facts.keys() or not all(isinstance(k, list) and len(k) == 7 for k in known.values())
            or not (isinstance(totals, list) and len(totals) == 3 and all(isinstance(n, int) for n in totals))):
        return False
    from vorlagengen.load.project import facts_of_file, load_project

    if any(not facts.get(path) or facts_of_file(Path(path)) != facts[path] for path in changed):
        return False  # nothing loaded: the whole run follows
    _pandoc_ahead()
    try:
        project = load_project(root, [Path(p) for p in changed], known=known)
    except UserError:  # a problem, a file gone meanwhile: the whole run reports it as it is
        return False
    if len(project.records) != len(changed) or any(
            not r.facts or facts.get(str(r.path)) != r.facts for r in project.records):
        return False
    from vorlagengen.documents.context import known_pages

    known_pages(summary.get("seiten"))  # every Anlage is as the last run found it: not opened to count pages
    _drucksachen(ctx, project, out, wanted, layout, jobs=jobs, complete=False, stamp=stamp,
                 whole=(facts, known, extras, totals))
    return True


def _pandoc_ahead() -> None:
    """Start the first pandoc now (documents/engines.py): its start-up overlaps the loading."""
    from vorlagengen.documents.engines import pandoc_ahead

    pandoc_ahead()


def _build_stamp(root: Path, out: Path, pfade: tuple[Path, ...], wanted: list[str] | None, layout: str | None,
                 neu: bool) -> _Stamped | None:
    from vorlagengen.runstamps import build_options, build_stamp, kept_build, looked_at

    stamp = build_stamp(root, out, pfade, build_options(wanted, layout))
    if stamp is None:
        return None
    looked = looked_at(stamp)  # the entry (launch.py) looked already: its stamp, scanned then
    if neu:
        kept, changed = None, None
    elif looked is not None:
        stamp, kept, changed = looked
    else:
        kept, changed = kept_build(stamp, out, _waiting(out))
    stamp.sources()  # before loading: a change while this run loads is seen by the next
    return _Stamped(stamp, kept, changed)


def _drucksachen(ctx: click.Context, project: Any, out: Path, wanted: list[str] | None = None,
                 layout: str | None = None, *, neu: bool = False, jobs: int | None = None,
                 complete: bool = True, stamp: _Stamped | None = None,
                 whole: tuple[dict[str, Any], dict[str, Any], list[str], list[int]] | None = None) -> None:
    """What ``build`` does with the loaded project: set the Drucksachen, say how many; with ``stamp``
    the run's stamp is saved after a run without error. ``whole``: the project holds only the
    changed records of the whole one (_only_changed), whose facts and entries for the checks across
    records of each record, files read and numbers (records, imported, outputs) the last run kept."""
    import os

    from vorlagengen.documents.context import counted_pages
    from vorlagengen.documents.drucksache import BuildResult
    from vorlagengen.documents.drucksache import build as run_build
    from vorlagengen.load.project import known_entry
    from vorlagengen.messages import anzahl
    from vorlagengen.progress import Progress
    from vorlagengen.runstamps import files_read

    records, imported = len(project.records), sum(1 for r in project.records if r.vorlage.uebernommen)
    outputs = None
    if whole is not None:
        records, imported, outputs = whole[3]

    def text(written: int, unchanged: int, removed: int) -> str:
        gone = f", {removed} entfernt (gelöscht oder nicht mehr öffentlich)" if removed else ""
        note = f", {imported} übernommene nicht neu gesetzt" if imported else ""
        return (f"{anzahl(records, 'Drucksache', 'Drucksachen')}: "
                f"{anzahl(written, 'Datei', 'Dateien')} geschrieben, {unchanged} unverändert{gone}{note} ({out})")

    def finish(result: BuildResult) -> None:  # under the lock, after a run without error
        if stamp is None:
            return
        facts = {str(r.path): r.facts for r in project.records}
        known = {str(r.path): known_entry(r) for r in project.records}
        read = [str(p) for p in files_read(project)]
        made = len(result.built) + len(result.skipped)
        if whole is not None:  # the kept ones of the records not loaded, and their numbers
            facts, known, read = {**whole[0], **facts}, {**whole[1], **known}, sorted({*whole[2], *read})
            made = whole[3][2] - len(result.removed)
        # what the next run says when nothing changes: every file unchanged; the page counts of the
        # PDF Anlagen counted (and known) in this run, for a next run of changed records only
        stamp.stamp.save(map(Path, read), {"text": text(0, made, 0), "facts": facts, "known": known,
                                           "totals": [records, imported, made], "seiten": counted_pages()})

    bar = Progress("Setze Drucksachen", quiet=_settings(ctx).quiet)
    try:
        result = run_build(project, out, wanted, layout, jobs=jobs or os.cpu_count() or 1, force=neu,
                           progress=bar.update, complete=complete, waiting=_waiting(out), finish=finish)
    finally:
        bar.close()
    unchanged = len(result.skipped) if outputs is None else outputs - len(result.built) - len(result.removed)
    _say(ctx, text(len(result.built), unchanged, len(result.removed)))


@cli.command(options_metavar="[OPTIONEN]")
@click.argument("dateien", nargs=-1, type=click.Path(path_type=Path))
@click.option("--ausgabe", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Ausgabeordner.")
@click.option("--entwurf", is_flag=True, help="Mappe auch mit Entwürfen auf der Tagesordnung bauen (ENTWURF-Stempel); "
              "Bekanntmachung und öffentliche Mappe dann nach AUSGABE/entwurf/, nie nach AUSGABE/oeffentlich/.")
@click.option("--kommende", is_flag=True, help="Nur Sitzungen ab heute (für CI).")
@click.pass_context
def sitzung(ctx: click.Context, dateien: tuple[Path, ...], ausgabe: Path, entwurf: bool, kommende: bool) -> None:
    """Einladung, Bekanntmachung und Sitzungsmappen einer Sitzung erstellen (ohne DATEIEN: alle).

    Schreibt Bekanntmachung.pdf und Sitzungsmappe-oeffentlich.pdf nach
    AUSGABE/oeffentlich/sitzungen/<gremium>-<datum>/ und Einladung.docx, Einladung.pdf und
    Sitzungsmappe-vollstaendig.pdf nach AUSGABE/intern/sitzungen/<gremium>-<datum>/.
    """
    from vorlagengen.load.project import load_project
    from vorlagengen.model.records import SITZUNG_DIR

    root: Path = _settings(ctx).root
    folder = root / SITZUNG_DIR
    targets = list(dateien) or ([folder] if folder.is_dir() else [])
    project = load_project(root, None, sitzungen=targets)
    _sitzungen(ctx, project, _out(root, ausgabe), dateien, entwurf=entwurf, kommende=kommende)


def _sitzungen(ctx: click.Context, project: Any, out: Path, dateien: tuple[Path, ...] = (), *,
               entwurf: bool = False, kommende: bool = False) -> None:
    """What ``sitzung`` does with the loaded project: each Sitzung's documents, a line for each."""
    from vorlagengen.documents.output import open_output
    from vorlagengen.documents.sitzung.unterlagen import write_sitzungen
    from vorlagengen.model.records import SITZUNG_DIR

    folder = _settings(ctx).root / SITZUNG_DIR
    if not project.sitzungen and dateien:
        raise UserError(f"keine Sitzung gefunden ({', '.join(str(d) for d in dateien)})")
    chosen = [s for s in project.sitzungen if not kommende or s.sitzung.datum >= dt.date.today()]
    imported = [s for s in chosen if s.sitzung.quelle is not None]
    if imported:  # their documents stay those of the source system
        _say(ctx, f"{len(imported)} übernommene Sitzungen: Unterlagen stehen im Quellsystem, nichts erstellt")
        chosen = [s for s in chosen if s.sitzung.quelle is None]
    if not project.sitzungen:  # a new project: nothing to make, what earlier Sitzungen left goes
        _say(ctx, f"keine Sitzung unter {folder}")
    elif not chosen and not imported:
        _say(ctx, "keine kommende Sitzung")
    with open_output(out, _waiting(out)) as output:
        results = write_sitzungen(output, project, chosen, entwurf=entwurf, complete=not dateien and not kommende)
    for srec in chosen:
        result = results[srec.path]
        for warning in result.warnings:
            click.echo(f"Warnung: {warning}", err=True)
        _say(ctx, f"{srec.display}: {len(result.files)} Dateien geschrieben, {len(result.skipped)} unverändert "
                  f"({result.folder}, {result.internal_folder})")


@cli.group("import", options_metavar="[OPTIONEN]", subcommand_metavar="QUELLE [ARGUMENTE]...")
def import_() -> None:
    """Bestand aus einem Ratsinformationssystem übernehmen."""


@import_.command("oparl", options_metavar="[OPTIONEN]")
@click.argument("quelle", metavar="URL|ORDNER|TAR.GZ")
@click.option("--projekt", "-C", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Zielprojekt (wird angelegt, wenn es fehlt).")
@click.option("--kennung", metavar="KENNUNG", help="Kennung der Körperschaft (Vorgabe: aus ihrem Namen).")
@click.option("--layout", default="allris", show_default=True, metavar="NAME",
              help="Layout für eine neu angelegte Körperschaft.")
@click.option("--seit", type=click.DateTime(["%Y-%m-%d", "%d.%m.%Y"]), metavar="DATUM",
              help="Nur Drucksachen und Sitzungen ab diesem Tag.")
@click.option("--bis", type=click.DateTime(["%Y-%m-%d", "%d.%m.%Y"]), metavar="DATUM",
              help="Nur Drucksachen und Sitzungen bis zu diesem Tag.")
@click.option("--dateien", is_flag=True, help="Dokumente und Anlagen herunterladen (Dateispeicher .cache/dateien/).")
@click.option("--pause", type=click.FloatRange(0, 60), default=0.25, show_default=True, metavar="SEKUNDEN",
              help="Mindestabstand zwischen zwei Anfragen an den Server.")
@click.option("--versuche", type=click.IntRange(1, 20), default=5, show_default=True, metavar="ANZAHL",
              help="Versuche je Anfrage bei Netz- und Serverfehlern (Wartezeit verdoppelt sich).")
@click.option("--timeout", type=click.FloatRange(1, 600), default=30.0, show_default=True, metavar="SEKUNDEN",
              help="Zeitlimit je Anfrage.")
@click.option("--host", "hosts", multiple=True, metavar="HOST",
              help="Weiterer Host, von dem gelesen werden darf (Vorgabe: nur der Host der Quelle; mehrfach möglich).")
@click.option("--hoechstmenge", type=click.IntRange(1, 10_000_000), default=20 * 1024, show_default=True,
              metavar="MB", help="Höchstens so viel lesen, herunterladen oder entpacken (ganzer Lauf).")
@click.option("--ueberschreiben", is_flag=True,
              help="Von Hand geänderte übernommene Drucksachen und Sitzungen durch die Fassung der Quelle ersetzen "
                   "(sonst bleibt die lokale Fassung und der Bericht nennt sie).")
@click.pass_context
def import_oparl(ctx: click.Context, quelle: str, projekt: Path | None, kennung: str | None, layout: str,
                 seit: dt.datetime | None, bis: dt.datetime | None, dateien: bool, pause: float, versuche: int,
                 timeout: float, hosts: tuple[str, ...], hoechstmenge: int, ueberschreiben: bool) -> None:
    """Drucksachen, Sitzungen, Gremien und Personen aus OParl übernehmen.

    QUELLE ist die Adresse eines OParl-Systems (https://…/oparl/v1.0/system), ein Ordner mit
    abgelegten Listenseiten oder ein tar.gz-Archiv davon. Ein zweiter Lauf schreibt nur, was sich
    geändert hat.
    """
    from vorlagengen.oparl.fetch import ClientSettings
    from vorlagengen.oparl.limits import MB, Limits
    from vorlagengen.oparl.run import ImportSettings, run_import

    settings = ImportSettings(quelle, projekt or _settings(ctx).root, kennung, layout,
                              seit.date() if seit else None, bis.date() if bis else None, dateien,
                              ClientSettings(pause=pause, timeout=timeout, attempts=versuche),
                              Limits(total_bytes=hoechstmenge * MB, hosts=frozenset(h.lower() for h in hosts)),
                              overwrite=ueberschreiben)
    report = run_import(settings, lambda text: _say(ctx, text))
    from vorlagengen.documents.writing import write_atomic
    from vorlagengen.schema import SCHEMAS

    for name, text in SCHEMAS.items():  # a fresh project gets the schemas its records name
        if not (settings.root / "schema" / name).exists():
            write_atomic(settings.root / "schema" / name, text().encode("utf-8"))
    for line in report.lines():
        _say(ctx, line)


PUBLIC_TREE = Path(trees.PUBLIC)  # below the output folder: what a council may publish
SITE_DIR = PUBLIC_TREE / "site"
SITE_STATE = Path(trees.INTERNAL) / "site-cache.json"


@cli.command(options_metavar="[OPTIONEN]")
@click.option("--ausgabe", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Ausgabeordner; die Website entsteht in AUSGABE/oeffentlich/site/.")
@click.option("--basis-url", metavar="URL",
              help="Adresse, unter der die Website liegt (für OParl, Feeds und Kalender; Vorgabe: basis_url "
                   "aus data/website.yaml, sonst http://127.0.0.1:8000/).")
@click.pass_context
def site(ctx: click.Context, ausgabe: Path, basis_url: str | None) -> None:
    """Bürgerinfo-Website mit Suche, Feeds, Kalendern und OParl-Export erstellen.

    Nur aus öffentlichen Drucksachen, öffentlichen TOPs und öffentlichen Anlagen, mit
    angewandten Schwärzungen. Die PDF/DOCX-Dateien kommen aus AUSGABE/oeffentlich/ (vorher
    „make vorlage“ und „make sitzungen“). Unverändertes wird nicht neu geschrieben.
    """
    from vorlagengen.documents.lock import locked
    from vorlagengen.documents.stamp import RunStamp

    root: Path = _settings(ctx).root
    out = _out(root, ausgabe)
    stamp = RunStamp("site", root, out, [out / PUBLIC_TREE], [basis_url])
    with locked(out, _waiting(out)):
        kept = stamp.unchanged()  # nothing changed since the last run: no loading, nothing made
    if kept is None:
        kept = _build_site(root, out, basis_url, stamp)
    _site_said(ctx, kept)


def _site_said(ctx: click.Context, kept: dict[str, Any]) -> None:
    for warning in kept.get("warnings") or []:
        click.echo(f"Warnung: {warning}", err=True)
    _say(ctx, str(kept.get("text", "")))


def _build_site(root: Path, out: Path, basis_url: str | None, stamp: Any, project: Any = None) -> dict[str, Any]:
    """The website, made and stamped; ``project`` is the loaded project when the caller loaded it
    after taking the stamp's sources (``dokumente --website``)."""
    import os

    from vorlagengen.documents.lock import locked
    from vorlagengen.load.project import load_project
    from vorlagengen.messages import anzahl
    from vorlagengen.public.projection import public_project
    from vorlagengen.site import build_site
    from vorlagengen.site.config import load_website, with_base

    stamp.sources()  # before loading: a change while this run loads is seen by the next
    website = with_base(load_website(root), basis_url)
    project = project if project is not None else load_project(root)
    public = public_project(project)
    with locked(out, _waiting(out)):
        result = build_site(public, out / SITE_DIR, documents=out / PUBLIC_TREE, website=website,
                            state=out / SITE_STATE)
        summary = {"warnings": result.warnings,
                   "text": f"Website: {anzahl(result.pages, 'Seite', 'Seiten')}, "
                           f"{anzahl(len(result.written), 'Datei', 'Dateien')} geschrieben, "
                           f"{len(result.removed)} entfernt ({result.folder})"}
        read = [Path(os.path.join(os.path.dirname(r.path), a.datei)) for r in project.records
                for a in r.vorlage.anlagen]  # as the checks read them (links followed)
        wappen = [root / website.wappen] if website.wappen else []
        stamp.save(read + wappen, {**summary, "text": f"Website: {anzahl(result.pages, 'Seite', 'Seiten')}, "
                                                    f"0 Dateien geschrieben, 0 entfernt ({result.folder})"})
    return summary


@cli.command(options_metavar="[OPTIONEN]")
@click.option("--ausgabe", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Ausgabeordner, in dem „vorlagengen site“ die Website erstellt hat.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse, an der der Server lauscht.")
@click.option("--port", "-p", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port.")
@click.option("--basis-url", metavar="URL", help="Adresse der Website, wie beim Erstellen (für die Links der Filter).")
@click.pass_context
def serve(ctx: click.Context, ausgabe: Path, host: str, port: int, basis_url: str | None) -> None:
    """Die Website ausliefern, mit CORS und den Filtern der OParl-Listen (created_since, modified_since …).

    Ein einfacher Webserver genügt für die Website; dieser beantwortet zusätzlich die Filter,
    die OParl von Servern verlangt, und liefert gelöschte Objekte bei modified_since.
    """
    from vorlagengen.site.config import load_website, with_base
    from vorlagengen.site.serve import run

    root: Path = _settings(ctx).root
    out = ausgabe if ausgabe.is_absolute() else root / ausgabe
    folder = out / SITE_DIR
    if not (folder / "index.html").is_file():
        raise UserError(f"{folder}: keine Website gefunden – zuerst „vorlagengen site“ ausführen")
    website = with_base(load_website(root), basis_url)
    _say(ctx, f"Website unter http://{host}:{port}/ (Ende mit Strg+C)")
    run(folder, website.base, host, port)


@cli.command(options_metavar="[OPTIONEN]")
@click.argument("pfad", required=False, metavar="[DATEI|ORDNER]", type=click.Path(path_type=Path))
@click.option("--port", "-p", type=click.IntRange(1, 65535), default=None, metavar="PORT",
              help="Port (Vorgabe: 8001, sonst der nächste freie).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Adresse, an der der Server lauscht (nur ändern, wenn andere Rechner zusehen sollen).")
@click.option("--kein-browser", is_flag=True, help="Keinen Browser öffnen, nur die Adresse nennen.")
@click.pass_context
def vorschau(ctx: click.Context, pfad: Path | None, port: int | None, host: str, kein_browser: bool) -> None:
    """Live-Vorschau im Browser: Seiten, Fehler und öffentliche Fassung, nach jedem Speichern neu.

    DATEI ist eine Drucksache (vorlagen/…), eine Sitzung oder eine Niederschrift (sitzungen/…);
    ein ORDNER zeigt alle darin (ohne Angabe: das ganze Projekt). Fehler erscheinen als
    „datei:zeile:spalte: feld: Meldung“ über dem letzten fehlerfreien Stand. Schreibt nichts nach
    build/. Ende mit Strg+C.
    """
    from vorlagengen.gcpause import one_shot
    from vorlagengen.vorschau.start import run

    one_shot(False)  # a server that loads the project again after each change: nothing loaded is kept
    run(_settings(ctx).root, pfad, host, port, not kein_browser, lambda text: _say(ctx, text))


@cli.command(options_metavar="[OPTIONEN]")
@click.argument("dateien", nargs=-1, type=click.Path(path_type=Path))
@click.option("--ausgabe", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Ausgabeordner.")
@click.pass_context
def niederschrift(ctx: click.Context, dateien: tuple[Path, ...], ausgabe: Path) -> None:
    """Niederschrift und Beschlussauszüge einer Sitzung erstellen (ohne DATEIEN: alle mit Niederschrift).

    DATEI ist die Sitzung (sitzungen/<name>.yaml) oder ihre Niederschrift
    (sitzungen/<name>.niederschrift.yaml). Öffentliche Niederschrift nach
    AUSGABE/oeffentlich/sitzungen/<gremium>-<datum>/, alles andere (beide Teile vollständig,
    Beschlussauszüge je TOP) nach AUSGABE/intern/sitzungen/<gremium>-<datum>/.
    """
    from vorlagengen.load.project import load_project
    from vorlagengen.model.records import SITZUNG_DIR

    root: Path = _settings(ctx).root
    folder = root / SITZUNG_DIR
    project = load_project(root, None, sitzungen=list(dateien) or ([folder] if folder.is_dir() else []))
    _niederschriften(ctx, project, _out(root, ausgabe), dateien)


def _niederschriften(ctx: click.Context, project: Any, out: Path, dateien: tuple[Path, ...] = ()) -> None:
    """What ``niederschrift`` does with the loaded project: each Niederschrift, a line for each."""
    from vorlagengen.documents.output import open_output
    from vorlagengen.documents.sitzung.protokoll import write_niederschriften
    from vorlagengen.model.records import SITZUNG_DIR

    folder = _settings(ctx).root / SITZUNG_DIR
    chosen = [s for s in project.sitzungen if s.niederschrift is not None]
    if not chosen and dateien:
        raise UserError("keine Sitzung mit Niederschrift gefunden (sitzungen/<name>.niederschrift.yaml)")
    if not chosen:  # none yet: nothing to make, what earlier Niederschriften left goes
        _say(ctx, f"keine Niederschrift unter {folder} (<name>.niederschrift.yaml)")
    today = dt.date.today()
    with open_output(out, _waiting(out)) as output:
        for srec in chosen:
            files = write_niederschriften(output, project, [srec], today)
            _say(ctx, f"{srec.display}: Niederschrift, {len(files)} Dateien")
        if not dateien:  # every Niederschrift planned: what is gone goes
            write_niederschriften(output, project, chosen, today, complete=True)


@cli.command(options_metavar="[OPTIONEN]")
@click.option("--gremium", "-g", metavar="KENNUNG", help="Nur Beschlüsse dieses Gremiums.")
@click.option("--status", "-s", type=click.Choice(["offen", "in Arbeit", "erledigt"]),
              help="Nur Beschlüsse mit diesem Stand.")
@click.option("--alle", is_flag=True, help="Jeden Beschluss aufführen, nicht nur die mit Auftrag an die Verwaltung.")
@click.option("--ausgabe", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Ausgabeordner.")
@click.pass_context
def beschluesse(ctx: click.Context, gremium: str | None, status: str | None, alle: bool, ausgabe: Path) -> None:
    """Beschlusskontrolle als PDF und CSV: jeder Beschluss mit ausführender Stelle, Frist und Stand.

    Schreibt AUSGABE/intern/beschluesse/<körperschaft>/ (alle Beschlüsse) und
    AUSGABE/oeffentlich/beschluesse/<körperschaft>/ (nur die aus öffentlichen TOPs).
    Überfällige Beschlüsse meldet auch „vorlagengen validate“ als Warnung.
    """
    from vorlagengen.load.project import load_project
    from vorlagengen.messages import suggest

    root: Path = _settings(ctx).root
    project = load_project(root)
    if gremium is not None and gremium not in project.ref.gremien:
        raise UserError(f"unbekanntes Gremium „{gremium}“{suggest(gremium, project.ref.gremien)}")
    _beschluesse(ctx, project, _out(root, ausgabe), gremium=gremium, status=status, alle=alle)


def _beschluesse(ctx: click.Context, project: Any, out: Path, *, gremium: str | None = None,
                 status: str | None = None, alle: bool = False) -> None:
    """What ``beschluesse`` does with the loaded project: the Beschlusskontrolle, a line for each file."""
    from vorlagengen.documents.output import open_output
    from vorlagengen.documents.sitzung.protokoll import write_beschluesse
    from vorlagengen.messages import anzahl

    with open_output(out, _waiting(out)) as output:
        made = write_beschluesse(output, project, dt.date.today(), gremium=gremium, status=status, alle=alle)
    for path in sorted(made.built):  # in a fixed order, not as the two workers finished
        _say(ctx, f"geschrieben: {path}")
    if made.skipped:
        _say(ctx, f"{anzahl(len(made.skipped), 'Datei', 'Dateien')} unverändert")


@cli.command(options_metavar="[OPTIONEN]")
@click.option("--ausgabe", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Ausgabeordner.")
@click.option("--website", is_flag=True, help="Danach auch die Website erstellen (wie „vorlagengen site“).")
@click.option("--basis-url", metavar="URL", help="Adresse der Website (mit --website; wie bei „vorlagengen site“).")
@click.pass_context
def dokumente(ctx: click.Context, ausgabe: Path, website: bool, basis_url: str | None) -> None:
    """Alle Dokumente in einem Lauf: Drucksachen, Sitzungsunterlagen, Niederschriften, Beschlusskontrolle.

    Dasselbe wie nacheinander „vorlagengen build“, „sitzung“, „niederschrift“ und „beschluesse“
    (mit --website danach „site“), mit denselben Dateien und Meldungen, aber schneller: das
    Projekt wird einmal geladen, und der Lauf hält die Sperre des Ausgabeordners bis zum Ende.
    Bricht ein Schritt mit einem Fehler ab, folgt keiner mehr. „make site“ ruft diesen Befehl auf.
    """
    from vorlagengen.documents.lock import locked
    from vorlagengen.documents.stamp import RunStamp
    from vorlagengen.load.project import load_project

    if basis_url is not None and not website:
        raise click.UsageError("--basis-url gilt nur mit --website")
    root: Path = _settings(ctx).root
    out = _out(root, ausgabe)
    with locked(out, _waiting(out)):
        stamp = RunStamp("site", root, out, [out / PUBLIC_TREE], [basis_url]) if website else None
        if stamp is not None:
            stamp.sources()  # before loading, as ``site`` takes them: a change while this run loads is seen by the next
        project = load_project(root)
        _drucksachen(ctx, project, out)
        _sitzungen(ctx, project, out)
        _niederschriften(ctx, project, out)
        _beschluesse(ctx, project, out)
        if stamp is not None:
            kept = stamp.unchanged()  # what the documents left is as the site saw it last: nothing to make
            _site_said(ctx, kept if kept is not None else _build_site(root, out, basis_url, stamp, project))


@cli.command(options_metavar="[OPTIONEN]")
@click.argument("ordner", type=click.Path(file_okay=False, path_type=Path))
@click.option("--koerperschaft", "-k", "name", required=True, metavar="NAME",
              help="Name der Körperschaft, wie er im Dokument steht, z. B. „Gemeinde Musterdorf“.")
@click.option("--layout", "-l", default="allris", show_default=True, metavar="NAME",
              help="Layout der Drucksachen (vorlagengen layout liste).")
@click.option("--kennung", metavar="KENNUNG", help="Kennung der Körperschaft in data/ (Vorgabe: aus dem Namen).")
@click.option("--nummernschema", default="{nr:4}/{jahr}", show_default=True, metavar="SCHEMA",
              help="Schema der Drucksachen-Nr. ({nr:N}, {jahr}, {jj}, {art}, {amt} …).")
@click.pass_context
def init(ctx: click.Context, ordner: Path, name: str, layout: str, kennung: str | None, nummernschema: str) -> None:
    """Ein eigenes Projekt für eine Körperschaft im (neuen oder leeren) ORDNER anlegen.

    Legt data/ mit dem Profil der Körperschaft und leeren Gremien, Ämtern und Personen an,
    dazu vorlagen/, sitzungen/, templates/, ein Makefile (make vorlage, make test …), die
    requirements.txt mit der Version von vorlagengen, CI-Dateien für GitLab und GitHub, die nur
    build/oeffentlich/ veröffentlichen, eine .gitignore und eine README.
    """
    from vorlagengen.messages import anzahl
    from vorlagengen.projektanlage import Anlage, create_project

    written = create_project(Anlage(ordner, name, layout, kennung, nummernschema))
    _say(ctx, f"Projekt angelegt: {ordner} ({anzahl(len(written), 'Datei', 'Dateien')})")
    _say(ctx, f"Weiter: cd {ordner} && make vorlage && make test")


@cli.command(options_metavar="[OPTIONEN]")
@click.option("--ausgabe", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Ausgabeordner; durchsucht wird AUSGABE/oeffentlich/.")
@click.pass_context
def leckpruefung(ctx: click.Context, ausgabe: Path) -> None:
    """Den öffentlichen Baum AUSGABE/oeffentlich/ nach Nichtöffentlichem durchsuchen.

    Sucht jeden Text nichtöffentlicher Drucksachen, nichtöffentlicher und personenbezogener
    Anlagen, nichtöffentlicher TOPs und jede Schwärzung in allen Dateien des Ordners – in
    Dateinamen, PDF-Text und -Metadaten, DOCX, HTML, Suchindex. Nennt Datei und Herkunft, nie den
    Text selbst, und endet mit Status 1, wenn etwas gefunden wurde.
    """
    from vorlagengen.load.project import load_project
    from vorlagengen.messages import anzahl
    from vorlagengen.model.records import SITZUNG_DIR
    from vorlagengen.public.leckpruefung import durchsuchen, geheimnisse
    from vorlagengen.public.projection import public_project

    root: Path = _settings(ctx).root
    folder = (ausgabe if ausgabe.is_absolute() else root / ausgabe) / PUBLIC_TREE
    if not folder.is_dir():
        raise UserError(f"{folder}: Ordner fehlt – zuerst „make vorlage“ (oder „make site“) ausführen")
    project = load_project(root, None, sitzungen=[root / SITZUNG_DIR])
    secrets = geheimnisse(project, public_project(project))
    funde = durchsuchen(folder, secrets)
    for fund in funde:
        click.echo(f"{folder / fund.datei}: enthält Nichtöffentliches aus {fund.herkunft.datei}: "
                   f"{fund.herkunft.feld}", err=True)
    files = sum(1 for p in folder.rglob("*") if p.is_file())
    if funde:
        click.echo(f"{anzahl(len(funde), 'Fund', 'Funde')} in {folder} – nicht veröffentlichen!", err=True)
        ctx.exit(1)
    _say(ctx, f"{anzahl(files, 'Datei', 'Dateien')} in {folder} durchsucht, nichts Nichtöffentliches gefunden "
              f"({anzahl(len(secrets), 'geschützter Text', 'geschützte Texte')})")


def _terminated(signum: int, _frame: object) -> None:
    """SIGTERM ends the run like Ctrl-C does: finished work saved, temporary folders removed."""
    raise KeyboardInterrupt


def main() -> None:
    import signal

    from vorlagengen.gcpause import one_shot

    one_shot()  # what is loaded lives to the end of the process (gcpause.py)
    signal.signal(signal.SIGTERM, _terminated)
    try:
        cli.main(prog_name="vorlagengen")
    finally:
        # The process ends now and frees everything at once: the interpreter's last collection need
        # not walk every object of the run (~60 ms after a build). The atexit handlers still run.
        gc.freeze()
