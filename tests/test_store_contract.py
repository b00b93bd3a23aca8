"""One contract for every store: the embedded store, the Neo4j store on the Bolt
stand-in (ArcadeDB, started here), and the Neo4j store on a real Neo4j when
NEO4J_URI (and NEO4J_PASSWORD) are set. They must agree.

The real-Neo4j run is skipped, with that reason, when NEO4J_URI is not set; it
then clears the database it is given, so point it at a scratch database.
"""

from __future__ import annotations

import pytest

from dualtrace.graph.errors import ValidationFailed
from dualtrace.graph.model import Link, Node
from dualtrace.graph.neo4j_store import Neo4jStore
from dualtrace.graph.store import EmbeddedStore
from tests.standin import bolt_connection

BACKENDS = ["embedded", "standin", "neo4j"]


@pytest.fixture(params=BACKENDS)
def store(request, standin):
    if request.param == "embedded":
        yield EmbeddedStore()
        return
    remote = Neo4jStore(bolt_connection(request.param, standin, "test against"), batch_size=50)
    remote.clear()
    yield remote
    remote.clear()
    remote.close()


def snapshot(store):
    return (
        {n.id: (n.kind, n.props) for n in store.nodes()},
        {link.key: link.props for link in store.links()},
    )


def test_round_trip_of_the_starter_dataset(store, starter):
    store.add(starter.nodes(), starter.links())
    assert snapshot(store) == snapshot(starter)
    assert store.counts() == starter.counts()


def test_adding_again_changes_nothing(store, starter):
    nodes, links = list(starter.nodes()), list(starter.links())
    store.add(nodes, links)
    store.add(nodes, links)
    assert store.counts() == starter.counts()


def test_an_update_replaces_properties(store):
    source = Node("source:s", "Source", {"title": "T", "publisher": "P", "kind": "news"})
    store.add([source, Node("org:a", "Organization", {"name": "A", "aliases": ["x", "y"], "country": "CN"})])
    store.add([Node("org:a", "Organization", {"name": "A Ltd", "roles": ["maker"]})])
    assert store.get("org:a").props == {"name": "A Ltd", "roles": ["maker"]}
    assert store.get("org:missing") is None


def test_invalid_input_is_refused_whole(store):
    source = Node("source:s", "Source", {"title": "T", "publisher": "P", "kind": "news"})
    good = Node("org:a", "Organization", {"name": "A"})
    bad_link = Link("org:a", "SUPPLIER_OF", "org:a", {"sources": ["source:s"], "status": "reported"})
    with pytest.raises(ValidationFailed, match="SUPPLIER_OF target must be Transfer"):
        store.add([source, good], [bad_link])
    assert list(store.nodes()) == []


def test_values_are_parameters_never_query_text(store):
    sneaky = "x'}) DETACH DELETE n //"
    source = Node("source:s", "Source", {"title": sneaky, "publisher": "P\\", "kind": "news"})
    store.add([source, Node("org:b", "Organization", {"name": 'Robert"); MATCH (n) DETACH DELETE n; //'})])
    assert store.get("source:s").props["title"] == sneaky
    assert store.get("org:b").name.startswith('Robert");')


def test_the_read_api_of_the_protocol(store, starter):
    """Every method queries use, asked of the starter dataset, answers alike on every store."""
    store.add(starter.nodes(), starter.links())
    assert store.has("org:hikvision") and not store.has("org:nobody")
    assert store.kind_of("org:hikvision") == "Organization" and store.kind_of("org:nobody") is None
    assert store.name_of("org:hikvision") == starter.name_of("org:hikvision")
    assert store.name_of("org:nobody") == "org:nobody"
    key = ("org:hikvision", "SUBSIDIARY_OF", "org:cetc")
    assert store.link_props(key) == starter.link_props(key)
    assert store.link_props(("org:hikvision", "SUBSIDIARY_OF", "org:dahua")) is None
    assert {n.id for n in store.nodes("List")} == {n.id for n in starter.nodes("List")}
    assert {link.key for link in store.links("LISTED_ON")} == {link.key for link in starter.links("LISTED_ON")}
    for node_id in ("org:huawei", "buyer:xuar-psb", "product:hikvision-cameras", "transfer:huawei-kenya-2015"):
        for direction in ("out", "in", "both"):
            for statuses in (None, ["confirmed"], ["reported", "denied"]):
                rels = ["SUPPLIER_OF", "DELIVERED_TO", "MAKES", "ITEM_OF", "SUBSIDIARY_OF", "LISTED_ON"]
                got = {link.key for link in store.neighbours(node_id, rels, direction, statuses)}
                want = {link.key for link in starter.neighbours(node_id, rels, direction, statuses)}
                assert got == want, (node_id, direction, statuses)
    assert {link.key for link in store.out_links("org:huawei")} == {
        link.key for link in starter.out_links("org:huawei")
    }
    assert {link.key for link in store.in_links("buyer:xuar-psb", "DELIVERED_TO")} == {
        link.key for link in starter.in_links("buyer:xuar-psb", "DELIVERED_TO")
    }


def test_the_version_moves_on_every_write(store):
    before = store.version
    store.add([Node("source:s", "Source", {"title": "T", "publisher": "P", "kind": "news"})])
    after = store.version
    assert after != before
    store.add([Node("org:a", "Organization", {"name": "A"})])
    assert store.version != after
