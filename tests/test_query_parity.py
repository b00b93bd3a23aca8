"""Parity: every saved query's Cypher, run by a Bolt server, gives exactly the rows
its Python twin gives on the embedded store (same columns, values and order).

Run on the Bolt stand-in (ArcadeDB, started by the ``standin`` fixture) always,
and on a real Neo4j when NEO4J_URI is set (skipped with that reason otherwise;
it clears the database it is given, so point it at a scratch database).

Each query runs with its example call and with variations drawn from the
starter dataset: every entity of the kind a parameter takes, every category,
country and list, and the statuses with and without ``denied``.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from dualtrace.graph.neo4j_store import Neo4jStore
from dualtrace.graph.store import EmbeddedStore
from dualtrace.graph.sync import push
from dualtrace.queries.catalogue import implementations
from dualtrace.queries.library import SavedQuery, load_library
from dualtrace.queries.runner import run_embedded, run_neo4j
from tests.standin import bolt_connection

LIBRARY = load_library()
WITH_DENIED = ["reported", "confirmed", "denied"]


def _ids(store: EmbeddedStore, kind: str) -> list[str]:
    return sorted(node.id for node in store.nodes(kind))


def variations(query: SavedQuery, store: EmbeddedStore) -> list[dict[str, Any]]:
    """The example call, then one call per value the starter dataset offers for
    the query's main parameter, then the example with denied links allowed."""
    cases: list[dict[str, Any]] = [dict(query.example.get("params") or {})]
    buyers_countries = sorted({n.props["country"] for n in store.nodes("GovernmentBuyer")})
    lists = _ids(store, "List")
    values: dict[str, list[Any]] = {
        "entity": _ids(store, "Organization") + _ids(store, "Product")[:10],
        "agency": _ids(store, "GovernmentBuyer"),
        "category": sorted({n.props["category"] for n in store.nodes("Product")}),
        "country": buyers_countries,
        "on_list": lists,
        "since": ["2015", "2019-06", "2022-12-31"],
        "top": [0, 1, 5],
        "limit": [1, 2],
        "rels": [["LISTED_ON"], ["SUBSIDIARY_OF", "PARTNER_OF"]],
    }
    for name, options in values.items():
        if name in query.params:
            cases += [{name: value} for value in options]
    if query.name == "shortest_sourced_path":
        ends = ["org:nvidia", "org:intel", "org:huawei", "org:hikvision", "buyer:xuar-psb", "buyer:urumqi-ccc"]
        cases += [{"from_entity": a, "to_entity": b} for a, b in itertools.permutations(ends, 2)]
    if "statuses" in query.params:
        cases.append({**cases[0], "statuses": WITH_DENIED})
    # every query, as of a few dates (whole years, months and days), with and without undated links
    for as_of in ("2015", "2019-10", "2019-10-09", "2019-10-10", "2022-12-31"):
        cases.append({**cases[0], "as_of": as_of})
    cases.append({**cases[0], "as_of": "2020", "dated_only": True})
    required = {p.name: p.example for p in query.params.values() if p.required}
    return [{**required, **case} for case in cases]


@pytest.fixture(scope="module", params=["standin", "neo4j"])
def remote(request, standin, starter):
    store = Neo4jStore(bolt_connection(request.param, standin, "check the saved queries on"))
    store.clear()
    store.ensure_schema()
    push(starter, store)
    yield store
    store.clear()
    store.close()


def test_every_saved_query_has_a_twin():
    assert len(LIBRARY) >= 15
    assert set(LIBRARY) == set(implementations())


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_cypher_and_twin_give_the_same_rows(remote, starter, name):
    query = LIBRARY[name]
    cases = variations(query, starter)
    assert len(cases) >= 2 or not query.params
    nonempty = 0
    for given in cases:
        expected = run_embedded(query, starter, given).rows
        got = run_neo4j(query, remote, given).rows
        assert got == expected, f"{name} with {given}"
        nonempty += bool(expected)
    assert nonempty, f"{name}: no variation gave any row, so parity proves little"
