"""Sessions as they really run: what was sent stays as sent (a Nachtrag never renumbers the Einladung,
which can be rebuilt byte for byte), a public part after the non-public one, items taken up in the
session, and the agenda as the source of a Drucksache's Beratungsfolge."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import test_niederschrift
from conftest import SMALL_PDF
from render_support import REPO, pdf_pages
from test_niederschrift import edit
from test_sitzung import drucksache, record
from test_sitzung_formen import build, lueneburg, table_rows
from vorlagengen.checks.sitzverteilung import spannen
from vorlagengen.checks.votes import Stimmen, stimmen
from vorlagengen.cli import cli
from vorlagengen.documents.sitzung import build_sitzung
from vorlagengen.documents.sitzung.niederschrift import auszug_contexts, kontroll_zeilen
from vorlagengen.documents.sitzung.protokoll import build_niederschrift, file_part
from vorlagengen.load.project import load_project
from vorlagengen.load.sitzungen import read_sitzung
from vorlagengen.model.niederschrift import Abstimmung, abstimmung_text
from vorlagengen.model.records import RefData
from vorlagengen.public.projection import public_project
from vorlagengen.site.view import site_view

INSERTED = """    - titel: Erster Punkt
    - titel: Nachgereichter Punkt
      nachtrag: Nachtrag
    - titel: Zweiter Punkt"""


def validate(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--projekt", str(root), "validate"])
    return result.exit_code, result.output


def test_a_nachtrag_that_would_renumber_the_sent_einladung_is_refused(tmp_path, monkeypatch):
    root = lueneburg(tmp_path, INSERTED)
    monkeypatch.chdir(root)
    code, output = validate(root)
    lines = (root / "sitzungen" / "s.yaml").read_text(encoding="utf-8").splitlines()
    line = lines.index("    - titel: Zweiter Punkt") + 1
    assert code == 1
    assert (f"sitzungen/s.yaml:{line}:7: tagesordnung.oeffentlich[4].nummer: TOP „Ö 3“ der versandten Einladung vom "
            "22.03.2019 bekäme die Nummer „Ö 4“: Nachträge dürfen die Nummern der Einladung nicht verschieben") \
        in output, output
    assert "Traceback" not in output


def test_before_the_einladung_goes_out_the_agenda_may_still_be_renumbered(tmp_path):
    root = lueneburg(tmp_path, INSERTED)
    project = load_project(root, None, sitzungen=[])
    path = root / "sitzungen" / "s.yaml"
    ref: RefData = project.ref
    _, before = read_sitzung(path, ref, dt.date(2019, 3, 21))
    _, sent = read_sitzung(path, ref, dt.date(2019, 3, 22))
    assert before == [] and len(sent) == 1
    # marked as sent before its date: refused as well
    path.write_text(path.read_text(encoding="utf-8").replace("einladungsdatum:", "einladung_versandt: ja\n"
                                                             "einladungsdatum:"), encoding="utf-8")
    _, marked = read_sitzung(path, ref, dt.date(2019, 3, 21))
    assert len(marked) == 1


@pytest.mark.parametrize("profil, nummer", [("  tagesordnung: {nachtraege: buchstabe}\n", "Ö 3a"), ("", "Ö 3a")])
def test_the_einladung_as_sent_is_rebuilt_byte_for_byte_after_changes(tmp_path, monkeypatch, profil, nummer):
    """A Nachtrag (numbered by letter from the profile or by an own number), a withdrawn item and a
    new commit time change the Nachtrag, never the Einladung; the Nachtrag has its own stable numbers."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1553000000")
    sent = "    - titel: Erster Punkt\n    - titel: Zweiter Punkt\n    - titel: Dritter Punkt"
    root = lueneburg(tmp_path, sent, profil=profil)
    first = build(root)
    einladung = {name: (first / name).read_bytes() for name in ("Einladung.pdf", "Einladung.docx")}
    assert not (first / "Nachtrag.pdf").exists()
    own = "" if profil else f'      nummer: "{nummer}"\n'
    changed = ("    - titel: Erster Punkt\n    - titel: Zweiter Punkt\n"
               f"    - titel: Nachgereichter Punkt\n{own}      nachtrag: Nachtrag\n"
               "    - titel: Dritter Punkt\n      abgesetzt: ja")
    path = root / "sitzungen" / "s.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(sent, changed)
                    .replace("einladungsdatum: 2019-03-22", "einladungsdatum: 2019-03-22\nnachtragsdatum: 2019-03-29\n"
                             "status: abgeschlossen"), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1555000000")  # a later commit
    assert validate(root)[0] == 0
    second = build(root)
    for name, data in einladung.items():
        assert (second / name).read_bytes() == data, name
    assert table_rows(second / "Nachtrag.docx") == [(nummer, "Nachgereichter Punkt (Nachtrag)"),
                                                     ("Ö 4", "Dritter Punkt (abgesetzt)")]
    text = " ".join(" ".join(pdf_pages(second / "Nachtrag.pdf")).split())
    assert "wird wie folgt geändert" in text and "Nachtrag vom 29.03.2019 zur Einladung vom 22.03.2019" in text


