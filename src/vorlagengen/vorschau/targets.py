"""What the preview shows: the Drucksachen, Sitzungen and Niederschriften named on the command line
(a file or a folder), and which names in the watched folders are editors' temporary files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vorlagengen.errors import UserError
from vorlagengen.model.records import RECORD_DIR, SITZUNG_DIR, display_path, is_niederschrift

DRUCKSACHE = "Drucksache"
SITZUNG = "Sitzung"
NIEDERSCHRIFT = "Niederschrift"
YAML = (".yaml", ".yml")
# Names editors write beside a file while saving: vim's swap and probe files, Emacs' lock and backup
# files, atomic-save temporaries (also vorlagengen's own), macOS and KDE leftovers.
_TEMP_PREFIXES = (".#", ".~", "~$", ".goutputstream")
_TEMP_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".swpx", ".tmp", ".temp", ".bak", ".part", ".crdownload", ".kate-swp")
_TEMP_NAMES = {"4913", ".DS_Store"}


def is_temporary(path: Path) -> bool:
    """An editor's temporary or backup file (never a change worth a rendering)."""
    name = path.name
    return (name in _TEMP_NAMES or name.startswith(_TEMP_PREFIXES) or name.endswith(_TEMP_SUFFIXES)
            or (name.startswith("#") and name.endswith("#")))


@dataclass(frozen=True)
class Target:
    """One previewed file. ``tid`` is its path relative to the project, the only name a URL uses."""

    tid: str
    path: Path
    kind: str

    @property
    def display(self) -> str:
        return display_path(self.path)


def kind_of(root: Path, path: Path) -> str | None:
    """Drucksache, Sitzung or Niederschrift for a YAML file below vorlagen/ or sitzungen/, else None."""
    if path.suffix not in YAML or is_temporary(path):
        return None
    try:
        rel = path.relative_to(root)
    except ValueError:
        return None
    if rel.parts[:1] == (RECORD_DIR,):
        return DRUCKSACHE
    if rel.parts[:1] == (SITZUNG_DIR,):
        return NIEDERSCHRIFT if is_niederschrift(path) else SITZUNG
    return None


def target_of(root: Path, path: Path) -> Target | None:
    kind = kind_of(root, path)
    return Target(path.relative_to(root).as_posix(), path, kind) if kind else None


def find_targets(root: Path, given: Path | None) -> tuple[list[Target], Path | None]:
    """The targets of the command line and, for a folder, the folder whose new files become targets.

    Without a path: vorlagen/ and sitzungen/ of the project."""
    root = root.absolute()
    chosen = given.absolute() if given is not None else None
    if chosen is not None and not chosen.exists():
        raise UserError(f"{display_path(chosen)}: Datei oder Ordner nicht gefunden")
    if chosen is not None and chosen.is_file():
        target = target_of(root, chosen)
        if target is None:
            raise UserError(f"{display_path(chosen)}: keine Drucksache (vorlagen/), Sitzung oder Niederschrift "
                            "(sitzungen/) dieses Projekts")
        return [target], None
    folders = [chosen] if chosen is not None else [root / RECORD_DIR, root / SITZUNG_DIR]
    found = [t for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()
             if (t := target_of(root, p)) is not None]
    return found, chosen or root
