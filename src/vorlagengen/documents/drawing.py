"""Drawing pages into a Sitzungsmappe: after typst has set the Mappe with framed placeholder pages,
the Drucksachen's own PDFs (whole) and the PDF Anlagen (scaled into their frame) are drawn into them
with pikepdf (typst cannot embed PDFs in PDF/A mode).

Both Mappen of a Sitzung are drawn side by side: pikepdf holds Python's GIL, so the second is drawn
by a :class:`DrawingWorker`, a Python process of its own that imports only this module and pikepdf,
is given every PDF as bytes and opens no file itself. Its result is the same bytes as drawing here;
a worker that fails or dies is never believed, the Mappe is then drawn here.
"""

from __future__ import annotations

import io
import pickle
import struct
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pikepdf

CM = 72 / 2.54
# where vg-anlage-pdf in sitzung.typ draws its frame (PDF points, origin bottom left)
FRAME = (2.5 * CM, 2.2 * CM, (21.0 - 2.0) * CM, 26.4 * CM)


@dataclass(frozen=True)
class Placement:
    """Where typst put a placeholder: page ``page`` (from 1) of the Mappe shows page ``seite``
    (from 0) of document ``id`` (a Drucksache's own PDF, drawn in whole, or an Anlage, scaled
    into its frame)."""

    id: str
    seite: int
    page: int
    ganz: bool = False

def merge_pages(pdf_bytes: bytes, placements: list[Placement], sources: dict[str, bytes | Path]) -> bytes:
    """Draw the pages of the Drucksachen (whole, under the Mappe's header line) and of the PDF
    Anlagen (scaled into their frame) into the placeholder pages. Names and IDs are fixed, so the
    same inputs give the same bytes."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        opened: dict[str, pikepdf.Pdf] = {}
        try:
            for n, place in enumerate(placements):
                if place.id not in opened:
                    source = sources[place.id]
                    opened[place.id] = pikepdf.open(io.BytesIO(source) if isinstance(source, bytes) else source)
                source_pdf = opened[place.id]
                _draw(pdf, pdf.pages[place.page - 1], source_pdf, source_pdf.pages[place.seite], n, place.ganz)
            pdf.save(out, deterministic_id=True, compress_streams=True,
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)
        finally:
            for done in opened.values():
                done.close()
    return out.getvalue()


def _fit(bbox: tuple[float, float, float, float]) -> tuple[float, float, float]:
    """Scale and offset that fit a page of this box into FRAME, centred."""
    bx0, by0, bx1, by1 = bbox
    x0, y0, x1, y1 = FRAME
    inset = 3.0
    w, h = (x1 - x0 - 2 * inset), (y1 - y0 - 2 * inset)
    scale = min(w / (bx1 - bx0), h / (by1 - by0))
    tx = x0 + inset + (w - (bx1 - bx0) * scale) / 2 - bx0 * scale
    ty = y0 + inset + (h - (by1 - by0) * scale) / 2 - by0 * scale
    return scale, tx, ty


def _form(pdf: pikepdf.Pdf, src: pikepdf.Pdf, src_page: pikepdf.Page) -> pikepdf.Object:
    """``src_page`` (of ``src``) as a form XObject of ``pdf``. A page with one content stream (what typst and
    Ghostscript write) is copied as it is, still compressed, and made the form; pikepdf's own way
    decodes and compresses every page again, which took half the time of a Mappe."""
    obj = src_page.obj
    contents = obj.get("/Contents")
    if not isinstance(contents, pikepdf.Stream) or "/Rotate" in obj or "/UserUnit" in obj:
        return pdf.copy_foreign(src_page.as_form_xobject())
    box = obj.get("/TrimBox") or obj.get("/CropBox") or obj.MediaBox
    form = pdf.copy_foreign(contents)
    form.Type = pikepdf.Name.XObject
    form.Subtype = pikepdf.Name.Form
    form.BBox = pikepdf.Array([float(v) for v in box])
    for key in ("/Resources", "/Group"):
        if key in obj:
            value = obj[key]
            # only indirect objects can be copied: a direct one is made indirect in the source first
            form[key] = pdf.copy_foreign(value if value.is_indirect else src.make_indirect(value))
    return form


def _draw(pdf: pikepdf.Pdf, page: pikepdf.Page, src: pikepdf.Pdf, src_page: pikepdf.Page, n: int, whole: bool) -> None:
    """``src_page`` as form XObject ``/VgSeite<n>`` on ``page``: a Drucksache page as it is, below
    the Mappe's own marks; an Anlage page scaled into FRAME."""
    form = _form(pdf, src, src_page)
    bbox = tuple(float(v) for v in form.BBox)
    scale, tx, ty = (1.0, 0.0, 0.0) if whole else _fit((bbox[0], bbox[1], bbox[2], bbox[3]))
    name = pikepdf.Name(f"/VgSeite{n}")
    if "/Resources" not in page.obj:
        page.obj.Resources = pikepdf.Dictionary()
    if "/XObject" not in page.obj.Resources:
        page.obj.Resources.XObject = pikepdf.Dictionary()
    page.obj.Resources.XObject[name] = form
    draw = f"q {scale:.5f} 0 0 {scale:.5f} {tx:.3f} {ty:.3f} cm {name} Do Q\n".encode()
    page.contents_add(pdf.make_stream(draw), prepend=whole)



