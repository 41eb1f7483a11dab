"""After the session: the Niederschrift (public and non-public part, the public one minimal where the
Körperschaft's profile says so), a Beschlussauszug per TOP, and the Beschlusskontrolle list (PDF, CSV).

The public Niederschrift and the public Beschlusskontrolle (PDF and CSV) are made from the public
projection (a ``PublicProject``: public TOPs only, Schwärzungen replaced) into the public tree;
everything else from the full project into the internal one. Which tree a document goes to follows
from the project it was made from, never from a path."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict
from pathlib import Path

import vorlagengen.documents.recipe as recipe
import vorlagengen.documents.trees as trees
from vorlagengen.documents.drucksache import code_fingerprint, project_fingerprint
from vorlagengen.documents.layouts import Layout, get_layout
from vorlagengen.documents.origins import Origin, origins_of
from vorlagengen.documents.output import Made, Output, make, open_output
from vorlagengen.documents.recipe import Document, Prepared
from vorlagengen.documents.sitzung.niederschrift import (
    TEIL_NICHTOEFFENTLICH,
    TEIL_OEFFENTLICH,
    KontrollZeile,
    anlagen_of,
    auszug_contexts,
    kontroll_zeilen,
    niederschrift_context,
    woerter_of,
)
from vorlagengen.documents.stand import stand
from vorlagengen.documents.woerter import Woerter, page_words, sitzung_woerter
from vorlagengen.documents.writing import csv_bytes
from vorlagengen.model.records import (
    Project,
    ProjectData,
    PublicProject,
    SitzungRecord,
    anlage_path,
    display_path,
    slug,
)
from vorlagengen.public.projection import public_project
from vorlagengen.public.schwaerzung import klartext

NIEDERSCHRIFT = "niederschrift"  # the planners, as the manifest names them
BESCHLUESSE = "beschluesse"
ANLAGE = "Niederschrift-Anlage"  # a file of the Niederschrift, copied as it is


def file_part(nummer: str) -> str:
    """A TOP number in a file name: „Ö 3“ → „Oe-3“, „7.“ → „7“ (ASCII, so every system and web server
    takes it, and no „..“ before the suffix)."""
    return slug(nummer.replace("Ö", "Oe").replace("ö", "oe").replace("Ä", "Ae").replace("Ü", "Ue")).strip(".-")


def _epoch(project: ProjectData, day: dt.date) -> int:
    _, epoch = stand(project.root)
    return epoch or int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC).timestamp())


def _inputs(title: str, koerperschaft: str, nummer: str, entwurf: bool, w: Woerter) -> dict[str, str]:
    return {"titel": title, "betreff": title, "nummer": nummer, "art": title, "autor": koerperschaft,
            "koerperschaft": koerperschaft, "datum": "", "status": "", "beschreibung": title,
            "entwurf": "ja" if entwurf else "nein", "fusszeile": title, **page_words(w)}


def _prepared(context: dict[str, object], inputs: dict[str, str], entwurf: bool, origins: tuple[Origin, ...],
              w: Woerter) -> Prepared:
    """A document with the word table's page words in its DOCX footer and draft stamp too."""
    return Prepared(context, inputs, entwurf, origins, seite=(inputs["seite_a"], inputs["seite_b"], inputs["seite_c"]),
                    stempel=inputs["entwurf_stempel"])


def _document(kind: str, template: str, layout: Layout, base: str, epoch: int, public: bool, target: Path,
              formats: tuple[str, ...], display: str, prep: Prepared) -> Document:
    """A document whose context is made when planned (it is cheap): the fingerprint is the context's."""
    fp = recipe.fingerprint(base, kind, template, prep.context, prep.inputs, epoch, public, prep.entwurf, formats)
    return Document(kind, template, "einladung", layout, epoch, public, target, formats, display, fp, lambda: prep)


def _layout(project: ProjectData, srec: SitzungRecord) -> tuple[Layout, str]:
    body = project.ref.koerperschaften[project.ref.gremien[srec.sitzung.gremium].koerperschaft]
    return get_layout(body.layout, project.root), body.name


