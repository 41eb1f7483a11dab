"""The two converters: pandoc (PyPI ``pypandoc-binary``, run as a subprocess) and typst (PyPI
``typst``, in process). Each failure becomes a :class:`ToolError` carrying the tool's own message.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, cast

from vorlagengen.documents.layouts import FONTS, Layout
from vorlagengen.documents.markdown import READER, pandoc_messages
from vorlagengen.documents.origins import Origin, warnings_error
from vorlagengen.documents.writing import private_tempdir
from vorlagengen.errors import ToolError
from vorlagengen.model.records import FONT_DIR, TEMPLATE_DIR, display_path

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


# --- the persistent pandoc ---------------------------------------------------------------------

WORKER = Path(__file__).with_name("worker.lua")
TAB_STOP = 4  # what pandoc's command line expands tabs to before reading


class PandocWorker:
    """One long-lived ``pandoc lua worker.lua``: parses a document once and writes every format
    from that one AST. Not thread-safe: each thread uses its own (see :func:`pandoc_worker`).

    A pandoc that dies fails the one document it was working on (a :class:`ToolError` naming it)
    and is started again for the next.
    """

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.errors: IO[bytes] | None = None
        self.tmp: str | None = None

    def _start(self, warm: bool = False) -> subprocess.Popen[bytes]:
        """Start this pandoc; ``warm``: it sets a small document first (see :func:`pandoc_ahead`)."""
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process
        # pandoc lua leaves a history file in $TMPDIR when it is killed: give it a folder of ours
        self.tmp = str(private_tempdir("pandoc"))
        self.proc = subprocess.Popen([pandoc_binary(), "lua", str(WORKER), str(FILTER), pandoc_binary(),
                                      *(["warm"] if warm else [])],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors,
                                     start_new_session=True, env=dict(os.environ, TMPDIR=self.tmp))
        return self.proc

    def convert(self, markdown: str, formats: list[str], epoch: int, display: str,
                reference_doc: Path | None = None, *, public: bool, origins: list[Origin] | None = None
                ) -> dict[str, bytes]:
        """``markdown`` (Pandoc Markdown as vorlagengen's reader takes it) in each of ``formats``;
        ``public`` sets the metadata vg-oeffentlich the filter reads (Schwärzung as a bar). A warning
        fails the document, told at the place in a file of ``origins`` (the Markdown fields set in)
        that caused it, else naming ``display``."""
        return dict(self.convert_each(markdown, formats, epoch, display, reference_doc, public=public,
                                      origins=origins))

    def convert_each(self, markdown: str, formats: list[str], epoch: int, display: str,
                     reference_doc: Path | None = None, *, public: bool, origins: list[Origin] | None = None,
                     told: list[str] | None = None) -> Iterator[tuple[str, bytes]]:
        """Like :meth:`convert`, each format as soon as pandoc has written it, in the order of
        ``formats``: the caller works on one (typst sets the PDF) while pandoc writes the next.
        pandoc's failure or warnings (of any format) are raised after the last format, the writers'
        warnings in the order of ``told`` (default: ``formats``). A caller that stops early ends
        this pandoc (the next document starts another)."""
        body = markdown.expandtabs(TAB_STOP).encode("utf-8")
        request = {"size": len(body), "reader": READER, "formats": formats, "epoch": str(epoch),
                   "reference_doc": str(reference_doc or ""), "oeffentlich": "ja" if public else "nein"}
        proc = self.proc if self.proc is not None and self.proc.poll() is None else self._start()
        assert proc.stdin is not None and proc.stdout is not None
        written: dict[str, list[Any]] = {}  # the warnings of each format's writer
        try:
            proc.stdin.write(json.dumps(request).encode("utf-8") + b"\n" + body)
            proc.stdin.flush()
            while True:
                header = json.loads(proc.stdout.readline() or b"null")
                if not isinstance(header, dict):
                    raise OSError("keine Antwort")
                if "format" not in header:
                    break
                out = proc.stdout.read(header["size"])
                if len(out) != header["size"]:
                    raise OSError("Antwort unvollständig")
                written[header["format"]] = list(header.get("warnings") or [])
                yield header["format"], out
        except (OSError, ValueError) as exc:
            raise self._died(display, exc) from None
        except GeneratorExit:  # left before the end: the rest of this answer would be read as the next
            self.close()
            raise
        if not header.get("ok"):
            raise ToolError("pandoc", display, str(header.get("error", "")).strip())
        # the reader's warnings, then each writer's in the order of the formats asked for
        found = [*(header.get("warnings") or []), *(w for fmt in told or formats for w in written.get(fmt, []))]
        warnings = pandoc_messages("\n".join(str(w) for w in found))
        if warnings:
            raise warnings_error(display, warnings.split("\n"), markdown, origins or [])

    def _died(self, display: str, exc: Exception) -> ToolError:
        """Kill what is left of the process and describe why it stopped."""
        detail = self._stderr_tail() or str(exc)
        self.close()
        return ToolError("pandoc", display, f"pandoc ist unerwartet beendet worden: {detail}")

    def _stderr_tail(self) -> str:
        if self.errors is None:
            return ""
        self.errors.seek(0)
        return self.errors.read()[-2000:].decode("utf-8", "replace").strip()

    def close(self) -> None:
        # taken at once: a thread starting a new pandoc meanwhile keeps its own folder for the next close
        proc, self.proc = self.proc, None
        tmp, self.tmp = self.tmp, None
        errors, self.errors = self.errors, None
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    stream.close()
        if errors is not None:
            errors.close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


_workers_lock = threading.Lock()
_workers: list[PandocWorker] = []
_ahead: list[PandocWorker] = []  # started by pandoc_ahead, not yet any thread's
_local = threading.local()


def pandoc_worker() -> PandocWorker:
    """The calling thread's persistent pandoc (the one started ahead, if there is one)."""
    worker: PandocWorker | None = getattr(_local, "pandoc", None)
    if worker is None:
        with _workers_lock:
            worker = _local.pandoc = _ahead.pop() if _ahead else PandocWorker()
            if not _workers:
                atexit.register(close_workers)
            if worker not in _workers:
                _workers.append(worker)
    return worker


def pandoc_ahead() -> None:
    """Start a pandoc now, for the first thread that converts: it loads its reader, filter and
    writers on a small document while this process still prepares the first real one (a build of
    one Drucksache waits for pandoc's start-up otherwise). One is started ahead at a time: a second
    call while it still waits for its thread does nothing."""
    with _workers_lock:
        if _ahead:
            return
    worker = PandocWorker()
    worker._start(warm=True)
    with _workers_lock:
        if not _workers:
            atexit.register(close_workers)
        _workers.append(worker)
        _ahead.append(worker)


def close_workers() -> None:
    """Stop every persistent pandoc of this process (at exit, on Ctrl-C)."""
    with _workers_lock:
        workers = list(_workers)
        _ahead.clear()
    for worker in workers:
        worker.close()


# --- typst ------------------------------------------------------------------------------------

_fonts_lock = threading.Lock()
_fonts: dict[tuple[str, ...], Any] = {}
_staging_lock = threading.Lock()
_staging: dict[str, Path] = {}


def typst_fonts(extra: tuple[str, ...] = ()) -> Any:
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
    folder = private_tempdir(f"layout-{layout.name}")
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


_TYPST_PLACE = re.compile(r"┌─ (\S+):(\d+):(\d+)")


def _typst_warning(warning: Any, display: str, layout: Layout | None) -> str:
    """One typst warning: at its place in the layout's file where it points into one (typst sees a
    private copy of the layout), else naming the document; never a temporary path."""
    message = getattr(warning, "message", str(warning))
    m = _TYPST_PLACE.search(str(getattr(warning, "diagnostic", "")))
    source = layout.files().get(Path(m.group(1)).name) if m and layout is not None else None
    if m is None or source is None:
        return f"{display}: typst: Warnung: {message}"
    return f"{display_path(source)}:{m.group(2)}:{m.group(3)}: Warnung: {message} (typst, beim Setzen von {display})"


def refuse_warnings(warnings: list[Any], display: str, layout: Layout | None = None) -> None:
    """A typst warning (unknown font, …) fails the build: nothing falls back silently."""
    if warnings:
        lines = [_typst_warning(w, display, layout) for w in warnings]
        raise ToolError("typst", display, "Warnung", "\n".join(lines))


def pandoc_convert(markdown: str, to: str, epoch: int, display: str, reference_doc: Path | None = None, *,
                   public: bool, origins: list[Origin] | None = None) -> bytes:
    """Markdown text in one format, by the calling thread's persistent pandoc. ``public``: a public
    document (every Schwärzung drawn as a bar); ``origins``: where its Markdown fields came from."""
    return pandoc_worker().convert(markdown, [to], epoch, display, reference_doc, public=public,
                                   origins=origins)[to]


def typst_pdf(source: str, layout: Layout, inputs: dict[str, str], epoch: int, display: str,
              standards: list[str] | None = None) -> bytes:
    import typst

    try:
        compile_: Any = typst.compile_with_warnings  # its stub types the standards as literals
        pdf, warnings = compile_(
            source.encode("utf-8"),
            root=str(staging_root(layout)),
            font_paths=typst_fonts(project_fonts(layout)),
            sys_inputs=inputs,
            pdf_standards=PDF_STANDARDS if standards is None else standards,
            timestamp=epoch,
        )
    except typst.TypstError as exc:
        raise typst_failure(exc, display) from None
    refuse_warnings(warnings, display, layout)
    assert isinstance(pdf, bytes)
    return pdf


def typst_pdf_placed(source: str, layout: Layout, root: Path, inputs: dict[str, str], epoch: int, display: str,
                     standards: list[str]) -> tuple[bytes, list[dict[str, Any]]]:
    """Like :func:`typst_pdf`, in the typst root ``root`` (a copy of the layout's files plus what the
    document places), also returning the values of every ``<vg-anlage>`` label (the placeholder
    pages a Mappe fills afterwards)."""
    import typst

    try:
        main = root / "__mappe__.typ"  # the Mappe is the one kind placed this way
        main.write_text(source, encoding="utf-8")
        compiler = typst.Compiler(str(main), root=str(root), font_paths=typst_fonts(project_fonts(layout)),
                                  sys_inputs=inputs)
        pdf, warnings = compiler.compile_with_warnings(format="pdf", pdf_standards=cast(Any, standards),
                                                        timestamp=epoch)
        refuse_warnings(warnings, display, layout)
        found = json.loads(compiler.query("<vg-anlage>", field="value"))
    except (typst.TypstError, RuntimeError) as exc:
        raise typst_failure(exc, display) from None
    assert isinstance(pdf, bytes)
    return pdf, list(found)