def test_the_bekanntmachung_as_published_is_rebuilt_byte_for_byte_after_changes(tmp_path, monkeypatch):
    """Public and non-public items added by Nachtrag, a withdrawn item and a new commit time change the
    Nachträge, never the Bekanntmachung as published; the public changes go out in a public Nachtrag zur
    Bekanntmachung in the public tree, which names nothing of the non-public part."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1553000000")
    sent = "    - titel: Erster Punkt\n    - titel: Zweiter Punkt\n    - titel: Dritter Punkt"
    root = lueneburg(tmp_path, sent)
    first = build(root)
    published = (first / "Bekanntmachung.pdf").read_bytes()
    assert not (first / "Bekanntmachung-Nachtrag.pdf").exists()
    changed = ("    - titel: Erster Punkt\n    - titel: Zweiter Punkt\n"
               '    - titel: Nachgereichter Punkt\n      nummer: "Ö 3a"\n      nachtrag: Nachtrag\n'
               "    - titel: Dritter Punkt\n      abgesetzt: ja")
    path = root / "sitzungen" / "s.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(sent, changed)
                    .replace("    - titel: Personalien", "    - titel: Personalien\n    - titel: Geheimsache Zander\n"
                             "      nachtrag: Tischvorlage")
                    .replace("einladungsdatum: 2019-03-22", "einladungsdatum: 2019-03-22\nnachtragsdatum: 2019-03-29"),
                    encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1555000000")  # a later commit
    assert validate(root)[0] == 0
    project = load_project(root, None, sitzungen=[root / "sitzungen"])
    result = build_sitzung(project, project.sitzungen[0], root / "build")
    assert (result.folder / "Bekanntmachung.pdf").read_bytes() == published
    nachtrag = result.folder / "Bekanntmachung-Nachtrag.pdf"
    text = " ".join(" ".join(pdf_pages(nachtrag)).split())
    assert "Ö 3a Nachgereichter Punkt (Nachtrag)" in text and "Ö 4 Dritter Punkt (abgesetzt)" in text, text
    assert "Nachtrag vom 29.03.2019 zur Bekanntmachung vom 22.03.2019" in text
    assert "Geheimsache" not in text and "Zander" not in nachtrag.read_bytes().decode("latin-1")
    # the internal Nachtrag names both
    intern = " ".join(" ".join(pdf_pages(result.internal_folder / "Nachtrag.pdf")).split())
    assert "Geheimsache Zander" in intern and "Nachgereichter Punkt" in intern


def test_einladung_words_no_repeated_number_no_status_and_no_gremium_phrase(tmp_path):
    root = lueneburg(tmp_path, '    - drucksache: "VO/0001/19"\n      dazu: ["VO/0002/19"]',
                     extra="bezeichnung: 2. Sitzung des Ausschusses\nstatus: abgeschlossen\n"
                     "anlass_bezeichnung: Öffentliche Sitzung\n")
    record(root, "a.yaml", drucksache("VO/0001/19", "Haupt", anlagen="anlagen:\n  - datei: plan.png\n    titel: Plan\n"))
    shutil.copyfile(REPO / "vorlagen/wandsbek/anlagen/spielplatz-lageplan.png", root / "vorlagen/lueneburg/plan.png")
    record(root, "b.yaml", drucksache("VO/0002/19", "Ergänzende Auszüge").replace("Beschlussvorlage", "Mitteilungsvorlage"))
    path = root / "sitzungen" / "s.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("nummer: SGA/2019/02", "nummer: \"2\""),
                    encoding="utf-8")
    folder = build(root)
    text = " ".join(" ".join(pdf_pages(folder / "Einladung.pdf")).split())
    assert "Sitzung: 2. Sitzung des Ausschusses Anlass" in text, text
    assert "(2)" not in text and "Status" not in text and "des Gremiums" not in text
    assert "Gremium: Sozial- und Gesundheitsausschuss" in text and "Anlass: Öffentliche Sitzung" in text
    # per TOP: the Art of each Drucksache, the Betreff of the one „dazu“, whether there are Anlagen
    flat = text.replace("\ufffe", "").replace("\u00ad", "")  # a word hyphenated in the narrow column
    assert ("Ö 2 Haupt; dazu VO/0002/19: Ergänzende Auszüge · Enthält Anlagen VO/0001/19 (Beschlussvorlage), "
            "VO/0002/19 (Mitteilungsvorlage)") in flat, text


def test_public_part_after_the_non_public_part_in_einladung_and_bekanntmachung(tmp_path):
    root = lueneburg(tmp_path, "    - titel: Bericht", nichtoeffentlich="    - titel: Geheime Personalie\n"
                     "  oeffentlich_danach:\n    - titel: Bekanntgabe nichtöffentlich gefasster Beschlüsse")
    folder = build(root)
    einladung = " ".join(" ".join(pdf_pages(folder / "Einladung.pdf")).split())
    assert ("Nichtöffentlicher Teil" in einladung and "N 1 Geheime Personalie Öffentlicher Teil (Fortsetzung)"
            in einladung and "Ö 3 Bekanntgabe nichtöffentlich gefasster Beschlüsse" in einladung), einladung
    bekanntmachung = " ".join(" ".join(pdf_pages(folder / "Bekanntmachung.pdf")).split())
    assert "Ö 3 Bekanntgabe nichtöffentlich gefasster Beschlüsse" in bekanntmachung
    assert "Geheime Personalie" not in bekanntmachung


def test_beratungsfolge_takes_sitzung_name_and_top_from_the_agenda(tmp_path):
    root = lueneburg(tmp_path, '    - drucksache: "VO/0001/19"',
                     extra="bezeichnung: 25. öffentliche Sitzung des Sozialausschusses\n")
    record(root, "a.yaml", drucksache("VO/0001/19", "Sache"))
    project = load_project(root)
    (r,) = [r for r in project.records if r.vorlage.nummer == "VO/0001/19"]
    step = next(s for s in r.vorlage.beratungsfolge if s.gremium == "lueneburg-sga")
    assert (step.sitzung, step.top) == ("25. öffentliche Sitzung des Sozialausschusses", "Ö 2")


# --- Niederschrift: votes as councils count them, items taken up in the session ----------------------

demo = test_niederschrift.demo  # the demo project, as test_niederschrift sets it up
WANDSBEK_NS = "sitzungen/wandsbek-jha-2011-05-11.niederschrift.yaml"
WANDSBEK_S = "sitzungen/wandsbek-jha-2011-05-11.yaml"
OE2_VOTE = "      ja: 4\n      nein: 0\n      enthaltung: 1"


def test_einstimmig_bei_enthaltungen_is_a_form_of_its_own():
    a = Abstimmung(einstimmig=True, enthaltung=2)
    assert abstimmung_text(a) == "einstimmig bei 2 Enthaltungen"
    assert abstimmung_text(Abstimmung(einstimmig=True, enthaltung=1)) == "einstimmig bei 1 Enthaltung"
    assert stimmen(a, 7) == Stimmen(5, 0, 2)
    with pytest.raises(ValueError, match="genau eine Form"):
        Abstimmung(einstimmig=True, ja=5, enthaltung=2)


def test_einstimmig_bei_enthaltungen_validates_and_more_abstentions_than_voters_do_not(demo: Path):
    edit(demo, WANDSBEK_NS, OE2_VOTE, "      einstimmig: ja\n      enthaltung: 1")
    code, output = validate(demo)
    assert code == 0, output
    edit(demo, WANDSBEK_NS, "      einstimmig: ja\n      enthaltung: 1", "      einstimmig: ja\n      enthaltung: 6")
    code, output = validate(demo)
    assert code == 1 and (f"{WANDSBEK_NS}:40:5: tops[2].abstimmung: mehr Enthaltungen als Stimmberechtigte: bei "
                          "TOP Ö 2 sind 5 anwesend") in output, output


def test_several_votes_under_one_top_and_a_wahl_of_several_persons(demo: Path):
    edit(demo, WANDSBEK_NS, "    aenderung: Angefügt", """    abstimmungen:
      - gegenstand: Änderungsantrag der Fraktion A
        ergebnis: angenommen
        abstimmung: {ja: 4, nein: 1, enthaltung: 1}
      - gegenstand: Änderungsantrag der Fraktion B
        ergebnis: abgelehnt
        abstimmung: {ja: 1, nein: 4, enthaltung: 1}
    wahlen:
      - amt: Mitglieder des Unterausschusses
        gewaehlt: [Frau Schulz, Herr Kowalski]
        abstimmung: {einstimmig: ja}
    aenderung: Angefügt""")
    code, output = validate(demo)
    assert code == 0, output
    project = load_project(demo)
    srec = next(s for s in project.sitzungen if s.niederschrift is not None and s.sitzung.gremium == "wandsbek-jha")
    (ctx,) = [c for c in auszug_contexts(project, srec, dt.date(2011, 6, 1)) if c.top.nummer == "Ö 3"]
    assert ctx.top.abstimmungen == ["Änderungsantrag der Fraktion A: angenommen (Ja 4, Nein 1, Enthaltung 1)",
                                    "Änderungsantrag der Fraktion B: abgelehnt (Ja 1, Nein 4, Enthaltung 1)"]
    assert ctx.top.wahlen == ["Mitglieder des Unterausschusses: Frau Schulz, Herr Kowalski (einstimmig)"]
    edit(demo, WANDSBEK_NS, "{ja: 1, nein: 4, enthaltung: 1}", "{ja: 1, nein: 4, enthaltung: 3}")
    code, output = validate(demo)
    assert code == 1 and "tops[3].abstimmungen[2].abstimmung: Stimmen ergeben 8, aber bei TOP Ö 3 sind 6" in output


def test_a_top_taken_up_in_the_session_needs_the_dringlichkeit_decision(demo: Path):
    edit(demo, WANDSBEK_S, "    - titel: Verschiedenes\n", "    - titel: Verschiedenes\n    - titel: Eilige Sache\n"
         "      nachtrag: in der Sitzung\n")
    edit(demo, WANDSBEK_NS, "  - top: \"N 1\"", "  - top: \"Ö 14\"\n    ergebnis: zur Kenntnis genommen\n  - top: \"N 1\"")
    code, output = validate(demo)
    assert code == 1 and ("tops: TOP Ö 14 wurde erst in der Sitzung aufgenommen: die Niederschrift braucht den "
                          "Beschluss über die Dringlichkeit") in output, output
    edit(demo, WANDSBEK_NS, "  - top: \"Ö 14\"\n", "  - top: \"Ö 14\"\n    dringlichkeit: {einstimmig: ja}\n")
    code, output = validate(demo)
    assert code == 0, output
    edit(demo, WANDSBEK_NS, "  - top: \"Ö 2\"\n", "  - top: \"Ö 2\"\n    dringlichkeit: {einstimmig: ja}\n")
    code, output = validate(demo)
    assert code == 1 and "tops[2].dringlichkeit: TOP Ö 2 stand schon auf der Tagesordnung" in output, output


def test_no_beschlussauszug_for_a_withdrawn_top_and_no_double_dot_in_its_file_name(demo: Path):
    edit(demo, WANDSBEK_NS, "  - top: \"Ö 4\"\n    ergebnis: zur Kenntnis genommen", "  - top: \"Ö 4\"\n"
         "    ergebnis: abgesetzt")
    project = load_project(demo)
    srec = next(s for s in project.sitzungen if s.niederschrift is not None and s.sitzung.gremium == "wandsbek-jha")
    nummern = [c.top.nummer for c in auszug_contexts(project, srec, dt.date(2011, 6, 1))]
    assert "Ö 4" not in nummern and "Ö 3" in nummern
    assert (file_part("7."), file_part("6.1."), file_part("Ö 3")) == ("7", "6.1", "Oe-3")


def test_a_top_moved_to_the_non_public_part_in_the_session_leaves_no_public_trace(demo: Path, tmp_path: Path):
    """Ö 3 (a public Drucksache) is moved into the non-public part by a decision on the agenda: its
    discussion, Beschluss and result stay internal; the public outputs never see the marker."""
    marker = "Verlegungsgeheimnis"
    edit(demo, WANDSBEK_NS, "      Frau Lorenz erläutert die Planung.", f"      Frau Lorenz erläutert {marker}.")
    edit(demo, WANDSBEK_NS, "    ergebnis: geändert beschlossen\n", "    verlegt: nichtoeffentlich\n"
         "    ergebnis: geändert beschlossen\n")
    assert validate(demo)[0] == 0
    project = load_project(demo)
    public = public_project(project)
    srec = next(s for s in public.sitzungen if s.sitzung.gremium == "wandsbek-jha")
    assert "Ö 3" not in srec.oeffentliche_ergebnisse and "Ö 2" in srec.oeffentliche_ergebnisse
    (r,) = [r for r in public.records if r.vorlage.nummer == "19/0171"]
    step = next(s for s in r.vorlage.beratungsfolge if s.gremium == "wandsbek-jha")
    assert (step.oeffentlich, step.ergebnis, step.top) == (False, None, None)
    assert not any(k[1] == "19/0171" and k[2] == "wandsbek-jha" for k in public.ergebnisse)
    rows = {proj.public: [z.top for z in kontroll_zeilen(proj, dt.date(2011, 6, 1))
                          if z.gremium_id == "wandsbek-jha"] for proj in (public, project)}
    assert rows == {True: ["12.7"], False: ["Ö 3", "12.7"]}
    full = next(s for s in project.sitzungen if s.sitzung.gremium == "wandsbek-jha")
    files = build_niederschrift(project, full, tmp_path / "build", dt.date(2011, 6, 1))
    texts = {p.name: " ".join(" ".join(pdf_pages(p)).split()) for p in files if p.suffix == ".pdf"
             and p.parent.name != "Beschlussauszuege"}
    assert marker not in texts["Niederschrift.pdf"] and "TOP Ö 3 Neugestaltung" not in texts["Niederschrift.pdf"]
    assert marker not in texts["Niederschrift-oeffentlicher-Teil.pdf"]
    assert marker in texts["Niederschrift-nichtoeffentlicher-Teil.pdf"]
    # into the public part only with public Drucksachen
    edit(demo, WANDSBEK_NS, "    verlegt: nichtoeffentlich\n", "")
    edit(demo, WANDSBEK_NS, "  - top: \"N 1\"\n", "  - top: \"N 1\"\n    verlegt: oeffentlich\n")
    code, output = validate(demo)
    assert code == 1 and ("tops[8].verlegt: TOP N 1 kann nicht öffentlich beraten werden: Drucksache 19/0175 ist "
                          "nichtöffentlich") in output, output


FRAKTIONEN = """wandsbek-spd:
  name: SPD-Fraktion
  koerperschaft: wandsbek
  typ: Fraktion
