"""The fast way of reading records (yaml-rs, without places) gives exactly what libyaml's positioned
way gives, or is not taken: for hundreds of scalars, for generated documents, and for a corpus of
faulty records, whose messages are byte for byte those of the positioned way."""

from __future__ import annotations

import itertools
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from benchmarks.bench import generate_project
from conftest import DATA, WANDSBEK_PATH, WANDSBEK_TEXT, Projekt
from vorlagengen.load import yamlio
from vorlagengen.load.yamlio import load_fast, load_text


def _positioned(text: str) -> tuple[str, Any]:
    try:
        return "ok", load_text(text)
    except Exception as exc:  # what the positioned way makes of it: a value or an error
        return "error", type(exc).__name__


def assert_same_or_refused(text: str) -> bool:
    """Where the fast way gives values, they are the positioned way's, with the same types and
    order. Returns whether the fast way was taken."""
    fast = load_fast(text)
    if fast is None:
        return False
    kind, positioned = _positioned(text)
    assert kind == "ok", f"yaml-rs reads what libyaml refuses: {text!r}"
    assert repr(fast) == repr(positioned), text
    return True


# --- scalars --------------------------------------------------------------------------------------

WORDS = ["yes", "no", "on", "off", "y", "n", "Y", "N", "Yes", "NO", "On", "OFF", "true", "false", "True", "FALSE", "TRUE", "tRue", "null", "Null", "NULL", "~", "nULL", "ja", "nein", "0", "1", "-1", "+1", "007", "0o7", "0o17", "017", "08", "0x1F", "0X1F", "0xg", "0b101", "0B1", "0O7", "1_000", "1,000", "1:30", "190:20:30", "-0", "+0", "00", "1e3", "1E3", "1.0e3", "1e+3", "1.5", ".5", "5.", "-.5", "+.5", "1.2.3", ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN", "inf", "nan", "NaN", "Infinity", "-inf", "1_0.5", "0.1_1", "0x_1", "0b_1", "0o_7", "12345678901234567890123", "1e400", "-1e400", "2019-03-21", "2019-3-21", "2001-12-14t21:59:43.10-05:00", "2001-12-14T21:59:43Z", "21.03.2019", "=", "-", "--", ".", "..", "-a", "+a", "76.109", "3.14159", "1e-5", "0.000001", "1_2_3", "_1", "_0.", "1_", "0xFFFFFFFFFFFFFFFFFFFF", "9223372036854775808", "-9223372036854775809", "0.1", "1.10", "100.000", "1e", "1e+", "+.inf.", "0o8", "0b2", "12e03", "+12e03", "12.e3", "<<", "<<x", "~a", "null~", "Mo", "1.", "1.e", "0.0", "-0.0", ".0", "0.", "+0.0", "._", "+_", "-_", "0x_", "0o_", "0b_", "1__0", "0x1_F", "1e1_0", "+-1", "-+1", "--1", "0.5e-3", "5E-3", "1:2:3.5", "-1:30", "09", "010", "0o10", "0x0", "0b0", "0."]
SPACED = ["2001-12-14 21:59:43.10 -5", "1 2", "yes no", "1 000", ".5 .5", "0x1F 1", "~ ~", "true false"]


def _scalars() -> list[str]:
    found = list(WORDS)
    alphabet = "0123456789_.xXoObBeE+-:~"
    found += ["".join(t) for t in itertools.product(alphabet, repeat=2)]
    found += ["".join(t) for t in itertools.product("01_.xeE+-", repeat=3)]
    for word in ("null", "true", "false", "yes", "no", "on", "off", "nan", "inf", "infinity", "y", "n"):
        found += ["".join(c.upper() if i & (1 << k) else c for k, c in enumerate(word))
                  for i in range(min(2 ** len(word), 64))]
    return found


SCALARS = _scalars()


def test_hundreds_of_scalars_are_read_alike_or_refused() -> None:
    assert len(SCALARS) > 1000
    taken = 0
    for word in [*SCALARS, *SPACED]:
        for text in (f"k: {word}\n", f"k:\n  - {word}\n", f"{word}: v\n", f"k:\n  {word}\n",
                     f"a:\n  b: {word}\n  c: x\n", f"- {word}\n"):
            taken += assert_same_or_refused(text)
    assert taken > 3000  # most are read alike, so the fast way is taken for them


def test_every_date_is_text_to_both() -> None:
    # fast_values skips the comparison for dddd-dd-dd: it must hold for any digits, valid date or not
    import datetime as dt

    day = dt.date(2010, 1, 1)
    dates = [str(day + dt.timedelta(days=i)) for i in range(0, 800, 3)]
    dates += ["2011-02-31", "0000-00-00", "9999-99-99", "2011-13-45", "1900-02-29", "0001-01-01"]
    for date in dates:
        assert yamlio._same_scalar(date), date
        assert repr(load_fast(f"k: {date}\n")) == repr(load_text(f"k: {date}\n")) == repr({"k": date})


@pytest.mark.parametrize("word", ["0X1F", "0O7", "0B1", "_1", "_0.", "._", "+_", "<<"])
def test_scalars_the_two_read_differently_are_refused(word: str) -> None:
    assert load_fast(f"k: {word}\n") is None
    assert load_fast(f"a:\n  b: x\n  c: {word}\n") is None
    assert load_fast(f"k:\n  {word}\n") is None


@pytest.mark.parametrize("text", [
    "k: |\n", "k: |\nj: x\n", "k: >\n\n  a\n", "k: |+\n  a\n\n", "k: |2\n   a\n", "k: [1, a:]\n", "k: {a: b}\n",
    "k: &a x\nj: *a\n", "k: !!str 1\n", "%YAML 1.1\n---\nk: x\n", "k: x\n---\nj: y\n", "k: x\n...\n", "? a\n: b\n",
    "k: \"a\\tb\"\n", "k:\ta\n", "k: a\r\nj: b\r\n", "k: a\x07\n", "k: a\ufeffb\n", "k: @x\n", "k: `x\n",
    "k: |\n  0", "k: a", "_:\n  - _: ._\n", "- a: 0X1F\n", "a:\n- b: _1\n", "- a\n", "k\n", "'a'\n", "k: x\nk: y\n", f"k: {'- ' * 70}x\n", "k:\n" + "- x\n" * 1001, "k:\n" + " " * 200 + "x\n",
])
def test_what_only_libyaml_reads_rightly_is_refused(text: str) -> None:
    assert load_fast(text) is None


def test_a_generated_record_takes_the_fast_way() -> None:
    assert load_fast(WANDSBEK_TEXT) is not None
    assert repr(load_fast(WANDSBEK_TEXT)) == repr(load_text(WANDSBEK_TEXT))


# --- generated documents --------------------------------------------------------------------------

_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " .,;:-_#'\"!?&*%@`|>[]{}()/\\äöüßÄ€\u00a0",
                min_size=0, max_size=20)
