"""After the session: the Niederschrift (public and non-public part, the public one minimal where the
Körperschaft's profile says so), a Beschlussauszug per TOP, and the Beschlusskontrolle list (PDF, CSV).

The public Niederschrift and the public Beschlusskontrolle (PDF and CSV) are made from the public
projection (a ``PublicProject``: public TOPs only, Schwärzungen replaced) into the public tree;
everything else from the full project into the internal one. Which tree a document goes to follows
from the project it was made from, never from a path."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path

from ... import trees
from ...public import public_project
from ...records import Project, ProjectData, PublicProject, SitzungRecord, anlage_path, display_path, slug
from ...schwaerzung import klartext
from ...stand import stand
from ...writing import csv_bytes, write_atomic
from .. import engines
from ..docx_reference import reference_for
from ..layouts import Layout, get_layout
from ..markdown import render_markdown
from ..origins import Origin, origins_of
from .niederschrift import (
    TEIL_NICHTOEFFENTLICH,
    TEIL_OEFFENTLICH,
    KontrollZeile,
    anlagen_of,
    auszug_contexts,
    kontroll_zeilen,
    niederschrift_context,
)

PUBLIC_TREE = trees.PUBLIC
INTERNAL_TREE = trees.INTERNAL
LETTER_MAIN = '#import "/layout.typ": *\n#import "/sitzung.typ": *\n#show: einladung\n'


@dataclass(frozen=True)
class Target:
    """One document to write: its Markdown, title and whether it is a draft."""

    markdown: str
    title: str
    nummer: str
    entwurf: bool
    public: bool  # made from the public projection (its renderer blacks out Schwärzungen)
    origins: tuple[Origin, ...] = ()  # where its Markdown fields came from (for pandoc's warnings)


def file_part(nummer: str) -> str:
    """A TOP number in a file name: „Ö 3“ → „Oe-3“, „7.“ → „7“ (ASCII, so every system and web server
    takes it, and no „..“ before the suffix)."""
    return slug(nummer.replace("Ö", "Oe").replace("ö", "oe").replace("Ä", "Ae").replace("Ü", "Ue")).strip(".-")


def _epoch(project: ProjectData, day: dt.date) -> int:
    _, epoch = stand(project.root)
    return epoch or int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC).timestamp())


def _render(target: Target, layout: Layout, koerperschaft: str, epoch: int, display: str) -> dict[str, bytes]:
    inputs = {"titel": target.title, "betreff": target.title, "nummer": target.nummer, "art": target.title,
              "autor": koerperschaft, "koerperschaft": koerperschaft, "datum": "", "status": "",
              "beschreibung": target.title, "entwurf": "ja" if target.entwurf else "nein",
              "fusszeile": target.title}
    origins = list(target.origins)
    typst_body = engines.pandoc_convert(target.markdown, "typst", epoch, display, public=target.public,
                                        origins=origins).decode("utf-8")
    return {
        "pdf": engines.typst_pdf(LETTER_MAIN + typst_body, layout, inputs, epoch, display),
        "docx": engines.pandoc_convert(target.markdown, "docx", epoch, display,
                                       reference_for(layout, target.entwurf), public=target.public, origins=origins),
    }


def _layout(project: ProjectData, srec: SitzungRecord) -> tuple[Layout, str]:
    body = project.ref.koerperschaften[project.ref.gremien[srec.sitzung.gremium].koerperschaft]
    return get_layout(body.layout, project.root), body.name


def build_niederschrift(project: Project, srec: SitzungRecord, out: Path, today: dt.date,
                        public: PublicProject | None = None) -> list[Path]:
    """Write the Niederschrift documents and Beschlussauszüge of one Sitzung into the two trees: the
    public Niederschrift from the projection ``public`` (made here if not given; into the draft tree
    while the Niederschrift is an „Entwurf“), the rest from the full project."""
    n, path = srec.niederschrift, srec.niederschrift_path
    assert n is not None and path is not None
    public = public if public is not None else public_project(project)
    public_srec = next(p for p in public.sitzungen if p.path == srec.path)
    display = display_path(path)
    own = tuple(origins_of(n, path, display))
    drucksachen = tuple(o for e in srec.all_tops() for r in e.records
                        for o in origins_of(r.vorlage, r.path, r.display))  # an Auszug shows their Beschlussvorschlag
    layout, body = _layout(project, srec)
    profile = project.ref.koerperschaften[project.ref.gremien[srec.sitzung.gremium].koerperschaft].niederschrift
    epoch = _epoch(project, srec.sitzung.datum)
    head = f"Niederschrift {srec.sitzung.nummer}"
    draft_dir = trees.draft_dir(out) / "sitzungen" / srec.slug
    # a Niederschrift in „Entwurf“ is not published: its public form goes to the draft tree
    public_dir = draft_dir if n.stand == "Entwurf" else out / PUBLIC_TREE / "sitzungen" / srec.slug
    internal_dir = out / INTERNAL_TREE / "sitzungen" / srec.slug

    def niederschrift(proj: ProjectData, s: SitzungRecord, teil: str, minimal: bool) -> Target:
        ctx = niederschrift_context(proj, s, teil, minimal=minimal, intern=not proj.public, today=today)
        md = render_markdown(layout, ctx.as_dict(), "niederschrift.md.j2")
        return Target(md, f"{head} ({ctx.teil})", srec.sitzung.nummer, ctx.entwurf, proj.public, own)

    internal: list[tuple[Path, Target]] = [
        (internal_dir / "Niederschrift-oeffentlicher-Teil", niederschrift(project, srec, TEIL_OEFFENTLICH, False))]
    if any(not e.oeffentlich_beraten for e in srec.all_tops()):
        internal.append((internal_dir / "Niederschrift-nichtoeffentlicher-Teil",
                         niederschrift(project, srec, TEIL_NICHTOEFFENTLICH, False)))
    for ctx in auszug_contexts(project, srec, today):
        md = render_markdown(layout, ctx.as_dict(), "beschlussauszug.md.j2")
        internal.append((internal_dir / "Beschlussauszuege" / f"Beschlussauszug-TOP-{file_part(ctx.top.nummer)}",
                         Target(md, f"Beschlussauszug TOP {ctx.top.nummer}, {srec.sitzung.nummer}",
                                srec.sitzung.nummer, n.stand == "Entwurf", False, own + drucksachen)))
    public_doc = niederschrift(public, public_srec, TEIL_OEFFENTLICH, profile.oeffentliche_fassung == "minimal")
    written = []
    # the Anlagen, named by their number only: the public ones from the projection's Niederschrift
    for folder, s in ((public_dir, public_srec), (internal_dir, srec)):
        for nr, anlage in anlagen_of(s, public=s is public_srec):
            source = anlage_path(anlage.datei, path)
            target_path = folder / f"Niederschrift-Anlage-{nr}{source.suffix.lower()}"
            write_atomic(target_path, source.read_bytes())
            written.append(target_path)
    for base, target in [(public_dir / "Niederschrift", public_doc), *internal]:
        for fmt, data in _render(target, layout, body, epoch, display).items():
            path = base.with_name(base.name + "." + fmt)
            write_atomic(path, data)
            written.append(path)
    if public_dir != draft_dir:  # the final Niederschrift replaces its draft
        for fmt in ("pdf", "docx"):
            (draft_dir / f"Niederschrift.{fmt}").unlink(missing_ok=True)
    return written


CSV_FIELDS = ("gremium", "datum", "sitzung", "top", "drucksache", "gegenstand", "ergebnis", "amt", "frist",
              "status", "ampel", "bericht")


def kontrolle_csv(rows: list[KontrollZeile]) -> bytes:
    """The rows as CSV; a Schwärzung shows as its bracketed text („[geschwärzt]“ in public rows)."""
    return csv_bytes(CSV_FIELDS, ([klartext(str(asdict(row)[name])) for name in CSV_FIELDS] for row in rows))


def build_beschluesse(project: Project, out: Path, today: dt.date, *, gremium: str | None = None,
                      status: str | None = None, alle: bool = False,
                      public: PublicProject | None = None) -> list[Path]:
    """The Beschlusskontrolle of each Körperschaft as PDF and CSV: all Beschlüsse from the full
    project (internal tree) and those of public TOPs from the projection ``public`` (public tree,
    made here if not given), filtered by Gremium and status."""
    public = public if public is not None else public_project(project)
    written = []
    bodies = sorted({project.ref.gremien[s.sitzung.gremium].koerperschaft for s in project.sitzungen
                     if s.niederschrift is not None and (gremium is None or s.sitzung.gremium == gremium)})
    for body_id in bodies:
        koerperschaft = project.ref.koerperschaften[body_id]
        layout = get_layout(koerperschaft.layout, project.root)
        sources: tuple[tuple[ProjectData, str], ...] = ((public, PUBLIC_TREE), (project, INTERNAL_TREE))
        for proj, tree in sources:
            rows = [r for r in kontroll_zeilen(proj, today, alle=alle) if r.koerperschaft == body_id
                    and (gremium is None or r.gremium_id == gremium) and (status is None or r.status == status)]
            auswahl = ", ".join((project.ref.gremien[gremium].name if gremium else "alle Gremien",
                                 f"Stand „{status}“" if status else "jeder Stand",
                                 "nur öffentliche Beschlüsse" if proj.public else "mit nichtöffentlichen",
                                 "alle Beschlüsse" if alle else "Beschlüsse mit Auftrag an die Verwaltung"))
            md = render_markdown(layout, {"koerperschaft": koerperschaft, "zeilen": rows, "auswahl": auswahl,
                                          "heute": today.strftime("%d.%m.%Y")}, "beschlusskontrolle.md.j2")
            docs = _render(Target(md, "Beschlusskontrolle", "", False, proj.public), layout, koerperschaft.name,
                           _epoch(project, today), "Beschlusskontrolle")
            folder = out / tree / "beschluesse" / body_id
            for name, data in (("Beschlusskontrolle.csv", kontrolle_csv(rows)),
                               ("Beschlusskontrolle.pdf", docs["pdf"])):
                write_atomic(folder / name, data)
                written.append(folder / name)
    return written