wandsbek-cdu:
  name: CDU-Fraktion
  koerperschaft: wandsbek
  typ: Fraktion
"""


def with_fraktionen(root: Path) -> None:
    """Vorsitz and Schulz SPD, Petersen (vertreten durch Wagner) and Kowalski CDU, Hansen without;
    Krause a sachkundiger Bürger (beratend). At Ö 2 five vote: SPD 2, CDU 2, fraktionslos 1."""
    path = root / "data" / "gremien.yaml"
    text = path.read_text(encoding="utf-8")
    for person, fraktion in (("wandsbek-vorsitz-jha", "spd"), ("wandsbek-jha-schulz", "spd"),
                             ("wandsbek-jha-yilmaz", "spd"), ("wandsbek-jha-petersen", "cdu"),
                             ("wandsbek-jha-kowalski", "cdu")):
        text = text.replace(f"    - person: {person}\n", f"    - person: {person}\n      fraktion: wandsbek-{fraktion}\n",
                            1)
    text = text.replace("      rolle: beratendes Mitglied\n", "      rolle: sachkundige Bürger\n", 1)
    path.write_text(text + FRAKTIONEN, encoding="utf-8")


def test_votes_per_fraktion_are_checked_against_the_members_present_and_printed_as_a_table(demo: Path, tmp_path):
    with_fraktionen(demo)
    edit(demo, WANDSBEK_NS, OE2_VOTE, """      fraktionen:
        - {fraktion: wandsbek-spd, ja: 2}
        - {fraktion: wandsbek-cdu, ja: 1, enthaltung: 1}
        - {fraktion: fraktionslos, ja: 1}""")
    code, output = validate(demo)
    assert code == 0, output
    project = load_project(demo)
    srec = next(s for s in project.sitzungen if s.sitzung.gremium == "wandsbek-jha")
    files = build_niederschrift(project, srec, tmp_path / "build", dt.date(2011, 6, 1))
    text = " ".join(" ".join(pdf_pages(next(p for p in files if p.name == "Niederschrift.pdf"))).split())
    for expected in ("Fraktion Ja Nein Enthaltung SPD-Fraktion 2 0 0 CDU-Fraktion 1 0 1 fraktionslos 1 0 0 "
                     "Summe 4 0 1", "Ja 4, Nein 0, Enthaltung 1 (nach Fraktionen)",
                     "SPD-Fraktion: Brigitte Beispiel", "fraktionslos: Ole Hansen (bis TOP 12.7), Lena Krause (sachkundiger",
                     "Die Mitglieder wurden mit Einladung vom 02.05.2011 ordnungsgemäß geladen. Das Gremium ist mit 5 "
                     "von 7 stimmberechtigten Mitgliedern beschlussfähig."):
        assert expected in text, (expected, text[text.find("Anwesend"):][:700])
    edit(demo, WANDSBEK_NS, "{fraktion: wandsbek-cdu, ja: 1, enthaltung: 1}", "{fraktion: wandsbek-cdu, ja: 2, "
         "enthaltung: 1}")
    code, output = validate(demo)
    assert code == 1 and ("tops[2].abstimmung.fraktionen: CDU-Fraktion: Stimmen ergeben 3, aber bei TOP Ö 2 sind 2 "
                          "ihrer Mitglieder anwesend und stimmberechtigt") in output, output


@pytest.mark.parametrize("verfahren, sitze", [("d'Hondt", [4, 2, 1, 0]), ("Sainte-Laguë", [3, 2, 1, 1]),
                                               ("Hare/Niemeyer", [3, 2, 1, 1])])
def test_seats_by_list_follow_the_method(verfahren, sitze):
    """Votes 48/30/14/8 for 7 seats: d'Hondt favours the largest list, Sainte-Laguë and Hare/Niemeyer do not."""
    assert [lo for lo, hi in spannen([48, 30, 14, 8], 7, verfahren)] == sitze
    assert all(lo == hi for lo, hi in spannen([48, 30, 14, 8], 7, verfahren))


