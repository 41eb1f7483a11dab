"""The preview's warm state: the loaded project and, for each previewed file, its current errors and
its last good rendering in both faces.

All methods run on one thread (the render thread), which keeps its pandoc process, typst's fonts
and the check cache warm. After a change the project is loaded again (unchanged records come from
the check cache); a target's face is rendered again only when what it is made from changed
(documents.Face.key), and only the face someone looks at (the other one when the switch asks for it).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from vorlagengen.errors import Problem, UserError, ValidationFailed, resource_error
from vorlagengen.load.project import load_project
from vorlagengen.load.sitzungen import sitzung_file
from vorlagengen.model.records import DATA_DIR, Project, PublicProject, display_path
from vorlagengen.public.projection import public_project
from vorlagengen.vorschau import documents
from vorlagengen.vorschau.documents import INTERNAL, Documents
from vorlagengen.vorschau.targets import DRUCKSACHE, Target, target_of


@dataclass
class Update:
    """A new state of one face: new documents (``made``, with their key) or a build error."""

    tid: str
    face: str
    key: str = ""
    made: Documents | None = None
    note: str = ""
    error: list[str] = field(default_factory=list)


@dataclass
class View:
    """What the session knows of one target: the errors that keep it from being set, and which face
    the author looked at last. ``opened``: someone looked at it, so it is kept rendered."""

    target: Target
    problems: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    # the key a face could not be set for (an error of the project or its layout): the same inputs
    # give the same error, so it is not set again until they change (else every look at the page
    # would set it again, and each time tell the page to look again)
    failed: dict[str, str] = field(default_factory=dict)
    preferred: str = INTERNAL
    opened: bool = False


class Session:
    def __init__(self, root: Path, targets: list[Target], folder: Path | None, workdir: Path) -> None:
        self.root = root.absolute()
        self.folder = folder
        self.workdir = workdir
        self.views = {t.tid: View(t) for t in targets}
        self.project: Project | None = None
        self.public: PublicProject | None = None
        self.problems: list[Problem] = []
        self.last_good: Project | None = None

    # --- loading -------------------------------------------------------------------------------

    def load(self) -> None:
        """Load and check the whole project (the check cache keeps unchanged records)."""
        self.project = self.public = None
        try:
            self.project = load_project(self.root)
            self.public = public_project(self.project)
            self.last_good = self.project
            self.problems = []
        except ValidationFailed as exc:
            self.problems = exc.problems
        except UserError as exc:
            self.problems = [Problem(display_path(self.root), 0, 0, "", str(exc))]
        except OSError as exc:
            self.problems = [Problem(display_path(self.root), 0, 0, "", str(resource_error(exc, "Lesen")))]

    def notice(self, paths: Iterable[Path]) -> set[str]:
        """Take in changed paths: new files of the previewed folder become targets. Returns the
        targets whose file changed."""
        touched = set()
        for path in paths:
            target = target_of(self.root, path)
            if target is None:
                continue
            if target.tid not in self.views and self.folder is not None and path.is_file() \
                    and path.is_relative_to(self.folder):
                self.views[target.tid] = View(target)
            touched.add(target.tid)
        return touched

    def _project_for(self, view: View) -> tuple[Project, PublicProject] | list[str]:
        """The loaded project and its projection for ``view``, or the errors that keep it from being set.

        When the whole project has errors, but none in the files the target is made from, the target
        is loaded alone (as ``make vorlage V=…`` does; a Sitzung with all Drucksachen)."""
        target = view.target
        if not target.path.is_file():
            return [f"{target.display}: Datei nicht mehr vorhanden (gelöscht oder umbenannt)"]
        if self.project is not None and self.public is not None:
            return self.project, self.public
        base = self.last_good
        own = {display_path(p) for p in (documents.owner_files(base, target) if base else {target.path})}
        data = display_path(self.root / DATA_DIR)
        blocking = [p for p in self.problems if p.path in own or p.path.startswith(data)]
        if blocking or not self.problems:
            return [str(p) for p in blocking or self.problems]
        try:
            if target.kind == DRUCKSACHE:
                project = load_project(self.root, [target.path])
            else:
                project = load_project(self.root, None, sitzungen=[sitzung_file(target.path)])
        except ValidationFailed as exc:
            return [str(p) for p in exc.problems]
        except UserError as exc:
            return [str(exc)]
        return project, public_project(project)

    # --- rendering -----------------------------------------------------------------------------

    def refresh(self, tids: Iterable[str]) -> Iterator[Update | str]:
        """Render the given targets again where needed: yields each face's update as soon as it is
        made, or the tid of a target whose errors changed (without a face to render)."""
        for tid in tids:
            view = self.views.get(tid)
            if view is None:
                continue
            got = self._project_for(view)
            if isinstance(got, list):
                if got != view.problems:
                    view.problems = got
                    yield tid
                continue
            if view.problems:
                view.problems = []
                yield tid
            yield from self._render(view, *got)

    def _render(self, view: View, project: Project, public: PublicProject) -> Iterator[Update | str]:
        tid = view.target.tid
        try:
            planned = documents.faces(project, public, view.target, self.workdir)
        except LookupError:
            view.problems = [f"{view.target.display}: nicht im geladenen Projekt (keine Drucksache oder "
                             "Sitzung dieses Projekts)"]
            yield tid
            return
        except UserError as exc:
            view.problems = str(exc).splitlines()
            yield tid
            return
        for face in [view.preferred]:  # the other face is set when someone looks at it
            plan = planned[face]
            if (view.keys.get(face) == plan.key and not view.errors.get(face)) or view.failed.get(face) == plan.key:
                continue
            view.failed.pop(face, None)
            try:
                made = plan.make()
            except UserError as exc:
                error = str(exc).splitlines()
                view.failed[face] = plan.key
            except OSError as exc:  # a full disk, a permission: tried again at the next look
                error = [str(resource_error(exc, "Schreiben"))]
            except Exception as exc:  # a bug: told on the page and in the terminal, the server lives on
                traceback.print_exc(file=sys.stderr)
                error = [f"Fehler in vorlagengen (bitte melden): {type(exc).__name__}: {exc}"]
            else:
                view.keys[face], view.errors[face] = plan.key, []
                yield Update(tid, face, plan.key, made, plan.note)
                continue
            view.errors[face] = error
            yield Update(tid, face, error=error)