def plan_niederschrift(project: Project, srec: SitzungRecord, out: Path, today: dt.date,
                       public: PublicProject | None = None) -> list[Document]:
    """The Niederschrift documents (the public one from the projection ``public``, made here if not
    given, into the draft tree while the Niederschrift is an „Entwurf“; both parts in full from the
    full project), a Beschlussauszug per TOP, and the Niederschrift's Anlagen."""
    n, path = srec.niederschrift, srec.niederschrift_path
    assert n is not None and path is not None
    public = public if public is not None else public_project(project)
    public_srec = next(p for p in public.sitzungen if p.path == srec.path)
    display = display_path(path)
    own = tuple(origins_of(n, path, display))
    drucksachen = tuple(o for e in srec.all_tops() for r in e.records
                        for o in origins_of(r.vorlage, r.path, r.display))  # an Auszug shows their Beschlussvorschlag
    layout, body = _layout(project, srec)
    base = recipe.fingerprint(code_fingerprint(), project_fingerprint(project.root, layout))
    profile = project.ref.koerperschaften[project.ref.gremien[srec.sitzung.gremium].koerperschaft].niederschrift
    epoch = _epoch(project, srec.sitzung.datum)
    w = woerter_of(project, srec)
    draft_dir = trees.draft_dir(out) / "sitzungen" / srec.slug
    # a Niederschrift in „Entwurf“ is not published: its public form goes to the draft tree
    public_dir = draft_dir if n.stand == "Entwurf" else out / trees.PUBLIC / "sitzungen" / srec.slug
    internal_dir = out / trees.INTERNAL / "sitzungen" / srec.slug
    docs: list[Document] = []

    def niederschrift(proj: ProjectData, s: SitzungRecord, target: Path, teil: str, minimal: bool) -> None:
        ctx = niederschrift_context(proj, s, teil, minimal=minimal, intern=not proj.public, today=today)
        title = w("niederschrift_kurz", nummer=srec.sitzung.nummer, teil=ctx.teil)
        prep = _prepared(ctx.as_dict(), _inputs(title, body, srec.sitzung.nummer, ctx.entwurf, w), ctx.entwurf, own, w)
        docs.append(_document("Niederschrift", "niederschrift.md.j2", layout, base, epoch, proj.public, target,
                              ("pdf", "docx"), display, prep))

    niederschrift(public, public_srec, public_dir / "Niederschrift", TEIL_OEFFENTLICH,
                  profile.oeffentliche_fassung == "minimal")
    niederschrift(project, srec, internal_dir / "Niederschrift-oeffentlicher-Teil", TEIL_OEFFENTLICH, False)
    if any(not e.oeffentlich_beraten for e in srec.all_tops()):
        niederschrift(project, srec, internal_dir / "Niederschrift-nichtoeffentlicher-Teil", TEIL_NICHTOEFFENTLICH,
                      False)
    for ctx in auszug_contexts(project, srec, today):
        title = w("beschlussauszug_kurz", top=ctx.top.nummer, nummer=srec.sitzung.nummer)
        entwurf = n.stand == "Entwurf"
        prep = _prepared(ctx.as_dict(), _inputs(title, body, srec.sitzung.nummer, entwurf, w), entwurf,
                         own + drucksachen, w)
        docs.append(_document("Beschlussauszug", "beschlussauszug.md.j2", layout, base, epoch, False,
                              internal_dir / "Beschlussauszuege" / f"Beschlussauszug-TOP-{file_part(ctx.top.nummer)}",
                              ("pdf", "docx"), display, prep))
    # the Anlagen, named by their number only: the public ones from the projection's Niederschrift
    for folder, s, is_public in ((public_dir, public_srec, True), (internal_dir, srec, False)):
        for nr, anlage in anlagen_of(s, public=is_public):
            docs.append(_anlage(anlage_path(anlage.datei, path), folder / f"Niederschrift-Anlage-{nr}", is_public,
                                layout, epoch, display))
    return docs


def _anlage(source: Path, target: Path, public: bool, layout: Layout, epoch: int, display: str) -> Document:
    """A Niederschrift's Anlage, copied as it is (its fingerprint is its content)."""
    fp = recipe.fingerprint(ANLAGE, hashlib.sha256(source.read_bytes()).hexdigest())
    fmt = source.suffix.lower().lstrip(".") or "bin"
    return Document(ANLAGE, "", "", layout, epoch, public, target, (fmt,), display, fp,
                    lambda: Prepared({"datei": str(source)}, {}))


def _render(doc: Document, formats: tuple[str, ...]) -> dict[str, bytes]:
    """The recipe; the Beschlusskontrolle's CSV from the rows its PDF shows; an Anlage as it is."""
    prep = doc.prepare()
    if doc.kind == ANLAGE:
        return {fmt: Path(prep.context["datei"]).read_bytes() for fmt in formats}
    out = recipe.render(doc, prep, tuple(f for f in formats if f != "csv")) if set(formats) - {"csv"} else {}
    if "csv" in formats:
        out["csv"] = kontrolle_csv(prep.context["zeilen"], prep.context["w"])
    return out