def test_a_tie_for_the_last_seat_allows_either_list():
    assert spannen([100, 100, 10], 3, "d'Hondt") == [(1, 2), (1, 2), (0, 0)]


def test_besetzung_of_a_gremium_by_list_is_checked_and_printed(demo: Path):
    besetzung = """    besetzungen:
      - gremium: Unterausschuss Spielplätze
        sitze: 3
        verfahren: d'Hondt
        listen:
          - {liste: SPD, stimmen: 3, sitze: 2, personen: [Frau Schulz, Frau Yılmaz]}
          - {liste: CDU, stimmen: 2, sitze: 1, personen: [Frau Kowalski]}
"""
    edit(demo, WANDSBEK_NS, "    aenderung: Angefügt", besetzung + "    aenderung: Angefügt")
    code, output = validate(demo)
    assert code == 0, output
    project = load_project(demo)
    srec = next(s for s in project.sitzungen if s.sitzung.gremium == "wandsbek-jha")
    (ctx,) = [c for c in auszug_contexts(project, srec, dt.date(2011, 6, 1)) if c.top.nummer == "Ö 3"]
    assert ctx.top.besetzungen == ["Unterausschuss Spielplätze (3 Sitze, d'Hondt): SPD 2 (Frau Schulz, Frau Yılmaz), "
                                   "CDU 1 (Frau Kowalski)"]
    edit(demo, WANDSBEK_NS, "{liste: CDU, stimmen: 2, sitze: 1,", "{liste: CDU, stimmen: 4, sitze: 1,")
    code, output = validate(demo)
    assert code == 1, output
    assert "tops[3].besetzungen[1].listen[1].sitze: Liste „SPD“: nach d'Hondt 1 Sitze, eingetragen 2" in output
    assert "tops[3].besetzungen[1].listen[2].sitze: Liste „CDU“: nach d'Hondt 2 Sitze, eingetragen 1" in output


