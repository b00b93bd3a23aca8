"""The saved queries' indexes never serve a stale answer.

Seven embedded twins read prebuilt indexes (queries/indexes.py) instead of
every link. These tests change a store after the indexes were built, through
each way a store changes (add, remove, merge, an import), and compare the
answers with those of a store that had the same changes before any query ran.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dualtrace.graph.model import Link, Node
from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.formats import get_format
from dualtrace.ingest.importer import run_import
from dualtrace.ingest.merge import merge
from dualtrace.ingest.starter import load_starter
from dualtrace.queries import indexes
from dualtrace.queries.library import load_library
from dualtrace.queries.runner import run_embedded

LIBRARY = load_library()
SII = Path(__file__).parent / "data" / "shared" / "sii_transfers_sample" / "transfers_sample.json"

# The index-backed queries, each with calls that the changes below affect.
CALLS = [
    ("single_source_links", {}),
    ("single_source_links", {"statuses": ["reported"], "limit": 500}),
    ("unconfirmed_links", {"limit": 500}),
    ("denied_claims", {}),
    ("most_connected_vendors", {"top": 50}),
    ("technologies_by_country", {}),
    ("technologies_by_country", {"country": "BR"}),
    ("deals_since", {"since": "2025", "limit": 500}),
    ("deals_since", {"since": "2000", "country": "BR", "limit": 500}),
    ("regime_suppliers_to_outsiders", {"limit": 1000}),
]

SOURCE = "source:ipvm-hikvision-xinjiang-2018"
NEW_NODES = [
    Node("org:test-vendor", "Organization", {"name": "Testwerk GmbH", "country": "DE", "sources": [SOURCE]}),
    Node("product:test-camera", "Product", {"name": "Test camera", "category": "video_surveillance_camera"}),
    Node("transfer:test-2026", "Transfer", {"name": "Test deal", "year": 2026}),
    Node("buyer:test-police", "GovernmentBuyer", {"name": "Test police", "country": "BR", "sources": [SOURCE]}),
]
NEW_LINKS = [
    Link("org:test-vendor", "SUPPLIER_OF", "transfer:test-2026", {"status": "reported", "sources": [SOURCE]}),
    Link("product:test-camera", "ITEM_OF", "transfer:test-2026", {"status": "reported", "sources": [SOURCE]}),
    Link("transfer:test-2026", "DELIVERED_TO", "buyer:test-police", {"status": "reported", "sources": [SOURCE]}),
    Link("org:test-vendor", "MAKES", "product:test-camera", {"status": "denied", "sources": [SOURCE]}),
]


def fresh_starter() -> EmbeddedStore:
    """A store of the test's own (``demo_data.starter_store`` is shared and must not change)."""
    store = EmbeddedStore(None)
    load_starter(store)
    return store


def answers(store: EmbeddedStore) -> list[list[dict]]:
    return [run_embedded(LIBRARY[name], store, params).rows for name, params in CALLS]


def add_test_deal(store: EmbeddedStore) -> None:
    store.add(NEW_NODES, NEW_LINKS)


def remove_a_delivery(store: EmbeddedStore) -> None:
    store.remove_link(Link("transfer:hikvision-xuar-ijop", "DELIVERED_TO", "buyer:xuar-psb"))


def merge_test_vendor(store: EmbeddedStore) -> None:
    add_test_deal(store)
    merge(store, "org:hikvision", "org:test-vendor", reason="test")


def import_sii(store: EmbeddedStore) -> None:
    report = run_import(store, SII, get_format("sii", SII, store), file_date="2024-01-01", progress=False)
    assert report.links_added > 0


@pytest.mark.parametrize("change", [add_test_deal, remove_a_delivery, merge_test_vendor, import_sii])
def test_answers_after_a_change_match_a_store_that_never_had_indexes(change) -> None:
    queried_first = fresh_starter()
    before = answers(queried_first)
    change(queried_first)
    after = answers(queried_first)

    changed_first = fresh_starter()
    change(changed_first)
    assert after == answers(changed_first)
    assert after != before, "the change should show in at least one of the calls"


def test_an_index_is_built_once_per_version_and_again_after_a_change() -> None:
    store = fresh_starter()
    built = []

    def build(s: EmbeddedStore) -> int:
        built.append(s.version)
        return len(built)

    assert indexes.index(store, "probe", build) == indexes.index(store, "probe", build) == 1
    add_test_deal(store)
    assert indexes.index(store, "probe", build) == 2
    store.graph = store.graph.copy()  # same version, other graph object: not trusted
    assert indexes.index(store, "probe", build) == 3


@pytest.mark.parametrize(
    "name", ["items_by_country", "vendors_by_category", "deliveries_by_date", "supplies_by_vendor"]
)
def test_an_index_read_off_the_adjacency_is_the_index_read_through_the_protocol(name):
    """The deal indexes read networkx's adjacency when the store offers it (issue 18);
    over the Store protocol alone they must hold exactly the same groups."""
    from benchmarks.generate import enrich, synthetic_store
    from tests.test_pages import WithoutAdjacency

    store = enrich(synthetic_store(6000))
    build = getattr(indexes, name)
    fast, generic = build(store), build(WithoutAdjacency(store))
    assert fast and fast == generic
