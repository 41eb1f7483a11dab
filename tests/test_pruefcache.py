"""The check cache: an unchanged record is not read again, and anything it depends on that changes
(its file, an Anlage, data/, templates/, the cache file itself) makes it be checked afresh."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

import vorlagengen.load.project as project_module
import vorlagengen.runstamps as runstamps
from conftest import LUENEBURG_PATH, WANDSBEK_PATH, Projekt
from vorlagengen.cachedir import cache_folder
from vorlagengen.load.project import load_project


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The check cache's own folder; validate's run stamp (test_run_stamps.py) is off, so that every
    validate loads and goes through the check cache."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("VORLAGENGEN_CACHE", str(folder))
    monkeypatch.setattr(runstamps, "validate_stamp", lambda *_args: None)
    return folder


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the record files read and checked afresh."""
    seen: list[str] = []
    fresh = project_module._check_one

    def counting(path: Path, *args: object) -> project_module.Checked:
        seen.append(path.name)
        return fresh(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(project_module, "_check_one", counting)
    return seen


def _age(path: Path, seconds: int = 10) -> None:
    """Make a file look older than the cache's window for files just written."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns - seconds * 10**9, st.st_mtime_ns - seconds * 10**9))


def test_an_unchanged_project_is_not_read_again(projekt: Projekt, cache: Path, reads: list[str]) -> None:
    _age(projekt.root / "vorlagen/wandsbek/anlagen/kontrakt.pdf")
    first = load_project(projekt.root, jobs=1)
    assert sorted(reads) == ["19-0167.yaml", "VO-8321-19.yaml"]
    reads.clear()
    second = load_project(projekt.root, jobs=1)
    assert reads == []
    assert [r.vorlage for r in second.records] == [r.vorlage for r in first.records]
    assert [r.display for r in second.records] == [r.display for r in first.records]
    (file,) = cache.iterdir()
    assert stat.S_IMODE(file.stat().st_mode) == 0o600  # it holds non-public values too


def test_a_changed_record_is_checked_again(projekt: Projekt, cache: Path, reads: list[str]) -> None:
    _age(projekt.root / "vorlagen/wandsbek/anlagen/kontrakt.pdf")
    load_project(projekt.root, jobs=1)
    path = projekt.root / LUENEBURG_PATH
    path.write_text(path.read_text(encoding="utf-8").replace("koerperschaft: lueneburg", "koerperschaft: nirgendwo"),
                    encoding="utf-8")
    reads.clear()
    result = projekt.validate()
    assert reads == ["VO-8321-19.yaml"]
    assert "VO-8321-19.yaml:3:1: koerperschaft: unbekannte Körperschaft „nirgendwo“" in result.stderr


def test_a_change_in_data_is_seen_by_an_unchanged_record(projekt: Projekt, cache: Path) -> None:
    _age(projekt.root / "vorlagen/wandsbek/anlagen/kontrakt.pdf")
    assert projekt.validate().exit_code == 0
    aemter = projekt.root / "data" / "aemter.yaml"
    text = aemter.read_text(encoding="utf-8")
    aemter.write_text(text.replace("wandsbek-dez-sjg:", "wandsbek-dez-weg:"), encoding="utf-8")
    result = projekt.validate()
    assert result.exit_code == 1
    assert "19-0167.yaml" in result.stderr and "wandsbek-dez-sjg" in result.stderr


def test_a_replaced_anlage_is_checked_again(projekt: Projekt, cache: Path) -> None:
    anlage = projekt.root / "vorlagen/wandsbek/anlagen/kontrakt.pdf"
    _age(anlage)
    assert projekt.validate().exit_code == 0
    anlage.write_bytes(b"kein PDF")
    result = projekt.validate()
    assert result.exit_code == 1
    assert "19-0167.yaml" in result.stderr and "anlagen[1].datei" in result.stderr


def test_an_anlage_just_written_is_not_trusted_to_its_time(projekt: Projekt, cache: Path, reads: list[str]) -> None:
    # the Anlage of the Wandsbek record was written a moment ago: its record is checked again next time
    load_project(projekt.root, jobs=1)
    reads.clear()
    load_project(projekt.root, jobs=1)
    assert reads == ["19-0167.yaml"]


def test_a_changed_layout_file_is_seen(projekt: Projekt, cache: Path, reads: list[str]) -> None:
    _age(projekt.root / "vorlagen/wandsbek/anlagen/kontrakt.pdf")
    projekt.write_text("templates/README.md", "eigene Layouts\n")
    load_project(projekt.root, jobs=1)
    projekt.write_text("templates/README.md", "eigene Layouts, geändert\n")
    reads.clear()
    load_project(projekt.root, jobs=1)
    assert sorted(reads) == ["19-0167.yaml", "VO-8321-19.yaml"]


@pytest.mark.parametrize("content", [b"", b"{kaputt", b"[]", b"\xff\xfe", json.dumps({"context": 1}).encode(),
                                     b'{"format": 1, "context": "x"}\n["a"]\tnull\n'])
def test_a_broken_cache_file_is_ignored(projekt: Projekt, cache: Path, content: bytes) -> None:
    assert projekt.validate().exit_code == 0
    (file,) = cache.iterdir()
    file.write_bytes(content)
    result = projekt.validate()
    assert result.exit_code == 0, result.stderr


def _entry_of(file: Path, record: Path) -> tuple[list[str], int]:
    """The cache file's lines and the number of the line that keeps ``record``."""
    lines = file.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines[1:], 1):
        if json.loads(line.split("\t")[1]) == str(record):
            return lines, n
    raise AssertionError(f"{record} not in the cache")