def test_beschlusskontrolle_lists_every_beschluss_that_asks_the_verwaltung_to_act(demo: Path):
    edit(demo, WANDSBEK_NS, "    ergebnis: ungeändert beschlossen\n    abstimmung:\n      ja: 4",
         "    ergebnis: ungeändert beschlossen\n    beschluss: Die Verwaltung wird beauftragt, über die Spielplätze zu "
         "berichten.\n    abstimmung:\n      ja: 4")
    project = load_project(demo)

    def rows(*, public: bool) -> list[tuple[str, str, str, str]]:
        proj = public_project(project) if public else project
        return [(z.top, z.amt, z.frist, z.ampel) for z in kontroll_zeilen(proj, dt.date(2011, 6, 1))
                if z.gremium_id == "wandsbek-jha"]

    # Ö 2 has no kontrolle block: listed by its words, with the profile's default Frist (90 days)
    assert rows(public=True) == [("Ö 2", "Verwaltung", "09.08.2011", "gelb"),
                                 ("Ö 3", "Dezernat Soziales, Jugend und Gesundheit", "30.09.2011", "grün"),
                                 ("12.7", "Dezernat Soziales, Jugend und Gesundheit", "31.12.2011", "gelb")]
    lueneburg = [z.top for z in kontroll_zeilen(project, dt.date(2019, 5, 1), alle=True)
                 if z.gremium_id == "lueneburg-sga"]
    assert lueneburg == ["Ö 2", "Ö 3a"]  # on demand every Beschluss, also the Genehmigung of the Protokoll
    assert [z.top for z in kontroll_zeilen(project, dt.date(2019, 5, 1))
            if z.gremium_id == "lueneburg-sga"] == ["Ö 3a"]


