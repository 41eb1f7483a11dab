"""Layouts: one folder per layout. A project's own ``templates/<layout>/`` overrides the packaged
``vorlagengen/templates/<layout>/`` file by file; ``_base`` holds what every layout shares."""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from vorlagengen.checks.refdata import unusual
from vorlagengen.errors import UserError
from vorlagengen.messages import suggest
from vorlagengen.model.records import (
    PACKAGED_TEMPLATES,
    TEMPLATE_DIR,
    display_path,
    layout_hint,
    layout_names,
    packaged_layout_names,
)

PACKAGED = PACKAGED_TEMPLATES
FONTS = Path(__file__).resolve().parents[1] / "fonts"
BASE = "_base"


def available(project_root: Path) -> list[str]:
    return layout_names(project_root)


@dataclass(frozen=True)
class Layout:
    name: str
    project_root: Path

    @cached_property
    def search_path(self) -> list[Path]:
        """Folders to look in, most specific first."""
        own = self.project_root / TEMPLATE_DIR
        return [own / self.name, PACKAGED / self.name, own / BASE, PACKAGED / BASE]

    def find(self, filename: str) -> Path:
        for folder in self.search_path:
            candidate = folder / filename
            if candidate.is_file():
                return candidate
            refuse_unusual(candidate)
        raise UserError(f"Layout „{self.name}“: Datei „{filename}“ fehlt (gesucht in "
                        f"{', '.join(str(f) for f in self.search_path)})")

    def files(self) -> dict[str, Path]:
        """Every file the layout can see, by name (the most specific one wins)."""
        seen: dict[str, Path] = {}
        for folder in reversed(self.search_path):
            if folder.is_dir():
                for path in sorted(folder.iterdir()):
                    if path.is_file():
                        seen[path.name] = path
                    else:
                        refuse_unusual(path)
        return seen

    @cached_property
    def fingerprint(self) -> str:
        """Hash of every file of the layout, for incremental builds."""
        h = hashlib.sha256(self.name.encode())
        for name, path in sorted(self.files().items()):
            h.update(name.encode())
            h.update(path.read_bytes())
        return h.hexdigest()


def refuse_unusual(path: Path) -> None:
    """A dangling link, a FIFO or device, or a folder named like a template file where a layout's
    file is expected: a German error naming it, never silence (validate names it already)."""
    reason = unusual(path)
    if reason:
        raise UserError(f"{display_path(path)}: {reason}")


def get_layout(name: str, project_root: Path) -> Layout:
    if name not in available(project_root):
        names = available(project_root)
        raise UserError(f"unbekanntes Layout „{name}“{layout_hint(name, names) or suggest(name, names)}; "
                        f"vorhanden: {', '.join(available(project_root))}")
    return Layout(name, project_root)


EDITABLE = ("vorlage.md.j2", "layout.typ", "reference.docx")  # what a Kommune changes in a layout
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def copy_layout(name: str, project_root: Path, new_name: str | None = None) -> list[Path]:
    """Copy the packaged layout ``name`` into ``templates/<new_name or name>/`` for editing; the
    Word reference document comes from ``_base`` when the layout has none of its own."""
    packaged = packaged_layout_names()
    if name not in packaged:
        raise UserError(f"kein mitgeliefertes Layout „{name}“{suggest(name, packaged)}; "
                        f"mitgeliefert: {', '.join(packaged)}")
    target_name = new_name or name
    if not _NAME.match(target_name) or target_name == "fonts":
        raise UserError(f"„{target_name}“ taugt nicht als Layout-Name (Kleinbuchstaben, Ziffern, - und _; "
                        "nicht „fonts“)")
    target = project_root / TEMPLATE_DIR / target_name
    if target.exists():
        raise UserError(f"{display_path(target)}: besteht schon, nichts kopiert")
    sources = {f.name: f for f in (PACKAGED / BASE / n for n in EDITABLE) if f.is_file()}
    sources.update({f.name: f for f in sorted((PACKAGED / name).iterdir()) if f.is_file()})
    target.mkdir(parents=True)
    written = []
    for filename, source in sorted(sources.items()):
        shutil.copyfile(source, target / filename)
        written.append(target / filename)
    return written


def origin(name: str, project_root: Path) -> str:
    """Where a layout comes from, for ``vorlagengen layout liste``."""
    own = project_root / TEMPLATE_DIR / name
    if own.is_dir():
        return f"{display_path(own)} (eigenes{', ändert das mitgelieferte' if name in packaged_layout_names() else ''})"
    return "mitgeliefert"
