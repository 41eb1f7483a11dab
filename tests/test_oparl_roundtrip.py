"""Round trip: an imported body comes out of the OParl export valid against the official schema, with
each Paper's reference, name, date and consultations as the source had them, and its documents at
their original addresses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from oparl_import_support import sample, write_dump
from oparl_support import check_export, follow_pages
from vorlagengen.oparl.fetch import ClientSettings
from vorlagengen.oparl.quirks import one_line
from vorlagengen.oparl.run import ImportSettings, run_import
from vorlagengen.project import load_project
from vorlagengen.public import public_project
from vorlagengen.publish import build_site
from vorlagengen.publish.config import Website

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
