"""Pagefind's filter lists come out in one order whatever order Pagefind's hash map chose."""

from __future__ import annotations

import gzip
import json

import pytest

import vorlagengen.site.pagefind_order as pagefind_order
import vorlagengen.site.search as search
from vorlagengen.errors import ToolError

PAGE = """<!DOCTYPE html><html lang="de"><head><title>{n}</title></head><body><main data-pagefind-body>
<h1>Drucksache {n}</h1><span data-pagefind-filter="Gremium:{g}"></span><span data-pagefind-filter="Art:{a}"></span>
<p>Spielplatz Nummer {n} wird saniert.</p></main></body></html>"""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    site = tmp_path_factory.mktemp("seiten")
    pages = []
    for n in range(12):
        rel = f"d/{n}.html"
        (site / "d").mkdir(exist_ok=True)
        (site / rel).write_text(PAGE.format(n=n, g=f"Ausschuss {n % 5}", a=f"Art {n % 4}"), encoding="utf-8")
        pages.append(rel)
    return search.build_index(site, pages)


def _shuffled(bundle: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle as Pagefind might have written it in another run: values and filters reversed."""
    out = dict(bundle)
    entry = json.loads(bundle["pagefind-entry.json"])
    meta_name = f"pagefind.{entry['languages']['de']['hash']}.pf_meta"
    meta = pagefind_order._payload(out.pop(meta_name))
    for item in meta[3]:
        values = pagefind_order._payload(out.pop(f"filter/{item[1]}.pf_filter"))
        values[1].reverse()
        data = pagefind_order.encode(values)
        item[1] = "de_" + pagefind_order.pagefind_hash(data)[:7]
        out[f"filter/{item[1]}.pf_filter"] = pagefind_order._pack(data)
    meta[3].reverse()
    data = pagefind_order.encode(meta)
    new = "de_" + pagefind_order.pagefind_hash(data)[:10]
    out[f"pagefind.{new}.pf_meta"] = pagefind_order._pack(data)
    out["pagefind-entry.json"] = bundle["pagefind-entry.json"].replace(
        entry["languages"]["de"]["hash"].encode(), new.encode())
    return out


def test_filter_order_does_not_change_the_bundle(bundle: dict[str, bytes]) -> None:
    other = _shuffled(bundle)
    assert other != bundle
    assert pagefind_order.normalise(other) == bundle
    assert {"pagefind.js", "pagefind-ui.js", "pagefind-entry.json", "wasm.de.pagefind"} <= set(bundle)
    assert sum(k.endswith(".pf_meta") for k in bundle) == 1 and sum(k.startswith("filter/") for k in bundle) == 2
    values = [pagefind_order._payload(v) for k, v in bundle.items() if k.startswith("filter/")]
    gremium = next(v for v in values if v[0] == "Gremium")
    assert [v[0] for v in gremium[1]] == [f"Ausschuss {i}" for i in range(5)]
    assert all(len(v[1]) in (2, 3) and v[1] == sorted(v[1]) for v in gremium[1])  # pages as Pagefind numbered them


def test_unknown_format_stops_the_build(bundle: dict[str, bytes]) -> None:
    broken = dict(bundle)
    name = next(k for k in bundle if k.startswith("filter/"))
    broken[name] = gzip.compress(pagefind_order.MAGIC + b"\xa1\x00\x00")  # a CBOR map: not Pagefind's format
    with pytest.raises(ToolError, match="unbekanntes Dateiformat"):
        pagefind_order.normalise(broken)
    broken[name] = gzip.compress(b"anderes")
    with pytest.raises(ToolError, match="Kennung fehlt"):
        pagefind_order.normalise(broken)


def test_cbor_subset_round_trips() -> None:
    for value in (0, 23, 24, 255, 256, 65536, 2**32, "", "Jugendhilfeausschuss", "ä" * 30, [], [1, ["a", [2]]]):
        data = pagefind_order.encode(value)
        assert pagefind_order.decode(data, 0) == (value, len(data))