# --- the worker process ------------------------------------------------------------------------

_FRAME = struct.Struct("!Q")
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])  # the folder holding the vorlagengen package
# imports this module only: not vorlagengen.documents.sitzung, whose __init__ loads the whole pipeline
_START = ("import sys; sys.path.insert(0, sys.argv[1]); "
          "from vorlagengen.documents.drawing import serve; serve()")


def _send(stream: IO[bytes], value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_FRAME.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    head = stream.read(_FRAME.size)
    if len(head) != _FRAME.size:
        raise EOFError
    size = _FRAME.unpack(head)[0]
    data = stream.read(size)
    if len(data) != size:
        raise EOFError
    return pickle.loads(data)  # from our own process, over its own pipe


def serve() -> None:
    """The worker's loop: a request (the Mappe's bytes, placements, sources as bytes) in, the drawn
    Mappe out, until its input ends."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    try:
        while True:
            try:
                pdf, placements, sources = _receive(stdin)
            except EOFError:
                return
            try:
                answer: tuple[str, object] = ("ok", merge_pages(pdf, [Placement(*p) for p in placements], sources))
            except Exception as exc:  # told to the parent, which draws the Mappe itself
                answer = ("fehler", f"{type(exc).__name__}: {exc}")
            _send(stdout, answer)
    except (KeyboardInterrupt, BrokenPipeError):  # Ctrl-C reaches the whole process group; the parent ends
        return


class DrawingWorker:
    """One worker process that draws Mappen for this one (started at once, so that it has imported
    pikepdf by the time the first Mappe is set). One Mappe at a time: :meth:`merge` returns None when
    it is busy, has failed or died, and the caller draws the Mappe itself."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.proc: subprocess.Popen[bytes] | None = None
        try:
            self.proc = subprocess.Popen([sys.executable, "-c", _START, _PACKAGE_PARENT], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError:
            self.proc = None

    def merge(self, pdf_bytes: bytes, placements: list[Placement], sources: dict[str, bytes | Path]) -> bytes | None:
        """The drawn Mappe as :func:`merge_pages` gives it, or None (busy, failed, gone)."""
        if self.proc is None or not self._lock.acquire(blocking=False):
            return None
        try:
            proc = self.proc
            if proc is None or proc.poll() is not None:
                return None
            assert proc.stdin is not None and proc.stdout is not None
            given = {k: v if isinstance(v, bytes) else v.read_bytes() for k, v in sources.items()}
            try:
                _send(proc.stdin, (pdf_bytes, [(p.id, p.seite, p.page, p.ganz) for p in placements], given))
                kind, value = _receive(proc.stdout)
            except (OSError, EOFError, pickle.UnpicklingError):
                self._stop()
                return None
            return value if kind == "ok" and isinstance(value, bytes) else None
        finally:
            self._lock.release()

    def _stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        # ended at once: it keeps nothing and writes nothing (its answers came through the pipe), and
        # its interpreter's own ending, with the pages it held, would cost this run ~60 ms of waiting
        proc.kill()
        proc.wait()

    def close(self) -> None:
        """End the worker."""
        with self._lock:
            self._stop()
