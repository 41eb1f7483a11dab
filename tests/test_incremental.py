"""Every output incremental and equal to a clean build, tried with random edit sequences.

Hypothesis applies random sequences of edits to the demo project – a field edited, a Drucksache
added or deleted, a Gremium renamed in data/, a template override written or changed, an Anlage
touched or replaced, an output file deleted or overwritten, a status switched, a Sitzung or a
Niederschrift added or removed – and after each step compares the whole build folder (both trees,
every document kind) byte for byte with a clean build of the same state.

Most sequences run against the planners and the output manager with a fake recipe: a document's
"bytes" are a digest of everything the recipe would be given (its Markdown, inputs, epoch, tree,
layout, and for a Mappe the documents drawn into it), so an input the fingerprint misses shows as a
difference. A few run with the real engines. ``VORLAGENGEN_NACHTLAUF=1`` (``make test-nightly``)
runs many more of both.

The website is part of the sequences (of every second one with the fake recipe, of every one with
the real engines and at night): each starts from a build folder with its site, and after the
last step ``vorlagengen site`` runs as on the command line (its stamp included) and its folder is
compared byte for byte with a site made from scratch out of the same documents; only OParl's
tombstones of objects deleted since an earlier run may be there in addition. With the fake recipe,
Pagefind is stood in by a digest of the pages each bundle is given.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import vorlagengen.documents.recipe as recipe
import vorlagengen.site.search as search
from render_support import REPO
from vorlagengen.cli import cli
from vorlagengen.documents.drucksache import build
from vorlagengen.documents.output import open_output
from vorlagengen.documents.recipe import Document, Prepared
from vorlagengen.documents.sitzung.protokoll import write_beschluesse, write_niederschriften
from vorlagengen.documents.sitzung.unterlagen import write_sitzungen
from vorlagengen.errors import ValidationFailed
from vorlagengen.load.project import load_project
from vorlagengen.model.records import Project
from vorlagengen.public.projection import public_project
from vorlagengen.public.schwaerzung import KLASSE

NIGHTLY = os.environ.get("VORLAGENGEN_NACHTLAUF") == "1"
FAKE_RUNS = 2000 if NIGHTLY else 200
SITE_EVERY = 1 if NIGHTLY else 2  # with the fake recipe, the site after every second sequence (it costs as much)
REAL_RUNS = 40 if NIGHTLY else 5
TODAY = dt.date(2026, 11, 23)
# no shrinking: a failing sequence is short already, and each step builds twice
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)
SKIP = {".vorlagen.json", ".vorlagen.lock"}
SITE = "oeffentlich/site"
SITE_STATE = ("intern/site-cache.json", "intern/site-stamp.json", "intern/site-templates/")  # caches, not outputs

_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n%DIGEST\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def fake_convert(doc: Document, prep: Prepared, markdown: str, formats: tuple[str, ...]) -> dict[str, bytes]:
    """The recipe's stand-in: a digest of every input the real recipe is given (a PDF of one page,
    so that a Mappe can count its Drucksachen's pages)."""
    h = hashlib.sha256()
    # the tree counts where the real recipe uses it: a Schwärzung drawn as a bar in a public document
    # (else a Drucksache's internal form may be a copy of its public one, as the build does)
    drawn = doc.public and KLASSE in markdown
    for part in (doc.kind, doc.show, doc.layout.fingerprint, str(doc.epoch), str(drawn), markdown,
                 json.dumps(prep.inputs, sort_keys=True), str(prep.entwurf), prep.footer, repr(prep.standards)):
        h.update(part.encode("utf-8") + b"\0")
    for key, source in sorted(prep.sources.items()):
        h.update(key.encode() + (source if isinstance(source, bytes) else source.read_bytes()))
    digest = h.hexdigest()
    return {f: _PDF.replace(b"DIGEST", f"{digest}{f}".encode()) if f == "pdf" else f"{digest}{f}".encode()
            for f in formats}


