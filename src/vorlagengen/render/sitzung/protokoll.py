"""After the session: the Niederschrift (public and non-public part, the public one minimal where the
Körperschaft's profile says so), a Beschlussauszug per TOP, and the Beschlusskontrolle list (PDF, CSV).

Public documents go to the public tree, everything else to the internal one. The public Niederschrift
is made from a context holding only the public TOPs' results (``niederschrift_context``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import asdict
from pathlib import Path

from ... import trees
from ...records import Project, SitzungRecord, display_path, slug
from ...stand import stand
from .. import recipe
from ..build import code_fingerprint, project_fingerprint
from ..layouts import Layout, get_layout
from ..origins import origins_of
from ..output import Made, Output, make, open_output
from ..recipe import Document, Prepared
from .niederschrift import (
    TEIL_NICHTOEFFENTLICH,
    TEIL_OEFFENTLICH,
    KontrollZeile,
    auszug_contexts,
    kontroll_zeilen,
    niederschrift_context,
)

NIEDERSCHRIFT = "niederschrift"  # the planners, as the manifest names them
BESCHLUESSE = "beschluesse"


def file_part(nummer: str) -> str:
    """A TOP number in a file name: „Ö 3“ → „Oe-3“ (ASCII, so every system and web server takes it)."""
    return slug(nummer.replace("Ö", "Oe").replace("ö", "oe").replace("Ä", "Ae").replace("Ü", "Ue"))


def _epoch(project: Project, day: dt.date) -> int:
    _, epoch = stand(project.root)
    return epoch or int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC).timestamp())


def _inputs(title: str, koerperschaft: str, nummer: str, entwurf: bool) -> dict[str, str]:
    return {"titel": title, "betreff": title, "nummer": nummer, "art": title, "autor": koerperschaft,
            "koerperschaft": koerperschaft, "datum": "", "status": "", "beschreibung": title,
            "entwurf": "ja" if entwurf else "nein", "fusszeile": title}


def _document(kind: str, template: str, layout: Layout, base: str, epoch: int, public: bool, target: Path,
              formats: tuple[str, ...], display: str, prep: Prepared) -> Document:
    """A document whose context is made when planned (it is cheap): the fingerprint is the context's."""
    fp = recipe.fingerprint(base, kind, template, prep.context, prep.inputs, epoch, public, prep.entwurf, formats)
    return Document(kind, template, "einladung", layout, epoch, public, target, formats, display, fp, lambda: prep)


def _layout(project: Project, srec: SitzungRecord) -> tuple[Layout, str]:
    body = project.ref.koerperschaften[project.ref.gremien[srec.sitzung.gremium].koerperschaft]
    return get_layout(body.layout, project.root), body.name


def plan_niederschrift(project: Project, srec: SitzungRecord, out: Path, today: dt.date) -> list[Document]:
    """The Niederschrift documents (public, and both parts in full) and a Beschlussauszug per TOP."""
    n, path = srec.niederschrift, srec.niederschrift_path
    assert n is not None and path is not None
    display = display_path(path)
    own = tuple(origins_of(n, path, display))
    drucksachen = tuple(o for e in srec.all_tops() for r in e.records
                        for o in origins_of(r.vorlage, r.path, r.display))  # an Auszug shows their Beschlussvorschlag
    layout, body = _layout(project, srec)
    base = recipe.fingerprint(code_fingerprint(), project_fingerprint(project.root, layout))
    profile = project.ref.koerperschaften[project.ref.gremien[srec.sitzung.gremium].koerperschaft].niederschrift
    epoch = _epoch(project, srec.sitzung.datum)
    head = f"Niederschrift {srec.sitzung.nummer}"
    public_dir = out / trees.PUBLIC / "sitzungen" / srec.slug
    internal_dir = out / trees.INTERNAL / "sitzungen" / srec.slug
    docs: list[Document] = []

    def niederschrift(target: Path, teil: str, minimal: bool, intern: bool) -> None:
        ctx = niederschrift_context(project, srec, teil, minimal=minimal, intern=intern, today=today)
        title = f"{head} ({ctx.teil})"
        prep = Prepared(ctx.as_dict(), _inputs(title, body, srec.sitzung.nummer, ctx.entwurf), ctx.entwurf, own)
        docs.append(_document("Niederschrift", "niederschrift.md.j2", layout, base, epoch, not intern, target,
                              ("pdf", "docx"), display, prep))

    niederschrift(public_dir / "Niederschrift", TEIL_OEFFENTLICH, profile.oeffentliche_fassung == "minimal",
                  intern=False)
    niederschrift(internal_dir / "Niederschrift-oeffentlicher-Teil", TEIL_OEFFENTLICH, False, intern=True)
    if any(not e.oeffentlich for e in srec.all_tops()):
        niederschrift(internal_dir / "Niederschrift-nichtoeffentlicher-Teil", TEIL_NICHTOEFFENTLICH, False,
                      intern=True)
    for ctx in auszug_contexts(project, srec, today):
        title = f"Beschlussauszug TOP {ctx.top.nummer}, {srec.sitzung.nummer}"
        entwurf = n.stand == "Entwurf"
        prep = Prepared(ctx.as_dict(), _inputs(title, body, srec.sitzung.nummer, entwurf), entwurf, own + drucksachen)
        docs.append(_document("Beschlussauszug", "beschlussauszug.md.j2", layout, base, epoch, False,
                              internal_dir / "Beschlussauszuege" / f"Beschlussauszug-TOP-{file_part(ctx.top.nummer)}",
                              ("pdf", "docx"), display, prep))
    return docs


