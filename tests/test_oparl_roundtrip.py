"""Round trip: an imported body comes out of the OParl export valid against the official schema, with
each Paper's reference, name, date and consultations as the source had them, and its documents at
their original addresses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from oparl_import_support import HUERTGENWALD, sample, write_dump
from oparl_support import check_export, follow_pages
from site_support import copy_demo
from vorlagengen.load.project import Project, load_project
from vorlagengen.oparl.fetch import ClientSettings
from vorlagengen.oparl.quirks import one_line
from vorlagengen.oparl.run import ImportSettings, run_import
from vorlagengen.public.projection import public_project
from vorlagengen.site import build_site, oparl_export
from vorlagengen.site.config import Website

BASE = "https://ratsinfo.example.org/"


def export_of(lists: dict[str, list[dict[str, Any]]], tmp_path: Path) -> Path:
    root = tmp_path / "projekt"
    run_import(ImportSettings(str(write_dump(tmp_path / "dump", lists)), root, client=ClientSettings(pause=0),
                              today=dt.date(2026, 1, 1)))
    out = tmp_path / "build" / "oeffentlich"  # imported Drucksachen have no built documents
    build_site(public_project(load_project(root)), out / "site", documents=out,
               website=Website.model_validate({"basis_url": BASE}), state=tmp_path / "build" / "intern" / "c.json",
               today=dt.date(2026, 1, 1))
    return out / "site"


def consultations(paper: dict[str, Any], organizations: dict[str, str], meetings: dict[str, str]
                  ) -> set[tuple[str, str]]:
    return {(organizations[c["organization"][0]], meetings[c["meeting"]][:10]) for c in paper.get("consultation", [])}


def test_imported_papers_come_out_of_the_export_unchanged(tmp_path: Path) -> None:
    lists = sample()
    site = export_of(lists, tmp_path)
    assert check_export(site, BASE) == []
    body = json.loads((site / "oparl" / "bodies.json").read_text(encoding="utf-8"))["data"][0]
    papers = {p["reference"]: p for p in follow_pages(site, BASE, body["paper"])}
    out_orgs = {o["id"]: o["name"] for o in follow_pages(site, BASE, body["organization"])}
    out_meetings = {m["id"]: m["start"] for m in follow_pages(site, BASE, body["meeting"])}
    src_orgs = {o["id"]: o["name"] for o in lists["organization"]}
    src_meetings = {m["id"]: m["start"] for m in lists["meeting"]}
    assert set(papers) == {p["reference"] for p in lists["paper"]}
    for source in lists["paper"]:
        exported = papers[source["reference"]]
        assert exported["name"] == one_line(source["name"])
        assert exported["date"] == source["date"]
        src = {(src_orgs[c["organization"][0]], src_meetings[c["meeting"]][:10]) for c in source.get("consultation", [])}
        assert consultations(exported, out_orgs, out_meetings) == src
        if "mainFile" in source:  # the document stays at its address in the former system
            assert exported["mainFile"]["accessUrl"] == source["mainFile"]["accessUrl"]
            assert [f["accessUrl"] for f in exported.get("auxiliaryFile", [])] == [
                f["accessUrl"] for f in source.get("auxiliaryFile", [])]
    page = (site / "drucksachen" / "musterdorf" / "bv-2024-0007.html").read_text(encoding="utf-8")
    assert f'<a href="{lists["paper"][0]["mainFile"]["accessUrl"]}">Vorlage BV/2024/0007</a>' in page


# --- own export → import: field by field ---------------------------------------------------------------


def export_dump(project: Project, folder: Path) -> Path:
    """The OParl export of the public projection of ``project``, its list pages written as a dump folder
    (the object files repeat what the lists hold)."""
    files = oparl_export(public_project(project), folder / "dokumente", Website.model_validate({"basis_url": BASE}))
    for rel, obj in files.items():
        if rel.count("/") <= 2:  # system.json, bodies.json, body/x.json, body/x/papers.json, …-2.json
            target = folder / "oparl" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(json.dumps(obj, ensure_ascii=False).encode("utf-8"))
    return folder / "oparl"


def facts(project: Project) -> dict[str, Any]:
    """Everything of a project OParl can carry, keyed by what stays the same across a round trip
    (numbers, names, dates: not file paths). None stands for what OParl cannot carry: the date of a
    step without a public Sitzung (a Consultation has no date of its own), a Bezug on a Drucksache
    outside the export."""
    ref = project.ref
    def gname(gid: str | None) -> str | None:
        return ref.gremien[gid].name if gid in ref.gremien else ref.aemter[gid].name if gid in ref.aemter else None
    def pname(pid: str | None) -> str | None:
        return ref.personen[pid].name if pid in ref.personen else None
    def files(q: Any) -> list[str]:
        return [f.url for f in [q.dokument, q.einladung, q.niederschrift, *q.anlagen] if f] if q else []
    def top_files(e: Any) -> list[str]:
        return [f.url for f in ([e.quelle.beschluss] if e.quelle.beschluss else []) + e.quelle.anlagen] if e.quelle else []
    held = {(s.sitzung.gremium, s.sitzung.datum) for s in project.sitzungen}
    numbers = {r.vorlage.nummer for r in project.records}
    out: dict[str, Any] = {}
    for r in project.records:
        v = r.vorlage
        out[f"Drucksache {v.nummer}"] = {
            "datum": v.datum, "betreff": v.betreff, "federfuehrend": gname(v.federfuehrend),
            "initiator": gname(v.initiator), "bezug": v.bezug if v.bezug in numbers else None,
            "beratungsfolge": [(gname(s.gremium), s.datum if (s.gremium, s.datum) in held else None, s.zustaendigkeit)
                               for s in v.beratungsfolge]}
        if v.quelle is not None:  # an imported one: its documents at the source
            out[f"Drucksache {v.nummer}"]["dokumente"] = files(v.quelle)
    for s in project.sitzungen:
        z = s.sitzung
        tops = [(e.nummer, e.drucksache or e.titel, e.quelle.ergebnis if e.quelle else None, top_files(e))
                for e in s.all_tops() if e.oeffentlich]
        out[f"Sitzung {gname(z.gremium)} {z.datum}"] = {
            "nummer": z.nummer, "beginn": z.beginn, "ende": z.ende, "raum": z.raum, "tops": tops,
            "dokumente": files(z.quelle)}
    members: set[str] = {s.sitzung.sitzungsleitung for s in project.sitzungen if s.sitzung.sitzungsleitung}
    for g in ref.gremien.values():
        members |= {m.person for m in g.mitglieder}
        out[f"Gremium {g.name}"] = {"typ": g.typ, "kurzname": g.kurzname, "mitglieder": sorted(
            (pname(m.person) or "", gname(m.fraktion) or "", m.rolle, str(m.von), str(m.bis)) for m in g.mitglieder)}
    for a in ref.aemter.values():
        out[f"Amt {a.name}"] = {}
    for pid in members & set(ref.personen):  # people in a public role (OParl's Persons)
        out[f"Person {ref.personen[pid].name}"] = {"anrede": ref.personen[pid].anrede}
    return out


def _same(before: Any, after: Any) -> bool:
    """``after`` gives back ``before``; None (and an empty list) in ``before`` ask for nothing."""
    if before is None or before == []:
        return True
    if isinstance(before, (list, tuple)) and isinstance(after, (list, tuple)):
        return len(before) == len(after) and all(_same(b, a) for b, a in zip(before, after, strict=True))
    return bool(before == after)


def lost(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What the round trip did not give back, field by field."""
    out = [f"{key}: fehlt" for key in before if key not in after]
    out += [f"{key}.{name}: {value!r} → {after[key].get(name)!r}" for key, fields in before.items() if key in after
            for name, value in fields.items() if not _same(value, after[key].get(name))]
    return out