def test_anlagen_to_a_niederschrift_are_listed_and_only_public_ones_published(demo: Path, tmp_path: Path):
    (demo / "sitzungen" / "anlagen").mkdir()
    for name in ("bericht.pdf", "geheim.pdf"):
        (demo / "sitzungen" / "anlagen" / name).write_bytes(SMALL_PDF)
    text = (demo / WANDSBEK_NS).read_text(encoding="utf-8") + """anlagen:
  - datei: anlagen/bericht.pdf
    titel: Bericht zur Planung des Spielplatzes
    top: "Ö 3"
    oeffentlich: ja
  - datei: anlagen/geheim.pdf
    titel: Aufstellung Anlagengeheimnis
    top: "N 1"
"""
    (demo / WANDSBEK_NS).write_text(text, encoding="utf-8")
    code, output = validate(demo)
    assert code == 0, output
    project = load_project(demo)
    srec = next(s for s in project.sitzungen if s.sitzung.gremium == "wandsbek-jha")
    files = build_niederschrift(project, srec, tmp_path / "build", dt.date(2011, 6, 1))
    public = [p for p in files if "oeffentlich" in p.parts]
    assert sorted(p.name for p in public if "Anlage" in p.name) == ["Niederschrift-Anlage-1.pdf"]
    assert sorted(p.name for p in files if "Anlage" in p.name and p not in public) == [
        "Niederschrift-Anlage-1.pdf", "Niederschrift-Anlage-2.pdf"]
    published = " ".join(" ".join(pdf_pages(next(p for p in public if p.name == "Niederschrift.pdf"))).split())
    assert "Anlagen Anlage 1: Bericht zur Planung des Spielplatzes (zu TOP Ö 3)" in published, published
    assert "Anlagengeheimnis" not in published
    internal = next(p for p in files if p.name == "Niederschrift-nichtoeffentlicher-Teil.pdf")
    assert "Anlage 2: Aufstellung Anlagengeheimnis (zu TOP N 1)" in " ".join(" ".join(pdf_pages(internal)).split())
    (demo / WANDSBEK_NS).write_text(text.replace('    top: "N 1"\n', '    top: "N 1"\n    oeffentlich: ja\n')
                                    .replace("anlagen/bericht.pdf", "anlagen/fehlt.pdf"), encoding="utf-8")
    code, output = validate(demo)
    assert code == 1
    assert "anlagen[1].datei: Datei „anlagen/fehlt.pdf“ nicht gefunden (relativ zur Niederschrift)" in output, output
    assert "anlagen[2].oeffentlich: TOP N 1 wurde nichtöffentlich beraten: seine Anlage kann nicht öffentlich sein" \
        in output


