"""``make golden``: write every golden file of the tests into tests/golden/:

- ``<körperschaft>-<nr>.png``: the first page of every seed's PDF;
- ``sitzung-<sitzung>-<seite>.png``: cover, Tagesordnung and a non-public Anlage page of the demo Sitzung's
  full Mappe, the first page of its Einladung;
- ``<name>.docx.json``: the structure of every seed's DOCX and of the Einladung (paragraph styles
  and text, table cells, header and footer).

Look at every image and read every structure this writes before committing it: the golden tests
only say "still looks like this", so what is stored here must be what a clerk expects.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from render_support import (
    DEMO_SITZUNG,
    GOLDEN,
    REPO,
    build_demo_niederschrift,
    build_demo_sitzung,
    build_project,
    docx_structure,
    niederschrift_goldens,
    page_image,
    sitzung_goldens,
    structure_text,
)


def _write(target: Path, data: bytes | None = None, image=None) -> None:
    if image is not None:
        image.save(target, optimize=True)
    else:
        assert data is not None
        target.write_bytes(data)
    print(f"geschrieben: {target.relative_to(REPO)}")


def main() -> None:
    GOLDEN.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "build"
        build_project(REPO, out)
        internal = out / "intern"  # the tests compare the internal form (every Drucksache has one)
        for pdf in sorted(internal.rglob("*.pdf")):
            _write(GOLDEN / f"{pdf.parent.name}-{pdf.stem}.png", image=page_image(pdf))
        for doc in sorted(internal.rglob("*.docx")):
            _write(GOLDEN / f"{doc.parent.name}-{doc.stem}.docx.json",
                   structure_text(docx_structure(doc)).encode("utf-8"))
        project = Path(tmp) / "sitzung"
        project.mkdir()
        folder = build_demo_sitzung(project)
        for pdf, page, name in sitzung_goldens(folder):
            _write(GOLDEN / name, image=page_image(pdf, page))
        _write(GOLDEN / f"sitzung-{DEMO_SITZUNG}-Einladung.docx.json",
               structure_text(docx_structure(folder / "Einladung.docx")).encode("utf-8"))
        minutes = Path(tmp) / "niederschrift"
        minutes.mkdir()
        for pdf, page, name in niederschrift_goldens(build_demo_niederschrift(minutes)):
            _write(GOLDEN / name, image=page_image(pdf, page))


if __name__ == "__main__":
    main()