# escapes in double quotes: a quote and a backslash (what an import writes), and others, which the
# fast way refuses
_ESCAPE = st.sampled_from(['\\"', "\\\\", "\\n", "\\t", "\\x41", "\\u00e4", "\\/", "\\ ", "\\0"])
_WORD = st.one_of(st.sampled_from(WORDS), st.text(alphabet=string.ascii_lowercase + string.digits + "-_./\\",
                                                  min_size=1, max_size=12))
# a line of a "|" or ">" block's body: text, blank (or only spaces), deeper, or looking like YAML or Markdown
_BODY_LINE = st.one_of(
    _TEXT, st.just(""), st.sampled_from([" ", "  ", "\t"]), _TEXT.map(lambda t: "  " + t),
    st.sampled_from(["| Posten | Ansatz |", "|---|--:|", "- x", "  - y", "key: 1", "# c", "* y", "> q", "[x]",
                     "{y: 1}", "&a x", "*a", "!!str x", "%YAML", "@x", "`x`", "? k", "1. Punkt", "2019: 3",
                     "a: |", "- |", ">-", "--- x", "...", "\tx", "x\ty", "yes", "~"]))
_KEY = st.one_of(st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=8), st.sampled_from(WORDS))


def _scalar(draw: st.DrawFn, indent: int) -> str:
    style = draw(st.sampled_from(["plain", "plain", "single", "double", "literal", "folded", "multi"]))
    pad = " " * (indent + 2)
    if style == "plain":
        return " " + draw(_WORD)
    if style == "single":
        return " '" + draw(_TEXT).replace("'", "''") + "'"
    if style == "double":
        parts = draw(st.lists(st.one_of(_TEXT.map(lambda t: t.replace("\\", "\\\\").replace('"', '\\"')), _ESCAPE),
                              max_size=4))
        return ' "' + "".join(parts) + '"'
    if style == "multi":
        return " " + draw(_WORD) + "\n" + pad + draw(_WORD)
    lines = draw(st.lists(_BODY_LINE, min_size=1, max_size=4))
    chomp = draw(st.sampled_from(["", "-", "+"]))
    body = "\n".join(pad + line if line.strip() else line for line in lines)
    return f" {'|' if style == 'literal' else '>'}{chomp}\n{body}"


