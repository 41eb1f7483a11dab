"""Write the mapped records into the project, touching only what changed.

Records become YAML files (deterministic text, so an unchanged object gives the same bytes and is
not written). Gremien, Ämter and Personen of an imported body go into a marked section of the files
in ``data/``, which a later import rewrites; everything else in those files stays as it is. A
Körperschaft is written once: its profile (layout, Briefkopf, Ladungsfrist) belongs to the clerk
afterwards.
"""

from __future__ import annotations

import hashlib
import re
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from vorlagengen.documents.writing import write_atomic
from vorlagengen.oparl.mapping import Mapped
from vorlagengen.oparl.report import Report

RECORD_HEAD = {
    "Paper": "# yaml-language-server: $schema=../../schema/vorlage.schema.json\n"
             "# Übernommen aus OParl (vorlagengen import oparl): der Text steht im Dokument der Quelle.\n",
    "Meeting": "# yaml-language-server: $schema=../../schema/sitzung.schema.json\n"
               "# Übernommen aus OParl (vorlagengen import oparl).\n",
}
DATA_HEAD = {
    "koerperschaften": "# Körperschaften: je Kennung Name, Briefkopf, Layout, Nummernschema und Ladungsfrist.\n",
    "gremien": "# Gremien (Ausschüsse, Vertretungen, Beiräte, Fraktionen) je Körperschaft.\n",
    "aemter": "# Ämter und Dienststellen je Körperschaft.\n",
    "personen": "# Personen, auf die Drucksachen und Sitzungen verweisen.\n",
}
# dates, ids and plain words are written bare; anything else (digits too: they stay text) is quoted
_PLAIN = re.compile(r"^(\d{4}-\d\d-\d\d|[a-z][a-z0-9_-]*|[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß ]*[A-Za-zÄÖÜäöüß])$")
_UNSAFE_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "ja", "nein"}


def scalar(value: Any) -> str:
    if type(value) is str:  # nearly every value
        text = value
    elif value is True or value is False:
        return "ja" if value else "nein"
    elif isinstance(value, int):
        return str(value)
    else:
        text = str(value)
    if _PLAIN.match(text) and text.lower() not in _UNSAFE_WORDS:
        return text
    return encode_basestring(text)  # what json.dumps(text, ensure_ascii=False) gives, without its set-up


def emit(value: dict[str, Any], indent: int = 0) -> list[str]:
    """YAML lines of a mapping; None and empty lists are left out."""
    pad = " " * indent
    lines: list[str] = []
    for key, item in value.items():
        if item is None or item == []:
            continue
        if isinstance(item, dict):
            inner = emit(item, indent + 2)
            lines += [f"{pad}{key}:", *inner] if inner else [f"{pad}{key}: {{}}"]
        elif isinstance(item, list):
            lines.append(f"{pad}{key}:")
            for element in item:
                if isinstance(element, dict):
                    inner = emit(element, indent + 4)
                    lines.append(f"{pad}  - {inner[0].lstrip()}")
                    lines += inner[1:]
                else:
                    lines.append(f"{pad}  - {scalar(element)}")
        else:
            lines.append(f"{pad}{key}: {scalar(item)}")
    return lines


def record_text(kind: str, record: dict[str, Any]) -> str:
    return RECORD_HEAD[kind] + "\n".join(emit(record)) + "\n"


