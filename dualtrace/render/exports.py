"""Exports of the graph, or of part of it, for the tools NGOs and newsrooms use.

Every format flattens the same view (:func:`flat_graph`): one node per entity
with its kind and label, one edge per link with its relationship, status,
dates and citations written out as text, since GraphML, GEXF and spreadsheets
hold no lists. Each format round-trips through the reader that networkx (or, for
FollowTheMoney, the followthemoney library) provides; the tests check that.

CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-`` or ``@``) are written with a leading apostrophe, the usual defence against
CSV injection; readers get the text back by removing it.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dualtrace.graph.dates import period_end, period_start
from dualtrace.graph.protocol import Store

if TYPE_CHECKING:
    import networkx as nx

LIST_SEPARATOR = "; "
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any) -> Any:
    """Lists become ``a; b``; numbers stay numbers; everything else text."""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def citation_text(store: Store, source_ids: Iterable[str]) -> str:
    """``Title, Publisher, date, URL`` for each source, separated by `` | ``."""
    parts = []
    for source_id in source_ids:
        node = store.get(source_id)
        if node is None:
            parts.append(source_id)
            continue
        props = node.props
        fields = [props.get("title"), props.get("publisher"), props.get("date"), props.get("url")]
        parts.append(", ".join(str(f) for f in fields if f))
    return " | ".join(parts)


def flat_graph(store: Store, node_ids: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """The graph (or the part spanned by ``node_ids``) with flat, typed attributes.
    Source nodes are left out: their text is written into each link's ``citations``."""
    import networkx as nx  # here: only exports need it, and start-up stays fast

    wanted = None if node_ids is None else set(node_ids)
    graph = nx.MultiDiGraph()
    for node in store.nodes():
        if node.kind == "Source" or (wanted is not None and node.id not in wanted):
            continue
        # a List's own "kind" (sanctions, export_control) becomes "list_kind"
        attrs = {(f"{node.kind.lower()}_{key}" if key in ("kind", "label") else key): _text(value)
                 for key, value in node.props.items()}  # fmt: skip
        graph.add_node(node.id, kind=node.kind, label=node.name, **attrs)
    for link in store.links():
        if link.source not in graph or link.target not in graph:
            continue
        attrs = {key: _text(value) for key, value in link.props.items() if key != "rel"}
        attrs["citations"] = citation_text(store, link.props.get("sources", []))
        graph.add_edge(link.source, link.target, key=link.rel, rel=link.rel, **attrs)
    return graph


def _spell(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """The days a link holds by the rule of ``--as-of`` (graph/dates.py), as a GEXF spell
    (Gephi reads both ends as included): from the last day of its ``since`` to the day
    before the first day of its ``until``."""
    start = end = None
    if since:
        start = _calendar(period_end(str(since)))
    if until:
        first = dt.date.fromisoformat(period_start(str(until)))
        end = (first - dt.timedelta(days=1)).isoformat()
    return start, end


def _calendar(text: str) -> str:
    """A period's last day as a real date (``2019-02-31`` -> ``2019-02-28``)."""
    year, month, day = (int(part) for part in text.split("-"))
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1])).isoformat()


def write_gexf(store: Store, path: Path, node_ids: Iterable[str] | None = None) -> Path:
    """GEXF 1.2 for Gephi. A link with a ``since`` or ``until`` date gets a spell, so
    Gephi's timeline shows it on the days ``--as-of`` counts it; undated links are
    always shown."""
    import networkx as nx  # here: only exports need it, and start-up stays fast

    graph = flat_graph(store, node_ids)
    for _, _, data in graph.edges(data=True):
        since, until = data.get("since"), data.get("until")
        if since or until:
            data["spells"] = [_spell(since, until)]
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_gexf(graph, path)
    return path


def write_graphml(store: Store, path: Path, node_ids: Iterable[str] | None = None) -> Path:
    """GraphML (yEd, Cytoscape, Gephi)."""
    import networkx as nx  # here: only exports need it, and start-up stays fast

    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(flat_graph(store, node_ids), path)
    return path


def write_node_link(store: Store, path: Path, node_ids: Iterable[str] | None = None) -> Path:
    """node-link JSON (d3, networkx ``node_link_graph``)."""
    import networkx as nx  # here: only exports need it, and start-up stays fast

    data = nx.node_link_data(flat_graph(store, node_ids), edges="links")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def safe_cell(value: Any) -> Any:
    """A cell a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unsafe_cell(value: str) -> str:
    """The inverse of :func:`safe_cell`, for readers of our CSVs."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def _write_rows(path: Path, header: list[str], rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: safe_cell(value) for key, value in row.items()})


