"""The package's layers point one way (docs/entwicklung/architektur.md): a module imports only from its own layer
or the layers below, no import circle exists, and no module imports its own package inside a
function or behind ``TYPE_CHECKING`` (the usual ways to hide a circle). Only the CLI defers its
imports, so that ``vorlagengen --help`` stays fast."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "vorlagengen"

# Lowest first; the same list is in docs/entwicklung/architektur.md. A name ending in ".*" covers a
# package and all its modules.
LAYERS: list[tuple[str, list[str]]] = [
    ("Pakete", ["model", "load", "public", "nummern", "text"]),
    ("Grundlagen", ["vorlagengen", "errors", "messages", "progress", "nummern.schema", "nummern.top", "load.yamlio",
                    "text.*", "model.woerter", "public.schwaerzung", "documents.writing", "documents.kept",
                    "documents.trees", "documents.stand", "documents.lock", "documents.stamp", "documents.cancel", "oparl", "oparl.ids",
                    "cachedir", "gcpause"]),
    ("Modell", ["model.drucksache", "model.niederschrift"]),
    ("Datensätze", ["model.records", "nummern.formen"]),
    ("Prüfen", ["checks.*"]),
    ("Laden", ["load.modelerrors", "load.project", "load.sitzungen", "load.pruefcache"]),
    ("Öffentlich", ["public.projection"]),
    ("Kontext", ["documents.context"]),
    ("Layouts", ["documents.layouts", "documents.markdown", "documents.origins", "documents.woerter"]),
    ("Werkzeuge", ["documents.engines", "documents.docx_reference", "documents.drawing",
                   "documents.sitzung.anlagen"]),
    ("Rezept und Ausgabe", ["documents.recipe", "documents.output"]),
    ("Sitzungskontext", ["documents.sitzung.blaetter", "documents.sitzung.context", "documents.sitzung.niederschrift"]),
    ("Dokumente", ["documents", "documents.drucksache", "documents.sitzung", "documents.sitzung.unterlagen",
                   "documents.sitzung.mappenform", "documents.sitzung.protokoll"]),
    ("Übernahme", ["oparl.*"]),
    ("Veröffentlichen", ["site.*"]),
    ("Vorschau", ["vorschau.*"]),
    ("Befehle", ["cli", "clickde", "skeleton", "schema", "reports", "projektanlage", "public.leckpruefung", "__main__",
                 "launch", "runstamps"]),
]
DEFERRED_IMPORTS_ALLOWED = {"vorlagengen.cli", "vorlagengen.launch"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def _layer_of(module: str) -> int:
    short = module.removeprefix(PACKAGE + ".") if module != PACKAGE else PACKAGE
    best: tuple[int, int] | None = None  # (specificity, layer)
    for index, (_, names) in enumerate(LAYERS):
        for name in names:
            if name.endswith(".*"):
                prefix = name[:-2]
                if short == prefix or short.startswith(prefix + "."):
                    best = max(best or (0, 0), (len(prefix), index))
            elif short == name:
                best = max(best or (0, 0), (len(name) + 1, index))
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS here and to docs/entwicklung/architektur.md")
    return best[1]


def _resolve(module: str, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The package modules an import statement in ``module`` loads."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name == PACKAGE or a.name.startswith(PACKAGE + ".")]
    if node.level:
        is_package = MODULES[module].name == "__init__.py"
        base = module.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if not (target == PACKAGE or target.startswith(PACKAGE + ".")):
        return []
    out = [target]
    for alias in node.names:  # ``from . import engines`` imports the module render.engines
        if f"{target}.{alias.name}" in MODULES:
            out.append(f"{target}.{alias.name}")
    return out


def _imports(module: str) -> list[tuple[str, int, bool, bool]]:
    """(imported module, line, inside a function, behind TYPE_CHECKING) for each package import."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: list[tuple[str, int, bool, bool]] = []

    def visit(node: ast.AST, in_function: bool, guarded: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found.extend((t, child.lineno, in_function, guarded) for t in _resolve(module, child))
            func = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            guard = guarded or (isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test))
            visit(child, func, guard)

    visit(tree, False, False)
    return found


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        _layer_of(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module: str) -> None:
    own = _layer_of(module)
    for target, line, in_function, guarded in _imports(module):
        where = f"{MODULES[module].relative_to(SRC)}:{line}"
        assert _layer_of(target) <= own, (
            f"{where}: {module} ({LAYERS[own][0]}) imports {target} ({LAYERS[_layer_of(target)][0]}), a higher layer")
        assert not guarded, f"{where}: package import behind TYPE_CHECKING ({target})"
        if in_function:
            assert module in DEFERRED_IMPORTS_ALLOWED, f"{where}: package import inside a function ({target})"


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module in MODULES:
        for target, *_ in _imports(module):
            if target in MODULES and target != module:
                graph[module].add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_no_import_circle() -> None:
    cycle = _cycle(_graph())
    assert cycle is None, "import circle: " + " → ".join(cycle or [])


def test_the_checks_catch_an_upward_import_and_a_circle() -> None:
    # the test's own machinery, on a made-up graph and module: it must be able to fail
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    assert _layer_of("vorlagengen.checks.record") < _layer_of("vorlagengen.documents.layouts")
    node = ast.parse("from ..documents.layouts import available").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _resolve("vorlagengen.checks.refdata", node) == ["vorlagengen.documents.layouts"]
