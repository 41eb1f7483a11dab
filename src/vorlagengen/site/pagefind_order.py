"""Byte-identical Pagefind bundles: the filter lists put into a fixed order after indexing.

Pagefind (1.x, ``pagefind/src/index/mod.rs``) collects filter values in a ``hashbrown::HashMap``
whose seed is random per process, and writes them in that map's order: each
``filter/<hash>.pf_filter`` file, its name (a hash of its content), the filter list of the
``pagefind.<hash>.pf_meta`` file, its name, and the hash in ``pagefind-entry.json`` change from run
to run although the index means the same. The client reads the values into a map, so their order
does not matter to it.

This module puts them in the order Pagefind would write if its map iterated sorted by value: it
decodes each filter file (gzip of ``pagefind_dcd`` + CBOR ``[filter, [[value, [page, …]], …]]``),
sorts the values, encodes it again and names it like Pagefind does (``<lang>_`` + the first seven
characters of Pagefind's SHA-1 spelling), then does the same for the meta file's filter list
(``[version, pages, chunks, [[filter, hash], …], sorts]``, sorted by filter name) and the entry.
Every CBOR payload is first checked to encode back to exactly its original bytes; a payload that
does not (a changed Pagefind format) stops the build instead of being rewritten on a guess.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from typing import Any

from vorlagengen.errors import ToolError

MAGIC = b"pagefind_dcd"
Cbor = int | str | list[Any]


def normalise(bundle: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle ({path: bytes} as Pagefind wrote it) with its filter files in a fixed order."""
    entry = json.loads(bundle["pagefind-entry.json"])
    out = {k: v for k, v in bundle.items() if not k.startswith("filter/") and not _is_meta(k)}
    text = bundle["pagefind-entry.json"].decode("utf-8")
    for lang, info in sorted(entry["languages"].items()):
        old_meta = f"pagefind.{info['hash']}.pf_meta"
        meta = _payload(bundle[old_meta])
        renamed: dict[str, str] = {}
        for filter_name, old_hash in meta[3]:
            values = _payload(bundle[f"filter/{old_hash}.pf_filter"])
            values[1].sort(key=lambda v: v[0])
            data = encode(values)
            new_hash = _short(f"{lang}_{pagefind_hash(data)}", len(lang) + 8, set(renamed.values()))
            renamed[filter_name] = new_hash
            out[f"filter/{new_hash}.pf_filter"] = _pack(data)
        meta[3] = [[name, renamed[name]] for name, _ in sorted(meta[3], key=lambda f: f[0])]
        data = encode(meta)
        new_meta = f"{lang}_{pagefind_hash(data)[: len(lang) + 8]}"
        out[f"pagefind.{new_meta}.pf_meta"] = _pack(data)
        text = text.replace(f'"hash":"{info["hash"]}"', f'"hash":"{new_meta}"')
    out["pagefind-entry.json"] = text.encode("utf-8")
    return dict(sorted(out.items()))


def _is_meta(name: str) -> bool:
    return name.startswith("pagefind.") and name.endswith(".pf_meta")


def pagefind_hash(data: bytes) -> str:
    """SHA-1 spelled as Pagefind spells it (``utils::full_hash``: each byte as ``{:x?}``, unpadded)."""
    return "".join(format(b, "x") for b in hashlib.sha1(data).digest())


def _short(full: str, length: int, taken: set[str]) -> str:
    """Pagefind's short name: ``length`` characters, one more while it collides."""
    short = full[:length]
    while short in taken and len(short) < len(full):
        short = full[: len(short) + 1]
    return short


def _payload(packed: bytes) -> Any:
    raw = gzip.decompress(packed)
    if not raw.startswith(MAGIC):
        raise ToolError("pagefind", "Index", "unbekanntes Dateiformat von Pagefind (Kennung fehlt)")
    data = raw[len(MAGIC):]
    value, end = decode(data, 0)
    if end != len(data) or encode(value) != data:
        raise ToolError("pagefind", "Index", "unbekanntes Dateiformat von Pagefind (CBOR weicht ab)")
    return value


def _pack(data: bytes) -> bytes:
    return gzip.compress(MAGIC + data, compresslevel=9, mtime=0)


# --- the part of CBOR (RFC 8949) Pagefind's index uses: unsigned integers, text, definite arrays ----

def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | extra]) + n.to_bytes(size, "big")
    raise ValueError(n)


def encode(value: Cbor) -> bytes:
    if isinstance(value, bool) or (isinstance(value, int) and value < 0):
        raise ValueError(value)
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    return _head(4, len(value)) + b"".join(encode(v) for v in value)


def decode(data: bytes, pos: int) -> tuple[Cbor, int]:
    major, extra = data[pos] >> 5, data[pos] & 31
    pos += 1
    if extra < 24:
        n = extra
    elif extra <= 27:
        size = 1 << (extra - 24)
        n, pos = int.from_bytes(data[pos:pos + size], "big"), pos + size
    else:
        raise ToolError("pagefind", "Index", f"unbekanntes Dateiformat von Pagefind (CBOR-Kopf {data[pos - 1]})")
    if major == 0:
        return n, pos
    if major == 3:
        return data[pos:pos + n].decode("utf-8"), pos + n
    if major == 4:
        items: list[Any] = []
        for _ in range(n):
            item, pos = decode(data, pos)
            items.append(item)
        return items, pos
    raise ToolError("pagefind", "Index", f"unbekanntes Dateiformat von Pagefind (CBOR-Typ {major})")
