"""The loaded project: records with their place, the reference data of ``data/``, Sitzungen with
their numbered TOPs, and the path rules every layer shares (where records, Sitzungen, Anlagen and
layouts live; file-name forms).

A leaf of the package: it imports only the model, so loading, checks and rendering can all use it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from vorlagengen.cachedir import cache_folder
from vorlagengen.documents.kept import keep, read_kept
from vorlagengen.documents.stamp import unchanged_digest
from vorlagengen.errors import Problem
from vorlagengen.model.drucksache import (
    Altdrucksache,
    Amt,
    Gremium,
    Koerperschaft,
    Person,
    Sitzung,
    TopQuelle,
    Vorlage,
)
from vorlagengen.model.niederschrift import Niederschrift, TopErgebnis

RECORD_DIR = "vorlagen"
DATA_DIR = "data"
SITZUNG_DIR = "sitzungen"
NIEDERSCHRIFT_SUFFIX = ".niederschrift"  # sitzungen/<name>.niederschrift.yaml beside sitzungen/<name>.yaml
TEMPLATE_DIR = "templates"
FONT_DIR = "fonts"  # templates/fonts/: a project's fonts, not a layout
PACKAGED_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

# The packaged layouts by the system they imitate: an unknown layout named after a system
# („sessionnet“) is pointed to the layout that imitates it.
LAYOUT_FUER_SYSTEM = {"sessionnet": "saarbruecken", "allris-net": "allris", "allris-classic": "allris",
                      "allris-4": "allris4", "allris 4": "allris4", "hamburg-druckform": "hamburg"}


def layout_hint(name: str, names: list[str]) -> str:
    """„ – meinten Sie …?“ or the layout that imitates the system named, or nothing."""
    meant = LAYOUT_FUER_SYSTEM.get(name.strip().lower())
    if meant and meant in names:
        return f" – die Seiten von „{name}“ bildet das Layout „{meant}“ nach"
    return ""


Loc = tuple[Any, ...]  # a place inside a YAML file: keys and list positions


# --- paths ----------------------------------------------------------------------------------------


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working folder where possible."""
    text, here = os.fspath(path), os.getcwd()
    if text.startswith(here + os.sep) and os.path.normpath(text) == text:
        return text[len(here) + 1 :]  # what relpath gives, without its work
    folder, name = os.path.split(text)
    if name and name not in (".", "..") and os.path.isabs(folder):
        rel = _relative_folder(here, folder)  # many records share a folder
        return name if rel == "." else os.path.join(rel, name)
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


@lru_cache(maxsize=256)
def _relative_folder(here: str, folder: str) -> str:
    """``folder`` relative to the working folder ``here``, as relpath gives it ("." when the same)."""
    return os.path.relpath(folder, here)


def hash_files(h: Any, paths: Iterable[Path], base: Path) -> None:
    """Feed the names (relative to ``base``) and contents of the files among ``paths`` into ``h``, in
    a fixed order (bytecode caches left out)."""
    for path in sorted(paths):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(base)).encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())


@lru_cache(maxsize=1)
def package_digest() -> bytes:
    """vorlagengen's own files (code, filter, layouts, fonts) by name and content, hashed once per
    process for the check cache and the build fingerprint alike.

    The digest is kept in the cache folder (documents/kept.py) under the files' names, sizes, times
    and inodes, and taken while they are unchanged (code changes by installing, never within a clock
    step; a file changed in the last two seconds makes the files be read)."""
    package = Path(__file__).resolve().parents[1]
    folder = cache_folder()
    key = unchanged_digest(package, skip=("__pycache__",)) if folder is not None else None
    kept = read_kept(folder / CODE_DIGESTS, key, ".bin") if folder is not None and key is not None else None
    if kept is not None:
        return kept
    h = hashlib.sha256()
    hash_files(h, package.rglob("*"), package)
    if folder is not None and key is not None:
        keep(folder / CODE_DIGESTS, key, h.digest(), ".bin", alone=True)
    return h.digest()


CODE_DIGESTS = "code"  # the folder in the cache folder that keeps package_digest


def niederschrift_path(sitzung: Path) -> Path:
    """``sitzungen/jha-2011-05-11.yaml`` → ``sitzungen/jha-2011-05-11.niederschrift.yaml``."""
    return sitzung.with_name(sitzung.stem + NIEDERSCHRIFT_SUFFIX + sitzung.suffix)


def is_niederschrift(path: Path) -> bool:
    return path.stem.endswith(NIEDERSCHRIFT_SUFFIX)


def slug(nummer: str) -> str:
    """File-name form of a Drucksachen-Nr.: ``VO/8321/19`` → ``VO-8321-19``."""
    return re.sub(r"[^A-Za-z0-9ÄÖÜäöüß_.-]+", "-", nummer).strip("-")


_FOLDERS: dict[str, str] = {}  # folder as written → its real place, for one run (see forget_anlage_folders)


def forget_anlage_folders() -> None:
    """Start a new run: links may have changed since the last one (a long-running preview)."""
    _FOLDERS.clear()


