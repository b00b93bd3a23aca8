"""The schema file drives validation: each rule below is one the schema states."""

from __future__ import annotations

from dualtrace.graph.model import Link, Node
from dualtrace.graph.schema import load_schema

SCHEMA = load_schema()
KINDS = {"org:hikvision": "Organization", "buyer:x": "GovernmentBuyer", "source:s": "Source", "country:CN": "Country"}


def fields(problems):
    return {p.field for p in problems}


def test_schema_declares_every_kind_from_the_design():
    assert set(SCHEMA.nodes) >= {
        "Organization",
        "Product",
        "GovernmentBuyer",
        "Country",
        "List",
        "Regime",
        "Source",
        "Transfer",
    }
    assert {"sources", "status", "since", "until", "note"} <= set(SCHEMA.provenance)
    assert {"sources", "records", "first_seen", "last_seen"} <= set(SCHEMA.node_common)
    assert SCHEMA.provenance["sources"].required and SCHEMA.provenance["status"].required


def test_valid_node_has_no_problems():
    assert SCHEMA.validate_node(Node("org:hikvision", "Organization", {"name": "Hikvision", "country": "CN"})) == []


def test_node_problems_are_all_reported():
    node = Node("hikvision", "Organization", {"country": "China", "roles": ["spy"], "colour": "red"})
    assert fields(SCHEMA.validate_node(node)) == {"id", "name", "country", "roles", "colour"}


def test_id_prefix_must_match_kind():
    problems = SCHEMA.validate_node(Node("org:zw", "Country", {"name": "Zimbabwe", "iso2": "ZW"}))
    assert [p.field for p in problems] == ["id"] and "'country'" in problems[0].message


def test_enum_and_date_checks():
    product = Node("product:p", "Product", {"name": "P", "category": "mind_reading"})
    assert fields(SCHEMA.validate_node(product)) == {"category"}
    source = Node("source:s", "Source", {"title": "T", "publisher": "P", "kind": "news", "date": "2019-13-01"})
    assert fields(SCHEMA.validate_node(source)) == {"date"}
    for good in ("2019", "2019-10", "2019-10-09"):
        assert (
            SCHEMA.validate_node(
                Node("source:s", "Source", {"title": "T", "publisher": "P", "kind": "news", "date": good})
            )
            == []
        )


def test_link_without_source_is_refused():
    link = Link("org:hikvision", "LOCATED_IN", "country:CN", {"status": "confirmed"})
    assert fields(SCHEMA.validate_link(link, KINDS)) == {"sources"}


def test_link_citing_a_non_source_is_refused():
    link = Link("org:hikvision", "LOCATED_IN", "country:CN", {"status": "confirmed", "sources": ["org:hikvision"]})
    assert fields(SCHEMA.validate_link(link, KINDS)) == {"sources"}


def test_link_ends_must_exist_and_have_allowed_kinds():
    wrong_kind = Link("country:CN", "MAKES", "org:hikvision", {"status": "reported", "sources": ["source:s"]})
    assert fields(SCHEMA.validate_link(wrong_kind, KINDS)) == {"source", "target"}
    missing = Link("org:nobody", "LOCATED_IN", "country:CN", {"status": "reported", "sources": ["source:s"]})
    assert [p.message for p in SCHEMA.validate_link(missing, KINDS)] == ["no entity with id 'org:nobody'"]


def test_status_must_be_reported_confirmed_or_denied():
    link = Link("org:hikvision", "LOCATED_IN", "country:CN", {"status": "rumoured", "sources": ["source:s"]})
    assert fields(SCHEMA.validate_link(link, KINDS)) == {"status"}


def test_the_quick_check_finds_what_the_full_check_finds():
    """Valid records are checked in one pass (graph/schema.py, PropertyChecks); any
    record the full check faults is given the full check's problems, in its order.
    Every property of every kind, emptied, mistyped or unknown, two at a time."""
    from itertools import combinations

    from dualtrace.graph.schema import _check_properties

    bad = {"string": [" ", 3], "text": ["", 0.5], "list": ["a", [""], [1], ["x", " "]], "date": ["2024-13", 2024],
           "year": ["2020", 1800, True], "number": ["1", True], "country": ["cn", "CHN"], "enum": ["nope", None],
           "url": ["ftp://x", "http://a b"]}  # fmt: skip
    good = {"string": "x", "text": "t", "list": ["a"], "date": "2024-05", "year": 2020, "number": 1.5,
            "country": "CN", "enum": None, "url": "https://example.org"}  # fmt: skip
    checked = 0
    for side, names in (("node", SCHEMA.nodes), ("link", SCHEMA.relationships)):
        for name in names:
            checks = SCHEMA._checks(side, name)
            base = {p: spec.values[0] if spec.type == "enum" else good[spec.type] for p, spec in checks.specs.items()}
            variants = [base, {**base, "unknown": 1}]
            for prop, spec in checks.specs.items():
                variants += [{k: v for k, v in base.items() if k != prop}, {**base, prop: ""}, {**base, prop: []}]
                variants += [{**base, prop: value} for value in bad[spec.type]]
            variants += [{**a, **b} for a, b in combinations(variants[2:40], 2)]
            for props in variants:
                assert checks.problems(props) == _check_properties(props, checks.specs), (name, props)
                checked += 1
    assert checked > 5000
    assert SCHEMA.node_properties("Organization") is SCHEMA.node_properties("Organization")
    assert SCHEMA.link_checks("MAKES") is SCHEMA.link_checks("ITEM_OF")  # the same properties: one verdict
