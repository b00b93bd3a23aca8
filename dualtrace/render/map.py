"""Write a relationship map as one self-contained HTML file that works offline.

Why not pyvis's own HTML: its template loads vis-network and Bootstrap from
CDNs, so the page breaks without a network. We take the vis-network build that
the pyvis package ships, inline it (minus its source-map comment), and embed
the graph as JSON. Names from the data never become markup: the JSON is
escaped for a ``<script>`` block, and labels, tooltips and the legend are
created in the page with text nodes, never ``innerHTML``.

The same page serves the web explorer (``dualtrace serve``), with one difference:
there its scripts and styles are files the explorer serves itself
(:func:`map_page` with ``linked``), because its Content-Security-Policy allows no
inline script; the offline file inlines them, having nowhere else to get them.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import pandas as pd

from dualtrace.graph.protocol import Store

VIS_VERSION = "vis-9.1.2"


def _asset(name: str) -> str:
    text = resources.files("pyvis").joinpath("lib", VIS_VERSION, name).read_text(encoding="utf-8")
    return re.sub(r"//# sourceMappingURL=\S+", "", text)


def _script_json(value: Any) -> str:
    """JSON safe to place inside a <script> element: no '<', '>' or '&' survive literally."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _citation(store: Store, source_id: str) -> dict[str, str]:
    """A citation for the page: its text and, apart, its URL (made a link in the side panel)."""
    node = store.get(source_id)
    if node is None:
        return {"text": source_id, "url": ""}
    props = node.props
    parts = [props.get("title", source_id), props.get("publisher", ""), props.get("date", "")]
    url = str(props.get("url", ""))
    return {
        "text": " — ".join(str(p) for p in parts if p),
        "url": url if url.startswith(("http://", "https://")) else "",
    }


def _year(value: Any) -> int | None:
    text = str(value or "")
    return int(text[:4]) if len(text) >= 4 and text[:4].isdigit() else None


def graph_payload(store: Store, node_ids: Iterable[str] | None = None) -> dict[str, Any]:
    """Nodes and edges for the page: every node except Sources (they appear as citations
    of the links), restricted to ``node_ids`` when given. Each carries what the page's
    filters need: kind, country, category, status and years."""
    wanted = None if node_ids is None else set(node_ids)
    nodes = []
    for node in store.nodes():
        if node.kind == "Source" or (wanted is not None and node.id not in wanted):
            continue
        props = node.props
        details = [[key, ", ".join(map(str, v)) if isinstance(v, list) else str(v)] for key, v in props.items()
                   if key not in ("name", "sources", "records")]  # fmt: skip
        nodes.append(
            {
                "id": node.id,
                "label": node.name,
                "kind": node.kind,
                "country": props.get("country") or props.get("iso2") or "",
                "category": props.get("category", ""),
                "year": props.get("year") if isinstance(props.get("year"), int) else None,
                "details": [["id", node.id], *details],
                "citations": [_citation(store, s) for s in props.get("sources", [])],
            }
        )
    present = {n["id"] for n in nodes}
    edges = []
    for link in store.links():
        if link.source not in present or link.target not in present:
            continue
        props = link.props
        dates = " to ".join(d for d in (props.get("since", ""), props.get("until", "")) if d)
        edges.append(
            {
                "from": link.source,
                "to": link.target,
                "rel": link.rel,
                "status": props.get("status", ""),
                "dates": dates,
                # the years the link counts as of the end of (graph/dates.py, as --as-of YYYY does):
                # from its since's year, up to the year before its until
                "start": _year(props.get("since")),
                "end": None if _year(props.get("until")) is None else _year(props.get("until")) - 1,  # type: ignore[operator]
                "note": props.get("note", ""),
                "citations": [_citation(store, s) for s in props.get("sources", [])],
            }
        )
    styles = store.schema.styles  # colour and shape per kind (the legend, in this order), dashes per status
    dashes = {status: style["dashes"] for status, style in styles["statuses"].items()}
    return {"nodes": nodes, "edges": edges, "styles": styles["kinds"], "dashes": dashes}


def nodes_of_paths(frame: pd.DataFrame) -> set[str]:
    """Every node on the paths of a trace or reach result (its ``hop_details`` column)."""
    ids: set[str] = set()
    for hops in frame.get("hop_details", []):
        for hop in hops:
            ids.update((hop["from"], hop["to"]))
    return ids


