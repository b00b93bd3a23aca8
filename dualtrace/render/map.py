"""Write a relationship map as one self-contained HTML file that works offline.

Why not pyvis's own HTML: its template loads vis-network and Bootstrap from
CDNs, so the page breaks without a network. We take the vis-network build that
the pyvis package ships, inline it (minus its source-map comment), and embed
the graph as JSON. Names from the data never become markup: the JSON is
escaped for a ``<script>`` block, and labels, tooltips and the legend are
created in the page with text nodes, never ``innerHTML``.
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

from dualtrace.graph.store import EmbeddedStore

VIS_VERSION = "vis-9.1.2"

# Colour and shape per node kind; also the legend, in this order.
KIND_STYLE: dict[str, dict[str, str]] = {
    "Organization": {"color": "#1f77b4", "shape": "dot", "label": "Organization (vendor, integrator, parent)"},
    "Product": {"color": "#2ca02c", "shape": "square", "label": "Product or technology"},
    "Transfer": {"color": "#9467bd", "shape": "diamond", "label": "Transfer (a reported deal)"},
    "GovernmentBuyer": {"color": "#d62728", "shape": "triangle", "label": "Government end user"},
    "Person": {"color": "#e377c2", "shape": "star", "label": "Person (owner, director, official)"},
    "Country": {"color": "#7f7f7f", "shape": "ellipse", "label": "Country"},
    "List": {"color": "#ff7f0e", "shape": "box", "label": "Sanctions or control list"},
    "Regime": {"color": "#8c564b", "shape": "box", "label": "Export-control regime"},
}
STATUS_DASHES = {"confirmed": False, "reported": [6, 4], "denied": [2, 6]}


def _asset(name: str) -> str:
    text = resources.files("pyvis").joinpath("lib", VIS_VERSION, name).read_text(encoding="utf-8")
    return re.sub(r"//# sourceMappingURL=\S+", "", text)


def _script_json(value: Any) -> str:
    """JSON safe to place inside a <script> element: no '<', '>' or '&' survive literally."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _citation(store: EmbeddedStore, source_id: str) -> str:
    node = store.get(source_id)
    if node is None:
        return source_id
    parts = [
        node.props.get("title", source_id),
        node.props.get("publisher", ""),
        node.props.get("date", ""),
        node.props.get("url", ""),
    ]
    return " — ".join(p for p in parts if p)


def graph_payload(store: EmbeddedStore, node_ids: Iterable[str] | None = None) -> dict[str, Any]:
    """Nodes and edges for the page: every node except Sources (they appear as citations
    in edge tooltips), restricted to ``node_ids`` when given."""
    wanted = None if node_ids is None else set(node_ids)
    nodes = []
    for node in store.nodes():
        if node.kind == "Source" or (wanted is not None and node.id not in wanted):
            continue
        details = [
            f"{key}: {', '.join(v) if isinstance(v, list) else v}" for key, v in node.props.items() if key != "name"
        ]
        nodes.append({"id": node.id, "label": node.name, "kind": node.kind, "details": [node.id, *details]})
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
                "note": props.get("note", ""),
                "citations": [_citation(store, s) for s in props.get("sources", [])],
            }
        )
    return {"nodes": nodes, "edges": edges, "styles": KIND_STYLE, "dashes": STATUS_DASHES}


def nodes_of_paths(frame: pd.DataFrame) -> set[str]:
    """Every node on the paths of a trace or reach result (its ``hop_details`` column)."""
    ids: set[str] = set()
    for hops in frame.get("hop_details", []):
        for hop in hops:
            ids.update((hop["from"], hop["to"]))
    return ids


