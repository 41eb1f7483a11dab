"""A cache never lies: every cache the speed-ups rely on (the build manifest, the website's state, the
converted Anlagen, what the Mappen keep, the digest of the own code; the check cache in test_pruefcache.py) carries a checksum, and a damaged entry is
dropped and made again, so the result equals a clean build and nothing raises."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

import vorlagengen.documents.kept as kept_mod
import vorlagengen.documents.output as output_mod
import vorlagengen.documents.sitzung.anlagen as anlagen_mod
import vorlagengen.documents.trees as trees
from render_support import copy_project
from site_support import build as build_site_of
from site_support import copy_demo, site_files
from test_build_state import outputs, run_build, write


def _flip(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at % len(changed)] ^= 0x04
    return bytes(changed)


def _changed_fingerprint(data: bytes) -> bytes:
    state = json.loads(data)
    for entry in state.values():
        entry["fp"] = "0" * 64  # another fingerprint, the checksum left as it was
    return json.dumps(state).encode()


def _wrong_types(data: bytes) -> bytes:
    state = json.loads(data)
    first, second, *_ = sorted(state)
    state[first] = ["keine", "Zuordnung"]
    state[second]["stat"] = "gestern"
    return json.dumps(state).encode()


MANIFEST_DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "changed fingerprint": _changed_fingerprint,
    "flipped bit": lambda data: _flip(data, len(data) // 2),
    "truncated": lambda data: data[: len(data) // 3],
    "garbage": lambda data: b"\x00\xff{[" + data[5:],
    "wrong types": _wrong_types,
    "not a mapping": lambda data: b"[1, 2, 3]",
}


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    root = copy_project(tmp_path_factory.mktemp("sauber") / "p")
    write(root, "a.yaml", "VO/0001/19")
    write(root, "b.yaml", "VO/0002/19")
    run_build(root)
    return root, outputs(root / "build")


@pytest.mark.parametrize("damage", MANIFEST_DAMAGE, ids=list(MANIFEST_DAMAGE))
def test_a_damaged_build_manifest_gives_a_clean_build(tmp_path: Path, clean: tuple[Path, dict[str, bytes]],
                                                      damage: str) -> None:
    root = copy_project(tmp_path / "p")
    write(root, "a.yaml", "VO/0001/19")
    write(root, "b.yaml", "VO/0002/19")
    run_build(root)
    manifest = trees.state_file(root / "build")
    stale = root / "build/intern/vorlagen/lueneburg/VO-0002-19.pdf"
    stale.write_bytes(b"veraltet")  # an output the damaged manifest can no longer vouch for or against
    (root / "vorlagen/b.yaml").unlink()  # … and whose record is gone
    manifest.write_bytes(MANIFEST_DAMAGE[damage](manifest.read_bytes()))
    run_build(root)
    expected = {k: v for k, v in clean[1].items() if "VO-0002-19" not in k}
    assert outputs(root / "build") == expected
    assert not run_build(root).built  # the manifest is sound again


def test_a_manifest_entry_leading_out_of_the_build_folder_is_never_followed(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "p")
    write(root, "a.yaml", "VO/0001/19")
    run_build(root)
    outside = tmp_path / "fremd.pdf"
    outside.write_bytes(b"nicht unseres")
    manifest = trees.state_file(root / "build")
    state = json.loads(manifest.read_text(encoding="utf-8"))
    key, stamp = "../fremd.pdf", [1, 2, 3]  # an entry with a right checksum, as if forged
    entry = {"fp": "x", "stat": stamp}
    state[key] = {**entry, "sum": output_mod._entry_sum(key, entry)}
    manifest.write_text(json.dumps(state), encoding="utf-8")
    run_build(root)
    assert outside.read_bytes() == b"nicht unseres"


SITE_DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "changed value": lambda data: data.replace(b"<p>", b"<p>Untergeschoben ", 1),
    "flipped bit": lambda data: _flip(data, len(data) // 2),
    "bit in checksum": lambda data: _flip(data, 5),
    "truncated": lambda data: data[: len(data) // 2],
    "garbage": lambda data: b"\x00\xff" * 40,
    "wrong type": lambda data: b"[1, 2]",
    "no checksum line": lambda data: data.split(b"\n", 1)[1],
}


def test_a_damaged_site_state_gives_the_clean_site(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "projekt")
    clean = site_files(build_site_of(root, tmp_path / "sauber") and tmp_path / "sauber/oeffentlich/site")
    out = tmp_path / "build"
    build_site_of(root, out)
    state = out / "intern/site-cache.json"
    sound = state.read_bytes()
    assert b"<p>" in sound  # the kept Markdown is there to be changed
    for name, damage in SITE_DAMAGE.items():
        state.write_bytes(damage(sound))
        build_site_of(root, out)
        site = site_files(out / "oeffentlich/site")
        assert site == clean, name
        assert all(b"Untergeschoben" not in v for v in site.values()), name


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
       b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.mark.parametrize("damage", ["flipped bit", "truncated", "garbage", "another PDF", "empty"])
def test_a_damaged_converted_anlage_is_converted_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       damage: str) -> None:
    conversions: list[str] = []

    def fake_gs(args: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        out = next(a for a in args if a.startswith("-sOutputFile="))[len("-sOutputFile="):]
        Path(out).write_bytes(PDF.replace(b"%%EOF", b"% umgewandelt\n%%EOF"))
        conversions.append(out)
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(anlagen_mod.subprocess, "run", fake_gs)
    source = tmp_path / "anlage.pdf"
    source.write_bytes(PDF)
    cache = tmp_path / "cache"
    first = anlagen_mod._ghostscript_pdfa(source, cache, "anlage.pdf")
    good = first.read_bytes()
    assert anlagen_mod._ghostscript_pdfa(source, cache, "anlage.pdf") == first and len(conversions) == 1
    first.write_bytes({"flipped bit": _flip(good, 20), "truncated": good[:30], "garbage": b"\x00" * 50,
                       "another PDF": PDF, "empty": b""}[damage])
    again = anlagen_mod._ghostscript_pdfa(source, cache, "anlage.pdf")
    assert len(conversions) == 2
    assert again.read_bytes() == good
    assert [p.name for p in cache.iterdir() if not p.name.startswith(".")] == [again.name]


@pytest.mark.parametrize("damage", ["flipped bit", "truncated", "garbage", "another kept file", "empty"])
def test_a_damaged_kept_file_is_never_used(tmp_path: Path, damage: str) -> None:
    """What the Mappen keep between runs (a Drucksache's form for the Mappe, typst's placed output):
    a damaged file is removed and read as missing, so it is made again."""
    folder = tmp_path / "mappe" / "VO-0001-19"
    good = PDF.replace(b"%%EOF", b"% Drucksache\n%%EOF")
    kept_mod.keep(folder, "a" * 64, good, ".pdf", alone=True)
    assert kept_mod.read_kept(folder, "a" * 64, ".pdf") == good
    (only,) = folder.iterdir()
    only.write_bytes({"flipped bit": _flip(good, 20), "truncated": good[:30], "garbage": b"\x00" * 50,
                      "another kept file": PDF, "empty": b""}[damage])
    assert kept_mod.read_kept(folder, "a" * 64, ".pdf") is None
    assert not list(folder.iterdir())
    kept_mod.keep(folder, "b" * 64, good, ".pdf", alone=True)  # a later state: the earlier one goes
    assert kept_mod.read_kept(folder, "b" * 64, ".pdf") == good and len(list(folder.iterdir())) == 1


@pytest.mark.parametrize("damage", ["flipped bit", "truncated", "garbage", "empty", "another template"])
def test_a_damaged_compiled_template_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       damage: str) -> None:
    import vorlagengen.documents.markdown as markdown_mod
    from vorlagengen.documents.drucksache import markdown_of
    from vorlagengen.documents.layouts import get_layout
    from vorlagengen.load.project import load_project

    monkeypatch.setenv("VORLAGENGEN_CACHE", str(tmp_path / "cache"))
    root = copy_project(tmp_path / "p")
    write(root, "a.yaml", "VO/0001/19")
    project = load_project(root, jobs=1)
    record = project.records[0]

    def render() -> str:
        markdown_mod.environment.cache_clear()  # a new process: a new environment, the kept bytecode
        return markdown_of(record, project, get_layout("allris", root))

    clean = render()
    kept = {p: p.read_bytes() for p in (tmp_path / "cache").rglob("*.bin")}
    assert kept  # the layout's templates, compiled
    for path, data in kept.items():
        path.write_bytes({"flipped bit": _flip(data, len(data) // 2), "truncated": data[: len(data) // 2],
                          "garbage": b"\x00" * 64, "empty": b"",
                          "another template": data[:32] + data[32:].replace(b"vorlage", b"vorlagx")}[damage])
    assert render() == clean
    assert {p: p.read_bytes() for p in (tmp_path / "cache").rglob("*.bin")} == kept  # sound again


@pytest.mark.parametrize("damage", ["flipped bit", "other digest", "truncated", "garbage", "empty"])
def test_a_damaged_kept_code_digest_is_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  damage: str) -> None:
    """The digest of vorlagengen's own files (in every fingerprint of the check cache and the
    outputs) is kept under their names, sizes and times; a damaged copy is never taken."""
    import hashlib

    import vorlagengen.model.records as records

    monkeypatch.setenv("VORLAGENGEN_CACHE", str(tmp_path / "cache"))
    package = Path(records.__file__).resolve().parents[1]
    h = hashlib.sha256()
    records.hash_files(h, package.rglob("*"), package)  # by content, every file read
    records.package_digest.cache_clear()
    assert records.package_digest() == h.digest()
    [kept] = (tmp_path / "cache" / records.CODE_DIGESTS).iterdir()
    data = kept.read_bytes()
    records.package_digest.cache_clear()
    with monkeypatch.context() as m:
        m.setattr(records, "hash_files", lambda *a: pytest.fail("read although the copy is sound"))
        assert records.package_digest() == h.digest()  # taken from the copy
    kept.write_bytes({"flipped bit": _flip(data, 5), "truncated": data[: len(data) // 2],
                      "other digest": hashlib.sha256(b"anders").digest(), "garbage": b"\x00\xff" * 40,
                      "empty": b""}[damage])
    records.package_digest.cache_clear()
    assert records.package_digest() == h.digest()
    assert [p.read_bytes() for p in (tmp_path / "cache" / records.CODE_DIGESTS).iterdir()] == [data]  # sound again
    records.package_digest.cache_clear()


def test_the_code_digest_is_kept_under_every_files_size_times_and_inode(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import time

    import vorlagengen.documents.stamp as stamp

    monkeypatch.setattr(stamp, "RACY_NS", 100_000_000)  # the clock step taken as 0.1 s (else 2 s)
    for name in ("a.py", "b.typ"):
        (tmp_path / name).write_text("x")

    def key() -> str | None:
        return stamp.unchanged_digest(tmp_path)

    assert key() is None  # changed just now: the files are read, nothing kept
    time.sleep(0.2)
    first = key()
    assert first is not None and key() == first
    st = (tmp_path / "a.py").stat()
    (tmp_path / "a.py").write_text("y")  # the same size and, set back, the same modification time:
    os.utime(tmp_path / "a.py", ns=(st.st_atime_ns, st.st_mtime_ns))  # the change time tells
    time.sleep(0.2)
    second = key()
    assert second not in (None, first)
    (tmp_path / "b.typ").unlink()
    assert key() not in (None, first, second)
