"""Every export format round-trips through the reader networkx or followthemoney provides."""

from __future__ import annotations

import json
from collections import Counter

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner
from followthemoney import model

from dualtrace.cli import main
from dualtrace.graph.model import Node
from dualtrace.graph.store import EmbeddedStore
from dualtrace.queries.trace import trace
from dualtrace.render.exports import (
    EXPORTS,
    flat_graph,
    unsafe_cell,
    write_csv,
    write_ftm,
    write_gexf,
    write_graphml,
    write_kumu,
    write_node_link,
)
from dualtrace.render.map import nodes_of_paths


def expected(store: EmbeddedStore):
    nodes = {n.id for n in store.nodes() if n.kind != "Source"}
    links = Counter(link.rel for link in store.links() if link.source in nodes and link.target in nodes)
    return nodes, links


def edge_rels(graph) -> Counter:
    return Counter(data["rel"] for _, _, data in graph.edges(data=True))


def test_gexf_round_trip_with_dates_as_spells(starter, tmp_path):
    path = write_gexf(starter, tmp_path / "graph.gexf")
    graph = nx.read_gexf(path)
    nodes, links = expected(starter)
    assert set(graph.nodes) == nodes and edge_rels(graph) == links
    assert 'mode="dynamic"' in path.read_text(encoding="utf-8") and 'timeformat="date"' in path.read_text(
        encoding="utf-8"
    )
    listing = next(d for s, t, d in graph.edges(data=True) if (s, t) == ("org:hikvision", "list:us-entity-list"))
    assert listing["spells"][0][0] == "2019-10-09"  # open-ended: no end attribute in the file
    assert '<spell start="2019-10-09" />' in path.read_text(encoding="utf-8")
    assert graph.nodes["org:hikvision"]["kind"] == "Organization"


def test_graphml_round_trip(starter, tmp_path):
    graph = nx.read_graphml(write_graphml(starter, tmp_path / "graph.graphml"), force_multigraph=True)
    nodes, links = expected(starter)
    assert set(graph.nodes) == nodes and edge_rels(graph) == links
    data = next(d for s, t, d in graph.edges(data=True) if (s, t) == ("org:hikvision", "list:us-entity-list"))
    assert data["status"] == "confirmed" and "Addition of Certain Entities to the Entity List" in data["citations"]


def test_node_link_round_trip(starter, tmp_path):
    path = write_node_link(starter, tmp_path / "graph.json")
    graph = nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="links")
    assert nx.utils.graphs_equal(graph, flat_graph(starter))


def test_csv_round_trip_and_formula_cells_are_defused(starter, tmp_path):
    store = EmbeddedStore()
    store.add(starter.nodes(), starter.links(), validate=False)
    store.add([Node("org:formula", "Organization", {"name": '=HYPERLINK("http://example.org","x")'})], validate=False)
    folder = write_csv(store, tmp_path / "csv")
    nodes = pd.read_csv(folder / "nodes.csv", dtype=str, keep_default_na=False)
    edges = pd.read_csv(folder / "edges.csv", dtype=str, keep_default_na=False)
    assert nodes.loc[nodes["id"] == "org:formula", "label"].item().startswith("'=HYPERLINK")
    assert (
        unsafe_cell(nodes.loc[nodes["id"] == "org:formula", "label"].item()) == '=HYPERLINK("http://example.org","x")'
    )
    graph = nx.from_pandas_edgelist(edges, "source", "target", edge_attr=True, create_using=nx.MultiDiGraph)
    graph.add_nodes_from(nodes["id"])
    wanted_nodes, links = expected(store)
    assert set(graph.nodes) == wanted_nodes and edge_rels(graph) == links


def test_kumu_sheets_join_up(starter, tmp_path):
    folder = write_kumu(starter, tmp_path / "kumu")
    elements = pd.read_csv(folder / "elements.csv", dtype=str, keep_default_na=False)
    connections = pd.read_csv(folder / "connections.csv", dtype=str, keep_default_na=False)
    assert elements["Label"].is_unique
    assert set(connections["From"]) | set(connections["To"]) <= set(elements["Label"])
    graph = nx.from_pandas_edgelist(connections, "From", "To", edge_attr="Type", create_using=nx.MultiDiGraph)
    nodes, links = expected(starter)
    assert len(elements) == len(nodes) and Counter(d["Type"] for *_, d in graph.edges(data=True)) == links


def test_ftm_entities_are_valid_and_references_resolve(starter, tmp_path):
    path = write_ftm(starter, tmp_path / "graph.ftm.json")
    proxies = [
        model.get_proxy(json.loads(line), cleaned=False) for line in path.read_text(encoding="utf-8").splitlines()
    ]
    ids = {p.id for p in proxies}
    schemata = Counter(p.schema.name for p in proxies)
    organizations = sum(1 for n in starter.nodes("Organization"))
    buyers = sum(1 for n in starter.nodes("GovernmentBuyer"))
    assert schemata["Company"] == organizations and schemata["PublicBody"] == buyers
    assert schemata["Contract"] == sum(1 for n in starter.nodes("Transfer"))
    assert schemata["Sanction"] == sum(1 for link in starter.links("LISTED_ON"))
    for proxy in proxies:
        for prop, value in proxy.itervalues():
            if prop.type.name == "entity":
                assert value in ids, (proxy.id, prop.name, value)
    hikvision = next(p for p in proxies if p.id == "org:hikvision")
    assert hikvision.get("country") == ["cn"] and "Hikvision" in hikvision.get("alias")


def test_export_command_scoped_to_a_trace(starter, workspace, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["load"]).exit_code == 0
    out = tmp_path / "huawei.gexf"
    result = runner.invoke(main, ["export", "--format", "gexf", str(out), "--trace", "huawei"])
    assert result.exit_code == 0, result.output
    assert set(nx.read_gexf(out).nodes) == nodes_of_paths(trace(starter, "huawei"))
    result = runner.invoke(main, ["export", "--format", "svg", str(out)])
    assert result.exit_code == 2 and "Invalid value for '--format'" in result.output


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "node-link", "csv", "kumu", "ftm"])
def test_every_format_keeps_non_latin_names(fmt, starter, tmp_path):
    """Non-Latin names survive every format byte for byte."""
    store = EmbeddedStore()
    store.add(starter.nodes(), starter.links(), validate=False)
    names = ["海康威视", "Зала Аэро", "شركة المراقبة"]
    store.add([Node(f"org:n{i}", "Organization", {"name": n}) for i, n in enumerate(names)], validate=False)
    written = EXPORTS[fmt][0](store, tmp_path / f"out-{fmt}", None)
    text = "".join(p.read_text(encoding="utf-8") for p in ([written] if written.is_file() else written.iterdir()))
    for name in names:
        assert name in text
