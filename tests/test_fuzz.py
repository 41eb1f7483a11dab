"""Property tests: whatever an author saves, validation answers with located German problems and
never with a crash. And the fast YAML loader reads every text exactly as ruamel's safe loader does."""

from __future__ import annotations

import copy
import math
import os
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from conftest import DATA, LUENEBURG_PATH, LUENEBURG_RECORD, SMALL_PDF, WANDSBEK_PATH, WANDSBEK_TEXT, dump_yaml
from vorlagengen.errors import UserError, ValidationFailed
from vorlagengen.load.project import load_project
from vorlagengen.load.yamlio import _SAFE, load_text


def fuzz(examples: int) -> settings:
    """A few examples per run (the suite stays fast); FUZZ_FACTOR=50 in the environment searches longer."""
    return settings(max_examples=examples * int(os.environ.get("FUZZ_FACTOR", "1")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# English that must never reach an author (pydantic's and ruamel's own wording).
ENGLISH = ("Input should", "Field required", "Value error", "found ", "expected ", "could not", "while ")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(DATA, root / "data")
    (root / "vorlagen/wandsbek/anlagen").mkdir(parents=True)
    (root / "vorlagen/wandsbek/anlagen/kontrakt.pdf").write_bytes(SMALL_PDF)
    (root / LUENEBURG_PATH).parent.mkdir(parents=True)
    (root / LUENEBURG_PATH).write_text(dump_yaml(LUENEBURG_RECORD), encoding="utf-8")
    (root / WANDSBEK_PATH).write_text(WANDSBEK_TEXT, encoding="utf-8")
    load_project(root, jobs=1)  # the starting point is valid
    return root


def check_outcome(root: Path, content: str | bytes) -> None:
    """Write the record, load the project: a Project or a UserError with sane problems, nothing else."""
    path = root / WANDSBEK_PATH
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    try:
        load_project(root, jobs=1)
    except ValidationFailed as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.line >= 0 and problem.col >= 0, problem
            assert problem.message.strip(), problem
            assert not any(word in problem.message for word in ENGLISH), problem
            if problem.path.endswith(WANDSBEK_PATH) and problem.line:
                text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
                assert problem.line <= max(1, len(text.splitlines())), problem  # never past the end
    except UserError:
        pass


# --- (a) anything at all ------------------------------------------------------------------------

YAMLISH = st.text(alphabet=st.sampled_from(list("ab:- \n\t#'\"[]{},&*!|>?%@`0123456789._~+<=tTfFnNäß\\")), max_size=80)


@fuzz(40)
@given(text=st.one_of(st.text(max_size=200), YAMLISH))
def test_random_text(root: Path, text: str) -> None:
    check_outcome(root, text)


@fuzz(20)
@given(data=st.binary(max_size=200))
def test_random_bytes(root: Path, data: bytes) -> None:
    check_outcome(root, data)


# --- (b) a valid record, damaged ----------------------------------------------------------------

BASE: dict[str, Any] = load_text(WANDSBEK_TEXT)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(), st.text(max_size=12),
                    st.dates().map(str), st.sampled_from(["ja", "nein", "31.02.2011", "39,50", "wandsbek-jha", ""]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=3), max_leaves=6)


def slots(node: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) in a loaded record, the top level first."""
    found: list[tuple[Any, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((node, key))
            found += slots(value)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.append((node, i))
            found += slots(value)
    return found


def dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    buf = StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


@st.composite
def damaged(draw: st.DrawFn) -> str:
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        container, key = draw(st.sampled_from(slots(data)))
        action = draw(st.sampled_from(["delete", "replace", "insert"]))
        if action == "delete" and (not isinstance(container, list) or len(container) > 0):
            del container[key]
        elif action == "replace":
            container[key] = draw(VALUES)
        elif isinstance(container, dict):
            container[draw(st.text(min_size=1, max_size=10))] = draw(VALUES)
        else:
            container.insert(key, draw(VALUES))
    text = dump(data)
    lines = text.splitlines(keepends=True)
    if lines and draw(st.booleans()):
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])  # a duplicated line
    text = "".join(lines)
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]  # cut off anywhere
    return text


@fuzz(80)
@given(text=damaged())
def test_damaged_record(root: Path, text: str) -> None:
    check_outcome(root, text)


@fuzz(20)
@given(cut=st.integers(0, len(WANDSBEK_TEXT)), dup=st.integers(0, WANDSBEK_TEXT.count("\n") - 1))
def test_damaged_record_text(root: Path, cut: int, dup: int) -> None:
    lines = WANDSBEK_TEXT.splitlines(keepends=True)
    lines.insert(dup, lines[dup])
    check_outcome(root, "".join(lines)[:cut])


# --- the fast loader equals ruamel's safe loader ------------------------------------------------


def outcome(load: Any, text: str) -> tuple[str, str]:
    try:
        value = load(text)
    except Exception:
        return ("refused", "")
    return ("loaded", repr(value))


@fuzz(40)
@given(text=st.one_of(YAMLISH, damaged(), VALUES.map(dump)))
def test_fast_loader_equals_ruamel(text: str) -> None:
    fast, slow = outcome(load_text, text), outcome(_SAFE.load, text)
    assert fast == slow


@pytest.mark.parametrize("text", [
    "a: 0o17\nb: 0x1F\nc: 1_000\nd: -0b101\ne: +12\nf: 012\n",
    "a: .inf\nb: -.Inf\nc: .nan\nd: 1e3\ne: 1.5\nf: .5\ng: 1.\n",
    "a: ~\nb: null\nc:\nd: Null\ne: true\nf: False\ng: TRUE\nh: yes\ni: no\nj: on\n",
    "a: 2011-05-03\nb: 2011-02-31\nc: 2001-12-14t21:59:43.10-05:00\n",
    "a: 'x'\nb: \"1\"\nc: !!str 1\nd: !!int '7'\ne: ! 12\n",
    "a: &x [1, 2]\nb: *x\n",
    "a: &s text\nb: *s\n",
    "base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n",
    "? [a, b]\n: c\n",
    "1: a\n1.0: b\n",
    "true: a\n1: b\n",
    "a: =\nb: <<\n",
    "%YAML 1.1\n---\na: yes\n",
    "a: |\n  Zeile 1\n\n  Zeile 2\nb: >\n  gefaltet\n  weiter\n",
])
def test_fast_loader_equals_ruamel_on_corner_cases(text: str) -> None:
    fast, slow = outcome(load_text, text), outcome(_SAFE.load, text)
    assert fast == slow


def test_fast_loader_keeps_nan() -> None:
    assert math.isnan(load_text("a: .nan\n")["a"])