def build_everything(project: Project, out: Path) -> None:
    """What make vorlage, sitzungen, niederschrift and beschluesse do, in process."""
    build(project, out, complete=True, jobs=1)
    with open_output(out) as output:
        write_sitzungen(output, project, [s for s in project.sitzungen if s.sitzung.quelle is None], complete=True,
                        public=public_project(project))
        write_niederschriften(output, project, [s for s in project.sitzungen if s.niederschrift is not None], TODAY,
                              complete=True)
        write_beschluesse(output, project, TODAY)


def fake_index(site: Path, pages: list[str]) -> dict[str, bytes]:
    """Pagefind's stand-in: a bundle whose files are a digest of the pages it is given."""
    h = hashlib.sha256()
    for rel in sorted(pages):
        h.update(rel.encode() + b"\0" + (site / rel).read_bytes())
    return {"pagefind-entry.json": json.dumps({"pages": sorted(pages)}).encode(),
            f"fragment/{h.hexdigest()[:16]}.pf_fragment": h.hexdigest().encode()}


def make_site(root: Path, out: Path) -> None:
    """``vorlagengen site`` as on the command line (its stamp included)."""
    done = CliRunner().invoke(cli, ["--projekt", str(root), "-q", "site", "--ausgabe", str(out)])
    assert done.exit_code == 0, done.output


def files(out: Path) -> dict[str, bytes]:
    """The documents of a build folder (the site is compared on its own)."""
    found = {}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out).as_posix()
        if p.is_file() and p.name not in SKIP and ".cache" not in p.parts and not rel.startswith(SITE + "/") \
                and not rel.startswith(SITE_STATE):
            found[rel] = p.read_bytes()
    return found


def site_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / SITE).rglob("*")) if p.is_file()}


def check_site(work: Path) -> None:
    """The site after the sequence equals one made from scratch out of the same (compared) documents."""
    make_site(work, work / "build")
    clean = work / "sauber-site"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.copytree(work / "build" / "oeffentlich", clean / "oeffentlich", copy_function=os.link,
                    ignore=lambda folder, _names: ["site"] if Path(folder) == work / "build" / "oeffentlich" else [])
    make_site(work, clean)
    got, want = site_files(work / "build"), site_files(clean)
    # the one thing a clean build cannot have: OParl's record of objects deleted since an earlier run
    tombstones = [k for k in set(got) - set(want) if k.startswith(f"{SITE}/oparl/") and k.endswith(".json")
                  and json.loads(got[k]).get("deleted") is True]
    assert sorted(set(got) - set(tombstones)) == sorted(want)
    assert [k for k in want if got[k] != want[k]] == []


def _rewrite(path: Path, data: bytes) -> None:
    """Replace a file with new bytes (a new inode: the template project shares the old one)."""
    path.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _edit(path: Path, old: str, new: str) -> None:
    _rewrite(path, path.read_text(encoding="utf-8").replace(old, new, 1).encode("utf-8"))


# --- the edits ----------------------------------------------------------------------------------

EXTRA = "vorlagen/wandsbek/19-0990.yaml"


def edit_field(root: Path, n: int) -> None:
    record = sorted((root / "vorlagen").rglob("*.yaml"))[n % 5]
    text = record.read_text(encoding="utf-8")
    key = "betreff: " if "betreff: " in text else "nummer: "
    _edit(record, key, f"{key}Geändert {n} ") if key == "betreff: " and "betreff: \"" not in text \
        else _edit(record, "betreff: \"", f"betreff: \"Geändert {n} ")


def add_drucksache(root: Path, n: int) -> None:
    source = root / "vorlagen/wandsbek/19-0178.yaml"
    text = source.read_text(encoding="utf-8").replace('nummer: "19/0178"', 'nummer: "19/0990"', 1)
    text = text.replace("    datum: 2011-05-11\n", "", 1)  # not on an agenda
    _rewrite(root / EXTRA, text.replace("betreff: ", f"betreff: Zusatz {n} ", 1).encode("utf-8"))


