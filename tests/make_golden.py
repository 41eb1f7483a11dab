"""``make golden``: render the first page of every seed's PDF into tests/golden/<name>.png.

Look at every image this writes before committing it: the golden test only says "still looks like
this", so this picture must be what a clerk expects from the seed's system.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from render_support import GOLDEN, REPO, build_project, page_image


def main() -> None:
    GOLDEN.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        build_project(REPO, out, formats=["pdf"])
        for pdf in sorted(out.rglob("*.pdf")):
            target = GOLDEN / f"{pdf.parent.name}-{pdf.stem}.png"
            page_image(pdf).save(target, optimize=True)
            print(f"geschrieben: {target.relative_to(REPO)}")


if __name__ == "__main__":
    main()