def map_page(
    store: Store,
    *,
    node_ids: Iterable[str] | None = None,
    title: str = "dualtrace relationship map",
    caption: str = "",
    credit: str = "Made with dualtrace from its sourced knowledge graph; every link cites its sources.",
    linked: str | None = None,
    entity_url: str = "",
) -> str:
    """The map page of ``store`` (or of ``node_ids`` only) as HTML text.

    ``linked``: a URL prefix from which the page loads its scripts and styles
    (:data:`ASSETS`) instead of inlining them: the explorer's way, whose policy
    allows no inline script. ``entity_url``: a URL prefix the side panel links each
    entity's page from (the explorer's ``/entity/``; none in an offline file)."""
    payload = {**graph_payload(store, node_ids), "entity_url": entity_url}
    if linked is None:
        head = f"{INLINE_POLICY}\n<style>{_asset('vis-network.css')}</style>\n<style>{MAP_CSS}</style>"
        scripts = f"<script>{_asset('vis-network.min.js')}</script>\n<script>{map_asset('map_page.js')}</script>"
    else:
        prefix = html.escape(linked)
        head = "\n".join(f'<link rel="stylesheet" href="{prefix}{name}">' for name in ("vis-network.css", "map.css"))
        scripts = "\n".join(f'<script src="{prefix}{name}"></script>' for name in ("vis-network.min.js", "map_page.js"))
    return PAGE.substitute(
        title=html.escape(title),
        caption=html.escape(
            caption
            or f"{len(payload['nodes'])} entities, {len(payload['edges'])} links. "
            "Click an entity or a line to see its sources; dashed lines are reported, dotted are denied."
        ),
        credit=html.escape(credit),
        head=head,
        data=_script_json(payload),
        scripts=scripts,
    )


def render_map(
    store: Store,
    path: Path,
    *,
    node_ids: Iterable[str] | None = None,
    title: str = "dualtrace relationship map",
    caption: str = "",
    credit: str = "Made with dualtrace from its sourced knowledge graph; every link cites its sources.",
) -> Path:
    """Write the offline map of ``store`` (or of ``node_ids`` only) to ``path``; returns the path."""
    page = map_page(store, node_ids=node_ids, title=title, caption=caption, credit=credit)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


# The files a linked map page loads (see map_page), by name.
ASSETS = {
    "vis-network.css": "text/css",
    "vis-network.min.js": "text/javascript",
    "map.css": "text/css",
    "map_page.js": "text/javascript",
}


def map_asset(name: str) -> str:
    """The text of one of :data:`ASSETS`: vis-network from the pyvis package, the page's
    own style and script from this package."""
    if name == "map.css":
        return MAP_CSS
    if name == "map_page.js":
        return resources.files("dualtrace.render").joinpath("map_page.js").read_text(encoding="utf-8")
    if name in ASSETS:
        return _asset(name)
    raise KeyError(name)


INLINE_POLICY = (
    '<meta http-equiv="Content-Security-Policy"\n'
    "      content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">"
)

MAP_CSS = """
  body { font-family: "Noto Sans", "Noto Sans CJK SC", "Noto Naskh Arabic", "DejaVu Sans", Arial, sans-serif;
         margin: 0; color: #222; }
  header { padding: 8px 16px; border-bottom: 1px solid #ddd; }
  header h1 { font-size: 1.2em; margin: 0 0 4px 0; }
  header p { margin: 0; font-size: 0.9em; color: #555; }
  #wrap { display: flex; height: calc(100vh - 96px); }
  #controls, #panel { width: 250px; padding: 8px 12px; font-size: 0.85em; overflow-y: auto; }
  #controls { border-right: 1px solid #ddd; }
  #panel { border-left: 1px solid #ddd; }
  #network { flex: 1; }
  h2 { font-size: 1em; margin: 10px 0 4px; }
  label { display: block; }
  select, input[type=search] { width: 100%; box-sizing: border-box; }
  .swatch { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: middle; }
  .tip { max-width: 460px; white-space: normal; font-size: 12px; }
  .tip b { display: block; margin-bottom: 4px; }
  #panel dt { font-weight: bold; margin-top: 4px; }
  #panel dd { margin: 0 0 2px 8px; overflow-wrap: anywhere; }
  #matches div { cursor: pointer; padding: 1px 0; }
  #matches div:hover { text-decoration: underline; }
  footer { padding: 4px 16px; font-size: 0.8em; color: #666; border-top: 1px solid #ddd; }
  button { margin-top: 6px; }
"""


PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
$head
</head>
<body>
<header><h1>$title</h1><p>$caption</p></header>
<div id="wrap">
  <aside id="controls">
    <h2>Search</h2>
    <input type="search" id="search" placeholder="Name of an entity" aria-label="Search entities">
    <div id="matches"></div>
    <h2>Entities</h2><div id="kinds"></div>
    <h2>Links</h2><div id="statuses"></div>
    <h2>Country</h2><select id="country" aria-label="Country"><option value="">All countries</option></select>
    <h2>Product category</h2>
    <select id="category" aria-label="Product category"><option value="">All categories</option></select>
    <h2>Years</h2>
    <div id="years">
      <label>from <span id="year-from-value"></span><input type="range" id="year-from"></label>
      <label>to <span id="year-to-value"></span><input type="range" id="year-to"></label>
      <label><input type="checkbox" id="undated" checked> show undated links</label>
    </div>
    <button type="button" id="png">Download PNG</button>
    <p id="shown"></p>
  </aside>
  <div id="network"></div>
  <aside id="panel"><h2>Details</h2><p>Click an entity or a line to see its properties and sources.</p></aside>
</div>
<footer id="credit">$credit</footer>
<script type="application/json" id="graph-data">$data</script>
$scripts
</body>
</html>""")
