"""Layouts: one folder per layout. A project's own ``templates/<layout>/`` overrides the packaged
``vorlagengen/templates/<layout>/`` file by file; ``_base`` holds what every layout shares."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..errors import UserError
from ..messages import suggest
from ..records import PACKAGED_TEMPLATES, TEMPLATE_DIR, layout_names

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
        return seen

    @cached_property
    def fingerprint(self) -> str:
        """Hash of every file of the layout, for incremental builds."""
        h = hashlib.sha256(self.name.encode())
        for name, path in sorted(self.files().items()):
            h.update(name.encode())
            h.update(path.read_bytes())
        return h.hexdigest()


def get_layout(name: str, project_root: Path) -> Layout:
    if name not in available(project_root):
        raise UserError(f"unbekanntes Layout „{name}“{suggest(name, available(project_root))}; "
                        f"vorhanden: {', '.join(available(project_root))}")
    return Layout(name, project_root)