def _real(path: str) -> str:
    """``Path.resolve`` as text; for a symbolic-link loop the path as written (it is not found)."""
    try:
        return str(Path(path).resolve())
    except RuntimeError:  # "Symlink loop"
        return os.path.abspath(path)


def anlage_path(datei: str, record: Path) -> Path:
    """Where an Anlage of the record file ``record`` lies (``datei`` is relative to the record).

    The same as ``(record.parent / datei).resolve()``, but each folder is resolved once per run:
    thousands of records share a few folders of Anlagen. The file itself is resolved only when it
    is a symbolic link."""
    folder, name = os.path.split(os.path.join(record.parent, datei))
    if name in ("", ".", ".."):
        return Path(_real(os.path.join(folder, name)))
    real = _FOLDERS.get(folder)
    if real is None:
        real = _FOLDERS[folder] = _real(folder)
    target = os.path.join(real, name)
    try:
        if os.path.islink(target):
            return Path(_real(target))
    except OSError:
        pass
    return Path(target)


def layout_names(project_root: Path) -> list[str]:
    """The layouts a project can use: packaged ones and the project's own ``templates/<name>/``
    (not ``_base``, hidden folders or ``fonts``)."""
    return sorted(set(packaged_layout_names()) | set(_layout_dirs(project_root / TEMPLATE_DIR)))


def packaged_layout_names() -> list[str]:
    return _layout_dirs(PACKAGED_TEMPLATES)


def _layout_dirs(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir()
                  if p.is_dir() and not p.name.startswith(("_", ".")) and p.name != FONT_DIR)


# --- loaded records -------------------------------------------------------------------------------


@dataclass
class RefData:
    koerperschaften: dict[str, Koerperschaft] = field(default_factory=dict)
    gremien: dict[str, Gremium] = field(default_factory=dict)
    aemter: dict[str, Amt] = field(default_factory=dict)
    personen: dict[str, Person] = field(default_factory=dict)
    altbestand: dict[str, Altdrucksache] = field(default_factory=dict)
    # Files of data/ that could not be read, and ids whose entry is invalid. Both are reported
    # where they are defined; records that refer to them get no second, misleading "unknown id".
    unreadable: set[str] = field(default_factory=set)
    invalid: dict[str, set[str]] = field(default_factory=dict)

    def unsure(self, kind: str, ident: str) -> bool:
        """Whether ``ident`` of ``kind`` may exist but could not be loaded."""
        return kind in self.unreadable or ident in self.invalid.get(kind, ())


@dataclass
class Record:
    path: Path
    display: str
    vorlage: Vorlage
    # Set by the public projection only: the original numbers (1-based) of the Anlagen it kept, and
    # how many it left out, by reason ("nichtöffentlich", "personenbezogen").
    anlagen_nummern: list[int] | None = None
    vorenthalten: dict[str, int] = field(default_factory=dict)
    # SHA-256 (hex) of the text the model was read from, when loading knows it: outputs are
    # fingerprinted by it instead of reading the file again
    digest: str = ""
    # digest of what other records, Sitzungen and checks can see of it: all its values but its own
    # texts (``facts_of``); a build in which only own texts changed sets only these records again
    facts: str = ""


Fremde = tuple[tuple[str, ...], tuple[str, ...]]  # Fragen of a record not loaded, and its Schwärzungsbegriffe

# Fields no check across records and no other document reads: the record's own texts.
OWN_TEXTS = frozenset({"sachverhalt", "beschlussvorschlag", "antwort", "abschnitte", "finanzen"})


def facts_of(raw: Any) -> str:
    """The digest of a record's values (as read) but its own texts (:data:`OWN_TEXTS`)."""
    seen = {k: v for k, v in raw.items() if k not in OWN_TEXTS} if isinstance(raw, dict) else raw
    try:
        text = json.dumps(seen, sort_keys=True, default=repr, ensure_ascii=False)
    except (TypeError, ValueError):  # keys of several types cannot be sorted: their order is the file's
        text = repr(seen)
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


@dataclass
class TopEntry:
    """A TOP with its number and place, as a tree for templates and checks. ``record`` is the
    Drucksache it names and ``dazu`` the further ones, set when loading links the Tagesordnung
    (``sitzungen.link_tops``)."""

    nummer: str
    titel: str
    oeffentlich: bool
    ebene: int
    nachtrag: str
    loc: Loc
    record: Record | None = None
    unterpunkte: list[TopEntry] = field(default_factory=list)
    drucksache: str = ""  # the Drucksachen-Nr. the TOP names, as written
    dazu_nummern: list[str] = field(default_factory=list)  # further Drucksachen-Nr. „dazu“, as written
    dazu: list[Record] = field(default_factory=list)
    hinweis: str = ""
    abgesetzt: bool = False
    quelle: TopQuelle | None = None  # imported: the source's result text and files of this TOP
    danach: bool = False  # in the public part that resumes after the non-public one
    verlegt: str = ""  # moved to the other part in the session (Niederschrift): "oeffentlich"/"nichtoeffentlich"

    @property
    def oeffentlich_beraten(self) -> bool:
        """Whether it was discussed in public: its part, unless the session moved it (Niederschrift)."""
        return self.verlegt == "oeffentlich" if self.verlegt else self.oeffentlich

    @property
    def records(self) -> list[Record]:
        """The Drucksachen of this TOP: its own first, then those „dazu“."""
        return ([self.record] if self.record is not None else []) + self.dazu


