"""The offline map: nothing loaded from elsewhere, data shown as text."""

from __future__ import annotations

import json
import re

from dualtrace.graph.model import Link, Node
from dualtrace.graph.store import EmbeddedStore
from dualtrace.queries.trace import trace
from dualtrace.render.map import _asset, nodes_of_paths, render_map

HOSTILE = "<img src=x onerror=alert(1)>"
REMOTE = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""", re.IGNORECASE
)


def test_map_loads_nothing_from_the_network(starter, tmp_path):
    page = render_map(starter, tmp_path / "map.html").read_text(encoding="utf-8")
    assert REMOTE.search(page) is None
    assert "<script src" not in page and "<link" not in page
    assert "sourceMappingURL" not in page
    assert "vis.Network" in page and len(page) > 400_000  # vis-network is inlined


def test_hostile_names_are_escaped(tmp_path):
    store = EmbeddedStore(None)
    store.add(
        [
            Node("source:s", "Source", {"title": HOSTILE, "publisher": "</script><b>", "kind": "news"}),
            Node("org:evil", "Organization", {"name": HOSTILE}),
            Node("country:CN", "Country", {"name": "China", "iso2": "CN"}),
        ],
        [
            Link(
                "org:evil", "LOCATED_IN", "country:CN", {"sources": ["source:s"], "status": "reported", "note": HOSTILE}
            )
        ],
    )
    page = render_map(store, tmp_path / "map.html", title=HOSTILE).read_text(encoding="utf-8")
    ours = page.replace(_asset("vis-network.min.js"), "").replace(
        _asset("vis-network.css"), ""
    )  # the vendored library aside
    assert "<img" not in ours and "<b>" not in ours
    assert page.count("</script>") == 3  # only the page's own three script blocks close
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # the title, escaped
    data = page.split('<script type="application/json" id="graph-data">', 1)[1].split("</script>", 1)[0]
    payload = json.loads(data)
    assert HOSTILE in [n["label"] for n in payload["nodes"]]  # the name survives, as data
    assert "innerHTML" not in ours


def test_unicode_names_are_kept(tmp_path):
    store = EmbeddedStore(None)
    store.add(
        [
            Node("org:a", "Organization", {"name": "海康威视"}),
            Node("org:b", "Organization", {"name": "ООО Цитрокс"}),
            Node("org:c", "Organization", {"name": "شركة"}),
        ]
    )
    page = render_map(store, tmp_path / "map.html").read_text(encoding="utf-8")
    assert "海康威视" in page and "ООО Цитрокс" in page and "شركة" in page and '<meta charset="utf-8">' in page


def test_trace_map_holds_only_the_paths_with_their_citations(starter, tmp_path):
    result = trace(starter, "cloudwalk")
    page = render_map(starter, tmp_path / "map.html", node_ids=nodes_of_paths(result)).read_text(encoding="utf-8")
    data = json.loads(page.split('id="graph-data">', 1)[1].split("</script>", 1)[0])
    assert {n["id"] for n in data["nodes"]} == {
        "org:cloudwalk",
        "transfer:cloudwalk-zimbabwe-2018",
        "buyer:zw-government",
    }
    citations = [c for e in data["edges"] for c in e["citations"]]
    assert any("Zimbabwe govt selects CloudWalk" in c["text"] and c["url"].startswith("https://") for c in citations)