def _render(doc: Document, formats: tuple[str, ...]) -> dict[str, bytes]:
    """The recipe; the Beschlusskontrolle's CSV from the rows its PDF shows."""
    prep = doc.prepare()
    out = recipe.render(doc, prep, tuple(f for f in formats if f != "csv")) if set(formats) - {"csv"} else {}
    if "csv" in formats:
        out["csv"] = kontrolle_csv(prep.context["zeilen"])
    return out


def write_niederschriften(output: Output, project: Project, chosen: list[SitzungRecord], today: dt.date, *,
                          complete: bool = False) -> list[Path]:
    """Bring the Niederschriften of ``chosen`` up to date (with ``complete``: all of them, and the
    documents of Niederschriften that are gone are removed)."""
    docs = [d for srec in chosen for d in plan_niederschrift(project, srec, output.out, today)]
    scopes = {output.key(output.out / tree / "sitzungen" / srec.slug) + "/" for srec in chosen
              for tree in (trees.PUBLIC, trees.INTERNAL)}
    made = make(output, docs, NIEDERSCHRIFT, render=_render, jobs=2,
                scope=(lambda _key: True) if complete else (lambda key: any(key.startswith(s) for s in scopes)))
    return made.built + made.skipped


def build_niederschrift(project: Project, srec: SitzungRecord, out: Path, today: dt.date) -> list[Path]:
    """Write the Niederschrift documents and Beschlussauszüge of one Sitzung into the two trees."""
    with open_output(out) as output:
        return write_niederschriften(output, project, [srec], today)


CSV_FIELDS = ("gremium", "datum", "sitzung", "top", "drucksache", "gegenstand", "ergebnis", "amt", "frist",
              "status", "ampel", "bericht")


def kontrolle_csv(rows: list[KontrollZeile]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, delimiter=";", extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(asdict(row))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 CSV correctly


def plan_beschluesse(project: Project, out: Path, today: dt.date, *, gremium: str | None = None,
                     status: str | None = None) -> list[Document]:
    """The Beschlusskontrolle of each Körperschaft as PDF and CSV: all Beschlüsse (internal tree) and
    those of public TOPs (public tree), filtered by Gremium and status."""
    docs = []
    bodies = sorted({project.ref.gremien[s.sitzung.gremium].koerperschaft for s in project.sitzungen
                     if s.niederschrift is not None and (gremium is None or s.sitzung.gremium == gremium)})
    for body_id in bodies:
        koerperschaft = project.ref.koerperschaften[body_id]
        layout = get_layout(koerperschaft.layout, project.root)
        base = recipe.fingerprint(code_fingerprint(), project_fingerprint(project.root, layout))
        for public, tree in ((True, trees.PUBLIC), (False, trees.INTERNAL)):
            rows = [r for r in kontroll_zeilen(project, today, public=public) if r.koerperschaft == body_id
                    and (gremium is None or r.gremium_id == gremium) and (status is None or r.status == status)]
            auswahl = ", ".join((project.ref.gremien[gremium].name if gremium else "alle Gremien",
                                 f"Stand „{status}“" if status else "jeder Stand",
                                 "nur öffentliche Beschlüsse" if public else "mit nichtöffentlichen"))
            context = {"koerperschaft": koerperschaft, "zeilen": rows, "auswahl": auswahl,
                       "heute": today.strftime("%d.%m.%Y")}
            prep = Prepared(context, _inputs("Beschlusskontrolle", koerperschaft.name, "", False))
            docs.append(_document("Beschlusskontrolle", "beschlusskontrolle.md.j2", layout, base,
                                  _epoch(project, today), public, out / tree / "beschluesse" / body_id /
                                  "Beschlusskontrolle", ("csv", "pdf"), "Beschlusskontrolle", prep))
    return docs


def write_beschluesse(output: Output, project: Project, today: dt.date, *, gremium: str | None = None,
                      status: str | None = None) -> Made:
    """Bring the Beschlusskontrolle up to date; without a Gremium chosen, that of a Körperschaft
    without Niederschriften any more is removed."""
    docs = plan_beschluesse(project, output.out, today, gremium=gremium, status=status)
    return make(output, docs, BESCHLUESSE, render=_render, jobs=2,
                scope=(lambda _key: True) if gremium is None else (lambda _key: False))


def build_beschluesse(project: Project, out: Path, today: dt.date, *, gremium: str | None = None,
                      status: str | None = None) -> list[Path]:
    with open_output(out) as output:
        made = write_beschluesse(output, project, today, gremium=gremium, status=status)
    return made.built + made.skipped
