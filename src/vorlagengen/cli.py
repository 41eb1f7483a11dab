"""The ``vorlagengen`` command line: thin commands that parse options, call the library, print."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from . import __version__, clickde
from .errors import UserError, ValidationFailed

clickde.install()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Group(click.Group):
    """Catches every user error and prints it in German, without a traceback, exit status 1."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except ValidationFailed as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            n = len(exc.problems)
            click.echo(f"{n} Fehler gefunden, nichts geschrieben." if n != 1 else "1 Fehler gefunden, nichts geschrieben.",
                       err=True)
            ctx.exit(1)
        except UserError as exc:
            click.echo(f"Fehler: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=_Group, context_settings=CONTEXT, options_metavar="[OPTIONEN]",
             subcommand_metavar="BEFEHL [ARGUMENTE]...")
@click.version_option(__version__, "--version", message="vorlagengen %(version)s")
@click.option("--projekt", "-C", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Projektordner mit data/, vorlagen/ und templates/.")
@click.option("--quiet", "-q", is_flag=True, help="Nur Fehler ausgeben (für CI).")
@click.pass_context
def cli(ctx: click.Context, projekt: Path, quiet: bool) -> None:
    """Drucksachen als YAML-Datensätze prüfen, anlegen und setzen.

    Jede Drucksache ist eine YAML-Datei unter vorlagen/; Körperschaften, Gremien, Ämter und
    Personen stehen in data/.
    """
    ctx.obj = {"root": projekt, "quiet": quiet}


def _say(ctx: click.Context, text: str) -> None:
    if not ctx.obj["quiet"]:
        click.echo(text)


@cli.command(options_metavar="[OPTIONEN]")
@click.argument("pfade", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "als_json", is_flag=True, help="Ergebnis als JSON auf die Standardausgabe (für Programme).")
@click.option("--codequality", type=click.Path(dir_okay=False, path_type=Path), metavar="DATEI",
              help="Fehler zusätzlich als GitLab-Code-Quality-Bericht schreiben (Anzeige im Merge Request).")
@click.pass_context
def validate(ctx: click.Context, pfade: tuple[Path, ...], als_json: bool, codequality: Path | None) -> None:
    """Drucksachen prüfen (ohne PFADE: alle unter vorlagen/ und sitzungen/).

    Meldet jeden Fehler als „datei:zeile:spalte: feld: Meldung“ und endet mit Status 1,
    wenn es Fehler gibt.
    """
    from .project import discover, load_project
    from .reports import codequality_report, json_report

    root: Path = ctx.obj["root"]
    problems: list = []
    counts = {"drucksachen": 0, "sitzungen": 0}
    try:
        project = load_project(root, pfade or None)
        counts = {"drucksachen": len(project.records), "sitzungen": len(project.sitzungen)}
        if not als_json:
            for warning in project.warnings:
                click.echo(f"Warnung: {warning}", err=True)
    except ValidationFailed as exc:
        problems = exc.problems
        counts["drucksachen"] = len(discover(root.absolute(), [p for p in pfade if "sitzungen" not in p.parts] or None))
    if codequality is not None:
        from .writing import write_atomic

        write_atomic(codequality, codequality_report(problems).encode("utf-8"))
    if als_json:
        click.echo(json_report(counts, problems))
    elif problems:
        files = {p.path for p in problems}
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(f"{counts['drucksachen']} Drucksachen geprüft, {len(problems)} Fehler in {len(files)} "
                   f"{'Datei' if len(files) == 1 else 'Dateien'}", err=True)
    else:
        sitzungen = f", {counts['sitzungen']} Sitzungen" if counts["sitzungen"] else ""
        _say(ctx, f"{counts['drucksachen']} Drucksachen{sitzungen} geprüft, 0 Fehler")
    if problems:
        ctx.exit(1)


@cli.command(options_metavar="[OPTIONEN]")
@click.argument("art")
@click.option("--koerperschaft", "-k", required=True, metavar="KENNUNG", help="Kennung der Körperschaft aus data/koerperschaften.yaml.")
@click.option("--bezug", metavar="NR", help="Drucksachen-Nr., auf die sich die neue bezieht (ergibt Nr. mit -01, -02 …).")
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
    from .skeleton import new_record

    target = new_record(ctx.obj["root"].absolute(), art, koerperschaft, bezug=bezug,
                        datum=datum.date() if datum else None, out=ausgabe, amt=amt)
    _say(ctx, f"angelegt: {target}")


@cli.command(options_metavar="[OPTIONEN]")
@click.option("--ausgabe", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="Zielordner (Vorgabe: schema/ im Projekt).")
@click.pass_context
def schema(ctx: click.Context, ausgabe: Path | None) -> None:
    """JSON-Schemas für Drucksachen und Sitzungen schreiben (für Editoren mit YAML-Unterstützung)."""
    from .schema import SCHEMAS
    from .writing import write_atomic

    folder = ausgabe or ctx.obj["root"] / "schema"
    for name, text in SCHEMAS.items():
        write_atomic(folder / name, text().encode("utf-8"))
        _say(ctx, f"geschrieben: {folder / name}")


@cli.command(options_metavar="[OPTIONEN]")
@click.argument("pfade", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "-f", "formate", default="docx,pdf", show_default=True, metavar="FORMATE",
              help="Ausgabeformate, durch Komma getrennt: docx, pdf.")
@click.option("--ausgabe", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Ausgabeordner.")
@click.option("--layout", "-l", metavar="NAME", help="Layout für alle Drucksachen (statt des Layouts der Körperschaft).")
@click.option("--neu", is_flag=True, help="Alles neu setzen, auch Unverändertes.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, metavar="ANZAHL", help="Parallele Aufträge (Vorgabe: Kerne).")
@click.pass_context
def build(ctx: click.Context, pfade: tuple[Path, ...], formate: str, ausgabe: Path, layout: str | None,
          neu: bool, jobs: int | None) -> None:
    """Drucksachen als DOCX und PDF setzen (ohne PFADE: alle unter vorlagen/).

    Die Dateien landen in AUSGABE/vorlagen/<körperschaft>/<Drucksachen-Nr>.docx|pdf.
    Unveränderte Drucksachen werden nicht neu gesetzt.
    """
    import os

    from .project import load_project
    from .render.build import FORMATS, build as run_build

    wanted = [f.strip().lower() for f in formate.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise UserError(f"unbekanntes Format „{unknown[0]}“; möglich: {', '.join(FORMATS)}")
    root: Path = ctx.obj["root"]
    project = load_project(root, pfade or None)
    out = ausgabe if ausgabe.is_absolute() else root / ausgabe
    jobs = jobs or os.cpu_count() or 1
    quiet = ctx.obj["quiet"] or not sys.stderr.isatty()
    if quiet:
        result = run_build(project, out, wanted, layout, jobs=jobs, force=neu)
    else:
        with click.progressbar(length=len(project.records), label="Setze Drucksachen", file=sys.stderr) as bar:
            result = run_build(project, out, wanted, layout, jobs=jobs, force=neu,
                               progress=lambda _r: bar.update(1))
    _say(ctx, f"{len(project.records)} Drucksachen: {len(result.built)} Dateien geschrieben, "
              f"{len(result.skipped)} unverändert ({out})")


@cli.command(options_metavar="[OPTIONEN]")
@click.argument("dateien", nargs=-1, type=click.Path(path_type=Path))
@click.option("--ausgabe", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Ausgabeordner.")
@click.option("--entwurf", is_flag=True, help="Mappe auch mit Entwürfen auf der Tagesordnung bauen (ENTWURF-Stempel).")
@click.option("--kommende", is_flag=True, help="Nur Sitzungen ab heute (für CI).")
@click.pass_context
def sitzung(ctx: click.Context, dateien: tuple[Path, ...], ausgabe: Path, entwurf: bool, kommende: bool) -> None:
    """Einladung, Bekanntmachung und Sitzungsmappen einer Sitzung erstellen (ohne DATEIEN: alle).

    Schreibt nach AUSGABE/sitzungen/<gremium>-<datum>/: Einladung.docx, Einladung.pdf,
    Bekanntmachung.pdf, Sitzungsmappe-oeffentlich.pdf, Sitzungsmappe-vollstaendig.pdf.
    """
    from .project import load_project
    from .render.sitzung import build_sitzung
    from .records import SITZUNG_DIR

    root: Path = ctx.obj["root"]
    targets = list(dateien) or [root / SITZUNG_DIR]
    project = load_project(root, None, sitzungen=targets)
    if not project.sitzungen:
        raise UserError(f"keine Sitzung gefunden (Ordner {root / SITZUNG_DIR})")
    out = ausgabe if ausgabe.is_absolute() else root / ausgabe
    chosen = [s for s in project.sitzungen if not kommende or s.sitzung.datum >= dt.date.today()]
    if not chosen:
        _say(ctx, "keine kommende Sitzung")
    for srec in chosen:
        result = build_sitzung(project, srec, out, entwurf=entwurf)
        for warning in result.warnings:
            click.echo(f"Warnung: {warning}", err=True)
        _say(ctx, f"{srec.display}: {len(result.files)} Dateien in {result.folder}")


def main() -> None:
    cli.main(prog_name="vorlagengen")