def _columns(items: Iterable[dict[str, Any]], first: list[str]) -> list[str]:
    seen = dict.fromkeys(first)
    for item in items:
        seen.update(dict.fromkeys(item))
    return list(seen)


def write_csv(store: Store, folder: Path, node_ids: Iterable[str] | None = None) -> Path:
    """``nodes.csv`` (id, kind, label, properties) and ``edges.csv`` (source, target,
    rel, status, dates, sources, citations, note, ...)."""
    graph = flat_graph(store, node_ids)
    folder.mkdir(parents=True, exist_ok=True)
    nodes = [{"id": n, **d} for n, d in graph.nodes(data=True)]
    edges = [{"source": s, "target": t, **d} for s, t, d in graph.edges(data=True)]
    _write_rows(folder / "nodes.csv", _columns(nodes, ["id", "kind", "label"]), nodes)
    _write_rows(folder / "edges.csv", _columns(edges, ["source", "target", "rel", "status"]), edges)
    return folder


def write_kumu(store: Store, folder: Path, node_ids: Iterable[str] | None = None) -> Path:
    """Kumu's spreadsheet layout: ``elements.csv`` (Label, Type, Description, Tags,
    ...) and ``connections.csv`` (From, To, Type, ...). Kumu joins connections to
    elements by label, so labels are made unique (the id is added to repeats)."""
    graph = flat_graph(store, node_ids)
    labels: dict[str, str] = {}
    taken: set[str] = set()
    for node_id, data in graph.nodes(data=True):
        label = str(data["label"])
        labels[node_id] = label if label not in taken else f"{label} ({node_id})"
        taken.add(labels[node_id])
    elements = [
        {
            "Label": labels[node_id],
            "Type": data["kind"],
            "ID": node_id,
            "Description": data.get("note", ""),
            "Tags": LIST_SEPARATOR.join(filter(None, [str(data.get("category", "")), str(data.get("roles", ""))])),
            "Country": data.get("country", data.get("iso2", "")),
            "Aliases": data.get("aliases", ""),
        }
        for node_id, data in graph.nodes(data=True)
    ]
    connections = [
        {
            "From": labels[source],
            "To": labels[target],
            "Type": data["rel"],
            "Direction": "directed",
            "Status": data.get("status", ""),
            "Since": data.get("since", ""),
            "Until": data.get("until", ""),
            "Sources": data.get("citations", ""),
            "Description": data.get("note", ""),
        }
        for source, target, data in graph.edges(data=True)
    ]
    folder.mkdir(parents=True, exist_ok=True)
    _write_rows(folder / "elements.csv", list(elements[0]) if elements else ["Label", "Type"], elements)
    _write_rows(folder / "connections.csv", list(connections[0]) if connections else ["From", "To"], connections)
    return folder


def write_ftm(store: Store, path: Path, node_ids: Iterable[str] | None = None) -> Path:
    """FollowTheMoney entities, one JSON object per line (see :mod:`dualtrace.render.ftm_export`)."""
    from dualtrace.render.ftm_export import ftm_entities

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for entity in ftm_entities(store, node_ids):
            handle.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
    return path


def _neo4j_admin(store: Store, folder: Path, node_ids: Iterable[str] | None = None) -> Path:
    from dualtrace.render.neo4j_export import write_neo4j_admin

    return write_neo4j_admin(store, folder, node_ids)


def _cypher(store: Store, path: Path, node_ids: Iterable[str] | None = None) -> Path:
    from dualtrace.render.neo4j_export import write_cypher

    return write_cypher(store, path, node_ids)


Writer = Callable[[Store, Path, Iterable[str] | None], Path]
EXPORTS: dict[str, tuple[Writer, str]] = {
    "gexf": (write_gexf, "GEXF for Gephi, links dated as spells (one file)"),
    "graphml": (write_graphml, "GraphML (one file)"),
    "node-link": (write_node_link, "node-link JSON for d3 and networkx (one file)"),
    "csv": (write_csv, "nodes.csv and edges.csv (a folder)"),
    "kumu": (write_kumu, "Kumu elements.csv and connections.csv (a folder)"),
    "ftm": (write_ftm, "FollowTheMoney entities, JSON lines (one file)"),
    "neo4j-admin": (_neo4j_admin, "CSVs and import.sh for neo4j-admin database import full (a folder)"),
    "cypher": (_cypher, "a parameterised script for cypher-shell (one file)"),
}
# The file suffix of the formats that write one file (the others write a folder).
SUFFIXES = {"gexf": ".gexf", "graphml": ".graphml", "node-link": ".json", "ftm": ".ftm.json", "cypher": ".cypher"}