def delete_drucksache(root: Path, n: int) -> None:
    (root / EXTRA).unlink(missing_ok=True)


def rename_gremium(root: Path, n: int) -> None:
    _edit(root / "data/gremien.yaml", "  name: Jugendhilfeausschuss", f"  name: Jugendhilfeausschuss {n}")


def template_override(root: Path, n: int) -> None:
    name = ("einladung.md.j2", "niederschrift.md.j2", "vorlage.md.j2")[n % 3]
    packaged = Path(recipe.__file__).parents[1] / "templates"
    source = packaged / ("hamburg" if name == "vorlage.md.j2" else "_base") / name
    target = root / "templates" / "hamburg" / name
    _rewrite(target, source.read_bytes() + f"\nEigene Fassung {n}\n".encode())


def touch_anlage(root: Path, n: int) -> None:
    anlage = sorted((root / "vorlagen/wandsbek/anlagen").glob("*.pdf"))[n % 3]
    data = anlage.read_bytes()
    if n % 2:
        _rewrite(anlage, data)  # the same bytes, a new file
    else:
        other = sorted((root / "vorlagen/wandsbek/anlagen").glob("*.pdf"))[(n + 1) % 3]
        _rewrite(anlage, other.read_bytes())


def damage_output(root: Path, n: int) -> None:
    outputs = sorted(p for p in (root / "build").rglob("*") if p.is_file() and p.name not in SKIP
                     and ".cache" not in p.parts)
    if not outputs:
        return
    target = outputs[n % len(outputs)]
    target.unlink()
    if n % 2:
        target.write_bytes(b"ueberschrieben")


def switch_status(root: Path, n: int) -> None:
    extra = root / EXTRA
    if not extra.exists():
        add_drucksache(root, n)
    text = extra.read_text(encoding="utf-8")
    swapped = text.replace("status: öffentlich", "status: nichtöffentlich", 1) if "status: öffentlich" in text \
        else text.replace("status: nichtöffentlich", "status: öffentlich", 1)
    _rewrite(extra, swapped.encode("utf-8"))


def add_sitzung(root: Path, n: int) -> None:
    source = root / "sitzungen/lueneburg-sga-2019-04-04.yaml"
    target = root / "sitzungen/lueneburg-sga-2019-06-13.yaml"
    if target.exists():
        target.unlink()
        return
    text = source.read_text(encoding="utf-8").replace("datum: 2019-04-04", "datum: 2019-06-13", 1)
    text = text.replace('- drucksache: "VO/8321/19"', "- titel: Neuer Punkt", 1)
    text = text.replace("nummer: SGA/2019/02", "nummer: SGA/2019/04", 1).replace("einladungsdatum: 2019-03-22",
                                                                                   "einladungsdatum: 2019-05-31", 1)
    _rewrite(target, text.encode("utf-8"))


def toggle_niederschrift(root: Path, n: int) -> None:
    path = root / "sitzungen/lueneburg-sga-2019-04-04.niederschrift.yaml"
    parked = root / "niederschrift.geparkt"
    if path.exists():
        path.rename(parked)
    elif parked.exists():
        parked.rename(path)


EDITS: list[Callable[[Path, int], None]] = [edit_field, add_drucksache, delete_drucksache, rename_gremium,
                                            template_override, touch_anlage, damage_output, switch_status,
                                            add_sitzung, toggle_niederschrift]
SEQUENCES = st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 50)), min_size=1, max_size=4)


# --- the project each sequence starts from ---------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The demo project outside git, built once; sequences start from hard links to it."""
    base = tmp_path_factory.mktemp("vorlage")
    for name in ("data", "sitzungen", "vorlagen/wandsbek", "vorlagen/lueneburg"):  # two Körperschaften suffice
        shutil.copytree(REPO / name, base / name)
    return base