@st.composite
def documents(draw: st.DrawFn, indent: int = 0, depth: int = 0) -> str:
    keys = draw(st.lists(_KEY, min_size=1, max_size=5, unique=True))
    lines = []
    for key in keys:
        kind = draw(st.sampled_from(["scalar", "scalar", "scalar", "list", "map", "empty"] if depth < 3 else ["scalar"]))
        head = " " * indent + key + ":"
        if kind == "scalar":
            lines.append(head + _scalar(draw, indent))
        elif kind == "empty":
            lines.append(head)
        elif kind == "map":
            lines.append(head + "\n" + draw(documents(indent + 2, depth + 1)))
        else:
            items = draw(st.lists(st.sampled_from(["scalar", "map"]), min_size=1, max_size=3))
            lines.append(head)
            for item in items:
                if item == "scalar":
                    lines.append(" " * (indent + 2) + "-" + _scalar(draw, indent + 2))
                else:
                    inner = draw(documents(indent + 4, depth + 1))
                    lines.append(" " * (indent + 2) + "- " + inner.lstrip(" "))
        if draw(st.booleans()) and kind != "scalar":
            lines.append(" " * indent + "# " + draw(_TEXT).replace("\n", " "))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
@example(".nan: yes\n.NaN: yes\n")  # two NaN keys: two keys to yaml-rs, a duplicate key to libyaml
@example('name: "Antrag \\"Spielplatz\\" (neu)"\npfad: x\\"y\\\\z\nende: "a\\\\"\nzwei: "\\\\a"\n')  # as an import writes
def test_generated_documents_are_read_alike_or_refused(text: str) -> None:
    assert_same_or_refused(text)


def test_realistic_records_take_the_fast_way(tmp_path: Path) -> None:
    """The benchmark's 300 realistic Drucksachen (tables, lists, emphasis, Anlagen; a fixed seed): the
    fast way is taken for many of them (those with a Markdown table in a block go the positioned way:
    its "|" is not told apart from a block's header), and gives the positioned way's values. (A share
    of Hypothesis' documents is no measure: what it draws depends on the modules imported before.)"""
    generate_project(tmp_path, DATA, 300, realistic=True)
    texts = [p.read_text(encoding="utf-8") for p in sorted((tmp_path / "vorlagen").rglob("*.yaml"))]
    assert len(texts) == 300
    taken = [assert_same_or_refused(text) for text in texts]
    assert sum(taken) > len(texts) // 4


# --- faulty records: the same messages either way -------------------------------------------------