def _with_value(line: str, **changes: object) -> str:
    head, raw = line.rsplit("\t", 1)
    return "\t".join([head, json.dumps({**json.loads(raw), **changes})])


def _flip_bit(line: str, at: int) -> str:
    data = bytearray(line.encode("utf-8"))
    data[at] ^= 0x01
    return data.decode("utf-8", errors="replace")


# Every way a kept line can be damaged: a value changed by hand, one bit flipped (in the checksum,
# the head and the values), cut short, replaced by garbage, a value of the wrong type.
DAMAGE = {
    "changed value": lambda line: _with_value(line, betreff="Untergeschoben"),
    "changed Anlagen stamp": lambda line: line.replace('"anlagen/', '"anlagen-/', 1),
    "bit in checksum": lambda line: _flip_bit(line, 3),
    "bit in head": lambda line: _flip_bit(line, 70),
    "bit in values": lambda line: _flip_bit(line, len(line) - 40),
    "truncated": lambda line: line[: len(line) // 2],
    "garbage": lambda line: line.split("\t")[0] + "\t\x00\x7f{[\t\u00fc",
    "wrong type of values": lambda line: _with_value(line, beratungsfolge="keine Liste"),
    "values not a mapping": lambda line: "\t".join([line.rsplit("\t", 1)[0], "[1, 2, 3]"]),
    "Anlagen not a list": lambda line: "\t".join([*line.split("\t")[:4], '[{"a": 1}, []]', line.split("\t", 5)[5]]),
    "stamp of another file": lambda line: "\t".join([*line.split("\t")[:3], "1:2:3:4", line.split("\t", 4)[4]]),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_cache_line_is_dropped_and_checked_afresh(projekt: Projekt, cache: Path, reads: list[str],
                                                             damage: str) -> None:
    _age(projekt.root / "vorlagen/wandsbek/anlagen/kontrakt.pdf")
    before = [r.vorlage for r in load_project(projekt.root, jobs=1).records]
    (file,) = cache.iterdir()
    lines, n = _entry_of(file, projekt.root / WANDSBEK_PATH)
    lines[n] = DAMAGE[damage](lines[n])
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reads.clear()
    after = load_project(projekt.root, jobs=1)
    assert [r.vorlage for r in after.records] == before
    assert all(r.vorlage.betreff != "Untergeschoben" for r in after.records)
    assert reads == ["19-0167.yaml"]  # the damaged one afresh, the sound one from the cache
    reads.clear()
    assert [r.vorlage for r in load_project(projekt.root, jobs=1).records] == before
    assert reads == []  # the fresh result replaced the damaged line
    result = projekt.validate()
    assert result.exit_code == 0 and "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize("cut", [1, 100, -1])
def test_a_truncated_cache_file_gives_the_same_project(projekt: Projekt, cache: Path, cut: int) -> None:
    _age(projekt.root / "vorlagen/wandsbek/anlagen/kontrakt.pdf")
    before = [r.vorlage for r in load_project(projekt.root, jobs=1).records]
    (file,) = cache.iterdir()
    data = file.read_bytes()
    file.write_bytes(data[:cut])
    assert [r.vorlage for r in load_project(projekt.root, jobs=1).records] == before


def test_a_line_moved_from_another_context_is_not_used(projekt: Projekt, cache: Path, reads: list[str]) -> None:
    # the checksum is bound to the context: a line written under other data/ does not fit here
    _age(projekt.root / "vorlagen/wandsbek/anlagen/kontrakt.pdf")
    load_project(projekt.root, jobs=1)
    (file,) = cache.iterdir()
    head, *lines = file.read_text(encoding="utf-8").splitlines()
    file.write_text("\n".join([json.dumps({"format": json.loads(head)["format"], "context": "anders"}), *lines])
                    + "\n", encoding="utf-8")
    aemter = projekt.root / "data" / "aemter.yaml"
    reads.clear()
    load_project(projekt.root, jobs=1)
    assert sorted(reads) == ["19-0167.yaml", "VO-8321-19.yaml"]
    assert aemter.exists()


def test_cache_off_and_unwritable(projekt: Projekt, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VORLAGENGEN_CACHE", "aus")
    assert cache_folder() is None
    assert projekt.validate().exit_code == 0
    blocked = tmp_path / "datei"
    blocked.write_text("kein Ordner", encoding="utf-8")
    monkeypatch.setenv("VORLAGENGEN_CACHE", str(blocked / "cache"))
    result = projekt.validate()
    assert result.exit_code == 0 and result.stderr == ""


def test_parallel_check_fills_and_uses_the_cache(projekt: Projekt, cache: Path, reads: list[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(12):
        text = (projekt.root / LUENEBURG_PATH).read_text(encoding="utf-8")
        projekt.write_text(f"vorlagen/lueneburg/k{i}.yaml", text.replace("VO/8321/19", f"VO/{8400 + i}/19"))
    monkeypatch.setattr(project_module, "PARALLEL_THRESHOLD", 5)
    _age(projekt.root / "vorlagen/wandsbek/anlagen/kontrakt.pdf")
    first = load_project(projekt.root, jobs=2)
    reads.clear()
    second = load_project(projekt.root, jobs=2)
    assert reads == []
    assert [r.vorlage for r in second.records] == [r.vorlage for r in first.records]


@pytest.mark.parametrize("garbage", ['["a"]\tnull', "[1, 2]", "kein json\tauch nicht", '["p", "s", 3, [[1]]]\t{}'])
def test_garbage_lines_under_a_valid_head_are_ignored(projekt: Projekt, cache: Path, garbage: str) -> None:
    _age(projekt.root / "vorlagen/wandsbek/anlagen/kontrakt.pdf")
    before = [r.vorlage for r in load_project(projekt.root, jobs=1).records]
    (file,) = cache.iterdir()
    head, *lines = file.read_text(encoding="utf-8").splitlines()
    file.write_text("\n".join([head, garbage, *["\t".join(ln.split("\t")[:2]) + "\t" + garbage for ln in lines]])
                    + "\n",
                    encoding="utf-8")
    result = projekt.validate()
    assert result.exit_code == 0, result.stderr
    assert [r.vorlage for r in load_project(projekt.root, jobs=1).records] == before


def test_an_unchanged_file_is_not_even_read_and_a_changed_one_always_is(
        projekt: Projekt, cache: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import vorlagengen.load.pruefcache as pruefcache

    monkeypatch.setattr(pruefcache, "_RACY_NS", 0)  # files of this test are trusted to their stamp at once
    hashed: list[int] = []
    real_digest = project_module.digest
    monkeypatch.setattr(project_module, "digest", lambda data: hashed.append(len(data)) or real_digest(data))
    _age(projekt.root / "vorlagen/wandsbek/anlagen/kontrakt.pdf")
    load_project(projekt.root, jobs=1)
    hashed.clear()
    reads.clear()
    load_project(projekt.root, jobs=1)
    assert hashed == [] and reads == []  # neither read nor hashed: their stamps vouch for them
    # same size, same modification time, other bytes: the change time tells
    path = projekt.root / WANDSBEK_PATH
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    changed = text.replace("betreff: ", "betreff: X", 1)[: len(text)]
    assert len(changed.encode()) == len(text.encode())
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    reads.clear()
    records = load_project(projekt.root, jobs=1).records
    assert reads == ["19-0167.yaml"]
    assert any(r.vorlage.betreff.startswith("X") for r in records)


def test_a_file_changed_just_now_is_not_trusted_to_its_stamp(projekt: Projekt, cache: Path,
                                                             reads: list[str]) -> None:
    _age(projekt.root / "vorlagen/wandsbek/anlagen/kontrakt.pdf")
    load_project(projekt.root, jobs=1)
    (file,) = cache.iterdir()
    stamps = [line.split("\t")[3] for line in file.read_text(encoding="utf-8").splitlines()[1:]]
    assert stamps == ["-", "-"]  # written moments ago: its bytes are compared, never its stamp


def test_one_selected_record_takes_the_others_numbers_from_the_cache(
        projekt: Projekt, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import vorlagengen.load.pruefcache as pruefcache

    monkeypatch.setattr(pruefcache, "_RACY_NS", 0)
    _age(projekt.root / "vorlagen/wandsbek/anlagen/kontrakt.pdf")
    load_project(projekt.root, jobs=1)
    parsed: list[str] = []
    real = project_module.load_mapping
    monkeypatch.setattr(project_module, "load_mapping",
                        lambda path, *a: parsed.append(path.name) or real(path, *a))
    one = load_project(projekt.root, [projekt.root / LUENEBURG_PATH], jobs=1)
    assert [p for p in parsed if not p.startswith(("koerperschaften", "gremien", "aemter", "personen",
                                                       "altbestand", "website"))] == []
    assert ("wandsbek", "19/0167") in one.betreffs and one.ist_oeffentlich("wandsbek", "19/0167")