def test_a_top_vertagt_in_the_session_flows_into_beratungsfolge_projection_and_kontrolle(demo: Path):
    edit(demo, WANDSBEK_NS, "  - top: \"Ö 4\"\n    ergebnis: zur Kenntnis genommen", "  - top: \"Ö 4\"\n"
         "    ergebnis: vertagt")
    project = load_project(demo)
    (r,) = [r for r in project.records if r.vorlage.nummer == "19/0178"]
    step = next(s for s in r.vorlage.beratungsfolge if s.gremium == "wandsbek-jha")
    assert (step.ergebnis, step.top) == ("vertagt", "Ö 4")
    public = public_project(project)
    srec = next(s for s in public.sitzungen if s.sitzung.gremium == "wandsbek-jha")
    assert srec.oeffentliche_ergebnisse["Ö 4"].ergebnis == "vertagt"
    (pr,) = [r for r in public.records if r.vorlage.nummer == "19/0178"]
    assert next(s for s in pr.vorlage.beratungsfolge if s.gremium == "wandsbek-jha").ergebnis == "vertagt"
    assert "Ö 4" not in [z.top for z in kontroll_zeilen(project, dt.date(2011, 6, 1), alle=True)
                         if z.gremium_id == "wandsbek-jha"]


def test_website_shows_earlier_votes_wahlen_and_besetzungen_of_public_tops_only(demo: Path, tmp_path: Path):
    edit(demo, WANDSBEK_NS, "    aenderung: Angefügt", """    abstimmungen:
      - gegenstand: Änderungsantrag der Fraktion A
        ergebnis: angenommen
        abstimmung: {einstimmig: ja, enthaltung: 2}
    wahlen:
      - amt: Mitglieder des Beirats
        gewaehlt: [Frau Schulz, Herr Kowalski]
        abstimmung: {einstimmig: ja}
    aenderung: Angefügt""")
    edit(demo, WANDSBEK_NS, "  - top: \"N 1\"\n", """  - top: "N 1"
    wahlen:
      - amt: Geheimwahlamt
        gewaehlt: Frau Geheim
        abstimmung: {einstimmig: ja}
""")
    assert validate(demo)[0] == 0
    site = site_view(public_project(load_project(demo)), tmp_path)
    tops = {t.nummer: t for t in site.sitzungen["wandsbek-jha-2011-05-11"].tops}
    assert tops["Ö 3"].einzelheiten == [
        "Änderungsantrag der Fraktion A: angenommen (einstimmig bei 2 Enthaltungen)",
        "Wahl – Mitglieder des Beirats: Frau Schulz, Herr Kowalski (einstimmig)"]
    assert "Geheimwahlamt" not in repr(site) and "Frau Geheim" not in repr(site)
