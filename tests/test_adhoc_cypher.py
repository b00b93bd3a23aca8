"""Ad-hoc Cypher on the embedded store (grand-cypher): every query it accepts gives
the rows the Bolt stand-in gives; everything it would answer differently is
refused with a message naming the construct and the line."""

from __future__ import annotations

from collections import Counter

import pytest

from dualtrace.graph.model import Link, Node
from dualtrace.graph.store import EmbeddedStore
from dualtrace.queries import adhoc
from dualtrace.queries.adhoc import UnsupportedCypher, run_adhoc

ACCEPTED = [
    ("MATCH (o:Organization) WHERE o.country = $c RETURN o.id, o.name", {"c": "US"}),
    ("MATCH (o:Organization {country: 'IL'}) RETURN o.id AS id ORDER BY id", {}),
    (
        "MATCH (o:Organization)-[:MAKES]->(p:Product) WHERE p.category = $cat RETURN o.id, p.id",
        {"cat": "lawful_interception"},
    ),
    (
        "MATCH (o:Organization)-[s:SUPPLIER_OF]->(t:Transfer) RETURN o.id, count(t) AS n ORDER BY n DESC, o.id LIMIT 5",
        {},
    ),
    (
        "MATCH (t:Transfer)-[d:DELIVERED_TO]->(b:GovernmentBuyer) WHERE d.status IN $st RETURN t.id, b.id, d.sources",
        {"st": ["denied"]},
    ),
    ("MATCH (t:Transfer) WHERE t.year >= $y AND t.year < 2021 RETURN t.id, t.year", {"y": 2019}),
    (
        "MATCH (a)-[r:LISTED_ON]->(l:List {id: $l}) WHERE r.since > '2020' RETURN a.id, r.since",
        {"l": "list:us-entity-list"},
    ),
    ("MATCH (o {id: 'org:cloudwalk'})-[*1..4]->(b:GovernmentBuyer) RETURN DISTINCT b.id", {}),
    ("MATCH (o:Organization) WHERE o.name STARTS WITH 'Huawei' OR o.name CONTAINS 'Hikvision' RETURN o.id", {}),
    ("MATCH (o:Organization) WHERE o.country IS NULL RETURN o.id", {}),
    ("MATCH (p:Product)<-[:MAKES]-(o:Organization) WHERE size(o.aliases) > 1 RETURN DISTINCT o.id", {}),
    ("MATCH (a)<-[r:SUBSIDIARY_OF]-(b) RETURN a.id, type(r), b.id", {}),
    ("MATCH (c:Country)-[:PARTICIPATES_IN]->(r:Regime) RETURN count(c) AS members", {}),
    # a list property, as Neo4j reads it: DISTINCT over lists, and membership with IN
    ("MATCH (o:Organization) RETURN DISTINCT o.roles", {}),
    ("MATCH (o:Organization) WHERE 'maker' IN o.roles RETURN o.id ORDER BY o.id", {}),
    ("MATCH (o:Organization) WHERE $role IN o.roles RETURN o.id ORDER BY o.id", {"role": "broker"}),
    ("MATCH (a)-[r:LISTED_ON]->(l:List) WHERE 'source:data-dod-1260h' IN r.sources RETURN a.id ORDER BY a.id", {}),
]


def bag(rows):
    return Counter(repr(sorted(row.items())) for row in rows)


@pytest.mark.parametrize(("query", "params"), ACCEPTED)
def test_accepted_queries_agree_with_the_standin(starter, starter_on_standin, query, params):
    _, rows = run_adhoc(starter, query, params)
    expected = starter_on_standin.read(query, **params)
    assert rows, "a query that finds nothing proves little"
    assert bag(rows) == bag(expected)
    if "ORDER BY" in query:
        assert rows == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("MATCH (a:Organization)\nWITH a RETURN a.id", "line 2: the embedded Cypher engine does not support WITH"),
        ("OPTIONAL MATCH (a) RETURN a", "does not support OPTIONAL MATCH"),
        ("UNWIND [1, 2] AS x RETURN x", "does not support UNWIND"),
        ("MATCH (a) RETURN a.id UNION MATCH (b) RETURN b.id", "does not support UNION"),
        ("MATCH p = shortestPath((a)-[*]->(b)) RETURN p", "does not support shortestPath"),
        ("MATCH (a)-[r]-(b) RETURN a.id", "undirected patterns"),
        ("MATCH (a)--(b) RETURN a.id", "undirected patterns"),
        ("MATCH (o:Organization) WHERE o.country <> 'CN' RETURN o.id", "does not support <>"),
        ("MATCH (o:Organization) WHERE NOT o.country = 'CN' RETURN o.id", "does not support NOT"),
        ("MATCH (a) RETURN count(*)", "cannot read this query at '*)'"),
        ("MATCH (o:Organization) RETURN o.id ORDER BY o.country", "ORDER BY a property that some entities lack"),
        ("MATCH (o:Organization) SET o.name = 'x' RETURN o", "line 1: SET writes to the graph"),
        ("MATCH (o) DETACH DELETE o", "DETACH writes to the graph"),
    ],
)
def test_what_it_cannot_answer_exactly_is_refused(starter, query, message):
    with pytest.raises(UnsupportedCypher, match=message.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")):
        run_adhoc(starter, query, {})


def test_parameters_become_literals_safely(starter):
    with pytest.raises(UnsupportedCypher, match="cannot carry text with a double quote"):
        run_adhoc(starter, "MATCH (o {name: $n}) RETURN o.id", {"n": 'x" OR 1=1 //'})
    with pytest.raises(UnsupportedCypher, match=r"\$missing is not a parameter"):
        run_adhoc(starter, "MATCH (o {name: $missing}) RETURN o.id", {})
    assert run_adhoc(starter, "MATCH (o {name: $n}) RETURN o.id", {"n": "NSO Group"})[1] == [{"o.id": "org:nso-group"}]


def test_big_graphs_are_sent_to_neo4j(monkeypatch):
    store = EmbeddedStore()
    store.add(
        [Node("source:s", "Source", {"title": "t", "publisher": "p", "kind": "news"})]
        + [Node(f"org:{i}", "Organization", {"name": str(i)}) for i in range(4)],
        [
            Link(f"org:{i}", "PARTNER_OF", f"org:{i + 1}", {"sources": ["source:s"], "status": "reported"})
            for i in range(3)
        ],
    )
    monkeypatch.setattr(adhoc, "MAX_LINKS", 2)
    with pytest.raises(UnsupportedCypher, match=r"up to 2 links; this one has 3\. Push it to Neo4j"):
        run_adhoc(store, "MATCH (o:Organization) RETURN o.id", {})