def write_file(path: Path, text: str) -> bool:
    """Write if the content differs; returns whether it was written."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True


def write_records(root: Path, mapped: Mapped, before: dict[str, str], report: Report,
                  written: dict[str, str] | None = None, overwrite: bool = False) -> dict[str, str]:
    """Write every record file; remove the files of the last import whose objects are gone.
    ``before`` and the result map path → OParl id. ``written`` maps path → SHA-256 of what the
    import wrote last (updated here): a file that differs from it was edited by hand and is kept,
    with a problem in the report, unless ``overwrite``."""
    written = {} if written is None else written
    now: dict[str, str] = {}
    for rel, (kind, oid, record) in mapped.records.items():
        path = root / rel
        data = record_text(kind, record).encode("utf-8")
        digest = _sha(data)
        current = _digest(path)
        now[rel] = oid
        if current is not None and current != written.get(rel) and current != digest:
            if not overwrite:
                report.problem(rel, "von Hand geändert – die lokale Fassung bleibt, die der Quelle wird nicht "
                                    "geschrieben (ersetzen mit --ueberschreiben)")
                report.count(kind, "von Hand geändert, behalten")
                continue
            report.problem(rel, "von Hand geändert – durch die Fassung der Quelle ersetzt (--ueberschreiben)")
        if current == digest:  # the same bytes (read once, for the hand-edit check above)
            report.count(kind, "unverändert")
        else:
            write_atomic(path, data)
            report.count(kind, "geändert" if current is not None else "neu")
        written[rel] = digest
    for rel in sorted(before):
        if rel not in now and (root / rel).is_file():
            kind = "Paper" if rel.startswith("vorlagen/") else "Meeting"
            if _digest(root / rel) != written.get(rel) and not overwrite:
                report.problem(rel, "in der Quelle gelöscht, aber von Hand geändert – bleibt (entfernen von Hand "
                                    "oder mit --ueberschreiben)")
                now[rel] = before[rel]
                continue
            (root / rel).unlink()
            written.pop(rel, None)
            report.count(kind, "entfernt")
    return now


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _digest(path: Path) -> str | None:
    try:
        return _sha(path.read_bytes())
    except OSError:
        return None


# --- data/ ------------------------------------------------------------------------------------


def _markers(tag: str) -> tuple[str, str]:
    return (f"# >>> übernommen aus OParl: {tag} (vorlagengen import oparl schreibt diesen Abschnitt neu)",
            f"# <<< Ende der Übernahme {tag}")


def replace_block(text: str, tag: str, body: str) -> str:
    begin, end = _markers(tag)
    block = f"{begin}\n{body}{end}\n" if body else ""
    pattern = re.compile(re.escape(begin) + r"\n.*?" + re.escape(end) + r"\n?", re.DOTALL)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text, count=1)
    if not block:
        return text
    return text + ("" if not text or text.endswith("\n") else "\n") + block


_EMPTY_TABLE = re.compile(r"^\{\}\n", re.MULTILINE)
_ANY_BLOCK = re.compile(r"^# >>> übernommen aus OParl: .*?^# <<< Ende der Übernahme [^\n]*\n?",
                        re.DOTALL | re.MULTILINE)


def keys_outside_blocks(text: str) -> set[str]:
    """Top-level keys the clerk wrote (outside the import's sections): the import must not take them."""
    outside = _ANY_BLOCK.sub("", text)
    return {m.group(1).strip("\"'") for m in re.finditer(r"^([^\s#][^:]*):", outside, re.MULTILINE)}


def own_keys(root: Path) -> set[str]:
    out: set[str] = set()
    for name in ("gremien", "aemter", "personen"):
        path = root / "data" / f"{name}.yaml"
        if path.exists():
            out |= keys_outside_blocks(path.read_text(encoding="utf-8"))
    return out


def write_data(root: Path, mapped: Mapped) -> list[str]:
    """Update data/ (one section per imported body); returns the files that changed."""
    changed = []
    for name in ("gremien", "aemter", "personen"):
        entries: dict[str, Any] = getattr(mapped, name)
        path = root / "data" / f"{name}.yaml"
        old = path.read_text(encoding="utf-8") if path.exists() else DATA_HEAD[name]
        text = _EMPTY_TABLE.sub("", old)  # written when there was nothing; entries may follow now
        for body in mapped.koerperschaften:
            mine = {k: e for k, e in entries.items() if e["koerperschaft"] == body}
            text = replace_block(text, body, "".join("\n".join(emit({k: e})) + "\n" for k, e in mine.items()))
        if not keys_outside_blocks(text) and not _ANY_BLOCK.search(text):
            text = DATA_HEAD[name] + "{}\n"  # nothing of this kind yet: an empty table, not an empty file
        if text != old or not path.exists():
            write_file(path, text)
            changed.append(f"data/{name}.yaml")
    path = root / "data" / "koerperschaften.yaml"
    old = path.read_text(encoding="utf-8") if path.exists() else DATA_HEAD["koerperschaften"]
    have = keys_outside_blocks(old)
    new = [key for key in mapped.koerperschaften if key not in have]
    if new:
        text = old + ("" if old.endswith("\n") else "\n") + "".join(
            "# übernommen aus OParl: Layout, Briefkopf und Ladungsfrist bitte prüfen (die Quelle nennt sie nicht)\n"
            + "\n".join(emit({key: mapped.koerperschaften[key]})) + "\n" for key in new)
        write_file(path, text)
        changed.append("data/koerperschaften.yaml")
    return changed