def _start(template: Path, work: Path, built: Path) -> None:
    """``work`` as a hard-linked copy of ``template`` with ``built`` as its build folder (same inodes
    and times: the manifest holds them). The same path every time: fingerprints name the files."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(template, work, copy_function=os.link)
    if built.is_dir():
        shutil.copytree(built, work / "build", copy_function=os.link)


_CLEAN: dict[str, dict[str, bytes]] = {}


def clean_build(project: Project, work: Path, built: Path) -> dict[str, bytes]:
    """The files of a clean build of the state ``work`` is in (remembered by the sources' bytes: a
    state reached again is not built again)."""
    h = hashlib.sha256(str(recipe.convert).encode())
    for path in sorted(p for name in ("data", "vorlagen", "sitzungen", "templates") for p in (work / name).rglob("*")):
        if path.is_file():
            h.update(path.relative_to(work).as_posix().encode() + b"\0" + path.read_bytes())
    key = h.hexdigest()
    if key not in _CLEAN:
        clean = work / "sauber"
        shutil.rmtree(clean, ignore_errors=True)
        # converted Anlagen (Ghostscript's bytes differ from run to run), by content: shared, not compared;
        # what the Mappen keep of Drucksachen and typst is not shared: the clean build sets it anew
        for cache in (Path("intern/.cache"), Path(".cache/oeffentlich")):
            for kind in ("pdfa", "office"):
                if (built / cache / kind).is_dir():
                    shutil.copytree(built / cache / kind, clean / cache / kind, copy_function=os.link)
        build_everything(project, clean)
        _CLEAN[key] = files(clean)
    return _CLEAN[key]


def _check_sequence(template: Path, work: Path, built: Path, edits: list[tuple[Callable[[Path, int], None], int]],
                    site: bool = True) -> None:
    _start(template, work, built)
    valid = True
    for edit, n in edits:
        edit(work, n)
        try:
            project = load_project(work, jobs=1)
        except ValidationFailed:
            valid = False
            continue  # a state that does not validate is not built; the next one is
        valid = True
        build_everything(project, work / "build")
        got, want = files(work / "build"), clean_build(project, work, built)
        assert sorted(got) == sorted(want), (edit.__name__, n)
        assert [k for k in got if got[k] != want[k]] == [], (edit.__name__, n)
    if valid and site:
        check_site(work)


def _first_build(template: Path, area: Path) -> Path:
    """The build every sequence starts from: documents and site."""
    built = area / "gebaut"
    first = area / "erst"
    _start(template, first, Path("/nonexistent"))
    build_everything(load_project(first, jobs=1), first / "build")
    make_site(first, first / "build")
    shutil.copytree(first / "build", built, copy_function=os.link)
    return built


@pytest.fixture
def epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1304380800")


def test_random_edits_with_a_fake_recipe_end_as_a_clean_build(template, tmp_path_factory, monkeypatch, epoch):
    monkeypatch.setattr(recipe, "convert", fake_convert)
    monkeypatch.setattr(search, "build_index", fake_index)
    area = tmp_path_factory.mktemp("falsch")
    built = _first_build(template, area)
    work = area / "p"
    count = iter(range(10**9))

    @settings(max_examples=FAKE_RUNS, deadline=None, derandomize=not NIGHTLY, phases=PHASES,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(SEQUENCES)
    def run(edits: list[tuple[Callable[[Path, int], None], int]]) -> None:
        _check_sequence(template, work, built, edits, site=next(count) % SITE_EVERY == 0)

    _start(template, work, built)
    run()


def test_random_edits_with_the_real_engines_end_as_a_clean_build(template, tmp_path_factory, epoch):
    area = tmp_path_factory.mktemp("echt")
    built = _first_build(template, area)
    work = area / "p"

    @settings(max_examples=REAL_RUNS, deadline=None, derandomize=not NIGHTLY, phases=PHASES,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(SEQUENCES)
    def run(edits: list[tuple[Callable[[Path, int], None], int]]) -> None:
        _check_sequence(template, work, built, edits)

    run()

