"""After the session: the Niederschrift (public and non-public part, the public one minimal where the
Körperschaft's profile says so), a Beschlussauszug per TOP, and the Beschlusskontrolle list (PDF, CSV).

Public documents go to the public tree, everything else to the internal one. The public Niederschrift
is made from a context holding only the public TOPs' results (``niederschrift_context``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import asdict, dataclass
from pathlib import Path

from ... import trees
from ...records import Project, SitzungRecord, anlage_path, display_path, slug
from ...stand import stand
from ...writing import write_atomic
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
    origins: tuple[Origin, ...] = ()  # where its Markdown fields came from (for pandoc's warnings)


def file_part(nummer: str) -> str:
    """A TOP number in a file name: „Ö 3“ → „Oe-3“, „7.“ → „7“ (ASCII, so every system and web server
    takes it, and no „..“ before the suffix)."""
    return slug(nummer.replace("Ö", "Oe").replace("ö", "oe").replace("Ä", "Ae").replace("Ü", "Ue")).strip(".-")


def _epoch(project: Project, day: dt.date) -> int:
    _, epoch = stand(project.root)
    return epoch or int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC).timestamp())


def _render(target: Target, layout: Layout, koerperschaft: str, epoch: int, display: str, *,
            public: bool) -> dict[str, bytes]:
    inputs = {"titel": target.title, "betreff": target.title, "nummer": target.nummer, "art": target.title,
              "autor": koerperschaft, "koerperschaft": koerperschaft, "datum": "", "status": "",
              "beschreibung": target.title, "entwurf": "ja" if target.entwurf else "nein",
              "fusszeile": target.title}
    origins = list(target.origins)
    typst_body = engines.pandoc_convert(target.markdown, "typst", epoch, display, public=public,
                                        origins=origins).decode("utf-8")
    return {
        "pdf": engines.typst_pdf(LETTER_MAIN + typst_body, layout, inputs, epoch, display),
        "docx": engines.pandoc_convert(target.markdown, "docx", epoch, display,
                                       reference_for(layout, target.entwurf), public=public, origins=origins),
    }


def _layout(project: Project, srec: SitzungRecord) -> tuple[Layout, str]:
    body = project.ref.koerperschaften[project.ref.gremien[srec.sitzung.gremium].koerperschaft]
    return get_layout(body.layout, project.root), body.name


def build_niederschrift(project: Project, srec: SitzungRecord, out: Path, today: dt.date) -> list[Path]:
    """Write the Niederschrift documents and Beschlussauszüge of one Sitzung into the two trees."""
    n, path = srec.niederschrift, srec.niederschrift_path
    assert n is not None and path is not None
    display = display_path(path)
    own = tuple(origins_of(n, path, display))
    drucksachen = tuple(o for e in srec.all_tops() for r in e.records
                        for o in origins_of(r.vorlage, r.path, r.display))  # an Auszug shows their Beschlussvorschlag
    layout, body = _layout(project, srec)
    profile = project.ref.koerperschaften[project.ref.gremien[srec.sitzung.gremium].koerperschaft].niederschrift
    epoch = _epoch(project, srec.sitzung.datum)
    head = f"Niederschrift {srec.sitzung.nummer}"
    public_dir = out / PUBLIC_TREE / "sitzungen" / srec.slug
    internal_dir = out / INTERNAL_TREE / "sitzungen" / srec.slug
    plan: list[tuple[Path, Target]] = []

    def niederschrift(teil: str, minimal: bool, intern: bool) -> Target:
        ctx = niederschrift_context(project, srec, teil, minimal=minimal, intern=intern, today=today)
        md = render_markdown(layout, ctx.as_dict(), "niederschrift.md.j2")
        return Target(md, f"{head} ({ctx.teil})", srec.sitzung.nummer, ctx.entwurf, own)

    plan.append((public_dir / "Niederschrift",
                 niederschrift(TEIL_OEFFENTLICH, profile.oeffentliche_fassung == "minimal", intern=False)))
    plan.append((internal_dir / "Niederschrift-oeffentlicher-Teil",
                 niederschrift(TEIL_OEFFENTLICH, False, intern=True)))
    if any(not e.oeffentlich_beraten for e in srec.all_tops()):
        plan.append((internal_dir / "Niederschrift-nichtoeffentlicher-Teil",
                     niederschrift(TEIL_NICHTOEFFENTLICH, False, intern=True)))
    for ctx in auszug_contexts(project, srec, today):
        md = render_markdown(layout, ctx.as_dict(), "beschlussauszug.md.j2")
        plan.append((internal_dir / "Beschlussauszuege" / f"Beschlussauszug-TOP-{file_part(ctx.top.nummer)}",
                     Target(md, f"Beschlussauszug TOP {ctx.top.nummer}, {srec.sitzung.nummer}",
                            srec.sitzung.nummer, n.stand == "Entwurf", own + drucksachen)))
    written = []
    for folder, public in ((public_dir, True), (internal_dir, False)):  # the Anlagen, named by their number only
        for nr, anlage in anlagen_of(srec, public=public):
            source = anlage_path(anlage.datei, path)
            target_path = folder / f"Niederschrift-Anlage-{nr}{source.suffix.lower()}"
            write_atomic(target_path, source.read_bytes())
            written.append(target_path)
    for base, target in plan:
        public = base.is_relative_to(out / PUBLIC_TREE)
        for fmt, data in _render(target, layout, body, epoch, display, public=public).items():
            path = base.with_name(base.name + "." + fmt)
            write_atomic(path, data)
            written.append(path)
    return written


CSV_FIELDS = ("gremium", "datum", "sitzung", "top", "drucksache", "gegenstand", "ergebnis", "amt", "frist",
              "status", "ampel", "bericht")


def kontrolle_csv(rows: list[KontrollZeile]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, delimiter=";", extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(asdict(row))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 CSV correctly


def build_beschluesse(project: Project, out: Path, today: dt.date, *, gremium: str | None = None,
                      status: str | None = None, alle: bool = False) -> list[Path]:
    """The Beschlusskontrolle of each Körperschaft as PDF and CSV: all Beschlüsse (internal tree) and
    those of public TOPs (public tree), filtered by Gremium and status."""
    written = []
    bodies = sorted({project.ref.gremien[s.sitzung.gremium].koerperschaft for s in project.sitzungen
                     if s.niederschrift is not None and (gremium is None or s.sitzung.gremium == gremium)})
    for body_id in bodies:
        koerperschaft = project.ref.koerperschaften[body_id]
        layout = get_layout(koerperschaft.layout, project.root)
        for public, tree in ((True, PUBLIC_TREE), (False, INTERNAL_TREE)):
            rows = [r for r in kontroll_zeilen(project, today, public=public, alle=alle) if r.koerperschaft == body_id
                    and (gremium is None or r.gremium_id == gremium) and (status is None or r.status == status)]
            auswahl = ", ".join((project.ref.gremien[gremium].name if gremium else "alle Gremien",
                                 f"Stand „{status}“" if status else "jeder Stand",
                                 "nur öffentliche Beschlüsse" if public else "mit nichtöffentlichen",
                                 "alle Beschlüsse" if alle else "Beschlüsse mit Auftrag an die Verwaltung"))
            md = render_markdown(layout, {"koerperschaft": koerperschaft, "zeilen": rows, "auswahl": auswahl,
                                          "heute": today.strftime("%d.%m.%Y")}, "beschlusskontrolle.md.j2")
            docs = _render(Target(md, "Beschlusskontrolle", "", False), layout, koerperschaft.name,
                           _epoch(project, today), "Beschlusskontrolle", public=public)
            folder = out / tree / "beschluesse" / body_id
            for name, data in (("Beschlusskontrolle.csv", kontrolle_csv(rows)),
                               ("Beschlusskontrolle.pdf", docs["pdf"])):
                write_atomic(folder / name, data)
                written.append(folder / name)
    return written