FAULTS = [
    ("datum: 2011-05-03", "datum: 2011-02-31"), ("datum: 2011-05-03", "datum: 0X1F"), ("datum: 2011-05-03", "datum: _1"),
    ("status: öffentlich", "status: geheim"), ("art: Beschlussvorlage", "art: yes"), ("art: Beschlussvorlage", "art: 12"),
    ("koerperschaft: wandsbek", "koerperschaft: nirgendwo"), ('nummer: "19/0167"', "nummer: 19/0167"),
    ('nummer: "19/0167"', "nummer: 0o17"), ('nummer: "19/0167"', "nummer: .inf"), ('nummer: "19/0167"', "nummer: ~"),
    ('nummer: "19/0167"', "nummer:"), ("art: Beschlussvorlage", "art: Beschlussvorlage\nunbekannt: 1"),
    ("art: Beschlussvorlage", "art: Beschlussvorlage\nart: Mitteilungsvorlage"), ("status: öffentlich", "status: |\n"),
    ("datei: anlagen/kontrakt.pdf", "datei: anlagen/fehlt.pdf"), ("datei: anlagen/kontrakt.pdf", "datei: /etc/passwd"),
    ("datei: anlagen/kontrakt.pdf", "datei: 1_000"), ("status: öffentlich", "status: öffentlich\n\tx: 1"),
    ("status: öffentlich", 'status: "öffentlich\\x07"'), ("status: öffentlich", "status: [öffentlich"),
    ("status: öffentlich", "status: &a öffentlich\nx: *a"), ("status: öffentlich", "status: !!str öffentlich"),
    ("koerperschaft: wandsbek", "koerperschaft: wandsbek\n---\na: b"), ("datum: 2011-05-03", "datum: (Sitzungsdatum)"),
    ("art: Beschlussvorlage", "art: Mitteilungsvorlage"), ("datum: 2011-05-03", "datum: 2011-05-03 # Kommentar"),
    ("datum: 2011-05-03", "datum: 2031-05-03"), ("status: öffentlich", "status: nichtöffentlich"),
]


def test_faulty_records_give_the_messages_of_the_positioned_way(projekt: Projekt,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    folder = Path(WANDSBEK_PATH).parent
    written = 0
    for i, (old, new) in enumerate(FAULTS):
        if old in WANDSBEK_TEXT:
            projekt.write_text(str(folder / f"fehler-{i:02d}.yaml"), WANDSBEK_TEXT.replace(old, new, 1))
            written += 1
    assert written == len(FAULTS)
    with_fast = projekt.validate()
    monkeypatch.setattr(yamlio, "FAST", False)  # no fast way: every file is read with places
    positioned = projekt.validate()
    assert with_fast.exit_code == positioned.exit_code == 1
    assert with_fast.stderr == positioned.stderr
    assert with_fast.stderr.count("\n") > len(FAULTS)
    assert "Traceback" not in with_fast.output


def test_randomly_damaged_records_give_the_messages_of_the_positioned_way(projekt: Projekt,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    rnd = random.Random(26)
    pieces = ["0X1F", "_1", "yes", "~", "|", "[", "*a", "&a", "!x", "\t", "- ", ": ", "'", '"', "2011-02-31", ".inf",
              "<<", "\\x07", "  ", "\n", "#", "0o17", "1_000", "{", "?", "x: 1\n"]
    folder = Path(WANDSBEK_PATH).parent
    for n in range(150):
        text = WANDSBEK_TEXT
        for _ in range(rnd.randint(1, 3)):
            i = rnd.randrange(len(text))
            if rnd.random() < 0.6:
                text = text[:i] + rnd.choice(pieces) + text[i:]
            else:
                text = text[:i] + text[i + rnd.randint(1, 5):]
        projekt.write_text(str(folder / f"kaputt-{n:03d}.yaml"), text)
    with_fast = projekt.validate()
    monkeypatch.setattr(yamlio, "FAST", False)
    positioned = projekt.validate()
    assert with_fast.stderr == positioned.stderr
    assert with_fast.stderr.count("\n") > 150


_QUOTED = st.text(alphabet=string.ascii_letters + ' "\\äß.-', min_size=0, max_size=30)


@settings(max_examples=500, deadline=None)
@given(st.lists(_QUOTED, min_size=1, max_size=4), st.sampled_from(["double", "plain", "single"]))
def test_an_escaped_quote_or_backslash_takes_the_fast_way_and_reads_alike(texts: list[str], style: str) -> None:
    """What an OParl import writes for a title with quotes ("Antrag \\"Spielplatz\\""): the fast
    way takes \\" and \\\\ wherever they stand, and reads them as libyaml does."""
    def scalar(t: str) -> str:
        if style == "double":
            return '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'
        pairs = t.replace("\\", "\\\\").replace('"', '\\"').strip() or "x"  # only pairs: \\ and \"
        return pairs if style == "plain" else "'" + pairs.replace("'", "''") + "'"

    text = "".join(f"k{i}: {scalar('a' + t)}\n" for i, t in enumerate(texts))
    assert assert_same_or_refused(text) or style == "plain", text  # a plain value may look like YAML
