"""Checks of the reference data in data/: layouts, numbering schemes, every entry's Körperschaft."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from vorlagengen.errors import Problem
from vorlagengen.load.yamlio import locate
from vorlagengen.messages import suggest
from vorlagengen.model.drucksache import Koerperschaft
from vorlagengen.model.records import DATA_DIR, TEMPLATE_DIR, Loc, RefData, display_path, layout_hint
from vorlagengen.nummern.formen import matches_body
from vorlagengen.nummern.schema import Scheme, SchemeError

TEMPLATE_SUFFIXES = (".j2", ".typ", ".docx", ".yaml", ".yml", ".css", ".js", ".svg", ".png")
WEBSITE_FILE = "website.yaml"


def unusual(path: Path, folder_named_like: tuple[str, ...] = TEMPLATE_SUFFIXES, expected: str = "eine Datei des Layouts"
            ) -> str | None:
    """Why ``path`` cannot be the file expected there – a dangling link, a FIFO or device, or a folder
    named like such a file – in German, or None (nothing there counts as nothing wrong)."""
    try:
        st = path.lstat()
    except OSError:
        return None
    if stat.S_ISLNK(st.st_mode) and not path.exists():
        return f"Verknüpfung ins Leere (Ziel fehlt); erwartet wird {expected}"
    if path.is_dir():
        return f"ist ein Ordner; erwartet wird {expected}" if path.name.endswith(folder_named_like) else None
    if not path.is_file():
        return f"ist keine normale Datei (FIFO, Gerät oder Socket); erwartet wird {expected}"
    return None


def check_project_files(root: Path) -> list[Problem]:
    """The files of the project's own layouts (``templates/<layout>/``) and ``data/website.yaml``
    that are no files: named at validate, not only when a build or the site reads them."""
    out = []
    templates = root / TEMPLATE_DIR
    for folder in sorted(templates.iterdir()) if templates.is_dir() else []:
        if folder.is_dir():
            for entry in sorted(os.scandir(folder), key=lambda e: e.name):
                reason = unusual(Path(entry.path))
                if reason:
                    out.append(Problem(display_path(Path(entry.path)), 0, 0, "", reason))
    website = root / DATA_DIR / WEBSITE_FILE
    reason = unusual(website, (".yaml",), "eine YAML-Datei (Einstellungen der Website)")
    if reason:
        out.append(Problem(display_path(website), 0, 0, "", reason))
    return out


def check_refdata(ref: RefData, root: Path, layouts: Sequence[str]) -> list[Problem]:
    """``layouts`` are the names of the layouts the project can use."""
    out: list[Problem] = check_project_files(root)
    data = root / DATA_DIR

    def add(name: str, loc: Loc, msg: str) -> None:
        path = data / f"{name}.yaml"
        out.append(Problem(display_path(path), *locate(path, loc), ".".join(map(str, loc)), msg))

    for ident, k in ref.koerperschaften.items():
        if k.layout not in layouts:
            add("koerperschaften", (ident, "layout"),
                f"unbekanntes Layout „{k.layout}“{layout_hint(k.layout, list(layouts)) or suggest(k.layout, layouts)}; "
                f"vorhanden: {', '.join(layouts)}")
        for loc, msg in _scheme_problems(ident, k):
            add("koerperschaften", loc, msg)
    for name in ("gremien", "aemter", "personen", "altbestand"):
        for ident, entry in getattr(ref, name).items():
            if entry.koerperschaft not in ref.koerperschaften:
                hint = suggest(entry.koerperschaft, ref.koerperschaften)
                add(name, (ident, "koerperschaft"), f"unbekannte Körperschaft „{entry.koerperschaft}“{hint}")
    for nummer, alt in ref.altbestand.items():
        body = ref.koerperschaften.get(alt.koerperschaft)
        if body is not None and not matches_body(body, nummer):
            add("altbestand", (nummer,), f"Drucksachen-Nr. „{nummer}“ passt zu keinem Nummernschema der Körperschaft "
                f"{alt.koerperschaft} (auch nicht dem einer früheren Wahlperiode)")
    return out


def _scheme_problems(ident: str, k: Koerperschaft) -> list[tuple[Loc, str]]:
    """Malformed schemes, and placeholders whose values the body does not give."""
    out: list[tuple[Loc, str]] = []
    places: list[tuple[Loc, str]] = [((ident, "nummernschema"), k.nummernschema)]
    places += [((ident, "nummernschema_je_art", art), p) for art, p in k.nummernschema_je_art.items()]
    places += [((ident, "wahlperioden", i, "nummernschema"), w.nummernschema)
               for i, w in enumerate(k.wahlperioden) if w.nummernschema]
    for loc, pattern in places:
        scheme = Scheme(pattern, k.ergaenzung)
        try:
            scheme.validate()
        except SchemeError as exc:
            out.append((loc if "Ergänzung" not in str(exc) else (ident, "ergaenzung"), str(exc)))
            continue
        if scheme.uses("wp") and k.wahlperiode is None and not k.wahlperioden:
            out.append(((ident,), f"„{pattern}“ nutzt {{wp}}, aber „wahlperiode“ (oder „wahlperioden“) fehlt"))
        if (scheme.uses("wp_von") or scheme.uses("wp_bis")) and not k.wahlperioden:
            out.append(((ident,), f"„{pattern}“ nutzt {{wp_von}}/{{wp_bis}}, aber „wahlperioden“ fehlt"))
        if scheme.uses("art") and not k.art_kuerzel:
            out.append(((ident,), f"„{pattern}“ nutzt {{art}}, aber „art_kuerzel“ fehlt"))
    return list(dict.fromkeys(out))