def render_map(
    store: EmbeddedStore,
    path: Path,
    *,
    node_ids: Iterable[str] | None = None,
    title: str = "dualtrace relationship map",
    caption: str = "",
) -> Path:
    """Write the map of ``store`` (or of ``node_ids`` only) to ``path``; returns the path."""
    payload = graph_payload(store, node_ids)
    page = PAGE.substitute(
        title=html.escape(title),
        caption=html.escape(
            caption
            or f"{len(payload['nodes'])} entities, {len(payload['edges'])} links. "
            "Hover over a line to see its sources; dashed lines are reported, dotted are denied."
        ),
        vis_css=_asset("vis-network.css"),
        vis_js=_asset("vis-network.min.js"),
        data=_script_json(payload),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>$title</title>
<style>$vis_css</style>
<style>
  body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; margin: 0; color: #222; }
  header { padding: 8px 16px; border-bottom: 1px solid #ddd; }
  header h1 { font-size: 1.2em; margin: 0 0 4px 0; }
  header p { margin: 0; font-size: 0.9em; color: #555; }
  #wrap { display: flex; height: calc(100vh - 70px); }
  #network { flex: 1; }
  #legend { width: 240px; padding: 8px 12px; border-left: 1px solid #ddd; font-size: 0.85em; overflow-y: auto; }
  #legend h2 { font-size: 1em; margin: 8px 0 4px; }
  .swatch { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: middle; }
  .tip { max-width: 460px; white-space: normal; font-size: 12px; }
  .tip b { display: block; margin-bottom: 4px; }
  .tip li { margin-bottom: 2px; }
</style>
</head>
<body>
<header><h1>$title</h1><p>$caption</p></header>
<div id="wrap"><div id="network"></div><aside id="legend"></aside></div>
<script type="application/json" id="graph-data">$data</script>
<script>$vis_js</script>
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function nodeTip(n) {
    var box = el("div", undefined, "tip");
    box.appendChild(el("b", n.label));
    n.details.forEach(function (line) { box.appendChild(el("div", line)); });
    return box;
  }
  function edgeTip(e) {
    var box = el("div", undefined, "tip");
    box.appendChild(el("b", e.rel + " (" + e.status + ")" + (e.dates ? ", " + e.dates : "")));
    if (e.note) { box.appendChild(el("div", e.note)); }
    box.appendChild(el("div", "Sources:"));
    var list = el("ol");
    e.citations.forEach(function (c) { list.appendChild(el("li", c)); });
    box.appendChild(list);
    return box;
  }
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var style = data.styles[n.kind] || {};
    return { id: n.id, label: n.label, title: nodeTip(n), shape: style.shape, color: style.color,
             font: { size: 12 }, size: n.kind === "Transfer" ? 8 : 12 };
  }));
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    return { id: i, from: e.from, to: e.to, arrows: "to", title: edgeTip(e), label: e.rel,
             dashes: data.dashes[e.status] === undefined ? false : data.dashes[e.status],
             font: { size: 8, align: "middle" }, color: { color: "#999", highlight: "#333" } };
  }));
  var legend = document.getElementById("legend");
  legend.appendChild(el("h2", "Entities"));
  Object.keys(data.styles).forEach(function (kind) {
    var row = el("div");
    var sw = el("span", undefined, "swatch");
    sw.style.background = data.styles[kind].color;
    row.appendChild(sw);
    row.appendChild(document.createTextNode(data.styles[kind].label));
    legend.appendChild(row);
  });
  legend.appendChild(el("h2", "Links"));
  legend.appendChild(el("div", "solid: confirmed"));
  legend.appendChild(el("div", "dashed: reported"));
  legend.appendChild(el("div", "dotted: denied"));
  legend.appendChild(el("h2", "Sources"));
  legend.appendChild(el("div", "Hover over a line to read the citations behind it."));
  var network = new vis.Network(document.getElementById("network"), { nodes: nodes, edges: edges }, {
    physics: { solver: "forceAtlas2Based", stabilization: { iterations: 300 } },
    interaction: { hover: true, tooltipDelay: 150 },
    layout: { improvedLayout: data.nodes.length < 300 }
  });
  network.once("stabilizationIterationsDone", function () { network.setOptions({ physics: false }); });
  window.dualtraceNetwork = network;
}());
</script>
</body>
</html>
""")