def round_trip(project: Project, tmp_path: Path) -> Project:
    again = tmp_path / "wieder"
    run_import(ImportSettings(str(export_dump(project, tmp_path / "export")), again, client=ClientSettings(pause=0),
                              today=dt.date(2026, 1, 1)))
    return load_project(again)


def test_the_demo_project_comes_back_from_its_own_export(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "projekt")
    before = facts(public_project(load_project(root)))
    assert lost(before, facts(round_trip(load_project(root), tmp_path))) == []


def test_the_huertgenwald_project_comes_back_from_its_own_export(tmp_path: Path) -> None:
    """The whole imported history of a Gemeinde (2,092 Drucksachen, 346 Sitzungen): export → import."""
    assert HUERTGENWALD.is_file(), f"the acceptance dump is missing: {HUERTGENWALD} (VORLAGENGEN_OPARL_ABZUG)"
    root = tmp_path / "projekt"
    run_import(ImportSettings(str(HUERTGENWALD), root, client=ClientSettings(pause=0), today=dt.date(2026, 1, 1)))
    project = load_project(root)
    before = facts(public_project(project))
    assert sum(k.startswith("Drucksache ") for k in before) == 2092 and sum(k.startswith("Sitzung ") for k in before) \
        == 346
    # the memberships of the Gremien the public projection carries (533 in the project): every Fraktion's and those
    # of each Gremium with a public Sitzung or Drucksache; a Gremium without either stays out with its members
    assert sum(len(f["mitglieder"]) for k, f in before.items() if k.startswith("Gremium ")) == 524
    assert lost(before, facts(round_trip(project, tmp_path))) == []