def write_niederschriften(output: Output, project: Project, chosen: list[SitzungRecord], today: dt.date, *,
                          complete: bool = False, public: PublicProject | None = None) -> list[Path]:
    """Bring the Niederschriften of ``chosen`` up to date (with ``complete``: all of them, and the
    documents of Niederschriften that are gone are removed); the public ones from the projection."""
    public = public if public is not None else public_project(project)
    docs = [d for srec in chosen for d in plan_niederschrift(project, srec, output.out, today, public)]
    scopes = {output.key(output.out / tree / "sitzungen" / srec.slug) + "/" for srec in chosen
              for tree in (trees.PUBLIC, trees.INTERNAL, trees.DRAFT)}
    made = make(output, docs, NIEDERSCHRIFT, render=_render, jobs=2,
                scope=(lambda _key: True) if complete else (lambda key: any(key.startswith(s) for s in scopes)))
    return made.built + made.skipped


def build_niederschrift(project: Project, srec: SitzungRecord, out: Path, today: dt.date,
                        public: PublicProject | None = None) -> list[Path]:
    """Write the Niederschrift documents and Beschlussauszüge of one Sitzung into the trees."""
    with open_output(out) as output:
        return write_niederschriften(output, project, [srec], today, public=public)


CSV_FIELDS = ("gremium", "datum", "sitzung", "top", "drucksache", "gegenstand", "ergebnis", "amt", "frist",
              "status", "ampel", "bericht")


def kontrolle_csv(rows: list[KontrollZeile], w: Woerter) -> bytes:
    """The rows as CSV under the word table's column heads (csv_…); a Schwärzung shows as its
    bracketed text („[geschwärzt]“ in public rows)."""
    return csv_bytes([w(f"csv_{name}") for name in CSV_FIELDS],
                     ([klartext(str(asdict(row)[name])) for name in CSV_FIELDS] for row in rows))


def plan_beschluesse(project: Project, out: Path, today: dt.date, *, gremium: str | None = None,
                     status: str | None = None, alle: bool = False,
                     public: PublicProject | None = None) -> list[Document]:
    """The Beschlusskontrolle of each Körperschaft as PDF and CSV: all Beschlüsse from the full
    project (internal tree) and those of public TOPs from the projection ``public`` (public tree,
    made here if not given), filtered by Gremium and status."""
    public = public if public is not None else public_project(project)
    docs = []
    bodies = sorted({project.ref.gremien[s.sitzung.gremium].koerperschaft for s in project.sitzungen
                     if s.niederschrift is not None and (gremium is None or s.sitzung.gremium == gremium)})
    for body_id in bodies:
        koerperschaft = project.ref.koerperschaften[body_id]
        layout = get_layout(koerperschaft.layout, project.root)
        base = recipe.fingerprint(code_fingerprint(), project_fingerprint(project.root, layout))
        w = sitzung_woerter(layout, koerperschaft)
        sources: tuple[tuple[ProjectData, str], ...] = ((public, trees.PUBLIC), (project, trees.INTERNAL))
        for proj, tree in sources:
            rows = [r for r in kontroll_zeilen(proj, today, alle=alle) if r.koerperschaft == body_id
                    and (gremium is None or r.gremium_id == gremium) and (status is None or r.status == status)]
            auswahl = ", ".join((project.ref.gremien[gremium].name if gremium else w("bk_alle_gremien"),
                                 w("bk_stand", status=status) if status else w("bk_jeder_stand"),
                                 w("bk_oeffentlich") if proj.public else w("bk_nichtoeffentlich"),
                                 w("bk_alle") if alle else w("bk_auftrag")))
            context = {"koerperschaft": koerperschaft, "zeilen": rows, "auswahl": auswahl,
                       "heute": today.strftime("%d.%m.%Y"), "w": w}
            prep = _prepared(context, _inputs(w("beschlusskontrolle"), koerperschaft.name, "", False, w), False, (), w)
            docs.append(_document("Beschlusskontrolle", "beschlusskontrolle.md.j2", layout, base,
                                  _epoch(project, today), proj.public, out / tree / "beschluesse" / body_id /
                                  "Beschlusskontrolle", ("csv", "pdf"), "Beschlusskontrolle", prep))
    return docs


def write_beschluesse(output: Output, project: Project, today: dt.date, *, gremium: str | None = None,
                      status: str | None = None, alle: bool = False, public: PublicProject | None = None) -> Made:
    """Bring the Beschlusskontrolle up to date; without a Gremium chosen, that of a Körperschaft
    without Niederschriften any more is removed."""
    docs = plan_beschluesse(project, output.out, today, gremium=gremium, status=status, alle=alle, public=public)
    return make(output, docs, BESCHLUESSE, render=_render, jobs=2,
                scope=(lambda _key: True) if gremium is None else (lambda _key: False))


def build_beschluesse(project: Project, out: Path, today: dt.date, *, gremium: str | None = None,
                      status: str | None = None, alle: bool = False,
                      public: PublicProject | None = None) -> list[Path]:
    with open_output(out) as output:
        made = write_beschluesse(output, project, today, gremium=gremium, status=status, alle=alle, public=public)
    return made.built + made.skipped
