"""The resolver joins only on strong evidence (ingest/resolution.py), case by case."""

from __future__ import annotations

import pytest

from dualtrace.graph.model import Node
from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.decisions import Decision, Decisions
from dualtrace.ingest.resolution import Resolver
from dualtrace.ingest.staging import Entity

SOURCE = Node("source:s", "Source", {"title": "T", "publisher": "P", "kind": "other"})


@pytest.fixture
def store() -> EmbeddedStore:
    store = EmbeddedStore()
    store.add(
        [
            SOURCE,
            Node("org:hik", "Organization", {"name": "Hangzhou Hikvision Digital Technology Co., Ltd.", "country": "CN",
                                             "aliases": ["Hikvision"]}),
            Node("org:intellexa-sa", "Organization", {"name": "Intellexa S.A.", "country": "GR"}),
            Node("org:zte", "Organization", {"name": "ZTE Corporation", "country": "CN"}),
            Node("org:cec", "Organization", {"name": "China Electronics Corporation", "aliases": ["CEC"]}),
            Node("buyer:ao-minint", "GovernmentBuyer", {"name": "Ministry of Interior", "country": "AO"}),
            Node("buyer:xuar", "GovernmentBuyer", {"name": "Xinjiang Public Security Bureau", "country": "CN",
                                                   "identifiers": ["ofac-sdn:29159"]}),
            Node("person:a", "Person", {"name": "ZHANG, Wei", "country": "CN"}),
        ]
    )  # fmt: skip
    return store


def resolve(store: EmbeddedStore, kind: str, name: str, decisions: Decisions | None = None, **props) -> str:
    resolver = Resolver(store, decisions or Decisions(None), "source:dataset-test")
    return resolver.resolve(Entity("k", kind, {"name": name, **props}))


@pytest.mark.parametrize(
    ("kind", "name", "props", "expected"),
    [
        # the same full name, legal forms agreeing ("Company" and "Co., Ltd.")
        ("Organization", "Hangzhou Hikvision Digital Technology Company", {}, "org:hik"),
        ("Organization", "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO LTD", {"country": "CN"}, "org:hik"),
        # a shared identifier: the same record of the same dataset
        ("GovernmentBuyer", "XINJIANG PUBLIC SECURITY BUREAU", {"identifiers": ["ofac-sdn:29159"]}, "buyer:xuar"),
        # a one-word name with its very legal form
        ("Organization", "ZTE CORPORATION", {}, "org:zte"),
        # a government body with the same country
        ("GovernmentBuyer", "Ministry of Interior", {"country": "AO"}, "buyer:ao-minint"),
    ],
)
def test_strong_evidence_joins(store, kind, name, props, expected):
    assert resolve(store, kind, name, **props) == expected


@pytest.mark.parametrize(
    ("kind", "name", "props", "why"),
    [
        ("Organization", "Intellexa Limited", {}, "Limited and S.A. are two companies"),
        ("Organization", "Hangzhou Hikvision Digital Technology Co., Ltd.", {"country": "US"}, "countries conflict"),
        ("Organization", "Hikvision", {}, "an alias alone, a one-word name"),
        ("Organization", "CEC", {}, "an acronym"),
        ("Organization", "CEC LIMITED", {}, "an acronym with a legal form is not the alias CEC"),
        ("GovernmentBuyer", "MINISTRY OF INTERIOR", {}, "a body's name without a country (Cuba's is an SDN entry)"),
        ("GovernmentBuyer", "Ministry of Interior", {"country": "CU"}, "another country's ministry"),
        ("Person", "ZHANG, Wei", {"country": "CN"}, "people share names"),
        ("GovernmentBuyer", "Xinjiang Public Security Bureau", {"identifiers": ["ofac-sdn:1"]}, "another SDN entry"),
    ],
)
def test_weak_evidence_never_joins(store, kind, name, props, why):
    found = resolve(store, kind, name, **props)
    assert not store.has(found), why


def test_a_reviewer_s_not_same_keeps_them_apart(store):
    decisions = Decisions(None, [Decision("org:zte", "org:zte-corporation", "not_same")])
    assert resolve(store, "Organization", "ZTE Corporation", decisions) == "org:zte-corporation"
