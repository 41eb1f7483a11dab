"""The two converters: pandoc (PyPI ``pypandoc-binary``, run as a subprocess) and typst (PyPI
``typst``, in process). Each failure becomes a :class:`ToolError` carrying the tool's own message.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import subprocess
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from ..errors import ToolError
from ..records import FONT_DIR, TEMPLATE_DIR
from .layouts import FONTS, Layout
from .markdown import READER

FILTER = Path(__file__).with_name("vorlage.lua")
PDF_STANDARDS = ["a-2a", "ua-1"]


@lru_cache(maxsize=1)
def pandoc_binary() -> str:
    """The pandoc shipped inside pypandoc-binary (found without importing pypandoc)."""
    spec = importlib.util.find_spec("pypandoc")
    if spec and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            candidate = Path(folder) / "files" / "pandoc"
            if candidate.exists():
                return str(candidate)
    found = shutil.which("pandoc")
    if not found:
        raise ToolError("pandoc", "Installation", "pandoc nicht gefunden (Paket pypandoc-binary fehlt)")
    return found


def pandoc_start(source: Path, to: str, epoch: int, reference_doc: Path | None = None) -> subprocess.Popen:
    """Start pandoc on a Markdown file; several can run at once. Finish with :func:`pandoc_finish`."""
    args = [pandoc_binary(), "--sandbox", "-f", READER, "-t", to, "--lua-filter", str(FILTER), "--wrap=none"]
    if reference_doc is not None:
        args += ["--reference-doc", str(reference_doc)]
    args += ["-o", "-", str(source)]
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
    return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def pandoc_finish(proc: subprocess.Popen, source: str) -> bytes:
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise ToolError("pandoc", source, err.decode("utf-8", "replace").strip())
    warnings = err.decode("utf-8", "replace").strip()
    if warnings:
        raise ToolError("pandoc", source, f"Warnung: {warnings}")
    return out


# --- typst ------------------------------------------------------------------------------------

_fonts_lock = threading.Lock()
_fonts: dict[tuple[str, ...], object] = {}
_staging_lock = threading.Lock()
_staging: dict[str, Path] = {}


def typst_fonts(extra: tuple[str, ...] = ()) -> object:
    """One font book per process: the fonts shipped with vorlagengen plus a project's own, nothing else.

    System fonts and typst's embedded fonts are left out, so a missing family cannot silently fall
    back to something else: typst warns, and a warning fails the build.
    """
    import typst

    key = (str(FONTS), *extra)
    with _fonts_lock:
        if key not in _fonts:
            _fonts[key] = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                                      font_paths=list(key))
        return _fonts[key]


def staging_root(layout: Layout) -> Path:
    """A private folder holding the layout's files: the only place typst may read from."""
    key = f"{layout.project_root}:{layout.name}:{layout.fingerprint}"
    with _staging_lock:
        if key not in _staging:
            _staging[key] = new_staging(layout)
            atexit.register(shutil.rmtree, _staging[key], ignore_errors=True)
        return _staging[key]


def new_staging(layout: Layout) -> Path:
    """A fresh private folder with a copy of the layout's files (typst's root)."""
    folder = Path(tempfile.mkdtemp(prefix=f"vorlagengen-{layout.name}-"))
    for name, path in layout.files().items():
        shutil.copyfile(path, folder / name)
    return folder


def project_fonts(layout: Layout) -> tuple[str, ...]:
    own = layout.project_root / TEMPLATE_DIR / FONT_DIR
    return (str(own),) if own.is_dir() else ()


def typst_failure(exc: Exception, display: str) -> ToolError:
    """typst's error (with its hints) as our error type."""
    message = getattr(exc, "message", None)
    detail = "; ".join([message, *getattr(exc, "hints", [])]) if message else str(exc)
    return ToolError("typst", display, detail)


def refuse_warnings(warnings: list, display: str) -> None:
    """A typst warning (unknown font, …) fails the build: nothing falls back silently."""
    if warnings:
        raise ToolError("typst", display, "Warnung: " + "; ".join(getattr(w, "message", str(w)) for w in warnings))


def pandoc_convert(markdown: str, to: str, epoch: int, display: str, reference_doc: Path | None = None) -> bytes:
    """One pandoc run from Markdown text; for running several at once use pandoc_start/finish."""
    with tempfile.TemporaryDirectory(prefix="vorlagengen-md-") as tmp:
        source = Path(tmp) / "dokument.md"
        source.write_text(markdown, encoding="utf-8")
        return pandoc_finish(pandoc_start(source, to, epoch, reference_doc), display)


def typst_pdf(source: str, layout: Layout, inputs: dict[str, str], epoch: int, display: str,
              standards: list[str] | None = None) -> bytes:
    import typst

    try:
        pdf, warnings = typst.compile_with_warnings(
            source.encode("utf-8"),
            root=str(staging_root(layout)),
            font_paths=typst_fonts(project_fonts(layout)),
            sys_inputs=inputs,
            pdf_standards=PDF_STANDARDS if standards is None else standards,
            timestamp=epoch,
        )
    except typst.TypstError as exc:
        raise typst_failure(exc, display) from None
    refuse_warnings(warnings, display)
    assert isinstance(pdf, bytes)
    return pdf
