"""TOP numbering schemes and the checks of own numbers (pure module, no files)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vorlagengen.nummern.top import Nummer, Profil, Punkt, lies, nummeriere, ohne_praefix


def P(eigene: str | None = None, *unter: Punkt, nachtrag: bool = False) -> Punkt:
    return Punkt(eigene, nachtrag, list(unter))


def texts(nummern: list[Nummer]) -> list[object]:
    out: list[object] = []
    for n in nummern:
        out.append(n.text)
        if n.unterpunkte:
            out.append(texts(n.unterpunkte))
    return out


def test_default_is_oe_and_n_with_sub_items():
    oe, noe, probleme = nummeriere([P(), P(None, P(), P()), P()], [P(), P()], Profil())
    assert texts(oe) == ["Ö 1", "Ö 2", ["Ö 2.1", "Ö 2.2"], "Ö 3"]
    assert texts(noe) == ["N 1", "N 2"]
    assert probleme == []


def test_own_number_with_trailing_dot_gives_sub_items_without_double_dot():
    profil = Profil(kennung_oeffentlich="", kennung_nichtoeffentlich="")
    oe, _, probleme = nummeriere([P("1.", P(), P()), P()], [], profil)
    assert texts(oe) == ["1.", ["1.1", "1.2"], "2"]
    assert probleme == []


def test_after_a_letter_the_next_automatic_number_counts_on():
    oe, _, _ = nummeriere([P("10"), P("10a"), P()], [], Profil())
    assert texts(oe) == ["10", "10a", "Ö 11"]


def test_prefix_top_is_not_doubled():
    assert ohne_praefix("TOP 5 a)", "TOP") == "5 a)"
    assert ohne_praefix("TOP5", "TOP") == "5"
    assert ohne_praefix("Topographie", "TOP") == "Topographie"
    n = lies("TOP 5 a)", Profil())
    assert (n.text, n.stufen, n.buchstabe) == ("5 a)", (5,), "a")


def test_reading_numbers_of_real_agendas():
    profil = Profil()
    for text, kennung, stufen, buchstabe in [("Ö 4.2", "Ö", (4, 2), ""), ("6.1.", "", (6, 1), ""),
                                             ("05 a", "", (5,), "a"), ("B03 b", "B", (3,), "b"),
                                             ("A 10.1", "A", (10, 1), ""), ("00", "", (0,), "")]:
        n = lies(text, profil)
        assert (n.kennung, n.stufen, n.buchstabe) == (kennung, stufen, buchstabe), text
    assert not lies("II.", profil).lesbar


def test_continuous_across_both_parts_without_marks():
    profil = Profil(zaehlung="fortlaufend", kennung_oeffentlich="", kennung_nichtoeffentlich="")
    oe, noe, probleme = nummeriere([P(), P(), P()], [P(), P(None, P())], profil)
    assert texts(oe) == ["1", "2", "3"] and texts(noe) == ["4", "5", ["5.1"]]
    assert probleme == []


def test_two_digits_and_trailing_dot_on_the_first_level():
    profil = Profil(stellen=2, kennung_oeffentlich="", schlusspunkt="erste_ebene")
    oe, _, _ = nummeriere([P("00"), P(), P(None, P())], [], profil)
    assert texts(oe) == ["00", "01.", "02.", ["02.1"]]
    oe, _, _ = nummeriere([P(None, P())], [], Profil(kennung_oeffentlich="", schlusspunkt="alle"))
    assert texts(oe) == ["1.", ["1.1."]]


def test_inserted_items_take_letters_when_the_body_says_so():
    profil = Profil(nachtraege="buchstabe")
    oe, _, _ = nummeriere([P(), P(), P(nachtrag=True), P(nachtrag=True), P()], [], profil)
    assert texts(oe) == ["Ö 1", "Ö 2", "Ö 2a", "Ö 2b", "Ö 3"]
    oe, _, _ = nummeriere([P(), P(nachtrag=True)], [], Profil())
    assert texts(oe) == ["Ö 1", "Ö 2"]


def test_duplicates_are_reported_where_they_are():
    _, _, probleme = nummeriere([P("5"), P("6"), P("5")], [], Profil())
    assert (("oeffentlich", 2, "nummer"),
            "TOP-Nummer „5“ kommt doppelt vor (auch bei tagesordnung.oeffentlich[1])") in probleme
    # an own number equal to an automatic one before it
    _, _, probleme = nummeriere([P(), P(), P("Ö 2")], [], Profil())
    assert [p for p, _ in probleme] == [("oeffentlich", 2, "nummer")]
    # the same number in both parts is fine when each part counts on its own …
    assert nummeriere([P("3")], [P("3")], Profil())[2] == []
    # … but not when they count on together
    probleme = nummeriere([P("3")], [P("3")], Profil(zaehlung="fortlaufend"))[2]
    assert probleme and probleme[0][0] == ("nichtoeffentlich", 0, "nummer")


def test_order_is_checked():
    _, _, probleme = nummeriere([P("5"), P("3")], [], Profil())
    assert probleme == [(("oeffentlich", 1, "nummer"),
                         "TOP-Nummer „3“ steht nach „5“: die Nummern der Tagesordnung müssen aufsteigen")]
    assert nummeriere([P("10"), P("10a"), P("10b"), P("11")], [], Profil())[2] == []
    assert nummeriere([P("10b"), P("10a")], [], Profil())[2]


def test_sub_item_must_belong_to_its_parent():
    oe, _, probleme = nummeriere([P("12", P("12.7"), P())], [], Profil())
    assert texts(oe) == ["12", ["12.7", "12.8"]] and probleme == []
    _, _, probleme = nummeriere([P("12", P("13.1"))], [], Profil())
    assert probleme == [(("oeffentlich", 0, "unterpunkte", 0, "nummer"),
                         "Unterpunkt „13.1“ passt nicht zu TOP „12“ (erwartet 12.…)")]


def test_unreadable_own_numbers_are_kept_and_sub_items_follow_them():
    oe, _, probleme = nummeriere([P("II.", P(), P())], [], Profil())
    assert texts(oe) == ["II.", ["II.1", "II.2"]] and probleme == []


agenda = st.recursive(st.builds(lambda n: P(nachtrag=n), st.booleans()),
                      lambda kids: st.builds(lambda k: P(None, *k), st.lists(kids, max_size=3)), max_leaves=12)


def flat(nummern: list[Nummer]) -> list[Nummer]:
    out = []
    for n in nummern:
        out.append(n)
        out.extend(flat(n.unterpunkte))
    return out


@given(st.lists(agenda, max_size=6), st.lists(agenda, max_size=4),
       st.sampled_from(["je_teil", "fortlaufend"]), st.sampled_from(["fortlaufend", "buchstabe"]))
def test_automatic_numbers_are_unique_and_rising(oe_punkte, noe_punkte, zaehlung, nachtraege):
    profil = Profil(zaehlung=zaehlung, nachtraege=nachtraege)
    oe, noe, probleme = nummeriere(oe_punkte, noe_punkte, profil)
    assert probleme == []
    def rising(siblings: list[Nummer]) -> None:
        keys = [n.sortierung() for n in siblings]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)
        for n in siblings:
            rising(n.unterpunkte)

    rising(oe)
    rising(noe)
    texts_all = [n.text for n in flat(oe) + flat(noe)]
    assert len(set(texts_all)) == len(texts_all)


def test_a_sub_item_may_skip_a_level_and_the_next_counts_on_at_its_level():
    """Hürtgenwald: 16.1.4.11 stands directly under 16.1."""
    profil = Profil(kennung_oeffentlich="")
    oe, _, probleme = nummeriere([P("16", P("16.1", P("16.1.4.11"), P())), P()], [], profil)
    assert probleme == []
    assert texts(oe) == ["16", ["16.1", ["16.1.4.11", "16.1.4.12"]], "17"]


def test_a_two_level_number_that_is_not_under_its_parent_is_refused_not_renumbered():
    """„16.21“ under „16.2“ was silently read as 16.2.21; as written it is a sibling of 16.2 or a typo."""
    profil = Profil(kennung_oeffentlich="")
    oe, _, probleme = nummeriere([P("16", P("16.2", P("16.21")))], [], profil)
    assert oe[0].unterpunkte[0].unterpunkte[0].stufen == (16, 21)
    assert probleme == [(("oeffentlich", 0, "unterpunkte", 0, "unterpunkte", 0, "nummer"),
                         "Unterpunkt „16.21“ passt nicht zu TOP „16.2“ (erwartet 16.2.…)")]
    # the short forms stay: the given levels are the parent's last ones
    oe, _, probleme = nummeriere([P("16", P("16.1", P("16.1.4", P("4.11"), P("12")))), P("22", P("7"))], [], profil)
    assert probleme == []
    assert oe[0].unterpunkte[0].unterpunkte[0].unterpunkte[0].stufen == (16, 1, 4, 11)
    assert oe[1].unterpunkte[0].stufen == (22, 7)


def test_a_public_part_resumes_after_the_non_public_one():
    """Schleswig-Holstein: public 1–8, non-public 9–14, public 15."""
    fortlaufend = Profil(zaehlung="fortlaufend", kennung_oeffentlich="", kennung_nichtoeffentlich="")
    oe, noe, probleme = nummeriere([P(), P()], [P(), P()], fortlaufend, [P(), P()])
    assert (texts(oe), texts(noe), probleme) == (["1", "2", "5", "6"], ["3", "4"], [])
    oe, noe, probleme = nummeriere([P(), P()], [P()], Profil(), [P()])
    assert (texts(oe), texts(noe), probleme) == (["Ö 1", "Ö 2", "Ö 3"], ["N 1"], [])
    _, _, probleme = nummeriere([P()], [P("5")], fortlaufend, [P("3")])
    assert probleme == [(("oeffentlich_danach", 0, "nummer"), "TOP-Nummer „3“ steht nach „5“: die Nummern zählen "
                         "über die Teile fort und müssen aufsteigen")]