@dataclass
class SitzungRecord:
    path: Path
    display: str
    sitzung: Sitzung
    tops: list[TopEntry] = field(default_factory=list)
    praefix: str = "TOP"  # what documents print before a TOP number (the Körperschaft's profile)
    niederschrift: Niederschrift | None = None
    niederschrift_path: Path | None = None
    # Set by the public projection, which keeps no non-public TOP: whether the Sitzung has a
    # non-public part at all (the Bekanntmachung names its heading).
    nichtoeffentlicher_teil: bool | None = None
    # Set by the public projection instead of the Niederschrift: TOP number → what the public
    # Niederschrift states for that public TOP (only Ergebnis and Abstimmung).
    oeffentliche_ergebnisse: dict[str, TopErgebnis] = field(default_factory=dict)

    def hat_nichtoeffentlichen_teil(self) -> bool:
        if self.nichtoeffentlicher_teil is not None:
            return self.nichtoeffentlicher_teil
        return any(not e.oeffentlich for e in self.all_tops())

    @property
    def slug(self) -> str:
        return f"{self.sitzung.gremium}-{self.sitzung.datum.isoformat()}"

    def all_tops(self) -> list[TopEntry]:
        out: list[TopEntry] = []

        def walk(entries: list[TopEntry]) -> None:
            for e in entries:
                out.append(e)
                walk(e.unterpunkte)

        walk(self.tops)
        return out


@dataclass
class ProjectData:
    """What every document is made from: records, reference data, Sitzungen. Two kinds exist and
    neither is the other: the full ``Project`` (internal documents, checks) and its public
    projection ``PublicProject`` (public.py). A function that writes anything public takes a
    ``PublicProject``, so ``mypy --strict`` refuses the full project there; a renderer that serves
    both trees takes ``ProjectData`` and asks ``public``."""

    root: Path
    ref: RefData
    records: list[Record]
    sitzungen: list[SitzungRecord] = field(default_factory=list)
    betreffs: dict[tuple[str, str], str] = field(default_factory=dict)  # (body, Nr.) → Betreff, all known
    # Results recorded in Niederschriften, the one source of truth for a Beratungsfolge step:
    # (body, Nr., Gremium, Sitzungsdatum) → Ergebnis
    ergebnisse: dict[tuple[str, str, str, dt.date], str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # reported by validate, do not stop a build
    # (body, Nr.) → whether that Drucksache is public, for every Drucksache the project knows of
    # (records, records not selected, Altbestand). Unknown or unreadable counts as non-public.
    oeffentlich: dict[tuple[str, str], bool] = field(default_factory=dict)
    # (body, Nr., Gremium, Sitzungsdatum) of every Beratung held in a non-public part (or moved there
    # in the session), from every Sitzung of the project, also those a run did not select: the public
    # projection of a single Drucksache must hide what a build of all hides
    nichtoeffentlich_beraten: set[tuple[str, str, str, dt.date]] = field(default_factory=set)
    # (Gremium, Sitzungsdatum) → Nummer of every Sitzung of the project, also those a run did not
    # select: a Drucksache set alone names its Sitzungen as a build of all does
    sitzungsnummern: dict[tuple[str, dt.date], str] = field(default_factory=dict)
    # (body, Nr.) → (Fragen, Schwärzungsbegriffe) of every Drucksache with Fragen that the project knows
    # but does not hold as a record (not selected in this run): its Beantwortung set alone shows them
    # as a build of all does; the public projection holds only public ones, redacted
    fremde_fragen: dict[tuple[str, str], Fremde] = field(default_factory=dict)
    # (body, Nr.) of every draft (entwurf: ja) the project knows but does not hold as a record: a build
    # of some Drucksachen leaves the files of the others' drafts where a build of all puts them
    fremde_entwuerfe: set[tuple[str, str]] = field(default_factory=set)
    public: ClassVar[bool] = False

    def ist_oeffentlich(self, koerperschaft: str, nummer: str) -> bool:
        return self.oeffentlich.get((koerperschaft, nummer), False)

    def betreff_of(self, koerperschaft: str, nummer: str) -> str:
        return self.betreffs.get((koerperschaft, nummer), "")

    def by_nummer(self, koerperschaft: str, nummer: str) -> Record | None:
        for rec in self.records:
            if rec.vorlage.koerperschaft == koerperschaft and rec.vorlage.nummer == nummer:
                return rec
        return None


@dataclass
class Project(ProjectData):
    """The full project as loaded: everything, public or not."""


@dataclass
class PublicProject(ProjectData):
    """The public projection (public.public_project, its only maker): nothing non-public inside,
    every Schwärzung already replaced by its placeholder, no warnings."""

    public: ClassVar[bool] = True
