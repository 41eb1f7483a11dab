"""The public projection: what it keeps, what it drops, and that it shares nothing with the input."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from leak_support import MARKERS, NR_NOE, NR_NOE2, NR_OEFF, NR_STELLUNGNAHME, find_in_text, make_leak_project
from vorlagengen.load.project import Project, load_project
from vorlagengen.model.records import ProjectData, PublicProject
from vorlagengen.public.projection import public_project

_ATOMS = (str, int, float, bool, bytes, type(None), dt.date, Decimal, Path, enum.Enum)


def _walk(obj: Any, seen: set[int], out: list[Any]) -> None:
    """Every object reachable from obj through dataclass fields, pydantic fields and containers."""
    if isinstance(obj, _ATOMS) or id(obj) in seen:
        if isinstance(obj, _ATOMS):
            out.append(obj)
        return
    seen.add(id(obj))
    out.append(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        children: list[Any] = [getattr(obj, f.name) for f in dataclasses.fields(obj)]
    elif isinstance(obj, BaseModel):
        children = list(obj.__dict__.values())
    elif isinstance(obj, dict):
        children = [*obj.keys(), *obj.values()]
    elif isinstance(obj, list | tuple | set | frozenset):
        children = list(obj)
    else:
        raise AssertionError(f"unexpected object in a Project: {type(obj)}")
    for child in children:
        _walk(child, seen, out)


def reachable(project: ProjectData) -> list[Any]:
    out: list[Any] = []
    _walk(project, set(), out)
    return out


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = make_leak_project(tmp_path_factory.mktemp("leak") / "projekt")
    return load_project(root, jobs=1)


@pytest.fixture(scope="module")
def public(full: Project) -> PublicProject:
    return public_project(full)


def test_projection_holds_no_marker_in_any_object(full: Project, public: PublicProject) -> None:
    everything = "\n".join(repr(o) for o in reachable(public))
    assert find_in_text(everything) == []
    # the fixture is effective: the full project holds every marker but the file contents
    in_full = set(find_in_text("\n".join(repr(o) for o in reachable(full))))
    content_only = {"NoeAnlageText", "NoeAnlageInfo", "NoeAnlageXmp", "OeNoeAnlageText", "OeNoeAnlageInfo",
                    "PersAnlageText", "PersAnlageInfo"}
    assert set(MARKERS) - in_full == content_only


def test_projection_shares_no_mutable_object(full: Project, public: PublicProject) -> None:
    immutable = (*_ATOMS, tuple, frozenset)  # their elements are walked and checked themselves
    mutable_in_full = {id(o) for o in reachable(full) if not isinstance(o, immutable)}
    shared = [o for o in reachable(public) if not isinstance(o, immutable) and id(o) in mutable_in_full]
    assert shared == []


def test_projection_keeps_public_drucksachen_only(public: PublicProject) -> None:
    assert public.public
    assert sorted(r.vorlage.nummer for r in public.records) == [NR_STELLUNGNAHME, NR_OEFF]
    assert (("lueneburg", NR_NOE) in public.oeffentlich) and not public.ist_oeffentlich("lueneburg", NR_NOE)
    assert ("lueneburg", NR_NOE2) not in public.oeffentlich  # no public record names it
    assert ("lueneburg", NR_NOE) not in public.betreffs
    assert public.ist_oeffentlich("lueneburg", NR_OEFF)


def test_public_anlagen_keep_their_numbers_and_count_the_others(public: PublicProject) -> None:
    rec = next(r for r in public.records if r.vorlage.nummer == NR_OEFF)
    assert [a.titel for a in rec.vorlage.anlagen] == ["Oeffentlichkeitsanlage Plan", "Brief von [geschwärzt]{.geschwaerzt}"]
    assert rec.anlagen_nummern == [1, 4]
    assert rec.vorenthalten == {"nichtöffentlich": 1, "personenbezogen": 1}


def test_schwaerzungen_become_the_placeholder(public: PublicProject) -> None:
    rec = next(r for r in public.records if r.vorlage.nummer == NR_OEFF)
    assert rec.vorlage.betreff == "Spielplatzsanierung auf Antrag von [geschwärzt]{.geschwaerzt}"
    assert rec.vorlage.sachverhalt is not None
    assert rec.vorlage.sachverhalt.count("[geschwärzt]{.geschwaerzt}") == 2
    assert rec.vorlage.schwaerzen == []
    assert public.betreffs[("lueneburg", NR_OEFF)] == rec.vorlage.betreff


def test_sitzung_keeps_public_tops_and_knows_of_the_non_public_part(public: PublicProject) -> None:
    (s,) = public.sitzungen
    assert [e.nummer for e in s.all_tops()] == ["Ö 1", "Ö 2", "Ö 3", "Ö 4"]
    assert s.sitzung.tagesordnung.nichtoeffentlich == []
    assert s.hat_nichtoeffentlichen_teil()
    assert s.all_tops()[3].titel == "Bericht zu [geschwärzt]{.geschwaerzt}"
    by_nr = {r.vorlage.nummer: r for r in public.records}
    assert s.all_tops()[1].record is by_nr[NR_OEFF]
    n = s.niederschrift  # the Niederschrift's public TOPs, without guests and reasons of absence
    assert n is not None and [t.top for t in n.tops] == ["Ö 1", "Ö 2", "Ö 3", "Ö 4"]
    assert n.gaeste == [] and all(a.grund is None for a in n.anwesenheit)
    assert {k: (t.ergebnis, t.abstimmung) for k, t in s.oeffentliche_ergebnisse.items()} == {
        "Ö 2": ("zur Kenntnis genommen", None), "Ö 3": ("zur Kenntnis genommen", None),
        "Ö 4": ("zur Kenntnis genommen", None)}
    assert all(t.inhalt is None and t.beschluss is None and t.kontrolle is None
               for t in s.oeffentliche_ergebnisse.values())


def test_reference_data_only_what_public_records_use(full: Project, public: PublicProject) -> None:
    assert "lk-noe-person" in full.ref.personen
    for table, key in (("personen", "lk-noe-person"), ("personen", "lk-noe-dezernent"),
                       ("personen", "lk-noe-unterschrift"), ("gremien", "lk-noe-gremium"), ("aemter", "lk-noe-amt")):
        assert key not in getattr(public.ref, table)
    sga = full.ref.gremien["lueneburg-sga"]
    members = {m.person for m in sga.mitglieder} | {p for m in sga.mitglieder for p in m.stellvertretung}
    assert members  # membership of a public Gremium is public: its members stay
    # the public Niederschrift names its Schriftführung
    assert set(public.ref.personen) == {"lueneburg-hampe", "lueneburg-vorsitz-sga", "lueneburg-schriftfuehrung"} | members
    assert set(public.ref.gremien) == {"lueneburg-sga"} | {m.fraktion for m in sga.mitglieder if m.fraktion}
    assert set(public.ref.aemter) == {"lueneburg-05"}
    assert public.ref.altbestand == {}


def test_non_public_beratung_loses_top_and_ergebnis(tmp_path: Path) -> None:
    from vorlagengen.load.project import Record
    from vorlagengen.model.drucksache import Vorlage
    from vorlagengen.public.projection import public_record

    v = Vorlage.model_validate({
        "nummer": "1", "datum": "2019-01-01", "koerperschaft": "lueneburg", "art": "Mitteilungsvorlage",
        "status": "öffentlich", "betreff": "B", "sachverhalt": "S",
        "beratungsfolge": [
            {"gremium": "g", "datum": "2019-02-01", "top": "N 3", "zustaendigkeit": "Vorberatung",
             "oeffentlich": False, "ergebnis": "abgelehnt", "abstimmung": "3 Ja, 9 Nein"},
            {"gremium": "g", "datum": "2019-03-01", "top": "Ö 2", "zustaendigkeit": "Entscheidung",
             "ergebnis": "ungeändert beschlossen", "abstimmung": "einstimmig"}]})
    steps = public_record(Record(tmp_path / "x.yaml", "x.yaml", v)).vorlage.beratungsfolge
    assert [(s.top, s.ergebnis, s.abstimmung, s.gremium, s.zustaendigkeit) for s in steps] == [
        (None, None, None, "g", "Vorberatung"), ("Ö 2", "ungeändert beschlossen", "einstimmig", "g", "Entscheidung")]
    # the agenda decides: a Sitzung that holds the Drucksache in its non-public part makes the step non-public
    geheim = {("lueneburg", "1", "g", dt.date(2019, 3, 1))}
    steps = public_record(Record(tmp_path / "x.yaml", "x.yaml", v), geheim).vorlage.beratungsfolge
    assert [(s.top, s.ergebnis, s.abstimmung, s.oeffentlich) for s in steps] == [(None, None, None, False)] * 2
